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

from collections import deque
from enum import Enum
from functools import partial
from importlib import import_module
from itertools import repeat
from os.path import basename, join
from typing import TYPE_CHECKING, Any

from .. import _backend
from ..exceptions import CondaError, PathNotFoundError, RecordValidationError
from ._entity import (
    _CODES,
    _FAST_KINDS,
    _MISSING,
    _PLACEHOLDER_MD5,
    EMPTY_LINK,
    DictSafeMixin,
    Entity,
    EntityEncoder,
    Field,
    IntegerField,
    Link,
    PathData,
    PathDataV1,
    PathsData,
    StringField,
    _box_features,
    _box_noarch,
    _box_package_type,
    _box_platform,
    _box_str_tuple,
    _box_timestamp,
    _composable,
    _dump_entity,
    _dump_enum,
    _dump_features,
    _dump_timestamp,
    _optional_str,
)
from .enums import NoarchType, PackageType, Platform

if TYPE_CHECKING:
    from .channel import Channel
    from .match_spec import MatchSpec


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
