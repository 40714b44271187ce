"""The slice of conda's ``auxlib`` entity machinery the records use: ``Field`` and the boxing of
values (conda's coercions and ``RecordValidationError``), ``Entity`` (construction in one pass
through the backend's ``box_fast``, ``dump``, ``from_objects``, ``json``), ``DictSafeMixin``,
and the path entities of a record (``Link``, ``PathData``, ``PathDataV1``, ``PathsData``)."""

from __future__ import annotations

import math
from enum import Enum
from json import JSONEncoder
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from .. import _backend
from ..exceptions import RecordValidationError
from .enums import FileMode, LinkType, NoarchType, PackageType, PathType, Platform

#: A field's value when it has none.
_MISSING: Any = object()
_NUMBER = (int, float, complex)
#: conda's limit: a larger timestamp is in milliseconds (rust/records.rs, the one definition).
_MAX_SECONDS = _backend.records.MAX_SECONDS

# --------------------------------------------------------------------------------------
# field kinds: a box function takes (field, value) and returns the stored value or raises
# RecordValidationError; `required`, `nullable`, `default`, `default_in_dump` as in conda.


class Field:
    """One field of an entity: how a value is checked and boxed, and how it is dumped."""

    __slots__ = ("name", "box", "dumper", "required", "nullable", "default", "default_in_dump", "aliases")

    def __init__(
        self,
        box: Any,
        *,
        required: bool = True,
        nullable: bool = False,
        default: Any = _MISSING,
        default_in_dump: bool = True,
        aliases: tuple[str, ...] = (),
        dumper: Any = None,
    ) -> None:
        self.name = ""
        self.box = box
        self.dumper = dumper
        self.required = required
        self.nullable = nullable
        self.default = default
        self.default_in_dump = default_in_dump
        self.aliases = aliases

    def check(self, value: Any) -> Any:
        """The boxed value for an assignment (None only where the field is nullable)."""
        if value is None:
            if self.nullable:
                return None
            raise RecordValidationError(self.name, None)
        return self.box(self, value)


def _box_str(field: Field, value: Any) -> str:
    if type(value) is str or isinstance(value, str):
        return value
    if isinstance(value, _NUMBER):
        return str(value)
    raise RecordValidationError(field.name, value)


def _box_int(field: Field, value: Any) -> int:
    if isinstance(value, int):
        return value
    raise RecordValidationError(field.name, value)


def _box_bool(field: Field, value: Any) -> bool:
    return bool(value)


def _box_timestamp(field: Field, value: Any) -> Any:
    # conda takes any number here and then fails on a complex one (comparison) or an
    # infinite one (dump); both are refused up front instead
    if not isinstance(value, (int, float)) or (isinstance(value, float) and not math.isfinite(value)):
        raise RecordValidationError(field.name, value)
    if value and value > _MAX_SECONDS:
        value /= 1000  # milliseconds; see conda/conda-build#1988
    return value


def _dump_timestamp(record: Any, value: Any) -> int:
    if value and value < _MAX_SECONDS:
        value *= 1000
    return int(value)


def _iterable(value: Any) -> bool:
    return hasattr(value, "__iter__") and not isinstance(value, (str, bytes))


