"""Shared benchmark helpers: each case records who it measures, for benches/report.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# ../shared beside the checkout; CONDA_EXPORTS_SHARED points elsewhere (e.g. from a git worktree)
SHARED = Path(os.environ.get("CONDA_EXPORTS_SHARED") or Path(__file__).resolve().parent.parent.parent / "shared")


def mark(benchmark, subject: str, *, ours: bool) -> None:
    """Tags a case: ``subject`` is the implementation measured; ``ours`` tells ours from a peer."""
    benchmark.extra_info["subject"] = subject
    benchmark.extra_info["ours"] = ours


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared (sample data) is not present")
    return SHARED


def conda_reference() -> tuple[str, str]:
    """conda 25.1's source tree (``CONDA_REF_SRC``) and the interpreter that runs it
    (``CONDA_REF_PYTHON``, else this one); skips the case when no source is given."""
    src = os.environ.get("CONDA_REF_SRC")
    if not src:
        pytest.skip("CONDA_REF_SRC is not set")
    return src, os.environ.get("CONDA_REF_PYTHON") or sys.executable


class CondaWorker:
    """conda 25.1 in an interpreter of its own, started once per module: it runs ``script``
    with ``sys.argv[1]`` = conda's source tree and the ``args`` after it, prints ``ready``,
    then answers each line sent with one line (``request``). The environment is hermetic:
    a fresh HOME and working directory, no condarc, no ``CONDA_*`` variables."""

    def __init__(self, src: str, python: str, script: str, *args: str) -> None:
        self.home = tempfile.mkdtemp(prefix="conda-worker-")
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONDA") and k != "PYTHONPATH"}
        env.update(HOME=self.home, CONDARC=os.devnull, CONDA_PKGS_DIRS=self.home, PYTHONWARNINGS="ignore")
        self.proc = subprocess.Popen(
            [python, "-c", script, src, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=self.home,  # conda's rmtree makes ".empty" in the working directory
            env=env,
        )
        if self.proc.stdout is None or self.proc.stdout.readline().strip() != "ready":
            self.close()
            raise RuntimeError("the conda worker did not start")

    def request(self, line: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            raise RuntimeError("the conda worker stopped")
        return answer.strip()

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.home, ignore_errors=True)


def start_conda_worker(script: str, *args: str) -> Iterator[CondaWorker]:
    """A module fixture's body: the worker, or a skip when conda cannot be run here."""
    src, python = conda_reference()
    try:
        worker = CondaWorker(src, python, script, *args)
    except (OSError, RuntimeError, ValueError) as exc:
        pytest.skip(f"cannot run conda from {src}: {exc}")
    yield worker
    worker.close()
