"""rm_rf against the fallback, shutil.rmtree, GNU ``rm -rf`` and conda's rm_rf, on fresh trees.

Each round deletes a tree built in pytest-benchmark's ``setup`` (not timed). Trees:
``env`` — an environment-shaped tree from the real conda-meta file lists in
``../shared/data/conda-meta`` (replicated to the target size, with symlinks and
read-only files); ``nested`` — small files in nested directories; ``flat`` — one directory.
``CONDA_EXPORTS_BENCH_SCALE`` multiplies the sizes: 1 (the default) is the full size —
60k files for ``env``, 200k files in 2k directories for ``nested``, 50k files for ``flat``;
use 0.1 while developing. ``CONDA_EXPORTS_BENCH_ROUNDS`` sets the rounds (default 3). conda's rm_rf runs when
``CONDA_REF_SRC`` points at a conda source tree, in a long-lived worker process
(``CONDA_REF_PYTHON``, else this interpreter) so only the deletion is timed.

Run: CONDA_REF_SRC=<conda 25.1 source> CONDA_REF_PYTHON=<its interpreter> python -m pytest benches/bench_remove.py --benchmark-only
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conda_exports import _backend, rm_rf
from conda_exports import remove as public
from conda_exports._fallback import remove as fallback

from .conftest import SHARED, CondaWorker, mark, start_conda_worker

SCALE = float(os.environ.get("CONDA_EXPORTS_BENCH_SCALE", "1"))
ROUNDS = int(os.environ.get("CONDA_EXPORTS_BENCH_ROUNDS", "3"))


def _shared_meta() -> Path:
    """``shared/data/conda-meta`` beside the checkout, or beside any parent (worktrees)."""
    for parent in [SHARED.parent, *Path(__file__).resolve().parents]:
        candidate = parent / "shared" / "data" / "conda-meta"
        if candidate.is_dir():
            return candidate
    return SHARED / "data" / "conda-meta"


@functools.cache
def _env_files() -> list[tuple[str, int]]:
    """(relative path, size) of every file in the real conda-meta records, deduplicated."""
    files: dict[str, int] = {}
    for record_path in sorted(_shared_meta().rglob("*.json")):
        record = json.loads(record_path.read_text())
        sizes = {p["_path"]: p.get("size_in_bytes", 0) for p in (record.get("paths_data") or {}).get("paths", [])}
        for rel in record.get("files") or ():
            files[rel.replace("\\", "/")] = min(int(sizes.get(rel) or 256), 16384)
    # records of different platforms can hold a file where another has a directory
    parents = {rel.rsplit("/", i)[0] for rel in files for i in range(1, rel.count("/") + 1)}
    return sorted((rel, size) for rel, size in files.items() if rel not in parents)


def build_env(root: Path, target: int) -> None:
    entries = _env_files()
    if not entries:
        pytest.skip("no conda-meta records in ../shared/data")
    made = 0
    for copy in itertools.count():
        base = root / f"env{copy}"
        for i, (rel, size) in enumerate(entries):
            path = base / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if i % 97 == 5 and made:
                os.symlink(os.path.basename(entries[i - 1][0]), path)
            else:
                path.write_bytes(b"x" * size)
                if i % 53 == 7:
                    os.chmod(path, 0o444)
            made += 1
            if made >= target:
                return


def build_nested(root: Path, target: int, per_dir: int = 100) -> None:
    for i in range(target):
        directory = root / f"a{i // (per_dir * 10):03d}" / f"b{(i // per_dir) % 10}"
        if i % per_dir == 0:
            directory.mkdir(parents=True, exist_ok=True)
        (directory / f"f{i}").write_bytes(b"x")


def build_flat(root: Path, target: int) -> None:
    root.mkdir(parents=True)
    for i in range(target):
        (root / f"f{i:06d}").write_bytes(b"x")


TREES: dict[str, tuple[Callable[[Path, int], None], int]] = {
    "env": (build_env, int(60_000 * SCALE)),
    "nested": (build_nested, int(200_000 * SCALE)),
    "flat": (build_flat, int(50_000 * SCALE)),
}


_CONDA_RM_RF = (
    "import sys\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "from conda.gateways.disk.delete import rm_rf\n"
    "print('ready', flush=True)\n"
    "for line in sys.stdin:\n"
    "    rm_rf(line.rstrip('\\n'))\n"
    "    print('done', flush=True)\n"
)


@pytest.fixture(scope="module")
def conda_worker() -> Iterator[CondaWorker]:
    """conda's own rm_rf in an interpreter that imports conda once."""
    yield from start_conda_worker(_CONDA_RM_RF)


_RUST_REMOVE = _backend.kernels("rust")["remove"] if _backend._load_extension() is not None else None


def _rm_rf_rust(path: str) -> None:
    assert _RUST_REMOVE is not None
    public._remove(_RUST_REMOVE, path, 5, True)


def _rm_rf_fallback(path: str) -> None:
    public._remove(fallback, path, 5, True)


def _rm_dash_rf(path: str) -> None:
    subprocess.run(["rm", "-rf", "--", path], check=True)


def _shutil(path: str) -> None:
    shutil.rmtree(path)


SUBJECTS: dict[str, tuple[Callable[[str], None], bool]] = {
    "conda-exports (rust)": (_rm_rf_rust, True),
    "conda-exports (fallback)": (_rm_rf_fallback, True),
    "shutil.rmtree": (_shutil, False),
    "rm -rf": (_rm_dash_rf, False),
}


def _run(benchmark, tmp_path: Path, tree: str, subject: str, remove: Callable[[str], None], ours: bool) -> None:
    build, size = TREES[tree]
    mark(benchmark, subject, ours=ours)
    benchmark.group = f"rm_rf: {tree} tree, {size} files"
    benchmark.extra_info["tree"] = tree
    benchmark.extra_info["files"] = size
    counter = itertools.count()

    def setup():
        root = tmp_path / f"round{next(counter)}"
        build(root, size)
        os.sync()
        return (str(root),), {}

    def check_and_remove(path: str) -> None:
        remove(path)

    benchmark.pedantic(check_and_remove, setup=setup, rounds=ROUNDS, iterations=1)
    assert not any(p.name.startswith("round") for p in tmp_path.iterdir())


@pytest.mark.parametrize("tree", list(TREES))
@pytest.mark.parametrize("subject", list(SUBJECTS))
def test_remove(benchmark, tmp_path: Path, tree: str, subject: str) -> None:
    remove, ours = SUBJECTS[subject]
    if remove is _rm_rf_rust and _RUST_REMOVE is None:
        pytest.skip("the compiled extension is not installed")
    _run(benchmark, tmp_path, tree, subject, remove, ours)


@pytest.mark.parametrize("tree", list(TREES))
def test_remove_conda(benchmark, tmp_path: Path, tree: str, conda_worker: CondaWorker) -> None:
    def conda_rm_rf(path: str) -> None:
        if conda_worker.request(path) != "done":
            raise RuntimeError("conda's rm_rf failed")

    _run(benchmark, tmp_path, tree, "conda rm_rf", conda_rm_rf, False)


def test_public_rm_rf_matches_kernel(tmp_path: Path) -> None:
    """Not timed: the public function removes a generated tree (guards the bench setup)."""
    build_nested(tmp_path / "t", 500)
    rm_rf(tmp_path / "t")
    assert not (tmp_path / "t").exists()
