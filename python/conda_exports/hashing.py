"""File digests and verification: ``hash_file``, ``hash_files``, ``verify`` and the legacy names.

conda 25.1's ``conda.exports.hash_file`` and ``verify`` are stubs; these are real.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import string
from typing import Iterable, Union

from . import _backend
from ._paths import text_path
from .constants import HASH_ALGORITHMS as ALGORITHMS  # names are case-insensitive
from .constants import PACKAGE_EXTENSIONS
from .exceptions import (
    CondaVerificationError,
    NotARegularFileError,
    NothingToVerifyError,
    from_oserror,
    os_error_for_path,
)

StrPath = Union[str, "os.PathLike[str]"]

_HEX_LENGTH = {"md5": 32, "sha256": 64}
_HEXDIGITS = frozenset(string.hexdigits)


def _algorithm(name: object) -> str:
    if not isinstance(name, str) or name.lower() not in ALGORITHMS:
        raise ValueError(f"unsupported hash algorithm {name!r}; supported: {', '.join(ALGORITHMS)}")
    return name.lower()


def _path(path: StrPath) -> str:
    return text_path(path)


def hash_file(path: StrPath, algorithm: str = "sha256") -> str:
    """The lowercase hex digest of the file's bytes (``md5``, ``sha256`` or ``blake3``).

    Symlinks are followed. Errors are the package's ``CondaError`` subclasses that are
    also the matching builtin ``OSError`` (``FileNotFoundError``, ``IsADirectoryError``,
    ``PermissionError``). A file that ends before the size it had when opened (another
    process is rewriting it) raises ``PathOSError`` ("file changed size while it was
    hashed"); so may one that grows while a large file is hashed in parallel.
    """
    digests: list[str] = _backend.hashing.file_digests(_path(path), [_algorithm(algorithm)])
    return digests[0]


def hash_files(paths: Iterable[StrPath], algorithm: str = "sha256") -> list[str]:
    """Digests of many files, in the order given; the Rust backend hashes them in parallel.

    Every file is attempted. If any fails, the error raised is the one of the first
    failing path in input order and no digests are returned.
    """
    algorithm = _algorithm(algorithm)
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise TypeError("hash_files takes an iterable of paths, not a single path")
    digests: list[str] = _backend.hashing.many_file_digests([_path(p) for p in paths], algorithm)
    return digests


def md5_file(path: StrPath) -> str:
    """Legacy conda name: the md5 hex digest of ``path``."""
    return hash_file(path, "md5")


def hashsum_file(path: StrPath, mode: str = "md5") -> str:
    """Legacy conda name: the hex digest of ``path`` with algorithm ``mode``."""
    return hash_file(path, mode)


def _expected_hex(name: str, value: object) -> str:
    if not isinstance(value, str) or len(value) != _HEX_LENGTH[name] or not _HEXDIGITS.issuperset(value):
        raise ValueError(f"{name} must be {_HEX_LENGTH[name]} hexadecimal digits, got {value!r}")
    return value.lower()


def _expected_size(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"size must be a non-negative integer, got {value!r}")
    return value


def _package_stem(path: str) -> str | None:
    for extension in PACKAGE_EXTENSIONS:
        if path.endswith(extension) and len(path) > len(extension):
            return path[: -len(extension)]
    return None


def cached_package_expectations(path: str) -> dict[str, object]:
    """sha256 / md5 / size for a package archive, from its package cache record.

    The record is ``<archive stem>/info/repodata_record.json`` beside the archive, as a
    conda package cache lays it out.
    """
    stem = _package_stem(path)
    if stem is None:
        raise NothingToVerifyError(
            path, "no checksum or size given, and it is not a package archive (.conda / .tar.bz2)"
        )
    record_path = os.path.join(stem, "info", "repodata_record.json")
    try:
        with open(record_path, "rb") as fh:
            record = json.load(fh)
    except FileNotFoundError:
        raise NothingToVerifyError(path, f"no checksum or size given, and no package record at {record_path}") from None
    except OSError as exc:
        raise from_oserror(exc, record_path) from None
    except ValueError as exc:
        raise CondaVerificationError(f"malformed package record {record_path}: {exc}") from None
    if not isinstance(record, dict):
        raise CondaVerificationError(f"malformed package record {record_path}: not a JSON object")
    expected = {key: record[key] for key in ("sha256", "md5", "size") if record.get(key) is not None}
    if not expected:
        raise NothingToVerifyError(path, f"its package record {record_path} has no sha256, md5 or size")
    return expected


def verify(
    path: StrPath,
    sha256: str | None = None,
    md5: str | None = None,
    size: int | None = None,
) -> bool:
    """True when the file matches every expectation given: ``size``, ``sha256``, ``md5``.

    With no expectation and ``path`` a package archive in a package cache, the
    expectations come from the package's cached ``repodata_record.json``. With nothing to
    check against, raises ``NothingToVerifyError`` rather than guessing.
    """
    path = _path(path)
    if sha256 is None and md5 is None and size is None:
        expected = cached_package_expectations(path)
        # JSON values, checked below as the caller's are (_expected_hex, _expected_size)
        sha256 = expected.get("sha256")  # type: ignore[assignment]
        md5 = expected.get("md5")  # type: ignore[assignment]
        size = expected.get("size")  # type: ignore[assignment]
        source = f" (from the package record of {path})"
    else:
        source = ""
    try:
        wanted = {
            name: _expected_hex(name, value) for name, value in (("sha256", sha256), ("md5", md5)) if value is not None
        }
        wanted_size = None if size is None else _expected_size(size)
    except ValueError as exc:
        if source:
            raise CondaVerificationError(f"{exc}{source}") from None
        raise
    if wanted_size is not None:
        try:
            info = os.stat(path)
        except OSError as exc:
            raise from_oserror(exc, path) from None
        # the file's type first, so a directory or a FIFO is the error hashing it gives,
        # not a size mismatch
        if stat.S_ISDIR(info.st_mode):
            raise os_error_for_path(errno.EISDIR, os.strerror(errno.EISDIR), path)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFileError(path)
        if info.st_size != wanted_size:
            return False
    if not wanted:
        _backend.hashing.file_digests(path, [])  # same errors as hashing it: a directory is not a match
        return True
    digests = _backend.hashing.file_digests(path, list(wanted))
    return all(actual == expected for actual, expected in zip(digests, wanted.values()))
