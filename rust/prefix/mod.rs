//! An environment's `conda-meta/*.json` records, read in parallel: each file split into
//! its top-level fields, the small ones decoded, the large ones (`files`, `paths_data`)
//! kept as text until they are read, and the checks of `verify_prefix`.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::ops::Range;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::repodata::json::{Val, ValSeed};

/// The visit methods of a visitor for every JSON scalar, each answering `$value`: the
/// shapes a visitor is not looking for.
macro_rules! scalars_are {
    ($value:expr) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

// after the macro, which the submodules use
pub mod python;
pub mod verify;

/// The fields kept as text when their shape is one conda takes as it is: reading them
/// is what makes a record expensive, and most callers never do.
pub const LAZY_FIELDS: [&str; 2] = ["files", "paths_data"];

/// A top-level value of a record.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Null,
    Int(i64),
    Str(String),
    StrList(Vec<String>),
    /// valid JSON of another kind (a float, a boolean, an object, a mixed list, a big
    /// integer): the caller decodes the text at `Range`
    Text(Range<usize>),
    /// a lazy field, valid and of the shape conda keeps as it is, at `Range`
    Lazy(Range<usize>),
}

/// What reading one conda-meta file gave.
#[derive(Debug)]
pub enum MetaFile {
    Record {
        text: String,
        /// in first-appearance order; a repeated key keeps its first place and last value,
        /// as Python's json has it
        fields: Vec<(String, Field)>,
    },
    /// the file could not be read
    Io(io::Error),
    /// not UTF-8, not JSON, or JSON serde_json refuses (a lone surrogate, too deep)
    Corrupt(String),
    /// valid JSON but not an object
    NotAnObject,
}

impl MetaFile {
    /// The text of `key`'s value when it is kept as text (lazy or not).
    pub fn text_of(&self, key: &str) -> Option<&str> {
        let MetaFile::Record { text, fields } = self else {
            return None;
        };
        fields.iter().find_map(|(k, field)| match field {
            Field::Text(range) | Field::Lazy(range) if k == key => Some(&text[range.clone()]),
            _ => None,
        })
    }
}

/// Reads every file on the rayon pool; the results are in the order of `paths`.
pub fn read_all(paths: &[PathBuf]) -> Vec<MetaFile> {
    paths.par_iter().map(|path| read(path)).collect()
}

pub fn read(path: &std::path::Path) -> MetaFile {
    match std::fs::read(path) {
        Ok(bytes) => parse(bytes),
        Err(err) => MetaFile::Io(err),
    }
}

/// Splits one record's bytes into its fields.
pub fn parse(bytes: Vec<u8>) -> MetaFile {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            return MetaFile::Corrupt(format!(
                "invalid UTF-8 at byte {}",
                err.utf8_error().valid_up_to()
            ))
        }
    };
    let top: Top<'_> = match serde_json::from_str(&text) {
        Ok(top) => top,
        Err(err) => return MetaFile::Corrupt(err.to_string()),
    };
    let entries = match top {
        Top::Object(entries) => entries,
        Top::Other => return MetaFile::NotAnObject,
    };
    let base = text.as_ptr() as usize;
    let mut fields: Vec<(String, Field)> = Vec::with_capacity(entries.len());
    for (key, raw) in entries {
        let start = raw.get().as_ptr() as usize - base;
        let range = start..start + raw.get().len();
        let field = match decode(&key, raw, range) {
            Ok(field) => field,
            Err(err) => return MetaFile::Corrupt(err.to_string()),
        };
        match fields.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = field,
            None => fields.push((key.into_owned(), field)),
        }
    }
    MetaFile::Record { text, fields }
}

