"""MatchSpec's string grammar: a spec string -> its fields (part of ``models.match_spec``).

The ``match_spec`` kernel (``rust/match_spec.rs``, or ``_fallback/match_spec.py``) splits a
string into name, version, build, channel text and bracket items; this module turns those
into the field values conda's ``_parse_spec_str`` gives (resolving the channel under the
current configuration). What the kernel leaves alone -- package files and URLs,
``feature@``, and every string that is an error -- goes through ``_general``, conda's steps
in conda's order, so its errors are conda's. Also here: ``str()``'s canonical text helpers.
"""

from __future__ import annotations

import os
import re
import urllib.parse
import warnings
from urllib.parse import unquote

from .. import _backend
from .._fallback import match_spec as _grammar
from .._url import PACKAGE_EXTENSIONS as _PACKAGE_EXTENSIONS
from ..exceptions import InvalidMatchSpec
from ._spec_matchers import _CACHE_LIMIT, _channel, _parse_channel

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Optional

    #: A spec string's parts, as the kernel's ``split_spec`` gives them: name, version, build,
    #: channel text, bracket items, and whether the matchers are known to build cleanly.
    SpecParts = tuple[str, Optional[str], Optional[str], Optional[str], Iterable[tuple[str, str]], bool]

#: A spec's fields as MatchSpec's keyword arguments: strings, a tuple of features for
#: ``feature@``, and ``_original_spec_str``.
_PARSE_CACHE: dict[str, dict[str, object]] = {}

# conda's is_url: a lower-case scheme of up to 12 letters and digits, and a URL the
# standard parser reads (a non-numeric port makes it a path)
_HAS_SCHEME = re.compile(r"[a-z][a-z0-9]{0,11}://")


def _is_url(text: str) -> bool:
    if _HAS_SCHEME.match(text) is None:
        return False
    try:
        parsed = urllib.parse.urlparse(text)
        parsed.port  # noqa: B018 -- read as conda reads it: a bad port is a ValueError
    except ValueError:
        return False
    return parsed.scheme != ""


def _split_dist_name(filename: str, original: str) -> tuple[str, str, str]:
    for ext in _PACKAGE_EXTENSIONS:
        if filename.endswith(ext):
            filename = filename[: -len(ext)]
            break
    parts = filename.rsplit("-", 2)
    if len(parts) != 3:
        # conda fails here with a ValueError from the unpacking
        raise InvalidMatchSpec(original, "package file name is not <name>-<version>-<build>")
    return parts[0], parts[1], parts[2]


def _parse_package_file(spec: str) -> dict[str, object]:
    if not _is_url(spec):
        from .._config_paths import _expand_os_environ  # os.path.expandvars, in linear time

        try:
            path = os.path.abspath(os.path.expanduser(_expand_os_environ(spec)))
        except ValueError as exc:  # a NUL in a "~user" part (conda lets the ValueError out)
            raise InvalidMatchSpec(spec, str(exc)) from None
        spec = unquote("file://" + path.replace("\\", "/"))
    chn = _channel(spec)
    if not chn.subdir:  # not inside a channel: only the file name is known
        path = spec
        if spec.startswith("file://"):
            # as conda's url_to_path: urlsplit drops tabs and newlines and splits off a query
            try:
                _, netloc, path, _, _ = urllib.parse.urlsplit(spec)
            except ValueError as exc:
                raise InvalidMatchSpec(spec, str(exc)) from None
            path = unquote(path)
            if netloc not in ("", "localhost", "127.0.0.1", "::1"):
                path = (netloc if netloc.startswith("\\\\") else "//" + netloc) + path
        return {"name": "*", "fn": path.replace("\\", "/").rsplit("/", 1)[-1], "url": spec}
    filename = chn.package_filename or ""
    fields: dict[str, object] = {"channel": chn.canonical_name, "subdir": chn.subdir}
    fields.update(zip(("name", "version", "build"), _split_dist_name(filename, spec)))
    fields["fn"] = filename
    fields["url"] = spec
    return fields


def _channel_and_subdir(prefix: str | None, brackets: dict[str, str]) -> tuple[str | None, str | None]:
    """Channel and subdir of a spec: the ``chan/subdir::`` prefix, then what the brackets say.

    A bracket ``channel=`` replaces each part it has; a bracket ``subdir=`` wins over both.
    The two keys are taken out of ``brackets``.
    """
    channel, subdir = _parse_channel(prefix)
    if "channel" in brackets:
        override = _parse_channel(brackets.pop("channel"))
        channel = override[0] or channel
        subdir = override[1] or subdir
    return channel, brackets.pop("subdir", subdir)


def _key_values(text: str, original: str) -> dict[str, str]:
    items = _grammar.key_values(text)
    if items is None:
        raise InvalidMatchSpec(original, "key-value mismatch in brackets")
    return dict(items)


