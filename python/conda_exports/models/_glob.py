"""conda's ``*`` globs (in match specs and version specs) matched in linear time."""

from __future__ import annotations

import re

__all__ = ["Glob"]


class Glob:
    """conda's pattern for a ``*`` glob, ``^(?:<the glob, escaped, each * as .*>)$``, matched
    without a regular expression: the same answers, in time linear in the text.

    The regular expression backtracks over every way to share the text between the ``.*``
    (exponential in the stars: ``*a*a*a*a*a*a*a*a*a*b`` against 40 ``a``s takes ~20 s).
    Here the first and last pieces are fixed at the ends, and each piece between is placed
    at its first place after the one before, which is where a match can place it if a match
    exists: a ``.*`` cannot cross a newline, so a piece may not start after the next newline,
    and a piece holding a newline has only one place it can go. As ``$`` matches before a
    final newline too, a text ending in one is also tried without it.
    """

    __slots__ = ("_value", "_head", "_middle", "_tail", "_regex")

    def __init__(self, value: str) -> None:
        pieces = value.split("*")
        self._value = value
        self._head = pieces[0]
        self._middle = [piece for piece in pieces[1:-1] if piece]
        self._tail = pieces[-1]
        self._regex: re.Pattern[str] | None = None

    def match(self, text: object) -> bool | None:
        """True when the pattern matches ``text``, else None (as ``re.Pattern.match`` is falsy)."""
        if not isinstance(text, str):  # the regular expression's own error (or answer)
            if self._regex is None:
                self._regex = re.compile("^(?:{})$".format(re.escape(self._value).replace(r"\*", ".*")))
            return True if self._regex.match(text) is not None else None  # type: ignore[call-overload]
        if self._matches(text, len(text)) or (text[-1:] == "\n" and self._matches(text, len(text) - 1)):
            return True
        return None

    def _matches(self, text: str, end: int) -> bool:
        """Whether ``text[:end]`` is the glob, ``*`` standing for any text without a newline."""
        head, tail = self._head, self._tail
        tail_at = end - len(tail)
        if tail_at < len(head) or not text.startswith(head) or not text.startswith(tail, tail_at, end):
            return False
        at = len(head)
        newline = text.find("\n", at, tail_at)  # the first newline at or after `at`, kept up to date
        for piece in self._middle:
            if 0 <= newline < at:
                newline = text.find("\n", at, tail_at)
            latest = tail_at if newline < 0 else newline  # where the piece may start at the latest
            found = text.find(piece, at, min(latest + len(piece), tail_at))
            if found < 0:
                return False
            at = found + len(piece)
        return text.find("\n", at, tail_at) < 0  # nor the last stretch of a .*
