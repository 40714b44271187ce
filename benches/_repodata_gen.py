"""A deterministic conda-forge-scale channel for the index benchmarks (stdlib only, no network).

``generate_channel(root, scale=1.0, seed=0)`` writes ``root/linux-64/repodata.json`` with
``600_000 * scale`` entries (about 300 MB at scale 1) and ``root/noarch/repodata.json`` with
15% as many, and returns the totals. ``cached_channel(scale, seed)`` does the same once under
``$CONDA_EXPORTS_BENCH_DATA`` (default ``/tmp/conda-exports-bench``), keyed by the scale, the
seed and ``GENERATOR_VERSION``, and hands back the directory on later calls.

What comes from the real indexes in ``../shared/data`` (the r, pytorch, main/noarch, dummy and
zlib repodata and the conda-forge ``conda-meta`` records): the package names and the words
new names are made of, the licenses and license families (R's for ``r-`` packages, the others'
for the rest), the names depended on most, and how often a dependency spec has each shape
(bare name, ``>=x``, run-export pin ``>=x.y.z,<x.y+1.0a0``, ``x.y.*``, version + build, ...).
What is modelled on conda-forge: about 25,000 names (``r-``, ``lib``, ``python-`` and plain
ones) with a long-tailed number of records each; semantic, calendar, R (``1.2_3``) and
pre-release versions; one build per Python or R version that was current when the version
was built (``py310h1234567_0``, ``r42h1234567_1``, ``pyhd8ed1ab_0``, ``h7f98852_3``, and the
old ``py36_0`` style before mid-2018); rebuilds with higher build numbers; depends lists of
0-20 specs (mean about 6) with ``python``/``python_abi``, ``libgcc-ng``, ``__glibc`` and
pinned library specs; some ``constrains``, ``track_features``, old ``arch``/``platform`` keys;
``.tar.bz2`` before a cut-over date around 2022 and ``.conda`` after it, with a few packages
in both; a ``removed`` list of file names that are in neither.

Records are serialised one at a time with ``json`` (sorted keys, no spaces, like
``conda-index``), sorted by file name per section, and streamed to disk.

CLI: ``python benches/_repodata_gen.py --scale 1.0 [--seed 0] [--out DIR]`` (without
``--out``: the cache directory) prints the totals as JSON.
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import json
import math
import os
import random
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

GENERATOR_VERSION = 1  # bump when the output changes, so cached channels are rebuilt
LINUX_RECORDS = 600_000
NOARCH_SHARE = 0.15  # noarch entries per linux-64 entry
NAMES = 25_000
NOARCH_NAME_SHARE = 0.35  # noarch names have fewer builds per version
BOTH_FORMATS = 0.03  # share of .conda-era builds also uploaded as .tar.bz2
REMOVED_SHARE = 0.002
DEFAULT_CACHE = Path("/tmp/conda-exports-bench")
STAMP = "generator.json"


def _ms(year: int, month: int = 1) -> int:
    return calendar.timegm((year, month, 1, 0, 0, 0, 0, 0, 0)) * 1000


START, END = _ms(2016, 1), _ms(2025, 6)
CONDA_ERA = _ms(2022, 3)  # .conda uploads from here on (each name's cut-over varies by months)
OLD_BUILD_STYLE = _ms(2018, 7)  # "py36_0", "0": before conda-build 3's hashed build strings
ARCH_KEYS_UNTIL = _ms(2018, 1)
GLIBC_FROM = _ms(2024, 3)

# (build tag, version, first, last): the interpreters a package version was built for
PYTHONS = [
    ("27", "2.7", _ms(2016), _ms(2020, 6)),
    ("35", "3.5", _ms(2016), _ms(2018, 12)),
    ("36", "3.6", _ms(2017), _ms(2021, 10)),
    ("37", "3.7", _ms(2018, 7), _ms(2023, 7)),
    ("38", "3.8", _ms(2019, 11), _ms(2024, 10)),
    ("39", "3.9", _ms(2020, 10), END),
    ("310", "3.10", _ms(2021, 10), END),
    ("311", "3.11", _ms(2022, 10), END),
    ("312", "3.12", _ms(2023, 10), END),
    ("313", "3.13", _ms(2024, 10), END),
]
RS = [
    ("35", "3.5", _ms(2016), _ms(2019, 6)),
    ("36", "3.6", _ms(2019, 5), _ms(2020, 6)),
    ("40", "4.0", _ms(2020, 5), _ms(2021, 6)),
    ("41", "4.1", _ms(2021, 6), _ms(2022, 6)),
    ("42", "4.2", _ms(2022, 5), _ms(2023, 6)),
    ("43", "4.3", _ms(2023, 5), _ms(2024, 6)),
    ("44", "4.4", _ms(2024, 5), END),
]
GCC = [
    (_ms(2016), "5.4.0"),
    (_ms(2018, 7), "7.3.0"),
    (_ms(2020), "7.5.0"),
    (_ms(2021, 3), "9.3.0"),
    (_ms(2022), "10.3.0"),
    (_ms(2022, 9), "12"),
    (_ms(2024, 2), "13"),
]
GCC_STARTS = [start for start, _ in GCC]
NOARCH_PY_FLOOR = [
    (_ms(2016), "2.7"),
    (_ms(2019), "3.6"),
    (_ms(2021), "3.7"),
    (_ms(2022, 6), "3.8"),
    (_ms(2024, 6), "3.9"),
]
NOARCH_PY_STARTS = [start for start, _ in NOARCH_PY_FLOOR]
COMMON_HASHES = ["h7f98852", "h166bdaf", "hd590300", "h4bc722e", "h7b6447c", "h516909a", "h14c3975"]
NOARCH_GENERIC_HASHES = ["ha770c72", "hd8ed1ab", "h8af1aa0"]
TRACK_FEATURES = ["pypy", "blas_mkl", "blas_openblas", "cuda", "debug"]
NAME_SUFFIXES = "2 3 tools utils core lite io db plus extra data api cli x ng".split()
# the specs whose shapes the corpus counts: one template per shape (see _spec)
SHAPES = ["bare", "ge", "pin", "star", "build", "exact", "range", "lt", "other"]
# mean number of depends beyond the base ones (python, libgcc-ng, r-base, ...), before thinning
EXTRA_DEPENDS = {"py": 4.7, "r": 4.7, "lib": 4.3, "nopy": 6.0, "nogeneric": 5.0}
# words of the real names that only say which CDT platform a package is for
PLATFORM_WORDS = {"cos6", "cos7", "ppc64le", "i686", "x86", "aarch64", "s390x", "amd64"}


def shared_dir() -> Path:
    """``$CONDA_EXPORTS_SHARED``, else ``shared/`` beside the checkout or beside any parent (worktrees)."""
    env = os.environ.get("CONDA_EXPORTS_SHARED")
    if env:
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "data" / "repodata").is_dir():
            return parent / "shared"
    raise FileNotFoundError("no ../shared/data/repodata beside the checkout (set CONDA_EXPORTS_SHARED)")


class Corpus(NamedTuple):
    names: list[str]  # every real package name, sorted
    tokens: list[str]  # words of those names
    r_licenses: tuple[list[tuple[str | None, str | None]], list[int]]  # (pairs, cumulative weights)
    other_licenses: tuple[list[tuple[str | None, str | None]], list[int]]
    shapes: list[int]  # cumulative weights of SHAPES
    popular: list[str]  # names most often depended on, most first


def _real_entries(shared: Path) -> Iterator[dict[str, Any]]:
    data = shared / "data"
    paths = sorted((data / "repodata").glob("*.json")) + sorted(data.glob("channel-*/*/repodata.json"))
    for path in paths:
        index = json.loads(path.read_text())
        for key in ("packages", "packages.conda"):
            yield from (entry for _, entry in sorted((index.get(key) or {}).items()))
    for path in sorted((data / "conda-meta").glob("*/*.json")):
        if path.name.endswith(".json") and path.name != "history":
            yield json.loads(path.read_text())


def _shape(spec: str) -> str:
    parts = spec.split(" ")
    if len(parts) == 1:
        return "bare"
    if len(parts) >= 3:
        return "build"
    constraint = parts[1]
    for shape, pattern in (
        ("pin", r">=[\w.]+,<[\w.]+a0"),
        ("ge", r">=[\w.]+"),
        ("star", r"[\w.]+\.?\*"),
        ("exact", r"[\w.]+"),
        ("lt", r"<[\w.]+"),
        ("range", r">=[\w.]+,<[\w.]+"),
    ):
        if re.fullmatch(pattern, constraint):
            return shape
    return "other"


def _cumulative(counter: Counter) -> tuple[list, list[int]]:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], repr(kv[0])))
    total, cumulative = 0, []
    for _, count in items:
        total += count
        cumulative.append(total)
    return [k for k, _ in items], cumulative


def load_corpus(shared: Path) -> Corpus:
    names: set[str] = set()
    r_licenses: Counter = Counter()
    other_licenses: Counter = Counter()
    shapes: Counter = Counter()
    depended: Counter = Counter()
    licensed: set[tuple[str, Any, Any]] = set()
    for entry in _real_entries(shared):
        name = entry.get("name")
        if not isinstance(name, str):
            continue
        names.add(name)
        pair = (entry.get("license"), entry.get("license_family"))
        if (name, *pair) not in licensed:  # per package, so a channel of many builds does not dominate
            licensed.add((name, *pair))
            (r_licenses if name.startswith("r-") else other_licenses)[pair] += 1
        for spec in entry.get("depends") or ():
            shapes[_shape(spec)] += 1
            depended[spec.split(" ")[0]] += 1
    if not names:
        raise FileNotFoundError(f"no repodata records under {shared / 'data'}")
    tokens = sorted(
        {
            t
            for n in names
            for t in re.split(r"[-_.]", n.removeprefix("r-"))
            if re.fullmatch(r"[a-z][a-z0-9]{2,14}", t) and t not in PLATFORM_WORDS
        }
    )
    shape_cumulative, total = [], 0
    for shape in SHAPES:
        total += shapes[shape] or 1
        shape_cumulative.append(total)
    popular = [n for n, _ in sorted(depended.items(), key=lambda kv: (-kv[1], kv[0])) if not n.startswith("__")]
    return Corpus(
        sorted(names), tokens, _cumulative(r_licenses), _cumulative(other_licenses), shape_cumulative, popular
    )


class Name(NamedTuple):
    name: str
    kind: str  # "py", "r", "lib" (linux-64), "nopy", "nogeneric" (noarch)
    entries: int  # how many to generate


def _make_names(rng: random.Random, corpus: Corpus, count: int) -> list[str]:
    """``count`` distinct realistic names: the real ones, then made from their words."""
    out: list[str] = []
    seen: set[str] = set()

    def add(name: str) -> None:
        if name not in seen and len(out) < count and re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name):
            seen.add(name)
            out.append(name)

    for name in corpus.names:
        add(name.lower())
    tokens = corpus.tokens
    while len(out) < count:
        word = rng.choice(tokens)
        roll = rng.random()
        if roll < 0.2:
            word = f"{word}-{rng.choice(tokens)}"
        elif roll < 0.4:
            word += rng.choice(NAME_SUFFIXES)
        prefix = rng.random()
        if prefix < 0.16:
            add(f"r-{word.replace('-', '')}")
        elif prefix < 0.26:
            add(f"lib{word}")
        elif prefix < 0.29:
            add(f"python-{word}")
        elif prefix < 0.31:
            add(f"py{word}")
        else:
            add(word)
    return out


def _kind(rng: random.Random, name: str, noarch: bool) -> str:
    if noarch:
        return "nogeneric" if name.startswith("r-") or rng.random() < 0.12 else "nopy"
    if name.startswith("r-"):
        return "r"
    if name.startswith("lib") or rng.random() < 0.3:
        return "lib"
    return "py"


def _counts(rng: random.Random, n_names: int, total: int) -> list[int]:
    """A long-tailed number of entries per name (a few thousand for the busiest), summing to ``total``."""
    weights = [rng.lognormvariate(0.0, 1.25) for _ in range(n_names)]
    scale = max(total - n_names, 0) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    short = total - sum(counts)
    for i in range(abs(short)):  # the remainder, spread over the names with the most
        j = i % n_names
        if short > 0:
            counts[j] += 1
        elif counts[j] > 1:
            counts[j] -= 1
    return counts


def _plan(rng: random.Random, corpus: Corpus, scale: float) -> tuple[list[Name], list[Name]]:
    linux_total = max(int(round(LINUX_RECORDS * scale)), 20)
    noarch_total = max(int(round(linux_total * NOARCH_SHARE)), 5)
    n_names = max(int(round(NAMES * scale)), 12)
    names = _make_names(rng, corpus, n_names)
    order = list(range(len(names)))
    rng.shuffle(order)
    n_noarch = max(int(len(names) * NOARCH_NAME_SHARE), 2)
    noarch_names = sorted(names[i] for i in order[:n_noarch])
    linux_names = sorted(names[i] for i in order[n_noarch:])
    linux = [Name(n, _kind(rng, n, False), c) for n, c in zip(linux_names, _counts(rng, len(linux_names), linux_total))]
    noarch = [
        Name(n, _kind(rng, n, True), c) for n, c in zip(noarch_names, _counts(rng, len(noarch_names), noarch_total))
    ]
    return linux, noarch


class _Dep(NamedTuple):
    name: str
    shape: str
    major: int
    minor: int
    patch: int
    since: float  # share of the package's versions after which it is depended on


def _pick(rng: random.Random, pool: list[str]) -> str:
    """Popular names (the front of ``pool``) far more often than the rest."""
    return pool[int(len(pool) * rng.random() ** 3)]


def _spec(dep: _Dep, step: int, rng: random.Random) -> str:
    a, b, c = dep.major, dep.minor + step // 3, dep.patch + step % 3
    shape = dep.shape
    if shape == "bare":
        return dep.name
    if shape == "ge":
        return f"{dep.name} >={a}.{b}" if c % 2 else f"{dep.name} >={a}.{b}.{c}"
    if shape == "pin":
        return (
            f"{dep.name} >={a}.{b}.{c},<{a}.{b + 1}.0a0" if a < 2 or b % 2 else f"{dep.name} >={a}.{b}.{c},<{a + 1}.0a0"
        )
    if shape == "star":
        return f"{dep.name} {a}.{b}.*"
    if shape == "build":
        return f"{dep.name} {a}.{b}.{c} h{rng.getrandbits(28):07x}_{c % 4}"
    if shape == "exact":
        return f"{dep.name} {a}.{b}.{c}"
    if shape == "range":
        return f"{dep.name} >={a}.{b},<{a + 1}"
    if shape == "lt":
        return f"{dep.name} <{a + 1}.{b}"
    return f"{dep.name} >={a}.{b},!={a}.{b}.{c + 1}" if c % 2 else f"{dep.name} {a}.{b}.*|{a + 1}.0.*"


def _versions(rng: random.Random, kind: str, n: int) -> list[str]:
    """``n`` distinct increasing versions in one of the schemes real packages use."""
    out: list[str] = []
    seen: set[str] = set()

    def add(version: str) -> None:
        if version not in seen and len(out) < n:
            seen.add(version)
            out.append(version)

    if rng.random() < 0.1:  # calendar: 2022.10.1, 2023.03.0
        year, month, patch = rng.randrange(2016, 2023), rng.randrange(1, 13), 0
        padded = rng.random() < 0.4
        while len(out) < n:
            add(f"{year}.{month:02d}.{patch}" if padded else f"{year}.{month}.{patch}")
            if rng.random() < 0.7:
                month, patch = month + 1, 0
                if month > 12:
                    year, month = year + 1, 1
            else:
                patch += 1
        return out
    major, minor, patch = rng.choice((0, 0, 0, 1, 1, 2, 3, 5)), rng.randrange(0, 20), rng.randrange(0, 4)
    underscore = kind in ("r", "nogeneric") and rng.random() < 0.5  # R's 1.2_3
    two_part = not underscore and rng.random() < 0.12  # 0.14, 1.7
    while len(out) < n:
        step = rng.random()
        if step < 0.04 and not underscore:  # a pre-release before the next minor or major
            add(f"{major}.{minor + 1}{'' if two_part else '.0'}{rng.choice(('rc1', 'rc2', 'b1', 'a0', 'a1', 'dev0'))}")
        if step < 0.65 and not two_part:
            patch += 1
        elif step < 0.95:
            minor, patch = minor + 1, 0
        else:
            major, minor, patch = major + 1, 0, 0
        if underscore:
            add(f"{major}.{minor}_{patch}")
        elif two_part:
            add(f"{major}.{minor}")
        elif step > 0.995:
            add(f"{major}.{minor}.{patch}.post1")
        elif step < 0.01:
            add(f"{major}.{minor}.{patch}.{rng.randrange(1, 9)}")
        else:
            add(f"{major}.{minor}.{patch}")
    return out


def _active(table: list[tuple[str, str, int, int]], when: int) -> list[tuple[str, str]]:
    return [(tag, ver) for tag, ver, first, last in table if first <= when <= last]


def _hex(rng: random.Random, bits: int) -> str:
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


class _Generator:
    """Generates the entries of one subdir, name by name, as (file name, JSON text) pairs."""

    def __init__(self, rng: random.Random, corpus: Corpus, subdir: str, pools: dict[str, list[str]]) -> None:
        self.rng, self.corpus, self.subdir, self.pools = rng, corpus, subdir, pools
        self.encode = json.JSONEncoder(separators=(",", ":"), sort_keys=True).encode
        self.tar: list[tuple[str, str]] = []
        self.conda: list[tuple[str, str]] = []
        self.both = 0

    def _license(self, kind: str) -> tuple[str | None, str | None]:
        pairs, cumulative = self.corpus.r_licenses if kind in ("r", "nogeneric") else self.corpus.other_licenses
        return self.rng.choices(pairs, cum_weights=cumulative)[0]

    def _deps(self, name: str, kind: str) -> list[_Dep]:
        rng = self.rng
        pool = self.pools["r" if name.startswith("r-") else "py" if kind in ("py", "nopy") else "lib"]
        n = min(int(rng.expovariate(1 / EXTRA_DEPENDS[kind])), 17)
        out, seen = [], {name}
        for _ in range(n):
            dep = _pick(rng, pool) if rng.random() < 0.85 else _pick(rng, self.pools["popular"])
            if dep in seen or dep in ("python", "python_abi", "r-base", "libgcc-ng", "libstdcxx-ng"):
                continue
            seen.add(dep)
            shape = SHAPES[bisect.bisect_left(self.corpus.shapes, rng.random() * self.corpus.shapes[-1])]
            if kind.startswith("no") and shape in ("pin", "build"):
                shape = "ge"  # noarch packages have no run-export pins
            since = 0.0 if rng.random() < 0.75 else rng.random()
            out.append(
                _Dep(
                    dep, shape, rng.choice((0, 0, 1, 1, 1, 2, 3, 4)), rng.randrange(0, 25), rng.randrange(0, 10), since
                )
            )
        return out

    def package(self, pkg: Name) -> None:
        rng, kind = self.rng, pkg.kind
        standalone = kind == "lib" and rng.random() < 0.06  # ca-certificates, tzdata, ...: no depends
        deps = [] if standalone else self._deps(pkg.name, kind)
        license_, family = self._license(kind)
        born = rng.randrange(START, END - 86_400_000 * 30)
        died = rng.randrange(born + 86_400_000 * 30, END + 1) if rng.random() < 0.8 else END
        conda_from = CONDA_ERA + rng.randrange(-120, 120) * 86_400_000
        constrains = [f"{_pick(rng, self.pools['popular'])} >={rng.randrange(1, 9)}"] if rng.random() < 0.12 else []
        if constrains and rng.random() < 0.4:
            constrains.append(f"{pkg.name}-base <0a0")
        features = rng.choice(TRACK_FEATURES) if rng.random() < 0.015 else None
        variants = rng.choice((2, 3)) if kind == "lib" and rng.random() < 0.08 else 1  # cpu/cuda, blas flavours
        numpy = kind == "py" and rng.random() < 0.3
        # builds per version (interpreters x variants x rebuilds), a little low on purpose so
        # there are more candidates than entries and the thinning below keeps the whole timeline
        per_version = {"py": 3.0, "r": 1.6, "lib": 1.1 * variants, "nopy": 1.0, "nogeneric": 1.0}[kind]
        versions = _versions(rng, kind, max(1, math.ceil(pkg.entries / per_version)))
        candidates: list[tuple[float, str, str, int, int, list[str]]] = []
        for index, version in enumerate(versions):
            when = born + (died - born) * index // len(versions)
            rebuilds = 1 + (int(rng.expovariate(1.5)) if rng.random() < 0.35 else 0)
            for number in range(rebuilds):
                stamp = when + number * rng.randrange(1, 60) * 86_400_000
                for build, base in self._builds(kind, stamp, number, variants, numpy):
                    candidates.append(
                        (index / len(versions), version, build, number, stamp, [] if standalone else base)
                    )
        if len(candidates) > pkg.entries:  # an even thinning: some versions lose a variant or a rebuild
            candidates = [candidates[i * len(candidates) // pkg.entries] for i in range(pkg.entries)]
        number = max(c[3] for c in candidates)
        while len(candidates) < pkg.entries:  # too few: more rebuilds of the last version
            number += 1
            build, base = self._builds(kind, died, number, 1, numpy)[0]
            candidates.append((1.0, versions[-1], build, number, died, [] if standalone else base))
        made = 0
        for progress, version, build, number, stamp, base in candidates:
            if made >= pkg.entries:  # entries in both formats count twice, and fill the budget sooner
                break
            both_ok = pkg.entries - made > 1
            made += self._emit(
                pkg,
                kind,
                version,
                build,
                number,
                stamp,
                conda_from,
                deps,
                progress,
                base,
                license_,
                family,
                constrains,
                features,
                both_ok,
            )

    def _builds(self, kind: str, when: int, number: int, variants: int, numpy: bool) -> list[tuple[str, list[str]]]:
        """(build string, base depends) for each variant built at ``when``."""
        rng = self.rng
        old = when < OLD_BUILD_STYLE
        gcc = GCC[max(bisect.bisect_right(GCC_STARTS, when) - 1, 0)][1]
        glibc = ["__glibc >=2.17,<3.0.a0"] if when >= GLIBC_FROM else []
        if kind == "py":
            out = []
            for tag, ver in _active(PYTHONS, when) or [PYTHONS[-1][:2]]:
                nxt = f"{ver.split('.')[0]}.{int(ver.split('.')[1]) + 1}"
                base = [f"libgcc-ng >={gcc}", f"python >={ver},<{nxt}.0a0"]
                if not old:
                    base.append(f"python_abi {ver}.* *_cp{tag}{'mu' if tag == '27' else ''}")
                if rng.random() < 0.5:
                    base.append(f"libstdcxx-ng >={gcc}")
                if numpy:
                    base.append(
                        "numpy >=1.21.6,<2.0a0"
                        if tag >= "310" or tag == "39"
                        else f"numpy >=1.{rng.randrange(11, 19)},<2.0a0"
                    )
                build = f"py{tag}_{number}" if old else f"py{tag}h{_hex(rng, 28)}_{number}"
                out.append((build, glibc + base))
            return out
        if kind == "r":
            out = []
            for tag, ver in _active(RS, when) or [RS[-1][:2]]:
                nxt = f"{ver.split('.')[0]}.{int(ver.split('.')[1]) + 1}"
                base = [f"libgcc-ng >={gcc}", f"r-base >={ver},<{nxt}.0a0"]
                build = f"r{tag}_{number}" if old else f"r{tag}h{_hex(rng, 28)}_{number}"
                out.append((build, glibc + base))
            return out
        if kind == "lib":
            base = [f"libgcc-ng >={gcc}"] + ([f"libstdcxx-ng >={gcc}"] if rng.random() < 0.5 else [])
            out = []
            for v in range(variants):
                tag = "" if v == 0 else ("cuda120", "openblas_", "mkl_")[v % 3]
                h = rng.choice(COMMON_HASHES) if rng.random() < 0.3 else f"h{_hex(rng, 28)}"
                build = (f"{tag}_{number}" if tag else f"{number}") if old else f"{tag}{h}_{number}"
                out.append((build, glibc + base))
            return out
        if kind == "nopy":
            floor = NOARCH_PY_FLOOR[max(bisect.bisect_right(NOARCH_PY_STARTS, when) - 1, 0)][1]
            h = "hd8ed1ab" if rng.random() < 0.85 else f"h{_hex(rng, 28)}"
            return [(f"py_{number}" if old else f"pyh{h[1:]}_{number}", [f"python >={floor}"])]
        tag, ver = (_active(RS, when) or [RS[-1][:2]])[-1]
        if rng.random() < 0.6:
            return [(f"r{tag}hc72bb7e_{number}", [f"r-base >={ver}"])]
        return [(f"{rng.choice(NOARCH_GENERIC_HASHES)}_{number}", [])]

    def _emit(
        self,
        pkg: Name,
        kind: str,
        version: str,
        build: str,
        build_number: int,
        stamp: int,
        conda_from: int,
        deps: list[_Dep],
        progress: float,
        base: list[str],
        license_: str | None,
        family: str | None,
        constrains: list[str],
        features: str | None,
        both_ok: bool,
    ) -> int:
        """Adds one build (two entries when it is in both formats); returns the entries added."""
        rng = self.rng
        step = int(progress * 12)
        depends = base + [_spec(d, step, rng) for d in deps if d.since <= progress]
        entry: dict[str, Any] = {
            "build": build,
            "build_number": build_number,
            "depends": sorted(depends[:20]),
            "md5": _hex(rng, 128),
            "name": pkg.name,
            "sha256": _hex(rng, 256),
            "size": min(int(rng.lognormvariate(11.3, 1.9)) + 1200, 900_000_000),
            "subdir": self.subdir,
            "version": version,
        }
        if rng.random() < 0.985:
            entry["timestamp"] = stamp + rng.randrange(0, 3_600_000)
        if license_ is not None:
            entry["license"] = license_
        if family is not None:
            entry["license_family"] = family
        if constrains:
            entry["constrains"] = constrains
        if features and build_number % 2 == 0:
            entry["track_features"] = features
        if kind == "nopy":
            entry["noarch"] = "python"
        elif kind == "nogeneric":
            entry["noarch"] = "generic"
        elif stamp < ARCH_KEYS_UNTIL:
            entry["arch"], entry["platform"] = "x86_64", "linux"
        stem = f"{pkg.name}-{version}-{build}"
        text = self.encode(entry)
        if stamp < conda_from:
            self.tar.append((stem + ".tar.bz2", text))
            return 1
        self.conda.append((stem + ".conda", text))
        if rng.random() < BOTH_FORMATS and both_ok:  # the same build also as .tar.bz2: its own size and hashes
            entry["md5"], entry["sha256"] = _hex(rng, 128), _hex(rng, 256)
            entry["size"] = entry["size"] * 5 // 4
            self.tar.append((stem + ".tar.bz2", self.encode(entry)))
            self.both += 1
            return 2
        return 1


def _removed(rng: random.Random, names: list[Name], taken: set[str], count: int) -> list[str]:
    out: set[str] = set()
    while len(out) < count:
        pkg = rng.choice(names)
        fn = f"{pkg.name}-0.{rng.randrange(100)}.{rng.randrange(100)}-h{_hex(rng, 28)}_0.tar.bz2"
        if fn not in taken:
            out.add(fn)
    return sorted(out)


def _write(path: Path, subdir: str, gen: _Generator, removed: list[str]) -> int:
    """Streams one repodata.json: sorted keys, no whitespace. Returns its size."""

    def section(items: list[tuple[str, str]]) -> Iterator[str]:
        items.sort()
        for (a, _), (b, _) in zip(items, items[1:]):
            if a == b:
                raise AssertionError(f"{subdir}: {a} generated twice")
        for start in range(0, len(items), 20_000):
            chunk = ",".join(f'"{fn}":{text}' for fn, text in items[start : start + 20_000])
            yield chunk if start == 0 else "," + chunk

    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(f'{{"info":{{"subdir":"{subdir}"}},"packages":{{')
        f.writelines(section(gen.tar))
        f.write('},"packages.conda":{')
        f.writelines(section(gen.conda))
        f.write('},"removed":' + json.dumps(removed, separators=(",", ":")) + ',"repodata_version":1}')
    return path.stat().st_size


def generate_channel(root: Path, *, scale: float = 1.0, seed: int = 0, shared: Path | None = None) -> dict[str, Any]:
    """Writes ``root/linux-64/repodata.json`` and ``root/noarch/repodata.json``; returns the totals
    (also kept in ``root/generator.json``). The same scale, seed and corpus give the same bytes."""
    started = time.perf_counter()
    corpus = load_corpus(shared or shared_dir())
    rng = random.Random(f"conda-exports-bench:{seed}")
    linux, noarch = _plan(rng, corpus, scale)
    pools: dict[str, list[str]] = {}
    by_kind: dict[str, list[str]] = {}
    for pkg in linux + noarch:
        by_kind.setdefault(pkg.kind, []).append(pkg.name)
    popular = [n for n in corpus.popular if n not in ("python", "python_abi")]
    for kind, members in sorted(by_kind.items()):
        ranked = sorted(members)
        rng.shuffle(ranked)  # popularity: the front of the pool is depended on most
        pools[kind] = ranked
    python_family = pools.get("py", []) + pools.get("nopy", [])
    pools["py"] = pools["nopy"] = python_family or popular
    pools["lib"] = pools.get("lib", []) or popular
    pools["r"] = pools.get("r", []) + pools.get("nogeneric", []) or popular
    pools["nogeneric"] = pools["r"]
    pools["popular"] = popular
    stats: dict[str, Any] = {"generator_version": GENERATOR_VERSION, "scale": scale, "seed": seed, "subdirs": {}}
    for subdir, names in (("linux-64", linux), ("noarch", noarch)):
        gen = _Generator(rng, corpus, subdir, pools)
        for pkg in names:
            gen.package(pkg)
        taken = {fn for fn, _ in gen.tar} | {fn for fn, _ in gen.conda}
        removed = _removed(rng, names, taken, int(len(taken) * REMOVED_SHARE))
        (root / subdir).mkdir(parents=True, exist_ok=True)
        size = _write(root / subdir / "repodata.json", subdir, gen, removed)
        stats["subdirs"][subdir] = {
            "names": len(names),
            "packages": len(gen.tar),
            "packages.conda": len(gen.conda),
            "in_both": gen.both,
            "records": len(gen.tar) + len(gen.conda),
            "unique_records": len(gen.tar) + len(gen.conda) - gen.both,
            "removed": len(removed),
            "bytes": size,
        }
    subdirs = stats["subdirs"].values()
    stats["records"] = sum(s["records"] for s in subdirs)
    stats["unique_records"] = sum(s["unique_records"] for s in subdirs)
    stats["bytes"] = sum(s["bytes"] for s in subdirs)
    stats["seconds"] = round(time.perf_counter() - started, 2)
    (root / STAMP).write_text(json.dumps(stats, indent=1) + "\n")
    return stats


def cache_root() -> Path:
    return Path(os.environ.get("CONDA_EXPORTS_BENCH_DATA") or DEFAULT_CACHE)


def cached_channel(scale: float = 1.0, seed: int = 0, shared: Path | None = None) -> tuple[Path, dict[str, Any]]:
    """The channel for (``scale``, ``seed``) in the cache, generated on first use; and its totals."""
    root = cache_root() / f"channel-v{GENERATOR_VERSION}-scale{float(scale)!r}-seed{seed}"
    stamp = root / STAMP
    if stamp.is_file():
        return root, json.loads(stamp.read_text())
    building = root.with_name(f"{root.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    stats = generate_channel(building, scale=scale, seed=seed, shared=shared)
    try:
        building.rename(root)
    except OSError:  # another process finished first (or a stale partial copy): use what is there
        shutil.rmtree(building, ignore_errors=True)
        if not stamp.is_file():
            raise
        return root, json.loads(stamp.read_text())
    return root, stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 600,000 linux-64 entries (default)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="channel directory (default: the benchmark cache)")
    args = parser.parse_args(argv)
    if args.out is None:
        root, stats = cached_channel(args.scale, args.seed)
    else:
        root, stats = args.out, generate_channel(args.out, scale=args.scale, seed=args.seed)
    json.dump({"channel": str(root), **stats}, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
