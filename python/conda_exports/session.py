"""``CondaSession``: a ``requests`` session configured from the context, and ``redact_url``.

The session takes conda 25.1's network settings: ``proxy_servers``, ``ssl_verify`` (a
bool or a CA bundle path), ``client_ssl_cert`` / ``client_ssl_cert_key``, the connect and
read timeouts (as a default ``timeout``), and a retry policy for connection errors and
overloaded servers (``remote_max_retries``, ``remote_backoff_factor``). Credentials in a
URL (``user:password@`` and anaconda.org's ``/t/<token>/``) are sent as given and never
shown: ``redact_url`` masks them in every message and log line of this package.

This module imports ``requests``, so it is itself imported only on first use (the package
resolves ``CondaSession`` lazily; ``fetch`` imports it inside functions).
"""

from __future__ import annotations

import logging
import threading
import warnings
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from ._url import redact_url
from .configuration import context
from .exceptions import CondaError

__all__ = ["CondaSession", "get_session", "redact_url", "user_agent"]

log = logging.getLogger(__name__)


class _RedactingFilter(logging.Filter):
    """Masks credentials in urllib3's debug lines, which quote request paths (``/t/<token>/``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_url(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(redact_url(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact_url(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


for _name in ("urllib3.connectionpool", "urllib3.util.retry"):
    logging.getLogger(_name).addFilter(_RedactingFilter())

#: Statuses worth asking again for: conda's (413, 429, 500, 503) plus the gateway errors 502 and 504.
RETRY_STATUSES = (413, 429, 500, 502, 503, 504)


def user_agent() -> str:
    """``conda-exports/<version> requests/<version> <implementation>/<version> <system>/<release>``."""
    import platform

    # (requests' own __version__ module: the package re-exports the name without `as`, so
    # type checkers do not see it as requests.__version__)
    from requests.__version__ import __version__ as requests_version

    from ._version import __version__

    return (
        f"conda-exports/{__version__} requests/{requests_version} "
        f"{platform.python_implementation()}/{platform.python_version()} "
        f"{platform.system()}/{platform.release()}"
    )


class _TruststoreAdapter(HTTPAdapter):
    """An HTTP adapter whose connection pools verify with the operating system's trust store."""

    def __init__(self, ssl_context: Any, **kwargs: Any) -> None:
        self._ssl_context = ssl_context
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("ssl_context", self._ssl_context)
        super().init_poolmanager(*args, **kwargs)


class _OfflineAdapter(requests.adapters.BaseAdapter):
    """Mounted for http(s) in offline mode: any request is a programming error, as in conda."""

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            f"a network request was made in offline mode (url {redact_url(str(request.url))}); "
            "set offline: false to allow it"
        )

    def close(self) -> None:
        pass


def _retry_policy() -> Any:
    from urllib3.util.retry import Retry

    return Retry(
        total=int(context.remote_max_retries),
        backoff_factor=float(context.remote_backoff_factor),
        status_forcelist=RETRY_STATUSES,
        raise_on_status=False,  # the last response comes back; the caller turns it into an error
        respect_retry_after_header=False,
    )


def _trust_store_context() -> Any:
    """An ``ssl.SSLContext`` from the ``truststore`` package, or None (with a warning) without it."""
    try:
        import ssl

        import truststore  # type: ignore[import-not-found]
    except ImportError:
        warnings.warn(
            "ssl_verify: truststore needs the truststore package; verifying with the default CA bundle instead",
            stacklevel=3,
        )
        return None
    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class CondaSession(requests.Session):
    """A ``requests.Session`` with conda's network settings from the context, read at creation.

    ``auth`` replaces the default (credentials from the URL or ``~/.netrc``, which
    ``requests`` applies itself). Every request gets ``(remote_connect_timeout_secs,
    remote_read_timeout_secs)`` as its timeout unless one is given. In offline mode a
    request over http(s) raises ``RuntimeError`` instead of touching the network.
    """

    def __init__(self, auth: Any = None) -> None:
        super().__init__()
        if auth is not None:
            self.auth = auth
        self.headers["User-Agent"] = user_agent()
        self.proxies.update({scheme: url for scheme, url in dict(context.proxy_servers).items() if url})
        verify = context.ssl_verify
        ssl_context = None
        if verify == "truststore":
            ssl_context = _trust_store_context()
            verify = True
        self.verify = verify
        if context.client_ssl_cert_key:
            self.cert = (context.client_ssl_cert, context.client_ssl_cert_key)
        elif context.client_ssl_cert:
            self.cert = context.client_ssl_cert
        self.timeout = (float(context.remote_connect_timeout_secs), float(context.remote_read_timeout_secs))
        adapter: requests.adapters.BaseAdapter
        if context.offline:
            adapter = _OfflineAdapter()
        elif ssl_context is not None:
            adapter = _TruststoreAdapter(ssl_context, max_retries=_retry_policy())
        else:
            adapter = HTTPAdapter(max_retries=_retry_policy())
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """As ``requests.Session.request``, with the context's timeouts when none is given."""
        if len(args) < 7 and kwargs.get("timeout") is None:  # the 7th positional argument after url is timeout
            kwargs["timeout"] = self.timeout
        return super().request(method, url, *args, **kwargs)


# One session per thread (requests sessions are not thread-safe), rebuilt after reset_context().
_local = threading.local()


def get_session(url: str, *, retries: bool = True) -> CondaSession:
    """The session for ``url``: one per thread, made on first use and again after ``reset_context()``.

    conda picks an auth handler per channel from ``channel_settings`` plugins; there are no
    plugins here, so every URL shares the thread's session. ``retries=False`` gives the
    thread's other session, whose adapters never retry (for callers that count attempts).
    """
    # reset_context() gives the context a new settings cache; a session made under the old one is stale
    context._ensure_loaded()
    generation = context._cache
    sessions = getattr(_local, "sessions", None)
    if sessions is None:
        sessions = _local.sessions = {}
    cached = sessions.get(retries)
    if cached is not None and cached[0] is generation:
        session: CondaSession = cached[1]
        return session
    if cached is not None:
        cached[1].close()
    session = CondaSession()
    if not retries:
        from urllib3.util.retry import Retry

        for prefix in ("http://", "https://"):
            adapter = session.get_adapter(prefix)
            if isinstance(adapter, HTTPAdapter):
                adapter.max_retries = Retry(0, read=False)
    sessions[retries] = (generation, session)
    return session


def request_error(exc: BaseException) -> CondaError | None:
    """conda's exception for a proxy, SOCKS or SSL failure of a request (None for another
    failure, which the caller words itself); the URLs in it are redacted."""
    from .exceptions import CondaDependencyError, CondaSSLError, ProxyError

    text = redact_url(str(exc))
    if isinstance(exc, requests.exceptions.ProxyError):
        return ProxyError()
    if isinstance(exc, requests.exceptions.InvalidSchema) and "SOCKS" in text:
        return CondaDependencyError(
            "Requests has identified that your current working environment is configured\n"
            "to use a SOCKS proxy, but pysocks is not installed.  To proceed, remove your\n"
            "proxy configuration, run `conda install pysocks`, and then you can re-enable\n"
            "your proxy configuration.\n"
        )
    if isinstance(exc, requests.exceptions.SSLError):
        return CondaSSLError(
            "Encountered an SSL error. Most likely a certificate verification issue.\n\nException: %(detail)s\n",
            detail=text,
        )
    return None
