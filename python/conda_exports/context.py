"""conda's configuration context, read from the same files and variables as conda 25.1.

``context`` is built lazily: importing this module reads nothing; the first attribute
access reads the condarc files of the search path and the ``CONDA_*`` variables.
``reset_context()`` rebuilds it in place (so references to ``context`` stay valid).

Sources are merged as conda merges them, lowest priority first (system files, then user
files, ``$CONDA_PREFIX``, ``$CONDARC``, then ``CONDA_*`` variables):

- a scalar: the last source wins, unless an earlier one marks the key ``#!final``;
- a list: items of later sources first, duplicates dropped, ``#!top`` / ``#!bottom``
  items moved to the ends; sources after the first ``#!final`` are ignored;
- a map: merged key by key with the same rules.

Each setting is merged, expanded and checked on first access; a bad value raises a
:class:`~conda_exports.exceptions.ValidationError` naming the setting and its file.
"""

from __future__ import annotations

import os
import re
import struct
import sys
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import Enum
from os.path import abspath, expanduser, isdir, isfile, join

from ._condarc import BOTTOM, FINAL, TOP, Node, parse_file
from .constants import (
    APP_NAME,
    DEFAULT_AGGRESSIVE_UPDATE_PACKAGES,
    DEFAULT_CHANNEL_ALIAS,
    DEFAULT_CHANNELS,
    DEFAULT_CHANNELS_UNIX,
    DEFAULT_CHANNELS_WIN,
    DEFAULT_CONSOLE_REPORTER_BACKEND,
    DEFAULT_CUSTOM_CHANNELS,
    DEFAULT_JSON_REPORTER_BACKEND,
    DEFAULT_SOLVER,
    DEFAULTS_CHANNEL_NAME,
    ERROR_UPLOAD_URL,
    KNOWN_SUBDIRS,
    PREFIX_MAGIC_FILE,
    REPODATA_FN,
    ROOT_ENV_NAME,
    SEARCH_PATH,
    ChannelPriority,
    DepsModifier,
    PathConflict,
    SafetyChecks,
    SatSolverChoice,
    UpdateModifier,
    on_win,
)
from .exceptions import (
    ConfigurationLoadError,
    CustomValidationError,
    InvalidTypeError,
    MultipleKeysError,
    MultiValidationError,
    ValidationError,
)

# typing is imported only for type checkers: this module is imported by others at their import time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

__all__ = [
    "Context",
    "ConfigurationWarning",
    "SEARCH_PATH",
    "context",
    "non_x86_machines",
    "reset_context",
    "sys_rc_path",
    "user_rc_path",
]

NoneType = type(None)

_platform_map = {
    "freebsd13": "freebsd",
    "linux2": "linux",
    "linux": "linux",
    "darwin": "osx",
    "win32": "win",
    "zos": "zos",
}

#: Machines whose subdir is ``<platform>-<machine>`` rather than ``<platform>-<bits>``.
non_x86_machines = {"armv6l", "armv7l", "aarch64", "arm64", "ppc64", "ppc64le", "riscv64", "s390x"}

_arch_names = {32: "x86", 64: "x86_64"}

#: conda computes these once, when its context module is imported.
user_rc_path = abspath(expanduser("~/.condarc"))
sys_rc_path = join(sys.prefix, ".condarc")

_CONDARC_FILENAMES = (".condarc", "condarc")
_YAML_EXTENSIONS = (".yml", ".yaml")
_ENV_SOURCE = "envvars"


def _verbosity_at_least(level: int) -> property:
    """A read-only flag: is the context at least this verbose?"""

    def flag(self: Context) -> bool:
        return self.verbosity >= level

    return property(flag)


#: (verbosity above which, logging level): trace and beyond, then debug, info and WARNING below.
_LOG_LEVEL_FLOORS = ((4, 0), (3, 5), (2, 10), (1, 20))


class ConfigurationWarning(UserWarning):
    """A configuration file was skipped (it could not be read)."""


# --- value coercion, as conda's typify ------------------------------------------------

_BOOLISH_TRUE = ("true", "yes", "on", "y")
_BOOLISH_FALSE = ("false", "off", "n", "no", "non", "none", "")
_NULL_STRINGS = ("none", "~", "null", "\0")
_RE_TRUE = re.compile(r"^true$|^yes$|^on$", re.IGNORECASE)
_RE_FALSE = re.compile(r"^false$|^no$|^off$", re.IGNORECASE)
_RE_NONE = re.compile(r"^none$|^null$", re.IGNORECASE)
_RE_INT = re.compile(r"^[-+]?\d+$")
_RE_FLOAT = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_RE_BIN = re.compile(r"^[-+]?0[bB][01]+$")
_RE_OCT = re.compile(r"^[-+]?0[oO][0-7]+$")
_RE_HEX = re.compile(r"^[-+]?0[xX][0-9a-fA-F]+$")
_RE_COMPLEX = re.compile(r"^(?:[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)?[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?j$")


class _CoercionError(ValueError):
    def __init__(self, value: Any, msg: str) -> None:
        self.value = value
        super().__init__(msg)


def _numbers(text: str) -> Any:
    if _RE_INT.match(text):
        return int(text)
    if _RE_FLOAT.match(text):
        return float(text)
    if _RE_BIN.match(text):
        return bin(int(text, 2))  # conda's quirk: these come back as their text
    if _RE_OCT.match(text):
        return oct(int(text, 8))
    if _RE_HEX.match(text):
        return hex(int(text, 16))
    if _RE_COMPLEX.match(text):
        return complex(text)
    return _NO_MATCH


_NO_MATCH = object()


def _typify_no_hint(text: str) -> Any:
    if _RE_TRUE.match(text):
        return True
    if _RE_FALSE.match(text):
        return False
    if _RE_NONE.match(text):
        return None
    number = _numbers(text)
    return text if number is _NO_MATCH else number


#: Word -> truth value for _boolify; the later groups win where words overlap ("none").
_WORD_TRUTH = {**dict.fromkeys(_BOOLISH_FALSE, False), **dict.fromkeys(_BOOLISH_TRUE, True)}
_WORD_TRUTH_NULLABLE = {
    **dict.fromkeys(_BOOLISH_FALSE, False),
    **dict.fromkeys(_NULL_STRINGS, None),
    **dict.fromkeys(_BOOLISH_TRUE, True),
}
_TRUTHY_TYPES = (int, bool, float, complex, list, set, dict, tuple)


