"""rm_rf and delete_trash, on both backends (the autouse ``backend`` fixture)."""

from __future__ import annotations

import errno
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conda_exports import (
    CondaError,
    CondaOSError,
    delete_trash,
    rm_rf,
)
from conda_exports.exceptions import InvalidRemovePathError, PathsRemainError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent


def make_tree(root: Path, width: int = 4, depth: int = 3, files: int = 5) -> int:
    """A nested tree of small files; returns how many files it holds."""
    count = 0
    level = [root]
    root.mkdir(parents=True)
    for d in range(depth):
        nxt = []
        for parent in level:
            for f in range(files):
                (parent / f"file{f}.txt").write_text(f"{parent.name}/{f}")
                count += 1
            if d < depth - 1:
                for w in range(width):
                    child = parent / f"dir{w}"
                    child.mkdir()
                    nxt.append(child)
        level = nxt
    return count


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory next to the tree that rm_rf must never touch."""
    out = tmp_path / "outside"
    (out / "nested").mkdir(parents=True)
    (out / "keep.txt").write_text("keep")
    (out / "nested" / "keep2.txt").write_text("keep2")
    os.chmod(out / "nested", 0o555)
    yield out
    os.chmod(out / "nested", 0o755)


def assert_outside_intact(out: Path) -> None:
    assert (out / "keep.txt").read_text() == "keep"
    assert (out / "nested" / "keep2.txt").read_text() == "keep2"
    assert stat.S_IMODE(os.stat(out / "nested").st_mode) == 0o555


def test_removes_a_tree_and_returns_none(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    assert make_tree(tree) > 50
    assert rm_rf(tree) is None
    assert not os.path.lexists(tree)
    assert tmp_path.is_dir()


def test_str_relative_and_pathlike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_tree(tmp_path / "a", width=2, depth=2)
    make_tree(tmp_path / "b", width=2, depth=2)
    monkeypatch.chdir(tmp_path)
    rm_rf("a")
    rm_rf(tmp_path / "b")
    assert sorted(os.listdir(tmp_path)) == []


def test_missing_paths_are_not_an_error(tmp_path: Path) -> None:
    rm_rf(tmp_path / "missing")
    rm_rf(tmp_path / "missing" / "deeper" / "still")
    (tmp_path / "file").write_text("x")
    rm_rf(tmp_path / "file" / "below-a-file")
    assert (tmp_path / "file").exists()


def test_path_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("x")
    os.chmod(target, 0o444)
    rm_rf(str(target))
    assert not os.path.lexists(target)


def test_path_is_a_symlink_to_a_directory(tmp_path: Path, outside: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(outside, target_is_directory=True)
    rm_rf(link)
    assert not os.path.lexists(link)
    assert_outside_intact(outside)


def test_path_is_a_symlink_to_a_file_or_dangling(tmp_path: Path, outside: Path) -> None:
    link = tmp_path / "flink"
    link.symlink_to(outside / "keep.txt")
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    rm_rf(link)
    rm_rf(dangling)
    assert not os.path.lexists(link) and not os.path.lexists(dangling)
    assert_outside_intact(outside)


def test_trailing_slash_on_a_symlink_removes_only_the_link(tmp_path: Path, outside: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(outside, target_is_directory=True)
    rm_rf(str(link) + os.sep)  # conda normalises with abspath: the link itself goes
    assert not os.path.lexists(link)
    assert_outside_intact(outside)


def test_symlinks_inside_the_tree_are_not_followed(tmp_path: Path, outside: Path) -> None:
    tree = tmp_path / "tree"
    make_tree(tree, width=2, depth=2)
    (tree / "dir0" / "to_dir").symlink_to(outside, target_is_directory=True)
    (tree / "dir1" / "to_file").symlink_to(outside / "keep.txt")
    (tree / "relative").symlink_to("../outside")
    (tree / "loop_a").symlink_to("loop_b")
    (tree / "loop_b").symlink_to("loop_a")
    (tree / "self").symlink_to("self")
    (tree / "dangling").symlink_to(tmp_path / "does-not-exist")
    rm_rf(tree)
    assert not os.path.lexists(tree)
    assert_outside_intact(outside)


def test_read_only_files_and_directories(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    make_tree(tree, width=2, depth=3)
    for root, _dirs, files in os.walk(tree):
        for name in files:
            os.chmod(os.path.join(root, name), 0o444)
    os.chmod(tree / "dir0" / "dir0", 0o000)
    os.chmod(tree / "dir0" / "dir1", 0o100)
    os.chmod(tree / "dir1", 0o500)
    os.chmod(tree, 0o555)
    rm_rf(tree)
    assert not os.path.lexists(tree)


def test_unicode_and_odd_names(tmp_path: Path) -> None:
    tree = tmp_path / "träd ü 木"
    (tree / "ディレクトリ" / "κατάλογος").mkdir(parents=True)
    for name in ("ファイル.txt", "emoji-😀", " leading space", "new\nline", "-dash", "*star?", ".hidden"):
        (tree / "ディレクトリ" / name).write_text(name)
    raw = os.fsencode(tree / "ディレクトリ") + b"/latin1-\xe9\xff"
    with open(raw, "wb") as fh:  # not valid UTF-8: a surrogate-escaped name in Python
        fh.write(b"x")
    rm_rf(str(tree))
    assert not os.path.lexists(tree)


def test_total_path_longer_than_path_max(tmp_path: Path) -> None:
    root = tmp_path / "deep"
    root.mkdir()
    name = "d" * 200
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    levels = 30  # 30 * 201 bytes: > 6000 bytes below root, more than PATH_MAX (4096)
    try:
        for _ in range(levels):
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            leaf = os.open("leaf.txt", os.O_WRONLY | os.O_CREAT, 0o444, dir_fd=child)
            os.close(leaf)
            os.close(fd)
            fd = child
    finally:
        os.close(fd)
    assert len(str(root)) + levels * (len(name) + 1) > 4096
    rm_rf(root)
    assert not os.path.lexists(root)


def test_many_levels_do_not_hit_the_recursion_limit(tmp_path: Path) -> None:
    root = tmp_path / "chain"
    fd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    os.mkdir("chain", dir_fd=fd)
    child = os.open("chain", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.close(fd)
    fd = child
    try:
        for _ in range(sys.getrecursionlimit() + 200):
            os.mkdir("d", dir_fd=fd)
            child = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
    finally:
        os.close(fd)
    rm_rf(root)
    assert not os.path.lexists(root)


def test_refuses_empty_path_and_root() -> None:
    with pytest.raises(InvalidRemovePathError) as info:
        rm_rf("")
    assert isinstance(info.value, ValueError) and isinstance(info.value, CondaError)
    with pytest.raises(InvalidRemovePathError):
        rm_rf("/")


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        rm_rf(os.fsencode(tmp_path / "x"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        rm_rf(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        rm_rf(str(tmp_path / "a\0b"))
    with pytest.raises(ValueError):
        rm_rf(tmp_path / "x", max_retries=-1)


# --- what cannot be removed -----------------------------------------------------------------

CHATTR = shutil.which("chattr")


def chattr(flag: str, *paths: Path) -> bool:
    if CHATTR is None or os.geteuid() != 0:
        return False
    return subprocess.run([CHATTR, flag, *map(str, paths)], capture_output=True).returncode == 0


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Path]:
    """A tree holding one immutable file (chattr +i): not even root can unlink or rename it."""
    tree = tmp_path / "tree"
    make_tree(tree, width=2, depth=3)
    stuck = tree / "dir1" / "dir0" / "stuck.bin"
    stuck.write_bytes(b"x")
    if not chattr("+i", stuck):
        pytest.skip("needs root and chattr +i on this filesystem")
    yield stuck
    chattr("-i", stuck)


@pytest.mark.parametrize("trash", [True, False])
def test_what_remains_is_reported(immutable: Path, tmp_path: Path, trash: bool) -> None:
    tree = tmp_path / "tree"
    with pytest.raises(PathsRemainError) as info:
        rm_rf(tree, max_retries=1, trash=trash)
    err = info.value
    assert isinstance(err, CondaOSError) and isinstance(err, OSError)
    assert err.paths == [str(immutable)]
    assert err.errno == errno.EPERM
    assert err.filename == str(tree)
    assert str(immutable) in str(err)
    # everything else went
    remaining = sorted(str(p) for p in tree.rglob("*"))
    assert remaining == [str(tree / "dir1"), str(tree / "dir1" / "dir0"), str(immutable)]
    chattr("-i", immutable)
    rm_rf(tree)
    assert not tree.exists()


def test_a_stuck_file_given_directly(immutable: Path) -> None:
    with pytest.raises(PathsRemainError) as info:
        rm_rf(immutable, max_retries=0)
    assert info.value.paths == [str(immutable)]
    assert immutable.exists()


def test_trash_renames_files_that_cannot_be_unlinked(
    tmp_path: Path, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend == "rust":
        pytest.skip("no way to make unlink fail while rename works from here; cargo test covers the Rust side")
    from conda_exports._fallback import remove as kernel

    real_unlink = os.unlink

    def busy_unlink(path, *, dir_fd=None):  # a file in use (Windows-style): unlink fails, rename works
        if os.fspath(path).endswith(".inuse"):
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), path)
        return real_unlink(path, dir_fd=dir_fd)

    monkeypatch.setattr(kernel.os, "unlink", busy_unlink)
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "lib.inuse").write_text("x")
    with pytest.raises(PathsRemainError) as info:
        rm_rf(tree, max_retries=0)
    assert info.value.paths == [str(tree / "sub" / "lib.inuse.conda_trash")]
    assert os.listdir(tree / "sub") == ["lib.inuse.conda_trash"]
    # the path itself in use: renamed to trash counts as removed, as in conda
    single = tmp_path / "single.inuse"
    single.write_text("x")
    rm_rf(single, max_retries=0)
    assert not single.exists() and (tmp_path / "single.inuse.conda_trash").exists()
    # without trash nothing is renamed
    other = tmp_path / "other.inuse"
    other.write_text("x")
    with pytest.raises(PathsRemainError):
        rm_rf(other, max_retries=0, trash=False)
    assert other.exists()


@pytest.fixture
def mounted(tmp_path: Path) -> Iterator[Path]:
    tree = tmp_path / "tree"
    mnt = tree / "mnt"
    mnt.mkdir(parents=True)
    (tree / "plain.txt").write_text("x")
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    (mnt / "on-another-fs.txt").write_text("data")
    yield mnt
    subprocess.run(["umount", str(mnt)], capture_output=True)


def test_mount_points_are_not_crossed(mounted: Path, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    with pytest.raises(PathsRemainError) as info:
        rm_rf(tree, max_retries=0)
    assert info.value.paths == [str(mounted)]
    assert "mount point" in str(info.value)
    assert (mounted / "on-another-fs.txt").read_text() == "data"
    assert not (tree / "plain.txt").exists()


# --- the policy, once for both kernels -----------------------------------------------------


class _ScriptedKernel:
    """A kernel whose passes return what the test scripted, recording each call."""

    __name__ = "scripted"

    def __init__(self, *passes: list[tuple[str, int | None, str]]) -> None:
        self.passes = list(passes)
        self.calls: list[tuple[str, bool]] = []

    def rm_rf_once(self, path: str, trash: bool) -> list[tuple[str, int | None, str]]:
        self.calls.append((path, trash))
        return self.passes.pop(0) if self.passes else []


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> tuple[Callable[..., _ScriptedKernel], list[float]]:
    from conda_exports import _backend
    from conda_exports import remove as policy

    sleeps: list[float] = []
    monkeypatch.setattr(policy.time, "sleep", sleeps.append)

    def install(*passes: list[tuple[str, int | None, str]]) -> _ScriptedKernel:
        kernel = _ScriptedKernel(*passes)
        monkeypatch.setattr(_backend, "remove", kernel)
        return kernel

    return install, sleeps


@pytest.mark.one_backend
def test_policy_retries_with_backoff_and_trashes_only_on_the_last_pass(tmp_path: Path, scripted) -> None:
    install, sleeps = scripted
    path = str(tmp_path / "t")
    busy = [(path + "/f", errno.EBUSY, "busy")]
    kernel = install(busy, busy, busy)
    with pytest.raises(PathsRemainError) as info:
        rm_rf(path, max_retries=2)
    assert kernel.calls == [(path, False), (path, False), (path, True)]
    assert sleeps == [0.01, 0.02]
    assert info.value.paths == [path + "/f"] and info.value.errno == errno.EBUSY
    kernel = install(busy, [])
    rm_rf(path, max_retries=9, trash=False)
    assert kernel.calls == [(path, False), (path, False)]


@pytest.mark.one_backend
def test_policy_counts_the_path_renamed_to_trash_as_removed(tmp_path: Path, scripted) -> None:
    install, _ = scripted
    path = str(tmp_path / "lib.so")
    renamed = [(path + ".conda_trash", errno.EBUSY, "busy")]
    install(renamed)
    rm_rf(path, max_retries=0)  # gone from where it was
    Path(path).write_text("x")  # still there: it was not the path that moved
    install(renamed)
    with pytest.raises(PathsRemainError):
        rm_rf(path, max_retries=0)


@pytest.mark.one_backend
def test_policy_reports_what_explains_the_rest(tmp_path: Path, scripted) -> None:
    install, _ = scripted
    path = str(tmp_path / "t")
    install(
        [
            (path, errno.ENOTEMPTY, "not empty"),
            (path + "/a", errno.ENOTEMPTY, "not empty"),
            (path + "/a/b/stuck", errno.EPERM, "stuck"),
            (path + "/mnt", None, "a mount point"),
        ]
    )
    with pytest.raises(PathsRemainError) as info:
        rm_rf(path, max_retries=0)
    assert info.value.paths == [path + "/a/b/stuck", path + "/mnt"]
    assert info.value.failures[1] == (path + "/mnt", None, "a mount point")


# --- the race ---------------------------------------------------------------------------------


def _swapper(tree: Path, outside: Path, stop: threading.Event, swaps: list[int]) -> None:
    """Keeps replacing a subdirectory of the tree with a symlink to ``outside`` and back."""
    n = 0
    subs = [tree / f"dir{i}" for i in range(4)] + [tree / f"dir{i}" / f"dir{j}" for i in range(4) for j in range(4)]
    while not stop.is_set():
        sub = subs[n % len(subs)]
        aside = sub.parent / f"aside{n}"
        try:
            os.rename(sub, aside)
            os.symlink(outside, sub, target_is_directory=True)
            swaps[0] += 1
            os.unlink(sub)
            os.rename(aside, sub)
        except OSError:
            pass
        n += 1


@pytest.mark.parametrize("repetition", range(40))
def test_swapping_a_directory_for_a_symlink_never_escapes(tmp_path: Path, outside: Path, repetition: int) -> None:
    tree = tmp_path / "tree"
    make_tree(tree, width=4, depth=3, files=40)
    stop = threading.Event()
    swaps = [0]
    racer = threading.Thread(target=_swapper, args=(tree, outside, stop, swaps))
    racer.start()
    during = 0
    try:
        while swaps[0] == 0 and racer.is_alive():
            time.sleep(0.0005)  # the racer is swapping before the delete starts
        before = swaps[0]
        try:
            rm_rf(tree, max_retries=2)
        except PathsRemainError:
            pass  # the racer may keep re-creating entries; only escaping the tree is a failure
        during = swaps[0] - before
    finally:
        stop.set()
        racer.join()
    # the race was run: directories of the tree were swapped for symlinks to `outside`
    # while rm_rf was working on it, and nothing outside the tree was touched
    assert during >= 1
    assert_outside_intact(outside)
    rm_rf(tree)
    assert not os.path.lexists(tree)
    assert_outside_intact(outside)


# --- permissions as an unprivileged user ------------------------------------------------------

_AS_NOBODY = r"""
import json, os, sys
import conda_exports
from conda_exports import _backend, rm_rf
_backend.activate(sys.argv[1])
uid = int(sys.argv[3])
os.setgroups([]); os.setgid(uid); os.setuid(uid)
try:
    rm_rf(sys.argv[2], max_retries=1)
    print(json.dumps({"ok": True}))
