"""download with md5 + sha256 checks against ``requests`` + ``hashlib`` written by hand, in the same run.

A 200 MB generated file is served from 127.0.0.1 by a server in a process of its own
(``sendfile``, so the server costs little CPU and no GIL of ours). Both sides stream the
body to a file and hash it with md5 and sha256; ``download`` also verifies, fsyncs and
renames, and hashes on a second thread.

Run: python -m pytest benches/bench_download.py --benchmark-only --benchmark-json=benches/results/download.json
``CONDA_EXPORTS_BENCH_DOWNLOAD_MB`` changes the size (default 200).
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from conda_exports import download

from .conftest import mark

SIZE = int(os.environ.get("CONDA_EXPORTS_BENCH_DOWNLOAD_MB", "200")) * 1000 * 1000
CHUNK = 1 << 20
ROUNDS = int(os.environ.get("CONDA_EXPORTS_BENCH_ROUNDS", "7"))

_SERVER = r"""
import os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

root = sys.argv[1]

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = os.path.join(root, self.path.lstrip("/"))
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.wfile.flush()
            self.connection.sendfile(fh)

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """(URL, md5, sha256) of a generated file served by a server process."""
    root = tmp_path_factory.mktemp("served")
    block = random.Random(3).randbytes(8 * 1000 * 1000)
    md5, sha256 = hashlib.md5(), hashlib.sha256()
    with open(root / "big.bin", "wb") as fh:
        left = SIZE
        while left:
            piece = block[: min(left, len(block))]
            fh.write(piece)
            md5.update(piece)
            sha256.update(piece)
            left -= len(piece)
    server = subprocess.Popen([sys.executable, "-c", _SERVER, str(root)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        url = f"http://127.0.0.1:{port}/big.bin"
        with urllib.request.urlopen(url) as response:  # warm the server's page cache
            while response.read(CHUNK):
                pass
        yield url, md5.hexdigest(), sha256.hexdigest()
    finally:
        server.terminate()
        server.wait(10)


def _by_hand(url: str, dst: str, md5: str, sha256: str) -> None:
    """The peer: requests streaming into a file, hashlib md5 + sha256 on the same thread."""
    digests = hashlib.md5(), hashlib.sha256()
    with requests.get(url, stream=True, timeout=60) as response, open(dst, "wb") as fh:
        response.raise_for_status()
        for chunk in response.iter_content(CHUNK):
            fh.write(chunk)
            for digest in digests:
                digest.update(chunk)
    if (digests[0].hexdigest(), digests[1].hexdigest()) != (md5, sha256):
        raise AssertionError("checksum mismatch")


def _pause() -> None:
    """Writes back the previous round's file, so every round starts with a clean page cache."""
    os.sync()
    time.sleep(0.2)


GROUP = f"download: {SIZE // 1000**2} MB from 127.0.0.1, md5 + sha256"


@pytest.mark.benchmark(group=GROUP)
def test_download_200mb_md5_sha256(benchmark, served, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mark(benchmark, "conda_exports.download", ours=True)
    url, md5, sha256 = served
    dst = str(tmp_path / "ours.bin")
    benchmark.pedantic(download, args=(url, dst), kwargs={"md5sum": md5, "sha256": sha256}, rounds=ROUNDS, setup=_pause)
    assert os.path.getsize(dst) == SIZE


@pytest.mark.benchmark(group=GROUP)
def test_requests_hashlib_by_hand_200mb(benchmark, served, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mark(benchmark, "requests + hashlib (by hand)", ours=False)
    url, md5, sha256 = served
    dst = str(tmp_path / "peer.bin")
    benchmark.pedantic(_by_hand, args=(url, dst, md5, sha256), rounds=ROUNDS, setup=_pause)
    assert os.path.getsize(dst) == SIZE
