"""Writes tests/data/grammar/*.json: a sample of real versions and depends entries with the
answers of the reference conda 25.1 (sorted order, canonical str(), match results).

Run with the reference interpreter from outside the project tree, e.g.
    cd /tmp && HOME=/tmp/h CONDARC=/dev/null /work/ref/venv/bin/python \\
        /path/to/scripts/make_grammar_samples.py /work/shared/data/repodata /path/to/tests/data/grammar
"""

from __future__ import annotations

import functools
import json
import random
import sys
import warnings
from pathlib import Path

from conda.models.match_spec import MatchSpec
from conda.models.version import VersionOrder


def main() -> None:
    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    versions: dict[str, None] = {}
    specs: dict[str, None] = {}
    records = []
    for f in sorted(src.glob("*.json")):
        data = json.loads(f.read_text())
        for key in ("packages", "packages.conda"):
            for fn, rec in sorted(data.get(key, {}).items()):
                versions.setdefault(rec["version"], None)
                for d in rec.get("depends", []) + rec.get("constrains", []):
                    specs.setdefault(d, None)
                records.append((f.stem, fn, rec))
    rnd = random.Random(20250101)
    version_sample = rnd.sample(sorted(versions), 500)
    spec_sample = rnd.sample(sorted(specs), 700)

    def cmp(a: VersionOrder, b: VersionOrder) -> int:
        return -1 if a < b else (1 if b < a else 0)

    ordered = sorted(version_sample, key=lambda v: functools.cmp_to_key(cmp)(VersionOrder(v)))
    # equal versions keep their input order (a stable sort), so the expected order is exact
    (dst / "versions.json").write_text(
        json.dumps(
            {"source": "../shared/data/repodata/*.json", "versions": version_sample, "sorted": ordered}, indent=0
        )
    )

    warnings.simplefilter("ignore")
    names = {s.split()[0] for s in spec_sample}
    rec_sample = [r for r in records if r[2]["name"] in names]
    rec_sample = rnd.sample(rec_sample, min(150, len(rec_sample)))
    fields = ("name", "version", "build", "build_number", "subdir", "md5", "license", "track_features", "features")
    recs = [dict({k: r[k] for k in fields if k in r}, fn=fn) for _, fn, r in rec_sample]
    out = []
    for s in spec_sample:
        m = MatchSpec(s)
        hits = [i for i, r in enumerate(recs) if m.match(r)]
        out.append({"spec": s, "str": str(m), "name": m.name, "strictness": m.strictness, "matches": hits})
    (dst / "depends.json").write_text(
        json.dumps({"source": "../shared/data/repodata/*.json", "records": recs, "specs": out}, indent=0)
    )


if __name__ == "__main__":
    main()
