"""linked_data, linked, is_linked, delete_prefix_from_linked_data, verify_prefix, and the
``doctor`` / ``list`` commands, on both backends.

The real conda-meta sets of ``../shared`` are in ``data/prefix/conda-meta-sets.tar.xz``;
``data/prefix/linked_data_expected.json`` holds, per file, what conda 25.1.1 made of it
(its Dist, whether ``linked`` lists it, the digest of ``record.dump()`` and a few fields),
recorded by running conda on the same files outside this repository.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest
from conda_exports import (
    Dist,
    _backend,
    delete_prefix_from_linked_data,
    is_linked,
    linked,
    linked_data,
    rm_rf,
    verify_prefix,
)
from conda_exports.exceptions import CorruptedEnvironmentError, RecordValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DATA = Path(__file__).parent / "data"
EXPECTED = json.loads((DATA / "prefix" / "linked_data_expected.json").read_text())
ZLIB = DATA / "channel-zlib"


@pytest.fixture(scope="session")
def sets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sets")
    with tarfile.open(DATA / "prefix" / "conda-meta-sets.tar.xz") as archive:
        archive.extractall(root)  # noqa: S202 (our own test data)
    return root / "conda-meta-sets"


def _prefix(sets: Path, tmp_path: Path, name: str) -> Path:
    prefix = tmp_path / name
    shutil.copytree(sets / name, prefix / "conda-meta")
    return prefix


def _write(prefix: Path, fn: str, content: bytes | dict) -> Path:
    meta = prefix / "conda-meta"
    meta.mkdir(parents=True, exist_ok=True)
    path = meta / fn
    path.write_bytes(json.dumps(content).encode() if isinstance(content, dict) else content)
    return path


def _rec(name: Any, version: str = "1", build: str = "0", **extra: object) -> dict:
    return {"name": name, "version": version, "build": build, "build_number": 0, **extra}


def _dump_digest(record: Any) -> str:
    text = json.dumps(record.dump(), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _other(backend: str) -> str:
    """The backend to compare with; skips where it is not installed (the pure-Python wheel)."""
    other = "python" if backend == "rust" else "rust"
    if other == "rust" and _backend._load_extension() is None:
        pytest.skip("the compiled extension is not installed")
    return other


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_linked_data_as_conda(sets: Path, tmp_path: Path, name: str) -> None:
    prefix = _prefix(sets, tmp_path, name)
    expected = EXPECTED[name]
    # of two files for one name the later in directory order wins, as in conda
    winners: dict[str, dict[str, Any]] = {}
    for entry in os.scandir(prefix / "conda-meta"):
        if entry.name.endswith(".json"):
            winners[expected[entry.name]["str"].rpartition("::")[2].rsplit("-", 2)[0]] = expected[entry.name]
    data = linked_data(prefix)
    assert sorted(map(str, data)) == sorted(e["str"] for e in winners.values())
    assert sorted(map(str, linked(prefix))) == sorted(e["str"] for e in winners.values() if e["linked"])
    by_str = {str(dist): (dist, record) for dist, record in data.items()}
    for want in winners.values():
        dist, record = by_str[want["str"]]
        assert type(record).__name__ == "PrefixRecord"
        assert [dist.channel, dist.dist_name, dist.fmt] == want["dist"]
        assert (record.channel.canonical_name, record.subdir, record.fn, record.get("url")) == (
            want["channel"],
            want["subdir"],
            want["fn"],
            want["url"],
        )
        assert len(record.files) == want["n_files"]
        assert sorted(record.dump()) == want["fields"]
        assert _dump_digest(record) == want["dump_sha256"], want["str"]
        if want["n_paths"] is not None:
            assert len(record.paths_data.paths) == want["n_paths"]


def test_mixed_records_one_per_name(sets: Path, tmp_path: Path) -> None:
    data = linked_data(_prefix(sets, tmp_path, "mixed-records"))
    assert len(data) == 38  # 41 files, three names twice
    numpy = next(r for r in data.values() if r.name == "numpy")
    assert str(Dist(numpy)) == "conda-forge::numpy-1.26.4-py311h7125741_0"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_backends_make_the_same_records(sets: Path, tmp_path: Path, name: str, backend: str) -> None:
    other = _other(backend)
    prefix = _prefix(sets, tmp_path, name)
    mine = linked_data(prefix)
    _backend.activate(other)
    try:
        theirs = linked_data(prefix)
        assert {str(d): _dump_digest(r) for d, r in theirs.items()} == {
            str(d): _dump_digest(r) for d, r in mine.items()
        }
    finally:
        _backend.activate(backend)


def test_records_keep_large_fields_until_read(sets: Path, tmp_path: Path, backend: str) -> None:
    prefix = _prefix(sets, tmp_path, "osx-py27")
    python = next(r for r in linked_data(prefix).values() if r.name == "python")
    if backend == "rust":
        assert "files" not in python.__dict__ and "paths_data" not in python.__dict__
    files = python.files
    assert isinstance(files, tuple) and len(files) > 100 and python.files is files
    assert python.paths_data.paths[0].path == python.paths_data.paths[0]._path
    # a copy, a pickle and a repr hold every field, whichever were read
    fresh = next(r for r in linked_data(_prefix(sets, tmp_path / "again", "osx-py27")).values() if r.name == "python")
    restored = pickle.loads(pickle.dumps(fresh))
    assert restored.dump() == python.dump() and restored.files == files
    assert "_conda_meta" not in restored.__dict__
    assert "files=(" in repr(
        next(r for r in linked_data(_prefix(sets, tmp_path / "r", "osx-py27")).values() if r.name == "python")
    )
    other = next(r for r in linked_data(_prefix(sets, tmp_path / "d", "osx-py27")).values() if r.name == "python")
    del other.files
    assert other.files == () and len(other.paths_data.paths) == len(files)


def test_no_conda_meta(tmp_path: Path) -> None:
    assert linked_data(tmp_path / "nothing") == {}
    assert linked(tmp_path / "nothing") == set()
    assert is_linked(tmp_path / "nothing", Dist("a-1-0")) is None


def test_pip_records_left_out_of_linked(tmp_path: Path) -> None:
    prefix = tmp_path / "p"
    _write(prefix, "a-1-0.json", _rec("a", channel="conda-forge", fn="a-1-0.conda"))
    pip = _rec(
        "b", "2", "pypi_0", channel="pypi", subdir="pypi", fn="b-2.dist-info", package_type="virtual_python_wheel"
    )
    _write(prefix, "b-2-pypi_0.json", pip)
    data = linked_data(prefix)
    assert sorted(str(d) for d in data) == ["conda-forge::a-1-0", "pypi::b-2.dist-info"]
    assert [str(d) for d in linked(prefix)] == ["conda-forge::a-1-0"]


@pytest.mark.parametrize(
    ("spec", "found"),
    [
        ("conda-forge::numpy-1.26.4-py311h7125741_0", True),
        ("numpy-1.26.4-py311h7125741_0", False),  # no channel is defaults
        ("defaults::numpy-1.26.4-py311h7125741_0", False),
        ("other::numpy-1.26.4-py311h7125741_0", False),
        ("conda-forge::numpy-1.26.5-py311h7125741_0", False),
        ("conda-forge::numpy-1.26.4-py311h7125741_1", False),
        ("conda-forge::nothere-1-0", False),
    ],
)
def test_is_linked(sets: Path, tmp_path: Path, spec: str, found: bool) -> None:
    prefix = _prefix(sets, tmp_path, "mixed-records")
    record = is_linked(prefix, Dist(spec))
    assert (record is not None) == found
    if found:
        assert record is next(r for r in linked_data(prefix).values() if r.name == "numpy")


@pytest.mark.parametrize(
    ("spec", "found"),
    [  # conda 25.1.1's answers
        ("defaults::zlib-1.2.11-hf3cbc9b_2", True),
        ("pkgs/main::zlib-1.2.11-hf3cbc9b_2", True),
        ("defaults::zlib-1.2.11-hf3cbc9b_2.conda", True),
        ("zlib-1.2.11-hf3cbc9b_2", False),
        ("zlib-1.2.11-hf3cbc9b_2.tar.bz2", False),
        ("zlib-1.2.11-hf3cbc9b_3", False),
        ("conda-forge::zlib-1.2.11-hf3cbc9b_2", False),
    ],
)
def test_is_linked_defaults(sets: Path, tmp_path: Path, spec: str, found: bool) -> None:
    assert (is_linked(_prefix(sets, tmp_path, "osx-py27"), Dist(spec)) is not None) is found


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b'{"name": "\xff"}',
        b'{"name":"a","version":"1","build":"0","build_number":0} x',
        b'{"name":"a","version":"1","build":"0","build_number":0,"size":NaN}',
        b'{"name":"a","version":"1","build":"0","build_number":0,"license":"\\udcff"}',
        b'{"name":"a","version":"1","build":"0","build_number":0,"size":1e400}',
        b'{"name":"a","version":"1","build":"0","build_number":0,"files":["a",]}',
        b'{"name":"a","version":"1","build":"0","build_number":0,"x":' + b"[" * 128 + b"]" * 128 + b"}",
    ],
    ids=["empty", "truncated", "bad-utf8", "trailing", "nan", "lone-surrogate", "huge-float", "bad-list", "too-deep"],
)
def test_malformed_raises_corrupted(tmp_path: Path, content: bytes) -> None:
    path = _write(tmp_path / "p", "a-1-0.json", content.replace(b"\\xff", b"\xff"))
    with pytest.raises(CorruptedEnvironmentError, match=str(path)):
        linked_data(tmp_path / "p")


def test_deep_but_allowed(tmp_path: Path) -> None:
    nested = b"[" * 127 + b"]" * 127
    _write(tmp_path / "p", "a-1-0.json", b'{"name":"a","version":"1","build":"0","build_number":0,"x":' + nested + b"}")
    assert [str(d) for d in linked_data(tmp_path / "p")] == ["<unknown>::a-1-0"]


@pytest.mark.parametrize("content", [b"[1, 2]", b'"x"', b"null", b"3", b"true"])
def test_not_an_object_raises_type_error(tmp_path: Path, content: bytes) -> None:
    path = _write(tmp_path / "p", "a-1-0.json", content)
    with pytest.raises(TypeError, match=str(path)):  # conda: PrefixRecord(**value) raises TypeError
        linked_data(tmp_path / "p")


def test_missing_field_raises_validation_error(tmp_path: Path) -> None:
    _write(tmp_path / "p", "a-1-0.json", {"version": "1", "build": "0", "build_number": 0})
    with pytest.raises(RecordValidationError, match="name"):
        linked_data(tmp_path / "p")


UNUSUAL = [
    {"size": 1.0, "timestamp": 1.5e12, "build_number": "3", "license": 7},
    {"size": 2**70, "depends": ["a", 1], "track_features": "x y", "noarch": True},
    {"files": ["a", 2], "paths_data": None, "link": {"source": "/x", "type": "hardlink"}},
    {"files": "a", "paths_data": {"paths_version": "1", "paths": []}},
    {"paths_data": {"paths_version": 1, "paths": [{"_path": 5, "path_type": "hardlink"}]}},
    {"paths_data": {"paths_version": 1, "paths": [{"_path": "a", "path_type": "HARDLINK", "no_link": 1}]}},
    {"paths_data": {"paths_version": 1, "paths": [{"_path": "a", "path_type": "softlink", "file_mode": "text"}]}},
    {"paths_data": {"paths_version": 1, "paths": [{"_path": "a", "path_type": "bad"}]}},
    {"paths_data": {"paths_version": 1, "paths": [{"path_type": "hardlink"}]}},
    {"paths_data": [1], "files": None},
    {"files": [], "paths_data": {"paths_version": 1, "paths": [], "extra": {"a": [1.5]}}},
    {"link": {"source": "/x", "type": 9}},
    {"auth": None, "requested_spec": 5, "extracted_package_dir": None},
]


@pytest.mark.parametrize("extra", UNUSUAL, ids=[str(i) for i in range(len(UNUSUAL))])
def test_unusual_values_same_in_both_backends(tmp_path: Path, extra: dict, backend: str) -> None:
    """Whatever a record holds, both backends give the same record or the same exception."""
    prefix = tmp_path / "p"
    _write(prefix, "a-1-0.json", _rec("a", **extra))

    def outcome() -> Any:
        try:
            record = next(iter(linked_data(prefix).values()))
            return json.dumps(record.dump(), sort_keys=True, default=str)
        except Exception as exc:  # noqa: BLE001 (the exception is what is compared)
            return type(exc)

    mine = outcome()
    _backend.activate(_other(backend))
    try:
        assert outcome() == mine
    finally:
        _backend.activate(backend)


def test_file_name_mismatch_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _write(tmp_path / "p", "b-1-0.json", _rec("a"))
    _write(tmp_path / "p", "c-1-0.json", _rec(1, build="0") | {"name": 1})  # name coerced to "1"
    _write(tmp_path / "p", "nodashes.json", _rec("nodashes"))
    assert linked_data(tmp_path / "p") == {}
    assert caplog.text.count("Ignoring malformed prefix record") == 3


def test_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "p" / "conda-meta" / "a-1-0.json").mkdir(parents=True)
    with pytest.raises(IsADirectoryError, match="a-1-0.json"):
        linked_data(tmp_path / "p")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs permissions to matter")
def test_permission_denied(tmp_path: Path) -> None:
    path = _write(tmp_path / "p", "a-1-0.json", _rec("a"))
    path.chmod(0)
    with pytest.raises(PermissionError):
        linked_data(tmp_path / "p")


def test_conda_meta_not_a_directory(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "conda-meta").write_text("")
    with pytest.raises(NotADirectoryError):
        linked_data(tmp_path / "p")


def test_cache_invalidated_on_change(tmp_path: Path) -> None:
    prefix = tmp_path / "p"
    _write(prefix, "a-1-0.json", _rec("a"))
    first = linked_data(prefix)
    assert [str(d) for d in first] == ["<unknown>::a-1-0"]
    assert next(iter(linked_data(prefix).values())) is next(iter(first.values()))  # kept
    _write(prefix, "b-1-0.json", _rec("b"))
    assert sorted(str(d) for d in linked_data(prefix)) == ["<unknown>::a-1-0", "<unknown>::b-1-0"]
    _write(prefix, "b-1-0.json", _rec("b", channel="conda-forge", extra_field="longer content"))
    assert sorted(str(d) for d in linked_data(prefix)) == ["<unknown>::a-1-0", "conda-forge::b-1-0"]
    (prefix / "conda-meta" / "a-1-0.json").unlink()
    assert [str(d) for d in linked_data(prefix)] == ["conda-forge::b-1-0"]


def test_delete_prefix_from_linked_data_and_rm_rf(tmp_path: Path) -> None:
    prefix = tmp_path / "p"
    _write(prefix, "a-1-0.json", _rec("a"))
    record = next(iter(linked_data(prefix).values()))
    assert delete_prefix_from_linked_data(prefix / "lib" / "x") is True
    assert delete_prefix_from_linked_data(prefix) is False
    assert delete_prefix_from_linked_data(tmp_path / "other") is False
    again = next(iter(linked_data(prefix).values()))
    assert again == record and again is not record
    (prefix / "lib").mkdir()
    rm_rf(prefix / "lib")
    assert delete_prefix_from_linked_data(prefix) is False  # rm_rf inside the prefix forgot it
    linked_data(prefix)
    rm_rf(prefix)
    assert linked_data(prefix) == {}


def test_cache_cleared_on_backend_switch(tmp_path: Path, backend: str) -> None:
    prefix = tmp_path / "p"
    _write(prefix, "a-1-0.json", _rec("a", files=["x"]))
    record = next(iter(linked_data(prefix).values()))
    _backend.activate(_other(backend))
    try:
        other = next(iter(linked_data(prefix).values()))
        assert other is not record and other.files == ("x",)
    finally:
        _backend.activate(backend)


# --- verify_prefix -----------------------------------------------------------------------


def _installed_prefix(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A prefix with one package whose files exist as its paths_data says."""
    prefix = tmp_path / "env"
    contents = {f"lib/f{i}.txt": f"content {i}\n".encode() * (i + 1) for i in range(7)}
    paths: list[dict[str, Any]] = []
    for rel, data in contents.items():
        (prefix / rel).parent.mkdir(parents=True, exist_ok=True)
        (prefix / rel).write_bytes(data)
        paths.append(
            {
                "_path": rel,
                "path_type": "hardlink",
                "sha256": hashlib.sha256(data).hexdigest(),
                "size_in_bytes": len(data),
            }
        )
    os.symlink("f0.txt", prefix / "lib" / "link")
    paths.append({"_path": "lib/link", "path_type": "softlink"})
    (prefix / "share").mkdir()
    paths.append({"_path": "share", "path_type": "directory"})
    placeholder = b"/prefix/here\n"
    (prefix / "bin").mkdir()
    (prefix / "bin" / "tool").write_bytes(placeholder)
    paths.append(
        {
            "_path": "bin/tool",
            "path_type": "hardlink",
            "prefix_placeholder": "/opt/x",
            "file_mode": "text",
            "sha256": "0" * 64,
            "size_in_bytes": 1,
            "sha256_in_prefix": hashlib.sha256(placeholder).hexdigest().upper(),
        }
    )
    record = _rec("pkg", files=[p["_path"] for p in paths], paths_data={"paths_version": 1, "paths": paths})
    _write(prefix, "pkg-1-0.json", record)
    _write(prefix, "other-1-0.json", _rec("other"))
    return prefix, contents


