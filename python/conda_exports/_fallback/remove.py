"""Pure-Python ``rm_rf`` kernel, matching ``_core.rm_rf_once``: one pass, same guarantees, one thread.

``rm_rf_once(path, trash)`` removes ``path`` once and returns what remains as
``(path, errno, reason)``; retrying, and what counts as removed, is
``conda_exports.remove.rm_rf``'s. With ``trash`` a file that cannot be unlinked is
renamed to ``<name>.conda_trash`` and reported under that name.

Where the OS has directory descriptors (``os.open``/``os.unlink`` with ``dir_fd``), every
step is relative to an open directory opened with ``O_NOFOLLOW | O_DIRECTORY``, so a
directory swapped for a symlink mid-way is removed as a symlink and never entered. The
walk uses an explicit stack, not recursion, so deep trees do not hit the recursion limit.
Read-only and unsearchable directories inside the tree get ``u+rwx`` (never through a
symlink); a directory on another device (a mount point) is not entered and is reported.
Elsewhere (Windows) a path-based walk checks each entry with ``lstat`` before acting.
"""

from __future__ import annotations

import errno as _errno
import os
import stat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TRASH_SUFFIX = ".conda_trash"
MOUNT_POINT = "a mount point (another filesystem): rm_rf does not cross into it"
CHANGED_TYPE = "changed type during removal"

_OWNER_RWX = 0o700
_FD_BASED = (
    os.open in os.supports_dir_fd
    and os.unlink in os.supports_dir_fd
    and os.stat in os.supports_dir_fd
    and os.scandir in os.supports_fd
    and hasattr(os, "O_NOFOLLOW")
    and hasattr(os, "O_DIRECTORY")
)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
# The parent of the path only anchors the *at calls: O_PATH needs search, not read, permission.
_PARENT_FLAGS = getattr(os, "O_PATH", os.O_RDONLY) | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


def rm_rf_once(path: str, trash: bool) -> list[tuple[str, int | None, str]]:
    """Removes ``path`` once; returns ``(path, errno, reason)`` for what remains.

    As the Rust kernel: text the file system encoding cannot take raises ``os.fsencode``'s
    ``UnicodeEncodeError`` for the whole path; a path naming nothing to remove, or holding
    a NUL anywhere, raises ``InvalidRemovePathError``.
    """
    os.fsencode(path)
    split = _split(path)
    if split is None or "\0" in path:
        # imported here: this module loads with the package, the exceptions only on use
        from ..exceptions import InvalidRemovePathError

        raise InvalidRemovePathError(path, "no parent directory" if split is None else "embedded null byte")
    if _FD_BASED:
        return _FdPass(trash).run(path, *split)
    return _PathPass(trash).run(path)


def _trim_end(text: str) -> str:
    """``text`` without trailing separators and ``.`` components (a root stays ``/``)."""
    while True:
        if text.endswith("/") and text.strip("/"):
            text = text.rstrip("/")
        elif text.endswith("/."):
            text = text[:-1]
        else:
            return "/" if text and not text.strip("/") else text


def _split(path: str) -> tuple[str, str] | None:
    """``(parent, name)`` of ``path`` as the Rust kernel reads it, or None when it names
    nothing to remove (a root, ``.``, a last component ``..``, empty text).

    On POSIX that is std's ``Path::parent`` / ``Path::file_name``: trailing separators and
    ``.`` components do not count (``d/.`` and ``d/`` name ``d``), ``..`` is never resolved
    (``d/..`` names nothing: it is not removed as the directory holding ``d``).
    """
    if os.sep != "/":
        parent, name = os.path.split(path)
        return (parent, name) if name else None
    body = _trim_end(path)
    cut = body.rfind("/")
    name = body[cut + 1 :]
    if name in ("", ".", ".."):
        return None
    return (_trim_end(body[: cut + 1]) if cut >= 0 else ""), name


class _Pass:
    """What one pass found remaining."""

    def __init__(self, trash: bool) -> None:
        self.trash = trash
        self.failures: list[tuple[str, int | None, str]] = []

    def fail(self, path: str, err: OSError | None = None, reason: str = "") -> bool:
        """Records that ``path`` remains, because of ``err`` or ``reason``; returns False."""
        if err is not None:
            self.failures.append((path, err.errno, err.strerror or str(err)))
        else:
            self.failures.append((path, None, reason))
        return False


