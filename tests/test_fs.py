"""The filesystem helpers of conda.exports; expected values are what conda 25.1.1 returns."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import warnings
from pathlib import Path

import conda_exports
import pytest
from conda_exports import TemporaryDirectory, _symlink_conda_hlp, lchmod, symlink_conda, untracked, walk_prefix
from conda_exports.exceptions import CorruptedEnvironmentError
from conda_exports.fs import win_conda_bat_redirect

DATA = Path(__file__).parent / "data"


def make_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "bin").mkdir(parents=True)
    for name in ("conda", "activate", "deactivate"):
        (root / "bin" / name).write_text(f"#!/bin/sh\necho {name}\n")
    return root


def test_symlink_conda_links_the_scripts(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    prefix = tmp_path / "envs" / "env"
    with pytest.warns(
        PendingDeprecationWarning, match=r"^conda\.exports\.symlink_conda is pending deprecation.*conda.activate"
    ):
        symlink_conda(str(prefix), str(root))
    for name in ("conda", "activate", "deactivate"):
        link = prefix / "bin" / name
        assert link.is_symlink()
        assert os.readlink(link) == str(root / "bin" / name)


def test_symlink_conda_replaces_stale_entries(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    prefix = tmp_path / "env"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "bin" / "conda").write_text("stale copy")
    (prefix / "bin" / "activate").symlink_to(tmp_path / "gone")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        symlink_conda(str(prefix), str(root))
    assert os.readlink(prefix / "bin" / "conda") == str(root / "bin" / "conda")
    assert os.readlink(prefix / "bin" / "activate") == str(root / "bin" / "activate")


def test_symlink_conda_skips_the_root_and_its_substrings(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        symlink_conda(str(root), str(root))
        # conda's test is a substring test: "<tmp>/roo" is inside "<tmp>/root"
        symlink_conda(str(tmp_path / "roo"), str(root))
    assert not (tmp_path / "roo").exists()
    assert not (root / "bin" / "conda").is_symlink()


def test_symlink_conda_hlp_tolerates_existing_links(tmp_path: Path) -> None:
    prefix = tmp_path / "env"
    calls = []

    def already_there(src: str, dst: str) -> None:
        calls.append((src, dst))
        Path(dst).write_text("made by someone else")
        raise FileExistsError(errno.EEXIST, "exists", dst)

    with pytest.warns(PendingDeprecationWarning, match="_symlink_conda_hlp"):
        _symlink_conda_hlp(str(prefix), "/opt/root", "bin", already_there)
    assert [Path(d).name for _, d in calls] == ["conda", "activate", "deactivate"]
    assert calls[0][0] == os.path.join("/opt/root", "bin", "conda")

    def no_space(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "no space", dst)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        with pytest.raises(OSError) as info:
            _symlink_conda_hlp(str(tmp_path / "other"), "/opt/root", "bin", no_space)
    assert info.value.errno == errno.ENOSPC


def test_win_conda_bat_redirect_writes_both_files(tmp_path: Path) -> None:
    dst = tmp_path / "condabin" / "activate"
    with pytest.warns(PendingDeprecationWarning):
        win_conda_bat_redirect("/opt/root/condabin/activate", str(dst), "bash")
    assert (tmp_path / "condabin" / "activate.bat").read_text() == '@echo off\ncall "/opt/root/condabin/activate" %*\n'
    assert dst.read_text() == '#!/usr/bin/env bash \nsource /opt/root/condabin/activate "$@"'
    mode = os.stat(dst).st_mode
    assert mode & 0o444 and (mode & 0o111) == (mode & 0o444) >> 2
    conda = tmp_path / "condabin" / "conda"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        win_conda_bat_redirect("/opt/root/condabin/conda", str(conda), None)
        dst.write_text("kept")
        win_conda_bat_redirect("/elsewhere/activate", str(dst), "bash")
    assert conda.read_text() == '#!/usr/bin/env bash \n/opt/root/condabin/conda.exe "$@"'
    assert dst.read_text() == "kept"  # existing files are left alone


@pytest.mark.skipif(sys.platform == "win32" or hasattr(os, "lchmod"), reason="Linux-style lchmod")
def test_lchmod_leaves_symlinks_alone(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_text("x")
    os.chmod(target, 0o644)
    link = tmp_path / "link"
    link.symlink_to(target)
    lchmod(str(link), 0o600)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    lchmod(str(target), 0o600)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    with pytest.raises(FileNotFoundError):
        lchmod(str(tmp_path / "missing"), 0o600)


def test_temporary_directory(tmp_path: Path) -> None:
    tmp = TemporaryDirectory(suffix="-s", prefix="p-", dir=str(tmp_path))
    assert repr(tmp) == f"<TemporaryDirectory {tmp.name!r}>"
    with tmp as name:
        assert name == tmp.name and os.path.basename(name).startswith("p-") and name.endswith("-s")
        (Path(name) / "sub").mkdir()
        (Path(name) / "sub" / "ro.txt").write_text("x")
        os.chmod(Path(name) / "sub", 0o500)
    assert not os.path.exists(name)
    tmp.cleanup()  # idempotent


def test_temporary_directory_never_raises_on_cleanup(tmp_path: Path) -> None:
    if os.geteuid() != 0 or not shutil.which("chattr"):
        pytest.skip("needs root and chattr")
    with TemporaryDirectory(dir=str(tmp_path)) as name:
        stuck = Path(name) / "stuck"
        stuck.write_text("x")
        if subprocess.run(["chattr", "+i", str(stuck)], capture_output=True).returncode:
            pytest.skip("chattr +i unsupported here")
    try:
        assert stuck.exists()  # left behind, silently, as conda does
    finally:
        subprocess.run(["chattr", "-i", str(stuck)], capture_output=True)


def make_prefix(tmp_path: Path) -> Path:
    prefix = tmp_path / "prefix"
    for rel in [
        "bin/python3",
        "bin/conda",
        "bin/activate",
        "lib/python3.11/site-packages/demo.py",
        "lib/python3.11/site-packages/demo.pyc",
        "lib/python3.11/site-packages/stray.pyc",
        "lib/libz.so.1",
        "notes.txt~",
        "LICENSE.txt",
        "README",
        "conda-meta/history",
        "pkgs/cache.tar.bz2",
        "envs/other/bin/x",
        "info/index.json",
    ]:
        (prefix / rel).parent.mkdir(parents=True, exist_ok=True)
        (prefix / rel).write_text(rel)
    (prefix / "lib" / "libz.so").symlink_to("libz.so.1")
    (prefix / "lib" / "pkgconfig-link").symlink_to(prefix / "bin", target_is_directory=True)
    (prefix / "share").mkdir()
    return prefix


def test_walk_prefix(tmp_path: Path) -> None:
    prefix = make_prefix(tmp_path)
    assert walk_prefix(str(prefix)) == {
        "bin/python3",
        "lib/python3.11/site-packages/demo.py",
        "lib/python3.11/site-packages/demo.pyc",
        "lib/python3.11/site-packages/stray.pyc",
        "lib/libz.so.1",
        "lib/libz.so",
        "lib/pkgconfig-link",
        "notes.txt~",
        "README",
    }
    everything = walk_prefix(prefix, ignore_predefined_files=False)
    assert {"LICENSE.txt", "bin/conda", "bin/activate", "conda-meta/history", "pkgs/cache.tar.bz2"} <= everything
    assert "envs/other/bin/x" in everything and "info/index.json" in everything


def test_untracked_uses_the_conda_meta_records(tmp_path: Path) -> None:
    prefix = make_prefix(tmp_path)
    meta = prefix / "conda-meta"
    for record in (DATA / "conda-meta").glob("*.json"):
        shutil.copy(record, meta / record.name)
    bzip2 = json.loads((meta / "bzip2-1.0.8-h93a5062_5.json").read_text())
    for rel in bzip2["files"]:
        (prefix / rel).parent.mkdir(parents=True, exist_ok=True)
        (prefix / rel).write_text(rel)
    demo = {
        "name": "demo",
        "version": "1.0",
        "build": "py_0",
        "build_number": 0,
        "channel": "https://conda.anaconda.org/conda-forge/noarch",
        "subdir": "noarch",
        "fn": "demo-1.0-py_0.conda",
        "files": ["lib/python3.11/site-packages/demo.py"],
    }
    (meta / "demo-1.0-py_0.json").write_text(json.dumps(demo))
    assert untracked(str(prefix)) == {
        "bin/python3",
        "lib/python3.11/site-packages/stray.pyc",
        "lib/libz.so.1",
        "lib/libz.so",
        "lib/pkgconfig-link",
        "README",
    }
    # exclude_self_build ignores records carrying a file_hash
    (meta / "demo-1.0-py_0.json").write_text(json.dumps(dict(demo, file_hash="abc")))
    assert "lib/python3.11/site-packages/demo.py" in untracked(prefix, exclude_self_build=True)
    assert "lib/python3.11/site-packages/demo.py" not in untracked(prefix)


def test_untracked_ignores_misnamed_and_rejects_corrupt_records(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    prefix = make_prefix(tmp_path)
    meta = prefix / "conda-meta"
    (meta / "wrongname-1-0.json").write_text(
        json.dumps({"name": "demo", "version": "1.0", "build": "0", "files": ["README"]})
    )
    assert "README" in untracked(prefix)
    assert "Ignoring malformed prefix record" in caplog.text
    (meta / "broken-1-0.json").write_text("{not json")
    with pytest.raises(CorruptedEnvironmentError) as info:
        untracked(prefix)
    assert "broken-1-0.json" in str(info.value)


def test_untracked_without_conda_meta(tmp_path: Path) -> None:
    prefix = tmp_path / "bare"
    (prefix / "x").mkdir(parents=True)
    (prefix / "x" / "f").write_text("f")
    assert untracked(prefix) == {"x/f"}
    with pytest.raises(FileNotFoundError):
        untracked(tmp_path / "missing")


@pytest.mark.parametrize(
    ("path", "expected", "with_cygdrive"),
    [
        ("/c/foo/bar", "c:\\foo\\bar", "/c/foo/bar"),
        ("/c/foo:/d/x y", "c:\\foo;d:\\x y", "/c/foo:/d/x y"),
        ("C:\\a/b", "C:\\a\\b", "C:\\a\\b"),
        ("/usr/bin", "/usr/bin", "/usr/bin"),
        ("a;b", "a;b", "a;b"),
        ("", "", ""),
        ("/cygdrive/c/x", "/cygdrivec:\\x", "c:\\x"),
    ],
)
def test_unix_path_to_win(path: str, expected: str, with_cygdrive: str) -> None:
    with pytest.warns(PendingDeprecationWarning, match=r"^conda\.exports\.unix_path_to_win is pending"):
        convert = conda_exports.unix_path_to_win
    with pytest.warns(PendingDeprecationWarning):
        assert convert(path) == expected
    with pytest.warns(PendingDeprecationWarning):
        assert convert(path, "/cygdrive") == with_cygdrive


@pytest.mark.skipif(shutil.which("cygpath") is not None, reason="cygpath installed: conda defers to it")
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("C:\\foo\\bar", "/c/foo/bar"),
        ("c:/x;d:\\y", "/c/x:/d/y"),
        ("\\\\server\\share", "//server/share"),
        ("rel\\path", "rel/path"),
        ("", "."),
        ("/already/unix", "/already/unix"),
        (["C:\\a", "D:\\b"], ("/c/a", "/d/b")),
        ([], ()),
        (None, None),
    ],
)
def test_win_path_to_unix(path: object, expected: object) -> None:
    with pytest.warns(PendingDeprecationWarning, match="win_path_to_unix"):
        convert = conda_exports.win_path_to_unix
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert convert(path) == expected  # calling it does not warn again


def test_win_path_to_unix_prefix_root_form() -> None:
    from conda_exports.fs import win_path_to_unix

    if shutil.which("cygpath"):
        pytest.skip("cygpath installed")
    assert win_path_to_unix("C:\\env\\Library\\bin", "C:\\env") == "/bin"
    assert win_path_to_unix("C:\\env\\Library", "C:\\env") == "/"
    assert win_path_to_unix("C:\\x", "C:\\env", cygdrive=True) == "/cygdrive/c/x"


def test_every_access_warns() -> None:
    with pytest.warns(PendingDeprecationWarning) as record:
        first = conda_exports.win_path_to_unix
        second = conda_exports.win_path_to_unix
    assert first is second
    assert len(record) == 2


# conda's patterns for the drive and UNC forms, as written before: the reference for fs's
_CONDA_WIN_DRIVE = r"^(?P<drive>[A-Za-z]):(?P<path>[/\\]+.*)?$"
_CONDA_WIN_MOUNT = r"^[/\\]{2}((?P<mount>[^/\\]+)(?P<path>.*)?)?$"


@pytest.mark.one_backend
def test_drive_and_mount_patterns_match_as_condas() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    import re

    from conda_exports.fs import _WIN_DRIVE, _WIN_MOUNT
    from hypothesis import strategies as st

    def facts(match: re.Match[str] | None) -> object:
        return None if match is None else (match.span(), match.groups(), match.groupdict())

    @hypothesis.settings(max_examples=2000, deadline=None)
    @hypothesis.given(st.text(alphabet="/\\a:\nC", max_size=12))
    def check(text: str) -> None:
        assert facts(_WIN_DRIVE.match(text)) == facts(re.match(_CONDA_WIN_DRIVE, text))
        assert facts(_WIN_MOUNT.match(text)) == facts(re.match(_CONDA_WIN_MOUNT, text))

    check()


@pytest.mark.one_backend
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("C:" + "/" * 1_000_000 + "\nb", "C:/\nb"),
        ("\\\\" + "a" * 1_000_000 + "/\n/", "//" + "a" * 1_000_000 + "/\n/"),
        ("C:" + "\\" * 1_000_000 + "x\n", "/c/x\n"),
    ],
)
def test_win_path_to_unix_takes_linear_time(monkeypatch: pytest.MonkeyPatch, path: str, expected: str) -> None:
    """~1 MB of slashes or of a server name with a newline after it: conda's patterns backtrack
    over every split of the run (hours here); if this test hangs, they have become quadratic again."""
    import conda_exports.fs as fs

    monkeypatch.setattr(fs, "_cygpath", lambda: None)
    assert fs.win_path_to_unix(path) == expected
