"""Constants conda.exports re-exports from ``conda.base.constants``, with the same values.

Also the configuration constants the context needs (search path, default channel alias,
known subdirs) and the enums some settings take, kept here so the context module and
the models can share them without importing each other.
"""

from __future__ import annotations

import struct
import sys
from enum import Enum

from ._formats import HASH_ALGORITHMS as HASH_ALGORITHMS
from ._formats import PACKAGE_EXTENSIONS as PACKAGE_EXTENSIONS

on_win = sys.platform.startswith("win")

#: The prefix packages are built with and that conda rewrites at install time; built by
#: concatenation so a replacement pass over this file leaves it intact.
PREFIX_PLACEHOLDER = "/opt/anaconda1anaconda2" + "anaconda3"

machine_bits = 8 * struct.calcsize("P")

APP_NAME = "conda"

if on_win:  # pragma: no cover
    _SYSTEM_SEARCH_PATH: tuple[str, ...] = (
        "C:/ProgramData/conda/.condarc",
        "C:/ProgramData/conda/condarc",
        "C:/ProgramData/conda/condarc.d",
    )
else:
    _SYSTEM_SEARCH_PATH = (
        "/etc/conda/.condarc",
        "/etc/conda/condarc",
        "/etc/conda/condarc.d/",
        "/var/lib/conda/.condarc",
        "/var/lib/conda/condarc",
        "/var/lib/conda/condarc.d/",
    )

#: Where conda 25.1 looks for configuration, lowest priority first; ``$VAR`` and ``~`` are
#: expanded when the context is built (``$CONDA_PREFIX`` falls back to the default prefix).
SEARCH_PATH: tuple[str, ...] = (
    *_SYSTEM_SEARCH_PATH,
    "$CONDA_ROOT/.condarc",
    "$CONDA_ROOT/condarc",
    "$CONDA_ROOT/condarc.d/",
    "$XDG_CONFIG_HOME/conda/.condarc",
    "$XDG_CONFIG_HOME/conda/condarc",
    "$XDG_CONFIG_HOME/conda/condarc.d/",
    "~/.config/conda/.condarc",
    "~/.config/conda/condarc",
    "~/.config/conda/condarc.d/",
    "~/.conda/.condarc",
    "~/.conda/condarc",
    "~/.conda/condarc.d/",
    "~/.condarc",
    "$CONDA_PREFIX/.condarc",
    "$CONDA_PREFIX/condarc",
    "$CONDA_PREFIX/condarc.d/",
    "$CONDARC",
)

DEFAULT_CHANNEL_ALIAS = "https://conda.anaconda.org"
DEFAULTS_CHANNEL_NAME = "defaults"
ERROR_UPLOAD_URL = "https://conda.io/conda-post/unexpected-error"

KNOWN_SUBDIRS = PLATFORM_DIRECTORIES = (
    "noarch",
    "emscripten-wasm32",
    "wasi-wasm32",
    "freebsd-64",
    "linux-32",
    "linux-64",
    "linux-aarch64",
    "linux-armv6l",
    "linux-armv7l",
    "linux-ppc64",
    "linux-ppc64le",
    "linux-riscv64",
    "linux-s390x",
    "osx-64",
    "osx-arm64",
    "win-32",
    "win-64",
    "win-arm64",
    "zos-z",
)

DEFAULT_CHANNELS_UNIX = (
    "https://repo.anaconda.com/pkgs/main",
    "https://repo.anaconda.com/pkgs/r",
)

DEFAULT_CHANNELS_WIN = (
    "https://repo.anaconda.com/pkgs/main",
    "https://repo.anaconda.com/pkgs/r",
    "https://repo.anaconda.com/pkgs/msys2",
)

DEFAULT_CHANNELS = DEFAULT_CHANNELS_WIN if on_win else DEFAULT_CHANNELS_UNIX

DEFAULT_CUSTOM_CHANNELS = {"pkgs/pro": "https://repo.anaconda.com"}

DEFAULT_AGGRESSIVE_UPDATE_PACKAGES = ("ca-certificates", "certifi", "openssl")

REPODATA_FN = "repodata.json"
ROOT_ENV_NAME = "base"
DEFAULT_SOLVER = "libmamba"
DEFAULT_CONSOLE_REPORTER_BACKEND = "classic"
DEFAULT_JSON_REPORTER_BACKEND = "json"

#: A prefix is writable when this file inside it can be opened for appending.
PREFIX_MAGIC_FILE = "conda-meta/history" if not on_win else "conda-meta\\history"


class _ValueEnum(str, Enum):
    """A setting's enum; a ``str`` too, so it compares equal to its value like plain data."""

    def __str__(self) -> str:
        return str(self.value)


class ChannelPriority(_ValueEnum):
    STRICT = "strict"
    FLEXIBLE = "flexible"
    DISABLED = "disabled"

    @classmethod
    def _missing_(cls, value: object) -> ChannelPriority | None:
        # conda also takes booleans (and their spellings): true means flexible, false disabled.
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in ("true", "yes", "on"):
                value = True
            elif lowered in ("false", "no", "off"):
                value = False
        if value is True:
            return cls.FLEXIBLE
        if value is False:
            return cls.DISABLED
        return None


class SafetyChecks(_ValueEnum):
    disabled = "disabled"
    warn = "warn"
    enabled = "enabled"


class PathConflict(_ValueEnum):
    clobber = "clobber"
    warn = "warn"
    prevent = "prevent"


class DepsModifier(_ValueEnum):
    NOT_SET = "not_set"
    NO_DEPS = "no_deps"
    ONLY_DEPS = "only_deps"


class UpdateModifier(_ValueEnum):
    SPECS_SATISFIED_SKIP_SOLVE = "specs_satisfied_skip_solve"
    FREEZE_INSTALLED = "freeze_installed"
    UPDATE_DEPS = "update_deps"
    UPDATE_SPECS = "update_specs"
    UPDATE_ALL = "update_all"


class SatSolverChoice(_ValueEnum):
    PYCOSAT = "pycosat"
    PYCRYPTOSAT = "pycryptosat"
    PYSAT = "pysat"
