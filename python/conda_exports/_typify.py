"""Setting values from text, as conda's ``typify`` reads them: booleans, numbers, None, enums."""

from __future__ import annotations

import re
from enum import Enum

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NoneType = type(None)


_BOOLISH_TRUE = ("true", "yes", "on", "y")
_BOOLISH_FALSE = ("false", "off", "n", "no", "non", "none", "")
_NULL_STRINGS = ("none", "~", "null", "\0")
_RE_TRUE = re.compile(r"^true$|^yes$|^on$", re.IGNORECASE)
_RE_FALSE = re.compile(r"^false$|^no$|^off$", re.IGNORECASE)
_RE_NONE = re.compile(r"^none$|^null$", re.IGNORECASE)
_RE_INT = re.compile(r"^[-+]?\d+$")
_RE_FLOAT = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_RE_BIN = re.compile(r"^[-+]?0[bB][01]+$")
_RE_OCT = re.compile(r"^[-+]?0[oO][0-7]+$")
_RE_HEX = re.compile(r"^[-+]?0[xX][0-9a-fA-F]+$")
_RE_COMPLEX = re.compile(r"^(?:[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)?[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?j$")
# _RE_COMPLEX backtracks over where a run of digits splits between its two numbers, which
# is quadratic in the run's length (minutes for a 100 kB one). Whether it matches depends
# only on whether each run has one digit or more than one (reading a third digit leaves
# every state of the pattern where the second left it), so it is asked about the text
# with each longer run cut to two digits: a bounded amount of work after that cut.
_LONG_DIGIT_RUN = re.compile(r"(\d\d)\d+")


def _is_complex(text: str) -> bool:
    return _RE_COMPLEX.match(_LONG_DIGIT_RUN.sub(r"\1", text)) is not None


class _CoercionError(ValueError):
    def __init__(self, value: Any, msg: str) -> None:
        self.value = value
        super().__init__(msg)


def _numbers(text: str) -> Any:
    if _RE_INT.match(text):
        return int(text)
    if _RE_FLOAT.match(text):
        return float(text)
    if _RE_BIN.match(text):
        return bin(int(text, 2))  # conda's quirk: these come back as their text
    if _RE_OCT.match(text):
        return oct(int(text, 8))
    if _RE_HEX.match(text):
        return hex(int(text, 16))
    if _is_complex(text):
        return complex(text)
    return _NO_MATCH


_NO_MATCH = object()


def _typify_no_hint(text: str) -> Any:
    if _RE_TRUE.match(text):
        return True
    if _RE_FALSE.match(text):
        return False
    if _RE_NONE.match(text):
        return None
    number = _numbers(text)
    return text if number is _NO_MATCH else number


#: Word -> truth value for _boolify; the later groups win where words overlap ("none").
_WORD_TRUTH = {**dict.fromkeys(_BOOLISH_FALSE, False), **dict.fromkeys(_BOOLISH_TRUE, True)}
_WORD_TRUTH_NULLABLE = {
    **dict.fromkeys(_BOOLISH_FALSE, False),
    **dict.fromkeys(_NULL_STRINGS, None),
    **dict.fromkeys(_BOOLISH_TRUE, True),
}
_TRUTHY_TYPES = (int, bool, float, complex, list, set, dict, tuple)


def _boolify(value: Any, nullable: bool = False, return_string: bool = False) -> Any:
    """A setting's value as a bool (None for a null word when ``nullable``), as conda coerces it."""
    if isinstance(value, _TRUTHY_TYPES):
        return bool(value)
    # One dot is dropped so that "1.0" and "0.0" read as numbers.
    word = str(value).strip().lower().replace(".", "", 1)
    if word.isnumeric():
        return bool(float(word))
    words = _WORD_TRUTH_NULLABLE if nullable else _WORD_TRUTH
    if word in words:
        return words[word]
    try:
        as_number = complex(word)
    except ValueError:
        if return_string and isinstance(value, str):
            return value
        raise _CoercionError(value, f"The value {value!r} cannot be boolified.") from None
    return bool(as_number)


def _numberify(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, complex)):
        return value
    number = _numbers(str(value))
    if number is _NO_MATCH:
        raise _CoercionError(value, f"Cannot convert {value} to a number.")
    return number


def _enum_member(enum_type: type[Enum], value: Any) -> Enum:
    """A member by value, else by name; the error keeps the by-value failure's text."""
    try:
        return enum_type(value)
    except ValueError as exc:
        by_value_failure = str(exc)
    try:
        return enum_type[value]
    except (KeyError, TypeError):
        raise _CoercionError(value, by_value_failure) from None


def _typify(value: Any, hint: Any) -> Any:
    """conda's coercion of a configured scalar to the setting's type."""
    if isinstance(value, str):
        if isinstance(hint, type) and issubclass(hint, str) and not issubclass(hint, Enum):
            return value
        value = value.strip()
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum_member(hint, value)
    if isinstance(hint, tuple):
        hints = set(hint)
        if not hints - {int, float, complex}:
            return _numberify(value)
        if not hints - {str}:
            return str(value)
        if not hints - {bool, NoneType}:
            return _boolify(value, nullable=True)
        if not hints - {str, bool}:
            return _boolify(value, return_string=True)
        if not hints - {str, NoneType}:
            text = str(value)
            return None if text.lower() == "none" else text
        if not hints - {bool, int}:
            return _typify_no_hint(str(value))
        raise NotImplementedError(hint)  # pragma: no cover - no setting has another combination
    if hint is bool:
        return _boolify(value)
    try:
        return hint(value)
    except (ValueError, TypeError) as exc:
        raise _CoercionError(value, str(exc)) from None


def _type_names(hint: Any) -> tuple[str, ...]:
    hints = hint if isinstance(hint, tuple) else (hint,)
    return tuple(h.__name__ for h in hints)
