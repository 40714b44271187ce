"""``CondaHTTPError``: conda's message for a failed HTTP request, response and all."""

from __future__ import annotations

from typing import Any

from .exceptions import ChannelError, CondaError, _dals, _maybe_unquote


def _describe_response(response: Any, content_max_len: int = 1024) -> str | None:
    """conda's dump of a ``requests`` Response (request line and headers, then the reply)."""
    kind = type(response)
    if not f"{kind.__module__}.{kind.__name__}".endswith("requests.models.Response"):
        return None
    try:
        request = getattr(response, "request", None)
        sections = [[""]]
        if request is not None:
            sections.append(_request_lines(request))
        sections.append(_reply_lines(response))
        if content_max_len:
            sections.append(_reply_body_lines(response, content_max_len))
        sections.append([""])
        return "\n".join(line for section in sections for line in section)
    except Exception:
        return None


def _scheme_label(url: str) -> str:
    return url.partition(":")[0].upper()


#: Header sort keys: Host and User-Agent lead the request; Content-Length and Connection end the reply.
_REQUEST_HEADERS_FIRST = {"Host": "\x00\x00", "User-Agent": "\x00\x01"}
_REPLY_HEADERS_LAST = {"Content-Length": "\x7e\x7e\x61", "Connection": "\x7e\x7e\x62"}


def _sorted_headers(headers: Any, pinned: dict[str, str], marker: str) -> list[str]:
    def order(item: tuple[str, str]) -> str:
        return pinned.get(item[0], item[0].lower())

    return [f"{marker} {key}: {value}" for key, value in sorted(headers.items(), key=order)]


def _request_lines(request: Any) -> list[str]:
    lines = [f">>{request.method} {request.path_url} {_scheme_label(request.url)}"]
    lines += _sorted_headers(request.headers, _REQUEST_HEADERS_FIRST, ">")
    lines.append("")
    if request.body:
        lines.append(request.body)
    return lines


def _reply_lines(response: Any) -> list[str]:
    lines = [f"<<{_scheme_label(response.url)} {response.status_code} {response.reason}"]
    lines += _sorted_headers(response.headers, _REPLY_HEADERS_LAST, "<")
    elapsed = str(response.elapsed)
    lines.append(f"< Elapsed: {elapsed.partition(':')[2] if ':' in elapsed else elapsed}")
    return lines


def _reply_body_lines(response: Any, limit: int) -> list[str]:
    """A blank line, then the start of a JSON or text body (other content types are left out)."""
    content_type = response.headers.get("Content-Type")
    if content_type == "application/json":
        text = response.text
        if len(text) <= limit:
            # a short JSON object is re-indented (its first ``limit`` keys, as conda does)
            import json
            from itertools import islice

            text = json.dumps(dict(islice(json.loads(text).items(), limit)), indent=2)
        return ["", text[:limit], ""]
    textual = content_type is not None and (content_type.startswith("text/") or content_type == "application/xml")
    return ["", response.text[:limit]] if textual else [""]


class CondaHTTPError(CondaError):
    """An HTTP request failed; the text has the status, reason, URL and elapsed time."""

    def __init__(
        self,
        message: Any,
        url: Any,
        status_code: Any,
        reason: Any,
        elapsed_time: Any,
        response: Any = None,
        caused_by: Any = None,
    ) -> None:
        body, reason, message = _json_overrides(response, reason, message)
        url = _maybe_unquote(url)
        status_code, reason, elapsed_time = _http_summary(status_code, reason, elapsed_time)
        # The message may hold newlines of its own, so it is appended after dedenting the header.
        header = _dals(
            f"""
                HTTP {status_code} {reason} for url <{url}>
                Elapsed: {elapsed_time}
                {_cf_ray_line(response)}
                """
        )
        super().__init__(
            header + message,
            url=url,
            status_code=status_code,
            reason=reason,
            elapsed_time=elapsed_time,
            response_details=_describe_response(response) or "",
            json=body,
            caused_by=caused_by,
        )


def _json_overrides(response: Any, reason: Any, message: Any) -> tuple[dict[str, Any], Any, Any]:
    """A JSON object body (e.g. anaconda.org's) may carry better ``reason`` and ``message`` texts."""
    try:
        payload = response.json()
    except (AttributeError, ValueError):
        return {}, reason, message
    if not isinstance(payload, dict):
        return {}, reason, message
    return payload, payload.get("reason") or reason, payload.get("message") or message


def _http_summary(status_code: Any, reason: Any, elapsed_time: Any) -> tuple[Any, Any, Any]:
    """Placeholders for what a failed connection lacks; the reason upper-cased, the time without hours."""
    from datetime import timedelta

    if not reason:
        reason = "CONNECTION FAILED"
    elif isinstance(reason, str):
        reason = reason.upper()
    if not elapsed_time:
        elapsed_time = "-"
    elif isinstance(elapsed_time, timedelta):
        elapsed_time = str(elapsed_time).partition(":")[2] or str(elapsed_time)
    return status_code or "000", reason, elapsed_time


def _cf_ray_line(response: Any) -> str:
    """Cloudflare's request id, when the response has one, as a line of its own."""
    headers = getattr(response, "headers", None)
    try:
        ray = headers["CF-RAY"]  # type: ignore[index]
    except (KeyError, TypeError):
        return ""
    return f"CF-RAY: {ray}\n"


class UnavailableInvalidChannel(ChannelError):
    """conda's "not a channel" error: the channel's ``noarch`` subdir has no repodata.

    ``channel`` is a Channel or anything ``Channel()`` accepts; its URL appears without
    credentials. A JSON body in ``response`` (anaconda.org's) may supply the reason and text.
    """

    status_code: str | int

    def __init__(self, channel: Any, status_code: Any, response: Any = None) -> None:
        from ._url import join_url
        from .models.channel import Channel

        channel = Channel(channel)
        channel_name = channel.name
        channel_url = _maybe_unquote(channel.base_url)
        message = _dals(
            """
            The channel is not accessible or is invalid.

            You will need to adjust your conda configuration to proceed.
            Use `conda config --show channels` to view your configuration's current state,
            and use `conda config --show-sources` to view config file locations.
            """
        )
        if channel.scheme == "file":
            index_url = join_url(channel.location, channel.name)
            message += (
                "\n"
                "As of conda 4.3, a valid channel must contain a `noarch/repodata.json` and\n"
                "associated `noarch/repodata.json.bz2` file, even if `noarch/repodata.json` is\n"
                f"empty. Use `conda index {index_url}`, or create `noarch/repodata.json`\n"
                "and associated `noarch/repodata.json.bz2`.\n"
            )
        body, reason, message = _json_overrides(response, getattr(response, "reason", None), message)
        status_code = status_code or "000"
        reason = reason or "UNAVAILABLE OR INVALID"
        if isinstance(reason, str):
            reason = reason.upper()
        self.status_code = status_code
        super().__init__(
            f"HTTP {status_code} {reason} for channel {channel_name} <{channel_url}>\n\n{message}",
            channel_name=channel_name,
            channel_url=channel_url,
            status_code=status_code,
            reason=reason,
            response_details=_describe_response(response) or "",
            json=body,
        )
