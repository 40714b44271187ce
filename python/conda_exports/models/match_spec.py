"""conda's package query language: ``MatchSpec``.

Accepts every spec string conda 25.1 accepts (``numpy``, ``numpy 1.8*``, ``numpy=1.8=py27_0``,
``conda-forge/linux-64::numpy>=1.8[build=py*]``, package URLs, ...), normalises ``str()`` as
conda does, and matches records. Behaviour is conda's; the code is this package's own.

Channels are ``conda_exports.models.channel.Channel`` objects, read through the current
configuration (``channel_alias``, ``custom_channels``, ``custom_multichannels``) as conda's
are: the channel part of a spec string keeps only the channel's name (``https://host/chan::x``
becomes ``chan::x``), ``get_exact_value('channel')`` is a ``Channel`` (a ``MultiChannel`` for
``defaults``), and a record's channel matches by name or canonical name, so ``defaults::x``
matches a ``pkgs/main`` record. A ``*`` glob or ``^regex$`` matches the canonical name.

Cost: a spec string is parsed once (a per-string cache, as conda has; MatchSpec objects are
immutable, so ``MatchSpec(s)`` of a string seen before returns the same object) and each
field becomes a small matcher object that is itself cached per (field, value), so the
depends entries of a large index, which repeat a lot, parse into shared objects; a channel
string becomes a Channel once. The common shapes of depends entries (``name``,
``name >=1.2,<2``, ``name 1.2.* build*``: no brackets, channel or comment) skip the general
grammar and build the same fields directly (``_simple_spec``). These caches hold configuration-dependent values, so they are
emptied when ``reset_context()`` changes the configuration (deliberately unlike conda, whose
parse caches keep what the old configuration gave). Measured (benches/bench_version.py, 100k
real-shaped depends entries, caches cleared per round): about 3x faster than conda 25.1;
py-rattler's compiled MatchSpec is faster still.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from .._url import PACKAGE_EXTENSIONS as _PACKAGE_EXTENSIONS
from ..exceptions import InvalidMatchSpec, InvalidSpec
from . import channel as _channel_module
from .channel import Channel
from .version import BuildNumberMatch, VersionSpec

__all__ = ["MatchSpec"]

_CACHE_LIMIT = 1 << 17

# ---------------------------------------------------------------------------
# channels: conda_exports.models.channel.Channel, under the current configuration

_URL = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*)://([^/]*)(.*)")

# channel string -> (the name MatchSpec keeps, subdir), for the current configuration
_CHANNEL_CACHE: dict[str, tuple[str | None, str | None]] = {}
# the channel module's generation the caches below were filled under
_SEEN_GENERATION = [_channel_module._GENERATION]


def _check_configuration() -> None:
    """Empties every cache holding Channels or channel names when the context was reset."""
    generation = _channel_module._GENERATION
    if generation != _SEEN_GENERATION[0]:
        _SEEN_GENERATION[0] = generation
        for cache in (_SPEC_CACHE, _PARSE_CACHE, _MATCHER_CACHE, _CHANNEL_CACHE):
            cache.clear()


def _channel(value: object) -> Channel:
    """``Channel(value)``; a value no Channel can be made of is an ``InvalidMatchSpec``."""
    try:
        return Channel(value)
    except ValueError as exc:
        if isinstance(exc, InvalidSpec):
            raise
        raise InvalidMatchSpec(str(value), str(exc)) from None


def _parse_channel(value: str | None) -> tuple[str | None, str | None]:
    """The channel name (its base URL when it has none) and the subdir of a spec's channel part.

    As in conda, only the name is kept: ``https://host/chan::x`` becomes channel ``chan``,
    read back through the configuration (``channel_alias``, ``custom_channels``).
    """
    if not value:
        return None, None
    cached = _CHANNEL_CACHE.get(value)
    if cached is None:
        chn = _channel(value)
        cached = (chn.name or chn.base_url, chn.subdir)
        if len(_CHANNEL_CACHE) >= _CACHE_LIMIT:
            _CHANNEL_CACHE.clear()
        _CHANNEL_CACHE[value] = cached
    return cached


# ---------------------------------------------------------------------------
# field matchers


class _Matcher:
    """A field's condition: ``match(value)``, ``raw_value`` and ``exact_value``."""

    __slots__ = ("_raw_value",)

    def __init__(self, value: object) -> None:
        self._raw_value = value

    def matches(self, value: object) -> bool:
        return self.match(value)  # type: ignore[attr-defined]

    @property
    def raw_value(self) -> object:
        return self._raw_value

    @property
    def exact_value(self) -> object:
        return self._raw_value

    def merge(self, other: _Matcher) -> object:
        if self.raw_value != other.raw_value:
            raise ValueError(f"Incompatible component merge:\n  - {self.raw_value!r}\n  - {other.raw_value!r}")
        return self.raw_value

    def union(self, other: _Matcher) -> str:
        # a TypeError for values that are not strings (Channels, feature sets): the caller
        # then joins the str() of both matchers, as conda does
        return "|".join({self.raw_value, other.raw_value})  # type: ignore[arg-type]

    def __str__(self) -> str:
        return str(self._raw_value)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}('{self._raw_value}')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.__class__) and self._raw_value == other._raw_value

    def __hash__(self) -> int:
        return hash(self._raw_value)


