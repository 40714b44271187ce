"""Deterministic conda-forge-shaped repodata entries for the model benchmarks (stdlib only).

The real records in ``../shared/data/repodata`` (~6.7k, several channels) are replicated
with new names, versions and build numbers until ``count`` entries exist, so the keys,
value shapes and depends lists are real while the index has conda-forge's size. Also
imported by the conda worker process, so it must not import anything but the stdlib.
"""

from __future__ import annotations

import json
from pathlib import Path

CHANNEL = "https://conda.anaconda.org/conda-forge/linux-64"


def real_entries(shared: Path) -> list[tuple[str, dict]]:
    entries = []
    for path in sorted((shared / "data" / "repodata").glob("*.json")):
        data = json.loads(path.read_text())
        for key in ("packages", "packages.conda"):
            entries.extend(sorted((data.get(key) or {}).items()))
    return entries


def index(shared: Path, count: int) -> list[tuple[str, dict]]:
    """``count`` (file name, repodata entry) pairs, the real ones first, then variations."""
    base = real_entries(shared)
    out = []
    for i in range(count):
        fn, entry = base[i % len(base)]
        generation = i // len(base)
        if generation:
            entry = dict(entry)
            entry["name"] = f"{entry['name']}-g{generation}"
            entry["version"] = f"{entry['version']}.{generation}"
            entry["build_number"] = entry.get("build_number", 0) + generation
            ext = ".conda" if fn.endswith(".conda") else ".tar.bz2"
            fn = f"{entry['name']}-{entry['version']}-{entry['build']}{ext}"
        out.append((fn, entry))
    return out
