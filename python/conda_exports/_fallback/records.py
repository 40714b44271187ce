"""Pure-Python kernel of record construction: the fast pass over a record's keyword arguments.

Same contract as ``_core.box_fast`` (rust/records.rs): the values returned as stored are
exactly what the caller's own boxing would make of them; keys missing from ``kinds`` (no field, no
alias) are dropped; every other key is returned for the caller to check and box. This kernel takes the three commonest forms — ``str`` for a
string field (kind 0), ``int`` for an integer field (kind 1), a list or tuple of ``str``
for a string-sequence field (kind 2, stored as a tuple) — and leaves the rest (the Rust
kernel also takes None, timestamps, enum words and channels) to the caller.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_STR, _INT, _STR_SEQ = 0, 1, 2


def box_fast(
    kwargs: dict[str, Any], kinds: dict[str, int], tables: dict[str, dict[Any, Any]]
) -> tuple[dict[str, Any], list[str]]:
    stored: dict[str, Any] = {}
    slow: list[str] = []
    for key, value in kwargs.items():
        code = kinds.get(key)
        if code is None:
            continue  # not a field nor an alias: ignored, as conda ignores it
        kind = code & 0x0F
        value_type = type(value)
        if kind == _STR and value_type is str or kind == _INT and value_type is int:
            stored[key] = value
        elif kind == _STR_SEQ and (value_type is list or value_type is tuple) and all(type(x) is str for x in value):
            stored[key] = tuple(value)
        else:
            slow.append(key)
    return stored, slow
