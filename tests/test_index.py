"""get_index against what conda 25.1.1 returned for the same channels (recorded answers in
tests/data/index_expected, from real indexes laid out as file:// channels in tests/data)."""

from __future__ import annotations

import gzip
import json
import pickle
import re
import warnings
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from conda_exports import _backend, get_index
from conda_exports.configuration import reset_context
from conda_exports.exceptions import RecordValidationError, RepodataDecodeError, RepodataWarning
from conda_exports.models.dist import Dist
from conda_exports.models.records import EntityEncoder, PackageRecord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DATA = Path(__file__).parent / "data"
EXPECTED = DATA / "index_expected"
CASES = sorted(p.name[: -len(".json.gz")] for p in EXPECTED.glob("*.json.gz") if p.name != "forms.json.gz")
#: conda keeps whichever of these two (same package, both in "packages") its set order puts last
HASH_SEED_DEPENDENT = {"foo-3.0.2-py36h1af98f8_1"}


def _load(name: str) -> dict[str, Any]:
    with gzip.open(EXPECTED / f"{name}.json.gz", "rt", encoding="utf-8") as file:
        return json.load(file)


def _channel_url(spec: str) -> str:
    relative = spec.removeprefix("CHANNEL:")
    path = DATA / relative if (DATA / relative).exists() else DATA / "channels" / relative
    return path.resolve().as_uri()


def _normalise(value: Any) -> Any:
    """JSON-able and machine-independent, as the recorded answers are."""
    text = json.dumps(value, cls=EntityEncoder, default=_plain)
    return json.loads(text.replace(DATA.resolve().as_uri(), "file://@DATA@"))


def _plain(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, Enum):
        return value.value
    return str(value)


def _attrs(record: PackageRecord) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in [*record.__fields__, "schannel", "subdir", "fn", "url", "package_type", "timestamp", "metadata"]:
        try:
            out[name] = getattr(record, name)
        except AttributeError as exc:
            out[name] = {"__missing__": type(exc).__name__}
    channel = record.channel
    out.update(
        channel=str(channel),
        channel_str=str(channel),
        channel_canonical=channel.canonical_name,
        channel_subdir=channel.subdir,
        channel_base_url=channel.base_url,
        channel_name=channel.name,
    )
    return _normalise(out)


def _run(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[Any, Any]:
    call = case["call"]
    for key, value in call.get("env", {}).items():
        monkeypatch.setenv(key, value)
    reset_context(())
    kwargs = {k: v for k, v in call.items() if k not in ("channel_urls", "env")}
    return get_index([_channel_url(c) for c in call["channel_urls"]], **kwargs)


def _relative_base_url_resolved(expected: dict[str, Any]) -> dict[str, Any]:
    """CEP 15, deliberately unlike conda: a relative base_url is taken against the subdir URL."""
    url = expected["url"]
    if isinstance(url, str) and url.startswith(".."):
        expected = {**expected, "url": urljoin(expected["channel"] + "/", url)}
    return expected


@pytest.mark.parametrize("name", CASES)
def test_get_index_matches_conda(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    case = _load(name)
    index = _run(case, monkeypatch)
    assert len(index) == case["count"]
    ours = {(_normalise(str(d)), d.fmt): (d, r) for d, r in index.items()}
    for entry in case["entries"]:
        key = (entry["dist_str"], entry["dist"]["fmt"])
        if entry["dist"]["dist_name"] in HASH_SEED_DEPENDENT and key not in ours:
            continue
        dist, record = ours.pop(key)
        assert _normalise({f: getattr(dist, f) for f in entry["dist"]}) == entry["dist"]
        assert type(record).__name__ == entry["type"]
        attrs = _attrs(record)
        expected = _relative_base_url_resolved(entry["attrs"])
        for field in expected:
            assert attrs[field] == expected[field], (key, field)
        dump = _normalise(record.dump())
        expected_dump = _relative_base_url_resolved(entry["dump"])
        assert dump == expected_dump, key
    assert all(d.dist_name in HASH_SEED_DEPENDENT for d, _ in ours.values())


def test_a_directory_path_is_a_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    by_url = get_index([_channel_url("channel-zlib")], prepend=False, platform="linux-64")
    by_path = get_index([str(DATA / "channel-zlib")], prepend=False, platform="linux-64")
    assert list(by_url) == list(by_path)
    assert [r.dump() for r in by_url.values()] == [r.dump() for r in by_path.values()]


def _both_backends(build: Any) -> tuple[Any, Any]:
    previous = _backend.BACKEND
    results = []
    for name in ("rust", "python"):
        if name == "rust" and _backend._load_extension() is None:
            pytest.skip("the compiled extension is not installed")
        _backend.activate(name)
        try:
            results.append(build())
        finally:
            _backend.activate(previous)
    return results[0], results[1]


@pytest.mark.parametrize("channel", ["r", "pytorch", "main", "dummy", "conda-test", "python-pip"])
def test_backends_give_equal_records(channel: str) -> None:
    def build() -> list[tuple[Any, ...]]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            index = get_index([_channel_url(channel)], prepend=False, platform="linux-64")
        return [(d.dump(), type(r), r.dump(), vars(_materialised(r))) for d, r in index.items()]

    rust, python = _both_backends(build)
    assert rust == python


def _materialised(record: PackageRecord) -> PackageRecord:
    repr(record)
    return record


# -- lazy records: the same object as the eager one, whatever is done with it ------------------


def _index(channel: str = "r") -> dict[Dist, PackageRecord]:
    return get_index([_channel_url(channel)], prepend=False, platform="linux-64")


def _eager_twin(record: PackageRecord) -> PackageRecord:
    return PackageRecord(**{k: v for k, v in vars(_materialised(record)).items() if not k.startswith("_")})


def test_lazy_records_behave_like_eager_ones() -> None:
    index = _index()
    for dist, record in list(index.items())[:300]:
        fresh = _index()[dist]
        assert fresh.name == record.name and fresh.depends == record.depends
        assert fresh == record and hash(fresh) == hash(record)
        assert fresh.dump() == record.dump()
        assert repr(fresh) == repr(record)
        assert pickle.loads(pickle.dumps(fresh)).dump() == record.dump()
        assert Dist(fresh) == dist
        assert dist.name == fresh.name and dist.version == fresh.version and dist.build_string == fresh.build


def test_lazy_record_fields_read_one_by_one_equal_the_materialised_ones() -> None:
    one = list(_index().values())
    two = list(_index().values())
    for a, b in zip(one[:500], two[:500]):
        for name in PackageRecord.__fields__:
            assert getattr(a, name, "unset") == getattr(b, name, "unset")
        repr(b)
        assert vars(a) == vars(b) or {k: v for k, v in vars(a).items() if k != "metadata"} == {
            k: v for k, v in vars(b).items() if k != "metadata"
        }


def test_assignment_and_deletion_on_a_lazy_record() -> None:
    record = next(iter(_index().values()))
    record.license = "MIT"
    assert record.license == "MIT" and record.dump()["license"] == "MIT"
    record = next(iter(_index().values()))
    del record.license
    assert "license" not in record.dump()
    record = next(iter(_index().values()))
    record.channel = "conda-forge"
    assert record.channel.canonical_name == "conda-forge"


# -- malformed and unusual indexes ------------------------------------------------------------


def _channel(tmp_path: Path, linux: Any, noarch: Any = None) -> str:
    for subdir, body in (("linux-64", linux), ("noarch", noarch if noarch is not None else {"packages": {}})):
        (tmp_path / subdir).mkdir(parents=True, exist_ok=True)
        text = body if isinstance(body, (str, bytes)) else json.dumps(body)
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(tmp_path / subdir / "repodata.json", mode) as file:
            file.write(text)
    return tmp_path.as_uri()


def _entry(**fields: Any) -> dict[str, Any]:
    return {"name": "a", "version": "1", "build": "0", "build_number": 0, "depends": [], **fields}


def test_malformed_json_names_the_file_and_the_byte(tmp_path: Path) -> None:
    url = _channel(tmp_path, '{"packages": {"a-1-0.tar.bz2": {"name": }}}')
    with pytest.raises(RepodataDecodeError) as caught:
        get_index([url], prepend=False, platform="linux-64")
    assert caught.value.offset == 40
    assert "linux-64" in str(caught.value) and "byte 40" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        '{"packages": []}',
        '{"packages": {"a": 1}, "packages.conda": "x"}',
        '{"packages": {"a-1-0.tar.bz2": {"name": "a", "version": "1", "build": "0", "build_number": NaN}}}',
        '{"packages": {"a-1-0.tar.bz2": {"name": "a\\ud800", "version": "1", "build": "0"}}}',
        b'{"packages": {"a-1-0.tar.bz2": {"name": "\xff"}}}',
        '{"packages": {}} trailing',
        '{"info": 3, "packages": {}}',
        '{"packages": {"a-1-0.tar.bz2": [1, 2]}}',
    ],
)
def test_not_repodata_is_a_decode_error_in_both_backends(tmp_path: Path, text: Any) -> None:
    url = _channel(tmp_path, text)
    with pytest.raises(RepodataDecodeError):
        get_index([url], prepend=False, platform="linux-64")


