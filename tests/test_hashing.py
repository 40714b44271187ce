"""hash_file, hash_files, verify and the legacy digest names, on both backends."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import blake3
import conda_exports
import pytest
from both_backends import on_both_backends
from conda_exports import (
    CondaError,
    CondaFileNotFoundError,
    CondaOSError,
    CondaVerificationError,
    NothingToVerifyError,
    hash_file,
    hash_files,
    hashsum_file,
    md5_file,
    verify,
)
from conda_exports.exceptions import NotARegularFileError
from hypothesis import given, settings
from hypothesis import strategies as st

CHANNEL = Path(__file__).parent / "data" / "channel-zlib"


def _channel_packages() -> list[tuple[Path, dict]]:
    packages = []
    for repodata_path in sorted(CHANNEL.glob("*/repodata.json")):
        repodata = json.loads(repodata_path.read_text())
        for key in ("packages", "packages.conda"):
            for filename, record in repodata.get(key, {}).items():
                if (repodata_path.parent / filename).is_file():  # the index also lists packages not shipped
                    packages.append((repodata_path.parent / filename, record))
    return packages


PACKAGES = _channel_packages()


def test_channel_sample_is_complete() -> None:
    shipped = sorted(CHANNEL.glob("*/zlib-*"))
    assert len(shipped) == 8
    assert sorted(path for path, _ in PACKAGES) == shipped


@pytest.mark.parametrize("path,record", PACKAGES, ids=[f"{p.parent.name}/{p.name}" for p, _ in PACKAGES])
def test_real_packages_match_their_repodata(path: Path, record: dict) -> None:
    assert hash_file(path) == record["sha256"]
    assert hash_file(str(path), "md5") == record["md5"]
    assert md5_file(path) == record["md5"]
    assert hashsum_file(path, "sha256") == record["sha256"]
    assert verify(path, sha256=record["sha256"], md5=record["md5"], size=record["size"])


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _expected(data: bytes, algorithm: str) -> str:
    if algorithm == "blake3":
        return blake3.blake3(data).hexdigest()
    return hashlib.new(algorithm, data).hexdigest()


@pytest.mark.parametrize("algorithm", ["md5", "sha256", "blake3"])
@pytest.mark.parametrize(
    "size",
    [0, 1, 63, 64, 65, 1024 * 1024 - 1, 1024 * 1024 + 1, 9 * 1024 * 1024 + 7],
    ids=lambda n: f"{n}B",
)
def test_digest_matches_reference_implementation(tmp_path: Path, algorithm: str, size: int) -> None:
    data = bytes((i * 7 + i // 251) % 256 for i in range(size)) if size < 5000 else os.urandom(size)
    path = _write(tmp_path / "f.bin", data)
    assert hash_file(path, algorithm) == _expected(data, algorithm)


def test_algorithm_names_are_case_insensitive(tmp_path: Path) -> None:
    path = _write(tmp_path / "f", b"abc")
    assert hash_file(path, "SHA256") == hash_file(path, "sha256") == hashlib.sha256(b"abc").hexdigest()
    assert hash_file(path, "Md5") == hashlib.md5(b"abc").hexdigest()


@pytest.mark.parametrize("bad", ["sha1", "sha-256", "", None, 256])
def test_unknown_algorithm_is_a_value_error_naming_the_supported_ones(tmp_path: Path, bad: object) -> None:
    path = _write(tmp_path / "f", b"abc")
    with pytest.raises(ValueError, match="md5, sha256, blake3"):
        hash_file(path, bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="md5, sha256, blake3"):
        hash_files([path], bad)  # type: ignore[arg-type]


def test_unicode_and_spaces_in_names(tmp_path: Path) -> None:
    directory = tmp_path / "dir with spaces" / "ünïcødé 📦"
    directory.mkdir(parents=True)
    path = _write(directory / "zlib 1.2.11 — copy.conda", b"payload")
    assert hash_file(path) == hashlib.sha256(b"payload").hexdigest()
    assert hash_files([str(path)], "md5") == [hashlib.md5(b"payload").hexdigest()]


def test_symlink_hashes_its_target(tmp_path: Path) -> None:
    target = _write(tmp_path / "target", b"the target's bytes")
    link = tmp_path / "link"
    link.symlink_to(target)
    assert hash_file(link) == hash_file(target) == hashlib.sha256(b"the target's bytes").hexdigest()


def test_missing_file_is_conda_and_builtin_file_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "nope.conda"
    with pytest.raises(CondaFileNotFoundError) as info:
        hash_file(missing)
    exc = info.value
    assert isinstance(exc, FileNotFoundError)
    assert isinstance(exc, CondaError)
    assert exc.errno == errno.ENOENT
    assert exc.filename == str(missing)
    assert str(missing) in str(exc)


def test_dangling_symlink_is_a_missing_file(tmp_path: Path) -> None:
    link = tmp_path / "dangling"
    link.symlink_to(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError):
        hash_file(link)


def test_directory_is_an_is_a_directory_error(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError) as info:
        hash_file(tmp_path)
    assert isinstance(info.value, CondaOSError)
    assert str(tmp_path) in str(info.value)


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            hash_file(fifo)
        except BaseException as exc:  # noqa: BLE001 - recorded for the assertion below
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # unblock the thread before failing
        with open(fifo, "wb"):
            pass
        pytest.fail("hash_file blocked on a FIFO")
    assert len(outcome) == 1 and isinstance(outcome[0], NotARegularFileError)
    assert isinstance(outcome[0], OSError) and str(fifo) in str(outcome[0])


def _as_unprivileged(function, *args) -> None:
    """Runs ``function(*args)`` in a child process without root's override of file modes."""
    pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            function(*args)
            code = 0
        except BaseException:  # noqa: BLE001 - the exit code carries the verdict
            import traceback

            traceback.print_exc()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _expect_permission_error(path: str) -> None:
    try:
        hash_file(path)
    except PermissionError as exc:
        assert isinstance(exc, CondaOSError) and path in str(exc)
    else:
        raise AssertionError("no PermissionError")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_unreadable_file_is_a_permission_error(tmp_path: Path) -> None:
    os.chmod(tmp_path, 0o755)
    path = _write(tmp_path / "secret", b"x")
    os.chmod(path, 0)
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwuid(65534)
        except KeyError:
            pytest.skip("running as root and no unprivileged user to switch to")
    _as_unprivileged(_expect_permission_error, str(path))


