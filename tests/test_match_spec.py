"""MatchSpec against conda 25.1's behaviour.

Tables were checked against the reference conda; tests/data/grammar/depends.json holds real
depends entries with the reference's canonical str() and match results.
"""

from __future__ import annotations

import json
import pickle
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from both_backends import on_both_backends
from conda_exports import InvalidMatchSpec, MatchSpec
from conda_exports.exceptions import CondaError, InvalidSpec, RecordValidationError
from conda_exports.models.channel import Channel, MultiChannel
from conda_exports.models.records import PackageRecord
from conda_exports.models.version import VersionSpec
from hypothesis import given, settings
from hypothesis import strategies as st

# spec, conda's str(), .name, .strictness
CANONICAL = [
    ("numpy", "numpy", "numpy", 1),
    ("numpy 1.8*", "numpy=1.8", "numpy", 2),
    ("numpy 1.8.1", "numpy==1.8.1", "numpy", 2),
    ("numpy 1.8.1 py27_0", "numpy==1.8.1=py27_0", "numpy", 3),
    ("numpy=1.8.1=py27_0", "numpy==1.8.1=py27_0", "numpy", 3),
    ("numpy>=1.8,<2", "numpy[version='>=1.8,<2']", "numpy", 2),
    ("numpy >=1.8,<2|1.7", "numpy[version='>=1.8,<2|1.7']", "numpy", 2),
    ("numpy[version='>=1.8']", "numpy[version='>=1.8']", "numpy", 2),
    ("conda-forge::numpy", "conda-forge::numpy", "numpy", 3),
    ("conda-forge/linux-64::numpy>=1.0", "conda-forge/linux-64::numpy[version='>=1.0']", "numpy", 3),
    ("*/linux-64::foo>=1.0", "foo[subdir=linux-64,version='>=1.0']", "foo", 3),
    ("foo[build=py2*]", "foo[build=py2*]", "foo", 3),
    ("foo=1.0", "foo=1.0", "foo", 2),
    ("foo==1.0", "foo==1.0", "foo", 2),
    ("foo=1.0=*", "foo==1.0[build=*]", "foo", 3),
    ("foo 1.0.*", "foo=1.0", "foo", 2),
    ("foo *", "foo=", "foo", 2),
    ("foo * *", "foo=[build=*]", "foo", 3),
    ("foo >=1 py*", "foo[version='>=1',build=py*]", "foo", 3),
    ("foo[md5=abc,sha256=def]", "foo[md5=abc,sha256=def]", "foo", 3),
    ("foo[build_number=3]", "foo[build_number=3]", "foo", 3),
    ("foo[build_number='>=3']", "foo[build_number='>=3']", "foo", 3),
    ("foo[license='BSD 3-Clause']", "foo[license='bsd 3-clause']", "foo", 3),
    ('foo[track_features="b a"]', "foo[track_features='a b']", "foo", 3),
    ("foo[fn=foo-1.0-0.tar.bz2]", "foo[fn=foo-1.0-0.tar.bz2]", "foo", 3),
    ("https://conda.anaconda.org/conda-forge/linux-64/foo-1.0-0.tar.bz2", "conda-forge/linux-64::foo==1.0=0", "foo", 3),
    ("foo@", "*[track_features=foo]", "*", 3),
    ("foo # comment", "foo", "foo", 1),
    ("foo >=1 if bar", "foo[version='>=1']", "foo", 2),
    ("foo (optional)", "foo", "foo", 1),
    ("foo=", "foo", "foo", 1),
    ("foo>", "foo", "foo", 1),
    ("foo!=1.0", "foo!=1.0", "foo", 2),
    ("foo~=1.2", "foo~=1.2", "foo", 2),
    ("foo ~=1.2 py_0", "foo[version='~=1.2',build=py_0]", "foo", 3),
    ("py*", "py*", "*", 3),
    ("*", "*", "*", 3),
    ("*[md5=123]", "*[md5=123]", "*", 3),
    ("foo[version=1.0.*]", "foo=1.0", "foo", 2),
    ("foo 1.0|1.1", "foo[version='1.0|1.1']", "foo", 2),
    ("foo=1.0|1.1", "foo[version='=1.0|1.1']", "foo", 2),
    ("foo =1.2.3 0", "foo==1.2.3=0", "foo", 3),
    ("foo >=1.0 , < 2.0 py34_0", "foo[version='>=1.0,<2.0',build=py34_0]", "foo", 3),
    ("FOO", "foo", "foo", 1),
    ("Foo>=1", "foo[version='>=1']", "foo", 2),
    ("foo 1.0 BUILD", "foo==1.0=BUILD", "foo", 3),
    ("defaults::foo", "defaults::foo", "foo", 3),
    ("pkgs/main/linux-64::foo 1.0 0", "pkgs/main/linux-64::foo==1.0=0", "foo", 3),
    ("https://example.com/chan::foo", "chan::foo", "foo", 3),
    ("c*::foo", "foo[channel=c*]", "foo", 3),
    ("foo[channel=conda-forge/linux-64]", "conda-forge/linux-64::foo", "foo", 3),
    ("python >=2.7,<2.8.0a0", "python[version='>=2.7,<2.8.0a0']", "python", 2),
    ("python_abi 3.9.* *_cp39", "python_abi=3.9[build=*_cp39]", "python_abi", 3),
    ("foo ^1.0$", "foo[version='^1.0$']", "foo", 2),
    ("foo[subdir=linux-64]", "foo[subdir=linux-64]", "foo", 3),
    (
        "foo[url=https://x/linux-64/foo-1.0-0.conda,fn=foo-1.0-0.conda]",
        "foo[url=https://x/linux-64/foo-1.0-0.conda]",
        "foo",
        3,
    ),
    ("foo 1*.2", "foo==1*.2", "foo", 2),
]


@pytest.mark.parametrize(("spec", "text", "name", "strictness"), CANONICAL)
def test_canonical_str(spec: str, text: str, name: str, strictness: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ms = MatchSpec(spec)
    assert str(ms) == text
    assert ms.name == name
    assert ms.strictness == strictness
    assert repr(ms) == f'MatchSpec("{text}")'


def test_name_inside_brackets_is_ignored_with_a_warning(backend: str) -> None:
    # parsed strings are cached (as in conda), so each run uses a string of its own
    with pytest.warns(UserWarning, match="'name' specified both inside"):
        ms = MatchSpec(f"foo-{backend}[name=bar]")
    assert str(ms) == f"foo-{backend}"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("foo[bad=1]", "Invalid spec 'foo[bad=1]': Invalid spec 'foo[bad=1]': Cannot match on field(s): {'bad'}"),
        ("foo==", "Invalid spec 'foo==': Invalid version '==': invalid operator"),
        ("foo>=", "Invalid spec 'foo>=': Invalid version '>=': invalid operator"),
        ("foo[version=]", "Invalid spec 'foo[version=]': Invalid spec 'foo[version=]': key-value mismatch in brackets"),
        ("foo >=1..0", "Invalid spec 'foo >=1..0': Invalid version '1..0': empty version component"),
        (
            'foo[version="(1"]',
            "Invalid spec 'foo[version=\"(1\"]': Invalid version '(1': unable to convert to expression tree: ['(']",
        ),
        ("foo ~=1.0.*", "Invalid spec 'foo ~=1.0.*': Invalid version '~=1.0.*': invalid operator with '.*'"),
        ("foo 1!2!3", "Invalid spec 'foo 1!2!3': Invalid version '1!2!3': duplicated epoch separator '!'"),
        (" ", "Invalid spec ' ': Invalid spec ' ': no package name found in 'None'"),
        ("foo >=1[x=1] 2[build=x]", "multiple brackets sections not allowed"),
        (
            "https://x.org/linux-64/nodashes.tar.bz2",
            "package file name is not <name>-<version>-<build>",
        ),  # conda: ValueError
        ("foo[build='^a($']", "Contains an invalid regular expression"),
    ],
)
def test_invalid_specs(spec: str, message: str) -> None:
    with pytest.raises(InvalidMatchSpec) as info:
        MatchSpec(spec)
    assert message in str(info.value)
    assert isinstance(info.value, (InvalidSpec, CondaError, ValueError))


def test_invalid_argument_type() -> None:
    with pytest.raises(InvalidMatchSpec, match="Invalid MatchSpec"):
        MatchSpec(3.5)  # type: ignore[arg-type]


