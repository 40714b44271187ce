//! The `rm_rf` kernel: one pass over a file, a symlink (never its target) or a whole
//! tree, returning what remains and why. It never follows a symlink out of the tree.
//!
//! A pass holds no policy: how often to retry, when to rename what cannot be unlinked
//! to `*.conda_trash`, what counts as removed and the error a user sees are decided
//! once, by `conda_exports.remove.rm_rf`, which calls this pass until nothing remains
//! or its retries run out. A pass renames only when asked (`trash`).
//!
//! - `unix`: the descriptor walk (`openat` / `fstatat` / `unlinkat` relative to open
//!   directories, `O_NOFOLLOW`), in parallel; its system calls are wrapped in `sys`.
//! - `portable`: the std-only walk by path, for systems without directory descriptors
//!   (Windows); compiled on Unix for its tests.

use std::io;
use std::path::{Path, PathBuf};

#[cfg(any(not(unix), test))]
mod portable;
pub mod python;
#[cfg(unix)]
mod sys;
#[cfg(test)]
mod tests;
#[cfg(unix)]
mod unix;

#[cfg(not(unix))]
use portable as imp;
#[cfg(unix)]
use unix as imp;

/// One path that is still there, and why.
#[derive(Debug)]
pub struct Failure {
    pub path: PathBuf,
    pub error: io::Error,
}

/// `path` names nothing a pass can remove (no parent, no name, a NUL byte).
#[derive(Debug)]
pub struct InvalidPath(pub PathBuf, pub &'static str);

/// Suffix given to a file that cannot be unlinked when the pass is asked to trash.
pub const TRASH_SUFFIX: &str = ".conda_trash";

/// Removes `path` once; returns what remains (empty: all gone, or it was missing).
///
/// With `trash`, a non-directory that cannot be unlinked is renamed to
/// `<name>.conda_trash` in its directory and reported under that name.
pub fn remove_once(path: &Path, trash: bool) -> Result<Vec<Failure>, InvalidPath> {
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(InvalidPath(path.to_path_buf(), "no parent directory"));
    };
    // anywhere in the path, not only in the name: no system call can take it
    if path.as_os_str().as_encoded_bytes().contains(&0) {
        return Err(InvalidPath(path.to_path_buf(), "embedded null byte"));
    }
    imp::remove_once(path, parent, name, trash)
}
