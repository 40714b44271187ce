//! The Python face of conda-meta reading and of `verify_prefix`.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use pyo3::exceptions::{PyIndexError, PyKeyError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString, PyTuple};
use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::verify::{self, Check, Detail};
use super::{read_all, Field, MetaFile};

/// The conda-meta files of a prefix, as read; lazy fields stay here as text.
#[pyclass(frozen, module = "conda_exports._core")]
pub struct CondaMeta {
    files: Vec<MetaFile>,
}

const RECORD: u8 = 0;
const IO_ERROR: u8 = 1;
const CORRUPT: u8 = 2;
const NOT_AN_OBJECT: u8 = 3;

/// Reads `paths` in parallel with the GIL released.
#[pyfunction]
pub fn read_conda_meta(py: Python<'_>, paths: Vec<PathBuf>) -> CondaMeta {
    CondaMeta {
        files: py.detach(|| read_all(&paths)),
    }
}

fn detail<'py>(py: Python<'py>, detail: Detail) -> PyResult<Bound<'py, PyAny>> {
    Ok(match detail {
        Detail::None => py.None().into_bound(py),
        Detail::Size(n) => n.into_pyobject(py)?.into_any(),
        Detail::Digest(s) => s.into_pyobject(py)?.into_any(),
    })
}

#[pymethods]
impl CondaMeta {
    fn __len__(&self) -> usize {
        self.files.len()
    }

    /// Per file `(kind, a, b, lazy)`: `(0, fields, [(key, json text)], lazy keys)` for a
    /// record (a field given as text is None in `fields`, in its place), `(1, errno,
    /// message, ())` when it could not be read, `(2, reason, None, ())` when it is not
    /// valid JSON, `(3, None, None, ())` when it is not an object.
    fn entries<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        let nothing = PyTuple::empty(py);
        for file in &self.files {
            let entry = match file {
                MetaFile::Record { text, fields } => {
                    let dict = PyDict::new(py);
                    let raw = PyList::empty(py);
                    let mut lazy = Vec::new();
                    for (key, field) in fields {
                        match field {
                            Field::Null => dict.set_item(key, py.None())?,
                            Field::Int(n) => dict.set_item(key, n)?,
                            Field::Str(s) => dict.set_item(key, s)?,
                            Field::StrList(items) => dict.set_item(key, PyList::new(py, items)?)?,
                            Field::Text(range) => {
                                // a place holder, so the field keeps its place in the file's order
                                dict.set_item(key, py.None())?;
                                raw.append((key, &text[range.clone()]))?
                            }
                            Field::Lazy(_) => lazy.push(key.as_str()),
                        }
                    }
                    (
                        RECORD,
                        dict.into_any(),
                        raw.into_any(),
                        PyTuple::new(py, lazy)?,
                    )
                }
                MetaFile::Io(err) => (
                    IO_ERROR,
                    err.raw_os_error().into_pyobject(py)?.into_any(),
                    err.to_string().into_pyobject(py)?.into_any(),
                    nothing.clone(),
                ),
                MetaFile::Corrupt(reason) => (
                    CORRUPT,
                    reason.into_pyobject(py)?.into_any(),
                    py.None().into_bound(py),
                    nothing.clone(),
                ),
                MetaFile::NotAnObject => (
                    NOT_AN_OBJECT,
                    py.None().into_bound(py),
                    py.None().into_bound(py),
                    nothing.clone(),
                ),
            };
            out.append(entry)?;
        }
        Ok(out)
    }

    /// The JSON text of a field kept as text.
    fn text(&self, index: usize, key: &str) -> PyResult<&str> {
        let file = self
            .files
            .get(index)
            .ok_or_else(|| PyIndexError::new_err(index))?;
        file.text_of(key)
            .ok_or_else(|| PyKeyError::new_err(key.to_owned()))
    }

    /// A field kept as text, decoded into Python values; None when it holds a float, which
    /// the caller decodes from `text` (Python's json reads an integer beyond 64 bits
    /// exactly, serde_json as a float).
    fn value<'py>(
        &self,
        py: Python<'py>,
        index: usize,
        key: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let text = self.text(index, key)?;
        let mut de = serde_json::Deserializer::from_str(text);
        Ok(ToPython(py).deserialize(&mut de).ok())
    }

    /// The problems of the files of records `indices` under `root`, as
    /// `(position in indices, path, kind, expected, found)`, hashing in parallel.
    fn verify<'py>(
        &self,
        py: Python<'py>,
        root: PathBuf,
        indices: Vec<usize>,
        check_sha256: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        if let Some(&bad) = indices.iter().find(|&&i| i >= self.files.len()) {
            return Err(PyIndexError::new_err(bad));
        }
        let files = &self.files;
        let problems = py.detach(|| {
            let checks: Vec<Check> = indices
                .par_iter()
                .enumerate()
                .filter_map(|(position, &i)| Some((position, files[i].text_of("paths_data")?)))
                .flat_map_iter(|(position, text)| verify::checks_of(position, text))
                .collect();
            verify::run(&root, &checks, check_sha256)
        });
        let out = PyList::empty(py);
        for p in problems {
            out.append((
                p.owner,
                p.path,
                p.kind,
                detail(py, p.expected)?,
                detail(py, p.found)?,
            ))?;
        }
        Ok(out)
    }
}

/// JSON straight into Python objects; refuses floats (see `CondaMeta::value`).
struct ToPython<'py>(Python<'py>);

fn py_err<E: de::Error>(err: PyErr) -> E {
    E::custom(err.to_string())
}

impl<'de, 'py> DeserializeSeed<'de> for ToPython<'py> {
    type Value = Bound<'py, PyAny>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, 'py> Visitor<'de> for ToPython<'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON without floats")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.0.None().into_bound(self.0))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.0, v).to_owned().into_any())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(PyInt::new(self.0, v).into_any())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(PyInt::new(self.0, v).into_any())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(E::custom("a float"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.0, v).into_any())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let list = PyList::empty(self.0);
        while let Some(item) = seq.next_element_seed(ToPython(self.0))? {
            list.append(item).map_err(py_err)?;
        }
        Ok(list.into_any())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.0);
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let value = map.next_value_seed(ToPython(self.0))?;
            dict.set_item(key.as_ref(), value).map_err(py_err)?;
        }
        Ok(dict.into_any())
    }
}
