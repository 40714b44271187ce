"""``Channel`` and ``MultiChannel``: where packages come from, named as conda 25.1 names them.

A channel value is a name (``conda-forge``, resolved through ``channel_alias`` and the
configured ``custom_channels``), a multichannel name (``defaults``, ``local`` or a
``custom_multichannels`` entry), a URL (possibly with ``/t/<token>/``, credentials, a
subdir and a package file name at the end), or a local path. Parsing, ``canonical_name``,
``base_url``, ``urls()``, ``str()``, equality and hash follow conda 25.1's
``conda.models.channel`` and read the same configuration (through ``conda_exports.context``).

``Channel(value)`` is cached by value like conda's, so the records of one index share one
Channel object; the cache and the Channel-valued configuration are rebuilt when the context
is reset.
"""

from __future__ import annotations

from copy import copy
from itertools import chain
from typing import Any, Iterable, overload

from .._url import (
    Url,
    has_scheme,
    is_package_file,
    is_path,
    is_url,
    join_url,
    path_to_url,
    percent_decode,
    split_conda_url_easy_parts,
    split_platform,
    split_scheme_auth_token,
    urlparse,
    win_path_backout,
)
from ..exceptions import CondaError, CondaValueError, RecordValidationError

DEFAULTS_CHANNEL_NAME = "defaults"
#: A Channel's fields, in the order conda's dump() and __json__ list them.
_CHANNEL_FIELDS = ("scheme", "auth", "location", "token", "name", "platform", "package_filename")
UNKNOWN_CHANNEL = "<unknown>"
MAX_CHANNEL_PRIORITY = 10000


_context_module: Any = None


def _context() -> Any:
    """The current context (the module is imported once, the object looked up each time)."""
    global _context_module
    if _context_module is None:
        from importlib import import_module

        _context_module = import_module("..configuration", __package__)
    return _context_module.context


class _Config:
    """The channel settings of the context, as Channel objects (built once per context state)."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        location, scheme, auth, token = split_scheme_auth_token(ctx.channel_alias_url)
        self.channel_alias = Channel(scheme=scheme, auth=auth, location=location, token=token)
        self.migrated_channel_aliases = tuple(
            Channel(scheme=s, auth=a, location=loc, token=t)
            for loc, s, a, t in (split_scheme_auth_token(url) for url in ctx.migrated_channel_alias_urls)
        )
        reserved = ("defaults", "local")
        urls_by_name = dict(ctx.custom_multichannel_urls)
        ordered = [name for name in urls_by_name if name not in reserved]
        ordered += [name for name in reserved if name in urls_by_name]
        self.custom_multichannels: dict[str, tuple[Channel, ...]] = {
            name: tuple(Channel.make_simple_channel(self.channel_alias, url) for url in urls_by_name[name])
            for name in ordered
        }
        self.custom_channels: dict[str, Channel] = {
            channel.name: channel
            for channel in (
                *chain.from_iterable(self.custom_multichannels.values()),
                *(
                    Channel.make_simple_channel(self.channel_alias, url, name)
                    for name, url in dict(ctx.custom_channel_urls).items()
                ),
            )
        }
        self.separate_format_cache = bool(getattr(ctx, "separate_format_cache", False))
        self.migrated_custom_channels: dict[str, str] = dict(getattr(ctx, "migrated_custom_channel_urls", {}) or {})
        self.custom_channels_by_length = sorted(self.custom_channels.items(), reverse=True, key=lambda x: len(x[0]))
        self.migrated_custom_by_length = sorted(
            self.migrated_custom_channels.items(), reverse=True, key=lambda x: len(x[0])
        )


_CONFIG: _Config | None = None
_CONFIG_BUILDING = False
# bumped whenever cached Channels are forgotten, so caches of things built from Channels
# (MatchSpec's) can tell that the configuration changed
_GENERATION = 0


def _config(ctx: Any = None) -> _Config:
    """The Channel-valued configuration of ``ctx`` (the current context by default).

    Built on first use after each context reset (``reset_context`` calls
    ``Channel._reset_state``); the context's Channel-valued properties read it from here.
    """
    global _CONFIG, _CONFIG_BUILDING, _GENERATION
    if ctx is None:
        ctx = _context()
    config = _CONFIG
    if config is not None and config.ctx is ctx:
        return config
    if _CONFIG_BUILDING:
        raise RuntimeError("the channel configuration refers to itself while being built")
    _CONFIG_BUILDING = True
    if config is not None:  # another context object: what was derived from the old one is stale
        _GENERATION += 1
    try:
        Channel._cache_.clear()
        config = _CONFIG = _Config(ctx)
    finally:
        _CONFIG_BUILDING = False
    return config


def _known_subdirs() -> tuple[str, ...]:
    return tuple(_context().known_subdirs)


class ChannelType(type):
    """Caches ``Channel(value)`` by value; ``Channel(channels=..., name=...)`` makes a MultiChannel."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Channel:
        single_value = len(args) == 1 and not kwargs
        if single_value:
            return _channel_from_cache(args[0])
        if "channels" not in kwargs:
            made: Channel = super().__call__(*args, **kwargs)
            return made
        # The shape MultiChannel.dump() produces: a name plus one keyword dict per member.
        members = tuple(cls(**member) for member in kwargs["channels"])
        return MultiChannel(kwargs["name"], members)


