"""Every test runs once per backend: the ``backend`` fixture is autouse and parametrised.

``CONDA_EXPORTS_BACKEND=rust|python`` restricts the run to that backend; without it the
Rust half is skipped only when the extension is not installed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conda_exports import _backend

DATA = Path(__file__).parent / "data"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "one_backend: the test does not depend on the backend; it runs once")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked ``one_backend`` runs once, under the backend this run prefers (the forced
    one, else Rust when the extension is installed), not under both."""
    forced = os.environ.get("CONDA_EXPORTS_BACKEND", "").strip().lower()
    preferred = forced or ("rust" if _backend._load_extension() is not None else "python")
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        if (
            item.get_closest_marker("one_backend") is not None
            and callspec is not None
            and callspec.params.get("backend", preferred) != preferred
        ):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


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


@pytest.fixture(autouse=True)
def isolated_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No test reads the machine's configuration: HOME is a fresh directory, no CONDA_*
    variable (but CONDA_EXPORTS_BACKEND), CONDARC, XDG_CONFIG_HOME or CONDA_PREFIX is set,
    and the context is reset to an empty search path before and after the test."""
    from conda_exports.configuration import reset_context

    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    for name in list(os.environ):
        if name.startswith("CONDA_") and name != "CONDA_EXPORTS_BACKEND":
            monkeypatch.delenv(name)
    for name in ("CONDARC", "XDG_CONFIG_HOME", "CONDA_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    reset_context(())
    yield home
    reset_context(())


@pytest.fixture
def use_condarc(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``use_condarc(yaml_text)`` writes a condarc, resets the context to read only it, returns its path."""
    from conda_exports.configuration import reset_context

    def write(text: str) -> Path:
        path = tmp_path_factory.mktemp("condarc") / ".condarc"
        path.write_text(text, encoding="utf-8")
        reset_context([str(path)])
        return path

    return write
