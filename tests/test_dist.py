"""Dist: conda 25.1's parsing, fields, str, equality/hash quirks and conversions.

The table's expected values are what conda 25.1 returns for the same strings.
"""

from __future__ import annotations

import pickle

import pytest
from conda_exports import Dist, PackageRecord
from conda_exports.exceptions import CondaError, RecordValidationError
from conda_exports.models.dist import dist_str_to_quad

# value, str(), dist_name, name, version, build_string, build_number, fmt, base_url, platform
TABLE = [
    ("conda-forge::numpy-1.21.0-py39h1234_0", "conda-forge::numpy-1.21.0-py39h1234_0", "numpy-1.21.0-py39h1234_0", "numpy", "1.21.0", "py39h1234_0", 0, "", None, None),
    ("numpy-1.21.0-py39h1234_0.tar.bz2", "<unknown>::numpy-1.21.0-py39h1234_0", "numpy-1.21.0-py39h1234_0", "numpy", "1.21.0", "py39h1234_0", 0, ".tar.bz2", None, None),
    ("numpy-1.21.0-py39h1234_0.conda", "<unknown>::numpy-1.21.0-py39h1234_0", "numpy-1.21.0-py39h1234_0", "numpy", "1.21.0", "py39h1234_0", 0, ".conda", None, None),
    ("zlib-1.2.11-h7b6447c_3", "<unknown>::zlib-1.2.11-h7b6447c_3", "zlib-1.2.11-h7b6447c_3", "zlib", "1.2.11", "h7b6447c_3", 3, "", None, None),
    ("zlib-1.2.11-h7b6447c", "<unknown>::zlib-1.2.11-h7b6447c", "zlib-1.2.11-h7b6447c", "zlib", "1.2.11", "h7b6447c", 76447, "", None, None),
    ("foo-1.0", "<unknown>::foo-1.0", "foo-1.0", "foo", "1.0", "", 0, "", None, None),
    ("a::b::c-1-0", "a::b::c-1-0", "c-1-0", "c", "1", "0", 0, "", None, None),
    ("x-1-py_2_3", "<unknown>::x-1-py_2_3", "x-1-py_2_3", "x", "1", "py_2_3", 3, "", None, None),
    ("x-1-abc_", "<unknown>::x-1-abc_", "x-1-abc_", "x", "1", "abc_", 0, "", None, None),
    ("feat@", "@::feat@", "feat@", "feat@", "", "", 0, ".tar.bz2", None, None),
    ("https://conda.anaconda.org/conda-forge/linux-64/numpy-1.21.0-py39h1234_0.conda", "conda-forge::numpy-1.21.0-py39h1234_0", "numpy-1.21.0-py39h1234_0", "numpy", "1.21.0", "py39h1234_0", 0, ".conda", "https://conda.anaconda.org/conda-forge", "linux-64"),
    ("https://repo.anaconda.com/pkgs/main/noarch/affine-2.1.0-pyh128a3a6_1.tar.bz2", "defaults::affine-2.1.0-pyh128a3a6_1", "affine-2.1.0-pyh128a3a6_1", "affine", "2.1.0", "pyh128a3a6_1", 1, ".tar.bz2", "https://repo.anaconda.com/pkgs/main", "noarch"),
    ("https://example.com/chan/numpy-1.0-0.tar.bz2", "<unknown>::numpy-1.0-0", "numpy-1.0-0", "numpy", "1.0", "0", 0, ".tar.bz2", "https://example.com/chan", None),
    ("https://example.com/chan::numpy-1.0-0", "https://example.com/chan::numpy-1.0-0", "numpy-1.0-0", "numpy", "1.0", "0", 0, "", "https://example.com/chan", "linux-64"),
    ("file:///tmp/chan/linux-64/zlib-1.2.11-0.tar.bz2", "file:///tmp/chan::zlib-1.2.11-0", "zlib-1.2.11-0", "zlib", "1.2.11", "0", 0, ".tar.bz2", "file:///tmp/chan", "linux-64"),
    ("/tmp/chan/linux-64/zlib-1.2.11-0.tar.bz2", "<unknown>::/tmp/chan/linux-64/zlib-1.2.11-0", "/tmp/chan/linux-64/zlib-1.2.11-0", "zlib", "1.2.11", "0", 0, ".tar.bz2", None, None),
    ("  spaced-1-0 extra", "<unknown>::spaced-1-0", "spaced-1-0", "spaced", "1", "0", 0, "", None, None),
    ("pkg-1-0[feat]", "<unknown>::pkg-1-0", "pkg-1-0", "pkg", "1", "0", 0, "", None, None),
    ("defaults::pkg-1-0", "defaults::pkg-1-0", "pkg-1-0", "pkg", "1", "0", 0, "", None, None),
    ("x-1-0.tar.bz2.conda", "<unknown>::x-1-0", "x-1-0", "x", "1", "0", 0, ".tar.bz2.conda", None, None),
    ("x-1-0.conda.tar.bz2", "<unknown>::x-1-0.conda", "x-1-0.conda", "x", "1", "0", 0, ".tar.bz2", None, None),
    ("chan/sub::pkg-2-py_7", "chan/sub::pkg-2-py_7", "pkg-2-py_7", "pkg", "2", "py_7", 7, "", None, None),
    ("pkg-1-py27h1a2b3c4_11", "<unknown>::pkg-1-py27h1a2b3c4_11", "pkg-1-py27h1a2b3c4_11", "pkg", "1", "py27h1a2b3c4_11", 11, "", None, None),
    ("python-3.11.4-h2755cc3_0_cpython", "<unknown>::python-3.11.4-h2755cc3_0_cpython", "python-3.11.4-h2755cc3_0_cpython", "python", "3.11.4", "h2755cc3_0_cpython", 0, "", None, None),
]  # fmt: skip


