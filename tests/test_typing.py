"""Types as a user sees them: ``__init__.pyi`` matches the lazy names, and mypy --strict
accepts ``typecheck/user_script.py`` (whose ``assert_type`` lines pin the types of the
public API and whose ``type: ignore[...]`` lines must be errors)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import conda_exports
import pytest

pytestmark = pytest.mark.one_backend

PACKAGE_DIR = Path(conda_exports.__file__).parent
STUB = PACKAGE_DIR / "__init__.pyi"
USER_SCRIPT = Path(__file__).parent / "typecheck" / "user_script.py"


def _stub_names() -> dict[str, str | None]:
    """Each name the stub binds -> the module it imports it from (None when declared there)."""
    names: dict[str, str | None] = {}
    for node in ast.parse(STUB.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                assert alias.asname == alias.name, f"re-export {alias.name} as itself (`X as X`)"
                names[alias.name] = module
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = None
        elif isinstance(node, (ast.Assign, ast.FunctionDef, ast.ClassDef, ast.Import)):
            raise AssertionError(f"unexpected statement in the stub, line {node.lineno}")
    return names


def test_stub_names_are_all():
    stub = _stub_names()
    public = set(conda_exports.__all__)
    assert sorted(public - set(stub)) == [], "in __all__ but not in __init__.pyi"
    assert sorted(set(stub) - public) == [], "in __init__.pyi but not in __all__"


def test_stub_imports_each_name_from_its_module():
    stub = _stub_names()
    wrong = {
        name: (stub.get(name), f".{module}")
        for name, module in conda_exports._EXPORTS.items()
        if stub.get(name) != f".{module}"
    }
    assert wrong == {}, "name: (module in __init__.pyi, module in _EXPORTS)"


def test_user_script_passes_mypy_strict(tmp_path):
    pytest.importorskip("mypy", reason="mypy is not installed")
    # the conda_exports being tested (a checkout's python/ or site-packages) comes first
    path = [str(PACKAGE_DIR.parent), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    env.pop("MYPYPATH", None)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(USER_SCRIPT)],
        cwd=tmp_path,  # no project configuration: the script is checked as a user's code is
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
