//! Repodata parsing: a subdir's `repodata.json` into compact, read-only storage.
//!
//! A first pass over the file (`top.rs`) finds the top-level keys and the raw text of every
//! package entry (serde_json's `RawValue`, borrowed, so nothing is copied) and hands each
//! run of `CHUNK` entries to the thread pool as soon as it has them, so the entries are
//! parsed (`entry.rs`) on every core while the first pass goes on, into `Rec`s whose strings
//! live in their chunk's arena (names, licenses and dependency specs stored once per chunk).
//! Which entries conda keeps, and in what order, is then worked out from the keys alone:
//! `packages.conda` first, then the `.tar.bz2` entries without a `.conda` twin, a repeated
//! key resolved as a Python dict does.
//!
//! A value is stored here only when its form is one conda keeps as it is (a string for a
//! string field, an int for an int field, a list of strings for `depends`, ...). An entry
//! with any other value is marked `slow` and keeps its raw JSON: the Python side builds
//! that record the ordinary way, with conda's coercions and errors.

pub(crate) mod entry;
pub(crate) mod json;
pub mod python;
mod top;

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::de::{DeserializeSeed, Deserializer};

pub use entry::is_plain_dist;
use json::{locate, validate, Bad};

/// Records parsed by one task; small enough to spread a big index over every core.
const CHUNK: usize = 8192;
/// conda's limit: a larger number of seconds is taken to be milliseconds.
use crate::records::MAX_SECONDS;

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
    /// whether conda keeps the entry at all
    pub status: Status,
    /// `md5` / `size` of a form a `.conda` twin cannot take as it is
    pub md5_other: bool,
    pub size_other: bool,
    /// hash of (name, version, build number, build): finds equal identities quickly
    pub ident: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Keep,
    /// left out, for lacking a name, a version or a build (with a warning)
    NoName,
    NoVersion,
    NoBuild,
    /// `record_version` > 1: left out without a word, as conda does
    Ignore,
}

impl Status {
    /// The field an entry left out lacks.
    pub fn missing(self) -> Option<&'static str> {
        match self {
            Status::NoName => Some("name"),
            Status::NoVersion => Some("version"),
            Status::NoBuild => Some("build"),
            Status::Keep | Status::Ignore => None,
        }
    }
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
    /// lowercase hex digests (md5, sha256), stored as the bytes they spell
    digests: Vec<u8>,
    items: Vec<Span>,
    interned: FxHashMap<Box<str>, Span>,
    pub recs: Vec<Rec>,
}

/// Marks a `Span` into `Chunk::digests` (its length in bytes below this bit).
const DIGEST: u32 = 1 << 30;

/// The value of a lowercase hex digit, 0xFF for any other byte.
const HEX_VALUE: [u8; 256] = {
    let mut table = [0xFF; 256];
    let mut digit = 0;
    while digit < 16 {
        table[b"0123456789abcdef"[digit] as usize] = digit as u8;
        digit += 1;
    }
    table
};

impl Chunk {
    /// A string of the arena; None for an absent or null value (and for a digest: see `text`).
    pub fn str(&self, span: Span) -> Option<&str> {
        if span.len >= u32::MAX - 1 || span.len & DIGEST != 0 {
            return None;
        }
        let start = span.start as usize;
        self.arena.get(start..start + span.len as usize)
    }