def _fields(parts: SpecParts, original: str) -> dict[str, object]:
    """The field values of a spec string from the kernel's parts."""
    name, version, build, prefix, items, _ = parts
    brackets = dict(items)
    channel, subdir = _channel_and_subdir(prefix, brackets)
    components: dict[str, object] = {"name": name}
    found = (("channel", channel), ("subdir", subdir), ("version", version), ("build", build))
    components.update((field, value) for field, value in found if value is not None)
    if "name" in brackets:
        warnings.warn(
            f"'name' specified both inside ({brackets['name']}) and outside ({name}) of brackets. "
            f"The value outside of brackets ({name}) will be used.",
            UserWarning,
            stacklevel=5,
        )
        del brackets["name"]
    components.update(brackets)
    components["_original_spec_str"] = original
    return components


def _general(spec_str: str) -> dict[str, object]:
    """conda's ``_parse_spec_str``, step by step (each step one linear pass), errors included."""
    original = spec_str
    if spec_str.endswith("@"):  # legacy form "feature@"
        return {"name": "*", "track_features": (spec_str[:-1],)}

    if "#" in spec_str:
        spec_str = spec_str[: spec_str.index("#")]
    spec_str = spec_str.split(" if ", 1)[0]

    if spec_str.endswith(_PACKAGE_EXTENSIONS):
        return _parse_package_file(spec_str)

    brackets: dict[str, str] = {}
    span = _grammar.last_group(spec_str, "[", "]")
    if span is not None:
        text = spec_str[span[0] : span[1]]
        spec_str = spec_str.replace(text, "")
        brackets = _key_values(text[1:-1], original)

    span = _grammar.last_group(spec_str, "(", ")")
    if span is not None:  # "(optional)" and the like: parsed by conda, then dropped
        spec_str = spec_str.replace(spec_str[span[0] : span[1]], "")

    pieces = spec_str.rsplit(":", 2)
    prefix = pieces[0] if len(pieces) == 3 else None
    # resolved here, before the name is looked at: conda's order of errors
    _channel_and_subdir(prefix, dict(brackets))

    name, rest = _grammar.name_and_rest(pieces[-1])
    if name is None:
        raise InvalidMatchSpec(original, f"no package name found in '{rest}'")

    version = build = None
    rest = rest and rest.strip()
    if rest:
        if "[" in rest:
            raise InvalidMatchSpec(original, "multiple brackets sections not allowed")
        version, build = _grammar.split_version_build(rest)
        if version[0] == "=":
            version = _grammar.short_equals(version, build)
    return _fields((name, version, build, prefix, brackets.items(), False), original)


def _parse_spec_str(spec_str: str) -> dict[str, object]:
    """Splits a spec string into field values (strings), as conda's parser does."""
    cached = _PARSE_CACHE.get(spec_str)
    if cached is not None:
        return cached
    parts = _backend.match_spec.split_spec(spec_str)
    if parts is None and _backend.BACKEND != "python":
        parts = _grammar.split_spec(spec_str)
    if parts is None:
        components = _general(spec_str)
        if "_original_spec_str" not in components:  # feature@ and package files: not cached
            return components
    else:
        components = _fields(parts, spec_str)
    if len(_PARSE_CACHE) >= _CACHE_LIMIT:
        _PARSE_CACHE.clear()
    _PARSE_CACHE[spec_str] = components
    return components


# ---------------------------------------------------------------------------
# the canonical text

# fields str() writes ahead of the brackets, as ``channel/subdir::name version build``
_LEADING_FIELDS = frozenset(("channel", "subdir", "name", "version", "build"))
# a version or build holding one of these is written quoted, in the brackets
_QUOTE_VERSION_BUILD = "><$^|,"
# any other bracket value holding one of these is quoted
_QUOTE_OTHER = ", ="


def _bracket_item(key: str, text: str, quote_if: str) -> str:
    """``key=text`` for the brackets, with ``text`` in single quotes when it holds a ``quote_if`` character."""
    if any(ch in text for ch in quote_if):
        return f"{key}='{text}'"
    return f"{key}={text}"


def _version_after_name(text: str, has_build: bool) -> tuple[str | None, bool]:
    """The version as written right after the name (``None``: it goes in the brackets), and
    whether it pins one exact version, which lets a plain build follow it as ``=build``."""
    if any(ch in text for ch in _QUOTE_VERSION_BUILD):
        return None, False
    if text[:2] in ("!=", "~="):  # an operator that "=build" cannot follow
        return (None if has_build else text), False
    # a trailing "*" (or ".*") is what "=" means in the short form
    if text.endswith(".*"):
        return "=" + text[:-2], False
    if text[-1] == "*":
        return "=" + text[:-1], False
    return (text if text.startswith("==") else "==" + text), True