def test_entries_without_identity_are_left_out_with_a_warning(tmp_path: Path) -> None:
    packages = {
        "a-1-0.tar.bz2": _entry(),
        "noname-1-0.tar.bz2": {"version": "1", "build": "0", "build_number": 0},
        "nobuild-1-0.tar.bz2": {"name": "nobuild", "version": "1", "build_number": 0},
        "newer-1-0.tar.bz2": _entry(name="newer", record_version=2),
    }
    url = _channel(tmp_path, {"packages": packages})
    with pytest.warns(RepodataWarning) as caught:
        index = get_index([url], prepend=False, platform="linux-64")
    assert [r.fn for r in index.values()] == ["a-1-0.tar.bz2"]
    messages = " ".join(str(w.message) for w in caught)
    assert "noname-1-0.tar.bz2" in messages and "nobuild-1-0.tar.bz2" in messages


def test_a_subdir_mismatch_is_a_warning(tmp_path: Path) -> None:
    url = _channel(tmp_path, {"info": {"subdir": "osx-64"}, "packages": {"a-1-0.tar.bz2": _entry()}})
    with pytest.warns(RepodataWarning, match="osx-64"):
        index = get_index([url], prepend=False, platform="linux-64")
    assert next(iter(index.values())).subdir == "linux-64"


@pytest.mark.parametrize(
    ("fields", "error"),
    [({"build_number": "3"}, RecordValidationError), ({"depends": "abc"}, RecordValidationError)],
)
def test_values_conda_refuses_are_refused(tmp_path: Path, fields: dict[str, Any], error: type) -> None:
    url = _channel(tmp_path, {"packages": {"a-1-0.tar.bz2": _entry(**fields)}})
    with pytest.raises(error):
        get_index([url], prepend=False, platform="linux-64")


UNUSUAL_VALUES = [
    {"version": 1.5},
    {"build_number": True},
    {"size": 2**70},
    {"size": None},
    {"timestamp": 1600000000000},
    {"timestamp": 1600000000.5},
    {"timestamp": 2**60},
    {"timestamp": True},
    {"timestamp": 1e300},
    {"track_features": "a, b  c"},
    {"track_features": ["x ", " y"]},
    {"features": "é"},
    {"features": None},
    {"noarch": True},
    {"noarch": "python"},
    {"noarch": None},
    {"package_type": "noarch_python"},
    {"license": None, "license_family": 3},
    {"date": None},
    {"legacy_bz2_size": None},
    {"constrains": ["x", 1]},
    {"build_string": "7", "build": None},
    {"subdir": "win-64", "arch": "x86", "platform": "win", "url": "http://x", "channel": "c"},
    {"record_version": 1},
    {"md5": ["x"]},
]


@pytest.mark.parametrize("fields", UNUSUAL_VALUES, ids=[json.dumps(v) for v in UNUSUAL_VALUES])
def test_unusual_values_give_the_same_record_in_both_backends(tmp_path: Path, fields: dict[str, Any]) -> None:
    packages = {"b-1-0.tar.bz2": _entry(name="b", **fields)}
    conda = {"b-1-0.conda": _entry(name="b", **fields)}
    url = _channel(tmp_path, {"packages": packages, "packages.conda": conda})

    def build() -> Any:
        try:
            index = get_index([url], prepend=False, platform="linux-64")
        except Exception as exc:
            return type(exc)
        return [(d.dump(), r.dump(), vars(_materialised(r))) for d, r in index.items()]

    rust, python = _both_backends(build)
    assert rust == python


