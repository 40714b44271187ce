"""``rm_rf`` and ``delete_trash``: removing files and trees as conda.exports does, safely and fast.

conda 25.1's ``rm_rf`` ignores ``max_retries`` and ``trash`` and silently returns when
something is left; this one honours both and raises ``PathsRemainError`` (a
``CondaOSError``, hence an ``OSError``) listing what remains.

The policy is here, once: how often and how long to retry, on which pass files are
renamed to trash, what counts as removed and the error a user sees. A kernel
(``_backend.remove.rm_rf_once``) removes a tree once and returns what remains, as
``(path, errno, reason)``; it renames to trash only when asked.
"""

from __future__ import annotations

import fnmatch
import os
import sys
import time
from types import ModuleType

from . import _backend
from ._paths import text_path
from .exceptions import InvalidRemovePathError, PathsRemainError

#: The suffix a kernel gives a file it could not unlink, when asked to trash.
TRASH_SUFFIX = ".conda_trash"

#: conda's suffix for files it could not unlink, and for its temporary files.
TRASH_PATTERNS = ("*.conda_trash*", "*.c~")
#: Directories ``delete_trash`` does not descend into, at any level (as conda).
_TRASH_SKIP_DIRS = frozenset({"envs", "pkgs"})


def _absolute(path: object) -> str:
    """The absolute text path of ``path``, under the package's rule for paths (``text_path``)."""
    text = text_path(path)
    if not text:
        raise InvalidRemovePathError(text, "empty path (conda would remove the current directory)")
    return os.path.abspath(text)


def rm_rf(path: str | os.PathLike[str], max_retries: int = 5, trash: bool = True) -> None:
    """Removes a file, a symlink (never its target) or a whole tree; a missing path is fine.

    Directories are removed in parallel (Rust backend) through directory descriptors, so
    a directory swapped for a symlink meanwhile is never followed out of the tree.
    Read-only or unsearchable directories inside the tree are made writable; a mount
    point inside the tree is not entered. What cannot be removed is retried
    ``max_retries`` times with a growing pause; with ``trash``, files that still cannot
    be unlinked are renamed to ``*.conda_trash``. Then ``PathsRemainError`` lists what
    is left. Returns None, like ``conda.exports.rm_rf``.
    """
    target = _absolute(path)
    if isinstance(max_retries, bool) or not isinstance(max_retries, int):
        raise TypeError(f"max_retries must be an int, not {type(max_retries).__name__}")
    if not 0 <= max_retries <= 1000:
        raise ValueError(f"max_retries must be between 0 and 1000, got {max_retries}")
    try:
        _remove(_backend.remove, target, max_retries, bool(trash))
    finally:
        _forget_linked_data(target)


def _backoff(attempt: int) -> float:
    """Seconds before retry ``attempt`` (0-based): 10 ms doubling, capped at 640 ms."""
    return 0.010 * (1 << min(attempt, 6))


def _remove(kernel: ModuleType, path: str, max_retries: int, trash: bool) -> None:
    """Passes of ``kernel`` over the absolute ``path`` until nothing remains: ``1 + max_retries``
    at most, the last one renaming files that cannot be unlinked to trash when ``trash``."""
    if not os.path.basename(path):
        raise InvalidRemovePathError(path, "refusing to remove a filesystem root or a path ending in '..'")
    attempt = 0
    while True:
        last = attempt >= max_retries
        failures = kernel.rm_rf_once(path, trash and last)
        if not failures or (trash and last and _trashed(path, failures)):
            return
        if last:
            raise PathsRemainError(path, _explaining(failures))
        time.sleep(_backoff(attempt))
        attempt += 1


def _trashed(path: str, failures: list[tuple[str, int | None, str]]) -> bool:
    """``path`` itself was renamed to trash: gone from where it was, which conda counts as removed."""
    return len(failures) == 1 and failures[0][0] == path + TRASH_SUFFIX and not os.path.lexists(path)


def _explaining(failures: list[tuple[str, int | None, str]]) -> list[tuple[str, int | None, str]]:
    """The failures that say why: a directory that stays only because something below it
    stays (the path walk reports both) is implied by that entry."""
    ancestors: set[str] = set()
    for failed, _, _ in failures:
        parent = os.path.dirname(failed)
        while parent not in ancestors and parent != failed:
            ancestors.add(parent)
            failed, parent = parent, os.path.dirname(parent)
    return [f for f in failures if f[0] not in ancestors]


#: conda 25.1's deprecated alias; ``conda_exports.move_to_trash`` warns on every read, as conda's does.
move_to_trash = rm_rf

#: Names that warn each time they are read from ``conda_exports`` (conda's deprecated constants).
_WARN_ON_ACCESS = {
    "move_to_trash": "conda.exports.move_to_trash is pending deprecation and will be removed in 25.9. "
    "Use `conda.gateways.disk.delete.rm_rf` instead.",
}


def _forget_linked_data(path: str) -> None:
    """Drops the kept records of the innermost prefix containing ``path``, as conda's ``rm_rf`` does."""
    prefix = sys.modules.get(f"{__package__}.prefix")
    if prefix is not None:  # nothing is kept before that module is first used
        prefix.delete_prefix_from_linked_data(path)


def delete_trash(prefix: str | os.PathLike[str] | None = None) -> None:
    """Removes leftover ``*.conda_trash*`` and ``*.c~`` files below ``prefix`` (default: ``sys.prefix``).

    As conda, ``envs`` and ``pkgs`` directories are skipped at every level and files that
    cannot be removed are left alone silently. Directories emptied this way are removed,
    up to but not including ``prefix`` itself (conda climbs further, past the prefix).
    """
    root = os.path.abspath(os.fspath(prefix) if prefix else sys.prefix)
    for dirpath, dirnames, filenames in os.walk(root, topdown=True):
        dirnames[:] = [d for d in dirnames if d not in _TRASH_SKIP_DIRS]
        removed_any = False
        for name in filenames:
            if not any(fnmatch.fnmatch(name, pattern) for pattern in TRASH_PATTERNS):
                continue
            try:
                os.unlink(os.path.join(dirpath, name))
            except OSError:
                continue
            removed_any = True
        if removed_any:
            _remove_empty_parents(dirpath, root)


def _remove_empty_parents(directory: str, stop: str) -> None:
    """Removes ``directory`` and its parents while they are empty, stopping below ``stop``."""
    while directory != stop and directory.startswith(stop + os.sep):
        try:
            with os.scandir(directory) as entries:
                if next(entries, None) is not None:
                    return
            os.rmdir(directory)
        except OSError:
            return
        directory = os.path.dirname(directory)
