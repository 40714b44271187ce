//! Safe wrappers over the system calls of the descriptor walk: every `unsafe` of the
//! `rm_rf` kernel is here, each call relative to an open directory and never following
//! a symlink.

use std::ffi::{CStr, CString};
use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

pub fn errno(err: &io::Error) -> i32 {
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
pub fn open_dir_at(dir: RawFd, name: &CStr) -> io::Result<OwnedFd> {
    let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
    // SAFETY: `name` is a NUL-terminated string that outlives the call and openat does
    // not keep the pointer; `dir` is a descriptor borrowed from an OwnedFd held by the
    // caller for the duration of the call.
    owned(unsafe { libc::openat(dir, name.as_ptr(), flags) })
}

pub fn stat_at(dir: RawFd, name: &CStr) -> io::Result<libc::stat> {
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

pub fn stat_fd(fd: RawFd) -> io::Result<libc::stat> {
    let mut st = MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `st` points to writable memory of the right type; `fd` is open.
    cvt(unsafe { libc::fstat(fd, st.as_mut_ptr()) })?;
    // SAFETY: fstat succeeded, so it filled in the whole struct.
    Ok(unsafe { st.assume_init() })
}

pub fn unlink_at(dir: RawFd, name: &CStr, flags: libc::c_int) -> io::Result<()> {
    // SAFETY: `name` is NUL-terminated and outlives the call; `dir` is open.
    cvt(unsafe { libc::unlinkat(dir, name.as_ptr(), flags) }).map(drop)
}

pub fn rename_at(dir: RawFd, from: &CStr, to: &CStr) -> io::Result<()> {
    // SAFETY: both names are NUL-terminated and outlive the call; `dir` is open.
    cvt(unsafe { libc::renameat(dir, from.as_ptr(), dir, to.as_ptr()) }).map(drop)
}

pub fn is_dir(st: &libc::stat) -> bool {
    st.st_mode & libc::S_IFMT == libc::S_IFDIR
}

/// Gives the owner rwx on the open directory `fd` (mode `st_mode`), which is the very
/// directory that was opened, never a link target.
pub fn make_owner_rwx(fd: RawFd, st_mode: libc::mode_t) -> io::Result<()> {
    // SAFETY: `fd` is an open descriptor borrowed from the caller for the call.
    cvt(unsafe { libc::fchmod(fd, (st_mode & 0o7777) | OWNER_RWX) }).map(drop)
}

pub const OWNER_RWX: libc::mode_t = 0o700;

/// Gives the owner rwx on the directory entry `name` of `dir`, never through a symlink.
pub fn make_searchable_at(dir: RawFd, name: &CStr) -> io::Result<()> {
    let st = stat_at(dir, name)?;
    if !is_dir(&st) {
        return Err(io::Error::from_raw_os_error(libc::ENOTDIR));
    }
    let mode = (st.st_mode & 0o7777) | OWNER_RWX;
    // SAFETY: `name` is NUL-terminated and outlives the call; `dir` is open.
    // AT_SYMLINK_NOFOLLOW: if `name` became a symlink since the fstatat above, the call
    // fails (EOPNOTSUPP) instead of changing the link's target.
    cvt(unsafe { libc::fchmodat(dir, name.as_ptr(), mode, libc::AT_SYMLINK_NOFOLLOW) }).map(drop)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dir,
    NotDir,
    Unknown,
}

pub struct Entry {
    pub name: CString,
    pub kind: Kind,
}

fn kind_of(d_type: u8) -> Kind {
    match d_type {
        libc::DT_DIR => Kind::Dir,
        libc::DT_UNKNOWN => Kind::Unknown,
        _ => Kind::NotDir,
    }
}

/// The entries of the open directory `dir` (without `.` and `..`).
pub fn read_entries(dir: &OwnedFd) -> io::Result<Vec<Entry>> {
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

pub fn open_parent(parent: &Path) -> io::Result<OwnedFd> {
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