def _value_text(other: object) -> str:
    raw = getattr(other, "_raw_value", None)
    return str(other) if raw is None else raw  # type: ignore[return-value]


class ExactStrMatch(_Matcher):
    """Equal to one string (md5, sha256, subdir, fn, url)."""

    __slots__ = ()

    def match(self, other: object) -> bool:
        return self._raw_value == _value_text(other)


def _glob(value: str) -> re.Pattern | None:
    try:
        if value.startswith("^") and value.endswith("$"):
            return re.compile(value)
        if "*" in value:
            return re.compile("^(?:{})$".format(re.escape(value).replace(r"\*", ".*")))
    except re.error as exc:
        raise InvalidMatchSpec(value, f"Contains an invalid regular expression. '{exc}'") from None
    return None


class GlobStrMatch(_Matcher):
    """A string, a ``*`` glob or a ``^regex$`` (build strings)."""

    __slots__ = ("_re",)

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self._re = _glob(value)

    def match(self, other: object) -> bool:
        text = _value_text(other)
        if self._re is not None:
            return self._re.match(text) is not None
        return self._raw_value == text

    @property
    def exact_value(self) -> object:
        return self._raw_value if self._re is None else None

    @property
    def matches_all(self) -> bool:
        return self._raw_value == "*"

    def merge(self, other: _Matcher) -> object:
        if self.raw_value == other.raw_value:
            return self.raw_value
        this: _Matcher = self
        if self._re is None and isinstance(other, GlobStrMatch) and other._re is not None:
            this, other = other, self  # keep the pattern on the left
        other_text = str(other)
        if "*" not in other_text:
            pattern = getattr(this, "_re", None)
            if pattern is not None and pattern.match(other_text):
                return other.raw_value
            return _Matcher.merge(this, other)
        this_text = str(this.raw_value)
        if this_text.count("*") == other_text.count("*") == 1 and (
            this_text[0] == other_text[0] == "*" or this_text[-1] == other_text[-1] == "*"
        ):
            a, b = this_text.strip("*"), other_text.strip("*")
            if a in b:
                return other.raw_value
            if b in a:
                return this.raw_value
            return _Matcher.merge(this, other)
        parts = []
        for text in (this_text, other_text):
            if text.startswith("^") and text.endswith("$"):
                parts.append(text[1:-1])
            elif "*" in text:
                parts.append(re.escape(text).replace(r"\*", ".*"))
            else:
                parts.append(text)
        return rf"^(?={parts[0]})(?:{parts[1]})$"


class GlobLowerStrMatch(GlobStrMatch):
    """A case-folded glob (package names)."""

    __slots__ = ()

    def __init__(self, value: str) -> None:
        super().__init__(value.lower())


class CaseInsensitiveStrMatch(GlobLowerStrMatch):
    """A glob compared case-insensitively on both sides (license, license_family)."""

    __slots__ = ()

    def match(self, other: object) -> bool:
        text = _value_text(other).lower()
        if self._re is not None:
            return self._re.match(text) is not None
        return self._raw_value == text


def _feature_set(value: object) -> frozenset:
    if not value:
        return frozenset()
    if isinstance(value, str):
        return frozenset(f for f in (p.strip() for p in value.replace(" ", ",").split(",")) if f)
    return frozenset(f for f in (str(p).strip() for p in value) if f)  # type: ignore[attr-defined]


class FeatureMatch(_Matcher):
    """The same set of features (track_features, features), given as a list or a string."""

    __slots__ = ()

    def __init__(self, value: object) -> None:
        super().__init__(_feature_set(value))

    def match(self, other: object) -> bool:
        return self._raw_value == _feature_set(other)

    def __str__(self) -> str:
        return " ".join(sorted(self._raw_value))  # type: ignore[call-overload]

    def __repr__(self) -> str:
        return "[{}]".format(", ".join(f"'{k}'" for k in sorted(self._raw_value)))  # type: ignore[call-overload]