def test_empty_spec_is_match_all() -> None:
    ms = MatchSpec("")
    assert str(ms) == "*"
    assert ms.match({"name": "x", "version": "1", "build": "0", "build_number": 0})


def test_fields() -> None:
    ms = MatchSpec("conda-forge/linux-64::numpy 1.8.1 py27_0[md5=abc]")
    assert ms.get_exact_value("name") == "numpy"
    assert ms.get_exact_value("version") == "1.8.1"
    assert ms.get_exact_value("build") == "py27_0"
    assert ms.get_exact_value("channel") == "conda-forge"
    assert ms.get_exact_value("subdir") == "linux-64"
    assert ms.get_exact_value("md5") == "abc"
    assert ms.get_exact_value("sha256") is None
    assert ms.get_raw_value("version") == "1.8.1"
    assert ms.get("license", "none") == "none"
    assert isinstance(ms.version, VersionSpec)
    assert ms.original_spec_str == "conda-forge/linux-64::numpy 1.8.1 py27_0[md5=abc]"
    assert "md5" in ms and "sha256" not in ms
    assert ms.spec == "numpy 1.8.1 py27_0"
    assert ms.conda_build_form() == "numpy 1.8.1 py27_0"
    assert ms._to_filename_do_not_use() == "numpy-1.8.1-py27_0.tar.bz2"

    fuzzy = MatchSpec("numpy >=1.8,<2")
    assert fuzzy.get_exact_value("version") is None
    assert fuzzy.get_raw_value("version") == ">=1.8,<2"
    assert MatchSpec("numpy ==1.8 py_0").get_exact_value("version") == "==1.8"
    assert MatchSpec("num*").get_exact_value("name") is None
    assert MatchSpec("num*").name == "*"
    assert MatchSpec("numpy").is_name_only_spec
    assert not MatchSpec("numpy 1.8").is_name_only_spec
    assert MatchSpec("numpy[build_number=3]").get_exact_value("build_number") == 3


def test_keyword_construction() -> None:
    ms = MatchSpec(name="foo", build="py2*", channel="conda-forge")
    assert str(ms) == "conda-forge::foo[build=py2*]"
    assert ms.original_spec_str is None
    ms = MatchSpec("foo >=1", build="py_0")
    assert str(ms) == "foo[version='>=1',build=py_0]"
    assert ms.original_spec_str is None
    ms = MatchSpec("foo >=1", optional=True)
    assert ms.optional and ms.original_spec_str == "foo >=1"
    assert repr(ms) == "MatchSpec(\"foo[version='>=1']\", optional=True)"
    assert MatchSpec({"name": "foo", "version": "1.0"}) == MatchSpec("foo==1.0")
    base = MatchSpec("foo 1.0")
    assert MatchSpec(base) is base
    assert str(MatchSpec(base, build="x")) == "foo==1.0=x"
    with pytest.raises(InvalidMatchSpec, match="Cannot match on field"):
        MatchSpec(name="foo", colour="red")


def test_from_dist_str() -> None:
    ms = MatchSpec.from_dist_str("conda-forge/linux-64::numpy-1.8.1-py27_0.tar.bz2")
    assert str(ms) == "conda-forge/linux-64::numpy==1.8.1=py27_0"
    assert str(MatchSpec.from_dist_str("a-b-1.0-0")) == "a-b==1.0=0"


def test_equality_and_hash() -> None:
    a = MatchSpec("numpy >=1.8,<2")
    b = MatchSpec("numpy[version='>=1.8,<2']")
    assert a == b and hash(a) == hash(b)
    assert MatchSpec("numpy 1.8*") == MatchSpec("numpy=1.8")
    assert MatchSpec("numpy") != MatchSpec("numpy", optional=True)
    assert MatchSpec("numpy") != MatchSpec("numpy 1.8")
    assert MatchSpec("numpy") != "numpy"
    assert len({MatchSpec("FOO"), MatchSpec("foo"), MatchSpec("foo=1")}) == 2
    assert pickle.loads(pickle.dumps(a)) == a


def test_merge() -> None:
    merged = MatchSpec.merge(["numpy >=1.8", "numpy <2", "scipy", "*[md5=x]"])
    assert [str(m) for m in merged] == ["numpy[version='<2,>=1.8']", "scipy", "*[md5=x]"]
    union = MatchSpec.union(["numpy 1.8.*", "numpy 1.9.*"])
    assert [str(m) for m in union] == ["numpy[version='1.8.*|1.9.*']"]
    with pytest.raises(ValueError, match="Incompatible component merge"):
        MatchSpec.merge(["numpy[md5=a]", "numpy[md5=b]"])


RECORD = {
    "name": "numpy",
    "version": "1.8.1",
    "build": "py27_0",
    "build_number": 0,
    "md5": "abc",
    "sha256": "def",
    "subdir": "linux-64",
    "license": "BSD-3-Clause",
    "license_family": "BSD",
    "track_features": "mkl",
    "features": "",
    "channel": "https://conda.anaconda.org/conda-forge/linux-64",
    "url": "https://conda.anaconda.org/conda-forge/linux-64/numpy-1.8.1-py27_0.tar.bz2",
    "fn": "numpy-1.8.1-py27_0.tar.bz2",
}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("numpy", True),
        ("NumPy", True),
        ("num*", True),
        ("scipy", False),
        ("numpy 1.8.*", True),
        ("numpy >=1.9", False),
        ("numpy 1.8.1 py27_0", True),
        ("numpy 1.8.1 py3*", False),
        ("numpy * py2*", True),
        ("numpy[build_number=0]", True),
        ("numpy[build_number='>0']", False),
        ("numpy[md5=abc]", True),
        ("numpy[md5=abd]", False),
        ("numpy[sha256=def]", True),
        ("numpy[subdir=linux-64]", True),
        ("numpy[subdir=osx-64]", False),
        ("numpy[license=bsd-3-clause]", True),
        ("numpy[license=BSD*]", True),
        ("numpy[license_family=bsd]", True),
        ("numpy[track_features=mkl]", True),
        ("numpy[track_features=nomkl]", False),
        ("numpy[features=mkl]", False),
        ("numpy[fn=numpy-1.8.1-py27_0.tar.bz2]", True),
        ("conda-forge::numpy", True),
        ("conda-forge/linux-64::numpy", True),
        ("conda-forge/osx-64::numpy", False),
        ("defaults::numpy", False),
        ("c*::numpy", True),
        ("numpy[channel=conda-forge]", True),
        ("https://conda.anaconda.org/conda-forge::numpy", True),
    ],
)
def test_match_dict_and_object(spec: str, expected: bool) -> None:
    ms = MatchSpec(spec)
    assert ms.match(RECORD) is expected

    class Record:
        pass

    obj = Record()
    for k, v in RECORD.items():
        setattr(obj, k, v)
    assert ms.match(obj) is expected


def test_match_channel_objects_and_defaults() -> None:
    rec = dict(RECORD, channel=Channel("https://repo.anaconda.com/pkgs/main/linux-64"))
    assert MatchSpec("defaults::numpy").match(rec)
    assert MatchSpec("pkgs/main::numpy").match(rec)
    assert not MatchSpec("pkgs/r::numpy").match(rec)
    assert not MatchSpec("conda-forge::numpy").match(rec)
    rec = dict(RECORD, channel="https://repo.anaconda.com/pkgs/main/linux-64")
    assert MatchSpec("defaults::numpy").match(rec)
    assert MatchSpec("pkgs/main::numpy").match(rec)
    # 'defaults' matches pkgs/main, but a record from channel 'defaults' is not from pkgs/main
    rec = dict(RECORD, channel="defaults")
    assert MatchSpec("defaults::numpy").match(rec)
    assert not MatchSpec("pkgs/main::numpy").match(rec)
    # without a channel a dict record is from channel '<unknown>'
    rec = {k: v for k, v in RECORD.items() if k not in ("channel", "url")}
    assert not MatchSpec("conda-forge::numpy").match(rec)
    assert MatchSpec("numpy[fn=numpy-1.8.1-py27_0.tar.bz2]").match(rec)
    # a channel that is neither a Channel nor a string is refused, typed (conda: a TypeError)
    with pytest.raises(RecordValidationError):
        MatchSpec("conda-forge::numpy").match(dict(RECORD, channel=3.5))


def test_match_raises_for_invalid_record_version() -> None:
    with pytest.raises(InvalidSpec):
        MatchSpec("numpy >=1").match(dict(RECORD, version="1..0"))


