"""Both kernels against the golden files, the one record of what the kernels answer.

``tests/data/grammar/golden_versions.json`` and ``golden_specs.json`` are written by
``tests/data/grammar/make_golden.py`` from the pure-Python kernels; ``cargo test`` reads the
same files (``rust/version.rs``, ``rust/match_spec.rs``). Here every entry is checked
against the active backend's kernel (the suite runs under each backend), and the files
against a fresh recording, so neither kernel can drift from them, nor the Python grammar
change without the change being recorded.

What the Rust kernels may do differently, by contract: decline (None) text the Python side
then handles -- every non-ASCII version, every spec that is not printable ASCII -- and
report a spec as ``checked`` when it builds cleanly though the Python kernel does not say so.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conda_exports import VersionOrder, _backend
from conda_exports.exceptions import InvalidVersionSpec

GRAMMAR = Path(__file__).parent / "data" / "grammar"
REGENERATE = "python tests/data/grammar/make_golden.py"


def _text(value: str | list[list[Any]]) -> str:
    """A golden string: itself, or ``[piece, count]`` pairs repeated and concatenated."""
    return value if isinstance(value, str) else "".join(piece * count for piece, count in value)


def _entries(name: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads((GRAMMAR / name).read_text(encoding="utf-8"))["entries"]
    return entries


def _short(text: str) -> str:
    return repr(text) if len(text) <= 60 else f"{text[:40]!r}... ({len(text)} chars)"


def _report(wrong: list[str], total: int) -> str:
    """The first differences, each line cut to a readable length."""
    lines = [line if len(line) <= 400 else f"{line[:400]}... ({len(line)} chars)" for line in wrong[:20]]
    return f"{len(wrong)} of {total} entries differ:\n" + "\n".join(lines)


@pytest.fixture(scope="module")
def golden_versions() -> list[dict[str, Any]]:
    return _entries("golden_versions.json")


@pytest.fixture(scope="module")
def golden_specs() -> list[dict[str, Any]]:
    return _entries("golden_specs.json")


# -- versions --------------------------------------------------------------------------


def _expected_key(entry: dict[str, Any], text: str) -> tuple[str, bytes] | None:
    """What the active version kernel must answer for the entry."""
    if "key" not in entry:
        return None
    if _backend.BACKEND == "rust" and not text.isascii():
        return None  # left to Python's Unicode strip and lower
    return _text(entry["norm"]), bytes.fromhex(_text(entry["key"]))


def _hex(result: tuple[str, bytes] | None) -> str:
    return "None" if result is None else f"({_short(result[0])}, {result[1].hex()})"


def test_version_kernel_matches_the_golden_file(golden_versions: list[dict[str, Any]]) -> None:
    kernel = _backend.version
    texts = [_text(entry["text"]) for entry in golden_versions]
    batch = kernel.version_keys(texts)
    wrong = []
    for entry, text, from_batch in zip(golden_versions, texts, batch):
        want = _expected_key(entry, text)
        got = kernel.version_key(text)
        if got != want or from_batch != want:
            wrong.append(
                f"{_short(text)}: {_backend.BACKEND} kernel gives {_hex(got)} (batch {_hex(from_batch)}), golden {_hex(want)}"
            )
    assert not wrong, _report(wrong, len(texts))


@pytest.fixture
def default_int_limit() -> Iterator[None]:
    """Python's default int-string limit, under which the golden errors were recorded."""
    if not hasattr(sys, "set_int_max_str_digits"):
        pytest.skip("no int-string limit in this Python")
    previous = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(4300)
    yield
    sys.set_int_max_str_digits(previous)


@pytest.mark.usefixtures("default_int_limit")
def test_versions_through_the_api_match_the_golden_file(golden_versions: list[dict[str, Any]]) -> None:
    """VersionOrder on the active backend: the golden text and key, or conda's error (the
    Rust backend's declined strings included: Python's grammar answers them)."""
    wrong = []
    for entry in golden_versions:
        text = _text(entry["text"])
        try:
            vo = VersionOrder(text)
            got: tuple[Any, ...] = (str(vo), vo._key.hex())
        except (InvalidVersionSpec, ValueError) as exc:
            got = (type(exc).__name__, str(exc))
        if "key" in entry:
            want: tuple[Any, ...] = (_text(entry["norm"]), _text(entry["key"]))
        elif entry["error"] == "InvalidVersionSpec":
            want = ("InvalidVersionSpec", f"Invalid version '{text}': {entry['reason']}")
        else:
            want = (entry["error"], entry["reason"])
        if got != want:
            wrong.append(f"{_short(text)}: {got!r}, golden {want!r}")
    assert not wrong, _report(wrong, len(golden_versions))


