"""VersionOrder and MatchSpec against py-rattler, conda 25.1 and our pure-Python fallback.

Inputs (``_grammar_data.py``, deterministic, from the real repodata in ``../shared``):
200k real-shaped version strings (sorted with ``key=VersionOrder``, and parsed) and 100k
real-shaped depends entries (parsed into MatchSpecs). Every parse cache (ours and
conda's) is emptied before each round, so the rounds measure parsing, not cache hits;
repeats *within* an input list still hit the caches, as they would for a real index.

conda runs in a long-lived worker process (``CONDA_REF_SRC`` = a conda source tree,
``CONDA_REF_PYTHON`` its interpreter, default this interpreter; the cases are
skipped without ``CONDA_REF_SRC``); the time measured is one request to it, which does the
same loop. py-rattler: ``rattler.Version`` / ``rattler.MatchSpec``.

Run: python -m pytest benches/bench_version.py --benchmark-only --benchmark-min-rounds=3 \\
        --benchmark-json=benches/results/version.json
"parse + first comparison" uses CONDA_EXPORTS_BENCH_DISTINCT (100000) distinct versions, so
no cache helps anyone; two more cases parse 2 MB strings that take minutes when parsing is
quadratic (a run of '1a', and a run of digits, which conda rejects with ValueError).
Sizes: CONDA_EXPORTS_BENCH_VERSIONS (200000), CONDA_EXPORTS_BENCH_SPECS (100000); rounds:
CONDA_EXPORTS_BENCH_ROUNDS (3). The shared data: ../shared, or CONDA_EXPORTS_SHARED.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conda_exports import _backend
from conda_exports.models import match_spec as ms_module
from conda_exports.models import version as version_module

from . import _grammar_data
from .conftest import CondaWorker, mark, start_conda_worker

N_VERSIONS = int(os.environ.get("CONDA_EXPORTS_BENCH_VERSIONS", "200000"))
N_SPECS = int(os.environ.get("CONDA_EXPORTS_BENCH_SPECS", "100000"))
ROUNDS = int(os.environ.get("CONDA_EXPORTS_BENCH_ROUNDS", "3"))
N_DISTINCT = int(os.environ.get("CONDA_EXPORTS_BENCH_DISTINCT", "100000"))
SORT = f"sort {N_VERSIONS} versions"
PARSE_VERSIONS = f"parse {N_VERSIONS} versions"
PARSE_SPECS = f"parse {N_SPECS} match specs"
FIRST_USE = f"parse + first comparison, {N_DISTINCT} distinct versions"
# inputs that take minutes when parsing is quadratic (a run of digits, alternating runs)
LONG_ALTERNATING = "parse '1a' * 1M (2 MB)"
LONG_DIGITS = "reject '1' * 2M (over the int-string limit)"


@pytest.fixture(scope="module")
def version_strings(shared_dir: Path) -> list[str]:
    return _grammar_data.versions(shared_dir / "data" / "repodata", N_VERSIONS)


@pytest.fixture(scope="module")
def distinct_versions(shared_dir: Path) -> list[str]:
    """N_DISTINCT real-shaped versions, each different: a repeat gets its last digit run
    redrawn from a wider range until it is new, so no cache can help."""
    rng = random.Random(3)
    seen: dict[str, None] = {}
    for text in _grammar_data.versions(shared_dir / "data" / "repodata", N_DISTINCT, seed=3):
        while text in seen:
            runs = list(_DIGIT_RUN.finditer(text))
            if not runs:
                text += f".{rng.randint(0, 10**6)}"
                continue
            last = runs[-1]
            text = text[: last.start()] + str(rng.randint(0, 10**6)) + text[last.end() :]
        seen[text] = None
    return list(seen)


_DIGIT_RUN = re.compile(r"[0-9]+")


@pytest.fixture(scope="module")
def spec_strings(shared_dir: Path) -> list[str]:
    return _grammar_data.specs(shared_dir / "data" / "repodata", N_SPECS)


def _clear_caches() -> None:
    version_module.VersionOrder._cache_.clear()
    version_module.VersionSpec._cache_.clear()
    version_module.BuildNumberMatch._cache_.clear()
    for cache in (ms_module._PARSE_CACHE, ms_module._SPEC_CACHE, ms_module._MATCHER_CACHE, ms_module._CHANNEL_CACHE):
        cache.clear()


@pytest.fixture(params=["rust", "python"])
def ours(request: pytest.FixtureRequest) -> Iterator[str]:
    """Runs a case on one of our backends (the fallback is the pure-Python peer)."""
    if request.param == "rust" and _backend._load_extension() is None:
        pytest.skip("the compiled extension is not installed")
    previous = _backend.BACKEND
    _backend.activate(request.param)
    yield request.param
    _backend.activate(previous)


def _run(benchmark, fn, *args) -> object:  # type: ignore[no-untyped-def]
    return benchmark.pedantic(fn, args, setup=_clear_caches, rounds=ROUNDS, iterations=1, warmup_rounds=0)


def _sort(strings: list[str], key: object) -> list[str]:
    return sorted(strings, key=key)  # type: ignore[arg-type]


# -- ours ------------------------------------------------------------------------


def test_sort_versions_ours(benchmark, ours: str, version_strings: list[str]) -> None:
    benchmark.group = SORT
    mark(benchmark, f"conda_exports ({ours})", ours=True)
    result = _run(benchmark, _sort, version_strings, version_module.VersionOrder)
    assert len(result) == len(version_strings)  # type: ignore[arg-type]


def _parse_versions(strings: list[str]) -> list:
    vo = version_module.VersionOrder
    return [vo(s) for s in strings]


def test_parse_versions_ours(benchmark, ours: str, version_strings: list[str]) -> None:
    benchmark.group = PARSE_VERSIONS
    mark(benchmark, f"conda_exports ({ours})", ours=True)
    _run(benchmark, _parse_versions, version_strings)


def _first_use(version: object, strings: list[str]) -> int:
    """Each string parsed once, then compared once (with the one before it), as a sort starts."""
    parsed = [version(s) for s in strings]  # type: ignore[operator]
    return sum(a < b for a, b in zip(parsed, parsed[1:]))


def test_first_use_ours(benchmark, ours: str, distinct_versions: list[str]) -> None:
    benchmark.group = FIRST_USE
    mark(benchmark, f"conda_exports ({ours})", ours=True)
    _run(benchmark, _first_use, version_module.VersionOrder, distinct_versions)


def _reject(text: str) -> None:
    try:
        version_module.VersionOrder(text)
    except ValueError:
        return
    raise AssertionError("a digit run over the int-string limit was accepted")


def test_long_alternating_ours(benchmark, ours: str) -> None:
    benchmark.group = LONG_ALTERNATING
    mark(benchmark, f"conda_exports ({ours})", ours=True)
    _run(benchmark, version_module.VersionOrder, "1a" * 1_000_000)


def test_long_digits_ours(benchmark, ours: str) -> None:
    benchmark.group = LONG_DIGITS
    mark(benchmark, f"conda_exports ({ours})", ours=True)
    _run(benchmark, _reject, "1" * 2_000_000)


def _parse_specs(strings: list[str]) -> list:
    ms = ms_module.MatchSpec
    return [ms(s) for s in strings]


def test_parse_specs_ours(benchmark, ours: str, spec_strings: list[str]) -> None:
    benchmark.group = PARSE_SPECS
    mark(benchmark, f"conda_exports ({ours})", ours=True)
    _run(benchmark, _parse_specs, spec_strings)


# -- py-rattler ----------------------------------------------------------------------


def test_sort_versions_rattler(benchmark, version_strings: list[str]) -> None:
    rattler = pytest.importorskip("rattler")
    benchmark.group = SORT
    mark(benchmark, "py-rattler", ours=False)
    _run(benchmark, _sort, version_strings, rattler.Version)


def test_parse_versions_rattler(benchmark, version_strings: list[str]) -> None:
    rattler = pytest.importorskip("rattler")
    benchmark.group = PARSE_VERSIONS
    mark(benchmark, "py-rattler", ours=False)
    version = rattler.Version
    _run(benchmark, lambda strings: [version(s) for s in strings], version_strings)


def test_first_use_rattler(benchmark, distinct_versions: list[str]) -> None:
    rattler = pytest.importorskip("rattler")
    benchmark.group = FIRST_USE
    mark(benchmark, "py-rattler", ours=False)
    _run(benchmark, _first_use, rattler.Version, distinct_versions)


def test_parse_specs_rattler(benchmark, spec_strings: list[str]) -> None:
    rattler = pytest.importorskip("rattler")
    benchmark.group = PARSE_SPECS
    mark(benchmark, "py-rattler", ours=False)
    match_spec = rattler.MatchSpec
    _run(benchmark, lambda strings: [match_spec(s) for s in strings], spec_strings)


# -- conda 25.1 ----------------------------------------------------------------------

_WORKER = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from conda.models import match_spec as m, version as v
data = json.load(open(sys.argv[2]))
def clear():
    v.VersionOrder._cache_.clear(); v.VersionSpec._cache_.clear(); v.BuildNumberMatch._cache_.clear()
    m._PARSE_CACHE.clear(); m.MatchSpec._MATCHER_CACHE.clear()
jobs = {
    "sort": lambda: sorted(data["versions"], key=v.VersionOrder),
    "versions": lambda: [v.VersionOrder(s) for s in data["versions"]],
    "specs": lambda: [m.MatchSpec(s) for s in data["specs"]],
}
print("ready", flush=True)
for line in sys.stdin:
    clear()
    t = time.perf_counter()
    jobs[line.strip()]()
    print(time.perf_counter() - t, flush=True)
"""


@pytest.fixture(scope="module")
def conda_worker(
    version_strings: list[str], spec_strings: list[str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CondaWorker]:
    """A conda process holding the inputs; each request runs one job and reports its time."""
    data = tmp_path_factory.mktemp("conda-inputs") / "data.json"
    data.write_text(json.dumps({"versions": version_strings, "specs": spec_strings}))
    yield from start_conda_worker(_WORKER, str(data))


@pytest.mark.parametrize(("job", "group"), [("sort", SORT), ("versions", PARSE_VERSIONS), ("specs", PARSE_SPECS)])
def test_conda(benchmark, conda_worker: CondaWorker, job: str, group: str) -> None:
    benchmark.group = group
    mark(benchmark, "conda 25.1", ours=False)
    timings: list[float] = []
    benchmark.pedantic(
        lambda: timings.append(float(conda_worker.request(job))), rounds=ROUNDS, iterations=1, warmup_rounds=0
    )
    benchmark.extra_info["conda_self_timed_seconds"] = timings
