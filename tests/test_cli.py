"""The conda-exports command line."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import conda_exports
import pytest
from conda_exports.cli import main

ZLIB = Path(__file__).parent / "data" / "channel-zlib" / "linux-64"


def _record(filename: str) -> dict:
    repodata = json.loads((ZLIB / "repodata.json").read_text())
    return {**repodata["packages"], **repodata["packages.conda"]}[filename]


def test_hash_prints_sha256sum_lines(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in ZLIB.glob("zlib-*"))
    assert main(["hash", *files]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{_record(Path(f).name)['sha256']}  {f}" for f in files]


def test_hash_with_another_algorithm(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ZLIB / "zlib-1.2.11-h7b6447c_3.tar.bz2")
    assert main(["hash", "--algorithm", "MD5", path]) == 0
    assert capsys.readouterr().out == f"{_record(Path(path).name)['md5']}  {path}\n"


def test_verify_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = ZLIB / "zlib-1.2.11-h7b6447c_3.conda"
    record = _record(path.name)
    assert main(["verify", str(path), "--sha256", record["sha256"], "--size", str(record["size"])]) == 0
    assert main(["verify", str(path), "--md5", "0" * 32]) == 1
    assert "MISMATCH" in capsys.readouterr().out
    assert main(["verify", str(tmp_path / "missing"), "--md5", "0" * 32]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing" in err
    assert main(["verify", str(path), "--sha256", "nothex"]) == 2
    assert main(["verify", str(path)]) == 2  # nothing to check against: not in a package cache


def test_hash_error_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hash", str(tmp_path)]) == 2
    assert main(["hash", "--algorithm", "crc32", str(ZLIB / "repodata.json")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "crc32" in err[1]


def test_module_entry_point_and_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "conda_exports", "--version"], check=True, capture_output=True, text=True
    ).stdout
    assert conda_exports.__version__ in out
    assert "backend" in out


def test_console_script_hashes_bundled_data() -> None:
    path = ZLIB / "zlib-1.2.11-h7b6447c_3.conda"
    out = subprocess.run(
        [sys.executable, "-m", "conda_exports", "hash", "-a", "sha256", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert out.split()[0] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_index_prints_records_per_subdir_and_the_total(capsys: pytest.CaptureFixture[str]) -> None:
    channel = Path(__file__).parent / "data" / "channels" / "main"
    assert main(["index", str(channel), "--platform", "linux-64"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[-3:] == ["0", "records", "missing"] and lines[0].split()[0].endswith("/main/linux-64")
    assert lines[1].split()[-3:] == ["322", "records", "local"] and lines[1].split()[0].endswith("/main/noarch")
    assert lines[2].startswith("322 records in ") and lines[2].endswith(f"({conda_exports.BACKEND} backend)")


def test_index_of_a_bad_channel_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "noarch").mkdir()
    (tmp_path / "noarch" / "repodata.json").write_text("{not json")
    assert main(["index", str(tmp_path)]) == 2
    assert "repodata" in capsys.readouterr().err