/// Decodes one top-level value completely (so invalid text is refused here, as Python's
/// json would refuse it) into the form it is handed on in.
fn decode(key: &str, raw: &RawValue, range: Range<usize>) -> Result<Field, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    if key == "paths_data" {
        let plain = PathsDataShape.deserialize(&mut de)?;
        de.end()?;
        return Ok(if plain {
            Field::Lazy(range)
        } else {
            Field::Text(range)
        });
    }
    let value = ValSeed.deserialize(&mut de)?;
    de.end()?;
    Ok(match value {
        Val::Null => Field::Null,
        Val::Int(n) => Field::Int(n),
        Val::Str(s) => Field::Str(s.into_owned()),
        Val::StrList(_) if key == "files" => Field::Lazy(range),
        Val::StrList(items) => Field::StrList(items.into_iter().map(Cow::into_owned).collect()),
        Val::Float(_) | Val::Big | Val::Other => Field::Text(range),
    })
}

/// The document: an object's entries (values still as text), or the kind of value it is.
enum Top<'a> {
    Object(Vec<(Cow<'a, str>, &'a RawValue)>),
    Other,
}

impl<'de> serde::Deserialize<'de> for Top<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TopVisitor)
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top<'de>, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            entries.push((key, map.next_value::<&'de RawValue>()?));
        }
        Ok(Top::Object(entries))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top<'de>, A::Error> {
        while seq.next_element_seed(ValSeed)?.is_some() {}
        Ok(Top::Other)
    }
    scalars_are!(Top::Other);
}

/// Whether a `paths_data` value is one conda boxes without changing or refusing anything:
/// an object with an integer `paths_version` and a list `paths` of objects, each with a
/// string `_path`, a known `path_type`, and `prefix_placeholder` / `file_mode` of the
/// types conda keeps. Anything else is decoded (and so checked) all the same.
struct PathsDataShape;

const PATH_TYPES: [&str; 8] = [
    "hardlink",
    "softlink",
    "directory",
    "linked_package_record",
    "pyc_file",
    "unix_python_entry_point",
    "windows_python_entry_point_script",
    "windows_python_entry_point_exe",
];

impl<'de> DeserializeSeed<'de> for PathsDataShape {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PathsDataShape {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("paths_data")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let (mut version, mut paths) = (None, None);
        let mut plain = true;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "paths_version" => {
                    version = Some(matches!(map.next_value_seed(ValSeed)?, Val::Int(_)))
                }
                "paths" => paths = Some(map.next_value_seed(PathListShape)?),
                // conda renames a "self" key before boxing; leave such a value to Python
                "self" => {
                    map.next_value_seed(ValSeed)?;
                    plain = false;
                }
                _ => {
                    map.next_value_seed(ValSeed)?;
                }
            }
        }
        Ok(plain && version == Some(true) && paths == Some(true))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        crate::repodata::json::ValVisitor
            .visit_seq(seq)
            .map(|_| false)
    }
    scalars_are!(false);
}

struct PathListShape;

impl<'de> DeserializeSeed<'de> for PathListShape {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PathListShape {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of paths")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut plain = true;
        while let Some(entry) = seq.next_element_seed(PathEntryShape)? {
            plain &= entry;
        }
        Ok(plain)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        crate::repodata::json::ValVisitor
            .visit_map(map)
            .map(|_| false)
    }
    scalars_are!(false);
}

struct PathEntryShape;

impl<'de> DeserializeSeed<'de> for PathEntryShape {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PathEntryShape {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a path entry")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let (mut path, mut path_type, mut plain) = (false, false, true);
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let value = map.next_value_seed(ValSeed)?;
            match key.as_ref() {
                "_path" => path = matches!(value, Val::Str(_)),
                "path_type" => {
                    path_type = matches!(&value, Val::Str(s) if PATH_TYPES.contains(&s.as_ref()))
                }
                "prefix_placeholder" | "sha256" | "sha256_in_prefix" => {
                    plain &= matches!(value, Val::Str(_) | Val::Null)
                }
                "file_mode" => {
                    plain &= matches!(&value, Val::Null | Val::Str(_))
                        && !matches!(&value, Val::Str(s) if s != "text" && s != "binary")
                }
                "size_in_bytes" => plain &= matches!(value, Val::Int(_) | Val::Null),
                "inode_paths" => plain &= matches!(value, Val::StrList(_) | Val::Null),
                "self" => plain = false,
                _ => {}
            }
        }
        Ok(plain && path && path_type)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    scalars_are!(false);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> Vec<(String, Field)> {
        match parse(json.as_bytes().to_vec()) {
            MetaFile::Record { fields, .. } => fields,
            other => panic!("not a record: {other:?}"),
        }
    }