def test_python_gets_pip_even_without_depends(tmp_path: Path) -> None:
    url = _channel(
        tmp_path,
        {
            "packages": {
                "python-3.9.0-0.tar.bz2": {"name": "python", "version": "3.9.0", "build": "0", "build_number": 0}
            }
        },
    )
    (record,) = get_index([url], prepend=False, platform="linux-64").values()
    assert record.depends == ("pip",)


def test_relative_base_url_is_resolved_against_the_subdir(tmp_path: Path) -> None:
    url = _channel(
        tmp_path, {"info": {"base_url": "../pkgs/"}, "repodata_version": 2, "packages": {"a-1-0.tar.bz2": _entry()}}
    )
    (record,) = get_index([url], prepend=False, platform="linux-64").values()
    assert record.url == f"{url}/pkgs/a-1-0.tar.bz2"


def test_track_features_of_the_context_are_added(use_condarc: Any) -> None:
    use_condarc("track_features: [mkl]\n")
    index = get_index([_channel_url("channel-zlib")], prepend=False, platform="linux-64")
    assert any(d.dist_name == "mkl@" for d in index)


def test_installed_packages_join_the_index(tmp_path: Path) -> None:
    meta = tmp_path / "conda-meta"
    meta.mkdir()
    for record in (DATA / "models" / "conda-meta").glob("*.json"):
        (meta / record.name).write_bytes(record.read_bytes())
    plain = get_index([_channel_url("channel-zlib")], prepend=False, platform="linux-64")
    index = get_index([_channel_url("channel-zlib")], prepend=False, platform="linux-64", prefix=str(tmp_path))
    # conda's PrefixData keeps one record per name: the later of the two ca-certificates files
    names = {p.name.rsplit("-", 2)[0] for p in meta.glob("*.json")}
    assert len(index) == len(plain) + len(names)
    ca = [r for r in index.values() if r.name == "ca-certificates"]
    assert [r.version for r in ca] == ["2024.2.2"]


# -- over HTTP: the same index as from the files, conda's cache, errors naming the URL -----------


@pytest.fixture
def http_channel() -> Any:
    from http_channel import HTTPChannel

    with HTTPChannel() as server:
        yield server


@pytest.fixture
def pkgs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CONDA_PKGS_DIRS", str(tmp_path / "pkgs"))
    monkeypatch.setenv("CONDA_REMOTE_BACKOFF_FACTOR", "0")
    monkeypatch.setenv("CONDA_REMOTE_MAX_RETRIES", "2")
    reset_context(())
    return tmp_path / "pkgs" / "cache"


def _serve(server: Any, channel: str, **fields: Any) -> str:
    root = DATA / "channels" / channel
    for subdir in ("linux-64", "noarch"):
        path = root / subdir / "repodata.json"
        if path.exists():
            server.add_repodata(f"/{channel}/{subdir}", path.read_bytes(), **fields)
    return f"{server.url}/{channel}"


def _records(index: dict[Any, Any]) -> list[tuple[Any, ...]]:
    return [
        (d.dist_name, d.fmt, r.name, r.version, r.build, r.depends, r.md5, r.sha256, r.fn) for d, r in index.items()
    ]


@pytest.mark.parametrize("encoding", ["json", "zst", "gzip"])
def test_http_channel_gives_the_records_of_the_files(http_channel: Any, pkgs: Path, encoding: str) -> None:
    url = _serve(http_channel, "r", zst=encoding == "zst", gzip=encoding == "gzip", cache_control="max-age=600")
    over_http = get_index([url], prepend=False, platform="linux-64")
    from_files = get_index([_channel_url("r")], prepend=False, platform="linux-64")
    assert _records(over_http) == _records(from_files)
    assert next(iter(over_http.values())).url.startswith(url + "/linux-64/")
    requests = sum(http_channel.counts.values())
    again = get_index([url], prepend=False, platform="linux-64")  # fresh cache: no request
    assert _records(again) == _records(over_http)
    assert sum(http_channel.counts.values()) == requests


def test_stale_cache_is_revalidated_and_a_304_keeps_it(http_channel: Any, pkgs: Path) -> None:
    url = _serve(http_channel, "conda-test", etag='"v1"', cache_control="max-age=0")
    first = get_index([url], prepend=False, platform="linux-64")
    second = get_index([url], prepend=False, platform="linux-64")
    assert _records(first) == _records(second)
    assert any(r.headers.get("if-none-match") == '"v1"' for r in http_channel.requests)


def test_a_transient_server_error_is_retried(http_channel: Any, pkgs: Path) -> None:
    url = _serve(http_channel, "conda-test")
    http_channel.resources["/conda-test/linux-64/repodata.json"].failures.extend([500, "cut"])
    index = get_index([url], prepend=False, platform="linux-64")
    assert len(index) == 13


def test_a_missing_channel_is_condas_not_a_channel_error(http_channel: Any, pkgs: Path) -> None:
    from conda_exports.exceptions import UnavailableInvalidChannel

    with pytest.raises(UnavailableInvalidChannel) as caught:
        get_index([f"{http_channel.url}/nothing-here"], prepend=False, platform="linux-64")
    assert "nothing-here" in str(caught.value)


def test_an_unreachable_server_is_an_http_error_naming_the_url(pkgs: Path) -> None:
    import socket

    from conda_exports.exceptions import CondaHTTPError

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/t/secret-token/chan"
    with pytest.raises(CondaHTTPError) as caught:
        get_index([url], prepend=False, platform="linux-64")
    assert f"127.0.0.1:{port}" in str(caught.value) and "secret-token" not in str(caught.value)


def test_a_malformed_body_names_the_url_and_is_not_cached(http_channel: Any, pkgs: Path) -> None:
    url = _serve(http_channel, "conda-test", cache_control="max-age=600")
    http_channel.resources["/conda-test/linux-64/repodata.json"].body = b'{"packages": {"a": }}'
    with pytest.raises(RepodataDecodeError) as caught:
        get_index([url], prepend=False, platform="linux-64")
    assert f"{url}/linux-64" in str(caught.value) and caught.value.offset == 19
    assert not list(pkgs.glob("*.json")) or all(b'"a": }' not in p.read_bytes() for p in pkgs.glob("*.json"))
    http_channel.resources["/conda-test/linux-64/repodata.json"].body = (
        DATA / "channels" / "conda-test" / "linux-64" / "repodata.json"
    ).read_bytes()
    assert len(get_index([url], prepend=False, platform="linux-64")) == 13


