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


def _describe_response(response: Any, content_max_len: int = 1024) -> str | None:
    """conda's dump of a ``requests`` Response (request line and headers, then the reply)."""
    kind = type(response)
    if not f"{kind.__module__}.{kind.__name__}".endswith("requests.models.Response"):
        return None
    try:
        request = getattr(response, "request", None)
        sections = [[""]]
        if request is not None:
            sections.append(_request_lines(request))
        sections.append(_reply_lines(response))
        if content_max_len:
            sections.append(_reply_body_lines(response, content_max_len))
        sections.append([""])
        return "\n".join(line for section in sections for line in section)
    except Exception:
        return None


def _scheme_label(url: str) -> str:
    return url.partition(":")[0].upper()


#: Header sort keys: Host and User-Agent lead the request; Content-Length and Connection end the reply.
_REQUEST_HEADERS_FIRST = {"Host": "\x00\x00", "User-Agent": "\x00\x01"}
_REPLY_HEADERS_LAST = {"Content-Length": "\x7e\x7e\x61", "Connection": "\x7e\x7e\x62"}


def _sorted_headers(headers: Any, pinned: dict[str, str], marker: str) -> list[str]:
    def order(item: tuple[str, str]) -> str:
        return pinned.get(item[0], item[0].lower())

    return [f"{marker} {key}: {value}" for key, value in sorted(headers.items(), key=order)]


def _request_lines(request: Any) -> list[str]:
    lines = [f">>{request.method} {request.path_url} {_scheme_label(request.url)}"]
    lines += _sorted_headers(request.headers, _REQUEST_HEADERS_FIRST, ">")
    lines.append("")
    if request.body:
        lines.append(request.body)
    return lines


def _reply_lines(response: Any) -> list[str]:
    lines = [f"<<{_scheme_label(response.url)} {response.status_code} {response.reason}"]
    lines += _sorted_headers(response.headers, _REPLY_HEADERS_LAST, "<")
    elapsed = str(response.elapsed)
    lines.append(f"< Elapsed: {elapsed.partition(':')[2] if ':' in elapsed else elapsed}")
    return lines


def _reply_body_lines(response: Any, limit: int) -> list[str]:
    """A blank line, then the start of a JSON or text body (other content types are left out)."""
    content_type = response.headers.get("Content-Type")
    if content_type == "application/json":
        text = response.text
        if len(text) <= limit:
            # a short JSON object is re-indented (its first ``limit`` keys, as conda does)
            import json
            from itertools import islice

            text = json.dumps(dict(islice(json.loads(text).items(), limit)), indent=2)
        return ["", text[:limit], ""]
    textual = content_type is not None and (content_type.startswith("text/") or content_type == "application/xml")
    return ["", response.text[:limit]] if textual else [""]


class CondaHTTPError(CondaError):
    """An HTTP request failed; the text has the status, reason, URL and elapsed time."""

    def __init__(
        self,
        message: Any,
        url: Any,
        status_code: Any,
        reason: Any,
        elapsed_time: Any,
        response: Any = None,
        caused_by: Any = None,
    ) -> None:
        body, reason, message = _json_overrides(response, reason, message)
        url = _maybe_unquote(url)
        status_code, reason, elapsed_time = _http_summary(status_code, reason, elapsed_time)
        # The message may hold newlines of its own, so it is appended after dedenting the header.
        header = _dals(
            f"""
                HTTP {status_code} {reason} for url <{url}>
                Elapsed: {elapsed_time}
                {_cf_ray_line(response)}
                """
        )
        super().__init__(
            header + message,
            url=url,
            status_code=status_code,
            reason=reason,
            elapsed_time=elapsed_time,
            response_details=_describe_response(response) or "",
            json=body,
            caused_by=caused_by,
        )


def _json_overrides(response: Any, reason: Any, message: Any) -> tuple[dict[str, Any], Any, Any]:
    """A JSON object body (e.g. anaconda.org's) may carry better ``reason`` and ``message`` texts."""
    try:
        payload = response.json()
    except (AttributeError, ValueError):
        return {}, reason, message
    if not isinstance(payload, dict):
        return {}, reason, message
    return payload, payload.get("reason") or reason, payload.get("message") or message


