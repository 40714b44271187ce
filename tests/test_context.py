"""The configuration context: search path, precedence, merge rules, flags, env vars, derived values.

Expected values were checked against conda 25.1.1 run on the same files.
"""

from __future__ import annotations

import os
import platform
import stat
import struct
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

import pytest
from conda_exports.configuration import (
    ConfigurationWarning,
    Context,
    context,
    non_x86_machines,
    reset_context,
    sys_rc_path,
)
from conda_exports.constants import DEFAULT_CHANNELS, DEFAULT_CHANNELS_WIN, SEARCH_PATH, ChannelPriority
from conda_exports.exceptions import (
    CondaError,
    ConfigurationLoadError,
    CustomValidationError,
    InvalidTypeError,
    MultipleKeysError,
    ValidationError,
)
from hypothesis import given, settings
from hypothesis import strategies as st

# no kernel is involved, so one backend is enough
pytestmark = pytest.mark.one_backend

context_module = import_module("conda_exports.configuration")  # the module (conda_exports.context is the object)

# The user-level part of conda's search path: every entry a test may create (no /etc, /var/lib).
USER_SEARCH_PATH = tuple(p for p in SEARCH_PATH if not p.startswith(("/etc/", "/var/lib/", "C:/ProgramData")))


@pytest.fixture
def user_search_path(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    """USER_SEARCH_PATH, with sys.prefix (where $CONDA_PREFIX points when unset) an empty directory."""
    monkeypatch.setattr(sys, "prefix", str(tmp_path_factory.mktemp("sys-prefix")))
    return USER_SEARCH_PATH


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def files(tmp_path: Path, *texts: str) -> list[str]:
    """Writes each text as its own condarc, returns their paths lowest priority first."""
    return [str(write(tmp_path / f"{i}.yml", text)) for i, text in enumerate(texts)]


# --- the search path ----------------------------------------------------------------------


def test_search_path_is_condas() -> None:
    system = (
        (
            "C:/ProgramData/conda/.condarc",
            "C:/ProgramData/conda/condarc",
            "C:/ProgramData/conda/condarc.d",
        )
        if sys.platform.startswith("win")
        else (
            "/etc/conda/.condarc",
            "/etc/conda/condarc",
            "/etc/conda/condarc.d/",
            "/var/lib/conda/.condarc",
            "/var/lib/conda/condarc",
            "/var/lib/conda/condarc.d/",
        )
    )
    assert SEARCH_PATH == system + (
        "$CONDA_ROOT/.condarc",
        "$CONDA_ROOT/condarc",
        "$CONDA_ROOT/condarc.d/",
        "$XDG_CONFIG_HOME/conda/.condarc",
        "$XDG_CONFIG_HOME/conda/condarc",
        "$XDG_CONFIG_HOME/conda/condarc.d/",
        "~/.config/conda/.condarc",
        "~/.config/conda/condarc",
        "~/.config/conda/condarc.d/",
        "~/.conda/.condarc",
        "~/.conda/condarc",
        "~/.conda/condarc.d/",
        "~/.condarc",
        "$CONDA_PREFIX/.condarc",
        "$CONDA_PREFIX/condarc",
        "$CONDA_PREFIX/condarc.d/",
        "$CONDARC",
    )
    assert sys_rc_path == os.path.join(sys.prefix, ".condarc")


# (env var to set or None, path of the file relative to that variable's directory or HOME)
SOURCES = [
    ("CONDA_ROOT", ".condarc"),
    ("CONDA_ROOT", "condarc"),
    ("CONDA_ROOT", "condarc.d/a.yml"),
    ("XDG_CONFIG_HOME", "conda/.condarc"),
    ("XDG_CONFIG_HOME", "conda/condarc"),
    ("XDG_CONFIG_HOME", "conda/condarc.d/a.yaml"),
    (None, ".config/conda/.condarc"),
    (None, ".config/conda/condarc"),
    (None, ".config/conda/condarc.d/a.yml"),
    (None, ".conda/.condarc"),
    (None, ".conda/condarc"),
    (None, ".conda/condarc.d/a.yml"),
    (None, ".condarc"),
    ("CONDA_PREFIX", ".condarc"),
    ("CONDA_PREFIX", "condarc"),
    ("CONDA_PREFIX", "condarc.d/a.yml"),
    ("CONDARC", "mine/.condarc"),
    ("CONDARC", "mine/settings.yml"),
]


@pytest.mark.parametrize("variable,relative", SOURCES)
def test_each_search_path_source_is_read(
    user_search_path: tuple[str, ...],
    variable: str | None,
    relative: str,
    isolated_config: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if variable is None:
        path = write(isolated_config / relative, "channels: [from-source]\n")
    elif variable == "CONDARC":
        path = write(tmp_path / relative, "channels: [from-source]\n")
        monkeypatch.setenv("CONDARC", str(path))
    else:
        path = write(tmp_path / relative, "channels: [from-source]\n")
        monkeypatch.setenv(variable, str(tmp_path))
    reset_context(user_search_path)
    assert context.search_path == (str(path),)
    assert context.channels == ("from-source",)


def test_condarc_variable_needs_a_condarc_name_or_yaml_suffix(
    user_search_path: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONDARC", str(write(tmp_path / "settings.txt", "channels: [x]\n")))
    reset_context(user_search_path)
    assert context.search_path == ()


def test_condarc_variable_may_name_a_directory(
    user_search_path: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "rc" / "b.yml", "channels: [b]\n")
    write(tmp_path / "rc" / "a.yaml", "channels: [a]\n")
    monkeypatch.setenv("CONDARC", str(tmp_path / "rc"))
    reset_context(user_search_path)
    assert context.channels == ("b", "a")


def test_root_prefix_condarc_is_read_when_no_environment_is_active(
    user_search_path: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With CONDA_PREFIX unset, conda's $CONDA_PREFIX/.condarc means <sys.prefix>/.condarc.
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    path = write(tmp_path / ".condarc", "channels: [from-sys-prefix]\n")
    reset_context(user_search_path)
    assert context.search_path == (str(path),)
    assert context.channels == ("from-sys-prefix",)


def test_conda_default_env_path_names_the_prefix_to_read(
    user_search_path: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "env1" / ".condarc", "channels: [env1]\n")
    monkeypatch.setenv("CONDA_DEFAULT_ENV", str(tmp_path / "env1"))
    reset_context(user_search_path)
    assert context.search_path == (str(path),)
    assert context.default_prefix == str(tmp_path / "env1")


def test_condarc_d_contributes_yaml_files_in_name_order(
    user_search_path: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "condarc.d"
    for name in ("b.yml", "a.yaml", "10.yml", "c.txt", "d.json"):
        write(directory / name, f"channels: [{name}]\n")
    (directory / "z.yml").mkdir()  # a directory is not a file
    monkeypatch.setenv("CONDA_ROOT", str(tmp_path))
    reset_context(user_search_path)
    assert [Path(p).name for p in context.search_path] == ["10.yml", "a.yaml", "b.yml"]
    assert context.channels == ("b.yml", "a.yaml", "10.yml")


def test_precedence_of_the_user_sources(
    user_search_path: tuple[str, ...], isolated_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = tmp_path / "prefix"
    write(isolated_config / ".config/conda/.condarc", "offline: true\nbld_path: /xdg\nssl_verify: false\n")
    write(isolated_config / ".conda/condarc", "bld_path: /dot-conda\nsubdir: linux-32\n")
    write(isolated_config / ".condarc", "bld_path: /home\nsubdir: osx-64\nchannel_alias: https://home.example\n")
    write(prefix / ".condarc", "subdir: win-64\nchannel_alias: https://prefix.example\n")
    condarc = write(tmp_path / "rc.yml", "channel_alias: https://condarc.example\n")
    monkeypatch.setenv("CONDA_PREFIX", str(prefix))
    monkeypatch.setenv("CONDARC", str(condarc))
    reset_context(user_search_path)
    assert context.offline is True  # only one source
    assert context.ssl_verify is False
    assert context.bld_path == "/home"  # ~/.condarc over ~/.conda/condarc over ~/.config
    assert context.subdir == "win-64"  # $CONDA_PREFIX over ~/.condarc
    assert context.channel_alias_url == "https://condarc.example"  # $CONDARC last
    monkeypatch.setenv("CONDA_CHANNEL_ALIAS", "https://env.example")
    reset_context(user_search_path)
    assert context.channel_alias_url == "https://env.example"  # variables over every file


def test_explicit_path_objects_are_taken_as_given(tmp_path: Path) -> None:
    path = write(tmp_path / "$NOT_EXPANDED" / ".condarc", "offline: true\n")
    reset_context([path])
    assert context.offline is True


# --- merge rules ------------------------------------------------------------------------------


def test_scalar_last_source_wins(tmp_path: Path) -> None:
    reset_context(files(tmp_path, "offline: true\nbld_path: /a\n", "offline: false\n"))
    assert context.offline is False
    assert context.bld_path == "/a"


def test_sequences_merge_later_sources_first_without_duplicates(tmp_path: Path) -> None:
    reset_context(files(tmp_path, "channels: [a1, a2, shared]\n", "channels: [b1, shared]\n", "channels: [c1]\n"))
    assert context.channels == ("c1", "b1", "shared", "a1", "a2")


def test_duplicates_within_one_source_are_dropped(use_condarc) -> None:
    use_condarc("channels: [a, b, a]\n")
    assert context.channels == ("a", "b")


def test_maps_merge_key_by_key(tmp_path: Path) -> None:
    reset_context(
        files(
            tmp_path,
            "proxy_servers:\n  http: a-http\n  ftp: a-ftp\ncustom_channels:\n  foo: https://a\n",
            "proxy_servers:\n  http: b-http\n  https: b-https\ncustom_channels:\n  bar: https://b\n",
        )
    )
    assert context.proxy_servers == {"http": "b-http", "ftp": "a-ftp", "https": "b-https"}
    # a configured map replaces the default (pkgs/pro) instead of merging with it, as in conda
    assert context.custom_channel_urls == {"foo": "https://a", "bar": "https://b"}


def test_map_of_lists_merges_each_list(tmp_path: Path) -> None:
    reset_context(
        files(
            tmp_path,
            "custom_multichannels:\n  mine: [https://x/a, https://x/b]\n",
            "custom_multichannels:\n  mine: [https://x/c]\n  other: [q]\n",
        )
    )
    urls = context.custom_multichannel_urls
    assert urls["mine"] == ("https://x/c", "https://x/a", "https://x/b")
    assert urls["other"] == ("q",)
    assert list(urls)[-2:] == ["defaults", "local"]


def test_null_collections_count_as_unset(tmp_path: Path) -> None:
    reset_context(files(tmp_path, "channels: [b]\nproxy_servers: {http: x}\n", "channels:\nproxy_servers: ~\n"))
    assert context.channels == ("b",)
    assert context.proxy_servers == {"http": "x"}


# --- flags ------------------------------------------------------------------------------------


def test_final_scalar_stops_later_sources(tmp_path: Path) -> None:
    reset_context(files(tmp_path, "offline: true  #!final\nbld_path: /a #!final\n", "offline: false\nbld_path: /b\n"))
    assert context.offline is True
    assert context.bld_path == "/a"


def test_final_cannot_be_overridden_by_condarc_variable_or_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    system = write(tmp_path / "system" / ".condarc", "channels: #!final\n  - locked\noffline: true #!final\n")
    user = write(tmp_path / "user.yml", "channels: [mine]\noffline: false\n")
    monkeypatch.setenv("CONDARC", str(user))
    monkeypatch.setenv("CONDA_OFFLINE", "false")
    monkeypatch.setenv("CONDA_CHANNELS", "env1,env2")
    reset_context([str(system), "$CONDARC"])
    assert context.channels == ("locked",)
    assert context.offline is True


def test_final_sequence_keeps_earlier_sources(tmp_path: Path) -> None:
    reset_context(files(tmp_path, "channels: [a0]\n", "channels: #!final\n  - a1\n", "channels: [b1, a1]\n"))
    assert context.channels == ("a1", "a0")


def test_final_map_entry(tmp_path: Path) -> None:
    reset_context(
        files(
            tmp_path,
            "proxy_servers:\n  http: a-http #!final\n  https: a-https\n",
            "proxy_servers:\n  http: b\n  https: b\n",
        )
    )
    assert context.proxy_servers == {"http": "a-http", "https": "b"}


def test_final_map_key(tmp_path: Path) -> None:
    reset_context(files(tmp_path, "proxy_servers: #!final\n  http: a\n", "proxy_servers:\n  https: b\n"))
    assert context.proxy_servers == {"http": "a"}


def test_top_and_bottom_place_items(tmp_path: Path) -> None:
    reset_context(
        files(
            tmp_path,
            "channels:\n  - a1  #!top\n  - a2\n  - a3  #!bottom\n",
            "channels:\n  - b1\n  - b2  #!bottom\n  - b3 #!top\n",
            "channels:\n  - c1\n",
        )
    )
    assert context.channels == ("a1", "b3", "c1", "b1", "a2", "b2", "a3")


def test_bottom_wins_over_top_for_the_same_item(tmp_path: Path) -> None:
    reset_context(files(tmp_path, "channels:\n  - x  #!top\n", "channels:\n  - x  #!bottom\n  - y\n"))
    assert context.channels == ("y", "x")


@pytest.mark.parametrize(
    "text,final",
    [
        ("offline: true  #!final\n", True),
        ("offline: true #final\n", True),  # '#' and '!' are stripped from both ends
        ("offline: true ##!!final!#\n", True),
        ("offline: true\n#!final\n", True),  # a comment on the next line belongs to the value before it
        ("offline: true  # !final\n", False),  # a space inside the marker
        ("offline: true  #!FINAL\n", False),
        ("offline: true  #!final extra\n", False),
        ("offline: true  #!final\n# another comment\n", False),  # ruamel joins both comments
        ("offline: true  #!final\n\n", True),
    ],
)
def test_comment_forms_that_count_as_flags(tmp_path: Path, text: str, final: bool) -> None:
    reset_context(files(tmp_path, text, "offline: false\n"))
    assert context.offline is final


def test_comment_after_block_key_flags_the_key(tmp_path: Path) -> None:
    first = "channels:   #!final\n  - a1\npkgs_dirs:  #!final\n  # a second comment spoils it\n  - /p1\n"
    reset_context(files(tmp_path, first, "channels: [b]\npkgs_dirs: [/q]\n"))
    assert context.channels == ("a1",)
    assert context._pkgs_dirs == ("/q", "/p1")


def test_comment_after_the_last_item_flags_that_item(tmp_path: Path) -> None:
    reset_context(files(tmp_path, "channels:\n  - a1\n  - a2\n  #!top\noffline: true\n", "channels: [b]\n"))
    assert context.channels == ("a2", "b", "a1")


def test_flow_sequence_flag_is_the_keys(tmp_path: Path) -> None:
    reset_context(files(tmp_path, "channels: [a1, a2]  #!final\n", "channels: [b]\n"))
    assert context.channels == ("a1", "a2")


def test_nested_flags(tmp_path: Path) -> None:
    first = "custom_multichannels:\n  m:   #!final\n    - u1\n    - u2\n"
    reset_context(files(tmp_path, first, "custom_multichannels:\n  m: [v1]\n"))
    assert context.custom_multichannel_urls["m"] == ("u1", "u2")


def test_no_comments_no_flags(tmp_path: Path) -> None:
    reset_context(files(tmp_path, "channels: ['#!final']\noffline: '#!final'\n", "channels: [b]\n"))
    assert context.channels == ("b", "#!final")


# --- environment variables --------------------------------------------------------------------


def test_env_lists_split_as_conda_splits_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONDA_PKGS_DIRS", "/p1, /p2,,/p1")
    monkeypatch.setenv("CONDA_ENVS_DIRS", os.pathsep.join(["/e1", " /e2", ""]))
    monkeypatch.setenv("CONDA_CHANNELS", "a, b ,c")
    reset_context(())
    assert context.pkgs_dirs == ("/p1", "/p2")
    assert context.envs_dirs[:2] == ("/e1", "/e2")
    assert context.channels == ("a", "b", "c")


def test_envs_path_is_an_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONDA_ENVS_PATH", os.pathsep.join(["/e1", "/e2"]))
    reset_context(())
    assert context.envs_dirs[:2] == ("/e1", "/e2")


def test_two_aliases_in_one_source_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONDA_ENVS_PATH", "/e1")
    monkeypatch.setenv("CONDA_ENVS_DIRS", "/e2")
    reset_context(())
    with pytest.raises(MultipleKeysError, match="Multiple aliased keys in file envvars"):
        _ = context.envs_dirs


def test_env_scalars_are_coerced(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "CONDA_OFFLINE": "yes",
        "CONDA_ANACONDA_UPLOAD": "false",
        "CONDA_SUBDIR": "osx-arm64",
        "CONDA_DEFAULT_THREADS": "4",
        "CONDA_CHANNEL_PRIORITY": "strict",
        "CONDA_SSL_VERIFY": "false",
        "CONDA_ALWAYS_YES": "none",
        "CONDA_LOCAL_REPODATA_TTL": "7",
        "CONDA_ROOT_PREFIX": "/opt/root",
    }.items():
        monkeypatch.setenv(name, value)
    reset_context(())
    assert context.offline is True
    assert context.anaconda_upload is False
    assert context.subdir == "osx-arm64"
    assert context.default_threads == 4
    assert context.channel_priority == ChannelPriority.STRICT == "strict"
    assert context.ssl_verify is False
    assert context.always_yes is None
    assert context.local_repodata_ttl == 7
    assert context.root_prefix == os.path.abspath("/opt/root")


def test_channel_priority_takes_booleans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONDA_CHANNEL_PRIORITY", "true")
    reset_context(())
    assert context.channel_priority is ChannelPriority.FLEXIBLE
    monkeypatch.setenv("CONDA_CHANNEL_PRIORITY", "False")
    reset_context(())
    assert context.channel_priority is ChannelPriority.DISABLED


def test_important_env_value_overrides_a_final_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # "!important" makes the variable final too; the first final source (the file) still wins.
    monkeypatch.setenv("CONDA_OFFLINE", "false!important")
    monkeypatch.setenv("CONDA_CHANNELS", "x,y!important")
    reset_context(files(tmp_path, "offline: true #!final\n"))
    assert context.offline is True
    assert context.channels == ("x", "y")


@pytest.mark.parametrize(
    "variable,attribute",
    [
        ("CONDA_PROXY_SERVERS", "proxy_servers"),
        ("CONDA_CUSTOM_MULTICHANNELS", "custom_multichannel_urls"),
        ("CONDA_CHANNEL_SETTINGS", "channel_settings"),
    ],
)
def test_env_maps_are_type_errors(monkeypatch: pytest.MonkeyPatch, variable: str, attribute: str) -> None:
    monkeypatch.setenv(variable, "http://x,y")
    reset_context(())
    with pytest.raises(InvalidTypeError, match="declared in envvars"):
        getattr(context, attribute)


@pytest.mark.parametrize(
    "variable,value,attribute,message",
    [
        ("CONDA_OFFLINE", "maybe", "offline", "The value 'maybe' cannot be boolified."),
        ("CONDA_DEFAULT_THREADS", "many", "default_threads", "invalid literal for int"),
        ("CONDA_CHANNEL_PRIORITY", "sometimes", "channel_priority", "Valid choices for channel_priority"),
    ],
)
def test_bad_env_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, attribute: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    reset_context(())
    with pytest.raises(CustomValidationError) as info:
        getattr(context, attribute)
    assert message in str(info.value)
    assert "declared in envvars" in str(info.value)
    assert context.pkgs_dirs  # other settings still work


def test_env_argument_replaces_os_environ(tmp_path: Path) -> None:
    path = write(tmp_path / "rc" / ".condarc", "pkgs_dirs: [$CACHE_ROOT/pkgs]\n")
    env = {"CONDARC": str(path), "CONDA_OFFLINE": "true", "CACHE_ROOT": "/cache"}
    reset_context(["$CONDARC"], env=env)
    assert context.offline is True
    assert context.pkgs_dirs == ("/cache/pkgs",)
    assert context.search_path == (str(path),)


# --- expansion ------------------------------------------------------------------------------------


def test_variables_and_home_expand_in_path_values(
    isolated_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MYVAR", "/myvar")
    monkeypatch.setenv("MYHOST", "host.example")
    monkeypatch.delenv("NOPE", raising=False)
    text = """\
        pkgs_dirs:
          - $MYVAR/pkgs
          - ${MYVAR}/p2
          - ~/p3
          - $NOPE/p4
        channels: [$MYVAR/ch]
        croot: ~/croot
        channel_alias: https://$MYHOST
        root_prefix: ~/root
        subdir: $MYVAR
        """
    reset_context(files(tmp_path, text))
    home = str(isolated_config)
    assert context.pkgs_dirs == ("/myvar/pkgs", "/myvar/p2", f"{home}/p3", os.path.abspath("$NOPE/p4"))
    assert context.channels == ("/myvar/ch",)
    assert context.croot == f"{home}/croot"
    assert context.channel_alias_url == "https://host.example"
    assert context.root_prefix == f"{home}/root"
    assert context.subdir == "$MYVAR"  # subdir is not a setting conda expands


def test_expansion_in_maps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PXHOST", "proxy.local")
    reset_context(files(tmp_path, "proxy_servers:\n  http: http://$PXHOST:8080\ncustom_channels:\n  c: $PXHOST\n"))
    assert context.proxy_servers == {"http": "http://proxy.local:8080"}
    assert context.custom_channel_urls["c"] == "proxy.local"


# --- values and types --------------------------------------------------------------------------


def test_yaml_1_2_scalars_as_conda_reads_them(use_condarc) -> None:
    use_condarc("channels: [yes, no, on, off, 0o17, 017, 0x1F, 1_000, 2024-01-02]\noffline: on\nalways_yes: yes\n")
    assert context.channels == ("yes", "no", "on", "off", "15", "17", "31", "1000", "2024-01-02")
    assert context.offline is True  # the string "on", coerced to a boolean
    assert context.always_yes is True


def test_values_coerced_to_the_settings_type(use_condarc) -> None:
    use_condarc("channels: [1, 2.5, true, null]\nbld_path: 5\ndefault_python: 3.10\nremote_connect_timeout_secs: 3\n")
    # true equals 1, so conda's de-duplication drops it before the items become strings
    assert context.channels == ("1", "2.5", "None")
    assert context.bld_path == "5"
    assert context.default_python == "3.1"
    assert context.remote_connect_timeout_secs == 3


def test_unknown_keys_are_kept_and_ignored(use_condarc) -> None:
    path = use_condarc("unknown_key: 1\nchannels: [a]\nnested: {x: [1]}\n2: two\n")
    assert context.channels == ("a",)
    assert context.raw_data[str(path)]["unknown_key"] == 1


def test_wrong_type_names_the_key_and_file(use_condarc) -> None:
    path = use_condarc("channels: conda-forge\n")
    with pytest.raises(InvalidTypeError) as info:
        _ = context.channels
    assert isinstance(info.value, ValidationError) and isinstance(info.value, CondaError)
    assert "channels" in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize(
    "text,attribute",
    [
        ("offline: maybe\n", "offline"),
        ("proxy_servers: [a]\n", "proxy_servers"),
        ("default_threads: x\n", "default_threads"),
        ("offline: [true]\n", "offline"),
        ("pkgs_dirs: {a: b}\n", "pkgs_dirs"),
        ("channel_alias: notaurl\n", "channel_alias_url"),
        ("default_python: '5.1'\n", "default_python"),
        ("ssl_verify: /nonexistent/bundle.pem\n", "ssl_verify"),
    ],
)
def test_bad_values_raise_validation_errors_naming_the_file(use_condarc, text: str, attribute: str) -> None:
    path = use_condarc(text)
    with pytest.raises(ValidationError) as info:
        getattr(context, attribute)
    assert str(path) in str(info.value)


def test_default_python_message_shows_the_value_as_conda_parsed_it(use_condarc) -> None:
    # conda turns "4.10" into the float 4.1 before it reports it
    use_condarc("default_python: '4.10'\n")
    with pytest.raises(ValidationError) as info:
        _ = context.default_python
    assert "default_python value '4.1' not of the form" in str(info.value)


def test_alias_conflict_in_one_file(use_condarc) -> None:
    use_condarc("channels: [x]\nchannel: [y]\n")
    with pytest.raises(MultipleKeysError):
        _ = context.channels


def test_aliases(use_condarc) -> None:
    use_condarc("channel: [x]\nverify_ssl: false\nbinstar_upload: true\nadd_binstar_token: false\nroot_dir: /rd\n")
    assert context.channels == ("x",)
    assert context.ssl_verify is False
    assert context.anaconda_upload is True and context.binstar_upload is True
    assert context.add_anaconda_token is False
    assert context.root_prefix == os.path.abspath("/rd") == context.root_dir


# --- malformed, unreadable and empty files --------------------------------------------------------


@pytest.mark.parametrize(
    "text,line",
    [
        ("channels: [a\n", 2),
        ("a: b: c\n", 1),
        ("offline: true\nchannels:\n\t- a\n", 3),
    ],
)
def test_malformed_yaml_names_file_and_line(tmp_path: Path, text: str, line: int) -> None:
    path = write(tmp_path / ".condarc", text)
    lazy = Context([str(path)])  # nothing read yet
    with pytest.raises(ConfigurationLoadError) as info:
        _ = lazy.channels
    assert isinstance(info.value, CondaError)
    assert str(path) in str(info.value)
    assert f"line {line}," in str(info.value)
    with pytest.raises(ConfigurationLoadError):  # still raises on the next use
        _ = lazy.pkgs_dirs


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a string\n", "42\n"])
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str) -> None:
    path = write(tmp_path / ".condarc", text)
    with pytest.raises(ConfigurationLoadError, match="not a mapping"):
        reset_context([str(path)])


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / ".condarc"
    path.write_bytes(b"channels: [\xff]\n")
    with pytest.raises(ConfigurationLoadError, match="UTF-8"):
        reset_context([str(path)])


def test_unreadable_file_is_skipped_with_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = write(tmp_path / "bad" / ".condarc", "channels: [bad]\n")
    good = write(tmp_path / "good" / ".condarc", "channels: [good]\n")
    bad.chmod(0)
    if os.access(bad, os.R_OK):  # running as root: make the read fail another way

        def parse(path: str) -> dict:
            if path == str(bad):
                raise PermissionError(13, "Permission denied", path)
            return real_parse(path)

        real_parse = context_module.parse_file
        monkeypatch.setattr(context_module, "parse_file", parse)
    try:
        with pytest.warns(ConfigurationWarning, match="bad"):
            reset_context([str(bad), str(good)])
    finally:
        bad.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert context.channels == ("good",)
    assert context.search_path == (str(bad), str(good))
    assert context.config_files == (str(good),)


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "\n\n"])
def test_empty_files_set_nothing(tmp_path: Path, text: str) -> None:
    reset_context(files(tmp_path, "offline: true\n", text))
    assert context.offline is True


# --- derived values ------------------------------------------------------------------------------


def test_root_prefix_defaults_to_sys_prefix_and_conda_root_only_adds_a_search_place(
    user_search_path: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONDA_ROOT", str(tmp_path))
    reset_context(user_search_path)
    assert context.root_prefix == os.path.abspath(sys.prefix)
    assert context.root_dir == context.root_prefix


def test_default_prefix_is_conda_prefix_exactly_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONDA_PREFIX", "relative/env/")
    reset_context(())
    assert context.default_prefix == "relative/env/"
    monkeypatch.delenv("CONDA_PREFIX")
    assert context.default_prefix == context.root_prefix


def test_default_prefix_from_an_environment_name(isolated_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONDA_DEFAULT_ENV", "myenv")
    reset_context(())
    assert context.default_prefix == os.path.join(context.envs_dirs[0], "myenv")
    monkeypatch.setenv("CONDA_DEFAULT_ENV", "base")
    assert context.default_prefix == context.root_prefix


def make_root(root: Path, writable: bool) -> Path:
    if writable:
        write(root / "conda-meta" / "history", "")
    else:
        root.mkdir(parents=True, exist_ok=True)
    return root


@pytest.mark.parametrize("writable", [True, False])
def test_envs_dirs_order_follows_root_writable(
    use_condarc, isolated_config: Path, tmp_path: Path, writable: bool
) -> None:
    root = make_root(tmp_path / "root", writable)
    use_condarc(f"root_prefix: {root}\n")
    assert context.root_writable is writable
    user_envs = str(isolated_config / ".conda" / "envs")
    root_envs = str(root / "envs")
    assert context.envs_dirs == ((root_envs, user_envs) if writable else (user_envs, root_envs))
    # pkgs_dirs keep the root first either way, as in conda 25.1
    assert context.pkgs_dirs == (str(root / "pkgs"), str(isolated_config / ".conda" / "pkgs"))


def test_configured_envs_dirs_come_first(use_condarc, isolated_config: Path, tmp_path: Path) -> None:
    root = make_root(tmp_path / "root", True)
    use_condarc(f"root_prefix: {root}\nenvs_dirs: [/x/envs]\n")
    assert context.envs_dirs == ("/x/envs", str(root / "envs"), str(isolated_config / ".conda" / "envs"))


def test_force_32bit(use_condarc) -> None:
    use_condarc("force_32bit: true\n")
    assert context.bits == 32
    assert all(path.endswith("pkgs32") for path in context.pkgs_dirs)


@pytest.mark.parametrize(
    "sys_platform,machine,bits,subdir,arch",
    [
        ("linux", "x86_64", 64, "linux-64", "x86_64"),
        ("linux", "aarch64", 64, "linux-aarch64", "aarch64"),
        ("linux", "ppc64le", 64, "linux-ppc64le", "ppc64le"),
        ("darwin", "arm64", 64, "osx-arm64", "arm64"),
        ("darwin", "x86_64", 64, "osx-64", "x86_64"),
        ("win32", "AMD64", 64, "win-64", "x86_64"),
        ("linux", "i686", 32, "linux-32", "x86"),
        ("zos", "s390", 64, "zos-z", "x86_64"),
        ("sunos5", "sparc", 64, "unknown-64", "x86_64"),
    ],
)
def test_platform_values(
    monkeypatch: pytest.MonkeyPatch, sys_platform: str, machine: str, bits: int, subdir: str, arch: str
) -> None:
    monkeypatch.setattr(sys, "platform", sys_platform)
    monkeypatch.setattr(platform, "machine", lambda: machine)
    monkeypatch.setattr(struct, "calcsize", lambda fmt: bits // 8)
    reset_context(())
    assert context.subdir == subdir
    assert context.arch_name == arch
    assert context.bits == bits
    assert context.subdirs == (subdir, "noarch")
    assert subdir in context.known_subdirs


def test_platform_values_here() -> None:
    expected_platform = {"linux": "linux", "darwin": "osx", "win32": "win"}.get(sys.platform, "unknown")
    assert context.platform == expected_platform
    assert context.bits == 8 * struct.calcsize("P")
    machine = platform.machine()
    if machine in non_x86_machines:
        assert context.subdir == f"{expected_platform}-{machine}"
    else:
        assert context.subdir == f"{expected_platform}-{context.bits}"
    assert context.default_python == f"{sys.version_info[0]}.{sys.version_info[1]}"


def test_subdir_override_and_windows_defaults(use_condarc) -> None:
    use_condarc("subdir: win-64\n")
    assert context.subdir == "win-64"
    assert context.default_channel_urls == DEFAULT_CHANNELS_WIN


def test_conda_build_map_and_croot(use_condarc, tmp_path: Path) -> None:
    use_condarc("conda-build:\n  root-dir: /tmp/cb-root\n  error_overlinking: 'true'\n")
    assert context.conda_build == {"root-dir": "/tmp/cb-root", "error_overlinking": "true"}
    assert context.croot == os.path.abspath("/tmp/cb-root")
    context.conda_build["added"] = "x"  # conda-build mutates it
    assert context.conda_build["added"] == "x"


def test_croot_order(use_condarc, isolated_config: Path, tmp_path: Path) -> None:
    use_condarc("bld_path: /b\nconda_build: {root-dir: /r}\n")
    assert context.croot == os.path.abspath("/b")
    use_condarc("croot: ~/c\nbld_path: /b\n")
    assert context.croot == str(isolated_config / "c")
    use_condarc("offline: false\n")
    assert context.croot == str(isolated_config / "conda-bld")  # root not writable
    root = make_root(tmp_path / "root", True)
    use_condarc(f"root_prefix: {root}\n")
    assert context.croot == str(root / "conda-bld")


def test_local_channel_lists_existing_build_roots(use_condarc, isolated_config: Path, tmp_path: Path) -> None:
    (tmp_path / "mycroot").mkdir()
    (isolated_config / "conda-bld").mkdir()
    use_condarc(f"croot: {tmp_path / 'mycroot'}\n")
    assert context.conda_build_local_paths == (str(tmp_path / "mycroot"), str(isolated_config / "conda-bld"))
    assert context.custom_multichannel_urls["local"] == tuple("file://" + p for p in context.conda_build_local_paths)


def test_channels_default_to_defaults_with_condas_warning() -> None:
    with pytest.warns(FutureWarning, match="Adding 'defaults' to channel list implicitly is deprecated"):
        assert context.channels == ("defaults",)


def test_configured_channels_do_not_warn(use_condarc) -> None:
    use_condarc("channels: [conda-forge]\nuse_local: true\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert context.channels == ("local", "conda-forge")


def test_channel_plain_data(use_condarc) -> None:
    use_condarc(
        """\
        channel_alias: https://alias.example/
        default_channels: [https://d.example/main]
        custom_channels: {mine: https://mine.example}
        migrated_channel_aliases: [https://old.example]
        migrated_custom_channels: {old: https://old.example/c}
        restore_free_channel: false
        """
    )
    assert context.channel_alias_url == "https://alias.example/"
    assert context.default_channel_urls == ("https://d.example/main",)
    assert context.custom_channel_urls == {"mine": "https://mine.example"}
    assert context.migrated_channel_alias_urls == ("https://old.example",)
    assert context.migrated_custom_channel_urls == {"old": "https://old.example/c"}


def test_restore_free_channel_warns_and_inserts(use_condarc) -> None:
    use_condarc("restore_free_channel: true\n")
    with pytest.warns(FutureWarning, match="Adding the 'free' channel"):
        urls = context.default_channel_urls
    assert urls == (DEFAULT_CHANNELS[0], "https://repo.anaconda.com/pkgs/free", *DEFAULT_CHANNELS[1:])


def test_threads(use_condarc) -> None:
    assert (context.default_threads, context.fetch_threads, context.verify_threads) == (None, 5, 1)
    use_condarc("default_threads: 3\n")
    assert (context.default_threads, context.repodata_threads, context.fetch_threads) == (3, 3, 3)
    assert (context.verify_threads, context.execute_threads) == (3, 3)


# --- laziness ----------------------------------------------------------------------------------


def test_context_reads_nothing_until_used(tmp_path: Path) -> None:
    path = write(tmp_path / ".condarc", "channels: [a\n")  # malformed: reading it would raise
    lazy = Context([str(path)])
    assert "not loaded" in repr(lazy)
    with pytest.raises(ConfigurationLoadError):
        _ = lazy.offline


def test_context_is_one_object_rebuilt_in_place(use_condarc) -> None:
    import conda_exports

    assert isinstance(context, Context)
    assert conda_exports.context is context  # not the submodule of the same name
    assert reset_context(()) is context
    use_condarc("offline: true\n")
    assert context.offline is True
    reset_context(())
    assert context.offline is False


AUDIT = r"""
import sys
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], str) and "condarc" in args[0] and not args[0].endswith((".py", ".pyc")):
        opened.append(args[0])
sys.addaudithook(hook)
import conda_exports
from conda_exports.configuration import context
assert not opened, opened
assert "yaml" not in sys.modules
print(len(conda_exports.pkgs_dirs))
print(opened)
"""


def test_import_opens_no_condarc(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write(home / ".condarc", "pkgs_dirs: [/somewhere]\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONDA") or k == "CONDA_EXPORTS_BACKEND"}
    env["HOME"] = str(home)
    result = subprocess.run([sys.executable, "-c", AUDIT], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    count, opened = result.stdout.splitlines()
    assert count == "1"
    assert str(home / ".condarc") in opened  # and the first use does read it


# Where a flag comment belongs, as ruamel.yaml (conda's reader) attaches comments; each case was
# checked against conda 25.1. (yaml text, {key: (key flag, item flags or entry flags)})
ATTACHMENT = [
    ("channels:\n  #!final\n  - c  # note\n", {"channels": (None, [None])}),
    ("channels:\n  #!top\n  - c\n  - d\n", {"channels": (None, [None, None])}),
    ("channels:\n#!final\n  - b\n#!bottom\n  - a\n  - d  # note\n", {"channels": (None, ["bottom", None, None])}),
    ("channels:  #!final\n\n  - c\n", {"channels": ("final", [None])}),
    ("channels:\n  - a\n  #!top\n  - b\n", {"channels": (None, ["top", None])}),
    ("channels:\n  - a  # x\n  #!top\n  - b\n", {"channels": (None, [None, None])}),
    ("channels:\n  - a\n  - b\n#!top\noffline: true\n", {"channels": (None, [None, "top"]), "offline": (None, None)}),
    ("channels:\n- a  #!top\n- b\n", {"channels": (None, ["top", None])}),
    ("channels: [c]\n#!final\nx: 1\n", {"channels": (None, [None]), "x": (None, None)}),
    ("channels: [c]  #!final\nx: 1\n", {"channels": ("final", [None]), "x": (None, None)}),
    ("channels:\n  - a\n  - [b]\n  #!top\n", {"channels": (None, [None, None])}),
    ("offline: true\n\n#!final\nbld: x\n", {"offline": ("final", None), "bld": (None, None)}),
    ("offline: true\n  #!final\nbld: x\n", {"offline": ("final", None), "bld": (None, None)}),
    ("offline: 'true'\n#!final\nbld: x\n", {"offline": ("final", None), "bld": (None, None)}),
    ("offline: true  # a\n#!final\nbld: x\n", {"offline": (None, None), "bld": (None, None)}),
    ("proxy_servers:\n  http: a\n  #!final\n  https: b\n", {"proxy_servers": (None, {"http": "final"})}),
    ("proxy_servers:\n  #!final\n  http: a\n", {"proxy_servers": (None, {})}),
    ("proxy_servers: {http: a}\n#!final\nx: 1\n", {"proxy_servers": (None, {}), "x": (None, None)}),
    ("proxy_servers:\n  http: [a]\n  #!final\n", {"proxy_servers": (None, {})}),
]


@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "pure-python-yaml"])
@pytest.mark.parametrize("text,expected", ATTACHMENT)
def test_flag_comments_attach_where_ruamel_attaches_them(text: str, expected: dict, pure: bool) -> None:
    from conda_exports._condarc import parse_text

    settings = parse_text(text, "test.yml", pure=pure)
    got = {}
    for key, node in settings.items():
        if isinstance(node.value, tuple):
            inner = [item.flag for item in node.value]
        elif isinstance(node.value, dict):
            inner = {name: child.flag for name, child in node.value.items() if child.flag}
        else:
            inner = None
        got[key] = (node.flag, inner)
    assert got == expected


def test_duplicate_keys_are_malformed(tmp_path: Path) -> None:
    path = write(tmp_path / ".condarc", "channels: [a]\noffline: true\nchannels: [b]\n")
    with pytest.raises(ConfigurationLoadError, match=r"line 3, column 1: found duplicate key 'channels'"):
        reset_context([str(path)])


def test_yaml_merge_keys(use_condarc) -> None:
    use_condarc("base: &base {http: http://a, https: https://a}\nproxy_servers:\n  <<: *base\n  https: https://b\n")
    assert context.proxy_servers == {"http": "http://a", "https": "https://b"}


def test_allowlist_and_denylist(use_condarc) -> None:
    pytest.importorskip("conda_exports.models.channel")
    from conda_exports.exceptions import ChannelDenied, ChannelNotAllowed

    use_condarc("channels: [conda-forge, bioconda]\nallowlist_channels: [conda-forge]\n")
    with pytest.raises(ChannelNotAllowed, match="channel name: bioconda"):
        _ = context.channels
    use_condarc("channels: [conda-forge, bioconda]\ndenylist_channels: [bioconda]\n")
    with pytest.raises(ChannelDenied, match="channel url: https://conda.anaconda.org/bioconda"):
        _ = context.channels
    use_condarc("channels: [conda-forge, bioconda]\nallowlist_channels: [conda-forge, bioconda]\n")
    assert context.channels == ("conda-forge", "bioconda")


def test_the_c_loader_is_used_when_there() -> None:
    import yaml
    from conda_exports._condarc import _loader_class

    if getattr(yaml, "__with_libyaml__", False):
        assert issubclass(_loader_class(), yaml.CSafeLoader)
    assert issubclass(_loader_class(pure=True), yaml.SafeLoader)


def test_both_yaml_loaders_read_the_same_values() -> None:
    from conda_exports._condarc import parse_text

    text = "channels: [yes, 0o17, 1_000, 'x']\noffline: on\nproxy_servers:\n  http: ~\n  https: é  #!final\nn: .5\n"
    fast = parse_text(text, "f.yml")
    pure = parse_text(text, "f.yml", pure=True)
    assert {k: (v.plain(), v.flag) for k, v in fast.items()} == {k: (v.plain(), v.flag) for k, v in pure.items()}
    assert fast["proxy_servers"].value["https"].flag == "final"


def test_override_is_temporary(use_condarc) -> None:
    use_condarc("offline: false\n")
    with context._override("offline", True):
        assert context.offline is True
    assert context.offline is False
    use_condarc("offline: true\n")
    assert context.offline is True  # nothing pinned by the override


names = st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(sources=st.lists(names, min_size=1, max_size=4), final_at=st.one_of(st.none(), st.integers(0, 3)))
def test_sequence_merge_rule(
    tmp_path_factory: pytest.TempPathFactory, sources: list[list[str]], final_at: int | None
) -> None:
    """Without top/bottom: sources up to the first #!final, latest first, duplicates dropped."""
    directory = tmp_path_factory.mktemp("merge")
    paths = []
    for index, items in enumerate(sources):
        flag = "  #!final" if index == final_at else ""
        body = "".join(f"  - {item}\n" for item in items)
        paths.append(str(write(directory / f"{index}.yml", f"channels:{flag}\n{body}")))
    reset_context(paths)
    relevant = sources if final_at is None else sources[: final_at + 1]
    expected = tuple(dict.fromkeys(item for items in reversed(relevant) for item in items))
    assert context.channels == expected


def test_map_values_are_copies(use_condarc) -> None:
    use_condarc("proxy_servers: {http: http://p}\n")
    context.proxy_servers["https"] = "changed"
    assert context.proxy_servers == {"http": "http://p"}


@pytest.mark.skipif(sys.platform.startswith("win"), reason="pathlib's own rules are used on Windows")
@pytest.mark.parametrize(
    "text",
    [
        "/etc/conda/condarc.d/",
        "//server/x/",
        "///a//b/./c",
        "a/./b/",
        ".",
        "",
        "./x",
        "~",
        "~/.condarc",
        "~/x/../y",
        "$CONDA_ROOT/.condarc",
        "a/..",
        "~/",
    ],
)
def test_search_path_text_is_spelled_as_pathlib_spells_it(text: str) -> None:
    assert context_module._path_text(text) == str(Path(text).expanduser())


@pytest.mark.parametrize("name", [".condarc", "a.yml", "a.b.yaml", "x.", "noext", ".hidden.yml", "..yml"])
def test_suffix_as_pathlib(name: str) -> None:
    assert context_module._suffix(name) == Path(name).suffix


def test_config_files_are_those_setting_something_known(tmp_path: Path) -> None:
    paths = files(tmp_path, "offline: true\n", "unknown_only: 1\n", "", "envs_path: [/e]\n")
    reset_context(paths)
    assert context.search_path == tuple(paths)
    assert context.config_files == (paths[0], paths[3])


# (plain scalar, the value conda 25.1 reads); where ruamel crashes ("0o_", "._") the text is kept
SCALARS = [
    ("1_0", 10),
    ("1_.5", 1.5),
    ("1e5", 100000.0),
    ("1.e5", 100000.0),
    (".5e3", ".5e3"),
    ("0b101", 5),
    ("1:30", "1:30"),
    ("0o8", "0o8"),
    ("08", 8),
    ("0.1.2", "0.1.2"),
    ("-0", 0),
    ("+1", 1),
    ("017", 17),
    ("0o17", 15),
    ("-0x1f", -31),
    ("3.10", 3.1),
    ("1.", 1.0),
    (".5", 0.5),
    ("5e", "5e"),
    ("0b", "0b"),
    ("Yes", "Yes"),
    ("on", "on"),
    ("~", None),
    ("Null", None),
    ("nulL", "nulL"),
    ("True", True),
    ("tRue", "tRue"),
    (".5E+3", 500.0),
    ("_", "_"),
    ("0o_", "0o_"),
    ("._", "._"),
    ("+_", "+_"),
]


@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "pure-python-yaml"])
@pytest.mark.parametrize("text,value", SCALARS)
def test_scalars_read_as_ruamel_reads_them(text: str, value: object, pure: bool) -> None:
    from conda_exports._condarc import parse_text

    got = parse_text(f"k: {text}\n", "s.yml", pure=pure)["k"].value
    assert got == value and type(got) is type(value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab:-#!{}[],'\"\n &*|>?%@`\t.0_~", max_size=60))
def test_any_text_gives_settings_or_a_load_error(text: str) -> None:
    from conda_exports._condarc import parse_text

    try:
        settings = parse_text(text, "fuzz.yml")
    except ConfigurationLoadError as error:
        assert "fuzz.yml" in str(error)
    else:
        assert isinstance(settings, dict)


@pytest.mark.parametrize(
    "text,message",
    [
        ("a: &x [*x]\n", "recursive alias"),
        ("a: &x {b: *x}\n", "recursive alias"),
        ("? [a]\n: b\n", "unhashable key"),
        ("channels: " + "[" * 150 + "]" * 150 + "\n", "nested"),
        ("channels: " + "[" * 5000 + "]" * 5000 + "\n", "nest"),
        (
            "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 7)),
            "values once aliases are expanded",
        ),
    ],
)
def test_hostile_yaml_is_a_load_error_not_a_hang(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / ".condarc", text)
    with pytest.raises(ConfigurationLoadError, match=message):
        reset_context([str(path)])


def test_many_aliases_of_a_commented_value_take_linear_time() -> None:
    """An anchored value with ~1 MB of comment lines after it, named by 90,000 aliases: each alias
    is that value's node, whose comments were read again for each one (most of an hour here);
    if this test hangs, the flags of aliased nodes are no longer read once."""
    from conda_exports._condarc import parse_text

    text = "a: &x v\n" + "#c\n" * 300_000 + "b: [" + "*x, " * 90_000 + "]\n"
    settings = parse_text(text, "test.yml")
    assert len(settings["b"].value) == 90_000 and settings["a"].value == "v"
    flagged = "a: &x v  #!top\nb: [" + "*x, " * 3 + "]\n"  # one comment: an alias has its value's flag
    assert [item.flag for item in parse_text(flagged, "test.yml")["b"].value] == ["top"] * 3


def test_aliases_are_expanded(use_condarc) -> None:
    use_condarc("mirrors: &m [https://a, https://b]\ndefault_channels: *m\n")
    assert context.default_channel_urls == ("https://a", "https://b")


def test_deep_but_sane_nesting_is_a_type_error_not_a_crash(use_condarc) -> None:
    use_condarc("channels: " + "[" * 90 + "]" * 90 + "\n")
    with pytest.raises(InvalidTypeError, match="channels"):
        _ = context.channels


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6,
)
SETTING_NAMES = sorted(context_module._known_names(Context))
# every public attribute but the one made of MatchSpecs (the models' business)
ATTRIBUTES = sorted(
    (
        {name for name in dir(Context) if not name.startswith("_") and isinstance(getattr(Context, name), property)}
        | {name for name in SETTING_NAMES if name.isidentifier() and hasattr(Context, name)}
    )
    - {"aggressive_update_packages"}
)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from(SETTING_NAMES), yaml_values, max_size=6))
def test_any_settings_give_values_or_conda_errors(tmp_path_factory: pytest.TempPathFactory, data: dict) -> None:
    """Whatever a condarc holds, every attribute is a value or a CondaError (never another exception)."""
    import yaml

    path = tmp_path_factory.mktemp("any") / ".condarc"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    try:
        reset_context([str(path)])
    except CondaError:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in ATTRIBUTES:
            try:
                getattr(context, name)
            except CondaError:
                pass
            except ImportError:
                assert name == "channels"  # allow/deny lists need the channel models


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="0123456789.eE+-j\n\u0661x", max_size=16))
def test_complex_check_is_the_pattern(text: str) -> None:
    """``_is_complex`` (the pattern asked about the text with long digit runs cut to two digits)
    accepts exactly what conda's complex pattern accepts."""
    from conda_exports._typify import _RE_COMPLEX, _is_complex

    assert _is_complex(text) is (_RE_COMPLEX.match(text) is not None)
    for run in ("1" * 3, "2" * 7):  # long runs in every place a digit can be
        longer = text.replace("1", run)
        assert _is_complex(longer) is (_RE_COMPLEX.match(longer) is not None)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("1" * 1_000_000 + "x", "str"),
        ("1" * 500_000 + "+" + "2" * 500_000 + "j", "complex"),
        ("1" * 1_000 + "e" + "2" * 1_000_000 + "j", "complex"),
    ],
)
def test_a_long_number_setting_takes_linear_time(value: str, kind: str) -> None:
    """~1 MB of digits in a number setting: conda's complex pattern backtracks over every split
    of a digit run between its two numbers (tens of minutes here); if this test hangs, the
    complex check has become quadratic again."""
    ctx = Context(search_path=(), env={"CONDA_LOCAL_REPODATA_TTL": value})
    with pytest.raises(InvalidTypeError, match=f"has type {kind}"):
        ctx.local_repodata_ttl  # noqa: B018 -- read for the error


