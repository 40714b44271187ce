"""The filesystem helpers of conda.exports, as conda 25.1 behaves.

``symlink_conda``, ``_symlink_conda_hlp``, ``win_conda_bat_redirect``, ``lchmod``,
``TemporaryDirectory``, ``walk_prefix``, ``untracked``, ``unix_path_to_win`` and
``win_path_to_unix``. The names conda 25.1 deprecates warn with its category
(``PendingDeprecationWarning``) and its replacement; ``unix_path_to_win`` and
``win_path_to_unix`` warn on every attribute access of ``conda_exports``, as
``conda.exports`` does, and ``unix_path_to_win`` once more when called.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import logging
import ntpath
import os
import posixpath
import re
import stat
import sys
import tempfile
import warnings
from typing import Any, Callable, Iterable, Iterator, Union

from .exceptions import CondaError, CorruptedEnvironmentError, PathsRemainError

StrPath = Union[str, "os.PathLike[str]"]

_ON_WIN = sys.platform == "win32"
_ON_MAC = sys.platform == "darwin"

_REMOVAL = "will be removed in 25.9"

#: Names that warn each time they are read from ``conda_exports`` (conda's deprecated constants).
_WARN_ON_ACCESS = {
    "unix_path_to_win": f"conda.exports.unix_path_to_win is pending deprecation and {_REMOVAL}. "
    "Use `conda.common.path.unix_path_to_win` instead.",
    "win_path_to_unix": f"conda.exports.win_path_to_unix is pending deprecation and {_REMOVAL}. "
    "Use `conda.common.path.win_path_to_unix` instead.",
}


def _pending_deprecation(addendum: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Makes a function warn on each call as conda 25.1's ``@deprecated("25.3", "25.9")`` does."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        message = f"conda.exports.{func.__name__} is pending deprecation and {_REMOVAL}. {addendum}"

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            warnings.warn(message, PendingDeprecationWarning, stacklevel=2)
            return func(*args, **kwargs)

        return wrapper

    return decorate


# --- symlink_conda and friends -------------------------------------------------------------

_ACTIVATE = "Use `conda.activate` instead."
_SCRIPTS = ("conda", "activate", "deactivate")


@_pending_deprecation(_ACTIVATE)
def symlink_conda(prefix: str, root_dir: str, shell: str | None = None) -> None:
    """Links ``conda``, ``activate`` and ``deactivate`` of ``root_dir`` into ``prefix``.

    Skipped when ``prefix`` (normalised) is a substring of ``root_dir`` (normalised) —
    conda's test, meant to skip the root environment itself.
    """

    def canonical(path: str) -> str:
        return os.path.normcase(os.path.normpath(path))

    if canonical(prefix) in canonical(root_dir):
        return
    # Windows has no symlinks to rely on: .bat redirects in condabin instead
    subdir, linker = ("condabin", _bat_linker(shell)) if _ON_WIN else ("bin", os.symlink)
    os.makedirs(os.path.join(prefix, subdir), exist_ok=True)
    _symlink_conda_hlp(prefix, root_dir, subdir, linker)


def _bat_linker(shell: str | None) -> Callable[[str, str], Any]:
    """``win_conda_bat_redirect`` bound to ``shell``, shaped like ``os.symlink``."""
    return functools.partial(win_conda_bat_redirect, shell=shell)


@_pending_deprecation(_ACTIVATE)
def _symlink_conda_hlp(prefix: str, root_dir: str, where: str, symlink_fn: Callable[[str, str], Any]) -> None:
    """Replaces ``<prefix>/<where>/{conda,activate,deactivate}`` with ``symlink_fn(root_file, prefix_file)``.

    A stale entry is removed first; if it cannot be removed (in use) no link is made; an
    EPERM/EACCES/EROFS/EEXIST error is ignored when something is already in place.
    """
    target_dir = os.path.join(prefix, where)
    os.makedirs(target_dir, exist_ok=True)
    source_dir = os.path.join(root_dir, where)
    for script in _SCRIPTS:
        _relink(os.path.join(source_dir, script), os.path.join(target_dir, script), symlink_fn)


# errors a failed link may end with when something already sits at the link's place
_ALREADY_THERE_ERRNOS = frozenset((errno.EPERM, errno.EACCES, errno.EROFS, errno.EEXIST))


def _relink(source: str, link: str, make_link: Callable[[str, str], Any]) -> None:
    """Puts ``make_link(source, link)`` where ``link`` is, unless an old entry there cannot be removed."""
    from .remove import rm_rf

    try:
        if os.path.lexists(link):
            with contextlib.suppress(PathsRemainError):  # in use: left silently, as by conda's rm_rf
                rm_rf(link)
            if os.path.lexists(link):
                return
        make_link(source, link)
    except OSError as exc:
        if exc.errno in _ALREADY_THERE_ERRNOS and os.path.lexists(link):
            return
        raise


@_pending_deprecation(_ACTIVATE)
def win_conda_bat_redirect(src: str, dst: str, shell: str | None) -> None:
    """Writes ``dst.bat`` (calls ``src`` with all arguments) and a bash shim ``dst``.

    conda defines this on Windows only; here it exists everywhere because it only writes
    files. Existing files are kept. The shim gets the execute bits of its read bits.
    """
    parent = os.path.dirname(dst)
    try:
        os.makedirs(parent)
    except FileExistsError:
        if not os.path.isdir(parent):
            raise
    batch = dst + ".bat"
    if not os.path.isfile(batch):
        with open(batch, "w") as fh:
            fh.write(f'@echo off\ncall "{src}" %*\n')
    if os.path.isfile(dst):
        return
    convert = _shell_path_to(shell or "bash.exe")
    with open(dst, "w") as fh:
        fh.write("#!/usr/bin/env bash \n")
        # conda itself runs as conda.exe; anything else is a script to source
        fh.write(f'{convert(src + ".exe")} "$@"' if src.endswith("conda") else f'source {convert(src)} "$@"')
    _add_execute_bits(dst)


def _add_execute_bits(path: str) -> None:
    """Lets whoever may read ``path`` also execute it."""
    mode = os.stat(path).st_mode
    readers = mode & (stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    os.chmod(path, mode | readers >> 2)


def _shell_path_to(shell: str) -> Callable[[str], Any]:
    """How conda's shell table converts a path for ``shell`` (its ``path_to`` entry).

    On Windows: ``cygwin`` uses cygdrive paths, cmd.exe keeps paths, the MSYS2 shells
    (bash, sh, zsh) use /c/... paths, and an unknown shell is a KeyError, as in conda.
    Elsewhere (where conda has no such function) paths are already Unix paths: kept.
    """
    if not _ON_WIN:
        return _identity
    if shell == "cmd.exe":
        return _identity
    if shell == "cygwin":
        return functools.partial(_win_to_unix, cygdrive=True)
    if shell in ("bash.exe", "bash", "sh.exe", "zsh.exe", "zsh"):
        return _win_to_unix
    raise KeyError(shell)


def _identity(path: str) -> str:
    return path


# --- lchmod, TemporaryDirectory --------------------------------------------------------------

if hasattr(os, "lchmod"):
    lchmod = os.lchmod
else:
    # misc: where os has lchmod (macOS, BSD) mypy wants one signature for both variants;
    # unused-ignore: on Linux it has none, and nothing to ignore
    def lchmod(path: StrPath, mode: int) -> None:  # type: ignore[misc, unused-ignore]
        """chmod that leaves symlinks alone (this platform cannot change a link's mode)."""
        if not os.path.islink(path):
            os.chmod(path, mode)


class TemporaryDirectory:
    """A ``mkdtemp`` directory, removed with ``rm_rf`` when the ``with`` block ends.

    ``with TemporaryDirectory() as name`` yields the path. As conda's, removal never
    raises: whatever cannot be removed is left behind.
    """

    name: str | None = None
    _closed = False

    def __init__(self, suffix: str = "", prefix: str = "tmp", dir: StrPath | None = None) -> None:
        self.name = tempfile.mkdtemp(suffix, prefix, dir)

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} {self.name!r}>"

    def __enter__(self) -> str | None:
        return self.name

    def cleanup(self, _warn: bool = False, _warnings: Any = warnings) -> None:
        if self.name and not self._closed:
            from .remove import rm_rf

            try:
                rm_rf(self.name)
            except (CondaError, OSError):
                pass
            self._closed = True

    def __exit__(self, *exc_info: object) -> None:
        self.cleanup()

    def __del__(self) -> None:
        try:
            self.cleanup(_warn=True)
        except Exception:
            pass  # interpreter shutdown: modules may already be gone