except OSError as exc:
    print(json.dumps({"ok": False, "type": type(exc).__name__, "paths": getattr(exc, "paths", None), "errno": exc.errno}))
"""


def _nobody() -> int | None:
    if not hasattr(os, "setuid") or os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        return None


@pytest.fixture
def nobody_dir() -> Iterator[tuple[Path, int]]:
    """A directory owned by ``nobody`` (not under root's 0700 pytest temp dir)."""
    uid = _nobody()
    if uid is None:
        pytest.skip("needs root and a 'nobody' user to test permissions as an unprivileged user")
    base = Path(tempfile.mkdtemp(prefix="rm-rf-nobody-"))
    os.chown(base, uid, uid)
    yield base, uid
    subprocess.run(["chmod", "-R", "u+rwx", str(base)], capture_output=True)
    shutil.rmtree(base, ignore_errors=True)


def _run_as(uid: int, backend: str, path: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.run(
        [sys.executable, "-c", _AS_NOBODY, backend, str(path), str(uid)],
        capture_output=True,
        text=True,
        env=env,
        cwd="/",
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _chown_tree(root: Path, uid: int) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            os.lchown(os.path.join(dirpath, name), uid, uid)
    os.lchown(root, uid, uid)


def test_unprivileged_user_removes_locked_down_tree(nobody_dir: tuple[Path, int], backend: str) -> None:
    base, uid = nobody_dir
    tree = base / "tree"
    make_tree(tree, width=3, depth=3)
    (tree / "dir0" / "link").symlink_to("/etc", target_is_directory=True)
    _chown_tree(tree, uid)
    for root, _dirs, files in os.walk(tree):
        for name in files:
            os.chmod(os.path.join(root, name), 0o400)
    os.chmod(tree / "dir0" / "dir0", 0o000)  # unreadable and unsearchable
    os.chmod(tree / "dir0" / "dir1", 0o100)  # searchable only
    os.chmod(tree / "dir0" / "dir2", 0o300)  # not listable
    os.chmod(tree / "dir1", 0o500)  # read-only
    os.chmod(tree, 0o000)  # the path itself unreadable and unsearchable
    etc_mode = os.stat("/etc").st_mode
    assert _run_as(uid, backend, tree) == {"ok": True}
    assert not os.path.lexists(tree)
    assert os.stat("/etc").st_mode == etc_mode


def test_unprivileged_user_gets_the_remaining_paths(nobody_dir: tuple[Path, int], backend: str) -> None:
    base, uid = nobody_dir
    tree = base / "tree"
    make_tree(tree, width=2, depth=2)
    _chown_tree(tree, uid)
    foreign = tree / "dir1" / "roots"  # root's read-only directory inside nobody's tree
    foreign.mkdir()
    (foreign / "owned-by-root.txt").write_text("x")
    os.chmod(foreign, 0o555)
    result = _run_as(uid, backend, tree)
    assert result == {
        "ok": False,
        "type": "PathsRemainError",
        "paths": [str(foreign / "owned-by-root.txt")],
        "errno": errno.EACCES,
    }
    assert stat.S_IMODE(os.stat(foreign).st_mode) == 0o555  # not ours: left as it was
    assert sorted(os.listdir(tree)) == ["dir1"]


# --- delete_trash -----------------------------------------------------------------------------


def test_delete_trash(tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    files = {
        "lib/libfoo.so.conda_trash": False,
        "lib/libfoo.so.conda_trash_2": False,
        "lib/libfoo.so": True,
        "bin/tool.c~": False,
        "only-trash/deeper/x.conda_trash": False,
        "pkgs/cached.conda_trash": True,
        "lib/envs/kept.conda_trash": True,
        "top.conda_trash": False,
        "conda_trash.txt": True,
    }
    for rel in files:
        (prefix / rel).parent.mkdir(parents=True, exist_ok=True)
        (prefix / rel).write_text(rel)
    assert delete_trash(prefix) is None
    for rel, kept in files.items():
        assert (prefix / rel).exists() == kept, rel
    assert not (prefix / "only-trash").exists()  # emptied directories go
    assert (prefix / "bin").is_dir() is False
    assert prefix.is_dir()


def test_delete_trash_keeps_an_emptied_prefix(tmp_path: Path) -> None:
    prefix = tmp_path / "p"
    prefix.mkdir()
    (prefix / "a.conda_trash").write_text("x")
    delete_trash(str(prefix))
    assert prefix.is_dir() and not os.listdir(prefix)
    delete_trash(tmp_path / "missing")  # nothing to do, no error


def test_the_active_backend_is_the_one_asked_for(backend: str) -> None:
    from conda_exports import _backend

    kernel = _backend.remove
    expected = "conda_exports._core" if backend == "rust" else "conda_exports._fallback.remove"
    assert (_backend.BACKEND, kernel.__name__) == (backend, expected)


def test_command_line_rm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from conda_exports.cli import main

    make_tree(tmp_path / "a", width=2, depth=2)
    (tmp_path / "b.txt").write_text("b")
    assert main(["rm", str(tmp_path / "a"), str(tmp_path / "b.txt"), str(tmp_path / "missing")]) == 0
    assert os.listdir(tmp_path) == []
    assert main(["rm", "/"]) == 1  # reported, and the other paths would still be removed
    assert "cannot remove" in capsys.readouterr().err


def test_large_directory(tmp_path: Path) -> None:
    tree = tmp_path / "flat"
    tree.mkdir()
    for i in range(3000):  # above the Rust kernel's threshold for parallel unlinking in one directory
        (tree / f"f{i:05d}").write_bytes(b"")
    (tree / "sub").mkdir()
    rm_rf(tree)
    assert not os.path.lexists(tree)


def test_path_based_fallback_walk(tmp_path: Path, outside: Path) -> None:
    """The fallback's walk for systems without dir_fd (Windows), exercised here directly."""
    from conda_exports._fallback.remove import _PathPass

    tree = tmp_path / "tree"
    make_tree(tree, width=2, depth=3)
    (tree / "dir0" / "link").symlink_to(outside, target_is_directory=True)
    (tree / "dangling").symlink_to(tmp_path / "nowhere")
    os.chmod(tree / "dir1" / "file0.txt", 0o444)
    assert _PathPass(trash=True).run(str(tree)) == []
    assert not os.path.lexists(tree)
    assert_outside_intact(outside)
    single = tmp_path / "single"
    single.write_text("x")
    assert _PathPass(trash=True).run(str(single)) == []
    assert _PathPass(trash=True).run(str(tmp_path / "missing")) == []
    assert not single.exists()


# --- one pass of the kernel, given text rm_rf never passes it --------------------------------


@pytest.mark.parametrize("tail", ["d/.", "d/", "d//", "d/./", "./d", "d/././/"])
def test_a_pass_reads_trailing_separators_and_dots_as_naming_the_directory(tmp_path: Path, tail: str) -> None:
    from conda_exports import _backend

    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "f").write_text("x")
    assert _backend.remove.rm_rf_once(f"{tmp_path}/{tail}", False) == []
    assert os.listdir(tmp_path) == ["f"]


@pytest.mark.parametrize("tail", ["d/..", "d/../", "d/sub/../..", "d/sub/.././..", ""])
def test_a_pass_refuses_a_path_ending_in_dot_dot_and_touches_nothing(tmp_path: Path, tail: str) -> None:
    """``d/..`` names no entry to remove (the fallback used to empty the directory above ``d``)."""
    from conda_exports import _backend

    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "f").write_text("x")
    path = f"{tmp_path}/{tail}" if tail else ""
    with pytest.raises(InvalidRemovePathError) as info:
        _backend.remove.rm_rf_once(path, False)
    assert str(info.value) == f"cannot remove {path!r}: no parent directory"
    assert sorted(os.listdir(tmp_path)) == ["d", "f"] and os.listdir(tmp_path / "d") == ["sub"]


@pytest.mark.parametrize("tail", ["a\0b", "a\0/b", "missing\0/b", "\udcff/\0"])
def test_a_pass_refuses_a_nul_anywhere(tmp_path: Path, tail: str) -> None:
    from conda_exports import _backend

    path = f"{tmp_path}/{tail}"
    with pytest.raises(InvalidRemovePathError) as info:
        _backend.remove.rm_rf_once(path, False)
    assert str(info.value) == f"cannot remove {path!r}: embedded null byte"


@pytest.mark.parametrize("tail", ["\ud800", "\ud800/x", "d/x\udfff"])
def test_a_pass_refuses_text_the_file_system_cannot_encode_naming_its_place_in_the_path(
    tmp_path: Path, tail: str
) -> None:
    from conda_exports import _backend

    path = f"{tmp_path}/{tail}"
    with pytest.raises(UnicodeEncodeError) as info:
        _backend.remove.rm_rf_once(path, False)
    assert str(info.value) == str(pytest.raises(UnicodeEncodeError, os.fsencode, path).value)


# --- both backends, hostile paths -------------------------------------------------------------
#
# Each example builds the same small tree (files, directories, read-only and unsearchable ones,
# symlinks to inside the tree, dangling and looping ones, a FIFO, a name of NAME_MAX bytes, one
# that is not UTF-8, drawn extra entries, optionally a tree deeper than PATH_MAX and immutable
# entries) under one fresh directory, removes one drawn path in it under the Rust backend,
# records the outcome and what is left, builds the tree again at the same place and does the
# same under the Python backend. Only paths inside the tree are ever given: a path that would
# leave it, lexically or through a symlink, is assumed away, and a sibling of the tree is
# checked to survive every call.

_FS_IOC_GETFLAGS, _FS_IOC_SETFLAGS, _FS_IMMUTABLE_FL = 0x80086601, 0x40086602, 0x10

_TREE = [  # (relative path, kind, detail)
    ("f", "file", 0o644),
    ("e", "dir", 0o755),
    ("d", "dir", 0o755),
    ("d/g", "file", 0o644),
    ("d/sub", "dir", 0o755),
    ("d/sub/h", "file", 0o644),
    ("d/up", "symlink", "../f"),
    ("ro", "file", 0o444),
    ("rodir", "dir", 0o755),
    ("rodir/x", "file", 0o444),
    ("none", "dir", 0o755),
    ("none/y", "file", 0o644),
    ("link_d", "symlink", "d"),
    ("link_f", "symlink", "f"),
    ("abs_d", "symlink", None),  # the absolute path of d
    ("dangling", "symlink", "nowhere"),
    ("loop", "symlink", "loop"),
    ("fifo", "fifo", None),
    ("n" * 255, "file", 0o644),
    ("\udcff", "file", 0o644),  # the byte 0xff: not UTF-8, a surrogate escape in Python
    ("é", "dir", 0o755),
    ("é/\x01 \n", "file", 0o644),
]
_MODES_AFTER = {"rodir": 0o500, "none": 0o000}  # set once their entries exist
_TREE_NAMES = sorted({path.split("/")[-1] for path, _, _ in _TREE} | {p for p, _, _ in _TREE} | {"deep", "missing"})
_DEEP_NAME, _DEEP_LEVELS = "d" * 200, 22  # 22 levels of 201 bytes: over PATH_MAX (4096) below "deep"
_STUCK_CANDIDATES = ["f", "d/g", "d/sub", "d/sub/h", "e", "rodir/x"]
_ODD_CHARACTERS = st.sampled_from(["\x00", "\ud800", "\udc80", "\udcff", "\udfff", ".", "/", "\n", "é", "📦", " "])
_COMPONENT_TEXT = st.text(st.one_of(st.characters(codec="utf-8"), st.characters(), _ODD_CHARACTERS), max_size=12)


class _FsPath:
    """An ``os.PathLike`` returning whatever it was given."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __fspath__(self) -> object:
        return self.value

    def __repr__(self) -> str:
        return f"_FsPath({self.value!r})"


@st.composite
def _removal_cases(draw: st.DrawFn) -> dict:
    extras = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["", "d", "e", "d/sub"]),
                st.one_of(_COMPONENT_TEXT, st.integers(250, 260).map(lambda n: "x" * n)),
                st.sampled_from(["file", "dir", "symlink"]),
                st.sampled_from(["f", "d", "d/sub", "nowhere", "x" * 300]),
            ),
            max_size=4,
        )
    )
    deep = draw(st.integers(0, 4)) == 0  # slow to build and remove on some file systems
    stuck = draw(st.lists(st.sampled_from(_STUCK_CANDIDATES), max_size=2, unique=True)) if draw(st.booleans()) else []
    names = [name for _, name, _, _ in extras if name]
    component = st.one_of(
        st.sampled_from(_TREE_NAMES),
        st.sampled_from(names) if names else st.nothing(),
        st.sampled_from(["", ".", "..", "missing"]),
        st.sampled_from(["\x00", "a\x00b", "\ud800", "x\udfff", "\udcff", "é\udc80"]),
        _COMPONENT_TEXT,
        st.integers(254, 300).map(lambda n: "n" * n),
    )
    relative = draw(
        st.one_of(
            component,  # one entry of the tree, or next to them
            st.lists(component, min_size=2, max_size=5).map("/".join),
            st.integers(0, _DEEP_LEVELS + 1).map(lambda k: "/".join(["deep", *[_DEEP_NAME] * k])),
            st.integers(1900, 2100).map(lambda k: "d/" * k + "x"),  # > PATH_MAX in total
        )
    )
    relative += draw(st.sampled_from(["", "", "", "/", "//", "/.", "/..", "/./"]))
    form = draw(
        st.sampled_from(["absolute", "absolute", "relative", "Path", "PathLike", "bytes", "PathLike-bytes", "other"])
    )
    other = draw(st.sampled_from([None, 3, 2.5, [], bytearray(b"x"), memoryview(b"x"), _FsPath(3), object()]))
    max_retries = draw(st.one_of(st.sampled_from([0, 0, 0, 1]), st.sampled_from([-1, 1001, True, 1.0, "1", None])))
    trash = draw(st.one_of(st.booleans(), st.sampled_from([None, 0, "", "yes", [1]])))
    return {
        "extras": extras,
        "deep": deep,
        "stuck": stuck,
        "relative": relative,
        "form": form,
        "other": other,
        "max_retries": max_retries,
        "trash": trash,
    }


def _set_immutable(path: str, on: bool) -> bool:
    """chattr +i / -i through the ioctl (root only, and only where the filesystem has it)."""
    import array
    import fcntl

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        flags = array.array("i", [0])
        fcntl.ioctl(fd, _FS_IOC_GETFLAGS, flags, True)
        flags[0] = flags[0] | _FS_IMMUTABLE_FL if on else flags[0] & ~_FS_IMMUTABLE_FL
        fcntl.ioctl(fd, _FS_IOC_SETFLAGS, flags, True)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _build_tree(root: str, case: dict) -> list[str]:
    """The example's tree at ``root`` (which must not exist); returns the immutable paths."""
    os.mkdir(root)
    for relative, kind, detail in _TREE:
        path = os.path.join(root, relative)
        if kind == "dir":
            os.mkdir(path, detail)
        elif kind == "file":
            with open(path, "wb") as fh:
                fh.write(relative.encode("utf-8", "surrogateescape"))
            os.chmod(path, detail)
        elif kind == "symlink":
            os.symlink(detail if detail is not None else os.path.join(root, "d"), path)
        else:
            os.mkfifo(path)
    for parent, name, kind, target in case["extras"]:
        if name in ("", ".", "..") or "/" in name:
            continue
        path = os.path.join(root, parent, name)
        try:
            if kind == "file":
                with open(path, "xb") as fh:
                    fh.write(b"extra")
            elif kind == "dir":
                os.mkdir(path)
            else:
                os.symlink(target, path)  # relative, inside the tree (or dangling)
        except (OSError, ValueError):
            pass
    if case["deep"]:
        os.mkdir(os.path.join(root, "deep"))
        fd = os.open(os.path.join(root, "deep"), os.O_RDONLY | os.O_DIRECTORY)
        try:
            for _ in range(_DEEP_LEVELS):
                os.mkdir(_DEEP_NAME, dir_fd=fd)
                child = os.open(_DEEP_NAME, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
                os.close(os.open("leaf", os.O_WRONLY | os.O_CREAT, 0o444, dir_fd=child))
                os.close(fd)
                fd = child
        finally:
            os.close(fd)
    for relative, mode in _MODES_AFTER.items():
        os.chmod(os.path.join(root, relative), mode)
    return [path for path in (os.path.join(root, s) for s in case["stuck"]) if _set_immutable(path, True)]


def _tear_down(root: str, stuck: list[str]) -> None:
    for path in stuck:
        _set_immutable(path, False)
    if os.path.lexists(root):
        shutil.rmtree(root)


def _tree_state(root: str) -> object:
    """What is left below ``root``: each entry's relative path, type, permissions and link target."""
    if not os.path.lexists(root):
        return None
    state: list[tuple[str, str, object]] = []

    def walk(dir_fd: int, prefix: str) -> None:
        with os.scandir(dir_fd) as entries:
            names = sorted(entry.name for entry in entries)
        for name in names:
            st_ = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            relative = prefix + name
            if stat.S_ISLNK(st_.st_mode):
                state.append((relative, "symlink", os.readlink(name, dir_fd=dir_fd)))
            elif stat.S_ISDIR(st_.st_mode):
                state.append((relative, "dir", stat.S_IMODE(st_.st_mode)))
                child = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)
                try:
                    walk(child, relative + "/")
                finally:
                    os.close(child)
            else:
                state.append((relative, stat.filemode(st_.st_mode), st_.st_size))

    top = os.lstat(root)
    if not stat.S_ISDIR(top.st_mode):
        return stat.filemode(top.st_mode)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        walk(fd, "")
    finally:
        os.close(fd)
    return stat.S_IMODE(top.st_mode), state


def _inside(root: str, path: str) -> bool:
    return path == root or path.startswith(root + os.sep)


def _stays_inside(root: str, relative: str) -> bool:
    """Whether removing ``relative`` (below ``root``) can only touch the tree: lexically (the
    way ``rm_rf`` normalises) and physically (through the symlinks of the tree)."""
    if "\0" in relative:
        return True  # refused before any file system call
    joined = root + os.sep + relative
    try:
        os.fsencode(joined)
    except UnicodeEncodeError:
        return True  # refused before any file system call
    return all(
        _inside(root, candidate)
        for candidate in (
            os.path.abspath(joined),
            os.path.realpath(joined),
            os.path.realpath(os.path.dirname(joined)),
        )
    )


def _removal_outcome(call: Callable[[], object]) -> tuple:
    """A call's result, or its exception's type, text and OSError details (and what remains)."""
    try:
        return ("returned", call())
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
        return (
            type(exc),
            str(exc),
            getattr(exc, "errno", None),
            getattr(exc, "filename", None),
            getattr(exc, "failures", None),
        )


def _argument(case: dict, root: str) -> object:
    relative, form = case["relative"], case["form"]
    joined = root + os.sep + relative
    if form == "relative":  # the current directory is root
        return "." + relative if relative.startswith(os.sep) else relative
    if form == "Path":
        return Path(joined)
    if form == "PathLike":
        return _FsPath(joined)
    if form in ("bytes", "PathLike-bytes"):
        try:
            encoded = os.fsencode(joined)
        except UnicodeEncodeError:
            return joined
        return encoded if form == "bytes" else _FsPath(encoded)
    if form == "other":
        return case["other"]
    return joined


def _on_each_backend(base: Path, case: dict, run: Callable[[str], tuple]) -> list[tuple]:
    """``run(root)`` under each backend on a fresh copy of the example's tree, with the
    current directory at ``root``; returns each outcome with the tree left after it."""
    from conda_exports import _backend

    if _backend._load_extension() is None:
        pytest.skip("the compiled extension is not installed")
    root = str(base / "tree")
    sentinel = base / "outside" / "keep.txt"
    sentinel.parent.mkdir(exist_ok=True)
    sentinel.write_text("keep")
    previous, cwd = _backend.BACKEND, os.getcwd()
    results = []
    try:
        for name in ("rust", "python"):
            stuck = _build_tree(root, case)
            try:
                os.chdir(root)
                _backend.activate(name)
                outcome = run(root)
            finally:
                os.chdir(cwd)
                _backend.activate(previous)
                for path in stuck:
                    _set_immutable(path, False)
            assert sentinel.read_text() == "keep" and set(os.listdir(base)) <= {"outside", "tree"}, name
            results.append((outcome, _tree_state(root)))
            _tear_down(root, stuck)
    finally:
        os.chdir(cwd)
        _tear_down(root, [])
    return results


@pytest.mark.one_backend
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_removal_cases())
def test_rm_rf_of_any_path_gives_the_same_outcome_and_tree_on_both_backends(
    tmp_path_factory: pytest.TempPathFactory, case: dict
) -> None:
    base = tmp_path_factory.mktemp("hostile")
    assume(_stays_inside(str(base / "tree"), case["relative"]))

    def run(root: str) -> tuple:
        argument = _argument(case, root)
        return _removal_outcome(lambda: rm_rf(argument, max_retries=case["max_retries"], trash=case["trash"]))

    rust, python = _on_each_backend(base, case, run)
    assert rust == python


def _kernel_outcome(kernel: object, path: str, trash: bool) -> tuple:
    """One pass of ``kernel`` over ``path``: what remains, as ``(path, errno, reason)`` with the
    reason only where there is no errno (the text of an errno is the system's, worded by each
    kernel's runtime), sorted (the Rust walk is parallel); or the exception's type and text."""
    try:
        failures = kernel.rm_rf_once(path, trash)  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
        return (type(exc), str(exc))
    return ("returned", sorted((p, e, None if e is not None else reason) for p, e, reason in failures))


@pytest.mark.one_backend
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_removal_cases())
def test_one_pass_of_either_kernel_over_any_text_path_is_the_same(
    tmp_path_factory: pytest.TempPathFactory, case: dict
) -> None:
    """The kernels themselves, given text ``rm_rf`` never passes them (relative, with ``.``,
    ``..``, repeated and trailing separators): the same refusals, remains and tree."""
    from conda_exports import _backend

    base = tmp_path_factory.mktemp("kernel")
    assume(_stays_inside(str(base / "tree"), case["relative"]))
    relative, trash = case["relative"], bool(case["trash"])

    def run(root: str) -> tuple:
        path = relative if case["form"] == "relative" and not relative.startswith(os.sep) else root + os.sep + relative
        return _kernel_outcome(_backend.remove, path, trash)

    rust, python = _on_each_backend(base, case, run)
    assert rust == python
