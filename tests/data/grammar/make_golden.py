"""Writes the golden files both kernels are checked against, from the pure-Python kernels.

    python tests/data/grammar/make_golden.py

``golden_versions.json``: version text -> the version kernel's normalised text and sort key
(hex), or, where the kernel gives no key, the error conda raises for the text.
``golden_specs.json``: spec text -> the parts the ``match_spec`` kernel's ``split_spec``
returns, or null where it declines (the Python grammar then parses or rejects the string).

Every answer comes from ``conda_exports._fallback`` (and, for the errors and the ``clean``
flag, from the pure-Python grammar behind it, with the Python backend active); the
compiled extension is never called. The same files are read by pytest
(``tests/test_golden.py``, under each backend) and by ``cargo test`` (``rust/version.rs``,
``rust/match_spec.rs``), so the two kernels cannot drift apart silently. A change to the
Python grammar must be re-recorded here (``test_golden.py`` fails until it is), and the
Rust kernel then has to follow.

Inputs: the real versions and depends entries of ``versions.json`` and ``depends.json``
(and the version pieces of those depends entries), then the hand-made edge cases below.
Text that is not valid in a JSON file serde_json reads (lone surrogates) is left to the
Hypothesis tests.

Long values are stored compactly: any string of either file (a ``text``, ``norm`` or
``key``, a string of ``parts``) is either a string or a list of ``[piece, count]`` pairs,
meaning the pieces repeated and concatenated.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Union

HERE = Path(__file__).resolve().parent
VERSIONS_FILE = "golden_versions.json"
SPECS_FILE = "golden_specs.json"

#: A hand-made input: a string, or ``(piece, count)`` pairs for long text.
Case = Union[str, tuple[tuple[str, int], ...]]


def R(*pairs: tuple[str, int]) -> tuple[tuple[str, int], ...]:  # noqa: N802 - reads as a literal
    """A long input: ``R(("1.", 1), ("1", 5000))`` is ``"1." + "1" * 5000``."""
    return pairs


VERSION_CASES: list[Case] = [
    # empty and whitespace (Python's str.strip: ASCII whitespace and \x1c-\x1f)
    "",
    " ",
    "\t",
    "\n",
    " 1.0 ",
    "\t1.0\n",
    "1.0\r\n",
    "\x0b1.0\x0c",
    "\x1c1.0\x1f",
    "\x1b1.0",
    "1.0 2",
    "1.0\t2",
    "1.0\n2",
    # NUL and other control characters
    "\x00",
    "1.0\x00",
    " \x00",
    "1.\x001",
    "1.0\x7f",
    # epochs
    "0!1.0",
    "1!1.0",
    "01!1.0",
    "10!1.0a1+local",
    "1!",
    "!1",
    "a!1.0",
    "1!2!3",
    "1!!2",
    "*!1",
    "1!+1",
    # local versions
    "1.0+local",
    "1.0+local.7",
    "1.0+1_2",
    "1.0+LOCAL",
    "1.0+0",
    "1.0+",
    "+1",
    "1+2+3",
    "1.0+_",
    "1.0+a-b",
    "1.0+1..2",
    "1!2.0+Local_7",
    # dev, post, rc, alpha, beta
    "1.0dev",
    "1.0DEV",
    "1.0.dev1",
    "1.1dev1",
    "1.1.0dev1",
    "1.0post",
    "1.0.post1",
    "1.1post1",
    "1.0post1.dev+local.7",
    "2.0post",
    "1.0.1a0post",
    "1.0rc1",
    "1.0RC1",
    " 1.0RC1 ",
    "1.0-rc1",
    "1.0-RC-1",
    "1.0a1",
    "1.0A",
    "1.0alpha",
    "1!2.15.1_ALPHA",
    "1.0b2",
    "1.0beta.3",
    "1.2g.beta15.rc",
    "0.5C1",
    "1.1.a1",
    "1.1.0a1",
    "v1.0",
    "ABC",
    "latest",
    "r2023a",
    "1.0.A",
    "1.0a.B2",
    # underscores and dashes (a dash reads as '_' only when there is no '_')
    "1.0-2",
    "1.0_2",
    "1.0-2_3",
    "1.0-2.a-b",
    "1-",
    "-1",
    "1--2",
    "1_",
    "1.1_",
    "1.0_",
    "1.0__",
    "_1",
    "1__0",
    "1._",
    "1_.0",
    "_",
    # leading and trailing separators
    ".",
    "..",
    ".1",
    "1.",
    "1..0",
    "1.0.",
    "x..y",
    # '*' and wildcards
    "*",
    "**",
    "1.*",
    "1.0*",
    "*.1",
    "1*post",
    "1.*.2",
    "1.0.*+*",
    # numbers: leading zeros, sizes around 2**64, the one-byte length limit (255)
    "0",
    "00",
    "000.000",
    "01.1",
    "1.000",
    "0.0.0.1",
    "1.0.0.0.0",
    "2023.12.31",
    "1996.07.12",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "9999999999999999999999.1",
    "10000000000000000000000",
    "1a" * 50,
    "12." * 40 + "7",
    R(("1", 254)),
    R(("1", 255)),
    R(("1", 256)),
    R(("0", 300), ("1", 1)),
    R(("1.", 1), ("9", 300)),
    R(("1*", 1), ("9", 300)),
    R(("a", 300)),
    # digit runs at and over Python's int-string limit (4300 digits)
    R(("1", 4300)),
    R(("0", 4300)),
    R(("1", 4300), (".1", 1)),
    R(("1", 4299), ("2", 1)),
    R(("1", 4301)),
    R(("0", 4301)),
    R(("1", 5000)),
    R(("0", 4299), ("12", 1)),
    R(("1.", 1), ("1", 5000)),
    R(("1", 5000), ("!1", 1)),
    R(("1+a", 1), ("2", 5000)),
    R(("a", 1), ("1", 4301)),
    R(("1..", 1), ("1", 5000)),
    R(("1", 5000), ("..", 1)),
    R(("1", 4301), ("+1+1", 1)),
    R(("1", 4301), ("!2!3", 1)),
    # non-ASCII: Python's Unicode strip/lower decide (the Rust kernel declines all of it)
    "1.\u212a",
    "1.\xe9",
    "\xa01.0\xa0",
    "\u20281.0",
    "1.0\u3000",
    "\uff11.\uff10",
    "1.\u0130",
    "1.\xdf",
    "1.0\U0001f600",
    # other characters conda refuses
    "1.0[",
    "(1.0)",
    "1.0@abc",
    "1,0",
    "1|2",
    ">=1.0",
    "1.0$",
    "^1.0$",
    "1.0#",
    "1.0/2",
    "1.0:2",
]

SPEC_CASES: list[Case] = [
    # empty, whitespace, names
    "",
    " ",
    "numpy",
    "NumPy",
    "numpy ",
    " numpy",
    "numpy  ",
    "_openmp_mutex",
    "r-base",
    "python_abi",
    "a.b+c",
    # versions and builds
    "numpy 1.8*",
    "NumPy 1.8",
    "numpy 1.8.1",
    "numpy 1.8.1 py27_0",
    "numpy=1.8.1=py27_0",
    "numpy=1.8",
    "numpy =1.8",
    "numpy==1.8",
    "numpy ==1.8",
    "numpy ==1.8 py27_0",
    "numpy =1.8 py27_0",
    "numpy=1.8=py27_0=x",
    "numpy=",
    "numpy==",
    "numpy>",
    "numpy>=",
    "numpy =",
    "numpy 1.8=py27_0",
    "numpy 1.0 a b",
    "numpy 1  x",
    "numpy 1.0 a-b",
    "numpy 1.8 py-27",
    "numpy 1.0 2.0 3.0",
    "numpy *",
    "numpy * *",
    "numpy * *mkl*",
    "numpy * py*",
    "numpy=*=*",
    "numpy 1.0 *",
    "numpy 1.0 *_cp39",
    "numpy 1.0 py_0*",
    "python_abi 3.9.* *_cp39",
    "numpy 1!2.0 0",
    "numpy 1.0@abc",
    # operators
    "foo>=1.0",
    "foo<2",
    "foo!=1.0",
    "foo~=1.0",
    "foo==1.0",
    "foo>1.0",
    "foo<=1.0",
    "foo >=1.0,<2.0",
    "foo >=1.0 , < 2.0 py34_0",
    "foo >=1 ,<2",
    "foo >=1,<2|>=3",
    "foo <1|>2",
    "foo 1|2",
    "foo 1.8|1.9",
    "foo 1.0|1.1,1.2",
    "foo !=1.8.*",
    "foo >=1.8.*",
    "foo =1.2.*",
    "foo 1.2.*",
    "foo ~=1.8",
    "foo ~=1.0.*",
    "foo >1.0.*",
    "foo <1.0.*",
    "foo <=1.0.*",
    "foo ==1.0.*",
    "foo ~=1",
    "foo=1.0,<2",
    "foo=1.0|2",
    "foo =1.0 , <2",
    "foo <>1",
    "foo >= 1",
    "foo =>1",
    "foo ===1",
    "foo !1",
    "foo ~1",
    "foo 1.*.2",
    "foo *.2",
    "foo 1[*2",
    "foo 1.0*.*",
    "foo 1.0.*.*",
    "foo 1.0**",
    # malformed
    "=1",
    ">=1",
    "foo >=1..0",
    "foo >=1.8,<2..0",
    "foo 1|2..3",
    "foo 1!2!3",
    "foo ,",
    "foo |",
    "foo 1,",
    "foo |1",
    "foo (1",
    "foo 1)",
    "foo ()",
    "foo $",
    "foo 1.0$",
    "foo[version=1",
    "foo[",
    "foo]",
    "foo[[",
    "[version=1]",
    "(x)",
    "@",
    "::",
    ":",
    # channels, subdirs, namespaces
    "conda-forge::numpy",
    "conda-forge::numpy >=1.0",
    "conda-forge/linux-64::numpy>=1.0",
    "conda-forge/osx-arm64::numpy 1.0 py_0",
    "https://conda.anaconda.org/conda-forge/label/main::numpy",
    "https://conda.anaconda.org/conda-forge/label/dev::numpy >=2",
    "https://repo.anaconda.com/pkgs/main/linux-64::numpy 1.0",
    "file:///tmp/chan::x",
    "::numpy",
    "defaults::numpy",
    "pkgs/main::x",
    "c*::x",
    "a:b",
    "a:b:c",
    "a::b::c",
    "conda-forge:::numpy",
    "conda-forge:ns:numpy",
    "ns:numpy 1.0",
    "conda-forge::numpy[subdir=linux-64]",
    # brackets
    "foo[version='>=1', build=\"py*\",md5=abc]",
    "foo[a.b=1]",
    "foo[version=]",
    "foo[build_number=3]",
    "foo[build_number='>=3']",
    "foo[license='MIT or BSD']",
    "foo[track_features='a b']",
    "foo[subdir=osx-64]",
    "foo[fn=x-1-0.conda]",
    "foo[url=https://x/y.conda]",
    "foo[md5=abc][version=1]",
    "foo >=1[x=1] 2[build=x]",
    "foo[name=bar]",
    "foo[version=1.0, build=py_0]",
    "foo[version=1.0 build=2]",
    "foo[version='1.0]",
    "foo[version=\"1.0']",
    'foo[version="1.0"]',
    "foo[]",
    "foo[ ]",
    "foo[=1]",
    "foo[Version=1]",
    "foo[version=1,]",
    "foo[version=1,,build=2]",
    "foo 1.0[build=py*]",
    "foo[version=1.0] 2.0",
    "foo[version='(1|2),3']",
    "foo[version='1.0|>=2,<3']",
    # parentheses, comments, conditions
    "foo (optional)",
    "foo (target=x)",
    "foo (1|2),3",
    "foo ((1|2),3)",
    "foo(x)(y)",
    "foo >=1 if bar # c",
    "foo # comment",
    "foo#bar",
    "# only",
    "foo if bar",
    "foo 1.0 if x",
    "foo[version=1]#x",
    # package files and feature@ specs
    "numpy-1.0-py_0.tar.bz2",
    "x/linux-64/a-1-0.conda",
    "https://repo.anaconda.com/pkgs/main/linux-64/numpy-1.0-py_0.conda",
    "numpy.tar.bz2",
    "numpy 1.8 py27.conda",
    "foo.conda[md5=abc]",
    "foo@",
    "mkl@",
    # regexes and globs
    "^a.*$",
    "^a($",
    "foo ^1$",
    "foo ^1\\.8$",
    "foo 1.0 ^b$",
    "foo 1.0 ^b($",
    "py*",
    "*",
    "*numpy*",
    "foo* 1.0",
    # control characters and whitespace
    "foo\tbar",
    "foo\t1.0",
    "foo \t1.0",
    "foo\n",
    "foo\nbar",
    "foo 1.0\nbar",
    "foo[a=1]\n[b=2]",
    "foo\r",
    "foo\x00",
    "\x00",
    "foo 1.0\x7f",
    "foo\x1f",
    # non-ASCII
    "f\xe9",
    "numpy \u22651.0",
    "numpy 1.\u212a",
    "numpy[version='1.0\xe9']",
    "\xf1ame 1.0",
    "numpy\xa0",
    "numpy 1.0 py\U0001f600",
    # long digit runs
    R(("foo ", 1), ("1", 5000)),
    R(("foo >=", 1), ("1", 4300)),
    R(("foo >=", 1), ("1", 4301)),
    R(("foo 1.", 1), ("1", 5000), (" py_0", 1)),
    R(("foo[version='>=", 1), ("1", 4301), ("']", 1)),
]


def _expand(case: Case) -> str:
    return case if isinstance(case, str) else "".join(piece * count for piece, count in case)


def _compact(text: str, unit: int = 1) -> str | list[list[Any]]:
    """``text``, or as ``[piece, count]`` pairs (runs of a repeated ``unit``-long token, the
    tokens between runs joined into literal pieces) when that is less than half as long."""
    if len(text) <= 256:
        return text
    runs: list[list[Any]] = []
    for i in range(0, len(text), unit):
        token = text[i : i + unit]
        if runs and runs[-1][0] == token:
            runs[-1][1] += 1
        else:
            runs.append([token, 1])
    pairs: list[list[Any]] = []
    for token, count in runs:
        if count == 1 and pairs and pairs[-1][1] == 1:
            pairs[-1][0] += token
        else:
            pairs.append([token, count])
    if 2 * len(json.dumps(pairs)) > len(text):
        return text
    return pairs


def _unique(texts: Iterable[str]) -> Iterator[str]:
    seen: set[str] = set()
    for text in texts:
        if text not in seen:
            seen.add(text)
            yield text


def _version_pieces(depends: dict[str, Any]) -> Iterator[str]:
    """The versions named in the depends entries (``>=1.8,<2`` -> ``1.8``, ``2``)."""
    from conda_exports._fallback.match_spec import split_spec

    for row in depends["specs"]:
        parts = split_spec(row["spec"])
        if parts is None or parts[1] is None:
            continue
        for piece in re.split(r"[,|]", parts[1]):
            piece = piece.lstrip("<>=!~").rstrip("*").rstrip(".")
            if piece:
                yield piece


def version_inputs() -> list[str]:
    versions = json.loads((HERE / "versions.json").read_text(encoding="utf-8"))
    depends = json.loads((HERE / "depends.json").read_text(encoding="utf-8"))
    real = [*versions["versions"], *(r["version"] for r in depends["records"]), *_version_pieces(depends)]
    return list(_unique([*real, *map(_expand, VERSION_CASES)]))


def spec_inputs() -> list[str]:
    depends = json.loads((HERE / "depends.json").read_text(encoding="utf-8"))
    real = [text for row in depends["specs"] for text in (row["spec"], row["str"])]
    return list(_unique([*real, *map(_expand, SPEC_CASES)]))


def _version_entry(text: str) -> dict[str, Any]:
    from conda_exports._fallback.version import version_key
    from conda_exports._version_grammar import checked_key
    from conda_exports.exceptions import InvalidVersionSpec

    entry: dict[str, Any] = {"text": _compact(text)}
    result = version_key(text)
    if result is not None:
        norm, key = result
        entry["norm"] = _compact(norm)
        entry["key"] = _compact(key.hex(), 2)
        return entry
    # no key: conda's error, as the slow path raises it (the same on both backends)
    try:
        checked_key(text)
    except InvalidVersionSpec as exc:
        prefix = f"Invalid version '{text}': "
        message = str(exc)
        assert message.startswith(prefix), message
        entry["error"] = "InvalidVersionSpec"
        entry["reason"] = message[len(prefix) :]
    except ValueError as exc:
        entry["error"] = "ValueError"
        entry["reason"] = str(exc)
    else:
        raise AssertionError(f"the kernel gives no key for {text!r}, but conda's grammar accepts it")
    return entry


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _builds_cleanly(parts: tuple[Any, ...], warned: _Warnings) -> bool:
    """The name, version and build matchers of ``parts`` build without an error or a
    logged warning: what the kernel's ``checked`` flag promises when it is true."""
    from conda_exports import _backend
    from conda_exports.models.match_spec import _components_of

    _backend.activate("python")  # empties the matcher caches: a cached matcher does not warn again
    warned.records.clear()
    try:
        _components_of(parts[:3])
    except Exception:  # noqa: BLE001 - any error means "not clean"
        return False
    return not warned.records