@pytest.fixture(autouse=True)
def linux_64(use_condarc) -> None:
    use_condarc("subdir: linux-64\n")


@pytest.mark.parametrize("row", TABLE, ids=[r[0] for r in TABLE])
def test_parse_table(row: tuple) -> None:
    value, text, dist_name, name, version, build_string, build_number, fmt, base_url, platform = row
    dist = Dist(value)
    assert str(dist) == text
    assert (dist.dist_name, dist.name, dist.version, dist.build_string, dist.build_number) == (
        dist_name,
        name,
        version,
        build_string,
        build_number,
    )
    assert (dist.fmt, dist.base_url, dist.platform) == (fmt, base_url, platform)
    assert dist.dump() == {
        "channel": text.rsplit("::", 1)[0] if "::" in text else None,
        "dist_name": dist_name,
        "name": name,
        "fmt": fmt,
        "version": version,
        "build_string": build_string,
        "build_number": build_number,
        "base_url": base_url,
        "platform": platform,
    }


@pytest.mark.parametrize("bad", ["noversion", "", "https://x.org/notapkg", "   "])
def test_invalid_dists(bad: str) -> None:
    with pytest.raises(CondaError):
        Dist(bad)


def test_equality_ignores_the_format_but_the_hash_does_not() -> None:
    bz2, conda = Dist("a-1-0.tar.bz2"), Dist("a-1-0.conda")
    assert bz2 == conda and not (bz2 != conda)
    assert hash(bz2) != hash(conda)
    assert len({bz2: 1, conda: 2}) == 2
    assert Dist("c::a-1-0") != Dist("d::a-1-0") and Dist("c::a-1-0") != "c::a-1-0"


def test_ordering_by_channel_then_name() -> None:
    dists = [Dist("c::b-1-0"), Dist("b::z-1-0"), Dist("c::a-1-0")]
    assert [str(d) for d in sorted(dists)] == ["b::z-1-0", "c::a-1-0", "c::b-1-0"]
    assert Dist("c::a-1-0") <= Dist("c::a-1-0") and Dist("c::b-1-0") > Dist("c::a-1-0")
    with pytest.raises(TypeError):
        Dist("c::a-1-0") < "c::b-1-0"  # noqa: B015


def test_cache_returns_the_same_object() -> None:
    assert Dist("x-1-0") is Dist("x-1-0")
    dist = Dist("x-1-0")
    assert Dist(dist) is dist


def test_fields_are_immutable() -> None:
    dist = Dist("c::a-1-0")
    with pytest.raises(AttributeError, match="immutable"):
        dist.name = "b"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del dist.channel


def test_keyword_construction_validates() -> None:
    dist = Dist(channel="c", dist_name="a-1-0", name="a", version="1", build_string="0", build_number=0)
    assert str(dist) == "c::a-1-0" and dist.fmt == ".tar.bz2"
    with pytest.raises(RecordValidationError):
        Dist(channel="c", dist_name="a-1-0", name="a", version="1", build_string="0", build_number="0")
    with pytest.raises(RecordValidationError):
        Dist(channel="c")


def test_from_a_record_uses_fn_and_canonical_channel() -> None:
    rec = PackageRecord(
        name="zlib",
        version="1.2.11",
        build="h7b6447c_3",
        build_number=3,
        channel="https://repo.anaconda.com/pkgs/main/linux-64",
        fn="zlib-1.2.11-h7b6447c_3.conda",
    )
    dist = Dist(rec)
    assert str(dist) == "defaults::zlib-1.2.11-h7b6447c_3" and dist.fmt == ".conda" and dist.build_number == 3
    assert dist.base_url is None and dist.platform is None
    assert dist.to_matchspec() == "zlib 1.2.11 h7b6447c_3"
    assert Dist(rec) is dist