def _http_summary(status_code: Any, reason: Any, elapsed_time: Any) -> tuple[Any, Any, Any]:
    """Placeholders for what a failed connection lacks; the reason upper-cased, the time without hours."""
    from datetime import timedelta

    if not reason:
        reason = "CONNECTION FAILED"
    elif isinstance(reason, str):
        reason = reason.upper()
    if not elapsed_time:
        elapsed_time = "-"
    elif isinstance(elapsed_time, timedelta):
        elapsed_time = str(elapsed_time).partition(":")[2] or str(elapsed_time)
    return status_code or "000", reason, elapsed_time


def _cf_ray_line(response: Any) -> str:
    """Cloudflare's request id, when the response has one, as a line of its own."""
    headers = getattr(response, "headers", None)
    try:
        ray = headers["CF-RAY"]  # type: ignore[index]
    except (KeyError, TypeError):
        return ""
    return f"CF-RAY: {ray}\n"


def _dashlist(items: Any, indent: int = 2) -> str:
    return "".join("\n" + " " * indent + "- " + str(item) for item in items)


_UNSATISFIABLE_MESSAGES = {
    "python": """

The following specifications were found
to be incompatible with the existing python installation in your environment:

Specifications:\n{specs}

Your python: {ref}

If python is on the left-most side of the chain, that's the version you've asked for.
When python appears to the right, that indicates that the thing on the left is somehow
not available for the python version you are constrained to. Note that conda will not
change your python version to a different minor version unless you explicitly specify
that.

""",
    "request_conflict_with_history": """

The following specifications were found to be incompatible with a past
explicit spec that is not an explicit spec in this operation ({ref}):\n{specs}

""",
    "direct": """

The following specifications were found to be incompatible with each other:
""",
    "virtual_package": """

The following specifications were found to be incompatible with your system:\n{specs}

Your installed version is: {ref}
""",
}


def _spec_without_target(dep: Any) -> str:
    try:
        from .models.match_spec import MatchSpec
    except ImportError:  # pragma: no cover - the models ship with the package
        return str(dep)
    return str(MatchSpec(dep, target=None))


class UnsatisfiableError(CondaError):
    """The requested specs conflict; ``bad_deps`` maps a conflict class to its chains of specs."""

    def _format_chain_str(self, bad_deps: Any) -> list[str]:
        """Fold chains that share a path of package names into one line each, sorted by that path."""
        grouped = _group_chains_by_names(bad_deps)
        lines = {
            names: " -> ".join(_render_chain_link(name, specs) for name, specs in zip(names, spec_sets))
            for names, spec_sets in grouped.items()
        }
        return [lines[names] for names in sorted(lines)]

    def __init__(self, bad_deps: Any, chains: bool = True, strict: bool = False) -> None:
        self.unsatisfiable: list[Any] = []
        if len(bad_deps) == 0:
            text = _NO_CONFLICTS_FOUND
        else:
            pieces = []
            for class_name, dep_class in bad_deps.items():
                if not dep_class:
                    continue
                if class_name == "direct":
                    pieces.append(self._describe_direct(dep_class))
                else:
                    pieces.append(self._describe_blocked(class_name, dep_class))
            text = "".join(pieces)
        if strict:
            text += "\nNote that strict channel priority may have removed packages required for satisfiability."
        super().__init__(text)

    def _describe_direct(self, dep_class: Any) -> str:
        """Requested specs that conflict among themselves, grouped by the package each chain ends in."""
        by_package: dict[Any, list[Any]] = {}
        for entry in dep_class:
            chain = entry[0]
            by_package.setdefault(chain[-1].name, []).append(chain)
        text = _UNSATISFIABLE_MESSAGES["direct"].lstrip()
        text += "\nOutput in format: Requested package -> Available versions"
        for package, chains in by_package.items():
            if len(chains) < 2:
                continue
            rendered = (" -> ".join(map(str, chain)) for chain in chains)
            text += f"\n\nPackage {package} conflicts for:\n" + "\n".join(rendered)
            self.unsatisfiable.extend(tuple(chain) for chain in chains)
        return text

    def _describe_blocked(self, class_name: str, dep_class: Any) -> str:
        """Specs blocked by something already there (python, history, a virtual package)."""
        blocker = None
        spec_chains = []
        for dep_chain, chain_blocker in dep_class:
            spec_chains.append([_spec_without_target(spec) for spec in dep_chain])
            blocker = chain_blocker  # the message names the last chain's blocker
        template = _UNSATISFIABLE_MESSAGES[class_name].lstrip()
        return template.format(specs=_dashlist(self._format_chain_str(spec_chains)), ref=blocker)


