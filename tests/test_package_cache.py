"""package_cache() and cache_records(): what is listed, matched and forgotten in a package cache.

Every expected value here (keys, record fields, ``in`` answers, KeyErrors, what
get_index(unknown=True) adds) was checked against conda 25.1.1 run on a copy of the same
cache. The one deliberate difference: listing here leaves the cache as it is, while conda
extracts lone archives, writes ``info/repodata_record.json`` and deletes archives it cannot
read (and crashes on a ``.conda`` without an info part or with a corrupt zstd stream, which
are skipped here).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conda_exports import Dist, get_index, linked_data, package_cache
from conda_exports.package_cache_data import cache_records

ZLIB = Path(__file__).parent / "data" / "channel-zlib"
META = Path(__file__).parent / "data" / "conda-meta"

MAIN_URL = "https://repo.anaconda.com/pkgs/main/linux-64/zlib-1.2.11-h7b6447c_3.conda"
FORGE_WIN_URL = "https://conda.anaconda.org/conda-forge/win-64/zlib-1.2.11-h62dcd97_3.conda"
QUX_URL = "https://conda.anaconda.org/conda-forge/linux-64/qux-1-0.tar.bz2"
BAZ_URL = "https://conda.anaconda.org/conda-forge/linux-64/baz-2-1.conda"

#: ``str(Dist)`` of every key, in conda's order (sorted by file name, not by channel).
KEYS = [
    "conda-forge::baz-2-1",
    "<unknown>::foo-1-0",
    "conda-forge::qux-1-0",
    "<unknown>::rr-1-0",
    "<unknown>::unk-1-0",
    "<unknown>::zlib-1.2.11-h1de35cc_3",
    "conda-forge::zlib-1.2.11-h62dcd97_3",
    "defaults::zlib-1.2.11-h7b6447c_3",
]


def _rec(name: str, version: str = "1", build: str = "0", **extra: object) -> dict:
    return {"name": name, "version": version, "build": build, "build_number": 0, **extra}


def _folder(pkgs: Path, name: str, **files: object) -> None:
    """An extracted package folder with ``info/<key>.json`` for each keyword (a str is written as is)."""
    info = pkgs / name / "info"
    info.mkdir(parents=True)
    for key, content in files.items():
        (info / f"{key}.json").write_text(content if isinstance(content, str) else json.dumps(content))


def _tar(files: dict[str, bytes], mode: str = "w:bz2") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:  # type: ignore[call-overload]
        for name, data in files.items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


def _use(pkgs: Path, monkeypatch: pytest.MonkeyPatch, subdir: str = "linux-64") -> None:
    from conda_exports.configuration import reset_context

    monkeypatch.setenv("CONDA_PKGS_DIRS", str(pkgs))
    monkeypatch.setenv("CONDA_SUBDIR", subdir)  # ``in`` matches the context's subdir only
    reset_context(())


@pytest.fixture
def pkgs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache with every kind of entry conda lists, and some it does not."""
    pkgs = tmp_path / "pkgs"
    pkgs.mkdir()
    # folder (index.json only) + archive: the folder's index.json, the archive's md5 and size
    shutil.copy(ZLIB / "linux-64/zlib-1.2.11-h7b6447c_3.conda", pkgs)
    index = {"name": "zlib", "version": "1.2.11", "build": "h7b6447c_3", "build_number": 3, "subdir": "linux-64"}
    _folder(pkgs, "zlib-1.2.11-h7b6447c_3", index=index)
    shutil.copy(ZLIB / "osx-64/zlib-1.2.11-h1de35cc_3.tar.bz2", pkgs)  # lone, no URL
    shutil.copy(ZLIB / "win-64/zlib-1.2.11-h62dcd97_3.conda", pkgs)  # lone, URL in urls.txt
    _folder(pkgs, "foo-1-0", index=_rec("foo", subdir="noarch"))  # no archive, no URL
    _folder(pkgs, "unk-1-0", index=_rec("unk", subdir="linux-64"))
    _folder(pkgs, "qux-1-0", index=_rec("qux", subdir="linux-64"))  # its URL names a .tar.bz2
    baz = _rec("baz", "2", "1", subdir="linux-64", url=BAZ_URL, md5="0123456789abcdef0123456789abcdef", size=1234)
    _folder(pkgs, "baz-2-1", index=_rec("baz", "2", "1", subdir="linux-64"), repodata_record=baz)
    _folder(pkgs, "rr-1-0", index="{not json", repodata_record=_rec("rr", subdir="linux-64"))
    _folder(pkgs, "bar-1-0", repodata_record=_rec("bar"))  # no index.json: not a package
    _folder(pkgs, "badjson-1-0", index="{not json")
    _folder(pkgs, "noname-1-0", index={"version": "1", "build": "0"})
    (pkgs / "broken-1-0.conda").write_bytes(b"not a zip")
    (pkgs / "broken2-1-0.tar.bz2").write_bytes(b"not a bzip2 stream")
    (pkgs / "notes.txt").write_text("not a package")
    (pkgs / "cache").mkdir()
    (pkgs / "urls.txt").write_text(f"{MAIN_URL}\n{FORGE_WIN_URL}\n{QUX_URL}\n")
    _use(pkgs, monkeypatch)
    return pkgs


