"""get_index on a conda-forge-scale ``file://`` channel, every case in a fresh process of its own.

The channel comes from ``_repodata_gen.py`` (seed 0, cached under ``$CONDA_EXPORTS_BENCH_DATA``,
default ``/tmp/conda-exports-bench``): ``600k`` is linux-64 with 600,000 entries (about
300 MB) plus noarch with 90,000; ``100k`` is a sixth of that. ``CONDA_EXPORTS_BENCH_SCALE``
multiplies both (use 0.05 while developing); ``CONDA_EXPORTS_BENCH_ROUNDS`` sets the rounds
(default 3).

Every round runs ``_index_driver.py`` in a new interpreter with a hermetic environment (an
empty ``HOME``, no ``CONDARC`` or other ``CONDA_*`` variable but ``CONDA_PKGS_DIRS`` and
``CONDA_EXPORTS_BACKEND``). The driver imports what it needs, times the operation alone and
reports it with the process's peak RSS (the interpreter and the live result included;
``VmHWM`` on Linux, because there ``ru_maxrss`` after fork + exec starts at the parent's RSS:
see ``_index_driver._peak_rss_mib``). The benchmark's timings are the driver's (pytest-benchmark's clock is replaced by
one that advances by what the driver reports); ``extra_info`` holds ``peak_rss_mib`` (the
largest of the rounds), the whole process's wall time per round (``process_seconds``,
interpreter start-up and imports included), the parts of the operation (``phases``) and the
records returned. Before the timed rounds one untimed run checks the case, warms the page
cache and bytecode and, for ``warm`` cases, fills the repodata cache; ``cold`` rounds each get
an empty ``CONDA_PKGS_DIRS``.

Cases: ours (``get_index(channel_urls=[file URL], prepend=False, platform="linux-64")``) on the
Rust backend cold and warm, plus touching every record's ``name``, ``version`` and ``depends``
at 600k, and on the Python backend at 100k; ``json.load`` and ``orjson.loads`` of both files;
py-rattler's ``SparseRepoData(...).load_all_records()`` (``.conda`` preferred, as conda does)
and ``RepoData.from_path(...).into_repo_data(channel)`` (every entry); conda 25.1 cold and warm
at 100k when ``CONDA_REF_SRC`` (and ``CONDA_REF_PYTHON``) name it, and at 600k too with
``CONDA_EXPORTS_BENCH_CONDA_FULL=1`` (about 90 s a round). Ours skips while
``conda_exports.get_index`` does not exist.

Run: python -m pytest benches/bench_index.py --benchmark-only --benchmark-json=benches/results/index.json
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ._repodata_gen import cached_channel, generate_channel
from .conftest import conda_reference, mark

SCALE = float(os.environ.get("CONDA_EXPORTS_BENCH_SCALE", "1"))
ROUNDS = int(os.environ.get("CONDA_EXPORTS_BENCH_ROUNDS", "3"))
CONDA_FULL = os.environ.get("CONDA_EXPORTS_BENCH_CONDA_FULL") == "1"
SIZES = {"600k": SCALE, "100k": SCALE / 6}
DRIVER = Path(__file__).resolve().with_name("_index_driver.py")
SEED = 0


@dataclass(frozen=True)
class Case:
    subject: str
    operation: str  # an operation of _index_driver.py
    ours: bool
    backend: str | None = None  # CONDA_EXPORTS_BACKEND
    cache: str | None = None  # "cold" (empty pkgs dir each round), "warm", None: no cache involved
    sizes: tuple[str, ...] = ("600k", "100k")
    primary: bool = False  # what the other rows of the group are compared with

    @property
    def id(self) -> str:
        return self.subject.replace(" ", "_").replace(",", "").replace("/", "-")


CASES = [
    Case("conda-exports (rust), cold cache", "ours", True, "rust", "cold", primary=True),
    Case("conda-exports (rust), warm cache", "ours", True, "rust", "warm"),
    Case("conda-exports (rust), cold + touch name/version/depends", "ours-touch", True, "rust", "cold", ("600k",)),
    Case("conda-exports (python), cold cache", "ours", True, "python", "cold", ("100k",)),
    Case("conda-exports (python), warm cache", "ours", True, "python", "warm", ("100k",)),
    Case("json.load", "json", False),
    Case("orjson.loads", "orjson", False),
    Case("py-rattler SparseRepoData.load_all_records", "rattler-sparse", False),
    Case("py-rattler RepoData.from_path + into_repo_data", "rattler-repodata", False),
    Case("conda 25.1, cold cache", "conda", False, None, "cold", ("600k", "100k") if CONDA_FULL else ("100k",)),
    Case("conda 25.1, warm cache", "conda", False, None, "warm", ("600k", "100k") if CONDA_FULL else ("100k",)),
]
PARAMS = [pytest.param(size, case, id=f"{size}-{case.id}") for case in CASES for size in case.sizes]


class Channels:
    """size -> (channel directory, generator totals), generated on first use (then cached on disk)."""

    def __init__(self, shared: Path) -> None:
        self.shared = shared
        self.made: dict[str, tuple[Path, dict[str, Any]]] = {}

    def __getitem__(self, size: str) -> tuple[Path, dict[str, Any]]:
        if size not in self.made:
            self.made[size] = cached_channel(SIZES[size], SEED, self.shared)
        return self.made[size]


@pytest.fixture(scope="session")
def channels(shared_dir: Path) -> Channels:
    return Channels(shared_dir)


def _skip_unless_available(case: Case) -> tuple[str, list[str]]:
    """The interpreter and extra driver arguments for ``case``, or a skip saying what is missing."""
    if case.operation.startswith("ours"):
        import conda_exports
        from conda_exports import _backend

        try:
            conda_exports.get_index  # noqa: B018  (PEP 562: an AttributeError until issue 10 lands)
        except AttributeError:
            pytest.skip("conda_exports.get_index does not exist yet (issue 10)")
        if case.backend == "rust" and _backend._load_extension() is None:
            pytest.skip("the compiled extension is not installed")
    for module, operations in (("orjson", ("orjson",)), ("rattler", ("rattler-sparse", "rattler-repodata"))):
        if case.operation in operations and importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed")
    if case.operation == "conda":
        src, python = conda_reference()
        return python, [src]
    return sys.executable, []


def _hermetic_env(home: Path, pkgs: Path, backend: str | None, pycache: Path) -> dict[str, str]:
    """The environment with no conda configuration: an empty HOME and the round's pkgs dir."""
    drop = ("XDG_CONFIG_HOME", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONDA") and k not in drop}
    env.update(HOME=str(home), CONDA_PKGS_DIRS=str(pkgs), PYTHONPYCACHEPREFIX=str(pycache))
    if backend:
        env["CONDA_EXPORTS_BACKEND"] = backend
    return env


def _drive(command: list[str], env: dict[str, str], cwd: Path) -> tuple[dict[str, Any], float]:
    """Runs the driver; returns its report and the process's wall time."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0 or not done.stdout.strip():
        pytest.fail(f"the driver's {command[2]!r} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


class _DriverClock:
    """pytest-benchmark's timer for these cases: it stands still while a round runs and then
    moves on by the time the driver measured, so the stats are the operation's own time."""

    __name__ = "driver-reported perf_counter"

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("size,case", PARAMS)
def test_index(benchmark, channels: Channels, tmp_path: Path, size: str, case: Case) -> None:
    python, extra_args = _skip_unless_available(case)
    root, stats = channels[size]
    linux, noarch = stats["subdirs"]["linux-64"], stats["subdirs"]["noarch"]
    benchmark.group = (
        f"get_index: {linux['records']:,} linux-64 + {noarch['records']:,} noarch entries, "
        f"{stats['bytes'] / 1e6:.0f} MB (file://, a process per round)"
    )
    mark(benchmark, case.subject, ours=case.ours)
    command = [python, str(DRIVER), case.operation, str(root), *extra_args]
    pycache = tmp_path / "pycache"
    warm_pkgs = tmp_path / "warm-pkgs"
    counter = itertools.count()

    def round_dirs() -> tuple[Path, Path, Path]:
        work = tmp_path / f"round{next(counter)}"
        home = work / "home"
        home.mkdir(parents=True)
        pkgs = warm_pkgs if case.cache == "warm" else work / "pkgs"
        pkgs.mkdir(exist_ok=True)
        return work, home, pkgs

    # untimed: the case works, the page cache and bytecode are warm, a warm cache is filled
    work, home, pkgs = round_dirs()
    first, _ = _drive(command, _hermetic_env(home, pkgs, case.backend, pycache), home)
    shutil.rmtree(work)
    if case.operation in ("json", "orjson", "rattler-repodata"):
        assert first["records"] == stats["records"]
    else:  # one record per build: .conda kept where a build is in both formats
        assert stats["unique_records"] <= first["records"] <= stats["records"]

    clock = _DriverClock()
    benchmark._timer = clock  # read by pedantic's runner; no public hook sets a per-case timer
    reports: list[dict[str, Any]] = []
    walls: list[float] = []

    def setup() -> tuple[tuple, dict]:
        work, home, pkgs = round_dirs()
        return (work, _hermetic_env(home, pkgs, case.backend, pycache), home), {}

    def one_round(work: Path, env: dict[str, str], home: Path) -> None:
        report, wall = _drive(command, env, home)
        clock.now += report["seconds"]
        reports.append(report)
        walls.append(wall)

    def teardown(work: Path, env: dict[str, str], home: Path) -> None:
        shutil.rmtree(work)

    benchmark.pedantic(one_round, setup=setup, teardown=teardown, rounds=ROUNDS, iterations=1, warmup_rounds=0)
    phases = sorted({name for report in reports for name in report["phases"]})
    benchmark.extra_info.update(
        primary=case.primary,
        cache=case.cache,
        backend=case.backend,
        peak_rss_mib=round(max(r["peak_rss_mib"] for r in reports), 1),
        peak_rss_mib_rounds=[round(r["peak_rss_mib"], 1) for r in reports],
        ru_maxrss_mib=round(max(r["ru_maxrss_mib"] for r in reports), 1),
        process_seconds=[round(w, 4) for w in walls],
        process_median=statistics.median(walls),
        phases={name: statistics.median(r["phases"].get(name, 0.0) for r in reports) for name in phases},
        records=first["records"],
        entries=stats["records"],
        bytes=stats["bytes"],
        scale=SIZES[size],
    )


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for subdir in ("linux-64", "noarch"):
        digest.update((root / subdir / "repodata.json").read_bytes())
    return digest.hexdigest()


def test_generator_is_deterministic(shared_dir: Path, tmp_path: Path) -> None:
    """Not timed: one seed gives the same bytes twice, another seed other bytes, every time."""
    first = generate_channel(tmp_path / "a", scale=0.002, seed=7, shared=shared_dir)
    generate_channel(tmp_path / "b", scale=0.002, seed=7, shared=shared_dir)
    generate_channel(tmp_path / "c", scale=0.002, seed=8, shared=shared_dir)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b") != _digest(tmp_path / "c")
    assert first["subdirs"]["linux-64"]["records"] == 1200
    data = json.loads((tmp_path / "a" / "linux-64" / "repodata.json").read_text())
    assert data["packages"] and data["packages.conda"]
    assert all(entry["subdir"] == "linux-64" for entry in data["packages.conda"].values())
