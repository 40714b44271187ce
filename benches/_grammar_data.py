"""Deterministic benchmark inputs shaped like real conda data, from ../shared/data/repodata.

Real version strings and depends entries are taken as templates; their digit runs are
redrawn at random so the inputs have the real shapes (epochs, letters, local parts, and/or
specs) but are mostly distinct strings, as in a large index, and no per-string cache can
hide the parsing cost.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

_DIGITS = re.compile(r"\d+")


def _templates(repodata: Path) -> tuple[list[str], list[str]]:
    versions: dict[str, None] = {}
    depends: dict[str, None] = {}
    for f in sorted(repodata.glob("*.json")):
        data = json.loads(f.read_text())
        for key in ("packages", "packages.conda"):
            for rec in data.get(key, {}).values():
                versions.setdefault(rec["version"], None)
                for d in rec.get("depends", []):
                    depends.setdefault(d, None)
    return list(versions), list(depends)


def _redraw(text: str, rng: random.Random) -> str:
    def one(m: re.Match) -> str:
        if rng.random() < 0.5:
            return m.group(0)
        return str(rng.randint(0, 10 ** min(len(m.group(0)), 4)))

    return _DIGITS.sub(one, text)


def versions(repodata: Path, count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    templates, _ = _templates(repodata)
    return [_redraw(rng.choice(templates), rng) for _ in range(count)]


def specs(repodata: Path, count: int, seed: int = 2) -> list[str]:
    rng = random.Random(seed)
    _, templates = _templates(repodata)
    out = []
    for _ in range(count):
        name, sep, rest = rng.choice(templates).partition(" ")
        out.append(name + sep + _redraw(rest, rng))
    return out
