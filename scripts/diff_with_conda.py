"""Feeds the same inputs to conda (the reference) and to conda_exports and prints the differences.

Usage: python scripts/diff_with_conda.py [versions|specs|all]
Needs the reference conda (REF_PYTHON, default /work/ref/venv/bin/python). Inputs: every version
and depends entry of ../shared/data/repodata/*.json plus hand-written edge cases.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPODATA = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared")) / "data" / "repodata"
if not REPODATA.is_dir():
    REPODATA = Path("/work/shared/data/repodata")
REF_PYTHON = os.environ.get("REF_PYTHON", "/work/ref/venv/bin/python")

EDGE_VERSIONS = [
    "1.0",
    "1.0.0",
    "1",
    "1.1dev1",
    "1.1_",
    "1.1a1",
    "1.1.0dev1",
    "1.1.dev1",
    "1.1.a1",
    "1.1.0rc1",
    "1.1.0post1",
    "1.1.post1",
    "1.1post1",
    "1!0.4.1",
    "2!0.4.1",
    "0.4.1.RC",
    "0.5C1",
    "1.0-2",
    "1.0-2_1",
    "1.0+abc",
    "1.0+abc.1",
    "1.0+1_2",
    "+1",
    "1!",
    "!1",
    "1!!2",
    "1++2",
    "1..2",
    "1.",
    ".1",
    "_1",
    "1_",
    "1__",
    "1.0a",
    "1.0A",
    "1.*",
    "*",
    "1.2.*",
    "1.0.post",
    "1.0dev",
    "1.0DEV",
    "1.0_dev",
    "1.0.0.0.0",
    "0",
    "0.0",
    "00.0",
    "01.1",
    "1.01",
    "1a0",
    "1a",
    "1.0b",
    "abc",
    "a.b",
    "1!1.0+1.0",
    " 1.0 ",
    "1.0\n",
    "1 0",
    "1,0",
    "1-0-0",
    "1.0_a-b",
    "\u212a",
    "1.2.3.4.5.6.7.8.9.10",
    "2023.01.01",
    "1.0rc",
    "1.0rc1.post2",
    "1.0.dev0+local",
    "0.0.0",
    "1.0.0a",
    "1.0.0_",
    "1.0a_",
    "1.0.-1",
    "1.0.0-",
    "1-",
    "-",
    "",
    " ",
    "1.0+",
    "1.0+_",
    "1.0_+1",
    "9999999999999999999999.1",
    "1.post.dev",
    "1.dev.post",
    "1*",
    "1**",
]
EDGE_SPECS = [
    "numpy",
    "numpy 1.8*",
    "numpy 1.8.1",
    "numpy 1.8.1 py27_0",
    "numpy=1.8.1=py27_0",
    "numpy>=1.8,<2",
    "numpy >=1.8,<2|1.7",
    "numpy[version='>=1.8']",
    "conda-forge::numpy",
    "conda-forge/linux-64::numpy>=1.0",
    "*/linux-64::foo>=1.0",
    "foo[build=py2*]",
    "foo=1.0",
    "foo==1.0",
    "foo=1.0=*",
    "foo 1.0.*",
    "foo *",
    "foo * *",
    "foo >=1 py*",
    "foo[md5=abc,sha256=def]",
    "foo[build_number=3]",
    "foo[build_number='>=3']",
    "foo[subdir=linux-64]",
    "foo[license=MIT]",
    "foo[license='BSD 3-Clause']",
    "foo[track_features=a b]",
    "foo[features='a,b']",
    "foo[fn=foo-1.0-0.tar.bz2]",
    "foo[url=https://x/y/foo-1.0-0.tar.bz2]",
    "https://conda.anaconda.org/conda-forge/linux-64/foo-1.0-0.tar.bz2",
    "foo-1.0-0.tar.bz2",
    "/tmp/chan/linux-64/foo-1.0-0.conda",
    "foo@",
    "foo # comment",
    "foo >=1 if bar",
    "foo (optional)",
    "foo[name=bar]",
    "foo=",
    "foo==",
    "foo<=",
    "foo= ",
    "foo!=1.0",
    "foo~=1.2",
    "foo ~=1.2 py_0",
    "foo !=1.0 py_0",
    "py*",
    "*",
    "*[md5=123]",
    "foo[version=1.0.*]",
    "foo[version='1.0|1.1']",
    "foo 1.0|1.1",
    "foo >1.8,<2|==1.7",
    "foo=1.0|1.1",
    "foo =1.2.3 0",
    "foo 1.2.3=0",
    "foo >=1.0 , < 2.0 py34_0",
    "foo[build=abc, version=1.0]",
    'foo[version="1.0"]',
    "foo[version=1.0][build=x]",
    "foo 1.0 [build=x]",
    "foo[",
    "foo]",
    "foo[]",
    "foo[version]",
    "foo[=1]",
    "foo[bad=1]",
    "",
    " ",
    "::foo",
    "a:b:c::foo",
    "foo >=1.0 <2.0",
    "foo>=1.0<2.0",
    "foo=1.0,<2",
    "foo ==1.0",
    "foo ===1.0",
    "foo =>1",
    "FOO",
    "Foo>=1",
    "foo 1.0 BUILD",
    "foo[channel=conda-forge]",
    "foo[channel=conda-forge/linux-64]",
    "defaults::foo",
    "pkgs/main::foo",
    "pkgs/main/linux-64::foo 1.0 0",
    "local::foo",
    "foo[version='>=1', build=py*]",
    "foo >=1.0.*",
    "foo<1.0.*",
    "foo~=1.0.*",
    "foo!=1.0.*",
    "foo=1.0.*",
    "foo=1.*.*",
    "foo 1.*.*",
    "python >=2.7,<2.8.0a0",
    "python_abi 3.9.* *_cp39",
    "libgcc-ng >=7.3.0",
    "foo ^1.0$",
    "foo[version='^1\\.0$']",
    "foo >=1,<2,!=1.5",
    "foo (>=1|<0),!=3",
    "foo[build_number='>=1,<2']",
    "foo[build_number=abc]",
    "foo[build_number=^1$]",
    "foo 1.0@x",
    "foo *[build=py3]",
    "foo=*=py3",
    "foo[version=*]",
    "foo[version=1.*]",
    "foo[version=1.2*]",
    "foo 1.2*",
    "foo 1*.2",
    "foo[build='a b']",
    "c*::foo",
    "foo[url=file:///a/b.tar.bz2,fn=b.tar.bz2]",
]


def _version_records(mod: str, versions: list[str]) -> list:
    if mod == "conda":
        from conda.models.version import VersionOrder
    else:
        from conda_exports.models.version import VersionOrder
    out = []
    good = []
    for v in versions:
        try:
            vo = VersionOrder(v)
            out.append([v, "ok", str(vo)])
            good.append(vo)
        except Exception as exc:
            out.append([v, type(exc).__name__, str(exc)])
    # sorted order with a stable sort from a fixed start order
    import functools

    def cmp(a, b):
        return -1 if a < b else (1 if b < a else 0)

    order = [str(v) for v in sorted(good, key=functools.cmp_to_key(cmp))]
    eqs = []
    # pairwise relations on a sample
    sample = good[:: max(1, len(good) // 300)]
    for a in sample:
        row = []
        for b in sample:
            row.append((a < b) * 1 + (a == b) * 2 + (a > b) * 4 + (a.startswith(b)) * 8)
        eqs.append(row)
    return [out, order, eqs]


def _spec_records(mod: str, specs: list[str], recs: list) -> list:
    if mod == "conda":
        from conda.models.match_spec import MatchSpec
    else:
        from conda_exports.models.match_spec import MatchSpec
    import warnings

    warnings.simplefilter("ignore")
    out = []
    for s in specs:
        try:
            m = MatchSpec(s)
            row = [s, "ok", str(m), repr(m), m.name, str(m.version) if m.version is not None else None, m.strictness]

            def show(v):
                return (
                    str(getattr(v, "name", v)) if v is not None and not isinstance(v, (str, int, frozenset)) else str(v)
                )

            row.append(
                [show(m.get_exact_value(f)) for f in ("name", "version", "build", "channel", "subdir", "build_number")]
            )
            row.append(
                [show(m.get_raw_value(f)) for f in ("name", "version", "build", "channel", "subdir", "build_number")]
            )
            try:
                m2 = MatchSpec(str(m))
                row.append(["reparse", str(m2), m2 == m])
            except Exception as exc:
                row.append(["reparse", type(exc).__name__])
            matches = []
            for r in recs:
                try:
                    matches.append(bool(m.match(r)))
                except Exception as exc:
                    matches.append(type(exc).__name__)
            row.append(matches)
            out.append(row)
        except Exception as exc:
            out.append([s, type(exc).__name__, str(exc)])
    return out


def _vspec_records(mod: str, specs: list[str], versions: list[str]) -> list:
    if mod == "conda":
        from conda.models.version import BuildNumberMatch, VersionSpec
    else:
        from conda_exports.models.version import BuildNumberMatch, VersionSpec
    import logging

    logging.disable(logging.WARNING)
    out = []
    for s in specs:
        row: list = [s]
        for cls in (VersionSpec, BuildNumberMatch):
            try:
                vs = cls(s)
                row += [str(vs), vs.is_exact(), str(vs.exact_value)]
                for v in versions:
                    try:
                        row.append(bool(vs.match(v if cls is VersionSpec else int(v) if v.isdigit() else v)))
                    except Exception as exc:
                        row.append(type(exc).__name__)
            except Exception as exc:
                row += [type(exc).__name__, str(exc)]
        out.append(row)
    return out


def worker() -> None:
    mod, kind, path = sys.argv[2:5]
    data = json.loads(Path(path).read_text())
    if kind == "versions":
        result = _version_records(mod, data)
    elif kind == "vspecs":
        result = _vspec_records(mod, data["specs"], data["versions"])
    else:
        result = _spec_records(mod, data["specs"], data["records"])
    sys.stdout.write(json.dumps(result))


def harvest() -> tuple[list[str], list[str], list[dict]]:
    versions: dict[str, None] = {}
    specs: dict[str, None] = {}
    records = []
    for f in sorted(REPODATA.glob("*.json")):
        data = json.loads(f.read_text())
        for key in ("packages", "packages.conda"):
            for fn, rec in sorted(data.get(key, {}).items()):
                versions.setdefault(rec["version"], None)
                for d in rec.get("depends", []) + rec.get("constrains", []):
                    specs.setdefault(d, None)
                if len(records) < 400 or hash(fn) % 50 == 0:
                    r = {
                        k: rec.get(k)
                        for k in (
                            "name",
                            "version",
                            "build",
                            "build_number",
                            "md5",
                            "sha256",
                            "subdir",
                            "license",
                            "track_features",
                            "features",
                        )
                    }
                    r["fn"] = fn
                    records.append(r)
    base = {"name": "foo", "version": "1.0", "build": "py_0", "build_number": 0}
    for extra in (
        {"channel": "conda-forge"},
        {"channel": "https://conda.anaconda.org/conda-forge/linux-64"},
        {"channel": "https://repo.anaconda.com/pkgs/main/linux-64"},
        {"channel": "pkgs/r"},
        {"channel": "https://example.com/chan/noarch"},
        {"url": "https://conda.anaconda.org/conda-forge/linux-64/foo-1.0-py_0.tar.bz2"},
        {"url": "https://example.com/chan/noarch/foo-1.0-py_0.conda", "fn": "foo-1.0-py_0.conda"},
        {"license": "BSD-3-Clause", "license_family": "BSD", "track_features": "mkl", "features": "a b"},
        {"md5": "abc", "sha256": "def", "subdir": "osx-64", "build_number": 3},
        {"track_features": ["a", "b"], "build_number": 12},
    ):
        records.append(dict(base, **extra))
    specs_extra = [
        "conda-forge::foo",
        "defaults::foo",
        "pkgs/main::foo",
        "pkgs/r::foo",
        "chan::foo",
        "c*::foo",
        "https://example.com/chan::foo",
        "foo[channel=conda-forge]",
        "foo[license=bsd-3-clause]",
        "foo[license=BSD*]",
        "foo[license_family=bsd]",
        "foo[track_features=mkl]",
        "foo[features='b a']",
        "foo[md5=abc]",
        "foo[sha256=def]",
        "foo[subdir=osx-64]",
        "foo[build_number='>=3']",
        "foo[build_number=12]",
        "foo[track_features='a b']",
        "foo[fn=foo-1.0-py_0.conda]",
        "foo[url=https://example.com/chan/noarch/foo-1.0-py_0.conda]",
        "foo 1.0 py*",
        "foo[version='>0.9,<1.1']",
        "FOO=1",
        "f*o",
        "*[license=bsd-3-clause]",
        "foo[subdir=linux-64]",
    ]
    return list(versions), specs_extra + list(specs), records


def run(mod: str, python: str, kind: str, payload: object) -> object:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(payload, fh)
    env = dict(os.environ)
    if mod == "ours":
        env["PYTHONPATH"] = str(ROOT / "python")
    env.update(HOME="/tmp/diffhome", CONDARC="/dev/null", CONDA_PKGS_DIRS="/tmp/diffhome/pkgs")
    cmd = [python, str(Path(__file__).resolve()), "--worker", mod, kind, fh.name]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd="/tmp", env=env)
    if res.returncode:
        sys.exit(f"{mod} worker failed:\n{res.stderr}")
    return json.loads(res.stdout)


def main() -> None:
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    versions, specs, records = harvest()
    ours_py = os.environ.get("OURS_PYTHON", sys.executable)
    if what in ("versions", "all"):
        import random

        rnd = random.Random(5)
        pieces = ["0", "1", "2", "10", "00", ".", ".", "_", "a", "b", "rc", "dev", "post", "+", "!", "*", "-", "A", "z"]
        fuzz = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 8))) for _ in range(4000)]
        inputs = EDGE_VERSIONS + versions + fuzz
        a = run("conda", REF_PYTHON, "versions", inputs)
        b = run("ours", ours_py, "versions", inputs)
        n = 0
        for x, y in zip(a[0], b[0]):
            if x != y:
                n += 1
                print("VERSION", x, "!=", y)
        print("order equal:", a[1] == b[1], len(a[1]))
        if a[1] != b[1]:
            for i, (x, y) in enumerate(zip(a[1], b[1])):
                if x != y:
                    print("  first order diff at", i, x, y)
                    break
        print("relations equal:", a[2] == b[2], f"({len(a[2])}^2 pairs)")
        print(f"versions: {len(inputs)} inputs, {n} differences")
    if what in ("specs", "all"):
        payload = {"specs": EDGE_SPECS + specs, "records": records}
        a = run("conda", REF_PYTHON, "specs", payload)
        b = run("ours", ours_py, "specs", payload)
        n = 0
        for x, y in zip(a, b):
            if x != y:
                n += 1
                if len(x) > 3 and len(y) > 3 and x[:-1] == y[:-1]:
                    bad = [(i, payload["records"][i], p, q) for i, (p, q) in enumerate(zip(x[-1], y[-1])) if p != q]
                    print("MATCH", x[0], "conda/ours differ on", len(bad), "records; first:", bad[0])
                elif n <= 60:
                    print("SPEC", json.dumps(x)[:600], "\n   !=", json.dumps(y)[:600])
        print(f"specs: {len(payload['specs'])} inputs x {len(records)} records, {n} differences")
    if what in ("vspecs", "all"):
        import random

        rnd = random.Random(11)
        ops = ["", "", "==", "!=", "<", "<=", ">", ">=", "~=", "=", "^", "<>", ">= "]
        vers = [
            "1",
            "1.2",
            "1.2.3",
            "1.2a",
            "2",
            "0",
            "1.*",
            "1.2.*",
            "1*",
            "*",
            "1.2.3.4",
            "1!2",
            "1.2+x",
            "1.2.post1",
            "1.2dev",
            "3_",
            "a",
            "12",
        ]
        joins = [",", "|", ",", " | ", " , "]

        def one() -> str:
            return rnd.choice(ops) + rnd.choice(vers) + rnd.choice(["", "", "$", "*", ".*"])

        def expr(depth: int = 0) -> str:
            if depth > 2 or rnd.random() < 0.5:
                return one()
            inner = rnd.choice(joins).join(expr(depth + 1) for _ in range(rnd.randint(2, 3)))
            return f"({inner})" if rnd.random() < 0.4 else inner

        specs_v = [expr() for _ in range(4000)] + [
            "",
            " ",
            "()",
            "(",
            ")",
            ",",
            "|",
            "1,,2",
            "^1\\.2$",
            "^1.*$",
            "3",
            " 4 ",
        ]
        test_versions = [
            "0",
            "1",
            "1.0",
            "1.2",
            "1.2.0",
            "1.2.3",
            "1.2.4",
            "1.3",
            "1.2a",
            "1.2.3.4",
            "2",
            "2.0",
            "1!2",
            "1.2+x",
            "1.2post1",
            "3",
            "12",
        ]
        payload = {"specs": specs_v, "versions": test_versions}
        a = run("conda", REF_PYTHON, "vspecs", payload)
        b = run("ours", ours_py, "vspecs", payload)
        n = 0
        for x, y in zip(a, b):
            if x != y:
                n += 1
                if n <= 30:
                    print("VSPEC", json.dumps(x)[:300], "\n   !=", json.dumps(y)[:300])
        print(f"version specs: {len(specs_v)} x {len(test_versions)} versions, {n} differences")
    if what in ("fuzz", "all"):
        import random

        rnd = random.Random(7)
        alpha = list("ab1.2*=<>!~,| []()'\"^$:/@#-_+") + [
            "foo",
            "py",
            "1.0",
            "==",
            ">=",
            "[version=",
            "::",
            "build=",
            "channel=",
            "md5=",
            ".tar.bz2",
            "https://",
            " if ",
            "conda-forge",
        ]
        fuzz = ["".join(rnd.choice(alpha) for _ in range(rnd.randint(0, 9))) for _ in range(6000)]
        payload = {"specs": fuzz, "records": records[-12:]}
        a = run("conda", REF_PYTHON, "specs", payload)
        b = run("ours", ours_py, "specs", payload)
        n = 0
        for x, y in zip(a, b):
            if x != y:
                n += 1
                if n <= 40:
                    print("FUZZ", json.dumps(x)[:400], "\n   !=", json.dumps(y)[:400])
        print(f"fuzz: {len(fuzz)} specs, {n} differences")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker()
    else:
        main()