def test_a_corrupted_cache_entry_is_fetched_again(http_channel: Any, pkgs: Path) -> None:
    url = _serve(http_channel, "conda-test", cache_control="max-age=600")
    get_index([url], prepend=False, platform="linux-64")
    before = http_channel.count("/conda-test/linux-64/repodata.json")
    for body in pkgs.glob("*.json"):
        if not body.name.endswith(".info.json") and body.stat().st_size > 100:
            body.write_bytes(body.read_bytes()[:50])  # truncated
    assert len(get_index([url], prepend=False, platform="linux-64")) == 13
    assert http_channel.count("/conda-test/linux-64/repodata.json") == before + 1


def test_offline_uses_the_cache_without_a_request(
    http_channel: Any, pkgs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _serve(http_channel, "conda-test", cache_control="max-age=0")
    online = get_index([url], prepend=False, platform="linux-64")
    requests = sum(http_channel.counts.values())
    assert _records(get_index([url], prepend=False, platform="linux-64", use_cache=True)) == _records(online)
    monkeypatch.setenv("CONDA_OFFLINE", "true")
    reset_context(())
    assert _records(get_index([url], prepend=False, platform="linux-64")) == _records(online)
    assert sum(http_channel.counts.values()) == requests


_INDEX_CHILD = """
import sys
from conda_exports.index import load_index
index, report = load_index([sys.argv[1]], prepend=False, platform="linux-64")
print(len(index), " ".join(state for _, _, state in report))
"""


def test_two_processes_loading_one_channel_share_one_download(
    http_channel: Any, pkgs: Path, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import subprocess
    import sys

    url = _serve(http_channel, "conda-test", cache_control="max-age=600", delay=0.3)
    env = {**os.environ, "CONDA_EXPORTS_BACKEND": backend}  # the children import the installed package
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _INDEX_CHILD, url],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [child.communicate(timeout=60) for child in children]
    for child, (_, err) in zip(children, outputs):
        assert child.returncode == 0, err
    assert [out.split()[0] for out, _ in outputs] == ["13", "13"]
    for path in ("/conda-test/linux-64/repodata.json", "/conda-test/noarch/repodata.json"):
        assert http_channel.count(path) == 1  # the second process waited, then used the cache
    assert len(get_index([url], prepend=False, platform="linux-64", use_cache=True)) == 13


# -- which channels, and what joins them -----------------------------------------------------


def test_a_channel_url_ending_in_a_subdir_keeps_it() -> None:
    index = get_index([_channel_url("channel-zlib") + "/osx-64"], prepend=False)
    assert {r.subdir for r in index.values()} == {"osx-64"}


def test_prepend_adds_the_configured_channels_after_the_given_ones(use_condarc: Any) -> None:
    use_condarc(f"channels: [{_channel_url('main')}]\n")
    index = get_index([_channel_url("channel-zlib")], platform="linux-64")
    channels = [d.channel for d in index]
    assert channels[0].endswith("/channel-zlib") and channels[-1].endswith("/channels/main")
    assert len(index) == 2 + 322
    assert len(get_index([_channel_url("channel-zlib")], prepend=False, platform="linux-64")) == 2


def test_use_local_puts_the_local_build_channel_first(use_condarc: Any, tmp_path: Path) -> None:
    import shutil

    bld = tmp_path / "conda-bld"
    shutil.copytree(DATA / "channels" / "main" / "noarch", bld / "noarch")
    use_condarc(f"croot: {bld}\n")
    index = get_index([_channel_url("channel-zlib")], prepend=False, platform="linux-64", use_local=True)
    first = next(iter(index.values()))
    assert first.channel.canonical_name == "local" and len(index) == 322 + 2


def test_unknown_adds_the_package_cache_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkgs_dir = tmp_path / "pkgs"
    extracted = pkgs_dir / "zlib-1.2.11-h7b6447c_3" / "info"
    extracted.mkdir(parents=True)
    (index,) = [get_index([_channel_url("channel-zlib")], prepend=False, platform="linux-64")]
    record = next(r for r in index.values() if r.name == "zlib")
    (extracted / "repodata_record.json").write_text(json.dumps(record.dump()))
    orphan = pkgs_dir / "orphan-1.0-0" / "info"
    orphan.mkdir(parents=True)
    orphan_record = {**record.dump(), "name": "orphan", "version": "1.0", "build": "0", "fn": "orphan-1.0-0.tar.bz2"}
    orphan_record["url"] = orphan_record["url"].replace("zlib-1.2.11-h7b6447c_3.conda", "orphan-1.0-0.tar.bz2")
    (orphan / "repodata_record.json").write_text(json.dumps(orphan_record))
    for info, rec in ((extracted, record.dump()), (orphan, orphan_record)):
        fields = ("name", "version", "build", "build_number", "subdir", "depends")
        (info / "index.json").write_text(json.dumps({k: rec[k] for k in fields}))
    # without info/index.json a folder is not a package to conda, even with a repodata_record.json
    lone = pkgs_dir / "lone-1.0-0" / "info"
    lone.mkdir(parents=True)
    (lone / "repodata_record.json").write_text(
        json.dumps({**orphan_record, "name": "lone", "fn": "lone-1.0-0.tar.bz2"})
    )
    monkeypatch.setenv("CONDA_PKGS_DIRS", str(pkgs_dir))
    reset_context(())
    with_cache = get_index([_channel_url("channel-zlib")], prepend=False, platform="linux-64", unknown=True)
    assert len(with_cache) == len(index) + 1  # zlib was already there: only its record changes
    zlib = next(r for r in with_cache.values() if r.name == "zlib")
    assert type(zlib).__name__ == "PackageCacheRecord"
    assert zlib.extracted_package_dir == str(pkgs_dir / "zlib-1.2.11-h7b6447c_3")
    assert any(r.name == "orphan" for r in with_cache.values())
    assert not any(r.name == "lone" for r in with_cache.values())
    without = get_index([_channel_url("channel-zlib")], prepend=False, platform="linux-64")
    assert len(without) == len(index)


def test_an_installed_record_under_another_file_name_is_left_out(tmp_path: Path) -> None:
    meta = tmp_path / "conda-meta"
    meta.mkdir()
    source = DATA / "models" / "conda-meta" / "zlib-1.2.11-hf3cbc9b_2.json"
    (meta / "renamed.json").write_bytes(source.read_bytes())
    plain = get_index([_channel_url("channel-zlib")], prepend=False, platform="linux-64")
    index = get_index([_channel_url("channel-zlib")], prepend=False, platform="linux-64", prefix=str(tmp_path))
    assert len(index) == len(plain)


# -- both kernels on one repodata file: records, warnings and errors -----------------------------


def _attributes(record: PackageRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(_materialised(record)).items() if k not in ("_hash_cache", "_pkey_cache")}


def _index_outcome(url: str, reason: bool = False) -> tuple[Any, list[tuple[type, str]]]:
    """get_index's records (Dist, record type, dump, every attribute) or its exception's type and
    text, with the warnings given on the way.

    Of a ``RepodataDecodeError``, only the source it names, unless ``reason``: the reason and
    byte of malformed JSON are the parser's (serde_json's, or Python's json's words), and in a
    document with several faults each kernel may come upon another one first.

    Of the attributes, not the hash caches: they are filled when get_index dedupes a subdir
    by hashing, which it does when a record of it was built by Python, and the kernels may
    differ there with the same values: ``-0`` is the int 0 to Python's json but the float -0.0
    to serde_json, so an entry with ``"build_number": -0`` is stored by one kernel and built
    by Python for the other (which gives the int 0 all the same)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            index = get_index([url], prepend=False, platform="linux-64")
            result: Any = [(d.dump(), type(r).__name__, r.dump(), repr(r), _attributes(r)) for d, r in index.items()]
        except RepodataDecodeError as exc:
            result = (type(exc), str(exc)) if reason else (type(exc), exc.source)
        except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
            result = (type(exc), str(exc))
    return result, [(w.category, str(w.message)) for w in caught]


def _each_kernel(url: str, config: dict[str, bool], condarc: Path, reason: bool = False) -> list[Any]:
    """The outcome under the Rust backend, the Python one, and the Python one without orjson."""
    import sys

    if _backend._load_extension() is None:
        pytest.skip("the compiled extension is not installed")
    condarc.write_text("".join(f"{key}: {str(value).lower()}\n" for key, value in config.items()))
    previous = _backend.BACKEND
    outcomes = []
    try:
        reset_context([str(condarc)])
        for name, without_orjson in (("rust", False), ("python", False), ("python", True)):
            _backend.activate(name)
            saved = sys.modules.get("orjson")
            if without_orjson:
                sys.modules["orjson"] = None  # type: ignore[assignment]  # import fails
            try:
                outcomes.append(_index_outcome(url, reason))
            finally:
                if without_orjson:
                    if saved is None:
                        del sys.modules["orjson"]
                    else:
                        sys.modules["orjson"] = saved
    finally:
        _backend.activate(previous)
        reset_context(())
    return outcomes


def _hostile_channel(base: Path, data: bytes) -> str:
    return _channel(base, data, {"packages": {}})


_CONFIG = {"add_pip_as_python_dependency": True, "use_only_tar_bz2": False, "separate_format_cache": False}
_ENTRY_TEXT = '"name": "a", "version": "1", "build": "0", "build_number": 0'
SINGLE_FAULTS = [  # (document, reason, byte): one fault each, found and worded alike by both kernels
    ('{"a": "\\udc00"}', "lone leading surrogate in hex escape", 12),
    ('{"\\udc00": 1}', "lone leading surrogate in hex escape", 7),
    ('{"a": "\\ud800"}', "unexpected end of hex escape", 13),
    ('{"a": "\\ud800x"}', "unexpected end of hex escape", 13),
    ('{"a": "\\ud800\\n"}', "unexpected end of hex escape", 14),
    ('{"a": "\\ud800\\ud800"}', "lone leading surrogate in hex escape", 18),
    ('{"packages": {"x": {"zzz": "\\ud800\\u0041"}}}', "lone leading surrogate in hex escape", 39),
    ('{"a": "1e400", "b": 1e400}', "number out of range", 24),  # at its last digit, not in the string
    ('{"a": [1, -1.8e308]}', "number out of range", 17),
    ('{"a": 1e99999999999999999999999}', "number out of range", 17),  # where the exponent overflows
    ('{"a": ' + "1" * 4301 + "}", "number out of range", 4306),  # not the int-string limit
    ('{"a": NaN}', "expected value", 6),
    ('{"a": -Infinity}', "invalid number", 7),
    ("[]", "invalid type: expected a repodata object", 0),
    (' \n "x"', "invalid type: expected a repodata object", 3),
    ("[" * 128 + "]" * 128, "recursion limit exceeded", 127),
    ('{"info": ' + "[" * 128 + "]" * 128 + "}", "recursion limit exceeded", 136),
    ('{"packages": {"a-1-0.tar.bz2": ' + "[" * 128 + "]" * 128 + "}}", "recursion limit exceeded", 158),
    (
        '{"packages": {"a-1-0.tar.bz2": {"x": ' + "[" * 127 + "]" * 127 + ", " + _ENTRY_TEXT + "}}}",
        "recursion limit exceeded",
        163,
    ),
    ('{"packages": ' + "[" * 127 + "]" * 127 + ', "packages": {}}', "recursion limit exceeded", 139),
    # what a repeated key replaced is read too
    ('{"info":\n ' + "[" * 128 + "]" * 128 + ',\n "info": {}}', "recursion limit exceeded", 137),
    (
        '{"packages": {"a-1-0.tar.bz2": ' + "[" * 128 + "]" * 128 + ', "a-1-0.tar.bz2": {' + _ENTRY_TEXT + "}}}",
        "recursion limit exceeded",
        158,
    ),
    ("[" * 1500 + "]" * 1500, "recursion limit exceeded", 127),  # beyond Python's own recursion limit
    ('{"packages": {}, "packages": 3}', 'invalid type: expected an object of package entries for "packages"', None),
    ('{"packages.conda": "x"}', 'invalid type: expected an object of package entries for "packages.conda"', None),
]


@pytest.mark.one_backend
@pytest.mark.parametrize(("text", "reason", "offset"), SINGLE_FAULTS)
def test_a_single_fault_is_worded_and_placed_alike_by_both_kernels(
    tmp_path: Path, text: str, reason: str, offset: int | None
) -> None:
    url = _hostile_channel(tmp_path, text.encode())
    where = f" at byte {offset}" if offset is not None else ""
    expected = f"invalid repodata from {tmp_path / 'linux-64' / 'repodata.json'}{where}: {reason}"
    for result, _ in _each_kernel(url, _CONFIG, tmp_path / ".condarc", reason=True):
        assert result == (RepodataDecodeError, expected)


@pytest.mark.one_backend
@pytest.mark.parametrize(
    "text",
    [
        '{"packages": [1], "packages": {"a-1-0.tar.bz2": {' + _ENTRY_TEXT + "}}}",
        '{"packages.conda": false, "packages.conda": {"a-1-0.conda": {' + _ENTRY_TEXT + "}}}",
        '{"packages": "x", "packages": null, "packages": {"a-1-0.tar.bz2": {' + _ENTRY_TEXT + "}}}",
    ],
)
def test_a_repeated_packages_key_counts_with_its_last_value_in_both_kernels(tmp_path: Path, text: str) -> None:
    """As a Python dict (and conda's json.loads): what a repeated key replaced does not count."""
    url = _hostile_channel(tmp_path, text.encode())
    rust, python, python_json = _each_kernel(url, _CONFIG, tmp_path / ".condarc", reason=True)
    assert rust == python == python_json
    assert [record["fn"] for _, _, record, _, _ in rust[0]] in (["a-1-0.tar.bz2"], ["a-1-0.conda"])


@pytest.mark.one_backend
@pytest.mark.parametrize(
    ("packages", "message"),
    [
        ({"packages": {"a-1-0.tar.bz2": ""}}, "the entry 'a-1-0.tar.bz2' is not an object"),
        # a string holding an entry's JSON is still a string, not an entry
        ({"packages": {"a-1-0.tar.bz2": json.dumps(_entry())}}, "the entry 'a-1-0.tar.bz2' is not an object"),
        (
            {"packages": {"a-1-0.tar.bz2": json.dumps(_entry())}, "packages.conda": {"a-1-0.conda": _entry()}},
            "the .tar.bz2 entry of 'a-1-0.conda' is not an object",
        ),
    ],
)
def test_an_entry_that_is_a_string_is_refused_alike_by_both_kernels(
    tmp_path: Path, packages: dict[str, Any], message: str
) -> None:
    url = _hostile_channel(tmp_path, json.dumps(packages).encode())
    expected = (RepodataDecodeError, f"invalid repodata from {url}/linux-64: {message}")
    for result, _ in _each_kernel(url, _CONFIG, tmp_path / ".condarc", reason=True):
        assert result == expected


@pytest.mark.one_backend
@pytest.mark.parametrize(
    "fields",
    [
        {"version": "", "license": "MIT"},
        {"license": "", "license_family": "MIT"},
        {"depends": ["", "x"], "constrains": ["", "y", ""]},
    ],
)
def test_an_empty_string_is_not_read_as_the_string_stored_after_it(tmp_path: Path, fields: dict[str, Any]) -> None:
    """An empty string takes no room in the Rust store's text: the next one starts at its place."""
    url = _hostile_channel(tmp_path, json.dumps({"packages": {"a-1-0.tar.bz2": _entry(**fields)}}).encode())
    for records, _ in _each_kernel(url, _CONFIG, tmp_path / ".condarc"):
        ((_, _, dump, _, _),) = records
        assert {name: dump[name] for name in fields} == {
            name: tuple(value) if isinstance(value, list) else value for name, value in fields.items()
        }


@pytest.mark.one_backend
@pytest.mark.parametrize(
    ("repeated", "kept"),
    [
        ('"record_version": 2, "record_version": 1', True),
        ('"record_version": 1, "record_version": 2', False),
        ('"build_number": -5.2e16, "build_number": 9007199254740992', True),
        ('"size": "x", "size": 7, "features": "f", "features": null, "md5": 1, "md5": "ab"', True),
        ('"license": "MIT", "license": 3', True),
    ],
)
def test_a_field_given_twice_counts_with_its_last_value_in_both_kernels(
    tmp_path: Path, repeated: str, kept: bool
) -> None:
    """As in a Python dict (and conda's json.loads); the Rust kernel used to let an earlier
    value decide whether the record was kept, or built by Python."""
    text = '{"packages": {"a-1-0.tar.bz2": {' + _ENTRY_TEXT + ", " + repeated + "}}}"
    url = _hostile_channel(tmp_path, text.encode())
    rust, python, python_json = _each_kernel(url, _CONFIG, tmp_path / ".condarc", reason=True)
    assert rust == python == python_json
    assert len(rust[0]) == kept
    path = str(tmp_path / "linux-64" / "repodata.json")
    built_by_python = [
        [index for index, _, _ in _backend.kernels(name)["repodata"].parse_repodata(path, True, False).slow()]
        for name in ("rust", "python")
    ]
    assert built_by_python[0] == built_by_python[1]


@pytest.mark.one_backend
def test_an_integer_beyond_64_bits_in_the_info_is_read_exactly_by_both_kernels(tmp_path: Path) -> None:
    """orjson reads such an integer as a float; the info then said 1e+20 where Rust says the integer."""
    text = '{"info": {"subdir": 99999999999999999999}, "packages": {"a-1-0.tar.bz2": {' + _ENTRY_TEXT + "}}}"
    url = _hostile_channel(tmp_path, text.encode())
    outcomes = _each_kernel(url, _CONFIG, tmp_path / ".condarc", reason=True)
    for _, caught in outcomes:
        assert [str(message) for _, message in caught] == [
            f"{url}/linux-64: the index says its subdir is 99999999999999999999, not 'linux-64'; "
            "its records are taken as 'linux-64'"
        ]
    assert outcomes[0] == outcomes[1] == outcomes[2]


# -- both backends, hostile repodata -----------------------------------------------------------
#
# Generated documents are written by a small JSON writer of our own, so that they can hold what
# json.dumps never writes: repeated keys, lone surrogate escapes, raw (invalid UTF-8) surrogates,
# numbers beyond a double or the int-string limit, NaN, nesting deeper than serde_json's limit.
# Each document is read through get_index (the kernel, then the records built from its store)
# under the Rust backend, the Python one with orjson when it is installed, and the Python one
# with the standard json module; all must give the same index, warnings, or exception.


class _Raw(str):
    """Text written into the document as it is (a number literal, a broken token)."""


class _Pairs(list):  # type: ignore[type-arg]
    """A JSON object as its (key, value) pairs, which may repeat a key."""


def _write_json(value: Any, ascii_only: bool) -> str:
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=ascii_only)
    if value is None or isinstance(value, (bool, int)):
        return json.dumps(value)
    if isinstance(value, float):
        return json.dumps(value)  # NaN and Infinity as Python writes them: neither backend reads them
    if isinstance(value, _Pairs):
        return "{" + ", ".join(f"{_write_json(k, ascii_only)}: {_write_json(v, ascii_only)}" for k, v in value) + "}"
    if isinstance(value, dict):
        return _write_json(_Pairs(value.items()), ascii_only)
    return "[" + ", ".join(_write_json(item, ascii_only) for item in value) + "]"


def _document_bytes(value: Any, ascii_only: bool) -> bytes:
    # raw surrogates (ascii_only False) become the invalid UTF-8 of a surrogate code point
    return _write_json(value, ascii_only).encode("utf-8", "surrogatepass")


_READABLE_NUMBERS = [  # number literals both kernels read (json.dumps writes none of them)
    "-0",
    "-0.0",
    "0e0",
    "1E+2",
    "1e-400",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "1" * 300,
    "1.5e308",
    "9007199254740993",
    "253402300800000",
    "253402300800",
    "1.0",
]
_REFUSED_NUMBERS = ["1e400", "-1e400", "1" * 400, "1" * 4301, "2e308", "1e99999999999", "01", "+1", ".5", "NaN"]
_FIELD_NAMES = st.sampled_from(
    [
        "name",
        "version",
        "build",
        "build_string",
        "build_number",
        "depends",
        "constrains",
        "track_features",
        "features",
        "noarch",
        "license",
        "license_family",
        "md5",
        "sha256",
        "legacy_bz2_md5",
        "legacy_bz2_size",
        "preferred_env",
        "python_site_packages_path",
        "date",
        "size",
        "timestamp",
        "record_version",
        "package_type",
        "subdir",
        "arch",
        "platform",
        "url",
        "channel",
        "fn",
        "schannel",
        "metadata_signature_status",
    ]
)
#: the fields the kernels store (or hand to Python) by rules of their own
_KERNEL_FIELDS = st.sampled_from(
    [
        "name",
        "version",
        "build",
        "build_string",
        "build_number",
        "depends",
        "constrains",
        "track_features",
        "features",
        "noarch",
        "license",
        "license_family",
        "md5",
        "sha256",
        "legacy_bz2_md5",
        "legacy_bz2_size",
        "preferred_env",
        "python_site_packages_path",
        "date",
        "size",
        "timestamp",
        "record_version",
        "package_type",
    ]
)
_PLAIN_FILE_NAMES = [
    "a-1-0.tar.bz2",
    "a-1-0.conda",
    "b-1-0.tar.bz2",
    "b-1-0.conda",
    "python-3.9.0-0.tar.bz2",
    "python-3.9.0-0.conda",
]
_ODD_FILE_NAMES = ["a-1-h1_0.conda", "x.conda", ".conda", "a-1-0.tar.bz2.conda", "é-1-0.conda", "a b-1-0.conda", ""]


class _Values:
    """The strategies of one kind of document: ``readable`` ones hold only what JSON both
    kernels read can hold (so their entries reach the kernels' field rules: stored, boxed
    by Python, or refused by conda's checks); the others anything at all (lone surrogate
    escapes, raw surrogates, numbers beyond a double, NaN, nesting beyond serde_json's limit)."""

    def __init__(self, readable: bool) -> None:
        odd_characters = ["\x00", "é", "\x1f", " ", ",", "\\", '"', "[", "{"]
        if not readable:
            odd_characters += ["\ud800", "\udbff", "\udc00", "\udcff"]
        self.text = st.one_of(
            st.text(max_size=8),
            st.text(st.sampled_from(odd_characters), max_size=4),
            st.sampled_from(
                ["", "python", "generic", "3.9.0", "2.7", "pip", "0123456789abcdef0123456789abcdef", "ABCDEF", "é"]
            ),
        )
        numbers = _READABLE_NUMBERS + ([] if readable else _REFUSED_NUMBERS)
        self.scalars = st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.integers(min_value=-(2**70), max_value=2**70),
            st.sampled_from([2**53, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63), 10**20, 253402300799, 253402300800]),
            st.floats(allow_nan=not readable, allow_infinity=not readable),
            self.text,
            st.sampled_from(numbers).map(_Raw),
        )
        self.values = st.recursive(
            self.scalars,
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.lists(self.text, max_size=3)
                | st.lists(st.tuples(self.text, inner), max_size=3).map(_Pairs)
            ),
            max_leaves=8,
        )
        if not readable:
            deep = st.one_of(st.integers(120, 140), st.integers(990, 1100)).map(lambda n: _Raw("[" * n + "]" * n))
            self.values = st.one_of(self.values, self.values, self.values, deep)
        self.fields = st.lists(st.tuples(st.one_of(_FIELD_NAMES, _FIELD_NAMES, self.text), self.values), max_size=4)
        # one value of each JSON type, for one field the kernels have a rule for
        self.typed = st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.sampled_from([2**53, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63), 253402300799, 253402300800]),
            st.floats(allow_nan=not readable, allow_infinity=not readable),
            st.sampled_from(numbers).map(_Raw),
            self.text,
            st.lists(self.text, max_size=3),
            st.lists(self.scalars, max_size=3),
            st.lists(st.tuples(self.text, self.scalars), max_size=2).map(_Pairs),
        )
        # mostly plain: a name no Dist can be made of fails the whole index (as in conda)
        self.file_names = st.one_of(
            st.sampled_from(_PLAIN_FILE_NAMES), st.sampled_from(_PLAIN_FILE_NAMES + _ODD_FILE_NAMES)
        )
        if not readable:
            self.file_names |= self.text
        info = st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "subdir": st.sampled_from(["linux-64", "osx-64", "", None, 3]),
                    "base_url": st.sampled_from(
                        ["", "../pkgs/", "https://example.com/pkgs/", "https://u:p@example.com/x", 1]
                    ),
                    "arch": st.one_of(st.none(), self.text, st.integers()),
                    "platform": st.one_of(st.none(), self.text, st.integers()),
                },
            ),
        )
        self.info = st.one_of(info, info, info, self.values)


