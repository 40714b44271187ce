//! MatchSpec's string grammar: a spec string -> its parts (the `match_spec` kernel).
//!
//! `split_spec` does what conda's `_parse_spec_str` does to a spec string (cut the `#`
//! comment and the ` if ` condition, take out the `[key=value,...]` brackets and a
//! `(...)` group, split `channel::`, then name, version and build) and hands the parts
//! back as plain strings; Python resolves the channel and builds the matchers.
//!
//! Only the common case is handled: printable ASCII text that parses without an error
//! and is not a package file or a `feature@` spec. For anything else the answer is
//! `None`, and the Python grammar (`_fallback/match_spec.py` and
//! `models/_spec_grammar.py`) parses the string, raising conda's errors. Every step is a
//! single pass over the text (no backtracking), so any input takes linear time.
//!
//! `checked` tells Python that the name, version and build matchers can be built from
//! these strings without an error or a warning, so it may build them on first use:
//! the version is checked piece by piece as `VersionSpec` would read it, with each
//! version string going through the `version` kernel.
//!
//! The Python kernel's answers for ~1400 real and edge-case specs are recorded in
//! `tests/data/grammar/golden_specs.json`; the tests below and pytest hold both kernels to it.

use crate::version::version_key;

/// The parts of a spec string, as conda's grammar splits it.
#[derive(Debug, PartialEq, Eq)]
pub struct SpecParts {
    pub name: String,
    /// spaces removed, conda's `=` short forms expanded (`=1.2` -> `1.2*`)
    pub version: Option<String>,
    pub build: Option<String>,
    /// the text before `::` (`chan`, `chan/subdir`, a URL, possibly empty)
    pub channel: Option<String>,
    /// the bracket items in order, keys as written
    pub brackets: Vec<(String, String)>,
    /// name, version and build matchers are known to build cleanly
    pub checked: bool,
}

const PACKAGE_EXTENSIONS: [&str; 2] = [".conda", ".tar.bz2"];

/// The last `open ... close` group of a string, as the regex `.*(open.*close)` finds it:
/// from the last `open` before the last `close` to that `close`.
fn last_group(s: &str, open: u8, close: u8) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let j = b.iter().rposition(|&c| c == close)?;
    let i = b[..j].iter().rposition(|&c| c == open)?;
    Some((i, j + 1))
}

fn is_key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

fn is_quote(c: u8) -> bool {
    c == b'\'' || c == b'"'
}

/// `key=value` items of a bracket text, as conda's
/// `([a-zA-Z0-9_-]+?)=(["']?)([^'"]*?)(\2)(?:[, ]|$)` finds them one after another;
/// `None` when an item has an empty value (conda's "key-value mismatch").
fn key_values(t: &str) -> Option<Vec<(String, String)>> {
    let b = t.as_bytes();
    let n = b.len();
    let mut out = Vec::new();
    // first index >= i of a quote / of a value end (quote, ',' or ' '); the positions
    // asked for only grow, so each search resumes where the last one stopped
    let mut quote_at = 0usize;
    let mut stop_at = 0usize;
    let mut pos = 0;
    while pos < n {
        if !is_key_char(b[pos]) {
            pos += 1;
            continue;
        }
        let mut kend = pos;
        while kend < n && is_key_char(b[kend]) {
            kend += 1;
        }
        // every start inside this run of key characters ends the key at `kend` and so
        // fares the same: after a failure the whole run is skipped
        if kend == n || b[kend] != b'=' {
            pos = kend;
            continue;
        }
        let p = kend + 1;
        let found = if p < n && is_quote(b[p]) {
            let start = p + 1;
            if quote_at < start {
                quote_at = start;
                while quote_at < n && !is_quote(b[quote_at]) {
                    quote_at += 1;
                }
            }
            let q = quote_at;
            if q < n && b[q] == b[p] && (q + 1 == n || b[q + 1] == b',' || b[q + 1] == b' ') {
                Some((start, q, (q + 2).min(n)))
            } else {
                None
            }
        } else {
            if stop_at < p {
                stop_at = p;
                while stop_at < n && !matches!(b[stop_at], b',' | b' ' | b'\'' | b'"') {
                    stop_at += 1;
                }
            }
            let s = stop_at;
            if s == n || b[s] == b',' || b[s] == b' ' {
                Some((p, s, (s + 1).min(n)))
            } else {
                None
            }
        };
        match found {
            Some((vstart, vend, end)) => {
                if vstart == vend {
                    return None;
                }
                out.push((t[pos..kend].to_string(), t[vstart..vend].to_string()));
                pos = end;
            }
            None => pos = kend,
        }
    }
    Some(out)
}

