"""A real HTTP channel server on 127.0.0.1 for tests: ``HTTPChannel``.

Each path serves a ``Resource``: a body (sent as is, or gzip-encoded when the client
accepts it), optional ``ETag`` / ``Last-Modified`` (a matching ``If-None-Match`` /
``If-Modified-Since`` gets a 304), ``Cache-Control``, a fixed status (404, 401, ...),
and a queue of one-off ``failures`` consumed first: a status code (``500``), a status with
headers (``(429, {"Retry-After": "1"})``), ``"cut"`` (headers announce the whole body, half
of it is sent, the connection closes) or ``"stall"`` (half is sent, then nothing for
``stall`` seconds, then the connection closes). With ``ranges`` a ``Range: bytes=N-``
request gets a 206 (or a 416 past the end; an ``If-Range`` that is not the ``ETag`` gets
the whole body); a non-200 ``status`` is sent with ``headers`` (a redirect's ``Location``).
Unknown paths are 404. Every request is counted per path and kept with its headers.

    with HTTPChannel() as server:
        server.add_repodata("/chan/linux-64", body, zst=True, etag='"v1"')
        url = server.url + "/chan/linux-64"
        ...
        assert server.count("/chan/linux-64/repodata.json.zst") == 1

A test module makes it a fixture in three lines (``with HTTPChannel() as server: yield server``).
"""

from __future__ import annotations

import gzip
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Union

REPODATA = Path(__file__).parent / "data" / "channel-zlib" / "linux-64" / "repodata.json"

Failure = Union[int, str, "tuple[int, dict[str, str]]"]


@dataclass
class Resource:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/json"
    etag: str | None = None
    last_modified: str | None = None
    cache_control: str | None = None
    gzip: bool = False
    #: one-off behaviours, consumed one per request before the normal reply: a status or "cut"
    failures: list[Failure] = field(default_factory=list)
    #: seconds to wait before sending the body (to make requests overlap)
    delay: float = 0.0
    #: extra response headers
    headers: dict[str, str] = field(default_factory=dict)
    #: answer ``Range: bytes=N-`` requests with a 206 (as servers with ``Accept-Ranges: bytes`` do)
    ranges: bool = False
    #: seconds a "stall" failure waits after the first half of the body
    stall: float = 1.0


@dataclass
class Request:
    path: str
    headers: dict[str, str]


def compress_zst(data: bytes) -> bytes:
    """``data`` as one zstd frame (needs the zstandard package, as the servers of the tests do)."""
    import zstandard

    return zstandard.ZstdCompressor().compress(data)


class _QuietServer(ThreadingHTTPServer):
    """Says nothing when a client hangs up mid-reply (the download tests cut and time out on purpose)."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class HTTPChannel:
    """A threaded HTTP/1.0 server on 127.0.0.1 (a free port) serving ``resources``; a context manager."""

    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        self.requests: list[Request] = []
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        # a short poll interval: shutdown() waits for it, once per test
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, name="http-channel", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HTTPChannel:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> HTTPChannel:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, path: str, resource: Resource | None = None, **fields: Any) -> Resource:
        """Serves ``resource`` (or ``Resource(**fields)``) at ``path``; returns it, to change later."""
        res = resource if resource is not None else Resource(**fields)
        self.resources[path] = res
        return res

    def add_repodata(
        self, subdir_path: str, body: bytes | None = None, *, zst: bool = False, **fields: Any
    ) -> tuple[Resource, Resource | None]:
        """``<subdir_path>/repodata.json`` (and ``.json.zst`` when ``zst``) with the same fields.

        Without ``zst`` the ``.zst`` path is a 404, as on a server that has none.
        """
        data = REPODATA.read_bytes() if body is None else body
        plain = self.add(f"{subdir_path}/repodata.json", body=data, **fields)
        packed = self.add(f"{subdir_path}/repodata.json.zst", body=compress_zst(data), **fields) if zst else None
        return plain, packed

    def count(self, path: str) -> int:
        with self._lock:
            return self.counts[path]

    def total(self, prefix: str = "") -> int:
        with self._lock:
            return sum(n for path, n in self.counts.items() if path.startswith(prefix))

    def headers_of(self, path: str) -> list[dict[str, str]]:
        """The headers of every request made for ``path``, in order (names lower-cased)."""
        with self._lock:
            return [r.headers for r in self.requests if r.path == path]

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()
            self.requests.clear()

    def _record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.counts[path] += 1
            self.requests.append(Request(path, headers))


def _make_handler(channel: HTTPChannel) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
            pass  # keep the test output clean

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0]
            headers = {k.lower(): v for k, v in self.headers.items()}
            channel._record(path, headers)
            resource = channel.resources.get(path)
            if resource is None:
                self._reply(404, b'{"error": "not found"}', {"Content-Type": "application/json"})
                return
            with channel._lock:
                failure = resource.failures.pop(0) if resource.failures else None
            if isinstance(failure, int):
                self._reply(failure, b"server error", {"Content-Type": "text/plain"})
                return
            if isinstance(failure, tuple):
                self._reply(failure[0], b"server error", {"Content-Type": "text/plain", **failure[1]})
                return
            if resource.status != 200:
                self._reply(resource.status, resource.body, {"Content-Type": resource.content_type, **resource.headers})
                return
            validators = {"ETag": resource.etag, "Last-Modified": resource.last_modified}
            extra = {k: v for k, v in validators.items() if v}
            if resource.cache_control:
                extra["Cache-Control"] = resource.cache_control
            extra.update(resource.headers)
            if self._not_modified(resource, headers):
                self._reply(304, b"", extra)
                return
            body = resource.body
            if resource.gzip and "gzip" in headers.get("accept-encoding", ""):
                body = gzip.compress(body)
                extra["Content-Encoding"] = "gzip"
            extra["Content-Type"] = resource.content_type
            status = 200
            if resource.ranges:
                extra["Accept-Ranges"] = "bytes"
                status, body = self._range(resource, headers, body, extra)
            if resource.delay:
                time.sleep(resource.delay)
            if failure in ("cut", "stall"):
                self._reply(status, body, extra, cut=True, stall=resource.stall if failure == "stall" else 0.0)
                return
            self._reply(status, body, extra)

        def _range(
            self, resource: Resource, headers: dict[str, str], body: bytes, extra: dict[str, str]
        ) -> tuple[int, bytes]:
            wanted = headers.get("range", "")
            if not wanted.startswith("bytes=") or not wanted.endswith("-"):
                return 200, body
            if_range = headers.get("if-range")
            if if_range is not None and if_range not in (resource.etag, resource.last_modified):
                return 200, body
            start = int(wanted[len("bytes=") : -1])
            if start >= len(body):
                extra["Content-Range"] = f"bytes */{len(body)}"
                return 416, b""
            extra["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
            return 206, body[start:]

        def _not_modified(self, resource: Resource, headers: dict[str, str]) -> bool:
            if resource.etag and headers.get("if-none-match") == resource.etag:
                return True
            since = headers.get("if-modified-since")
            return bool(resource.last_modified and since == resource.last_modified and "if-none-match" not in headers)

        def _reply(
            self, status: int, body: bytes, headers: dict[str, str], cut: bool = False, stall: float = 0.0
        ) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status == 304:
                return
            if cut:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                if stall:
                    time.sleep(stall)
                self.close_connection = True
                return
            self.wfile.write(body)

    return Handler
