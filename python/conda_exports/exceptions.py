"""Exceptions, in conda's class hierarchy.

Classes that conda derives from builtin exceptions keep those bases here, so
``except OSError`` and ``except CondaError`` catch the same things as with conda.
File errors raised by this package's kernels go one step further: a missing file
is also a ``FileNotFoundError``, a directory an ``IsADirectoryError``, and so on.
"""

from __future__ import annotations

import errno as _errno
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
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
        try:
            return str(self.message % self._kwargs)
        except (TypeError, ValueError, KeyError):
            # conda raises here (e.g. a URL's "%20" in a message without kwargs); the text is still useful
            return str(self.message)

    def dump_map(self) -> dict[str, Any]:
        """A JSON-friendly description: public attributes, then standard keys, then the message kwargs."""
        public = {name: value for name, value in vars(self).items() if name[:1] != "_"}
        # dict(**...) keeps conda's TypeError when a message kwarg reuses one of the standard keys.
        public.update(_standard_error_fields(self, **self._kwargs))
        return public


def _standard_error_fields(error: CondaError, **extra: Any) -> dict[str, Any]:
    """The keys every dumped error carries, followed by ``extra``."""
    return dict(
        exception_type=str(type(error)),
        exception_name=type(error).__name__,
        message=str(error),
        error=repr(error),
        caused_by=repr(error._caused_by),
        **extra,
    )


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


def _multi_error_line(error: BaseException) -> str:
    """A plain OS error shows its message; conda's errors (and the rest) their repr."""
    plain_os_error = isinstance(error, OSError) and not isinstance(error, CondaError)
    return str(error) if plain_os_error else error.__repr__()


class CondaMultiError(CondaError):
    """Several errors at once; ``str`` lists each on its own line, as conda prints them."""

    def __init__(self, errors: Any) -> None:
        self.errors = errors
        super().__init__(None)

    def __repr__(self) -> str:
        return "\n".join(map(_multi_error_line, self.errors))

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors) + "\n"

    def dump_map(self) -> dict[str, Any]:
        """Only the type, each wrapped error's own dump, and a fixed summary line."""
        described: dict[str, Any] = {"exception_type": str(type(self)), "exception_name": type(self).__name__}
        described["errors"] = tuple(map(lambda wrapped: wrapped.dump_map(), self.errors))
        described["error"] = "Multiple Errors Encountered."
        return described

    def contains(self, exception_class: type[BaseException]) -> bool:
        return any(isinstance(error, exception_class) for error in self.errors)


# --- configuration (conda.common.configuration) ---------------------------------------


def _pretty_list(items: Any, padding: str = "  ") -> str:
    if isinstance(items, str) or not hasattr(items, "__iter__"):
        items = [items]
    return "\n".join(f"{padding}- {item}" for item in items)


class ConfigurationError(CondaError):
    """A problem with the configuration (condarc files or CONDA_* variables)."""


class ConfigurationLoadError(ConfigurationError):
    """A condarc file that cannot be read as YAML; the text names the file and the place."""

    def __init__(self, path: Any, message_addition: str = "", **kwargs: Any) -> None:
        self.path = path
        super().__init__(
            "Unable to load configuration file.\n  path: %(path)s\n" + message_addition, path=path, **kwargs
        )


class ValidationError(ConfigurationError):
    """A setting whose value is not allowed; ``source`` is the file (or ``envvars``) it came from."""

    def __init__(self, parameter_name: str, parameter_value: Any, source: Any, msg: Any = None, **kwargs: Any) -> None:
        self.parameter_name = parameter_name
        self.parameter_value = parameter_value
        self.source = source
        super().__init__(msg, **kwargs)


class MultipleKeysError(ValidationError):
    """One source sets the same setting under two of its names (e.g. ``envs_dirs`` and ``envs_path``)."""

    def __init__(self, source: Any, keys: Any, preferred_key: str) -> None:
        self.keys = keys
        msg = f"Multiple aliased keys in file {source}:\n{_pretty_list(keys)}\nMust declare only one. Prefer '{preferred_key}'"
        super().__init__(preferred_key, None, source, msg=msg)


