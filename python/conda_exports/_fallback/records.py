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

# The field codes and MAX_SECONDS: the fallback's copy of rust/records.rs's (tests check them equal).
KIND_STR, KIND_INT, KIND_STR_SEQ, KIND_KEEP, KIND_TIMESTAMP, KIND_LOOKUP, KIND_PYTHON = 0, 1, 2, 3, 4, 5, 15
NULLABLE = 0x10
#: conda's limit: a larger number of seconds is taken to be milliseconds.
MAX_SECONDS = 253402300799


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
        if kind == KIND_STR and value_type is str or kind == KIND_INT and value_type is int:
            stored[key] = value
        elif (
            kind == KIND_STR_SEQ and (value_type is list or value_type is tuple) and all(type(x) is str for x in value)
        ):
            stored[key] = tuple(value)
        else:
            slow.append(key)
    return stored, slow


class StoredField:
    """The descriptor of a record field; the same contract as ``_core.StoredField``.

    For a record read from repodata (its ``_store`` is not None) the value comes from the
    store on first read and is then kept in the instance dict, where later reads find it
    first; otherwise, or when the store has no such field, the field's ``constant`` default
    (``missing``: none, an ``AttributeError``) or its ``derived`` value (a ``__get__``),
    after reading the ``inputs`` that value looks up in the instance dict.
    """

    __slots__ = ("name", "constant", "derived", "inputs", "missing", "absent")

    def __init__(
        self, name: str, constant: Any, derived: Any, inputs: tuple[str, ...], missing: Any, absent: Any
    ) -> None:
        self.name = name
        self.constant = constant
        self.derived = derived
        self.inputs = inputs
        self.missing = missing
        self.absent = absent

    def _fallback(self, instance: Any, owner: Any) -> Any:
        if self.derived is not None:
            return self.derived(instance, owner)
        if self.constant is self.missing:
            raise AttributeError(self.name)  # the class's __getattr__ says which field is unset
        return self.constant

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self._fallback(None, owner)
        store = instance._store
        if store is not None:
            value = store.get(instance._index, self.name)
            if value is not self.absent:
                instance.__dict__[self.name] = value
                return value
            for name in self.inputs:
                getattr(instance, name, None)
        return self._fallback(instance, owner)
