//! The Python face of the `rm_rf` kernel: one pass, with the GIL released.

use std::ffi::OsString;
use std::path::PathBuf;

use pyo3::prelude::*;

use super::InvalidPath;
use crate::errors;

/// Removes `path` once; returns `(path, errno, reason)` for each path that remains.
#[pyfunction]
pub fn rm_rf_once(
    py: Python<'_>,
    path: PathBuf,
    trash: bool,
) -> PyResult<Vec<(OsString, Option<i32>, String)>> {
    match py.detach(|| super::remove_once(&path, trash)) {
        Ok(failures) => Ok(failures
            .into_iter()
            .map(|f| {
                let reason = f.error.to_string();
                (f.path.into_os_string(), errors::errno_of(&f.error), reason)
            })
            .collect()),
        Err(InvalidPath(path, reason)) => Err(errors::invalid_path(py, &path, reason)),
    }
}