def _assert_reparses(ms: MatchSpec, records: list) -> None:
    """str() re-parses to a spec that matches the same records, and within two rounds to an equal one.

    As with conda, the first round trips may change the spelling a spec is compared by:
    'foo 1.0 py_0' keeps version '1.0' but its str() 'foo==1.0=py_0' re-parses with '==1.0';
    'foo 1.*.*' prints as 'foo=1.*', which prints as 'foo=1'.
    """
    expected = [ms.match(r) for r in records]
    current = ms
    for _ in range(3):
        again = MatchSpec(str(current))
        assert [again.match(r) for r in records] == expected, (str(ms), str(again))
        if again == current:
            assert hash(again) == hash(current) and str(again) == str(current)
            return
        current = again
    raise AssertionError(f"{ms!r} does not settle: {current!r}")


def test_first_round_trip_quirk() -> None:
    ms = MatchSpec("foo 1.0 py_0")
    assert MatchSpec(str(ms)) != ms  # conda too
    assert MatchSpec(str(ms)) == MatchSpec(str(MatchSpec(str(ms))))
    assert MatchSpec("foo >=1.0,<2") == MatchSpec(str(MatchSpec("foo >=1.0,<2")))


# -- harvested real depends entries -----------------------------------------------


@pytest.fixture(scope="module")
def depends(data_dir):  # type: ignore[no-untyped-def]
    return json.loads((data_dir / "grammar" / "depends.json").read_text())


def test_harvested_depends_like_conda(depends: dict) -> None:
    records = depends["records"]
    assert len(depends["specs"]) == 700
    total_hits = 0
    for row in depends["specs"]:
        ms = MatchSpec(row["spec"])
        assert str(ms) == row["str"], row["spec"]
        assert ms.name == row["name"]
        assert ms.strictness == row["strictness"]
        hits = [i for i, r in enumerate(records) if ms.match(r)]
        assert hits == row["matches"], row["spec"]
        total_hits += len(hits)
        _assert_reparses(ms, records)
    assert total_hits > 100  # the sample really exercises matching


def _same_spec(fast: MatchSpec, general: MatchSpec, records: list) -> None:
    assert fast == general and hash(fast) == hash(general)
    assert (str(fast), repr(fast)) == (str(general), repr(general))
    assert fast.original_spec_str == general.original_spec_str
    assert list(fast._match_components) == list(general._match_components)
    for field in MatchSpec.FIELD_NAMES:
        assert fast.get_raw_value(field) == general.get_raw_value(field), field
        assert fast.get_exact_value(field) == general.get_exact_value(field), field
    assert [fast.match(r) for r in records] == [general.match(r) for r in records]


SIMPLE_SHAPES = [
    "numpy",
    "NumPy 1.8",
    "numpy >=1.8,<2",
    "numpy >=1.8.*",
    "numpy 1.8.* py27*",
    "numpy ==1.8",
    "numpy ==1.8 py27_0",
    "numpy =1.8",
    "numpy =1.8 py27_0",
    "numpy ==1.8,<2",
    "numpy 1.8|1.9",
    "numpy 1!2.0 0",
    "numpy ~=1.8",
    "numpy !=1.8.*",
    "numpy *",
    "numpy * *mkl*",
    "python_abi 3.9.* *_cp39",
    # shapes the shortcut must leave alone
    "numpy 1.8=py27_0",
    "numpy 1.8 if x",
    "numpy 1.8 py-27",
    "numpy 1.8 py27.conda",
    "numpy.tar.bz2",
    "numpy >=1.8,<2|>=3",
]


@pytest.mark.parametrize("spec", SIMPLE_SHAPES)
def test_simple_shapes_parse_as_the_general_grammar(spec: str, depends: dict) -> None:
    """Common spec shapes skip the general grammar; a keyword argument (the default target
    here) sends the same string through it, and both must give the same spec."""
    try:
        fast = MatchSpec(spec)
    except InvalidMatchSpec as exc:
        with pytest.raises(InvalidMatchSpec) as general_exc:
            MatchSpec(spec, target=None)
        assert str(general_exc.value.__cause__) == str(exc.__cause__)
        return
    _same_spec(fast, MatchSpec(spec, target=None), depends["records"])


@pytest.mark.parametrize("spec", ["numpy >=1..2", "numpy 1.8,<2..0 py", "numpy 1|2..3"])
def test_simple_shapes_with_bad_versions(spec: str) -> None:
    with pytest.raises(InvalidMatchSpec) as fast:
        MatchSpec(spec)
    assert str(fast.value).startswith(f"Invalid spec '{spec}': Invalid version ")
    assert str(fast.value).endswith("empty version component")
    with pytest.raises(InvalidMatchSpec) as general:
        MatchSpec(spec, target=None)
    assert isinstance(fast.value.__cause__, InvalidSpec)
    assert str(fast.value.__cause__) == str(general.value.__cause__)


def test_harvested_depends_parse_as_the_general_grammar(depends: dict) -> None:
    for row in depends["specs"]:
        _same_spec(MatchSpec(row["spec"]), MatchSpec(row["spec"], target=None), depends["records"][:40])


# -- properties ----------------------------------------------------------------

_names = st.sampled_from(["numpy", "python_abi", "r-base", "libgcc-ng", "_openmp_mutex", "py*", "*"])
_versions = st.sampled_from(
    [
        "",
        " 1.8",
        " 1.8.*",
        " 1.8*",
        "=1.8",
        "==1.8",
        ">=1.8",
        " >=1.8,<2",
        " <2|>3",
        "!=1.8",
        "~=1.8.2",
        " (1|2),3",
        " ^1\\.8$",
    ]
)
_builds = st.sampled_from(["", " py27_0", " py*", " *_cp39", " 0"])
_channels = st.sampled_from(["", "conda-forge::", "conda-forge/linux-64::", "pkgs/main::", "defaults::", "c*::"])
_brackets = st.sampled_from(
    [
        "",
        "[md5=abc]",
        "[build_number=3]",
        "[build_number='>=3']",
        "[license='MIT or BSD']",
        "[track_features='a b']",
        "[subdir=osx-64]",
        "[fn=x-1-0.conda]",
    ]
)


