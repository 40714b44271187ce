//! `rm_rf`: remove a file, a symlink or a whole tree, in parallel, without ever
//! following a symlink out of the tree.
//!
//! On Unix every step works relative to an open directory descriptor
//! (`openat` / `fstatat` / `unlinkat` with `O_NOFOLLOW | O_DIRECTORY`), so a
//! directory that is swapped for a symlink while the deletion runs is removed as
//! a symlink, never entered (the CVE-2022-21658 class of bug). Subdirectories
//! near the top are removed in parallel (rayon work-stealing); deeper levels run
//! on an explicit stack, so depth is bounded by the descriptor limit, not by the
//! thread stack.
//!
//! The tree belongs to the caller: a directory inside it that is read-only or
//! unsearchable gets `u+rwx` (through its descriptor, or `fchmodat` with
//! `AT_SYMLINK_NOFOLLOW`) so its entries can go. Nothing outside the tree is
//! changed: the parent of `path` is never chmod-ed.
//!
//! Mount points: a directory on another device than `path` itself is not
//! entered and is reported as remaining (like `rm --one-file-system`), so a
//! filesystem mounted inside an environment is never emptied by accident.
//!
//! What cannot be removed is retried `max_retries` times, each time after a
//! longer pause; with `trash`, on the last attempt a file that still cannot be
//! unlinked is renamed to `<name>.conda_trash` in its directory, as conda does.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One path that is still there, and why.
#[derive(Debug)]
pub struct Failure {
    pub path: PathBuf,
    pub error: io::Error,
}

#[derive(Debug)]
pub enum RemoveError {
    /// Paths that remain after every attempt.
    Remaining(Vec<Failure>),
    /// `path` cannot name something to remove (empty, a filesystem root, a NUL byte).
    InvalidPath(PathBuf, &'static str),
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Further passes after the first one when something remains.
    pub max_retries: u32,
    /// Rename files that cannot be unlinked to `*.conda_trash` on the last pass.
    pub trash: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_retries: 5,
            trash: true,
        }
    }
}

/// Suffix conda gives files it could not unlink.
pub const TRASH_SUFFIX: &str = ".conda_trash";

/// Pause before retry `attempt` (0-based): 10 ms doubling, capped at 640 ms.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(10u64 << attempt.min(6))
}

/// Removes `path` (a file, a symlink — never its target — or a tree).
///
/// A missing path is success. Returns the paths that remain after
/// `1 + max_retries` passes.
pub fn rm_rf(path: &Path, options: Options) -> Result<(), RemoveError> {
    if path.as_os_str().is_empty() {
        return Err(RemoveError::InvalidPath(path.to_path_buf(), "empty path"));
    }
    if path.file_name().is_none() || path.parent().is_none() {
        return Err(RemoveError::InvalidPath(
            path.to_path_buf(),
            "refusing to remove a filesystem root or a path ending in '..'",
        ));
    }
    let mut attempt = 0;
    loop {
        let last = attempt >= options.max_retries;
        let failures = imp::remove_once(path, options.trash && last)?;
        if failures.is_empty() {
            return Ok(());
        }
        if last {
            return Err(RemoveError::Remaining(failures));
        }
        std::thread::sleep(backoff(attempt));
        attempt += 1;
    }
}

#[cfg(unix)]
use unix as imp;

#[cfg(not(unix))]
use portable as imp;

