"""The small helpers of conda.exports; expected values are conda 25.1's."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conda_exports import _toposort, cache_fn_url, human_bytes, spec_from_line, specs_from_url, url_path
from conda_exports.exceptions import CondaFileIOError, CondaValueError


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 B"),
        (1, "1 B"),
        (1023, "1023 B"),
        (1024, "1 KB"),
        (1535, "1 KB"),
        (1536, "2 KB"),
        (1048575, "1024 KB"),
        (1048576, "1.0 MB"),
        (10004242, "9.5 MB"),
        (100000004242, "93.13 GB"),
        (1 << 40, "1024.00 GB"),
        (-5, "-5 B"),
        (2.7, "2 B"),
    ],
)
def test_human_bytes(n: float, text: str) -> None:
    assert human_bytes(n) == text


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("/a/b c", "file:///a/b c"),
        ("/tmp/a b/é", "file:///tmp/a%20b/%C3%A9"),
        ("/x/../y", "file:///y"),
        ("/x/y/", "file:///x/y"),
        ("file:///already/a/url", "file:///already/a/url"),
    ],
)
def test_url_path(path: str, url: str) -> None:
    assert url_path(path) == url


def test_url_path_relative_and_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert url_path("rel/x") == "file://" + str(tmp_path / "rel" / "x")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert url_path("~/x") == "file://" + os.path.join(str(tmp_path), "x")


@pytest.mark.parametrize("bad", ["", "file:///é"])
def test_url_path_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        url_path(bad)


@pytest.mark.parametrize(
    ("line", "spec"),
    [
        ("numpy", "numpy"),
        ("numpy=1.2", "numpy 1.2"),
        ("numpy=1.2=py_0", "numpy 1.2 py_0"),
        ("NumPy >= 1.0", "numpy >=1.0"),
        ("foo ~= 1.2.3", "foo >=1.2.3,==1.2.*"),
        ("foo==1.0  # comment", "foo ==1.0"),
        ("# only", None),
        ("foo bar", None),
        ("foo !=1.0", "foo !=1.0"),
        ("foo<2", "foo <2"),
        ("foo ~=1.2", "foo ~=1.2"),
        ("foo=1=2=3", None),
        ("foo>1, <2", "foo >1,<2"),
        ("", None),
    ],
)
def test_spec_from_line(line: str, spec: str | None) -> None:
    assert spec_from_line(line) == spec


def test_spec_from_line_compatible_release_without_a_dot() -> None:
    with pytest.raises(CondaValueError, match="No '.'"):
        spec_from_line("foo ~= 1")


def test_specs_from_url_requirements_and_explicit(tmp_path: Path) -> None:
    reqs = tmp_path / "reqs.txt"
    reqs.write_text("# a comment\n\nnumpy=1.21\nscipy >= 1.7  # trailing\nzlib\n", encoding="utf-8")
    assert specs_from_url(str(reqs)) == ["numpy 1.21", "scipy >=1.7", "zlib"]
    assert specs_from_url(url_path(str(reqs))) == ["numpy 1.21", "scipy >=1.7", "zlib"]
    explicit = tmp_path / "explicit.txt"
    url = (
        "https://conda.anaconda.org/conda-forge/linux-64/zlib-1.2.13-hd590300_5.conda#68c34ec6149623be41a1933ab996a209"
    )
    explicit.write_text(f"# platform: linux-64\n@EXPLICIT\n{url}\n", encoding="utf-8")
    assert specs_from_url(str(explicit)) == ["@EXPLICIT", url]


def test_specs_from_url_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("numpy\nthis is not a spec\n", encoding="utf-8")
    with pytest.raises(CondaValueError, match="this is not a spec"):
        specs_from_url(str(bad))
    missing = str(tmp_path / "missing.txt")
    with pytest.raises(CondaFileIOError, match="missing.txt") as info:
        specs_from_url(missing)
    assert isinstance(info.value, OSError)


def test_toposort_orders_and_mutates_like_conda() -> None:
    data = {"a": {"b", "c"}, "b": {"c"}, "c": set(), "d": {"d", "x"}}
    assert list(_toposort(data)) == ["c", "x", "b", "d", "a"]
    assert data == {}
    assert list(_toposort({})) == []


def test_toposort_cycle() -> None:
    with pytest.raises(CondaValueError, match="Cyclic dependencies exist among these items: 'a' -> 'b'"):
        list(_toposort({"a": {"b"}, "b": {"a"}, "c": set()}))


def test_toposort_real_dependency_graph(data_dir: Path) -> None:
    import json

    from conda_exports import PrefixRecord

    records = [
        PrefixRecord(**json.loads(p.read_text())) for p in sorted((data_dir / "models" / "conda-meta").glob("*.json"))
    ]
    names = {r.name for r in records}
    graph = {r.name: {d.split()[0] for d in r.depends} & names for r in records}
    order = list(_toposort({k: set(v) for k, v in graph.items()}))
    assert sorted(order) == sorted(names)
    for name, needs in graph.items():
        assert all(order.index(n) < order.index(name) for n in needs)


@pytest.mark.parametrize(
    ("url", "fn", "expected"),
    [
        ("https://repo.anaconda.com/pkgs/main/linux-64", "repodata.json", "47929eba.json"),
        ("https://repo.anaconda.com/pkgs/main/linux-64/", "repodata.json", "47929eba.json"),
        ("https://repo.anaconda.com/pkgs/main/linux-64", "current_repodata.json", "9e0f62c3.json"),
        ("https://conda.anaconda.org/conda-forge/linux-64", "repodata.json", "497deca9.json"),
    ],
)
def test_cache_fn_url(url: str, fn: str, expected: str) -> None:
    assert cache_fn_url(url, fn) == expected


def test_dist_str_in_index(data_dir: Path) -> None:
    import json

    match_spec = pytest.importorskip("conda_exports.models.match_spec")
    if not hasattr(match_spec, "MatchSpec"):
        pytest.skip("MatchSpec is not there yet")
    from conda_exports import Dist, PackageRecord, dist_str_in_index

    sample = json.loads((data_dir / "models" / "repodata_sample.json").read_text())[:10]
    records = [PackageRecord(**s["record"], fn=s["fn"], channel=s["channel"]) for s in sample]
    index = {Dist(r): r for r in records}
    first = records[0]
    assert dist_str_in_index(index, f"{first.name}-{first.version}-{first.build}")
    assert dist_str_in_index(index, first.dist_str())
    assert dist_str_in_index(index, first.fn)
    assert not dist_str_in_index(index, f"{first.name}-{first.version}-nosuchbuild")
    assert not dist_str_in_index(index, f"otherchannel::{first.name}-{first.version}-{first.build}")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "/dev/urandom", "directory"])
def test_specs_from_url_refuses_what_is_not_a_regular_file(tmp_path: Path, special: str) -> None:
    from conda_exports.exceptions import CondaFileIOError

    if special == "fifo":
        path = str(tmp_path / "pipe")
        os.mkfifo(path)  # no writer: reading it would block forever
    elif special == "directory":
        path = str(tmp_path)
    else:
        if not os.path.exists(special):
            pytest.skip(f"{special} does not exist here")
        path = special
    with pytest.raises(CondaFileIOError, match=re.escape(path)):
        specs_from_url(path)
    with pytest.raises(CondaFileIOError):
        specs_from_url(Path(path).as_uri())


def test_specs_from_url_caps_what_it_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conda_exports import utils
    from conda_exports.exceptions import CondaFileIOError

    path = tmp_path / "req.txt"
    path.write_text("numpy\n" * 100)
    monkeypatch.setattr(utils, "MAX_SPEC_FILE_BYTES", 300)
    with pytest.raises(CondaFileIOError, match="larger than 300 bytes"):
        specs_from_url(str(path))
    monkeypatch.setattr(utils, "MAX_SPEC_FILE_BYTES", 700)
    assert specs_from_url(str(path)) == ["numpy"] * 100