def _boolify(value: Any, nullable: bool = False, return_string: bool = False) -> Any:
    """A setting's value as a bool (None for a null word when ``nullable``), as conda coerces it."""
    if isinstance(value, _TRUTHY_TYPES):
        return bool(value)
    # One dot is dropped so that "1.0" and "0.0" read as numbers.
    word = str(value).strip().lower().replace(".", "", 1)
    if word.isnumeric():
        return bool(float(word))
    words = _WORD_TRUTH_NULLABLE if nullable else _WORD_TRUTH
    if word in words:
        return words[word]
    try:
        as_number = complex(word)
    except ValueError:
        if return_string and isinstance(value, str):
            return value
        raise _CoercionError(value, f"The value {value!r} cannot be boolified.") from None
    return bool(as_number)


def _numberify(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, complex)):
        return value
    number = _numbers(str(value))
    if number is _NO_MATCH:
        raise _CoercionError(value, f"Cannot convert {value} to a number.")
    return number


def _enum_member(enum_type: type[Enum], value: Any) -> Enum:
    """A member by value, else by name; the error keeps the by-value failure's text."""
    try:
        return enum_type(value)
    except ValueError as exc:
        by_value_failure = str(exc)
    try:
        return enum_type[value]
    except (KeyError, TypeError):
        raise _CoercionError(value, by_value_failure) from None


def _typify(value: Any, hint: Any) -> Any:
    """conda's coercion of a configured scalar to the setting's type."""
    if isinstance(value, str):
        if isinstance(hint, type) and issubclass(hint, str) and not issubclass(hint, Enum):
            return value
        value = value.strip()
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum_member(hint, value)
    if isinstance(hint, tuple):
        hints = set(hint)
        if not hints - {int, float, complex}:
            return _numberify(value)
        if not hints - {str}:
            return str(value)
        if not hints - {bool, NoneType}:
            return _boolify(value, nullable=True)
        if not hints - {str, bool}:
            return _boolify(value, return_string=True)
        if not hints - {str, NoneType}:
            text = str(value)
            return None if text.lower() == "none" else text
        if not hints - {bool, int}:
            return _typify_no_hint(str(value))
        raise NotImplementedError(hint)  # pragma: no cover - no setting has another combination
    if hint is bool:
        return _boolify(value)
    try:
        return hint(value)
    except (ValueError, TypeError) as exc:
        raise _CoercionError(value, str(exc)) from None


def _type_names(hint: Any) -> tuple[str, ...]:
    hints = hint if isinstance(hint, tuple) else (hint,)
    return tuple(h.__name__ for h in hints)


# --- settings ---------------------------------------------------------------------------


class _Setting:
    """One configurable key: how to read, merge and check it. A descriptor on Context."""

    kind = "primitive"

    def __init__(
        self,
        default: Any,
        element_type: Any = None,
        *,
        aliases: Iterable[str] = (),
        expandvars: bool = False,
        validation: Callable[[Any], Any] | None = None,
    ) -> None:
        self.default = default
        self.element_type = type(default) if element_type is None else element_type
        self.aliases = tuple(aliases)
        self.expandvars = expandvars
        self.validation = validation
        self.name = ""
        self.names: frozenset[str] = frozenset()

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.names = frozenset((*self.aliases, name))

    def __get__(self, instance: Context | None, owner: type) -> Any:
        if instance is None:
            return self
        return instance._setting_value(self)

    # -- reading one source
    def load(self, source: str, node: Node) -> Node:
        """Checks one source's raw value; env values arrive as strings and are split here."""
        if source == _ENV_SOURCE:
            text = str(node.value)
            parts = text.split("!important")
            return Node(parts[0].strip(), FINAL if len(parts) >= 2 else None, source)
        if isinstance(node.value, (tuple, dict)):
            raise InvalidTypeError(
                self.name, node.plain(), source, type(node.plain()).__name__, _type_names(self.element_type)
            )
        return node

    # -- merging the sources (highest priority last)
    def merge(self, matches: list[tuple[str, Node]]) -> tuple[str, Node]:
        for match in matches:
            if match[1].flag == FINAL:
                return match
        return matches[-1]

    def typify(self, source: str, node: Node, expand: Callable[[str], str] | None) -> Any:
        value = node.value
        if expand is not None and isinstance(value, str):
            value = expand(value)
        try:
            typed = _typify(value, self.element_type)
        except _CoercionError as exc:
            message = str(exc)
            if isinstance(self.element_type, type) and issubclass(self.element_type, Enum):
                choices = ", ".join(f"'{member.value}'" for member in self.element_type)
                message += f"\nValid choices for {self.name}: {choices}"
            raise CustomValidationError(self.name, exc.value, source, message) from None
        self.check(typed, source)
        return typed

    def check(self, typed: Any, source: str) -> None:
        if not isinstance(typed, self.element_type):
            raise InvalidTypeError(self.name, typed, source, type(typed).__name__, _type_names(self.element_type))
        if self.validation is not None:
            result = self.validation(typed)
            if result is False:
                raise ValidationError(self.name, typed, source)
            if isinstance(result, str):
                raise CustomValidationError(self.name, typed, source, result)


class _Primitive(_Setting):
    pass


