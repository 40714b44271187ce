"""``Dist``: conda's legacy package identifier, ``channel::name-version-build``.

Parsing, fields, ``str()``, equality, hash and ordering are conda 25.1's, quirks included:

- equality and ordering look at ``(channel, dist_name)`` only, so ``x.tar.bz2`` and
  ``x.conda`` are equal, while the hash also takes the archive format (``fmt``) in; a dict
  keyed by Dist therefore treats the two formats as different keys, as conda's does;
- ``build_number`` is made of the digits of the part of the build string after its last
  ``_`` (``py37h1234_5`` -> 5, but ``h7b6447c`` -> 76447, since there is no ``_``);
- a string without a channel gets the channel ``<unknown>``; ``Dist(value)`` is cached by
  value, so the same string or record gives the same object back.

Design: get_index builds ``{Dist(record): record}`` over whole indexes (~600k records for
conda-forge), so a Dist is a tuple of ``(channel, dist_name, fmt)``, hashed in C, whose
other fields sit in the instance dict, written once by a private constructor without
per-field validation (the parser produced them), or on first read for the Dists get_index
makes from plain file names; the public constructor validates like conda's. Fields are read-only, as conda's are immutable.
A Dist made from a record skips the general parser when the file name is plain
(``name-version-build.ext``, a numeric build-number tail): ~6.5 µs of CPU per record against
~17 µs in conda 25.1 (see ``records.py`` and ``benches/bench_models_records.py``).
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from .._url import PACKAGE_EXTENSIONS, has_platform, is_url, join_url
from ..exceptions import CondaError, RecordValidationError

UNKNOWN_CHANNEL = "<unknown>"
DEFAULTS_CHANNEL_NAME = "defaults"

_NULL: Any = object()
_DIST_RE = re.compile(
    r"(?:([^\s\[\]]+)::)?"  # channel
    r"([^\s\[\]]+)"  # name-version-build[.ext]
    r"(?:\[([a-zA-Z0-9_-]+)\])?"  # [features], ignored
)


class DistDetails(NamedTuple):
    name: str
    version: str
    build_string: str
    build_number: int
    dist_name: str
    fmt: str


def strip_extension(original_dist: str) -> str:
    """The dist string without ``.conda`` / ``.tar.bz2`` (both, if stacked in that order)."""
    for ext in PACKAGE_EXTENSIONS:
        if original_dist.endswith(ext):
            original_dist = original_dist[: -len(ext)]
    return original_dist


def split_extension(original_dist: str) -> tuple[str, str]:
    stripped = strip_extension(original_dist)
    return stripped, original_dist[len(stripped) :]


def _build_number(build_string: str) -> int:
    tail = build_string.rsplit("_")[-1] if build_string else "0"
    digits = "".join(c for c in tail if c.isdigit())
    return int(digits) if digits else 0


_FIELDS = ("channel", "dist_name", "name", "fmt", "version", "build_string", "build_number", "base_url", "platform")
_NULLABLE_FIELDS = {"channel", "base_url", "platform"}


class _DistType(type):
    """``Dist(value)`` with one argument: parse (or convert) and cache by value, as conda does."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Dist:
        if len(args) == 1 and not kwargs:
            value = args[0]
            cache = Dist._cache_
            try:
                return cache[value]
            except KeyError:
                pass
            except TypeError:
                raise CondaError(f"cannot make a Dist from a {type(value).__name__}: {value!r}") from None
            if type(value) is _classes.get("PackageRecord"):
                dist = _dist_from_record(value.fn, value.channel.canonical_name)
            else:
                dist = _dist_from_value(value)
            cache[value] = dist
            return dist
        made: Dist = super().__call__(*args, **kwargs)
        return made


_classes: dict[str, Any] = {}


def _record_class() -> Any:
    try:
        return _classes["PackageRecord"]
    except KeyError:
        from .records import PackageRecord

        _classes["PackageRecord"] = PackageRecord
        return PackageRecord


def _dist_from_value(value: Any) -> Dist:
    if isinstance(value, str):
        return Dist.from_string(value)
    if isinstance(value, Dist):
        return value
    record_class = _record_class()
    if isinstance(value, record_class):
        return _dist_from_record(value.fn, value.channel.canonical_name)
    inner = getattr(value, "dist", None)
    if isinstance(inner, Dist):
        return inner
    repodata_record = getattr(value, "repodata_record", None)
    if isinstance(repodata_record, record_class) and hasattr(value, "channel"):
        # conda's PackageInfo
        return Dist.from_string(repodata_record.fn, channel_override=value.channel.canonical_name)
    from .channel import Channel

    if isinstance(value, Channel):
        return Dist.from_url(value.url())
    return Dist.from_string(value)


