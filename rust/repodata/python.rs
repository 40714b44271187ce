//! The Python face of the repodata store.

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use rustc_hash::FxHashMap;

use pyo3::exceptions::{PyIndexError, PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyList, PyString, PyTuple, PyType};

use super::{
    join_url, parse_file, Chunk, Format, List, Noarch, Number, Opt, Rec, Repodata, RepodataError,
    Span,
};
use crate::errors;

/// What the Python side binds once it has read `info`: the values every record of the
/// subdir shares and the sentinel for "this record has no such field".
struct Shared {
    field_names: Vec<String>,
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
    /// Python strings made for stored-once values (names, specs, licenses), by chunk and
    /// place: every record reading one gets the same object.
    strings: Mutex<FxHashMap<u64, Py<PyString>>>,
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
        strings: Mutex::default(),
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
    match chunk.text(span) {
        Some(text) => PyString::new(py, &text).into_any(),
        None => py.None().into_bound(py),
    }
}

/// Leaves a tuple of strings out of the cycle collector's walks.
fn untrack(tuple: &Bound<'_, PyTuple>) {
    // SAFETY: `tuple` is a live object we hold a reference to, and the call needs the GIL,
    // which the `Bound` proves. A tuple of strings can never be part of a reference cycle,
    // so the cycle collector has nothing to find in it; CPython itself untracks such tuples
    // at its next collection. Untracked, it keeps the instance dict it is stored in
    // untracked too: reading fields of 600k records then adds nothing for the collector.
    unsafe { pyo3::ffi::PyObject_GC_UnTrack(tuple.as_ptr().cast()) };
}

/// An instance of `tuple_type` (a heap type derived from tuple) holding three strings,
/// made the way `tuple.__new__(tuple_type, items)` makes one, and left untracked by the
/// cycle collector.
fn new_tuple_of<'py>(
    tuple_type: &Bound<'py, PyType>,
    items: [Bound<'py, PyAny>; 3],
) -> PyResult<Bound<'py, PyAny>> {
    let py = tuple_type.py();
    // SAFETY: `tuple_type` is a live heap type derived from tuple (the caller checked), so its
    // tp_alloc slot can be read with PyType_GetSlot and returns a new, zero-filled instance
    // with room for three items and a reference count of 1 (or NULL with an exception set).
    // PyTuple_SetItem accepts a tuple subclass instance whose count is 1, and steals the new
    // references `into_ptr` hands it; on failure it has released the item and set an
    // exception. The items are strings, and the instance dict a Dist may get holds only
    // strings, ints and None written by this package, so the object can never be part of a
    // reference cycle: untracking it only spares the collector a walk over it.
    unsafe {
        let alloc = pyo3::ffi::PyType_GetSlot(tuple_type.as_type_ptr(), pyo3::ffi::Py_tp_alloc);
        if alloc.is_null() {
            return Err(PyTypeError::new_err("the tuple type has no allocator"));
        }
        let alloc: pyo3::ffi::allocfunc = std::mem::transmute(alloc);
        let raw = alloc(tuple_type.as_type_ptr(), 3);
        let object = Bound::from_owned_ptr_or_err(py, raw)?;
        for (at, item) in items.into_iter().enumerate() {
            if pyo3::ffi::PyTuple_SetItem(
                object.as_ptr(),
                at as pyo3::ffi::Py_ssize_t,
                item.into_ptr(),
            ) != 0
            {
                return Err(PyErr::take(py)
                    .unwrap_or_else(|| PyTypeError::new_err("PyTuple_SetItem failed")));
            }
        }
        pyo3::ffi::PyObject_GC_UnTrack(object.as_ptr().cast());
        Ok(object)
    }
}

impl RepodataStore {
    fn shared(&self) -> PyResult<&Shared> {
        self.shared
            .get()
            .ok_or_else(|| PyRuntimeError::new_err("the repodata store is not bound yet"))
    }

    fn record(&self, index: usize) -> PyResult<(u32, &Chunk, &Rec)> {
        let chunk_id = self.data.order.get(index).map_or(0, |&(chunk, _)| chunk);
        self.data
            .locate(index)
            .map(|(chunk, rec)| (chunk_id, chunk, rec))
            .ok_or_else(|| PyIndexError::new_err(format!("no record {index}")))
    }

