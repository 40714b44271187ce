"""Pure-Python version kernels, matching ``_core.version_key`` / ``_core.version_keys``.

A version string becomes its normalised text and a *sort key*: a ``bytes`` value whose
plain byte order is conda's version order, and whose equality is conda's version
equality (so it is also the hash). Comparing two versions is then one ``memcmp``.

The key encodes conda's zero-padded comparison (see ``models/version.py``): a sequence
of items is cut into groups "k zeros, then a non-zero item x"; each group is written as

* ``01`` + k (4 bytes, big-endian) + the string x + ``00``  when x sorts below zero
  (strings; ``dev`` is the string ``DEV``),
* ``03`` + (2**32-1-k) (4 bytes) + the number x  when x sorts above zero (a number is its
  big-endian magnitude after a 2-byte length; ``post`` is the length ``ffff``),

and the sequence ends with ``02``, which stands for "zeros from here on". The same is
done one level up with components in place of items (the inner encoding being x, the
all-zero component being the zero). Every encoding is prefix-free, so concatenating
the version part and the local part keeps the order.
"""

from __future__ import annotations

# This module is imported with the package when the fallback is active, so ``re`` and the
# exceptions (which import ``typing``) are loaded on first use, keeping the import cheap.
_INF = float("inf")
_END = b"\x02"
_MAX = 0xFFFFFFFF


def _item(run: str) -> int | float | str:
    if run.isdigit():
        return int(run)
    if run == "post":
        return _INF
    if run == "dev":
        return "DEV"
    return run


class _Patterns:
    """The regular expressions, compiled on first use."""

    valid = runs = numeric = None  # type: ignore[var-annotated]

    @classmethod
    def load(cls) -> type[_Patterns]:
        if cls.valid is None:
            import re

            cls.valid = re.compile(r"[*.+!_0-9a-z]+").fullmatch
            cls.runs = re.compile(r"[0-9]+|\*+|[^0-9*]+").findall
            cls.numeric = re.compile(r"[0-9]+(?:\.[0-9]+)*").fullmatch
        return cls


def _invalid(vstr: str, reason: str) -> Exception:
    from ..exceptions import InvalidVersionSpec

    return InvalidVersionSpec(vstr, reason)


def parse(vstr: str) -> tuple[str, list, list]:
    """conda's parse of a version: normalised text, version components, local components.

    Raises ``InvalidVersionSpec`` naming ``vstr`` with conda's reason.
    """
    valid = _Patterns.load().valid
    version = vstr.strip().lower()
    if not version:
        raise _invalid(vstr, "empty version string")
    if valid(version) is None:  # type: ignore[misc]
        if "-" in version and "_" not in version:
            version = version.replace("-", "_")  # dashes are allowed when no underscore is used
        if valid(version) is None:  # type: ignore[misc]
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
        local_parts: list = []
    elif len(local_split) == 2:
        local_parts = local_split[1].replace("_", ".").split(".")
    else:
        raise _invalid(vstr, "duplicated local version separator '+'")
    main = local_split[0]
    if not main:
        raise _invalid(vstr, "Missing version before local version separator '+'")
    if main[-1] == "_":
        # openssl-style trailing underscore: stays attached to the last component
        parts = main[:-1].replace("_", ".").split(".")
        parts[-1] += "_"
    else:
        parts = main.replace("_", ".").split(".")
    parts.insert(0, epoch)
    return norm, _components(parts, vstr), _components(local_parts, vstr)


def _components(parts: list, original: str) -> list:
    out = []
    findall = _Patterns.runs
    for part in parts:
        runs = findall(part)  # type: ignore[misc]
        if not runs:
            raise _invalid(original, "empty version component")
        items = [_item(r) for r in runs]
        if not part[0].isdigit():
            items.insert(0, 0)  # a leading letter gets a 0 before it: 1.1.a1 == 1.1.0a1
        out.append(items)
    return out


def _number(n: int | float) -> bytes:
    if n == _INF:
        return b"\xff\xff"
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")  # type: ignore[union-attr]
    if len(raw) >= 0xFFFF:
        raise OverflowError("version number too large")
    return len(raw).to_bytes(2, "big") + raw


def _component_key(items: list) -> bytes:
    out = b""
    zeros = 0
    for x in items:
        if x.__class__ is str:
            out += b"\x01" + zeros.to_bytes(4, "big") + x.encode() + b"\x00"
            zeros = 0
        elif x == 0:
            zeros += 1
        else:
            out += b"\x03" + (_MAX - zeros).to_bytes(4, "big") + _number(x)
            zeros = 0
    return out + _END


def _sequence_key(components: list) -> bytes:
    out = b""
    zeros = 0
    for comp in components:
        inner = _component_key(comp)
        if inner == _END:
            zeros += 1
        elif inner[0] == 3:
            out += b"\x03" + (_MAX - zeros).to_bytes(4, "big") + inner
            zeros = 0
        else:
            out += b"\x01" + zeros.to_bytes(4, "big") + inner
            zeros = 0
    return out + _END


def key_of(version: list, local: list) -> bytes:
    """The sort key of parsed components (see the module docstring)."""
    return _sequence_key(version) + _sequence_key(local)


_POS0 = b"\x03" + _MAX.to_bytes(4, "big")


def version_key(vstr: str) -> tuple[str, bytes] | None:
    """Normalised text and sort key of ``vstr``; None when it is not a valid version."""
    text = vstr.strip().lower()
    if _Patterns.load().numeric(text) is not None:  # type: ignore[misc]
        # fast path for plain dotted numbers: epoch 0, one number per component, no local part
        out = b""
        zeros = 1  # the epoch
        for part in text.split("."):
            n = int(part)
            if n == 0:
                zeros += 1
            else:
                out += b"\x03" + (_MAX - zeros).to_bytes(4, "big") + _POS0 + _number(n) + _END
                zeros = 0
        return text, out + _END + _END
    try:
        norm, version, local = parse(vstr)
        return norm, key_of(version, local)
    except (ValueError, OverflowError):  # InvalidVersionSpec is a ValueError
        return None


def version_keys(strings: list[str]) -> list[tuple[str, bytes] | None]:
    """``version_key`` of each string, in order."""
    return [version_key(s) for s in strings]
