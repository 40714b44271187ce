"""``download`` and ``TmpDownload``: verified, resumable, atomic file transfers.

``download(url, dst_path, ...)`` fetches an http(s) or ``file://`` URL into
``dst_path + ".partial"`` while hashing it (md5 and/or sha256, each on a thread of its
own, so hashing overlaps the network and the disk) and counting bytes. Only a transfer that
matches every expectation given (sha256, md5, size, checked in conda's order) is flushed,
fsynced and renamed onto ``dst_path``; a file already there is replaced only then.

- A failure leaves ``dst_path`` as it was. The ``.partial`` file stays only when the network
  cut a transfer that had delivered bytes (conda 25.1's rule); after a checksum or size
  mismatch, a 4xx, or any other error it is removed.
- A partial file from an earlier call is resumed with a ``Range`` request when ``size`` and
  a checksum are given (as conda decides), and then verified as a whole; if that file fails
  verification it is fetched once more from the start (conda does the same). Within one
  call, a body cut off mid-way is resumed with ``Range`` + ``If-Range`` when the server
  allows it, else fetched again.
- Connection errors, timeouts, 5xx, 408 and 429 are retried ``retries`` times with
  exponential backoff (``remote_backoff_factor``); a ``Retry-After`` header is honoured (up
  to ``MAX_RETRY_AFTER_S``: a server asking for longer gets an error at once). Other 4xx
  raise ``CondaHTTPError`` at once, with the status, the URL and the start of the body.
- Credentials in the URL are sent but never shown: every message uses ``redact_url``.
- The timeouts are the context's ``remote_connect_timeout_secs`` / ``remote_read_timeout_secs``.

``requests`` is imported only when an http(s) URL is downloaded.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import tempfile
import threading
import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Union

from ._url import redact_url, url_to_path
from .configuration import context
from .exceptions import (
    BasicClobberError,
    ChecksumMismatchError,
    CondaError,
    CondaHTTPError,
    CondaValueError,
    from_oserror,
)
from .hashing import _expected_hex, _expected_size

if TYPE_CHECKING:
    from types import TracebackType

    import requests

__all__ = ["MAX_RETRY_AFTER_S", "TmpDownload", "download"]

log = logging.getLogger(__name__)

StrPath = Union[str, "os.PathLike[str]"]

#: Bytes read from the network (or a local file) at a time.
CHUNK = 1 << 20
#: The longest ``Retry-After`` waited for; a server asking for more gets an error now.
MAX_RETRY_AFTER_S = 120.0
#: The longest backoff pause between two attempts.
MAX_BACKOFF_S = 60.0
#: How much of an error response's body is read and quoted.
ERROR_BODY_EXCERPT = 200
_TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_HELP = (
    "An HTTP error occurred when trying to retrieve this URL.\n"
    "HTTP errors are often intermittent, and a simple retry will get you on your way.\n"
)


def download(
    url: str,
    dst_path: StrPath,
    session: requests.Session | None = None,
    md5sum: str | None = None,
    urlstxt: bool = False,
    retries: int = 3,
    sha256: str | None = None,
    size: int | None = None,
) -> None:
    """Downloads ``url`` to ``dst_path``, verified against ``sha256`` / ``md5sum`` / ``size`` when given.

    ``session`` defaults to a session configured from the context (proxies, ``ssl_verify``,
    client certificate); a session given is used as is. ``retries`` is the number of
    attempts after the first (conda 25.1 ignores it); ``urlstxt`` is accepted and ignored,
    as in conda 25.1. Raises ``ChecksumMismatchError`` on a mismatch, ``CondaHTTPError`` for
    HTTP and connection failures, ``CondaValueError`` for bad arguments.
    """
    if not isinstance(url, str):
        raise CondaValueError(f"download needs a URL string, not {type(url).__name__}")
    shown = redact_url(url)
    try:
        dst = os.fsdecode(os.fspath(dst_path))
    except TypeError:
        raise CondaValueError(f"download of {shown}: dst_path must be a path, not {type(dst_path).__name__}") from None
    if not dst:
        raise CondaValueError(f"download of {shown}: dst_path is empty")
    expected = _expectations(shown, sha256, md5sum, size)
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise CondaValueError(f"download of {shown}: retries must be a non-negative integer, got {retries!r}")
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if scheme not in ("http", "https", "file"):
        raise CondaValueError(f"cannot download {shown}: only http(s) and file:// URLs are supported")
    _check_clobber(shown, dst)
    _Transfer(url, shown, dst, session, expected, retries).run()


def _expectations(shown: str, sha256: object, md5: object, size: object) -> dict[str, Any]:
    """The checks to make, in conda's order (sha256, md5, size); bad values name the URL."""
    expected: dict[str, Any] = {}
    try:
        if sha256 is not None:
            expected["sha256"] = _expected_hex("sha256", sha256)
        if md5 is not None:
            expected["md5"] = _expected_hex("md5", md5)
        if size is not None:
            expected["size"] = _expected_size(size)
    except ValueError as exc:
        raise CondaValueError(f"download of {shown}: {exc}") from None
    return expected