# the two ways posixpath.expandvars has had (the older quadratic, the newer linear one of later
# patch releases): the references for _expandvars, which gives what this Python's gives
_CONDA_VARS = r"\$(\w+|\{[^}]*\})"


def _older_expandvars(text: str, environ: dict) -> str:
    """The setting expansion as it was written before: a regex substitution (old posixpath's pattern)."""
    import re

    def replace(match: re.Match[str]) -> object:
        name = match.group(1)
        if name.startswith("{") and name.endswith("}"):
            name = name[1:-1]
        return environ.get(name, match.group(0))

    return re.sub(_CONDA_VARS, replace, text, flags=re.ASCII) if "$" in text else text  # type: ignore[arg-type]


def _newer_stdlib_expandvars(text: str) -> str:
    """posixpath.expandvars of later patch releases: a ``${`` with no ``}`` after it keeps the rest."""
    import re

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("{"):
            if not name.endswith("}"):
                return match.group(0)
            name = name[1:-1]
        return os.environ.get(name, match.group(0))

    return re.sub(r"\$(\w+|\{[^}]*\}?)", replace, text, flags=re.ASCII)


def _outcome(function: Callable[..., str], *args: object) -> object:
    try:
        return function(*args)
    except Exception as exc:  # noqa: BLE001 -- compared, not handled
        return type(exc), str(exc)


