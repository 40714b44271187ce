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

The module is split along its seams: ``_spec_grammar`` (spec strings -> field values, and
the canonical text), ``_spec_matchers`` (one matcher per field, and channels) and the
class here; every name it had is still importable from it.

Cost: the ``match_spec`` kernel (``rust/match_spec.rs``; ``_fallback/match_spec.py``)
splits a spec string into plain strings in one pass. A spec of the common shape (name,
version, build; no channel or brackets) whose version the kernel has checked keeps just
those strings: its matchers (``VersionSpec`` and the glob matchers, each cached per
value) are built on first use, which cannot fail or warn. Any other spec is built at
once. A spec string is parsed once (MatchSpec objects are immutable, so ``MatchSpec(s)``
of a string seen before returns the same object). These caches hold
configuration-dependent values, so they are emptied when ``reset_context()`` changes the
configuration (deliberately unlike conda, whose parse caches keep what the old
configuration gave). Measured (benches/bench_version.py, 100k real-shaped depends
entries, caches cleared per round): see the README.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import _backend
from .._url import PACKAGE_EXTENSIONS as _PACKAGE_EXTENSIONS
from ..exceptions import InvalidMatchSpec, InvalidSpec
from . import channel as _channel_module
from ._spec_grammar import (
    _LEADING_FIELDS,
    _PARSE_CACHE,
    _QUOTE_OTHER,
    _QUOTE_VERSION_BUILD,
    _bracket_item,
    _channel_and_subdir,
    _parse_package_file,
    _parse_spec_str,
    _split_dist_name,
    _version_after_name,
)
from ._spec_matchers import (
    _CACHE_LIMIT,
    _CHANNEL_CACHE,
    _FLAG_KWARGS,
    _IMPLEMENTORS,
    _MATCHER_CACHE,
    _NOT_FIELDS,
    CaseInsensitiveStrMatch,
    ChannelMatch,
    ExactStrMatch,
    FeatureMatch,
    GlobLowerStrMatch,
    GlobStrMatch,
    _channel,
    _make_component,
    _Matcher,
    _parse_channel,
    _str_component,
)
from .channel import Channel
from .version import BuildNumberMatch, VersionSpec

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["MatchSpec"]

_REEXPORTED = (
    CaseInsensitiveStrMatch,
    ChannelMatch,
    ExactStrMatch,
    FeatureMatch,
    GlobLowerStrMatch,
    GlobStrMatch,
    Channel,
    _IMPLEMENTORS,
    _Matcher,
    _bracket_item,
    _channel,
    _channel_and_subdir,
    _parse_channel,
    _parse_package_file,
    _split_dist_name,
)

# MatchSpecs are immutable, so a spec string seen before gives the same object back
_SPEC_CACHE: dict[str, MatchSpec] = {}
# the channel module's generation the caches were filled under
_SEEN_GENERATION = [_channel_module._GENERATION]


def _check_configuration() -> None:
    """Empties every cache holding Channels or channel names when the context was reset."""
    generation = _channel_module._GENERATION
    if generation != _SEEN_GENERATION[0]:
        _SEEN_GENERATION[0] = generation
        for cache in (_SPEC_CACHE, _PARSE_CACHE, _MATCHER_CACHE, _CHANNEL_CACHE):
            cache.clear()


def _clear_caches() -> None:
    for cache in (_SPEC_CACHE, _PARSE_CACHE, _MATCHER_CACHE, _CHANNEL_CACHE):
        cache.clear()


# what one kernel made is not served after a backend switch
_backend.on_switch(_clear_caches)


def _components_of(parts: tuple[str, str | None, str | None]) -> dict[str, Any]:
    """The matchers of a checked common-shape spec: ``(name, version, build)``."""
    name, version, build = parts
    components: dict[str, Any] = {"name": _str_component("name", name)}
    if version is not None:
        # VersionSpec keeps its own per-string cache: the same object _make_component gives
        components["version"] = VersionSpec(version)
        if build is not None:
            components["build"] = _str_component("build", build)
    return components


def _union(a: Any, b: Any) -> object:
    """conda's union of two matchers of one field (``a`` from the spec first in str order)."""
    if isinstance(a, BuildNumberMatch) and isinstance(b, BuildNumberMatch):
        ra, rb = a.raw_value, b.raw_value
        if isinstance(ra, str) and isinstance(rb, str):
            return "|".join(sorted({ra, rb}))
        # conda joins a set of the raw values, which fails for an int, and then writes
        # both in order: '1|2', and '0|0' for a repeated value
        return f"{a}|{b}"
    return a.union(b)


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

    def __init__(self, d: Mapping[str, Any]) -> None:
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


