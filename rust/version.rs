//! conda version strings -> normalised text and a byte sort key, in one linear pass.
//!
//! The key's byte order is conda's version order and its equality is conda's version
//! equality; the encoding is described in `python/conda_exports/_fallback/version.py`,
//! which produces exactly the same bytes. In short: a sequence of items is cut into
//! groups "k zeros, then a non-zero item x", written as `01 k(4) x 00` when x sorts below
//! zero (a string) or `03 (2^32-1-k)(4) x` when above (a number: its length, then its
//! decimal digits without leading zeros; `post` is the length `ff ffffffff`), and ends
//! with `02` ("zeros from here on"). Components are grouped the same way one level up,
//! with the all-zero component as the zero. A length under 255 is one byte, a longer one
//! `ff` and four bytes, so numbers are never converted to binary: the pass is linear in
//! the text, however long its digit runs.
//!
//! Only ASCII input is handled here; anything else (and every invalid string, and every
//! digit run longer than Python's default int-string limit) is reported as an error, and
//! the Python side then parses the string itself, raising conda's exact error when there is one.
//!
//! The Python kernel's answers for ~1000 real and edge-case strings are recorded in
//! `tests/data/grammar/golden_versions.json`; the tests below and pytest hold both kernels to it.

use rayon::prelude::*;

/// Why a string got no key here.
#[derive(Debug, PartialEq, Eq)]
pub enum VersionError {
    /// Not a valid conda version (the caller finds conda's reason).
    Invalid,
    /// Non-ASCII text: Python's Unicode `strip`/`lower` decide what it means.
    NotAscii,
    /// A digit run longer than [`MAX_DIGITS`]: conda's `int()` refuses it (by default).
    TooLong,
}

/// Python's default `sys.get_int_max_str_digits()`: conda's `int(run)` raises beyond it.
pub const MAX_DIGITS: usize = 4300;

const END: u8 = 0x02;
const NEG: u8 = 0x01;
const POS: u8 = 0x03;
const POST: [u8; 5] = [0xff; 5];

/// What a byte is to conda's grammar.
const VALID: u8 = 0;
const UPPER: u8 = 1;
const DASH: u8 = 2;
const SPACE: u8 = 3;
const OTHER: u8 = 4;

const CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b'*' | b'.' | b'+' | b'!' | b'_' | b'0'..=b'9' | b'a'..=b'z' => VALID,
            b'A'..=b'Z' => UPPER,
            b'-' => DASH,
            // Python's str.strip() on ASCII: whitespace plus the separators \x1c-\x1f
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f => SPACE,
            _ => OTHER,
        };
        b += 1;
    }
    t
};

/// The normalised text: the input itself (the common case, no copy) or a new string.
#[derive(Debug, PartialEq, Eq)]
pub enum Norm {
    Input,
    Owned(String),
}

fn is_sep(b: u8) -> bool {
    b == b'.' || b == b'_'
}

/// A number's length: one byte under 255, else `ff` and four bytes (`post` is `ff ffffffff`).
fn push_len(out: &mut Vec<u8>, len: usize) -> Result<(), VersionError> {
    if len < 0xff {
        out.push(len as u8);
        return Ok(());
    }
    match u32::try_from(len) {
        Ok(n) if n < u32::MAX => {
            out.push(0xff);
            out.extend_from_slice(&n.to_be_bytes());
            Ok(())
        }
        _ => Err(VersionError::TooLong),
    }
}

