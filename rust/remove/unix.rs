//! The descriptor walk (Unix). Every step works relative to an open directory
//! descriptor (`openat` / `fstatat` / `unlinkat` with `O_NOFOLLOW | O_DIRECTORY`), so a
//! directory that is swapped for a symlink while the deletion runs is removed as a
//! symlink, never entered (the CVE-2022-21658 class of bug). Subdirectories near the top
//! are removed in parallel (rayon work-stealing); deeper levels run on an explicit
//! stack, so depth is bounded by the descriptor limit, not by the thread stack.
//!
//! The tree belongs to the caller: a directory inside it that is read-only or
//! unsearchable gets `u+rwx` (through its descriptor, or `fchmodat` with
//! `AT_SYMLINK_NOFOLLOW`) so its entries can go. Nothing outside the tree is changed:
//! the parent of `path` is never chmod-ed.
//!
//! Mount points: a directory on another device than `path` itself is not entered and
//! is reported as remaining (like `rm --one-file-system`), so a filesystem mounted
//! inside an environment is never emptied by accident.

use std::ffi::{CStr, CString, OsStr};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use rayon::prelude::*;

#[cfg(not(test))]
use super::sys::unlink_at;
use super::sys::{
    errno, is_dir, make_owner_rwx, make_searchable_at, open_dir_at, open_parent, read_entries,
    rename_at, stat_at, stat_fd, Kind, OWNER_RWX,
};
#[cfg(test)]
use super::tests::unlink_at;
use super::{Failure, InvalidPath, TRASH_SUFFIX};

/// Directory levels (counted from `path`) whose subdirectories are removed
/// in parallel; below that each subtree runs on one thread with an explicit stack.
const PARALLEL_DEPTH: usize = 12;
/// A directory with more non-directory entries than this unlinks them in parallel chunks.
const PARALLEL_FILES: usize = 2048;
const FILE_CHUNK: usize = 512;

