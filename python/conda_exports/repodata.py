"""A channel subdir's repodata as ``Dist`` keys and ``PackageRecord`` values, conda's way.

``parse_subdir`` runs the backend's kernel (Rust: the file is parsed without the GIL, its
entries in parallel); ``subdir_records`` turns the result into the objects ``get_index``
returns. The records are those conda 25.1's ``SubdirData`` makes: ``.conda`` entries first,
then the ``.tar.bz2`` ones without a ``.conda`` twin (all of them with ``use_only_tar_bz2``),
``pip`` added to python's depends (``add_pip_as_python_dependency``), ``channel``,
``subdir``, ``arch`` and ``platform`` from the channel and the index's ``info``, ``fn`` the
key and ``url`` the file's URL under the index's ``base_url``.

Each record of a typical entry is a lazy ``PackageRecord`` (see ``models/records.py``):
the object holds the store and an index, and a field becomes a Python value on first read.
An entry with a value conda would have to convert (or refuse) is built the ordinary way,
``PackageRecord(**entry)``, with conda's coercions and errors.

Deliberately unlike conda 25.1: an entry without ``name``, ``version`` or ``build`` is left
out with a ``RepodataWarning`` (conda: ``KeyError`` / ``ValidationError``); a relative
``base_url`` is resolved against the subdir's URL (CEP 15; conda keeps ``../x/y.conda``);
an index whose ``info.subdir`` is not the subdir asked for gives a warning (conda: an
``AssertionError``); malformed JSON or a ``packages`` value that is not an object raises
``RepodataDecodeError`` naming the URL and the byte (conda: ``JSONDecodeError`` or
``AttributeError``).
"""

from __future__ import annotations

import json
import warnings
from typing import Any
from urllib.parse import urljoin

from . import _backend
from ._url import has_scheme, join_url
from .exceptions import ChannelError, RepodataDecodeError, RepodataWarning
from .models.dist import UNKNOWN_CHANNEL, Dist, _dist_from_record
from .models.enums import NoarchType
from .models.records import ABSENT, PackageRecord, lazy_records


def parse_subdir(path: str, *, add_pip: bool, use_only_tar_bz2: bool) -> Any:
    """The backend's store of the records in the repodata file at ``path``."""
    return _backend.repodata.parse_repodata(path, add_pip, use_only_tar_bz2)


def _info(store: Any, source: str) -> dict[str, Any]:
    raw = store.info
    if raw is None:
        return {}
    info = json.loads(raw)
    if info is None:
        return {}
    if not isinstance(info, dict):
        raise RepodataDecodeError(source, None, "the info value is not an object")
    return info


def base_urls(channel: Any, info: dict[str, Any]) -> tuple[str, str]:
    """The URL record URLs start with, without and with the channel's credentials."""
    url = channel.url(with_credentials=False) or ""
    url_with_credentials = channel.url(with_credentials=True) or ""
    base = info.get("base_url")
    if not base:
        return url, url_with_credentials
    if not isinstance(base, str):
        raise ChannelError(f"Subdir for {channel.canonical_name} at url '{url}' has invalid 'base_url'")
    if not has_scheme(base):  # relative: against the subdir's own URL (CEP 15)
        return urljoin(url + "/", base), urljoin(url_with_credentials + "/", base)
    if url_with_credentials == url:
        return base, base
    from .models.channel import Channel

    try:
        parts = Channel(base).dump()
    except ValueError:
        raise ChannelError(f"Subdir for {channel.canonical_name} at url '{url}' has invalid 'base_url'") from None
    channel_parts = channel.dump()
    for key in ("auth", "token"):
        if parts.get(key):
            raise ChannelError(f"'{url}' has 'base_url' with credentials. This is not supported.")
        if channel_parts.get(key):
            parts[key] = channel_parts[key]
    return base, Channel(**parts).url(with_credentials=True) or base


def _slow_record(
    fn: str, entry: Any, twin: Any, shared: dict[str, Any], base_url: str, add_pip: bool, source: str
) -> PackageRecord:
    """``PackageRecord(**entry)`` after conda's changes to the entry."""
    if isinstance(entry, str):
        entry = json.loads(entry)
    elif isinstance(entry, dict):
        entry = dict(entry)
    if not isinstance(entry, dict):
        raise RepodataDecodeError(source, None, f"the entry {fn!r} is not an object")
    if twin is not None:
        if isinstance(twin, str):
            twin = json.loads(twin)
        if not isinstance(twin, dict):
            raise RepodataDecodeError(source, None, f"the .tar.bz2 entry of {fn!r} is not an object")
        entry["legacy_bz2_md5"] = twin.get("md5")
        entry["legacy_bz2_size"] = twin.get("size")
    version = entry.get("version")
    if add_pip and entry.get("name") == "python" and isinstance(version, str) and version.startswith(("2.", "3.")):
        depends = entry.get("depends")
        if isinstance(depends, list):
            depends.append("pip")
        elif "depends" not in entry:
            entry["depends"] = ["pip"]
    entry.update(shared)
    entry["fn"] = fn
    entry["url"] = join_url(base_url, fn)
    known = PackageRecord._kinds
    return PackageRecord(**{key: value for key, value in entry.items() if key in known})


def subdir_records(
    channel: Any, store: Any, source: str, *, add_pip: bool
) -> tuple[list[Dist], list[PackageRecord], bool]:
    """The Dists and records of one parsed subdir, in conda's order, and whether any record
    was built from its raw entry (the store knows nothing of those).

    ``channel`` is the subdir's ``Channel``; ``source`` names it in messages (no credentials).
    """
    info = _info(store, source)
    subdir = channel.subdir
    declared = info.get("subdir")
    if declared and declared != subdir:
        warnings.warn(
            f"{source}: the index says its subdir is {declared!r}, not {subdir!r}; its records are taken as {subdir!r}",
            RepodataWarning,
            stacklevel=3,
        )
    for fn, field in store.skipped():
        warnings.warn(f"{source}: {fn!r} has no {field}; left out", RepodataWarning, stacklevel=3)
    base_url, base_url_with_credentials = base_urls(channel, info)
    canonical = channel.canonical_name
    raw_shared = {
        "arch": info.get("arch"),
        "channel": channel,
        "platform": info.get("platform"),
        "schannel": canonical,
        "subdir": subdir,
    }
    common: dict[str, Any] = {"channel": channel, "subdir": subdir}
    if len(store):
        fields = PackageRecord._fields
        common["arch"] = fields["arch"].check(raw_shared["arch"])
        common["platform"] = fields["platform"].check(raw_shared["platform"])
    store.bind(
        common, base_url_with_credentials, ABSENT, (NoarchType.python, NoarchType.generic), list(PackageRecord._fields)
    )
    records = lazy_records(store)
    dists, others = store.dists(Dist, canonical or UNKNOWN_CHANNEL)
    for index in others:
        dists[index] = _dist_from_record(store.get(index, "fn"), canonical)
    slow = store.slow()
    for index, entry, twin in slow:
        fn = store.get(index, "fn")
        record = _slow_record(fn, entry, twin, raw_shared, base_url_with_credentials, add_pip, source)
        records[index] = record
        dists[index] = _dist_from_record(record.fn, canonical)
    return dists, records, bool(slow)
