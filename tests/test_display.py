"""display_actions: conda 25.1's package plan, byte for byte; both backends.

The expected texts are written out by hand (from conda 25.1's format: ``%-27s|%17s`` download
rows, ``%15s`` sizes through ``human_bytes``, columns as wide as their widest entry).
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from conda_exports import Dist, PackageRecord, display_actions


def rec(name: str, version: str, build: str, build_number: int = 0, channel: str = "pkgs/main", **fields: Any) -> Any:
    return PackageRecord(
        name=name,
        version=version,
        build=build,
        build_number=build_number,
        channel=channel,
        subdir="linux-64",
        fn=f"{name}-{version}-{build}.conda",
        **fields,
    )


def text(expected: str) -> str:
    """An expected output written with ``$`` after trailing spaces (so editors and linters keep them)."""
    return expected.replace("$\n", "\n")


def show(capsys: pytest.CaptureFixture[str], actions: dict, index: dict, **kwargs: Any) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        display_actions(actions, index, **kwargs)
    return capsys.readouterr().out


NEW = [
    rec("zlib", "1.2.13", "h5eee18b_1", 1, size=105917),
    rec("python", "3.11.7", "h955ad1f_0", size=34_567_890),
    rec("openssl", "3.0.12", "h7f8727e_0", channel="conda-forge", size=5_432_100),
    rec("libffi", "3.4.4", "h6a678d5_1", 1, size=1_100),
    rec("numpy", "1.26.4", "py311h08b1b3b_0", size=8_000_000, features="mkl"),
]
OLD = [
    rec("zlib", "1.2.11", "h7b6447c_3", 3),
    rec("python", "3.12.0", "h955ad1f_0"),
    rec("openssl", "3.0.12", "h7f8727e_0"),
    rec("readline", "8.2", "h5eee18b_0"),
]
INDEX = {Dist(r): r for r in NEW + OLD}


def full_actions() -> dict:
    return {
        "PREFIX": "/opt/env",
        "FETCH": [Dist(r) for r in NEW],
        "LINK": [Dist(r) for r in NEW],
        "UNLINK": [Dist(r) for r in OLD],
    }


HEADER = """
## Package Plan ##

  environment location: /opt/env

  removed specs: $
    - readline

  added / updated specs: $
    - python 3.11
    - zlib

"""

DOWNLOADS_DEFAULT = """
The following packages will be downloaded:

    package                    |            build
    ---------------------------|-----------------
    zlib-1.2.13                |       h5eee18b_1         103 KB
    python-3.11.7              |       h955ad1f_0        33.0 MB
    openssl-3.0.12             |       h7f8727e_0         5.2 MB  conda-forge
    libffi-3.4.4               |       h6a678d5_1           1 KB
    numpy-1.26.4               |  py311h08b1b3b_0         7.6 MB
    ------------------------------------------------------------
                                           Total:        45.9 MB
"""

CHANGES_DEFAULT = """
The following NEW packages will be INSTALLED:

    libffi:   3.4.4-h6a678d5_1      $
    numpy:    1.26.4-py311h08b1b3b_0 [mkl]

The following packages will be REMOVED:

    readline: 8.2-h5eee18b_0        $

The following packages will be UPDATED:

    openssl:  3.0.12-h7f8727e_0      --> 3.0.12-h7f8727e_0 conda-forge
    zlib:     1.2.11-h7b6447c_3      --> 1.2.13-h5eee18b_1            $

The following packages will be DOWNGRADED:

    python:   3.12.0-h955ad1f_0      --> 3.11.7-h955ad1f_0            $

"""

DOWNLOADS_ALL = """
The following packages will be downloaded:

    package                    |            build
    ---------------------------|-----------------
    zlib-1.2.13                |       h5eee18b_1         103 KB  defaults
    python-3.11.7              |       h955ad1f_0        33.0 MB  defaults
    openssl-3.0.12             |       h7f8727e_0         5.2 MB  conda-forge
    libffi-3.4.4               |       h6a678d5_1           1 KB  defaults
    numpy-1.26.4               |  py311h08b1b3b_0         7.6 MB  defaults
    ------------------------------------------------------------
                                           Total:        45.9 MB
