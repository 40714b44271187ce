"""Import cost of conda_exports above a bare interpreter, each in a fresh process.

Run: python -m pytest benches/bench_import.py --benchmark-only --benchmark-json=benches/results/import.json
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import mark


def _spawn(code: str) -> None:
    subprocess.run([sys.executable, "-S", "-c", f"import sys; sys.path[:0] = {sys.path!r}; {code}"], check=True)


@pytest.mark.parametrize(
    "subject,code,ours",
    [
        ("python -c pass", "pass", False),
        ("import conda_exports", "import conda_exports", True),
    ],
)
def test_import(benchmark, subject: str, code: str, ours: bool) -> None:
    benchmark.group = "interpreter start-up + import"
    mark(benchmark, subject, ours=ours)
    benchmark.pedantic(_spawn, (code,), rounds=20, iterations=1, warmup_rounds=2)