def _channel_from_cache(value: Any) -> Channel:
    """``Channel(value)``: a Channel passes through; anything else is parsed once and remembered."""
    if isinstance(value, Channel):
        return value
    try:
        cached = Channel._cache_.get(value)
    except TypeError:  # unhashable, so it cannot be a channel value either
        raise RecordValidationError("channel", value) from None
    if cached is not None:
        return cached
    try:
        made = Channel.from_value(value)
    except CondaError:
        raise
    except ValueError as exc:
        # urllib's own ValueError (e.g. "Invalid IPv6 URL") gets a typed error that is still a ValueError.
        raise CondaValueError(f"invalid channel {value!r}: {exc}") from None
    Channel._cache_[value] = made
    return made


class Channel(metaclass=ChannelType):
    """A conda channel: scheme, auth, location, token, name, platform (subdir), package file name."""

    _cache_: dict[Any, Channel] = {}

    # Instance attributes, set together in __init__ (through vars(), to keep their order).
    scheme: str | None
    auth: str | None
    location: str | None
    token: str | None
    name: str
    platform: str | None
    package_filename: str | None

    @staticmethod
    def _reset_state() -> None:
        """Forgets cached channels and channel configuration (after the context changed)."""
        global _CONFIG, _GENERATION
        Channel._cache_.clear()
        _CONFIG = None
        _GENERATION += 1

    # Channel(value) (one positional argument) parses any channel value through ChannelType,
    # which never calls __init__ for it; this overload tells type checkers it is accepted.
    @overload
    def __init__(self, value: Any, /) -> None: ...

    @overload
    def __init__(
        self,
        scheme: str | None = None,
        auth: str | None = None,
        location: str | None = None,
        token: str | None = None,
        name: str | None = None,
        platform: str | None = None,
        package_filename: str | None = None,
    ) -> None: ...

    def __init__(
        self,
        scheme: str | None = None,
        auth: str | None = None,
        location: str | None = None,
        token: str | None = None,
        name: str | None = None,
        platform: str | None = None,
        package_filename: str | None = None,
    ) -> None:
        # One update keeps the attribute order that __json__ reports (the order of _CHANNEL_FIELDS).
        vars(self).update(zip(_CHANNEL_FIELDS, (scheme, auth, location, token, name or "", platform, package_filename)))

    # -- construction ----------------------------------------------------------------

    @staticmethod
    def from_url(url: str) -> Channel:
        return _parse_channel_url(url)

    @staticmethod
    def from_channel_name(channel_name: str) -> Channel:
        return _channel_for_name(channel_name)

    @staticmethod
    def from_value(value: Any) -> Channel:
        """A Channel from a name, multichannel name, URL, local path or package file."""
        if value in (None, UNKNOWN_CHANNEL, "None:///<unknown>", "None"):
            return Channel(name=UNKNOWN_CHANNEL)
        if isinstance(value, bytes):
            value = value.decode("utf-8")
        if not isinstance(value, str):
            raise RecordValidationError("channel", value)
        schemed = has_scheme(value)
        if not schemed and is_path(value):
            return Channel.from_url(path_to_url(value))
        if schemed or is_package_file(value):
            # A file: URL may carry a Windows path written with backslashes.
            return Channel.from_url(win_path_backout(value) if value.startswith("file:") else value)
        return _multichannel_or_named(value)

    @staticmethod
    def make_simple_channel(channel_alias: Channel, channel_url: str, name: str | None = None) -> Channel:
        """A channel from a configured URL or name, relative to ``channel_alias`` when it has no scheme."""
        alias = channel_alias
        remainder, scheme, auth, token = split_scheme_auth_token(channel_url)
        if not scheme or remainder is None:  # (no remainder only for an empty URL: no scheme either)
            # No scheme: a name under the channel alias (an explicit name wins over the URL text).
            under_alias = (name and name.strip("/")) or channel_url.strip("/")
            return Channel(
                scheme=alias.scheme, auth=alias.auth, location=alias.location, token=alias.token, name=under_alias
            )
        if name:
            location = remainder
        elif alias.location and remainder.startswith(alias.location):
            location, name = alias.location, remainder.replace(alias.location, "", 1)
        else:
            pieces = urlparse(remainder)
            location, name = str(Url.make(hostname=pieces.hostname, port=pieces.port)), pieces.path or ""
        return Channel(scheme=scheme, auth=auth, location=location, token=token, name=name.strip("/"))

    # -- names -----------------------------------------------------------------------

    @property
    def channel_location(self) -> str | None:
        return self.location

    @property
    def channel_name(self) -> str:
        return self.name

    @property
    def subdir(self) -> str | None:
        return self.platform

    @property
    def canonical_name(self) -> str:
        """The short name conda shows: the multichannel or custom channel it belongs to, the
        name under the channel alias, else the full base URL."""
        try:
            cached: str = self.__dict__["_canonical_name"]
            return cached
        except KeyError:
            pass
        name = self._compute_canonical_name()
        self.__dict__["_canonical_name"] = name
        return name

    def _compute_canonical_name(self) -> str:
        config = _config()
        for multiname, channels in config.custom_multichannels.items():
            for channel in channels:
                if self.name == channel.name:
                    return multiname
        for that_name in config.custom_channels:
            if self.name and _tokenized_startswith(self.name.split("/"), that_name.split("/")):
                return self.name
        if any(alias.location == self.location for alias in (config.channel_alias, *config.migrated_channel_aliases)):
            return self.name
        if self.scheme:
            return f"{self.scheme}://{join_url(self.location, self.name)}"
        return join_url(self.location, self.name).lstrip("/")

    # -- URLs ------------------------------------------------------------------------

    def urls(self, with_credentials: bool = False, subdirs: Iterable[str] | None = None) -> list[str]:
        """The subdir URLs of this channel: its own platform (and noarch), else every subdir."""
        if subdirs is None:
            subdirs = _context().subdirs
        if isinstance(subdirs, str) or not hasattr(subdirs, "__iter__"):
            raise TypeError(f"subdirs must be a non-string iterable, not {subdirs!r}")
        if self.canonical_name == UNKNOWN_CHANNEL:
            return Channel(DEFAULTS_CHANNEL_NAME).urls(with_credentials, subdirs)
        if not self.platform:
            chosen = list(subdirs)
        elif self.platform == "noarch":
            chosen = ["noarch"]
        else:
            chosen = [self.platform, "noarch"]
        return [self._absolute(with_credentials, subdir) for subdir in chosen]

    def url(self, with_credentials: bool = False) -> str | None:
        """The URL of this channel's subdir (the first configured non-noarch one when it has none),
        with the package file name when it names one."""
        if self.canonical_name == UNKNOWN_CHANNEL:
            return None
        if self.platform:
            return self._absolute(with_credentials, self.platform, self.package_filename)
        arch_subdirs = [subdir for subdir in _context().subdirs if subdir != "noarch"]
        return self._absolute(with_credentials, arch_subdirs[0] if arch_subdirs else "noarch")

    def _absolute(self, with_credentials: bool, *tail: str | None) -> str:
        """scheme://[auth@]location[/t/token]/name/tail...; auth and token only when asked for."""
        token_segment = ("t", self.token) if with_credentials and self.token else ()
        path = join_url(self.location, *token_segment, self.name, *tail)
        userinfo = f"{self.auth}@" if with_credentials and self.auth else ""
        return f"{self.scheme}://{userinfo}{path}"

    @property
    def base_url(self) -> str | None:
        if self.canonical_name == UNKNOWN_CHANNEL:
            return None
        return f"{self.scheme}://{join_url(self.location, self.name)}"

    @property
    def base_urls(self) -> tuple[str | None, ...]:
        return (self.base_url,)

    @property
    def subdir_url(self) -> str | None:
        full = self.url(with_credentials=True)
        # A package URL's subdir is the URL minus its last segment.
        return full.rpartition("/")[0] if full and self.package_filename else full

    @property
    def url_channel_wtf(self) -> tuple[str | None, str]:
        return self.base_url, self.canonical_name

    # -- dunder ----------------------------------------------------------------------

    def __str__(self) -> str:
        base = self.base_url or self.name
        return join_url(base, self.subdir) if self.subdir else base

    def __repr__(self) -> str:
        return 'Channel("%s")' % (join_url(self.name, self.subdir) if self.subdir else self.name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Channel):
            try:
                other = Channel(other)
            except Exception:
                return False
        return self.location == other.location and self.name == other.name

    def __hash__(self) -> int:
        return hash((self.location, self.name))

    def __bool__(self) -> bool:
        return any((self.location, self.name))

    def __json__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def dump(self) -> dict[str, Any]:
        return {field: getattr(self, field) for field in _CHANNEL_FIELDS}