_READABLE, _ANYTHING = _Values(readable=True), _Values(readable=False)


@st.composite
def _entries(draw: st.DrawFn, values: _Values) -> _Pairs:
    pairs = _Pairs()
    for fn in draw(st.lists(values.file_names, min_size=1, max_size=5)):
        if draw(st.integers(0, 19)) == 0:
            pairs.append((fn, draw(values.values)))  # not an object at all
            continue
        stem = fn.rsplit("-", 2)[0] if fn.count("-") >= 2 else "a"
        base = {"name": stem, "version": "1", "build": "0", "build_number": 0, "depends": []}
        if stem == "python":
            base["version"] = draw(st.sampled_from(["3.9.0", "2.7.18", "4.0"]))
        if draw(st.integers(0, 3)):  # a whole entry but for one field of any type: stored, boxed or refused
            fields = _Pairs(base.items())
            fields.append((draw(_KERNEL_FIELDS), draw(values.typed)))
        else:
            for key in draw(st.lists(st.sampled_from(sorted(base)), max_size=2, unique=True)):
                del base[key]  # an entry without its identity, or without build_number / depends
            fields = _Pairs(base.items())
            fields.extend(draw(values.fields))  # a field given twice: the last value counts
        pairs.append((fn, fields))
    return pairs


@st.composite
def _documents(draw: st.DrawFn) -> Any:
    values = _ANYTHING if draw(st.integers(0, 2)) == 0 else _READABLE
    if draw(st.integers(0, 19)) == 0:
        return draw(values.values)  # not an object
    document = _Pairs()
    keys = draw(
        st.lists(
            st.sampled_from(["packages", "packages.conda", "info", "repodata_version", "removed", "signatures"]),
            max_size=6,
        )
    )
    if not any(key.startswith("packages") for key in keys):
        keys.append(draw(st.sampled_from(["packages", "packages.conda"])))
    for key in keys:
        if key.startswith("packages"):
            value = draw(_entries(values)) if draw(st.integers(0, 9)) else draw(values.values)
        elif key == "info":
            value = draw(values.info)
        else:
            value = draw(values.values)
        document.append((key, value))
    return document


