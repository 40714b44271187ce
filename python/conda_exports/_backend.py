"""Picks the kernels once, at import: the compiled ``_core`` or the pure-Python fallback.

``CONDA_EXPORTS_BACKEND`` = ``rust`` (the extension is required), ``python`` (the
fallback, even when the extension is there) or unset (the extension when installed).
Only the extension itself being absent counts as "not installed": an extension that
is present but fails to load is an error, not a silent slowdown.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from types import ModuleType

_EXTENSION = "conda_exports._core"
_BUILD_HINT = (
    "build it with `pip install .` (or `maturin develop --release`) from a checkout, "
    "which needs a Rust toolchain; or unset CONDA_EXPORTS_BACKEND to use the pure-Python backend"
)


def _load_extension() -> ModuleType | None:
    try:
        return importlib.import_module(_EXTENSION)
    except ModuleNotFoundError as exc:
        if exc.name != _EXTENSION:
            raise
        return None


def _choose() -> str:
    requested = os.environ.get("CONDA_EXPORTS_BACKEND", "").strip().lower()
    if requested not in ("", "rust", "python"):
        raise ImportError(f"CONDA_EXPORTS_BACKEND={requested!r} is not a backend; use 'rust' or 'python'")
    if requested == "python":
        return "python"
    if _load_extension() is None:
        if requested == "rust":
            raise ImportError(
                f"CONDA_EXPORTS_BACKEND=rust but the compiled extension {_EXTENSION} is not installed; " + _BUILD_HINT
            )
        return "python"
    return "rust"


#: Domains with a compiled kernel; each has a module of the same name in ``_fallback``.
DOMAINS = ("hashing", "version", "records", "remove", "repodata", "fetch", "prefix", "match_spec")


def kernels(backend: str) -> dict[str, ModuleType]:
    """The kernel namespace of every domain for ``backend`` ('rust' or 'python')."""
    if backend == "rust":
        core = _load_extension()
        if core is None:
            raise ImportError(f"the compiled extension {_EXTENSION} is not installed; " + _BUILD_HINT)
        return dict.fromkeys(DOMAINS, core)
    if backend == "python":
        return {name: importlib.import_module(f"._fallback.{name}", __package__) for name in DOMAINS}
    raise ValueError(f"unknown backend {backend!r}")


#: Functions called after every switch: each empties a cache that holds one kernel's output.
_on_switch: list[Callable[[], None]] = []


def on_switch(clear: Callable[[], None]) -> Callable[[], None]:
    """Registers ``clear`` to run whenever ``activate`` switches the backend; returns it."""
    _on_switch.append(clear)
    return clear


def activate(backend: str) -> None:
    """Switch every domain to ``backend``; meant for tests that compare the two.

    Caches registered with ``on_switch`` are emptied, so what the other kernel made is
    never served afterwards."""
    global BACKEND
    globals().update(kernels(backend))
    BACKEND = backend
    for clear in _on_switch:
        clear()


BACKEND: str
hashing: ModuleType
version: ModuleType
records: ModuleType
remove: ModuleType
fetch: ModuleType
repodata: ModuleType
prefix: ModuleType
match_spec: ModuleType
activate(_choose())