/// Where conda's `((?:.+?)[^><!,|]?)(?:(?<![=!|,<>~])(?:[ =])([^-=,|<>~]+?))?$` cuts a
/// version-and-build text (already stripped, not empty): the index of the separator.
fn build_separator(s: &[u8]) -> Option<usize> {
    let n = s.len();
    let last_bad = s
        .iter()
        .rposition(|c| b"-=,|<>~".contains(c))
        .map_or(0, |i| i);
    // a separator at e needs s[e] in " =", s[e-1] not in "=!|,<>~", and a non-empty build
    // after it holding none of "-=,|<>~"
    let first = (last_bad.max(1)..n.saturating_sub(1))
        .find(|&e| (s[e] == b' ' || s[e] == b'=') && !b"=!|,<>~".contains(&s[e - 1]))?;
    // the regex tries a cut at 2 before the one at 1
    if first == 1 && n >= 4 && s[1] == b' ' && s[2] == b' ' {
        return Some(2);
    }
    Some(first)
}

/// conda's reading of a version starting with `=`: `=1.2` means `1.2*`, `==1.2` alone `1.2`.
fn short_equals(version: String, has_build: bool) -> String {
    if version == "=" || version == "==" {
        return version;
    }
    let tail = &version[1..];
    if version.starts_with("==") && !has_build {
        return version[2..].to_string();
    }
    if tail.contains(['=', ',', '|']) {
        return version;
    }
    if !has_build && !tail.ends_with('*') {
        format!("{tail}*")
    } else {
        tail.to_string()
    }
}

fn is_version(text: &str) -> bool {
    version_key(text).is_ok()
}

const OPERATORS: [&str; 8] = ["=", "==", "!=", "<=", ">=", "<", ">", "~="];

/// One piece of a version spec (no `,`, `|`, parentheses, `^` or `$`) builds a
/// `VersionSpec` without an error or a warning.
fn piece_ok(t: &str) -> bool {
    let b = t.as_bytes();
    let Some(&first) = b.first() else {
        return false;
    };
    if b"=<>!~".contains(&first) {
        for op in OPERATORS {
            if let Some(version) = t.strip_prefix(op) {
                let Some(&next) = version.as_bytes().first() else {
                    continue;
                };
                if b"=<>!~".contains(&next) {
                    continue;
                }
                if version.contains(' ') {
                    return false;
                }
                return match version.strip_suffix(".*") {
                    // "~=" refuses a ".*", and "<", ">", "<=", "==" warn about it
                    Some(stem) => matches!(op, "=" | ">=" | "!=") && is_version(stem),
                    None => is_version(version),
                };
            }
        }
        return false;
    }
    if t == "*" {
        return true;
    }
    if t.trim_end_matches('*').contains('*') {
        // a glob turned into a regex: fine unless it holds regex syntax
        return !t.bytes().any(|c| b"[]{}?\\".contains(&c));
    }
    if let Some(stem) = t.strip_suffix('*') {
        let prefix = if t.ends_with(".*") {
            t.to_string()
        } else {
            format!("{stem}.*")
        };
        return is_version(prefix.trim_end_matches('*').trim_end_matches('.'));
    }
    t.contains('@') || is_version(t)
}

/// A version spec text (from the grammar: no spaces) builds a `VersionSpec` cleanly: a
/// single piece or a flat `,` or `|` list of pieces.
fn version_spec_ok(text: &str) -> bool {
    if text.bytes().any(|c| b"()^$".contains(&c)) {
        return false;
    }
    let sep = match (text.contains(','), text.contains('|')) {
        (true, true) => return false,
        (true, false) => ',',
        (false, true) => '|',
        (false, false) => return piece_ok(text.trim_matches(' ')),
    };
    text.split(sep).all(|p| piece_ok(p.trim_matches(' ')))
}

/// A name or build that is a `^regex$` (compiled by Python, which may refuse it).
fn is_regex(text: &str) -> bool {
    text.starts_with('^') && text.ends_with('$')
}