class MultiChannel(Channel):
    """A name standing for several channels (``defaults``, ``local``, custom_multichannels)."""

    def __init__(self, name: str, channels: tuple[Channel, ...], platform: str | None = None) -> None:
        # Attributes are set in conda's order (name and location first) because __json__ lists them as set.
        vars(self).update(name=name, location=None)
        self._channels = _members_on_platform(channels, platform) if platform else channels
        vars(self).update(scheme=None, auth=None, token=None, platform=platform, package_filename=None)

    @property
    def canonical_name(self) -> str:
        return self.name

    def urls(self, with_credentials: bool = False, subdirs: Iterable[str] | None = None) -> list[str]:
        return list(chain.from_iterable(c.urls(with_credentials, subdirs) for c in self._channels))

    @property
    def base_url(self) -> None:
        return None

    @property
    def base_urls(self) -> tuple[str | None, ...]:
        return tuple(c.base_url for c in self._channels)

    def url(self, with_credentials: bool = False) -> None:
        return None

    def dump(self) -> dict[str, Any]:
        return {"name": self.name, "channels": tuple(c.dump() for c in self._channels)}


def _members_on_platform(channels: tuple[Channel, ...], platform: str) -> tuple[Channel, ...]:
    """Copies of a multichannel's members pinned to one subdir (``defaults/linux-64``)."""
    pinned = []
    for member in channels:
        fields = member.dump()
        fields["platform"] = platform
        pinned.append(Channel(**fields))
    return tuple(pinned)