def _spec_entry(text: str, warned: _Warnings) -> dict[str, Any]:
    from conda_exports._fallback.match_spec import split_spec

    parts = split_spec(text)
    if parts is None:
        return {"text": _compact(text), "parts": None}
    name, version, build, channel, brackets, checked = parts
    fields = [None if value is None else _compact(value) for value in (name, version, build, channel)]
    return {
        "text": _compact(text),
        "parts": [*fields, [[_compact(k), _compact(v)] for k, v in brackets], checked],
        "clean": _builds_cleanly(parts, warned),
    }


ABOUT_VERSIONS = (
    "Generated by tests/data/grammar/make_golden.py from the pure-Python version kernel "
    "(conda_exports._fallback.version); do not edit, re-run it. Read by tests/test_golden.py "
    "and by cargo test (rust/version.rs)."
)
FORMAT_VERSIONS = (
    "text -> norm (normalised text) and key (the sort key, hex); or, where the kernel gives no key, "
    "error (InvalidVersionSpec or ValueError) and reason (conda's reason, or ValueError's message, "
    "under Python's default int-string limit of 4300 digits). A text, norm or key is a string or "
    "a list of [piece, count] pairs: the pieces repeated and concatenated."
)
ABOUT_SPECS = (
    "Generated by tests/data/grammar/make_golden.py from the pure-Python match_spec kernel "
    "(conda_exports._fallback.match_spec); do not edit, re-run it. Read by tests/test_golden.py "
    "and by cargo test (rust/match_spec.rs)."
)
FORMAT_SPECS = (
    "text -> parts: split_spec's [name, version, build, channel, [[key, value], ...], checked], "
    "or null where the kernel declines (the Python grammar then parses the string or raises). "
    "clean: the name, version and build matchers build without an error or a warning (the most a "
    "kernel's checked flag may promise). Each string (text, and the strings of parts) is a string or "
    "a list of [piece, count] pairs: the pieces repeated and concatenated."
)