/// Unlinking is system-call bound and often waits on the filesystem, so a
/// few more threads than cores keep the disk busy; a private pool leaves the
/// global one (hashing) alone.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        rayon::ThreadPoolBuilder::new()
            .num_threads((cores * 2).clamp(4, 32))
            .thread_name(|i| format!("conda-exports-rm-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

fn mount_point_error() -> io::Error {
    io::Error::other("a mount point (another filesystem): rm_rf does not cross into it")
}

/// State shared by every thread of one pass.
struct Pass {
    /// Device of `path`: directories on another device are not entered.
    dev: libc::dev_t,
    trash: bool,
    failures: Mutex<Vec<Failure>>,
}

impl Pass {
    /// Records that `path` remains; returns false (not removed) for the caller's result.
    fn fail(&self, path: PathBuf, error: io::Error) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        failures.push(Failure { path, error });
        false
    }
}

fn child_path(parent: &Path, name: &CStr) -> PathBuf {
    parent.join(OsStr::from_bytes(name.to_bytes()))
}

fn trash_name(name: &CStr) -> io::Result<CString> {
    let mut bytes = name.to_bytes().to_vec();
    bytes.extend_from_slice(TRASH_SUFFIX.as_bytes());
    CString::new(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
}

/// A non-directory that could not be unlinked: renamed to trash when the pass is asked
/// to, and reported under the name it has now. Returns false (it remains).
fn undeletable(pass: &Pass, dir: RawFd, dir_path: &Path, name: &CStr, err: io::Error) -> bool {
    if pass.trash {
        if let Ok(trash) = trash_name(name) {
            if rename_at(dir, name, &trash).is_ok() {
                let path = child_path(dir_path, &trash);
                return pass.fail(path, err);
            }
        }
    }
    pass.fail(child_path(dir_path, name), err)
}

/// Unlinks the non-directory `name` of `dir`; `Err(())` when it is a directory after all.
fn unlink_entry(pass: &Pass, dir: RawFd, dir_path: &Path, name: &CStr) -> Result<bool, ()> {
    match unlink_at(dir, name, 0) {
        Ok(()) => Ok(true),
        Err(e) => match errno(&e) {
            libc::ENOENT => Ok(true),
            libc::EISDIR => Err(()),
            // Some systems (macOS) answer EPERM for unlink on a directory.
            libc::EPERM => match stat_at(dir, name) {
                Ok(st) if is_dir(&st) => Err(()),
                Ok(_) => Ok(undeletable(pass, dir, dir_path, name, e)),
                Err(e2) if errno(&e2) == libc::ENOENT => Ok(true),
                Err(_) => Ok(undeletable(pass, dir, dir_path, name, e)),
            },
            _ => Ok(undeletable(pass, dir, dir_path, name, e)),
        },
    }
}

/// Removes every non-directory entry of `dir`; returns the subdirectories still to
/// remove and whether everything else went.
fn clear_files(pass: &Pass, dir: &OwnedFd, dir_path: &Path) -> (Vec<CString>, bool) {
    let entries = match read_entries(dir) {
        Ok(entries) => entries,
        Err(e) => return (Vec::new(), pass.fail(dir_path.to_path_buf(), e)),
    };
    let fd = dir.as_raw_fd();
    let mut subdirs = Vec::new();
    let mut files = Vec::with_capacity(entries.len());
    let mut ok = true;
    for entry in entries {
        let kind = match entry.kind {
            Kind::Unknown => match stat_at(fd, &entry.name) {
                Ok(st) if is_dir(&st) => Kind::Dir,
                Ok(_) => Kind::NotDir,
                Err(e) if errno(&e) == libc::ENOENT => continue,
                Err(e) => {
                    ok = pass.fail(child_path(dir_path, &entry.name), e);
                    continue;
                }
            },
            kind => kind,
        };
        if kind == Kind::Dir {
            subdirs.push(entry.name);
        } else {
            files.push(entry.name);
        }
    }
    let unlink = |name: &CString| match unlink_entry(pass, fd, dir_path, name) {
        Ok(gone) => (gone, None),
        Err(()) => (true, Some(name.clone())),
    };
    let results: Vec<(bool, Option<CString>)> = if files.len() > PARALLEL_FILES {
        files
            .par_chunks(FILE_CHUNK)
            .flat_map_iter(|chunk| chunk.iter().map(unlink))
            .collect()
    } else {
        files.iter().map(unlink).collect()
    };
    for (gone, became_dir) in results {
        ok &= gone;
        subdirs.extend(became_dir);
    }
    (subdirs, ok)
}

enum Child {
    Opened(OwnedFd),
    /// Removed already, or removed as a non-directory because it no longer was one.
    Gone,
    Failed,
}

/// Opens the subdirectory `name` of `dir` to empty it; never follows a symlink.
fn open_child(pass: &Pass, dir: RawFd, dir_path: &Path, name: &CStr) -> Child {
    let fd = match open_dir_at(dir, name) {
        Ok(fd) => fd,
        Err(e) => match errno(&e) {
            libc::ENOENT => return Child::Gone,
            // Not a directory any more (swapped for a symlink or a file): remove the
            // entry itself, which for a symlink never touches its target.
            libc::ELOOP | libc::ENOTDIR => {
                return match unlink_entry(pass, dir, dir_path, name) {
                    Ok(true) => Child::Gone,
                    Ok(false) => Child::Failed,
                    Err(()) => {
                        let path = child_path(dir_path, name);
                        pass.fail(path, io::Error::other("changed type during removal"));
                        Child::Failed
                    }
                };
            }
            // Unreadable or unsearchable: it is ours, so make it accessible and retry.
            libc::EACCES => {
                match make_searchable_at(dir, name).and_then(|()| open_dir_at(dir, name)) {
                    Ok(fd) => fd,
                    Err(_) => {
                        pass.fail(child_path(dir_path, name), e);
                        return Child::Failed;
                    }
                }
            }
            _ => {
                pass.fail(child_path(dir_path, name), e);
                return Child::Failed;
            }
        },
    };
    match stat_fd(fd.as_raw_fd()) {
        Ok(st) if st.st_dev != pass.dev => {
            pass.fail(child_path(dir_path, name), mount_point_error());
            Child::Failed
        }
        Ok(st) => {
            if st.st_mode & OWNER_RWX != OWNER_RWX {
                // A read-only directory of the tree: its entries can only be unlinked
                // once it is writable. fchmod acts on the open descriptor, which is this
                // very directory (opened with O_NOFOLLOW), never on a link target. A
                // failure (not the owner) shows up as the unlinks failing.
                let _ = make_owner_rwx(fd.as_raw_fd(), st.st_mode);
            }
            Child::Opened(fd)
        }
        Err(e) => {
            pass.fail(child_path(dir_path, name), e);
            Child::Failed
        }
    }
}

/// Removes the now empty subdirectory `name` of `dir`.
fn remove_empty_child(pass: &Pass, dir: RawFd, dir_path: &Path, name: &CStr) -> bool {
    match unlink_at(dir, name, libc::AT_REMOVEDIR) {
        Ok(()) => true,
        Err(e) => match errno(&e) {
            libc::ENOENT => true,
            // Swapped for a symlink or a file after we emptied it: remove that entry.
            libc::ENOTDIR => unlink_entry(pass, dir, dir_path, name).unwrap_or(false),
            _ => pass.fail(child_path(dir_path, name), e),
        },
    }
}

/// Removes the subdirectory `name` of `dir` and everything below it.
fn remove_subdir(pass: &Pass, dir: RawFd, dir_path: &Path, name: &CStr, depth: usize) -> bool {
    let child = match open_child(pass, dir, dir_path, name) {
        Child::Opened(fd) => fd,
        Child::Gone => return true,
        Child::Failed => return false,
    };
    let path = child_path(dir_path, name);
    let emptied = if depth < PARALLEL_DEPTH {
        let (subdirs, files_ok) = clear_files(pass, &child, &path);
        let fd = child.as_raw_fd();
        let dirs_ok = subdirs
            .par_iter()
            .map(|sub| remove_subdir(pass, fd, &path, sub, depth + 1))
            .reduce(|| true, |a, b| a && b);
        drop(child);
        files_ok && dirs_ok
    } else {
        empty_sequentially(pass, child, path)
    };
    emptied && remove_empty_child(pass, dir, dir_path, name)
}

struct Frame {
    fd: OwnedFd,
    path: PathBuf,
    name: Option<CString>,
    pending: Vec<CString>,
    ok: bool,
}

/// Empties the open directory `root` depth-first on this thread, with an explicit
/// stack instead of recursion.
fn empty_sequentially(pass: &Pass, root: OwnedFd, root_path: PathBuf) -> bool {
    let (pending, ok) = clear_files(pass, &root, &root_path);
    let mut stack = vec![Frame {
        fd: root,
        path: root_path,
        name: None,
        pending,
        ok,
    }];
    loop {
        let Some(top) = stack.last_mut() else {
            return false;
        };
        if let Some(name) = top.pending.pop() {
            match open_child(pass, top.fd.as_raw_fd(), &top.path, &name) {
                Child::Opened(fd) => {
                    let path = child_path(&top.path, &name);
                    let (pending, ok) = clear_files(pass, &fd, &path);
                    stack.push(Frame {
                        fd,
                        path,
                        name: Some(name),
                        pending,
                        ok,
                    });
                }
                Child::Gone => {}
                Child::Failed => top.ok = false,
            }
            continue;
        }
        let Some(done) = stack.pop() else {
            return false;
        };
        let Some(parent) = stack.last_mut() else {
            return done.ok;
        };
        let Frame { fd, ok, name, .. } = done;
        drop(fd);
        let removed = match name {
            Some(name) if ok => {
                remove_empty_child(pass, parent.fd.as_raw_fd(), &parent.path, &name)
            }
            _ => false,
        };
        parent.ok &= removed;
    }
}

/// Runs `remove` on the pass's own thread pool (or here, when it could not be built).
fn in_pool(remove: impl FnOnce() -> bool + Send) {
    match pool() {
        Some(pool) => {
            pool.install(remove);
        }
        None => {
            remove();
        }
    }
}

/// One pass over `path`, the entry `name` of the directory `parent`; returns what remains.
pub(super) fn remove_once(
    path: &Path,
    parent: &Path,
    name: &OsStr,
    trash: bool,
) -> Result<Vec<Failure>, InvalidPath> {
    let Ok(name) = CString::new(name.as_bytes()) else {
        return Err(InvalidPath(path.to_path_buf(), "embedded null byte"));
    };
    let remains = |error| {
        Ok(vec![Failure {
            path: path.to_path_buf(),
            error,
        }])
    };
    let parent_fd = match open_parent(parent) {
        Ok(fd) => fd,
        Err(e) if errno(&e) == libc::ENOENT || errno(&e) == libc::ENOTDIR => return Ok(Vec::new()),
        Err(e) => return remains(e),
    };
    let dir = parent_fd.as_raw_fd();
    let st = match stat_at(dir, &name) {
        Ok(st) => st,
        Err(e) if errno(&e) == libc::ENOENT => return Ok(Vec::new()),
        Err(e) => return remains(e),
    };
    let pass = Pass {
        dev: st.st_dev,
        trash,
        failures: Mutex::new(Vec::new()),
    };
    // A non-directory is unlinked here; one that turns out to be a directory after all
    // (it was swapped) is removed as a tree.
    if is_dir(&st) || unlink_entry(&pass, dir, parent, &name).is_err() {
        in_pool(|| remove_subdir(&pass, dir, parent, &name, 0));
    }
    Ok(pass
        .failures
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner))
}
