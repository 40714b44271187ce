"""Every test runs once per backend: the ``backend`` fixture is autouse and parametrised.

``CONDA_EXPORTS_BACKEND=rust|python`` restricts the run to that backend; without it the
Rust half is skipped only when the extension is not installed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conda_exports import _backend

DATA = Path(__file__).parent / "data"


@pytest.fixture(params=["rust", "python"], scope="session", autouse=True)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    wanted = request.param
    forced = os.environ.get("CONDA_EXPORTS_BACKEND", "").strip().lower()
    if forced and forced != wanted:
        pytest.skip(f"CONDA_EXPORTS_BACKEND={forced}")
    if wanted == "rust" and _backend._load_extension() is None:
        pytest.skip("the compiled extension is not installed")
    previous = _backend.BACKEND
    _backend.activate(wanted)
    yield wanted
    _backend.activate(previous)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA
