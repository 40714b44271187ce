"""Package records: ``PackageRecord`` (= ``IndexRecord``), ``PackageCacheRecord``, ``PrefixRecord``.

Behaviour is conda 25.1's (``conda.models.records`` on top of ``conda.auxlib.entity``):
the same fields, aliases (``build_string``, ``schannel``, ``filename``), value coercion
(numbers to strings, lists to tuples, ``features`` strings split, ``noarch`` booleans,
``timestamp`` in milliseconds turned into seconds), the same ``RecordValidationError`` for a
missing or mistyped field, equality and hash on the package key (canonical channel,
subdir, name, version, build number, build) and ``.dump()`` returning the dict conda
writes, field for field and in conda's order.

Design: get_index and linked_data make these by the hundred thousand (~600k for a
conda-forge index), so creating one is made cheap.

How a record from get_index is stored (``lazy_records``): an instance with two slots, the
repodata store (``rust/repodata/`` or ``_fallback/repodata.py``: the whole subdir in compact
form) and the record's index in it, and no instance dict yet: about 100 bytes and three C
calls (``object.__new__`` and two slot writes), ~0.2 µs, whatever the number of fields. Each
field is a ``StoredField`` descriptor on the class (the backend's kernel, ``rust/records.rs``
/ ``_fallback/records.py``): on first read it takes the value from the store (already in
final form: str, int, tuple, enum member, the subdir's shared ``Channel``), keeps it in the
instance dict and returns it; later reads find it there first, as for any record. Reading
``name``, ``version`` and ``depends`` of 600k records costs about 1 s. ``repr``, ``dump``,
pickling, assignment and deletion first move every stored value into the instance dict
(``_materialize``), so they behave exactly as for a record built from keywords.

A record built from keywords (``PackageRecord(**fields)``):

- the boxed values live in the instance ``__dict__`` under their field names, so reading a
  field is a plain attribute lookup; an unset field goes to its descriptor, which gives the
  constant default or the derived value;
- construction is one pass over the keyword arguments actually given (not over all ~30
  fields), done by the backend's kernel ``box_fast`` (``rust/records.rs`` /
  ``_fallback/records.py``) for the values already in final form (str, int, lists of str,
  None, timestamps, enum words, the channel string); the keys it hands back are boxed in
  Python here, the same way on both backends;
- derived and expensive values are lazy: the ``Channel`` is made from the channel string on
  first read (and shared through the channel cache), ``subdir`` / ``fn`` /
  ``package_type`` are derived on read when not given, the package key and hash on first
  use, the ``metadata`` set on first use.

Measured (``benches/bench_models_records.py``, 100k conda-forge-shaped entries on a busy
2-core machine, best of 3): a PackageRecord plus its Dist, inserted into a dict as
get_index does, costs 18.6 µs (Rust backend) / 21.2 µs (Python backend) against 69 µs in
conda 25.1; ``rattler.PackageRecord`` alone (no Dist, no channel) 9.9 µs. About 30% of
that large-index time is Python's cyclic garbage collector. In CPU time on 2,000 entries:
a record alone 3.4 µs / 5.1 µs against 29 µs in conda, its Dist 6.5 µs against 17 µs.
The 57 real conda-meta records of ``../shared`` (21k files) load as PrefixRecords in
31 ms / 44 ms against 144 ms. Memory: ~1.05 kB per record + Dist against ~1.6 kB.
"""

from __future__ import annotations

import math
from collections import deque
from enum import Enum
from functools import partial
from importlib import import_module
from itertools import repeat
from json import JSONEncoder
from os.path import basename, join
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from .. import _backend
from ..exceptions import CondaError, PathNotFoundError, RecordValidationError
from .enums import FileMode, LinkType, NoarchType, PackageType, PathType, Platform

if TYPE_CHECKING:
    from .channel import Channel
    from .match_spec import MatchSpec