# --- walk_prefix, untracked -----------------------------------------------------------------

_PREDEFINED = frozenset(
    {
        "pkgs",
        "envs",
        "conda-bld",
        "conda-meta",
        ".conda_lock",
        "users",
        "LICENSE.txt",
        "info",
        "conda-recipes",
        ".index",
        ".unionfs",
        ".nonadmin",
    }
    | ({"python.app", "Launcher.app"} if _ON_MAC else set())
)
_BIN_SCRIPTS = frozenset(_SCRIPTS)


def walk_prefix(
    prefix: StrPath, ignore_predefined_files: bool = True, windows_forward_slashes: bool = True
) -> set[str]:
    """Every file of ``prefix`` as a path relative to it (symlinks to directories included).

    With ``ignore_predefined_files``, conda's bookkeeping entries at the top (``pkgs``,
    ``envs``, ``conda-meta``, ``info``, ...) and ``bin/{conda,activate,deactivate}`` are
    left out. Top-level symlinks to directories are walked into, deeper ones listed.
    """
    prefix = os.path.abspath(prefix)
    with os.scandir(prefix) as entries:
        top_names = [entry.name for entry in entries]
    if ignore_predefined_files:
        top_names = [name for name in top_names if name not in _PREDEFINED]
    scripts_dir = os.path.join(prefix, "bin") if ignore_predefined_files else None

    found: set[str] = set()
    for name in top_names:
        top = os.path.join(prefix, name)
        if os.path.isfile(top):
            found.add(name)
        else:
            found.update(os.path.relpath(path, prefix) for path in _tree_entries(top, scripts_dir))
    if _ON_WIN and windows_forward_slashes:
        found = {path.replace("\\", "/") for path in found}
    return found