class _Sequence(_Setting):
    """A list of strings (or, with ``element`` set, of maps)."""

    kind = "sequence"

    def __init__(
        self,
        default: Any = (),
        *,
        delimiter: str = ",",
        element: _Setting | None = None,
        aliases: Iterable[str] = (),
        expandvars: bool = False,
    ) -> None:
        super().__init__(tuple(default), str, aliases=aliases, expandvars=expandvars)
        self.delimiter = delimiter
        self.element = element or _Primitive("", str)

    def __set_name__(self, owner: type, name: str) -> None:
        super().__set_name__(owner, name)
        self.element.name = name

    def load(self, source: str, node: Node) -> Node:
        if source == _ENV_SOURCE:
            text = str(node.value)
            # each item is read again as a single value, which drops an "!important" marker
            parts = (part.strip() for part in text.split(self.delimiter))
            items = tuple(Node(part.split("!important")[0].strip(), None, source) for part in parts if part)
            for item in items:
                self.element.load(source, item)  # a list of maps cannot come from a variable
            return Node(items, FINAL if len(text.split("!important")) >= 2 else None, source)
        if not isinstance(node.value, tuple):
            value = node.plain()
            raise InvalidTypeError(self.name, value, source, type(value).__name__, ("tuple",))
        for item in node.value:
            self.element.load(source, item)
        return node

    def merge(self, matches: list[tuple[str, Node]]) -> tuple[str, Node]:
        relevant = _up_to_final(matches)
        top = [item for _, node in relevant for item in node.value if item.flag == TOP]
        bottom = [item for _, node in reversed(relevant) for item in node.value if item.flag == BOTTOM]
        everything = [item for _, node in reversed(relevant) for item in node.value]
        top_first = _unique((*top, *everything))
        merged = list(reversed(_unique((*reversed(bottom), *reversed(top_first)))))
        return relevant[-1][0], Node(tuple(merged), None, relevant[-1][0])

    def typify(self, source: str, node: Node, expand: Callable[[str], str] | None) -> Any:
        return tuple(self.element.typify(_source_of(item, source), item, expand) for item in node.value)


class _Map(_Setting):
    """A map of strings (or, with ``element`` set, of lists)."""

    kind = "map"

    def __init__(
        self,
        element: _Setting,
        default: Mapping[str, Any] | None = None,
        *,
        aliases: Iterable[str] = (),
        expandvars: bool = False,
    ) -> None:
        super().__init__(dict(default or {}), dict, aliases=aliases, expandvars=expandvars)
        self.element = element

    def __set_name__(self, owner: type, name: str) -> None:
        super().__set_name__(owner, name)
        self.element.name = name

    def load(self, source: str, node: Node) -> Node:
        if not isinstance(node.value, dict):
            value = node.plain()
            raise InvalidTypeError(self.name, value, source, type(value).__name__, ("frozendict",))
        for child in node.value.values():
            self.element.load(source, child)
        return node

    def merge(self, matches: list[tuple[str, Node]]) -> tuple[str, Node]:
        relevant = _up_to_final(matches)
        final_entries: dict[Any, tuple[str, Node]] = {}
        for source, node in reversed(relevant):
            for key, child in node.value.items():
                if child.flag == FINAL:
                    final_entries[key] = (source, child)
        grouped: dict[Any, list[tuple[str, Node]]] = {}
        for source, node in relevant:
            for key, child in node.value.items():
                grouped.setdefault(key, []).append((source, child))
        merged = {key: self.element.merge(values) for key, values in grouped.items()}
        merged.update(final_entries)
        entries = {key: child for key, (_, child) in merged.items()}
        return relevant[-1][0], Node(entries, None, relevant[-1][0])

    def typify(self, source: str, node: Node, expand: Callable[[str], str] | None) -> Any:
        return {key: self.element.typify(_source_of(child, source), child, expand) for key, child in node.value.items()}


def _source_of(node: Node, default: str) -> str:
    return node.source or default


def _up_to_final(matches: list[tuple[str, Node]]) -> list[tuple[str, Node]]:
    for index, (_, node) in enumerate(matches):
        if node.flag == FINAL:
            return matches[: index + 1]
    return matches


def _freeze(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, dict):
        return frozenset((key, _freeze(item)) for key, item in value.items())
    return value


def _unique(items: Iterable[Node]) -> list[Node]:
    seen: set[Any] = set()
    result = []
    for item in items:
        key = _freeze(item.plain())
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


# --- validations (conda's messages) --------------------------------------------------


def _channel_alias_validation(value: str) -> Any:
    if value and not re.match(r"^[a-z][a-z0-9.+-]*://", value, re.IGNORECASE):
        return f"channel_alias value '{value}' must have scheme/protocol."
    return True


def _default_python_default() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def _default_python_validation(value: Any) -> Any:
    """Empty means no python pin; otherwise ``X.Y`` with 2.0 <= X.Y < 4.0."""
    if not value:
        return True
    # conda's message shows the value as a float once it parsed as one ("4.10" is reported as 4.1).
    shown = value
    if len(value) >= 3 and value[1] == ".":
        try:
            shown = float(value)
        except ValueError:
            pass
        else:
            if 2.0 <= shown < 4.0:
                return True
    return f"default_python value '{shown}' not of the form '[23].[0-9][0-9]?' or ''"


def _ssl_verify_validation(value: Any) -> Any:
    """Booleans pass; a string must be ``truststore`` (Python 3.10+) or an existing CA bundle/directory."""
    if not isinstance(value, str):
        return True
    if value == "truststore":
        if sys.version_info >= (3, 10):
            return True
        return "`ssl_verify: truststore` is only supported on Python 3.10 or later"
    if not os.path.exists(value):
        return (
            f"ssl_verify value '{value}' must be a boolean, a path to a "
            "certificate bundle file, a path to a directory containing "
            "certificates of trusted CAs, or 'truststore' to use the "
            "operating system certificate store."
        )
    return True


# --- helpers -----------------------------------------------------------------------------

_RE_SEARCH_VARS = re.compile(
    r"\$(?P<named>[_a-z][_a-z0-9]*)|\$\{(?P<braced>[_a-z][_a-z0-9]*)\}|%(?P<padded>[_a-z][_a-z0-9]*)%",
    re.IGNORECASE,
)


def _expand_search_entry(template: str, mapping: Mapping[str, str]) -> str:
    """``$VAR``, ``${VAR}`` and ``%VAR%`` from ``mapping``; unknown ones stay as written."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("named") or match.group("braced") or match.group("padded")
        return str(mapping.get(name, match.group()))

    return _RE_SEARCH_VARS.sub(replace, template)


_RE_POSIX_VARS = re.compile(r"\$(\w+|\{[^}]*\})", re.ASCII)


def _expandvars(text: str, environ: Mapping[str, str]) -> str:
    """``os.path.expandvars`` over ``environ`` (``%VAR%`` too on Windows)."""
    if environ is os.environ:
        return os.path.expandvars(text)
    if "$" in text:

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("{") and name.endswith("}"):
                name = name[1:-1]
            return environ.get(name, match.group(0))

        text = _RE_POSIX_VARS.sub(replace, text)
    if on_win and "%" in text:  # pragma: no cover
        text = re.sub(r"%([^%]+)%", lambda m: environ.get(m.group(1), m.group(0)), text)
    return text


def _unique_strings(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _user_data_dir() -> str:  # pragma: no cover - Windows only
    """platformdirs' user data dir for conda on Windows: %LOCALAPPDATA%\\conda\\conda."""
    base = os.environ.get("LOCALAPPDATA") or join(expanduser("~"), "AppData", "Local")
    return join(base, APP_NAME, APP_NAME)


