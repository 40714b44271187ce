"""Shared benchmark helpers: each case records who it measures, for benches/report.py."""

from __future__ import annotations

import os
import sys
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