def test_path_like_paths_and_the_one_rule_for_others(tmp_path: Path) -> None:
    """Text paths and os.PathLike[str]; bytes are refused as by every path-taking function."""
    from conda_exports import linked_data, rm_rf, verify_prefix

    path = _write(tmp_path / "f", b"data")
    expected = hashlib.sha256(b"data").hexdigest()
    assert hash_file(path) == hash_file(str(path)) == expected
    for function, argument in [
        (hash_file, os.fsencode(path)),
        (hash_file, 42),
        (rm_rf, os.fsencode(path)),
        (linked_data, os.fsencode(tmp_path)),
        (verify_prefix, os.fsencode(tmp_path)),
    ]:
        with pytest.raises(TypeError, match=r"expected a path \(str or os.PathLike\[str\]\)"):
            function(argument)  # type: ignore[operator]
    assert path.exists()


def test_sparse_file_of_2_gib_streams_in_constant_memory(tmp_path: Path) -> None:
    path = tmp_path / "sparse.bin"
    with open(path, "wb") as fh:
        fh.truncate(2 * 1024**3)
    script = (
        "import resource, sys, conda_exports; from conda_exports import _backend;"
        f"_backend.activate({conda_exports.BACKEND!r});"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
        f"d = conda_exports.hash_file({str(path)!r}, 'sha256');"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
        "print(d, after - before)"
    )
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout.split()
    # sha256 of 2 GiB of zero bytes
    assert out[0] == "a7c744c13cc101ed66c29f672f92455547889cc586ce6d44fe76ae824958ea51"
    grown_kib = int(out[1])
    assert grown_kib < 64 * 1024, f"memory grew by {grown_kib} KiB while hashing"


def test_hash_files_preserves_order(tmp_path: Path) -> None:
    blobs = [os.urandom(n) for n in (0, 1, 1000, 70_000, 3, 512 * 1024)] * 5
    paths = [_write(tmp_path / f"f{i}", blob) for i, blob in enumerate(blobs)]
    for algorithm in ("md5", "sha256", "blake3"):
        assert hash_files(paths, algorithm) == [_expected(b, algorithm) for b in blobs]
    assert hash_files([]) == []
    assert hash_files(iter(paths[:2])) == [_expected(b, "sha256") for b in blobs[:2]]