# -- specs -----------------------------------------------------------------------------


def _parts(parts: Any) -> list[Any] | None:
    """Kernel or golden parts in one shape: strings expanded, brackets as lists."""
    if parts is None:
        return None
    name, version, build, channel, brackets, checked = parts
    fields = [None if value is None else _text(value) for value in (name, version, build, channel)]
    return [*fields, [[_text(k), _text(v)] for k, v in brackets], checked]


def _printable_ascii(text: str) -> bool:
    return all(" " <= c <= "~" for c in text)


def _spec_mismatch(entry: dict[str, Any], text: str, got: list[Any] | None) -> str | None:
    """Why the active kernel's parts ``got`` break the golden entry, or None."""
    want = _parts(entry["parts"])
    if _backend.BACKEND == "python" or want is None:
        return None if got == want else f"{got!r}, golden {want!r}"
    if got is None:
        # the Rust kernel handles printable ASCII only and leaves the rest to Python
        return None if not _printable_ascii(text) else f"declined, golden {want!r}"
    if got[:5] != want[:5]:
        return f"{got!r}, golden {want!r}"
    if want[5] and not got[5]:
        return "not checked, though the Python kernel checks it"
    if got[5] and not entry["clean"]:
        return "checked, but its matchers do not build cleanly"
    return None


def test_spec_kernel_matches_the_golden_file(golden_specs: list[dict[str, Any]]) -> None:
    kernel = _backend.match_spec
    wrong = []
    for entry in golden_specs:
        text = _text(entry["text"])
        problem = _spec_mismatch(entry, text, _parts(kernel.split_spec(text)))
        if problem is not None:
            wrong.append(f"{_short(text)}: {_backend.BACKEND} kernel: {problem}")
    assert not wrong, _report(wrong, len(golden_specs))


@pytest.mark.one_backend
def test_golden_checked_specs_build_cleanly(golden_specs: list[dict[str, Any]]) -> None:
    unclean = [entry["text"] for entry in golden_specs if entry["parts"] and entry["parts"][5] and not entry["clean"]]
    assert unclean == []


# -- the files are the Python kernels' current answers ----------------------------------


@pytest.mark.one_backend
def test_golden_files_are_up_to_date() -> None:
    """Recording again from the pure-Python kernels gives the same bytes: a change to the
    Python grammar fails here until it is recorded (and then the Rust kernel must follow)."""
    if not hasattr(sys, "set_int_max_str_digits"):
        pytest.skip("recording conda's errors needs Python's int-string limit")
    spec = importlib.util.spec_from_file_location("make_golden", GRAMMAR / "make_golden.py")
    assert spec is not None and spec.loader is not None
    make_golden = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_golden)
    previous = _backend.BACKEND
    rendered = make_golden.render()
    assert _backend.BACKEND == previous  # the recording restores the backend
    assert sorted(rendered) == ["golden_specs.json", "golden_versions.json"]
    for name, content in rendered.items():
        recorded = (GRAMMAR / name).read_bytes().decode("utf-8").splitlines()
        fresh = content.splitlines()
        changed = [
            f"line {i + 1}:\n  file:  {a[:200]}\n  fresh: {b[:200]}"
            for i, (a, b) in enumerate(zip(recorded, fresh))
            if a != b
        ]
        if len(recorded) != len(fresh):
            changed.append(f"{len(recorded)} lines in the file, {len(fresh)} recorded now")
        assert changed == [], f"{name} is stale; run `{REGENERATE}`:\n" + "\n".join(changed[:10])
        assert (GRAMMAR / name).read_bytes() == content.encode("utf-8"), f"{name}: run `{REGENERATE}`"
