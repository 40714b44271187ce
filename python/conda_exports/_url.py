"""URL and path helpers behind ``Channel``, ``Dist`` and ``url_path``, with conda 25.1's rules.

conda's channel parsing leans on a handful of small URL functions (token and platform
splitting, its own ``Url`` tuple, ``join_url``); these reproduce what they return so that
channel names, canonical names and URLs come out the same. Only the standard library is
used, and the expensive ones are memoised, since the same few channel URLs recur across
hundreds of thousands of records.
"""

from __future__ import annotations

import re
from functools import lru_cache
from os.path import abspath, expanduser
from os.path import split as _split_path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlparse as _stdlib_urlparse

from .constants import PACKAGE_EXTENSIONS as PACKAGE_EXTENSIONS  # re-exported: the models import it from here

if TYPE_CHECKING:
    from typing_extensions import TypeGuard  # typing's from Python 3.10

FILE_SCHEME = "file://"
#: conda's extensions that ``strip_pkg_extension`` recognises.
KNOWN_EXTENSIONS = (".conda", ".tar.bz2", ".json", ".jlap", ".json.zst")

_SCHEME_RE = re.compile(r"[a-z][a-z0-9]{0,11}://")
_TOKEN_RE = re.compile(r"/t/([a-zA-Z0-9-]*)")
_PATH_RE = re.compile(r"\./|\.\.|~|/|[a-zA-Z]:[/\\]|\\\\|//")
_BACKSLASH_NOT_SPACE = re.compile(r"(\\(?! ))")
_PERCENT_SAFE = "!'()*-._/\\:"


class Url(NamedTuple):
    """conda's URL tuple; ``str()`` rebuilds the URL (a password is only kept with a username)."""

    scheme: str | None = None
    path: str | None = None
    query: str | None = None
    fragment: str | None = None
    username: str | None = None
    password: str | None = None
    hostname: str | None = None
    port: int | None = None

    @classmethod
    def make(
        cls,
        scheme: str | None = None,
        path: str | None = None,
        query: str | None = None,
        fragment: str | None = None,
        username: str | None = None,
        password: str | None = None,
        hostname: str | None = None,
        port: int | None = None,
    ) -> Url:
        """Normalises like conda's constructor: leading ``/`` on the path, lower-case scheme and host."""
        if path and not path.startswith("/"):
            path = "/" + path
        return cls(
            scheme.lower() if scheme else scheme,
            path,
            query,
            fragment,
            username,
            password,
            hostname.lower() if hostname else hostname,
            port,
        )

    @property
    def auth(self) -> str | None:
        if self.username and self.password:
            return f"{self.username}:{self.password}"
        if self.username:
            return self.username
        return None

    def __str__(self) -> str:
        out = ""
        if self.scheme:
            out += f"{self.scheme}://"
        if self.password and self.username:
            out += f"{self.username}:{self.password}@"
        if self.hostname:
            out += self.hostname
        if self.port:
            out += f":{self.port}"
        if self.path:
            out += self.path
        if self.query:
            out += f"?{self.query}"
        if self.fragment:
            out += f"#{self.fragment}"
        return out


def has_scheme(value: str) -> bool:
    return _SCHEME_RE.match(value) is not None


@lru_cache(maxsize=4096)
def urlparse(url: str) -> Url:
    """Parses like conda: a string without a scheme is read as ``host[:port]/path``."""
    if not has_scheme(url):
        url = "//" + url
    parsed = _stdlib_urlparse(url)
    return Url.make(
        parsed.scheme,
        parsed.path,
        parsed.query,
        parsed.fragment,
        parsed.username,
        parsed.password,
        parsed.hostname,
        parsed.port,
    )


def is_url(url: object) -> TypeGuard[str]:
    """True for a non-empty string that parses with a scheme; unparseable text is not a URL."""
    if isinstance(url, str) and url:
        try:
            return urlparse(url).scheme != ""
        except ValueError:
            pass
    return False


def join_url(*parts: str | None) -> str:
    """Joins with single slashes; a leading ``/`` (or an empty first part) is kept."""
    start = "/" if not parts[0] or parts[0].startswith("/") else ""
    return start + "/".join(p for p in (x.strip("/") for x in parts if x) if p)


def split_anaconda_token(url: str) -> tuple[str, str | None]:
    """(url without ``/t/<token>``, token or None); the URL loses trailing slashes."""
    match = _TOKEN_RE.search(url)
    token = match.group(1) if match else None
    cleaned = url.replace("/t/" + token, "", 1) if token is not None else url
    return cleaned.rstrip("/"), token


@lru_cache(maxsize=64)
def _platform_re(known_subdirs: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"/({})(?:/|$)".format("|".join(known_subdirs)), re.IGNORECASE)


def split_platform(known_subdirs: tuple[str, ...], url: str) -> tuple[str, str | None]:
    """(url without its first known-subdir segment, that subdir or None)."""
    match = _platform_re(tuple(known_subdirs)).search(url)
    platform = match.group(1) if match else None
    cleaned = url.replace("/" + platform, "", 1) if platform is not None else url
    return cleaned.rstrip("/"), platform


def split_filename(path_or_url: str) -> tuple[str | None, str | None]:
    head, tail = _split_path(path_or_url)
    return (head or None, tail) if "." in tail else (path_or_url, None)


