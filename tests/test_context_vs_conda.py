"""The context against conda 25.1 itself: the same files and variables, the same values.

Needs an interpreter that can import conda 25.1 (``CONDA_REF_PYTHON``, or ``../ref/venv``
beside the project); skipped when there is none. Both run in fresh processes with HOME,
CONDARC and every CONDA_* variable set by the scenario alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REF_PYTHON = os.environ.get("CONDA_REF_PYTHON") or str(
    Path(__file__).resolve().parents[2] / "ref" / "venv" / "bin" / "python"
)

ATTRIBUTES = [
    "channels",
    "pkgs_dirs",
    "envs_dirs",
    "offline",
    "proxy_servers",
    "_custom_channels",
    "_custom_multichannels",
    "_default_channels",
    "_channel_alias",
    "channel_priority",
    "ssl_verify",
    "default_threads",
    "root_prefix",
    "root_writable",
    "default_prefix",
    "subdir",
    "subdirs",
    "conda_build",
    "croot",
    "bld_path",
    "anaconda_upload",
    "allowlist_channels",
    "add_anaconda_token",
    "default_python",
    "local_repodata_ttl",
    "pinned_packages",
    "repodata_fns",
    "client_ssl_cert",
    "channel_settings",
    "migrated_custom_channels",
    "_migrated_channel_aliases",
    "always_yes",
    "verbosity",
    "safety_checks",
    "fetch_threads",
    "bits",
    "arch_name",
    "platform",
    "known_subdirs",
    "use_local",
    "conda_build_local_paths",
    "local_build_root",
    "disallowed_packages",
]

# Runs in either interpreter: argv = implementation, scenarios JSON; prints one JSON line per scenario.
PROBE = r"""
import json, os, sys, warnings
impl, scenarios = sys.argv[1], json.loads(sys.argv[2])
if impl == "conda":
    from conda.base.context import context, reset_context
else:
    from conda_exports.context import context, reset_context

def plain(value):
    if isinstance(value, (frozenset, set)):
        return sorted(plain(v) for v in value)
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if hasattr(value, "items"):
        return {str(k): plain(v) for k, v in value.items()}
    if value is None or type(value) in (str, int, float, bool):
        return value
    return str(value)

base_env = dict(os.environ)
for scenario in scenarios:
    os.environ.clear()
    os.environ.update(base_env)
    os.environ.update(scenario["env"])
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reset_context(scenario["search"])
        for name in scenario["attributes"]:
            try:
                out[name] = plain(getattr(context, name))
            except Exception as exc:
                out[name] = "error: " + type(exc).__name__
    print(json.dumps(out))
