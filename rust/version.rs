//! conda version strings -> normalised text and a byte sort key.
//!
//! The key's byte order is conda's version order and its equality is conda's version
//! equality; the encoding is described in `python/conda_exports/_fallback/version.py`,
//! which produces exactly the same bytes. In short: a sequence of items is cut into
//! groups "k zeros, then a non-zero item x", written as `01 k(4) x 00` when x sorts below
//! zero (a string) or `03 (2^32-1-k)(4) x` when above (a number: 2-byte length + big-endian
//! magnitude, `ffff` for `post`), and ends with `02` ("zeros from here on"). Components are
//! grouped the same way one level up, with the all-zero component as the zero.
//!
//! Only ASCII input is handled here; anything else (and every invalid string) is reported
//! as `Unhandled`, and the Python side then parses the string itself, raising conda's
//! exact error when it is invalid.

use rayon::prelude::*;

/// Why a string got no key here.
#[derive(Debug, PartialEq, Eq)]
pub enum VersionError {
    /// Not a valid conda version (the caller finds conda's reason).
    Invalid,
    /// Non-ASCII text: Python's Unicode `strip`/`lower` decide what it means.
    NotAscii,
    /// A number too long for the key's 2-byte length (over ~157k digits).
    TooLarge,
}

enum Item {
    /// big-endian magnitude without leading zero bytes; empty for 0
    Num(Vec<u8>),
    Post,
    Str(Vec<u8>),
}

const END: u8 = 0x02;
const NEG: u8 = 0x01;
const POS: u8 = 0x03;

/// Python's `str.strip()` on ASCII: whitespace plus the separators \x1c-\x1f.
fn is_py_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f)
}

fn is_valid_char(b: u8) -> bool {
    matches!(b, b'*' | b'.' | b'+' | b'!' | b'_' | b'0'..=b'9' | b'a'..=b'z')
}

