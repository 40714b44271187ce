"""MatchSpec's field matchers and the channels of specs (part of ``models.match_spec``).

Each field of a spec becomes a small matcher object (``match(value)``, ``raw_value``,
``exact_value``, ``merge``/``union``), cached per (field, value), so the depends entries
of a large index, which repeat a lot, share them. Channels are
``conda_exports.models.channel.Channel`` objects read through the current configuration;
a channel string becomes a Channel (and a name) once per configuration.
"""

from __future__ import annotations

import re

from ..exceptions import InvalidMatchSpec, InvalidSpec
from ._glob import Glob as _Glob
from .channel import Channel
from .version import BuildNumberMatch, VersionSpec

TYPE_CHECKING = False

_CACHE_LIMIT = 1 << 17

# ---------------------------------------------------------------------------
# channels: conda_exports.models.channel.Channel, under the current configuration

# channel string -> (the name MatchSpec keeps, subdir), for the current configuration
_CHANNEL_CACHE: dict[str, tuple[str | None, str | None]] = {}


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

    if TYPE_CHECKING:  # every subclass has one

        def match(self, other: object) -> bool: ...

    def matches(self, value: object) -> bool:
        return self.match(value)

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
        # sorted: conda joins a set, in an order that depends on PYTHONHASHSEED
        return "|".join(sorted({self.raw_value, other.raw_value}))  # type: ignore[arg-type]

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
    return str(other) if raw is None else raw


class ExactStrMatch(_Matcher):
    """Equal to one string (md5, sha256, subdir, fn, url)."""

    __slots__ = ()

    def match(self, other: object) -> bool:
        return self._raw_value == _value_text(other)


def _glob(value: str) -> re.Pattern[str] | _Glob | None:
    try:
        if value.startswith("^") and value.endswith("$"):
            return re.compile(value)
    except re.error as exc:
        raise InvalidMatchSpec(value, f"Contains an invalid regular expression. '{exc}'") from None
    if "*" in value:
        return _Glob(value)
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


def _feature_set(value: object) -> frozenset[str]:
    if not value:
        return frozenset()
    if isinstance(value, str):
        return frozenset(f for f in (p.strip() for p in value.replace(" ", ",").split(",")) if f)
    return frozenset(f for f in (str(p).strip() for p in value) if f)  # type: ignore[attr-defined]  # an iterable of features


class FeatureMatch(_Matcher):
    """The same set of features (track_features, features), given as a list or a string."""

    __slots__ = ()
    _raw_value: frozenset[str]

    def __init__(self, value: object) -> None:
        super().__init__(_feature_set(value))

    def match(self, other: object) -> bool:
        return self._raw_value == _feature_set(other)

    def __str__(self) -> str:
        return " ".join(sorted(self._raw_value))

    def __repr__(self) -> str:
        return "[{}]".format(", ".join(f"'{k}'" for k in sorted(self._raw_value)))


#: what is not literal in a regular expression (``{`` only before a count, but taken as not literal)
_REGEX_SYNTAX = frozenset(".^$+?{}[]\\|()")


class ChannelMatch(GlobStrMatch):
    """A channel: a Channel (matched by name or canonical name, so ``defaults`` matches its
    ``pkgs/main``), or a ``*`` glob / ``^regex$`` on the record channel's canonical name."""

    __slots__ = ()

    def __init__(self, value: object) -> None:
        self._re = None
        if isinstance(value, str):
            if value.startswith("^") and value.endswith("$") or "*" in value:
                is_regex = value.startswith("^") and value.endswith("$")
                if not is_regex and _REGEX_SYNTAX.isdisjoint(value):
                    self._re = _Glob(value)  # conda's pattern (the value, each * as .*) is then the glob's
                else:
                    try:
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
        # no pattern: the value is a Channel (or, as conda allows, any object with a name)
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

_MATCHER_CACHE: dict[tuple[str, object], object] = {}
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
    key: tuple[str, object] | None
    key = (field, value)  # assigned apart from the declaration, so mypy narrows it to the tuple
    try:
        cached = _MATCHER_CACHE.get(key)
    except TypeError:  # an unhashable value (a list of features): no caching
        key, cached = None, None
    if cached is not None:
        return cached
    factory = _IMPLEMENTORS.get(field)
    matcher = factory(value) if factory is not None else ExactStrMatch(str(value))
    if key is not None:
        if len(_MATCHER_CACHE) >= _CACHE_LIMIT:
            _MATCHER_CACHE.clear()
        _MATCHER_CACHE[key] = matcher
    return matcher


def _str_component(field: str, value: str) -> object:
    """The (cached) matcher of a string field value; what ``_make_component`` does for a str."""
    matcher = _MATCHER_CACHE.get((field, value))
    if matcher is None:
        matcher = _IMPLEMENTORS[field](value)
        if len(_MATCHER_CACHE) >= _CACHE_LIMIT:
            _MATCHER_CACHE.clear()
        _MATCHER_CACHE[(field, value)] = matcher
    return matcher