def has_platform(url: str, known_subdirs: tuple[str, ...]) -> str | None:
    """The known subdir that is the URL's last segment (after dropping a file name), else None."""
    without_file, _ = split_filename(url)
    if not without_file:
        return None
    candidate = without_file.rsplit("/", 1)[-1]
    return candidate if candidate in known_subdirs else None


def strip_pkg_extension(path: str) -> tuple[str, str | None]:
    """(path without its package extension, that extension), or (path, None) when it has none."""
    found = next((ext for ext in KNOWN_EXTENSIONS if path.endswith(ext)), None)
    return (path[: len(path) - len(found)], found) if found else (path, None)


def is_package_file(path: str) -> bool:
    return path.endswith(PACKAGE_EXTENSIONS)


def is_path(value: str) -> bool:
    """conda's test for "this channel value is a local path" (``./``, ``..``, ``~``, ``/``, ``C:\\``)."""
    if "://" in value:
        return False
    return _PATH_RE.match(value) is not None


def win_path_backout(path: str) -> str:
    """Backslashes to slashes (except those escaping a space), as conda cleans ``file:`` URLs."""
    return _BACKSLASH_NOT_SPACE.sub("/", path).replace(":////", "://")


def split_scheme_auth_token(url: str | None) -> tuple[str | None, str | None, str | None, str | None]:
    """(host/path without scheme, auth and token; scheme; auth; token)."""
    if not url:
        return None, None, None, None
    cleaned, token = split_anaconda_token(url)
    parts = urlparse(cleaned)
    rest = Url.make(hostname=parts.hostname, port=parts.port, path=parts.path, query=parts.query)
    return str(rest), parts.scheme, parts.auth, token


def split_conda_url_easy_parts(
    known_subdirs: tuple[str, ...], url: str
) -> tuple[str | None, str | None, str | None, str | None, str | None, str | None, int | None, str | None, str | None]:
    """scheme, auth, token, platform, package_filename, host, port, path, query of a channel URL."""
    cleaned, token = split_anaconda_token(url)
    cleaned, platform = split_platform(known_subdirs, cleaned)
    _, ext = strip_pkg_extension(cleaned)
    if ext and "/" in cleaned:
        cleaned, package_filename = cleaned.rsplit("/", 1)
    else:
        package_filename = None
    parts = urlparse(cleaned)
    return (
        parts.scheme,
        parts.auth,
        token,
        platform,
        package_filename,
        parts.hostname,
        parts.port,
        parts.path,
        parts.query,
    )


_PERCENT_RE = re.compile(r"%([0-9A-Fa-f]{2})")


@lru_cache(maxsize=4096)
def percent_decode(path: str) -> str:
    """Decodes ``%XX`` escapes as UTF-8 bytes (undecodable bytes become U+FFFD)."""
    if "%" not in path:
        return path
    out = bytearray()
    pos = 0
    for match in _PERCENT_RE.finditer(path):
        out += path[pos : match.start()].encode("utf-8")
        out.append(int(match.group(1), 16))
        pos = match.end()
    out += path[pos:].encode("utf-8")
    return out.decode("utf-8", "replace")


def _percent_encode(text: str) -> str:
    return "".join(c if (c < "{" and c.isalnum()) or c in _PERCENT_SAFE else f"%{ord(c):02X}" for c in text)


def path_to_url(path: str) -> str:
    """A local path as a ``file://`` URL, the way conda encodes it.

    The path is made absolute (``~`` expanded); a path with non-ASCII characters has its
    UTF-8 bytes percent-encoded (with conda's escape handling, so ``\\xNN`` sequences in it
    are read as escapes); a drive letter gets ``file:///C:/...``. A string that already is
    a ``file://`` URL is returned as it is (it must be ASCII).
    """
    if not isinstance(path, str):
        raise TypeError(f"expected a path string, not {type(path).__name__}")
    if not path:
        raise ValueError(f"Not allowed: {path!r}")
    if path.startswith(FILE_SCHEME):
        if not path.isascii():
            raise ValueError(f"Non-ascii not allowed for things claiming to be URLs: {path!r}")
        return path
    path = abspath(expanduser(path)).replace("\\", "/")
    if not path.isascii():
        path = _percent_encode(bytes(path, "utf-8").decode("unicode-escape"))
    if len(path) > 1 and path[1] == ":":
        return FILE_SCHEME + "/" + path
    return FILE_SCHEME + path


def url_to_path(url: str) -> str:
    """The local path of a ``file://`` URL (percent escapes decoded)."""
    path = percent_decode(url[len(FILE_SCHEME) :]) if url.startswith(FILE_SCHEME) else url
    if len(path) > 2 and path[0] == "/" and path[2] == ":":
        return path[1:]
    return path


_TOKEN_ANYWHERE = re.compile(r"/t/[^/\s?#'\"<>]+")
_USERINFO = re.compile(r"(?<=://)[^/\s@'\"<>]+@")


def redact_url(url: str) -> str:
    """``url`` (or any text holding URLs) with ``/t/<token>`` as ``/t/<TOKEN>`` and ``user:password@`` as ``***@``.

    The token pattern is wider than ``split_anaconda_token``'s (anything up to the next
    ``/``), so whatever sits where a token goes is hidden. It also works on error texts
    from ``requests``, which quote the request path without the host.
    """
    return _USERINFO.sub("***@", _TOKEN_ANYWHERE.sub("/t/<TOKEN>", url))