def _snapshot(root: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every path under ``root`` with its mode, mtime and (for files) content."""
    out = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        out[str(path.relative_to(root))] = (
            info.st_mode,
            info.st_mtime_ns,
            path.read_bytes() if path.is_file() else b"",
        )
    return out


def _records(pkgs: Path) -> dict[str, Any]:
    return {r.fn: r for r in cache_records(str(pkgs)).values()}


def test_keys_as_conda(pkgs: Path) -> None:
    assert [str(d) for d in package_cache().keys()] == KEYS
    assert all(isinstance(d, Dist) for d in package_cache().keys())


def test_records_as_conda(pkgs: Path) -> None:
    records = _records(pkgs)
    assert sorted(records) == [
        "baz-2-1.conda",
        "foo-1-0",
        "qux-1-0",
        "rr-1-0",
        "unk-1-0",
        "zlib-1.2.11-h1de35cc_3.tar.bz2",
        "zlib-1.2.11-h62dcd97_3.conda",
        "zlib-1.2.11-h7b6447c_3.conda",
    ]

    def fields(fn: str) -> tuple[object, ...]:
        r = records[fn]
        return (r.url, r.md5, r.get("size"), r.channel.canonical_name, str(r.channel), r.subdir)

    folder_size = os.path.getsize(pkgs / "foo-1-0")  # a folder without archive: its own size
    main = "https://repo.anaconda.com/pkgs/main/linux-64"
    forge = "https://conda.anaconda.org/conda-forge"
    assert fields("zlib-1.2.11-h7b6447c_3.conda") == (
        MAIN_URL,
        "cb23839f06da92ec92c6d2d2d5e0cb4a",
        105917,
        "defaults",
        main,
        "linux-64",
    )
    assert fields("zlib-1.2.11-h1de35cc_3.tar.bz2") == (
        None,
        "5eab2de4933e1914f86d1586a8a40c39",
        106948,
        "<unknown>",
        "<unknown>",
        "osx-64",
    )
    assert fields("zlib-1.2.11-h62dcd97_3.conda") == (
        FORGE_WIN_URL,
        "edad165fc3d25636d4f0a61c42873fbc",
        112305,
        "conda-forge",
        f"{forge}/win-64",
        "win-64",
    )
    assert fields("foo-1-0") == (None, None, folder_size, "<unknown>", "<unknown>", "noarch")
    assert fields("qux-1-0") == (QUX_URL, None, folder_size, "conda-forge", f"{forge}/linux-64", "linux-64")
    assert fields("baz-2-1.conda") == (
        BAZ_URL,
        "0123456789abcdef0123456789abcdef",
        1234,
        "conda-forge",
        f"{forge}/linux-64",
        "linux-64",
    )
    # repodata_record.json is taken as it is (no size, no md5), even with a broken index.json
    assert fields("rr-1-0") == (None, None, None, "<unknown>", "<unknown>", "linux-64")

    # the folder's index.json wins over the archive's; a lone archive's comes from inside it
    folder_made = records["zlib-1.2.11-h7b6447c_3.conda"]
    assert folder_made.get("license") is None
    lone = records["zlib-1.2.11-h1de35cc_3.tar.bz2"]
    assert (lone.license, lone.arch, lone.timestamp) == ("zlib", "x86_64", 1542815100.324)
    assert lone.dump()["timestamp"] == 1542815100324
    assert list(records["zlib-1.2.11-h62dcd97_3.conda"].depends) == ["vc >=14.1,<15.0a0"]
    assert lone.package_tarball_full_path == str(pkgs / "zlib-1.2.11-h1de35cc_3.tar.bz2")
    assert lone.extracted_package_dir == str(pkgs / "zlib-1.2.11-h1de35cc_3")
    assert records["foo-1-0"].package_tarball_full_path == str(pkgs / "foo-1-0")
    assert records["zlib-1.2.11-h7b6447c_3.conda"].dist_str() == "defaults/linux-64::zlib-1.2.11-h7b6447c_3"


@pytest.mark.parametrize(
    ("spec", "found"),
    [
        ("defaults::zlib-1.2.11-h7b6447c_3", True),
        ("pkgs/main::zlib-1.2.11-h7b6447c_3", True),
        ("pkgs/r::zlib-1.2.11-h7b6447c_3", True),  # any defaults channel name
        ("https://repo.anaconda.com/pkgs/main::zlib-1.2.11-h7b6447c_3", True),
        ("defaults/linux-64::zlib-1.2.11-h7b6447c_3", True),
        ("pkgs/main/osx-64::zlib-1.2.11-h7b6447c_3", True),  # the subdir written is ignored
        ("defaults::zlib-1.2.11-h7b6447c_3.conda", True),
        (MAIN_URL, True),
        ("zlib-1.2.11-h7b6447c_3", False),  # a bare name is the <unknown> channel
        ("zlib-1.2.11-h7b6447c_3.conda", False),
        ("main::zlib-1.2.11-h7b6447c_3", False),
        ("conda-forge::zlib-1.2.11-h7b6447c_3", False),
        ("anaconda::zlib-1.2.11-h7b6447c_3", False),
        ("defaults::zlib-1.2.11-h7b6447c_4", False),  # build number 4 is read from the build string
        ("conda-forge::qux-1-0", True),
        ("qux-1-0", False),
        ("unk-1-0", True),  # <unknown> and linux-64 like the context
        ("<unknown>::unk-1-0", True),
        ("defaults::unk-1-0", False),
        ("rr-1-0", True),
        ("foo-1-0", False),  # noarch is never the context's subdir
        ("<unknown>::foo-1-0", False),
        ("<unknown>/noarch::foo-1-0", False),
        ("zlib-1.2.11-h1de35cc_3", False),  # osx-64
        ("conda-forge::zlib-1.2.11-h62dcd97_3", False),  # win-64
        ("conda-forge::baz-2-1", False),  # the Dist reads build number 1 from "1"; the record has 0
        ("bar-1-0", False),  # repodata_record.json alone
        ("nothere-1-0", False),
    ],
)
def test_in_as_conda(pkgs: Path, spec: str, found: bool) -> None:
    pc = package_cache()
    assert (spec in pc) is found
    assert (Dist(spec) in pc) is found


def test_in_follows_the_context_subdir(pkgs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _use(pkgs, monkeypatch, "osx-64")
    pc = package_cache()
    assert "<unknown>::zlib-1.2.11-h1de35cc_3" in pc
    assert "zlib-1.2.11-h1de35cc_3" in pc
    assert "defaults::zlib-1.2.11-h7b6447c_3" not in pc
    assert "unk-1-0" not in pc


def test_listing_leaves_the_cache_unchanged(pkgs: Path) -> None:
    before = _snapshot(pkgs)
    pc = package_cache()
    assert len(list(pc.keys())) == len(KEYS)
    assert "defaults::zlib-1.2.11-h7b6447c_3" in pc
    get_index(channel_urls=(), prepend=False, unknown=True, platform="linux-64")
    assert _snapshot(pkgs) == before  # conda would have extracted, written and deleted files


@pytest.mark.parametrize(
    ("spec", "deleted"),
    [
        ("pkgs/main::zlib-1.2.11-h7b6447c_3", "defaults::zlib-1.2.11-h7b6447c_3"),
        (Dist("defaults::zlib-1.2.11-h7b6447c_3"), "defaults::zlib-1.2.11-h7b6447c_3"),
        ("unk-1-0", "<unknown>::unk-1-0"),
    ],
)
def test_delete_as_conda(pkgs: Path, spec: object, deleted: str) -> None:
    pc = package_cache()
    del pc[spec]
    assert [str(d) for d in package_cache().keys()] == [k for k in KEYS if k != deleted]  # for every caller
    index = get_index(channel_urls=(), prepend=False, unknown=True, platform="linux-64")
    assert deleted not in {str(k) for k in index}
    assert len(index) == len(KEYS) - 1
    assert (pkgs / "urls.txt").read_text().count("\n") == 3
    assert all((pkgs / name).exists() for name in ("zlib-1.2.11-h7b6447c_3.conda", "unk-1-0"))  # files stay
    with pytest.raises(KeyError):
        del pc[spec]


@pytest.mark.parametrize(
    "spec",
    [
        "zlib-1.2.11-h7b6447c_3",  # listed, but a bare name is <unknown>
        "foo-1-0",  # listed, but noarch
        "conda-forge::zlib-1.2.11-h62dcd97_3",  # listed, but win-64
        "nothere-1-0",
    ],
)
def test_delete_missing_raises_key_error(pkgs: Path, spec: str) -> None:
    with pytest.raises(KeyError):
        del package_cache()[spec]
    assert [str(d) for d in package_cache().keys()] == KEYS


def test_conda_preferred_over_tar_bz2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkgs = tmp_path / "pkgs"
    pkgs.mkdir()
    shutil.copy(ZLIB / "win-32/zlib-1.2.11-h62dcd97_3.conda", pkgs)
    shutil.copy(ZLIB / "win-32/zlib-1.2.11-h62dcd97_3.tar.bz2", pkgs)
    _folder(pkgs, "zlib-1.2.11-h62dcd97_3", index="{broken")  # the .conda's own index.json is read
    base = "https://conda.anaconda.org/conda-forge/win-32/zlib-1.2.11-h62dcd97_3"
    (pkgs / "urls.txt").write_text(f"{base}.tar.bz2\n{base}.conda\n")
    _use(pkgs, monkeypatch)
    before = _snapshot(pkgs)
    assert [str(d) for d in package_cache().keys()] == ["conda-forge::zlib-1.2.11-h62dcd97_3"]
    (record,) = cache_records(str(pkgs)).values()
    assert (record.fn, record.url, record.md5, record.size, record.subdir, record.arch) == (
        "zlib-1.2.11-h62dcd97_3.conda",
        f"{base}.conda",
        "1d40234f3fa0006e3a77c15c5aa6f2b7",
        99106,
        "win-32",
        "x86",
    )
    assert _snapshot(pkgs) == before


def test_latest_url_wins(pkgs: Path) -> None:
    with open(pkgs / "urls.txt", "a") as urls:
        urls.write("https://conda.anaconda.org/old/osx-64/zlib-1.2.11-h1de35cc_3.tar.bz2\n")
        urls.write("https://conda.anaconda.org/bioconda/osx-64/zlib-1.2.11-h1de35cc_3.tar.bz2\n")
    record = _records(pkgs)["zlib-1.2.11-h1de35cc_3.tar.bz2"]
    assert record.url == "https://conda.anaconda.org/bioconda/osx-64/zlib-1.2.11-h1de35cc_3.tar.bz2"
    assert "bioconda::zlib-1.2.11-h1de35cc_3" in [str(d) for d in package_cache().keys()]


def _good(pkgs: Path, name: str = "good") -> None:
    index = json.dumps(_rec(name, subdir="noarch")).encode()
    (pkgs / f"{name}-1-0.tar.bz2").write_bytes(_tar({"info/index.json": index}))


def test_refreshed_when_the_cache_changes(pkgs: Path) -> None:
    pc = package_cache()
    first = cache_records(str(pkgs))
    assert [str(d) for d in pc.keys()] == KEYS
    assert cache_records(str(pkgs)) is first  # kept while nothing changes
    _good(pkgs)  # a new archive
    assert [str(d) for d in pc.keys()] == [KEYS[0], KEYS[1], "<unknown>::good-1-0", *KEYS[2:]]
    with open(pkgs / "urls.txt", "a") as urls:  # a new URL for the lone .tar.bz2
        urls.write("https://conda.anaconda.org/bioconda/osx-64/zlib-1.2.11-h1de35cc_3.tar.bz2\n")
    assert "bioconda::zlib-1.2.11-h1de35cc_3" in [str(d) for d in pc.keys()]
    shutil.rmtree(pkgs / "foo-1-0")
    assert "<unknown>::foo-1-0" not in [str(d) for d in pc.keys()]


def test_backend_switch_forgets_the_records(pkgs: Path, backend: str) -> None:
    from conda_exports import _backend

    first = cache_records(str(pkgs))
    _backend.activate(backend)
    again = cache_records(str(pkgs))
    assert again is not first
    assert list(again) == list(first)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _truncated(path: Path) -> bytes:
    data = path.read_bytes()
    return data[: len(data) * 6 // 10]


CORRUPT: dict[str, tuple[str, object]] = {
    "garbage .conda": ("bad-1-0.conda", b"not a zip"),
    "truncated .conda": ("bad-1-0.conda", lambda: _truncated(ZLIB / "win-64/zlib-1.2.11-h62dcd97_3.conda")),
    "garbage .tar.bz2": ("bad-1-0.tar.bz2", b"not bzip2"),
    "empty .tar.bz2": ("bad-1-0.tar.bz2", b""),
    "truncated .tar.bz2": ("bad-1-0.tar.bz2", lambda: _truncated(ZLIB / "osx-64/zlib-1.2.11-h1de35cc_3.tar.bz2")),
    "invalid JSON in the archive": ("bad-1-0.tar.bz2", lambda: _tar({"info/index.json": b"{bad"})),
    "no index.json in the archive": ("bad-1-0.tar.bz2", lambda: _tar({"info/about.json": b"{}"})),
    # conda crashes on these two; they are skipped here
    ".conda without info part": ("bad-1-0.conda", lambda: _zip({"metadata.json": b"{}"})),
    "corrupt zstd info part": ("bad-1-0.conda", lambda: _zip({"info-bad-1-0.tar.zst": b"\x28\xb5\x2f\xfdgarbage"})),
    "index.json a JSON list": ("bad-1-0/info/index.json", b"[1, 2]"),
    "index.json without a name": ("bad-1-0/info/index.json", json.dumps({"version": "1", "build": "0"}).encode()),
    "invalid JSON in index.json": ("bad-1-0/info/index.json", b"{bad"),
}


@pytest.mark.parametrize("case", list(CORRUPT))
def test_corrupt_package_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    pkgs = tmp_path / "pkgs"
    pkgs.mkdir()
    _good(pkgs)
    (pkgs / "urls.txt").write_text("")
    name, content = CORRUPT[case]
    (pkgs / name).parent.mkdir(parents=True, exist_ok=True)
    (pkgs / name).write_bytes(content() if callable(content) else content)  # type: ignore[arg-type]
    _use(pkgs, monkeypatch)
    before = _snapshot(pkgs)
    assert [str(d) for d in package_cache().keys()] == ["<unknown>::good-1-0"]
    assert _snapshot(pkgs) == before  # conda deletes a bad archive; it stays here


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs permissions to matter")
def test_unreadable_files_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkgs = tmp_path / "pkgs"
    pkgs.mkdir()
    _good(pkgs)
    _good(pkgs, "locked")
    _folder(pkgs, "secret-1-0", index=_rec("secret"))
    (pkgs / "urls.txt").write_text("")
    (pkgs / "locked-1-0.tar.bz2").chmod(0)
    (pkgs / "secret-1-0" / "info" / "index.json").chmod(0)
    _use(pkgs, monkeypatch)
    try:
        assert [str(d) for d in package_cache().keys()] == ["<unknown>::good-1-0"]
    finally:
        (pkgs / "locked-1-0.tar.bz2").chmod(0o644)
        (pkgs / "secret-1-0" / "info" / "index.json").chmod(0o644)


def test_get_index_unknown_adds_the_cache(pkgs: Path, tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    shutil.copytree(META, prefix / "conda-meta")
    installed = len(linked_data(prefix))
    assert installed == 2
    index = get_index(channel_urls=(), prepend=False, prefix=str(prefix), unknown=True, platform="linux-64")
    assert len(index) == installed + len(KEYS)
    from_cache = {str(k): v for k, v in index.items() if type(v).__name__ == "PackageCacheRecord"}
    assert sorted(from_cache) == sorted(KEYS)  # every subdir, not only the platform asked for
    assert from_cache["defaults::zlib-1.2.11-h7b6447c_3"].md5 == "cb23839f06da92ec92c6d2d2d5e0cb4a"
    without = get_index(channel_urls=(), prepend=False, prefix=str(prefix), unknown=False, platform="linux-64")
    assert len(without) == installed
    assert {type(v).__name__ for v in without.values()} == {"PrefixRecord"}


def test_undecodable_urls_line_ignored(pkgs: Path) -> None:
    with open(pkgs / "urls.txt", "ab") as urls:
        urls.write(b"\xff\xfe not UTF-8\n")  # conda fails with UnicodeDecodeError here
    assert [str(d) for d in package_cache().keys()] == KEYS