def _check_clobber(shown: str, dst: str) -> None:
    """conda's ``path_conflict`` rule for an existing destination: ``prevent`` refuses, ``warn`` warns."""
    if not os.path.lexists(dst) or context.clobber:
        return
    policy = str(context.path_conflict)
    if policy == "prevent":
        raise BasicClobberError(shown, dst, context.path_conflict)
    if policy == "warn":
        log.warning("%r", BasicClobberError(shown, dst, context.path_conflict))


# -- hashing on a second thread -------------------------------------------------------------


class _Digests:
    """md5 / sha256 of a stream, each computed on a thread of its own while the caller reads and writes.

    ``hashlib`` releases the GIL on large updates, so the hashing overlaps the network, the
    disk and the other digest. ``feed_file`` hashes the start of the stream from a file (a
    resumed partial file).
    """

    _STOP = object()

    def __init__(self, algorithms: list[str]) -> None:
        import hashlib

        self._hashers = {name: hashlib.new(name) for name in algorithms}
        self._queues: list[queue.Queue[Any]] = []
        self._threads: list[threading.Thread] = []
        self._errors: list[BaseException] = []
        for hasher in self._hashers.values():
            pending: queue.Queue[Any] = queue.Queue(maxsize=16)
            thread = threading.Thread(
                target=self._work, args=(hasher.update, pending), name="conda-exports-hash", daemon=True
            )
            thread.start()
            self._queues.append(pending)
            self._threads.append(thread)

    def _work(self, update: Any, pending: queue.Queue[Any]) -> None:
        failed = False
        while True:
            item = pending.get()
            if item is self._STOP:
                return
            if failed:
                continue  # keep draining so the producer never blocks
            try:
                if isinstance(item, tuple):
                    self._hash_file(update, *item)
                else:
                    update(item)
            except BaseException as exc:  # reported by result()
                self._errors.append(exc)
                failed = True

    @staticmethod
    def _hash_file(update: Any, path: str, length: int) -> None:
        with open(path, "rb") as fh:
            left = length
            while left:
                block = fh.read(min(CHUNK, left))
                if not block:
                    raise OSError(f"{path} is shorter than {length} bytes")
                update(block)
                left -= len(block)

    def feed(self, chunk: bytes) -> None:
        for pending in self._queues:
            pending.put(chunk)

    def feed_file(self, path: str, length: int) -> None:
        for pending in self._queues:
            pending.put((path, length))

    def result(self) -> dict[str, str]:
        """The hex digests, once everything fed has been hashed."""
        self.close()
        if self._errors:
            error = self._errors[0]
            if isinstance(error, OSError):
                raise CondaError(f"could not hash the download: {error}")
            raise error
        return {name: hasher.hexdigest() for name, hasher in self._hashers.items()}

    def close(self) -> None:
        for pending, thread in zip(self._queues, self._threads):
            if thread.is_alive():
                pending.put(self._STOP)
                thread.join()


class _NoDigests:
    """Stands in for ``_Digests`` when no checksum was asked for."""

    def feed(self, chunk: bytes) -> None:
        pass

    def feed_file(self, path: str, length: int) -> None:
        pass

    def result(self) -> dict[str, str]:
        return {}

    def close(self) -> None:
        pass


# -- one download -----------------------------------------------------------------------------