def _tree_entries(top: str, scripts_dir: str | None) -> Iterator[str]:
    """Paths of the files below ``top`` and of the symlinks to directories there (not entered).

    In ``scripts_dir`` conda's own ``conda``/``activate``/``deactivate`` are passed over.
    """
    for root, dirs, files in os.walk(top):
        hidden = _BIN_SCRIPTS if root == scripts_dir else frozenset()
        yield from (os.path.join(root, name) for name in files if name not in hidden)
        for name in dirs:
            path = os.path.join(root, name)
            if os.path.islink(path):
                yield path


def _installed_records(prefix: str) -> list[dict[str, Any]]:
    """The package records of ``prefix/conda-meta/*.json``, one per package name, as conda loads them.

    A record whose file name is not ``<name>-<version>-<build>.json`` of its own
    contents is ignored, as conda does. (A later issue brings ``linked_data``.)
    """
    meta_dir = os.path.join(prefix, "conda-meta")
    if not os.path.lexists(meta_dir):
        return []
    records: dict[str, dict[str, Any]] = {}
    with os.scandir(meta_dir) as entries:
        paths = [entry.path for entry in entries if entry.path[-5:] == ".json"]
    for path in paths:
        with open(path, "rb") as fh:
            raw = fh.read()
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise CorruptedEnvironmentError(prefix, path) from None
        if not isinstance(record, dict) or not all(
            isinstance(record.get(k), str) for k in ("name", "version", "build")
        ):
            raise CorruptedEnvironmentError(prefix, path)
        parts = os.path.basename(path)[:-5].rsplit("-", 2)
        if parts != [record["name"], record["version"], record["build"]]:
            logging.getLogger(__name__).warning("Ignoring malformed prefix record at: %s", path)
            continue
        records[record["name"]] = record
    return list(records.values())