_PLAIN_FN = re.compile(r"[^\s\[\]:]+")


def _dist_from_record(fn: Any, channel: Any) -> Dist:
    """``Dist.from_string(fn, channel_override=channel)``, with a fast path for plain file names."""
    if type(fn) is not str or fn.endswith("@") or _PLAIN_FN.fullmatch(fn) is None:
        return Dist.from_string(fn, channel_override=channel)
    dist_name = fn
    fmt = ""
    if dist_name.endswith(".conda"):
        dist_name = dist_name[:-6]
    if dist_name.endswith(".tar.bz2"):
        dist_name = dist_name[:-8]
    fmt = fn[len(dist_name) :]
    parts = dist_name.rsplit("-", 2)
    if len(parts) < 3 or "/" in fn or dist_name.endswith(PACKAGE_EXTENSIONS):
        return Dist.from_string(fn, channel_override=channel)
    name, version, build = parts
    tail = build.rpartition("_")[2]
    if not (tail.isascii() and tail.isdigit()):
        return Dist.from_string(fn, channel_override=channel)
    number = int(tail)
    return Dist._make(channel or UNKNOWN_CHANNEL, dist_name, name, version, build, number, None, None, fmt)


def _check(name: str, value: Any) -> Any:
    """conda's field validation for a Dist built from keywords."""
    if value is None:
        if name in _NULLABLE_FIELDS:
            return None
        raise RecordValidationError(name, None)
    if name == "build_number":
        if not isinstance(value, int):
            raise RecordValidationError(name, value)
        return value
    if isinstance(value, (int, float, complex)):
        return str(value)
    if not isinstance(value, str):
        raise RecordValidationError(name, value)
    return value


if TYPE_CHECKING:
    from typing import Optional

    _DistTuple = tuple[Optional[str], str, str]  # (channel, dist_name, fmt)
else:
    _DistTuple = tuple