_NO_CONFLICTS_FOUND = """
Did not find conflicting dependencies. If you would like to know which
packages conflict ensure that you have enabled unsatisfiable hints.

conda config --set unsatisfiable_hints True
            """


def _group_chains_by_names(chains: Any) -> dict[tuple[str, ...], list[set[str]]]:
    """Map each path of package names to the set of version specs seen at every position.

    Longer chains are taken first; a shorter chain whose names are a prefix of known paths
    adds its specs to all of them instead of starting a path of its own.
    """
    grouped: dict[tuple[str, ...], list[set[str]]] = {}
    for chain in sorted(chains, key=len, reverse=True):
        links = [link.partition(" ") for link in chain[1:]]
        names = (chain[0], *(name for name, _, _ in links))
        specs = ("", *(spec for _, _, spec in links))
        width = len(names)
        matching = [known for known in grouped if known[:width] == names]
        if not matching:
            grouped[names] = [{spec} for spec in specs]
            continue
        for known in matching:
            for seen, spec in zip(grouped[known], specs):
                seen.add(spec)
    return grouped


def _render_chain_link(name: str, specs: set[str]) -> str:
    """``name a|b`` for one link; a bare name where no spec was given, ``*`` mixed in where some lacked one."""
    if "" in specs:
        specs = specs - {""}
        if specs:
            specs.add("*")
    if name[0] == "@":
        name = "feature:" + name[1:]
    return f"{name} {'|'.join(sorted(specs))}" if specs else name


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


class UnavailableInvalidChannel(ChannelError):
    """conda's "not a channel" error: the channel's ``noarch`` subdir has no repodata.

    ``channel`` is a Channel or anything ``Channel()`` accepts; its URL appears without
    credentials. A JSON body in ``response`` (anaconda.org's) may supply the reason and text.
    """

    status_code: str | int

    def __init__(self, channel: Any, status_code: Any, response: Any = None) -> None:
        from ._url import join_url
        from .models.channel import Channel

        channel = Channel(channel)
        channel_name = channel.name
        channel_url = _maybe_unquote(channel.base_url)
        message = _dals(
            """
            The channel is not accessible or is invalid.

            You will need to adjust your conda configuration to proceed.
            Use `conda config --show channels` to view your configuration's current state,
            and use `conda config --show-sources` to view config file locations.
            """
        )
        if channel.scheme == "file":
            index_url = join_url(channel.location, channel.name)
            message += (
                "\n"
                "As of conda 4.3, a valid channel must contain a `noarch/repodata.json` and\n"
                "associated `noarch/repodata.json.bz2` file, even if `noarch/repodata.json` is\n"
                f"empty. Use `conda index {index_url}`, or create `noarch/repodata.json`\n"
                "and associated `noarch/repodata.json.bz2`.\n"
            )
        body, reason, message = _json_overrides(response, getattr(response, "reason", None), message)
        status_code = status_code or "000"
        reason = reason or "UNAVAILABLE OR INVALID"
        if isinstance(reason, str):
            reason = reason.upper()
        self.status_code = status_code
        super().__init__(
            f"HTTP {status_code} {reason} for channel {channel_name} <{channel_url}>\n\n{message}",
            channel_name=channel_name,
            channel_url=channel_url,
            status_code=status_code,
            reason=reason,
            response_details=_describe_response(response) or "",
            json=body,
        )


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