/// Appends the key of one component (conda's runs: digits, runs of '*', runs of anything
/// else), headed by its group within the sequence; an all-zero component only counts.
fn push_component(part: &[u8], out: &mut Vec<u8>, seq_zeros: &mut u32) -> Result<(), VersionError> {
    let Some(&first) = part.first() else {
        return Err(VersionError::Invalid);
    };
    let header = out.len();
    out.extend_from_slice(&[0; 5]);
    // a leading letter gets a 0 before it: 1.1.a1 == 1.1.0a1
    let mut zeros = u32::from(!first.is_ascii_digit());
    let mut sign = END;
    let n = part.len();
    let mut i = 0;
    while i < n {
        let start = i;
        let b = part[i];
        if b.is_ascii_digit() {
            while i < n && part[i] == b'0' {
                i += 1;
            }
            let significant = i;
            while i < n && part[i].is_ascii_digit() {
                i += 1;
            }
            if i - start > MAX_DIGITS {
                return Err(VersionError::TooLong);
            }
            if significant == i {
                zeros = zeros.saturating_add(1);
                continue;
            }
            out.push(POS);
            out.extend_from_slice(&(u32::MAX - zeros).to_be_bytes());
            push_len(out, i - significant)?;
            out.extend_from_slice(&part[significant..i]);
            if sign == END {
                sign = POS;
            }
        } else {
            if b == b'*' {
                while i < n && part[i] == b'*' {
                    i += 1;
                }
            } else {
                while i < n && !part[i].is_ascii_digit() && part[i] != b'*' {
                    i += 1;
                }
            }
            let run = &part[start..i];
            if run == b"post" {
                out.push(POS);
                out.extend_from_slice(&(u32::MAX - zeros).to_be_bytes());
                out.extend_from_slice(&POST);
                if sign == END {
                    sign = POS;
                }
            } else {
                out.push(NEG);
                out.extend_from_slice(&zeros.to_be_bytes());
                out.extend_from_slice(if run == b"dev" { b"DEV" } else { run });
                out.push(0);
                if sign == END {
                    sign = NEG;
                }
            }
        }
        zeros = 0;
    }
    if sign == END {
        out.truncate(header);
        *seq_zeros = seq_zeros.saturating_add(1);
        return Ok(());
    }
    out.push(END);
    let k = if sign == POS {
        u32::MAX - *seq_zeros
    } else {
        *seq_zeros
    };
    out[header] = sign;
    out[header + 1..header + 5].copy_from_slice(&k.to_be_bytes());
    *seq_zeros = 0;
    Ok(())
}

/// Appends the components of `text` split at '.' and '_'; with `keep_last` a final '_'
/// stays attached to the last component (openssl-style `1.0.2_`).
fn push_parts(
    text: &[u8],
    keep_last: bool,
    out: &mut Vec<u8>,
    zeros: &mut u32,
) -> Result<(), VersionError> {
    let body = if keep_last && text.last() == Some(&b'_') {
        &text[..text.len() - 1]
    } else {
        text
    };
    let mut start = 0;
    for (i, &b) in body.iter().enumerate() {
        if is_sep(b) {
            push_component(&text[start..i], out, zeros)?;
            start = i + 1;
        }
    }
    push_component(&text[start..], out, zeros)
}

/// The key of a normalised version (`[epoch!]main[+local]`), appended to `out`.
fn push_key(norm: &[u8], out: &mut Vec<u8>) -> Result<(), VersionError> {
    let (epoch, rest): (&[u8], &[u8]) = match norm.iter().position(|&b| b == b'!') {
        None => (b"0", norm),
        Some(at) => {
            let (epoch, rest) = (&norm[..at], &norm[at + 1..]);
            if rest.contains(&b'!') || epoch.is_empty() || !epoch.iter().all(u8::is_ascii_digit) {
                return Err(VersionError::Invalid);
            }
            (epoch, rest)
        }
    };
    let (main, local) = match rest.iter().position(|&b| b == b'+') {
        None => (rest, None),
        Some(at) => {
            let local = &rest[at + 1..];
            if local.contains(&b'+') {
                return Err(VersionError::Invalid);
            }
            (&rest[..at], Some(local))
        }
    };
    if main.is_empty() {
        return Err(VersionError::Invalid);
    }
    let mut zeros = 0;
    push_component(epoch, out, &mut zeros)?;
    push_parts(main, true, out, &mut zeros)?;
    out.push(END);
    if let Some(local) = local {
        zeros = 0;
        push_parts(local, false, out, &mut zeros)?;
    }
    out.push(END);
    Ok(())
}