_SAMPLES = [
    DATA / "channel-zlib" / "linux-64" / "repodata.json",
    DATA / "channel-zlib" / "win-64" / "repodata.json",
    DATA / "channels" / "python-pip" / "linux-64" / "repodata.json",
    DATA / "channels" / "conda-test" / "linux-64" / "repodata.json",
]
_TOKENS = st.sampled_from(
    [
        b'"',
        b"\\",
        b"\\u",
        b"\\ud800",
        b"\\udcff",
        b"\\ud800\\udc00",
        b"\xff",
        b"\xed\xa0\x80",
        b"\xc3",
        b"\x00",
        b",",
        b":",
        b"{",
        b"}",
        b"[",
        b"]",
        b"NaN",
        b"1e400",
        b"-0",
        b"99999999999999999999",
        b"null",
        b"true",
        b" ",
    ]
)
_VALUE_TOKENS = st.sampled_from(
    [
        b"null",
        b"true",
        b"0",
        b"-1",
        b"1.5",
        b"-0",
        b"1e400",
        b"NaN",
        b"99999999999999999999",
        b"1600000000000",
        b'""',
        b'"x"',
        b'"\\ud800"',
        b'"a\\u0000b"',
        b"[]",
        b'["a", 1]',
        b'["x y", " z"]',
        b"{}",
        b'{"a": []}',
        b"[[[[[[[[[[]]]]]]]]]]",
    ]
)
_STRING_TOKENS = st.sampled_from(
    [
        b"\\ud800",
        b"\\udcff",
        b"\\udbff\\udfff",
        b"\\ud800\\u0041",
        b"\\u0000",
        b"\\u005b",
        b'\\"',
        b"\\\\",
        b"\\x",
        b"\xff",
        b"\xed\xa0\x80",
        b"\xc3\xa9",
        b" ",
        b",",
        b"\t",
    ]
)
_POSITION = st.integers(0, 10**6)
_EDITS = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(["truncate", "replace", "insert", "delete", "duplicate"]),
            _POSITION,
            _POSITION,
            st.one_of(_TOKENS, st.binary(min_size=1, max_size=3)),
        ),
        st.tuples(st.just("in_string"), _POSITION, _POSITION, _STRING_TOKENS),
        st.tuples(st.just("value"), _POSITION, _POSITION, _VALUE_TOKENS),
    ),
    min_size=1,
    max_size=3,
)


