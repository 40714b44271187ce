//! `verify_prefix`: every file a record's `paths_data` lists, checked against the prefix.
//!
//! The rules, in order, for an entry with a string `_path`: missing (lstat fails with
//! "not found"), unreadable (lstat fails otherwise), fine when the package made it a
//! symlink, `symlink` (a symlink where the package put something else), `directory` (a
//! directory where it put a file), `not_a_directory`, `special` (a FIFO, socket or
//! device), `size` (`size_in_bytes` differs), `sha256` (the content's digest differs, or
//! `unreadable` when it cannot be read). A file the package rewrote with the prefix
//! (a non-empty `prefix_placeholder`) has no size to compare, and its digest is
//! `sha256_in_prefix`. The Python fallback applies the same rules.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::hashing::{file_digests, Algorithm};
use crate::repodata::json::{Val, ValSeed};

/// One installed file to look at.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub owner: usize,
    pub path: String,
    pub path_type: Option<String>,
    pub size: Option<i64>,
    pub sha256: Option<String>,
}

/// A value that is compared with what was found: a size or a digest.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    None,
    Size(i64),
    Digest(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub owner: usize,
    pub path: String,
    pub kind: &'static str,
    pub expected: Detail,
    pub found: Detail,
}

/// The entries of one `paths_data` text, as `Check`s of `owner`. Text that is not an object
/// with a `paths` list gives none; entries that are not objects, or have no string `_path`,
/// are passed over.
pub fn checks_of(owner: usize, paths_data: &str) -> Vec<Check> {
    let mut de = serde_json::Deserializer::from_str(paths_data);
    PathsData { owner }.deserialize(&mut de).unwrap_or_default()
}

/// Runs every check on the rayon pool; the problems come back in the order of `checks`.
pub fn run(root: &Path, checks: &[Check], check_sha256: bool) -> Vec<Problem> {
    let found: Vec<Option<Problem>> = checks
        .par_iter()
        .map(|check| inspect(root, check, check_sha256))
        .collect();
    found.into_iter().flatten().collect()
}

fn problem(check: &Check, kind: &'static str, expected: Detail, found: Detail) -> Option<Problem> {
    Some(Problem {
        owner: check.owner,
        path: check.path.clone(),
        kind,
        expected,
        found,
    })
}

fn is_missing(err: &io::Error) -> bool {
    #[cfg(unix)]
    if err.raw_os_error() == Some(libc::ENOTDIR) {
        return true;
    }
    err.kind() == io::ErrorKind::NotFound
}

fn inspect(root: &Path, check: &Check, check_sha256: bool) -> Option<Problem> {
    let full: PathBuf = root.join(&check.path);
    let meta = match std::fs::symlink_metadata(&full) {
        Ok(meta) => meta,
        Err(err) if is_missing(&err) => {
            return problem(check, "missing", Detail::None, Detail::None)
        }
        Err(_) => return problem(check, "unreadable", Detail::None, Detail::None),
    };
    let path_type = check.path_type.as_deref();
    let file_type = meta.file_type();
    if path_type == Some("softlink") {
        return None;
    }
    if file_type.is_symlink() {
        return problem(check, "symlink", Detail::None, Detail::None);
    }
    if file_type.is_dir() {
        if path_type == Some("directory") {
            return None;
        }
        return problem(check, "directory", Detail::None, Detail::None);
    }
    if path_type == Some("directory") {
        return problem(check, "not_a_directory", Detail::None, Detail::None);
    }
    if !file_type.is_file() {
        return problem(check, "special", Detail::None, Detail::None);
    }
    if let Some(size) = check.size {
        let actual = i64::try_from(meta.len()).unwrap_or(i64::MAX);
        if actual != size {
            return problem(check, "size", Detail::Size(size), Detail::Size(actual));
        }
    }
    let expected = check.sha256.as_ref().filter(|_| check_sha256)?;
    match file_digests(&full, &[Algorithm::Sha256], false) {
        Ok(mut digests) => {
            let digest = digests.pop().unwrap_or_default();
            if digest.eq_ignore_ascii_case(expected) {
                None
            } else {
                problem(
                    check,
                    "sha256",
                    Detail::Digest(expected.clone()),
                    Detail::Digest(digest),
                )
            }
        }
        Err(_) => problem(check, "unreadable", Detail::None, Detail::None),
    }
}

/// `paths_data`: the `paths` list (the last one, when repeated).
struct PathsData {
    owner: usize,
}

