//! The golden files of the grammar kernels, for the tests of `version.rs` and `match_spec.rs`.
//!
//! `tests/data/grammar/golden_versions.json` and `golden_specs.json` are written by
//! `tests/data/grammar/make_golden.py` from the pure-Python kernels and read, unchanged, by
//! pytest (`tests/test_golden.py`) and here: the single record of what both kernels answer.
#![cfg(test)] // test-only: the unwraps here never run inside Python

use std::path::PathBuf;

use serde_json::Value;

pub const REGENERATE: &str = "python tests/data/grammar/make_golden.py";

/// The entries of a golden file (`name` in `tests/data/grammar/`).
pub fn entries(name: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join("grammar")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (written by `{REGENERATE}`)", path.display()));
    let mut doc: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
    match doc.get_mut("entries").map(Value::take) {
        Some(Value::Array(entries)) => entries,
        _ => panic!("{}: no \"entries\" list", path.display()),
    }
}

/// A golden string: a JSON string, or `[piece, count]` pairs repeated and concatenated.
pub fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(pairs) => pairs
            .iter()
            .map(|pair| match pair.as_array().map(Vec::as_slice) {
                Some([Value::String(piece), count]) => {
                    let count = count.as_u64().expect("a [piece, count] pair's count");
                    piece.repeat(usize::try_from(count).expect("a count that fits"))
                }
                _ => panic!("not a [piece, count] pair: {pair}"),
            })
            .collect(),
        _ => panic!("not a golden string: {value}"),
    }
}

/// A golden string or null.
pub fn optional_text(value: &Value) -> Option<String> {
    (!value.is_null()).then(|| text(value))
}

/// `text` for a failure message: quoted, and cut when long.
pub fn short(text: &str) -> String {
    if text.chars().count() <= 60 {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(40).collect();
    format!("{head:?}... ({} bytes)", text.len())
}

/// A failure line, cut to a readable length.
pub fn clip(line: String) -> String {
    if line.chars().count() <= 400 {
        return line;
    }
    let head: String = line.chars().take(400).collect();
    format!("{head}... ({} bytes)", line.len())
}

/// Fails with every line of `wrong`, unless it is empty (`total` entries of golden file `name`).
pub fn assert_none_wrong(name: &str, total: usize, wrong: &[String]) {
    assert!(
        wrong.is_empty(),
        "{} of {total} entries differ from tests/data/grammar/{name} \
         (recorded from the Python kernel by `{REGENERATE}`):\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