/// Decimal digits -> big-endian magnitude bytes.
fn decimal_to_bytes(digits: &[u8]) -> Vec<u8> {
    let digits = match digits.iter().position(|&d| d != b'0') {
        Some(i) => &digits[i..],
        None => return Vec::new(),
    };
    if digits.len() <= 19 {
        let mut n: u64 = 0;
        for &d in digits {
            n = n * 10 + u64::from(d - b'0');
        }
        let raw = n.to_be_bytes();
        let skip = raw.iter().take_while(|&&b| b == 0).count();
        return raw[skip..].to_vec();
    }
    // little-endian base-256 accumulator, multiplied by 10 per digit
    let mut acc: Vec<u8> = Vec::with_capacity(digits.len() / 2 + 1);
    for &d in digits {
        let mut carry = u32::from(d - b'0');
        for byte in acc.iter_mut() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = (v & 0xff) as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            acc.push((carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    acc.reverse();
    acc
}

/// conda's runs of a component: digits, runs of '*', runs of anything else.
fn component_items(part: &[u8]) -> Result<Vec<Item>, VersionError> {
    if part.is_empty() {
        return Err(VersionError::Invalid);
    }
    let mut items = Vec::with_capacity(4);
    if !part[0].is_ascii_digit() {
        items.push(Item::Num(Vec::new())); // a leading letter gets a 0 before it
    }
    let mut i = 0;
    while i < part.len() {
        let start = i;
        let b = part[i];
        if b.is_ascii_digit() {
            while i < part.len() && part[i].is_ascii_digit() {
                i += 1;
            }
            items.push(Item::Num(decimal_to_bytes(&part[start..i])));
        } else if b == b'*' {
            while i < part.len() && part[i] == b'*' {
                i += 1;
            }
            items.push(Item::Str(part[start..i].to_vec()));
        } else {
            while i < part.len() && !part[i].is_ascii_digit() && part[i] != b'*' {
                i += 1;
            }
            let run = &part[start..i];
            items.push(match run {
                b"post" => Item::Post,
                b"dev" => Item::Str(b"DEV".to_vec()),
                _ => Item::Str(run.to_vec()),
            });
        }
    }
    Ok(items)
}

fn component_key(items: &[Item], out: &mut Vec<u8>) -> Result<(), VersionError> {
    let mut zeros: u32 = 0;
    for item in items {
        match item {
            Item::Num(m) if m.is_empty() => zeros += 1,
            Item::Num(m) => {
                out.push(POS);
                out.extend_from_slice(&(u32::MAX - zeros).to_be_bytes());
                let len = u16::try_from(m.len()).map_err(|_| VersionError::TooLarge)?;
                if len == u16::MAX {
                    return Err(VersionError::TooLarge);
                }
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(m);
                zeros = 0;
            }
            Item::Post => {
                out.push(POS);
                out.extend_from_slice(&(u32::MAX - zeros).to_be_bytes());
                out.extend_from_slice(&[0xff, 0xff]);
                zeros = 0;
            }
            Item::Str(s) => {
                out.push(NEG);
                out.extend_from_slice(&zeros.to_be_bytes());
                out.extend_from_slice(s);
                out.push(0);
                zeros = 0;
            }
        }
    }
    out.push(END);
    Ok(())
}

fn sequence_key<'a>(
    parts: impl Iterator<Item = &'a [u8]>,
    out: &mut Vec<u8>,
) -> Result<(), VersionError> {
    let mut zeros: u32 = 0;
    let mut inner = Vec::with_capacity(16);
    for part in parts {
        inner.clear();
        component_key(&component_items(part)?, &mut inner)?;
        match inner[0] {
            END => zeros += 1,
            POS => {
                out.push(POS);
                out.extend_from_slice(&(u32::MAX - zeros).to_be_bytes());
                out.extend_from_slice(&inner);
                zeros = 0;
            }
            _ => {
                out.push(NEG);
                out.extend_from_slice(&zeros.to_be_bytes());
                out.extend_from_slice(&inner);
                zeros = 0;
            }
        }
    }
    out.push(END);
    Ok(())
}

/// Normalised text and sort key of a conda version string.
pub fn version_key(text: &str) -> Result<(String, Vec<u8>), VersionError> {
    if !text.is_ascii() {
        return Err(VersionError::NotAscii);
    }
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|&b| !is_py_space(b));
    let Some(start) = start else {
        return Err(VersionError::Invalid);
    };
    let end = bytes
        .iter()
        .rposition(|&b| !is_py_space(b))
        .unwrap_or(start)
        + 1;
    let mut norm: Vec<u8> = bytes[start..end].to_ascii_lowercase();
    if !norm.iter().all(|&b| is_valid_char(b)) {
        if norm.contains(&b'-') && !norm.contains(&b'_') {
            for b in norm.iter_mut() {
                if *b == b'-' {
                    *b = b'_';
                }
            }
        }
        if !norm.iter().all(|&b| is_valid_char(b)) {
            return Err(VersionError::Invalid);
        }
    }

    let bangs = norm.iter().filter(|&&b| b == b'!').count();
    let (epoch, rest): (&[u8], &[u8]) = match bangs {
        0 => (b"0", &norm[..]),
        1 => {
            let at = norm.iter().position(|&b| b == b'!').unwrap_or(0);
            let epoch = &norm[..at];
            if epoch.is_empty() || !epoch.iter().all(u8::is_ascii_digit) {
                return Err(VersionError::Invalid);
            }
            (epoch, &norm[at + 1..])
        }
        _ => return Err(VersionError::Invalid),
    };
    let pluses = rest.iter().filter(|&&b| b == b'+').count();
    let (main, local): (&[u8], Option<&[u8]>) = match pluses {
        0 => (rest, None),
        1 => {
            let at = rest.iter().position(|&b| b == b'+').unwrap_or(0);
            (&rest[..at], Some(&rest[at + 1..]))
        }
        _ => return Err(VersionError::Invalid),
    };
    if main.is_empty() {
        return Err(VersionError::Invalid);
    }

    let is_sep = |b: &u8| *b == b'.' || *b == b'_';
    let mut parts: Vec<Vec<u8>> = Vec::with_capacity(6);
    parts.push(epoch.to_vec());
    if main[main.len() - 1] == b'_' {
        // openssl-style trailing underscore stays attached to the last component
        let body = &main[..main.len() - 1];
        parts.extend(body.split(is_sep).map(<[u8]>::to_vec));
        if let Some(last) = parts.last_mut() {
            last.push(b'_');
        }
    } else {
        parts.extend(main.split(is_sep).map(<[u8]>::to_vec));
    }

    let mut key = Vec::with_capacity(8 * parts.len() + 8);
    sequence_key(parts.iter().map(Vec::as_slice), &mut key)?;
    match local {
        Some(local) => sequence_key(local.split(is_sep), &mut key)?,
        None => key.push(END),
    }
    let norm = String::from_utf8(norm).map_err(|_| VersionError::NotAscii)?;
    Ok((norm, key))
}

/// `version_key` of many strings, in parallel; order preserved.
pub fn version_keys(texts: &[String]) -> Vec<Result<(String, Vec<u8>), VersionError>> {
    texts.par_iter().map(|t| version_key(t)).collect()
}

pub mod python {
    use pyo3::prelude::*;
    use pyo3::types::PyBytes;

    type Key<'py> = Option<(String, Bound<'py, PyBytes>)>;

    fn to_py<'py>(
        py: Python<'py>,
        parsed: Result<(String, Vec<u8>), super::VersionError>,
    ) -> Key<'py> {
        // Every failure means "not handled here": the caller parses the string in Python,
        // which raises conda's InvalidVersionSpec with conda's reason.
        parsed
            .ok()
            .map(|(norm, key)| (norm, PyBytes::new(py, &key)))
    }

    /// Normalised text and sort key of one version string; None when not handled here.
    ///
    /// The GIL is kept: the work is well under a microsecond, less than releasing it costs.
    #[pyfunction]
    pub fn version_key<'py>(py: Python<'py>, text: &str) -> Key<'py> {
        to_py(py, super::version_key(text))
    }

    /// `version_key` of each string, computed in parallel without the GIL.
    #[pyfunction]
    pub fn version_keys<'py>(py: Python<'py>, texts: Vec<String>) -> Vec<Key<'py>> {
        let results = py.detach(|| super::version_keys(&texts));
        results.into_iter().map(|r| to_py(py, r)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Vec<u8> {
        version_key(s).expect("valid").1
    }

    #[test]
    fn documented_order() {
        let ordered = [
            "0.4",
            "0.4.1.rc",
            "0.4.1",
            "0.5a1",
            "0.5b3",
            "0.5C1",
            "0.5",
            "0.9.6",
            "0.960923",
            "1.0",
            "1.1dev1",
            "1.1_",
            "1.1a1",
            "1.1.0dev1",
            "1.1.a1",
            "1.1.0rc1",
            "1.1.0",
            "1.1.0post1",
            "1.1post1",
            "1996.07.12",
            "1!0.4.1",
            "1!3.1.1.6",
            "2!0.4.1",
        ];
        for pair in ordered.windows(2) {
            assert!(key(pair[0]) < key(pair[1]), "{} < {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn equal_versions() {
        for (a, b) in [
            ("0.4", "0.4.0"),
            ("0.4.1.rc", "0.4.1.RC"),
            ("1.1.0dev1", "1.1.dev1"),
            ("1.1", "1.1.0"),
            ("1.1.0post1", "1.1.post1"),
            ("1.0-2", "1.0_2"),
            ("0!1.0", "1.0"),
            ("1.0+0", "1.0"),
            ("01.1", "1.1"),
        ] {
            assert_eq!(key(a), key(b), "{a} == {b}");
        }
    }

    #[test]
    fn normalised_text() {
        assert_eq!(
            version_key(" 1.0RC1\n").map(|r| r.0),
            Ok("1.0rc1".to_owned())
        );
        assert_eq!(version_key("1.0-2").map(|r| r.0), Ok("1.0_2".to_owned()));
    }

    #[test]
    fn invalid() {
        for s in [
            "", "  ", "1..0", "1.", "a!1", "1!2!3", "1+2+3", "+1", "1.0 2", "1.0-2_3", "1.0+",
        ] {
            assert_eq!(version_key(s), Err(VersionError::Invalid), "{s:?}");
        }
        assert_eq!(version_key("1.\u{212a}"), Err(VersionError::NotAscii));
    }

    #[test]
    fn big_numbers() {
        assert!(key("9999999999999999999999.1") < key("10000000000000000000000"));
        assert!(key("18446744073709551616") > key("18446744073709551615"));
        assert_eq!(decimal_to_bytes(b"00256"), vec![1, 0]);
        assert_eq!(decimal_to_bytes(b"000"), Vec::<u8>::new());
        assert_eq!(
            decimal_to_bytes(b"18446744073709551616"),
            vec![1, 0, 0, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn batch_keeps_order() {
        let texts: Vec<String> = ["1.0", "bad..", "2.0"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let out = version_keys(&texts);
        assert!(out[0].is_ok() && out[1].is_err() && out[2].is_ok());
    }
}
