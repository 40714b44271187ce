//! Tests of one pass, on both walks (the portable one runs here too).
#![cfg(test)] // test-only: the unwraps here never run inside Python

use std::fs;
use std::path::{Path, PathBuf};

use super::*;

/// Stands in for a file in use (unlink fails, rename works): a name ending in `.inuse`.
#[cfg(unix)]
pub(super) fn unlink_at(
    dir: std::os::fd::RawFd,
    name: &std::ffi::CStr,
    flags: libc::c_int,
) -> io::Result<()> {
    if flags == 0 && name.to_bytes().ends_with(b".inuse") {
        return Err(io::Error::from_raw_os_error(libc::EBUSY));
    }
    super::sys::unlink_at(dir, name, flags)
}

fn remaining(path: &Path, trash: bool) -> Vec<PathBuf> {
    remove_once(path, trash)
        .unwrap()
        .into_iter()
        .map(|f| f.path)
        .collect()
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
    assert!(remaining(&root, false).is_empty());
    assert!(!root.exists());
    assert!(tmp.path().exists());
}

#[test]
fn missing_path_is_not_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(remaining(&tmp.path().join("nope"), true).is_empty());
    assert!(remaining(&tmp.path().join("nope").join("deeper"), true).is_empty());
}

#[test]
fn refuses_paths_without_parent_or_name() {
    for path in ["", "/", "/tmp/.."] {
        assert!(
            matches!(remove_once(Path::new(path), true), Err(InvalidPath(..))),
            "{path:?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn refuses_a_nul_byte() {
    use std::os::unix::ffi::OsStrExt;
    for bytes in [&b"/tmp/a\0b"[..], b"/tmp/a\0/b", b"/nonexistent\0/b"] {
        let path = Path::new(std::ffi::OsStr::from_bytes(bytes));
        assert!(
            matches!(
                remove_once(path, true),
                Err(InvalidPath(_, "embedded null byte"))
            ),
            "{path:?}"
        );
    }
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
    assert!(remaining(&root, false).is_empty());
    assert!(!root.exists());
    assert!(outside.join("keep").exists());
    // the path itself a symlink to a directory: only the link goes
    let link = tmp.path().join("toplink");
    symlink(&outside, &link).unwrap();
    assert!(remaining(&link, false).is_empty());
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
    assert!(remaining(&root, false).is_empty());
    assert!(!root.exists());
}

#[test]
fn deep_tree_does_not_recurse_on_the_stack() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("deep");
    // create_dir_all would hit PATH_MAX: stop below it
    fs::create_dir(&root).unwrap();
    let mut relative = PathBuf::new();
    for _ in 0..600 {
        relative.push("d");
        if root.as_os_str().len() + relative.as_os_str().len() > 3000 {
            break;
        }
        fs::create_dir(root.join(&relative)).unwrap();
    }
    fs::write(root.join(&relative).join("leaf"), b"x").unwrap();
    assert!(remaining(&root, false).is_empty());
    assert!(!root.exists());
}

#[test]
fn portable_walk_removes_a_tree_and_links() {
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
    let remaining = portable::remove_once(&root, tmp.path(), "tree".as_ref(), true).unwrap();
    assert!(remaining.is_empty(), "{remaining:?}");
    assert!(!root.exists());
    #[cfg(unix)]
    assert!(tmp.path().join("outside").join("keep").exists());
}

#[cfg(unix)]
#[test]
fn files_in_use_are_renamed_to_trash_only_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("tree");
    fs::create_dir_all(root.join("sub")).unwrap();
    fs::write(root.join("sub").join("lib.inuse"), b"x").unwrap();
    fs::write(root.join("sub").join("other"), b"x").unwrap();
    // without trash: reported where it is, everything else gone
    let in_use = root.join("sub").join("lib.inuse");
    assert_eq!(remaining(&root, false), [in_use.as_path()]);
    assert!(in_use.exists());
    assert!(!root.join("sub").join("other").exists());
    // with trash: renamed, and reported under its new name
    let trashed = root.join("sub").join("lib.inuse.conda_trash");
    assert_eq!(remaining(&root, true), [trashed.as_path()]);
    assert!(trashed.exists() && !in_use.exists());
    // the path itself in use: renamed beside it, reported as the trash file
    let single = tmp.path().join("single.inuse");
    fs::write(&single, b"x").unwrap();
    let single_trash = tmp.path().join("single.inuse.conda_trash");
    assert_eq!(remaining(&single, true), [single_trash.as_path()]);
    assert!(!single.exists() && single_trash.exists());
    let kept = tmp.path().join("kept.inuse");
    fs::write(&kept, b"x").unwrap();
    assert_eq!(remaining(&kept, false), [kept.as_path()]);
    assert!(kept.exists());
}

#[cfg(unix)]
#[test]
fn errors_say_why() {
    let tmp = tempfile::tempdir().unwrap();
    let kept = tmp.path().join("kept.inuse");
    fs::write(&kept, b"x").unwrap();
    let failures = remove_once(&kept, false).unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].error.raw_os_error(), Some(libc::EBUSY));
}
