"""Exceptions, in conda's class hierarchy.

Classes that conda derives from builtin exceptions keep those bases here, so
``except OSError`` and ``except CondaError`` catch the same things as with conda.
File errors raised by this package's kernels go one step further: a missing file
is also a ``FileNotFoundError``, a directory an ``IsADirectoryError``, and so on.
"""

from __future__ import annotations

import errno as _errno
import os
from typing import Any


class CondaError(Exception):
    """Base of every error this package raises; ``message % kwargs`` is its text."""

    return_code = 1
    reportable = False

    def __init__(self, message: Any, caused_by: Any = None, **kwargs: Any) -> None:
        self.message = message
        self._kwargs = kwargs
        self._caused_by = caused_by
        super().__init__(message)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}: {self}"

    def __str__(self) -> str:
        return str(self.message % self._kwargs)

    def dump_map(self) -> dict[str, Any]:
        result = {k: v for k, v in vars(self).items() if not k.startswith("_")}
        result.update(
            exception_type=str(type(self)),
            exception_name=self.__class__.__name__,
            message=str(self),
            error=repr(self),
            caused_by=repr(self._caused_by),
            **self._kwargs,
        )
        return result


class PathNotFoundError(CondaError, OSError):
    """A path that should exist does not; conda's text is the bare path."""

    def __init__(self, path: str) -> None:
        super().__init__("%(path)s", path=path)


#: conda.exports has called PathNotFoundError by this name since conda 4.4.
CondaFileNotFoundError = PathNotFoundError


class CondaOSError(CondaError, OSError):
    def __init__(self, message: Any, **kwargs: Any) -> None:
        super().__init__(f"{message}", **kwargs)


class CondaVerificationError(CondaError):
    def __init__(self, message: Any) -> None:
        super().__init__(message)


class NothingToVerifyError(CondaError, ValueError):
    """``verify`` was given no expectation and found no package record to take one from."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__("nothing to verify %(path)s against: %(reason)s", path=path, reason=reason)


class PathOSError(CondaOSError):
    """An OS error about one path, carrying errno, strerror and filename like OSError."""

    def __init__(self, path: str, errno: int | None = None, strerror: str | None = None) -> None:
        strerror = strerror or (os.strerror(errno) if errno else "OS error")
        super().__init__("%(strerror)s: %(path)r", path=path, strerror=strerror)
        self.errno = errno
        self.strerror = strerror
        self.filename = path


class MissingPathError(PathNotFoundError, FileNotFoundError):
    """A missing file: both conda's CondaFileNotFoundError and the builtin FileNotFoundError."""

    def __init__(self, path: str, errno: int | None = _errno.ENOENT, strerror: str | None = None) -> None:
        strerror = strerror or os.strerror(_errno.ENOENT)
        CondaError.__init__(self, "%(strerror)s: %(path)r", path=path, strerror=strerror)
        self.errno = errno
        self.strerror = strerror
        self.filename = path


class PathIsDirectoryError(PathOSError, IsADirectoryError):
    """A directory was given where a file is needed."""


class PathPermissionError(PathOSError, PermissionError):
    """The operating system refused access to the path."""


class NotARegularFileError(PathOSError):
    """A FIFO, socket or device was given where a regular file is needed: reading one could block forever."""

    def __init__(self, path: str) -> None:
        super().__init__(path, None, "not a regular file")


# Windows reports these instead of errno codes for the same conditions.
_WIN_NOT_FOUND = {2, 3}  # ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND
_IS_DIRECTORY = {_errno.EISDIR, 336}  # 336: ERROR_DIRECTORY_NOT_SUPPORTED


def os_error_for_path(errno: int | None, strerror: str | None, path: str) -> CondaOSError | MissingPathError:
    """The package's exception for an OS error on ``path``; both backends raise through here."""
    if errno == _errno.ENOENT or (os.name == "nt" and errno in _WIN_NOT_FOUND):
        return MissingPathError(path, _errno.ENOENT)
    if errno in _IS_DIRECTORY:
        return PathIsDirectoryError(path, _errno.EISDIR)
    if errno in (_errno.EACCES, _errno.EPERM) or (os.name == "nt" and errno == 5):
        return PathPermissionError(path, _errno.EACCES)
    return PathOSError(path, errno, strerror)


def from_oserror(exc: OSError, path: str) -> CondaOSError | MissingPathError:
    """Converts a builtin OSError raised while working on ``path``."""
    if isinstance(exc, CondaError):
        return exc  # type: ignore[return-value]
    if isinstance(exc, FileNotFoundError):
        return MissingPathError(path)
    if isinstance(exc, IsADirectoryError):
        return PathIsDirectoryError(path, _errno.EISDIR)
    if isinstance(exc, PermissionError):
        return PathPermissionError(path, _errno.EACCES)
    return PathOSError(path, exc.errno, exc.strerror)


class CondaValueError(CondaError, ValueError):
    def __init__(self, message: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(message, *args, **kwargs)


class InvalidSpec(CondaError, ValueError):
    """A version or match specification that does not parse."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class InvalidVersionSpec(InvalidSpec):
    def __init__(self, invalid_spec: str, details: str) -> None:
        super().__init__("Invalid version '%(invalid_spec)s': %(details)s", invalid_spec=invalid_spec, details=details)


class InvalidMatchSpec(InvalidSpec):
    def __init__(self, invalid_spec: str, details: str) -> None:
        super().__init__("Invalid spec '%(invalid_spec)s': %(details)s", invalid_spec=invalid_spec, details=details)


class PathsRemainError(CondaOSError):
    """``rm_rf`` could not remove everything: ``paths`` lists what remains, and why.

    ``failures`` holds ``(path, errno, reason)`` for each; ``errno``, ``strerror`` and
    ``filename`` (the path given to ``rm_rf``) make it a regular ``OSError`` too.
    """

    #: How many remaining paths the message spells out; ``paths`` always has all of them.
    SHOWN = 10

    def __init__(self, path: str, failures: list[tuple[str, int | None, str]]) -> None:
        failures = sorted(failures, key=lambda f: f[0].split(os.sep))
        self.failures = [(p, e, os.strerror(e) if e else reason) for p, e, reason in failures]
        self.paths = [p for p, _, _ in self.failures]
        listed = "; ".join(f"{p} ({reason})" for p, _, reason in self.failures[: self.SHOWN])
        more = len(self.failures) - self.SHOWN
        if more > 0:
            listed += f"; and {more} more"
        super().__init__(
            "could not remove %(path)s: %(count)d path(s) remain: %(listed)s",
            path=path,
            count=len(self.failures),
            listed=listed,
        )
        first = self.failures[0] if self.failures else (path, None, "")
        self.errno = first[1]
        self.strerror = first[2]
        self.filename = path


class InvalidRemovePathError(CondaValueError):
    """``rm_rf`` was given a path that names nothing it may remove (empty, a filesystem root)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__("cannot remove %(path)r: %(reason)s", path=path, reason=reason)
        self.path = path