class InvalidTypeError(ValidationError):
    """A setting's value has the wrong type, e.g. a single string where a list is needed."""

    def __init__(
        self,
        parameter_name: str,
        parameter_value: Any,
        source: Any,
        wrong_type: Any,
        valid_types: Any,
        msg: Any = None,
    ) -> None:
        self.wrong_type = wrong_type
        self.valid_types = valid_types
        if msg is None:
            msg = _wrong_type_text(parameter_name, parameter_value, source, wrong_type, valid_types)
        super().__init__(parameter_name, parameter_value, source, msg=msg)


def _wrong_type_text(name: str, value: Any, source: Any, wrong_type: Any, valid_types: Any) -> str:
    """InvalidTypeError's default message: the setting, where it came from, and the types it may have."""
    where = f"Parameter {name} = {value!r} declared in {source}"
    return f"{where} has type {wrong_type}.\nValid types:\n{_pretty_list(valid_types)}"


class CustomValidationError(ValidationError):
    """A setting's value has the right type but is not acceptable (the reason is in the text)."""

    def __init__(self, parameter_name: str, parameter_value: Any, source: Any, custom_message: str) -> None:
        super().__init__(
            parameter_name,
            parameter_value,
            source,
            msg=f"Parameter {parameter_name} = {parameter_value!r} declared in {source} is invalid.\n{custom_message}",
        )


