"""The package cache as conda 25.1's ``conda.exports.package_cache()`` sees it.

A package is an extracted folder with ``info/index.json`` and/or an archive (``.conda`` over
``.tar.bz2`` when both exist, as conda dedupes them); its record comes from the folder's
``info/repodata_record.json`` or, failing that, its ``info/index.json`` (or the archive's)
with the URL ``urls.txt`` gives, the archive's md5 and size.

Listing never changes the cache on disk, unlike conda, which extracts lone archives, writes
``repodata_record.json`` and deletes archives it cannot read while listing. Here a lone
archive's ``info/index.json`` is read from inside it and a package that cannot be read is
skipped; so a package conda fails to extract only because of its payload (not its ``info``
part) is listed here, and conda's crashes (a ``.conda`` without an info part or with a bad
zstd stream, a ``urls.txt`` line that is not UTF-8) are skips here.

The records of each cache directory are kept, as conda keeps them; unlike conda they are
read again when the directory or its ``urls.txt`` changes, and forgotten when the backend
switches.
"""

from __future__ import annotations

import io
import logging
import os
import posixpath
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

from . import _backend
from .constants import PACKAGE_EXTENSIONS

try:
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - depends on the environment
    from json import loads as _loads  # type: ignore[assignment,unused-ignore]

log = logging.getLogger(__name__)

_EXTENSIONS = PACKAGE_EXTENSIONS
_INDEX_JSON = "info/index.json"
_cache: dict[str, tuple[tuple[Any, ...], dict[Any, Any]]] = {}

#: What a damaged package (file, JSON or archive) raises while it is read: it is skipped.
_UNREADABLE: tuple[type[BaseException], ...] = (
    OSError,  # also bz2's "invalid data stream" and the package's CondaError file errors
    EOFError,  # a truncated compressed stream
    ValueError,  # bad JSON, bad UTF-8, a bad zstd frame (re-raised as ValueError)
    KeyError,
    tarfile.TarError,
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,  # a zip member compressed by a method zipfile lacks
    RuntimeError,  # an encrypted zip member
)


class _NoDecompressor(Exception):
    """Neither ``compression.zstd`` (Python 3.14) nor ``zstandard`` is importable."""


@_backend.on_switch
def _clear_cache() -> None:
    _cache.clear()


def _strip(name: str) -> tuple[str, str | None]:
    for ext in _EXTENSIONS:
        if name.endswith(ext):
            return name[: -len(ext)], ext
    return name, None


def _dedupe(names: list[str]) -> list[str]:
    """conda's choice among a folder and its archives: the ``.conda``, else the ``.tar.bz2``,
    else the folder; sorted by name."""
    groups: dict[str | None, set[str]] = {".conda": set(), ".tar.bz2": set(), None: set()}
    for name in names:
        root, ext = _strip(name)
        groups[ext].add(root)
    v2 = groups[".conda"]
    v1 = groups[".tar.bz2"] - v2
    others = groups[None] - v2 - v1
    return sorted([*(r + ".conda" for r in v2), *(r + ".tar.bz2" for r in v1), *others])


def _read_json(path: str) -> Any:
    with open(path, "rb") as file:
        return _loads(file.read())


def _index_json_from_tar(tar: tarfile.TarFile, path: str) -> Any:
    """``info/index.json`` of a streamed tar, read member by member (the ``info/`` files come
    first in a conda package, so the rest is not decompressed)."""
    with tar:
        for member in tar:
            if posixpath.normpath(member.name) == _INDEX_JSON:
                data = tar.extractfile(member)
                if data is None:
                    break
                return _loads(data.read())
    raise KeyError(f"no {_INDEX_JSON} in {path}")


def _zstd_reader(compressed: bytes) -> tuple[IO[bytes], type[Exception]]:
    """A reader of the decompressed bytes and the error the decompressor raises."""
    try:
        from compression import zstd  # type: ignore[import-not-found,unused-ignore]  # Python 3.14

        return zstd.ZstdFile(io.BytesIO(compressed)), zstd.ZstdError
    except ImportError:
        pass
    try:
        import zstandard  # type: ignore[import-not-found,unused-ignore]
    except ImportError as error:
        raise _NoDecompressor("reading a .conda archive needs the zstandard package") from error
    reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(compressed))
    return reader, zstandard.ZstdError


def _index_json_from_archive(path: str) -> Any:
    """``info/index.json`` read from a package archive without extracting it."""
    if path.endswith(".tar.bz2"):
        return _index_json_from_tar(tarfile.open(path, "r|bz2"), path)
    with zipfile.ZipFile(path) as archive:
        inner = [n for n in archive.namelist() if n.startswith("info-") and n.endswith(".tar.zst")]
        if not inner:
            raise KeyError(f"no info-*.tar.zst in {path}")
        compressed = archive.read(inner[0])
    reader, zstd_error = _zstd_reader(compressed)
    try:
        with reader:
            return _index_json_from_tar(tarfile.open(fileobj=reader, mode="r|"), path)
    except zstd_error as error:
        raise ValueError(f"{path}: {error}") from error


def _urls(pkgs_dir: str) -> list[str]:
    """``urls.txt``, latest first; none when it cannot be read."""
    try:
        with open(os.path.join(pkgs_dir, "urls.txt"), "rb") as file:
            urls = [line.strip().decode("utf-8", "replace") for line in file]
    except OSError:
        return []
    urls.reverse()
    return urls


