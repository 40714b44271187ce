//! Repodata parsing: a subdir's `repodata.json` into compact, read-only storage.
//!
//! One pass over the file finds the top-level keys and the raw text of every package
//! entry (serde_json's `RawValue`, borrowed, so nothing is copied); the order conda uses is
//! worked out from the keys alone (`packages.conda` first, then the `.tar.bz2` entries that
//! have no `.conda` twin, duplicate keys resolved as a Python dict does); then the entries
//! are parsed in parallel, a chunk per task, into `Rec`s whose strings live in the chunk's
//! arena (names, licenses and dependency specs are stored once per chunk).
//!
//! A value is stored here only when its form is one conda keeps as it is (a string for a
//! string field, an int for an int field, a list of strings for `depends`, ...). An entry
//! with any other value is marked `slow` and keeps its raw JSON: the Python side builds
//! that record the ordinary way, with conda's coercions and errors.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// Records parsed by one task; small enough to spread a big index over every core.
const CHUNK: usize = 8192;
/// conda's limit: a larger number of seconds is taken to be milliseconds.
const MAX_SECONDS: f64 = 253_402_300_799.0;

#[derive(Debug)]
pub enum RepodataError {
    Io(PathBuf, io::Error),
    /// Not JSON, or JSON not shaped like repodata; `offset` is the byte where it was found.
    Invalid {
        path: PathBuf,
        offset: Option<usize>,
        reason: String,
    },
}

impl fmt::Display for RepodataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RepodataError::Io(path, err) => write!(f, "{}: {err}", path.display()),
            RepodataError::Invalid {
                path,
                offset,
                reason,
            } => match offset {
                Some(at) => write!(f, "{} (byte {at}): {reason}", path.display()),
                None => write!(f, "{}: {reason}", path.display()),
            },
        }
    }
}

/// A string in a chunk's arena; `len` doubles as a marker for "absent" and "null".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    start: u32,
    len: u32,
}

impl Span {
    pub const ABSENT: Span = Span {
        start: 0,
        len: u32::MAX,
    };
    pub const NULL: Span = Span {
        start: 0,
        len: u32::MAX - 1,
    };
}

/// A run of `Span`s in a chunk's item list (`depends`, `features`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct List {
    start: u32,
    len: u32,
}

impl List {
    pub const ABSENT: List = List {
        start: 0,
        len: u32::MAX,
    };
}

/// A value that may be missing, JSON null, or present.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Opt<T> {
    Absent,
    Null,
    Some(T),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Noarch {
    Absent,
    Null,
    Python,
    Generic,
}

/// One package record, every string a `Span` into its chunk.
#[derive(Clone, Debug)]
pub struct Rec {
    pub fn_: Span,
    pub name: Span,
    pub version: Span,
    pub build: Span,
    pub build_number: i64,
    pub depends: List,
    pub constrains: List,
    pub track_features: List,
    pub features: List,
    pub md5: Span,
    pub sha256: Span,
    pub legacy_bz2_md5: Span,
    pub license: Span,
    pub license_family: Span,
    pub date: Span,
    pub preferred_env: Span,
    pub python_site_packages_path: Span,
    pub size: Opt<i64>,
    pub legacy_bz2_size: Opt<i64>,
    pub timestamp: Opt<Number>,
    pub noarch: Noarch,
    /// conda's format of the file: `.conda`, `.tar.bz2` or neither.
    pub format: Format,
    /// the file name is plain `name-version-build.ext`, so a Dist can be derived cheaply
    pub plain_dist: bool,
    /// some value needs Python's boxing: the record is built the ordinary way
    pub slow: bool,
    /// hash of (name, version, build number, build): finds equal identities quickly
    pub ident: u64,
    /// hash of the file name
    pub fn_hash: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Conda,
    TarBz2,
    Other,
}

/// The raw JSON kept for a record Python must build itself.
#[derive(Debug)]
pub struct SlowEntry {
    pub index: usize,
    pub entry: String,
    pub counterpart: Option<String>,
}

#[derive(Default)]
pub struct Chunk {
    arena: String,
    items: Vec<Span>,
    interned: FxHashMap<Box<str>, Span>,
    pub recs: Vec<Rec>,
}

impl Chunk {
    pub fn str(&self, span: Span) -> Option<&str> {
        if span.len >= u32::MAX - 1 {
            return None;
        }
        let start = span.start as usize;
        self.arena.get(start..start + span.len as usize)
    }

    pub fn list(&self, list: List) -> Option<impl Iterator<Item = &str>> {
        if list.len == u32::MAX {
            return None;
        }
        let start = list.start as usize;
        let spans = self
            .items
            .get(start..start + list.len as usize)
            .unwrap_or(&[]);
        Some(spans.iter().map(|&s| self.str(s).unwrap_or("")))
    }

    fn push(&mut self, text: &str) -> Span {
        let start = self.arena.len();
        self.arena.push_str(text);
        Span {
            start: start as u32,
            len: text.len() as u32,
        }
    }

    /// Stored once per chunk: for values that repeat (names, specs, licenses).
    fn intern(&mut self, text: &str) -> Span {
        if let Some(&span) = self.interned.get(text) {
            return span;
        }
        let span = self.push(text);
        self.interned.insert(text.into(), span);
        span
    }

    fn push_list<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) -> List {
        let spans: Vec<Span> = values.into_iter().map(|v| self.intern(v)).collect();
        let start = self.items.len();
        self.items.extend(spans);
        List {
            start: start as u32,
            len: (self.items.len() - start) as u32,
        }
    }
}

