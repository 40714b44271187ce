"""Installed packages of a prefix: ``linked_data``, ``linked``, ``is_linked``,
``delete_prefix_from_linked_data`` as conda 25.1 has them, and ``verify_prefix``.

A prefix's packages are its ``conda-meta/*.json`` records, read in directory order as
conda reads them: a record whose file name is not ``<name>-<version>-<build>.json`` of its
own contents is ignored with a warning, and of two records with the same name the later
one wins. A prefix without ``conda-meta`` has no packages. Text that is not JSON raises
``CorruptedEnvironmentError`` naming the file, JSON that is not an object ``TypeError``
and a record conda refuses conda's ``RecordValidationError``, as in conda.

The backend's kernel (``rust/prefix/``, ``_fallback/prefix.py``) reads the files, in
parallel on the Rust backend. Records are built from the small fields; on the Rust
backend ``files`` and ``paths_data`` (most of a record's bytes) stay as text until first
read when conda would keep them as they are, so loading a prefix builds no path objects.

The records of each prefix are kept (conda keeps them until ``delete_prefix_from_linked_data``
or ``rm_rf`` drops them), but here a change of ``conda-meta`` (its modification time, or a
file added, removed or rewritten) also makes the next call read it again, and switching the
backend forgets everything.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from . import _backend
from ._paths import text_path
from .exceptions import CorruptedEnvironmentError, os_error_for_path

StrPath = str | os.PathLike[str]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Loaded:
    """One prefix's records as last read, and what its conda-meta looked like then."""

    signature: tuple[Any, ...]
    records: dict[str, Any]  # name -> PrefixRecord, in conda's order
    dists: dict[Any, Any]  # Dist -> PrefixRecord
    meta: Any  # the kernel's CondaMeta
    positions: dict[str, int]  # name -> its file's index in ``meta``


_EMPTY = _Loaded((), {}, {}, None, {})
_cache: dict[str, _Loaded] = {}


@_backend.on_switch
def _clear_cache() -> None:
    _cache.clear()


def _prefix_key(prefix: StrPath) -> str:
    return os.path.abspath(text_path(prefix))


def _scan(meta_dir: str) -> tuple[tuple[Any, ...], list[str]] | None:
    """The signature of ``meta_dir`` and its ``*.json`` paths in directory order, or None
    when there is nothing at that path (anything there that is not a directory raises, as
    in conda)."""
    if not os.path.lexists(meta_dir):
        return None
    dir_stat = os.stat(meta_dir)
    entries: list[tuple[str, int, int, int]] = []
    with os.scandir(meta_dir) as scan:
        for entry in scan:
            if entry.name[-5:] != ".json":
                continue
            try:
                info = entry.stat()
            except FileNotFoundError:
                info = None  # a dangling link, or removed meanwhile: reading it will say which
            entries.append((entry.name, *((info.st_ino, info.st_mtime_ns, info.st_size) if info else (0, 0, -1))))
    signature = (dir_stat.st_ino, dir_stat.st_mtime_ns, tuple(entries))
    return signature, [os.path.join(meta_dir, e[0]) for e in entries]


_RECORD, _IO_ERROR, _CORRUPT, _NOT_AN_OBJECT = range(4)


def _decode(prefix: str, path: str, text: str) -> Any:
    """One field's JSON text, decoded as the fallback decodes whole files."""
    from ._fallback.prefix import load_json
    from .exceptions import RepodataDecodeError

    try:
        return load_json(path, text.encode("utf-8", "surrogatepass"))
    except RepodataDecodeError:
        raise CorruptedEnvironmentError(prefix, path) from None


def _lazy_value(meta: Any, index: int, prefix: str, path: str, key: str) -> Any:
    value = meta.value(index, key)
    return _decode(prefix, path, meta.text(index, key)) if value is None else value


def _build(prefix: str, path: str, meta: Any, index: int, entry: tuple[int, Any, Any, tuple[str, ...]]) -> Any:
    """The PrefixRecord of one file's entry, raising as conda does for a bad one."""
    from .models.records import PrefixRecord

    kind, fields, texts, lazy = entry
    if kind == _IO_ERROR:
        raise os_error_for_path(fields, os.strerror(fields) if fields else texts, path)
    if kind == _CORRUPT:
        raise CorruptedEnvironmentError(prefix, path)
    if kind == _NOT_AN_OBJECT:
        raise TypeError(f"the conda-meta record {path} is not a JSON object")
    for key, text in texts:
        fields[key] = _decode(prefix, path, text)
    record = PrefixRecord(**fields)
    if lazy:
        record.__dict__["_conda_meta"] = (lazy, partial(_lazy_value, meta, index, prefix, path))
    return record


