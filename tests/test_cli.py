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


def test_hash_bad_path_is_one_line_and_the_others_are_hashed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = ZLIB / "repodata.json"
    assert main(["hash", str(good), str(tmp_path), str(tmp_path / "missing"), str(good)]) == 1
    captured = capsys.readouterr()
    digest = hashlib.sha256(good.read_bytes()).hexdigest()
    assert captured.out.splitlines() == [f"{digest}  {good}", f"{digest}  {good}"]
    err = captured.err.splitlines()
    assert len(err) == 2 and str(tmp_path) in err[0] and "missing" in err[1]
    assert main(["hash", "--algorithm", "crc32", str(good)]) == 2  # a usage error
    assert "crc32" in capsys.readouterr().err


def _lines(files: list[Path], algorithm: str = "sha256") -> list[str]:
    return [f"{hashlib.new(algorithm, f.read_bytes()).hexdigest()}  {f}" for f in files]


def test_hash_escapes_names_as_gnu(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = [tmp_path / "back\\slash", tmp_path / "new\nline", tmp_path / "cr\rx", tmp_path / "plain"]
    for i, path in enumerate(odd):
        path.write_bytes(b"x" * i)
    assert main(["hash", *map(str, odd)]) == 0
    out = capsys.readouterr().out.splitlines()
    digests = [hashlib.sha256(b"x" * i).hexdigest() for i in range(4)]
    base = str(tmp_path)
    assert out == [
        f"\\{digests[0]}  {base}/back\\\\slash",
        f"\\{digests[1]}  {base}/new\\nline",
        f"\\{digests[2]}  {base}/cr\\rx",
        f"{digests[3]}  {base}/plain",
    ]
    sums = tmp_path / "SUMS"
    sums.write_text("\n".join(out) + "\n")
    assert main(["hash", "-c", str(sums)]) == 0  # the escaped names read back
    assert capsys.readouterr().out.split("\n")[:-1] == [
        f"{base}/back\\slash: OK",
        f"\\{base}/new\\nline: OK",
        f"{base}/cr\rx: OK",
        f"{base}/plain: OK",
    ]


def test_hash_tag_and_check_bsd_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = ZLIB / "repodata.json"
    assert main(["hash", "--tag", "-a", "md5", str(path)]) == 0
    line = capsys.readouterr().out
    assert line == f"MD5 ({path}) = {hashlib.md5(path.read_bytes()).hexdigest()}\n"
    sums = tmp_path / "SUMS"
    sums.write_text(line)
    assert main(["hash", "-c", str(sums)]) == 0  # the tag names the algorithm
    assert capsys.readouterr().out == f"{path}: OK\n"


def test_hash_check_results_and_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"a")
    b.write_bytes(b"b")
    sums = tmp_path / "SUMS"
    good = _lines([a, b])
    sums.write_text("\n".join([*good, "not a checksum line", f"{'0' * 64}  {b}", f"{'1' * 64}  {tmp_path / 'gone'}"]))
    assert main(["hash", "--check", str(sums)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"{a}: OK",
        f"{b}: OK",
        f"{b}: FAILED",
        f"{tmp_path / 'gone'}: FAILED open or read",
    ]
    assert captured.err.splitlines()[-3:] == [
        "conda-exports hash: WARNING: 1 line is improperly formatted",
        "conda-exports hash: WARNING: 1 listed file could not be read",
        "conda-exports hash: WARNING: 1 computed checksum did NOT match",
    ]
    assert main(["hash", "-c", "--status", str(sums)]) == 1
    assert capsys.readouterr() == ("", "")
    sums.write_text("\n".join([*good, "junk", f"{'1' * 64}  {tmp_path / 'gone'}"]) + "\n")
    assert main(["hash", "-c", "--quiet", "--ignore-missing", str(sums)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["hash", "-c", "--ignore-missing", "--strict", str(sums)]) == 1
    sums.write_text("junk only\n")
    assert main(["hash", "-c", str(sums)]) == 1
    assert "no properly formatted checksum lines found" in capsys.readouterr().err


def test_hash_reads_standard_input() -> None:
    for args in (["hash"], ["hash", "-"], ["hash", "-a", "blake3", "-"]):
        proc = subprocess.run(
            [sys.executable, "-m", "conda_exports", *args], input=b"abc\n", capture_output=True, check=True
        )
        digest = proc.stdout.decode().split()[0]
        if "blake3" in args:
            assert len(digest) == 64 and proc.stdout.decode().endswith("  -\n")
        else:
            assert digest == hashlib.sha256(b"abc\n").hexdigest()


def test_hash_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x")
    proc = subprocess.Popen(
        [sys.executable, "-m", "conda_exports", "hash", *[str(path)] * 20000],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141
    assert first.endswith(f"  {path}\n".encode()) and err == b""


def test_rm_keeps_going_and_reports_every_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.write_text("x")
    assert main(["rm", str(first), "", str(second), "\x00"]) == 1
    assert not first.exists() and not second.exists()
    assert len(capsys.readouterr().err.splitlines()) == 2


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


def test_long_work_shows_a_bar_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    from conda_exports import cli

    monkeypatch.setattr(cli, "_PROGRESS_AFTER", 0.05)

    def slow() -> str:
        time.sleep(0.4)
        return "done"

    assert cli._with_progress("working", slow) == "done"
    assert capsys.readouterr().err == ""  # not a terminal: no bar
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert cli._with_progress("working", slow) == "done"
    assert "working" in capsys.readouterr().err
    assert cli._with_progress("quick", lambda: 1) == 1
    assert "quick" not in capsys.readouterr().err  # over before the bar would appear

    def failing() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        cli._with_progress("failing", failing)
