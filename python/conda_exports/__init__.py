"""conda-exports: conda's ``conda.exports`` API, standalone and fast.

Importing the package is cheap: public names are resolved on first access (PEP 562),
so no configuration is read and no heavy module is imported until it is used.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import _backend
from ._version import __version__

# public name -> submodule that defines it
_EXPORTS: dict[str, str] = {
    # hashing
    "hash_file": "hashing",
    "hash_files": "hashing",
    "verify": "hashing",
    "md5_file": "hashing",
    "hashsum_file": "hashing",
    # exceptions
    "CondaError": "exceptions",
    "CondaOSError": "exceptions",
    "CondaFileNotFoundError": "exceptions",
    "PathNotFoundError": "exceptions",
    "CondaVerificationError": "exceptions",
    "NothingToVerifyError": "exceptions",
}

__all__ = ["BACKEND", "__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name == "BACKEND":
        return _backend.BACKEND
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module_name}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