class MatchSpec:
    """A conda package query: ``MatchSpec('numpy >=1.8,<2')``, ``MatchSpec(name='numpy', version='1.8*')``.

    ``str()`` gives conda's canonical form; ``match(record)`` accepts a record object or a dict.
    Bad input raises ``InvalidMatchSpec`` naming the spec.
    """

    __slots__ = ("_components", "_parts", "_optional", "_target", "_original_spec_str", "_hash_key_")
    _components: dict[str, Any] | None
    _parts: tuple[str, str | None, str | None] | None
    _optional: bool
    _target: Any
    _original_spec_str: str | None
    _hash_key_: tuple[frozenset[tuple[str, Any]], bool, Any] | None

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
            cached = _SPEC_CACHE.get(spec_arg)
            if cached is not None:
                return cached
            parts = _backend.match_spec.split_spec(spec_arg)
            if parts is not None and parts[3] is None and not parts[4]:
                # no channel, no brackets: name, version and build only
                made = object.__new__(MatchSpec)
                if parts[5]:  # checked: the matchers can wait for first use
                    made._parts = parts[:3]
                    made._components = None
                else:
                    try:
                        made._components = _components_of(parts[:3])
                    except InvalidSpec as exc:
                        raise InvalidMatchSpec(spec_arg, details=exc) from exc  # type: ignore[arg-type]  # conda's: the error as details
                    made._parts = None
                made._optional = False
                made._target = None
                made._original_spec_str = spec_arg
                made._hash_key_ = None
                if len(_SPEC_CACHE) >= _CACHE_LIMIT:
                    _SPEC_CACHE.clear()
                _SPEC_CACHE[spec_arg] = made
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
            raise InvalidMatchSpec(text, details=exc) from exc  # type: ignore[arg-type]  # conda's: the error as details

    @classmethod
    def _create(cls, kwargs: Mapping[str, Any]) -> MatchSpec:
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
                raise InvalidMatchSpec(self._original_spec_str, f"Cannot match on field(s): {unknown}")  # type: ignore[arg-type]  # may be None, as in conda
        self._components = components
        self._parts = None
        self._hash_key_ = None
        return self

    @property
    def _match_components(self) -> dict[str, Any]:
        components = self._components
        if components is None:
            components = self._components = _components_of(self._parts)  # type: ignore[arg-type]  # set when _components is not
        return components

    @classmethod
    def from_dist_str(cls, dist_str: str) -> MatchSpec:
        """The exact spec of a dist string ``[channel[/subdir]::]name-version-build[.ext]``."""
        parts: dict[str, str] = {}
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
        return self.get_exact_value("name") or "*"  # type: ignore[return-value]  # a name matcher's is a str

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
            if not version:
                raise ValueError(f"{self} has a build but no version")  # conda: AssertionError
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
            return fn  # type: ignore[return-value]  # an fn matcher's exact value is a str
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
    def _hash_key(self) -> tuple[frozenset[tuple[str, Any]], bool, Any]:
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

    def __reduce__(self) -> tuple[Callable[..., MatchSpec], tuple[dict[str, Any], bool, Any, str | None]]:
        kwargs = {
            k: v.raw_value if not isinstance(v, VersionSpec) else v.spec for k, v in self._match_components.items()
        }
        return (_rebuild, (kwargs, self._optional, self._target, self._original_spec_str))

    # -- combining ----------------------------------------------------------

    @classmethod
    def merge(cls, match_specs: Iterable[object], union: bool = False) -> tuple[MatchSpec, ...]:
        """Combines specs per package name (all conditions, or any with ``union``)."""
        specs = sorted((cls(s) for s in match_specs if s), key=str)
        groups: dict[str | None, list[MatchSpec]] = {}
        for s in specs:
            groups.setdefault(s.name, []).append(s)
        unmergeable = groups.pop("*", []) + groups.pop(None, [])
        merged: list[MatchSpec] = []
        for group in groups.values():
            by_optional: dict[bool, list[MatchSpec]] = {}
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
    def union(cls, match_specs: Iterable[object]) -> tuple[MatchSpec, ...]:
        return cls.merge(match_specs, union=True)

    def _merge(self, other: MatchSpec, union: bool = False) -> MatchSpec:
        if self.optional != other.optional or self.target != other.target:
            raise ValueError(f"Incompatible MatchSpec merge:  - {self}\n  - {other}")
        final: dict[str, object] = {}
        mine, theirs = self._match_components, other._match_components
        # conda walks a set of the field names (an order that depends on PYTHONHASHSEED,
        # seen only in error messages); here: this spec's fields, then the other's
        for field in [*mine, *(f for f in theirs if f not in mine)]:
            a = mine.get(field)
            b = theirs.get(field)
            if a is None:
                final[field] = b
            elif b is None:
                final[field] = a
            elif union:
                try:
                    final[field] = _union(a, b)
                except (AttributeError, ValueError, TypeError):
                    final[field] = f"{a}|{b}"
            else:
                final[field] = a.merge(b)
        return self.__class__(optional=self.optional, target=self.target, **final)


def _rebuild(kwargs: dict[str, Any], optional: bool, target: object, original: str | None) -> MatchSpec:
    return MatchSpec(optional=optional, target=target, _original_spec_str=original, **kwargs)