@settings(max_examples=400, deadline=None)
@given(_channels, _names, _versions, _builds, _brackets)
def test_str_reparses_to_an_equal_spec(channel: str, name: str, version: str, build: str, brackets: str) -> None:
    if build and not version:
        version = " 1.8"
    text = f"{channel}{name}{version}{build}{brackets}"
    try:
        ms = MatchSpec(text)
    except InvalidMatchSpec:
        return
    _assert_reparses(ms, [RECORD, dict(RECORD, version="1.8.2", build="py_3", build_number=3), dict(RECORD, name="py")])


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            list("ab1.2*=<>!~,| []()'\"^$:/@#-_+") + ["foo", "::", "[version=", ".tar.bz2", "https://", " if "]
        ),
        max_size=12,
    ).map("".join)
)
def test_arbitrary_specs_raise_only_documented_errors(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ms = MatchSpec(text)
            str(ms)
            ms.match(RECORD)
        except InvalidSpec:
            pass


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=15))
def test_arbitrary_unicode_raises_only_documented_errors(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            MatchSpec(text).match(RECORD)
        except InvalidSpec:
            pass


# -- channels, under the default and a custom configuration ---------------------------
# Every row was produced by conda 25.1 (MatchSpec, PackageRecord, Channel) from the same
# inputs, under no condarc and under CUSTOM_CONDARC: spec, str(), the class, repr and
# canonical name of get_exact_value('channel') (None for a pattern or no channel), and the
# indexes of CHANNEL_RECORDS the spec matches (as dicts and as PackageRecords alike).

CUSTOM_CONDARC = """\
channel_alias: https://my.mirror.org/api
custom_channels:
  mychan: https://private.example.com/sub
  conda-forge: https://cf.example.net
custom_multichannels:
  mymulti:
    - conda-forge
    - mychan
    - https://third.example.org/other
"""

CHANNEL_RECORDS = [
    {"channel": "https://conda.anaconda.org/conda-forge/linux-64"},
    {"channel": "https://repo.anaconda.com/pkgs/main/linux-64"},
    {"channel": "https://repo.anaconda.com/pkgs/r", "subdir": "noarch"},
    {"channel": "https://repo.anaconda.com/pkgs/free"},
    {"channel": "https://private.example.com/sub/mychan/linux-64"},
    {"channel": "https://cf.example.net/conda-forge/linux-64"},
    {"channel": "https://my.mirror.org/api/bioconda/linux-64"},
    {"channel": "https://third.example.org/other/linux-64"},
    {"channel": "https://example.com/chan/linux-64"},
    {"channel": "file:///tmp/localchan/linux-64"},
    {},
    {"channel": "conda-forge"},
    {"channel": "defaults"},
    {"channel": "mychan", "subdir": "osx-64"},
    {"channel": "conda-forge/label/dev"},
]

DEFAULT_CHANNEL_TABLE = [
    ("*/linux-64::numpy", "numpy[subdir=linux-64]", None, None, None, [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14]),
    ("*::numpy", "numpy", None, None, None, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
    ("*conda-forge*::numpy", "numpy[channel=*conda-forge*]", None, None, None, [0, 5, 11, 14]),
    ("*main*::numpy", "numpy[channel=*main*]", None, None, None, []),
    ("/tmp/localchan::numpy", "localchan::numpy", "Channel", 'Channel("localchan")', "localchan", [9]),
    ("::numpy", "numpy", None, None, None, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
    ("<unknown>::numpy", "<unknown>::numpy", "Channel", 'Channel("<unknown>")', "<unknown>", [10]),
    ("bioconda::numpy", "bioconda::numpy", "Channel", 'Channel("bioconda")', "bioconda", []),
    ("c*::numpy", "numpy[channel=c*]", None, None, None, [0, 11, 14]),
    (
        "conda-forge/label/dev::numpy",
        "conda-forge/label/dev::numpy",
        "Channel",
        'Channel("conda-forge/label/dev")',
        "conda-forge/label/dev",
        [14],
    ),
    (
        "conda-forge/linux-64::numpy",
        "conda-forge/linux-64::numpy",
        "Channel",
        'Channel("conda-forge")',
        "conda-forge",
        [0, 5, 11],
    ),
    (
        "conda-forge/linux-64::numpy[subdir=osx-64]",
        "conda-forge/osx-64::numpy",
        "Channel",
        'Channel("conda-forge")',
        "conda-forge",
        [],
    ),
    (
        "conda-forge/noarch::numpy >=1",
        "conda-forge/noarch::numpy[version='>=1']",
        "Channel",
        'Channel("conda-forge")',
        "conda-forge",
        [],
    ),
    ("conda-forge::*", "conda-forge::*", "Channel", 'Channel("conda-forge")', "conda-forge", [0, 5, 11]),
    ("conda-forge::num*", "conda-forge::num*", "Channel", 'Channel("conda-forge")', "conda-forge", [0, 5, 11]),
    ("conda-forge::numpy", "conda-forge::numpy", "Channel", 'Channel("conda-forge")', "conda-forge", [0, 5, 11]),
    ("conda-forge::numpy[channel=bioconda]", "bioconda::numpy", "Channel", 'Channel("bioconda")', "bioconda", []),
    (
        "conda-forge::numpy[subdir=osx-64]",
        "conda-forge/osx-64::numpy",
        "Channel",
        'Channel("conda-forge")',
        "conda-forge",
        [],
    ),
    (
        "conda-forge::numpy[url=https://x.org/linux-64/numpy-1-0.conda]",
        "conda-forge::numpy",
        "Channel",
        'Channel("conda-forge")',
        "conda-forge",
        [],
    ),
    (
        "defaults/linux-64::numpy",
        "defaults/linux-64::numpy",
        "MultiChannel",
        'Channel("defaults")',
        "defaults",
        [1, 12],
    ),
    ("defaults::numpy", "defaults::numpy", "MultiChannel", 'Channel("defaults")', "defaults", [1, 2, 12]),
    (
        "file:///tmp/localchan/linux-64::numpy",
        "localchan/linux-64::numpy",
        "Channel",
        'Channel("localchan")',
        "localchan",
        [9],
    ),
    ("file:///tmp/localchan::numpy", "localchan::numpy", "Channel", 'Channel("localchan")', "localchan", [9]),
    (
        "file:///tmp/x/linux-64/numpy-1.0-0.tar.bz2",
        "x/linux-64::numpy==1.0=0",
        "Channel",
        'Channel("x")',
        "file:///tmp/x",
        [],
    ),
    (
        "https://cf.example.net/conda-forge/linux-64/numpy-1.8.1-py27_0.conda",
        "conda-forge/linux-64::numpy==1.8.1=py27_0",
        "Channel",
        'Channel("conda-forge")',
        "https://cf.example.net/conda-forge",
        [],
    ),
    (
        "https://cf.example.net/conda-forge::numpy",
        "conda-forge::numpy",
        "Channel",
        'Channel("conda-forge")',
        "conda-forge",
        [0, 5, 11],
    ),
    (
        "https://conda.anaconda.org/conda-forge/linux-64/numpy-1.8.1-py27_0.tar.bz2",
        "conda-forge/linux-64::numpy==1.8.1=py27_0",
        "Channel",
        'Channel("conda-forge")',
        "conda-forge",
        [],
    ),
    (
        "https://conda.anaconda.org/conda-forge/linux-64::numpy",
        "conda-forge/linux-64::numpy",
        "Channel",
        'Channel("conda-forge")',
        "conda-forge",
        [0, 5, 11],
    ),
    (
        "https://conda.anaconda.org/conda-forge::numpy",
        "conda-forge::numpy",
        "Channel",
        'Channel("conda-forge")',
        "conda-forge",
        [0, 5, 11],
    ),
    (
        "https://example.com/a/b/chan/linux-64::numpy",
        "a/b/chan/linux-64::numpy",
        "Channel",
        'Channel("a/b/chan")',
        "a/b/chan",
        [],
    ),
    ("https://example.com/chan::numpy", "chan::numpy", "Channel", 'Channel("chan")', "chan", [8]),
    (
        "https://example.com/foo/linux-64/numpy-1.8.1-0.conda",
        "foo/linux-64::numpy==1.8.1=0",
        "Channel",
        'Channel("foo")',
        "https://example.com/foo",
        [],
    ),
    (
        "https://example.com/linux-64/numpy-1.8.1-0.conda",
        "/linux-64::numpy==1.8.1=0",
        "Channel",
        'Channel("")',
        "https://example.com",
        [],
    ),
    ("https://example.com/numpy-1.8.1-0.conda", "*[url=https://example.com/numpy-1.8.1-0.conda]", None, None, None, []),
    (
        "https://example.com/t/tk-123/foo/linux-64/numpy-1.8.1-0.conda",
        "foo/linux-64::numpy==1.8.1=0",
        "Channel",
        'Channel("foo")',
        "https://example.com/foo",
        [],
    ),
    ("https://example.com/t/tok-123/chan::numpy", "chan::numpy", "Channel", 'Channel("chan")', "chan", [8]),
    ("https://example.com::numpy", "::numpy", "Channel", 'Channel("")', "https://example.com", []),
    (
        "https://my.mirror.org/api/bioconda/linux-64/numpy-1.8.1-py27_0.conda",
        "api/bioconda/linux-64::numpy==1.8.1=py27_0",
        "Channel",
        'Channel("api/bioconda")',
        "https://my.mirror.org/api/bioconda",
        [],
    ),
    (
        "https://my.mirror.org/api/bioconda/linux-64::numpy",
        "api/bioconda/linux-64::numpy",
        "Channel",
        'Channel("api/bioconda")',
        "api/bioconda",
        [6],
    ),
    (
        "https://my.mirror.org/api/bioconda::numpy",
        "api/bioconda::numpy",
        "Channel",
        'Channel("api/bioconda")',
        "api/bioconda",
        [6],
    ),
    (
        "https://private.example.com/sub/mychan/linux-64/numpy-1.8.1-py27_0.conda",
        "sub/mychan/linux-64::numpy==1.8.1=py27_0",
        "Channel",
        'Channel("sub/mychan")',
        "https://private.example.com/sub/mychan",
        [],
    ),
    (
        "https://private.example.com/sub/mychan/linux-64::numpy",
        "sub/mychan/linux-64::numpy",
        "Channel",
        'Channel("sub/mychan")',
        "sub/mychan",
        [4],
    ),
    (
        "https://private.example.com/sub/mychan::numpy",
        "sub/mychan::numpy",
        "Channel",
        'Channel("sub/mychan")',
        "sub/mychan",
        [4],
    ),
    (
        "https://repo.anaconda.com/pkgs/main/linux-64/numpy-1.8.1-py27_0.conda",
        "defaults/linux-64::numpy==1.8.1=py27_0",
        "MultiChannel",
        'Channel("defaults")',
        "defaults",
        [],
    ),
    (
        "https://repo.anaconda.com/pkgs/main/osx-64::numpy",
        "pkgs/main/osx-64::numpy",
        "Channel",
        'Channel("pkgs/main")',
        "defaults",
        [],
    ),
    (
        "https://repo.anaconda.com/pkgs/main::numpy",
        "pkgs/main::numpy",
        "Channel",
        'Channel("pkgs/main")',
        "defaults",
        [1],
    ),
    (
        "https://repo.anaconda.com/pkgs/r/noarch/numpy-1.8.1-py27_0.conda",
        "defaults/noarch::numpy==1.8.1=py27_0",
        "MultiChannel",
        'Channel("defaults")',
        "defaults",
        [],
    ),
    ("https://third.example.org/other::numpy", "other::numpy", "Channel", 'Channel("other")', "other", [7]),
    ("https://u:p@example.com/chan::numpy", "chan::numpy", "Channel", 'Channel("chan")', "chan", [8]),
    (
        "https://user:pw@example.com/foo/linux-64/numpy-1.8.1-0.conda",
        "foo/linux-64::numpy==1.8.1=0",
        "Channel",
        'Channel("foo")',
        "https://example.com/foo",
        [],
    ),
    ("local::numpy", "local::numpy", "MultiChannel", 'Channel("local")', "local", []),
    ("mychan/label/x::numpy", "mychan/label/x::numpy", "Channel", 'Channel("mychan/label/x")', "mychan/label/x", []),
    ("mychan/linux-64::numpy", "mychan/linux-64::numpy", "Channel", 'Channel("mychan")', "mychan", []),
    ("mychan::numpy", "mychan::numpy", "Channel", 'Channel("mychan")', "mychan", [13]),
    ("mymulti/linux-64::numpy", "mymulti/linux-64::numpy", "Channel", 'Channel("mymulti")', "mymulti", []),
    ("mymulti::numpy", "mymulti::numpy", "Channel", 'Channel("mymulti")', "mymulti", []),
    ("numpy", "numpy", None, None, None, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
    ("numpy[channel='^conda-f.*$']", "numpy[channel=^conda-f.*$]", None, None, None, [0, 11, 14]),
    ("numpy[channel=c*]", "numpy[channel=c*]", None, None, None, [0, 11, 14]),
    (
        "numpy[channel=conda-forge,subdir=linux-64]",
        "conda-forge/linux-64::numpy",
        "Channel",
        'Channel("conda-forge")',
        "conda-forge",
        [0, 5, 11],
    ),
    (
        "numpy[channel=conda-forge/linux-64]",
        "conda-forge/linux-64::numpy",
        "Channel",
        'Channel("conda-forge")',
        "conda-forge",
        [0, 5, 11],
    ),
    (
        "numpy[channel=conda-forge]",
        "conda-forge::numpy",
        "Channel",
        'Channel("conda-forge")',
        "conda-forge",
        [0, 5, 11],
    ),
    ("numpy[channel=defaults]", "defaults::numpy", "MultiChannel", 'Channel("defaults")', "defaults", [1, 2, 12]),
    (
        "numpy[channel=https://conda.anaconda.org/conda-forge/linux-64]",
        "conda-forge/linux-64::numpy",
        "Channel",
        'Channel("conda-forge")',
        "conda-forge",
        [0, 5, 11],
    ),
    (
        "numpy[channel=https://private.example.com/sub/mychan]",
        "sub/mychan::numpy",
        "Channel",
        'Channel("sub/mychan")',
        "sub/mychan",
        [4],
    ),
    ("numpy[channel=mychan]", "mychan::numpy", "Channel", 'Channel("mychan")', "mychan", [13]),
    ("pkgs/free::numpy", "pkgs/free::numpy", "Channel", 'Channel("pkgs/free")', "pkgs/free", [3]),
    (
        "pkgs/main/linux-64::numpy 1.8.1 py27_0",
        "pkgs/main/linux-64::numpy==1.8.1=py27_0",
        "Channel",
        'Channel("pkgs/main")',
        "defaults",
        [1],
    ),
    ("pkgs/main::numpy", "pkgs/main::numpy", "Channel", 'Channel("pkgs/main")', "defaults", [1]),
    ("pkgs/r::numpy", "pkgs/r::numpy", "Channel", 'Channel("pkgs/r")', "defaults", [2]),
]

CUSTOM_CHANNEL_TABLE = [
    ("*/linux-64::numpy", "numpy[subdir=linux-64]", None, None, None, [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14]),
    ("*::numpy", "numpy", None, None, None, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
    ("*conda-forge*::numpy", "numpy[channel=*conda-forge*]", None, None, None, [14]),
    ("*main*::numpy", "numpy[channel=*main*]", None, None, None, []),
    ("/tmp/localchan::numpy", "localchan::numpy", "Channel", 'Channel("localchan")', "localchan", [9]),
    ("::numpy", "numpy", None, None, None, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
    ("<unknown>::numpy", "<unknown>::numpy", "Channel", 'Channel("<unknown>")', "<unknown>", [10]),
    ("bioconda::numpy", "bioconda::numpy", "Channel", 'Channel("bioconda")', "bioconda", [6]),
    ("c*::numpy", "numpy[channel=c*]", None, None, None, [14]),
    (
        "conda-forge/label/dev::numpy",
        "conda-forge/label/dev::numpy",
        "Channel",
        'Channel("conda-forge/label/dev")',
        "conda-forge/label/dev",
        [14],
    ),
    (
        "conda-forge/linux-64::numpy",
        "conda-forge/linux-64::numpy",
        "Channel",
        'Channel("conda-forge")',
        "mymulti",
        [0, 5, 11],
    ),
    (
        "conda-forge/linux-64::numpy[subdir=osx-64]",
        "conda-forge/osx-64::numpy",
        "Channel",
        'Channel("conda-forge")',
        "mymulti",
        [],
    ),
    (
        "conda-forge/noarch::numpy >=1",
        "conda-forge/noarch::numpy[version='>=1']",
        "Channel",
        'Channel("conda-forge")',
        "mymulti",
        [],
    ),
    ("conda-forge::*", "conda-forge::*", "Channel", 'Channel("conda-forge")', "mymulti", [0, 5, 11]),
    ("conda-forge::num*", "conda-forge::num*", "Channel", 'Channel("conda-forge")', "mymulti", [0, 5, 11]),
    ("conda-forge::numpy", "conda-forge::numpy", "Channel", 'Channel("conda-forge")', "mymulti", [0, 5, 11]),
    ("conda-forge::numpy[channel=bioconda]", "bioconda::numpy", "Channel", 'Channel("bioconda")', "bioconda", [6]),
    (
        "conda-forge::numpy[subdir=osx-64]",
        "conda-forge/osx-64::numpy",
        "Channel",
        'Channel("conda-forge")',
        "mymulti",
        [],
    ),
    (
        "conda-forge::numpy[url=https://x.org/linux-64/numpy-1-0.conda]",
        "conda-forge::numpy",
        "Channel",
        'Channel("conda-forge")',
        "mymulti",
        [],
    ),
    (
        "defaults/linux-64::numpy",
        "defaults/linux-64::numpy",
        "MultiChannel",
        'Channel("defaults")',
        "defaults",
        [1, 12],
    ),
    ("defaults::numpy", "defaults::numpy", "MultiChannel", 'Channel("defaults")', "defaults", [1, 2, 12]),
    (
        "file:///tmp/localchan/linux-64::numpy",
        "localchan/linux-64::numpy",
        "Channel",
        'Channel("localchan")',
        "localchan",
        [9],
    ),
    ("file:///tmp/localchan::numpy", "localchan::numpy", "Channel", 'Channel("localchan")', "localchan", [9]),
    (
        "file:///tmp/x/linux-64/numpy-1.0-0.tar.bz2",
        "x/linux-64::numpy==1.0=0",
        "Channel",
        'Channel("x")',
        "file:///tmp/x",
        [],
    ),
    (
        "https://cf.example.net/conda-forge/linux-64/numpy-1.8.1-py27_0.conda",
        "mymulti/linux-64::numpy==1.8.1=py27_0",
        "MultiChannel",
        'Channel("mymulti")',
        "mymulti",
        [],
    ),
    (
        "https://cf.example.net/conda-forge::numpy",
        "conda-forge::numpy",
        "Channel",
        'Channel("conda-forge")',
        "mymulti",
        [0, 5, 11],
    ),
    (
        "https://conda.anaconda.org/conda-forge/linux-64/numpy-1.8.1-py27_0.tar.bz2",
        "mymulti/linux-64::numpy==1.8.1=py27_0",
        "MultiChannel",
        'Channel("mymulti")',
        "mymulti",
        [],
    ),
    (
        "https://conda.anaconda.org/conda-forge/linux-64::numpy",
        "conda-forge/linux-64::numpy",
        "Channel",
        'Channel("conda-forge")',
        "mymulti",
        [0, 5, 11],
    ),
    (
        "https://conda.anaconda.org/conda-forge::numpy",
        "conda-forge::numpy",
        "Channel",
        'Channel("conda-forge")',
        "mymulti",
        [0, 5, 11],
    ),
    (
        "https://example.com/a/b/chan/linux-64::numpy",
        "a/b/chan/linux-64::numpy",
        "Channel",
        'Channel("a/b/chan")',
        "a/b/chan",
        [],
    ),
    ("https://example.com/chan::numpy", "chan::numpy", "Channel", 'Channel("chan")', "chan", [8]),
    (
        "https://example.com/foo/linux-64/numpy-1.8.1-0.conda",
        "foo/linux-64::numpy==1.8.1=0",
        "Channel",
        'Channel("foo")',
        "https://example.com/foo",
        [],
    ),
    (
        "https://example.com/linux-64/numpy-1.8.1-0.conda",
        "/linux-64::numpy==1.8.1=0",
        "Channel",
        'Channel("")',
        "https://example.com",
        [],
    ),
    ("https://example.com/numpy-1.8.1-0.conda", "*[url=https://example.com/numpy-1.8.1-0.conda]", None, None, None, []),
    (
        "https://example.com/t/tk-123/foo/linux-64/numpy-1.8.1-0.conda",
        "foo/linux-64::numpy==1.8.1=0",
        "Channel",
        'Channel("foo")',
        "https://example.com/foo",
        [],
    ),
    ("https://example.com/t/tok-123/chan::numpy", "chan::numpy", "Channel", 'Channel("chan")', "chan", [8]),
    ("https://example.com::numpy", "::numpy", "Channel", 'Channel("")', "https://example.com", []),
    (
        "https://my.mirror.org/api/bioconda/linux-64/numpy-1.8.1-py27_0.conda",
        "bioconda/linux-64::numpy==1.8.1=py27_0",
        "Channel",
        'Channel("bioconda")',
        "bioconda",
        [],
    ),
    (
        "https://my.mirror.org/api/bioconda/linux-64::numpy",
        "bioconda/linux-64::numpy",
        "Channel",
        'Channel("bioconda")',
        "bioconda",
        [6],
    ),
    ("https://my.mirror.org/api/bioconda::numpy", "bioconda::numpy", "Channel", 'Channel("bioconda")', "bioconda", [6]),
    (
        "https://private.example.com/sub/mychan/linux-64/numpy-1.8.1-py27_0.conda",
        "mymulti/linux-64::numpy==1.8.1=py27_0",
        "MultiChannel",
        'Channel("mymulti")',
        "mymulti",
        [],
    ),
    (
        "https://private.example.com/sub/mychan/linux-64::numpy",
        "mychan/linux-64::numpy",
        "Channel",
        'Channel("mychan")',
        "mymulti",
        [4],
    ),
    (
        "https://private.example.com/sub/mychan::numpy",
        "mychan::numpy",
        "Channel",
        'Channel("mychan")',
        "mymulti",
        [4, 13],
    ),
    (
        "https://repo.anaconda.com/pkgs/main/linux-64/numpy-1.8.1-py27_0.conda",
        "defaults/linux-64::numpy==1.8.1=py27_0",
        "MultiChannel",
        'Channel("defaults")',
        "defaults",
        [],
    ),
    (
        "https://repo.anaconda.com/pkgs/main/osx-64::numpy",
        "pkgs/main/osx-64::numpy",
        "Channel",
        'Channel("pkgs/main")',
        "defaults",
        [],
    ),
    (
        "https://repo.anaconda.com/pkgs/main::numpy",
        "pkgs/main::numpy",
        "Channel",
        'Channel("pkgs/main")',
        "defaults",
        [1],
    ),
    (
        "https://repo.anaconda.com/pkgs/r/noarch/numpy-1.8.1-py27_0.conda",
        "defaults/noarch::numpy==1.8.1=py27_0",
        "MultiChannel",
        'Channel("defaults")',
        "defaults",
        [],
    ),
    ("https://third.example.org/other::numpy", "other::numpy", "Channel", 'Channel("other")', "mymulti", [7]),
    ("https://u:p@example.com/chan::numpy", "chan::numpy", "Channel", 'Channel("chan")', "chan", [8]),
    (
        "https://user:pw@example.com/foo/linux-64/numpy-1.8.1-0.conda",
        "foo/linux-64::numpy==1.8.1=0",
        "Channel",
        'Channel("foo")',
        "https://example.com/foo",
        [],
    ),
    ("local::numpy", "local::numpy", "MultiChannel", 'Channel("local")', "local", []),
    ("mychan/label/x::numpy", "mychan/label/x::numpy", "Channel", 'Channel("mychan/label/x")', "mychan/label/x", []),
    ("mychan/linux-64::numpy", "mychan/linux-64::numpy", "Channel", 'Channel("mychan")', "mymulti", [4]),
    ("mychan::numpy", "mychan::numpy", "Channel", 'Channel("mychan")', "mymulti", [4, 13]),
    (
        "mymulti/linux-64::numpy",
        "mymulti/linux-64::numpy",
        "MultiChannel",
        'Channel("mymulti")',
        "mymulti",
        [0, 4, 5, 7, 11],
    ),
    ("mymulti::numpy", "mymulti::numpy", "MultiChannel", 'Channel("mymulti")', "mymulti", [0, 4, 5, 7, 11, 13]),
    ("numpy", "numpy", None, None, None, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
    ("numpy[channel='^conda-f.*$']", "numpy[channel=^conda-f.*$]", None, None, None, [14]),
    ("numpy[channel=c*]", "numpy[channel=c*]", None, None, None, [14]),
    (
        "numpy[channel=conda-forge,subdir=linux-64]",
        "conda-forge/linux-64::numpy",
        "Channel",
        'Channel("conda-forge")',
        "mymulti",
        [0, 5, 11],
    ),
    (
        "numpy[channel=conda-forge/linux-64]",
        "conda-forge/linux-64::numpy",
        "Channel",
        'Channel("conda-forge")',
        "mymulti",
        [0, 5, 11],
    ),
    ("numpy[channel=conda-forge]", "conda-forge::numpy", "Channel", 'Channel("conda-forge")', "mymulti", [0, 5, 11]),
    ("numpy[channel=defaults]", "defaults::numpy", "MultiChannel", 'Channel("defaults")', "defaults", [1, 2, 12]),
    (
        "numpy[channel=https://conda.anaconda.org/conda-forge/linux-64]",
        "conda-forge/linux-64::numpy",
        "Channel",
        'Channel("conda-forge")',
        "mymulti",
        [0, 5, 11],
    ),
    (
        "numpy[channel=https://private.example.com/sub/mychan]",
        "mychan::numpy",
        "Channel",
        'Channel("mychan")',
        "mymulti",
        [4, 13],
    ),
    ("numpy[channel=mychan]", "mychan::numpy", "Channel", 'Channel("mychan")', "mymulti", [4, 13]),
    ("pkgs/free::numpy", "pkgs/free::numpy", "Channel", 'Channel("pkgs/free")', "pkgs/free", [3]),
    (
        "pkgs/main/linux-64::numpy 1.8.1 py27_0",
        "pkgs/main/linux-64::numpy==1.8.1=py27_0",
        "Channel",
        'Channel("pkgs/main")',
        "defaults",
        [1],
    ),
    ("pkgs/main::numpy", "pkgs/main::numpy", "Channel", 'Channel("pkgs/main")', "defaults", [1]),
    ("pkgs/r::numpy", "pkgs/r::numpy", "Channel", 'Channel("pkgs/r")', "defaults", [2]),
]


def _channel_records() -> list[dict]:
    base = {"name": "numpy", "version": "1.8.1", "build": "py27_0", "build_number": 0, "subdir": "linux-64"}
    return [dict(base, **extra) for extra in CHANNEL_RECORDS]


def _check_channel_row(
    spec: str, text: str, kind: str | None, channel_repr: str | None, canonical: str | None, matches: list[int]
) -> None:
    ms = MatchSpec(spec)
    assert str(ms) == text
    assert repr(ms) == f'MatchSpec("{text}")'
    exact = ms.get_exact_value("channel")
    if kind is None:
        assert exact is None
    else:
        assert isinstance(exact, Channel)
        assert type(exact).__name__ == kind
        assert repr(exact) == channel_repr
        assert exact.canonical_name == canonical
        assert ms.get_raw_value("channel") is exact
    dicts = _channel_records()
    assert [i for i, r in enumerate(dicts) if ms.match(r)] == matches
    records = [PackageRecord(**r) for r in dicts]
    assert [i for i, r in enumerate(records) if ms.match(r)] == matches
    if not text.startswith("::"):  # a channel without a name prints as '::name', which conda reads as no channel
        assert str(MatchSpec(str(ms))) == text
    assert pickle.loads(pickle.dumps(ms)) == ms


@pytest.mark.parametrize(("spec", "text", "kind", "channel_repr", "canonical", "matches"), DEFAULT_CHANNEL_TABLE)
def test_channels_like_conda(
    spec: str, text: str, kind: str | None, channel_repr: str | None, canonical: str | None, matches: list[int]
) -> None:
    _check_channel_row(spec, text, kind, channel_repr, canonical, matches)


@pytest.mark.parametrize(("spec", "text", "kind", "channel_repr", "canonical", "matches"), CUSTOM_CHANNEL_TABLE)
def test_channels_like_conda_with_a_condarc(
    use_condarc: Callable[[str], Path],
    spec: str,
    text: str,
    kind: str | None,
    channel_repr: str | None,
    canonical: str | None,
    matches: list[int],
) -> None:
    use_condarc(CUSTOM_CONDARC)
    _check_channel_row(spec, text, kind, channel_repr, canonical, matches)


def test_channel_keywords_and_dist_strings(use_condarc: Callable[[str], Path]) -> None:
    ms = MatchSpec(name="numpy", channel=Channel("conda-forge/linux-64"))
    assert str(ms) == "conda-forge::numpy"
    assert repr(ms.get_exact_value("channel")) == 'Channel("conda-forge/linux-64")'
    # a channel keyword keeps the whole Channel; a spec string keeps only its name
    ms = MatchSpec("numpy", channel="https://private.example.com/sub/mychan")
    assert str(ms) == "sub/mychan::numpy"
    assert ms.get_exact_value("channel").base_url == "https://private.example.com/sub/mychan"
    ms = MatchSpec("https://private.example.com/sub/mychan::numpy")
    assert ms.get_exact_value("channel").base_url == "https://conda.anaconda.org/sub/mychan"
    assert isinstance(MatchSpec("numpy", channel="defaults").get_exact_value("channel"), MultiChannel)
    ms = MatchSpec.from_dist_str("https://example.com/chan::numpy-1.0-0.conda")
    assert str(ms) == "chan::numpy==1.0=0"
    assert ms.get_exact_value("channel").base_url == "https://example.com/chan"

    use_condarc(CUSTOM_CONDARC)
    ms = MatchSpec("numpy", channel="https://private.example.com/sub/mychan")
    assert str(ms) == "mychan::numpy"
    assert ms.get_exact_value("channel").canonical_name == "mymulti"
    assert isinstance(MatchSpec("numpy", channel="mymulti").get_exact_value("channel"), MultiChannel)
    ms = MatchSpec.from_dist_str("conda-forge/linux-64::numpy-1.0-0")
    assert str(ms) == "conda-forge/linux-64::numpy==1.0=0"
    assert ms.get_exact_value("channel").base_url == "https://cf.example.net/conda-forge"


def test_merging_specs_with_channels() -> None:
    merged = MatchSpec.merge(["conda-forge::numpy", "conda-forge::numpy>1", "defaults::scipy", "scipy 1.*"])
    assert [str(m) for m in merged] == ["conda-forge::numpy[version='>1']", "defaults::scipy=1"]
    assert isinstance(merged[0].get_exact_value("channel"), Channel)
    with pytest.raises(ValueError, match=r'Incompatible component merge:\n  - Channel\("bioconda"\)'):
        MatchSpec.merge(["conda-forge::numpy", "bioconda::numpy"])
    assert [str(m) for m in MatchSpec.union(["conda-forge::numpy", "bioconda::numpy"])] == [
        "bioconda|conda-forge::numpy"
    ]


def test_equality_by_channel_name() -> None:
    assert MatchSpec("conda-forge::numpy") == MatchSpec("https://conda.anaconda.org/conda-forge::numpy")
    assert hash(MatchSpec("conda-forge::numpy")) == hash(MatchSpec("https://conda.anaconda.org/conda-forge::numpy"))
    assert MatchSpec("defaults::numpy") != MatchSpec("pkgs/main::numpy")
    assert MatchSpec(name="numpy", channel=Channel("conda-forge/linux-64")) == MatchSpec("conda-forge::numpy")


def test_parse_caches_follow_the_configuration(use_condarc: Callable[[str], Path]) -> None:
    from conda_exports.configuration import reset_context

    other = dict(RECORD, channel="https://third.example.org/other/linux-64")
    before = MatchSpec("mychan::numpy")
    assert before.get_exact_value("channel").base_url == "https://conda.anaconda.org/mychan"
    assert str(MatchSpec("https://my.mirror.org/api/bioconda::numpy")) == "api/bioconda::numpy"
    assert not MatchSpec("mymulti::numpy").match(other)

    use_condarc(CUSTOM_CONDARC)
    after = MatchSpec("mychan::numpy")
    assert after is not before
    assert after.get_exact_value("channel").base_url == "https://private.example.com/sub/mychan"
    assert str(MatchSpec("https://my.mirror.org/api/bioconda::numpy")) == "bioconda::numpy"
    assert MatchSpec("bioconda::numpy").get_exact_value("channel").base_url == "https://my.mirror.org/api/bioconda"
    assert MatchSpec("mymulti::numpy").match(other)
    assert MatchSpec("mymulti::numpy") is MatchSpec("mymulti::numpy")  # cached again until the next reset

    reset_context(())
    assert MatchSpec("mychan::numpy").get_exact_value("channel").base_url == "https://conda.anaconda.org/mychan"
    assert not MatchSpec("mymulti::numpy").match(other)


def test_invalid_channel_is_an_invalid_spec() -> None:
    # conda lets urllib's ValueError('Invalid IPv6 URL') out
    with pytest.raises(InvalidMatchSpec, match="Invalid IPv6 URL"):
        MatchSpec("http://[::1::numpy")


# -- union order, the two kernels, linear time ---------------------------------------

_UNION_SCRIPT = """
from conda_exports import MatchSpec
cases = [
    ["foo[build_number=1]", "foo[build_number=2]"],
    ["foo[build_number=2]", "foo[build_number=1]"],
    ["foo[build_number=0]", "foo[build_number=0]"],
    ["foo[build_number=3]", "foo[build_number=1]", "foo[build_number=2]"],
    ["foo[md5=b]", "foo[md5=a]"],
    ["foo[build=b]", "foo[build=a]"],
]
for specs in cases:
    print([str(s) for s in MatchSpec.union(specs)])
for specs in (["foo[build_number=1]", "foo[build_number='>=2']"],):
    try:
        MatchSpec.union(specs)
    except Exception as exc:
        print(type(exc).__name__, exc)
"""


def test_union_is_deterministic_and_as_conda(backend: str) -> None:
    """conda 25.1 gives 1|2, 1|2|3 and 0|0 for build numbers under every PYTHONHASHSEED (and a
    seed-dependent order for strings, of which this is one)."""
    import os
    import subprocess
    import sys

    import conda_exports

    package_root = str(Path(conda_exports.__file__).resolve().parent.parent)
    outputs = set()
    for seed in ("0", "1", "2", "3", "17"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=package_root, CONDA_EXPORTS_BACKEND=backend)
        out = subprocess.run(
            [sys.executable, "-c", _UNION_SCRIPT], env=env, capture_output=True, text=True, check=True
        ).stdout
        outputs.add(out)
    assert len(outputs) == 1
    lines = outputs.pop().splitlines()
    assert lines[:6] == [
        "['foo[build_number=1|2]']",
        "['foo[build_number=1|2]']",
        "['foo[build_number=0|0]']",
        "['foo[build_number=1|2|3]']",
        "['foo[md5=a|b]']",
        "[\"foo[build='a|b']\"]",
    ]
    assert lines[6].startswith("InvalidMatchSpec") and "build_number=>=2|1" in lines[6]


def test_conda_build_form_needs_a_version() -> None:
    with pytest.raises(ValueError, match="has a build but no version"):
        MatchSpec("numpy[build=py27_0]").conda_build_form()
    with pytest.raises(ValueError):
        MatchSpec(name="numpy", build="py27_0").spec  # noqa: B018
    assert MatchSpec("numpy * py27_0").spec == "numpy * py27_0"


@pytest.mark.parametrize(
    ("spec", "text", "fn"),
    [
        # conda's is_url wants a lower-case scheme and a numeric port: these are paths
        ("HTTPS://x/linux-64/a-1-0.conda", "x/linux-64::a==1=0", "a-1-0.conda"),
        ("https://x:y/linux-64/a-1-0.conda", "x:y/linux-64::a==1=0", "a-1-0.conda"),
        ("/tmp/x/a\t-1-0.conda", "*[url=file:///tmp/x/a\t-1-0.conda]", "a-1-0.conda"),
        ("https://x/linux-64/a\t-1-0.conda", "/linux-64::a\t==1=0", "a\t-1-0.conda"),
        ("https://x/y:::a-1-0.conda", "*[url=https://x/y:::a-1-0.conda]", "y:::a-1-0.conda"),
    ],
)
def test_package_urls_like_conda(spec: str, text: str, fn: str) -> None:
    ms = MatchSpec(spec)
    if not spec.startswith("https://x:y") and not spec.startswith("HTTPS"):
        assert str(ms) == text
    assert ms.get_raw_value("fn") == fn


def _outcome(text: str) -> tuple:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ms = MatchSpec(text)
            return ("ok", str(ms), repr(ms), ms.name, ms.strictness, ms.match(RECORD), ms == MatchSpec(str(ms)))
        except Exception as exc:  # noqa: BLE001 -- the type and message are what is compared
            return (type(exc).__name__, str(exc))


_spec_text = st.one_of(
    st.text(max_size=40),
    st.lists(
        st.sampled_from(
            [*"ab1.2*=<>!~,| []()'\"^$:/@#-_+\t\n\x00", "\ud800", "é", "foo", "::", "[version=", ".conda", " if "]
        ),
        max_size=16,
    ).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(_spec_text)
def test_both_backends_agree_on_any_text(text: str) -> None:
    rust, python = on_both_backends(_outcome, text)
    assert rust == python


@settings(max_examples=300, deadline=None)
@given(_spec_text)
def test_kernels_split_alike(text: str) -> None:
    from conda_exports import _backend
    from conda_exports._fallback import match_spec as fallback

    core = _backend._load_extension()
    if core is None:
        pytest.skip("the compiled extension is not installed")
    parts = core.split_spec(text)
    if parts is not None:
        assert fallback.split_spec(text)[:5] == (*parts[:4], list(parts[4]))


ADVERSARIAL = [
    "foo[" + "a=" * 200_000 + "'" + "]",
    "foo[" + "a" * 300_000 + "]",
    "foo[" + "a='" * 100_000 + "]",
    "foo[" + "a=b " * 100_000 + "]",
    "foo" + "[" * 300_000,
    "foo" + "(" * 300_000 + ")",
    "foo " + "1.a " * 100_000 + "-",
    "foo " + "1 =" * 100_000,
    "foo " + "a" * 300_000 + " b",
    "x" * 300_000 + ">",
    ":" * 300_000 + "foo",
    "foo >=1" + ",<2" * 50_000,
    "foo[version='" + "1|" * 50_000 + "1']",
    "\n".join(["foo[a=1]"] * 50_000),
]


@pytest.mark.parametrize("index", range(len(ADVERSARIAL)))
def test_large_adversarial_specs_parse_in_linear_time(index: int) -> None:
    """Each would take minutes with a quadratic step (conda's regexes backtrack on them)."""
    text = ADVERSARIAL[index]
    try:
        ms = MatchSpec(text)
        ms.match(RECORD)
    except InvalidSpec:
        pass


def test_kernel_knows_the_package_extensions() -> None:
    from conda_exports._fallback import match_spec as fallback
    from conda_exports._url import PACKAGE_EXTENSIONS

    assert fallback.PACKAGE_EXTENSIONS == PACKAGE_EXTENSIONS


@pytest.mark.parametrize(("unit", "expanded"), [("${", "${"), ("$V", "v"), ("${V}", "v")])
def test_a_package_file_spec_full_of_variables_takes_linear_time(
    monkeypatch: pytest.MonkeyPatch, unit: str, expanded: str
) -> None:
    """~1 MB of ``${`` with no ``}`` after them (each one a search to the end of the text in the
    standard library's expandvars) or of ``$V`` (each one a copy of the text there): minutes
    to hours; if this test hangs, the expansion of a package file spec has become quadratic again."""
    monkeypatch.setenv("V", "v")
    count = 1_000_000 // len(unit)
    spec = MatchSpec("/ch/linux-64/" + unit * count + "-1-0.conda")
    assert spec.get_raw_value("fn") == expanded * count + "-1-0.conda"


def _conda_glob_matches(value: str, text: str) -> bool:
    """conda's glob: the regular expression it compiles, the reference for ``Glob``."""
    import re

    return re.match("^(?:{})$".format(re.escape(value).replace(r"\*", ".*")), text) is not None


@pytest.mark.one_backend
@settings(max_examples=2000, deadline=None)
@given(
    st.text(alphabet="ab*\n\\.$", min_size=1, max_size=8).map(lambda v: v if "*" in v else v + "*"),
    st.text(alphabet="ab\n\\.$*", max_size=10),
)
def test_globs_match_as_condas_pattern(value: str, text: str) -> None:
    from conda_exports.models._glob import Glob

    glob = Glob(value)
    for candidate in (text, value.replace("*", text), value.replace("*", "a") + "\n"):
        assert (glob.match(candidate) is not None) is _conda_glob_matches(value, candidate)


def test_a_glob_of_many_stars_takes_linear_time() -> None:
    """A build glob of 250k stars against a 1 MB build string (and one of 20 stars, which alone
    takes conda's regular expression longer than the universe has existed): if this test
    hangs, glob matching backtracks again."""
    many, few = "*a" * 250_000 + "*b", "*a" * 20 + "*b"
    for glob in (many, few):
        spec = MatchSpec(f"x 1 {glob}")
        for build, expected in (("a" * 1_000_000, False), ("a" * 1_000_000 + "b", True), ("ab" * 500_000, True)):
            assert spec.match({"name": "x", "version": "1", "build": build, "build_number": 0}) is expected
    assert MatchSpec(name="*a" * 20 + "*B").match({"name": "a" * 100 + "b", "version": "1", "build": "0"})
    with pytest.raises(ValueError, match="Incompatible component merge"):
        MatchSpec.merge([f"x 1 {few}", "x 1 " + "a" * 100])


@pytest.mark.one_backend
@settings(max_examples=1000, deadline=None)
@given(
    st.text(alphabet="ab*-/:\n", min_size=1, max_size=8).map(lambda v: v if "*" in v else v + "*"),
    st.text(alphabet="ab-/:\n", max_size=10),
)
def test_channel_globs_match_as_condas_pattern(value: str, text: str) -> None:
    """A channel glob is used unescaped (``.`` is any character there); with no such character
    in it, the glob matcher gives the answers of conda's pattern."""
    import re

    from conda_exports.models._spec_matchers import ChannelMatch

    pattern = ChannelMatch(value)._re
    for candidate in (text, value.replace("*", text)):
        expected = re.match("^(?:{})$".format(value.replace("*", ".*")), candidate) is not None
        assert (pattern.match(candidate) is not None) is expected  # type: ignore[union-attr]


def test_a_channel_glob_of_many_stars_takes_linear_time() -> None:
    """A channel glob of 20 stars against a 1 MB channel URL: conda's pattern backtracks
    exponentially in the stars; if this test hangs, it does again."""
    spec = MatchSpec("x[channel='" + "*a" * 20 + "*b']")
    for channel, expected in (("https://h/" + "a" * 1_000_000, False), ("https://h/" + "a" * 1_000_000 + "b", True)):
        assert spec.match({"name": "x", "version": "1", "build": "0", "channel": channel}) is expected