#[cfg(unix)]
mod unix {
    use std::ffi::{CStr, CString, OsStr};
    use std::io;
    use std::mem::MaybeUninit;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, OnceLock};

    use rayon::prelude::*;

    use super::{Failure, RemoveError, TRASH_SUFFIX};

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

    fn errno(err: &io::Error) -> i32 {
        err.raw_os_error().unwrap_or(0)
    }

    fn cvt(ret: libc::c_int) -> io::Result<libc::c_int> {
        if ret < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(ret)
        }
    }

    fn owned(fd: libc::c_int) -> io::Result<OwnedFd> {
        let fd = cvt(fd)?;
        // SAFETY: `fd` was just returned by a successful open/openat/fcntl call, so it is
        // an open descriptor that nothing else in the process owns or will close.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }

    /// Opens the directory entry `name` of `dir` without following a symlink.
    fn open_dir_at(dir: RawFd, name: &CStr) -> io::Result<OwnedFd> {
        let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
        // SAFETY: `name` is a NUL-terminated string that outlives the call and openat does
        // not keep the pointer; `dir` is a descriptor borrowed from an OwnedFd held by the
        // caller for the duration of the call.
        owned(unsafe { libc::openat(dir, name.as_ptr(), flags) })
    }

    fn stat_at(dir: RawFd, name: &CStr) -> io::Result<libc::stat> {
        let mut st = MaybeUninit::<libc::stat>::uninit();
        // SAFETY: `name` is NUL-terminated and outlives the call; `st` points to writable
        // memory of the right type; `dir` is open for the duration of the call.
        cvt(unsafe {
            libc::fstatat(
                dir,
                name.as_ptr(),
                st.as_mut_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            )
        })?;
        // SAFETY: fstatat succeeded, so it filled in the whole struct.
        Ok(unsafe { st.assume_init() })
    }

    fn stat_fd(fd: RawFd) -> io::Result<libc::stat> {
        let mut st = MaybeUninit::<libc::stat>::uninit();
        // SAFETY: `st` points to writable memory of the right type; `fd` is open.
        cvt(unsafe { libc::fstat(fd, st.as_mut_ptr()) })?;
        // SAFETY: fstat succeeded, so it filled in the whole struct.
        Ok(unsafe { st.assume_init() })
    }

    fn unlink_at(dir: RawFd, name: &CStr, flags: libc::c_int) -> io::Result<()> {
        // Tests stand in for a file in use (unlink fails, rename works) by its name.
        #[cfg(test)]
        if flags == 0 && name.to_bytes().ends_with(b".inuse") {
            return Err(io::Error::from_raw_os_error(libc::EBUSY));
        }
        // SAFETY: `name` is NUL-terminated and outlives the call; `dir` is open.
        cvt(unsafe { libc::unlinkat(dir, name.as_ptr(), flags) }).map(drop)
    }

    fn rename_at(dir: RawFd, from: &CStr, to: &CStr) -> io::Result<()> {
        // SAFETY: both names are NUL-terminated and outlive the call; `dir` is open.
        cvt(unsafe { libc::renameat(dir, from.as_ptr(), dir, to.as_ptr()) }).map(drop)
    }

    fn is_dir(st: &libc::stat) -> bool {
        st.st_mode & libc::S_IFMT == libc::S_IFDIR
    }

    const OWNER_RWX: libc::mode_t = 0o700;

    /// Gives the owner rwx on the directory entry `name` of `dir`, never through a symlink.
    fn make_searchable_at(dir: RawFd, name: &CStr) -> io::Result<()> {
        let st = stat_at(dir, name)?;
        if !is_dir(&st) {
            return Err(io::Error::from_raw_os_error(libc::ENOTDIR));
        }
        let mode = (st.st_mode & 0o7777) | OWNER_RWX;
        // SAFETY: `name` is NUL-terminated and outlives the call; `dir` is open.
        // AT_SYMLINK_NOFOLLOW: if `name` became a symlink since the fstatat above, the call
        // fails (EOPNOTSUPP) instead of changing the link's target.
        cvt(unsafe { libc::fchmodat(dir, name.as_ptr(), mode, libc::AT_SYMLINK_NOFOLLOW) })
            .map(drop)
    }

    fn mount_point_error() -> io::Error {
        io::Error::other("a mount point (another filesystem): rm_rf does not cross into it")
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Kind {
        Dir,
        NotDir,
        Unknown,
    }

    struct Entry {
        name: CString,
        kind: Kind,
    }

    fn kind_of(d_type: u8) -> Kind {
        match d_type {
            libc::DT_DIR => Kind::Dir,
            libc::DT_UNKNOWN => Kind::Unknown,
            _ => Kind::NotDir,
        }
    }

    /// The entries of the open directory `dir` (without `.` and `..`).
    fn read_entries(dir: &OwnedFd) -> io::Result<Vec<Entry>> {
        // fdopendir takes ownership of the descriptor it is given and closedir closes it,
        // so it gets a duplicate; `dir` stays ours.
        // SAFETY: fcntl(F_DUPFD_CLOEXEC) only reads the descriptor number of an open fd.
        let dup = owned(unsafe { libc::fcntl(dir.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 0) })?;
        let raw = std::os::fd::IntoRawFd::into_raw_fd(dup);
        // SAFETY: `raw` is an open directory descriptor that we own; on success the DIR*
        // owns it (closed by closedir below), on failure we close it ourselves.
        let stream = unsafe { libc::fdopendir(raw) };
        if stream.is_null() {
            let err = io::Error::last_os_error();
            // SAFETY: fdopendir failed, so `raw` is still ours to close, exactly once.
            unsafe { libc::close(raw) };
            return Err(err);
        }
        let mut entries = Vec::new();
        let result = loop {
            errno::clear();
            // SAFETY: `stream` is a valid DIR* used only by this thread until closedir.
            let ent = unsafe { libc::readdir(stream) };
            if ent.is_null() {
                let code = errno::read();
                break if code == 0 {
                    Ok(())
                } else {
                    Err(io::Error::from_raw_os_error(code))
                };
            }
            // SAFETY: readdir returned a valid dirent that stays valid until the next
            // readdir/closedir on this stream; d_name is NUL-terminated. We copy the name
            // out before the next call.
            let (name, d_type) = unsafe {
                let ent = &*ent;
                (CStr::from_ptr(ent.d_name.as_ptr()), d_type_of(ent))
            };
            let bytes = name.to_bytes();
            if bytes == b"." || bytes == b".." {
                continue;
            }
            entries.push(Entry {
                name: name.to_owned(),
                kind: kind_of(d_type),
            });
        };
        // SAFETY: `stream` came from fdopendir and is closed exactly once, here.
        unsafe { libc::closedir(stream) };
        result.map(|()| entries)
    }

    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    ))]
    fn d_type_of(ent: &libc::dirent) -> u8 {
        ent.d_type
    }

    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    )))]
    fn d_type_of(_ent: &libc::dirent) -> u8 {
        libc::DT_UNKNOWN
    }

    /// readdir reports its errors only through errno.
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd"
    ))]
    mod errno {
        #[cfg(any(target_os = "netbsd", target_os = "openbsd", target_os = "android"))]
        use libc::__errno as location;
        #[cfg(target_os = "linux")]
        use libc::__errno_location as location;
        #[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
        use libc::__error as location;

        pub fn clear() {
            // SAFETY: location() returns this thread's errno slot, always valid to write.
            unsafe { *location() = 0 };
        }

        pub fn read() -> i32 {
            // SAFETY: location() returns this thread's errno slot, always valid to read.
            unsafe { *location() }
        }
    }

    /// Elsewhere a NULL from readdir is taken as the end of the directory; an entry missed
    /// that way only makes the final rmdir fail, which is reported.
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd"
    )))]
    mod errno {
        pub fn clear() {}

        pub fn read() -> i32 {
            0
        }
    }

    /// State shared by every thread of one pass.
    struct Pass {
        /// Device of `path`: directories on another device are not entered.
        dev: libc::dev_t,
        trash: bool,
        failures: Mutex<Vec<Failure>>,
    }

    impl Pass {
        fn fail(&self, path: PathBuf, error: io::Error) -> bool {
            if let Ok(mut failures) = self.failures.lock() {
                failures.push(Failure { path, error });
            }
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

    /// A non-directory that could not be unlinked: renamed to trash on the last pass.
    /// Returns whether `name` is gone from `dir`.
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
                    // SAFETY: `fd` is an open descriptor owned by this function.
                    unsafe { libc::fchmod(fd.as_raw_fd(), (st.st_mode & 0o7777) | OWNER_RWX) };
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

    fn open_parent(parent: &Path) -> io::Result<OwnedFd> {
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        let c_parent = CString::new(parent.as_os_str().as_bytes())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        // O_PATH (Linux): the parent only serves as the anchor of the *at calls, so it
        // needs search permission, not read permission.
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let access = libc::O_PATH;
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let access = libc::O_RDONLY;
        // SAFETY: `c_parent` is NUL-terminated and outlives the call.
        owned(unsafe {
            libc::open(
                c_parent.as_ptr(),
                access | libc::O_DIRECTORY | libc::O_CLOEXEC,
            )
        })
    }

    /// One pass over `path`; returns what remains.
    pub fn remove_once(path: &Path, trash: bool) -> Result<Vec<Failure>, RemoveError> {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(RemoveError::InvalidPath(
                path.to_path_buf(),
                "no parent directory",
            ));
        };
        let Ok(c_name) = CString::new(name.as_bytes()) else {
            return Err(RemoveError::InvalidPath(
                path.to_path_buf(),
                "embedded null byte",
            ));
        };
        let parent_fd = match open_parent(parent) {
            Ok(fd) => fd,
            Err(e) if errno(&e) == libc::ENOENT || errno(&e) == libc::ENOTDIR => {
                return Ok(Vec::new())
            }
            Err(e) => {
                return Ok(vec![Failure {
                    path: path.to_path_buf(),
                    error: e,
                }])
            }
        };
        let dir = parent_fd.as_raw_fd();
        let st = match stat_at(dir, &c_name) {
            Ok(st) => st,
            Err(e) if errno(&e) == libc::ENOENT => return Ok(Vec::new()),
            Err(e) => {
                return Ok(vec![Failure {
                    path: path.to_path_buf(),
                    error: e,
                }])
            }
        };
        let pass = Pass {
            dev: st.st_dev,
            trash,
            failures: Mutex::new(Vec::new()),
        };
        let parent_path = parent.to_path_buf();
        if is_dir(&st) {
            let run = || remove_subdir(&pass, dir, &parent_path, &c_name, 0);
            match pool() {
                Some(pool) => pool.install(run),
                None => run(),
            };
        } else {
            match unlink_entry(&pass, dir, &parent_path, &c_name) {
                Ok(_) => {}
                Err(()) => {
                    let run = || remove_subdir(&pass, dir, &parent_path, &c_name, 0);
                    match pool() {
                        Some(pool) => pool.install(run),
                        None => run(),
                    };
                }
            }
        }
        let mut failures = pass
            .failures
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        if !is_dir(&st) && failures.len() == 1 && trash {
            // The path itself was renamed to trash: it is gone from where it was, which is
            // what conda counts as removed.
            if failures[0].path != path && stat_at(dir, &c_name).is_err() {
                failures.clear();
            }
        }
        Ok(failures)
    }
}

