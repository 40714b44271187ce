//! Record construction: the fast pass over a repodata entry's keyword arguments.
//!
//! `PackageRecord(**entry)` checks and boxes every value the way conda's fields do. Nearly
//! every value in real repodata has one of a few easy forms: a `str` for a string field,
//! an `int` for an integer field, a list of `str` for `depends` / `constrains`, `None` for
//! a nullable field, a number for `timestamp`, one of a handful of words for an enum
//! field. This pass stores those in one loop in Rust, drops keys that are no field (conda
//! ignores them) and hands every other key (aliases, anything needing conversion or an
//! error) back to Python, which boxes it exactly as the pure-Python backend does.

/// What a field holds, as far as the fast pass is concerned (codes shared with
/// `models/records.py`: the low four bits are the kind, bit 4 says `None` is allowed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// a string field: an exact `str` is stored
    Str,
    /// an integer field: an exact `int` is stored
    Int,
    /// a string-sequence field: an exact list/tuple of exact `str` is stored as a tuple
    StrSeq,
    /// a string stored as given (the record resolves it on first use)
    Keep,
    /// conda's timestamp: an exact `int` / `float`; above 9999-12-31 in seconds, milliseconds
    Timestamp,
    /// an enum field: the value is looked up in the field's table of known values
    Lookup,
    Other,
}

/// The field codes, the one definition: exported to Python (`KIND_*`, `NULLABLE`), which
/// builds a code per field from them; the fallback's copy is checked equal by the tests.
pub mod codes {
    pub const STR: u8 = 0;
    pub const INT: u8 = 1;
    pub const STR_SEQ: u8 = 2;
    pub const KEEP: u8 = 3;
    pub const TIMESTAMP: u8 = 4;
    pub const LOOKUP: u8 = 5;
    /// boxed in Python
    pub const PYTHON: u8 = 15;
    pub const NULLABLE: u8 = 0x10;
    /// (name exported to Python, code)
    pub const ALL: [(&str, u8); 8] = [
        ("KIND_STR", STR),
        ("KIND_INT", INT),
        ("KIND_STR_SEQ", STR_SEQ),
        ("KIND_KEEP", KEEP),
        ("KIND_TIMESTAMP", TIMESTAMP),
        ("KIND_LOOKUP", LOOKUP),
        ("KIND_PYTHON", PYTHON),
        ("NULLABLE", NULLABLE),
    ];
}

pub use codes::NULLABLE;

impl Kind {
    pub fn from_code(code: u8) -> Kind {
        match code & 0x0F {
            codes::STR => Kind::Str,
            codes::INT => Kind::Int,
            codes::STR_SEQ => Kind::StrSeq,
            codes::KEEP => Kind::Keep,
            codes::TIMESTAMP => Kind::Timestamp,
            codes::LOOKUP => Kind::Lookup,
            _ => Kind::Other,
        }
    }
}

/// The Python type of a value, as far as the fast pass looks at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// exactly `str`
    Str,
    /// exactly `int` (not `bool`)
    Int,
    /// exactly `float`
    Float,
    /// exactly `list` or `tuple` whose items are all exactly `str`
    StrSeq,
    None,
    Other,
}

/// Whether a value of `shape` can be stored for a field of `kind` without Python's help
/// (`Lookup` values also need to be found in the table).
pub fn stored_as_is(kind: Kind, shape: Shape) -> bool {
    matches!(
        (kind, shape),
        (Kind::Str, Shape::Str)
            | (Kind::Int, Shape::Int)
            | (Kind::StrSeq, Shape::StrSeq)
            | (Kind::Timestamp, Shape::Int | Shape::Float)
            | (Kind::Lookup, Shape::Str)
            | (Kind::Keep, Shape::Str)
    )
}

/// conda's reading of a timestamp: larger than 9999-12-31 in seconds means milliseconds
/// (exported to Python as `MAX_SECONDS`).
pub const MAX_SECONDS_INT: i64 = 253_402_300_799;
pub const MAX_SECONDS: f64 = MAX_SECONDS_INT as f64;

pub fn is_milliseconds(value: f64) -> bool {
    value != 0.0 && value > MAX_SECONDS
}

pub mod python {
    /// Puts the field codes and `MAX_SECONDS` on the module, for `models/records.py`.
    pub fn add_constants(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
        use pyo3::types::PyModuleMethods;
        for (name, code) in super::codes::ALL {
            m.add(name, code)?;
        }
        m.add("MAX_SECONDS", super::MAX_SECONDS_INT)
    }

    use pyo3::prelude::*;
    use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

    use super::{is_milliseconds, stored_as_is, Kind, Shape, NULLABLE};