/// The parts of a spec string; `None` when the Python grammar must parse it.
pub fn split_spec(text: &str) -> Option<SpecParts> {
    if !text.bytes().all(|c| (0x20..0x7f).contains(&c)) || text.ends_with('@') {
        return None;
    }
    let mut s = text.split('#').next().unwrap_or("");
    s = s.split(" if ").next().unwrap_or("");
    if PACKAGE_EXTENSIONS.iter().any(|ext| s.ends_with(ext)) {
        return None;
    }
    let mut brackets = Vec::new();
    let mut spec = match last_group(s, b'[', b']') {
        Some((i, j)) => {
            let group = &s[i..j];
            brackets = key_values(&group[1..group.len() - 1])?;
            s.replace(group, "")
        }
        None => s.to_string(),
    };
    if let Some((i, j)) = last_group(&spec, b'(', b')') {
        let group = spec[i..j].to_string();
        spec = spec.replace(&group, "");
    }
    let mut pieces = spec.rsplitn(3, ':');
    let last = pieces.next().unwrap_or("");
    let channel = pieces.nth(1).map(str::to_string);

    let lb = last.as_bytes();
    let name_end = lb
        .iter()
        .position(|c| b" =<>!~".contains(c))
        .unwrap_or(lb.len());
    if name_end == 0 {
        return None; // no package name: an error
    }
    let name = &last[..name_end];
    let rest = &last[name_end..];
    // the regex wants an operator (or space) and at least one more character
    let rest = if rest.len() >= 2 {
        rest.trim_matches(' ')
    } else {
        ""
    };
    let (mut version, mut build) = (None, None);
    if !rest.is_empty() {
        if rest.contains('[') {
            return None; // a second bracket section: an error
        }
        let (v, b) = match build_separator(rest.as_bytes()) {
            Some(e) => (&rest[..e], Some(rest[e + 1..].trim_matches(' '))),
            None => (rest, None),
        };
        let mut v = v.replace(' ', "");
        if v.starts_with('=') {
            v = short_equals(v, b.is_some());
        }
        version = Some(v);
        build = b.map(str::to_string);
    }
    let checked = !is_regex(name)
        && build.as_deref().is_none_or(|b| !is_regex(b))
        && version.as_deref().is_none_or(version_spec_ok);
    Some(SpecParts {
        name: name.to_string(),
        version,
        build,
        channel,
        brackets,
        checked,
    })
}

pub mod python {
    use pyo3::prelude::*;
    use pyo3::types::PyString;