_MISSING: Any = object()
_NUMBER = (int, float, complex)
#: 9999-12-31 in seconds: a larger timestamp is taken to be in milliseconds.
_MAX_SECONDS = _backend.records.MAX_SECONDS


_modules: dict[str, Any] = {}


def _context() -> Any:
    """The current context (its module is imported once; the object is looked up every time)."""
    try:
        module = _modules["context"]
    except KeyError:
        module = _modules["context"] = import_module("..configuration", __package__)
    return module.context


def _channel_config() -> Any:
    try:
        config = _modules["_config"]
    except KeyError:
        config = _modules["_config"] = import_module(".channel", __package__)._config
    return config()


def _channel_class() -> Any:
    try:
        return _modules["Channel"]
    except KeyError:
        channel = _modules["Channel"] = import_module(".channel", __package__).Channel
        return channel


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


# --------------------------------------------------------------------------------------


class _Derived:
    """The value of a field that was not given, computed from the record when read: the one
    non-data descriptor behind every derived field (a value set on the record, or kept by
    ``compute`` in the instance dict, is found there first)."""

    __slots__ = ("compute",)

    def __init__(self, compute: Any) -> None:
        self.compute = compute

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None:
            return self
        return self.compute(instance)


def _channel_of(record: Any) -> Any:
    """The Channel of the channel string given, made on first read and then kept; with no
    channel given, the Channel of the record's url."""
    d = record.__dict__
    raw = d.get("_channel_raw", _MISSING)
    channel_class = _channel_class()
    if raw is _MISSING:
        return channel_class(d.get("url"))
    if isinstance(raw, str):
        channel = channel_class._cache_.get(raw)
        if channel is None:
            channel = channel_class(raw)
    else:
        channel = _box_channel_value(raw)
    d["channel"] = channel
    del d["_channel_raw"]
    return channel


def _box_channel_value(value: Any) -> Any:
    channel_class = _channel_class()
    if isinstance(value, channel_class):
        return value
    if isinstance(value, dict):
        value = dict(value)
        if "self" in value:
            value["slf"] = value.pop("self")
        return channel_class(**value)
    if isinstance(value, (list, tuple)):
        return channel_class(*value)
    return channel_class(value)


def _dump_channel(record: Any, value: Any) -> str:
    return str(value) if value else str(record.channel)


def _subdir_of(record: Any) -> Any:
    """From the url, else platform/arch, else the context's."""
    d = record.__dict__
    url = d.get("url")
    if url:
        return _channel_class()(url).subdir
    platform = d.get("platform")
    # conda reads platform and arch together: an unset arch means "no platform info"
    arch = d.get("arch")
    platform_name = platform.name if isinstance(platform, Platform) and "arch" in d else None
    if platform_name and not arch:
        return "noarch"
    if platform_name:
        if "x86" in arch:
            arch = "64" if "64" in arch else "32"
        return f"{platform_name}-{arch}"
    return _context().subdir


def _fn_of(record: Any) -> Any:
    """The url's file name, else ``name-version-build``."""
    url = record.__dict__.get("url")
    if url:
        fn = _channel_class()(url).package_filename
        if fn:
            return fn
    return f"{record.name}-{record.version}-{record.build}"


def _package_type_of(record: Any) -> Any:
    """From ``noarch`` (generic / python), else None."""
    noarch = record.__dict__.get("noarch")
    if noarch:
        return PackageType.NOARCH_PYTHON if noarch is NoarchType.python else PackageType.NOARCH_GENERIC
    return None


def _metadata_of(record: Any) -> Any:
    """A set, made on first use (conda gives every record one; 600k empty sets would cost ~130 MB)."""
    value: set[str] = set()
    record.__dict__["metadata"] = value
    return value


def _timestamp_of(record: Any) -> Any:
    """0 (conda's default); after ``del``, from ``date``."""
    if record.__dict__.get("_timestamp_deleted"):
        return _timestamp_from_date(record)
    return 0


