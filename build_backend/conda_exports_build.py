"""PEP 517 backend: maturin for the compiled wheel, or a pure-Python ``py3-none-any`` wheel.

The pure wheel carries the same package without ``_core``, so it runs the fallback
backend. It is built when ``CONDA_EXPORTS_PURE_PYTHON=1`` is set, or when no Rust
toolchain (``cargo``) is on PATH, which is where no compiled wheel could be built anyway.
In that case the sdist is written here too (maturin would try to install Rust first), with
the files maturin puts in it: those git tracks, or the source tree minus build output.
Everything else (sdist, compiled wheel, editable install) is maturin's.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Shipped in every wheel and the sdist.
LICENSE_FILES = ("LICENSE", "NOTICE")
PACKAGE = "conda_exports"
MATURIN = "maturin>=1.9,<2"


def _pure() -> bool:
    flag = os.environ.get("CONDA_EXPORTS_PURE_PYTHON", "").strip().lower()
    if flag in ("1", "true", "yes", "on"):
        return True
    if flag in ("0", "false", "no", "off"):
        return False
    if shutil.which("cargo") is None and not os.environ.get("CARGO"):
        sys.stderr.write(
            "conda-exports: no Rust toolchain (cargo) found; building the pure-Python package. "
            "Install Rust for the fast backend.\n"
        )
        return True
    return False


def _project() -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]


def _metadata(project: dict) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project.get('description', '')}",
        f"Requires-Python: {project.get('requires-python', '>=3.9')}",
    ]
    if "license" in project and "text" in project["license"]:
        lines.append(f"License: {project['license']['text']}")
    lines += [f"Classifier: {c}" for c in project.get("classifiers", [])]
    lines += [f"Requires-Dist: {dep}" for dep in project.get("dependencies", [])]
    for extra, deps in project.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        for dep in deps:
            requirement, _, marker = dep.partition(";")
            condition = f'({marker.strip()}) and extra == "{extra}"' if marker else f'extra == "{extra}"'
            lines.append(f"Requires-Dist: {requirement.strip()}; {condition}")
    readme = ROOT / str(project.get("readme", "README.md"))
    body = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    lines.append("Description-Content-Type: text/markdown")
    return "\n".join(lines) + "\n\n" + body


def _dist_info_files(project: dict) -> dict[str, bytes]:
    name = project["name"].replace("-", "_")
    dist_info = f"{name}-{project['version']}.dist-info"
    files = {
        f"{dist_info}/METADATA": _metadata(project).encode(),
        f"{dist_info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: conda_exports_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    for license_file in LICENSE_FILES:  # where maturin puts them in the compiled wheel
        files[f"{dist_info}/licenses/{license_file}"] = (ROOT / license_file).read_bytes()
    scripts = project.get("scripts", {})
    if scripts:
        entry = "[console_scripts]\n" + "".join(f"{k} = {v}\n" for k, v in scripts.items())
        files[f"{dist_info}/entry_points.txt"] = entry.encode()
    return files


def _package_files() -> dict[str, bytes]:
    files = {}
    source = ROOT / "python"
    for path in sorted((source / PACKAGE).rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        if path.suffix in (".so", ".pyd", ".pyc") or path.name.startswith("_core.") and path.suffix != ".pyi":
            continue
        files[path.relative_to(source).as_posix()] = path.read_bytes()
    return files


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _write_wheel(wheel_directory: str, files: dict[str, bytes], project: dict) -> str:
    name = project["name"].replace("-", "_")
    wheel_name = f"{name}-{project['version']}-py3-none-any.whl"
    record_name = f"{name}-{project['version']}.dist-info/RECORD"
    record = "\n".join(_record_line(n, d) for n, d in files.items()) + f"\n{record_name},,\n"
    os.makedirs(wheel_directory, exist_ok=True)
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w", zipfile.ZIP_DEFLATED) as zf:
        for file_name, data in [*files.items(), (record_name, record.encode())]:
            info = zipfile.ZipInfo(file_name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return wheel_name


def _toml_requires() -> list[str]:
    return [] if sys.version_info >= (3, 11) else ["tomli>=1.1"]


# --- PEP 517 hooks -----------------------------------------------------------


def get_requires_for_build_wheel(config_settings=None):
    return _toml_requires() if _pure() else [MATURIN]


def get_requires_for_build_editable(config_settings=None):
    return _toml_requires() if _pure() else [MATURIN]


def get_requires_for_build_sdist(config_settings=None):
    return _toml_requires() if _pure() else [MATURIN]


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    if not _pure():
        import maturin

        return maturin.prepare_metadata_for_build_wheel(metadata_directory, config_settings)
    project = _project()
    for file_name, data in _dist_info_files(project).items():
        target = Path(metadata_directory) / file_name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    if not _pure():
        import maturin

        return maturin.build_wheel(wheel_directory, config_settings, metadata_directory)
    project = _project()
    return _write_wheel(wheel_directory, {**_package_files(), **_dist_info_files(project)}, project)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    if not _pure():
        import maturin

        return maturin.build_editable(wheel_directory, config_settings, metadata_directory)
    project = _project()
    pth = {f"{PACKAGE}_pure.pth": (str(ROOT / "python") + "\n").encode()}
    return _write_wheel(wheel_directory, {**pth, **_dist_info_files(project)}, project)


# --- the sdist without a Rust toolchain -----------------------------------------------

#: Build output and caches, left out of an sdist made from a tree git does not know.
_NOT_SOURCE = (
    "target",
    ".git",
    "__pycache__",
    "*.pyc",
    "*.so",
    "*.pyd",
    ".venv",
    "venv",
    "dist",
    "build",
    "*.egg-info",
    ".pytest_cache",
    ".benchmarks",
    ".hypothesis",
    ".mypy_cache",
    ".ruff_cache",
)


def _source_files() -> list[str]:
    try:
        listed = (
            subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
            .stdout.decode()
            .split("\0")
        )
        files = [name for name in listed if name and (ROOT / name).is_file()]
        if files:
            return sorted(files)
    except (OSError, subprocess.CalledProcessError):
        pass
    found = []
    for directory, subdirs, names in os.walk(ROOT):
        subdirs[:] = [d for d in subdirs if not any(fnmatch.fnmatch(d, p) for p in _NOT_SOURCE)]
        for name in names:
            if not any(fnmatch.fnmatch(name, p) for p in _NOT_SOURCE):
                found.append(Path(directory, name).relative_to(ROOT).as_posix())
    return sorted(found)


def build_sdist(sdist_directory, config_settings=None):
    if not _pure():
        import maturin

        return maturin.build_sdist(sdist_directory, config_settings)
    project = _project()
    base = f"{project['name'].replace('-', '_')}-{project['version']}"
    os.makedirs(sdist_directory, exist_ok=True)
    path = os.path.join(sdist_directory, f"{base}.tar.gz")
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        entries = [(name, (ROOT / name).read_bytes()) for name in _source_files()]
        entries.append(("PKG-INFO", _metadata(project).encode()))
        for name, data in entries:
            info = tarfile.TarInfo(f"{base}/{name}")
            info.size, info.mtime, info.mode = len(data), 1577836800, 0o644
            archive.addfile(info, io.BytesIO(data))
    return os.path.basename(path)