def _multichannel_or_named(value: str) -> Channel:
    """A plain name: a configured multichannel (subdir suffix allowed), else a named channel."""
    multichannels = _config().custom_multichannels
    bare, platform = split_platform(_known_subdirs(), value)
    if bare in multichannels:
        return MultiChannel(bare, multichannels[bare], platform)
    return Channel.from_channel_name(value)


def _tokenized_startswith(test: Iterable[str], prefix: Iterable[str]) -> bool:
    return all(t == p for t, p in zip(test, prefix))


def _tokenized_url_startswith(test_url: str, prefix_url: str) -> bool:
    test, prefix = urlparse(test_url), urlparse(prefix_url)
    if test.hostname != prefix.hostname or test.port != prefix.port:
        return False

    def norm(url: Url) -> str:
        return (url.path or "").strip("/") or "/"

    return _tokenized_startswith(norm(test).split("/"), norm(prefix).split("/"))


def _custom_channel_of(name: str, custom_channels: dict[str, Channel]) -> Channel | None:
    """The configured channel of the longest of ``name`` and its ``/``-prefixes that is one
    (``a/b/c``, then ``a/b``, then ``a``), as conda's lookup, which strips one segment at a time.

    One pass from the right: only a prefix as long as some configured name is looked up,
    so a name of many segments costs its length, not its length times its segments.
    """
    lengths = {len(configured) for configured in custom_channels}
    end = len(name)
    while end >= 0:
        if end in lengths:
            found = custom_channels.get(name[:end])
            if found is not None:
                return found
        end = name.rfind("/", 0, end)
    return None


def _channel_for_name(channel_name: str) -> Channel:
    config = _config()
    stripped, platform = split_platform(_known_subdirs(), channel_name)
    found = _custom_channel_of(stripped, config.custom_channels)
    if found is not None:
        # a copy, as conda makes: it keeps a canonical name already worked out for the
        # configured channel (so the answer can depend on what was asked before, as in conda)
        channel = copy(found)
        channel.name = stripped
        if platform:
            channel.platform = platform
        return channel
    ca = config.channel_alias
    return Channel(
        scheme=ca.scheme, auth=ca.auth, location=ca.location, token=ca.token, name=stripped, platform=platform
    )


