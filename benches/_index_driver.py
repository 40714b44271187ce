"""One index-loading operation in a fresh process, for bench_index.py.

Usage: python _index_driver.py OPERATION CHANNEL_DIR [CONDA_SOURCE]

Imports what the operation needs, then times only the operation itself and prints one JSON
line: ``seconds`` (its wall time), ``records`` (how many it returned), ``peak_rss_mib`` (the
process's peak resident set, read at the end while the result is still alive: interpreter,
imports and result included; ``VmHWM`` on Linux, see ``_peak_rss_mib``), ``ru_maxrss_mib``
and ``phases`` (the parts of ``seconds``); then it exits at once
(``os._exit``), without tearing the result down. Standard library
only, and Python 3.8-compatible: conda's own interpreter runs it too.

Operations: ``ours`` (``conda_exports.get_index``; ``CONDA_EXPORTS_BACKEND`` picks the kernel),
``ours-touch`` (the same, then every record's ``name``, ``version`` and ``depends``),
``json`` and ``orjson`` (load both subdirs' repodata.json), ``rattler-sparse``
(``SparseRepoData(...).load_all_records()`` per subdir), ``rattler-repodata``
(``RepoData.from_path(...).into_repo_data(channel)`` per subdir), ``conda`` (conda 25.1's
``conda.exports.get_index`` from the source tree given as the third argument).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, Tuple

SUBDIRS = ("linux-64", "noarch")
Result = Tuple[Any, int, Dict[str, float]]  # (the loaded data, record count, phase timings)


def _get_index_call(get_index: Callable[..., Any], root: Path, touch: bool) -> Callable[[], Result]:
    def run() -> Result:
        start = time.perf_counter()
        index = get_index(channel_urls=[root.as_uri()], prepend=False, platform="linux-64")
        loaded = time.perf_counter()
        phases = {"get_index": loaded - start}
        if touch:
            touched = None
            for record in index.values():
                touched = (record.name, record.version, record.depends)
            del touched
            phases["touch"] = time.perf_counter() - loaded
        return index, len(index), phases

    return run


def _ours(root: Path, touch: bool) -> Callable[[], Result]:
    import conda_exports

    return _get_index_call(conda_exports.get_index, root, touch)  # resolved (imported) before timing


def _conda(root: Path, source: str) -> Callable[[], Result]:
    sys.path.insert(0, source)
    from conda.exports import get_index  # type: ignore[import-not-found]

    return _get_index_call(get_index, root, False)


def _count(data: dict) -> int:
    return len(data.get("packages") or {}) + len(data.get("packages.conda") or {})


def _json(root: Path) -> Callable[[], Result]:
    def run() -> Result:
        loaded = []
        for subdir in SUBDIRS:
            with open(root / subdir / "repodata.json", "rb") as f:
                loaded.append(json.load(f))
        return loaded, sum(map(_count, loaded)), {}

    return run


def _orjson(root: Path) -> Callable[[], Result]:
    import orjson

    def run() -> Result:
        loaded = [orjson.loads((root / subdir / "repodata.json").read_bytes()) for subdir in SUBDIRS]
        return loaded, sum(map(_count, loaded)), {}

    return run


def _rattler_sparse(root: Path) -> Callable[[], Result]:
    from rattler import Channel, SparseRepoData

    def run() -> Result:
        start = time.perf_counter()
        channel = Channel(root.as_uri())
        sparse = [SparseRepoData(channel, subdir, root / subdir / "repodata.json") for subdir in SUBDIRS]
        opened = time.perf_counter()
        records = [s.load_all_records() for s in sparse]  # prefers .conda, as conda does
        phases = {"open": opened - start, "load_all_records": time.perf_counter() - opened}
        return (sparse, records), sum(map(len, records)), phases

    return run


def _rattler_repodata(root: Path) -> Callable[[], Result]:
    from rattler import Channel, RepoData

    def run() -> Result:
        start = time.perf_counter()
        channel = Channel(root.as_uri())
        repodata = [RepoData.from_path(root / subdir / "repodata.json") for subdir in SUBDIRS]
        parsed = time.perf_counter()
        records = [r.into_repo_data(channel) for r in repodata]  # every entry, both formats
        phases = {"from_path": parsed - start, "into_repo_data": time.perf_counter() - parsed}
        return records, sum(map(len, records)), phases

    return run


def _peak_rss_mib() -> tuple[float, float]:
    """(this process's peak RSS, ``ru_maxrss``) in MiB.

    On Linux ``ru_maxrss`` of a process started by fork (or vfork) + exec also counts the
    parent's resident set at the fork: the kernel keeps the old address space's high-water mark
    across the exec (pytest at 300 MiB makes every driver "peak" at 300 MiB). ``VmHWM`` in
    ``/proc/self/status`` is the high-water mark of this program's own address space alone, so
    it is the peak where it exists; ``ru_maxrss`` is reported beside it."""
    rusage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    maxrss = rusage / 2**20 if sys.platform == "darwin" else rusage / 1024  # bytes on macOS, KiB elsewhere
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024, maxrss
    except OSError:
        pass
    return maxrss, maxrss


def main(argv: list[str]) -> None:
    operation, root = argv[0], Path(argv[1])
    prepare: dict[str, Callable[[], Callable[[], Result]]] = {
        "ours": lambda: _ours(root, False),
        "ours-touch": lambda: _ours(root, True),
        "conda": lambda: _conda(root, argv[2]),
        "json": lambda: _json(root),
        "orjson": lambda: _orjson(root),
        "rattler-sparse": lambda: _rattler_sparse(root),
        "rattler-repodata": lambda: _rattler_repodata(root),
    }
    run = prepare[operation]()
    start = time.perf_counter()
    result, records, phases = run()
    seconds = time.perf_counter() - start
    peak, maxrss = _peak_rss_mib()
    report = {"seconds": seconds, "records": records, "peak_rss_mib": peak, "ru_maxrss_mib": maxrss, "phases": phases}
    print(json.dumps(report), flush=True)
    # leave without freeing the result: the process's wall time is start-up, imports and the
    # operation, the same for every subject, not how long each takes to tear its objects down
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