def test_hash_files_names_the_first_failing_path(tmp_path: Path) -> None:
    paths = [_write(tmp_path / f"f{i}", b"%d" % i) for i in range(20)]
    first_bad, second_bad = tmp_path / "missing-1", tmp_path / "missing-2"
    with pytest.raises(FileNotFoundError) as info:
        hash_files([*paths[:5], first_bad, *paths[5:], second_bad])
    assert info.value.filename == str(first_bad)
    with pytest.raises(IsADirectoryError):
        hash_files([*paths, tmp_path])


def test_hash_files_rejects_a_single_path(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        hash_files(str(tmp_path / "f"))


# --- verify ------------------------------------------------------------------


def test_verify_checks_every_expectation(tmp_path: Path) -> None:
    data = b"conda package bytes"
    path = _write(tmp_path / "f", data)
    sha, md5 = hashlib.sha256(data).hexdigest(), hashlib.md5(data).hexdigest()
    assert verify(path, sha256=sha)
    assert verify(path, md5=md5)
    assert verify(path, size=len(data))
    assert verify(path, sha256=sha.upper(), md5=md5, size=len(data))
    assert not verify(path, sha256=sha, md5=md5, size=len(data) + 1)
    assert not verify(path, sha256="0" * 64)
    assert not verify(path, sha256=sha, md5="0" * 32)
    assert not verify(path, size=0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sha256": "abc"},
        {"sha256": "g" * 64},
        {"md5": "0" * 64},
        {"md5": 12345},
        {"size": -1},
        {"size": "12"},
        {"size": True},
    ],
)
def test_verify_rejects_malformed_expectations(tmp_path: Path, kwargs: dict) -> None:
    path = _write(tmp_path / "f", b"x")
    with pytest.raises(ValueError):
        verify(path, **kwargs)


def test_verify_of_a_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(CondaFileNotFoundError):
        verify(tmp_path / "gone", size=1)
    with pytest.raises(FileNotFoundError):
        verify(tmp_path / "gone", md5="0" * 32)


def test_verify_with_nothing_to_check_against_raises(tmp_path: Path) -> None:
    plain = _write(tmp_path / "notes.txt", b"x")
    with pytest.raises(NothingToVerifyError, match="not a package archive"):
        verify(plain)
    archive = _write(tmp_path / "zlib-1.2.11-h7b6447c_3.conda", b"x")
    with pytest.raises(NothingToVerifyError, match="repodata_record.json"):
        verify(archive)


def _package_cache(tmp_path: Path) -> tuple[Path, dict]:
    """A package cache holding the real zlib .conda and its extracted record, as conda lays it out."""
    source, record = next((p, r) for p, r in PACKAGES if p.name == "zlib-1.2.11-h7b6447c_3.conda")
    cache = tmp_path / "pkgs"
    info = cache / "zlib-1.2.11-h7b6447c_3" / "info"
    info.mkdir(parents=True)
    archive = cache / source.name
    shutil.copyfile(source, archive)
    (info / "repodata_record.json").write_text(json.dumps({**record, "fn": source.name}))
    return archive, record


def test_verify_from_the_package_cache_record(tmp_path: Path) -> None:
    archive, _ = _package_cache(tmp_path)
    assert verify(archive)
    assert verify(str(archive))
    with open(archive, "r+b") as fh:  # same size, one byte flipped
        first = fh.read(1)
        fh.seek(0)
        fh.write(bytes([first[0] ^ 0xFF]))
    assert not verify(archive)


def test_verify_from_a_record_with_only_a_size(tmp_path: Path) -> None:
    archive, record = _package_cache(tmp_path)
    record_path = archive.parent / "zlib-1.2.11-h7b6447c_3" / "info" / "repodata_record.json"
    record_path.write_text(json.dumps({"size": record["size"]}))
    assert verify(archive)
    record_path.write_text(json.dumps({"size": record["size"] + 1}))
    assert not verify(archive)