class _FdPass(_Pass):
    """One pass over a tree through directory descriptors."""

    dev = -1  # the device of the path: directories on another one are not entered

    def run(self, path: str, parent: str, name: str) -> list[tuple[str, int | None, str]]:
        try:
            pfd = os.open(parent or ".", _PARENT_FLAGS)
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as exc:
            self.fail(path, exc)
            return self.failures
        try:
            try:
                st = os.stat(name, dir_fd=pfd, follow_symlinks=False)
            except FileNotFoundError:
                return []
            except OSError as exc:
                self.fail(path, exc)
                return self.failures
            self.dev = st.st_dev
            # A non-directory is unlinked here; one that turns out to be a directory after
            # all (it was swapped) is removed as a tree.
            if stat.S_ISDIR(st.st_mode) or self.unlink_entry(pfd, parent, name) is None:
                self.remove_dir(pfd, parent, name)
            return self.failures
        finally:
            os.close(pfd)

    def undeletable(self, dfd: int, dpath: str, name: str, err: OSError) -> bool:
        """A non-directory that cannot be unlinked: renamed to trash when asked, and reported
        under the name it has now."""
        if self.trash:
            try:
                os.rename(name, name + TRASH_SUFFIX, src_dir_fd=dfd, dst_dir_fd=dfd)
            except OSError:
                pass
            else:
                return self.fail(os.path.join(dpath, name + TRASH_SUFFIX), err)
        return self.fail(os.path.join(dpath, name), err)

    def unlink_entry(self, dfd: int, dpath: str, name: str) -> bool | None:
        """Unlinks a non-directory: True when gone, False when it failed, None when it is a directory."""
        try:
            os.unlink(name, dir_fd=dfd)
            return True
        except FileNotFoundError:
            return True
        except IsADirectoryError:
            return None
        except OSError as exc:
            if exc.errno == _errno.EPERM:  # macOS answers EPERM for unlink on a directory
                try:
                    if stat.S_ISDIR(os.stat(name, dir_fd=dfd, follow_symlinks=False).st_mode):
                        return None
                except FileNotFoundError:
                    return True
                except OSError:
                    pass
            return self.undeletable(dfd, dpath, name, exc)

    def clear_files(self, fd: int, path: str) -> tuple[list[str], bool]:
        """Unlinks every non-directory of the open directory ``fd``; returns its subdirectories."""
        subdirs: list[str] = []
        ok = True
        try:
            with os.scandir(fd) as it:
                entries = list(it)
        except OSError as exc:
            return subdirs, self.fail(path, exc)
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except FileNotFoundError:
                continue
            except OSError as exc:
                ok = self.fail(os.path.join(path, entry.name), exc)
                continue
            if is_dir:
                subdirs.append(entry.name)
                continue
            gone = self.unlink_entry(fd, path, entry.name)
            if gone is None:
                subdirs.append(entry.name)
            elif not gone:
                ok = False
        return subdirs, ok

    def make_searchable_at(self, dfd: int, name: str) -> None:
        """Gives the owner rwx on the directory ``name`` of ``dfd``, never through a symlink."""
        st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
        if not stat.S_ISDIR(st.st_mode):
            raise NotADirectoryError(_errno.ENOTDIR, os.strerror(_errno.ENOTDIR))
        mode = stat.S_IMODE(st.st_mode) | _OWNER_RWX
        if os.chmod in os.supports_follow_symlinks:
            os.chmod(name, mode, dir_fd=dfd, follow_symlinks=False)
            return
        # Linux has no fchmodat(AT_SYMLINK_NOFOLLOW) in Python: hold the entry itself with
        # O_PATH|O_NOFOLLOW, check that it is a directory, and chmod that very inode through
        # /proc/self/fd (a link to the open file, not a name that can be swapped).
        pfd = os.open(name, os.O_PATH | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), dir_fd=dfd)
        try:
            if not stat.S_ISDIR(os.fstat(pfd).st_mode):
                raise NotADirectoryError(_errno.ENOTDIR, os.strerror(_errno.ENOTDIR))
            os.chmod(f"/proc/self/fd/{pfd}", mode)
        finally:
            os.close(pfd)

    def open_child(self, dfd: int, dpath: str, name: str) -> int | bool:
        """An open descriptor of subdirectory ``name``, or True (gone) / False (failed)."""
        try:
            fd = os.open(name, _DIR_FLAGS, dir_fd=dfd)
        except FileNotFoundError:
            return True
        except OSError as exc:
            if exc.errno in (_errno.ELOOP, _errno.ENOTDIR):
                # No longer a directory (swapped for a symlink or a file): remove the entry itself.
                gone = self.unlink_entry(dfd, dpath, name)
                if gone is None:
                    return self.fail(os.path.join(dpath, name), reason=CHANGED_TYPE)
                return gone
            if exc.errno != _errno.EACCES:
                return self.fail(os.path.join(dpath, name), exc)
            try:
                self.make_searchable_at(dfd, name)
                fd = os.open(name, _DIR_FLAGS, dir_fd=dfd)
            except OSError:
                return self.fail(os.path.join(dpath, name), exc)
        try:
            st = os.fstat(fd)
        except OSError as exc:
            os.close(fd)
            return self.fail(os.path.join(dpath, name), exc)
        if st.st_dev != self.dev:
            os.close(fd)
            return self.fail(os.path.join(dpath, name), reason=MOUNT_POINT)
        if st.st_mode & _OWNER_RWX != _OWNER_RWX:
            # A read-only directory of the tree; fchmod acts on this very directory.
            try:
                os.fchmod(fd, stat.S_IMODE(st.st_mode) | _OWNER_RWX)
            except OSError:
                pass  # not ours to change: the unlinks below fail and are reported
        return fd

    def remove_empty_child(self, dfd: int, dpath: str, name: str) -> bool:
        try:
            os.rmdir(name, dir_fd=dfd)
            return True
        except FileNotFoundError:
            return True
        except NotADirectoryError:
            return bool(self.unlink_entry(dfd, dpath, name))
        except OSError as exc:
            return self.fail(os.path.join(dpath, name), exc)

    def remove_dir(self, pfd: int, ppath: str, name: str) -> bool:
        """Removes directory ``name`` of ``pfd`` depth-first with an explicit stack."""
        fd = self.open_child(pfd, ppath, name)
        if isinstance(fd, bool):
            return fd
        path = os.path.join(ppath, name)
        # frame: [fd, path, name, pending subdirectories, everything removed so far]
        stack: list[list[Any]] = []
        try:
            subdirs, ok = self.clear_files(fd, path)
            stack.append([fd, path, name, subdirs, ok])
            while stack:
                top = stack[-1]
                if top[3]:
                    child = top[3].pop()
                    opened = self.open_child(top[0], top[1], child)
                    if isinstance(opened, bool):
                        top[4] = top[4] and opened
                        continue
                    cpath = os.path.join(top[1], child)
                    stack.append([opened, cpath, child, [], True])
                    subdirs, ok = self.clear_files(opened, cpath)
                    stack[-1][3:] = [subdirs, ok]
                    continue
                stack.pop()
                os.close(top[0])
                parent_fd, parent_path = (stack[-1][0], stack[-1][1]) if stack else (pfd, ppath)
                removed = top[4] and self.remove_empty_child(parent_fd, parent_path, top[2])
                if not stack:
                    return removed
                stack[-1][4] = stack[-1][4] and removed
            return False
        finally:
            for frame in stack:
                os.close(frame[0])