"""

SCENARIOS = {
    "defaults": ({}, [], {}),
    "home-and-condarc": (
        {
            "home/.config/conda/.condarc": "channels: [xdg1]\noffline: true\nbld_path: /b1\n",
            "home/.conda/condarc": "channels: [dotconda]\nbld_path: /b2\n",
            "home/.condarc": "channels: [home]\nproxy_servers: {http: h1}\n",
            "rc/custom.yml": "channels: [condarc-env]\nproxy_servers: {https: h2}\n",
        },
        None,
        {"CONDARC": "{base}/rc/custom.yml"},
    ),
    "condarc-d-and-prefix": (
        {
            "pfx/.condarc": "channels: [pfx]\n",
            "pfx/condarc.d/b.yml": "subdir: linux-aarch64\nchannels: [b]\n",
            "pfx/condarc.d/a.yaml": "channels: [a]\n",
            "pfx/condarc.d/c.txt": "channels: [c]\n",
        },
        None,
        {"CONDA_PREFIX": "{base}/pfx"},
    ),
    "final-top-bottom": (
        {
            "a.yml": "offline: true  #!final\nchannels:\n  - a1  #!top\n  - a2\n  - a3  #!bottom\n"
            "proxy_servers:\n  http: a #!final\n  https: a\n",
            "b.yml": "offline: false\nchannels:\n  - b1\n  - b2  #!bottom\n  - b3 #!top\nproxy_servers:\n  http: b\n  https: b\n",
            "c.yml": "channels: #!final\n  - c1\n  - a2 #!top\n",
            "d.yml": "channels: [d1]\n",
        },
        ["a.yml", "b.yml", "c.yml", "d.yml"],
        {"CONDA_OFFLINE": "false", "CONDA_CHANNELS": "e1"},
    ),
    "comment-layouts": (
        {
            "a.yml": "channels:   #!final\n  # c\n  - a1\noffline: true  #!final\n# next\nssl_verify: false\n#!final\n"
            "default_threads: 3 #!final\n  # extra\nbld_path: /a  #final\ncroot: /a  # !final\n",
            "b.yml": "channels: [b]\noffline: false\nssl_verify: true\ndefault_threads: 5\nbld_path: /b\ncroot: /b\n",
        },
        ["a.yml", "b.yml"],
        {},
    ),
    "env-vars": (
        {},
        [],
        {
            "CONDA_PKGS_DIRS": "/p1, /p2,,/p1",
            "CONDA_ENVS_DIRS": "/e1:/e2",
            "CONDA_CHANNELS": "a, b ,c!important",
            "CONDA_OFFLINE": "yes",
            "CONDA_CHANNEL_ALIAS": "https://alias.example",
            "CONDA_ANACONDA_UPLOAD": "false",
            "CONDA_SUBDIR": "osx-arm64",
            "CONDA_DEFAULT_THREADS": "4",
            "CONDA_CHANNEL_PRIORITY": "true",
            "CONDA_SSL_VERIFY": "0",
            "CONDA_ALWAYS_YES": "none",
            "CONDA_ROOT_PREFIX": "/opt/rootpfx",
        },
    ),
    "bad-values": (
        {
            "a.yml": "channels: conda-forge\noffline: maybe\nproxy_servers: [a]\ndefault_threads: x\nchannel_alias: nope\n"
        },
        ["a.yml"],
        {"CONDA_ENVS_PATH": "/e1", "CONDA_ENVS_DIRS": "/e2"},
    ),
    "expansion-and-types": (
        {
            "a.yml": "pkgs_dirs: [$MYVAR/pkgs, '${MYVAR}/p2', ~/p3]\nchannels: [$MYVAR/ch, yes, 0o17, 1_000]\n"
            "croot: ~/croot\nchannel_alias: https://$MYHOST\nbld_path: 5\ndefault_python: 3.10\n"
            "conda-build:\n  root-dir: /cb\n"
        },
        ["a.yml"],
        {"MYVAR": "/myvar", "MYHOST": "host.example"},
    ),
    "writable-root": (
        {"a.yml": "root_prefix: {base}/root\nenvs_dirs: [/x/envs]\n", "root/conda-meta/history": ""},
        ["a.yml"],
        {},
    ),
    "multichannels-and-nulls": (
        {
            "a.yml": "custom_multichannels:\n  mine: [https://x/a, https://x/b]\ndefault_channels: [https://d/main]\n"
            "channels: [a]\n",
            "b.yml": "custom_multichannels:\n  mine: [https://x/c]\n  other: [q]\nchannels:\nproxy_servers: ~\n",
        },
        ["a.yml", "b.yml"],
        {},
    ),
}


def _materialise(base: Path) -> list[dict]:
    scenarios = []
    for name, (files, search, env) in SCENARIOS.items():
        root = base / name
        home = root / "home"
        home.mkdir(parents=True)
        for relative, text in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).replace("{base}", str(root)))
        scenarios.append(
            {
                "search": None if search is None else [str(root / s) for s in search],
                "env": {"HOME": str(home), **{k: v.replace("{base}", str(root)) for k, v in env.items()}},
                "attributes": ATTRIBUTES,
            }
        )
    return scenarios


def _run(python: str, impl: str, scenarios: list[dict], cwd: Path, backend: str) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONDA") and k not in ("XDG_CONFIG_HOME",)}
    env["CONDA_EXPORTS_BACKEND"] = backend
    result = subprocess.run(
        [python, "-c", PROBE, impl, json.dumps(scenarios)], env=env, cwd=cwd, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def reference_python() -> str:
    if not os.path.exists(REF_PYTHON):
        pytest.skip("no reference conda interpreter (set CONDA_REF_PYTHON)")
    check = subprocess.run([REF_PYTHON, "-c", "import conda; print(conda.__version__)"], capture_output=True, text=True)
    if check.returncode != 0 or not check.stdout.startswith("25.1"):
        pytest.skip("the reference interpreter does not have conda 25.1")
    return REF_PYTHON


def _normalise(value: object, prefixes: tuple[str, ...]) -> object:
    text = json.dumps(value)
    for prefix in prefixes:
        text = text.replace(json.dumps(prefix)[1:-1], "<sys.prefix>")
    return json.loads(text)


def test_same_values_as_conda(reference_python: str, tmp_path: Path, backend: str) -> None:
    scenarios = _materialise(tmp_path)
    conda = _run(reference_python, "conda", scenarios, tmp_path, backend)
    ours = _run(sys.executable, "ours", scenarios, tmp_path, backend)
    ref_prefix = subprocess.run(
        [reference_python, "-c", "import sys; print(sys.prefix)"], capture_output=True, text=True
    )
    prefixes = (ref_prefix.stdout.strip(), sys.prefix)
    mismatches = []
    for name, theirs, mine in zip(SCENARIOS, conda, ours):
        for attribute in ATTRIBUTES:
            expected = _normalise(theirs[attribute], prefixes)
            got = _normalise(mine[attribute], prefixes)
            if expected != got:
                mismatches.append(f"{name}.{attribute}: conda {expected!r}, ours {got!r}")
    assert not mismatches, "\n".join(mismatches)