def test_verify_prefix_clean(tmp_path: Path) -> None:
    prefix, _ = _installed_prefix(tmp_path)
    assert verify_prefix(prefix) == {}
    assert verify_prefix(prefix, packages=["pkg"], check_sha256=False) == {}


def test_verify_prefix_altered(tmp_path: Path) -> None:
    prefix, contents = _installed_prefix(tmp_path)
    (prefix / "lib/f0.txt").write_bytes(contents["lib/f0.txt"][:-1])  # truncated
    changed = bytearray(contents["lib/f1.txt"])
    changed[0] ^= 1
    (prefix / "lib/f1.txt").write_bytes(bytes(changed))  # one byte changed, same size
    (prefix / "lib/f2.txt").unlink()
    (prefix / "lib/f3.txt").unlink()
    os.symlink("f4.txt", prefix / "lib/f3.txt")
    (prefix / "lib/f5.txt").unlink()
    (prefix / "lib/f5.txt").mkdir()
    (prefix / "lib/f6.txt").unlink()
    os.mkfifo(prefix / "lib/f6.txt")
    (prefix / "share").rmdir()
    (prefix / "share").write_bytes(b"")
    report = verify_prefix(prefix)
    assert list(report) == ["pkg"]
    found = [(p.path, p.kind, p.expected, p.found) for p in report["pkg"]]
    size0 = len(contents["lib/f0.txt"])
    assert found == [
        ("lib/f0.txt", "size", size0, size0 - 1),
        (
            "lib/f1.txt",
            "sha256",
            hashlib.sha256(contents["lib/f1.txt"]).hexdigest(),
            hashlib.sha256(changed).hexdigest(),
        ),
        ("lib/f2.txt", "missing", None, None),
        ("lib/f3.txt", "symlink", None, None),
        ("lib/f5.txt", "directory", None, None),
        ("lib/f6.txt", "special", None, None),
        ("share", "not_a_directory", None, None),
    ]
    assert str(report["pkg"][0]) == f"lib/f0.txt: size (expected {size0}, found {size0 - 1})"
    no_hash = [p.path for p in verify_prefix(prefix, check_sha256=False)["pkg"]]
    assert "lib/f1.txt" not in no_hash and "lib/f0.txt" in no_hash
    (prefix / "bin/tool").write_bytes(b"/prefix/HERE\n")
    assert {p.path: p.kind for p in verify_prefix(prefix, packages=["pkg"])["pkg"]}["bin/tool"] == "sha256"
    with pytest.raises(KeyError):
        verify_prefix(prefix, packages=["nothere"])
    assert verify_prefix(prefix, packages="other") == {}