def _read_channel_configuration(
    scheme: str | None, host: str | None, port: int | None, path: str | None
) -> tuple[str | None, str | None, str | None, str | None, str | None]:
    """(location, name, scheme, auth, token) of a parsed channel URL, per the configuration."""
    config = _config()
    path = path and path.rstrip("/")
    test_url = str(Url.make(hostname=host, port=port, path=path))

    if not path:
        return str(Url.make(hostname=host, port=port)).rstrip("/"), None, scheme or None, None, None

    for name, url in config.migrated_custom_by_length:
        location, _s, _a, _t = split_scheme_auth_token(url)
        if _tokenized_url_startswith(test_url, join_url(location, name)):
            subname = test_url.replace(join_url(location, name), "", 1).strip("/")
            channel_name = join_url(name, subname)
            channel = _channel_for_name(channel_name)
            return channel.location, channel_name, channel.scheme, channel.auth, channel.token

    for alias in config.migrated_channel_aliases:
        # (an empty migrated alias has no location: conda's startswith(None) raises TypeError)
        if alias.location is not None and test_url.startswith(alias.location):
            name = test_url.replace(alias.location, "", 1).strip("/")
            ca = config.channel_alias
            return ca.location, name, ca.scheme, ca.auth, ca.token

    for _name, channel in config.custom_channels_by_length:
        that_url = join_url(channel.location, channel.name)
        if _tokenized_startswith(test_url.split("/"), that_url.split("/")):
            subname = test_url.replace(that_url, "", 1).strip("/")
            return channel.location, join_url(channel.name, subname), scheme, channel.auth, channel.token

    ca = config.channel_alias
    if ca.location and _tokenized_startswith(test_url.split("/"), ca.location.split("/")):
        under_alias = test_url.replace(ca.location, "", 1).strip("/") or None
        return ca.location, under_alias, scheme, ca.auth, ca.token

    if host is None:
        # a file:// URL: the last path segment names the channel, the rest is where it lives
        directory, _, last = test_url.rpartition("/")
        return directory or "/", last, "file", None, None

    # Otherwise host[:port] locates the channel and the path names it. A first segment "conda"
    # belongs to the location (the layout of Anaconda Enterprise Repository servers).
    first, _, after_first = path.strip("/").partition("/")
    location_path, name_path = ("conda", after_first) if first == "conda" else (None, path)
    location = str(Url.make(hostname=host, port=port, path=location_path)).rstrip("/")
    return location, name_path.strip("/") or None, scheme or None, None, None


def _parse_channel_url(url: str) -> Channel:
    pieces = split_conda_url_easy_parts(_known_subdirs(), url)
    scheme, auth, token, platform, package_filename, host, port, path, _query = pieces
    location, name, known_scheme, known_auth, known_token = _read_channel_configuration(scheme, host, port, path)
    # Only the name and the file name are percent-decoded: credentials may contain a literal "%XX".
    return Channel(
        scheme=known_scheme or "https",
        auth=auth or known_auth,
        location=location,
        token=token or known_token,
        name=_percent_decoded(name),
        platform=platform,
        package_filename=_percent_decoded(package_filename),
    )


def _percent_decoded(text: str | None) -> str | None:
    return percent_decode(text) if text else text


def get_conda_build_local_url() -> tuple[str, ...]:
    """conda-build's local build root, as a one-element tuple (conda's legacy helper)."""
    ctx = _context()
    root = getattr(ctx, "local_build_root", None) or ctx.croot
    return (root,)


def prioritize_channels(
    channels: Iterable[Any], with_credentials: bool = True, subdirs: Iterable[str] | None = None
) -> dict[str, tuple[str, int]]:
    """Subdir URL -> (canonical channel name, priority), first channel first; multichannels expanded."""
    ranked: dict[str, tuple[str, int]] = {}
    position = 0
    for requested in channels:
        channel = Channel(requested)
        # A multichannel counts as its members, each with a priority of its own.
        members = channel._channels if isinstance(channel, MultiChannel) else (channel,)
        for member in map(Channel, members):
            entry = (member.canonical_name, min(position, MAX_CHANNEL_PRIORITY - 1))
            for url in member.urls(with_credentials, subdirs):
                ranked.setdefault(url, entry)
            position += 1
    return ranked


def all_channel_urls(
    channels: Iterable[Any], subdirs: Iterable[str] | None = None, with_credentials: bool = True
) -> list[str]:
    """Every subdir URL of the channels, in order, without repeats."""
    seen: dict[str, None] = {}
    for chn in channels:
        for url in Channel(chn).urls(with_credentials, subdirs):
            seen.setdefault(url, None)
    return list(seen)


def offline_keep(url: str) -> bool:
    return not getattr(_context(), "offline", False) or not is_url(url) or url.startswith("file:/")


def get_channel_objs(ctx: Any) -> tuple[Channel, ...]:
    """The context's channels as Channel objects."""
    return tuple(Channel(chn) for chn in ctx.channels)