    type Parts = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Vec<(String, String)>,
        bool,
    );

    /// `(name, version, build, channel, brackets, checked)` of a spec string, or None
    /// when the Python grammar must parse it (see `rust/match_spec.rs`).
    ///
    /// The GIL is kept: the work is about a microsecond.
    #[pyfunction]
    pub fn split_spec(text: &Bound<'_, PyString>) -> Option<Parts> {
        // text with lone surrogates is not UTF-8: left to Python
        let text = text.to_cow().ok()?;
        super::split_spec(&text)
            .map(|p| (p.name, p.version, p.build, p.channel, p.brackets, p.checked))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::golden;

    fn parts(text: &str) -> (String, Option<String>, Option<String>, Option<String>, bool) {
        let p = split_spec(text).unwrap_or_else(|| panic!("{text:?} not handled"));
        (p.name, p.version, p.build, p.channel, p.checked)
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn common_shapes() {
        assert_eq!(parts("numpy"), ("numpy".into(), None, None, None, true));
        assert_eq!(
            parts("numpy 1.8*"),
            ("numpy".into(), s("1.8*"), None, None, true)
        );
        assert_eq!(
            parts("numpy 1.8.1 py27_0"),
            ("numpy".into(), s("1.8.1"), s("py27_0"), None, true)
        );
        assert_eq!(
            parts("numpy=1.8.1=py27_0"),
            ("numpy".into(), s("1.8.1"), s("py27_0"), None, true)
        );
        assert_eq!(
            parts("foo >=1.0 , < 2.0 py34_0"),
            ("foo".into(), s(">=1.0,<2.0"), s("py34_0"), None, true)
        );
        assert_eq!(
            parts("foo=1.0"),
            ("foo".into(), s("1.0*"), None, None, true)
        );
        assert_eq!(
            parts("foo==1.0"),
            ("foo".into(), s("1.0"), None, None, true)
        );
        assert_eq!(parts("foo>"), ("foo".into(), None, None, None, true));
        assert_eq!(
            parts("conda-forge/linux-64::numpy>=1.0"),
            (
                "numpy".into(),
                s(">=1.0"),
                None,
                s("conda-forge/linux-64"),
                true
            )
        );
        assert_eq!(
            parts("foo >=1 if bar # c"),
            ("foo".into(), s(">=1"), None, None, true)
        );
        assert_eq!(
            parts("foo (optional)"),
            ("foo".into(), None, None, None, true)
        );
    }

    #[test]
    fn brackets() {
        let p = split_spec("foo[version='>=1', build=\"py*\",md5=abc]").unwrap();
        let want = [("version", ">=1"), ("build", "py*"), ("md5", "abc")];
        assert_eq!(
            p.brackets,
            want.map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert_eq!(p.name, "foo");
        // an item the regex does not find is skipped; an empty value is an error
        assert_eq!(split_spec("foo[a.b=1]").unwrap().brackets.len(), 1);
        assert!(split_spec("foo[version=]").is_none());
    }

    #[test]
    fn unchecked_versions() {
        for text in [
            "foo >=1..0",
            "foo 1!2!3",
            "foo ~=1.0.*",
            "foo >1.0.*",
            "foo (1|2),3",
            "foo ^1$",
            "foo 1.0|>=2,<3",
            "^a($",
            "foo 1.0 ^b$",
        ] {
            assert!(!split_spec(text).is_none_or(|p| p.checked), "{text}");
        }
    }

    #[test]
    fn left_to_python() {
        for text in [
            "",
            " ",
            "foo@",
            "x/linux-64/a-1-0.conda",
            "foo\tbar",
            "f\u{e9}",
            "foo >=1[x=1] 2[build=x]",
            "=1",
        ] {
            assert!(split_spec(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn build_separator_like_the_regex() {
        let cut = |t: &str| build_separator(t.as_bytes());
        assert_eq!(cut("1.0 py_0"), Some(3));
        assert_eq!(cut("1.0 a b"), Some(3));
        assert_eq!(cut("1  x"), Some(2));
        assert_eq!(cut("1.0 a-b"), None);
        assert_eq!(cut(">=1 ,<2"), None);
    }

    /// Why `got` breaks the golden entry (recorded from the Python kernel), or None.
    ///
    /// The kernel may decline what is not printable ASCII (Python parses it), and may say
    /// `checked` where the Python kernel does not, but only for a spec whose matchers
    /// build cleanly (the entry's `clean`).
    fn golden_mismatch(
        entry: &serde_json::Value,
        text: &str,
        got: Option<SpecParts>,
    ) -> Option<String> {
        let want = &entry["parts"];
        let Some(got) = got else {
            let printable = text.bytes().all(|c| (0x20..0x7f).contains(&c));
            return (!want.is_null() && printable).then(|| format!("declined, golden {want}"));
        };
        let Some([name, version, build, channel, brackets, checked]) =
            want.as_array().map(Vec::as_slice)
        else {
            return Some(format!("{got:?}, golden {want}"));
        };
        let brackets: Vec<(String, String)> = brackets
            .as_array()
            .expect("a list of brackets")
            .iter()
            .map(|kv| (golden::text(&kv[0]), golden::text(&kv[1])))
            .collect();
        let same = got.name == golden::text(name)
            && got.version == golden::optional_text(version)
            && got.build == golden::optional_text(build)
            && got.channel == golden::optional_text(channel)
            && got.brackets == brackets;
        if !same {
            return Some(format!("{got:?}, golden {want}"));
        }
        if checked.as_bool() == Some(true) && !got.checked {
            return Some("not checked, though the Python kernel checks it".into());
        }
        if got.checked && entry["clean"].as_bool() != Some(true) {
            return Some("checked, but its matchers do not build cleanly".into());
        }
        None
    }

    /// Every entry of the golden file: the parts the Python kernel gives, or None where
    /// it declines.
    #[test]
    fn golden_file() {
        let entries = golden::entries("golden_specs.json");
        assert!(entries.len() > 1000, "only {} entries", entries.len());
        let mut wrong = Vec::new();
        for entry in &entries {
            let text = golden::text(&entry["text"]);
            if let Some(problem) = golden_mismatch(entry, &text, split_spec(&text)) {
                wrong.push(golden::clip(format!("{}: {problem}", golden::short(&text))));
            }
        }
        golden::assert_none_wrong("golden_specs.json", entries.len(), &wrong);
    }

    #[test]
    fn linear_on_adversarial_input() {
        let big = "a=".repeat(200_000) + "'";
        assert!(split_spec(&format!("foo[{big}]")).is_some());
        let spaces = "1.a ".repeat(200_000) + "-";
        assert!(split_spec(&format!("foo {spaces}")).is_some());
        let opens = "[".repeat(200_000);
        assert!(split_spec(&format!("foo{opens}")).is_some());
    }
}
