"""conda's version grammar and the sort key, in Python: used by ``models/version.py`` on both
backends (``parse`` for the components, ``checked_key`` for conda's exact errors), and the
pure-Python version kernel (``_fallback/version.py``) is ``key`` with ``MAX_DIGITS``; its
bytes are ``rust/version.rs``'s, one for one.

A version string becomes its normalised text and a *sort key*: a ``bytes`` value whose
plain byte order is conda's version order, and whose equality is conda's version
equality (so it is also the hash). Comparing two versions is then one ``memcmp``.

The key encodes conda's zero-padded comparison (see ``models/version.py``): a sequence
of items is cut into groups "k zeros, then a non-zero item x"; each group is written as

* ``01`` + k (4 bytes, big-endian) + the string x + ``00``  when x sorts below zero
  (strings; ``dev`` is the string ``DEV``),
* ``03`` + (2**32-1-k) (4 bytes) + the number x  when x sorts above zero (a number is
  its decimal digits without leading zeros after their count: one byte under 255, else
  ``ff`` and 4 bytes; ``post`` is the count ``ff ffffffff``),

and the sequence ends with ``02``, which stands for "zeros from here on". The same is
done one level up with components in place of items (the inner encoding being x, the
all-zero component being the zero). Every encoding is prefix-free, so concatenating
the version part and the local part keeps the order.

Numbers stay decimal (a longer number is a larger one; equal lengths compare digit by
digit), so building a key is linear in the text: no decimal-to-binary conversion, which
is quadratic in the length of a digit run, and the pieces are joined once at the end.

Both kernels (``key`` here) leave to the caller (by returning None) every string they do not turn into
a key: invalid text, and any digit run longer than ``MAX_DIGITS``, Python's default
int-string limit, where conda's ``int(run)`` raises ``ValueError``. ``checked_key`` is
the caller's slow path: conda's exact exception, or the key under the current limit.
"""

from __future__ import annotations

import sys

# This module is imported with the package when the fallback is active, so ``re`` and the
# exceptions (which import ``typing``) are loaded on first use, keeping the import cheap.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from re import Match
    from typing import Union

    #: An item of a version component: a number, ``post`` (infinity) or a string (``dev`` is ``DEV``).
    Item = Union[int, float, str]
    #: conda's parse of the version or the local part: a list of components, each a list of items.
    Components = list[list[Item]]

_INF = float("inf")
_END = b"\x02"
_MAX = 0xFFFFFFFF


def _item(run: str) -> Item:
    if run.isdigit():
        return int(run)
    if run == "post":
        return _INF
    if run == "dev":
        return "DEV"
    return run


class _Patterns:
    """The regular expressions, compiled on first use."""

    # declared as what ``load`` makes them; None until then
    valid: Callable[[str], Match[str] | None]
    runs: Callable[[str], list[str]]
    numeric: Callable[[str], Match[str] | None]
    if not TYPE_CHECKING:
        valid = runs = numeric = None

    @classmethod
    def load(cls) -> type[_Patterns]:
        if cls.valid is None:
            import re

            cls.valid = re.compile(r"[*.+!_0-9a-z]+").fullmatch
            cls.runs = re.compile(r"[0-9]+|\*+|[^0-9*]+").findall
            cls.numeric = re.compile(r"[0-9]+(?:\.[0-9]+)*").fullmatch
        return cls


def _invalid(vstr: str, reason: str) -> Exception:
    from .exceptions import InvalidVersionSpec

    return InvalidVersionSpec(vstr, reason)


def parse(vstr: str) -> tuple[str, Components, Components]:
    """conda's parse of a version: normalised text, version components, local components.

    Raises ``InvalidVersionSpec`` naming ``vstr`` with conda's reason.
    """
    valid = _Patterns.load().valid
    version = vstr.strip().lower()
    if not version:
        raise _invalid(vstr, "empty version string")
    if valid(version) is None:
        if "-" in version and "_" not in version:
            version = version.replace("-", "_")  # dashes are allowed when no underscore is used
        if valid(version) is None:
            raise _invalid(vstr, "invalid character(s)")
    norm = version

    epoch_split = version.split("!")
    if len(epoch_split) == 1:
        epoch = "0"
    elif len(epoch_split) == 2:
        epoch = epoch_split[0]
        if not epoch.isdigit():
            raise _invalid(vstr, "epoch must be an integer")
    else:
        raise _invalid(vstr, "duplicated epoch separator '!'")

    local_split = epoch_split[-1].split("+")
    if len(local_split) == 1:
        local_parts: list[str] = []
    elif len(local_split) == 2:
        local_parts = local_split[1].replace("_", ".").split(".")
    else:
        raise _invalid(vstr, "duplicated local version separator '+'")
    main = local_split[0]
    if not main:
        raise _invalid(vstr, "Missing version before local version separator '+'")
    parts = _main_parts(epoch, main)
    return norm, _components(parts, vstr), _components(local_parts, vstr)


