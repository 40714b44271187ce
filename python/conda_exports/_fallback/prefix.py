"""Pure-Python kernel of conda-meta reading and ``verify_prefix``; the contract of ``rust/prefix/``.

``read_conda_meta(paths)`` reads every file and returns a ``CondaMeta``: ``entries()`` gives
per file ``(0, fields, [], ())`` for a record (every field decoded here: the fallback keeps
nothing lazy), ``(1, errno, message, ())`` when the file cannot be read, ``(2, reason,
None, ())`` for text that is not valid JSON under serde_json's rules (the same text the
Rust kernel refuses), ``(3, None, None, ())`` for JSON that is not an object.
``verify(root, indices, check_sha256)`` applies the rules written in ``rust/prefix/verify.rs``.
"""

from __future__ import annotations

import os
import re
import stat

from .hashing import file_digests
from .repodata import _MAX_DEPTH, _depth, _load, _strict_json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_I64 = (-(2**63), 2**63)
#: A run of digits long enough to be an integer orjson would read as a float.
_LONG_DIGITS = re.compile(rb"\d{19,}")


def load_json(path: str, data: bytes) -> Any:
    """JSON text under serde_json's rules, with integers exact as Python's json (and conda)
    reads them; ``RepodataDecodeError`` for text that is not valid."""
    doc, text, exact = _load(path, data)
    if not exact and _LONG_DIGITS.search(data):
        doc = _strict_json(path, text)
    return doc


class CondaMeta:
    """The conda-meta files of a prefix, as read."""

    def __init__(self, entries: list[tuple[int, Any, Any, tuple[str, ...]]], docs: list[Any]) -> None:
        self._entries = entries
        self._docs = docs

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> list[tuple[int, Any, Any, tuple[str, ...]]]:
        return list(self._entries)

    def text(self, index: int, key: str) -> str:
        raise KeyError(key)  # nothing is kept as text here

    def value(self, index: int, key: str) -> Any:
        raise KeyError(key)

    def verify(self, root: str, indices: list[int], check_sha256: bool) -> list[tuple[int, str, str, Any, Any]]:
        for index in indices:
            if not 0 <= index < len(self._docs):
                raise IndexError(index)
        problems: list[tuple[int, str, str, Any, Any]] = []
        for position, index in enumerate(indices):
            doc = self._docs[index]
            paths_data = doc.get("paths_data") if type(doc) is dict else None
            paths = paths_data.get("paths") if type(paths_data) is dict else None
            if type(paths) is not list:
                continue
            for entry in paths:
                check = _check_of(entry)
                if check is not None:
                    found = _inspect(root, *check, check_sha256)
                    if found is not None:
                        problems.append((position, check[0], *found))
        return problems


def _text(value: Any) -> str | None:
    return value if type(value) is str and value else None


def _check_of(entry: Any) -> tuple[str, Any, int | None, str | None] | None:
    """``(path, path_type, size, sha256)`` of a ``paths`` entry, or None to pass it over."""
    if type(entry) is not dict:
        return None
    path = entry.get("_path")
    if type(path) is not str:
        return None
    path_type = entry.get("path_type")
    path_type = path_type if type(path_type) is str else None
    if _text(entry.get("prefix_placeholder")) is not None:
        return path, path_type, None, _text(entry.get("sha256_in_prefix"))
    size = entry.get("size_in_bytes")
    size = size if type(size) is int and _I64[0] <= size < _I64[1] else None
    return path, path_type, size, _text(entry.get("sha256"))


def _inspect(
    root: str, path: str, path_type: str | None, size: int | None, sha256: str | None, check_sha256: bool
) -> tuple[str, Any, Any] | None:
    full = os.path.join(root, path)
    try:
        info = os.lstat(full)
    except (FileNotFoundError, NotADirectoryError):
        return "missing", None, None
    except (OSError, ValueError):
        return "unreadable", None, None
    mode = info.st_mode
    if path_type == "softlink":
        return None
    if stat.S_ISLNK(mode):
        return "symlink", None, None
    if stat.S_ISDIR(mode):
        return None if path_type == "directory" else ("directory", None, None)
    if path_type == "directory":
        return "not_a_directory", None, None
    if not stat.S_ISREG(mode):
        return "special", None, None
    if size is not None and info.st_size != size:
        return "size", size, info.st_size
    if not check_sha256 or sha256 is None:
        return None
    try:
        (digest,) = file_digests(full, ["sha256"])
    except (OSError, ValueError):
        return "unreadable", None, None
    if sha256.isascii() and sha256.lower() == digest:
        return None
    return "sha256", sha256, digest


def _read(path: str) -> tuple[tuple[int, Any, Any, tuple[str, ...]], Any]:
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as exc:
        return (1, exc.errno, exc.strerror or str(exc), ()), None
    from ..exceptions import RepodataDecodeError

    try:
        doc = load_json(path, data)
    except RepodataDecodeError as exc:
        return (2, str(exc), None, ()), None
    if type(doc) is not dict:
        return (3, None, None, ()), None
    for value in doc.values():
        if type(value) in (dict, list) and _depth(value, _MAX_DEPTH) > _MAX_DEPTH:
            return (2, "recursion limit exceeded", None, ()), None
    return (0, dict(doc), [], ()), doc


def read_conda_meta(paths: list[str]) -> CondaMeta:
    """Reads ``paths`` one after the other."""
    entries, docs = [], []
    for path in paths:
        entry, doc = _read(path)
        entries.append(entry)
        docs.append(doc)
    return CondaMeta(entries, docs)
