"""Configuration: import cost, and building the context from a 10-file search path.

Peers: conda 25.1 (``CONDA_REF_SRC`` pointing at its source, with an interpreter that has
its dependencies: ``CONDA_REF_PYTHON``, else this one); skipped without ``CONDA_REF_SRC``.

Run: python -m pytest benches/bench_context.py --benchmark-only --benchmark-json=benches/results/context.json
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import conda_reference, mark


def _clean_env(home: Path) -> dict[str, str]:
    """No configuration but an empty HOME; bytecode cached (in a private tree) as an installed package has it."""
    drop = ("CONDARC", "XDG_CONFIG_HOME", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONDA") and k not in drop}
    env["HOME"] = str(home)
    env["PYTHONPYCACHEPREFIX"] = str(home.parent / "pycache")
    return env


@pytest.fixture(scope="module")
def empty_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


IMPORTS = [
    ("python -c pass", None, "pass", False),
    ("import conda_exports", None, "import conda_exports", True),
    ("import conda_exports + pkgs_dirs", None, "import conda_exports; conda_exports.pkgs_dirs", True),
    ("reference python -c pass", "ref", "pass", False),
    ("import conda.exports (25.1)", "ref", "import conda.exports", False),
]


@pytest.mark.parametrize("subject,interpreter,code,ours", IMPORTS, ids=[i[0] for i in IMPORTS])
def test_import(benchmark, empty_home: Path, subject: str, interpreter: str | None, code: str, ours: bool) -> None:
    python = sys.executable
    if interpreter == "ref":
        src, python = conda_reference()
    env = _clean_env(empty_home)
    if interpreter == "ref":
        env["PYTHONPATH"] = src
    for _ in range(2):  # it works at all, and the bytecode cache is warm
        subprocess.run([python, "-c", code], check=True, env=env, cwd=empty_home)
    benchmark.group = "interpreter start-up + import"
    mark(benchmark, subject, ours=ours)
    benchmark.pedantic(
        subprocess.run,
        ([python, "-c", code],),
        {"check": True, "env": env, "cwd": empty_home},
        rounds=10,
        iterations=1,
        warmup_rounds=1,
    )


CONDARCS = [
    "channels:\n  - conda-forge\n  - bioconda\n  - defaults\nchannel_priority: strict\n",
    "pkgs_dirs:\n  - ~/pkgs-a  #!top\n  - /opt/cache/pkgs\nenvs_dirs:\n  - ~/envs\n",
    "proxy_servers:\n  http: http://proxy.example:8080\n  https: https://proxy.example:8443\nssl_verify: true\n",
    "custom_channels:\n  internal: https://conda.internal.example\n  mirror: https://mirror.example/conda\n",
    "custom_multichannels:\n  corp:\n    - https://conda.internal.example/main\n    - https://conda.internal.example/extra\n",
    "# site policy\noffline: false  #!final\nadd_anaconda_token: true\ndefault_threads: 4\n",
    "conda-build:\n  root-dir: /builds\n  error_overlinking: true\n  pkg_format: '2'\nanaconda_upload: false\n",
    "channels:\n  - pytorch  #!top\n  - nvidia\nallowlist_channels: []\n",
    "create_default_packages:\n  - pip\n  - ipykernel\npinned_packages:\n  - python 3.11.*\n",
    "pkgs_dirs:\n  - $HOME/.pkgs-shared\n  - /mnt/shared/pkgs  #!bottom\nremote_read_timeout_secs: 120.0\n",
]


@pytest.fixture(scope="module")
def ten_files(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = tmp_path_factory.mktemp("condarcs")
    paths = []
    for index, text in enumerate(CONDARCS):
        path = root / f"{index:02d}" / ".condarc"
        path.parent.mkdir()
        path.write_text(textwrap.dedent(text))
        paths.append(str(path))
    return paths


def test_first_pkgs_dirs_ours(benchmark, ten_files: list[str]) -> None:
    from conda_exports.configuration import Context

    def build() -> tuple[str, ...]:
        return Context(ten_files).pkgs_dirs

    assert len(build()) == 4
    benchmark.group = "first pkgs_dirs from a 10-file search path"
    mark(benchmark, "conda_exports", ours=True)
    benchmark(build)


@pytest.fixture(scope="module")
def conda_context():
    """conda 25.1's context module, importable here through the reference's source and site-packages."""
    src, ref = conda_reference()
    site = subprocess.run(
        [ref, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True
    ).stdout.strip()
    added = [src, site]
    sys.path.extend(added)  # after ours, and kept while conda imports lazily
    try:
        from conda.base import context as conda_context_module  # type: ignore[import-not-found]
    except ImportError as exc:
        pytest.skip(f"conda does not import here: {exc}")
    yield conda_context_module
    for entry in added:
        sys.path.remove(entry)


def test_first_pkgs_dirs_conda(benchmark, ten_files: list[str], conda_context, monkeypatch) -> None:
    monkeypatch.delenv("CONDA_PKGS_DIRS", raising=False)

    def build() -> tuple[str, ...]:
        conda_context.reset_context(ten_files)
        return conda_context.context.pkgs_dirs

    assert len(build()) == 4
    benchmark.group = "first pkgs_dirs from a 10-file search path"
    mark(benchmark, "conda 25.1", ours=False)
    benchmark(build)