    /// The Python string of a stored-once value, made on first use and then shared.
    fn shared_str<'py>(
        &self,
        py: Python<'py>,
        chunk_id: u32,
        chunk: &Chunk,
        span: Span,
    ) -> Bound<'py, PyAny> {
        let Some(text) = chunk.str(span) else {
            return py_str(py, chunk, span);
        };
        if text.is_empty() {
            // takes no room in the arena: the next string stored starts at the same place,
            // so the place names no one string
            return PyString::new(py, text).into_any();
        }
        let key = u64::from(chunk_id) << 32 | u64::from(span.start);
        // the GIL is held throughout and nothing here calls back into this store
        let mut strings = self
            .strings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(string) = strings.get(&key) {
            return string.bind(py).clone().into_any();
        }
        let string = PyString::new(py, text);
        strings.insert(key, string.clone().unbind());
        string.into_any()
    }

    fn shared_list<'py>(
        &self,
        py: Python<'py>,
        chunk_id: u32,
        chunk: &Chunk,
        list: List,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some(spans) = chunk.list_spans(list) else {
            return Ok(None);
        };
        let items: Vec<Bound<'py, PyAny>> = spans
            .iter()
            .map(|&span| self.shared_str(py, chunk_id, chunk, span))
            .collect();
        let tuple = PyTuple::new(py, items)?;
        untrack(&tuple);
        Ok(Some(tuple.into_any()))
    }

    /// Field `name` of record `index`, None when the record has no such field.
    pub fn field<'py>(
        &self,
        py: Python<'py>,
        index: usize,
        name: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let shared = self.shared()?;
        let (chunk_id, chunk, rec) = self.record(index)?;
        self.value(py, shared, chunk_id, chunk, rec, name)
    }

    #[allow(clippy::too_many_arguments)]
    fn value<'py>(
        &self,
        py: Python<'py>,
        shared: &Shared,
        chunk_id: u32,
        chunk: &Chunk,
        rec: &Rec,
        name: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let string = |span: Span| -> Option<Bound<'py, PyAny>> {
            (span != Span::ABSENT).then(|| py_str(py, chunk, span))
        };
        let stored_once = |span: Span| -> Option<Bound<'py, PyAny>> {
            (span != Span::ABSENT).then(|| self.shared_str(py, chunk_id, chunk, span))
        };
        Ok(match name {
            "name" => stored_once(rec.name),
            "version" => stored_once(rec.version),
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
            "license" => stored_once(rec.license),
            "license_family" => stored_once(rec.license_family),
            "date" => string(rec.date),
            "preferred_env" => stored_once(rec.preferred_env),
            "python_site_packages_path" => stored_once(rec.python_site_packages_path),
            "depends" => self.shared_list(py, chunk_id, chunk, rec.depends)?,
            "constrains" => self.shared_list(py, chunk_id, chunk, rec.constrains)?,
            "track_features" => self.shared_list(py, chunk_id, chunk, rec.track_features)?,
            "features" => self.shared_list(py, chunk_id, chunk, rec.features)?,
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

    /// Sets what every record shares, and the record's field names in the order `fields`
    /// gives them; once.
    fn bind(
        &self,
        py: Python<'_>,
        common: Bound<'_, PyDict>,
        base_url: String,
        absent: Py<PyAny>,
        noarch: (Py<PyAny>, Py<PyAny>),
        field_names: Vec<String>,
    ) -> PyResult<()> {
        let shared = Shared {
            field_names,
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

    /// `(dists, others)`: per record, its Dist of type `dist_type` (a tuple subclass)
    /// with the items `(channel, file name without extension, extension)`, or None when
    /// the name is not plain enough for that or Python builds the record; and the indices
    /// of the records with stored values whose name is not plain.
    fn dists<'py>(
        &self,
        py: Python<'py>,
        dist_type: Bound<'py, PyType>,
        channel: Bound<'py, PyString>,
    ) -> PyResult<(Bound<'py, PyList>, Vec<usize>)> {
        let shared = self.shared()?;
        let heap = dist_type.is_subclass_of::<PyTuple>()?
            // SAFETY: a live type object; PyType_GetFlags only reads it
            && unsafe { pyo3::ffi::PyType_GetFlags(dist_type.as_type_ptr()) }
                & pyo3::ffi::Py_TPFLAGS_HEAPTYPE
                != 0;
        if !heap {
            return Err(PyTypeError::new_err(
                "dist_type must be a class derived from tuple",
            ));
        }
        let none = py.None();
        let mut dists = Vec::with_capacity(self.data.len);
        let mut others = Vec::new();
        for (index, (chunk, rec)) in self.data.records().enumerate() {
            if rec.slow {
                dists.push(none.bind(py).clone());
                continue;
            }
            if !rec.plain_dist {
                others.push(index);
                dists.push(none.bind(py).clone());
                continue;
            }
            let (stem, format) = super::entry::split_format(chunk.str(rec.fn_).unwrap_or(""));
            let format = match format {
                Format::Conda => 0,
                Format::TarBz2 => 1,
                Format::Other => 2,
            };
            let items = [
                channel.clone().into_any(),
                PyString::new(py, stem).into_any(),
                shared.formats[format].bind(py).clone().into_any(),
            ];
            dists.push(new_tuple_of(&dist_type, items)?);
        }
        Ok((PyList::new(py, dists)?, others))
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
        let (chunk_id, chunk, rec) = self.record(index)?;
        match self.value(py, shared, chunk_id, chunk, rec, name)? {
            Some(value) => Ok(value),
            None => Ok(shared.absent.bind(py).clone()),
        }
    }

    /// Every field record `index` has, as a dict in the order of the bound field names.
    fn fields<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyDict>> {
        let shared = self.shared()?;
        let (chunk_id, chunk, rec) = self.record(index)?;
        let out = PyDict::new(py);
        for name in &shared.field_names {
            if let Some(value) = self.value(py, shared, chunk_id, chunk, rec, name)? {
                out.set_item(name, value)?;
            }
        }
        Ok(out)
    }
}