def _url_for(urls: list[str], name: str) -> str | None:
    """The latest URL of ``urls.txt`` naming this package; a folder is taken for a
    ``.tar.bz2`` (as conda does)."""
    if not name.endswith(_EXTENSIONS):
        name += ".tar.bz2"
    return next((url for url in urls if url.rsplit("/", 1)[-1] == name), None)


def _make_record(pkgs_dir: str, name: str, urls: list[str]) -> Any:
    """The record of the folder or archive ``name``, or ``None`` when it has no metadata.

    The folder's ``repodata_record.json`` when readable; else its ``info/index.json`` (or,
    failing that, the archive's) with the URL from ``urls.txt``, md5 of the archive and the
    size of the archive (of the folder when there is none), which is the record conda makes
    after extracting the archive."""
    from .hashing import hash_file
    from .models.records import PackageCacheRecord

    tarball = os.path.join(pkgs_dir, name)
    extracted = tarball[: -len(ext)] if (ext := _strip(name)[1]) else tarball
    try:
        data = _read_json(os.path.join(extracted, "info", "repodata_record.json"))
    except (OSError, ValueError):
        data = None
    if isinstance(data, dict):
        fields = {**data, "package_tarball_full_path": tarball, "extracted_package_dir": extracted}
        if "md5" not in data and not os.path.isfile(tarball):
            fields["md5"] = None  # conda's md5 is then None (with an archive, the archive's)
        return PackageCacheRecord(**fields)
    try:
        index = _read_json(os.path.join(extracted, "info", "index.json"))
    except (OSError, ValueError):
        if not os.path.isfile(tarball):
            return None
        index = _index_json_from_archive(tarball)
    if not isinstance(index, dict):
        return None
    fields = {
        **index,
        "url": _url_for(urls, name),
        "fn": os.path.basename(tarball),
        "md5": hash_file(tarball, "md5") if os.path.isfile(tarball) else None,
        "size": os.path.getsize(tarball),
        "package_tarball_full_path": tarball,
        "extracted_package_dir": extracted,
    }
    return PackageCacheRecord(**fields)


def _signature(pkgs_dir: str) -> tuple[Any, ...]:
    def stamp(path: str) -> tuple[int, int, int] | None:
        try:
            info = os.stat(path)
        except OSError:
            return None
        return (info.st_ino, info.st_mtime_ns, info.st_size)

    return (stamp(pkgs_dir), stamp(os.path.join(pkgs_dir, "urls.txt")))


def cache_records(pkgs_dir: str) -> dict[Any, Any]:
    """The records of one package cache directory, ``{record: record}`` in conda's order (kept
    until the directory changes)."""
    from .exceptions import RecordValidationError

    skipped: tuple[type[BaseException], ...] = (RecordValidationError, _NoDecompressor, *_UNREADABLE)
    pkgs_dir = os.fspath(pkgs_dir)
    signature = _signature(pkgs_dir)
    cached = _cache.get(pkgs_dir)
    if cached is not None and cached[0] == signature:
        return cached[1]
    records: dict[Any, Any] = {}
    if os.path.isdir(pkgs_dir):
        urls = _urls(pkgs_dir)
        try:
            with os.scandir(pkgs_dir) as entries:
                names = [entry.name for entry in entries]
        except OSError:
            names = []  # a directory that cannot be listed holds no package we can read
        for name in _dedupe(names):
            full = os.path.join(pkgs_dir, name)
            if os.path.islink(full):
                continue
            is_package = (
                os.path.isdir(full)
                and os.path.isfile(os.path.join(full, "info", "index.json"))
                or os.path.isfile(full)
                and name.endswith(_EXTENSIONS)
            )
            if not is_package:
                continue
            try:
                record = _make_record(pkgs_dir, name, urls)
            except skipped as error:
                # conda deletes an unreadable archive; it is only left out here
                log.debug("skipping %s in the package cache: %s", full, error)
                record = None
            if record is not None:
                records[record] = record
    _cache[pkgs_dir] = (signature, records)
    return records


def first_writable() -> str:
    """The first of ``pkgs_dirs`` that is a writable package cache (it has a writable
    ``urls.txt``) or can be made one (created with an empty ``urls.txt``, as conda does)."""
    from .configuration import context
    from .exceptions import NoWritablePkgsDirError

    pkgs_dirs = list(context.pkgs_dirs)
    for pkgs_dir in pkgs_dirs:
        magic = os.path.join(pkgs_dir, "urls.txt")
        if os.path.isfile(magic):
            if os.access(magic, os.W_OK):
                return pkgs_dir
            continue
        try:
            os.makedirs(pkgs_dir, exist_ok=True)
            with open(magic, "a"):
                pass
        except OSError:
            continue
        return pkgs_dir
    raise NoWritablePkgsDirError(pkgs_dirs)


class PackageCache:
    """``package_cache()``: the first writable package cache, by ``Dist``."""

    def __contains__(self, dist: Any) -> bool:
        from .models.dist import Dist

        return bool(cache_records(first_writable()).get(Dist(dist).to_package_ref()))

    def keys(self) -> Iterator[Any]:
        from .models.dist import Dist

        return (Dist(record) for record in list(cache_records(first_writable()).values()))

    def __delitem__(self, dist: Any) -> None:
        """Forgets the package (the files stay); ``KeyError`` when it is not in the cache."""
        from .models.dist import Dist

        del cache_records(first_writable())[Dist(dist).to_package_ref()]


def package_cache() -> PackageCache:
    """conda.exports' ``package_cache()`` object over the first writable package cache."""
    return PackageCache()
