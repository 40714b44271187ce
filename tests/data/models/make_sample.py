"""Builds the model test data from ../shared/data: a sample of real repodata records and
conda-meta records, plus what conda 25.1 makes of them (run with the reference conda).

    python tests/data/models/make_sample.py /work/shared/data          # sample (any python)
    HOME=$(mktemp -d) CONDARC=/dev/null PYTHONHASHSEED=0 \\
      /work/ref/venv/bin/python tests/data/models/make_sample.py --expected   # conda's answers
"""

import json
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).parent
KEYS_OF_INTEREST = (
    "noarch",
    "features",
    "track_features",
    "constrains",
    "timestamp",
    "preferred_env",
    "arch",
    "namespace",
)


def sample(shared: Path) -> None:
    records = []
    for path in sorted((shared / "repodata").glob("*.json")):
        data = json.loads(path.read_text())
        subdir = (data.get("info") or {}).get("subdir") or "noarch"
        channel = "https://conda.anaconda.org/" + path.stem.split("_")[0] + "/" + subdir
        for key in ("packages", "packages.conda"):
            entries = sorted((data.get(key) or {}).items())
            chosen = entries[:5]
            for wanted in KEYS_OF_INTEREST:
                chosen += [e for e in entries if wanted in e[1]][:3]
            seen = set()
            for fn, rec in chosen:
                if fn in seen:
                    continue
                seen.add(fn)
                records.append({"source": path.name, "fn": fn, "channel": channel, "record": rec})
    (HERE / "repodata_sample.json").write_text(json.dumps(records, indent=1, sort_keys=True) + "\n")
    meta = HERE / "conda-meta"
    meta.mkdir(exist_ok=True)
    small = sorted((shared / "conda-meta" / "mixed-records").glob("*.json"), key=lambda p: p.stat().st_size)[:6]
    small += sorted((shared / "conda-meta" / "osx-py27").glob("*.json"), key=lambda p: p.stat().st_size)[:3]
    for path in small:
        shutil.copy(path, meta / path.name)


def expected() -> None:
    from conda.auxlib.entity import EntityEncoder
    from conda.models.dist import Dist
    from conda.models.records import PackageRecord, PrefixRecord

    def facts(rec):
        dist = Dist(rec)
        return {
            "dump": json.loads(json.dumps(rec.dump(), cls=EntityEncoder)),
            "str": str(rec),
            "dist_str": rec.dist_str(),
            "pkey": list(rec._pkey),
            "fn": rec.fn,
            "subdir": rec.subdir,
            "timestamp": rec.timestamp,
            "channel": str(rec.channel),
            "canonical_name": rec.channel.canonical_name,
            "dist": json.loads(json.dumps(dist.dump())),
            "dist_str_of_dist": str(dist),
            "to_matchspec": dist.to_matchspec(),
        }

    out = {"repodata": [], "prefix": {}}
    for item in json.loads((HERE / "repodata_sample.json").read_text()):
        rec = PackageRecord(**item["record"], fn=item["fn"], channel=item["channel"])
        out["repodata"].append(facts(rec))
    for path in sorted((HERE / "conda-meta").glob("*.json")):
        rec = PrefixRecord(**json.loads(path.read_text()))
        out["prefix"][path.name] = facts(rec)
    (HERE / "conda_expected.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    if sys.argv[1:] == ["--expected"]:
        expected()
    else:
        sample(Path(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../../../shared/data")))
