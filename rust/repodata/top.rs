//! The first pass over a repodata file: its top-level values, and every package entry's
//! key and raw text, handed out a chunk at a time to be parsed on other cores while this
//! pass goes on; then conda's choice and order of the entries, from the keys alone.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::sync::Mutex;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::entry::{parse_batch, twin_stem};
use super::json::{Bad, ValSeed};
use super::{Chunk, CHUNK};

/// The package entries of one `packages` object, in file order, and the chunk each run of
/// `CHUNK` entries was parsed into.
#[derive(Default)]
pub(super) struct Group<'de> {
    pub entries: Vec<(Cow<'de, str>, &'de RawValue)>,
    pub chunks: Vec<usize>,
    /// the value is not an object (nor null): refused, unless a repeated key replaces it
    /// (the last value of a repeated key counts, as in a Python dict)
    pub not_object: bool,
}

impl Group<'_> {
    fn not_an_object() -> Self {
        Group {
            not_object: true,
            ..Group::default()
        }
    }

    /// (chunk, index in it) of entry `position`.
    pub fn place(&self, position: usize) -> (usize, usize) {
        (self.chunks[position / CHUNK], position % CHUNK)
    }
}

pub(super) struct Top<'de> {
    /// values that are not package entries: each is checked to be valid JSON text
    pub others: Vec<&'de RawValue>,
    pub info: Option<&'de RawValue>,
    pub legacy: Group<'de>,
    pub conda: Group<'de>,
}

/// Parsed chunks, by chunk number, as the tasks finish.
pub(super) type Results = Mutex<Vec<(usize, Result<Chunk, Bad>)>>;

/// Hands runs of entries to the thread pool as the first pass finds them.
pub(super) struct Spawner<'s, 'scope> {
    pub scope: &'s rayon::Scope<'scope>,
    pub results: &'scope Results,
    pub add_pip: bool,
    pub next: Cell<usize>,
}

impl<'scope> Spawner<'_, 'scope> {
    fn spawn<'de: 'scope>(&self, batch: Vec<(Cow<'de, str>, &'de RawValue)>) -> usize {
        let number = self.next.get();
        self.next.set(number + 1);
        let (results, add_pip) = (self.results, self.add_pip);
        self.scope.spawn(move |_| {
            let parsed = parse_batch(&batch, add_pip);
            results
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push((number, parsed));
        });
        number
    }
}

pub(super) struct TopVisitor<'a, 's, 'scope> {
    pub spawner: &'a Spawner<'s, 'scope>,
}

impl<'de: 'scope, 'scope> Visitor<'de> for TopVisitor<'_, '_, 'scope> {
    type Value = Top<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a repodata object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top<'de>, A::Error> {
        let mut top = Top {
            others: Vec::new(),
            info: None,
            legacy: Group::default(),
            conda: Group::default(),
        };
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "info" => {
                    let raw = map.next_value()?;
                    top.info = Some(raw);
                    top.others.push(raw);
                }
                "packages" => top.legacy = map.next_value_seed(self.entries("packages"))?,
                "packages.conda" => {
                    top.conda = map.next_value_seed(self.entries("packages.conda"))?
                }
                _ => top.others.push(map.next_value()?),
            }
        }
        Ok(top)
    }
}

impl<'a, 's, 'scope> TopVisitor<'a, 's, 'scope> {
    fn entries(&self, name: &'static str) -> EntriesVisitor<'a, 's, 'scope> {
        EntriesVisitor {
            name,
            spawner: self.spawner,
        }
    }
}

/// A `packages` object: its keys and the raw text of each value, in file order.
struct EntriesVisitor<'a, 's, 'scope> {
    name: &'static str,
    spawner: &'a Spawner<'s, 'scope>,
}