/// The std-only implementation used where there are no directory descriptors
/// (Windows). Sequential, with an explicit stack; it checks each entry with
/// `symlink_metadata` right before acting, so a symlink or junction is removed as
/// a link and never entered (std's `remove_dir_all` is itself race-safe on Windows,
/// and is tried first for that reason).
#[cfg(any(not(unix), test))]
mod portable {
    use std::fs;
    use std::io;
    use std::path::{Path, PathBuf};

    use super::{Failure, RemoveError, TRASH_SUFFIX};

    fn is_real_dir(meta: &fs::Metadata) -> bool {
        meta.is_dir() && !meta.file_type().is_symlink()
    }

    fn clear_readonly(path: &Path, meta: &fs::Metadata) {
        let mut perms = meta.permissions();
        if perms.readonly() {
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            let _ = fs::set_permissions(path, perms);
        }
    }

    /// Removes a non-directory (a file, or a link of any kind, never its target).
    fn remove_leaf(path: &Path, meta: &fs::Metadata, trash: bool, failures: &mut Vec<Failure>) {
        let attempt = || -> io::Result<()> {
            match fs::remove_file(path) {
                Ok(()) => Ok(()),
                // A directory symlink or junction on Windows is removed with remove_dir.
                Err(e) if meta.file_type().is_symlink() => fs::remove_dir(path).map_err(|_| e),
                Err(e) => Err(e),
            }
        };
        let result = attempt().or_else(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                return Ok(());
            }
            if !meta.file_type().is_symlink() {
                clear_readonly(path, meta);
            }
            attempt()
        });
        match result {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                let mut shown = path.to_path_buf();
                if trash {
                    let mut name = path.as_os_str().to_os_string();
                    name.push(TRASH_SUFFIX);
                    let trash_path = PathBuf::from(name);
                    if fs::rename(path, &trash_path).is_ok() {
                        shown = trash_path;
                    }
                }
                failures.push(Failure {
                    path: shown,
                    error: e,
                });
            }
        }
    }

    pub fn remove_once(path: &Path, trash: bool) -> Result<Vec<Failure>, RemoveError> {
        let mut failures = Vec::new();
        let meta = match fs::symlink_metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(failures),
            Err(e) => {
                failures.push(Failure {
                    path: path.to_path_buf(),
                    error: e,
                });
                return Ok(failures);
            }
        };
        if !is_real_dir(&meta) {
            remove_leaf(path, &meta, trash, &mut failures);
            if failures.len() == 1
                && failures[0].path != path
                && fs::symlink_metadata(path).is_err()
            {
                failures.clear();
            }
            return Ok(failures);
        }
        if fs::remove_dir_all(path).is_ok() {
            return Ok(failures);
        }
        // Depth-first with an explicit stack: (directory, entries listed yet?).
        let mut stack: Vec<(PathBuf, bool)> = vec![(path.to_path_buf(), false)];
        while let Some((dir, listed)) = stack.pop() {
            if listed {
                if let Err(e) = fs::remove_dir(&dir) {
                    if e.kind() != io::ErrorKind::NotFound {
                        failures.push(Failure {
                            path: dir,
                            error: e,
                        });
                    }
                }
                continue;
            }
            if let Ok(meta) = fs::symlink_metadata(&dir) {
                clear_readonly(&dir, &meta);
            }
            let entries = match fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => {
                    failures.push(Failure {
                        path: dir,
                        error: e,
                    });
                    continue;
                }
            };
            stack.push((dir, true));
            for entry in entries {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(_) => continue,
                };
                let child = entry.path();
                match fs::symlink_metadata(&child) {
                    Ok(meta) if is_real_dir(&meta) => stack.push((child, false)),
                    Ok(meta) => remove_leaf(&child, &meta, trash, &mut failures),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => failures.push(Failure {
                        path: child,
                        error: e,
                    }),
                }
            }
        }
        // A directory that failed only because something below it remains is implied by
        // that entry; keep the failures that explain why.
        let leaves: Vec<PathBuf> = failures.iter().map(|f| f.path.clone()).collect();
        failures.retain(|f| {
            !leaves
                .iter()
                .any(|other| other != &f.path && other.starts_with(&f.path))
        });
        Ok(failures)
    }
}