class ChannelMatch(GlobStrMatch):
    """A channel: a Channel (matched by name or canonical name, so ``defaults`` matches its
    ``pkgs/main``), or a ``*`` glob / ``^regex$`` on the record channel's canonical name."""

    __slots__ = ()

    def __init__(self, value: object) -> None:
        self._re = None
        if isinstance(value, str):
            if value.startswith("^") and value.endswith("$") or "*" in value:
                try:
                    is_regex = value.startswith("^") and value.endswith("$")
                    self._re = re.compile(value if is_regex else "^(?:{})$".format(value.replace("*", ".*")))
                except re.error as exc:
                    raise InvalidMatchSpec(value, f"Contains an invalid regular expression. '{exc}'") from None
            else:
                value = _channel(value)
        self._raw_value = value  # a Channel, a pattern, or (as conda allows) any other object given

    def match(self, other: object) -> bool:
        raw = getattr(other, "_raw_value", other)
        channel = raw if isinstance(raw, Channel) else Channel(raw)
        if self._re is not None:
            return self._re.match(channel.canonical_name) is not None
        return self._raw_value.name in (channel.name, channel.canonical_name)  # type: ignore[attr-defined]

    @property
    def matches_all(self) -> bool:
        return isinstance(self._raw_value, str) and self._raw_value == "*"

    def __str__(self) -> str:
        name = getattr(self._raw_value, "name", None)
        return str(self._raw_value) if name is None else f"{name}"

    def __repr__(self) -> str:
        return f"'{self}'"


# which matcher class reads each field; a field not listed (md5, url, ...) is an exact string
_IMPLEMENTORS: dict[str, type] = {
    field: matcher
    for matcher, fields in (
        (GlobLowerStrMatch, ("name",)),
        (GlobStrMatch, ("build",)),
        (VersionSpec, ("version",)),
        (BuildNumberMatch, ("build_number",)),
        (ChannelMatch, ("channel",)),
        (FeatureMatch, ("features", "track_features")),
        (CaseInsensitiveStrMatch, ("license", "license_family")),
    )
    for field in fields
}

_MATCHER_CACHE: dict[tuple, object] = {}
_NOT_FIELDS = frozenset(("optional", "target", "_original_spec_str"))
# keyword arguments that leave a parsed spec string's fields alone
_FLAG_KWARGS = frozenset(("optional", "target"))


def _make_component(field: str, value: object) -> object:
    if value.__class__ is str:  # the common case: straight to the cache
        cached = _MATCHER_CACHE.get((field, value))
        if cached is not None:
            return cached
    elif hasattr(value, "match"):
        return value  # already a matcher
    elif isinstance(value, Channel):
        # not cached: equal Channels may differ in subdir, and get_exact_value gives this one
        return ChannelMatch(value)
    key = (field, value)
    try:
        cached = _MATCHER_CACHE.get(key)
    except TypeError:  # an unhashable value (a list of features): no caching
        key, cached = None, None  # type: ignore[assignment]
    if cached is not None:
        return cached
    factory = _IMPLEMENTORS.get(field)
    matcher = factory(value) if factory is not None else ExactStrMatch(str(value))
    if key is not None:
        if len(_MATCHER_CACHE) >= _CACHE_LIMIT:
            _MATCHER_CACHE.clear()
        _MATCHER_CACHE[key] = matcher
    return matcher


# ---------------------------------------------------------------------------
# the string grammar

_BRACKETS = re.compile(r".*(?:(\[.*\]))")
_PARENS = re.compile(r".*(?:(\(.*\)))")
_KEY_VALUE = re.compile(r'([a-zA-Z0-9_-]+?)=(["\']?)([^\'"]*?)(\2)(?:[, ]|$)')
_NAME_REST = re.compile(r"([^ =<>!~]+)?([><!=~ ].+)?")
_VERSION_BUILD = re.compile(r"((?:.+?)[^><!,|]?)(?:(?<![=!|,<>~])(?:[ =])([^-=,|<>~]+?))?$")

_PARSE_CACHE: dict[str, dict] = {}
# MatchSpecs are immutable, so a spec string seen before gives the same object back
_SPEC_CACHE: dict[str, MatchSpec] = {}


def _split_version_build(text: str) -> tuple[str, str | None]:
    """``'>=1.0 , < 2.0 py34_0'`` -> ``('>=1.0,<2.0', 'py34_0')``."""
    m = _VERSION_BUILD.search(text)
    if m is None:
        return text.replace(" ", ""), None
    version, build = m.groups()
    return version.replace(" ", ""), (build.strip() if build else build)


def _split_dist_name(filename: str, original: str) -> tuple[str, str, str]:
    for ext in _PACKAGE_EXTENSIONS:
        if filename.endswith(ext):
            filename = filename[: -len(ext)]
            break
    parts = filename.rsplit("-", 2)
    if len(parts) != 3:
        # conda fails here with a ValueError from the unpacking
        raise InvalidMatchSpec(original, "package file name is not <name>-<version>-<build>")
    return parts[0], parts[1], parts[2]