class MultiValidationError(CondaMultiError, ConfigurationError):
    def __init__(self, errors: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(errors, *args, **kwargs)


# --- errors conda.exports re-exports -------------------------------------------------------


def _dals(text: str) -> str:
    """Dedent and left-strip, as conda writes its multi-line messages."""
    from textwrap import dedent

    return dedent(text).lstrip()


def _maybe_unquote(url: Any) -> Any:
    """The URL without embedded credentials, percent-escapes decoded (conda's maybe_unquote)."""
    if not url:
        return url
    from urllib.parse import unquote_plus, urlsplit, urlunsplit

    parts = urlsplit(str(url))
    netloc = parts.netloc.rpartition("@")[2]
    return unquote_plus(urlunsplit(parts._replace(netloc=netloc)))


class LockError(CondaError):
    def __init__(self, message: Any) -> None:
        super().__init__(f"{message}")


class PaddingError(CondaError):
    """A package's prefix placeholder is too short for the install prefix."""

    def __init__(self, dist: Any, placeholder: Any, placeholder_length: int) -> None:
        template = (
            "Placeholder of length '%d' too short in package %s.\nThe package must be rebuilt with conda-build > 2.0."
        )
        msg = template % (placeholder_length, dist)
        super().__init__(msg)


class LinkError(CondaError):
    def __init__(self, message: Any) -> None:
        super().__init__(message)


class ResolvePackageNotFound(CondaError):
    """Specs (chains of them) that no package in the index satisfies; conda.exports also calls it NoPackagesFound."""

    def __init__(self, bad_deps: Any) -> None:
        self.bad_deps = tuple(dep for deps in bad_deps for dep in deps if dep)
        formatted_chains = tuple(" -> ".join(map(str, bad_chain)) for bad_chain in bad_deps)
        self._formatted_chains = formatted_chains
        message = "\n" + "\n".join(f"  - {bad_chain}" for bad_chain in formatted_chains)
        super().__init__(message)


#: conda.exports' names for ResolvePackageNotFound.
NoPackagesFound = NoPackagesFoundError = ResolvePackageNotFound


class ChecksumMismatchError(CondaError):
    """Downloaded content does not match the expected checksum."""

    def __init__(
        self,
        url: Any,
        target_full_path: Any,
        checksum_type: Any,
        expected_checksum: Any,
        actual_checksum: Any,
        partial_download: bool = False,
    ) -> None:
        message = _dals(
            """
        Conda detected a mismatch between the expected content and downloaded content
        for url '%(url)s'.
          download saved to: %(target_full_path)s
          expected %(checksum_type)s: %(expected_checksum)s
          actual %(checksum_type)s: %(actual_checksum)s
        """
        )
        super().__init__(
            message,
            url=_maybe_unquote(url),
            target_full_path=target_full_path,
            checksum_type=checksum_type,
            expected_checksum=expected_checksum,
            actual_checksum=actual_checksum,
            partial_download=partial_download,
        )


def _dashlist(items: Any, indent: int = 2) -> str:
    return "".join("\n" + " " * indent + "- " + str(item) for item in items)


class ChannelError(CondaError):
    pass


class ChannelNotAllowed(ChannelError):
    """A channel outside ``allowlist_channels``; ``channel`` is a Channel (name and base_url)."""

    warning = "Channel not included in allowlist"

    def __init__(self, channel: Any) -> None:
        # Keyword order is kept as conda has it: dump_map() lists them in this order.
        details = {"channel_url": _maybe_unquote(channel.base_url), "channel_name": channel.name}
        details["warning"] = self.warning
        template = """
        %(warning)s:
          channel name: %(channel_name)s
          channel url: %(channel_url)s
        """
        super().__init__(_dals(template), **details)


class ChannelDenied(ChannelNotAllowed):
    """A channel listed in ``denylist_channels``."""

    warning = "Channel included in denylist"


class CondaUpgradeError(CondaError):
    """The data needs a newer conda (e.g. an unknown ``noarch`` kind in a record)."""

    def __init__(self, message: Any) -> None:
        super().__init__(f"{message}")


class RecordValidationError(CondaError, TypeError):
    """A record field got a value of the wrong type, or a required field is missing.

    conda raises ``conda.auxlib.exceptions.ValidationError`` (a ``TypeError``) here; this one
    is also a ``CondaError``. It is not the configuration ``ValidationError`` (another class
    in conda too).
    """

    def __init__(self, key: Any, value: Any = None, valid_types: Any = None, msg: Any = None) -> None:
        if msg is not None:
            text = f"{msg}"
        elif value is None:
            text = f"Value for {key} cannot be None."
        elif valid_types is None:
            text = f"Invalid value {value} for {key}"
        else:
            text = f"{key} must be of type {valid_types}, not {value!r}"
        super().__init__(text.replace("%", "%%"))
        self.key = key


class CondaIOError(CondaError, OSError):
    def __init__(self, message: Any, *args: Any) -> None:
        super().__init__(f"{message}".replace("%", "%%"))


class CondaFileIOError(CondaIOError):
    """Reading or writing ``filepath`` failed; the text names it first, as conda's does."""

    def __init__(self, filepath: Any, message: Any, *args: Any) -> None:
        self.filepath = filepath
        super().__init__(f"'{filepath}'. {message}", *args)


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


class EnvironmentLocationNotFound(CondaError):
    """A path that is not a conda environment (it has no ``conda-meta``)."""

    def __init__(self, location: str) -> None:
        super().__init__("Not a conda environment: %(location)s", location=location)


class CorruptedEnvironmentError(CondaError):
    """A ``conda-meta/*.json`` record that cannot be read as a package record."""

    def __init__(self, environment_location: str, corrupted_file: str, **kwargs: Any) -> None:
        super().__init__(
            "The target environment has been corrupted. Corrupted environments most commonly\n"
            "occur when the conda process is force-terminated while in an unlink-link\n"
            "transaction.\n"
            "  environment location: %(environment_location)s\n"
            "  corrupted file: %(corrupted_file)s\n",
            environment_location=environment_location,
            corrupted_file=corrupted_file,
            **kwargs,
        )


# --- fetching repodata (conda.gateways.repodata, conda.gateways.connection) -----------------


class ProxyError(CondaError):
    """The proxy configuration is wrong (requests could not talk to the proxy)."""

    def __init__(self) -> None:
        super().__init__(
            _dals(
                """
                Conda cannot proceed due to an error in your proxy configuration.
                Check for typos and other configuration errors in any '.netrc' file in your home directory,
                any environment variables ending in '_PROXY', and any other system-wide proxy
                configuration settings.
                """
            )
        )


class CondaSSLError(CondaError):
    """TLS failed: most often a certificate that does not verify."""


class CondaDependencyError(CondaError):
    """An optional dependency a feature needs is not installed."""

    def __init__(self, message: Any) -> None:
        super().__init__(message)


class NoWritablePkgsDirError(CondaError):
    """None of ``pkgs_dirs`` is, or can be made, a writable package cache."""

    def __init__(self, pkgs_dirs: Any, **kwargs: Any) -> None:
        super().__init__(
            f"No writeable pkgs directories configured.{_dashlist(pkgs_dirs)}", pkgs_dirs=pkgs_dirs, **kwargs
        )


class NotWritableError(CondaError, OSError):
    """The current user may not write ``path`` (a cache file, for instance)."""

    def __init__(self, path: Any, errno: Any, **kwargs: Any) -> None:
        kwargs.update(path=path, errno=errno)
        message = "The current user does not have write permissions to a required path.\n  path: %(path)s\n"
        if os.name != "nt":
            message += (
                "  uid: %(uid)s\n"
                "  gid: %(gid)s\n"
                "\n"
                "If you feel that permissions on this path are set incorrectly, you can manually\n"
                "change them by executing\n"
                "\n"
                "  $ sudo chown %(uid)s:%(gid)s %(path)s\n"
                "\n"
                "In general, it's not advisable to use 'sudo conda'.\n"
            )
            kwargs.update(uid=os.geteuid(), gid=os.getegid())
        super().__init__(message, **kwargs)
        self.errno = errno


class ZstdDecompressionError(CondaError, ValueError):
    """A ``.zst`` body that is not complete zstd data (corrupt, truncated, or not zstd at all).

    Both backends raise it; conda lets the zstandard package's own ``ZstdError`` escape.
    """

    def __init__(self, path: Any, reason: Any) -> None:
        super().__init__("cannot decompress %(path)s as zstd: %(reason)s", path=path, reason=reason)
        self.path = path
        self.reason = reason


class RepodataDecodeError(CondaError, ValueError):
    """A repodata file that is not JSON, or not shaped like repodata (conda lets
    ``json.JSONDecodeError`` or a ``TypeError`` escape instead)."""

    def __init__(self, source: Any, offset: int | None, reason: str) -> None:
        where = f" at byte {offset}" if offset is not None else ""
        super().__init__(
            "invalid repodata from %(source)s%(where)s: %(reason)s", source=str(source), where=where, reason=reason
        )
        self.source = str(source)
        self.offset = offset
        self.reason = reason


class RepodataWarning(UserWarning):
    """Something in a channel's repodata was left out or does not match its channel."""


class ClobberError(CondaError):
    """A path is in the way. ``path_conflict`` is the setting in force (conda shows it as a
    ``ClobberWarning`` when that is ``warn``)."""

    def __init__(self, message: Any, path_conflict: Any, **kwargs: Any) -> None:
        self.path_conflict = path_conflict
        super().__init__(message, **kwargs)

    def __repr__(self) -> str:
        kind = "ClobberWarning" if str(self.path_conflict) == "warn" else "ClobberError"
        return f"{kind}: {self}\n"


class BasicClobberError(ClobberError):
    """``download`` was asked to replace an existing file while ``path_conflict`` is ``prevent``."""

    def __init__(self, source_path: Any, target_path: Any, path_conflict: Any) -> None:
        message = _dals(
            """
            Conda was asked to clobber an existing path.
              source path: %(source_path)s
              target path: %(target_path)s
            """
        )
        if str(path_conflict) == "prevent":
            message += "Conda no longer clobbers existing paths without the use of the --clobber option\n."
        super().__init__(message, path_conflict, target_path=target_path, source_path=source_path)


# Defined in modules of their own (they are long); re-exported here, where every error lives.
from ._http_errors import CondaHTTPError as CondaHTTPError  # noqa: E402
from ._http_errors import UnavailableInvalidChannel as UnavailableInvalidChannel  # noqa: E402
from ._solver_errors import UnsatisfiableError as UnsatisfiableError  # noqa: E402

for _moved in (CondaHTTPError, UnavailableInvalidChannel, UnsatisfiableError):
    _moved.__module__ = __name__  # shown and pickled as conda_exports.exceptions.X, as every other error
del _moved