pub mod python {
    use std::path::PathBuf;

    use pyo3::prelude::*;

    use super::{Options, RemoveError};
    use crate::errors;

    /// Removes `path` (file, symlink or tree); raises with the paths that remain.
    #[pyfunction]
    #[pyo3(signature = (path, max_retries=5, trash=true))]
    pub fn rm_rf(py: Python<'_>, path: PathBuf, max_retries: u32, trash: bool) -> PyResult<()> {
        let options = Options { max_retries, trash };
        let result = py.detach(|| super::rm_rf(&path, options));
        match result {
            Ok(()) => Ok(()),
            Err(RemoveError::InvalidPath(path, reason)) => {
                Err(errors::invalid_path(py, &path, reason))
            }
            Err(RemoveError::Remaining(failures)) => {
                let failures: Vec<_> = failures
                    .iter()
                    .map(|f| (f.path.as_path(), &f.error))
                    .collect();
                Err(errors::paths_remain(py, &path, &failures))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn options(max_retries: u32) -> Options {
        Options {
            max_retries,
            trash: true,
        }
    }

    fn build_tree(root: &Path) {
        for i in 0..20 {
            let dir = root.join(format!("d{i}")).join("sub").join("deeper");
            fs::create_dir_all(&dir).unwrap();
            for j in 0..30 {
                fs::write(dir.join(format!("f{j}")), b"x").unwrap();
                fs::write(root.join(format!("d{i}")).join(format!("g{j}")), b"y").unwrap();
            }
        }
    }

    #[test]
    fn removes_a_tree() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("tree");
        build_tree(&root);
        rm_rf(&root, options(0)).unwrap();
        assert!(!root.exists());
        assert!(tmp.path().exists());
    }

    #[test]
    fn missing_path_is_not_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        rm_rf(&tmp.path().join("nope"), options(0)).unwrap();
        rm_rf(&tmp.path().join("nope").join("deeper"), options(0)).unwrap();
    }

    #[test]
    fn refuses_roots_and_empty_paths() {
        assert!(matches!(
            rm_rf(Path::new(""), options(0)),
            Err(RemoveError::InvalidPath(..))
        ));
        assert!(matches!(
            rm_rf(Path::new("/"), options(0)),
            Err(RemoveError::InvalidPath(..))
        ));
        assert!(matches!(
            rm_rf(Path::new("/tmp/.."), options(0)),
            Err(RemoveError::InvalidPath(..))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_removed_not_followed() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("keep"), b"k").unwrap();
        let root = tmp.path().join("tree");
        fs::create_dir_all(root.join("a")).unwrap();
        symlink(&outside, root.join("a").join("link")).unwrap();
        symlink(outside.join("keep"), root.join("filelink")).unwrap();
        symlink("loop", root.join("loop")).unwrap();
        symlink("nowhere", root.join("dangling")).unwrap();
        rm_rf(&root, options(0)).unwrap();
        assert!(!root.exists());
        assert!(outside.join("keep").exists());
        // the path itself a symlink to a directory: only the link goes
        let link = tmp.path().join("toplink");
        symlink(&outside, &link).unwrap();
        rm_rf(&link, options(0)).unwrap();
        assert!(fs::symlink_metadata(&link).is_err());
        assert!(outside.join("keep").exists());
    }

    #[cfg(unix)]
    #[test]
    fn read_only_directories_are_made_writable() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("tree");
        fs::create_dir_all(root.join("ro").join("locked")).unwrap();
        fs::write(root.join("ro").join("f"), b"x").unwrap();
        fs::write(root.join("ro").join("locked").join("f"), b"x").unwrap();
        fs::set_permissions(
            root.join("ro").join("locked"),
            fs::Permissions::from_mode(0o000),
        )
        .unwrap();
        fs::set_permissions(root.join("ro"), fs::Permissions::from_mode(0o500)).unwrap();
        rm_rf(&root, options(0)).unwrap();
        assert!(!root.exists());
    }

    #[test]
    fn deep_tree_does_not_recurse_on_the_stack() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("deep");
        let mut dir = root.clone();
        for _ in 0..600 {
            dir.push("d");
        }
        // create_dir_all would hit PATH_MAX; build level by level through set_current_dir-free joins
        let mut current = root.clone();
        fs::create_dir(&current).unwrap();
        let mut relative = PathBuf::new();
        for _ in 0..600 {
            relative.push("d");
            if current.as_os_str().len() + relative.as_os_str().len() > 3000 {
                break;
            }
            fs::create_dir(current.join(&relative)).unwrap();
        }
        current.push(&relative);
        fs::write(current.join("leaf"), b"x").unwrap();
        rm_rf(&root, options(0)).unwrap();
        assert!(!root.exists());
    }

