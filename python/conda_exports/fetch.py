"""TEMPORARY: file:// only, replaced by the fetch layer branch."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ._url import url_to_path


@dataclass(frozen=True)
class FetchedRepodata:
    url: str
    path: str | None
    state: str
    cache_path: str | None


@contextmanager
def fetch_repodata(
    subdir_url: str,
    repodata_fn: str = "repodata.json",
    *,
    use_cache: bool = False,
    refresh: bool = False,
    session: object = None,
) -> Iterator[FetchedRepodata]:
    path = url_to_path(subdir_url.rstrip("/") + "/" + repodata_fn)
    if not os.path.isfile(path):
        if subdir_url.rstrip("/").endswith("/noarch"):
            from .exceptions import CondaHTTPError

            raise CondaHTTPError("not a channel", subdir_url, 404, "Not Found", None)
        yield FetchedRepodata(subdir_url, None, "missing", None)
        return
    yield FetchedRepodata(subdir_url, path, "local", None)