"""

CHANGES_ALL = """
The following NEW packages will be INSTALLED:

    libffi:   3.4.4-h6a678d5_1       defaults
    numpy:    1.26.4-py311h08b1b3b_0 defaults [mkl]

The following packages will be REMOVED:

    readline: 8.2-h5eee18b_0         defaults

The following packages will be UPDATED:

    openssl:  3.0.12-h7f8727e_0      defaults --> 3.0.12-h7f8727e_0 conda-forge
    zlib:     1.2.11-h7b6447c_3      defaults --> 1.2.13-h5eee18b_1 defaults   $

The following packages will be DOWNGRADED:

    python:   3.12.0-h955ad1f_0      defaults --> 3.11.7-h955ad1f_0 defaults   $

"""

DOWNLOADS_NONE = DOWNLOADS_DEFAULT.replace("  conda-forge", "")

CHANGES_NONE = """
The following NEW packages will be INSTALLED:

    libffi:   3.4.4-h6a678d5_1      $
    numpy:    1.26.4-py311h08b1b3b_0 [mkl]

The following packages will be REMOVED:

    readline: 8.2-h5eee18b_0        $

The following packages will be UPDATED:

    openssl:  3.0.12-h7f8727e_0      --> 3.0.12-h7f8727e_0
    zlib:     1.2.11-h7b6447c_3      --> 1.2.13-h5eee18b_1

The following packages will be DOWNGRADED:

    python:   3.12.0-h955ad1f_0      --> 3.11.7-h955ad1f_0

"""


@pytest.mark.parametrize(
    ("show_channel_urls", "expected"),
    [
        pytest.param(None, HEADER + DOWNLOADS_DEFAULT + CHANGES_DEFAULT, id="default"),
        pytest.param(True, HEADER + DOWNLOADS_ALL + CHANGES_ALL, id="channel-urls"),
        pytest.param(False, HEADER + DOWNLOADS_NONE + CHANGES_NONE, id="no-channel-urls"),
    ],
)
def test_full_plan(capsys: pytest.CaptureFixture[str], show_channel_urls: bool | None, expected: str) -> None:
    out = show(
        capsys,
        full_actions(),
        INDEX,
        show_channel_urls=show_channel_urls,
        specs_to_add=["zlib", "python 3.11"],
        specs_to_remove=["readline"],
    )
    assert out == text(expected)


def test_show_channel_urls_comes_from_the_context(capsys: pytest.CaptureFixture[str], use_condarc: Any) -> None:
    use_condarc("show_channel_urls: true\n")
    out = show(capsys, full_actions(), INDEX, specs_to_add=["zlib", "python 3.11"], specs_to_remove=["readline"])
    assert out == text(HEADER + DOWNLOADS_ALL + CHANGES_ALL)


def test_superseded_by_a_higher_priority_channel(capsys: pytest.CaptureFixture[str]) -> None:
    old, new = rec("a", "1.0", "0"), rec("a", "1.0", "0", channel="conda-forge")
    old.priority, new.priority = 2, 1
    index = {Dist(old): old, Dist(new): new}
    expected = """
## Package Plan ##


The following packages will be SUPERSEDED by a higher-priority channel:

    a: 1.0-0 {old}--> 1.0-0 conda-forge

