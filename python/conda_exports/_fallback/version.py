"""Pure-Python version kernel, the contract of ``_core.version_key`` / ``_core.version_keys``.

The grammar and the key encoding are ``_version_grammar.py``, which the API uses on
both backends; this module is only the kernel's face.
"""

from __future__ import annotations

from .._version_grammar import MAX_DIGITS, key

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def version_key(vstr: str) -> tuple[str, bytes] | None:
    """Normalised text and sort key of ``vstr``; None when it is not a valid version or
    has a digit run longer than ``MAX_DIGITS``."""
    return key(vstr, MAX_DIGITS)


def version_keys(strings: list[str]) -> list[tuple[str, bytes] | None]:
    """``version_key`` of each string, in order."""
    return [key(s, MAX_DIGITS) for s in strings]


def version_order_new(cls: type, cache: dict[str, Any], slow: Callable[..., Any], limit: int) -> Callable[..., Any]:
    """``VersionOrder.__new__`` for this backend: ``slow``, the Python ``__new__`` itself."""
    return slow
