"""conda's repodata cache on disk: where it lives, what an entry is, when it is fresh, its lock.

An entry is ``<stem>.json`` (the body), ``<stem>.info.json`` (conda's state: ``url``,
``etag``, ``mod``, ``cache_control``, ``size``, ``mtime_ns``, ``refresh_ns``, ``has_zst``)
and ``<stem>.json.lock`` (this package's advisory lock), in ``<first writable pkgs
dir>/cache``; ``<stem>`` is ``cache_fn_url``'s, with conda's ``1`` suffix under
``use_only_tar_bz2``. ``fetch`` decides with these what to download.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from os.path import isfile, join
from typing import Any, Iterator

from .configuration import context
from .exceptions import NotWritableError, NoWritablePkgsDirError, from_oserror
from .utils import cache_fn_url

log = logging.getLogger("conda_exports.fetch")

#: conda's name for the state file beside a cached body.
CACHE_STATE_SUFFIX = ".info.json"
#: conda's marker of a package cache directory.
PACKAGE_CACHE_MAGIC_FILE = "urls.txt"
#: How long a server's missing ``repodata.json.zst`` is believed (conda: 7 days).
CHECK_ALTERNATE_FORMAT_INTERVAL_S = 7 * 24 * 3600
#: How long to wait for another process's lock before going ahead without it.
LOCK_TIMEOUT_S = 600.0
_STATE_ALIASES = {"_mod": "mod", "_etag": "etag", "_cache_control": "cache_control", "_url": "url"}
_MAX_AGE = re.compile(r"max-age=(\d+)")


def first_writable_pkgs_dir() -> str:
    """The first of ``context.pkgs_dirs`` that is, or can be made, a package cache (conda's rule).

    A directory holding ``urls.txt`` is writable when that file opens for appending; one
    without it is created (with ``urls.txt`` and ``urls``) unless permissions forbid.
    """
    for pkgs_dir in context.pkgs_dirs:
        magic = join(pkgs_dir, PACKAGE_CACHE_MAGIC_FILE)
        if isfile(magic):
            try:
                with open(magic, "a"):
                    pass
            except OSError:
                continue
            return pkgs_dir
        try:
            os.makedirs(pkgs_dir, exist_ok=True)
            for name in (PACKAGE_CACHE_MAGIC_FILE, "urls"):
                with open(join(pkgs_dir, name), "a"):
                    pass
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                continue
            raise from_oserror(exc, pkgs_dir) from None
        return pkgs_dir
    raise NoWritablePkgsDirError(context.pkgs_dirs)


def create_cache_dir() -> str:
    """``<first writable pkgs dir>/cache``, created if needed: where repodata is cached."""
    cache_dir = join(first_writable_pkgs_dir(), "cache")
    try:
        os.makedirs(cache_dir, exist_ok=True)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise NotWritableError(cache_dir, exc.errno) from None
        raise from_oserror(exc, cache_dir) from None
    return cache_dir


def unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


@dataclass(frozen=True)
class Snapshot:
    """The state file's content and whether the body on disk is the one it describes."""

    state: dict[str, Any]
    valid: bool

    def same_entry_as(self, other: Snapshot) -> bool:
        keys = ("refresh_ns", "mtime_ns", "size")
        return all(self.state.get(k) == other.state.get(k) for k in keys)


class Entry:
    """One cached body, its state file and its lock file, named as conda names them."""

    def __init__(self, cache_dir: str, subdir_url: str, repodata_fn: str) -> None:
        stem = cache_fn_url(subdir_url, repodata_fn)[: -len(".json")]
        if context.use_only_tar_bz2:
            stem += "1"  # conda keeps the .tar.bz2-only view apart
        self.dir = cache_dir
        self.stem = stem
        self.body = join(cache_dir, stem + ".json")
        self.state_path = join(cache_dir, stem + CACHE_STATE_SUFFIX)
        self.lock_path = self.body + ".lock"

    def read(self) -> Snapshot:
        """The current state; valid when the body's size and mtime are those the state recorded."""
        state = read_state(self.state_path)
        try:
            stat = os.stat(self.body)
        except OSError:
            return Snapshot(state, False)
        size, mtime_ns = state.get("size"), state.get("mtime_ns")
        valid = isinstance(size, int) and size == stat.st_size and mtime_ns == stat.st_mtime_ns
        return Snapshot(state, valid)

    def remove(self) -> None:
        unlink_quietly(self.body)
        unlink_quietly(self.state_path)

    def temp_path(self, stack: ExitStack, suffix: str) -> str:
        """A new empty file beside the body (same filesystem, so the rename is atomic), removed at exit."""
        import tempfile

        try:
            fd, path = tempfile.mkstemp(prefix=self.stem + ".", suffix=suffix, dir=self.dir)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise NotWritableError(self.dir, exc.errno) from None
            raise from_oserror(exc, self.dir) from None
        os.close(fd)
        stack.callback(unlink_quietly, path)
        return path

    def write_state(self, state: dict[str, Any], stack: ExitStack) -> None:
        temp = self.temp_path(stack, ".info.tmp")
        with open(temp, "w", encoding="utf-8") as fh:
            json.dump(state, fh, indent=2)
        os.replace(temp, self.state_path)


def read_state(path: str) -> dict[str, Any]:
    """A state file as a dict, conda's old ``_mod``-style keys renamed; ``{}`` when absent or unreadable."""
    try:
        with open(path, encoding="utf-8") as fh:
            raw = json.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.debug("ignoring unreadable cache state %s: %s", path, exc)
        return {}
    if not isinstance(raw, dict):
        return {}
    return {_STATE_ALIASES.get(str(key), str(key)): value for key, value in raw.items()}


def max_age_s(state: dict[str, Any]) -> int:
    """conda's freshness window: ``local_repodata_ttl`` seconds when > 1, the server's max-age when 1, else 0."""
    ttl = context.local_repodata_ttl
    if ttl > 1:
        return int(ttl)
    if ttl == 1:
        match = _MAX_AGE.search(str(state.get("cache_control") or ""))
        return int(match.group(1)) if match else 0
    return 0


def is_fresh(state: dict[str, Any]) -> bool:
    refreshed = state.get("refresh_ns")
    if not isinstance(refreshed, int):
        return False
    return time.time_ns() - refreshed <= max_age_s(state) * 1_000_000_000


def now_iso() -> str:
    """UTC now as conda writes ``last_checked``: ``2024-01-31T12:00:00.123456Z``."""
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat()[: -len("+00:00")] + "Z"


def zst_worth_trying(state: dict[str, Any]) -> bool:
    """True unless the server lacked ``repodata.json.zst`` within the last 7 days (conda's rule)."""
    from datetime import datetime, timezone

    recorded = state.get("has_zst")
    if not isinstance(recorded, dict) or recorded.get("value"):
        return True
    try:
        checked = datetime.fromisoformat(str(recorded["last_checked"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return True
    if checked.tzinfo is None:
        checked = checked.replace(tzinfo=timezone.utc)
    return (datetime.now(timezone.utc) - checked).total_seconds() > CHECK_ALTERNATE_FORMAT_INTERVAL_S


# -- locking --------------------------------------------------------------------------------


@contextmanager
def locked(path: str) -> Iterator[None]:
    """An exclusive advisory lock on ``path`` (created if needed) for the block.

    Another process holding it is waited for, up to ``LOCK_TIMEOUT_S``; after that, or
    where locks are unavailable, the block runs unlocked with a warning (the cache stays
    consistent without the lock: every write is a rename; the lock only saves a duplicate
    download). ``no_lock: true`` skips locking, as conda's does.
    """
    if context.no_lock:
        yield
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        log.warning("cannot open the lock file %s (%s); going ahead without it", path, exc)
        yield
        return
    try:
        held = _acquire(fd, path)
        try:
            yield
        finally:
            if held:
                _release(fd)
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool | None:
    """True when locked, False when another process holds it, None when this platform cannot lock."""
    try:
        import fcntl
    except ImportError:
        pass
    else:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    try:
        import msvcrt
    except ImportError:
        return None
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
    except OSError:
        return False
    return True


def _release(fd: int) -> None:
    try:
        import fcntl
    except ImportError:
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _acquire(fd: int, path: str) -> bool:
    deadline = time.monotonic() + LOCK_TIMEOUT_S
    pause = 0.01
    while True:
        outcome = _try_lock(fd)
        if outcome is None:
            log.warning("file locking is not available here; %s is refreshed without a lock", path)
            return False
        if outcome:
            return True
        if time.monotonic() >= deadline:
            log.warning("gave up waiting %.0f s for the lock %s; going ahead without it", LOCK_TIMEOUT_S, path)
            return False
        time.sleep(pause)
        pause = min(pause * 2, 0.25)