def _load(prefix: str) -> _Loaded:
    from .models.dist import Dist

    scanned = _scan(os.path.join(prefix, "conda-meta"))
    if scanned is None:
        _cache.pop(prefix, None)
        return _EMPTY
    signature, paths = scanned
    cached = _cache.get(prefix)
    if cached is not None and cached.signature == signature:
        return cached
    meta = _backend.prefix.read_conda_meta(paths)
    records: dict[str, Any] = {}
    positions: dict[str, int] = {}
    for index, (path, entry) in enumerate(zip(paths, meta.entries())):
        record = _build(prefix, path, meta, index, entry)
        if os.path.basename(path)[:-5].rsplit("-", 2) != [record.name, record.version, record.build]:
            _log.warning("Ignoring malformed prefix record at: %s", path)
            continue
        records[record.name] = record
        positions[record.name] = index
    loaded = _Loaded(signature, records, {Dist(record): record for record in records.values()}, meta, positions)
    _cache[prefix] = loaded
    return loaded


def prefix_records(prefix: StrPath) -> list[Any]:
    """The installed ``PrefixRecord``s of ``prefix``, one per package name, as conda loads them."""
    return list(_load(_prefix_key(prefix)).records.values())


def linked_data(prefix: StrPath, ignore_channels: bool = False) -> dict[Any, Any]:
    """The installed packages of ``prefix`` as ``{Dist: PrefixRecord}`` (``ignore_channels``
    is accepted and ignored, as in conda)."""
    return dict(_load(_prefix_key(prefix)).dists)


def linked(prefix: StrPath, ignore_channels: bool = False) -> set[Any]:
    """The ``Dist``s of the conda packages installed in ``prefix`` (pip-installed records left out)."""
    from .models.enums import PackageType

    conda_types = PackageType.conda_package_types()
    return {dist for dist, record in _load(_prefix_key(prefix)).dists.items() if record.package_type in conda_types}


def is_linked(prefix: StrPath, dist: Any) -> Any:
    """The installed record of ``dist.name`` when it matches ``dist`` (its channel, version
    and build count), else None."""
    from .models.match_spec import MatchSpec

    record = _load(_prefix_key(prefix)).records.get(dist.name)
    if record is None:
        return None
    return record if MatchSpec(dist).match(record) else None


def delete_prefix_from_linked_data(path: StrPath) -> bool:
    """Forgets the records kept for the innermost prefix containing ``path`` (a prefix, or
    anything inside one); True when one was forgotten."""
    target = _prefix_key(path)
    for prefix in sorted(_cache, reverse=True):
        if target == prefix or target.startswith(prefix.rstrip(os.sep) + os.sep):
            del _cache[prefix]
            return True
    return False


# --------------------------------------------------------------------------------------
# verify_prefix


@dataclass(frozen=True)
class Problem:
    """One installed file that is not as its package installed it.

    ``kind`` is ``missing``, ``size``, ``sha256``, ``symlink`` (a file replaced by a symlink),
    ``directory`` (a file replaced by a directory), ``not_a_directory`` (a directory replaced
    by something else), ``special`` (a FIFO, socket or device where a file was) or
    ``unreadable``; ``expected`` / ``found`` are the size or digest compared, where there is one."""

    package: str
    path: str
    kind: str
    expected: Any = None
    found: Any = None

    def __str__(self) -> str:
        detail = f" (expected {self.expected}, found {self.found})" if self.expected is not None else ""
        return f"{self.path}: {self.kind}{detail}"


def verify_prefix(
    prefix: StrPath, *, packages: Iterable[str] | None = None, check_sha256: bool = True
) -> dict[str, list[Problem]]:
    """The altered files of ``prefix``, per package name (packages without problems left out),
    what ``conda doctor`` reports as altered, checked in parallel on the Rust backend.

    Every file a record lists in ``paths_data`` is checked: present, still what the package
    installed (not replaced by a symlink, a directory or a special file), of the recorded
    ``size_in_bytes`` and, with ``check_sha256``, of the recorded ``sha256``. A file the
    prefix was written into is compared with its ``sha256_in_prefix`` only; symlinks the
    package installed, and entries without a recorded size or digest, are checked for
    presence. ``packages`` limits the check to those names; an unknown name raises ``KeyError``.
    """
    root = _prefix_key(prefix)
    loaded = _load(root)
    records = loaded.records
    if packages is None:
        chosen = list(records.values())
    else:
        wanted = list(dict.fromkeys([packages] if isinstance(packages, str) else packages))
        missing = [name for name in wanted if name not in records]
        if missing:
            raise KeyError(f"not installed in {root}: {', '.join(missing)}")
        chosen = [records[name] for name in wanted]

    report: dict[str, list[Problem]] = {}
    if not chosen:
        return report
    names = [record.name for record in chosen]
    found = loaded.meta.verify(root, [loaded.positions[name] for name in names], check_sha256)
    for position, path, kind, expected, actual in found:
        name = names[position]
        report.setdefault(name, []).append(Problem(name, path, kind, expected, actual))
    return report