    fn all_str<'py>(mut items: impl Iterator<Item = Bound<'py, PyAny>>) -> bool {
        items.all(|item| item.is_exact_instance_of::<PyString>())
    }

    fn shape_of(value: &Bound<'_, PyAny>) -> Shape {
        if value.is_none() {
            Shape::None
        } else if value.is_exact_instance_of::<PyString>() {
            Shape::Str
        } else if value.is_exact_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
            Shape::Int
        } else if value.is_exact_instance_of::<PyFloat>() {
            Shape::Float
        } else if let Ok(list) = value.cast_exact::<PyList>() {
            if all_str(list.iter()) {
                Shape::StrSeq
            } else {
                Shape::Other
            }
        } else if let Ok(tuple) = value.cast_exact::<PyTuple>() {
            if all_str(tuple.iter()) {
                Shape::StrSeq
            } else {
                Shape::Other
            }
        } else {
            Shape::Other
        }
    }

    /// The stored form of `value`, or None when Python must box it.
    fn fast_value<'py>(
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        value: &Bound<'py, PyAny>,
        code: u8,
        tables: &Bound<'py, PyDict>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let kind = Kind::from_code(code);
        let shape = shape_of(value);
        if shape == Shape::None {
            return Ok(if code & NULLABLE != 0 {
                Some(value.clone())
            } else {
                None
            });
        }
        if !stored_as_is(kind, shape) {
            return Ok(None);
        }
        match kind {
            Kind::StrSeq => {
                let items: Vec<Bound<'py, PyAny>> = value.try_iter()?.collect::<PyResult<_>>()?;
                Ok(Some(PyTuple::new(py, items)?.into_any()))
            }
            Kind::Timestamp => {
                let seconds: f64 = if shape == Shape::Int {
                    // ints beyond 2**53 are not exact doubles: Python divides those itself
                    match value.extract::<i64>() {
                        Ok(n) if n.unsigned_abs() < (1u64 << 53) => n as f64,
                        _ => return Ok(None),
                    }
                } else {
                    let float: f64 = value.extract()?;
                    if !float.is_finite() {
                        return Ok(None); // refused by Python, with its error
                    }
                    float
                };
                if is_milliseconds(seconds) {
                    Ok(Some(PyFloat::new(py, seconds / 1000.0).into_any()))
                } else {
                    Ok(Some(value.clone()))
                }
            }
            Kind::Lookup => match tables.get_item(key)? {
                Some(table) => table.cast_into::<PyDict>()?.get_item(value),
                None => Ok(None),
            },
            _ => Ok(Some(value.clone())),
        }
    }

    /// `(stored, slow_keys)`: the values stored without Python's help and the keys Python
    /// must box itself. `kinds` maps every field name and alias to its code (keys not in it
    /// are dropped), `tables` an enum field's name to its table of known values.
    #[pyfunction]
    pub fn box_fast<'py>(
        py: Python<'py>,
        kwargs: &Bound<'py, PyDict>,
        kinds: &Bound<'py, PyDict>,
        tables: &Bound<'py, PyDict>,
    ) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyList>)> {
        let stored = PyDict::new(py);
        let slow = PyList::empty(py);
        for (key, value) in kwargs.iter() {
            // a key that is neither a field nor an alias is ignored, as conda ignores it
            let Some(code) = kinds.get_item(&key)? else {
                continue;
            };
            match fast_value(py, &key, &value, code.extract::<u8>()?, tables)? {
                Some(boxed) => stored.set_item(key, boxed)?,
                None => slow.append(key)?,
            }
        }
        Ok((stored, slow))
    }
}

/// The descriptor of a record field (`PackageRecord.name`, ...): for a record read from
/// repodata, the value comes from its store on first read and is then kept in the instance
/// dict, where later reads find it first; otherwise (or when the store has no such field)
/// the field's constant default or derived value, as for any record.
pub mod descriptor {
    use pyo3::exceptions::PyAttributeError;
    use pyo3::intern;
    use pyo3::prelude::*;
    use pyo3::types::{PyString, PyTuple};

    use crate::repodata::python::RepodataStore;