/// Everything parsed from one repodata file.
pub struct Repodata {
    /// raw JSON of the `info` object (None when absent)
    pub info: Option<String>,
    /// raw JSON of the top-level `repodata_version`
    pub repodata_version: Option<String>,
    pub chunks: Vec<Chunk>,
    /// index of each chunk's first record
    pub starts: Vec<usize>,
    pub slow: Vec<SlowEntry>,
    /// (file name, missing field) of entries left out for lacking name, version or build
    pub skipped: Vec<(String, &'static str)>,
    pub len: usize,
}

impl Repodata {
    /// The chunk holding record `index`, and the record.
    pub fn locate(&self, index: usize) -> Option<(&Chunk, &Rec)> {
        if index >= self.len {
            return None;
        }
        let at = self.starts.partition_point(|&s| s <= index) - 1;
        let chunk = self.chunks.get(at)?;
        Some((chunk, chunk.recs.get(index - self.starts[at])?))
    }
}

// ---------------------------------------------------------------------------------------
// pass 1: the top level, with every package entry kept as raw text

struct Top<'de> {
    /// values that are not package entries: each is checked to be valid JSON text
    others: Vec<&'de RawValue>,
    info: Option<&'de RawValue>,
    repodata_version: Option<&'de RawValue>,
    packages: Vec<(Cow<'de, str>, &'de RawValue)>,
    conda_packages: Vec<(Cow<'de, str>, &'de RawValue)>,
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a repodata object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top<'de>, A::Error> {
        let mut top = Top {
            others: Vec::new(),
            info: None,
            repodata_version: None,
            packages: Vec::new(),
            conda_packages: Vec::new(),
        };
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "info" => {
                    let raw = map.next_value()?;
                    top.info = Some(raw);
                    top.others.push(raw);
                }
                "repodata_version" => {
                    let raw = map.next_value()?;
                    top.repodata_version = Some(raw);
                    top.others.push(raw);
                }
                "packages" => top.packages = map.next_value_seed(EntriesSeed("packages"))?,
                "packages.conda" => {
                    top.conda_packages = map.next_value_seed(EntriesSeed("packages.conda"))?
                }
                _ => top.others.push(map.next_value()?),
            }
        }
        Ok(top)
    }
}

/// A `packages` object: its keys and the raw text of each value, in file order.
struct EntriesSeed(&'static str);

impl<'de> DeserializeSeed<'de> for EntriesSeed {
    type Value = Vec<(Cow<'de, str>, &'de RawValue)>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(EntriesVisitor(self.0))
    }
}

struct EntriesVisitor(&'static str);

impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = Vec<(Cow<'de, str>, &'de RawValue)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an object of package entries for \"{}\"", self.0)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new()) // `"packages": null` counts as none, as `.get(...) or {}` would
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(1024));
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let value: &'de RawValue = map.next_value()?;
            entries.push((key, value));
        }
        Ok(entries)
    }
}

// ---------------------------------------------------------------------------------------
// pass 2: one entry's values

/// A JSON value as far as storing it goes.
enum Val<'de> {
    Null,
    Int(i64),
    Float(f64),
    Str(Cow<'de, str>),
    StrList(Vec<Cow<'de, str>>),
    /// an integer above i64's range (below it, serde_json gives a float)
    Big,
    /// anything else: booleans, objects, mixed lists
    Other,
}

struct ValVisitor;

impl<'de> Visitor<'de> for ValVisitor {
    type Value = Val<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Val<'de>, E> {
        Ok(Val::Null)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Val<'de>, E> {
        Ok(Val::Other)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Val<'de>, E> {
        Ok(Val::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Val<'de>, E> {
        Ok(i64::try_from(v).map_or(Val::Big, Val::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Val<'de>, E> {
        Ok(Val::Float(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Val<'de>, E> {
        Ok(Val::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Val<'de>, E> {
        Ok(Val::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Val<'de>, E> {
        Ok(Val::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Val<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(8));
        let mut all_strings = true;
        while let Some(item) = seq.next_element_seed(ValSeed)? {
            match item {
                Val::Str(s) if all_strings => items.push(s),
                _ => all_strings = false,
            }
        }
        Ok(if all_strings {
            Val::StrList(items)
        } else {
            Val::Other
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Val<'de>, A::Error> {
        // every key and value is decoded, so text Python's json refuses is refused here too
        while map.next_key::<Cow<'de, str>>()?.is_some() {
            map.next_value_seed(ValSeed)?;
        }
        Ok(Val::Other)
    }
}

struct ValSeed;

impl<'de> DeserializeSeed<'de> for ValSeed {
    type Value = Val<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Val<'de>, D::Error> {
        deserializer.deserialize_any(ValVisitor)
    }
}

/// Where and why a value that passed the first pass does not decode (a lone surrogate
/// escape, a number beyond f64, nesting deeper than serde_json's limit).
struct Bad {
    offset: usize,
    reason: String,
}

fn bad(raw: &RawValue, err: &serde_json::Error) -> Bad {
    let (offset, reason) = locate(raw.get().as_bytes(), err);
    Bad {
        offset: raw.get().as_ptr() as usize + offset.unwrap_or(0),
        reason,
    }
}

/// Decodes a value completely, keeping nothing: the check that it is valid JSON text.
fn validate(raw: &RawValue) -> Result<(), Bad> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    ValSeed
        .deserialize(&mut de)
        .map(drop)
        .map_err(|err| bad(raw, &err))
}

/// An entry's keys and values, in file order.
type Fields<'de> = Vec<(Cow<'de, str>, Val<'de>)>;

/// An entry's fields; `None` where the entry is not an object at all.
fn entry_fields(raw: &RawValue) -> Result<Option<Fields<'_>>, Bad> {
    struct FieldsVisitor;
    impl<'de> Visitor<'de> for FieldsVisitor {
        type Value = Option<Fields<'de>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a package entry")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut fields = Vec::with_capacity(24);
            while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                let value = map.next_value_seed(ValSeed)?;
                fields.push((key, value));
            }
            Ok(Some(fields))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element_seed(ValSeed)?.is_some() {}
            Ok(None)
        }
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    de.deserialize_any(FieldsVisitor)
        .map_err(|err| bad(raw, &err))
}

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
fn split_format(fn_: &str) -> (&str, Format) {
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
fn twin_stem(key: &str) -> &str {
    match key.char_indices().rev().nth(5) {
        Some((at, _)) => &key[..at],
        None => "",
    }
}

/// The md5 and size of a `.tar.bz2` twin, for a `.conda` record's legacy fields.
fn twin_values<'a>(raw: &'a RawValue) -> Result<Option<(Val<'a>, Val<'a>)>, Bad> {
    let Some(fields) = entry_fields(raw)? else {
        return Ok(None);
    };
    let mut md5 = Val::Null;
    let mut size = Val::Null;
    for (key, value) in fields {
        match key.as_ref() {
            "md5" => md5 = value,
            "size" => size = value,
            _ => {}
        }
    }
    Ok(Some((md5, size)))
}

struct Job<'de> {
    key: Cow<'de, str>,
    raw: &'de RawValue,
    twin: Option<&'de RawValue>,
    conda: bool,
}

/// Python dict semantics for a JSON object with repeated keys: the first position, the
/// last value.
#[allow(clippy::type_complexity)]
fn dedupe<'de>(
    mut entries: Vec<(Cow<'de, str>, &'de RawValue)>,
) -> (Vec<(Cow<'de, str>, &'de RawValue)>, Vec<&'de RawValue>) {
    let mut dropped = Vec::new();
    // (first place, later place) of each repeated key, in file order
    let mut repeats: Vec<(usize, usize)> = Vec::new();
    {
        let mut first: FxHashMap<&str, usize> =
            FxHashMap::with_capacity_and_hasher(entries.len(), Default::default());
        for (at, (key, _)) in entries.iter().enumerate() {
            let place = *first.entry(key.as_ref()).or_insert(at);
            if place != at {
                repeats.push((place, at));
            }
        }
    }
    if repeats.is_empty() {
        return (entries, dropped);
    }
    let mut gone = vec![false; entries.len()];
    for &(first, later) in &repeats {
        let raw = entries[later].1;
        dropped.push(std::mem::replace(&mut entries[first].1, raw));
        gone[later] = true;
    }
    let kept = entries
        .into_iter()
        .zip(gone)
        .filter_map(|(entry, gone)| (!gone).then_some(entry))
        .collect();
    (kept, dropped)
}

/// conda's record order: `.conda` entries, then the `.tar.bz2` ones without a `.conda`
/// twin (unless only `.tar.bz2` is wanted); each `.conda` entry knows its twin.
fn plan<'de>(
    top: Top<'de>,
    use_only_tar_bz2: bool,
    unused: &mut Vec<&'de RawValue>,
) -> Vec<Job<'de>> {
    unused.extend(top.others);
    let mut legacy = top.packages;
    let mut conda = top.conda_packages;
    if use_only_tar_bz2 {
        unused.extend(conda.iter().map(|(_, raw)| *raw));
        conda = Vec::new();
    }
    if let Some(jobs) = jobs_of(&legacy, &conda) {
        return jobs;
    }
    // a key given twice (or two .conda keys with one stem): Python's dict rules first
    let (kept, dropped) = dedupe(legacy);
    legacy = kept;
    unused.extend(dropped);
    let (kept, dropped) = dedupe(conda);
    conda = kept;
    unused.extend(dropped);
    jobs_of(&legacy, &conda).unwrap_or_else(|| jobs_of_slowly(&legacy, &conda))
}