/// Appends the sort key of `text` to `out` and says what its normalised text is.
///
/// conda's normalisation: `strip()`, `lower()`, and '-' read as '_' when the text has no '_'.
pub fn write_key(text: &str, out: &mut Vec<u8>) -> Result<Norm, VersionError> {
    let bytes = text.as_bytes();
    if !bytes.is_ascii() {
        return Err(VersionError::NotAscii);
    }
    let Some(start) = bytes.iter().position(|&b| CLASS[usize::from(b)] != SPACE) else {
        return Err(VersionError::Invalid);
    };
    let end = bytes
        .iter()
        .rposition(|&b| CLASS[usize::from(b)] != SPACE)
        .map_or(start, |i| i + 1);
    let stripped = &bytes[start..end];
    let seen = stripped
        .iter()
        .fold(0u8, |seen, &b| seen | 1 << CLASS[usize::from(b)]);
    if seen & (1 << SPACE | 1 << OTHER) != 0 {
        return Err(VersionError::Invalid);
    }
    if seen == 1 << VALID {
        push_key(stripped, out)?;
        if start == 0 && end == bytes.len() {
            return Ok(Norm::Input);
        }
        return Ok(Norm::Owned(String::from_utf8_lossy(stripped).into_owned()));
    }
    let dashes = seen & 1 << DASH != 0;
    if dashes && stripped.contains(&b'_') {
        return Err(VersionError::Invalid); // dashes are read as '_' only when there is none
    }
    let mut norm = stripped.to_ascii_lowercase();
    if dashes {
        for b in norm.iter_mut().filter(|b| **b == b'-') {
            *b = b'_';
        }
    }
    push_key(&norm, out)?;
    String::from_utf8(norm)
        .map(Norm::Owned)
        .map_err(|_| VersionError::NotAscii)
}

/// Normalised text and sort key of a conda version string.
pub fn version_key(text: &str) -> Result<(String, Vec<u8>), VersionError> {
    let mut key = Vec::with_capacity(2 * text.len() + 16);
    let norm = match write_key(text, &mut key)? {
        Norm::Input => text.to_owned(),
        Norm::Owned(norm) => norm,
    };
    Ok((norm, key))
}

/// `write_key` of many strings (`None`: not text), in parallel; order preserved.
pub fn version_keys(texts: &[Option<&str>]) -> Vec<Result<(Norm, Vec<u8>), VersionError>> {
    texts
        .par_iter()
        .map(|t| {
            let text = t.ok_or(VersionError::NotAscii)?;
            let mut key = Vec::with_capacity(2 * text.len() + 16);
            write_key(text, &mut key).map(|norm| (norm, key))
        })
        .collect()
}

pub mod python {
    use pyo3::exceptions::PyTypeError;
    use pyo3::intern;
    use pyo3::prelude::*;
    use pyo3::types::{PyBytes, PyCFunction, PyDict, PyString, PyTuple, PyType};
    #[cfg(not(windows))]
    use std::os::raw::c_char;

    use super::Norm;

    #[cfg(not(windows))]
    extern "C" {
        // Part of the limited API only from Python 3.10, but exported by every CPython 3's
        // libpython (not by Windows' python3.dll before 3.10, hence the cfg); PyO3's
        // abi3-py39 string extraction instead copies the text twice per call.
        fn PyUnicode_AsUTF8AndSize(
            unicode: *mut pyo3::ffi::PyObject,
            size: *mut pyo3::ffi::Py_ssize_t,
        ) -> *const c_char;
    }

    /// The UTF-8 text of `text` (copied: see the extern block above); None for lone surrogates.
    #[cfg(windows)]
    fn utf8<'a>(text: &'a Bound<'_, PyString>) -> Option<std::borrow::Cow<'a, str>> {
        // None for a UnicodeEncodeError: Python reports it its own way
        text.to_cow().ok()
    }

