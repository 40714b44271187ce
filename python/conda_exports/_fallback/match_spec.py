"""The ``match_spec`` kernel in Python: conda's spec-string grammar, split into parts.

Same contract as ``rust/match_spec.rs``: ``split_spec(text)`` returns
``(name, version, build, channel, brackets, checked)`` -- plain strings, ``brackets`` the
``(key, value)`` items in order, ``checked`` whether the name, version and build matchers
are known to build without an error or a warning (here only for a spec without a
version) -- or None when the general grammar (``models/_spec_grammar.py``) must parse the
string: a package file, a ``feature@`` spec, or an error, which the general grammar
raises in conda's order. The helpers below are that grammar's steps, each one linear
pass over the text where conda uses backtracking regexes.
"""

from __future__ import annotations

import re

from .._formats import PACKAGE_EXTENSIONS

_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
_QUOTE = re.compile("['\"]")
_VALUE_END = re.compile("[, '\"]")
_NAME_END = re.compile("[ =<>!~]")
_BUILD_CANNOT_HOLD = "-=,|<>~"
_BEFORE_SEPARATOR_NOT = "=!|,<>~"


def last_group(text: str, open_: str, close: str) -> tuple[int, int] | None:
    """The span of the group conda's ``.*(open.*close)`` finds: the last ``open`` before the
    last ``close``, both on the first line (``.`` stops at a newline)."""
    end = text.find("\n")
    j = text.rfind(close, 0, len(text) if end < 0 else end)
    if j < 0:
        return None
    i = text.rfind(open_, 0, j)
    return None if i < 0 else (i, j + 1)


def key_values(text: str) -> list[tuple[str, str]] | None:
    """The items conda's ``([a-zA-Z0-9_-]+?)=(["']?)([^'"]*?)(\\2)(?:[, ]|$)`` finds one after
    another in a bracket text; None when one has an empty value (conda's "key-value mismatch")."""
    out = []
    n = len(text)
    # the first quote / value end at or after a position; positions asked for only grow
    quote_at = stop_at = -1
    pos = 0
    while pos < n:
        if text[pos] not in _KEY_CHARS:
            pos += 1
            continue
        kend = pos + 1
        while kend < n and text[kend] in _KEY_CHARS:
            kend += 1
        if kend == n or text[kend] != "=":
            pos = kend  # every start in this run of key characters fails alike
            continue
        p = kend + 1
        if p < n and text[p] in "'\"":
            start = p + 1
            if quote_at < start:
                m = _QUOTE.search(text, start)
                quote_at = n if m is None else m.start()
            q = quote_at
            if q < n and text[q] == text[p] and (q + 1 == n or text[q + 1] in ", "):
                value, end = text[start:q], min(q + 2, n)
            else:
                pos = kend
                continue
        else:
            if stop_at < p:
                m = _VALUE_END.search(text, p)
                stop_at = n if m is None else m.start()
            s = stop_at
            if s == n or text[s] in ", ":
                value, end = text[p:s], min(s + 1, n)
            else:
                pos = kend
                continue
        if not value:
            return None
        out.append((text[pos:kend], value))
        pos = end
    return out


def name_and_rest(text: str) -> tuple[str | None, str | None]:
    """conda's ``([^ =<>!~]+)?([><!=~ ].+)?`` at the start of ``text``."""
    m = _NAME_END.search(text)
    if m is None:
        return text or None, None
    i = m.start()
    tail = text[i + 1 :].split("\n", 1)[0]
    return text[:i] or None, (text[i] + tail if tail else None)


def split_version_build(text: str) -> tuple[str, str | None]:
    """``'>=1.0 , < 2.0 py34_0'`` -> ``('>=1.0,<2.0', 'py34_0')``: where conda's
    ``((?:.+?)[^><!,|]?)(?:(?<![=!|,<>~])(?:[ =])([^-=,|<>~]+?))?$`` cuts a stripped text."""
    n = len(text)
    last_bad = max(text.rfind(c) for c in _BUILD_CANNOT_HOLD)
    cut = None
    for e in range(max(1, last_bad), n - 1):
        if text[e] in " =" and text[e - 1] not in _BEFORE_SEPARATOR_NOT:
            cut = e
            break
    if cut is None:
        return text.replace(" ", ""), None
    if cut == 1 and n >= 4 and text[1] == " " and text[2] == " ":
        cut = 2  # the regex tries a cut at 2 before the one at 1
    return text[:cut].replace(" ", ""), text[cut + 1 :].strip()


def short_equals(version: str, build: str | None) -> str:
    """A version starting with ``=``: ``=1.2`` means ``1.2*``, ``==1.2`` alone means ``1.2``;
    ``=`` and ``==`` stay (and fail later)."""
    if version in ("==", "="):
        return version
    tail = version[1:]
    if version[:2] == "==" and build is None:
        return version[2:]
    if "=" in tail or "," in tail or "|" in tail:
        return version
    return tail + "*" if build is None and tail[-1] != "*" else tail


# The common shapes of depends entries ("name", "name version", "name version build"; the
# version an and- or or-list of [operator]version): parsed by one regex into the parts the
# general steps below give them. Strings ending like a package file are left alone.
_SIMPLE_VERSION = r"(?:[<>!~=]=|[<>=])?(?:[0-9]+!)?[0-9*][0-9A-Za-z_.*+]*"
_SIMPLE_SPEC = re.compile(
    rf"([A-Za-z0-9_.+-]+)(?: ({_SIMPLE_VERSION}(?:,{_SIMPLE_VERSION})*|{_SIMPLE_VERSION}(?:\|{_SIMPLE_VERSION})+)"
    r"(?: ([A-Za-z0-9_.*+]+))?)?"
)


def _is_regex(text: str) -> bool:
    return text.startswith("^") and text.endswith("$")


def split_spec(text: str) -> tuple[str, str | None, str | None, str | None, list[tuple[str, str]], bool] | None:
    """``(name, version, build, channel, brackets, checked)`` of a spec string, or None."""
    if text.endswith("@"):
        return None
    m = _SIMPLE_SPEC.fullmatch(text)
    if m is not None and not text.endswith(PACKAGE_EXTENSIONS):
        name, version, build = m.groups()
        if version is not None and version[0] == "=":
            version = short_equals(version, build)
        return name, version, build, None, [], version is None
    if "#" in text:
        text = text[: text.index("#")]
    text = text.split(" if ", 1)[0]
    if text.endswith(PACKAGE_EXTENSIONS):
        return None
    brackets: list[tuple[str, str]] | None
    brackets = []  # assigned apart from the declaration, so mypy narrows it to the list
    span = last_group(text, "[", "]")
    if span is not None:
        group = text[span[0] : span[1]]
        text = text.replace(group, "")
        brackets = key_values(group[1:-1])
        if brackets is None:
            return None
    span = last_group(text, "(", ")")
    if span is not None:
        text = text.replace(text[span[0] : span[1]], "")
    pieces = text.rsplit(":", 2)
    channel = pieces[0] if len(pieces) == 3 else None
    name, rest = name_and_rest(pieces[-1])
    if name is None:
        return None
    version = build = None
    rest = rest and rest.strip()
    if rest:
        if "[" in rest:
            return None
        version, build = split_version_build(rest)
        if version[0] == "=":
            version = short_equals(version, build)
    return name, version, build, channel, brackets, version is None and not _is_regex(name)