class _Retry(Exception):
    """A failure worth another attempt: the network (``cut``) or a transient status."""

    def __init__(self, cause: BaseException | None, response: Any = None, retry_after: float | None = None) -> None:
        super().__init__(str(cause) if cause is not None else f"HTTP {getattr(response, 'status_code', '?')}")
        self.cause = cause
        self.response = response
        self.retry_after = retry_after


class _Restart(Exception):
    """The bytes kept so far are no good (no range support, a changed file): start from zero."""


class _Transfer:
    """One ``download`` call: the partial file, the attempts, the verification and the rename."""

    def __init__(self, url: str, shown: str, dst: str, session: Any, expected: dict[str, Any], retries: int) -> None:
        self.url = url
        self.shown = shown
        self.dst = dst
        self.partial = dst + ".partial"
        self.session = session
        self.expected = expected
        self.retries = retries
        self.algorithms: list[str] = [name for name in ("sha256", "md5") if name in expected]
        #: conda resumes a partial file from an earlier call only when it can verify the whole file
        self.resumable = "size" in expected and bool(self.algorithms)
        self.digests: _Digests | _NoDigests = _NoDigests()
        self.written = 0  # bytes in the partial file that belong to this transfer
        self.validator: str | None = None  # ETag / Last-Modified of the body, for If-Range

    # the outline

    def run(self) -> None:
        fh = self._open_partial()
        keep_partial = False
        try:
            try:
                self._fill_and_verify(fh)
                fh.flush()
                os.fsync(fh.fileno())
            except _KeepPartial as keep:
                keep_partial = self.written > 0
                raise keep.error from None
            except BaseException as exc:
                # an interrupted transfer (Ctrl-C) is resumable like a cut one
                keep_partial = isinstance(exc, KeyboardInterrupt) and self.written > 0
                raise
            finally:
                self.digests.close()
                fh.close()
        except BaseException:
            if not keep_partial:
                _unlink_quietly(self.partial)
            raise
        try:
            os.replace(self.partial, self.dst)
        except OSError as exc:
            _unlink_quietly(self.partial)
            raise from_oserror(exc, self.dst) from None
        _fsync_directory(os.path.dirname(os.path.abspath(self.dst)))

    def _fill_and_verify(self, fh: Any) -> None:
        existing = os.fstat(fh.fileno()).st_size
        if existing and self.resumable:
            log.debug("resuming %s from byte %d of %s", self.shown, existing, self.partial)
            self._start(fh, keep=existing)
            if existing < self.expected["size"]:
                self._fill(fh)
            try:
                self._verify()
                return
            except ChecksumMismatchError:
                log.warning("Retry failed partial download %s", self.dst)
        self._start(fh, keep=0)
        self._fill(fh)
        self._verify()

    def _start(self, fh: Any, keep: int) -> None:
        """Makes the first ``keep`` bytes of the partial file the start of the stream (0: empty it)."""
        self.digests.close()
        if keep == 0:
            fh.seek(0)
            fh.truncate()
        self.digests = _Digests(self.algorithms) if self.algorithms else _NoDigests()
        if keep:
            self.digests.feed_file(self.partial, keep)
            fh.seek(keep)
        self.written = keep
        self.validator = None

    def _verify(self) -> None:
        digests = self.digests.result()
        for name in ("sha256", "md5", "size"):
            if name not in self.expected:
                continue
            actual: Any = self.written if name == "size" else digests[name]
            if actual != self.expected[name]:
                log.debug("%s mismatch for download: %s (%s != %s)", name, self.shown, actual, self.expected[name])
                raise ChecksumMismatchError(self.shown, self.dst, name, self.expected[name], actual)

    # the partial file

    def _open_partial(self) -> Any:
        """The ``.partial`` file, opened for update without truncating, and locked against other processes."""
        from ._fetch_cache import _acquire

        while True:
            try:
                fd = os.open(self.partial, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
            except OSError as exc:
                raise from_oserror(exc, self.partial) from None
            if not context.no_lock:
                _acquire(fd, self.partial)
            # another process may have finished (and renamed) the file while this one waited
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.partial))
            except OSError:
                same = False
            if same:
                return os.fdopen(fd, "r+b")
            os.close(fd)

    # attempts

    def _fill(self, fh: Any) -> None:
        """Brings the partial file to the whole body, retrying transient failures."""
        if self.url[:5].lower() == "file:":
            self._copy_local(fh)
            return
        from .session import get_session

        session = self.session if self.session is not None else get_session(self.url, retries=False)
        failures = 0
        while True:
            try:
                self._attempt(session, fh)
                return
            except _Restart as why:
                log.info("downloading %s again from the start: %s", self.shown, why)
                self._start(fh, keep=0)
                continue  # not a failure of the network: no attempt used
            except _Retry as failure:
                if failures >= self.retries:
                    raise _KeepPartial(self._final_error(failure)) from None
                pause = failure.retry_after
                if pause is None:
                    pause = min(float(context.remote_backoff_factor) * (2**failures), MAX_BACKOFF_S)
                failures += 1
                log.info(
                    "download of %s failed (%s); attempt %d of %d in %.1f s",
                    self.shown,
                    redact_url(str(failure)),
                    failures + 1,
                    self.retries + 1,
                    pause,
                )
                time.sleep(pause)

    def _attempt(self, session: Any, fh: Any) -> None:
        import requests

        headers = {"Accept-Encoding": "identity"}
        offset = self.written
        if offset:
            headers["Range"] = f"bytes={offset}-"
            if self.validator:
                headers["If-Range"] = self.validator
        timeout = (float(context.remote_connect_timeout_secs), float(context.remote_read_timeout_secs))
        try:
            response = session.get(self.url, headers=headers, stream=True, timeout=timeout)
        except requests.RequestException as exc:
            raise self._request_failed(exc) from None
        try:
            self._check_status(response, offset)
            self._receive(response, fh)
        finally:
            response.close()

    def _check_status(self, response: Any, offset: int) -> None:
        status = response.status_code
        if status in (200, 206):
            if offset and status == 206 and _range_start(response) == offset:
                return
            if offset:
                raise _Restart(f"the server sent {'another range' if status == 206 else 'the whole file'}")
            if status == 206:
                raise self._status_error(response)  # a range nobody asked for
            self.validator = response.headers.get("ETag") or response.headers.get("Last-Modified")
            return
        if status == 416 and offset:
            _read_excerpt(response)
            raise _Restart("the server cannot continue the partial file")
        if status in _TRANSIENT_STATUSES:
            _read_excerpt(response)
            retry_after = _retry_after(response.headers.get("Retry-After"))
            if retry_after is not None and retry_after > MAX_RETRY_AFTER_S:
                raise self._status_error(response)
            raise _Retry(None, response, retry_after)
        raise self._status_error(response)

    def _receive(self, response: Any, fh: Any) -> None:
        """Streams the body into the file and the hasher; a cut or stalled body raises ``_Retry``."""
        import requests
        import urllib3

        from .fetch import _progress

        raw = response.raw
        length = response.headers.get("Content-Length")
        remaining = int(length) if length and length.isdigit() else None
        total = None if remaining is None else self.written + remaining
        # read1 returns what has arrived (up to CHUNK), so a cut loses nothing already received
        read = getattr(raw, "read1", None) or raw.read
        write, feed = fh.write, self.digests.feed
        with _progress(total, os.path.basename(self.dst)) as bar:
            bar.update(self.written)
            while True:
                try:
                    chunk = read(CHUNK, decode_content=True)
                except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
                    raise _Retry(exc) from None
                if not chunk:
                    break
                try:
                    write(chunk)
                except OSError as exc:
                    raise from_oserror(exc, self.partial) from None
                feed(chunk)
                self.written += len(chunk)
                bar.update(len(chunk))
        if remaining is not None and raw.tell() < remaining:
            raise _Retry(ConnectionError(f"connection closed after {raw.tell()} of {remaining} bytes"))

    def _copy_local(self, fh: Any) -> None:
        """A ``file://`` URL: the file's bytes, hashed on the way (conda answers a missing one with a 404)."""
        path = url_to_path(self.url)
        try:
            source = open(path, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            message = f"{_HELP}{exc.strerror or exc}: {path}\n"
            raise CondaHTTPError(message, self.shown, 404, "Not Found", None) from None
        with source:
            while True:
                try:
                    chunk = source.read(CHUNK)
                except OSError as exc:
                    raise from_oserror(exc, path) from None
                if not chunk:
                    return
                try:
                    fh.write(chunk)
                except OSError as exc:
                    raise from_oserror(exc, self.partial) from None
                self.digests.feed(chunk)
                self.written += len(chunk)

    # errors, named with the URL (credentials masked)

    def _status_error(self, response: Any) -> CondaError:
        from .fetch import _scrubbed

        excerpt = _read_excerpt(response)
        message = _HELP + (f"The response began: {excerpt}\n" if excerpt else "")
        error = CondaHTTPError(message, self.shown, response.status_code, response.reason, response.elapsed, response)
        return _scrubbed(error)

    def _final_error(self, failure: _Retry) -> CondaError:
        if failure.response is not None:
            return self._status_error(failure.response)
        assert failure.cause is not None
        return self._connection_error(failure.cause)

    def _request_failed(self, exc: Exception) -> Exception:
        """A failure before any response: worth retrying, unless the setup itself is wrong."""
        import requests

        fatal = (
            requests.exceptions.ProxyError,
            requests.exceptions.SSLError,
            requests.exceptions.InvalidSchema,
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
        )
        if isinstance(exc, fatal):
            return self._connection_error(exc)
        return _Retry(exc)

    def _connection_error(self, exc: BaseException) -> CondaError:
        from .fetch import _scrubbed
        from .session import request_error

        known = request_error(exc)
        if known is not None:
            return known
        text = redact_url(str(exc))
        error = CondaHTTPError(f"{_HELP}{text}\n", self.shown, None, None, None, caused_by=text)
        return _scrubbed(error)


class _KeepPartial(Exception):
    """Carries the error of a transfer the network cut: its partial file stays for the next call."""

    def __init__(self, error: CondaError) -> None:
        super().__init__(str(error))
        self.error = error


def _range_start(response: Any) -> int | None:
    """The first byte of a 206's ``Content-Range: bytes <first>-<last>/<total>``."""
    value = str(response.headers.get("Content-Range", ""))
    unit, _, spec = value.partition(" ")
    first = spec.partition("-")[0]
    return int(first) if unit == "bytes" and first.isdigit() else None


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _read_excerpt(response: Any) -> str:
    """Reads at most a few KiB of an error body (kept for the error), frees the connection, returns its start."""
    if getattr(response, "_content_consumed", False):
        body = response._content or b""
    else:
        try:
            body = response.raw.read(4096, decode_content=True) or b""
        except Exception:  # noqa: BLE001 (the body is only a courtesy)
            body = b""
        response._content = body
        response._content_consumed = True
        response.close()
    text = " ".join(body[: ERROR_BODY_EXCERPT * 4].decode("utf-8", "replace").split())
    return text[:ERROR_BODY_EXCERPT] + ("..." if len(text) > ERROR_BODY_EXCERPT else "")


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_directory(path: str) -> None:
    """Makes a rename in ``path`` durable (POSIX; elsewhere nothing to do)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- TmpDownload ------------------------------------------------------------------------------


class TmpDownload:
    """``with TmpDownload(url_or_path) as path:`` a local copy of a URL, removed on exit.

    A value without ``://`` is a local path and is yielded as it is (nothing is removed);
    a URL is downloaded into a new temporary directory under its own file name.
    """

    def __init__(self, url: str, verbose: bool = True) -> None:
        self.url = url
        self.verbose = verbose
        self.tmp_dir: str | None = None

    def __enter__(self) -> str:
        if "://" not in self.url:
            self.tmp_dir = None
            return self.url
        self.tmp_dir = tempfile.mkdtemp(prefix="conda-exports-")
        name = os.path.basename(self.url.split("?", 1)[0].split("#", 1)[0].rstrip("/")) or "download"
        target = os.path.join(self.tmp_dir, name)
        try:
            download(self.url, target)
        except BaseException:
            self._clean()
            raise
        return target

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._clean()

    def _clean(self) -> None:
        if self.tmp_dir is not None:
            shutil.rmtree(self.tmp_dir, ignore_errors=True)
            self.tmp_dir = None
