"""download and TmpDownload against a real HTTP server on 127.0.0.1; both backends.

The server serves the real zlib packages of tests/data/channel-zlib. Every failure is
checked for what it leaves behind: nothing unverified at dst_path (a file that was there
keeps its bytes) and no ``.partial`` file, except after a transfer the network cut.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from conda_exports import ChecksumMismatchError, CondaHTTPError, CondaValueError, TmpDownload, download
from conda_exports._url import path_to_url
from conda_exports.configuration import reset_context
from conda_exports.exceptions import BasicClobberError, CondaError, MissingPathError
from http_channel import HTTPChannel

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).parent / "data" / "channel-zlib" / "linux-64" / "zlib-1.2.11-h7b6447c_3.conda"
OTHER = Path(__file__).parent / "data" / "channel-zlib" / "osx-64" / "zlib-1.2.11-h1de35cc_3.tar.bz2"
BODY = PACKAGE.read_bytes()
SHA256 = "f33afff2144e1d6c4cf2e3e184937db8bf825b4537df74662aea5ee207b6a31b"
MD5 = hashlib.md5(BODY).hexdigest()
SIZE = 105917
TOKEN = "abc123secret"
OLD = b"the file that was here before"


@pytest.fixture
def server() -> Iterator[HTTPChannel]:
    with HTTPChannel() as channel:
        channel.add("/pkgs/zlib.conda", body=BODY, content_type="application/octet-stream", etag='"v1"', ranges=True)
        yield channel


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """No backoff pauses, short timeouts."""
    monkeypatch.setenv("CONDA_REMOTE_BACKOFF_FACTOR", "0")
    monkeypatch.setenv("CONDA_REMOTE_READ_TIMEOUT_SECS", "5")
    reset_context(())


def url_of(server: HTTPChannel, path: str = "/pkgs/zlib.conda") -> str:
    return server.url + path


def assert_clean(dst: Path, before: bytes | None = None) -> None:
    """Nothing unverified at dst (or the old bytes) and no partial file."""
    if before is None:
        assert not dst.exists()
    else:
        assert dst.read_bytes() == before
    assert not Path(f"{dst}.partial").exists()


# -- success ---------------------------------------------------------------------------------


def test_downloads_and_verifies(server: HTTPChannel, tmp_path: Path) -> None:
    dst = tmp_path / "zlib.conda"
    assert download(url_of(server), dst, md5sum=MD5, sha256=SHA256, size=SIZE) is None
    assert dst.read_bytes() == BODY
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zlib.conda"]
    assert server.count("/pkgs/zlib.conda") == 1


def test_without_expectations_and_with_str_path(server: HTTPChannel, tmp_path: Path) -> None:
    dst = tmp_path / "zlib.conda"
    download(url_of(server), str(dst), urlstxt=True)
    assert dst.read_bytes() == BODY


def test_replaces_an_existing_file_only_after_verification(server: HTTPChannel, tmp_path: Path) -> None:
    dst = tmp_path / "zlib.conda"
    dst.write_bytes(OLD)
    download(url_of(server), dst, sha256=SHA256)
    assert dst.read_bytes() == BODY


def test_follows_redirects(server: HTTPChannel, tmp_path: Path) -> None:
    server.add("/old/zlib.conda", status=302, headers={"Location": url_of(server)})
    dst = tmp_path / "zlib.conda"
    download(url_of(server, "/old/zlib.conda"), dst, sha256=SHA256, size=SIZE)
    assert dst.read_bytes() == BODY
    assert server.count("/old/zlib.conda") == 1 and server.count("/pkgs/zlib.conda") == 1


def test_file_url(tmp_path: Path) -> None:
    dst = tmp_path / "zlib.conda"
    download(path_to_url(str(PACKAGE)), dst, md5sum=MD5, sha256=SHA256, size=SIZE)
    assert dst.read_bytes() == BODY


def test_missing_file_url_is_a_404_as_in_conda(tmp_path: Path) -> None:
    dst = tmp_path / "zlib.conda"
    with pytest.raises(CondaHTTPError) as info:
        download(path_to_url(str(tmp_path / "nope.conda")), dst)
    assert info.value._kwargs["status_code"] == 404
    assert "nope.conda" in str(info.value)
    assert_clean(dst)


def test_uses_the_session_given(server: HTTPChannel, tmp_path: Path) -> None:
    session = requests.Session()
    session.headers["X-Test"] = "mine"
    download(url_of(server), tmp_path / "zlib.conda", session=session, sha256=SHA256)
    assert server.headers_of("/pkgs/zlib.conda")[0]["x-test"] == "mine"


def test_default_session_has_conda_exports_user_agent(server: HTTPChannel, tmp_path: Path) -> None:
    download(url_of(server), tmp_path / "zlib.conda")
    assert server.headers_of("/pkgs/zlib.conda")[0]["user-agent"].startswith("conda-exports/")


# -- mismatches --------------------------------------------------------------------------------


@pytest.mark.parametrize("existing", [None, OLD], ids=["no-file", "existing-file"])
@pytest.mark.parametrize(
    ("kwargs", "kind", "expected", "actual"),
    [
        ({"sha256": "1" * 64}, "sha256", "1" * 64, SHA256),
        ({"md5sum": "0" * 32}, "md5", "0" * 32, MD5),
        ({"size": 5}, "size", 5, SIZE),
        ({"md5sum": "0" * 32, "sha256": "1" * 64, "size": 5}, "sha256", "1" * 64, SHA256),  # conda's order
        ({"md5sum": MD5, "sha256": SHA256, "size": 5}, "size", 5, SIZE),
    ],
    ids=["sha256", "md5", "size", "all-wrong", "size-only-wrong"],
)
def test_mismatch(
    server: HTTPChannel, tmp_path: Path, kwargs: dict, kind: str, expected: object, actual: object, existing: bytes
) -> None:
    dst = tmp_path / "zlib.conda"
    if existing is not None:
        dst.write_bytes(existing)
    with pytest.raises(ChecksumMismatchError) as info:
        download(url_of(server), dst, **kwargs)
    text = str(info.value)
    assert url_of(server) in text and str(dst) in text
    assert f"expected {kind}: {expected}\n" in text and f"actual {kind}: {actual}\n" in text
    assert info.value._kwargs["checksum_type"] == kind
    assert_clean(dst, existing)


def test_hex_digests_are_compared_case_insensitively(server: HTTPChannel, tmp_path: Path) -> None:
    download(url_of(server), tmp_path / "z", sha256=SHA256.upper(), md5sum=MD5.upper())


# -- HTTP errors and retries ---------------------------------------------------------------------


@pytest.mark.parametrize("existing", [None, OLD], ids=["no-file", "existing-file"])
def test_404_is_an_http_error_with_the_body(server: HTTPChannel, tmp_path: Path, existing: bytes | None) -> None:
    server.add("/gone.conda", status=404, body=b"<html>No such package here</html>", content_type="text/html")
    dst = tmp_path / "zlib.conda"
    if existing is not None:
        dst.write_bytes(existing)
    with pytest.raises(CondaHTTPError) as info:
        download(url_of(server, "/gone.conda"), dst, sha256=SHA256)
    text = str(info.value)
    assert text.startswith(f"HTTP 404 NOT FOUND for url <{url_of(server, '/gone.conda')}>")
    assert "<html>No such package here</html>" in text
    assert server.count("/gone.conda") == 1  # a 4xx is not retried
    assert_clean(dst, existing)


def test_500_then_200(server: HTTPChannel, tmp_path: Path) -> None:
    server.resources["/pkgs/zlib.conda"].failures = [500, 503]
    dst = tmp_path / "zlib.conda"
    download(url_of(server), dst, sha256=SHA256)
    assert dst.read_bytes() == BODY
    assert server.count("/pkgs/zlib.conda") == 3


def test_retries_are_bounded(server: HTTPChannel, tmp_path: Path) -> None:
    server.resources["/pkgs/zlib.conda"].failures = [500] * 10
    dst = tmp_path / "zlib.conda"
    with pytest.raises(CondaHTTPError) as info:
        download(url_of(server), dst, sha256=SHA256, retries=2)
    assert info.value._kwargs["status_code"] == 500
    assert server.count("/pkgs/zlib.conda") == 3
    assert_clean(dst)


def test_retries_zero_means_one_attempt(server: HTTPChannel, tmp_path: Path) -> None:
    server.resources["/pkgs/zlib.conda"].failures = [500]
    with pytest.raises(CondaHTTPError):
        download(url_of(server), tmp_path / "z", retries=0)
    assert server.count("/pkgs/zlib.conda") == 1


def test_429_honours_retry_after(server: HTTPChannel, tmp_path: Path) -> None:
    server.resources["/pkgs/zlib.conda"].failures = [(429, {"Retry-After": "1"})]
    dst = tmp_path / "zlib.conda"
    start = time.monotonic()
    download(url_of(server), dst, sha256=SHA256)
    assert time.monotonic() - start >= 0.9
    assert dst.read_bytes() == BODY
    assert server.count("/pkgs/zlib.conda") == 2


def test_429_asking_for_too_long_fails_at_once(server: HTTPChannel, tmp_path: Path) -> None:
    server.resources["/pkgs/zlib.conda"].failures = [(429, {"Retry-After": "3600"})]
    dst = tmp_path / "zlib.conda"
    start = time.monotonic()
    with pytest.raises(CondaHTTPError) as info:
        download(url_of(server), dst)
    assert time.monotonic() - start < 5
    assert info.value._kwargs["status_code"] == 429
    assert_clean(dst)


def test_connection_refused_is_an_http_error(tmp_path: Path) -> None:
    with HTTPChannel() as gone:
        url = gone.url + "/x.conda"
    dst = tmp_path / "x.conda"
    with pytest.raises(CondaHTTPError) as info:
        download(url, dst, retries=1)
    assert url in str(info.value)
    assert_clean(dst)


# -- cut transfers and resuming ----------------------------------------------------------------------


def test_a_cut_transfer_keeps_its_partial_and_the_next_call_resumes(server: HTTPChannel, tmp_path: Path) -> None:
    server.resources["/pkgs/zlib.conda"].failures = ["cut"]
    dst = tmp_path / "zlib.conda"
    dst.write_bytes(OLD)
    with pytest.raises(CondaHTTPError):
        download(url_of(server), dst, sha256=SHA256, size=SIZE, retries=0)
    partial = Path(f"{dst}.partial")
    assert partial.read_bytes() == BODY[: SIZE // 2]
    assert dst.read_bytes() == OLD
    download(url_of(server), dst, sha256=SHA256, size=SIZE)
    assert dst.read_bytes() == BODY and not partial.exists()
    assert server.headers_of("/pkgs/zlib.conda")[-1]["range"] == f"bytes={SIZE // 2}-"


def test_a_cut_is_resumed_within_the_call(server: HTTPChannel, tmp_path: Path) -> None:
    server.resources["/pkgs/zlib.conda"].failures = ["cut"]
    dst = tmp_path / "zlib.conda"
    download(url_of(server), dst, md5sum=MD5, sha256=SHA256)
    assert dst.read_bytes() == BODY
    second = server.headers_of("/pkgs/zlib.conda")[1]
    assert second["range"] == f"bytes={SIZE // 2}-" and second["if-range"] == '"v1"'


def test_a_server_without_ranges_sends_everything_again(server: HTTPChannel, tmp_path: Path) -> None:
    server.add("/plain.conda", body=BODY, failures=["cut"])
    dst = tmp_path / "zlib.conda"
    with pytest.raises(CondaHTTPError):
        download(url_of(server, "/plain.conda"), dst, sha256=SHA256, size=SIZE, retries=0)
    assert Path(f"{dst}.partial").stat().st_size == SIZE // 2
    download(url_of(server, "/plain.conda"), dst, sha256=SHA256, size=SIZE)
    assert dst.read_bytes() == BODY
    assert not Path(f"{dst}.partial").exists()


def test_a_corrupt_partial_is_fetched_again_once(server: HTTPChannel, tmp_path: Path) -> None:
    dst = tmp_path / "zlib.conda"
    Path(f"{dst}.partial").write_bytes(b"x" * 1000)
    download(url_of(server), dst, sha256=SHA256, size=SIZE)
    assert dst.read_bytes() == BODY
    ranges = [h.get("range") for h in server.headers_of("/pkgs/zlib.conda")]
    assert ranges == ["bytes=1000-", None]


def test_a_complete_partial_is_verified_without_a_request(server: HTTPChannel, tmp_path: Path) -> None:
    dst = tmp_path / "zlib.conda"
    Path(f"{dst}.partial").write_bytes(BODY)
    download(url_of(server), dst, sha256=SHA256, size=SIZE)
    assert dst.read_bytes() == BODY
    assert server.count("/pkgs/zlib.conda") == 0


def test_a_partial_without_size_and_checksum_is_not_resumed(server: HTTPChannel, tmp_path: Path) -> None:
    dst = tmp_path / "zlib.conda"
    Path(f"{dst}.partial").write_bytes(b"x" * (SIZE + 50))  # longer than the body: must not survive
    download(url_of(server), dst)
    assert dst.read_bytes() == BODY
    assert "range" not in server.headers_of("/pkgs/zlib.conda")[0]


def test_a_mismatch_after_a_cut_removes_the_partial(server: HTTPChannel, tmp_path: Path) -> None:
    server.resources["/pkgs/zlib.conda"].failures = ["cut"]
    dst = tmp_path / "zlib.conda"
    with pytest.raises(ChecksumMismatchError):
        download(url_of(server), dst, sha256="1" * 64)
    assert_clean(dst)


# -- slow servers and timeouts -------------------------------------------------------------------


def test_a_slow_server_within_the_timeout(server: HTTPChannel, tmp_path: Path) -> None:
    server.resources["/pkgs/zlib.conda"].delay = 0.3
    dst = tmp_path / "zlib.conda"
    download(url_of(server), dst, sha256=SHA256)
    assert dst.read_bytes() == BODY


def test_a_server_slower_than_the_timeout(server: HTTPChannel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONDA_REMOTE_READ_TIMEOUT_SECS", "0.3")
    reset_context(())
    server.resources["/pkgs/zlib.conda"].delay = 1.0
    dst = tmp_path / "zlib.conda"
    start = time.monotonic()
    with pytest.raises(CondaHTTPError) as info:
        download(url_of(server), dst, sha256=SHA256, retries=1)
    assert time.monotonic() - start < 3
    assert "timed out" in str(info.value).lower()
    assert server.count("/pkgs/zlib.conda") == 2
    assert_clean(dst)


def test_a_stalled_body_times_out_and_resumes(
    server: HTTPChannel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONDA_REMOTE_READ_TIMEOUT_SECS", "0.3")
    reset_context(())
    resource = server.resources["/pkgs/zlib.conda"]
    resource.failures, resource.stall = ["stall"], 1.0
    dst = tmp_path / "zlib.conda"
    download(url_of(server), dst, sha256=SHA256, size=SIZE)
    assert dst.read_bytes() == BODY
    assert server.headers_of("/pkgs/zlib.conda")[1]["range"] == f"bytes={SIZE // 2}-"


# -- credentials ---------------------------------------------------------------------------------------


def all_text(error: CondaError) -> str:
    return " ".join([str(error), repr(error), repr(error.args), repr(error.dump_map()), repr(error._kwargs)])


def test_a_token_url_downloads_and_never_shows_the_token(server: HTTPChannel, tmp_path: Path) -> None:
    server.add(f"/t/{TOKEN}/pkgs/zlib.conda", body=BODY)
    token_url = url_of(server, f"/t/{TOKEN}/pkgs/zlib.conda")
    download(token_url, tmp_path / "ok.conda", sha256=SHA256)
    with pytest.raises(ChecksumMismatchError) as mismatch:
        download(token_url, tmp_path / "bad.conda", sha256="1" * 64)
    with pytest.raises(CondaHTTPError) as missing:
        download(url_of(server, f"/t/{TOKEN}/pkgs/nope.conda"), tmp_path / "nope.conda")
    server.resources[f"/t/{TOKEN}/pkgs/zlib.conda"].failures = [500] * 5
    with pytest.raises(CondaHTTPError) as failing:
        download(token_url, tmp_path / "fail.conda", retries=1)
    with pytest.raises(CondaValueError) as bad_arg:
        download(token_url, tmp_path / "arg.conda", md5sum="zz")
    for info in (mismatch, missing, failing, bad_arg):
        assert TOKEN not in all_text(info.value)
        assert "/t/<TOKEN>/" in str(info.value)


def test_the_token_is_not_logged(server: HTTPChannel, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    server.add(f"/t/{TOKEN}/z.conda", body=BODY, failures=[500, "cut"])
    caplog.set_level("DEBUG")
    download(url_of(server, f"/t/{TOKEN}/z.conda"), tmp_path / "z.conda", sha256=SHA256)
    assert caplog.records and TOKEN not in caplog.text


# -- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [{"md5sum": "zz"}, {"sha256": "12"}, {"size": -1}, {"size": "10"}, {"retries": -1}, {"retries": 1.5}],
)
def test_bad_arguments_are_value_errors_before_any_request(server: HTTPChannel, tmp_path: Path, kwargs: dict) -> None:
    dst = tmp_path / "zlib.conda"
    with pytest.raises(CondaValueError) as info:
        download(url_of(server), dst, **kwargs)
    assert url_of(server) in str(info.value)
    assert server.count("/pkgs/zlib.conda") == 0
    assert_clean(dst)


@pytest.mark.parametrize("url", ["ftp://example.invalid/x.conda", "s3://bucket/x.conda", "just-a-name.conda"])
def test_unsupported_urls(tmp_path: Path, url: str) -> None:
    with pytest.raises(CondaValueError, match="only http"):
        download(url, tmp_path / "x.conda")


def test_a_missing_destination_directory(server: HTTPChannel, tmp_path: Path) -> None:
    dst = tmp_path / "no" / "such" / "zlib.conda"
    with pytest.raises(MissingPathError) as info:
        download(url_of(server), dst)
    assert isinstance(info.value, FileNotFoundError)
    assert str(dst) in str(info.value)
    assert server.count("/pkgs/zlib.conda") == 0


def test_a_directory_at_the_destination_survives(server: HTTPChannel, tmp_path: Path) -> None:
    dst = tmp_path / "zlib.conda"
    dst.mkdir()
    (dst / "keep").write_bytes(OLD)
    with pytest.raises(CondaError) as info:
        download(url_of(server), dst, sha256=SHA256)
    assert str(dst) in str(info.value)
    assert (dst / "keep").read_bytes() == OLD
    assert not Path(f"{dst}.partial").exists()


def test_path_conflict_prevent_refuses_to_clobber(server: HTTPChannel, tmp_path: Path, use_condarc) -> None:  # type: ignore[no-untyped-def]
    use_condarc("path_conflict: prevent\n")
    dst = tmp_path / "zlib.conda"
    dst.write_bytes(OLD)
    with pytest.raises(BasicClobberError):
        download(url_of(server), dst)
    assert dst.read_bytes() == OLD
    assert server.count("/pkgs/zlib.conda") == 0


# -- TmpDownload -------------------------------------------------------------------------------------------


def test_tmp_download_of_a_url(server: HTTPChannel) -> None:
    with TmpDownload(url_of(server)) as path:
        assert Path(path).name == "zlib.conda"
        assert Path(path).read_bytes() == BODY
    assert not Path(path).exists() and not Path(path).parent.exists()


def test_tmp_download_of_a_local_path_is_the_path_itself(tmp_path: Path) -> None:
    local = tmp_path / "x.conda"
    local.write_bytes(OLD)
    with TmpDownload(str(local), verbose=False) as path:
        assert path == str(local)
    assert local.read_bytes() == OLD


def test_tmp_download_failure_leaves_no_directory(
    server: HTTPChannel, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with pytest.raises(CondaHTTPError), TmpDownload(url_of(server, "/nope.conda")):
        pass
    assert list(tmp_path.iterdir()) == []


# -- the exports and the command line ---------------------------------------------------------------------


def test_exported_names() -> None:
    import conda_exports
    from conda_exports.session import CondaSession

    assert conda_exports.download is download and conda_exports.TmpDownload is TmpDownload
    assert conda_exports.CondaSession is CondaSession
    assert callable(conda_exports.display_actions)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "python"), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run(
        [sys.executable, "-m", "conda_exports", "download", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_cli_download(server: HTTPChannel, tmp_path: Path) -> None:
    dst = tmp_path / "zlib.conda"
    ok = run_cli(url_of(server), str(dst), "--sha256", SHA256, "--md5", MD5)
    assert ok.returncode == 0, ok.stderr
    assert dst.read_bytes() == BODY
    assert str(dst) in ok.stdout
    bad = run_cli(url_of(server), str(tmp_path / "bad.conda"), "--sha256", "1" * 64)
    assert bad.returncode == 1
    assert "expected sha256" in bad.stderr and not (tmp_path / "bad.conda").exists()
    missing = run_cli(url_of(server, "/nope.conda"), str(tmp_path / "nope.conda"))
    assert missing.returncode == 2 and "HTTP 404" in missing.stderr