type Entries<'de> = [(Cow<'de, str>, &'de RawValue)];

/// conda's jobs when no key repeats (and no two `.conda` keys share a stem); None otherwise.
fn jobs_of<'de>(legacy: &Entries<'de>, conda: &Entries<'de>) -> Option<Vec<Job<'de>>> {
    // one core each: the .tar.bz2 entries by stem, the .conda entries' twin stems
    let (by_stem, stems) = rayon::join(
        || {
            let mut by_stem: FxHashMap<&str, &'de RawValue> =
                FxHashMap::with_capacity_and_hasher(legacy.len(), Default::default());
            let mut others: FxHashSet<&str> = FxHashSet::default();
            for (key, raw) in legacy {
                let repeated = match key.strip_suffix(".tar.bz2") {
                    Some(stem) => by_stem.insert(stem, *raw).is_some(),
                    None => !others.insert(key),
                };
                if repeated {
                    return None;
                }
            }
            Some(by_stem)
        },
        || {
            let mut stems: FxHashSet<&str> =
                FxHashSet::with_capacity_and_hasher(conda.len(), Default::default());
            for (key, _) in conda {
                if !stems.insert(twin_stem(key)) {
                    return None;
                }
            }
            Some(stems)
        },
    );
    let (by_stem, stems) = (by_stem?, stems?);
    Some(assemble(legacy, conda, &by_stem, &stems))
}

/// conda's jobs for deduplicated entries in which two `.conda` keys may share a stem.
fn jobs_of_slowly<'de>(legacy: &Entries<'de>, conda: &Entries<'de>) -> Vec<Job<'de>> {
    let by_stem: FxHashMap<&str, &'de RawValue> = legacy
        .iter()
        .filter_map(|(key, raw)| key.strip_suffix(".tar.bz2").map(|stem| (stem, *raw)))
        .collect();
    let stems: FxHashSet<&str> = conda.iter().map(|(key, _)| twin_stem(key)).collect();
    assemble(legacy, conda, &by_stem, &stems)
}

/// `.conda` jobs (each with its twin), then the `.tar.bz2` jobs no `.conda` entry hides.
fn assemble<'de>(
    legacy: &Entries<'de>,
    conda: &Entries<'de>,
    by_stem: &FxHashMap<&str, &'de RawValue>,
    stems: &FxHashSet<&str>,
) -> Vec<Job<'de>> {
    let (mut jobs, legacy_jobs) = rayon::join(
        || {
            let mut jobs = Vec::with_capacity(legacy.len() + conda.len());
            jobs.extend(conda.iter().map(|(key, raw)| Job {
                key: key.clone(),
                raw,
                twin: by_stem.get(twin_stem(key)).copied(),
                conda: true,
            }));
            jobs
        },
        || {
            legacy
                .iter()
                .filter(|(key, _)| {
                    !key.strip_suffix(".tar.bz2")
                        .is_some_and(|stem| stems.contains(stem))
                })
                .map(|(key, raw)| Job {
                    key: key.clone(),
                    raw,
                    twin: None,
                    conda: false,
                })
                .collect::<Vec<_>>()
        },
    );
    jobs.extend(legacy_jobs);
    jobs
}