def _box_record_channel(field: Field, value: Any) -> Any:
    """A string is kept as given (the Channel is made on first read); a Channel, or the
    mapping / sequence of a Channel's parts, becomes a Channel now; anything else is refused."""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list, tuple)) or isinstance(value, _channel_class()):
        try:
            return _box_channel_value(value)
        except TypeError as exc:
            raise RecordValidationError(field.name, value, msg=f"Invalid value {value!r} for channel: {exc}") from None
    raise RecordValidationError(field.name, value)


_FAST_KINDS[_box_record_channel] = _CODES.KIND_KEEP  # kept as given


_RECORD_FIELDS: dict[str, Field] = {
    "name": StringField(),
    "version": StringField(),
    "build": StringField(aliases=("build_string",)),
    "build_number": IntegerField(),
    "channel": Field(_box_record_channel, required=False, aliases=("schannel",), dumper=_dump_channel),
    "subdir": StringField(required=False),
    "fn": StringField(required=False, aliases=("filename",)),
    "md5": _optional_str(),
    "legacy_bz2_md5": _optional_str(),
    "legacy_bz2_size": IntegerField(required=False, nullable=True, default_in_dump=False),
    "url": _optional_str(),
    "sha256": _optional_str(),
    "arch": StringField(required=False, nullable=True),
    "platform": Field(_box_platform, required=False, nullable=True, dumper=_dump_enum),
    "depends": Field(_box_str_tuple, default=()),
    "constrains": Field(_box_str_tuple, default=()),
    "track_features": Field(_box_features, required=False, default=(), default_in_dump=False, dumper=_dump_features),
    "features": Field(_box_features, required=False, default=(), default_in_dump=False, dumper=_dump_features),
    "noarch": Field(_box_noarch, required=False, nullable=True, default=None, default_in_dump=False, dumper=_dump_enum),
    "preferred_env": _optional_str(),
    "python_site_packages_path": _optional_str(),
    "license": _optional_str(),
    "license_family": _optional_str(),
    "package_type": Field(
        _box_package_type, required=False, nullable=True, default=None, default_in_dump=False, dumper=_dump_enum
    ),
    "timestamp": Field(_box_timestamp, required=False, default=0, default_in_dump=False, dumper=_dump_timestamp),
    "date": StringField(required=False),
    "size": IntegerField(required=False),
}

# Fields whose missing value is derived on read rather than a constant default.
_DERIVED = {
    "channel": _Derived(_channel_of),
    "subdir": _Derived(_subdir_of),
    "fn": _Derived(_fn_of),
    "package_type": _Derived(_package_type_of),
    "timestamp": _Derived(_timestamp_of),
    "metadata": _Derived(_metadata_of),
}


