"""Fetching one channel subdir's repodata, with conda 25.1's cache: ``fetch_repodata``.

``fetch_repodata(subdir_url)`` is a context manager that yields a ``FetchedRepodata``
naming a file that holds the subdir's JSON; the caller parses it inside the ``with``.

- ``file://`` subdirs are read in place (conda copies them into its cache).
- http(s) subdirs go through conda's cache: ``<first writable pkgs dir>/cache/<cache_fn_url>``
  for the body and ``<same stem>.info.json`` for the state (conda's file names and keys:
  ``url``, ``etag``, ``mod``, ``cache_control``, ``size``, ``mtime_ns``, ``refresh_ns``,
  ``has_zst``), so conda and this package can share a cache. An entry counts only while the
  body's size and mtime match its state. A fresh entry (``Cache-Control: max-age`` as
  ``local_repodata_ttl`` says) is used without a request; a stale one is revalidated with
  ``If-None-Match`` / ``If-Modified-Since``; offline mode and ``use_cache`` use any valid
  entry without the network. ``repodata.json.zst`` is preferred while the server has it.
- Nothing reaches the cache unless the ``with`` block exits cleanly: a download lands in a
  temporary file that is renamed into place afterwards, and a cached body the caller could
  not parse is deleted. An advisory lock per entry keeps two processes from downloading
  the same subdir at once; the second one finds the first one's fresh entry.
- HTTP failures become conda's errors (``CondaHTTPError``, ``UnavailableInvalidChannel``,
  ``CondaSSLError``, ``ProxyError``), with credentials masked by ``redact_url``.

``requests`` and ``tqdm`` are imported only when an http(s) subdir is fetched.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from os.path import isfile
from typing import TYPE_CHECKING, Any, Iterator

from . import _backend
from ._fetch_cache import (
    CACHE_STATE_SUFFIX,
    Entry,
    create_cache_dir,
    first_writable_pkgs_dir,
    is_fresh,
    locked,
    now_iso,
    unlink_quietly,
    zst_worth_trying,
)
from ._url import redact_url, url_to_path
from .configuration import context
from .constants import REPODATA_FN
from .exceptions import (
    CondaError,
    CondaHTTPError,
    CondaValueError,
    UnavailableInvalidChannel,
    ZstdDecompressionError,
    from_oserror,
)

if TYPE_CHECKING:
    import requests

__all__ = [
    "CACHE_STATE_SUFFIX",
    "FetchedRepodata",
    "create_cache_dir",
    "fetch_repodata",
    "first_writable_pkgs_dir",
]

log = logging.getLogger(__name__)

#: What ``FetchedRepodata.state`` says about where the body came from.
LOCAL = "local"  # a file:// subdir, read in place
FRESH = "fresh"  # the cache, still fresh: no request
REVALIDATED = "revalidated"  # the cache, confirmed by a 304
DOWNLOADED = "downloaded"  # a new body
OFFLINE = "offline"  # offline mode or use_cache: the cache without a request (path None: there was none)
MISSING = "missing"  # the server has no such subdir (404/403 off noarch): an empty index, path None


_CHUNK = 1 << 16
_HOMEPAGE_CONFIG = "https://conda.io/docs/config.html"


@dataclass(frozen=True)
class FetchedRepodata:
    """One subdir's repodata, as ``fetch_repodata`` found it.

    ``path`` is the file to parse, or None for an empty index (a subdir the server does not
    have, or offline mode without a cache). ``state`` is one of ``local``, ``fresh``,
    ``revalidated``, ``downloaded``, ``offline``, ``missing``. ``cache_path`` is where the
    body is (or will be, after a clean exit) cached; None for ``file://`` and empty indexes.
    """

    url: str
    path: str | None
    state: str
    cache_path: str | None


@contextmanager
def fetch_repodata(
    subdir_url: str,
    repodata_fn: str = REPODATA_FN,
    *,
    use_cache: bool = False,
    refresh: bool = False,
    session: requests.Session | None = None,
) -> Iterator[FetchedRepodata]:
    """Yields the repodata of ``subdir_url`` (the subdir's URL, credentials included).

    Parse ``path`` inside the ``with``: a download is cached only when the block exits
    without an exception, and a cached body the block fails on is deleted, so the next
    call fetches it again. ``use_cache`` uses a valid cached body without asking the
    server (the network is used only when there is none); ``refresh`` ignores the cached
    body and downloads anew. ``session`` defaults to ``get_session(subdir_url)``.

    While a download or revalidation is being consumed, the entry's lock is held: retry
    (``refresh=True``) after the ``with`` has exited, not inside it.
    """
    subdir_url = subdir_url.rstrip("/")
    shown = redact_url(subdir_url)
    if subdir_url.startswith("file:"):
        yield _read_local(subdir_url, repodata_fn, shown)
        return
    if not subdir_url.startswith(("http://", "https://")):
        raise CondaValueError(f"cannot fetch repodata from {shown}: only http(s) and file:// URLs are supported")
    with ExitStack() as stack:
        job = _Job(subdir_url, repodata_fn, shown, session, stack)
        fetched = job.prepare(use_cache=use_cache, refresh=refresh)
        try:
            yield fetched
        except Exception:
            job.consumer_failed()
            raise
        job.commit()


# -- file:// ------------------------------------------------------------------------------


def _read_local(subdir_url: str, repodata_fn: str, shown: str) -> FetchedRepodata:
    """A ``file://`` subdir's repodata where it lies; a missing file counts as a 404."""
    path = url_to_path(f"{subdir_url}/{repodata_fn}")
    if isfile(path):
        return FetchedRepodata(shown, path, LOCAL, None)
    _not_found(subdir_url, repodata_fn, 404, None)
    return FetchedRepodata(shown, None, MISSING, None)


def _not_found(subdir_url: str, repodata_fn: str, status: int, response: Any) -> None:
    """conda's rule for a 404/403: returns for an empty index, raises "not a channel" otherwise.

    Off ``noarch`` a missing ``repodata.json`` is an empty subdir; a missing
    ``noarch/repodata.json`` means the URL is not a channel, unless ``allow_non_channel_urls``.
    Another file name (``current_repodata.json``) raises either way, so the caller can fall
    back to ``repodata.json`` as conda does.
    """
    channel_url = subdir_url.rsplit("/", 1)[0]
    if repodata_fn != REPODATA_FN:
        raise _scrubbed(UnavailableInvalidChannel(channel_url, status, response=response))
    where = redact_url(f"{subdir_url}/{repodata_fn}")
    if not subdir_url.endswith("/noarch"):
        log.info("Unable to retrieve repodata (response: %d) for %s", status, where)
        return
    if context.allow_non_channel_urls:
        log.warning("Unable to retrieve repodata (response: %d) for %s", status, where)
        return
    raise _scrubbed(UnavailableInvalidChannel(channel_url, status, response=response))


# -- HTTP -----------------------------------------------------------------------------------


class _NotModified(Exception):
    """A 304: the cached body is current."""

    def __init__(self, headers: Any) -> None:
        self.headers = headers


class _ZstUnavailable(Exception):
    """The server has no usable ``.zst`` (a 4xx, or a body that does not decompress)."""


class _Missing(Exception):
    """The subdir does not exist (404/403 where conda reads that as an empty index)."""


class _BodyFailed(Exception):
    """The connection failed while the body was coming in (cut, timed out, or short)."""

    def __init__(self, cause: BaseException | str) -> None:
        super().__init__(str(cause))
        self.cause = cause


class _Job:
    """One ``fetch_repodata`` call over http(s): the decision, the download and the commit."""

    def __init__(self, subdir_url: str, repodata_fn: str, shown: str, session: Any, stack: ExitStack) -> None:
        self.subdir_url = subdir_url
        self.repodata_fn = repodata_fn
        #: what errors name, as conda's do (also when the request was for the .zst)
        self.repodata_url = f"{subdir_url}/{repodata_fn}"
        self.shown = shown
        self.session = session
        self.stack = stack
        self.kind = ""
        self.entry: Entry | None = None
        self.new_state: dict[str, Any] = {}
        self.downloaded: str | None = None
        #: conda's has_zst record: kept from the old state, updated when .zst was tried
        self.has_zst: Any = None

    # the decision

    def prepare(self, *, use_cache: bool, refresh: bool) -> FetchedRepodata:
        entry = self.entry = Entry(create_cache_dir(), self.subdir_url, self.repodata_fn)
        first = entry.read()
        no_network = bool(context.offline or context.use_index_cache)
        if first.valid and not refresh:
            if no_network or use_cache:
                return self._from_cache(OFFLINE)
            if is_fresh(first.state):
                return self._from_cache(FRESH)
        if no_network:
            log.debug("no usable cache for %s and the network is off: an empty index", self.shown)
            return self._result(OFFLINE, None)
        self.stack.enter_context(locked(entry.lock_path))
        # Another process may have refreshed the entry while this one waited for the lock.
        second = entry.read()
        if second.valid:
            refreshed_meanwhile = not second.same_entry_as(first)
            if refreshed_meanwhile or (not refresh and is_fresh(second.state)):
                return self._from_cache(FRESH)
        conditional = second.valid and not refresh
        try:
            return self._download(second.state, conditional)
        except _Missing:
            entry.remove()  # conda overwrites it with "{}"; either way an old index must not come back
            return self._result(MISSING, None)

    def _result(self, kind: str, path: str | None) -> FetchedRepodata:
        self.kind = kind
        cache_path = self.entry.body if self.entry is not None and path is not None else None
        return FetchedRepodata(self.shown, path, kind, cache_path)

    def _from_cache(self, kind: str) -> FetchedRepodata:
        assert self.entry is not None
        log.debug("using cached repodata for %s (%s)", self.shown, kind)
        return self._result(kind, self.entry.body)

    # after the consumer's block

    def consumer_failed(self) -> None:
        """The caller could not use the body: a cached one is corrupt and goes; a download is dropped."""
        if self.entry is not None and self.kind in (FRESH, REVALIDATED, OFFLINE):
            log.debug("removing cached repodata of %s: the caller failed on it", self.shown)
            self.entry.remove()

    def commit(self) -> None:
        """Puts a downloaded body in place and records the state (conda's order: body, then state)."""
        entry = self.entry
        if entry is None or self.kind not in (DOWNLOADED, REVALIDATED):
            return
        state = self.new_state
        try:
            if self.kind == DOWNLOADED:
                assert self.downloaded is not None
                stat = os.stat(self.downloaded)
                state["size"] = stat.st_size
                state["mtime_ns"] = stat.st_mtime_ns
            state["refresh_ns"] = time.time_ns()
            if self.kind == DOWNLOADED:
                assert self.downloaded is not None
                os.replace(self.downloaded, entry.body)
            entry.write_state(state, self.stack)
        except (OSError, CondaError) as exc:
            # The caller has its index; only the cache is lost, and the next call fetches again.
            log.warning("could not update the repodata cache %s: %s", entry.body, exc)
            entry.remove()

    # the request

    def _download(self, state: dict[str, Any], conditional: bool) -> FetchedRepodata:
        from .session import get_session

        session = self.session if self.session is not None else get_session(self.subdir_url)
        headers: dict[str, str] = {}
        if conditional:
            if state.get("etag"):
                headers["If-None-Match"] = str(state["etag"])
            if state.get("mod"):
                headers["If-Modified-Since"] = str(state["mod"])
        self.has_zst = state.get("has_zst")  # survives a new body; the other fields are the new body's
        base = self.repodata_url
        try:
            path, response_headers = self._fetch_preferring_zst(session, base, headers, state)
        except _NotModified as not_modified:
            if not conditional:
                raise self._http_error(CondaHTTPError, base, "304 Not Modified without a cached copy") from None
            refreshed = dict(state)
            for header, key in (("ETag", "etag"), ("Last-Modified", "mod"), ("Cache-Control", "cache_control")):
                value = not_modified.headers.get(header)
                if value:
                    refreshed[key] = value
            if self.has_zst is not None:
                refreshed["has_zst"] = self.has_zst
            self.new_state = refreshed
            log.debug("304 Not Modified for %s: the cache stays", self.shown)
            return self._from_cache(REVALIDATED)
        self.new_state = {
            "url": self.shown,
            "etag": response_headers.get("ETag") or "",
            "mod": response_headers.get("Last-Modified") or "",
            "cache_control": response_headers.get("Cache-Control") or "",
        }
        if self.has_zst is not None:
            self.new_state["has_zst"] = self.has_zst
        self.downloaded = path
        assert self.entry is not None
        self.kind = DOWNLOADED
        return FetchedRepodata(self.shown, path, DOWNLOADED, self.entry.body)

    def _fetch_preferring_zst(
        self, session: Any, base: str, headers: dict[str, str], state: dict[str, Any]
    ) -> tuple[str, Any]:
        """(path of the JSON body, response headers), from ``.json.zst`` when the server has it.

        Raises ``_NotModified`` on a 304. ``self.has_zst`` records what was learnt about ``.zst``.
        """
        if context.repodata_use_zst and _backend.fetch.zst_supported() and zst_worth_trying(state):
            zst_url = base + ".zst"
            try:
                packed, response_headers = self._get(session, zst_url, headers, zst=True)
            except _ZstUnavailable:
                self.has_zst = {"last_checked": now_iso(), "value": False}
            except _NotModified:
                self.has_zst = {"last_checked": now_iso(), "value": True}
                raise
            else:
                assert self.entry is not None
                unpacked = self.entry.temp_path(self.stack, ".tmp")
                try:
                    _backend.fetch.decompress_zst(packed, unpacked)
                except ZstdDecompressionError as exc:
                    log.warning("Could not decompress %s as zstd, falling back to .json: %s", redact_url(zst_url), exc)
                    self.has_zst = {"last_checked": now_iso(), "value": False}
                else:
                    self.has_zst = {"last_checked": now_iso(), "value": True}
                    return unpacked, response_headers
                finally:
                    unlink_quietly(packed)
        return self._get(session, base, headers, zst=False)

    def _get(self, session: Any, url: str, headers: dict[str, str], *, zst: bool) -> tuple[str, Any]:
        """Downloads ``url`` to a temporary file; (its path, the response headers).

        A connection that fails mid-body is retried from the start, ``remote_max_retries``
        times with ``remote_backoff_factor`` backoff (failures before the response are
        retried by the session's adapter).
        """
        retries = max(int(context.remote_max_retries), 0)
        for attempt in range(retries + 1):
            response = self._send(session, url, headers)
            status = response.status_code
            if status == 304:
                response.close()
                raise _NotModified(response.headers)
            if status >= 300:
                _read_error_body(response)
                if zst and 400 <= status < 500 and status != 416:
                    log.debug("no usable %s (HTTP %d); using repodata.json", redact_url(url), status)
                    raise _ZstUnavailable()
                raise self._status_error(response)
            assert self.entry is not None
            path = self.entry.temp_path(self.stack, ".zst.tmp" if zst else ".tmp")
            try:
                self._stream(response, path)
            except _BodyFailed as failure:
                unlink_quietly(path)
                if attempt < retries:
                    pause = float(context.remote_backoff_factor) * (2**attempt)
                    log.info("download of %s failed (%s); retrying", redact_url(url), redact_url(str(failure)))
                    time.sleep(min(pause, 120.0))
                    continue
                raise self._connection_error(failure.cause) from None
            return path, response.headers
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(self, session: Any, url: str, headers: dict[str, str]) -> requests.Response:
        import requests

        timeout = (float(context.remote_connect_timeout_secs), float(context.remote_read_timeout_secs))
        try:
            response: requests.Response = session.get(url, headers=headers, stream=True, timeout=timeout)
            return response
        except requests.RequestException as exc:
            raise self._connection_error(exc) from None

    def _stream(self, response: requests.Response, path: str) -> None:
        """Writes the (gzip-decoded) body to ``path``; a cut, stalled or short body raises ``_BodyFailed``."""
        import requests

        length = response.headers.get("Content-Length")
        expected = int(length) if length and length.isdigit() else None
        raw = response.raw
        try:
            with open(path, "wb") as fh, _progress(expected, self._label()) as bar:
                seen = 0
                for chunk in response.iter_content(_CHUNK):
                    fh.write(chunk)
                    now = raw.tell() if raw is not None else seen + len(chunk)
                    bar.update(now - seen)
                    seen = now
        except requests.RequestException as exc:
            raise _BodyFailed(exc) from None
        except OSError as exc:
            raise from_oserror(exc, path) from None
        finally:
            response.close()
        if expected is not None and raw is not None and raw.tell() < expected:
            raise _BodyFailed(f"connection closed after {raw.tell()} of {expected} bytes")

    def _label(self) -> str:
        """``channel/subdir`` for the progress bar."""
        parts = self.shown.split("/")
        return "/".join(parts[-2:])

    # errors, in conda's words

    def _http_error(self, cls: type, url: str, message: str, response: Any = None, status: Any = None) -> CondaError:
        return _scrubbed(
            cls(
                message,
                redact_url(url),
                status if status is not None else getattr(response, "status_code", None),
                getattr(response, "reason", None),
                getattr(response, "elapsed", None),
                response,
            )
        )

    def _status_error(self, response: requests.Response) -> CondaError:
        status = response.status_code
        if status in (403, 404):
            _not_found(self.subdir_url, self.repodata_fn, status, response)
            raise _Missing()
        if status == 401:
            message = _unauthorized_help(self.subdir_url)
        elif 500 <= status < 600:
            message = (
                "A remote server error occurred when trying to retrieve this URL.\n"
                "\n"
                "A 500-type error (e.g. 500, 501, 502, 503, etc.) indicates the server failed to\n"
                "fulfill a valid request.  The problem may be spurious, and will resolve itself if you\n"
                "try your request again.  If the problem persists, consider notifying the maintainer\n"
                "of the remote server.\n"
            )
        else:
            message = _generic_help(self.subdir_url)
        return self._http_error(CondaHTTPError, self.repodata_url, message, response)

    def _connection_error(self, exc: BaseException | str) -> CondaError:
        """conda's translation of a failure without a usable response (conda names ``repodata.json`` even for ``.zst``)."""
        from .session import request_error

        known = request_error(exc) if isinstance(exc, BaseException) else None
        if known is not None:
            return known
        text = redact_url(str(exc))
        error = self._http_error(CondaHTTPError, self.repodata_url, _generic_help(self.subdir_url) + f"\n{text}\n")
        error._caused_by = text
        return error


def _read_error_body(response: requests.Response) -> None:
    """Loads an error response's (small) body, so the error can quote it, and frees the connection."""
    import requests

    try:
        response.content  # noqa: B018 (reads and keeps the body)
    except requests.RequestException:
        pass
    finally:
        response.close()


def _generic_help(subdir_url: str) -> str:
    shown = repr(redact_url(subdir_url))
    if subdir_url.startswith("https://repo.anaconda.com/"):
        return (
            "An HTTP error occurred when trying to retrieve this URL.\n"
            "HTTP errors are often intermittent, and a simple retry will get you on your way.\n"
            "\n"
            "If your current network has https://repo.anaconda.com blocked, please file\n"
            "a support request with your network engineering team.\n"
            "\n"
            f"{shown}\n"
        )
    return (
        "An HTTP error occurred when trying to retrieve this URL.\n"
        "HTTP errors are often intermittent, and a simple retry will get you on your way.\n"
        f"{shown}\n"
    )


def _unauthorized_help(subdir_url: str) -> str:
    """conda's three 401 texts; the token itself is never shown (conda quotes it)."""
    from ._url import split_anaconda_token

    if split_anaconda_token(subdir_url)[1]:
        return (
            "The token '<TOKEN>' given for the URL is invalid.\n"
            "\n"
            "If this token was pulled from anaconda-client, you will need to use\n"
            "anaconda-client to reauthenticate.\n"
            "\n"
            "If you supplied this token to conda directly, you will need to adjust your\n"
            "conda configuration to proceed.\n"
            "\n"
            "Use `conda config --show` to view your configuration's current state.\n"
            f"Further configuration help can be found at <{_HOMEPAGE_CONFIG}>.\n"
        )
    if context.channel_alias.location in subdir_url:
        return (
            "The remote server has indicated you are using invalid credentials for this channel.\n"
            "\n"
            "If the remote site is anaconda.org or follows the Anaconda Server API, you\n"
            "will need to\n"
            "    (a) remove the invalid token from your system with `anaconda logout`, optionally\n"
            "        followed by collecting a new token with `anaconda login`, or\n"
            "    (b) provide conda with a valid token directly.\n"
            "\n"
            f"Further configuration help can be found at <{_HOMEPAGE_CONFIG}>.\n"
        )
    return (
        "The credentials you have provided for this URL are invalid.\n"
        "\n"
        "You will need to modify your conda configuration to proceed.\n"
        "Use `conda config --show` to view your configuration's current state.\n"
        f"Further configuration help can be found at <{_HOMEPAGE_CONFIG}>.\n"
    )


_AUTH_HEADER = re.compile(r"(?im)^(>\s*(?:proxy-)?authorization:).*$")


def _scrubbed(error: CondaError) -> CondaError:
    """``error`` with credentials masked in its message, its keyword values and its cause."""

    def clean(value: Any) -> Any:
        return _AUTH_HEADER.sub(r"\1 ***", redact_url(value)) if isinstance(value, str) else value

    error.message = clean(error.message)
    error._kwargs = {key: clean(value) for key, value in error._kwargs.items()}
    error.args = tuple(clean(arg) for arg in error.args)
    if error._caused_by is not None:
        error._caused_by = clean(repr(error._caused_by))
    return error


# -- progress -------------------------------------------------------------------------------


class _NoBar:
    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        pass


def _progress(total: int | None, label: str) -> Any:
    """A tqdm bar on stderr that shows up only if the download lasts over half a second.

    None at all when the context is quiet or JSON, or when stderr is not a terminal.
    """
    stream = sys.stderr
    interactive = stream is not None and getattr(stream, "isatty", lambda: False)()
    if context.quiet or context.json or not interactive:
        return _NoBar()
    from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]

    return tqdm(
        total=total,
        desc=label,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        delay=0.5,
        leave=False,
        file=stream,
    )