    #[test]
    fn portable_implementation_removes_a_tree_and_links() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("tree");
        build_tree(&root);
        #[cfg(unix)]
        {
            let outside = tmp.path().join("outside");
            fs::create_dir(&outside).unwrap();
            fs::write(outside.join("keep"), b"k").unwrap();
            std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
        }
        let remaining = portable::remove_once(&root, true).unwrap();
        assert!(remaining.is_empty(), "{remaining:?}");
        assert!(!root.exists());
        #[cfg(unix)]
        assert!(tmp.path().join("outside").join("keep").exists());
    }

    #[cfg(unix)]
    #[test]
    fn files_in_use_are_renamed_to_trash() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("tree");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("sub").join("lib.inuse"), b"x").unwrap();
        fs::write(root.join("sub").join("other"), b"x").unwrap();
        let Err(RemoveError::Remaining(failures)) = rm_rf(&root, options(1)) else {
            panic!("expected remaining paths");
        };
        let trashed = root.join("sub").join("lib.inuse.conda_trash");
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].path, trashed);
        assert!(trashed.exists());
        assert!(!root.join("sub").join("other").exists());
        // the path itself in use: renamed to trash counts as removed
        let single = tmp.path().join("single.inuse");
        fs::write(&single, b"x").unwrap();
        rm_rf(&single, options(0)).unwrap();
        assert!(!single.exists());
        assert!(tmp.path().join("single.inuse.conda_trash").exists());
        // without trash it stays where it is
        let kept = tmp.path().join("kept.inuse");
        fs::write(&kept, b"x").unwrap();
        let no_trash = Options {
            max_retries: 0,
            trash: false,
        };
        assert!(matches!(
            rm_rf(&kept, no_trash),
            Err(RemoveError::Remaining(_))
        ));
        assert!(kept.exists());
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(0), Duration::from_millis(10));
        assert_eq!(backoff(1), Duration::from_millis(20));
        assert_eq!(backoff(50), Duration::from_millis(640));
    }
}