enum Parsed {
    Rec(Rec),
    Skip(&'static str),
    /// record_version > 1: conda leaves it out without a word
    Ignore,
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
struct EntryVisitor<'c, 'j, 'de> {
    chunk: &'c mut Chunk,
    job: &'j Job<'de>,
    add_pip: bool,
}

impl<'de> Visitor<'de> for EntryVisitor<'_, '_, 'de> {
    type Value = Parsed;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a package entry")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        let EntryVisitor {
            chunk,
            job,
            add_pip,
        } = self;
        let mut rec = new_rec(chunk, job);
        let (mut has_name, mut has_version, mut has_build, mut has_depends) =
            (false, false, false, false);
        let mut has_build_number = false;
        let mut build_string: Option<Val<'de>> = None;
        let mut depends: Option<List> = None;
        let mut python_name = false;
        let mut python_version = false;
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
                            Val::Null => true,
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
                        "md5" => store(&mut rec.md5, nullable_str(chunk, &value, false)),
                        "sha256" => store(&mut rec.sha256, nullable_str(chunk, &value, false)),
                        "legacy_bz2_md5" => {
                            store(&mut rec.legacy_bz2_md5, nullable_str(chunk, &value, false))
                        }
                        "preferred_env" => {
                            store(&mut rec.preferred_env, nullable_str(chunk, &value, true))
                        }
                        "python_site_packages_path" => store(
                            &mut rec.python_site_packages_path,
                            nullable_str(chunk, &value, true),
                        ),
                        "date" => store(&mut rec.date, optional_str(chunk, &value)),
                        "size" => match value {
                            Val::Int(n) => {
                                rec.size = Opt::Some(n);
                                true
                            }
                            Val::Null => true,
                            _ => false,
                        },
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
                            newer |= match value {
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
            slow |= !stored;
        }
        if newer {
            return Ok(Parsed::Ignore);
        }
        // conda leaves these out (with a KeyError for the name); we skip them with a warning
        if !has_name {
            return Ok(Parsed::Skip("name"));
        }
        if !has_version {
            return Ok(Parsed::Skip("version"));
        }
        if !has_build {
            return Ok(Parsed::Skip("build"));
        }
        if rec.build == Span::ABSENT {
            match build_string {
                Some(Val::Str(s)) => rec.build = chunk.intern(&s),
                Some(_) => slow = true,
                None => {}
            }
        }
        slow |= !has_build_number;
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
        Ok(Parsed::Rec(rec))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Parsed, A::Error> {
        ValVisitor.visit_seq(seq)?;
        Ok(self.not_an_object())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Parsed, E> {
        Ok(self.not_an_object())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Parsed, E> {
        Ok(self.not_an_object())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Parsed, E> {
        Ok(self.not_an_object())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Parsed, E> {
        Ok(self.not_an_object())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Parsed, E> {
        Ok(self.not_an_object())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Parsed, E> {
        Ok(self.not_an_object())
    }
}

impl EntryVisitor<'_, '_, '_> {
    /// An entry that is not an object: Python builds it, and refuses it.
    fn not_an_object(self) -> Parsed {
        let mut rec = new_rec(self.chunk, self.job);
        rec.slow = true;
        Parsed::Rec(rec)
    }
}

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

fn new_rec(chunk: &mut Chunk, job: &Job<'_>) -> Rec {
    Rec {
        fn_: chunk.push(&job.key),
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
        format: split_format(&job.key).1,
        plain_dist: is_plain_dist(&job.key),
        slow: false,
        ident: 0,
        fn_hash: 0,
    }
}

fn parse_entry(chunk: &mut Chunk, job: &Job<'_>, add_pip: bool) -> Result<Parsed, Bad> {
    let mut de = serde_json::Deserializer::from_str(job.raw.get());
    let parsed = de
        .deserialize_any(EntryVisitor {
            chunk: &mut *chunk,
            job,
            add_pip,
        })
        .map_err(|err| bad(job.raw, &err))?;
    let Parsed::Rec(mut rec) = parsed else {
        return Ok(parsed);
    };
    if job.conda {
        if let Some(twin) = job.twin {
            match twin_values(twin)? {
                Some((md5, size)) => {
                    match nullable_str(chunk, &md5, false) {
                        Some(span) => rec.legacy_bz2_md5 = span,
                        None => rec.slow = true,
                    }
                    match size {
                        Val::Int(n) => rec.legacy_bz2_size = Opt::Some(n),
                        Val::Null => rec.legacy_bz2_size = Opt::Null,
                        _ => rec.slow = true,
                    }
                }
                None => rec.slow = true,
            }
        }
    }
    rec.ident = hash_of(&(
        chunk.str(rec.name),
        chunk.str(rec.version),
        rec.build_number,
        chunk.str(rec.build),
    ));
    rec.fn_hash = hash_of(&job.key);
    Ok(Parsed::Rec(rec))
}

/// The byte offset and the message of a serde_json error in `data` (serde_json reports a
/// line and a byte column).
fn locate(data: &[u8], err: &serde_json::Error) -> (Option<usize>, String) {
    let offset = if err.line() == 0 {
        None
    } else {
        let line_start = if err.line() == 1 {
            0
        } else {
            data.iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .nth(err.line() - 2)
                .map_or(data.len(), |(at, _)| at + 1)
        };
        Some(
            (line_start + err.column())
                .saturating_sub(1)
                .min(data.len()),
        )
    };
    let mut reason = err.to_string();
    if let Some(cut) = reason.find(" at line ") {
        reason.truncate(cut);
    }
    (offset, reason)
}

fn json_error(path: &Path, data: &[u8], err: &serde_json::Error) -> RepodataError {
    let (offset, reason) = locate(data, err);
    RepodataError::Invalid {
        path: path.to_path_buf(),
        offset,
        reason,
    }
}

/// Parses repodata from bytes; `path` only names the source in errors.
pub fn parse(
    path: &Path,
    data: &[u8],
    add_pip: bool,
    use_only_tar_bz2: bool,
) -> Result<Repodata, RepodataError> {
    let text = std::str::from_utf8(data).map_err(|err| RepodataError::Invalid {
        path: path.to_path_buf(),
        offset: Some(err.valid_up_to()),
        reason: "invalid UTF-8".to_owned(),
    })?;
    let mut de = serde_json::Deserializer::from_str(text);
    let top = de
        .deserialize_map(TopVisitor)
        .and_then(|top| de.end().map(|()| top))
        .map_err(|err| json_error(path, data, &err))?;
    let info = top.info.map(|raw| raw.get().to_owned());
    let repodata_version = top.repodata_version.map(|raw| raw.get().to_owned());
    let mut unused = Vec::new();
    let jobs = plan(top, use_only_tar_bz2, &mut unused);
    let invalid = |bad: Bad| RepodataError::Invalid {
        path: path.to_path_buf(),
        offset: Some(bad.offset.saturating_sub(text.as_ptr() as usize)),
        reason: bad.reason,
    };
    for raw in unused {
        validate(raw).map_err(invalid)?;
    }

    type ChunkResult = (Chunk, Vec<(usize, usize)>, Vec<(String, &'static str)>);
    let parsed: Vec<Result<ChunkResult, Bad>> = jobs
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(n, jobs)| {
            let mut chunk = Chunk::default();
            let mut slow = Vec::new();
            let mut skipped = Vec::new();
            for (i, job) in jobs.iter().enumerate() {
                match parse_entry(&mut chunk, job, add_pip)? {
                    Parsed::Rec(rec) => {
                        if rec.slow {
                            slow.push((chunk.recs.len(), n * CHUNK + i));
                        }
                        chunk.recs.push(rec);
                    }
                    Parsed::Skip(field) => skipped.push((job.key.to_string(), field)),
                    Parsed::Ignore => {}
                }
            }
            chunk.interned = FxHashMap::default();
            chunk.arena.shrink_to_fit();
            chunk.items.shrink_to_fit();
            Ok((chunk, slow, skipped))
        })
        .collect();
    let parsed = parsed
        .into_iter()
        .collect::<Result<Vec<_>, Bad>>()
        .map_err(invalid)?;

    let mut repodata = Repodata {
        info,
        repodata_version,
        chunks: Vec::with_capacity(parsed.len()),
        starts: Vec::with_capacity(parsed.len()),
        slow: Vec::new(),
        skipped: Vec::new(),
        len: 0,
    };
    for (chunk, slow, skipped) in parsed {
        for (local, job_index) in slow {
            let job = &jobs[job_index];
            repodata.slow.push(SlowEntry {
                index: repodata.len + local,
                entry: job.raw.get().to_owned(),
                counterpart: job.twin.map(|raw| raw.get().to_owned()),
            });
        }
        repodata.skipped.extend(skipped);
        repodata.starts.push(repodata.len);
        repodata.len += chunk.recs.len();
        repodata.chunks.push(chunk);
    }
    Ok(repodata)
}

/// The whole file, read by as many threads as there are cores (most of reading a large
/// file from the page cache is faulting in fresh memory, which parallelises).
fn read_file(path: &Path) -> io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let size = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
    const PIECE: usize = 16 << 20;
    if size < 2 * PIECE {
        return std::fs::read(path);
    }
    let mut data = vec![0u8; size];
    data.par_chunks_mut(PIECE)
        .enumerate()
        .try_for_each(|(n, piece)| read_exact_at(&file, piece, (n * PIECE) as u64))?;
    // the file may have grown meanwhile: read on until its end
    let mut rest = Vec::new();
    let mut tail = &file;
    io::Seek::seek(&mut tail, io::SeekFrom::Start(size as u64))?;
    io::Read::read_to_end(&mut tail, &mut rest)?;
    data.extend(rest);
    Ok(data)
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &std::fs::File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    let mut file = file;
    io::Seek::seek(&mut file, io::SeekFrom::Start(offset))?;
    io::Read::read_exact(&mut file, buf)
}

/// Reads and parses a repodata file.
pub fn parse_file(
    path: &Path,
    add_pip: bool,
    use_only_tar_bz2: bool,
) -> Result<Repodata, RepodataError> {
    let data = read_file(path).map_err(|err| RepodataError::Io(path.to_path_buf(), err))?;
    parse(path, &data, add_pip, use_only_tar_bz2)
}

fn hash_of<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(value)
}

/// Records with the identity (name, version, build number, build, and the file name when
/// `with_fn`) of an earlier one, over `stores` taken in order, as
/// `(store, index, first store, first index)` in the order of the later record. Records
/// Python builds itself are left out.
pub fn duplicates(stores: &[&Repodata], with_fn: bool) -> Vec<(usize, usize, usize, usize)> {
    // sort (hash, place) pairs, then compare the full identities only where hashes meet
    let mut keyed: Vec<(u64, usize, usize)> =
        Vec::with_capacity(stores.iter().map(|s| s.len).sum());
    for (n, store) in stores.iter().enumerate() {
        let mut index = 0;
        for chunk in &store.chunks {
            for rec in &chunk.recs {
                if !rec.slow {
                    let hash = if with_fn {
                        rec.ident ^ rec.fn_hash.rotate_left(17)
                    } else {
                        rec.ident
                    };
                    keyed.push((hash, n, index));
                }
                index += 1;
            }
        }
    }
    keyed.par_sort_unstable();
    let identity = |n: usize, index: usize| {
        let (chunk, rec) = stores[n].locate(index)?;
        Some((
            chunk.str(rec.name),
            chunk.str(rec.version),
            rec.build_number,
            chunk.str(rec.build),
            if with_fn { chunk.str(rec.fn_) } else { None },
        ))
    };
    let mut found = Vec::new();
    for group in keyed.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        let mut firsts = FxHashMap::default();
        for &(_, n, index) in group {
            let &mut (m, first) = firsts.entry(identity(n, index)).or_insert((n, index));
            if (m, first) != (n, index) {
                found.push((n, index, m, first));
            }
        }
    }
    found.sort_unstable();
    found
}

/// conda's `join_url(base, name)`: single slashes between non-empty parts, a leading
/// slash kept.
pub fn join_url(base: &str, name: &str) -> String {
    let mut out = String::with_capacity(base.len() + name.len() + 2);
    if base.is_empty() || base.starts_with('/') {
        out.push('/');
    }
    let parts = [base.trim_matches('/'), name.trim_matches('/')];
    let mut first = true;
    for part in parts.into_iter().filter(|p| !p.is_empty()) {
        if !first {
            out.push('/');
        }
        out.push_str(part);
        first = false;
    }
    out
}

pub mod python {
    use std::path::PathBuf;
    use std::sync::OnceLock;

    use pyo3::exceptions::{PyIndexError, PyRuntimeError};
    use pyo3::prelude::*;
    use pyo3::types::{PyDict, PyFloat, PyList, PyString, PyTuple};

    use super::{
        join_url, parse_file, Chunk, Format, List, Noarch, Number, Opt, Rec, Repodata,
        RepodataError, Span,
    };
    use crate::errors;

    /// What the Python side binds once it has read `info`: the values every record of the
    /// subdir shares and the sentinel for "this record has no such field".
    struct Shared {
        common: Py<PyDict>,
        base_url: String,
        absent: Py<PyAny>,
        noarch_python: Py<PyAny>,
        noarch_generic: Py<PyAny>,
        formats: [Py<PyString>; 3],
    }

    /// A parsed subdir: records stay in Rust until a field is read.
    #[pyclass(frozen, module = "conda_exports._core")]
    pub struct RepodataStore {
        data: Repodata,
        shared: OnceLock<Shared>,
    }

    fn to_pyerr(py: Python<'_>, err: RepodataError) -> PyErr {
        match err {
            RepodataError::Io(path, err) => errors::path_io_error(py, &path, &err),
            RepodataError::Invalid {
                path,
                offset,
                reason,
            } => errors::invalid_repodata(py, &path, offset, &reason),
        }
    }

    #[pyfunction]
    pub fn parse_repodata(
        py: Python<'_>,
        path: PathBuf,
        add_pip: bool,
        use_only_tar_bz2: bool,
    ) -> PyResult<RepodataStore> {
        let data = py
            .detach(|| parse_file(&path, add_pip, use_only_tar_bz2))
            .map_err(|err| to_pyerr(py, err))?;
        Ok(RepodataStore {
            data,
            shared: OnceLock::new(),
        })
    }

    /// `(store, index, first store, first index)` of each record whose identity an earlier
    /// record of `stores` has.
    #[pyfunction]
    pub fn duplicates(
        py: Python<'_>,
        stores: Vec<PyRef<'_, RepodataStore>>,
        with_fn: bool,
    ) -> Vec<(usize, usize, usize, usize)> {
        let data: Vec<&Repodata> = stores.iter().map(|s| &s.data).collect();
        py.detach(|| super::duplicates(&data, with_fn))
    }

    fn py_str<'py>(py: Python<'py>, chunk: &Chunk, span: Span) -> Bound<'py, PyAny> {
        match chunk.str(span) {
            Some(text) => PyString::new(py, text).into_any(),
            None => py.None().into_bound(py),
        }
    }

    fn py_list<'py>(
        py: Python<'py>,
        chunk: &Chunk,
        list: List,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        match chunk.list(list) {
            Some(items) => {
                let items: Vec<Bound<'py, PyString>> =
                    items.map(|s| PyString::new(py, s)).collect();
                Ok(Some(PyTuple::new(py, items)?.into_any()))
            }
            None => Ok(None),
        }
    }

    /// The names of the fields a record has, in conda's field order.
    const FIELDS: [&str; 27] = [
        "name",
        "version",
        "build",
        "build_number",
        "channel",
        "subdir",
        "fn",
        "md5",
        "legacy_bz2_md5",
        "legacy_bz2_size",
        "url",
        "sha256",
        "arch",
        "platform",
        "depends",
        "constrains",
        "track_features",
        "features",
        "noarch",
        "preferred_env",
        "python_site_packages_path",
        "license",
        "license_family",
        "package_type",
        "timestamp",
        "date",
        "size",
    ];

    impl RepodataStore {
        fn shared(&self) -> PyResult<&Shared> {
            self.shared
                .get()
                .ok_or_else(|| PyRuntimeError::new_err("the repodata store is not bound yet"))
        }

        fn record(&self, index: usize) -> PyResult<(&Chunk, &Rec)> {
            self.data
                .locate(index)
                .ok_or_else(|| PyIndexError::new_err(format!("no record {index}")))
        }

        fn value<'py>(
            &self,
            py: Python<'py>,
            shared: &Shared,
            chunk: &Chunk,
            rec: &Rec,
            name: &str,
        ) -> PyResult<Option<Bound<'py, PyAny>>> {
            let string = |span: Span| -> Option<Bound<'py, PyAny>> {
                (span != Span::ABSENT).then(|| py_str(py, chunk, span))
            };
            Ok(match name {
                "name" => string(rec.name),
                "version" => string(rec.version),
                "build" => string(rec.build),
                "build_number" => Some(rec.build_number.into_pyobject(py)?.into_any()),
                "fn" => string(rec.fn_),
                "url" => {
                    let fn_ = chunk.str(rec.fn_).unwrap_or("");
                    Some(PyString::new(py, &join_url(&shared.base_url, fn_)).into_any())
                }
                "md5" => string(rec.md5),
                "sha256" => string(rec.sha256),
                "legacy_bz2_md5" => string(rec.legacy_bz2_md5),
                "license" => string(rec.license),
                "license_family" => string(rec.license_family),
                "date" => string(rec.date),
                "preferred_env" => string(rec.preferred_env),
                "python_site_packages_path" => string(rec.python_site_packages_path),
                "depends" => py_list(py, chunk, rec.depends)?,
                "constrains" => py_list(py, chunk, rec.constrains)?,
                "track_features" => py_list(py, chunk, rec.track_features)?,
                "features" => py_list(py, chunk, rec.features)?,
                "size" => match rec.size {
                    Opt::Some(n) => Some(n.into_pyobject(py)?.into_any()),
                    _ => None,
                },
                "legacy_bz2_size" => match rec.legacy_bz2_size {
                    Opt::Some(n) => Some(n.into_pyobject(py)?.into_any()),
                    Opt::Null => Some(py.None().into_bound(py)),
                    Opt::Absent => None,
                },
                "timestamp" => match rec.timestamp {
                    Opt::Some(Number::Int(n)) => Some(n.into_pyobject(py)?.into_any()),
                    Opt::Some(Number::Float(x)) => Some(PyFloat::new(py, x).into_any()),
                    _ => None,
                },
                "noarch" => match rec.noarch {
                    Noarch::Absent => None,
                    Noarch::Null => Some(py.None().into_bound(py)),
                    Noarch::Python => Some(shared.noarch_python.bind(py).clone()),
                    Noarch::Generic => Some(shared.noarch_generic.bind(py).clone()),
                },
                other => shared.common.bind(py).get_item(other)?,
            })
        }
    }

    #[pymethods]
    impl RepodataStore {
        fn __len__(&self) -> usize {
            self.data.len
        }

        /// Raw JSON of the `info` object, or None.
        #[getter]
        fn info(&self) -> Option<&str> {
            self.data.info.as_deref()
        }

        /// Raw JSON of the top-level `repodata_version`, or None.
        #[getter]
        fn repodata_version(&self) -> Option<&str> {
            self.data.repodata_version.as_deref()
        }

        /// Sets what every record shares; once.
        fn bind(
            &self,
            py: Python<'_>,
            common: Bound<'_, PyDict>,
            base_url: String,
            absent: Py<PyAny>,
            noarch: (Py<PyAny>, Py<PyAny>),
        ) -> PyResult<()> {
            let shared = Shared {
                common: common.unbind(),
                base_url,
                absent,
                noarch_python: noarch.0,
                noarch_generic: noarch.1,
                formats: [
                    PyString::new(py, ".conda").unbind(),
                    PyString::new(py, ".tar.bz2").unbind(),
                    PyString::new(py, "").unbind(),
                ],
            };
            self.shared
                .set(shared)
                .map_err(|_| PyRuntimeError::new_err("the repodata store is already bound"))
        }

        /// `(dist_names, formats, others)`: per record, its file name without the extension
        /// (None when the name is not plain enough for a quick Dist, or Python builds the
        /// record) and the extension; and the indices of the records with a stored value
        /// whose name is not plain.
        fn dist_parts<'py>(
            &self,
            py: Python<'py>,
        ) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyList>, Vec<usize>)> {
            let shared = self.shared()?;
            let none = py.None();
            let mut names = Vec::with_capacity(self.data.len);
            let mut formats = Vec::with_capacity(self.data.len);
            let mut others = Vec::new();
            for chunk in &self.data.chunks {
                for rec in &chunk.recs {
                    let fn_ = chunk.str(rec.fn_).unwrap_or("");
                    let (stem, format) = super::split_format(fn_);
                    if !rec.plain_dist && !rec.slow {
                        others.push(names.len());
                    }
                    names.push(if rec.plain_dist && !rec.slow {
                        PyString::new(py, stem).into_any()
                    } else {
                        none.bind(py).clone()
                    });
                    let at = match format {
                        Format::Conda => 0,
                        Format::TarBz2 => 1,
                        Format::Other => 2,
                    };
                    formats.push(shared.formats[at].bind(py).clone());
                }
            }
            Ok((PyList::new(py, names)?, PyList::new(py, formats)?, others))
        }

        /// Indices of the records (Python-built ones left out) whose name is in `names`.
        fn find_names(&self, names: std::collections::HashSet<String>) -> Vec<usize> {
            let mut found = Vec::new();
            let mut index = 0;
            for chunk in &self.data.chunks {
                for rec in &chunk.recs {
                    if !rec.slow && chunk.str(rec.name).is_some_and(|n| names.contains(n)) {
                        found.push(index);
                    }
                    index += 1;
                }
            }
            found
        }

        /// `(index, entry JSON, .tar.bz2 twin JSON or None)` of each record Python builds.
        fn slow(&self) -> Vec<(usize, &str, Option<&str>)> {
            self.data
                .slow
                .iter()
                .map(|s| (s.index, s.entry.as_str(), s.counterpart.as_deref()))
                .collect()
        }

        /// `(file name, missing field)` of each entry left out.
        fn skipped(&self) -> Vec<(String, &'static str)> {
            self.data.skipped.clone()
        }

        /// Field `name` of record `index`, or the bound `absent` sentinel.
        fn get<'py>(
            &self,
            py: Python<'py>,
            index: usize,
            name: &str,
        ) -> PyResult<Bound<'py, PyAny>> {
            let shared = self.shared()?;
            let (chunk, rec) = self.record(index)?;
            match self.value(py, shared, chunk, rec, name)? {
                Some(value) => Ok(value),
                None => Ok(shared.absent.bind(py).clone()),
            }
        }

        /// Every field record `index` has, as a dict in conda's field order.
        fn fields<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyDict>> {
            let shared = self.shared()?;
            let (chunk, rec) = self.record(index)?;
            let out = PyDict::new(py);
            for name in FIELDS {
                if let Some(value) = self.value(py, shared, chunk, rec, name)? {
                    out.set_item(name, value)?;
                }
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Repodata, RepodataError> {
        parse(Path::new("test.json"), text.as_bytes(), true, false)
    }

    fn names(data: &Repodata) -> Vec<String> {
        (0..data.len)
            .map(|i| {
                let (chunk, rec) = data.locate(i).expect("in range");
                chunk.str(rec.fn_).expect("fn").to_owned()
            })
            .collect()
    }

    #[test]
    fn conda_entries_come_first_and_hide_their_tar_bz2_twins() {
        let data = parse_str(
            r#"{"packages": {"a-1-0.tar.bz2": {"name": "a", "version": "1", "build": "0", "build_number": 0, "md5": "m1", "size": 10},
                              "b-1-0.tar.bz2": {"name": "b", "version": "1", "build": "0", "build_number": 0}},
                "packages.conda": {"a-1-0.conda": {"name": "a", "version": "1", "build": "0", "build_number": 0}}}"#,
        )
        .expect("valid");
        assert_eq!(names(&data), ["a-1-0.conda", "b-1-0.tar.bz2"]);
        let (chunk, rec) = data.locate(0).expect("record");
        assert_eq!(chunk.str(rec.legacy_bz2_md5), Some("m1"));
        assert_eq!(rec.legacy_bz2_size, Opt::Some(10));
        assert_eq!(rec.format, Format::Conda);
    }

    #[test]
    fn only_tar_bz2_when_asked() {
        let text = r#"{"packages": {"a-1-0.tar.bz2": {"name": "a", "version": "1", "build": "0", "build_number": 0}},
                       "packages.conda": {"a-1-0.conda": {"name": "a", "version": "1", "build": "0", "build_number": 0}}}"#;
        let data = parse(Path::new("x"), text.as_bytes(), true, true).expect("valid");
        assert_eq!(names(&data), ["a-1-0.tar.bz2"]);
    }

    #[test]
    fn repeated_keys_keep_the_first_place_and_the_last_value() {
        let data = parse_str(
            r#"{"packages": {"a-1-0.tar.bz2": {"name": "a", "version": "1", "build": "0", "build_number": 1},
                              "b-1-0.tar.bz2": {"name": "b", "version": "1", "build": "0", "build_number": 0},
                              "a-1-0.tar.bz2": {"name": "a", "version": "1", "build": "0", "build_number": 2}}}"#,
        )
        .expect("valid");
        assert_eq!(names(&data), ["a-1-0.tar.bz2", "b-1-0.tar.bz2"]);
        assert_eq!(data.locate(0).expect("record").1.build_number, 2);
    }

    #[test]
    fn python_gets_pip_and_unusual_values_go_to_python() {
        let data = parse_str(
            r#"{"packages": {"python-3.9.0-0.tar.bz2": {"name": "python", "version": "3.9.0", "build": "0", "build_number": 0, "depends": ["zlib"]},
                              "c-1-0.tar.bz2": {"name": "c", "version": "1", "build": "0", "build_number": "0"}}}"#,
        )
        .expect("valid");
        let (chunk, rec) = data.locate(0).expect("record");
        let deps: Vec<&str> = chunk.list(rec.depends).expect("depends").collect();
        assert_eq!(deps, ["zlib", "pip"]);
        assert!(!rec.slow);
        assert!(data.locate(1).expect("record").1.slow);
        assert_eq!(data.slow.len(), 1);
        assert_eq!(data.slow[0].index, 1);
    }

    #[test]
    fn entries_without_identity_are_skipped_and_newer_records_ignored() {
        let data = parse_str(
            r#"{"packages": {"x.tar.bz2": {"version": "1", "build": "0"},
                              "y-1-0.tar.bz2": {"name": "y", "version": "1", "build": "0", "build_number": 0, "record_version": 2}}}"#,
        )
        .expect("valid");
        assert_eq!(data.len, 0);
        assert_eq!(data.skipped, [("x.tar.bz2".to_owned(), "name")]);
    }

    #[test]
    fn features_are_split_and_timestamps_in_milliseconds_scaled() {
        let data = parse_str(
            r#"{"packages": {"a-1-0.tar.bz2": {"name": "a", "version": "1", "build": "0", "build_number": 0,
                "track_features": "x  y,z", "timestamp": 1600000000123}}}"#,
        )
        .expect("valid");
        let (chunk, rec) = data.locate(0).expect("record");
        let features: Vec<&str> = chunk.list(rec.track_features).expect("features").collect();
        assert_eq!(features, ["x", "y", "z"]);
        assert_eq!(rec.timestamp, Opt::Some(Number::Float(1_600_000_000.123)));
    }

    #[test]
    fn malformed_json_names_the_byte() {
        let err = parse_str("{\"packages\": {\"a\": }}")
            .err()
            .expect("invalid");
        match err {
            RepodataError::Invalid { offset, .. } => assert_eq!(offset, Some(19)),
            other => panic!("unexpected {other:?}"),
        }
        let err = parse_str("{\"packages\": [1, 2]}").err().expect("invalid");
        assert!(matches!(err, RepodataError::Invalid { .. }), "{err:?}");
        let err = parse_str("[]").err().expect("invalid");
        assert!(matches!(err, RepodataError::Invalid { .. }), "{err:?}");
    }

    #[test]
    fn plain_dist_names() {
        assert!(is_plain_dist("zlib-1.2.11-h7b6447c_3.conda"));
        assert!(is_plain_dist("zlib-1.2.11-3.tar.bz2"));
        assert!(!is_plain_dist("zlib-1.2.11-h7b6447c.conda"));
        assert!(!is_plain_dist("zlib-1.2.11.conda"));
        assert!(!is_plain_dist("a/zlib-1.2.11-0.conda"));
        assert!(!is_plain_dist("zlib-1.2-0[x].conda"));
        assert!(!is_plain_dist("x@"));
    }

    #[test]
    fn join_url_like_conda() {
        assert_eq!(
            join_url("https://h/c/linux-64/", "a.conda"),
            "https://h/c/linux-64/a.conda"
        );
        assert_eq!(join_url("", "a.conda"), "/a.conda");
        assert_eq!(join_url("/x/", "/a/"), "/x/a");
    }

    #[test]
    fn twin_stem_counts_characters() {
        assert_eq!(twin_stem("a-1-0.conda"), "a-1-0");
        assert_eq!(twin_stem("é-1-0.conda"), "é-1-0");
        assert_eq!(twin_stem("abc"), "");
    }
}