def _edited(data: bytes, edits: list[tuple[str, int, int, bytes]]) -> bytes:
    for kind, at, other, token in edits:
        if kind in ("in_string", "value"):
            # right after a quote (inside a string, or just after one); or in place of a value
            marks = [m.end() for m in re.finditer(b'"' if kind == "in_string" else b'": ', data)]
            if marks:
                at = marks[at % len(marks)]
                if kind == "in_string":
                    data = data[:at] + token + data[at:]
                else:
                    end = re.compile(rb"[,\n}]").search(data, at)
                    data = data[:at] + token + data[end.start() if end else len(data) :]
                continue
        at %= len(data) + 1
        if kind == "truncate":
            data = data[:at]
        elif kind == "replace":
            data = data[:at] + token + data[at + len(token) :]
        elif kind == "insert":
            data = data[:at] + token + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + 1 + other % 40 :]
        else:  # a copy of a stretch of the file (a key and its entry, often) put in again
            end = at + 1 + other % 400
            data = data[:end] + data[at:end] + data[end:]
    return data


_SETTINGS = st.fixed_dictionaries(
    {
        "add_pip_as_python_dependency": st.booleans(),
        "use_only_tar_bz2": st.booleans(),
        "separate_format_cache": st.booleans(),
    }
)


@pytest.mark.one_backend
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=_documents(), ascii_only=st.booleans(), config=_SETTINGS)
def test_any_repodata_document_gives_the_same_index_on_both_backends(
    tmp_path_factory: pytest.TempPathFactory, document: Any, ascii_only: bool, config: dict[str, bool]
) -> None:
    base = tmp_path_factory.mktemp("repodata")
    url = _hostile_channel(base, _document_bytes(document, ascii_only))
    rust, python, python_json = _each_kernel(url, config, base / ".condarc")
    assert rust == python == python_json


@pytest.mark.one_backend
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=st.sampled_from(_SAMPLES), edits=_EDITS, config=_SETTINGS)
def test_any_edit_of_a_real_repodata_gives_the_same_index_on_both_backends(
    tmp_path_factory: pytest.TempPathFactory, sample: Path, edits: list[tuple[str, int, int, bytes]], config: dict
) -> None:
    base = tmp_path_factory.mktemp("edited")
    url = _hostile_channel(base, _edited(sample.read_bytes(), edits))
    rust, python, python_json = _each_kernel(url, config, base / ".condarc")
    assert rust == python == python_json