"""
    actions = {"LINK": [Dist(new)], "UNLINK": [Dist(old)]}
    assert show(capsys, dict(actions), index) == expected.format(old="")
    assert show(capsys, dict(actions), index, show_channel_urls=True) == expected.format(old="defaults ")


def test_without_priorities_the_same_version_counts_as_updated(capsys: pytest.CaptureFixture[str]) -> None:
    old, new = rec("a", "1.0", "0"), rec("a", "1.0", "0", channel="conda-forge")
    out = show(capsys, {"LINK": [Dist(new)], "UNLINK": [Dist(old)]}, {Dist(old): old, Dist(new): new})
    assert "UPDATED:\n\n    a: 1.0-0 --> 1.0-0 conda-forge\n" in out


def test_one_download_has_no_total_line(capsys: pytest.CaptureFixture[str]) -> None:
    tk = rec("tk", "8.6.12", "h1ccaba5_0", size=3_300_000)
    assert show(capsys, {"FETCH": [Dist(tk)]}, {Dist(tk): tk}) == (
        "\n## Package Plan ##\n\n"
        "\nThe following packages will be downloaded:\n\n"
        "    package                    |            build\n"
        "    ---------------------------|-----------------\n"
        "    tk-8.6.12                  |       h1ccaba5_0         3.1 MB\n"
        "\n"
    )


def test_an_empty_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert show(capsys, {}, {}) == "\n## Package Plan ##\n\n\n"


def test_an_empty_environment_to_create(capsys: pytest.CaptureFixture[str]) -> None:
    out = show(capsys, {"PREFIX": "/x", "SYMLINK_CONDA": ["/root"]}, {})
    assert out == (
        "\n## Package Plan ##\n\n  environment location: /x\n\n"
        "\nThe following empty environments will be CREATED:\n\n/x\n\n"
    )


def test_channels_from_url_and_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    bio = rec("u", "1", "0", url="https://conda.anaconda.org/bioconda/linux-64/u-1-0.conda", channel="bioconda")
    bare = PackageRecord(name="n", version="2", build="b", build_number=0, fn="n-2-b.tar.bz2")
    index = {Dist(bio): bio, Dist(bare): bare}
    expected = (
        "\n## Package Plan ##\n\n"
        "\nThe following NEW packages will be INSTALLED:\n\n"
        "    n: 2-b <unknown>\n"
        "    u: 1-0 bioconda \n"
        "\n"
    )
    assert show(capsys, {"LINK": [Dist(bio), Dist(bare)]}, index) == expected
    assert show(capsys, {"LINK": [Dist(bio), Dist(bare)]}, index, show_channel_urls=True) == expected


def test_features_build_numbers_and_custom_versions(capsys: pytest.CaptureFixture[str]) -> None:
    pairs = [
        (rec("f", "1.0", "1", 1, features="mkl"), rec("f", "1.0", "2", 2, features="nomkl blas")),
        (rec("g", "1.0", "5", 5), rec("g", "1.0", "2", 2)),
        (rec("h", "custom", "0"), rec("h", "1.0", "0")),
    ]
    index = {Dist(r): r for pair in pairs for r in pair}
    actions = {"LINK": [Dist(new) for _, new in pairs], "UNLINK": [Dist(old) for old, _ in pairs]}
    assert show(capsys, actions, index, show_channel_urls=True) == (
        "\n## Package Plan ##\n\n"
        "\nThe following packages will be UPDATED:\n\n"
        "    f: 1.0-1    defaults [mkl] --> 1.0-2 defaults [nomkl,blas]\n"
        "    h: custom-0 defaults --> 1.0-0 defaults\n"
        "\nThe following packages will be DOWNGRADED:\n\n"
        "    g: 1.0-5    defaults --> 1.0-2 defaults\n"
        "\n"
    )


def test_the_action_lists_become_records_in_the_callers_dict(capsys: pytest.CaptureFixture[str]) -> None:
    actions = full_actions()
    show(capsys, actions, INDEX)
    assert actions["FETCH"] == NEW and actions["LINK"] == NEW and actions["UNLINK"] == OLD
    assert all(isinstance(r, PackageRecord) for r in actions["LINK"])
    assert actions["PREFIX"] == "/opt/env"


def test_a_dist_missing_from_the_index_is_a_key_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(KeyError):
        show(capsys, {"LINK": [Dist(NEW[0])]}, {})


def test_warns_as_deprecated_like_conda(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.warns(DeprecationWarning) as caught:
        display_actions(full_actions(), INDEX)
    messages = [str(w.message) for w in caught]
    assert messages == [
        "conda.plan.display_actions is deprecated and will be removed in 25.3. Unused.",
        "conda.plan.print_dists is deprecated and will be removed in 25.3. Unused.",
    ]
    assert all(w.filename == __file__ for w in caught)