def test_from_a_record_with_unusual_file_names() -> None:
    base = {"name": "x", "version": "1", "build": "0", "build_number": 0, "channel": "conda-forge"}
    cases = {
        "x-1-0.conda.tar.bz2": ("x-1-0.conda", ".tar.bz2", 0),
        "sub/x-1-0.conda": ("sub/x-1-0", ".conda", 0),
        "x-1": ("x-1", "", 0),
        "x-1-h1a2b": ("x-1-h1a2b", "", 12),
        "x-1-0[f]": ("x-1-0", "", 0),
    }
    for fn, expected in cases.items():
        Dist._cache_.clear()
        dist = Dist(PackageRecord(**base, fn=fn))
        assert (dist.dist_name, dist.fmt, dist.build_number) == expected, fn
    Dist._cache_.clear()
    with pytest.raises(CondaError):
        Dist(PackageRecord(**base, fn="x"))


def test_to_package_ref() -> None:
    ref = Dist("https://conda.anaconda.org/conda-forge/linux-64/numpy-1.21.0-py39h1234_0.conda").to_package_ref()
    assert isinstance(ref, PackageRecord)
    assert (ref.name, ref.version, ref.build, ref.build_number, ref.subdir) == (
        "numpy",
        "1.21.0",
        "py39h1234_0",
        0,
        "linux-64",
    )
    assert ref.channel.canonical_name == "conda-forge"


def test_to_url_and_filenames() -> None:
    dist = Dist("https://conda.anaconda.org/conda-forge/linux-64/numpy-1.21.0-py39h1234_0.conda")
    assert dist.to_url() == "https://conda.anaconda.org/conda-forge/linux-64/numpy-1.21.0-py39h1234_0.conda"
    assert dist.fn == dist.to_filename() == "numpy-1.21.0-py39h1234_0.conda" and dist.is_channel
    assert Dist("c::a-1-0").to_url() is None and Dist("feat@").to_filename() == "feat@"
    assert Dist("c::a-1-0").quad == ("a", "1", "0", "c") and Dist("c::a-1-0").pair == ("c", "a-1-0")
    assert Dist("c::a-1-0").full_name == "c::a-1-0" and Dist("c::a-1-0").build == "0"


def test_string_compatibility_methods() -> None:
    dist = Dist("c::a-1-0")
    assert "a-1" in dist and "c::a" in dist and "a-1-0.conda" in dist and "zz" not in dist
    assert dist.split("::") == ["c", "a-1-0"] and dist.rsplit("-", 2) == ("c::a", "1", "0")
    assert dist.startswith("a-")


def test_pickle_and_repr() -> None:
    dist = Dist("https://conda.anaconda.org/conda-forge/linux-64/numpy-1.21.0-py39h1234_0.conda")
    again = pickle.loads(pickle.dumps(dist))
    assert again == dist and again.dump() == dist.dump() and hash(again) == hash(dist)
    assert repr(Dist("c::a-1-0")) == (
        "Dist(channel='c', dist_name='a-1-0', name='a', fmt='', version='1', build_string='0', "
        "build_number=0, base_url=None, platform=None)"
    )


def test_dist_str_to_quad() -> None:
    assert dist_str_to_quad("c::a-1-0.conda") == ("a", "1", "0", "c")
    assert dist_str_to_quad("a-1-0") == ("a", "1", "0", "<unknown>")
    with pytest.raises(CondaError):
        dist_str_to_quad("a-1")


def test_unhashable_value() -> None:
    with pytest.raises(CondaError):
        Dist({"name": "a"})  # type: ignore[arg-type]


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(
    ["a", "-", "_", ".", "1", "::", "/", "@", "[", "]", " ", "é", ".conda", ".tar.bz2", "https://", "linux-64", "%"]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=20), st.lists(_PIECES, max_size=10).map("".join)))
def test_arbitrary_strings_parse_or_raise_conda_error(text: str) -> None:
    Dist._cache_.clear()
    try:
        dist = Dist(text)
    except CondaError:
        return
    assert str(dist).endswith(dist.dist_name) and isinstance(dist.build_number, int)
    assert dist.build_number >= 0 and isinstance(hash(dist), int)


def test_url_with_a_colon_before_the_separator_like_conda() -> None:
    # conda: the file after the last "::", the channel before the first "::" of the rest
    d = Dist("https://x/y:::a-1-0")
    assert (d.channel, d.dist_name, d.name, d.version, d.build) == ("https://x/y:", "a-1-0", "a", "1", "0")
    assert str(d) == "https://x/y:::a-1-0"
