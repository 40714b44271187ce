//! The JSON values an entry holds, as far as storing them goes, and where a value that
//! does not decode is.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// A JSON value as far as storing it goes.
pub(crate) enum Val<'de> {
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

pub(crate) struct ValVisitor;

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

pub(crate) struct ValSeed;

impl<'de> DeserializeSeed<'de> for ValSeed {
    type Value = Val<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Val<'de>, D::Error> {
        deserializer.deserialize_any(ValVisitor)
    }
}

/// Where and why a value that passed the first pass does not decode (a lone surrogate
/// escape, a number beyond f64, nesting deeper than serde_json's limit).
pub(super) struct Bad {
    pub offset: usize,
    pub reason: String,
}

pub(super) fn bad(raw: &RawValue, err: &serde_json::Error) -> Bad {
    let (offset, reason) = locate(raw.get().as_bytes(), err);
    Bad {
        offset: raw.get().as_ptr() as usize + offset.unwrap_or(0),
        reason,
    }
}

/// Decodes a value completely, keeping nothing: the check that it is valid JSON text.
pub(super) fn validate(raw: &RawValue) -> Result<(), Bad> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    ValSeed
        .deserialize(&mut de)
        .map(drop)
        .map_err(|err| bad(raw, &err))
}

/// The byte offset and the message of a serde_json error in `data` (serde_json reports a
/// line and a byte column).
pub(super) fn locate(data: &[u8], err: &serde_json::Error) -> (Option<usize>, String) {
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