def _installed_files(prefix: str, exclude_self_build: bool = False) -> set[str]:
    files: set[str] = set()
    for record in _installed_records(prefix):
        if exclude_self_build and "file_hash" in record:
            continue
        files.update(record.get("files") or ())
    return files


def untracked(prefix: StrPath, exclude_self_build: bool = False) -> set[str]:
    """Files of ``prefix`` (as ``walk_prefix`` lists them) that no installed package owns.

    Backup files (``*~``), ``.pyc`` files of owned ``.py`` files and, on macOS,
    ``.DS_Store`` are not reported.
    """
    prefix = os.fspath(prefix)
    owned = _installed_files(prefix, exclude_self_build)
    unowned = walk_prefix(prefix) - owned
    return {path for path in unowned if not _is_by_product(path, owned)}


def _is_by_product(path: str, owned: set[str]) -> bool:
    """An editor backup, a Finder ``.DS_Store`` (macOS), or the bytecode of an owned module."""
    if path.endswith(".pyc"):
        return path[:-1] in owned
    return path.endswith("~") or (_ON_MAC and path.endswith(".DS_Store"))


# --- unix_path_to_win, win_path_to_unix -------------------------------------------------------


def unix_path_to_win(path: str, root_prefix: str = "") -> str:
    """``/c/x/y`` (or ``<root_prefix>/c/x/y``) to ``c:\\x\\y``; ``:``-separated lists become ``;``-separated.

    conda's regex translation, quirks included: a path already in Windows form only has
    its slashes turned around; paths that do not start with a drive letter stay as they are.
    """
    warnings.warn(_WARN_ON_ACCESS["unix_path_to_win"], PendingDeprecationWarning, stacklevel=2)
    if len(path) > 1 and (";" in path or (path[1] == ":" and path.count(":") == 1)):
        return path.replace("/", "\\")
    pattern = root_prefix + r'(/[a-zA-Z]/(?:(?![:\s]/)[^:*?"<>])*)'

    def drive_form(match: re.Match[str]) -> str:
        found = match.group(0)
        return f"{found[len(root_prefix) + 1]}:{found[len(root_prefix) + 2 :].replace('/', chr(92))}"

    converted = re.sub(pattern, drive_form, path)
    return re.sub(r":([a-zA-Z]):\\", lambda m: ";" + m.group(0)[1] + ":\\", converted)


# conda's ^(?P<drive>[A-Za-z]):(?P<path>[/\\]+.*)?$ and ^[/\\]{2}((?P<mount>[^/\\]+)(?P<path>.*)?)?$,
# written so that they give the same matches (and groups) without backtracking over every
# split of a long run between two quantifiers (quadratic when a newline makes them fail):
# the path's ".*" takes the slashes after the first itself, and after the mount, the path
# can only start at a slash (a match needs the mount to run up to one, or to the end).
_WIN_DRIVE = re.compile(r"^(?P<drive>[A-Za-z]):(?P<path>[/\\].*)?$")
_WIN_MOUNT = re.compile(r"^[/\\]{2}((?P<mount>[^/\\]+)(?P<path>(?:[/\\].*)?))?$")


def _normalise_separators(path: str, sep: str) -> str:
    """Every run of slashes/backslashes to one ``sep``; a leading run keeps its length."""
    match = re.match(r"^([/\\]+)(.*)$", path, flags=re.DOTALL)
    leading = ""
    if match:
        leading, path = match.groups()
    return re.sub(r"[/\\]", lambda _: sep, leading) + re.sub(r"[/\\]+", lambda _: sep, path)


