"""PackageRecord / PrefixRecord / PackageCacheRecord against conda 25.1's answers.

``tests/data/models/conda_expected.json`` holds what conda 25.1 makes of the real records
in ``repodata_sample.json`` and ``conda-meta/``.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

import pytest
from conda_exports import EntityEncoder, IndexRecord, PackageCacheRecord, PackageRecord, PrefixRecord
from conda_exports.exceptions import CondaError, CondaUpgradeError, RecordValidationError
from conda_exports.models.enums import FileMode, LinkType, NoarchType, PackageType, PathType, Platform
from conda_exports.models.records import Link, PathData, PathsData

MODELS = Path(__file__).parent / "data" / "models"
SAMPLE = json.loads((MODELS / "repodata_sample.json").read_text())
EXPECTED = json.loads((MODELS / "conda_expected.json").read_text())
META = sorted((MODELS / "conda-meta").glob("*.json"))

BASE = {"name": "a", "version": "1", "build": "0", "build_number": 0}


def facts(rec: PackageRecord) -> dict:
    from conda_exports import Dist

    dist = Dist(rec)
    return {
        "dump": json.loads(json.dumps(rec.dump(), cls=EntityEncoder)),
        "str": str(rec),
        "dist_str": rec.dist_str(),
        "pkey": list(rec._pkey),
        "fn": rec.fn,
        "subdir": rec.subdir,
        "timestamp": rec.timestamp,
        "channel": str(rec.channel),
        "canonical_name": rec.channel.canonical_name,
        "dist": json.loads(json.dumps(dist.dump())),
        "dist_str_of_dist": str(dist),
        "to_matchspec": dist.to_matchspec(),
    }


@pytest.mark.parametrize("index", range(len(SAMPLE)), ids=[s["fn"] for s in SAMPLE])
def test_repodata_record_as_conda(index: int) -> None:
    item = SAMPLE[index]
    rec = PackageRecord(**item["record"], fn=item["fn"], channel=item["channel"])
    assert facts(rec) == EXPECTED["repodata"][index]


@pytest.mark.parametrize("path", META, ids=[p.name for p in META])
def test_prefix_record_as_conda(path: Path) -> None:
    rec = PrefixRecord(**json.loads(path.read_text()))
    assert facts(rec) == EXPECTED["prefix"][path.name]


@pytest.mark.parametrize("path", META, ids=[p.name for p in META])
def test_prefix_record_equals_its_package_record(path: Path) -> None:
    data = json.loads(path.read_text())
    prefix = PrefixRecord(**data)
    plain = PackageRecord(**data)
    assert prefix == plain and hash(prefix) == hash(plain)
    assert {plain: 1}[prefix] == 1


def test_index_record_is_package_record() -> None:
    assert IndexRecord is PackageRecord


# -- coercion and validation, conda's rules ------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "attr", "expected"),
    [
        ({"timestamp": 1600000000123}, "timestamp", 1600000000.123),
        ({"timestamp": 1600000000}, "timestamp", 1600000000),
        ({"timestamp": 0}, "timestamp", 0),
        ({"timestamp": None}, "timestamp", 0),
        ({}, "timestamp", 0),
        ({"version": 1.5}, "version", "1.5"),
        ({"license": 5}, "license", "5"),
        ({"build_number": True}, "build_number", True),
        ({"depends": ("x >=1",)}, "depends", ("x >=1",)),
        ({"depends": ["a", "b"]}, "depends", ("a", "b")),
        ({"features": "a b,c"}, "features", ("a", "b", "c")),
        ({"track_features": ["a ", "", "b"]}, "track_features", ("a", "b")),
        ({"features": ""}, "features", ()),
        ({"noarch": True}, "noarch", NoarchType.generic),
        ({"noarch": False}, "noarch", None),
        ({"noarch": "Python"}, "noarch", NoarchType.python),
        ({"noarch": "yes"}, "noarch", NoarchType.generic),
        ({"noarch": "no"}, "noarch", None),
        ({"noarch": "1"}, "noarch", NoarchType.generic),
        ({"noarch": "python"}, "package_type", PackageType.NOARCH_PYTHON),
        ({"noarch": "generic"}, "package_type", PackageType.NOARCH_GENERIC),
        ({"package_type": "VIRTUAL_SYSTEM"}, "package_type", PackageType.VIRTUAL_SYSTEM),
        ({"platform": "osx"}, "platform", Platform.osx),
        ({"platform": "win32"}, "platform", Platform.win),
        ({"build_string": "zz", "build": "yy"}, "build", "yy"),
        ({"schannel": "bioconda"}, "schannel", "bioconda"),
        ({"filename": "x.conda"}, "fn", "x.conda"),
        ({"url": "https://conda.anaconda.org/conda-forge/osx-64/a-1-0.conda"}, "fn", "a-1-0.conda"),
        ({"url": "https://conda.anaconda.org/conda-forge/osx-64/a-1-0.conda"}, "subdir", "osx-64"),
        ({"url": "https://conda.anaconda.org/conda-forge/osx-64"}, "fn", "a-1-0"),
        ({"platform": "win", "arch": "x86"}, "subdir", "win-32"),
        ({"platform": "linux", "arch": "x86_64"}, "subdir", "linux-64"),
        ({"platform": "linux", "arch": "aarch64"}, "subdir", "linux-aarch64"),
        ({"platform": "osx", "arch": None}, "subdir", "noarch"),
        ({"md5": None}, "md5", None),
        ({"arch": None}, "arch", None),
    ],
)
def test_field_coercion(extra: dict, attr: str, expected: object) -> None:
    rec = PackageRecord(**{**BASE, **extra})
    assert getattr(rec, attr) == expected
    assert type(getattr(rec, attr)) is type(expected)


def test_build_string_alias_alone() -> None:
    rec = PackageRecord(name="a", version="1", build_string="zz", build_number=0)
    assert rec.build == "zz" and rec.fn == "a-1-zz"


def test_subdir_defaults_to_the_context(use_condarc) -> None:
    use_condarc("subdir: osx-arm64\n")
    assert PackageRecord(**BASE).subdir == "osx-arm64"
    # a platform without an arch key says nothing, as in conda
    assert PackageRecord(**BASE, platform="linux").subdir == "osx-arm64"


@pytest.mark.parametrize(
    "extra",
    [
        {"timestamp": "1"},
        {"build_number": "1"},
        {"build_number": 1.0},
        {"version": None},
        {"name": ["a"]},
        {"depends": "python"},
        {"depends": None},
        {"depends": [1]},
        {"depends": 5},
        {"platform": "beos"},
        {"noarch": 5},
        {"size": "5"},
        {"package_type": "nope"},
    ],
)
def test_bad_values_raise_record_validation_error(extra: dict) -> None:
    with pytest.raises(RecordValidationError) as info:
        PackageRecord(**{**BASE, **extra})
    assert isinstance(info.value, TypeError) and isinstance(info.value, CondaError)


@pytest.mark.parametrize("missing", ["name", "version", "build", "build_number"])
def test_required_fields(missing: str) -> None:
    with pytest.raises(RecordValidationError, match=f"requires a {missing} field"):
        PackageRecord(**{k: v for k, v in BASE.items() if k != missing})


def test_unknown_noarch_kind_needs_a_newer_conda() -> None:
    with pytest.raises(CondaUpgradeError, match="'weird'"):
        PackageRecord(**BASE, noarch="weird")


def test_unknown_keys_are_ignored() -> None:
    rec = PackageRecord(**BASE, app_entry="x", binstar={"a": 1})
    assert "app_entry" not in rec.dump() and not hasattr(rec, "app_entry")


def test_positional_arguments_are_refused() -> None:
    with pytest.raises(TypeError):
        PackageRecord("a", "1")  # type: ignore[misc]


# -- dump -----------------------------------------------------------------------------------


def test_dump_timestamp_back_to_milliseconds() -> None:
    assert PackageRecord(**BASE, timestamp=1600000000123).dump()["timestamp"] == 1600000000123
    assert PackageRecord(**BASE, timestamp=1600000000).dump()["timestamp"] == 1600000000000
    assert "timestamp" not in PackageRecord(**BASE, timestamp=0).dump()
    assert isinstance(PackageRecord(**BASE, timestamp=1600000000.5).dump()["timestamp"], int)


def test_dump_order_and_hidden_defaults() -> None:
    rec = PackageRecord(
        **BASE, channel="conda-forge", subdir="noarch", noarch="python", platform="osx", features="", md5=None
    )
    dump = rec.dump()
    assert list(dump)[:7] == ["name", "version", "build", "build_number", "channel", "subdir", "fn"]
    assert dump["channel"] == "https://conda.anaconda.org/conda-forge"
    assert dump["platform"] == "darwin"  # the enum's value, as conda writes it
    assert dump["noarch"] == "python" and dump["package_type"] == "noarch_python"
    assert "features" not in dump and "md5" not in dump and "track_features" not in dump
    assert dump["depends"] == () and dump["constrains"] == ()
    assert PackageRecord(**BASE, arch=None).dump()["arch"] is None  # explicit None is kept


def test_dump_features_as_a_string() -> None:
    assert PackageRecord(**BASE, features=["a", "b"]).dump()["features"] == "a b"


def test_json_and_entity_encoder() -> None:
    rec = PackageRecord(**BASE, noarch="python", platform="linux", channel="conda-forge")
    assert json.loads(rec.json()) == json.loads(json.dumps(rec.dump(), cls=EntityEncoder))
    assert json.loads(json.dumps({"e": PathType.softlink, "m": FileMode.text, "p": Path("/x")}, cls=EntityEncoder)) == {
        "e": "softlink",
        "m": "text",
        "p": "/x",
    }
    with pytest.raises(TypeError):
        json.dumps(object(), cls=EntityEncoder)


def test_copy_and_load_round_trip() -> None:
    rec = PackageRecord(**BASE, depends=["x"], noarch="python", timestamp=1600000000123, channel="conda-forge")
    again = PackageRecord(**rec.dump())
    assert again.dump() == rec.dump() and again == rec
    assert rec.copy().dump() == rec.dump()
    assert PackageRecord.from_json(rec.json()).dump() == rec.dump()
    assert PackageRecord.load(rec.dump()) == rec


# -- equality and hashing -------------------------------------------------------------------


def test_equality_is_the_package_key() -> None:
    assert PackageRecord(**BASE) == PackageRecord(**BASE, md5="x", depends=["y"])
    assert PackageRecord(**BASE, channel="conda-forge") == PackageRecord(
        **BASE, channel="https://conda.anaconda.org/conda-forge/linux-64"
    )
    assert PackageRecord(**BASE, subdir="osx-64") != PackageRecord(**BASE, subdir="linux-64")
    assert PackageRecord(**{**BASE, "build_number": 1}) != PackageRecord(**BASE)
    assert len({PackageRecord(**BASE, fn="a-1-0.conda"), PackageRecord(**BASE, fn="a-1-0.tar.bz2")}) == 1


def test_separate_format_cache_puts_fn_in_the_key(use_condarc) -> None:
    use_condarc("separate_format_cache: true\n")
    assert PackageRecord(**BASE, fn="a-1-0.conda") != PackageRecord(**BASE, fn="a-1-0.tar.bz2")


def test_comparing_with_a_non_record_is_false() -> None:
    assert (PackageRecord(**BASE) == "a-1-0") is False
    assert PackageRecord(**BASE) != 5


# -- assignment and deletion ----------------------------------------------------------------


def test_assignment_boxes_like_construction() -> None:
    rec = PackageRecord(**BASE)
    rec.depends = ["b"]
    rec.timestamp = 1600000000123
    rec.version = 2
    rec.features = "x y"
    rec.channel = "conda-forge"
    assert rec.depends == ("b",) and rec.timestamp == 1600000000.123 and rec.version == "2"
    assert rec.features == ("x", "y") and rec.channel.canonical_name == "conda-forge"
    rec["md5"] = "abc"
    assert rec["md5"] == "abc" and rec.get("nope", 7) == 7
    with pytest.raises(RecordValidationError):
        rec.build_number = "3"
    with pytest.raises(RecordValidationError):
        rec.name = None
    rec.anything_else = 1  # records take arbitrary attributes, as conda's do
    assert rec.anything_else == 1


def test_deletion_rules() -> None:
    rec = PackageRecord(**BASE, md5="m", date="2020-01-02T00:00:00Z", timestamp=5)
    del rec.md5
    assert rec.md5 is None
    with pytest.raises(AttributeError, match="required"):
        del rec.name
    with pytest.raises(AttributeError, match="required"):
        del rec.depends
    del rec.timestamp
    assert rec.timestamp == 1577923200  # conda then reads the date
    del rec.channel
    assert rec.channel.canonical_name == "<unknown>"
    with pytest.raises(AttributeError, match="has not been set"):
        PackageRecord(**BASE).date  # noqa: B018


def test_dict_style_access() -> None:
    rec = PackageRecord(**BASE, depends=["x"], md5="m")
    assert "depends" in rec and "constrains" not in rec and "md5" in rec and "url" not in rec
    assert list(rec)[:4] == ["name", "version", "build", "build_number"]
    assert dict(rec.items())["md5"] == "m"
    rec.setdefault("url", "https://x/y.conda")
    rec.setdefault("md5", "other")
    assert rec.url == "https://x/y.conda" and rec.md5 == "m"
    rec.update({"license": "MIT"}, license_family="MIT")
    assert rec.license == "MIT" and rec.license_family == "MIT"
    del rec["url"]
    assert rec.url is None


# -- helpers and constructors ----------------------------------------------------------------


def test_feature_and_virtual_records() -> None:
    feature = PackageRecord.feature("mkl")
    assert feature.name == "mkl@" and feature.track_features == ("mkl",) and feature.fn == "mkl@"
    assert feature.dump()["channel"] == "https://conda.anaconda.org/@"
    virtual = PackageRecord.virtual_package("__glibc", "2.17")
    assert virtual.package_type is PackageType.VIRTUAL_SYSTEM and virtual.is_unmanageable
    assert virtual.version == "2.17" and virtual.build == "0"


def test_repr_lists_the_fields_given() -> None:
    text = repr(PackageRecord(**BASE, depends=["x"], noarch="python"))
    assert text == (
        "PackageRecord(metadata=set(), name='a', version='1', build='0', build_number=0, "
        "depends=('x',), noarch='python')"
    )


def test_from_objects_takes_the_first_source_with_each_field() -> None:
    rec = PrefixRecord.from_objects(
        PackageRecord(**BASE, md5="m"), {"files": ["a"], "build_number": 9}, requested_spec="a"
    )
    assert rec.build_number == 0 and rec.files == ("a",) and rec.md5 == "m" and rec.requested_spec == "a"


def test_pickle_round_trip() -> None:
    rec = PrefixRecord(**json.loads(META[0].read_text()))
    again = pickle.loads(pickle.dumps(rec))
    assert again.dump() == rec.dump()


# -- PrefixRecord parts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link_type", "expected"),
    [("hard", LinkType.hardlink), ("soft", LinkType.softlink), (2, LinkType.softlink), ("copy", LinkType.copy)],
)
def test_link_types(link_type: object, expected: LinkType) -> None:
    rec = PrefixRecord(**BASE, link={"source": "/pkgs/a", "type": link_type})
    assert rec.link.type is expected
    assert rec.dump()["link"] == {"source": "/pkgs/a", "type": expected.value}


def test_bad_link_type() -> None:
    with pytest.raises(RecordValidationError):
        PrefixRecord(**BASE, link={"source": "/x", "type": "bogus"})


def test_paths_data_keeps_conda_fields_only() -> None:
    rec = PrefixRecord(
        **BASE,
        paths_data={
            "paths_version": 1,
            "paths": [
                {"_path": "a", "path_type": "hardlink", "file_mode": "text", "prefix_placeholder": "/p", "no_link": 0},
                {"_path": "b", "path_type": "softlink", "sha256": "ab", "size_in_bytes": 3},
            ],
        },
    )
    assert isinstance(rec.paths_data, PathsData) and all(isinstance(p, PathData) for p in rec.paths_data.paths)
    assert rec.paths_data.paths[0].path == "a" and rec.paths_data.paths[0].file_mode is FileMode.text
    assert rec.dump()["paths_data"] == {
        "paths_version": 1,
        "paths": (
            {"_path": "a", "prefix_placeholder": "/p", "file_mode": "text", "no_link": False, "path_type": "hardlink"},
            {"_path": "b", "path_type": "softlink"},  # conda's PathData drops sha256 / size
        ),
    }
    assert PrefixRecord(**BASE, paths_data=None).dump()["paths_data"] is None
    assert Link(source="x") == Link(source="x") and hash(Link(source="x")) == hash(Link(source="x"))


def test_prefix_record_files_must_be_a_list() -> None:
    with pytest.raises(RecordValidationError):
        PrefixRecord(**BASE, files="abc")


def test_package_cache_record_md5_from_the_file(tmp_path: Path) -> None:
    archive = tmp_path / "a-1-0.conda"
    archive.write_bytes(b"some bytes")
    rec = PackageCacheRecord(
        **BASE, package_tarball_full_path=str(archive), extracted_package_dir=str(tmp_path / "a-1-0")
    )
    assert rec.md5 == hashlib.md5(b"some bytes").hexdigest()
    assert rec.is_fetched and not rec.is_extracted and rec.tarball_basename == "a-1-0.conda"
    missing = PackageCacheRecord(
        **BASE, package_tarball_full_path=str(tmp_path / "no.conda"), extracted_package_dir="x"
    )
    assert missing.md5 is None  # no archive: None, as conda 25.1.1 gives
    with pytest.raises(RecordValidationError):
        PackageCacheRecord(**BASE)


def test_enums_as_conda() -> None:
    assert str(FileMode.binary) == "binary" and str(PathType.hardlink) == "hardlink" and str(LinkType.copy) == "copy"
    assert int(LinkType.directory) == 4 and LinkType.hardlink.__json__() == "hardlink"
    assert PathType.basic_types == (PathType.hardlink, PathType.softlink, PathType.directory)
    assert [m.name for m in PathType][:3] == ["hardlink", "softlink", "directory"]
    assert NoarchType.coerce(None) is None and NoarchType.coerce("GENERIC") is NoarchType.generic


# -- the construction kernels of both backends agree ------------------------------------------

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(["python", "generic", "Python", "linux", "osx", "win32", "noarch_python", "hard", "yes", "0"]),
    st.lists(st.text(max_size=5), max_size=3),
    st.tuples(st.text(max_size=3)),
    st.lists(st.integers(), max_size=2),
)
_KEYS = st.sampled_from([*PackageRecord._fields, "build_string", "schannel", "filename", "unknown_key"])


def _outcome(kwargs: dict) -> object:
    try:
        return PackageRecord(**kwargs).dump()
    except Exception as exc:  # the type is what must agree
        return type(exc)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=8))
def test_backends_box_the_same(extra: dict) -> None:
    from conda_exports import _backend

    kwargs = {**BASE, **extra}
    results = {}
    previous = _backend.BACKEND
    for name in ("python", "rust"):
        if name == "rust" and _backend._load_extension() is None:
            continue
        _backend.activate(name)
        try:
            results[name] = _outcome(dict(kwargs))
        finally:
            _backend.activate(previous)
    assert len(set(map(repr, results.values()))) == 1, results
    outcome = next(iter(results.values()))
    if isinstance(outcome, type):
        assert issubclass(outcome, CondaError), outcome


@pytest.mark.parametrize("index", range(len(SAMPLE)), ids=[s["fn"] for s in SAMPLE])
def test_fast_pass_stores_what_boxing_would(index: int) -> None:
    from conda_exports import _backend

    item = SAMPLE[index]
    kwargs = {**item["record"], "fn": item["fn"], "channel": item["channel"]}
    stored, slow = _backend.records.box_fast(kwargs, PackageRecord._kinds, PackageRecord._tables)
    assert set(stored) | set(slow) == set(kwargs) & set(PackageRecord._kinds)  # other keys dropped
    for key, value in stored.items():
        field = PackageRecord._fields[key]
        expected = None if kwargs[key] is None else field.box(field, kwargs[key])
        assert value == expected and type(value) is type(expected), key


@pytest.mark.parametrize("bad", [False, 0, 5, 1.5, object()])
def test_channel_of_the_wrong_type(bad: object) -> None:
    with pytest.raises(RecordValidationError):
        PackageRecord(**BASE, channel=bad)
    rec = PackageRecord(**BASE)
    with pytest.raises(RecordValidationError):
        rec.channel = bad


def test_channel_given_as_a_channel_or_its_parts() -> None:
    from conda_exports import Channel

    chan = Channel("conda-forge")
    assert PackageRecord(**BASE, channel=chan).channel is chan
    parts = {"scheme": "https", "location": "x.example", "name": "team"}
    assert PackageRecord(**BASE, channel=parts).channel.base_url == "https://x.example/team"


@pytest.mark.parametrize("bad", [float("inf"), float("-inf"), float("nan"), 1j])
def test_timestamps_that_cannot_be_written_are_refused(bad: object) -> None:
    with pytest.raises(RecordValidationError):
        PackageRecord(**BASE, timestamp=bad)


def test_field_names_as_conda() -> None:
    assert list(PackageRecord.fields)[:6] == ["name", "version", "build", "build_number", "channel", "subdir"]
    assert list(PrefixRecord.__fields__)[-7:] == [
        "package_tarball_full_path",
        "extracted_package_dir",
        "files",
        "paths_data",
        "link",
        "requested_spec",
        "auth",
    ]
    assert "md5" in PackageCacheRecord.fields and len(PackageRecord.fields) == 27
