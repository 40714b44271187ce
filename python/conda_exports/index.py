"""``get_index``: every package of the channels, as ``{Dist: PackageRecord}``, as conda 25.1 does.

The channels are conda's: the ones given (``local`` first with ``use_local``), then the
configured ones with ``prepend``, duplicates dropped; each is expanded to its subdir URLs
(``platform`` and ``noarch``, or the context's subdirs). Every subdir is fetched (or read
in place for ``file://``) and parsed on a thread of its own (the Rust parser releases the
GIL), then the objects are made in channel order. conda first collects the records in a
dict keyed by record (so a package with the identity of an earlier one replaces its value
but keeps its place), then keys them by ``Dist``; the same happens here, with the identity
comparison done by the kernel instead of by hashing every record.

Installed packages (``prefix``) and, with ``unknown`` (or offline), the package cache's
records are added as conda adds them; so are the context's ``track_features``.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import Any

from . import _backend
from .exceptions import RepodataDecodeError

#: conda's default repodata file name (get_index reads no other).
REPODATA_FN = "repodata.json"


class _Subdir:
    """One subdir of the index: its channel, then its store and objects once loaded."""

    __slots__ = ("channel", "url", "source", "store", "dists", "records", "state", "built_in_python")

    def __init__(self, channel: Any) -> None:
        self.channel = channel
        self.state = ""
        self.built_in_python = False
        self.url = channel.url(with_credentials=True)
        self.source = channel.url(with_credentials=False)
        self.store: Any = None
        self.dists: list[Any] = []
        self.records: list[Any] = []


def _channel_list(channel_urls: Iterable[Any], prepend: bool, use_local: bool) -> list[Any]:
    from .configuration import context

    channels = list(channel_urls)
    if use_local:
        channels = ["local", *channels]
    if prepend:
        channels += context.channels
    return list(dict.fromkeys(channels))


def _subdirs(channels: list[Any], platform: str | None) -> list[_Subdir]:
    from .configuration import context
    from .models.channel import Channel

    subdirs = (platform, "noarch") if platform is not None else context.subdirs
    out = []
    for channel in channels:
        for url in Channel(channel).urls(True, subdirs):
            out.append(_Subdir(Channel(url)))
    return out


def _load(subdir: _Subdir, use_cache: bool, add_pip: bool, use_only_tar_bz2: bool) -> None:
    """Fetches and parses one subdir (on a worker thread); a cached copy that does not
    parse is fetched once more."""
    from .fetch import fetch_repodata
    from .repodata import parse_subdir

    for refresh in (False, True):
        state = None
        try:
            with fetch_repodata(subdir.url, REPODATA_FN, use_cache=use_cache, refresh=refresh) as fetched:
                state = subdir.state = fetched.state
                if fetched.path is None:
                    subdir.store = None
                    return
                try:
                    subdir.store = parse_subdir(fetched.path, add_pip=add_pip, use_only_tar_bz2=use_only_tar_bz2)
                except RepodataDecodeError as exc:
                    if fetched.path == exc.source and fetched.state != "local":
                        exc = RepodataDecodeError(subdir.source, exc.offset, exc.reason)
                    raise exc from None
                return
        except RepodataDecodeError:
            if refresh or use_cache or state not in ("fresh", "revalidated"):
                raise


def _identity_dedupe(subdirs: list[_Subdir], separate_format_cache: bool) -> None:
    """conda's dict keyed by record: a record with the identity of an earlier one takes
    its place (Dist and record), and its own place goes."""
    groups: dict[tuple[str, str], list[_Subdir]] = {}
    for subdir in subdirs:
        if subdir.records:
            groups.setdefault((subdir.channel.canonical_name, subdir.channel.subdir), []).append(subdir)
    for group in groups.values():
        removed: dict[int, set[int]] = {}
        if any(s.built_in_python for s in group):
            _dedupe_by_hashing(group, removed)
        else:
            for n, i, m, j in _backend.repodata.duplicates([s.store for s in group], separate_format_cache):
                group[m].dists[j] = group[n].dists[i]
                group[m].records[j] = group[n].records[i]
                removed.setdefault(n, set()).add(i)
        for n, gone in removed.items():
            subdir = group[n]
            keep = [i for i in range(len(subdir.records)) if i not in gone]
            subdir.dists = [subdir.dists[i] for i in keep]
            subdir.records = [subdir.records[i] for i in keep]


def _dedupe_by_hashing(group: list[_Subdir], removed: dict[int, set[int]]) -> None:
    first: dict[Any, tuple[int, int]] = {}
    for n, subdir in enumerate(group):
        for i, record in enumerate(subdir.records):
            m, j = first.setdefault(record, (n, i))
            if (m, j) != (n, i):
                group[m].dists[j] = subdir.dists[i]
                group[m].records[j] = record
                removed.setdefault(n, set()).add(i)


def _prefix_records(prefix: str) -> list[Any]:
    """The installed packages of ``prefix`` (its ``conda-meta/*.json``), as linked_data reads them."""
    from .prefix import prefix_records

    return prefix_records(prefix)


def _cache_records() -> list[Any]:
    """The packages of every package cache, as ``package_cache()`` reads them."""
    from .configuration import context
    from .package_cache_data import cache_records

    records: list[Any] = []
    for pkgs_dir in context.pkgs_dirs:
        records.extend(cache_records(pkgs_dir).values())
    return records


def _supplement(entries: dict[Any, Any], prefix_records: list[Any], cache_records: list[Any]) -> None:
    """conda's additions to the record-keyed dict ``entries`` (record -> record)."""
    from .models.records import EMPTY_LINK, PackageCacheRecord, PrefixRecord

    for prefix_record in prefix_records:
        current = entries.get(prefix_record)
        if current is None:
            entries[prefix_record] = prefix_record
        elif current.channel == prefix_record.channel:
            link = prefix_record.get("link") or EMPTY_LINK
            entries[prefix_record] = PrefixRecord.from_objects(current, prefix_record, link=link)
        else:
            # the installed package is not the index's: it is keyed by its channel's URL
            channel = prefix_record.channel
            channel.__dict__["_canonical_name"] = channel.url()
            prefix_record.__dict__.pop("_pkey_cache", None)
            prefix_record.__dict__.pop("_hash_cache", None)
            entries[prefix_record] = prefix_record
    for cache_record in cache_records:
        current = entries.get(cache_record)
        entries[cache_record] = (
            cache_record if current is None else PackageCacheRecord.from_objects(current, cache_record)
        )


def get_index(
    channel_urls: Iterable[Any] = (),
    prepend: bool = True,
    platform: str | None = None,
    use_local: bool = False,
    use_cache: bool = False,
    unknown: bool | None = None,
    prefix: str | None = None,
) -> dict[Any, Any]:
    """Every package of the channels (and the extras asked for), keyed by ``Dist``.

    ``use_cache=True`` (or the ``offline`` setting) reads cached repodata without asking the
    server, where a cache exists (deliberately unlike conda 25.1, which ignores it);
    ``unknown`` (or ``offline``) adds the package cache's records, as conda does.
    """
    return load_index(channel_urls, prepend, platform, use_local, use_cache, unknown, prefix)[0]


def load_index(
    channel_urls: Iterable[Any] = (),
    prepend: bool = True,
    platform: str | None = None,
    use_local: bool = False,
    use_cache: bool = False,
    unknown: bool | None = None,
    prefix: str | None = None,
) -> tuple[dict[Any, Any], list[tuple[str, int, str]]]:
    """``get_index``, and per subdir its URL (no credentials), its record count and how its
    repodata was had (``local``, ``fresh``, ``revalidated``, ``downloaded``, ``offline``,
    ``missing``)."""
    from .configuration import context
    from .models.dist import _dist_from_record
    from .models.records import PackageRecord
    from .repodata import subdir_records

    subdirs = _subdirs(_channel_list(channel_urls, prepend, use_local), platform)
    add_pip = bool(context.add_pip_as_python_dependency)
    only_tar_bz2 = bool(context.use_only_tar_bz2)
    offline = bool(context.offline)
    fetch_only_cached = bool(use_cache) or offline
    workers = max(1, min(len(subdirs), context.repodata_threads or (os.cpu_count() or 1) + 4))
    with_cache = True if unknown is None and offline else unknown

    collecting = gc.isenabled()
    gc.disable()  # a million new objects and no cycle among them: no collection needed
    try:
        if subdirs:
            with ThreadPoolExecutor(workers) as pool:
                jobs = {pool.submit(_load, s, fetch_only_cached, add_pip, only_tar_bz2): s for s in subdirs}
                pending = set(jobs)
                failed = False
                # a subdir's objects are made while the others are still being parsed
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for job in done:
                        failed = failed or job.exception() is not None
                        subdir = jobs[job]
                        if not failed and subdir.store is not None:
                            subdir.dists, subdir.records, subdir.built_in_python = subdir_records(
                                subdir.channel, subdir.store, subdir.source, add_pip=add_pip
                            )
                for job in jobs:  # the first error in channel order
                    job.result()
        prefix_records = _prefix_records(prefix) if prefix else []
        cache_records = _cache_records() if with_cache else []
        features = [PackageRecord.feature(name) for name in context.track_features]
        _identity_dedupe(subdirs, bool(context.separate_format_cache))
        index: dict[Any, Any] = {}
        report = [(s.source, len(s.records), s.state) for s in subdirs]
        if prefix_records or cache_records:
            entries: dict[Any, Any] = {}
            for subdir in subdirs:
                entries.update(zip(subdir.records, subdir.records))
            _supplement(entries, prefix_records, cache_records)
            for record in features:
                entries[record] = record
            for record in entries.values():
                index[_dist_from_record(record.fn, record.channel.canonical_name)] = record
            return index, report
        for subdir in subdirs:
            index.update(zip(subdir.dists, subdir.records))
        for record in features:
            index[_dist_from_record(record.fn, record.channel.canonical_name)] = record
        return index, report
    finally:
        if collecting:
            gc.enable()
