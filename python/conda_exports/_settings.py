"""The kinds of configuration setting (scalar, sequence, map): how each merges its sources
as conda does (``#!final``, ``#!top``, ``#!bottom``) and checks its value."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping
from enum import Enum

from ._condarc import BOTTOM, FINAL, TOP, Node
from ._typify import _CoercionError, _type_names, _typify
from .exceptions import CustomValidationError, InvalidTypeError, ValidationError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

    from .configuration import Context

#: The source name of the ``CONDA_*`` variables.
_ENV_SOURCE = "envvars"


class _Setting:
    """One configurable key: how to read, merge and check it. A descriptor on Context."""

    kind = "primitive"

    def __init__(
        self,
        default: Any,
        element_type: Any = None,
        *,
        aliases: Iterable[str] = (),
        expandvars: bool = False,
        validation: Callable[[Any], Any] | None = None,
    ) -> None:
        self.default = default
        self.element_type = type(default) if element_type is None else element_type
        self.aliases = tuple(aliases)
        self.expandvars = expandvars
        self.validation = validation
        self.name = ""
        self.names: frozenset[str] = frozenset()

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.names = frozenset((*self.aliases, name))

    def __get__(self, instance: Context | None, owner: type) -> Any:
        if instance is None:
            return self
        return instance._setting_value(self)

    # -- reading one source
    def load(self, source: str, node: Node) -> Node:
        """Checks one source's raw value; env values arrive as strings and are split here."""
        if source == _ENV_SOURCE:
            text = str(node.value)
            parts = text.split("!important")
            return Node(parts[0].strip(), FINAL if len(parts) >= 2 else None, source)
        if isinstance(node.value, (tuple, dict)):
            raise InvalidTypeError(
                self.name, node.plain(), source, type(node.plain()).__name__, _type_names(self.element_type)
            )
        return node

    # -- merging the sources (highest priority last)
    def merge(self, matches: list[tuple[str, Node]]) -> tuple[str, Node]:
        for match in matches:
            if match[1].flag == FINAL:
                return match
        return matches[-1]

    def typify(self, source: str, node: Node, expand: Callable[[str], str] | None) -> Any:
        value = node.value
        if expand is not None and isinstance(value, str):
            value = expand(value)
        try:
            typed = _typify(value, self.element_type)
        except _CoercionError as exc:
            message = str(exc)
            if isinstance(self.element_type, type) and issubclass(self.element_type, Enum):
                choices = ", ".join(f"'{member.value}'" for member in self.element_type)
                message += f"\nValid choices for {self.name}: {choices}"
            raise CustomValidationError(self.name, exc.value, source, message) from None
        self.check(typed, source)
        return typed

    def check(self, typed: Any, source: str) -> None:
        if not isinstance(typed, self.element_type):
            raise InvalidTypeError(self.name, typed, source, type(typed).__name__, _type_names(self.element_type))
        if self.validation is not None:
            result = self.validation(typed)
            if result is False:
                raise ValidationError(self.name, typed, source)
            if isinstance(result, str):
                raise CustomValidationError(self.name, typed, source, result)


class _Primitive(_Setting):
    pass


class _Sequence(_Setting):
    """A list of strings (or, with ``element`` set, of maps)."""

    kind = "sequence"

    def __init__(
        self,
        default: Any = (),
        *,
        delimiter: str = ",",
        element: _Setting | None = None,
        aliases: Iterable[str] = (),
        expandvars: bool = False,
    ) -> None:
        super().__init__(tuple(default), str, aliases=aliases, expandvars=expandvars)
        self.delimiter = delimiter
        self.element = element or _Primitive("", str)

    def __set_name__(self, owner: type, name: str) -> None:
        super().__set_name__(owner, name)
        self.element.name = name

    def load(self, source: str, node: Node) -> Node:
        if source == _ENV_SOURCE:
            text = str(node.value)
            # each item is read again as a single value, which drops an "!important" marker
            parts = (part.strip() for part in text.split(self.delimiter))
            items = tuple(Node(part.split("!important")[0].strip(), None, source) for part in parts if part)
            for item in items:
                self.element.load(source, item)  # a list of maps cannot come from a variable
            return Node(items, FINAL if len(text.split("!important")) >= 2 else None, source)
        if not isinstance(node.value, tuple):
            value = node.plain()
            raise InvalidTypeError(self.name, value, source, type(value).__name__, ("tuple",))
        for item in node.value:
            self.element.load(source, item)
        return node

    def merge(self, matches: list[tuple[str, Node]]) -> tuple[str, Node]:
        relevant = _up_to_final(matches)
        top = [item for _, node in relevant for item in node.value if item.flag == TOP]
        bottom = [item for _, node in reversed(relevant) for item in node.value if item.flag == BOTTOM]
        everything = [item for _, node in reversed(relevant) for item in node.value]
        top_first = _unique((*top, *everything))
        merged = list(reversed(_unique((*reversed(bottom), *reversed(top_first)))))
        return relevant[-1][0], Node(tuple(merged), None, relevant[-1][0])

    def typify(self, source: str, node: Node, expand: Callable[[str], str] | None) -> Any:
        return tuple(self.element.typify(_source_of(item, source), item, expand) for item in node.value)