class _PathPass(_Pass):
    """One pass by path, for systems without directory descriptors (Windows). A directory
    that stays only because something below it does is reported too."""

    def remove_leaf(self, path: str, st: os.stat_result) -> None:
        def attempt() -> None:
            try:
                os.unlink(path)
            except OSError:
                if stat.S_ISLNK(st.st_mode) or bool(getattr(st, "st_reparse_tag", False)):
                    os.rmdir(path)  # a directory symlink or junction
                else:
                    raise

        try:
            attempt()
            return
        except FileNotFoundError:
            return
        except OSError:
            pass
        try:
            if not stat.S_ISLNK(st.st_mode):
                os.chmod(path, stat.S_IMODE(st.st_mode) | stat.S_IWRITE)
            attempt()
        except FileNotFoundError:
            return
        except OSError as exc:
            shown = path
            if self.trash:
                try:
                    os.rename(path, path + TRASH_SUFFIX)
                    shown = path + TRASH_SUFFIX
                except OSError:
                    pass
            self.fail(shown, exc)

    def run(self, path: str) -> list[tuple[str, int | None, str]]:
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return []
        except OSError as exc:
            self.fail(path, exc)
            return self.failures
        if not _is_real_dir(st):
            self.remove_leaf(path, st)
            return self.failures
        stack: list[tuple[str, bool]] = [(path, False)]
        while stack:
            directory, listed = stack.pop()
            if listed:
                try:
                    os.rmdir(directory)
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    self.fail(directory, exc)
                continue
            try:
                os.chmod(directory, stat.S_IMODE(os.lstat(directory).st_mode) | stat.S_IWRITE)
                entries = list(os.scandir(directory))
            except FileNotFoundError:
                continue
            except OSError as exc:
                self.fail(directory, exc)
                continue
            stack.append((directory, True))
            for entry in entries:
                try:
                    est = os.lstat(entry.path)
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    self.fail(entry.path, exc)
                    continue
                if _is_real_dir(est):
                    stack.append((entry.path, False))
                else:
                    self.remove_leaf(entry.path, est)
        return self.failures


def _is_real_dir(st: os.stat_result) -> bool:
    return stat.S_ISDIR(st.st_mode) and not getattr(st, "st_reparse_tag", 0)