class PackageRecord(DictSafeMixin, Entity):
    """A package archive in a channel (conda's ``PackageRecord``; ``IndexRecord`` is the old name).

    Equal and hashed by the package key: canonical channel name, subdir, name, version,
    build number and build (plus ``fn`` when the context's ``separate_format_cache`` is
    on), so a ``PrefixRecord`` and the ``PackageRecord`` it came from are equal.
    """

    _FIELDS = _RECORD_FIELDS

    # The fields, for type checkers: at run time each is a descriptor on the class (a
    # StoredField, see ``lazy_records``) over the value in the instance dict or the store.
    name: str
    version: str
    build: str
    build_number: int
    channel: Channel
    subdir: str
    fn: str
    md5: str | None
    legacy_bz2_md5: str | None
    legacy_bz2_size: int | None
    url: str | None
    sha256: str | None
    arch: str | None
    platform: Platform | None
    depends: tuple[str, ...]
    constrains: tuple[str, ...]
    track_features: tuple[str, ...]
    features: tuple[str, ...]
    noarch: NoarchType | None
    preferred_env: str | None
    python_site_packages_path: str | None
    license: str | None
    license_family: str | None
    package_type: PackageType | None
    timestamp: float
    date: str
    size: int
    metadata: set[str]

    # a record read from repodata (see ``lazy_records``): its values stay in the store until read
    __slots__ = ("_store", "_index")
    _store: Any  # the backend's RepodataStore, or None for a record built from keywords
    _index: int

    def __init__(self, **kwargs: Any) -> None:
        values = self._box_all(kwargs)
        if isinstance(values.get("channel"), str):
            values["_channel_raw"] = values.pop("channel")
        _set_store(self, None)
        self.__dict__.update(values)

    def _materialize(self) -> None:
        """Moves every value still in the store into the instance dict (values set since win)."""
        store = self._store
        if store is None:
            return
        d = self.__dict__
        for name, value in store.fields(self._index).items():
            if name not in d:
                d[name] = value
        _set_store(self, None)

    def __getstate__(self) -> dict[str, Any]:
        self._materialize()
        return {k: v for k, v in self.__dict__.items() if k not in ("_pkey_cache", "_hash_cache")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        _set_store(self, None)
        self.__dict__.update(state)

    # -- the package key -------------------------------------------------------------

    @property
    def _pkey(self) -> tuple[Any, ...]:
        d = self.__dict__
        try:
            cached: tuple[Any, ...] = d["_pkey_cache"]
            return cached
        except KeyError:
            pass
        channel = d.get("channel")
        if channel is None:
            channel = self.channel
        key = [channel.canonical_name, self.subdir, self.name, self.version, self.build_number, self.build]
        if _channel_config().separate_format_cache:
            key.append(self.fn)
        pkey = d["_pkey_cache"] = tuple(key)
        return pkey

    def __hash__(self) -> int:
        d = self.__dict__
        try:
            cached: int = d["_hash_cache"]
            return cached
        except KeyError:
            value = d["_hash_cache"] = hash(self._pkey)
            return value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PackageRecord):
            return NotImplemented
        return self._pkey == other._pkey

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __setattr__(self, name: str, value: Any) -> None:
        if self._store is not None:
            self._materialize()
        if name == "channel":
            if value is None:
                raise RecordValidationError("channel", None)
            value = _box_record_channel(self._fields["channel"], value)
            d = self.__dict__
            d.pop("channel", None)
            d.pop("_channel_raw", None)
            d["_channel_raw" if isinstance(value, str) else "channel"] = value
            return
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if self._store is not None:
            self._materialize()
        d = self.__dict__
        if name == "channel":
            d.pop("channel", None)
            d.pop("_channel_raw", None)
            return
        if name == "timestamp":
            d.pop("timestamp", None)
            d["_timestamp_deleted"] = True  # conda then reads it from `date`
            return
        super().__delattr__(name)

    # -- conda's derived properties ---------------------------------------------------

    @property
    def schannel(self) -> str:
        return self.channel.canonical_name

    @property
    def is_unmanageable(self) -> bool:
        return self.package_type in PackageType.unmanageable_package_types()

    @property
    def combined_depends(self) -> tuple[MatchSpec, ...]:
        from .match_spec import MatchSpec

        by_name = {dependency.name: dependency for dependency in MatchSpec.merge(self.depends)}
        for constraint in map(MatchSpec, self.constrains or ()):
            # A constraint on something not (yet) depended on only binds if that package is installed.
            already_needed = constraint.name in by_name
            by_name[constraint.name] = MatchSpec(constraint, optional=not already_needed)
        return tuple(by_name.values())

    @property
    def namekey(self) -> str:
        return "global:" + self.name

    def dist_str(self) -> str:
        subdir = self.subdir
        return f"{self.channel.canonical_name}{'/' + subdir if subdir else ''}::{self.name}-{self.version}-{self.build}"

    def dist_fields_dump(self) -> dict[str, Any]:
        channel = self.channel
        # The field set (and alphabetical order) of conda's legacy Dist dump.
        return {
            "base_url": channel.base_url,
            "build_number": self.build_number,
            "build_string": self.build,
            "channel": channel.name,
            "dist_name": self.dist_str().rpartition(":")[2],
            "name": self.name,
            "platform": self.subdir,
            "version": self.version,
        }

    def record_id(self) -> str:
        return f"{self.channel.name}/{self.subdir}::{self.name}-{self.version}-{self.build}"

    def __str__(self) -> str:
        return f"{self.channel.canonical_name}/{self.subdir}::{self.name}=={self.version}={self.build}"

    def __repr__(self) -> str:
        self._materialize()
        parts = [f"metadata={self.metadata!r}"]
        d = self.__dict__
        for name in self._fields:
            if name in d or (name == "channel" and "_channel_raw" in d):
                try:
                    value = getattr(self, name)
                except AttributeError:
                    continue
                parts.append(f"{name}={value.value!r}" if isinstance(value, Enum) else f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def to_match_spec(self) -> Any:
        from .match_spec import MatchSpec

        return MatchSpec(
            channel=self.channel, subdir=self.subdir, name=self.name, version=self.version, build=self.build
        )

    def to_simple_match_spec(self) -> Any:
        from .match_spec import MatchSpec

        return MatchSpec(name=self.name, version=self.version)

    @classmethod
    def feature(cls, feature_name: str) -> PackageRecord:
        """The pseudo-record conda's solver uses for a track_feature."""
        return cls._pseudo_record(f"{feature_name}@", version="0", build="0", track_features=(feature_name,))

    @classmethod
    def virtual_package(cls, name: str, version: str | None = None, build_string: str | None = None) -> PackageRecord:
        """A record for a virtual package (``__glibc`` and friends)."""
        return cls._pseudo_record(
            name, package_type=PackageType.VIRTUAL_SYSTEM, version=version or "0", build_string=build_string or "0"
        )

    @classmethod
    def _pseudo_record(cls, name: str, **fields: Any) -> PackageRecord:
        """A record that stands for no real file: the "@" channel, a placeholder md5, build number 0."""
        placeholder = {"channel": "@", "subdir": _context().subdir, "md5": _PLACEHOLDER_MD5, "build_number": 0}
        return cls(name=name, fn=name, **placeholder, **fields)


def _timestamp_from_date(record: Any) -> int:
    date = record.__dict__.get("date")
    if not date:
        return 0
    from datetime import datetime, timezone

    if date.endswith(("Z", "z")):
        date = date[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(date)
    except (TypeError, ValueError):
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


for _name, _attr in _DERIVED.items():
    setattr(PackageRecord, _name, _attr)
del _name, _attr

# the slots' member descriptors (read from the class dict: type checkers see the instance values)
_set_store = PackageRecord.__dict__["_store"].__set__
_set_index = PackageRecord.__dict__["_index"].__set__
#: What a store's ``get`` returns for a field the record does not have.
ABSENT: Any = object()
#: The fields a derived value reads from the instance dict: fetched first for a stored record.
_DERIVED_INPUTS = {
    "channel": ("url",),
    "subdir": ("url", "platform", "arch"),
    "fn": ("url",),
    "package_type": ("noarch",),
    "timestamp": ("date",),
}


for _name in PackageRecord._fields:
    _fallback_value = PackageRecord.__dict__.get(_name, _MISSING)
    _derived = _fallback_value.__get__ if hasattr(type(_fallback_value), "__get__") else None
    # the active backend's descriptor (both take records of either backend's stores)
    setattr(
        PackageRecord,
        _name,
        _backend.records.StoredField(
            _name,
            None if _derived else _fallback_value,
            _derived,
            _DERIVED_INPUTS.get(_name, ()),
            _MISSING,
            ABSENT,
        ),
    )
del _name, _fallback_value, _derived


def lazy_records(store: Any) -> list[PackageRecord]:
    """One ``PackageRecord`` per record of a repodata store, each holding only the store and
    its index: ~100 bytes and a few C calls a record, whatever the number of fields."""
    count = len(store)
    records = list(map(object.__new__, repeat(PackageRecord, count)))
    deque(map(_set_store, records, repeat(store, count)), 0)
    deque(map(_set_index, records, range(count)), 0)
    return records


#: The name conda-build still imports.
IndexRecord = PackageRecord


class PackageCacheRecord(PackageRecord):
    """A package in a package cache: the record plus where its archive and directory are."""

    package_tarball_full_path: str
    extracted_package_dir: str

    _FIELDS = {
        "package_tarball_full_path": StringField(),
        "extracted_package_dir": StringField(),
        "md5": StringField(required=False, nullable=True),
    }

    @property
    def is_fetched(self) -> bool:
        from os.path import isfile

        return isfile(self.package_tarball_full_path)

    @property
    def is_extracted(self) -> bool:
        from os.path import isdir, isfile

        directory = self.extracted_package_dir
        return isdir(directory) and isfile(join(directory, "info", "index.json"))

    @property
    def tarball_basename(self) -> str:
        return basename(self.package_tarball_full_path)

    def _calculate_md5sum(self) -> str | None:
        memo: str | None = self.__dict__.get("_memoized_md5")
        if memo:
            return memo
        from os.path import isfile

        path = self.package_tarball_full_path
        if isfile(path):
            from ..hashing import hash_file

            try:
                md5 = hash_file(path, "md5")
            except PathNotFoundError:
                return None
            self.__dict__["_memoized_md5"] = md5
            return md5
        return None


# not given: the md5 of the package file, None when it is not there (as conda); the class
# attribute is the descriptor, the field's annotation (on PackageRecord) the instance value
PackageCacheRecord.md5 = _Derived(lambda record: record._calculate_md5sum())  # type: ignore[assignment]


def _kept_as_text(name: str, default: Any, record: Any) -> Any:
    """A field linked_data left as text in the conda-meta kernel: decoded and boxed on first
    read and then kept; else the field's default."""
    d = record.__dict__
    source = d.get("_conda_meta")
    if source is not None and name in source[0]:
        value = d[name] = record._fields[name].check(source[1](name))
        return value
    if default is _MISSING:
        raise AttributeError(f"A value for {name} has not been set")
    return default


class PrefixRecord(PackageRecord):
    """A package installed in an environment (a ``conda-meta/*.json`` file)."""

    package_tarball_full_path: str
    extracted_package_dir: str
    files: tuple[str, ...]
    paths_data: PathsData | None
    link: Link
    requested_spec: str
    auth: str | None

    _FIELDS = {
        "package_tarball_full_path": StringField(required=False),
        "extracted_package_dir": StringField(required=False),
        "files": Field(_box_str_tuple, required=False, default=()),
        "paths_data": Field(
            _composable(PathsData), required=False, nullable=True, default_in_dump=False, dumper=_dump_entity
        ),
        "link": Field(_composable(Link), required=False, dumper=_dump_entity),
        "requested_spec": StringField(required=False),
        "auth": StringField(required=False, nullable=True),
    }

    def _materialize(self) -> None:
        super()._materialize()
        d = self.__dict__
        source = d.get("_conda_meta")
        if source is not None:
            for name in source[0]:
                if name not in d:
                    getattr(self, name)
            del d["_conda_meta"]

    def __delattr__(self, name: str) -> None:
        if "_conda_meta" in self.__dict__:
            self._materialize()
        super().__delattr__(name)


# (the class attribute is the descriptor; the annotations above are the instance values)
PrefixRecord.files = _Derived(partial(_kept_as_text, "files", ()))  # type: ignore[assignment]
PrefixRecord.paths_data = _Derived(partial(_kept_as_text, "paths_data", _MISSING))  # type: ignore[assignment]


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


__all__ = [
    "CondaError",
    "EMPTY_LINK",
    "EntityEncoder",
    "IndexRecord",
    "Link",
    "PackageCacheRecord",
    "PackageRecord",
    "PathData",
    "PathDataV1",
    "PathsData",
    "PrefixRecord",
]