class _Map(_Setting):
    """A map of strings (or, with ``element`` set, of lists)."""

    kind = "map"

    def __init__(
        self,
        element: _Setting,
        default: Mapping[str, Any] | None = None,
        *,
        aliases: Iterable[str] = (),
        expandvars: bool = False,
    ) -> None:
        super().__init__(dict(default or {}), dict, aliases=aliases, expandvars=expandvars)
        self.element = element

    def __set_name__(self, owner: type, name: str) -> None:
        super().__set_name__(owner, name)
        self.element.name = name

    def load(self, source: str, node: Node) -> Node:
        if not isinstance(node.value, dict):
            value = node.plain()
            raise InvalidTypeError(self.name, value, source, type(value).__name__, ("frozendict",))
        for child in node.value.values():
            self.element.load(source, child)
        return node

    def merge(self, matches: list[tuple[str, Node]]) -> tuple[str, Node]:
        relevant = _up_to_final(matches)
        final_entries: dict[Any, tuple[str, Node]] = {}
        for source, node in reversed(relevant):
            for key, child in node.value.items():
                if child.flag == FINAL:
                    final_entries[key] = (source, child)
        grouped: dict[Any, list[tuple[str, Node]]] = {}
        for source, node in relevant:
            for key, child in node.value.items():
                grouped.setdefault(key, []).append((source, child))
        merged = {key: self.element.merge(values) for key, values in grouped.items()}
        merged.update(final_entries)
        entries = {key: child for key, (_, child) in merged.items()}
        return relevant[-1][0], Node(entries, None, relevant[-1][0])

    def typify(self, source: str, node: Node, expand: Callable[[str], str] | None) -> Any:
        return {key: self.element.typify(_source_of(child, source), child, expand) for key, child in node.value.items()}


def _source_of(node: Node, default: str) -> str:
    return node.source or default


def _up_to_final(matches: list[tuple[str, Node]]) -> list[tuple[str, Node]]:
    for index, (_, node) in enumerate(matches):
        if node.flag == FINAL:
            return matches[: index + 1]
    return matches


def _freeze(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, dict):
        return frozenset((key, _freeze(item)) for key, item in value.items())
    return value


def _unique(items: Iterable[Node]) -> list[Node]:
    seen: set[Any] = set()
    result = []
    for item in items:
        key = _freeze(item.plain())
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


def _known_names(cls: type) -> frozenset[str]:
    """Every key (names and aliases) of the settings of ``cls``."""
    names: set[str] = set()
    for klass in cls.__mro__:
        for value in vars(klass).values():
            if isinstance(value, _Setting):
                names.update(value.names)
    return frozenset(names)


# --- validations (conda's messages) --------------------------------------------------


def _channel_alias_validation(value: str) -> Any:
    if value and not re.match(r"^[a-z][a-z0-9.+-]*://", value, re.IGNORECASE):
        return f"channel_alias value '{value}' must have scheme/protocol."
    return True


def _default_python_default() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def _default_python_validation(value: Any) -> Any:
    """Empty means no python pin; otherwise ``X.Y`` with 2.0 <= X.Y < 4.0."""
    if not value:
        return True
    # conda's message shows the value as a float once it parsed as one ("4.10" is reported as 4.1).
    shown = value
    if len(value) >= 3 and value[1] == ".":
        try:
            shown = float(value)
        except ValueError:
            pass
        else:
            if 2.0 <= shown < 4.0:
                return True
    return f"default_python value '{shown}' not of the form '[23].[0-9][0-9]?' or ''"


def _ssl_verify_validation(value: Any) -> Any:
    """Booleans pass; a string must be ``truststore`` (Python 3.10+) or an existing CA bundle/directory."""
    if not isinstance(value, str):
        return True
    if value == "truststore":
        if sys.version_info >= (3, 10):
            return True
        return "`ssl_verify: truststore` is only supported on Python 3.10 or later"
    if not os.path.exists(value):
        return (
            f"ssl_verify value '{value}' must be a boolean, a path to a "
            "certificate bundle file, a path to a directory containing "
            "certificates of trusted CAs, or 'truststore' to use the "
            "operating system certificate store."
        )
    return True