def _warn_defaults_deprecation() -> None:
    warnings.warn(
        f"Adding '{DEFAULTS_CHANNEL_NAME}' to channel list implicitly is deprecated and will be removed in 25.3. "
        "\n\n"
        "To remove this warning, please choose a default channel explicitly "
        "with conda's regular configuration system, e.g. "
        f"by adding '{DEFAULTS_CHANNEL_NAME}' to the list of channels:\n\n"
        f"  conda config --add channels {DEFAULTS_CHANNEL_NAME}"
        "\n\n"
        "For more information see https://docs.conda.io/projects/conda/en/stable/user-guide/configuration/use-condarc.html\n",
        FutureWarning,
        stacklevel=4,
    )


def _raise_errors(errors: list[Exception]) -> None:
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise MultiValidationError(errors)


# --- the context ---------------------------------------------------------------------------


class Context:
    """conda's configuration: settings as attributes with conda's names and plain values.

    Built lazily: the files are read on first attribute access (or by ``reset_context``).
    """

    # general
    add_pip_as_python_dependency = _Primitive(True)
    allow_conda_downgrades = _Primitive(False)
    allow_cycles = _Primitive(True)
    allow_softlinks = _Primitive(False)
    auto_update_conda = _Primitive(True, aliases=("self_update",))
    auto_activate_base = _Primitive(True)
    auto_stack = _Primitive(0)
    notify_outdated_conda = _Primitive(True)
    clobber = _Primitive(False)
    changeps1 = _Primitive(True)
    env_prompt = _Primitive("({default_env}) ")
    create_default_packages = _Sequence()
    register_envs = _Primitive(True)
    default_python = _Primitive(_default_python_default(), (str, NoneType), validation=_default_python_validation)
    download_only = _Primitive(False)
    enable_private_envs = _Primitive(False)
    force_32bit = _Primitive(False)
    non_admin_enabled = _Primitive(True)
    pip_interop_enabled = _Primitive(False)

    # threads
    _default_threads = _Primitive(0, int, aliases=("default_threads",))
    _repodata_threads = _Primitive(0, int, aliases=("repodata_threads",))
    _fetch_threads = _Primitive(0, int, aliases=("fetch_threads",))
    _verify_threads = _Primitive(0, int, aliases=("verify_threads",))
    _execute_threads = _Primitive(0, int, aliases=("execute_threads",))

    # safety and security
    _aggressive_update_packages = _Sequence(DEFAULT_AGGRESSIVE_UPDATE_PACKAGES, aliases=("aggressive_update_packages",))
    safety_checks = _Primitive(SafetyChecks.warn)
    extra_safety_checks = _Primitive(False)
    _signing_metadata_url_base = _Primitive(None, (str, NoneType), aliases=("signing_metadata_url_base",))
    path_conflict = _Primitive(PathConflict.clobber)
    pinned_packages = _Sequence(delimiter="&")
    disallowed_packages = _Sequence(delimiter="&", aliases=("disallow",))
    rollback_enabled = _Primitive(True)
    track_features = _Sequence()
    use_index_cache = _Primitive(False)
    separate_format_cache = _Primitive(False)

    # locations
    _root_prefix = _Primitive("", aliases=("root_dir", "root_prefix"))
    _envs_dirs = _Sequence(delimiter=os.pathsep, aliases=("envs_dirs", "envs_path"), expandvars=True)
    _pkgs_dirs = _Sequence(aliases=("pkgs_dirs",), expandvars=True)
    _subdir = _Primitive("", aliases=("subdir",))
    _subdirs = _Sequence(aliases=("subdirs",))
    local_repodata_ttl = _Primitive(1, (bool, int))

    # network
    ssl_verify = _Primitive(
        True, (str, bool), aliases=("verify_ssl",), expandvars=True, validation=_ssl_verify_validation
    )
    client_ssl_cert = _Primitive(None, (str, NoneType), aliases=("client_cert",), expandvars=True)
    client_ssl_cert_key = _Primitive(None, (str, NoneType), aliases=("client_cert_key",), expandvars=True)
    proxy_servers = _Map(_Primitive(None, (str, NoneType)), expandvars=True)
    remote_connect_timeout_secs = _Primitive(9.15)
    remote_read_timeout_secs = _Primitive(60.0)
    remote_max_retries = _Primitive(3)
    remote_backoff_factor = _Primitive(1)
    add_anaconda_token = _Primitive(True, aliases=("add_binstar_token",))

    # channels
    allow_non_channel_urls = _Primitive(False)
    _channel_alias = _Primitive(
        DEFAULT_CHANNEL_ALIAS, aliases=("channel_alias",), expandvars=True, validation=_channel_alias_validation
    )
    channel_priority = _Primitive(ChannelPriority.FLEXIBLE)
    _channels = _Sequence(aliases=("channels", "channel"), expandvars=True)
    channel_settings = _Sequence(element=_Map(_Primitive("", str)))
    _custom_channels = _Map(_Primitive("", str), DEFAULT_CUSTOM_CHANNELS, aliases=("custom_channels",), expandvars=True)
    _custom_multichannels = _Map(_Sequence(), aliases=("custom_multichannels",), expandvars=True)
    _default_channels = _Sequence(DEFAULT_CHANNELS, aliases=("default_channels",), expandvars=True)
    _migrated_channel_aliases = _Sequence(aliases=("migrated_channel_aliases",))
    migrated_custom_channels = _Map(_Primitive("", str), expandvars=True)
    override_channels_enabled = _Primitive(True)
    show_channel_urls = _Primitive(None, (bool, NoneType))
    use_local = _Primitive(False)
    allowlist_channels = _Sequence(aliases=("whitelist_channels",), expandvars=True)
    denylist_channels = _Sequence(expandvars=True)
    restore_free_channel = _Primitive(False)
    repodata_fns = _Sequence(("current_repodata.json", REPODATA_FN))
    _use_only_tar_bz2 = _Primitive(None, (bool, NoneType), aliases=("use_only_tar_bz2",))

    always_softlink = _Primitive(False, aliases=("softlink",))
    always_copy = _Primitive(False, aliases=("copy",))
    always_yes = _Primitive(None, (bool, NoneType), aliases=("yes",))
    _debug = _Primitive(False, aliases=("debug",))
    _trace = _Primitive(False, aliases=("trace",))
    dev = _Primitive(False)
    dry_run = _Primitive(False)
    error_upload_url = _Primitive(ERROR_UPLOAD_URL)
    force = _Primitive(False)
    json = _Primitive(False)
    _console = _Primitive(DEFAULT_CONSOLE_REPORTER_BACKEND, str, aliases=("console",))
    offline = _Primitive(False)
    quiet = _Primitive(False)
    ignore_pinned = _Primitive(False)
    report_errors = _Primitive(None, (bool, NoneType))
    shortcuts = _Primitive(True)
    number_channel_notices = _Primitive(5, int)
    shortcuts_only = _Sequence(expandvars=True)
    _verbosity = _Primitive(0, int, aliases=("verbose", "verbosity"))
    experimental = _Sequence()
    no_lock = _Primitive(False)
    repodata_use_zst = _Primitive(True)
    envvars_force_uppercase = _Primitive(True)

    # solver
    deps_modifier = _Primitive(DepsModifier.NOT_SET)
    update_modifier = _Primitive(UpdateModifier.UPDATE_SPECS)
    sat_solver = _Primitive(SatSolverChoice.PYCOSAT)
    solver_ignore_timestamps = _Primitive(False)
    solver = _Primitive(DEFAULT_SOLVER, aliases=("experimental_solver",))
    force_remove = _Primitive(False)
    force_reinstall = _Primitive(False)
    target_prefix_override = _Primitive("")
    unsatisfiable_hints = _Primitive(True)
    unsatisfiable_hints_check_depth = _Primitive(2)

    # conda-build
    bld_path = _Primitive("")
    anaconda_upload = _Primitive(None, (bool, NoneType), aliases=("binstar_upload",))
    _croot = _Primitive("", aliases=("croot",))
    _conda_build = _Map(_Primitive("", str), aliases=("conda-build", "conda_build"))

    # plugins
    no_plugins = _Primitive(False)

    def __init__(
        self, search_path: Iterable[str | os.PathLike[str]] | None = None, env: Mapping[str, str] | None = None
    ):
        self._configure(search_path, env)

    # -- building

    def _configure(self, search_path: Iterable[str | os.PathLike[str]] | None, env: Mapping[str, str] | None) -> None:
        self._requested_search_path = SEARCH_PATH if search_path is None else tuple(search_path)
        self._environ: Mapping[str, str] = os.environ if env is None else env
        self._loaded = False
        self._search_path: tuple[str, ...] = ()
        self._sources: list[tuple[str, dict[str, Node]]] = []
        self._cache: dict[str, Any] = {}

    def _load(self) -> None:
        """Reads every file of the search path and the CONDA_* variables (once per reset)."""
        paths = tuple(dict.fromkeys(self._expand_search_path(self._requested_search_path)))
        sources: list[tuple[str, dict[str, Node]]] = []
        for name in paths:
            try:
                settings = parse_file(name)
            except UnicodeDecodeError as exc:
                raise ConfigurationLoadError(
                    name, "  reason: not UTF-8 text at byte %(position)s", position=exc.start
                ) from None
            except OSError as exc:
                warnings.warn(
                    f"Ignoring configuration file ({name}) that cannot be read: {exc.strerror or exc}",
                    ConfigurationWarning,
                    stacklevel=4,
                )
                continue
            sources.append((name, settings))
        sources.append((_ENV_SOURCE, self._env_settings()))
        self._search_path = paths
        self._sources = sources
        self._cache = {}
        self._loaded = True

    def _template_prefix(self) -> str:
        """What ``$CONDA_PREFIX`` means in the search path: conda's target prefix before loading."""
        root = abspath(sys.prefix)
        return _prefix_from_environment(
            self._environ, lambda: root, lambda: _default_envs_dirs(_prefix_is_writable(root), root, ())
        )

    def _expand_search_path(self, search_path: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
        """The condarc files the search path names, in order (a directory gives its YAML files by name)."""
        mapping: dict[str, str] | None = None
        for entry in search_path:
            if _is_pathlib_path(entry):
                path = str(entry)  # taken as given, as conda takes Path objects
            else:
                if mapping is None:
                    mapping = {**self._environ, "CONDA_PREFIX": self._template_prefix()}
                path = _path_text(_expand_search_entry(os.fspath(entry), mapping))
            if isfile(path):
                name = _base_name(path)
                if name in _CONDARC_FILENAMES or _suffix(name) in _YAML_EXTENSIONS:
                    yield path
            elif isdir(path):
                try:
                    names = os.listdir(path)
                except OSError as exc:
                    warnings.warn(
                        f"Ignoring configuration directory ({path}) that cannot be read: {exc.strerror or exc}",
                        ConfigurationWarning,
                        stacklevel=5,
                    )
                    continue
                for name in sorted(names, key=_name_order):
                    child = _join_path_text(path, name)
                    if _suffix(name) in _YAML_EXTENSIONS and isfile(child):
                        yield child

    def _env_settings(self) -> dict[str, Node]:
        prefix = f"{APP_NAME.upper()}_"
        return {
            key.replace(prefix, "", 1).lower(): Node(value, None, _ENV_SOURCE)
            for key, value in self._environ.items()
            if key.startswith(prefix)
        }

    def _ensure_loaded(self) -> None:
        if not self._loaded:
            self._load()

    def _setting_value(self, setting: _Setting) -> Any:
        cache = self._cache
        if setting.name in cache and self._loaded:
            value = cache[setting.name]
            # a copy, so that a caller's change cannot leak into the context (conda's are frozen)
            return dict(value) if isinstance(value, dict) else value
        self._ensure_loaded()
        cache = self._cache
        errors: list[Exception] = []
        matches: list[tuple[str, Node]] = []
        for source, settings in self._sources:
            keys = setting.names.intersection(settings)
            if not keys:
                continue
            if len(keys) > 1:
                errors.append(MultipleKeysError(source, tuple(sorted(keys)), setting.name))
                if setting.name not in keys:
                    continue
                key = setting.name
            else:
                (key,) = keys
            node = settings[key]
            if setting.kind != "primitive" and node.value is None:
                continue  # `channels: ~` and the like count as unset
            matches.append((source, setting.load(source, node)))
        if matches:
            source, merged = setting.merge(matches)
            expand = (lambda text: _expandvars(text, self._environ)) if setting.expandvars else None
            try:
                value = setting.typify(source, merged, expand)
            except ValidationError as exc:
                errors.append(exc)
                value = None
        else:
            value = setting.default
            if isinstance(value, dict):
                value = dict(value)
        _raise_errors(errors)
        cache[setting.name] = value
        return dict(value) if isinstance(value, dict) else value

    # -- where the configuration came from

    @property
    def search_path(self) -> tuple[str, ...]:
        """The condarc files read, lowest priority first."""
        self._ensure_loaded()
        return self._search_path

    @property
    def config_files(self) -> tuple[str, ...]:
        """The files that set at least one known setting."""
        self._ensure_loaded()
        known = _known_names(type(self))
        return tuple(
            source for source, settings in self._sources if source != _ENV_SOURCE and not known.isdisjoint(settings)
        )

    @property
    def raw_data(self) -> dict[str, dict[str, Any]]:
        """Each source's settings as written (files, then ``envvars``), without flags."""
        self._ensure_loaded()
        return {source: {key: node.plain() for key, node in settings.items()} for source, settings in self._sources}

    # -- derived values, as conda computes them

    @property
    def conda_prefix(self) -> str:
        return abspath(sys.prefix)

    @property
    def root_prefix(self) -> str:
        if "root_prefix" not in self._cache or not self._loaded:
            configured = self._root_prefix
            self._cache["root_prefix"] = abspath(expanduser(configured)) if configured else self.conda_prefix
        return self._cache["root_prefix"]

    @property
    def root_dir(self) -> str:
        """conda.exports' name for the root prefix."""
        return self.root_prefix

    @property
    def root_writable(self) -> bool:
        return _prefix_is_writable(self.root_prefix)

    @property
    def envs_dirs(self) -> tuple[str, ...]:
        return _default_envs_dirs(self.root_writable, self.root_prefix, self._envs_dirs)

    @property
    def pkgs_dirs(self) -> tuple[str, ...]:
        if self._pkgs_dirs:
            return _unique_strings(_expand_path(path) for path in self._pkgs_dirs)
        cache_dir_name = "pkgs32" if self.force_32bit else "pkgs"
        fixed: tuple[str, ...] = (self.root_prefix, join("~", ".conda"))
        if on_win:  # pragma: no cover
            fixed += (_user_data_dir(),)
        return _unique_strings(_expand_path(join(path, cache_dir_name)) for path in fixed)

    @property
    def active_prefix(self) -> str | None:
        return self._environ.get("CONDA_PREFIX")

    @property
    def default_prefix(self) -> str:
        return _prefix_from_environment(self._environ, lambda: self.root_prefix, lambda: self.envs_dirs)

    @property
    def target_prefix(self) -> str:
        return self.default_prefix

    @property
    def shlvl(self) -> int:
        return int(self._environ.get("CONDA_SHLVL", -1))

    @property
    def platform(self) -> str:
        return _platform_map.get(sys.platform, "unknown")

    @property
    def bits(self) -> int:
        return 32 if self.force_32bit else 8 * struct.calcsize("P")

    @property
    def arch_name(self) -> str:
        machine = _machine()
        return machine if machine in non_x86_machines else _arch_names[self.bits]

    def _native_subdir(self) -> str:
        machine = _machine()
        if machine in non_x86_machines:
            return f"{self.platform}-{machine}"
        if self.platform == "zos":
            return "zos-z"
        return f"{self.platform}-{self.bits}"

    @property
    def subdir(self) -> str:
        return self._subdir or self._native_subdir()

    @property
    def subdirs(self) -> tuple[str, ...]:
        return self._subdirs or (self.subdir, "noarch")

    @property
    def known_subdirs(self) -> frozenset[str]:
        return frozenset((*KNOWN_SUBDIRS, *self.subdirs))

    @property
    def default_threads(self) -> int | None:
        return self._default_threads or None

    @property
    def repodata_threads(self) -> int | None:
        return self._repodata_threads or self.default_threads

    @property
    def fetch_threads(self) -> int | None:
        if self._fetch_threads:
            return self._fetch_threads
        if self._fetch_threads == 0 and self._default_threads == 0:
            return 5  # neither setting given: conda's measured default for downloads
        return self.default_threads

    @property
    def verify_threads(self) -> int:
        return self._verify_threads or self.default_threads or 1

    @property
    def execute_threads(self) -> int:
        return self._execute_threads or self.default_threads or 1

    @property
    def croot(self) -> str:
        """Where conda-build keeps its work and output (the local ``conda-bld`` channel)."""
        for setting in (self._croot, self.bld_path):
            if setting:
                return abspath(expanduser(setting))
        build_config = self.conda_build
        if "root-dir" in build_config:  # present counts, even when empty
            return abspath(expanduser(build_config["root-dir"]))
        # Nothing configured: beside the base environment when it is writable, else in the home directory.
        return join(self.root_prefix, "conda-bld") if self.root_writable else _expand_path("~/conda-bld")

    # -- Channel-valued views of the channel settings (conda's names); built by models.channel

    @property
    def channel_alias(self) -> Any:
        """``channel_alias`` as a Channel (scheme, auth, location and token split out)."""
        from .models.channel import _config

        return _config(self).channel_alias

    @property
    def migrated_channel_aliases(self) -> tuple[Any, ...]:
        from .models.channel import _config

        return _config(self).migrated_channel_aliases

    @property
    def custom_multichannels(self) -> dict[str, tuple[Any, ...]]:
        """Multichannel name -> its Channels; ``defaults`` and ``local`` included."""
        from .models.channel import _config

        return _config(self).custom_multichannels

    @property
    def custom_channels(self) -> dict[str, Any]:
        """Channel name -> Channel, for every configured custom channel and multichannel member."""
        from .models.channel import _config

        return _config(self).custom_channels

    @property
    def default_channels(self) -> tuple[Any, ...]:
        """The ``defaults`` multichannel's Channels."""
        return self.custom_multichannels[DEFAULTS_CHANNEL_NAME]

    @property
    def local_build_root(self) -> str:
        return self.croot

    @property
    def conda_build(self) -> dict[str, str]:
        """The ``conda_build`` / ``conda-build`` map; one mutable dict per context, as conda-build expects."""
        self._ensure_loaded()
        if "conda_build" not in self._cache:
            self._cache["conda_build"] = dict(self._conda_build)
        return self._cache["conda_build"]

    @property
    def conda_build_local_paths(self) -> tuple[str, ...]:
        # The places conda-build may have put packages, most specific first; only existing ones count.
        search_order = [self._croot, self.bld_path, self.conda_build.get("root-dir")]
        search_order += [join(self.root_prefix, "conda-bld"), "~/conda-bld"]
        expanded = [_expand_path(place) for place in search_order if place]
        return _unique_strings(filter(isdir, expanded))

    @property
    def conda_build_local_urls(self) -> tuple[str, ...]:
        from ._url import path_to_url

        return tuple(path_to_url(path) for path in self.conda_build_local_paths)

    @property
    def binstar_upload(self) -> bool | None:
        return self.anaconda_upload

    @property
    def signing_metadata_url_base(self) -> str | None:
        return self._signing_metadata_url_base or None

    @property
    def av_data_dir(self) -> str:
        return join(self.conda_prefix, "etc", "conda")

    @property
    def conda_exe(self) -> str:
        return join(self.conda_prefix, "Scripts" if on_win else "bin", "conda.exe" if on_win else "conda")

    @property
    def console(self) -> str:
        return DEFAULT_JSON_REPORTER_BACKEND if self.json else self._console

    @property
    def verbosity(self) -> int:
        if self._trace:
            return 4
        if self._debug:
            return 3
        return self._verbosity

    trace = _verbosity_at_least(4)
    debug = _verbosity_at_least(3)
    info = _verbosity_at_least(2)
    verbose = _verbosity_at_least(1)

    @property
    def log_level(self) -> int:
        """The logging level for the verbosity: WARNING (30) up to NOTSET (0) above trace."""
        verbosity = self.verbosity
        return next((level for floor, level in _LOG_LEVEL_FLOORS if verbosity > floor), 30)

    # -- channels as plain data (Channel objects are built on these by the models)

    @property
    def channel_alias_url(self) -> str:
        return self._channel_alias

    @property
    def migrated_channel_alias_urls(self) -> tuple[str, ...]:
        return tuple(self._migrated_channel_aliases)

    @property
    def migrated_custom_channel_urls(self) -> dict[str, str]:
        return dict(self.migrated_custom_channels)

    @property
    def custom_channel_urls(self) -> dict[str, str]:
        return dict(self._custom_channels)

    @property
    def custom_multichannel_urls(self) -> dict[str, tuple[str, ...]]:
        """Named groups of channels: the configured ones, then ``defaults`` and ``local`` (these win).

        Computed once per reset, as conda memoizes it (``local`` lists the build roots existing then).
        """
        self._ensure_loaded()
        cached = self._cache.get("custom_multichannel_urls")
        if cached is None:
            cached = self._cache["custom_multichannel_urls"] = self._compute_custom_multichannel_urls()
        return dict(cached)

    def _compute_custom_multichannel_urls(self) -> dict[str, tuple[str, ...]]:
        # Solving for Windows from elsewhere: the unchanged default list is swapped for the Windows one.
        windows_target = not on_win and self.subdir.startswith("win-")
        unchanged = windows_target and self._default_channels == DEFAULT_CHANNELS_UNIX
        default_channels = list(DEFAULT_CHANNELS_WIN if unchanged else self._default_channels)
        if self.restore_free_channel:
            warnings.warn(
                "Adding the 'free' channel as it existed prior to conda 4.7. is deprecated and will be removed "
                "in 25.3. See https://docs.conda.io/projects/conda/en/stable/user-guide/configuration/free-channel.html "
                "for more details.",
                FutureWarning,
                stacklevel=2,
            )
            default_channels.insert(1, "https://repo.anaconda.com/pkgs/free")
        result = {name: tuple(urls) for name, urls in self._custom_multichannels.items()}
        result[DEFAULTS_CHANNEL_NAME] = tuple(default_channels)
        result["local"] = self.conda_build_local_urls
        return result

    @property
    def default_channel_urls(self) -> tuple[str, ...]:
        return self.custom_multichannel_urls[DEFAULTS_CHANNEL_NAME]

    @property
    def channels(self) -> tuple[str, ...]:
        """The configured channels (``defaults`` when none, with conda's FutureWarning)."""
        local = ("local",) if self.use_local else ()
        if self._channels:
            configured: tuple[str, ...] = tuple(self._channels)
        else:
            _warn_defaults_deprecation()
            configured = (DEFAULTS_CHANNEL_NAME,)
        return self._validate_channels((*local, *configured))

    def _validate_channels(self, channels: tuple[str, ...]) -> tuple[str, ...]:
        """conda's allowlist / denylist check, by the channels' base URLs; then duplicates dropped."""
        allow, deny = self.allowlist_channels, self.denylist_channels
        if allow or deny:
            from .exceptions import ChannelDenied, ChannelNotAllowed
            from .models.channel import Channel

            allowed = {url for name in allow for url in Channel(name).base_urls}
            denied = {url for name in deny for url in Channel(name).base_urls}

            def refusal(url: str | None) -> type[Exception] | None:
                if url in denied:
                    return ChannelDenied
                return ChannelNotAllowed if allowed and url not in allowed else None

            for channel in map(Channel, channels):
                # The first of the channel's URLs that is refused decides which error it is.
                error = next(filter(None, map(refusal, channel.base_urls)), None)
                if error is not None:
                    raise error(channel)
        return _unique_strings(channels)

    @property
    def aggressive_update_packages(self) -> tuple[Any, ...]:
        from .models.match_spec import MatchSpec

        return tuple(MatchSpec(spec) for spec in self._aggressive_update_packages)

    @property
    def use_only_tar_bz2(self) -> bool:
        return bool(self._use_only_tar_bz2)

    @contextmanager
    def _override(self, key: str, value: Any) -> Iterator[None]:
        """Temporarily sets a setting (as conda's ``context._override``)."""
        missing = object()
        old = self.__dict__.get(key, missing)
        setattr(self, key, value)
        try:
            yield
        finally:
            # conda sets the old value back, which pins it past later resets; drop ours instead
            if old is missing:
                self.__dict__.pop(key, None)
            else:
                setattr(self, key, old)

    def __repr__(self) -> str:
        state = "loaded" if self._loaded else "not loaded yet"
        return f"<conda_exports Context ({state})>"


# -- paths as pathlib would spell them (pathlib itself costs several ms to import) ----------


def _is_pathlib_path(entry: object) -> bool:
    pathlib = sys.modules.get("pathlib")
    return pathlib is not None and isinstance(entry, pathlib.PurePath)


def _path_text(text: str) -> str:
    """``str(Path(text).expanduser())``."""
    if on_win:  # pragma: no cover - pathlib's Windows rules (drives, UNC) are not worth copying
        from pathlib import Path

        return str(Path(text).expanduser())
    path = _pure_posix(text)
    if path.startswith("~"):
        first, sep, rest = path.partition("/")
        home = expanduser(first)
        if not home.startswith("~"):
            path = _pure_posix(home + sep + rest)
    return path


def _pure_posix(text: str) -> str:
    """``str(PurePosixPath(text))``: empty and ``.`` parts dropped; ``//`` kept only as exactly two leading slashes."""
    if text.startswith("/"):
        root = "//" if text.startswith("//") and not text.startswith("///") else "/"
    else:
        root = ""
    parts = [part for part in text.split("/") if part and part != "."]
    if not root and not parts:
        return "."
    return root + "/".join(parts)


def _join_path_text(directory: str, name: str) -> str:
    if directory == ".":
        return name
    return directory + name if directory.endswith(os.sep) else directory + os.sep + name


def _base_name(path: str) -> str:
    return os.path.basename(path)


def _suffix(name: str) -> str:
    """``PurePath(name).suffix``: from the last dot, unless the name starts or ends with it."""
    index = name.rfind(".")
    return name[index:] if 0 < index < len(name) - 1 else ""


def _name_order(name: str) -> str:
    # pathlib sorts Windows paths case-insensitively
    return name.lower() if on_win else name


def _known_names(cls: type) -> frozenset[str]:
    """Every key (names and aliases) of the settings of ``cls``."""
    names: set[str] = set()
    for klass in cls.__mro__:
        for value in vars(klass).values():
            if isinstance(value, _Setting):
                names.update(value.names)
    return frozenset(names)


def _prefix_from_environment(
    environ: Mapping[str, str], root: Callable[[], str], envs_dirs: Callable[[], Sequence[str]]
) -> str:
    """conda's target prefix: ``$CONDA_PREFIX``, else ``$CONDA_DEFAULT_ENV`` (the root for none,
    ``base`` or ``root``; a path as given; a name in the first envs dir that holds it, else in
    the first envs dir). ``root`` and ``envs_dirs`` are read only when needed."""
    active = environ.get("CONDA_PREFIX")
    if active:
        return active
    name = environ.get("CONDA_DEFAULT_ENV")
    if name in (None, ROOT_ENV_NAME, "root"):
        return root()
    if os.sep in name:
        return abspath(name)
    dirs = envs_dirs()
    for envs_dir in dirs:
        candidate = join(envs_dir, name)
        if isdir(candidate):
            return candidate
    return join(dirs[0], name)


def _machine() -> str:
    import platform

    return platform.machine()


def _expand_path(path: str) -> str:
    return abspath(expanduser(os.path.expandvars(path)))


def _prefix_is_writable(prefix: str) -> bool:
    """conda's shortcut: the prefix is writable when its conda-meta/history opens for appending."""
    path = join(prefix, PREFIX_MAGIC_FILE)
    if isfile(path):
        try:
            with open(path, "a+"):
                pass
        except OSError:
            return False
        return True
    return False


def _default_envs_dirs(root_writable: bool, root_prefix: str, configured: Iterable[str]) -> tuple[str, ...]:
    if root_writable:
        fixed = [join(root_prefix, "envs"), join("~", ".conda", "envs")]
    else:
        fixed = [join("~", ".conda", "envs"), join(root_prefix, "envs")]
    if on_win:  # pragma: no cover
        fixed.append(join(_user_data_dir(), "envs"))
    return _unique_strings(_expand_path(path) for path in (*configured, *fixed))


#: The process-wide context; nothing is read until an attribute is used.
context = Context()


#: The attributes ``_configure`` and ``_load`` set: the whole loaded state of a Context.
_LOADED_STATE = ("_requested_search_path", "_environ", "_loaded", "_search_path", "_sources", "_cache")


def reset_context(
    search_path: Iterable[str | os.PathLike[str]] | None = None,
    env: Mapping[str, str] | None = None,
    argparse_args: Any = None,
) -> Context:
    """Rebuilds ``context`` in place from ``search_path`` (conda's SEARCH_PATH when None).

    ``env`` replaces ``os.environ`` as the source of ``CONDA_*`` variables and ``$VAR``
    expansion. The files are read now, so a malformed one raises here, and then the context
    keeps the configuration it had.
    """
    saved = {name: context.__dict__[name] for name in _LOADED_STATE if name in context.__dict__}
    try:
        context._configure(search_path, env)
        context._load()
    except BaseException:
        # a bad argument or a malformed file leaves the context as it was before the call
        for name in _LOADED_STATE:
            context.__dict__.pop(name, None)
        context.__dict__.update(saved)
        raise
    channel_module = sys.modules.get("conda_exports.models.channel")
    if channel_module is not None:  # Channels made under the old settings are stale
        channel_module.Channel._reset_state()
    return context
