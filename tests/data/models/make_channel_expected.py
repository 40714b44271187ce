"""What conda 25.1 makes of channel values under a few condarcs -> channel_expected.json.

HOME=$(mktemp -d) PYTHONHASHSEED=0 /work/ref/venv/bin/python tests/data/models/make_channel_expected.py
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent

CONDARCS = {
    "empty": "",
    "custom": (
        "channel_alias: https://my.alias.example/conda\n"
        "custom_channels:\n"
        "  mychan: https://host.example:8443/path\n"
        "  internal: https://user:secret@private.example/t/tk-123/repo\n"
        "custom_multichannels:\n"
        "  team: [conda-forge, https://x.example/y]\n"
        "migrated_channel_aliases: [https://old.alias.example]\n"
        "migrated_custom_channels:\n"
        "  legacy: https://legacy.example/old\n"
        "default_channels: [https://mirror.example/pkgs/main, https://mirror.example/pkgs/r]\n"
        "subdirs: [linux-64, noarch]\n"
    ),
    "moved": (
        "channel_alias: ftp://me:pw@mirror.example:2121/t/tok-9/\n"
        "migrated_channel_aliases: [https://conda.anaconda.org]\n"
        "custom_channels:\n"
        "  team: http://u1:p1@repo.example:8080/t/tk-77/base/path\n"
        "  team/sub: http://u2:p2@repo.example:8080/other\n"
        "  lab: https://lab.example\n"
        "migrated_custom_channels:\n"
        "  lab: s3://old-bucket/conda\n"
        "  team: file:///srv/old-repo/\n"
        "default_channels:\n"
        "  - http://10.0.0.5:8080/pkgs/main\n"
        "  - extra/label/main\n"
        "  - http://us:pw@10.0.0.5:8080/t/tkn-5/pkgs/r\n"
    ),
}

VALUES = [
    "conda-forge", "defaults", "pkgs/main", "pkgs/r/linux-64", "local", "<unknown>", None, "team", "team/osx-64",
    "mychan", "mychan/sub/label", "internal", "legacy", "https://legacy.example/old/legacy/sub",
    "https://conda.anaconda.org/conda-forge", "https://conda.anaconda.org/conda-forge/linux-64",
    "https://conda.anaconda.org/t/tk-123-456/conda-forge/noarch", "https://u:p@conda.anaconda.org/conda-forge",
    "https://repo.anaconda.com/pkgs/main", "https://repo.anaconda.com/pkgs/main/osx-64/zlib-1.2.11-0.tar.bz2",
    "https://mirror.example/pkgs/main/linux-64", "https://my.alias.example/conda/bioconda", "https://old.alias.example/bioconda/linux-64",
    "https://host.example:8443/path/mychan/sub", "file:///tmp/chan", "/tmp/chan", "/tmp/chan/linux-64", "file:///tmp/chan/linux-64",
    "http://localhost:8000/conda/mychan/linux-64", "https://example.com/a/b/c", "https://example.com",
    "conda-forge/label/dev", "conda-forge/osx-arm64", "https://conda.anaconda.org/bioconda/t/abc/linux-64",
    "s3://bucket/path/chan", "https://example.com:8443/chan%20x/noarch", "zlib-1.2.11-0.tar.bz2",
    "https://repo.anaconda.com/pkgs/r/win-64", "defaults/linux-64", "HTTPS://Example.COM/Chan",
    "team/sub", "team/sub/deeper", "lab/x", "s3://old-bucket/conda/lab/x/noarch", "file:///srv/old-repo/team/linux-64",
    "https://conda.anaconda.org/someone/label/dev", "http://10.0.0.5:8080/pkgs/main/noarch", "extra/label/main",
    "ftp://mirror.example:2121/t/tok-9/thing", "http://repo.example:8080/base/path/team",
]  # fmt: skip

PROBE = r"""
import json, sys
from conda.base.context import reset_context
reset_context()
from conda.models.channel import Channel, prioritize_channels, all_channel_urls
values = json.loads(sys.argv[1])
out = {}
def facts(ch):
    return [str(ch), repr(ch), ch.canonical_name, ch.base_url, ch.urls(), ch.urls(True, ["linux-64"]), ch.url(), ch.url(True),
            ch.name, ch.location, ch.scheme, ch.auth, ch.token, ch.platform, ch.package_filename, bool(ch), list(ch.base_urls)]
for v in values:
    try:
        out[json.dumps(v)] = facts(Channel(v))
    except Exception as e:
        out[json.dumps(v)] = ["EXC", type(e).__name__]
out["prioritize"] = {k: list(v) for k, v in prioritize_channels(["conda-forge", "defaults", "team"]).items()}
out["all_channel_urls"] = list(all_channel_urls(["conda-forge", "defaults", "conda-forge"], subdirs=["linux-64", "noarch"]))
print(json.dumps(out))
"""


def main() -> None:
    result = {"values": VALUES, "condarcs": CONDARCS, "expected": {}}
    for name, text in CONDARCS.items():
        with tempfile.TemporaryDirectory() as home:
            rc = Path(home) / ".condarc"
            rc.write_text(text)
            env = {k: v for k, v in os.environ.items() if not k.startswith("CONDA")}
            env.update(HOME=home, CONDARC=str(rc), CONDA_SUBDIR="linux-64", PYTHONHASHSEED="0")
            proc = subprocess.run(
                [sys.executable, "-c", PROBE, json.dumps(VALUES)],
                env=env,
                cwd=home,
                capture_output=True,
                text=True,
                check=True,
            )
            result["expected"][name] = json.loads(proc.stdout)
    (HERE / "channel_expected.json").write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