def test_verify_prefix_real_records(sets: Path, tmp_path: Path, backend: str) -> None:
    """Real paths_data, the files made from it (size and digest unknown, so placeholder
    content of the recorded size): every file with a digest is reported, none missing."""
    prefix = _prefix(sets, tmp_path, "osx-py27")
    report_missing = verify_prefix(prefix, check_sha256=False)
    total = sum(len(v) for v in report_missing.values())
    assert total > 1000 and {p.kind for v in report_missing.values() for p in v} == {"missing"}
    for record in linked_data(prefix).values():
        for entry in record.paths_data.paths:
            target = prefix / entry._path
            target.parent.mkdir(parents=True, exist_ok=True)
            if entry.path_type.name == "softlink":
                if not os.path.lexists(target):
                    os.symlink("nowhere", target)
            elif not target.exists():
                target.write_bytes(b"")
    mine = verify_prefix(prefix)
    kinds = {p.kind for v in mine.values() for p in v}
    assert kinds <= {"size", "sha256"} and "size" in kinds
    _backend.activate(_other(backend))
    try:
        assert verify_prefix(prefix) == mine
    finally:
        _backend.activate(backend)


def test_doctor_and_list_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from conda_exports.cli import main

    prefix, _ = _installed_prefix(tmp_path)
    assert main(["doctor", str(prefix)]) == 0
    (prefix / "lib/f2.txt").unlink()
    assert main(["doctor", str(prefix)]) == 1
    assert "lib/f2.txt: missing" in capsys.readouterr().out
    assert main(["list", str(prefix)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2] == "# Name                    Version                   Build  Channel"
    assert out[3].split() == ["other", "1", "0", "<unknown>"]
    for command in ("doctor", "list"):
        assert main([command, str(tmp_path / "nothing")]) == 2
        assert "Not a conda environment" in capsys.readouterr().err


# --- both backends, arbitrary records ------------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
_JSON = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
)
_PATH_ENTRY = st.fixed_dictionaries(
    {"_path": st.one_of(st.text(min_size=1, max_size=6), _SCALARS)},
    optional={
        "path_type": st.sampled_from(["hardlink", "softlink", "directory", "pyc_file", "bad", 1]),
        "file_mode": st.sampled_from(["text", "binary", None, "x"]),
        "prefix_placeholder": st.one_of(st.none(), st.text(max_size=4)),
        "sha256": st.one_of(st.none(), st.text(max_size=4)),
        "size_in_bytes": _SCALARS,
        "no_link": _SCALARS,
        "inode_paths": st.one_of(st.none(), st.lists(st.text(max_size=3), max_size=2)),
    },
)
_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "files": st.one_of(st.lists(st.text(max_size=6), max_size=4), _JSON),
        "paths_data": st.one_of(
            st.fixed_dictionaries({"paths_version": st.integers(0, 2), "paths": st.lists(_PATH_ENTRY, max_size=3)}),
            _JSON,
        ),
        "link": st.one_of(st.fixed_dictionaries({"source": st.text(max_size=4), "type": st.integers(1, 4)}), _JSON),
        "depends": st.one_of(st.lists(st.sampled_from(["a", "b >=1", "c 1 0"]), max_size=3), _JSON),
        "size": _JSON,
        "timestamp": _JSON,
        "license": _JSON,
        "requested_spec": _JSON,
        "channel": st.sampled_from(["conda-forge", "https://repo.anaconda.com/pkgs/main", "pypi"]),
        "extra": _JSON,
    },
)


def _outcome(prefix: Path) -> Any:
    try:
        records = linked_data(prefix)
        return sorted(json.dumps(r.dump(), sort_keys=True, default=repr) for r in records.values())
    except Exception as exc:  # noqa: BLE001 (the exception type is what is compared)
        return type(exc).__name__


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=_FIELDS, mutation=st.one_of(st.none(), st.tuples(st.integers(0, 10**6), st.binary(max_size=3))))
def test_any_record_same_in_both_backends(tmp_path: Path, backend: str, fields: dict, mutation: Any) -> None:
    """Arbitrary field values, and arbitrary byte edits of the file: both backends give the
    same records or the same exception type."""
    prefix = tmp_path / "p"
    text = json.dumps(_rec("a", **fields)).encode()
    if mutation is not None:
        at, replacement = mutation
        at %= len(text)
        text = text[:at] + replacement + text[at + len(replacement) :]
    _write(prefix, "a-1-0.json", text)
    delete_prefix_from_linked_data(prefix)
    mine = _outcome(prefix)
    _backend.activate(_other(backend))
    try:
        assert _outcome(prefix) == mine
    finally:
        _backend.activate(backend)