def _document(about: str, fmt: str, entries: list[dict[str, Any]]) -> str:
    """One entry per line, so a change reads as a short diff."""
    head = f'{{\n"about": {json.dumps(about)},\n"format": {json.dumps(fmt)},\n"entries": [\n'
    body = ",\n".join(json.dumps(entry, ensure_ascii=False) for entry in entries)
    return head + body + "\n]\n}\n"


@contextmanager
def _recording() -> Iterator[_Warnings]:
    """The Python backend, Python's default int-string limit, and the package's warnings caught."""
    from conda_exports import _backend
    from conda_exports._version_grammar import MAX_DIGITS

    if not hasattr(sys, "set_int_max_str_digits"):
        raise RuntimeError("recording conda's errors needs Python's int-string limit (Python >= 3.11, 3.10.7, 3.9.14)")
    previous_backend, previous_limit = _backend.BACKEND, sys.get_int_max_str_digits()
    logger = logging.getLogger("conda_exports")
    previous_level, handler = logger.level, _Warnings()
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    sys.set_int_max_str_digits(MAX_DIGITS)
    try:
        _backend.activate("python")
        yield handler
    finally:
        sys.set_int_max_str_digits(previous_limit)
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
        _backend.activate(previous_backend)


def render() -> dict[str, str]:
    """File name -> content of each golden file."""
    with _recording() as warned:
        versions = [_version_entry(text) for text in version_inputs()]
        specs = [_spec_entry(text, warned) for text in spec_inputs()]
    return {
        VERSIONS_FILE: _document(ABOUT_VERSIONS, FORMAT_VERSIONS, versions),
        SPECS_FILE: _document(ABOUT_SPECS, FORMAT_SPECS, specs),
    }


def main() -> None:
    # this checkout's package, on the pure-Python backend (the extension need not be built)
    os.environ["CONDA_EXPORTS_BACKEND"] = "python"
    sys.path.insert(0, str(HERE.parents[2] / "python"))
    for name, content in render().items():
        path = HERE / name
        path.write_text(content, encoding="utf-8", newline="\n")
        entries = json.loads(content)["entries"]
        print(f"{path}: {len(entries)} entries, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