    /// `object.__getattribute__(obj, name)`: the slots and `__dict__` of a record, without
    /// the class's own `__getattr__` hook in the way.
    fn generic_getattr<'py>(
        obj: &Bound<'py, PyAny>,
        name: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = obj.py();
        // SAFETY: both pointers are live objects we hold references to, and `py` proves the
        // GIL is held, which is all PyObject_GenericGetAttr asks; it returns a new reference
        // or NULL with an exception set, which `from_owned_ptr_or_err` takes over.
        unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                pyo3::ffi::PyObject_GenericGetAttr(obj.as_ptr(), name.as_ptr()),
            )
        }
    }

    #[pyclass(frozen, module = "conda_exports._core")]
    pub struct StoredField {
        name: Py<PyString>,
        field: String,
        constant: Py<PyAny>,
        derived: Option<Py<PyAny>>,
        inputs: Py<PyTuple>,
        missing: Py<PyAny>,
        absent: Py<PyAny>,
    }

    impl StoredField {
        fn fallback<'py>(
            &self,
            py: Python<'py>,
            instance: Option<&Bound<'py, PyAny>>,
            owner: Option<Bound<'py, PyAny>>,
        ) -> PyResult<Bound<'py, PyAny>> {
            if let Some(derived) = &self.derived {
                return derived.bind(py).call1((instance, owner));
            }
            if self.constant.is(&self.missing) {
                return Err(PyAttributeError::new_err(self.name.clone_ref(py)));
            }
            Ok(self.constant.bind(py).clone())
        }
    }

    #[pymethods]
    impl StoredField {
        /// `name`; the default (`missing` when there is none) or the derived value's
        /// `__get__`; the fields that derived value reads; the store's "no such field".
        #[new]
        fn new(
            name: Bound<'_, PyString>,
            constant: Py<PyAny>,
            derived: Option<Py<PyAny>>,
            inputs: Bound<'_, PyTuple>,
            missing: Py<PyAny>,
            absent: Py<PyAny>,
        ) -> Self {
            StoredField {
                field: name.to_cow().map(|n| n.into_owned()).unwrap_or_default(),
                name: name.unbind(),
                constant,
                derived,
                inputs: inputs.unbind(),
                missing,
                absent,
            }
        }

        #[getter]
        fn name(&self, py: Python<'_>) -> Py<PyString> {
            self.name.clone_ref(py)
        }

        fn __get__<'py>(
            &self,
            py: Python<'py>,
            instance: Option<Bound<'py, PyAny>>,
            owner: Option<Bound<'py, PyAny>>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let Some(instance) = instance else {
                return self.fallback(py, None, owner);
            };
            let store = generic_getattr(&instance, intern!(py, "_store"))?;
            if !store.is_none() {
                let index = generic_getattr(&instance, intern!(py, "_index"))?;
                let name = self.name.bind(py);
                let value = match store.cast::<RepodataStore>() {
                    Ok(rust) => rust.get().field(py, index.extract()?, &self.field)?,
                    Err(_) => {
                        let value = store.call_method1(intern!(py, "get"), (index, name))?;
                        (!value.is(&self.absent)).then_some(value)
                    }
                };
                if let Some(value) = value {
                    generic_getattr(&instance, intern!(py, "__dict__"))?.set_item(name, &value)?;
                    return Ok(value);
                }
                for input in self.inputs.bind(py).iter() {
                    if let Err(err) = instance.getattr(input.cast::<PyString>()?) {
                        if !err.is_instance_of::<PyAttributeError>(py) {
                            return Err(err);
                        }
                    }
                }
            }
            self.fallback(py, Some(&instance), owner)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_codes() {
        assert_eq!(Kind::from_code(0), Kind::Str);
        assert_eq!(Kind::from_code(1), Kind::Int);
        assert_eq!(Kind::from_code(2), Kind::StrSeq);
        assert_eq!(Kind::from_code(3), Kind::Keep);
        assert_eq!(Kind::from_code(4), Kind::Timestamp);
        assert_eq!(Kind::from_code(5), Kind::Lookup);
        assert_eq!(Kind::from_code(0x10), Kind::Str);
        assert_eq!(Kind::from_code(6), Kind::Other);
        assert_eq!(Kind::from_code(0x1F), Kind::Other);
    }

    #[test]
    fn only_easy_forms_skip_python() {
        assert!(stored_as_is(Kind::Str, Shape::Str));
        assert!(stored_as_is(Kind::Int, Shape::Int));
        assert!(stored_as_is(Kind::StrSeq, Shape::StrSeq));
        assert!(stored_as_is(Kind::Timestamp, Shape::Int));
        assert!(stored_as_is(Kind::Timestamp, Shape::Float));
        assert!(stored_as_is(Kind::Lookup, Shape::Str));
        assert!(stored_as_is(Kind::Keep, Shape::Str));
        assert!(!stored_as_is(Kind::Keep, Shape::Other));
        assert!(!stored_as_is(Kind::Keep, Shape::None));
        assert!(!stored_as_is(Kind::Str, Shape::Int));
        assert!(!stored_as_is(Kind::Int, Shape::Str));
        assert!(!stored_as_is(Kind::Int, Shape::Float));
        assert!(!stored_as_is(Kind::StrSeq, Shape::Str));
        assert!(!stored_as_is(Kind::Timestamp, Shape::Str));
        assert!(!stored_as_is(Kind::Lookup, Shape::Int));
        assert!(!stored_as_is(Kind::Other, Shape::Str));
        assert!(!stored_as_is(Kind::Str, Shape::None));
    }

    #[test]
    fn milliseconds_threshold() {
        assert!(!is_milliseconds(0.0));
        assert!(!is_milliseconds(1_600_000_000.0));
        assert!(!is_milliseconds(MAX_SECONDS));
        assert!(is_milliseconds(MAX_SECONDS + 1.0));
        assert!(is_milliseconds(1_600_000_000_123.0));
    }
}