class Dist(_DistTuple, metaclass=_DistType):
    """A package identified by ``channel::name-version-build`` (conda's legacy ``Dist``).

    The tuple items are ``(channel, dist_name, fmt)``, so hashing a Dist (get_index makes
    them dict keys by the hundred thousand) runs in C; the other fields are kept in the
    instance dict. A Dist is therefore also a tuple (conda's is not).
    """

    if TYPE_CHECKING:

        @property
        def channel(self) -> str | None: ...
        @property
        def dist_name(self) -> str: ...
        @property
        def fmt(self) -> str: ...

    else:
        channel = property(itemgetter(0))
        dist_name = property(itemgetter(1))
        fmt = property(itemgetter(2))

    # the instance dict's fields (written by _make, or by __getattr__ on first read)
    name: str
    version: str
    build_string: str
    build_number: int
    base_url: str | None
    platform: str | None

    _cache_: dict[Any, Dist] = {}

    def __new__(
        cls,
        channel: str | None,
        dist_name: str | None = None,
        name: str | None = None,
        version: str | None = None,
        build_string: str | None = None,
        build_number: int | None = None,
        base_url: str | None = None,
        platform: str | None = None,
        fmt: str = ".tar.bz2",
    ) -> Dist:
        values = {
            "channel": channel,
            "dist_name": dist_name,
            "name": name,
            "fmt": fmt,
            "version": version,
            "build_string": build_string,
            "build_number": build_number,
            "base_url": base_url,
            "platform": platform,
        }
        return cls._make(**{key: _check(key, value) for key, value in values.items()})

    @classmethod
    def _make(
        cls,
        channel: str | None,
        dist_name: str,
        name: str,
        version: str,
        build_string: str,
        build_number: int,
        base_url: str | None,
        platform: str | None,
        fmt: str,
    ) -> Dist:
        """Builds without validation; the parser guarantees the types."""
        self = tuple.__new__(cls, (channel, dist_name, fmt))
        vars(self).update(
            name=name,
            version=version,
            build_string=build_string,
            build_number=build_number,
            base_url=base_url,
            platform=platform,
        )
        return self

    def __getattr__(self, key: str) -> Any:
        # A Dist get_index makes from a plain file name has only its tuple items; the rest
        # follows from the dist name on first read.
        if key in _DERIVED_FROM_NAME and "name" not in vars(self):
            name, version, build = self[1].rsplit("-", 2)
            vars(self).update(
                name=name,
                version=version,
                build_string=build,
                build_number=int(build.rpartition("_")[2]),
                base_url=None,
                platform=None,
            )
            return vars(self)[key]
        raise AttributeError(f"'Dist' object has no attribute {key!r}")

    def __setattr__(self, key: str, value: Any) -> None:
        if key in _FIELDS:
            raise AttributeError(f"The {key} field is immutable.")
        raise AttributeError(f"'Dist' object has no attribute {key!r}")

    def __delattr__(self, key: str) -> None:
        raise AttributeError(f"The {key} field is immutable.")

    def __reduce__(self) -> Any:
        return (_rebuild, (self.dump(),))

    # -- parsing ---------------------------------------------------------------------

    @staticmethod
    def parse_dist_name(string: str) -> DistDetails:
        """name, version, build string, build number, dist name and format of a file name or path."""
        original = string
        try:
            if isinstance(string, bytes):
                string = string.decode("utf-8")
            no_fmt, fmt = split_extension(string)
            # Whatever precedes the file name goes: a "channel::" prefix, else a directory or URL.
            dist_name = no_fmt.rpartition("::" if "::" in no_fmt else "/")[2]
            # Too few dashes fails the unpacking, which the handler below reports.
            name, version, *build = dist_name.rsplit("-", 2)
            build_string = build[0] if build else ""
            return DistDetails(name, version, build_string, _build_number(build_string), dist_name, fmt)
        except Exception:
            raise CondaError(f"dist_name is not a valid conda package: {original}") from None

    @classmethod
    def from_string(cls, string: Any, channel_override: Any = _NULL) -> Dist:
        """Parses ``[channel::]name-version-build[.conda|.tar.bz2][[features]]`` or a package URL."""

        string = str(string)
        if channel_override is _NULL and is_url(string):
            return cls.from_url(string)
        if string.endswith("@"):
            return cls._make("@", string, string, "", "", 0, None, None, ".tar.bz2")
        match = _DIST_RE.search(string)
        if match is None:
            raise CondaError(f"dist_name is not a valid conda package: {string}")
        parsed_channel, original_dist, _features = match.groups()
        original_dist, fmt = split_extension(original_dist)
        # An override (even None or "") replaces the parsed channel; an empty result means unknown.
        channel = (parsed_channel if channel_override is _NULL else channel_override) or UNKNOWN_CHANNEL
        details = cls.parse_dist_name(original_dist)
        return cls._make(
            channel,
            original_dist,
            details.name,
            details.version,
            details.build_string,
            details.build_number,
            None,
            None,
            fmt,
        )

    @classmethod
    def from_url(cls, url: str | None) -> Dist:
        """A Dist from a package URL: channel and subdir come from the URL's path."""
        from .channel import Channel, _context

        if not is_url(url):
            raise CondaError(f"url '{url}' is not a URL")
        if not any(url.endswith(ext) for ext in PACKAGE_EXTENSIONS) and "::" not in url:
            raise CondaError(f"url '{url}' is not a conda package")
        details = cls.parse_dist_name(url)
        ctx = _context()
        if "::" in url:
            # "<channel url>::<file>": as conda, the file is after the last "::" and the
            # channel is what precedes the first "::" of the rest ("https://x/y:::a-1-0": "https://x/y:")
            base_url = url.rpartition("::")[0].partition("::")[0]
            platform = ctx.subdir
            channel = str(Channel(base_url))
        else:
            directory = url.rpartition("/")[0]
            platform = has_platform(directory, tuple(ctx.known_subdirs))
            if platform:
                # .../<channel>/<subdir>/<file>: the channel URL is the directory's parent.
                base_url = directory.rpartition("/")[0]
                channel = Channel(base_url).canonical_name
            else:
                base_url, channel = directory, UNKNOWN_CHANNEL
        return cls._make(
            channel,
            details.dist_name,
            details.name,
            details.version,
            details.build_string,
            details.build_number,
            base_url,
            platform,
            details.fmt,
        )

    # -- conversions -----------------------------------------------------------------

    def to_package_ref(self) -> Any:
        """The minimal PackageRecord this Dist names (channel, subdir, name, version, build)."""
        from .records import PackageRecord

        identity = {"name": self.name, "version": self.version, "build": self.build_string}
        # A Dist's platform is what a record calls its subdir.
        return PackageRecord(channel=self.channel, subdir=self.platform, build_number=self.build_number, **identity)

    def to_matchspec(self) -> str:
        """conda's legacy spec string: ``"name version build"``."""
        return " ".join(self.quad[:3])

    def to_match_spec(self) -> Any:
        """The exact MatchSpec: ``channel::name=version=build``."""
        from .match_spec import MatchSpec

        base = "=".join(self.quad[:3])
        return MatchSpec(f"{self.channel}::{base}" if self.channel else base)

    def to_filename(self, extension: str | None = None) -> str:
        if self.is_feature_package:
            return self.dist_name
        return self.dist_name + self.fmt

    def to_url(self) -> str | None:

        if not self.base_url:
            return None
        filename = self.dist_name + self.fmt
        if self.platform:
            return join_url(self.base_url, self.platform, filename)
        return join_url(self.base_url, filename)

    def dump(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in _FIELDS}

    # -- derived ---------------------------------------------------------------------

    @property
    def full_name(self) -> str:
        return self.__str__()

    @property
    def build(self) -> str:
        return self.build_string

    @property
    def subdir(self) -> str | None:
        return self.platform

    @property
    def pair(self) -> tuple[str, str]:
        return self.channel or DEFAULTS_CHANNEL_NAME, self.dist_name

    @property
    def quad(self) -> tuple[str, str, str, str]:
        parts = [*self.dist_name.rsplit("-", 2), "", ""]
        return parts[0], parts[1], parts[2], self.channel or DEFAULTS_CHANNEL_NAME

    @property
    def is_feature_package(self) -> bool:
        return self.dist_name.endswith("@")

    @property
    def is_channel(self) -> bool:
        return bool(self.base_url and self.platform)

    @property
    def fn(self) -> str:
        return self.to_filename()

    # -- comparison ------------------------------------------------------------------

    def __key__(self) -> tuple[Any, str]:
        return self.channel, self.dist_name

    def __str__(self) -> str:
        return f"{self.channel}::{self.dist_name}" if self.channel else self.dist_name

    def __repr__(self) -> str:
        fields = ", ".join(f"{f}={getattr(self, f)!r}" for f in _FIELDS)
        return f"Dist({fields})"

    # equal regardless of the archive format, but the format is part of the hash (conda)
    __hash__ = tuple.__hash__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.__class__) and (self.channel, self.dist_name) == (
            other.channel,
            other.dist_name,
        )

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, self.__class__):
            return NotImplemented
        return self.__key__() < other.__key__()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, self.__class__):
            return NotImplemented
        return self.__key__() > other.__key__()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, self.__class__):
            return NotImplemented
        return self.__key__() <= other.__key__()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, self.__class__):
            return NotImplemented
        return self.__key__() >= other.__key__()

    # -- conda-build compatibility: a Dist used where a string was ---------------------

    def split(self, sep: str | None = None, maxsplit: int = -1) -> list[str]:
        if sep != "::":
            raise ValueError(f"Dist.split only supports '::', not {sep!r}")
        return [self.channel, self.dist_name] if self.channel else [self.dist_name]

    def rsplit(self, sep: str | None = None, maxsplit: int = -1) -> tuple[str, str, str]:
        if sep != "-" or maxsplit != 2:
            raise ValueError("Dist.rsplit only supports rsplit('-', 2)")
        name = f"{self.channel}::{self.quad[0]}" if self.channel else self.quad[0]
        return name, self.quad[1], self.quad[2]

    def startswith(self, match: str) -> bool:
        return self.dist_name.startswith(match)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, bytes):
            item = item.decode("utf-8")
        # a str or bytes; as in conda, anything else fails in strip_extension
        return strip_extension(item) in self.__str__()  # type: ignore[arg-type]


_DERIVED_FROM_NAME = frozenset(("name", "version", "build_string", "build_number", "base_url", "platform"))


def _rebuild(values: dict[str, Any]) -> Dist:
    return Dist._make(**values)


def dist_str_to_quad(dist_str: str) -> tuple[str, str, str, str]:
    """(name, version, build, channel) of ``[channel::]name-version-build[.ext]``."""
    channel_str, separator, package = strip_extension(dist_str).partition("::")
    if not separator:
        channel_str, package = UNKNOWN_CHANNEL, channel_str
    pieces = package.rsplit("-", 2)
    if len(pieces) != 3:
        raise CondaError(f"dist_name is not a valid conda package: {package}")
    name, version, build = pieces
    return name, version, build, channel_str