    #[test]
    fn small_fields_are_decoded_and_large_ones_kept_as_text() {
        let json = r#"{"name": "zlib", "build_number": 3, "depends": ["libgcc"], "license": null,
            "files": ["lib/libz.so"], "size": 1.5, "link": {"source": "/x", "type": 1},
            "paths_data": {"paths_version": 1, "paths": [{"_path": "lib/libz.so",
            "path_type": "hardlink", "sha256": "ab", "size_in_bytes": 3}]}}"#;
        let fields = record(json);
        let kinds: Vec<_> = fields.iter().map(|(k, f)| (k.as_str(), f)).collect();
        assert_eq!(kinds[0], ("name", &Field::Str("zlib".into())));
        assert_eq!(kinds[1], ("build_number", &Field::Int(3)));
        assert_eq!(
            kinds[2],
            ("depends", &Field::StrList(vec!["libgcc".into()]))
        );
        assert_eq!(kinds[3], ("license", &Field::Null));
        assert!(matches!(kinds[4].1, Field::Lazy(r) if &json[r.clone()] == r#"["lib/libz.so"]"#));
        assert!(matches!(kinds[5].1, Field::Text(r) if &json[r.clone()] == "1.5"));
        assert!(matches!(kinds[6].1, Field::Text(_)));
        assert!(matches!(kinds[7].1, Field::Lazy(_)));
    }

    #[test]
    fn unusual_large_fields_are_left_to_python() {
        for paths_data in [
            r#"{"paths_version": "1", "paths": []}"#,
            r#"{"paths_version": 1, "paths": [{"_path": 1, "path_type": "hardlink"}]}"#,
            r#"{"paths_version": 1, "paths": [{"_path": "a", "path_type": "hard"}]}"#,
            r#"{"paths_version": 1, "paths": [{"_path": "a", "path_type": "hardlink", "file_mode": "x"}]}"#,
            r#"{"paths_version": 1, "paths": [["a"]]}"#,
            r#"{"paths_version": 1}"#,
            "null",
        ] {
            let fields = record(&format!(r#"{{"paths_data": {paths_data}, "files": [1]}}"#));
            assert!(
                fields.iter().all(|(_, f)| !matches!(f, Field::Lazy(_))),
                "{paths_data}"
            );
        }
    }

    #[test]
    fn repeated_keys_keep_first_place_and_last_value() {
        let fields = record(r#"{"a": 1, "b": 2, "a": "x"}"#);
        assert_eq!(
            fields,
            vec![
                ("a".into(), Field::Str("x".into())),
                ("b".into(), Field::Int(2))
            ]
        );
    }

    #[test]
    fn invalid_files_are_refused_with_a_reason() {
        for bad in [
            &b""[..],
            b"{",
            b"\xff{}",
            br#"{"a": "\udcff"}"#,
            br#"{"a": [1,]}"#,
        ] {
            assert!(
                matches!(parse(bad.to_vec()), MetaFile::Corrupt(_)),
                "{bad:?}"
            );
        }
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(200), "]".repeat(200));
        assert!(matches!(parse(deep.into_bytes()), MetaFile::Corrupt(_)));
        for other in [&b"[1]"[..], b" null ", b"\"x\"", b"1e5", b"true"] {
            assert!(
                matches!(parse(other.to_vec()), MetaFile::NotAnObject),
                "{other:?}"
            );
        }
    }
}