def _win_to_unix(path: str, prefix: str | None = None, cygdrive: bool = False) -> str:
    """cygpath --unix without cygpath: drive, UNC and ``<prefix>\\Library`` root forms."""
    if ntpath.pathsep in path:
        converted = (_win_to_unix(part, prefix, cygdrive) for part in path.split(ntpath.pathsep))
        return posixpath.pathsep.join(filter(None, converted))
    if path and (ntpath.isabs(path) or path in ("C:", "c:")):  # ntpath does not count a bare "C:"
        # the first form that fits wins; a path none fits only has its separators folded
        for found in (
            _msys_root_form(path, prefix) if prefix else None,
            _mount_form(path),
            _drive_form(path, cygdrive),
        ):
            if found is not None:
                path = found
                break
    return _normalise_separators(path, posixpath.sep) if path else path


def _msys_root_form(path: str, prefix: str) -> str | None:
    """``<prefix>\\Library\\x`` -> ``/x``: MSYS2's root is the environment's Library folder."""
    library = ntpath.join(ntpath.normpath(prefix), "Library")
    candidate = ntpath.normpath(path) + (ntpath.sep if path[-1] in "/\\" else "")
    match = re.match(rf"{re.escape(library)}(?P<path>.*)?$", candidate)
    if match is None:
        return None
    return (match.group("path") or "/") + candidate[match.end() :]


def _mount_form(path: str) -> str | None:
    """``\\\\server\\share`` -> ``//server/share``."""
    match = _WIN_MOUNT.match(path)
    if match is None:
        return None
    return f"//{match.group('mount') or ''}{match.group('path') or ''}" + path[match.end() :]


def _drive_form(path: str, cygdrive: bool) -> str | None:
    """``C:\\x`` -> ``/c/x`` (``/cygdrive/c/x`` for Cygwin)."""
    match = _WIN_DRIVE.match(path)
    if match is None:
        return None
    head = "/cygdrive/" if cygdrive else "/"
    return f"{head}{match.group('drive').lower()}{match.group('path') or ''}" + path[match.end() :]


def _cygpath() -> str | None:
    """The cygpath conda would run (next to ``bash`` on PATH, else on PATH), if it exists."""
    import shutil

    bash = shutil.which("bash")
    candidate = os.path.join(os.path.dirname(bash), "cygpath") if bash else "cygpath"
    return shutil.which(candidate)


def win_path_to_unix(
    paths: StrPath | Iterable[StrPath] | None,
    prefix: StrPath | None = None,
    *,
    cygdrive: bool = False,
) -> str | tuple[str, ...] | None:
    """Windows path(s) to Unix form: ``C:\\x`` -> ``/c/x``, ``\\\\srv\\s`` -> ``//srv/s``.

    One path gives a string, an iterable of paths a tuple; ``;`` separates paths within a
    string. Uses ``cygpath`` when it is installed (as conda does), else the same
    conversion in Python.
    """
    if paths is None:
        return None
    single = isinstance(paths, (str, os.PathLike))
    items: Any = paths if single else tuple(paths)  # type: ignore[arg-type]
    if not items:
        return "." if single else ()
    if _ON_WIN and prefix is None:
        prefix = os.environ.get("CONDA_PREFIX") or sys.prefix
    joined = str(items) if single else ntpath.pathsep.join(map(str, items))
    converted = None
    cygpath = _cygpath()
    if cygpath:
        import subprocess

        try:
            out = subprocess.run(
                [cygpath, "--unix", "--path", joined], text=True, capture_output=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = None
        if out is not None:
            converted = posixpath.pathsep.join(
                _normalise_separators(part, posixpath.sep) for part in out.split(posixpath.pathsep)
            )
    if converted is None:
        converted = _win_to_unix(joined, os.fspath(prefix) if prefix else None, cygdrive)
    if single:
        return converted
    return tuple(converted.split(posixpath.pathsep)) if converted else ()
