"""Channel and MultiChannel under a few condarcs, against conda 25.1's answers.

``tests/data/models/channel_expected.json`` holds, for every value and condarc, what conda
25.1 returns.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conda_exports import Channel, get_conda_build_local_url
from conda_exports.models.channel import MultiChannel, all_channel_urls, prioritize_channels

# no kernel is involved, so one backend is enough
pytestmark = pytest.mark.one_backend

DATA = json.loads((Path(__file__).parent / "data" / "models" / "channel_expected.json").read_text())


@pytest.fixture
def condarc(use_condarc, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CONDA_SUBDIR", "linux-64")

    def use(name: str) -> None:
        use_condarc(DATA["condarcs"][name])

    return use


def facts(ch: Channel) -> list:
    return [
        str(ch),
        repr(ch),
        ch.canonical_name,
        ch.base_url,
        ch.urls(),
        ch.urls(True, ["linux-64"]),
        ch.url(),
        ch.url(True),
        ch.name,
        ch.location,
        ch.scheme,
        ch.auth,
        ch.token,
        ch.platform,
        ch.package_filename,
        bool(ch),
        list(ch.base_urls),
    ]


@pytest.mark.parametrize("rc", list(DATA["condarcs"]))
def test_channels_as_conda(condarc, rc: str) -> None:
    """Every value in the order conda was asked: like conda's, a Channel copied from a
    configured one keeps a canonical name already computed, so the order matters."""
    condarc(rc)
    mismatches = {}
    for value in DATA["values"]:
        expected = DATA["expected"][rc][json.dumps(value)]
        got = facts(Channel(value))
        if got != expected:
            mismatches[value] = (got, expected)
    assert mismatches == {}


@pytest.mark.parametrize("rc", list(DATA["condarcs"]))
def test_prioritize_and_all_urls(condarc, rc: str) -> None:
    condarc(rc)
    expected = DATA["expected"][rc]
    channels = ["conda-forge", "defaults", "team"]
    assert {k: list(v) for k, v in prioritize_channels(channels).items()} == expected["prioritize"]
    urls = all_channel_urls(["conda-forge", "defaults", "conda-forge"], subdirs=["linux-64", "noarch"])
    assert list(urls) == expected["all_channel_urls"]


def test_token_never_in_str(condarc) -> None:
    condarc("empty")
    ch = Channel("https://conda.anaconda.org/t/tk-123-456/conda-forge/noarch")
    assert ch.token == "tk-123-456"
    assert "tk-123" not in str(ch) and "tk-123" not in repr(ch) and "tk-123" not in ch.base_url
    assert all("tk-123" not in u for u in ch.urls())
    assert all("/t/tk-123-456/" in u for u in ch.urls(with_credentials=True))


def test_cache_and_equality(condarc) -> None:
    condarc("empty")
    assert Channel("conda-forge") is Channel("conda-forge")
    assert Channel("conda-forge") == Channel("https://conda.anaconda.org/conda-forge/linux-64")
    assert Channel("conda-forge") == "conda-forge" and Channel("conda-forge") != "bioconda"
    assert hash(Channel("conda-forge")) == hash(Channel("https://conda.anaconda.org/conda-forge/"))
    ch = Channel("conda-forge")
    assert Channel(ch) is ch
    assert isinstance(Channel("defaults"), MultiChannel)


def test_reset_context_drops_cached_channels(condarc, use_condarc) -> None:
    condarc("empty")
    assert Channel("conda-forge").base_url == "https://conda.anaconda.org/conda-forge"
    use_condarc("channel_alias: https://mirror.example/api\n")
    assert Channel("conda-forge").base_url == "https://mirror.example/api/conda-forge"


def test_context_channel_properties(condarc) -> None:
    from conda_exports.configuration import context

    condarc("custom")
    assert context.channel_alias.location == "my.alias.example/conda" and context.channel_alias.scheme == "https"
    assert [c.location for c in context.migrated_channel_aliases] == ["old.alias.example"]
    assert [str(c) for c in context.default_channels] == [
        "https://mirror.example/pkgs/main",
        "https://mirror.example/pkgs/r",
    ]
    assert list(context.custom_multichannels)[:2] == ["team", "defaults"]
    assert context.custom_channels["mychan"].location == "host.example:8443/path"
    assert context.custom_channels["internal"].token == "tk-123"


def test_multichannel_with_platform(condarc) -> None:
    condarc("empty")
    ch = Channel("defaults/osx-64")
    assert isinstance(ch, MultiChannel) and ch.platform == "osx-64"
    assert ch.urls() == [
        "https://repo.anaconda.com/pkgs/main/osx-64",
        "https://repo.anaconda.com/pkgs/main/noarch",
        "https://repo.anaconda.com/pkgs/r/osx-64",
        "https://repo.anaconda.com/pkgs/r/noarch",
    ]
    assert ch.dump()["name"] == "defaults" and len(ch.dump()["channels"]) == 2
    assert Channel(channels=[{"name": "a", "location": "x.org", "scheme": "https"}], name="grp").urls(
        subdirs=["noarch"]
    ) == ["https://x.org/a/noarch"]


def test_bad_values(condarc) -> None:
    condarc("empty")
    with pytest.raises(TypeError):
        Channel(["conda-forge"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Channel("conda-forge").urls(subdirs="linux-64")


def test_get_conda_build_local_url(use_condarc, tmp_path: Path) -> None:
    use_condarc(f"croot: {tmp_path}/bld\n")
    assert get_conda_build_local_url() == (str(tmp_path / "bld"),)


@pytest.mark.parametrize("value", ["http://[", "/t/[", "https://host:99999/chan"])
def test_unparsable_urls_raise_a_typed_value_error(condarc, value: str) -> None:
    from conda_exports.exceptions import CondaValueError

    condarc("empty")
    with pytest.raises(CondaValueError, match="invalid channel") as info:
        Channel(value)
    assert isinstance(info.value, ValueError)


def test_arbitrary_strings_give_a_channel_or_a_value_error(condarc) -> None:
    hypothesis = pytest.importorskip("hypothesis")
    from conda_exports.exceptions import CondaValueError
    from hypothesis import strategies as st

    condarc("empty")
    pieces = st.sampled_from(
        ["a", "/", ":", "//", "https://", "file://", "/t/", "tk", "[", "%", "é", ".conda", "linux-64", "~", "."]
    )

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(st.one_of(st.text(max_size=20), st.lists(pieces, max_size=10).map("".join)))
    def check(text: str) -> None:
        try:
            ch = Channel(text)
        except CondaValueError:
            return
        assert isinstance(str(ch), str) and isinstance(ch.canonical_name, str)
        assert isinstance(ch.urls(), list)

    check()


def _custom_channel_by_segments(name: str, custom_channels: dict) -> object:
    """The lookup as it was written before (one ``rsplit`` per segment, quadratic in the
    segments of a long name): the reference for ``_custom_channel_of``."""
    while True:
        if name in custom_channels:
            return custom_channels[name]
        shorter = name.rsplit("/", 1)[0]
        if shorter == name:
            return None
        name = shorter


def test_custom_channel_lookup_is_the_segment_by_segment_one() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    from conda_exports.models.channel import _custom_channel_of
    from hypothesis import strategies as st

    names = st.text(alphabet="ab/", max_size=12)

    @hypothesis.settings(max_examples=500, deadline=None)
    @hypothesis.given(names, st.lists(names, max_size=5))
    def check(name: str, configured: list[str]) -> None:
        custom = {key: object() for key in configured}
        assert _custom_channel_of(name, custom) is _custom_channel_by_segments(name, custom)  # type: ignore[arg-type]

    check()


@pytest.mark.parametrize("rc", ["empty", "moved"])
def test_a_channel_name_of_many_segments_takes_linear_time(condarc, rc: str) -> None:
    """A name of ~1 MB in 500k segments: the configured-channel lookup used to strip one segment
    at a time (hundreds of seconds here); if this test hangs, it has become quadratic again."""
    condarc(rc)
    name = "team/" + "a/" * 500_000 + "b"
    ch = Channel(name)
    assert ch.name == name
    if rc == "moved":  # found as "team", the first segment, after stripping every other one
        assert (ch.location, ch.token) == ("repo.example:8080/base/path", "tk-77")
    assert Channel("x" + name[4:] + "/linux-64").platform == "linux-64"