    /// Any stored string, digests spelled out again in lowercase hex.
    pub fn text(&self, span: Span) -> Option<Cow<'_, str>> {
        if span.len < u32::MAX - 1 && span.len & DIGEST != 0 {
            let start = span.start as usize;
            let bytes = self
                .digests
                .get(start..start + (span.len & !DIGEST) as usize)?;
            return Some(Cow::Owned(hex::encode(bytes)));
        }
        self.str(span).map(Cow::Borrowed)
    }

    /// A digest: as bytes when it is lowercase hex (half the room), else as text.
    fn push_digest(&mut self, text: &str) -> Span {
        let bytes = text.as_bytes();
        let start = self.digests.len();
        if bytes.len() % 2 == 0 && bytes.len() <= 128 {
            self.digests.reserve(bytes.len() / 2);
            let mut lowercase_hex = true;
            for pair in bytes.chunks_exact(2) {
                let (high, low) = (HEX_VALUE[pair[0] as usize], HEX_VALUE[pair[1] as usize]);
                if (high | low) > 0x0F {
                    lowercase_hex = false;
                    break;
                }
                self.digests.push(high << 4 | low);
            }
            if lowercase_hex {
                return Span {
                    start: start as u32,
                    len: (bytes.len() / 2) as u32 | DIGEST,
                };
            }
            self.digests.truncate(start);
        }
        self.push(text)
    }

    /// The spans of a list's items (None for an absent list).
    pub fn list_spans(&self, list: List) -> Option<&[Span]> {
        if list.len == u32::MAX {
            return None;
        }
        let start = list.start as usize;
        Some(
            self.items
                .get(start..start + list.len as usize)
                .unwrap_or(&[]),
        )
    }

    pub fn list(&self, list: List) -> Option<impl Iterator<Item = &str>> {
        let spans = self.list_spans(list)?;
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
    pub chunks: Vec<Chunk>,
    /// (chunk, index in it) of each record, in conda's order
    pub order: Vec<(u32, u32)>,
    pub slow: Vec<SlowEntry>,
    /// (file name, missing field) of entries left out for lacking name, version or build
    pub skipped: Vec<(String, &'static str)>,
    pub len: usize,
}

impl Repodata {
    /// The chunk holding record `index`, and the record.
    pub fn locate(&self, index: usize) -> Option<(&Chunk, &Rec)> {
        let &(chunk, at) = self.order.get(index)?;
        let chunk = self.chunks.get(chunk as usize)?;
        Some((chunk, chunk.recs.get(at as usize)?))
    }

    /// Every record with its chunk, in conda's order.
    pub fn records(&self) -> impl Iterator<Item = (&Chunk, &Rec)> {
        (0..self.len).filter_map(|i| self.locate(i))
    }
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
    let start = text.len() - text.trim_start_matches([' ', '\t', '\n', '\r']).len();
    if !text[start..].starts_with('{') {
        // Not an object: what else is wrong with the text is said first (as Python's json
        // does), then that it is not repodata, at the byte where the value starts.
        let mut de = serde_json::Deserializer::from_str(text);
        json::ValSeed
            .deserialize(&mut de)
            .and_then(|_| de.end())
            .map_err(|err| json_error(path, data, &err))?;
        return Err(RepodataError::Invalid {
            path: path.to_path_buf(),
            offset: Some(start),
            reason: "invalid type: expected a repodata object".to_owned(),
        });
    }
    let results = top::Results::default();
    let top = rayon::scope(|scope| {
        let spawner = top::Spawner {
            scope,
            results: &results,
            add_pip,
            next: Cell::new(0),
        };
        let mut de = serde_json::Deserializer::from_str(text);
        de.deserialize_map(top::TopVisitor { spawner: &spawner })
            .and_then(|top| de.end().map(|()| top))
    });
    let top = top.map_err(|err| json_error(path, data, &err))?;
    for (group, name) in [(&top.legacy, "packages"), (&top.conda, "packages.conda")] {
        if group.not_object {
            return Err(RepodataError::Invalid {
                path: path.to_path_buf(),
                offset: None,
                reason: format!(
                    "invalid type: expected an object of package entries for \"{name}\""
                ),
            });
        }
    }
    let invalid = |bad: Bad| RepodataError::Invalid {
        path: path.to_path_buf(),
        offset: Some(bad.offset.saturating_sub(text.as_ptr() as usize)),
        reason: bad.reason,
    };
    let mut parsed = results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    parsed.sort_unstable_by_key(|(number, _)| *number);
    let mut chunks = Vec::with_capacity(parsed.len());
    for (_, chunk) in parsed {
        chunks.push(chunk.map_err(invalid)?);
    }
    for raw in &top.others {
        validate(raw).map_err(invalid)?;
    }

    let placed = top::plan(&top, use_only_tar_bz2);
    let mut repodata = Repodata {
        info: top.info.map(|raw| raw.get().to_owned()),
        chunks: Vec::new(),
        order: Vec::with_capacity(placed.len()),
        slow: Vec::new(),
        skipped: Vec::new(),
        len: 0,
    };
    for item in placed {
        let group = if item.conda { &top.conda } else { &top.legacy };
        let (chunk, at) = group.place(item.position);
        if let Some(twin) = item.twin {
            give_twin_values(&mut chunks, (chunk, at), top.legacy.place(twin));
        }
        let (key, raw) = &group.entries[item.position];
        let rec = &chunks[chunk].recs[at];
        match rec.status {
            Status::Keep => {}
            Status::Ignore => continue,
            missing => {
                if let Some(field) = missing.missing() {
                    repodata.skipped.push((key.to_string(), field));
                }
                continue;
            }
        }
        if rec.slow {
            repodata.slow.push(SlowEntry {
                index: repodata.order.len(),
                entry: raw.get().to_owned(),
                counterpart: item
                    .twin
                    .map(|position| top.legacy.entries[position].1.get().to_owned()),
            });
        }
        repodata.order.push((chunk as u32, at as u32));
    }
    repodata.len = repodata.order.len();
    repodata.chunks = chunks;
    Ok(repodata)
}

/// conda's `legacy_bz2_md5` / `legacy_bz2_size` of a `.conda` record: its `.tar.bz2` twin's
/// `md5` and `size` (None when missing); a value of another form makes the record slow.
fn give_twin_values(
    chunks: &mut [Chunk],
    (chunk, at): (usize, usize),
    (twin_chunk, twin_at): (usize, usize),
) {
    let twin = &chunks[twin_chunk].recs[twin_at];
    let md5 = (!twin.md5_other).then(|| chunks[twin_chunk].text(twin.md5).map(Cow::into_owned));
    let size = (!twin.size_other).then_some(twin.size);
    let target = &mut chunks[chunk];
    let md5_span = match &md5 {
        Some(Some(text)) => Some(target.push_digest(text)),
        Some(None) => Some(Span::NULL),
        None => None,
    };
    let rec = &mut target.recs[at];
    match md5_span {
        Some(span) => rec.legacy_bz2_md5 = span,
        None => rec.slow = true,
    }
    match size {
        Some(Opt::Some(n)) => rec.legacy_bz2_size = Opt::Some(n),
        Some(_) => rec.legacy_bz2_size = Opt::Null,
        None => rec.slow = true,
    }
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
        for (index, (chunk, rec)) in store.records().enumerate() {
            if !rec.slow {
                let hash = if with_fn {
                    rec.ident ^ hash_of(&chunk.str(rec.fn_)).rotate_left(17)
                } else {
                    rec.ident
                };
                keyed.push((hash, n, index));
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

#[cfg(test)]
mod tests {
    use super::entry::twin_stem;
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
    fn a_repeated_top_level_key_counts_with_its_last_value() {
        let data = parse_str(
            r#"{"packages": [1, [2]], "packages.conda": "x", "packages.conda": {},
                "packages": {"a-1-0.tar.bz2": {"name": "a", "version": "1", "build": "0", "build_number": 0}}}"#,
        )
        .expect("valid: the values replaced do not count");
        assert_eq!(names(&data), ["a-1-0.tar.bz2"]);
        for text in [
            r#"{"packages": {}, "packages": [1]}"#,
            r#"{"packages.conda": null, "packages.conda": 3}"#,
        ] {
            let err = parse_str(text).err().expect("invalid");
            match err {
                RepodataError::Invalid { offset, reason, .. } => {
                    assert_eq!(offset, None);
                    assert!(
                        reason.starts_with("invalid type: expected an object"),
                        "{reason}"
                    );
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        // what a repeated key replaces is still read: it must be JSON
        assert!(parse_str(r#"{"packages": ["\ud800"], "packages": {}}"#).is_err());
    }

    #[test]
    fn a_field_given_twice_counts_with_its_last_value() {
        let data = parse_str(
            r#"{"packages": {
                "a-1-0.tar.bz2": {"name": "a", "version": "1", "build": "0", "build_number": 0,
                                  "record_version": 2, "record_version": 1},
                "b-1-0.tar.bz2": {"name": "b", "version": "1", "build": "0", "build_number": "x",
                                  "build_number": 3, "size": "x", "size": 7, "features": "f", "features": null},
                "c-1-0.tar.bz2": {"name": "c", "version": "1", "build": "0", "build_number": 0,
                                  "license": "MIT", "license": 3}}}"#,
        )
        .expect("valid");
        assert_eq!(
            names(&data),
            ["a-1-0.tar.bz2", "b-1-0.tar.bz2", "c-1-0.tar.bz2"]
        );
        let (chunk, b) = data.locate(1).expect("record");
        assert!(!b.slow, "the values that count are all stored as they are");
        assert_eq!((b.build_number, b.size), (3, Opt::Some(7)));
        assert!(chunk.list(b.features).is_none());
        assert!(
            data.locate(2).expect("record").1.slow,
            "the license that counts is no string"
        );
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
        for (text, at) in [("[]", 0), (" \n\"x\"", 2), ("\t3 ", 1), ("null", 0)] {
            match parse_str(text).err().expect("invalid") {
                RepodataError::Invalid { offset, reason, .. } => {
                    assert_eq!(offset, Some(at), "{text:?}");
                    assert_eq!(reason, "invalid type: expected a repodata object");
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        // what else is wrong with a value that is no object is said first
        match parse_str("[1e400]").err().expect("invalid") {
            RepodataError::Invalid { reason, .. } => assert_eq!(reason, "number out of range"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn digests_come_back_as_given() {
        let md5 = "0123456789abcdef0123456789abcdef";
        let text = format!(
            r#"{{"packages": {{"a-1-0.tar.bz2": {{"name": "a", "version": "1", "build": "0", "build_number": 0,
                "md5": "{md5}", "sha256": "ABCDEF", "legacy_bz2_md5": "abc"}}}}}}"#
        );
        let data = parse_str(&text).expect("valid");
        let (chunk, rec) = data.locate(0).expect("record");
        assert_eq!(chunk.text(rec.md5).as_deref(), Some(md5));
        assert_eq!(chunk.str(rec.md5), None, "a digest is not arena text");
        assert_eq!(chunk.text(rec.sha256).as_deref(), Some("ABCDEF"));
        assert_eq!(chunk.text(rec.legacy_bz2_md5).as_deref(), Some("abc"));
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