impl<'de: 'scope, 'scope> DeserializeSeed<'de> for EntriesVisitor<'_, '_, 'scope> {
    type Value = Group<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Group<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de: 'scope, 'scope> Visitor<'de> for EntriesVisitor<'_, '_, 'scope> {
    type Value = Group<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an object of package entries for \"{}\"", self.name)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Group<'de>, E> {
        Ok(Group::default()) // `"packages": null` counts as none, as `.get(...) or {}` would
    }

    // Any other value is read (and so checked as JSON) and marked: whether it is an error
    // depends on whether the key is repeated later.
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Group<'de>, E> {
        Ok(Group::not_an_object())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Group<'de>, E> {
        Ok(Group::not_an_object())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Group<'de>, E> {
        Ok(Group::not_an_object())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Group<'de>, E> {
        Ok(Group::not_an_object())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Group<'de>, E> {
        Ok(Group::not_an_object())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Group<'de>, A::Error> {
        while seq.next_element_seed(ValSeed)?.is_some() {}
        Ok(Group::not_an_object())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Group<'de>, A::Error> {
        let mut group = Group {
            entries: Vec::with_capacity(map.size_hint().unwrap_or(1024)),
            chunks: Vec::new(),
            not_object: false,
        };
        let mut batch = Vec::with_capacity(CHUNK);
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let value: &'de RawValue = map.next_value()?;
            group.entries.push((key.clone(), value));
            batch.push((key, value));
            if batch.len() == CHUNK {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(CHUNK));
                group.chunks.push(self.spawner.spawn(full));
            }
        }
        if !batch.is_empty() {
            group.chunks.push(self.spawner.spawn(batch));
        }
        Ok(group)
    }
}

/// One record of conda's index: an entry (by its position in its group) and, for a
/// `.conda` entry, the position of its `.tar.bz2` twin.
pub(super) struct Placed {
    pub conda: bool,
    pub position: usize,
    pub twin: Option<usize>,
}

/// Python dict semantics for a JSON object with repeated keys: the first place, the last
/// value. Returns (position of the key, position of its value) in order.
fn dedupe(entries: &[(Cow<'_, str>, &RawValue)]) -> Vec<(usize, usize)> {
    let mut first: FxHashMap<&str, usize> =
        FxHashMap::with_capacity_and_hasher(entries.len(), Default::default());
    let mut repeats = Vec::new();
    for (at, (key, _)) in entries.iter().enumerate() {
        let place = *first.entry(key.as_ref()).or_insert(at);
        if place != at {
            repeats.push((place, at));
        }
    }
    let mut pairs: Vec<(usize, usize)> = (0..entries.len()).map(|at| (at, at)).collect();
    if repeats.is_empty() {
        return pairs;
    }
    let mut gone = vec![false; entries.len()];
    for (place, later) in repeats {
        pairs[place].1 = later;
        gone[later] = true;
    }
    pairs.retain(|&(at, _)| !gone[at]);
    pairs
}

/// conda's records: the `.conda` entries (each with its twin), then the `.tar.bz2` ones no
/// `.conda` entry hides; with `use_only_tar_bz2`, the `.tar.bz2` entries alone.
pub(super) fn plan(top: &Top<'_>, use_only_tar_bz2: bool) -> Vec<Placed> {
    let conda_entries: &[(Cow<'_, str>, &RawValue)] = if use_only_tar_bz2 {
        &[]
    } else {
        &top.conda.entries
    };
    // (position of the key, position of the value): the same unless a key repeats
    let (legacy, conda) = rayon::join(|| dedupe(&top.legacy.entries), || dedupe(conda_entries));
    let (by_stem, stems) = rayon::join(
        || {
            let mut by_stem: FxHashMap<&str, usize> =
                FxHashMap::with_capacity_and_hasher(legacy.len(), Default::default());
            for &(at, value) in &legacy {
                if let Some(stem) = top.legacy.entries[at].0.strip_suffix(".tar.bz2") {
                    by_stem.insert(stem, value);
                }
            }
            by_stem
        },
        || {
            let mut stems: FxHashSet<&str> =
                FxHashSet::with_capacity_and_hasher(conda.len(), Default::default());
            stems.extend(conda.iter().map(|&(at, _)| twin_stem(&conda_entries[at].0)));
            stems
        },
    );
    let mut placed = Vec::with_capacity(legacy.len() + conda.len());
    placed.extend(conda.iter().map(|&(at, value)| Placed {
        conda: true,
        position: value,
        twin: by_stem.get(twin_stem(&conda_entries[at].0)).copied(),
    }));
    placed.extend(
        legacy
            .iter()
            .filter(|&&(at, _)| {
                !top.legacy.entries[at]
                    .0
                    .strip_suffix(".tar.bz2")
                    .is_some_and(|stem| stems.contains(stem))
            })
            .map(|&(_, value)| Placed {
                conda: false,
                position: value,
                twin: None,
            }),
    );
    placed
}
