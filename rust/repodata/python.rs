//! The Python face of the repodata store.

use std::path::PathBuf;
use std::sync::OnceLock;

use pyo3::exceptions::{PyIndexError, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyList, PyString, PyTuple};

use super::{
    join_url, parse_file, Chunk, Format, List, Noarch, Number, Opt, Rec, Repodata, RepodataError,
    Span,
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

fn py_list<'py>(py: Python<'py>, chunk: &Chunk, list: List) -> PyResult<Option<Bound<'py, PyAny>>> {
    match chunk.list(list) {
        Some(items) => {
            let items: Vec<Bound<'py, PyString>> = items.map(|s| PyString::new(py, s)).collect();
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
        for (chunk, rec) in self.data.records() {
            let fn_ = chunk.str(rec.fn_).unwrap_or("");
            let (stem, format) = super::entry::split_format(fn_);
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
        Ok((PyList::new(py, names)?, PyList::new(py, formats)?, others))
    }

    /// Indices of the records (Python-built ones left out) whose name is in `names`.
    fn find_names(&self, names: std::collections::HashSet<String>) -> Vec<usize> {
        self.data
            .records()
            .enumerate()
            .filter(|(_, (chunk, rec))| {
                !rec.slow && chunk.str(rec.name).is_some_and(|n| names.contains(n))
            })
            .map(|(index, _)| index)
            .collect()
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
    fn get<'py>(&self, py: Python<'py>, index: usize, name: &str) -> PyResult<Bound<'py, PyAny>> {
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
