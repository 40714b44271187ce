//! The one place where kernel errors become Python exceptions.
//!
//! The exception classes live in `conda_exports.exceptions`; building them there
//! keeps both backends raising exactly the same types and messages.

use std::io;
use std::path::Path;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

const EXCEPTIONS: &str = "conda_exports.exceptions";

/// errno for `err`: the raw code on Unix, a translation of the kind elsewhere.
pub fn errno_of(err: &io::Error) -> Option<i32> {
    if cfg!(unix) {
        if let Some(code) = err.raw_os_error() {
            return Some(code);
        }
    }
    match err.kind() {
        io::ErrorKind::NotFound => Some(2),
        io::ErrorKind::PermissionDenied => Some(13),
        io::ErrorKind::IsADirectory => Some(21),
        _ => err.raw_os_error(),
    }
}

fn build<'py>(py: Python<'py>, class: &str, args: impl pyo3::call::PyCallArgs<'py>) -> PyErr {
    let made = py
        .import(EXCEPTIONS)
        .and_then(|m| m.getattr(class))
        .and_then(|factory| factory.call1(args));
    match made {
        Ok(exc) => PyErr::from_value(exc),
        Err(err) => err,
    }
}

/// The package's exception for an I/O error on `path`.
///
/// An errno on Unix goes without text: Python words it with `os.strerror`, as it words
/// the same OSError in the pure-Python kernels, where Rust's text would add " (os error N)".
pub fn path_io_error(py: Python<'_>, path: &Path, err: &io::Error) -> PyErr {
    let message = match err.raw_os_error() {
        Some(_) if cfg!(unix) => None,
        _ => Some(err.to_string()),
    };
    build(
        py,
        "os_error_for_path",
        (errno_of(err), message, path.as_os_str()),
    )
}

/// A FIFO, socket or device where a regular file was expected.
pub fn not_regular_file(py: Python<'_>, path: &Path) -> PyErr {
    build(py, "NotARegularFileError", (path.as_os_str(),))
}

pub fn value_error(message: String) -> PyErr {
    PyValueError::new_err(message)
}

/// `path` cannot be removed at all (empty, a filesystem root, a NUL byte).
pub fn invalid_path(py: Python<'_>, path: &Path, reason: &str) -> PyErr {
    build(py, "InvalidRemovePathError", (path.as_os_str(), reason))
}

/// `path` is not complete zstd data (corrupt, truncated or not zstd at all).
pub fn zstd_corrupt(py: Python<'_>, path: &Path, reason: &str) -> PyErr {
    build(py, "ZstdDecompressionError", (path.as_os_str(), reason))
}

/// A repodata file that is not JSON, or not shaped like repodata.
pub fn invalid_repodata(py: Python<'_>, path: &Path, offset: Option<usize>, reason: &str) -> PyErr {
    build(
        py,
        "RepodataDecodeError",
        (path.as_os_str(), offset, reason),
    )
}