def _main_parts(epoch: str, main: str) -> list[str]:
    """The epoch, then the dotted parts of the version before any local part."""
    if main[-1] == "_":
        # openssl-style trailing underscore: stays attached to the last component
        parts = main[:-1].replace("_", ".").split(".")
        parts[-1] += "_"
    else:
        parts = main.replace("_", ".").split(".")
    return [epoch, *parts]


def _components(parts: list[str], original: str) -> Components:
    out: Components = []
    findall = _Patterns.runs
    for part in parts:
        runs = findall(part)
        if not runs:
            raise _invalid(original, "empty version component")
        items: list[Item] = [_item(r) for r in runs]
        if not part[0].isdigit():
            items.insert(0, 0)  # a leading letter gets a 0 before it: 1.1.a1 == 1.1.0a1
        out.append(items)
    return out


_POS = b"\x03"
_NEG = b"\x01"
_POST = b"\xff" * 5
_DIGITS = frozenset("0123456789")

#: Python's default ``sys.get_int_max_str_digits()``; the Rust kernel uses the same number.
MAX_DIGITS = 4300


def _number(digits: str) -> bytes:
    """A positive number (digits without leading zeros): its digit count, then the digits."""
    n = len(digits)
    if n < 0xFF:
        return bytes((n,)) + digits.encode()
    return b"\xff" + n.to_bytes(4, "big") + digits.encode()


def _sequence(parts: list[str], out: list[bytes], max_digits: int) -> bool:
    """Appends the key of a sequence of components to ``out``; False when one is empty
    or has a digit run longer than ``max_digits`` (0: no limit)."""
    findall = _Patterns.runs
    zeros = 0
    for part in parts:
        if not part:
            return False
        inner: list[bytes] = []
        k = 0 if part[0] in _DIGITS else 1  # a leading letter gets a 0 before it
        for run in findall(part):
            if run[0] in _DIGITS:
                if max_digits and len(run) > max_digits:
                    return False
                digits = run.lstrip("0")
                if not digits:
                    k += 1
                    continue
                inner.append(_POS + (_MAX - k).to_bytes(4, "big") + _number(digits))
            elif run == "post":
                inner.append(_POS + (_MAX - k).to_bytes(4, "big") + _POST)
            else:
                inner.append(_NEG + k.to_bytes(4, "big") + (b"DEV" if run == "dev" else run.encode()) + b"\x00")
            k = 0
        if not inner:
            zeros += 1
            continue
        if inner[0][0] == 3:
            out.append(_POS + (_MAX - zeros).to_bytes(4, "big"))
        else:
            out.append(_NEG + zeros.to_bytes(4, "big"))
        out += inner
        out.append(_END)
        zeros = 0
    out.append(_END)
    return True


_POS0 = _POS + _MAX.to_bytes(4, "big")


def key(vstr: str, max_digits: int) -> tuple[str, bytes] | None:
    patterns = _Patterns.load()
    text = vstr.strip().lower()
    if patterns.numeric(text) is not None:
        # fast path for plain dotted numbers: epoch 0, one number per component, no local part
        out: list[bytes] = []
        zeros = 1  # the epoch
        for part in text.split("."):
            if max_digits and len(part) > max_digits:
                return None
            digits = part.lstrip("0")
            if digits:
                out.append(_POS + (_MAX - zeros).to_bytes(4, "big") + _POS0 + _number(digits) + _END)
                zeros = 0
            else:
                zeros += 1
        out.append(_END + _END)
        return text, b"".join(out)
    valid = patterns.valid
    if valid(text) is None:
        if "-" not in text or "_" in text:
            return None
        text = text.replace("-", "_")  # dashes are allowed when no underscore is used
        if valid(text) is None:
            return None
    epoch, bang, rest = text.partition("!")
    if not bang:
        epoch, rest = "0", text
    elif "!" in rest or not epoch.isdigit():
        return None
    main, plus, local = rest.partition("+")
    if not main or "+" in local:
        return None
    parts = _main_parts(epoch, main)
    pieces: list[bytes] = []
    if not _sequence(parts, pieces, max_digits):
        return None
    if plus:
        if not _sequence(local.replace("_", ".").split("."), pieces, max_digits):
            return None
    else:
        pieces.append(_END)
    return text, b"".join(pieces)


def checked_key(vstr: str) -> tuple[str, bytes]:
    """Normalised text and sort key of ``vstr``, or conda's exception for it.

    conda's errors: ``InvalidVersionSpec`` with conda's reason, or the ``ValueError`` of
    ``int()`` for a digit run over ``sys.get_int_max_str_digits()``, in conda's order.
    """
    limit = _int_limit()
    parsed = key(vstr, limit)
    if parsed is None:
        parse(vstr)  # raises conda's exception
        raise _invalid(vstr, "invalid version")  # not reached: parse accepts what _key does
    return parsed


def _int_limit() -> int:
    get = getattr(sys, "get_int_max_str_digits", None)  # Python >= 3.11 (and security releases)
    return get() if get is not None else 0
