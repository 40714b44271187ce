"""What the Rust kernels and the Python side must agree on, checked against each other.

The Rust side looks exception factories up by name and exports the record field codes;
the fallback keeps its own copy of the codes. A typo or a drift fails here rather than
turning into an AttributeError, or a wrong record, at run time.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conda_exports import _backend, exceptions
from conda_exports._fallback import records as fallback_records

RUST = Path(__file__).resolve().parent.parent / "rust"
CODE_NAMES = ("KIND_STR", "KIND_INT", "KIND_STR_SEQ", "KIND_KEEP", "KIND_TIMESTAMP", "KIND_LOOKUP", "KIND_PYTHON")

pytestmark = pytest.mark.one_backend


def _rust_sources() -> str:
    if not RUST.is_dir():
        pytest.skip("the Rust sources are not beside the tests")
    return "\n".join(p.read_text() for p in sorted(RUST.rglob("*.rs")))


def test_every_exception_factory_the_rust_side_names_exists() -> None:
    source = _rust_sources()
    names = set(re.findall(r'build\(\s*py,\s*"(\w+)"', source))
    assert {"os_error_for_path", "NotARegularFileError", "InvalidRemovePathError", "RepodataDecodeError"} <= names
    missing = sorted(name for name in names if not callable(getattr(exceptions, name, None)))
    assert missing == []


def test_fallback_codes_equal_the_kernels() -> None:
    core = _backend._load_extension()
    if core is None:
        pytest.skip("the compiled extension is not installed")
    for name in (*CODE_NAMES, "NULLABLE", "MAX_SECONDS"):
        assert getattr(fallback_records, name) == getattr(core, name), name


def test_codes_are_distinct_and_fit_the_low_bits() -> None:
    codes = [getattr(fallback_records, name) for name in CODE_NAMES]
    assert len(set(codes)) == len(codes) and all(0 <= c < fallback_records.NULLABLE for c in codes)
