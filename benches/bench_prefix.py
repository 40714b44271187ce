"""linked_data and verify_prefix against the pure-Python fallback, a plain orjson loop and
py-rattler, in the same run.

Run: python -m pytest benches/bench_prefix.py --benchmark-only --benchmark-json=benches/results/prefix.json

The prefix of 300 records is made of the real conda-meta records of ``../shared`` (57
files, 7.7 MB), copied under new names; "cold" drops our per-prefix cache before every
round (the files stay in the page cache for every subject alike), "warm" keeps it.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
import pytest
from conda_exports import _backend, delete_prefix_from_linked_data, linked_data, verify_prefix

from .conftest import mark

RECORDS = 300
ROUNDS = 15
PACKAGES = 50
FILES_PER_PACKAGE = 1000


@pytest.fixture(scope="module")
def prefix(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    sources = sorted((shared_dir / "data" / "conda-meta").glob("*/*.json"))
    root = tmp_path_factory.mktemp("prefix300")
    meta = root / "conda-meta"
    meta.mkdir()
    for k in range(RECORDS):
        record = json.loads(sources[k % len(sources)].read_bytes())
        record["name"] = f"{record['name']}_c{k}"
        stem = f"{record['name']}-{record['version']}-{record['build']}"
        record["fn"] = stem + (".tar.bz2" if str(record.get("fn")).endswith(".tar.bz2") else ".conda")
        if record.get("url"):
            record["url"] = record["url"].rpartition("/")[0] + "/" + record["fn"]
        (meta / f"{stem}.json").write_text(json.dumps(record))
    _settle(meta)
    return root


def _settle(directory: Path) -> None:
    """Writes everything out and reads it once, so no case pays for the flush or the first read."""
    os.sync()
    for path in directory.rglob("*"):
        if path.is_file():
            path.read_bytes()


def _meta_files(prefix: Path) -> list[str]:
    return [e.path for e in os.scandir(prefix / "conda-meta") if e.name.endswith(".json")]


@pytest.fixture
def rust_backend() -> Iterator[None]:
    previous = _backend.BACKEND
    _backend.activate("rust")
    yield
    _backend.activate(previous)


@pytest.fixture
def python_backend() -> Iterator[None]:
    previous = _backend.BACKEND
    _backend.activate("python")
    yield
    _backend.activate(previous)


def _cold(prefix: Path) -> Any:
    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        delete_prefix_from_linked_data(prefix)
        return (prefix,), {}

    return setup


# -- linked_data, cold ------------------------------------------------------------------


@pytest.mark.benchmark(group="linked_data: 300 records, cold")
def test_linked_data_cold_ours(benchmark, prefix: Path, rust_backend: None) -> None:
    mark(benchmark, "conda_exports.linked_data (rust)", ours=True)
    result = benchmark.pedantic(linked_data, setup=_cold(prefix), rounds=ROUNDS, warmup_rounds=1)
    assert len(result) == RECORDS


@pytest.mark.benchmark(group="linked_data: 300 records, cold")
def test_linked_data_cold_fallback(benchmark, prefix: Path, python_backend: None) -> None:
    mark(benchmark, "conda_exports.linked_data (python)", ours=True)
    result = benchmark.pedantic(linked_data, setup=_cold(prefix), rounds=ROUNDS, warmup_rounds=1)
    assert len(result) == RECORDS


@pytest.mark.benchmark(group="linked_data: 300 records, cold")
def test_linked_data_orjson_loop(benchmark, prefix: Path) -> None:
    mark(benchmark, "orjson.loads loop (dicts only)", ours=False)
    files = _meta_files(prefix)

    def run() -> list[Any]:
        out = []
        for path in files:
            with open(path, "rb") as fh:
                out.append(orjson.loads(fh.read()))
        return out

    assert len(benchmark.pedantic(run, rounds=ROUNDS, warmup_rounds=1)) == RECORDS


@pytest.mark.benchmark(group="linked_data: 300 records, cold")
def test_linked_data_rattler(benchmark, prefix: Path) -> None:
    rattler = pytest.importorskip("rattler")
    mark(benchmark, "py-rattler PrefixRecord.from_path loop", ours=False)
    files = _meta_files(prefix)
    result = benchmark.pedantic(lambda: [rattler.PrefixRecord.from_path(p) for p in files], rounds=ROUNDS)
    assert len(result) == RECORDS


@pytest.mark.benchmark(group="linked_data: 300 records, cold")
def test_linked_data_rattler_threads(benchmark, prefix: Path) -> None:
    rattler = pytest.importorskip("rattler")
    mark(benchmark, "py-rattler PrefixRecord.from_path, 2 threads", ours=False)
    files = _meta_files(prefix)
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        result = benchmark.pedantic(lambda: list(pool.map(rattler.PrefixRecord.from_path, files)), rounds=ROUNDS)
    assert len(result) == RECORDS


# -- linked_data, then every record's file list read --------------------------------------


def _with_files(prefix: Path) -> int:
    return sum(len(record.files) for record in linked_data(prefix).values())


@pytest.mark.benchmark(group="linked_data: 300 records, cold, every record's files read")
def test_linked_data_files_ours(benchmark, prefix: Path, rust_backend: None) -> None:
    mark(benchmark, "conda_exports.linked_data + .files (rust)", ours=True)
    assert benchmark.pedantic(_with_files, setup=_cold(prefix), rounds=ROUNDS, warmup_rounds=1) > 0


@pytest.mark.benchmark(group="linked_data: 300 records, cold, every record's files read")
def test_linked_data_files_fallback(benchmark, prefix: Path, python_backend: None) -> None:
    mark(benchmark, "conda_exports.linked_data + .files (python)", ours=True)
    assert benchmark.pedantic(_with_files, setup=_cold(prefix), rounds=ROUNDS, warmup_rounds=1) > 0


@pytest.mark.benchmark(group="linked_data: 300 records, cold, every record's files read")
def test_linked_data_files_rattler_threads(benchmark, prefix: Path) -> None:
    rattler = pytest.importorskip("rattler")
    mark(benchmark, "py-rattler from_path + .files, 2 threads", ours=False)
    files = _meta_files(prefix)

    def run(pool: ThreadPoolExecutor) -> int:
        return sum(len(r.files) for r in pool.map(rattler.PrefixRecord.from_path, files))

    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        assert benchmark.pedantic(run, (pool,), rounds=ROUNDS) > 0


# -- linked_data, warm --------------------------------------------------------------------


@pytest.mark.benchmark(group="linked_data: 300 records, warm (unchanged conda-meta)")
def test_linked_data_warm_ours(benchmark, prefix: Path, rust_backend: None) -> None:
    mark(benchmark, "conda_exports.linked_data (rust)", ours=True)
    linked_data(prefix)
    assert len(benchmark.pedantic(linked_data, (prefix,), rounds=ROUNDS * 10, warmup_rounds=1)) == RECORDS


@pytest.mark.benchmark(group="linked_data: 300 records, warm (unchanged conda-meta)")
def test_linked_data_warm_fallback(benchmark, prefix: Path, python_backend: None) -> None:
    mark(benchmark, "conda_exports.linked_data (python)", ours=True)
    linked_data(prefix)
    assert len(benchmark.pedantic(linked_data, (prefix,), rounds=ROUNDS * 10, warmup_rounds=1)) == RECORDS


# -- verify_prefix -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, int, str]]]:
    """A prefix of 50 packages x 1,000 files (1-16 KiB each, ~420 MB), as paths_data records them."""
    root = tmp_path_factory.mktemp("installed")
    (root / "conda-meta").mkdir()
    rng = random.Random(11)
    expected = []
    for p in range(PACKAGES):
        paths = []
        for f in range(FILES_PER_PACKAGE):
            rel = f"lib/pkg{p:02d}/d{f // 100}/file{f:04d}.bin"
            data = rng.randbytes(rng.randint(1024, 16 * 1024))
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            digest = hashlib.sha256(data).hexdigest()
            paths.append({"_path": rel, "path_type": "hardlink", "sha256": digest, "size_in_bytes": len(data)})
            expected.append((str(target), len(data), digest))
        record = {
            "name": f"pkg{p:02d}",
            "version": "1.0",
            "build": "0",
            "build_number": 0,
            "files": [e["_path"] for e in paths],
            "paths_data": {"paths_version": 1, "paths": paths},
        }
        (root / "conda-meta" / f"pkg{p:02d}-1.0-0.json").write_text(json.dumps(record))
    _settle(root)
    return root, expected


def _check_one(item: tuple[str, int, str]) -> bool:
    path, size, digest = item
    info = os.lstat(path)
    if info.st_size != size:
        return False
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest() == digest


@pytest.mark.benchmark(group="verify_prefix: 50,000 files, 420 MB")
def test_verify_ours(benchmark, installed: tuple[Path, Any], rust_backend: None) -> None:
    mark(benchmark, "conda_exports.verify_prefix (rust)", ours=True)
    assert benchmark.pedantic(verify_prefix, (installed[0],), rounds=5, warmup_rounds=1) == {}


@pytest.mark.benchmark(group="verify_prefix: 50,000 files, 420 MB")
def test_verify_fallback(benchmark, installed: tuple[Path, Any], python_backend: None) -> None:
    mark(benchmark, "conda_exports.verify_prefix (python)", ours=True)
    assert benchmark.pedantic(verify_prefix, (installed[0],), rounds=3, warmup_rounds=1) == {}


@pytest.mark.benchmark(group="verify_prefix: 50,000 files, 420 MB")
def test_verify_hashlib_loop(benchmark, installed: tuple[Path, Any]) -> None:
    mark(benchmark, "lstat + hashlib.sha256 loop", ours=False)
    items = installed[1]
    assert benchmark.pedantic(lambda: all(map(_check_one, items)), rounds=5, warmup_rounds=1)


@pytest.mark.benchmark(group="verify_prefix: 50,000 files, 420 MB")
def test_verify_hashlib_threads(benchmark, installed: tuple[Path, Any]) -> None:
    mark(benchmark, "lstat + hashlib.sha256, 2 threads", ours=False)
    items = installed[1]
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        assert benchmark.pedantic(lambda: all(pool.map(_check_one, items, chunksize=256)), rounds=5, warmup_rounds=1)