_VAR_TEXT = st.lists(
    st.sampled_from(["$", "{", "}", "A", "B", "a_b", "x", "/", "$A", "${", "${A}", "é", "\ud800", " "]), max_size=10
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_VAR_TEXT, st.dictionaries(st.sampled_from(["A", "B", "x", "{", ""]), st.sampled_from(["1", "$x", None, 5])))
def test_variables_expand_as_before(text: str, environ: dict) -> None:
    from conda_exports._config_paths import _expandvars

    assert _outcome(_expandvars, text, environ) == _outcome(_older_expandvars, text, environ)


@pytest.mark.skipif(os.path.sep != "/", reason="posixpath's grammar")
def test_os_environ_variables_expand_as_the_standard_librarys(monkeypatch: pytest.MonkeyPatch) -> None:
    import posixpath

    from conda_exports import _config_paths

    monkeypatch.setenv("A", "a")
    monkeypatch.setenv("B", "$A")
    monkeypatch.setenv("a_b", "{}")
    for stdlib in (os.path.expandvars, _newer_stdlib_expandvars):
        monkeypatch.setattr(posixpath, "expandvars", stdlib)

        @settings(max_examples=300, deadline=None)
        @given(_VAR_TEXT)
        def check(text: str) -> None:
            monkeypatch.setattr(_config_paths, "_STDLIB_KEEPS_REST", [])  # asked afresh each time
            assert _outcome(_config_paths._expandvars, text, os.environ) == _outcome(stdlib, text)  # noqa: B023

        check()


@pytest.mark.parametrize("env", ["custom", "os.environ"])
@pytest.mark.parametrize(("unit", "expanded"), [("${", "${"), ("$V", "v"), ("${V}/", "v/")])
def test_a_setting_full_of_variables_takes_linear_time(
    monkeypatch: pytest.MonkeyPatch, env: str, unit: str, expanded: str
) -> None:
    """~1 MB of ``${`` with no ``}`` after them (each one a search to the end of the text with
    posixpath's pattern) or of ``$V`` (each one a copy of the text in the older expandvars):
    minutes to hours; if this test hangs, setting expansion has become quadratic again."""
    count = 1_000_000 // len(unit)
    values = {"CONDA_CLIENT_SSL_CERT": unit * count, "V": "v"}
    if env == "custom":
        ctx = Context(search_path=(), env=values)
    else:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        ctx = Context(search_path=())
    assert ctx.client_ssl_cert == expanded * count
