"""Create PackageRecord + Dist pairs for a conda-forge-sized index: ours, conda 25.1, py-rattler.

The index is ``CONDA_EXPORTS_BENCH_RECORDS`` entries (default 600000, conda-forge's size;
use e.g. 20000 while developing) generated from the real repodata in ``../shared`` by
``_records_data.py``. Each round turns every entry into a record and then a ``Dist`` of it,
as get_index does (``{Dist(rec): rec}``). conda runs in a long-lived worker process
(``CONDA_REF_SRC`` = a conda source tree, ``CONDA_REF_PYTHON`` its interpreter, default
this interpreter) that times the same loop itself; py-rattler has no Dist, so
its case builds ``rattler.PackageRecord`` objects only. Ours runs on both backends (they
differ in the construction kernel, see ``models/records.py``).

Run: python -m pytest benches/bench_models_records.py --benchmark-only --benchmark-min-rounds=3
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._records_data import CHANNEL, index
from .conftest import CondaWorker, mark, start_conda_worker

COUNT = int(os.environ.get("CONDA_EXPORTS_BENCH_RECORDS", "600000"))
ROUNDS = 3
HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def entries(shared_dir: Path) -> list[tuple[str, dict]]:
    return index(shared_dir, COUNT)


def _ours(entries: list[tuple[str, dict]]) -> dict:
    from conda_exports import Dist, PackageRecord

    Dist._cache_.clear()
    out = {}
    for fn, entry in entries:
        rec = PackageRecord(**entry, fn=fn, channel=CHANNEL)
        out[Dist(rec)] = rec
    return out


@pytest.mark.parametrize("backend", ["rust", "python"])
def test_records_and_dists_ours(benchmark, entries, backend: str) -> None:
    from conda_exports import _backend

    if backend == "rust" and _backend._load_extension() is None:
        pytest.skip("the compiled extension is not installed")
    benchmark.group = f"{len(entries)} PackageRecord + Dist"
    mark(benchmark, f"conda-exports ({backend})", ours=True)
    previous = _backend.BACKEND
    _backend.activate(backend)
    try:
        result = benchmark.pedantic(_ours, (entries,), rounds=ROUNDS, iterations=1, warmup_rounds=0)
    finally:
        _backend.activate(previous)
    assert len(result) > 0.9 * len(entries)


def _rattler(entries: list[tuple[str, dict]]) -> list:
    from rattler import PackageRecord
    from rattler.package.build_string import BuildString

    out = []
    for _fn, e in entries:
        md5, sha256 = e.get("md5"), e.get("sha256")
        out.append(
            PackageRecord(
                name=e["name"],
                version=e["version"],
                build=BuildString(e["build"]),
                build_number=e["build_number"],
                subdir=e.get("subdir") or "linux-64",
                arch=e.get("arch"),
                platform=e.get("platform"),
                depends=e.get("depends"),
                constrains=e.get("constrains"),
                md5=bytes.fromhex(md5) if md5 else None,
                sha256=bytes.fromhex(sha256) if sha256 else None,
                size=e.get("size"),
                license=e.get("license"),
                license_family=e.get("license_family"),
            )
        )
    return out


def test_records_py_rattler(benchmark, entries) -> None:
    pytest.importorskip("rattler")
    benchmark.group = f"{len(entries)} PackageRecord + Dist"
    mark(benchmark, "py-rattler (records only)", ours=False)
    result = benchmark.pedantic(_rattler, (entries,), rounds=ROUNDS, iterations=1, warmup_rounds=0)
    assert len(result) == len(entries)


WORKER = r"""
import sys, time, json
from pathlib import Path
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from conda.base.context import reset_context
reset_context(())
from conda.models.dist import Dist
from conda.models.records import PackageRecord
from _records_data import CHANNEL, index
entries = index(Path(sys.argv[3]), int(sys.argv[4]))
print("ready", flush=True)
for line in sys.stdin:
    Dist._cache_.clear()
    t = time.perf_counter()
    out = {}
    for fn, entry in entries:
        rec = PackageRecord(**entry, fn=fn, channel=CHANNEL)
        out[Dist(rec)] = rec
    print(json.dumps([time.perf_counter() - t, len(out)]), flush=True)
"""


@pytest.fixture(scope="module")
def conda_worker(shared_dir: Path) -> Iterator[CondaWorker]:
    yield from start_conda_worker(WORKER, str(HERE), str(shared_dir), str(COUNT))


def test_records_and_dists_conda(benchmark, conda_worker: CondaWorker) -> None:
    benchmark.group = f"{COUNT} PackageRecord + Dist"
    mark(benchmark, "conda 25.1", ours=False)
    timings: list[float] = []

    def once() -> None:
        seconds, count = json.loads(conda_worker.request("go"))
        assert count > 0.9 * COUNT
        timings.append(seconds)

    benchmark.pedantic(once, rounds=ROUNDS, iterations=1, warmup_rounds=0)
    benchmark.extra_info["conda_self_timed_seconds"] = timings
