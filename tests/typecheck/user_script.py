"""What a user's code sees of conda_exports, checked by ``tests/test_typing.py`` with ``mypy --strict``.

Never run and not collected by pytest: each ``assert_type`` is checked by mypy, and each
line ending in ``# type: ignore[code]`` must be that error (``--strict`` turns on
``warn_unused_ignores``, so an ignore with nothing to ignore fails the check).
"""

from __future__ import annotations

from pathlib import Path
from subprocess import Popen
from typing import Any

import conda_exports
from conda_exports import (
    BACKEND,
    Channel,
    Dist,
    MatchSpec,
    PackageRecord,
    PrefixRecord,
    VersionOrder,
    context,
    hash_file,
    hash_files,
    rm_rf,
    verify,
)
from conda_exports.configuration import Context
from typing_extensions import assert_type

# the lazy names are what their modules define, through either spelling
assert_type(conda_exports.MatchSpec, type[MatchSpec])
assert_type(conda_exports.context, Context)
assert_type(BACKEND, str)
assert_type(conda_exports.__version__, str)

# models
spec = MatchSpec("numpy >=1.20")
assert_type(spec, MatchSpec)
assert_type(MatchSpec(spec, optional=True), MatchSpec)
assert_type(VersionOrder("1.0"), VersionOrder)
assert_type(VersionOrder("1.0") < VersionOrder("1.1"), bool)
assert_type(Dist("conda-forge::numpy-1.26.4-py312_0"), Dist)

record = PackageRecord(name="numpy", version="1.26.4", build="py312_0", build_number=0)
assert_type(record, PackageRecord)
assert_type(record.name, str)
assert_type(record.build_number, int)
assert_type(record.depends, tuple[str, ...])
assert_type(record.md5, str | None)
assert_type(record.channel, Channel)
assert_type(record.channel.name, str)
assert_type(record.channel.canonical_name, str)
assert_type(PrefixRecord(name="numpy", version="1", build="0", build_number=0).files, tuple[str, ...])
assert_type(Channel("conda-forge"), Channel)
assert_type(Channel("conda-forge").urls(), list[str])

# hashing
assert_type(hash_file("pkg.conda"), str)
assert_type(hash_file(Path("pkg.conda"), "md5"), str)
assert_type(hash_files(["a.conda", Path("b.conda")], "sha256"), list[str])
assert_type(verify("pkg.conda", sha256="0" * 64, size=3), bool)

# removal
rm_rf("build")
rm_rf(Path("build"), max_retries=2, trash=False)

# configuration
assert_type(context.pkgs_dirs, tuple[str, ...])
assert_type(context.envs_dirs, tuple[str, ...])
assert_type(context.subdir, str)
assert_type(conda_exports.pkgs_dirs, tuple[str, ...])
assert_type(conda_exports.root_writable, bool)

# conda-only names: conda's objects where conda is installed, placeholders elsewhere
assert_type(conda_exports.ACTIVE_SUBPROCESSES, set[Popen[Any]])


def solve(resolve: conda_exports.Resolve) -> None:
    """Conda's classes are usable in annotations (as Any: conda ships no types)."""


# what must be an error
rm_rf(123)  # type: ignore[arg-type]
hash_files([b"a.conda"])  # type: ignore[list-item]
verify("pkg.conda", size="3")  # type: ignore[arg-type]
_ = conda_exports.no_such_name  # type: ignore[attr-defined]
_ = record.nmae  # type: ignore[attr-defined]
_ = Channel("conda-forge").nmae  # type: ignore[attr-defined]