@pytest.mark.parametrize(
    "content,error",
    [
        ("{not json", CondaVerificationError),
        ("[1, 2]", CondaVerificationError),
        ('{"name": "zlib"}', NothingToVerifyError),
        ('{"sha256": "xyz"}', CondaVerificationError),
    ],
)
def test_verify_with_a_bad_cache_record(tmp_path: Path, content: str, error: type) -> None:
    archive, _ = _package_cache(tmp_path)
    record_path = archive.parent / "zlib-1.2.11-h7b6447c_3" / "info" / "repodata_record.json"
    record_path.write_text(content)
    with pytest.raises(error, match="repodata_record.json|package record"):
        verify(archive)


# --- properties ----------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=300_000), algorithm=st.sampled_from(["md5", "sha256", "blake3"]))
def test_backends_agree_with_hashlib_and_blake3(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, algorithm: str
) -> None:
    path = tmp_path_factory.mktemp("prop") / "blob"
    path.write_bytes(data)
    assert hash_file(path, algorithm) == _expected(data, algorithm)
    assert verify(path, size=len(data), sha256=hashlib.sha256(data).hexdigest(), md5=hashlib.md5(data).hexdigest())


def test_pure_python_blake3_matches_blake3_py() -> None:
    from conda_exports._fallback._blake3 import Blake3

    for size in (0, 1, 64, 1023, 1024, 1025, 2049, 4096, 16 * 1024 + 3, 100_000):
        data = os.urandom(size)
        incremental = Blake3()
        for start in range(0, size, 999):
            incremental.update(data[start : start + 999])
        assert Blake3(data).hexdigest() == incremental.hexdigest() == blake3.blake3(data).hexdigest()


# --- bad paths and files that change: both backends as one ----------------------------


def _outcome(call, *args, **kwargs) -> tuple:
    """What a call did, comparable across backends: its result, or its exception's type and text."""
    try:
        return ("returned", call(*args, **kwargs))
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
        return (type(exc), str(exc), getattr(exc, "errno", None), getattr(exc, "filename", None))


def _both_backends(call, *args, **kwargs) -> list[tuple]:
    return on_both_backends(_outcome, call, *args, **kwargs)


_ODD_CHARACTERS = st.sampled_from(["\x00", "\ud800", "\udc80", "\udcff", "\udfff", "/", ".", "\n", "é", "📦"])
_NAMES = st.one_of(
    st.text(st.one_of(st.characters(), _ODD_CHARACTERS), max_size=40),
    st.integers(min_value=250, max_value=5000).map(lambda n: "n" * n),
    st.builds(lambda n, tail: "d/" * n + tail, st.integers(0, 2100), st.text(max_size=5)),
)


@settings(max_examples=150, deadline=None)
@given(name=_NAMES, create=st.booleans(), as_bytes=st.booleans())
def test_any_text_path_gives_the_same_outcome_on_both_backends(
    tmp_path_factory: pytest.TempPathFactory, name: str, create: bool, as_bytes: bool
) -> None:
    root = tmp_path_factory.mktemp("paths")
    (root / "d").mkdir()
    (root / "file").write_bytes(b"abc")
    path = os.path.join(str(root), name)
    if create:
        try:
            with open(path, "xb") as fh:
                fh.write(b"payload")
        except (OSError, ValueError):
            pass
    if as_bytes:
        try:
            path = os.fsencode(path)  # type: ignore[assignment]
        except UnicodeEncodeError:
            pass
    calls = [
        (hash_file, (path,), {}),
        (hash_file, (path, "blake3"), {}),
        (hash_files, ([str(root / "file"), path], "md5"), {}),
        (verify, (path,), {"size": 7}),
        (verify, (path,), {"md5": hashlib.md5(b"payload").hexdigest()}),
    ]
    for call, args, kwargs in calls:
        rust, python = _both_backends(call, *args, **kwargs)
        assert rust == python, (call.__name__, args, kwargs)
    if isinstance(path, bytes):  # the one rule for path arguments: text only
        assert _outcome(hash_file, path)[0] is TypeError
    elif "\x00" in name:
        assert _outcome(hash_file, path)[:2] == (ValueError, f"embedded null byte in path {path!r}")