def _parse_package_file(spec: str) -> dict:
    if _URL.match(spec) is None:
        try:
            path = os.path.abspath(os.path.expanduser(os.path.expandvars(spec)))
        except ValueError as exc:  # a NUL in a "~user" part (conda lets the ValueError out)
            raise InvalidMatchSpec(spec, str(exc)) from None
        spec = unquote("file://" + path.replace("\\", "/"))
    chn = _channel(spec)
    if not chn.subdir:  # not inside a channel: only the file name is known
        path = unquote(spec[7:]) if spec.startswith("file://") else spec
        return {"name": "*", "fn": path.replace("\\", "/").rsplit("/", 1)[-1], "url": spec}
    filename = chn.package_filename or ""
    fields: dict = {"channel": chn.canonical_name, "subdir": chn.subdir}
    fields.update(zip(("name", "version", "build"), _split_dist_name(filename, spec)))
    fields["fn"] = filename
    fields["url"] = spec
    return fields


def _channel_and_subdir(prefix: str | None, brackets: dict[str, str]) -> tuple[str | None, str | None]:
    """Channel and subdir of a spec: the ``chan/subdir::`` prefix, then what the brackets say.

    A bracket ``channel=`` replaces each part it has; a bracket ``subdir=`` wins over both.
    The two keys are taken out of ``brackets``.
    """
    channel, subdir = _parse_channel(prefix)
    if "channel" in brackets:
        override = _parse_channel(brackets.pop("channel"))
        channel = override[0] or channel
        subdir = override[1] or subdir
    return channel, brackets.pop("subdir", subdir)


def _parse_key_values(text: str, original: str, strict: bool) -> dict[str, str]:
    result = {}
    for m in _KEY_VALUE.finditer(text):
        key, _, value, _ = m.groups()
        if strict and (not key or not value):
            raise InvalidMatchSpec(original, "key-value mismatch in brackets")
        result[key] = value
    return result


def _short_equals(version: str, build: str | None) -> str:
    """A version starting with ``=``: ``=1.2`` means ``1.2*``, ``==1.2`` alone means ``1.2``;
    ``=`` and ``==`` stay (and fail later)."""
    if version in ("==", "="):
        return version
    tail = version[1:]
    if version[:2] == "==" and build is None:
        return version[2:]
    if "=" in tail or "," in tail or "|" in tail:
        return version
    return tail + "*" if build is None and tail[-1] != "*" else tail


# The common shapes of depends entries: "name", "name version", "name version build", with
# one space between the parts; the version an and-list (or or-list) of [operator]version.
# A string of this shape parses, through the general grammar below, into exactly these
# parts, so it can skip that grammar: it has no brackets, parentheses, channel, comment,
# " if " (a version must start with a digit or "*"), no "=" that could start a build, no
# "-" in the build; strings ending like a package file are left to the general path.
_SIMPLE_VERSION = r"(?:[<>!~=]=|[<>=])?(?:[0-9]+!)?[0-9*][0-9A-Za-z_.*+]*"
_SIMPLE_SPEC = re.compile(
    rf"([A-Za-z0-9_.+-]+)(?: ({_SIMPLE_VERSION}(?:,{_SIMPLE_VERSION})*|{_SIMPLE_VERSION}(?:\|{_SIMPLE_VERSION})+)"
    r"(?: ([A-Za-z0-9_.*+]+))?)?"
)


def _str_component(field: str, value: str) -> object:
    """The (cached) matcher of a string field value; what ``_make_component`` does for a str."""
    matcher = _MATCHER_CACHE.get((field, value))
    if matcher is None:
        matcher = _IMPLEMENTORS[field](value)
        if len(_MATCHER_CACHE) >= _CACHE_LIMIT:
            _MATCHER_CACHE.clear()
        _MATCHER_CACHE[(field, value)] = matcher
    return matcher


def _simple_spec(spec_str: str) -> MatchSpec | None:
    """The MatchSpec of a spec string of a common simple shape (None for any other string).

    The same fields, matchers and original string as the general path gives it.
    """
    m = _SIMPLE_SPEC.fullmatch(spec_str)
    if m is None or spec_str.endswith(_PACKAGE_EXTENSIONS):
        return None
    name, version, build = m.groups()
    matcher = _MATCHER_CACHE.get(("name", name))
    components = {"name": _str_component("name", name) if matcher is None else matcher}
    if version is not None:
        if version[0] == "=":
            version = _short_equals(version, build)
        # VersionSpec keeps its own per-string cache: the same object _make_component gives
        matcher = VersionSpec._cache_.get(version)
        components["version"] = VersionSpec(version) if matcher is None else matcher
        if build is not None:
            components["build"] = _str_component("build", build)
    self = object.__new__(MatchSpec)
    self._optional = False
    self._target = None
    self._original_spec_str = spec_str
    self._match_components = components
    self._hash_key_ = None
    return self


