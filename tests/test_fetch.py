"""Repodata fetching and its cache, against a real HTTP server on 127.0.0.1; both backends.

The ``cache`` fixture points ``pkgs_dirs`` at a temporary directory and turns retry
backoff off, so every test is quick and never touches the machine's caches or the internet.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conda_exports import CondaError, CondaHTTPError, UnavailableInvalidChannel, _backend
from conda_exports._url import path_to_url
from conda_exports.configuration import context, reset_context
from conda_exports.exceptions import MissingPathError, NoWritablePkgsDirError, ZstdDecompressionError
from conda_exports.fetch import CACHE_STATE_SUFFIX, FetchedRepodata, fetch_repodata
from conda_exports.session import CondaSession, get_session, redact_url
from conda_exports.utils import cache_fn_url
from http_channel import REPODATA, HTTPChannel, compress_zst

ROOT = Path(__file__).resolve().parent.parent
BODY = REPODATA.read_bytes()
TOKEN = "abc123"


@pytest.fixture
def http_channel() -> Iterator[HTTPChannel]:
    """A channel server on 127.0.0.1, shut down after the test."""
    with HTTPChannel() as server:
        yield server


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty package cache as the only pkgs dir; no backoff; two retries. Returns its ``cache/``."""
    configure(monkeypatch, PKGS_DIRS=str(tmp_path / "pkgs"), REMOTE_BACKOFF_FACTOR="0", REMOTE_MAX_RETRIES="2")
    return tmp_path / "pkgs" / "cache"


def configure(monkeypatch: pytest.MonkeyPatch, **settings: str) -> None:
    """Sets ``CONDA_<NAME>`` variables and rebuilds the context from them."""
    for name, value in settings.items():
        monkeypatch.setenv(f"CONDA_{name}", value)
    reset_context(())


def fetch(url: str, **kwargs: object) -> tuple[FetchedRepodata, dict]:
    """Fetches and parses like the index will: inside the ``with``."""
    with fetch_repodata(url, **kwargs) as fetched:  # type: ignore[arg-type]
        data = json.loads(Path(fetched.path).read_bytes()) if fetched.path else {}
    return fetched, data


def entry_files(cache_dir: Path, url: str) -> tuple[Path, Path]:
    stem = cache_fn_url(url)[: -len(".json")]
    return cache_dir / f"{stem}.json", cache_dir / f"{stem}{CACHE_STATE_SUFFIX}"


def read_state(cache_dir: Path, url: str) -> dict:
    return json.loads(entry_files(cache_dir, url)[1].read_text())


def write_state(cache_dir: Path, url: str, state: dict) -> None:
    entry_files(cache_dir, url)[1].write_text(json.dumps(state))


def leftovers(cache_dir: Path) -> list[str]:
    """Temporary files left in the cache directory."""
    return sorted(p.name for p in cache_dir.glob("*.tmp")) if cache_dir.exists() else []


# -- the zstd kernel ------------------------------------------------------------------------


def test_decompress_zst_round_trip(tmp_path: Path) -> None:
    src, dst = tmp_path / "r.json.zst", tmp_path / "r.json"
    src.write_bytes(compress_zst(BODY))
    assert _backend.fetch.decompress_zst(str(src), str(dst)) == len(BODY)
    assert dst.read_bytes() == BODY


def test_decompress_zst_joins_consecutive_frames(tmp_path: Path) -> None:
    src, dst = tmp_path / "two.zst", tmp_path / "out"
    src.write_bytes(compress_zst(b'{"a":') + compress_zst(b"1}"))
    assert _backend.fetch.decompress_zst(str(src), str(dst)) == 7
    assert dst.read_bytes() == b'{"a":1}'


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(lambda: compress_zst(BODY)[: len(compress_zst(BODY)) // 2], id="truncated"),
        pytest.param(lambda: compress_zst(BODY) + b"junk", id="trailing-garbage"),
        pytest.param(lambda: b"<html>503</html>", id="not-zstd"),
        pytest.param(lambda: b"", id="empty"),
    ],
)
def test_decompress_zst_refuses_corrupt_input(tmp_path: Path, payload) -> None:  # type: ignore[no-untyped-def]
    src, dst = tmp_path / "bad.zst", tmp_path / "out.json"
    src.write_bytes(payload())
    with pytest.raises(ZstdDecompressionError) as info:
        _backend.fetch.decompress_zst(str(src), str(dst))
    assert isinstance(info.value, (CondaError, ValueError))
    assert str(src) in str(info.value)
    assert not dst.exists()