def _box_str_tuple(field: Field, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        raise RecordValidationError(f"Attempted to assign a string to ListField {field.name}")
    if not _iterable(value):
        raise RecordValidationError(value, msg=f"Cannot assign a non-iterable value to {field.name}")
    result = tuple(value)
    for item in result:
        if not isinstance(item, str):
            raise RecordValidationError(field.name, item, str)
    return result


def _box_features(field: Field, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.replace(" ", ",").split(",")
    elif not _iterable(value):
        raise RecordValidationError(value, msg=f"Cannot assign a non-iterable value to {field.name}")
    items = []
    for item in value:
        if not isinstance(item, str):
            raise RecordValidationError(field.name, item, str)
        item = item.strip()
        if item:
            items.append(item)
    return tuple(items)


def _dump_features(record: Any, value: Any) -> Any:
    if _iterable(value):
        return " ".join(value)
    return value or ()


def _enum_box(enum_class: type[Enum]) -> Any:
    # conda tries the member's value, then its name; a dict of both answers without the
    # (slow) Enum call for the values that occur
    known: dict[Any, Enum] = {m.value: m for m in enum_class}
    for member in enum_class:
        known.setdefault(member.name, member)

    def box(field: Field, value: Any) -> Enum:
        try:
            return known[value]
        except (KeyError, TypeError):
            pass
        try:
            return enum_class(value)
        except ValueError as exc:
            try:
                return enum_class[value]
            except (KeyError, TypeError):
                raise RecordValidationError(value, msg=exc) from None

    box.known = known  # type: ignore[attr-defined]
    return box


def _dump_enum(record: Any, value: Any) -> Any:
    return None if value is None else value.value


_box_platform = _enum_box(Platform)
_box_package_type = _enum_box(PackageType)
_box_file_mode = _enum_box(FileMode)
_box_path_type = _enum_box(PathType)
_box_link_type_enum = _enum_box(LinkType)


def _box_noarch(field: Field, value: Any) -> Any:
    value = NoarchType.coerce(value)
    if value is None:
        return None
    try:
        return NoarchType(value)
    except ValueError as exc:
        try:
            return NoarchType[value]
        except (KeyError, TypeError):
            raise RecordValidationError(value, msg=exc) from None


_box_noarch.known = {"python": NoarchType.python, "generic": NoarchType.generic}  # type: ignore[attr-defined]


#: conda gives feature and virtual-package records this md5 (they have no file to hash).
_PLACEHOLDER_MD5 = "12345678901234567890123456789012"

_LINK_TYPE_SHORTHANDS = {"hard": LinkType.hardlink, "soft": LinkType.softlink}
_WITHOUT_SEPARATORS = str.maketrans("", "", "-_")


def _box_link_type(field: Field, value: Any) -> Any:
    """Link types are spelled loosely in the wild: case, ``-`` and ``_`` do not count,
    and ``hard``/``soft`` stand for ``hardlink``/``softlink``."""
    if isinstance(value, str):
        squashed = value.translate(_WITHOUT_SEPARATORS).lower()
        value = _LINK_TYPE_SHORTHANDS.get(squashed, squashed)
    return _box_link_type_enum(field, value)


def _composable(entity_class: Any) -> Any:
    def box(field: Field, value: Any) -> Any:
        if isinstance(value, entity_class):
            return value
        if isinstance(value, dict) and "self" in value:
            value["slf"] = value.pop("self")
        if isinstance(value, dict) or hasattr(value, "keys"):
            return entity_class(**value)
        if isinstance(value, (list, tuple)):
            return entity_class(*value)
        return entity_class(value)

    return box


def _dump_entity(record: Any, value: Any) -> Any:
    return None if value is None else value.dump()


def _entity_tuple(entity_class: Any) -> Any:
    def box(field: Field, value: Any) -> tuple[Any, ...]:
        if isinstance(value, str):
            raise RecordValidationError(f"Attempted to assign a string to ListField {field.name}")
        if not _iterable(value):
            raise RecordValidationError(value, msg=f"Cannot assign a non-iterable value to {field.name}")
        return tuple(v if isinstance(v, entity_class) else entity_class(**v) for v in value)

    return box


def _dump_entity_tuple(record: Any, value: Any) -> tuple[Any, ...]:
    return tuple(v.dump() for v in value)


def StringField(**kw: Any) -> Field:  # noqa: N802 (reads like conda's field declarations)
    return Field(_box_str, **kw)


def IntegerField(**kw: Any) -> Field:  # noqa: N802
    return Field(_box_int, **kw)


def _optional_str(**kw: Any) -> Field:
    return Field(_box_str, required=False, nullable=True, default=None, default_in_dump=False, **kw)


# --------------------------------------------------------------------------------------


class _ClassProperty:
    """A read-only property of the class."""

    def __init__(self, getter: Any) -> None:
        self.getter = getter

    def __get__(self, instance: Any, owner: Any) -> Any:
        return self.getter(owner)


_CODES = _backend.records  # the field codes (rust/records.rs, the one definition)
_FAST_KINDS: dict[Any, int] = {
    _box_str: _CODES.KIND_STR,
    _box_int: _CODES.KIND_INT,
    _box_str_tuple: _CODES.KIND_STR_SEQ,
    _box_timestamp: _CODES.KIND_TIMESTAMP,
}


class Entity:
    """The slice of conda's ``auxlib`` Entity the records use: fields, dump, from_objects, json.

    Subclasses declare ``_FIELDS`` (name -> Field, in conda's order). ``__init_subclass__``
    resolves names, aliases and the per-class construction tables.
    """

    _FIELDS: ClassVar[dict[str, Field]] = {}
    _fields: ClassVar[dict[str, Field]]
    __fields__: ClassVar[dict[str, Field]]
    _aliases: ClassVar[dict[str, Field]]
    _kinds: ClassVar[dict[str, int]]
    _tables: ClassVar[dict[str, dict[Any, Any]]]
    _required_names: ClassVar[tuple[str, ...]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        merged: dict[str, Field] = {}
        for klass in reversed(cls.__mro__):
            merged.update(klass.__dict__.get("_FIELDS", {}))
        for name, field in merged.items():
            field.name = name
        cls._fields = merged
        cls.__fields__ = merged  # conda's name for the field map (name -> field, in order)
        aliases: dict[str, Field] = {}
        for field in merged.values():
            for alias in field.aliases:
                if alias not in merged:
                    aliases.setdefault(alias, field)
        cls._aliases = aliases
        # per field: its code for the backend's fast pass (rust/records.rs): the kind in the
        # low bits (0 str, 1 int, 2 str sequence, 3 kept as given, 4 timestamp, 5 enum word),
        # 0x10 when None is allowed; enum fields also get their table of known words
        kinds: dict[str, int] = {}
        tables: dict[str, dict[Any, Any]] = {}
        for name, f in merged.items():
            kind = _FAST_KINDS.get(f.box)
            if kind is None:
                known = getattr(f.box, "known", None)
                if known is None:
                    kind = _CODES.KIND_PYTHON
                else:
                    kind, tables[name] = _CODES.KIND_LOOKUP, known
            kinds[name] = kind | (_CODES.NULLABLE if f.nullable else 0)
        for alias in aliases:
            kinds[alias] = _CODES.KIND_PYTHON  # aliases are resolved in Python; any other key is dropped
        cls._kinds, cls._tables = kinds, tables
        cls._required_names = tuple(name for name, f in merged.items() if f.required and f.default is _MISSING)
        # constant defaults are class attributes, so a read of an unset field is a plain lookup;
        # only this class's own fields, so a derived attribute inherited from a base stays
        for name, field in cls.__dict__.get("_FIELDS", {}).items():
            if field.default is not _MISSING:
                setattr(cls, name, field.default)

    def __init__(self, **kwargs: Any) -> None:
        values = self._box_all(kwargs)
        self.__dict__.update(values)

    @_ClassProperty
    def fields(cls) -> Any:  # noqa: N805
        """The field names, in conda's order (conda's ``Entity.fields``)."""
        return cls._fields.keys()

    @classmethod
    def _box_all(cls, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Checked, boxed values by field name.

        The backend's kernel (``box_fast``) takes over the values already in final form
        (a str for a string field, an int for an int field, a list of str for depends, ...)
        and drops unknown keys; the keys it hands back (aliases, None, anything to convert
        or refuse) are boxed here, the same way on both backends.
        """
        values: dict[str, Any]
        values, slow = _backend.records.box_fast(kwargs, cls._kinds, cls._tables)
        if slow:
            fields = cls._fields
            for key in slow:
                value = kwargs[key]
                field = fields.get(key)
                if field is None:
                    field = cls._aliases[key]
                    if field.name in kwargs:
                        continue  # a field's own name wins over an alias
                if value is None:
                    if field.nullable:
                        values[field.name] = None
                    elif field.required:
                        raise RecordValidationError(field.name, None)
                else:
                    values[field.name] = field.box(field, value)
        for name in cls._required_names:
            if name not in values:
                raise RecordValidationError(
                    name, msg=f"{cls.__name__} requires a {name} field. Instantiated with {kwargs}"
                )
        return values

    def __setattr__(self, name: str, value: Any) -> None:
        field = self._fields.get(name)
        if field is None:
            object.__setattr__(self, name, value)
            return
        self.__dict__[name] = field.check(value)

    def __delattr__(self, name: str) -> None:
        field = self._fields.get(name)
        if field is None:
            object.__delattr__(self, name)
            return
        if field.required:
            raise AttributeError(f"The {name} field is required and cannot be deleted.")
        self.__dict__.pop(name, None)

    if not TYPE_CHECKING:  # it only raises: hidden so that type checkers flag unknown names

        def __getattr__(self, name: str) -> Any:
            if name in type(self)._fields:
                raise AttributeError(f"A value for {name} has not been set")
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @classmethod
    def from_objects(cls, *objects: Any, **override_fields: Any) -> Any:
        """A new ``cls`` from the first source (keyword, then objects/dicts in order) having each field."""
        sources = (override_fields, *objects)
        init: dict[str, Any] = {}
        for name, field in cls._fields.items():
            for source in sources:
                found = _MISSING
                for key in (name, *field.aliases):
                    if isinstance(source, dict):
                        if key in source:
                            found = source[key]
                    else:
                        try:
                            found = getattr(source, key)
                        except AttributeError:
                            found = _MISSING
                    if found is not _MISSING:
                        break
                if found is not _MISSING:
                    init[name] = found
                    break
        return cls(**init)

    @classmethod
    def from_json(cls, json_str: str) -> Any:
        import json

        return cls(**json.loads(json_str))

    @classmethod
    def load(cls, data_dict: dict[str, Any]) -> Any:
        return cls(**data_dict)

    def dump(self) -> dict[str, Any]:
        """The fields as conda dumps them (unset fields and unchanged hidden defaults left out)."""
        materialize = getattr(self, "_materialize", None)
        if materialize is not None:
            materialize()
        out: dict[str, Any] = {}
        for name, field in self._fields.items():
            try:
                value = getattr(self, name)
            except AttributeError:
                continue
            if value is field.default and not field.default_in_dump:
                continue
            out[name] = value if field.dumper is None else field.dumper(self, value)
        return out

    def json(self, indent: int | None = None, separators: Any = None, **kwargs: Any) -> str:
        import json

        return json.dumps(self, indent=indent, separators=separators, cls=EntityEncoder, **kwargs)

    def pretty_json(self, indent: int = 2, separators: Any = (",", ": "), **kwargs: Any) -> str:
        return self.json(indent=indent, separators=separators, **kwargs)

    def __repr__(self) -> str:
        parts = []
        for name in self._fields:
            if name in self.__dict__:
                try:
                    value = getattr(self, name)
                except AttributeError:
                    continue
                parts.append(f"{name}={value.value!r}" if isinstance(value, Enum) else f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __eq__(self, other: object) -> bool:
        if self.__class__ != other.__class__:
            return False
        return all(getattr(self, name, _MISSING) == getattr(other, name, _MISSING) for name in self._fields)

    def __hash__(self) -> int:
        return sum(hash(getattr(self, name, None)) for name in self._fields)


class DictSafeMixin:
    """Dict-style access to an entity's fields, as conda's records offer."""

    _fields: ClassVar[dict[str, Field]]

    def __getitem__(self, item: str) -> Any:
        return getattr(self, item)

    def __setitem__(self, key: str, value: Any) -> None:
        setattr(self, key, value)

    def __delitem__(self, key: str) -> None:
        delattr(self, key)

    def get(self, item: str, default: Any = None) -> Any:
        return getattr(self, item, default)

    def __contains__(self, item: str) -> bool:
        """Set and not None; for list-like fields also non-empty (an empty ``depends`` is absent)."""
        value = getattr(self, item, None)
        if value is None:
            return False
        empty_sequence = isinstance(value, tuple) and self._fields[item].box in _SEQUENCE_BOXES and not value
        return not empty_sequence

    def __iter__(self) -> Any:
        return (key for key in self._fields if key in self)

    def items(self) -> Any:
        return ((key, getattr(self, key)) for key in self)

    def copy(self) -> Any:
        return self.__class__(**self.dump())  # type: ignore[attr-defined]

    def setdefault(self, key: str, default_value: Any) -> None:
        if key not in self:
            setattr(self, key, default_value)

    def update(self, E: Any = None, **F: Any) -> None:  # noqa: N803
        # dict.update's contract: a mapping or an iterable of pairs, then the keywords.
        sources = []
        if E is not None:
            sources.append(E.items() if hasattr(E, "items") else E)
        sources.append(F.items())
        for key, value in (pair for source in sources for pair in source):
            self[key] = value


_SEQUENCE_BOXES = (_box_str_tuple, _box_features)


# --------------------------------------------------------------------------------------


class Link(DictSafeMixin, Entity):
    """How a package was linked into a prefix: ``source`` directory and ``type``."""

    # the fields, for type checkers (values live in the instance dict, see Entity)
    source: str
    type: LinkType

    _FIELDS = {
        "source": StringField(),
        "type": Field(_box_link_type, required=False, dumper=_dump_enum),
    }


EMPTY_LINK = Link(source="")


class PathData(Entity):
    """One entry of a package's ``info/paths.json``."""

    _path: str
    prefix_placeholder: str | None
    file_mode: FileMode | None
    no_link: bool | None
    path_type: PathType

    _FIELDS = {
        "_path": StringField(),
        "prefix_placeholder": StringField(required=False, nullable=True, default=None, default_in_dump=False),
        "file_mode": Field(_box_file_mode, required=False, nullable=True, dumper=_dump_enum),
        "no_link": Field(_box_bool, required=False, nullable=True, default=None, default_in_dump=False),
        "path_type": Field(_box_path_type, dumper=_dump_enum),
    }

    @property
    def path(self) -> str:
        return self._path


class PathDataV1(PathData):
    """A paths.json entry with checksums and sizes (paths_version 1)."""

    sha256: str | None
    size_in_bytes: int | None
    inode_paths: tuple[str, ...] | None
    sha256_in_prefix: str | None

    _FIELDS = {
        "sha256": StringField(required=False, nullable=True),
        "size_in_bytes": IntegerField(required=False, nullable=True),
        "inode_paths": Field(_box_str_tuple, required=False, nullable=True),
        "sha256_in_prefix": StringField(required=False, nullable=True),
    }


class PathsData(Entity):
    """A package's ``info/paths.json``: its version and the entries."""

    paths_version: int
    paths: tuple[PathData, ...]

    _FIELDS = {
        "paths_version": IntegerField(),
        "paths": Field(_entity_tuple(PathData), dumper=_dump_entity_tuple),
    }


class EntityEncoder(JSONEncoder):
    """JSON encoder for records: an object's ``dump()`` (or ``__json__``/``to_json``/``as_json``),
    an Enum's value, a Path as a string."""

    def default(self, o: Any) -> Any:
        # The first serialisation hook the object offers wins, in this order of preference.
        for hook in _JSON_HOOKS:
            if hasattr(o, hook):
                return getattr(o, hook)()
        if isinstance(o, Enum):
            return o.value
        if isinstance(o, Path):
            return str(o)
        return super().default(o)


_JSON_HOOKS = ("dump", "__json__", "to_json", "as_json")
