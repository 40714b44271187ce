"""Pure-Python hashing kernels, matching ``_core.file_digests`` / ``_core.many_file_digests``."""

from __future__ import annotations

import os
import stat

from .._formats import HASH_ALGORITHMS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable


_BLOCK = 1024 * 1024
#: The text of ``HashError::Changed`` in rust/hashing.rs.
CHANGED_MESSAGE = "file changed size while it was hashed"


def _blake3_factory() -> Callable[[], Any]:
    try:
        from blake3 import blake3
    except ImportError:
        from ._blake3 import Blake3 as blake3  # type: ignore[assignment]
    return blake3


def _new_hasher(name: str) -> Any:
    import hashlib  # here, not at module level: the fallback is imported with the package

    if name == "md5":
        return hashlib.md5()
    if name == "sha256":
        return hashlib.sha256()
    if name == "blake3":
        return _blake3_factory()()
    raise ValueError(f"unsupported hash algorithm {name!r}; supported: {', '.join(HASH_ALGORITHMS)}")


def file_digests(path: str, algorithms: list[str]) -> list[str]:
    # imported here: this module loads with the package, the exceptions only on use
    from ..exceptions import NotARegularFileError, from_oserror, os_error_for_path

    hashers = [_new_hasher(name) for name in algorithms]
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before we can refuse it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb", buffering=0) as fh:
            status = os.fstat(fh.fileno())
            mode = status.st_mode
            if stat.S_ISDIR(mode):
                raise IsADirectoryError
            if not stat.S_ISREG(mode):
                raise NotARegularFileError(path)
            block = bytearray(_BLOCK)
            view = memoryview(block)
            seen = 0
            while True:
                n = fh.readinto(block)
                if not n:
                    break
                seen += n
                chunk = view[:n]
                for hasher in hashers:
                    hasher.update(chunk)
    except NotARegularFileError:
        raise
    except OSError as exc:
        raise from_oserror(exc, path) from None
    if seen < status.st_size:  # it ended early: another process is rewriting it
        raise os_error_for_path(None, CHANGED_MESSAGE, path)
    return [hasher.hexdigest() for hasher in hashers]


def many_file_digests(paths: list[str], algorithm: str) -> list[str]:
    _new_hasher(algorithm)
    return [file_digests(path, [algorithm])[0] for path in paths]
