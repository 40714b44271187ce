"""hash_file / hash_files against hashlib and blake3-py, in the same run.

Run: python -m pytest benches/bench_hashing.py --benchmark-only --benchmark-json=benches/results/hashing.json
"""

from __future__ import annotations

import hashlib
import os
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import blake3
import pytest
from conda_exports import _backend, hash_file, hash_files
from conda_exports._fallback import hashing as fallback

from .conftest import mark

BIG = 1024**3
MID = 256 * 1024**2
SMALL_FILES = 20_000


def _cached_file(directory: Path, size: int) -> str:
    path = directory / f"{size >> 20}-mib.bin"
    block = random.Random(1).randbytes(16 * 1024 * 1024)
    with open(path, "wb") as fh:
        for _ in range(size // len(block)):
            fh.write(block)
    with open(path, "rb") as fh:  # warm the page cache
        while fh.read(64 * 1024 * 1024):
            pass
    return str(path)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _cached_file(tmp_path_factory.mktemp("big"), BIG)


@pytest.fixture(scope="module")
def mid_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _cached_file(tmp_path_factory.mktemp("mid"), MID)


@pytest.fixture(scope="module")
def small_files(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = tmp_path_factory.mktemp("small")
    rng = random.Random(2)
    paths = []
    for i in range(SMALL_FILES):
        directory = root / f"d{i // 500:03d}"
        directory.mkdir(exist_ok=True)
        path = directory / f"f{i:05d}.bin"
        path.write_bytes(rng.randbytes(rng.randint(1024, 64 * 1024)))
        paths.append(str(path))
    return paths


def _hashlib_file(path: str, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb", buffering=0) as fh:
        buffer = bytearray(1024 * 1024)
        view = memoryview(buffer)
        while n := fh.readinto(buffer):
            digest.update(view[:n])
    return digest.hexdigest()


def _rust_only() -> None:
    if _backend.BACKEND != "rust":
        pytest.skip("the compiled extension is not active")


@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
def test_one_gib_ours(benchmark, big_file: str, algorithm: str) -> None:
    _rust_only()
    benchmark.group = f"1 GiB file, {algorithm}"
    mark(benchmark, "conda_exports (rust)", ours=True)
    benchmark.pedantic(hash_file, (big_file, algorithm), rounds=5, iterations=1, warmup_rounds=1)


@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
def test_one_gib_fallback(benchmark, big_file: str, algorithm: str) -> None:
    benchmark.group = f"1 GiB file, {algorithm}"
    mark(benchmark, "conda_exports (python)", ours=True)
    benchmark.pedantic(fallback.file_digests, (big_file, [algorithm]), rounds=5, iterations=1, warmup_rounds=1)


@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
def test_one_gib_hashlib(benchmark, big_file: str, algorithm: str) -> None:
    benchmark.group = f"1 GiB file, {algorithm}"
    mark(benchmark, "hashlib", ours=False)
    benchmark.pedantic(_hashlib_file, (big_file, algorithm), rounds=5, iterations=1, warmup_rounds=1)


def test_one_gib_blake3_ours(benchmark, big_file: str) -> None:
    _rust_only()
    benchmark.group = "1 GiB file, blake3"
    mark(benchmark, "conda_exports (rust)", ours=True)
    benchmark.pedantic(hash_file, (big_file, "blake3"), rounds=5, iterations=1, warmup_rounds=1)


def _blake3_py_best(path: str) -> str:
    """blake3-py at its fastest: memory-mapped, on every core."""
    hasher = blake3.blake3(max_threads=blake3.blake3.AUTO)
    hasher.update_mmap(path)
    return hasher.hexdigest()


def test_one_gib_blake3_py(benchmark, big_file: str) -> None:
    benchmark.group = "1 GiB file, blake3"
    mark(benchmark, "blake3-py (mmap, all cores)", ours=False)
    benchmark.pedantic(_blake3_py_best, (big_file,), rounds=5, iterations=1, warmup_rounds=1)


def test_mid_file_blake3_ceiling(benchmark, mid_file: str) -> None:
    """Not a file hash: blake3-py over the same bytes already in memory, on every core.

    Nothing that reads the file can beat this on the same cores; it shows how close to the
    compute bound the file hashes are.
    """
    benchmark.group = "256 MiB file, blake3"
    mark(benchmark, "ceiling: blake3-py on bytes in memory (all cores)", ours=False)
    data = Path(mid_file).read_bytes()
    benchmark.pedantic(
        lambda: blake3.blake3(data, max_threads=blake3.blake3.AUTO).hexdigest(),
        rounds=15,
        iterations=1,
        warmup_rounds=2,
    )


@pytest.mark.parametrize("algorithm", ["blake3", "sha256", "md5"])
def test_mid_file_ours(benchmark, mid_file: str, algorithm: str) -> None:
    _rust_only()
    benchmark.group = f"256 MiB file, {algorithm}"
    mark(benchmark, "conda_exports (rust)", ours=True)
    benchmark.pedantic(hash_file, (mid_file, algorithm), rounds=15, iterations=1, warmup_rounds=2)


@pytest.mark.parametrize("algorithm", ["blake3", "sha256", "md5"])
def test_mid_file_peer(benchmark, mid_file: str, algorithm: str) -> None:
    benchmark.group = f"256 MiB file, {algorithm}"
    if algorithm == "blake3":
        mark(benchmark, "blake3-py (mmap, all cores)", ours=False)
        benchmark.pedantic(_blake3_py_best, (mid_file,), rounds=15, iterations=1, warmup_rounds=2)
    else:
        mark(benchmark, "hashlib", ours=False)
        benchmark.pedantic(_hashlib_file, (mid_file, algorithm), rounds=15, iterations=1, warmup_rounds=2)


def test_many_files_ours(benchmark, small_files: list[str]) -> None:
    _rust_only()
    benchmark.group = f"{SMALL_FILES} files of 1-64 KiB, sha256"
    mark(benchmark, "conda_exports.hash_files (rust)", ours=True)
    benchmark.pedantic(hash_files, (small_files, "sha256"), rounds=5, iterations=1, warmup_rounds=1)


def test_many_files_fallback(benchmark, small_files: list[str]) -> None:
    benchmark.group = f"{SMALL_FILES} files of 1-64 KiB, sha256"
    mark(benchmark, "conda_exports.hash_files (python)", ours=True)
    benchmark.pedantic(fallback.many_file_digests, (small_files, "sha256"), rounds=5, iterations=1, warmup_rounds=1)


def test_many_files_hashlib_loop(benchmark, small_files: list[str]) -> None:
    benchmark.group = f"{SMALL_FILES} files of 1-64 KiB, sha256"
    mark(benchmark, "hashlib loop", ours=False)

    def run() -> list[str]:
        return [hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in small_files]

    benchmark.pedantic(run, rounds=5, iterations=1, warmup_rounds=1)


def test_many_files_hashlib_threads(benchmark, small_files: list[str]) -> None:
    """hashlib on a thread per core: it releases the GIL for buffers over 2 KiB, as ours does."""
    benchmark.group = f"{SMALL_FILES} files of 1-64 KiB, sha256"
    mark(benchmark, f"hashlib, {os.cpu_count()} threads", ours=False)

    def one(path: str) -> str:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()

    def run() -> list[str]:
        with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
            return list(pool.map(one, small_files, chunksize=64))

    benchmark.pedantic(run, rounds=5, iterations=1, warmup_rounds=1)


def test_page_cache_is_warm(big_file: str) -> None:
    assert os.path.getsize(big_file) == BIG
