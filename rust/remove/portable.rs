//! The std-only walk, used where there are no directory descriptors (Windows).
//! Sequential, with an explicit stack; it checks each entry with `symlink_metadata`
//! right before acting, so a symlink or junction is removed as a link and never entered
//! (std's `remove_dir_all` is itself race-safe on Windows, and is tried first for that
//! reason).

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{Failure, InvalidPath, TRASH_SUFFIX};

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

/// One pass over `path`; returns what remains. A directory that stays only because
/// something below it does is reported too (the policy keeps the entries below). The
/// walk goes by path: `_parent` and `_name`, the descriptor walk's anchor, are not needed.
pub(super) fn remove_once(
    path: &Path,
    _parent: &Path,
    _name: &OsStr,
    trash: bool,
) -> Result<Vec<Failure>, InvalidPath> {
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
    Ok(failures)
}