def _parse_spec_str(spec_str: str) -> dict:
    """Splits a spec string into field values (strings), as conda's parser does."""
    cached = _PARSE_CACHE.get(spec_str)
    if cached is not None:
        return cached
    original = spec_str

    if spec_str.endswith("@"):  # legacy form "feature@"
        return {"name": "*", "track_features": (spec_str[:-1],)}

    if "#" in spec_str:
        spec_str = spec_str[: spec_str.index("#")]
    spec_str = spec_str.split(" if ", 1)[0]

    if spec_str.endswith(_PACKAGE_EXTENSIONS):
        return _parse_package_file(spec_str)

    brackets: dict[str, str] = {}
    m = _BRACKETS.match(spec_str)
    if m:
        text = m.group(1)
        spec_str = spec_str.replace(text, "")
        brackets = _parse_key_values(text[1:-1], original, strict=True)

    m = _PARENS.match(spec_str)
    if m:  # "(optional)" and the like: parsed by conda, then dropped
        spec_str = spec_str.replace(m.group(1), "")

    pieces = spec_str.rsplit(":", 2)
    spec_str = pieces[-1]
    channel, subdir = _channel_and_subdir(pieces[0] if len(pieces) == 3 else None, brackets)

    m = _NAME_REST.match(spec_str)
    name, rest = m.groups()  # type: ignore[union-attr]
    if name is None:
        raise InvalidMatchSpec(original, f"no package name found in '{rest}'")

    version = build = None
    rest = rest and rest.strip()
    if rest:
        if "[" in rest:
            raise InvalidMatchSpec(original, "multiple brackets sections not allowed")
        version, build = _split_version_build(rest)
        if version[0] == "=":
            version = _short_equals(version, build)

    components: dict = {"name": name or "*"}
    found = (("channel", channel), ("subdir", subdir), ("version", version), ("build", build))
    components.update((field, value) for field, value in found if value is not None)
    if "name" in brackets:
        warnings.warn(
            f"'name' specified both inside ({brackets['name']}) and outside ({name}) of brackets. "
            f"The value outside of brackets ({name}) will be used.",
            UserWarning,
            stacklevel=4,
        )
        del brackets["name"]
    components.update(brackets)
    components["_original_spec_str"] = original
    if len(_PARSE_CACHE) >= _CACHE_LIMIT:
        _PARSE_CACHE.clear()
    _PARSE_CACHE[original] = components
    return components


# ---------------------------------------------------------------------------
# records given as dicts

_SUBDIR: list[str] = []


def _platform_subdir() -> str:
    """The running platform's subdir (``linux-64``, ``osx-arm64``, ...), which conda gives records without one."""
    if not _SUBDIR:
        import platform
        import sys

        forced = os.environ.get("CONDA_SUBDIR")
        if forced:
            return forced

        machine = platform.machine().lower()
        system = {"linux": "linux", "darwin": "osx", "win32": "win"}.get(sys.platform, sys.platform)
        arch = {"x86_64": "64", "amd64": "64", "i386": "32", "i686": "32", "x86": "32", "arm64": "arm64"}.get(
            machine, machine
        )
        if system == "linux" and arch == "arm64":
            arch = "aarch64"
        _SUBDIR.append(f"{system}-{arch}")
    return _SUBDIR[0]


class _DictRecord:
    """Attribute view of a record dict, with the fields conda derives when they are missing."""

    __slots__ = ("_d",)

    def __init__(self, d: Mapping) -> None:
        self._d = d

    def __getattr__(self, field: str) -> object:
        d = self._d
        value = d.get(field)
        if value is not None:
            return value
        if field == "channel":
            url = d.get("url")
            return url or "<unknown>"  # as conda's PackageRecord: the Channel of the url
        if field == "fn":
            url = d.get("url")
            if url:
                return url.rsplit("/", 1)[-1]
            return f"{d.get('name')}-{d.get('version')}-{d.get('build')}"
        if field == "subdir":
            # as conda's PackageRecord: the url's subdir, else the running platform's
            url = d.get("url")
            return (_channel(str(url)).subdir if url else None) or _platform_subdir()
        if field == "build_number":
            return 0
        return None


# ---------------------------------------------------------------------------
# the canonical text

# fields str() writes ahead of the brackets, as ``channel/subdir::name version build``
_LEADING_FIELDS = frozenset(("channel", "subdir", "name", "version", "build"))
# a version or build holding one of these is written quoted, in the brackets
_QUOTE_VERSION_BUILD = "><$^|,"
# any other bracket value holding one of these is quoted
_QUOTE_OTHER = ", ="


