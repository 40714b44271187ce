"""MatchSpec against conda 25.1's behaviour.

Tables were checked against the reference conda; tests/data/grammar/depends.json holds real
depends entries with the reference's canonical str() and match results.
"""

from __future__ import annotations

import json
import pickle
import warnings

import pytest
from conda_exports import InvalidMatchSpec, MatchSpec
from conda_exports.exceptions import CondaError, InvalidSpec
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
    class Chan:
        name = "pkgs/main"
        canonical_name = "defaults"

    rec = dict(RECORD, channel=Chan())
    assert MatchSpec("defaults::numpy").match(rec)
    assert MatchSpec("pkgs/main::numpy").match(rec)
    assert not MatchSpec("conda-forge::numpy").match(rec)
    rec = dict(RECORD, channel="https://repo.anaconda.com/pkgs/main/linux-64")
    assert MatchSpec("defaults::numpy").match(rec)
    assert MatchSpec("pkgs/main::numpy").match(rec)
    # without a channel a dict record is from channel '<unknown>'
    rec = {k: v for k, v in RECORD.items() if k not in ("channel", "url")}
    assert not MatchSpec("conda-forge::numpy").match(rec)
    assert MatchSpec("numpy[fn=numpy-1.8.1-py27_0.tar.bz2]").match(rec)


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