    /// The UTF-8 text of `text` without copying (CPython caches it on the object; for
    /// ASCII text it is the object's own data); None for lone surrogates.
    #[cfg(not(windows))]
    fn utf8<'a>(text: &'a Bound<'_, PyString>) -> Option<std::borrow::Cow<'a, str>> {
        let mut size: pyo3::ffi::Py_ssize_t = 0;
        // SAFETY: `text` is a live str object and we hold the GIL.
        let data = unsafe { PyUnicode_AsUTF8AndSize(text.as_ptr(), &mut size) };
        let size = usize::try_from(size).ok().filter(|_| !data.is_null());
        let Some(size) = size else {
            drop(PyErr::take(text.py())); // UnicodeEncodeError: Python reports it its own way
            return None;
        };
        // SAFETY: CPython returns `size` bytes of valid UTF-8 that live as long as `text`.
        Some(std::borrow::Cow::Borrowed(unsafe {
            std::str::from_utf8_unchecked(std::slice::from_raw_parts(data.cast::<u8>(), size))
        }))
    }

    type Key<'py> = Option<(Bound<'py, PyString>, Bound<'py, PyBytes>)>;

    fn to_py<'py>(text: &Bound<'py, PyString>, norm: Norm, key: &[u8]) -> Key<'py> {
        let py = text.py();
        let norm = match norm {
            Norm::Input => text.clone(),
            Norm::Owned(norm) => PyString::new(py, &norm),
        };
        Some((norm, PyBytes::new(py, key)))
    }

    /// Normalised text and sort key of one version string; None when not handled here.
    ///
    /// Every failure (invalid text, non-ASCII text, lone surrogates, digit runs over
    /// Python's int-string limit) means "not handled here": the caller parses the string
    /// in Python, which raises conda's exception with conda's message. The normalised text
    /// is `text` itself when normalising changes nothing. The GIL is kept: the work is well
    /// under a microsecond, less than releasing it costs.
    #[pyfunction]
    pub fn version_key<'py>(text: &Bound<'py, PyString>) -> Key<'py> {
        let s = utf8(text)?;
        let mut key = Vec::with_capacity(2 * s.len() + 16);
        let norm = super::write_key(&s, &mut key).ok()?;
        to_py(text, norm, &key)
    }

    /// `VersionOrder.__new__` for this backend: a builtin that makes the instance of a
    /// string not cached yet without running any Python code.
    ///
    /// It handles `cls(text)` for `text` an exact `str` this kernel has a key for: a
    /// cached instance from `cache`, or a new one (its `norm_version` and `_key` set,
    /// stored in `cache`, which is emptied first when it holds `limit` entries). Every
    /// other call (a subclass, another type, keywords, anything the kernel leaves to
    /// Python) goes to `slow`, the Python `__new__`, so both backends answer alike.
    #[pyfunction]
    pub fn version_order_new<'py>(
        cls: &Bound<'py, PyType>,
        cache: &Bound<'py, PyDict>,
        slow: &Bound<'py, PyAny>,
        limit: usize,
    ) -> PyResult<Bound<'py, PyCFunction>> {
        let alloc = allocator(cls)?;
        let (class_ref, cache_ref, slow_ref) = (
            cls.clone().unbind(),
            cache.clone().unbind(),
            slow.clone().unbind(),
        );
        PyCFunction::new_closure(
            cls.py(),
            Some(c"__new__"),
            Some(c"VersionOrder(vstr): the parsed version, cached per string."),
            move |args: &Bound<'_, PyTuple>,
                  kwargs: Option<&Bound<'_, PyDict>>|
                  -> PyResult<Py<PyAny>> {
                let py = args.py();
                if kwargs.is_none() && args.len() == 2 {
                    let class = class_ref.bind(py);
                    let (cls, text) = (args.get_borrowed_item(0)?, args.get_borrowed_item(1)?);
                    if cls.is(class) {
                        if let Ok(text) = text.cast_exact::<PyString>() {
                            let cache = cache_ref.bind(py);
                            if let Some(hit) = cache.get_item(text)? {
                                return Ok(hit.unbind());
                            }
                            if let Some(made) = make(class, alloc, &text)? {
                                if cache.len() >= limit {
                                    cache.clear();
                                }
                                cache.set_item(text, &made)?;
                                return Ok(made.unbind());
                            }
                        }
                    }
                }
                slow_ref.bind(py).call(args, kwargs).map(Bound::unbind)
            },
        )
    }

    /// The tp_alloc slot of `class`, which must be a heap type (a Python class).
    fn allocator(class: &Bound<'_, PyType>) -> PyResult<pyo3::ffi::allocfunc> {
        // SAFETY: `class` is a live type object and we hold the GIL. PyType_GetSlot is valid
        // for heap types on every Python this module supports (checked just before), and
        // returns the type's tp_alloc function pointer, or NULL.
        unsafe {
            let flags = pyo3::ffi::PyType_GetFlags(class.as_type_ptr());
            if flags & pyo3::ffi::Py_TPFLAGS_HEAPTYPE == 0 {
                return Err(PyTypeError::new_err("VersionOrder must be a Python class"));
            }
            let alloc = pyo3::ffi::PyType_GetSlot(class.as_type_ptr(), pyo3::ffi::Py_tp_alloc);
            if alloc.is_null() {
                return Err(PyTypeError::new_err("VersionOrder has no allocator"));
            }
            Ok(std::mem::transmute::<
                *mut std::ffi::c_void,
                pyo3::ffi::allocfunc,
            >(alloc))
        }
    }

    /// A new instance of `class` for `text`, or None when the kernel leaves `text` to Python.
    fn make<'py>(
        class: &Bound<'py, PyType>,
        alloc: pyo3::ffi::allocfunc,
        text: &Bound<'py, PyString>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let py = class.py();
        let Some((norm, key)) = version_key(text) else {
            return Ok(None);
        };
        // SAFETY: `alloc` is `class`'s own tp_alloc (see `allocator`), `class` is alive and we
        // hold the GIL. For a Python class derived from object, `object.__new__(class)` is
        // exactly this call: a new, zero-filled instance (every slot unset) with one
        // reference, or NULL with an exception set.
        let instance = unsafe { Bound::from_owned_ptr_or_err(py, alloc(class.as_type_ptr(), 0))? };
        instance.setattr(intern!(py, "norm_version"), norm)?;
        instance.setattr(intern!(py, "_key"), key)?;
        // SAFETY: `instance` is a live, GC-tracked object we hold a reference to, with the
        // GIL held. Its slots hold a str, bytes and (once asked for) a tuple of lists of ints
        // and strs: nothing that can lead back to it, so it can never be part of a reference
        // cycle, and the cycle collector only loses a walk over the many instances the cache
        // keeps alive.
        unsafe { pyo3::ffi::PyObject_GC_UnTrack(instance.as_ptr().cast()) };
        Ok(Some(instance))
    }

    /// `version_key` of each string, computed in parallel without the GIL.
    #[pyfunction]
    pub fn version_keys<'py>(py: Python<'py>, texts: Vec<Bound<'py, PyString>>) -> Vec<Key<'py>> {
        let texts_utf8: Vec<_> = texts.iter().map(utf8).collect();
        let strs: Vec<Option<&str>> = texts_utf8.iter().map(|t| t.as_deref()).collect();
        let results = py.detach(|| super::version_keys(&strs));
        texts
            .iter()
            .zip(results)
            .map(|(text, r)| r.ok().and_then(|(norm, key)| to_py(text, norm, &key)))
            .collect()
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::golden;

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
        assert_eq!(key("00256"), key("256"));
        assert_eq!(key("1.000"), key("1"));
        let long = "9".repeat(300);
        assert!(key(&long) > key(&"9".repeat(299)));
        assert!(key(&format!("1*{long}")) < key("1*post"));
        assert!(key(&format!("1.{long}")) < key(&format!("1.1{long}")));
    }

    #[test]
    fn digit_runs_over_the_int_limit() {
        let at = "1".repeat(MAX_DIGITS);
        assert!(version_key(&at).is_ok());
        for s in [
            "1".repeat(MAX_DIGITS + 1),
            format!("0{at}"),
            format!("1.{at}1"),
            format!("{at}1!1"),
            format!("1+a{at}1"),
        ] {
            assert_eq!(version_key(&s), Err(VersionError::TooLong));
        }
    }

    #[test]
    fn long_inputs_are_linear() {
        // quadratic work would take minutes on these
        let alternating = "1a".repeat(1_000_000);
        let (norm, k) = version_key(&alternating).expect("valid");
        assert_eq!(norm.len(), 2_000_000);
        assert!(k.len() > 2_000_000);
        let dotted = "12.".repeat(500_000) + "1";
        assert!(version_key(&dotted).is_ok());
        assert_eq!(
            version_key(&"1".repeat(2_000_000)),
            Err(VersionError::TooLong)
        );
    }

    #[test]
    fn normalised_text_reuses_the_input() {
        let mut out = Vec::new();
        assert_eq!(write_key("1.0a", &mut out), Ok(Norm::Input));
        assert_eq!(
            write_key(" 1.0a", &mut out),
            Ok(Norm::Owned("1.0a".to_owned()))
        );
    }

    /// What the golden entry says `version_key` must return.
    fn golden_answer(
        entry: &serde_json::Value,
        text: &str,
    ) -> Result<(String, String), VersionError> {
        if !text.is_ascii() {
            return Err(VersionError::NotAscii); // Python's Unicode strip and lower decide
        }
        if let Some(key) = entry.get("key") {
            return Ok((golden::text(&entry["norm"]), golden::text(key)));
        }
        match entry["error"].as_str() {
            Some("InvalidVersionSpec") => Err(VersionError::Invalid),
            Some("ValueError") => Err(VersionError::TooLong), // int() over the digit limit
            other => panic!("{}: unknown error {other:?}", golden::short(text)),
        }
    }

    /// Every entry of the golden file (recorded from the Python kernel): the same
    /// normalised text and key bytes, and no key where Python has none.
    #[test]
    fn golden_file() {
        let entries = golden::entries("golden_versions.json");
        assert!(entries.len() > 900, "only {} entries", entries.len());
        let texts: Vec<String> = entries.iter().map(|e| golden::text(&e["text"])).collect();
        let strs: Vec<Option<&str>> = texts.iter().map(|t| Some(t.as_str())).collect();
        let batch = version_keys(&strs);
        let mut wrong = Vec::new();
        for ((entry, text), from_batch) in entries.iter().zip(&texts).zip(batch) {
            let want = golden_answer(entry, text);
            let got = version_key(text).map(|(norm, key)| (norm, hex::encode(key)));
            let from_batch = from_batch.map(|(norm, key)| {
                let norm = match norm {
                    Norm::Input => text.clone(),
                    Norm::Owned(norm) => norm,
                };
                (norm, hex::encode(key))
            });
            if got != want || from_batch != want {
                wrong.push(golden::clip(format!(
                    "{}: version_key gives {got:?} (version_keys {from_batch:?}), golden {want:?}",
                    golden::short(text)
                )));
            }
        }
        golden::assert_none_wrong("golden_versions.json", entries.len(), &wrong);
    }

    #[test]
    fn batch_keeps_order() {
        let out = version_keys(&[Some("1.0"), Some("bad.."), None, Some("2.0")]);
        assert!(out[0].is_ok() && out[1].is_err() && out[2].is_err() && out[3].is_ok());
    }
}