def _bracket_item(key: str, text: str, quote_if: str) -> str:
    """``key=text`` for the brackets, with ``text`` in single quotes when it holds a ``quote_if`` character."""
    if any(ch in text for ch in quote_if):
        return f"{key}='{text}'"
    return f"{key}={text}"


def _version_after_name(text: str, has_build: bool) -> tuple[str | None, bool]:
    """The version as written right after the name (``None``: it goes in the brackets), and
    whether it pins one exact version, which lets a plain build follow it as ``=build``."""
    if any(ch in text for ch in _QUOTE_VERSION_BUILD):
        return None, False
    if text[:2] in ("!=", "~="):  # an operator that "=build" cannot follow
        return (None if has_build else text), False
    # a trailing "*" (or ".*") is what "=" means in the short form
    if text.endswith(".*"):
        return "=" + text[:-2], False
    if text[-1] == "*":
        return "=" + text[:-1], False
    return (text if text.startswith("==") else "==" + text), True


# ---------------------------------------------------------------------------


class MatchSpec:
    """A conda package query: ``MatchSpec('numpy >=1.8,<2')``, ``MatchSpec(name='numpy', version='1.8*')``.

    ``str()`` gives conda's canonical form; ``match(record)`` accepts a record object or a dict.
    Bad input raises ``InvalidMatchSpec`` naming the spec.
    """

    __slots__ = ("_match_components", "_optional", "_target", "_original_spec_str", "_hash_key_")
    _match_components: dict[str, Any]
    _optional: bool
    _target: Any
    _original_spec_str: str | None
    _hash_key_: tuple | None

    FIELD_NAMES = (
        "channel",
        "subdir",
        "name",
        "version",
        "build",
        "build_number",
        "track_features",
        "features",
        "url",
        "md5",
        "sha256",
        "license",
        "license_family",
        "fn",
    )
    FIELD_NAMES_SET = frozenset(FIELD_NAMES)

    def __new__(cls, spec_arg: object = None, **kwargs: object) -> MatchSpec:
        if _channel_module._GENERATION != _SEEN_GENERATION[0]:
            _check_configuration()
        if spec_arg.__class__ is str and not kwargs and cls is MatchSpec:
            # the common case first: a spec string seen before, or of a simple shape
            cached = _SPEC_CACHE.get(spec_arg)  # type: ignore[arg-type]
            if cached is not None:
                return cached
            try:
                made = _simple_spec(spec_arg)  # type: ignore[arg-type]
            except InvalidSpec as exc:
                raise InvalidMatchSpec(spec_arg, details=exc) from exc  # type: ignore[arg-type]
            if made is not None:
                if len(_SPEC_CACHE) >= _CACHE_LIMIT:
                    _SPEC_CACHE.clear()
                _SPEC_CACHE[spec_arg] = made  # type: ignore[index]
                return made
        try:
            if not spec_arg:
                return cls._create(kwargs)
            if isinstance(spec_arg, MatchSpec):
                if not kwargs:
                    return spec_arg
                # field names never clash with the three flags, so the flags simply join in
                return cls._create(
                    {
                        **spec_arg._match_components,
                        "optional": spec_arg.optional,
                        "target": spec_arg.target,
                        "_original_spec_str": spec_arg.original_spec_str,
                        **kwargs,
                    }
                )
            if isinstance(spec_arg, str):
                if not kwargs and cls is MatchSpec:
                    cached = _SPEC_CACHE.get(spec_arg)
                    if cached is not None:
                        return cached
                parsed = _parse_spec_str(spec_arg)
                if not kwargs and cls is MatchSpec:
                    made = cls._create(parsed)
                    if len(_SPEC_CACHE) >= _CACHE_LIMIT:
                        _SPEC_CACHE.clear()
                    _SPEC_CACHE[spec_arg] = made
                    return made
                overridden = {**parsed, **kwargs}
                if not kwargs.keys() <= _FLAG_KWARGS:  # a changed field: the string no longer describes it
                    overridden.pop("_original_spec_str", None)
                return cls._create(overridden)
            if isinstance(spec_arg, Mapping):
                return cls._create(dict(spec_arg, **kwargs))
            if hasattr(spec_arg, "to_match_spec"):
                spec = spec_arg.to_match_spec()
                return MatchSpec(spec, **kwargs) if kwargs else spec
            raise InvalidSpec(f"Invalid MatchSpec:\n  spec_arg={spec_arg}\n  kwargs={kwargs}")
        except InvalidSpec as exc:
            text = f"{spec_arg}" if spec_arg else ""
            if kwargs:
                text += " " + ", ".join(f"{k}={v}" for k, v in kwargs.items())
            raise InvalidMatchSpec(text, details=exc) from exc  # type: ignore[arg-type]

    @classmethod
    def _create(cls, kwargs: Mapping) -> MatchSpec:
        self = object.__new__(cls)
        self._optional = kwargs.get("optional", False)
        self._target = kwargs.get("target", None)
        self._original_spec_str = kwargs.get("_original_spec_str")
        fields = cls.FIELD_NAMES_SET
        components = {}
        for k, v in kwargs.items():
            if k in fields:
                components[k] = _make_component(k, v)
            elif k not in _NOT_FIELDS:
                unknown = set(kwargs) - fields - _NOT_FIELDS
                raise InvalidMatchSpec(self._original_spec_str, f"Cannot match on field(s): {unknown}")  # type: ignore[arg-type]
        self._match_components = components
        self._hash_key_ = None
        return self

    @classmethod
    def from_dist_str(cls, dist_str: str) -> MatchSpec:
        """The exact spec of a dist string ``[channel[/subdir]::]name-version-build[.ext]``."""
        parts: dict = {}
        for ext in _PACKAGE_EXTENSIONS:
            if dist_str.endswith(ext):
                dist_str = dist_str[: -len(ext)]
                break
        if "::" in dist_str:
            channel_subdir, dist_str = dist_str.split("::", 1)
            channel, _, subdir = channel_subdir.rpartition("/")
            if channel and subdir in _channel_module._known_subdirs():
                parts["channel"] = channel
                parts["subdir"] = subdir
            else:
                parts["channel"] = channel_subdir
        pieces = dist_str.rsplit("-", 2)
        if len(pieces) != 3:
            raise InvalidMatchSpec(dist_str, "not a dist string <name>-<version>-<build>")
        parts.update(name=pieces[0], version=pieces[1], build=pieces[2])
        return cls(**parts)

    # -- fields --------------------------------------------------------------

    def get_exact_value(self, field_name: str) -> object:
        v = self._match_components.get(field_name)
        return v and v.exact_value

    def get_raw_value(self, field_name: str) -> object:
        v = self._match_components.get(field_name)
        return v and v.raw_value

    def get(self, field_name: str, default: object = None) -> object:
        v = self.get_raw_value(field_name)
        return default if v is None else v

    def __contains__(self, field: str) -> bool:
        return field in self._match_components

    @property
    def name(self) -> str:
        return self.get_exact_value("name") or "*"  # type: ignore[return-value]

    @property
    def version(self) -> VersionSpec | None:
        return self._match_components.get("version")

    @property
    def optional(self) -> bool:
        return self._optional

    @property
    def target(self) -> object:
        return self._target

    @property
    def original_spec_str(self) -> str | None:
        return self._original_spec_str

    @property
    def is_name_only_spec(self) -> bool:
        c = self._match_components
        return len(c) == 1 and "name" in c and self.name != "*"

    @property
    def strictness(self) -> int:
        """conda-build's old measure: 1 name only, 2 name+version, 3 anything more."""
        c = self._match_components
        if sum(f in c for f in ("name", "version", "build")) < len(c):
            return 3
        if not self.get_exact_value("name") or "build" in c:
            return 3
        if "version" in c:
            return 2
        return 1

    @property
    def spec(self) -> str:
        return self.conda_build_form()

    @property
    def fn(self) -> str:
        val = self.get_raw_value("fn") or self.get_raw_value("url")
        if not val:
            raise ValueError(f"{self} has no file name")  # conda: AssertionError
        return str(val).rsplit("/", 1)[-1]

    def conda_build_form(self) -> str:
        """``name [version [build]]`` as conda-build writes requirements."""
        name = self.get_exact_value("name")
        if not name:
            raise ValueError(f"{self} has no exact name")  # conda: AssertionError
        out = [name]
        build = self.get_raw_value("build")
        version = self.get_raw_value("version")
        if build:
            out += [version, build]
        elif version:
            out.append(version)
        return " ".join(str(x) for x in out)

    def dist_str(self) -> str:
        return self.__str__()

    def _is_simple(self) -> bool:
        return len(self._match_components) == 1 and self.get_exact_value("name") is not None

    def _is_single(self) -> bool:
        return len(self._match_components) == 1

    def _to_filename_do_not_use(self) -> str | None:
        fn = self.get_exact_value("fn")
        if fn:
            return fn  # type: ignore[return-value]
        values = tuple(self.get_exact_value(x) for x in ("name", "version", "build"))
        if any(v is None for v in values):
            return None
        return "{}-{}-{}.tar.bz2".format(*values)

    # -- matching -----------------------------------------------------------

    def match(self, rec: object) -> bool:
        """True when the record (a record object or a dict) satisfies every field of the spec."""
        if isinstance(rec, Mapping):
            rec = _DictRecord(rec)
        for field, matcher in self._match_components.items():
            value = getattr(rec, field, None)
            try:
                ok = matcher.match(value)
            except AttributeError:
                ok = matcher == value
            if not ok:
                return False
        return True

    # -- text ---------------------------------------------------------------

    def __str__(self) -> str:
        c = self._match_components
        out: list[str] = []
        brackets: list[str] = []

        channel = c.get("channel")
        # a Channel is true unless it has neither location nor name
        channel_exact = channel is not None and bool(channel.exact_value)
        if channel_exact:
            out.append(str(channel))
        elif channel is not None and not channel.matches_all:
            brackets.append(f"channel={channel}")

        subdir = c.get("subdir")
        if subdir is not None:
            if channel_exact:
                out.append(f"/{subdir}")
            else:
                brackets.append(f"subdir={subdir}")

        name = c.get("name", "*")
        out.append(f"::{name}" if out else str(name))

        version = c.get("version")
        build = c.get("build")
        pinned = False
        if version is not None:
            text = str(version)
            inline, pinned = _version_after_name(text, build is not None)
            if inline is None:
                brackets.append(f"version='{text}'")
            else:
                out.append(inline)
        if build is not None:
            text = str(build)
            if pinned and not any(ch in text for ch in "*" + _QUOTE_VERSION_BUILD):
                out.append("=" + text)
            else:
                brackets.append(_bracket_item("build", text, _QUOTE_VERSION_BUILD))

        # the url names the file, and a channel already says where the url points
        implied = set(_LEADING_FIELDS)
        if "url" in c:
            implied.add("fn")
            if channel is not None:
                implied.add("url")
        brackets.extend(
            _bracket_item(field, str(c[field]), _QUOTE_OTHER)
            for field in self.FIELD_NAMES
            if field in c and field not in implied
        )

        if brackets:
            out.append("[{}]".format(",".join(brackets)))
        return "".join(out)

    def __repr__(self) -> str:
        text = f'{self.__class__.__name__}("{self}"'
        if self.target:
            text += f', target="{self.target}"'
        if self.optional:
            text += ", optional=True"
        return text + ")"

    def __json__(self) -> str:
        return self.__str__()

    # -- identity -----------------------------------------------------------

    @property
    def _hash_key(self) -> tuple:
        key = self._hash_key_
        if key is None:
            key = self._hash_key_ = (frozenset(self._match_components.items()), self._optional, self._target)
        return key

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MatchSpec):
            return self._hash_key == other._hash_key
        return False

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self._hash_key)

    def __reduce__(self) -> tuple:
        kwargs = {
            k: v.raw_value if not isinstance(v, VersionSpec) else v.spec for k, v in self._match_components.items()
        }
        return (_rebuild, (kwargs, self._optional, self._target, self._original_spec_str))

    # -- combining ----------------------------------------------------------

    @classmethod
    def merge(cls, match_specs: object, union: bool = False) -> tuple:
        """Combines specs per package name (all conditions, or any with ``union``)."""
        specs = sorted((cls(s) for s in match_specs if s), key=str)  # type: ignore[attr-defined]
        groups: dict = {}
        for s in specs:
            groups.setdefault(s.name, []).append(s)
        unmergeable = groups.pop("*", []) + groups.pop(None, [])
        merged = []
        for group in groups.values():
            by_optional: dict = {}
            for s in group:
                by_optional.setdefault(s.optional, []).append(s)
            for sub in by_optional.values():
                targets = {s.target for s in sub if s.target is not None}
                if len(targets) > 1:
                    raise ValueError("Incompatible MatchSpec merge:" + "".join(f"\n  - {s}" for s in sub))
                result = sub[0]
                for s in sub[1:]:
                    result = result._merge(s, union)
                merged.append(result)
        return (*merged, *unmergeable)

    @classmethod
    def union(cls, match_specs: object) -> tuple:
        return cls.merge(match_specs, union=True)

    def _merge(self, other: MatchSpec, union: bool = False) -> MatchSpec:
        if self.optional != other.optional or self.target != other.target:
            raise ValueError(f"Incompatible MatchSpec merge:  - {self}\n  - {other}")
        final: dict = {}
        for field in set(self._match_components) | set(other._match_components):
            a = self._match_components.get(field)
            b = other._match_components.get(field)
            if a is None:
                final[field] = b
            elif b is None:
                final[field] = a
            elif union:
                try:
                    final[field] = a.union(b)
                except (AttributeError, ValueError, TypeError):
                    final[field] = f"{a}|{b}"
            else:
                final[field] = a.merge(b)
        return self.__class__(optional=self.optional, target=self.target, **final)


def _rebuild(kwargs: dict, optional: bool, target: object, original: str | None) -> MatchSpec:
    return MatchSpec(optional=optional, target=target, _original_spec_str=original, **kwargs)
