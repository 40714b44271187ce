//! One package entry into a `Rec`: the values conda keeps as they are are stored, anything
//! else marks the record `slow` (Python builds it from the raw entry).

use std::borrow::Cow;
use std::fmt;

use rustc_hash::FxHashMap;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::json::{bad, Bad, Val, ValSeed, ValVisitor};
use super::{hash_of, Chunk, Format, List, Noarch, Number, Opt, Rec, Span, Status, MAX_SECONDS};

/// Python's `str.strip()` for ASCII text; None when the text is not ASCII (Python decides).
fn py_strip(text: &str) -> Option<&str> {
    if !text.is_ascii() {
        return None;
    }
    Some(text.trim_matches(|c: char| {
        matches!(
            c,
            ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '\x1c'..='\x1f'
        )
    }))
}

/// conda's reading of `features` / `track_features`: a string is split at spaces and
/// commas; every item is stripped and empty ones dropped. None: Python must do it.
fn features<'a>(value: &'a Val<'_>) -> Option<Vec<&'a str>> {
    match value {
        Val::Str(text) => {
            let mut out = Vec::new();
            for part in text.split([' ', ',']) {
                let part = py_strip(part)?;
                if !part.is_empty() {
                    out.push(part);
                }
            }
            Some(out)
        }
        Val::StrList(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let item = py_strip(item)?;
                if !item.is_empty() {
                    out.push(item);
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// The file name without conda's extensions, and which extension it had (conda strips
/// `.conda`, then `.tar.bz2`, so both may go).
pub(super) fn split_format(fn_: &str) -> (&str, Format) {
    let mut stem = fn_;
    let mut format = Format::Other;
    if let Some(s) = stem.strip_suffix(".conda") {
        stem = s;
        format = Format::Conda;
    }
    if let Some(s) = stem.strip_suffix(".tar.bz2") {
        stem = s;
        format = if format == Format::Conda {
            Format::Other
        } else {
            Format::TarBz2
        };
    }
    (stem, format)
}

/// Whether a Dist can be made from the file name alone: `name-version-build.ext` with
/// no characters the Dist grammar treats specially and a numeric build-number tail.
pub fn is_plain_dist(fn_: &str) -> bool {
    if fn_.is_empty()
        || !fn_.is_ascii()
        || fn_.ends_with('@')
        || fn_.contains('/')
        || fn_.chars().any(|c| {
            c.is_ascii_whitespace() || matches!(c, '[' | ']' | ':' | '\x0b' | '\x1c'..='\x1f')
        })
    {
        return false;
    }
    let (stem, format) = split_format(fn_);
    if format == Format::Other && stem.len() != fn_.len() {
        return false;
    }
    if stem.ends_with(".conda") || stem.ends_with(".tar.bz2") {
        return false;
    }
    let mut parts = stem.rsplitn(3, '-');
    let build = parts.next().unwrap_or("");
    let (Some(_version), Some(_name)) = (parts.next(), parts.next()) else {
        return false;
    };
    let tail = build.rsplit('_').next().unwrap_or("");
    !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit())
}

/// The file name conda derives a `.conda` entry's `.tar.bz2` twin from: all but the
/// last six characters, plus `.tar.bz2` (returned without the suffix).
pub(super) fn twin_stem(key: &str) -> &str {
    match key.char_indices().rev().nth(5) {
        Some((at, _)) => &key[..at],
        None => "",
    }
}

fn nullable_digest(chunk: &mut Chunk, value: &Val<'_>) -> Option<Span> {
    match value {
        Val::Null => Some(Span::NULL),
        Val::Str(s) => Some(chunk.push_digest(s)),
        _ => None,
    }
}

fn nullable_str(chunk: &mut Chunk, value: &Val<'_>, intern: bool) -> Option<Span> {
    match value {
        Val::Null => Some(Span::NULL),
        Val::Str(s) if intern => Some(chunk.intern(s)),
        Val::Str(s) => Some(chunk.push(s)),
        _ => None,
    }
}

/// A string field that is neither required nor nullable: null means "not given".
fn optional_str(chunk: &mut Chunk, value: &Val<'_>) -> Option<Span> {
    match value {
        Val::Null => Some(Span::ABSENT),
        Val::Str(s) => Some(chunk.push(s)),
        _ => None,
    }
}

/// A list of strings pushed straight into the chunk's items as it is read; `None` (with
/// the items taken back) when the value is not a list of strings. Everything is decoded.
struct StrListSeed<'c> {
    chunk: &'c mut Chunk,
}

impl<'de> DeserializeSeed<'de> for StrListSeed<'_> {
    type Value = Option<List>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<List>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrListSeed<'_> {
    type Value = Option<List>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of strings")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<List>, A::Error> {
        let start = self.chunk.items.len();
        let mut all_strings = true;
        while let Some(item) = seq.next_element_seed(ValSeed)? {
            match item {
                Val::Str(text) if all_strings => {
                    let span = self.chunk.intern(&text);
                    self.chunk.items.push(span);
                }
                _ => all_strings = false,
            }
        }
        if !all_strings {
            self.chunk.items.truncate(start);
            return Ok(None);
        }
        Ok(Some(List {
            start: start as u32,
            len: (self.chunk.items.len() - start) as u32,
        }))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<List>, A::Error> {
        ValVisitor.visit_map(map).map(|_| None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<List>, E> {
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<List>, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<List>, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<List>, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<List>, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Option<List>, E> {
        Ok(None)
    }
}

/// One entry read straight into a `Rec`, key by key.
struct EntryVisitor<'c, 'k> {
    chunk: &'c mut Chunk,
    key: &'k str,
    add_pip: bool,
}

impl<'de> Visitor<'de> for EntryVisitor<'_, '_> {
    type Value = Rec;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a package entry")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Rec, A::Error> {
        let EntryVisitor {
            chunk,
            key: file_name,
            add_pip,
        } = self;
        let mut rec = new_rec(chunk, file_name);
        let (mut has_name, mut has_version, mut has_build, mut has_depends) =
            (false, false, false, false);
        let mut has_build_number = false;
        let mut build_string: Option<Val<'de>> = None;
        let mut depends: Option<List> = None;
        let mut python_name = false;
        let mut python_version = false;
        // a field given more than once counts with its last value (as in a Python dict), so
        // whether it is stored as it is, or needs Python, is kept per field
        let mut slow_fields: u32 = 0;
        let mut slow = false;
        let mut newer = false;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let stored = match key.as_ref() {
                "depends" | "constrains" => {
                    let list = map.next_value_seed(StrListSeed { chunk: &mut *chunk })?;
                    if key == "depends" {
                        has_depends = true;
                        depends = list;
                    } else if let Some(list) = list {
                        rec.constrains = list;
                    }
                    list.is_some()
                }
                _ => {
                    let value = map.next_value_seed(ValSeed)?;
                    match key.as_ref() {
                        "name" => {
                            has_name = true;
                            match value {
                                Val::Str(s) => {
                                    python_name = s == "python";
                                    rec.name = chunk.intern(&s);
                                    true
                                }
                                _ => false,
                            }
                        }
                        "version" => {
                            has_version = true;
                            match value {
                                Val::Str(s) => {
                                    python_version = s.starts_with("2.") || s.starts_with("3.");
                                    rec.version = chunk.intern(&s);
                                    true
                                }
                                _ => false,
                            }
                        }
                        "build" => {
                            has_build = true;
                            match value {
                                Val::Str(s) => {
                                    rec.build = chunk.push(&s);
                                    true
                                }
                                _ => false,
                            }
                        }
                        "build_string" => {
                            has_build = true;
                            build_string = Some(value);
                            true
                        }
                        "build_number" => match value {
                            Val::Int(n) => {
                                rec.build_number = n;
                                has_build_number = true;
                                true
                            }
                            _ => false,
                        },
                        "track_features" | "features" => match value {
                            Val::Null => {
                                if key == "features" {
                                    rec.features = List::ABSENT;
                                } else {
                                    rec.track_features = List::ABSENT;
                                }
                                true
                            }
                            other => match features(&other) {
                                Some(items) => {
                                    let list = chunk.push_list(items);
                                    if key == "features" {
                                        rec.features = list;
                                    } else {
                                        rec.track_features = list;
                                    }
                                    true
                                }
                                None => false,
                            },
                        },
                        "noarch" => {
                            rec.noarch = match value {
                                Val::Null => Noarch::Null,
                                Val::Str(s) if s == "python" => Noarch::Python,
                                Val::Str(s) if s == "generic" => Noarch::Generic,
                                _ => Noarch::Absent,
                            };
                            rec.noarch != Noarch::Absent
                        }
                        "license" => store(&mut rec.license, nullable_str(chunk, &value, true)),
                        "license_family" => {
                            store(&mut rec.license_family, nullable_str(chunk, &value, true))
                        }
                        "md5" => {
                            rec.md5_other = !store(&mut rec.md5, nullable_digest(chunk, &value));
                            !rec.md5_other
                        }
                        "sha256" => store(&mut rec.sha256, nullable_digest(chunk, &value)),
                        "legacy_bz2_md5" => {
                            store(&mut rec.legacy_bz2_md5, nullable_digest(chunk, &value))
                        }
                        "preferred_env" => {
                            store(&mut rec.preferred_env, nullable_str(chunk, &value, true))
                        }
                        "python_site_packages_path" => store(
                            &mut rec.python_site_packages_path,
                            nullable_str(chunk, &value, true),
                        ),
                        "date" => store(&mut rec.date, optional_str(chunk, &value)),
                        "size" => {
                            match value {
                                Val::Int(n) => (rec.size, rec.size_other) = (Opt::Some(n), false),
                                Val::Null => (rec.size, rec.size_other) = (Opt::Absent, false),
                                _ => rec.size_other = true,
                            }
                            !rec.size_other
                        }
                        "legacy_bz2_size" => match value {
                            Val::Int(n) => {
                                rec.legacy_bz2_size = Opt::Some(n);
                                true
                            }
                            Val::Null => {
                                rec.legacy_bz2_size = Opt::Null;
                                true
                            }
                            _ => false,
                        },
                        "timestamp" => match timestamp(&value) {
                            Some(stamp) => {
                                rec.timestamp = stamp;
                                true
                            }
                            None => false,
                        },
                        "record_version" => {
                            newer = match value {
                                Val::Int(n) => n > 1,
                                Val::Float(x) => x > 1.0,
                                Val::Big => true,
                                _ => false,
                            };
                            true
                        }
                        // set from the channel, or not fields at all
                        "package_type" => false,
                        _ => true,
                    }
                }
            };
            if !stored {
                slow_fields |= field_bit(&key);
            } else if slow_fields != 0 {
                slow_fields &= !(field_bit(&key) & !OTHER_FIELD);
            }
        }
        // conda leaves these out (with a KeyError for the name); we skip them with a warning
        rec.status = if newer {
            Status::Ignore
        } else if !has_name {
            Status::NoName
        } else if !has_version {
            Status::NoVersion
        } else if !has_build {
            Status::NoBuild
        } else {
            Status::Keep
        };
        if rec.build == Span::ABSENT {
            match build_string {
                Some(Val::Str(s)) => rec.build = chunk.intern(&s),
                Some(_) => slow = true,
                None => {}
            }
        }
        slow |= slow_fields != 0 || !has_build_number;
        if add_pip && python_name && python_version {
            if let Some(list) = depends {
                let items: Vec<Span> =
                    chunk.items[list.start as usize..][..list.len as usize].to_vec();
                let pip = chunk.intern("pip");
                let start = chunk.items.len();
                chunk.items.extend(items);
                chunk.items.push(pip);
                depends = Some(List {
                    start: start as u32,
                    len: (chunk.items.len() - start) as u32,
                });
            } else if !has_depends {
                depends = Some(chunk.push_list(["pip"]));
            }
        }
        if let Some(list) = depends {
            rec.depends = list;
        } else if has_depends {
            slow = true;
        }
        rec.slow = slow;
        Ok(rec)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Rec, A::Error> {
        ValVisitor.visit_seq(seq)?;
        Ok(self.not_an_object())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Rec, E> {
        Ok(self.not_an_object())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Rec, E> {
        Ok(self.not_an_object())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Rec, E> {
        Ok(self.not_an_object())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Rec, E> {
        Ok(self.not_an_object())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Rec, E> {
        Ok(self.not_an_object())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Rec, E> {
        Ok(self.not_an_object())
    }
}

impl EntryVisitor<'_, '_> {
    /// An entry that is not an object: Python builds it, and refuses it (so does a
    /// `.conda` entry whose twin it is).
    fn not_an_object(self) -> Rec {
        let mut rec = new_rec(self.chunk, self.key);
        rec.slow = true;
        rec.md5_other = true;
        rec.size_other = true;
        rec
    }
}

/// The bit of `slow_fields` for an entry's field: one per field a value can be refused for.
fn field_bit(key: &str) -> u32 {
    const FIELDS: [&str; 21] = [
        "name",
        "version",
        "build",
        "build_number",
        "depends",
        "constrains",
        "track_features",
        "features",
        "noarch",
        "license",
        "license_family",
        "md5",
        "sha256",
        "legacy_bz2_md5",
        "preferred_env",
        "python_site_packages_path",
        "date",
        "size",
        "legacy_bz2_size",
        "timestamp",
        "package_type",
    ];
    FIELDS
        .iter()
        .position(|&field| field == key)
        .map_or(OTHER_FIELD, |at| 1 << at)
}

/// The bit of any other key: shared, and never cleared, so a value refused there is not forgotten.
const OTHER_FIELD: u32 = 1 << 31;

fn store(slot: &mut Span, value: Option<Span>) -> bool {
    match value {
        Some(span) => {
            *slot = span;
            true
        }
        None => false,
    }
}

/// conda's timestamp: an int below 2^53 or a float; above 9999-12-31 in seconds it is in
/// milliseconds. None: Python must box it.
fn timestamp(value: &Val<'_>) -> Option<Opt<Number>> {
    match *value {
        Val::Int(n) if n.unsigned_abs() < (1u64 << 53) => {
            let seconds = n as f64;
            Some(Opt::Some(if seconds != 0.0 && seconds > MAX_SECONDS {
                Number::Float(seconds / 1000.0)
            } else {
                Number::Int(n)
            }))
        }
        // a float this large may be an integer literal beyond i64 (Python's int); `-0`
        // comes as a float here and as an int from Python's json
        Val::Float(x) if x != 0.0 && x.abs() < (1u64 << 53) as f64 => {
            Some(Opt::Some(Number::Float(if x > MAX_SECONDS {
                x / 1000.0
            } else {
                x
            })))
        }
        Val::Null => Some(Opt::Absent),
        _ => None,
    }
}

fn new_rec(chunk: &mut Chunk, key: &str) -> Rec {
    Rec {
        fn_: chunk.push(key),
        name: Span::ABSENT,
        version: Span::ABSENT,
        build: Span::ABSENT,
        build_number: 0,
        depends: List::ABSENT,
        constrains: List::ABSENT,
        track_features: List::ABSENT,
        features: List::ABSENT,
        md5: Span::ABSENT,
        sha256: Span::ABSENT,
        legacy_bz2_md5: Span::ABSENT,
        license: Span::ABSENT,
        license_family: Span::ABSENT,
        date: Span::ABSENT,
        preferred_env: Span::ABSENT,
        python_site_packages_path: Span::ABSENT,
        size: Opt::Absent,
        legacy_bz2_size: Opt::Absent,
        timestamp: Opt::Absent,
        noarch: Noarch::Absent,
        format: split_format(key).1,
        plain_dist: is_plain_dist(key),
        slow: false,
        status: Status::Keep,
        md5_other: false,
        size_other: false,
        ident: 0,
    }
}

/// Reads one entry into a new record of `chunk` (one record per entry, whatever it holds:
/// what conda does with it is decided once every key of the file is known).
fn parse_entry(chunk: &mut Chunk, key: &str, raw: &RawValue, add_pip: bool) -> Result<(), Bad> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    let mut rec = de
        .deserialize_any(EntryVisitor {
            chunk: &mut *chunk,
            key,
            add_pip,
        })
        .map_err(|err| bad(raw, &err))?;
    rec.ident = hash_of(&(
        chunk.str(rec.name),
        chunk.str(rec.version),
        rec.build_number,
        chunk.str(rec.build),
    ));
    chunk.recs.push(rec);
    Ok(())
}

/// A chunk of the records of `entries`, one per entry, in order.
pub(super) fn parse_batch(
    entries: &[(Cow<'_, str>, &RawValue)],
    add_pip: bool,
) -> Result<Chunk, Bad> {
    let mut chunk = Chunk::default();
    chunk.recs.reserve_exact(entries.len());
    for (key, raw) in entries {
        parse_entry(&mut chunk, key, raw, add_pip)?;
    }
    chunk.interned = FxHashMap::default();
    chunk.arena.shrink_to_fit();
    chunk.digests.shrink_to_fit();
    chunk.items.shrink_to_fit();
    Ok(chunk)
}
