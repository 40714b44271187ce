"""Running one call under each backend, for the tests that compare the two."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conda_exports import _backend


def on_both_backends(outcome: Callable[..., Any], *args: Any, **kwargs: Any) -> list[Any]:
    """``[outcome(*args, **kwargs)]`` under the Rust backend, then the Python one (each switch
    empties the caches of kernel output); skips where the extension is not installed."""
    if _backend._load_extension() is None:
        pytest.skip("the compiled extension is not installed")
    previous = _backend.BACKEND
    try:
        results = []
        for name in ("rust", "python"):
            _backend.activate(name)
            results.append(outcome(*args, **kwargs))
        return results
    finally:
        _backend.activate(previous)