impl<'de> DeserializeSeed<'de> for PathsData {
    type Value = Vec<Check>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<Check>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PathsData {
    type Value = Vec<Check>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("paths_data")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<Check>, A::Error> {
        let mut checks = Vec::new();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "paths" {
                checks = map.next_value_seed(PathList { owner: self.owner })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(checks)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Check>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Vec::new())
    }
    scalars_are!(Vec::new());
}

struct PathList {
    owner: usize,
}

impl<'de> DeserializeSeed<'de> for PathList {
    type Value = Vec<Check>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<Check>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PathList {
    type Value = Vec<Check>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of paths")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Check>, A::Error> {
        let mut checks = Vec::with_capacity(seq.size_hint().unwrap_or(16));
        while let Some(entry) = seq.next_element_seed(Entry { owner: self.owner })? {
            checks.extend(entry);
        }
        Ok(checks)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<Check>, A::Error> {
        IgnoredAny.visit_map(map)?;
        Ok(Vec::new())
    }
    scalars_are!(Vec::new());
}

struct Entry {
    owner: usize,
}

fn text(value: Val<'_>) -> Option<String> {
    match value {
        Val::Str(s) if !s.is_empty() => Some(s.into_owned()),
        _ => None,
    }
}

impl<'de> DeserializeSeed<'de> for Entry {
    type Value = Option<Check>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<Check>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Entry {
    type Value = Option<Check>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a path entry")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Check>, A::Error> {
        let (mut path, mut path_type, mut placeholder) = (None, None, false);
        let (mut size, mut sha256, mut sha256_in_prefix) = (None, None, None);
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let value = map.next_value_seed(ValSeed)?;
            match key.as_ref() {
                "_path" => {
                    path = match value {
                        Val::Str(s) => Some(s.into_owned()),
                        _ => None,
                    }
                }
                "path_type" => {
                    path_type = match value {
                        Val::Str(s) => Some(s.into_owned()),
                        _ => None,
                    }
                }
                "prefix_placeholder" => {
                    placeholder = matches!(&value, Val::Str(s) if !s.is_empty())
                }
                "size_in_bytes" => {
                    size = match value {
                        Val::Int(n) => Some(n),
                        _ => None,
                    }
                }
                "sha256" => sha256 = text(value),
                "sha256_in_prefix" => sha256_in_prefix = text(value),
                _ => {}
            }
        }
        Ok(path.map(|path| Check {
            owner: self.owner,
            path,
            path_type,
            size: if placeholder { None } else { size },
            sha256: if placeholder {
                sha256_in_prefix
            } else {
                sha256
            },
        }))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<Check>, A::Error> {
        IgnoredAny.visit_seq(seq)?;
        Ok(None)
    }
    scalars_are!(None);
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn sha(data: &[u8]) -> String {
        hex::encode(Sha256::digest(data))
    }

    #[test]
    fn entries_are_read_leniently() {
        let checks = checks_of(
            4,
            r#"{"paths": [{"_path": "a", "path_type": "hardlink", "size_in_bytes": 3, "sha256": "x"},
                {"_path": 7}, "junk", {"_path": "b", "prefix_placeholder": "/opt", "size_in_bytes": 9,
                "sha256": "y", "sha256_in_prefix": "z"}, {"_path": "c", "size_in_bytes": "3", "sha256": ""}]}"#,
        );
        let summary: Vec<_> = checks
            .iter()
            .map(|c| (c.owner, c.path.as_str(), c.size, c.sha256.as_deref()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (4, "a", Some(3), Some("x")),
                (4, "b", None, Some("z")),
                (4, "c", None, None)
            ]
        );
        assert!(checks_of(0, "[1]").is_empty());
        assert!(checks_of(0, r#"{"paths": {"a": 1}}"#).is_empty());
    }

    #[test]
    fn altered_files_are_reported() {
        let root = tempfile::tempdir().unwrap();
        let write = |name: &str, data: &[u8]| std::fs::write(root.path().join(name), data).unwrap();
        write("good", b"abc");
        write("short", b"ab");
        write("changed", b"abd");
        std::fs::create_dir(root.path().join("dir")).unwrap();
        let check = |path: &str, path_type: &str, size: Option<i64>| Check {
            owner: 0,
            path: path.into(),
            path_type: Some(path_type.into()),
            size,
            sha256: Some(sha(b"abc").to_uppercase()),
        };
        let checks = [
            check("good", "hardlink", Some(3)),
            check("short", "hardlink", Some(3)),
            check("changed", "hardlink", Some(3)),
            check("gone", "hardlink", Some(3)),
            check("dir", "hardlink", Some(3)),
            check("dir", "directory", None),
            check("good", "directory", None),
            check("good/under", "hardlink", None),
        ];
        let kinds: Vec<_> = run(root.path(), &checks, true)
            .into_iter()
            .map(|p| (p.path, p.kind, p.found))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("short".into(), "size", Detail::Size(2)),
                ("changed".into(), "sha256", Detail::Digest(sha(b"abd"))),
                ("gone".into(), "missing", Detail::None),
                ("dir".into(), "directory", Detail::None),
                ("good".into(), "not_a_directory", Detail::None),
                ("good/under".into(), "missing", Detail::None),
            ]
        );
        assert_eq!(run(root.path(), &checks[2..3], false), vec![]);
    }
}
