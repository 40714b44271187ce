"""The package itself: the backend switch, cheap import, version and type stubs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import conda_exports
import pytest
from conda_exports import _backend

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "CONDA_EXPORTS_BACKEND"}
    environ.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ)


def test_backend_names_the_active_kernels(backend: str) -> None:
    assert conda_exports.BACKEND == backend
    expected = "conda_exports._core" if backend == "rust" else "conda_exports._fallback.hashing"
    assert _backend.hashing.__name__ == expected


def test_environment_variable_forces_the_fallback() -> None:
    result = _run("import conda_exports; print(conda_exports.BACKEND)", CONDA_EXPORTS_BACKEND="python")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "python"


def test_unknown_backend_is_an_import_error() -> None:
    result = _run("import conda_exports", CONDA_EXPORTS_BACKEND="fortran")
    assert result.returncode != 0
    assert "ImportError" in result.stderr and "fortran" in result.stderr


_HIDE_EXTENSION = """
import importlib.abc, sys
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "conda_exports._core":
            raise ModuleNotFoundError("hidden", name=name)
sys.meta_path.insert(0, Hide())
"""


def test_missing_extension_falls_back_unless_rust_is_required() -> None:
    result = _run(_HIDE_EXTENSION + "import conda_exports; print(conda_exports.BACKEND)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "python"
    required = _run(_HIDE_EXTENSION + "import conda_exports", CONDA_EXPORTS_BACKEND="rust")
    assert required.returncode != 0
    assert "ImportError" in required.stderr and "pip install ." in required.stderr


def test_a_broken_extension_is_an_error_not_a_slowdown() -> None:
    broken = _HIDE_EXTENSION.replace(
        'raise ModuleNotFoundError("hidden", name=name)', 'raise ImportError("undefined symbol: PyFoo")'
    )
    result = _run(broken + "import conda_exports")
    assert result.returncode != 0
    assert "undefined symbol" in result.stderr


def test_import_is_cheap(backend: str) -> None:
    code = (
        "import sys, conda_exports; heavy = {'yaml', 'requests', 'tqdm', 'json', 'hashlib', 'conda', 'typing'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    result = _run(code, CONDA_EXPORTS_BACKEND=backend)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_public_names_resolve_lazily() -> None:
    result = _run(
        "import sys, conda_exports; f = conda_exports.hash_file; print('conda_exports.hashing' in sys.modules)"
    )
    assert result.stdout.strip() == "True"
    with pytest.raises(AttributeError, match="no_such_name"):
        conda_exports.no_such_name  # noqa: B018


def test_versions_agree() -> None:
    cargo = re.search(r'^version = "([^"]+)"', (ROOT / "Cargo.toml").read_text(), re.M)
    pyproject = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    assert cargo and pyproject
    assert cargo.group(1) == pyproject.group(1) == conda_exports.__version__


def test_extension_matches_package_version(backend: str) -> None:
    if backend != "rust":
        pytest.skip("the compiled extension is not active")
    assert _backend.kernels("rust")["hashing"].__version__ == conda_exports.__version__