def test_decompress_zst_truncation_message_is_the_same_in_both_backends(tmp_path: Path) -> None:
    src = tmp_path / "cut.zst"
    src.write_bytes(compress_zst(BODY)[:-3])
    with pytest.raises(ZstdDecompressionError, match="truncated: the data ends inside a zstd frame"):
        _backend.fetch.decompress_zst(str(src), str(tmp_path / "out"))


def test_decompress_zst_missing_source(tmp_path: Path) -> None:
    with pytest.raises(MissingPathError):
        _backend.fetch.decompress_zst(str(tmp_path / "absent.zst"), str(tmp_path / "out"))


def test_zst_supported(backend: str) -> None:
    if backend == "rust":
        assert _backend.fetch.zst_supported() is True
    else:
        try:
            import zstandard  # noqa: F401
        except ImportError:
            assert _backend.fetch.zst_supported() is False
        else:
            assert _backend.fetch.zst_supported() is True


# -- session --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://host/t/abc-123/chan/linux-64", "https://host/t/<TOKEN>/chan/linux-64"),
        ("https://user:pa55@host:8080/chan", "https://***@host:8080/chan"),
        ("https://u:p@host/t/tk/chan/noarch/repodata.json", "https://***@host/t/<TOKEN>/chan/noarch/repodata.json"),
        (
            "Max retries exceeded with url: /t/tk_1.2/chan/x (Caused by ...)",
            "Max retries exceeded with url: /t/<TOKEN>/chan/x (Caused by ...)",
        ),
        ("https://host/chan/linux-64", "https://host/chan/linux-64"),
        ("file:///opt/chan/linux-64", "file:///opt/chan/linux-64"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_session_takes_the_network_settings(use_condarc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    use_condarc(
        f"""
proxy_servers:
  http: http://proxy.example:3128
  https: https://proxy.example:3129
ssl_verify: {bundle}
client_ssl_cert: /certs/me.pem
client_ssl_cert_key: /certs/me.key
remote_connect_timeout_secs: 4.5
remote_read_timeout_secs: 30
remote_max_retries: 7
remote_backoff_factor: 2
"""
    )
    session = CondaSession()
    assert session.proxies == {"http": "http://proxy.example:3128", "https": "https://proxy.example:3129"}
    assert session.verify == str(bundle)
    assert session.cert == ("/certs/me.pem", "/certs/me.key")
    assert session.timeout == (4.5, 30.0)
    retry = session.get_adapter("https://example.com").max_retries  # type: ignore[attr-defined]
    assert retry.total == 7
    assert retry.backoff_factor == 2
    assert {500, 502, 503, 504, 429, 413} <= set(retry.status_forcelist)
    assert session.headers["User-Agent"].startswith("conda-exports/")


def test_session_ssl_verify_false_and_single_client_cert(use_condarc) -> None:  # type: ignore[no-untyped-def]
    use_condarc("ssl_verify: false\nclient_ssl_cert: /certs/both.pem\n")
    session = CondaSession()
    assert session.verify is False
    assert session.cert == "/certs/both.pem"


def test_offline_session_refuses_the_network(monkeypatch: pytest.MonkeyPatch, http_channel: HTTPChannel) -> None:
    configure(monkeypatch, OFFLINE="true")
    http_channel.add("/x", body=b"{}")
    with pytest.raises(RuntimeError, match="offline"):
        CondaSession().get(http_channel.url + "/x")
    assert http_channel.total() == 0


def test_get_session_is_kept_per_thread_and_renewed_by_reset_context() -> None:
    first = get_session("https://host/chan/linux-64")
    assert get_session("https://other/chan/noarch") is first
    elsewhere: list[CondaSession] = []
    thread = threading.Thread(target=lambda: elsewhere.append(get_session("https://host/chan/linux-64")))
    thread.start()
    thread.join()
    assert elsewhere[0] is not first
    reset_context(())
    assert get_session("https://host/chan/linux-64") is not first


def test_importing_fetch_does_not_import_requests() -> None:
    code = "import sys, conda_exports.fetch; print(sorted({'requests', 'tqdm', 'zstandard'} & set(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "python"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == "[]"


# -- file:// subdirs ------------------------------------------------------------------------


def test_file_subdir_is_read_in_place(cache: Path, data_dir: Path) -> None:
    url = path_to_url(str(data_dir / "channel-zlib" / "linux-64"))
    fetched, data = fetch(url)
    assert fetched == FetchedRepodata(url, str(data_dir / "channel-zlib" / "linux-64" / "repodata.json"), "local", None)
    assert data["info"]["subdir"] == "linux-64"
    assert not cache.exists() or not any(cache.iterdir())


def test_file_subdir_missing_follows_the_404_rules(cache: Path, tmp_path: Path) -> None:
    channel = tmp_path / "chan"
    (channel / "noarch").mkdir(parents=True)
    fetched, data = fetch(path_to_url(str(channel / "linux-64")))
    assert (fetched.path, fetched.state, data) == (None, "missing", {})
    with pytest.raises(UnavailableInvalidChannel) as info:
        fetch(path_to_url(str(channel / "noarch")))
    assert "conda index" in str(info.value)
    assert info.value.status_code == 404


def test_file_channel_without_noarch_has_condas_text(cache: Path, tmp_path: Path) -> None:
    channel = tmp_path / "chan"
    channel.mkdir()
    with pytest.raises(UnavailableInvalidChannel) as info:
        fetch(path_to_url(str(channel / "noarch")))
    # recorded from conda 25.1.1 (its local-file adapter gives no reason, hence UNAVAILABLE OR INVALID)
    assert str(info.value) == (
        f"HTTP 404 UNAVAILABLE OR INVALID for channel chan <file://{tmp_path}/chan>\n"
        "\n"
        "The channel is not accessible or is invalid.\n"
        "\n"
        "You will need to adjust your conda configuration to proceed.\n"
        "Use `conda config --show channels` to view your configuration's current state,\n"
        "and use `conda config --show-sources` to view config file locations.\n"
        "\n"
        "As of conda 4.3, a valid channel must contain a `noarch/repodata.json` and\n"
        "associated `noarch/repodata.json.bz2` file, even if `noarch/repodata.json` is\n"
        f"empty. Use `conda index {tmp_path}/chan`, or create `noarch/repodata.json`\n"
        "and associated `noarch/repodata.json.bz2`.\n"
    )


@pytest.mark.parametrize(
    ("name", "bases"),
    [
        ("UnavailableInvalidChannel", ("ChannelError", "CondaError", "Exception")),
        ("CondaSSLError", ("CondaError", "Exception")),
        ("ProxyError", ("CondaError", "Exception")),
        ("CondaDependencyError", ("CondaError", "Exception")),
        ("NoWritablePkgsDirError", ("CondaError", "Exception")),
        ("NotWritableError", ("CondaError", "OSError", "Exception")),
        ("ZstdDecompressionError", ("CondaError", "ValueError", "Exception")),
    ],
)
def test_new_exceptions_have_condas_bases(name: str, bases: tuple[str, ...]) -> None:
    from conda_exports import exceptions

    names = [cls.__name__ for cls in getattr(exceptions, name).__mro__[1:]]
    assert tuple(names[: names.index("Exception") + 1]) == bases


# -- downloading and the cache ---------------------------------------------------------------


def test_download_plain_json_when_the_server_has_no_zst(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64", etag='"v1"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
    url = http_channel.url + "/chan/linux-64"
    fetched, data = fetch(url)
    assert fetched.state == "downloaded"
    assert data == json.loads(BODY)
    body, state_file = entry_files(cache, url)
    assert fetched.cache_path == str(body)
    assert body.read_bytes() == BODY
    state = json.loads(state_file.read_text())
    assert state["url"] == url
    assert state["etag"] == '"v1"'
    assert state["mod"] == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert state["cache_control"] == ""
    assert state["size"] == body.stat().st_size
    assert state["mtime_ns"] == body.stat().st_mtime_ns
    assert isinstance(state["refresh_ns"], int)
    assert state["has_zst"]["value"] is False
    assert state["has_zst"]["last_checked"].endswith("Z")
    assert http_channel.count("/chan/linux-64/repodata.json.zst") == 1
    assert http_channel.count("/chan/linux-64/repodata.json") == 1
    assert leftovers(cache) == []


def test_zst_is_preferred_and_remembered(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64", zst=True)
    url = http_channel.url + "/chan/linux-64"
    fetched, data = fetch(url)
    assert fetched.state == "downloaded"
    assert data == json.loads(BODY)
    assert http_channel.count("/chan/linux-64/repodata.json.zst") == 1
    assert http_channel.count("/chan/linux-64/repodata.json") == 0
    assert read_state(cache, url)["has_zst"]["value"] is True
    assert entry_files(cache, url)[0].read_bytes() == BODY
    assert leftovers(cache) == []


def test_missing_zst_is_not_asked_for_again_for_seven_days(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64")
    url = http_channel.url + "/chan/linux-64"
    fetch(url)
    fetch(url)  # stale (no max-age): asks again, for repodata.json only
    assert http_channel.count("/chan/linux-64/repodata.json.zst") == 1
    assert http_channel.count("/chan/linux-64/repodata.json") == 2
    state = read_state(cache, url)
    state["has_zst"]["last_checked"] = "2020-01-01T00:00:00.000000Z"
    write_state(cache, url, state)
    fetch(url)
    assert http_channel.count("/chan/linux-64/repodata.json.zst") == 2


def test_missing_zst_is_remembered_across_a_304(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64", etag='"v1"')
    url = http_channel.url + "/chan/linux-64"
    fetch(url)
    state = read_state(cache, url)
    del state["has_zst"]  # as if written before the server was asked for .zst
    write_state(cache, url, state)
    assert fetch(url)[0].state == "revalidated"
    assert read_state(cache, url)["has_zst"]["value"] is False
    assert fetch(url)[0].state == "revalidated"
    assert http_channel.count("/chan/linux-64/repodata.json.zst") == 2


def test_no_zst_request_when_the_backend_cannot_decompress(
    cache: Path, http_channel: HTTPChannel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_backend.fetch, "zst_supported", lambda: False)
    http_channel.add_repodata("/chan/linux-64", zst=True)
    fetched, data = fetch(http_channel.url + "/chan/linux-64")
    assert data == json.loads(BODY)
    assert http_channel.count("/chan/linux-64/repodata.json.zst") == 0


def test_repodata_use_zst_false_skips_zst(
    monkeypatch: pytest.MonkeyPatch, cache: Path, http_channel: HTTPChannel
) -> None:
    configure(monkeypatch, REPODATA_USE_ZST="false")
    http_channel.add_repodata("/chan/linux-64", zst=True)
    fetch(http_channel.url + "/chan/linux-64")
    assert http_channel.count("/chan/linux-64/repodata.json.zst") == 0


def test_gzip_encoded_body_is_decoded(cache: Path, http_channel: HTTPChannel) -> None:
    plain, _ = http_channel.add_repodata("/chan/linux-64", gzip=True)
    fetched, data = fetch(http_channel.url + "/chan/linux-64")
    assert data == json.loads(BODY)
    assert "gzip" in http_channel.headers_of("/chan/linux-64/repodata.json")[0]["accept-encoding"]
    assert len(gzip.compress(BODY)) < len(BODY)


def test_corrupt_zst_body_falls_back_to_json(
    cache: Path, http_channel: HTTPChannel, caplog: pytest.LogCaptureFixture
) -> None:
    http_channel.add_repodata("/chan/linux-64")
    http_channel.add("/chan/linux-64/repodata.json.zst", body=compress_zst(BODY)[:-10])
    url = http_channel.url + "/chan/linux-64"
    with caplog.at_level(logging.WARNING, logger="conda_exports.fetch"):
        fetched, data = fetch(url)
    assert data == json.loads(BODY)
    assert "Could not decompress" in caplog.text
    assert read_state(cache, url)["has_zst"]["value"] is False
    assert http_channel.count("/chan/linux-64/repodata.json") == 1
    assert leftovers(cache) == []


def test_fresh_cache_makes_no_request(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64", zst=True, cache_control="public, max-age=300")
    url = http_channel.url + "/chan/linux-64"
    assert fetch(url)[0].state == "downloaded"
    http_channel.reset_counts()
    fetched, data = fetch(url)
    assert fetched.state == "fresh"
    assert fetched.path == fetched.cache_path == str(entry_files(cache, url)[0])
    assert data == json.loads(BODY)
    assert http_channel.total() == 0


def test_etag_revalidation_keeps_the_body(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64", zst=True, etag='"v1"')
    url = http_channel.url + "/chan/linux-64"
    fetch(url)
    body = entry_files(cache, url)[0]
    before = read_state(cache, url)
    mtime = body.stat().st_mtime_ns
    fetched, data = fetch(url)
    assert fetched.state == "revalidated"
    assert data == json.loads(BODY)
    assert http_channel.headers_of("/chan/linux-64/repodata.json.zst")[1]["if-none-match"] == '"v1"'
    after = read_state(cache, url)
    assert after["refresh_ns"] > before["refresh_ns"]
    assert (after["size"], after["mtime_ns"]) == (before["size"], before["mtime_ns"]) == (len(BODY), mtime)


def test_last_modified_revalidation(cache: Path, http_channel: HTTPChannel) -> None:
    stamp = "Tue, 07 Jan 2025 10:00:00 GMT"
    http_channel.add_repodata("/chan/linux-64", last_modified=stamp)
    url = http_channel.url + "/chan/linux-64"
    fetch(url)
    fetched, _ = fetch(url)
    assert fetched.state == "revalidated"
    assert http_channel.headers_of("/chan/linux-64/repodata.json")[1]["if-modified-since"] == stamp


def test_a_changed_body_is_downloaded_again(cache: Path, http_channel: HTTPChannel) -> None:
    plain, _ = http_channel.add_repodata("/chan/linux-64", etag='"v1"')
    url = http_channel.url + "/chan/linux-64"
    fetch(url)
    plain.body = BODY.replace(b'"linux-64"', b'"linux-64" ')
    plain.etag = '"v2"'
    fetched, _ = fetch(url)
    assert fetched.state == "downloaded"
    assert entry_files(cache, url)[0].read_bytes() == plain.body
    assert read_state(cache, url)["etag"] == '"v2"'


@pytest.mark.parametrize(
    ("ttl", "cache_control", "expected"), [(0, "max-age=300", "revalidated"), (3600, None, "fresh")]
)
def test_local_repodata_ttl(
    monkeypatch: pytest.MonkeyPatch,
    cache: Path,
    http_channel: HTTPChannel,
    ttl: int,
    cache_control: str | None,
    expected: str,
) -> None:
    configure(monkeypatch, LOCAL_REPODATA_TTL=str(ttl))
    http_channel.add_repodata("/chan/linux-64", etag='"v1"', cache_control=cache_control)
    url = http_channel.url + "/chan/linux-64"
    fetch(url)
    assert fetch(url)[0].state == expected


def test_entry_whose_body_does_not_match_its_state_is_fetched_again(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64", etag='"v1"', cache_control="max-age=300")
    url = http_channel.url + "/chan/linux-64"
    fetch(url)
    body = entry_files(cache, url)[0]
    body.write_bytes(BODY[: len(BODY) // 2])  # a truncated body: size and mtime no longer match
    fetched, data = fetch(url)
    assert fetched.state == "downloaded"
    assert data == json.loads(BODY)
    assert "if-none-match" not in http_channel.headers_of("/chan/linux-64/repodata.json")[1]
    assert body.read_bytes() == BODY


def test_conda_style_state_keys_are_understood(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64", etag='"v1"')
    url = http_channel.url + "/chan/linux-64"
    fetch(url)
    state = read_state(cache, url)
    state["_etag"] = state.pop("etag")
    write_state(cache, url, state)
    assert fetch(url)[0].state == "revalidated"


def test_parse_failure_on_a_download_caches_nothing(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64", body=b'{"packages": {', zst=True)
    url = http_channel.url + "/chan/linux-64"
    with pytest.raises(ValueError):
        fetch(url)
    body, state_file = entry_files(cache, url)
    assert not body.exists()
    assert not state_file.exists()
    assert leftovers(cache) == []


def test_parse_failure_on_a_cached_body_removes_it(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64", zst=True, cache_control="max-age=300")
    url = http_channel.url + "/chan/linux-64"
    fetch(url)
    with pytest.raises(RuntimeError), fetch_repodata(url) as fetched:
        assert fetched.state == "fresh"
        raise RuntimeError("the parser found garbage")
    body, state_file = entry_files(cache, url)
    assert not body.exists() and not state_file.exists()
    assert fetch(url)[0].state == "downloaded"


def test_refresh_downloads_despite_a_fresh_cache(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64", zst=True, etag='"v1"', cache_control="max-age=300")
    url = http_channel.url + "/chan/linux-64"
    fetch(url)
    fetched, _ = fetch(url, refresh=True)
    assert fetched.state == "downloaded"
    assert "if-none-match" not in http_channel.headers_of("/chan/linux-64/repodata.json.zst")[1]


def test_use_only_tar_bz2_has_its_own_entry(
    monkeypatch: pytest.MonkeyPatch, cache: Path, http_channel: HTTPChannel
) -> None:
    configure(monkeypatch, USE_ONLY_TAR_BZ2="true")
    http_channel.add_repodata("/chan/linux-64")
    url = http_channel.url + "/chan/linux-64"
    fetched, _ = fetch(url)
    assert fetched.cache_path == str(cache / (cache_fn_url(url)[: -len(".json")] + "1.json"))


# -- offline and use_cache ------------------------------------------------------------------


def test_offline_uses_even_a_stale_cache_without_a_request(
    monkeypatch: pytest.MonkeyPatch, cache: Path, http_channel: HTTPChannel
) -> None:
    http_channel.add_repodata("/chan/linux-64", etag='"v1"')
    url = http_channel.url + "/chan/linux-64"
    fetch(url)
    http_channel.reset_counts()
    monkeypatch.setenv("CONDA_OFFLINE", "1")
    reset_context(())
    assert context.offline
    fetched, data = fetch(url)
    assert fetched.state == "offline"
    assert data == json.loads(BODY)
    assert http_channel.total() == 0


def test_offline_without_a_cache_is_an_empty_index(
    monkeypatch: pytest.MonkeyPatch, cache: Path, http_channel: HTTPChannel
) -> None:
    configure(monkeypatch, OFFLINE="true")
    http_channel.add_repodata("/chan/linux-64")
    fetched, data = fetch(http_channel.url + "/chan/linux-64")
    assert (fetched.path, fetched.state, fetched.cache_path, data) == (None, "offline", None, {})
    assert http_channel.total() == 0


def test_offline_still_reads_file_subdirs(monkeypatch: pytest.MonkeyPatch, cache: Path, data_dir: Path) -> None:
    configure(monkeypatch, OFFLINE="true")
    fetched, data = fetch(path_to_url(str(data_dir / "channel-zlib" / "noarch")))
    assert fetched.state == "local"


def test_use_cache_uses_a_stale_cache_without_a_request(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64")
    url = http_channel.url + "/chan/linux-64"
    fetch(url)
    http_channel.reset_counts()
    fetched, data = fetch(url, use_cache=True)
    assert fetched.state == "offline"
    assert data == json.loads(BODY)
    assert http_channel.total() == 0


def test_use_cache_without_a_cache_downloads(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64")
    fetched, _ = fetch(http_channel.url + "/chan/linux-64", use_cache=True)
    assert fetched.state == "downloaded"


def test_use_index_cache_setting_without_a_cache_is_an_empty_index(
    monkeypatch: pytest.MonkeyPatch, cache: Path, http_channel: HTTPChannel
) -> None:
    configure(monkeypatch, USE_INDEX_CACHE="true")
    http_channel.add_repodata("/chan/linux-64")
    fetched, _ = fetch(http_channel.url + "/chan/linux-64")
    assert (fetched.path, fetched.state) == (None, "offline")
    assert http_channel.total() == 0


# -- HTTP errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 403])
def test_missing_platform_subdir_is_an_empty_index(cache: Path, http_channel: HTTPChannel, status: int) -> None:
    plain, _ = http_channel.add_repodata("/chan/linux-64")
    url = http_channel.url + "/chan/linux-64"
    fetch(url)
    plain.status = status  # the subdir went away: its old cache entry must not come back
    fetched, data = fetch(url)
    assert (fetched.path, fetched.state, fetched.cache_path, data) == (None, "missing", None, {})
    assert not any(p.exists() for p in entry_files(cache, url))


def test_missing_noarch_is_not_a_channel(cache: Path, http_channel: HTTPChannel) -> None:
    url = f"{http_channel.url}/t/{TOKEN}/nochan/noarch"
    with pytest.raises(UnavailableInvalidChannel) as info:
        fetch(url)
    error = info.value
    assert str(error).startswith(f"HTTP 404 NOT FOUND for channel nochan <{http_channel.url}/nochan>")
    assert "The channel is not accessible or is invalid." in str(error)
    assert error.status_code == 404
    assert_no_token(error)


def test_missing_noarch_with_allow_non_channel_urls_is_empty(
    monkeypatch: pytest.MonkeyPatch, cache: Path, http_channel: HTTPChannel
) -> None:
    configure(monkeypatch, ALLOW_NON_CHANNEL_URLS="true")
    fetched, _ = fetch(http_channel.url + "/nochan/noarch")
    assert (fetched.path, fetched.state) == (None, "missing")


def test_missing_current_repodata_raises_so_the_caller_can_fall_back(cache: Path, http_channel: HTTPChannel) -> None:
    with pytest.raises(UnavailableInvalidChannel):
        fetch(http_channel.url + "/chan/linux-64", repodata_fn="current_repodata.json")


def test_server_error_then_success(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64", zst=True)
    http_channel.resources["/chan/linux-64/repodata.json.zst"].failures = [500, 503]
    fetched, data = fetch(http_channel.url + "/chan/linux-64")
    assert fetched.state == "downloaded"
    assert data == json.loads(BODY)
    assert http_channel.count("/chan/linux-64/repodata.json.zst") == 3


def test_persistent_server_error_is_a_condahttperror(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64", zst=True, failures=[500] * 10)
    url = f"{http_channel.url}/t/{TOKEN}/chan/linux-64"
    http_channel.resources[f"/t/{TOKEN}/chan/linux-64/repodata.json.zst"] = http_channel.resources.pop(
        "/chan/linux-64/repodata.json.zst"
    )
    with pytest.raises(CondaHTTPError) as info:
        fetch(url)
    text = str(info.value)
    assert text.startswith(
        f"HTTP 500 INTERNAL SERVER ERROR for url <{http_channel.url}/t/<TOKEN>/chan/linux-64/repodata.json>"
    )
    assert "A remote server error occurred" in text
    assert http_channel.count(f"/t/{TOKEN}/chan/linux-64/repodata.json.zst") == 3  # one try, two retries
    assert_no_token(info.value)
    assert leftovers(cache) == []


def test_unauthorized_token_is_never_shown(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add(f"/t/{TOKEN}/chan/linux-64/repodata.json", status=401, body=b"no")
    http_channel.add(f"/t/{TOKEN}/chan/linux-64/repodata.json.zst", status=401, body=b"no")
    with pytest.raises(CondaHTTPError) as info:
        fetch(f"{http_channel.url}/t/{TOKEN}/chan/linux-64")
    assert "The token '<TOKEN>' given for the URL is invalid." in str(info.value)
    assert_no_token(info.value)


def test_unauthorized_credentials(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add("/chan/linux-64/repodata.json", status=401, body=b"no")
    url = http_channel.url.replace("http://", "http://me:s3cret@") + "/chan/linux-64"
    with pytest.raises(CondaHTTPError) as info:
        fetch(url)
    assert "The credentials you have provided for this URL are invalid." in str(info.value)
    assert "s3cret" not in json.dumps(info.value.dump_map(), default=str)
    # requests sent them as basic auth
    assert http_channel.headers_of("/chan/linux-64/repodata.json")[0]["authorization"].startswith("Basic ")


def test_connection_cut_mid_body_is_retried(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64", zst=True, failures=["cut"])
    fetched, data = fetch(http_channel.url + "/chan/linux-64")
    assert fetched.state == "downloaded"
    assert data == json.loads(BODY)
    assert http_channel.count("/chan/linux-64/repodata.json.zst") == 2
    assert leftovers(cache) == []


def test_connection_always_cut_leaves_nothing_in_the_cache(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64", failures=["cut"] * 10)
    url = f"{http_channel.url}/t/{TOKEN}/chan/linux-64"
    http_channel.resources[f"/t/{TOKEN}/chan/linux-64/repodata.json"] = http_channel.resources.pop(
        "/chan/linux-64/repodata.json"
    )
    with pytest.raises(CondaHTTPError) as info:
        fetch(url)
    assert str(info.value).startswith("HTTP 000 CONNECTION FAILED for url")
    assert_no_token(info.value)
    assert http_channel.count(f"/t/{TOKEN}/chan/linux-64/repodata.json") == 3
    assert sorted(p.name for p in cache.iterdir() if not p.name.endswith(".lock")) == []


def test_unreachable_server_is_a_condahttperror(cache: Path) -> None:
    with HTTPChannel() as server:
        url = f"{server.url}/t/{TOKEN}/chan/linux-64"
    with pytest.raises(CondaHTTPError) as info:
        fetch(url)
    assert "CONNECTION FAILED" in str(info.value)
    assert "/t/<TOKEN>/chan/linux-64" in str(info.value)
    assert_no_token(info.value)


def test_read_timeout_is_a_condahttperror(
    monkeypatch: pytest.MonkeyPatch, cache: Path, http_channel: HTTPChannel
) -> None:
    configure(monkeypatch, REMOTE_READ_TIMEOUT_SECS="0.2", REMOTE_MAX_RETRIES="0")
    http_channel.add_repodata("/chan/linux-64", delay=1.0)
    with pytest.raises(CondaHTTPError):
        fetch(http_channel.url + "/chan/linux-64")


def test_debug_logs_never_show_the_token(
    cache: Path, http_channel: HTTPChannel, caplog: pytest.LogCaptureFixture
) -> None:
    http_channel.add_repodata(f"/t/{TOKEN}/chan/linux-64", failures=[500])
    with caplog.at_level(logging.DEBUG):
        fetch(f"{http_channel.url}/t/{TOKEN}/chan/linux-64")
    assert caplog.records
    assert TOKEN not in caplog.text


def test_unsupported_scheme(cache: Path) -> None:
    with pytest.raises(CondaError, match="only http"):
        fetch(f"s3://bucket/t/{TOKEN}/chan/linux-64")


def assert_no_token(error: BaseException) -> None:
    """Nowhere in the error (text, repr, dumped fields, args) is the token."""
    assert isinstance(error, CondaError)
    assert TOKEN not in str(error)
    assert TOKEN not in repr(error)
    assert TOKEN not in json.dumps(error.dump_map(), default=str)
    assert all(TOKEN not in str(arg) for arg in error.args)


# -- the package cache directory ----------------------------------------------------------


def test_cache_goes_to_the_first_writable_pkgs_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, http_channel: HTTPChannel
) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        configure(monkeypatch, PKGS_DIRS=f"{locked / 'pkgs'},{tmp_path / 'mine'}", REMOTE_BACKOFF_FACTOR="0")
        http_channel.add_repodata("/chan/linux-64")
        fetched, _ = fetch(http_channel.url + "/chan/linux-64")
        assert fetched.cache_path is not None
        assert fetched.cache_path.startswith(str(tmp_path / "mine" / "cache"))
        assert (tmp_path / "mine" / "urls.txt").is_file()
        configure(monkeypatch, PKGS_DIRS=str(locked / "pkgs"))
        with pytest.raises(NoWritablePkgsDirError):
            fetch(http_channel.url + "/chan/linux-64")
    finally:
        locked.chmod(0o700)


def test_package_cache_is_marked_as_conda_marks_it(cache: Path, http_channel: HTTPChannel) -> None:
    http_channel.add_repodata("/chan/linux-64")
    fetch(http_channel.url + "/chan/linux-64")
    assert (cache.parent / "urls.txt").is_file()
    assert (cache.parent / "urls").is_file()


# -- progress -------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_and_when_not_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    from conda_exports import fetch as fetch_module

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert isinstance(fetch_module._progress(100, "chan/linux-64"), fetch_module._NoBar)
    monkeypatch.setattr(sys, "stderr", _Terminal())
    with fetch_module._progress(100, "chan/linux-64") as bar:
        assert not isinstance(bar, fetch_module._NoBar)
        assert bar.delay == 0.5
    configure(monkeypatch, QUIET="true")
    assert isinstance(fetch_module._progress(100, "chan/linux-64"), fetch_module._NoBar)


# -- two processes --------------------------------------------------------------------------

_CHILD = """
import json, sys
from conda_exports.fetch import fetch_repodata
with fetch_repodata(sys.argv[1]) as fetched:
    data = json.load(open(fetched.path))
print(fetched.state, len(data["packages"]))
"""


def test_two_processes_refreshing_one_cache(
    cache: Path, http_channel: HTTPChannel, tmp_path: Path, backend: str
) -> None:
    http_channel.add_repodata("/chan/linux-64", zst=True, etag='"v1"', cache_control="max-age=60", delay=0.3)
    url = http_channel.url + "/chan/linux-64"
    env = {
        **os.environ,
        "CONDA_PKGS_DIRS": str(cache.parent),
        "CONDA_EXPORTS_BACKEND": backend,
    }
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, url], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [child.communicate(timeout=60) for child in children]
    for child, (_, err) in zip(children, outputs):
        assert child.returncode == 0, err
    states = sorted(out.split()[0] for out, _ in outputs)
    assert all(out.split()[1] == "2" for out, _ in outputs)
    assert http_channel.total() <= 2
    assert states in (["downloaded", "fresh"], ["downloaded", "downloaded"], ["downloaded", "revalidated"])
    body, state_file = entry_files(cache, url)
    state = json.loads(state_file.read_text())
    assert body.read_bytes() == BODY
    assert (state["size"], state["mtime_ns"]) == (body.stat().st_size, body.stat().st_mtime_ns)
    assert leftovers(cache) == []


def test_waiting_for_the_lock_then_using_what_the_holder_fetched(
    cache: Path, http_channel: HTTPChannel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In one process: a thread holds the entry's lock while the main thread asks; it then reuses the result."""
    http_channel.add_repodata("/chan/linux-64", zst=True, etag='"v1"', cache_control="max-age=60")
    url = http_channel.url + "/chan/linux-64"
    entered, release = threading.Event(), threading.Event()
    results: list[str] = []

    def holder() -> None:
        with fetch_repodata(url) as fetched:
            results.append(fetched.state)
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    assert entered.wait(10)
    waiter = threading.Thread(target=lambda: results.append(fetch(url)[0].state))
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive()  # blocked on the lock
    release.set()
    thread.join(10)
    waiter.join(10)
    assert results == ["downloaded", "fresh"]
    assert http_channel.total() == 1


@pytest.fixture(autouse=True)
def _no_stray_sessions() -> Iterator[None]:
    """Sessions are per context state; drop this thread's after each test (it may point at a closed server)."""
    yield
    from conda_exports import session

    cached = getattr(session._local, "session", None)
    if cached is not None:
        cached[1].close()
        session._local.session = None