def test_a_nul_in_a_path_is_the_value_error_of_rm_rf(tmp_path: Path) -> None:
    from conda_exports import rm_rf

    bad = str(tmp_path / "a\x00b")
    with pytest.raises(ValueError) as removing:
        rm_rf(bad)
    for call in (hash_file, md5_file, lambda p: hash_files([p]), lambda p: verify(p, size=1)):
        with pytest.raises(ValueError) as hashing:
            call(bad)
        assert type(hashing.value) is type(removing.value) and str(hashing.value) == str(removing.value)


@pytest.mark.parametrize("algorithm", ["blake3", "sha256", "md5"])
@pytest.mark.parametrize("size", [256 * 1024, 24 * 1024 * 1024], ids=["256KiB", "24MiB"])
def test_a_file_shrinking_while_hashed_gives_a_digest_or_a_clear_error(
    tmp_path: Path, algorithm: str, size: int
) -> None:
    """Another process truncates and rewrites the file again and again while it is hashed.

    Run in a child process so that a crash (SIGBUS from a memory-mapped read) fails the
    test instead of killing pytest.
    """
    path = tmp_path / "moving.bin"
    data = os.urandom(size)
    path.write_bytes(data)
    script = f"""
import os, sys, threading
import conda_exports
from conda_exports import _backend
_backend.activate({conda_exports.BACKEND!r})
path, size, algorithm = {str(path)!r}, {size}, {algorithm!r}
data = open(path, "rb").read()
stop = threading.Event()

def shrink():
    with open(path, "r+b") as fh:
        while not stop.is_set():
            for length in (size // 3, 0, size // 2, size):
                fh.truncate(length)
            fh.seek(0)
            fh.write(data)

writer = threading.Thread(target=shrink)
writer.start()
outcomes = set()
try:
    for _ in range(40):
        try:
            conda_exports.hash_file(path, algorithm)
            outcomes.add("digest")
        except conda_exports.CondaOSError as exc:
            assert str(exc).startswith("file changed size while it was hashed: "), exc
            assert exc.filename == path
            outcomes.add("changed")
finally:
    stop.set()
    writer.join()
print(sorted(outcomes))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.strip() in ("['digest']", "['changed']", "['changed', 'digest']")


def _run_child(script: str, *flags: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Runs `script` in a fresh interpreter on this test's backend, without core dumps."""
    prelude = (
        "import resource\n"
        "resource.setrlimit(resource.RLIMIT_CORE, (0, 0))\n"
        "import conda_exports\n"
        f"conda_exports._backend.activate({conda_exports.BACKEND!r})\n"
        "def guard_state():\n"
        "    caught = next(l for l in open('/proc/self/status') if l.startswith('SigCgt:'))\n"
        "    return 'guarded' if int(caught.split()[1], 16) >> 6 & 1 else 'unguarded'\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}
    return subprocess.run(
        [sys.executable, *flags, "-c", prelude + script], capture_output=True, text=True, timeout=timeout, env=env
    )


def _guard_expected() -> str:
    """The SIGBUS guard is installed by the Rust kernel's first large blake3 hash, on Linux."""
    return "guarded" if conda_exports.BACKEND == "rust" and sys.platform == "linux" else "unguarded"


@pytest.mark.skipif(not hasattr(os, "truncate") or sys.platform == "win32", reason="needs SIGBUS")
@pytest.mark.parametrize("flags", [(), ("-X", "faulthandler")], ids=["default", "faulthandler"])
def test_a_bus_error_outside_hashing_still_ends_the_process(tmp_path: Path, flags: tuple[str, ...]) -> None:
    """The guard of hashing's memory maps must not swallow anybody else's SIGBUS.

    After a large blake3 hash (which installs the guard on Linux), the child reads a map
    of its own past the end of a truncated file: it must die of SIGBUS, not hang or go on.
    """
    import signal

    hashed, mapped = tmp_path / "hashed.bin", tmp_path / "mapped.bin"
    hashed.write_bytes(os.urandom(8 * 1024 * 1024))
    mapped.write_bytes(b"m" * 64 * 1024)
    script = f"""
import mmap, os
conda_exports.hash_file({str(hashed)!r}, "blake3")
print(guard_state(), flush=True)
with open({str(mapped)!r}, "r+b") as fh:
    view = mmap.mmap(fh.fileno(), 0)
    os.truncate({str(mapped)!r}, 0)
    print("read", view[40000], flush=True)
print("survived", flush=True)
"""
    done = _run_child(script, *flags)
    assert done.returncode == -signal.SIGBUS, (done.returncode, done.stdout, done.stderr[-2000:])
    # faulthandler catches SIGBUS itself, so only the default case shows whether ours did
    assert done.stdout.split() == ["guarded" if flags else _guard_expected()], done.stdout
    if flags:
        assert "Bus error" in done.stderr


@pytest.mark.skipif(sys.platform not in ("linux", "darwin"), reason="needs SIGBUS")
def test_an_ignored_sigbus_sent_by_kill_stays_ignored(tmp_path: Path) -> None:
    """SIGBUS ignored before the guard came stays ignored when another process sends it."""
    hashed = tmp_path / "hashed.bin"
    hashed.write_bytes(os.urandom(8 * 1024 * 1024))
    script = f"""
import os, signal
signal.signal(signal.SIGBUS, signal.SIG_IGN)
conda_exports.hash_file({str(hashed)!r}, "blake3")
print(guard_state())
os.kill(os.getpid(), signal.SIGBUS)
print("survived")
"""
    done = _run_child(script)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.split() == [_guard_expected(), "survived"]


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGBUS")
def test_hashing_still_works_under_a_sigbus_handler_installed_later(tmp_path: Path) -> None:
    """Once somebody else owns SIGBUS, a large blake3 hash must not rely on our guard.

    A Python-level handler returns to the faulting read, which faults again for as long as
    the file stays short: a mapped read of a file cut short for good would spin forever.
    So the child cuts the file, for good, at a random moment of each hash: it must finish.
    """
    path = tmp_path / "moving.bin"
    data = os.urandom(12 * 1024 * 1024)
    path.write_bytes(data)
    expected = blake3.blake3(data).hexdigest()
    script = f"""
import os, random, signal, threading, time
path, data = {str(path)!r}, open({str(path)!r}, "rb").read()
assert conda_exports.hash_file(path, "blake3") == {expected!r}
print(guard_state())
signal.signal(signal.SIGBUS, lambda *args: None)
assert conda_exports.hash_file(path, "blake3") == {expected!r}
start = time.perf_counter()
conda_exports.hash_file(path, "blake3")
duration = time.perf_counter() - start
outcomes = set()
for _ in range(60):
    with open(path, "wb") as fh:
        fh.write(data)
    cut = threading.Timer(random.uniform(0, duration), lambda: os.truncate(path, len(data) // 4))
    cut.start()
    try:
        conda_exports.hash_file(path, "blake3")
        outcomes.add("digest")
    except conda_exports.CondaOSError as exc:
        assert str(exc).startswith("file changed size while it was hashed: "), exc
        outcomes.add("changed")
    cut.join()
print("finished", sorted(outcomes))
"""
    done = _run_child(script, timeout=60)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    guard, finished = done.stdout.splitlines()
    assert guard == _guard_expected() and finished.startswith("finished"), done.stdout


def test_a_file_cut_short_since_it_was_opened_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic: the size seen at open is larger than what is left to read."""
    from conda_exports.exceptions import PathOSError

    if conda_exports.BACKEND != "python":
        pytest.skip("the Rust kernel's case is a cargo test (a_file_shorter_than_when_opened_is_reported_as_changed)")
    from conda_exports._fallback import hashing as fallback

    path = _write(tmp_path / "f", b"x" * 1000)
    real_fstat = os.fstat

    def fstat_before_the_cut(fd: int) -> os.stat_result:
        status = real_fstat(fd)
        os.truncate(path, 10)
        return status

    monkeypatch.setattr(fallback.os, "fstat", fstat_before_the_cut)
    with pytest.raises(PathOSError, match="^file changed size while it was hashed: ") as info:
        hash_file(path)
    assert info.value.filename == str(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_verify_checks_the_file_type_before_the_size(tmp_path: Path) -> None:
    from conda_exports.exceptions import NotARegularFileError

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # no writer: reading it would block
    with pytest.raises(IsADirectoryError):
        verify(tmp_path, size=1)
    with pytest.raises(NotARegularFileError):
        verify(fifo, size=0)
    with pytest.raises(NotARegularFileError):
        verify(fifo, size=0, md5="0" * 32)
