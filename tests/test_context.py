"""The configuration context: search path, precedence, merge rules, flags, env vars, derived values."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from conda_exports.constants import DEFAULT_CHANNELS
from conda_exports.context import Context, context, reset_context


def test_empty_search_path_gives_conda_defaults(isolated_config: Path) -> None:
    home = str(isolated_config)
    assert context.root_prefix == os.path.abspath(sys.prefix)
    assert context.pkgs_dirs == (os.path.join(sys.prefix, "pkgs"), os.path.join(home, ".conda", "pkgs"))
    assert context.channel_alias_url == "https://conda.anaconda.org"
    assert context.default_channel_urls == DEFAULT_CHANNELS
    assert context.custom_channel_urls == {"pkgs/pro": "https://repo.anaconda.com"}
    assert context.offline is False
    assert context.ssl_verify is True
    assert context.proxy_servers == {}
    assert context.conda_build == {}
    assert context.anaconda_upload is None
    assert context.default_threads is None


def test_use_condarc_reads_only_that_file(use_condarc) -> None:
    path = use_condarc("channels:\n  - conda-forge\noffline: true\n")
    assert context.search_path == (str(path),)
    assert context.channels == ("conda-forge",)
    assert context.offline is True


def test_context_is_one_object_rebuilt_in_place(use_condarc) -> None:
    assert isinstance(context, Context)
    same = reset_context(())
    assert same is context
