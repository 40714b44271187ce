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


def test_the_kernels_hash_the_algorithms_the_package_names() -> None:
    from conda_exports import constants

    core = _backend._load_extension()
    if core is None:
        pytest.skip("the compiled extension is not installed")
    assert core.HASH_ALGORITHMS == constants.HASH_ALGORITHMS


@pytest.mark.parametrize("first", ["rust", "python"])
def test_after_a_switch_a_fresh_parse_goes_through_the_other_kernel(
    first: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Caches holding kernel output are emptied by ``activate``: the same strings, parsed
    again after the switch, reach the newly active kernel."""
    from conda_exports import MatchSpec, VersionOrder, _backend

    if _backend._load_extension() is None:
        pytest.skip("the compiled extension is not installed")
    second = "python" if first == "rust" else "rust"
    seen: list[tuple[str, str]] = []
    previous = _backend.BACKEND
    try:
        _backend.activate(first)
        before = VersionOrder("1.2.3post7")
        MatchSpec("numpy >=1.26,<2 py311*")
        kernel = _backend.kernels(second)["match_spec"]
        real_split = kernel.split_spec

        def spy_split(text: str) -> object:
            seen.append(("split_spec", text))
            return real_split(text)

        monkeypatch.setattr(kernel, "split_spec", spy_split)
        kernel = _backend.kernels(second)["version"]
        real_factory = kernel.version_order_new

        def spy_factory(*bound: object) -> object:
            new = real_factory(*bound)

            def spy_new(cls: type, text: str) -> object:
                seen.append(("VersionOrder.__new__", text))
                return new(cls, text)

            return spy_new

        monkeypatch.setattr(kernel, "version_order_new", spy_factory)
        _backend.activate(second)
        after = VersionOrder("1.2.3post7")
        MatchSpec("numpy >=1.26,<2 py311*")
    finally:
        monkeypatch.undo()
        _backend.activate(previous)
    assert ("VersionOrder.__new__", "1.2.3post7") in seen and after is not before
    assert ("split_spec", "numpy >=1.26,<2 py311*") in seen
