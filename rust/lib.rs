//! `conda_exports._core`: the compiled kernels behind conda_exports.
//!
//! Only module wiring lives here; each domain keeps its kernel and its thin
//! PyO3 wrappers in its own file.

mod errors;
pub mod fetch;
#[cfg(test)]
mod golden;
pub mod hashing;
pub mod match_spec;
pub mod prefix;
pub mod records;
pub mod remove;
pub mod repodata;
pub mod version;

use pyo3::prelude::*;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    records::python::add_constants(m)?;
    hashing::python::add_constants(m)?;
    m.add_function(wrap_pyfunction!(hashing::python::file_digests, m)?)?;
    m.add_function(wrap_pyfunction!(hashing::python::many_file_digests, m)?)?;
    m.add_function(wrap_pyfunction!(version::python::version_key, m)?)?;
    m.add_function(wrap_pyfunction!(version::python::version_keys, m)?)?;
    m.add_function(wrap_pyfunction!(version::python::version_order_new, m)?)?;
    m.add_function(wrap_pyfunction!(records::python::box_fast, m)?)?;
    m.add_function(wrap_pyfunction!(match_spec::python::split_spec, m)?)?;
    m.add_function(wrap_pyfunction!(remove::python::rm_rf_once, m)?)?;
    m.add_function(wrap_pyfunction!(fetch::python::decompress_zst, m)?)?;
    m.add_function(wrap_pyfunction!(fetch::python::zst_supported, m)?)?;
    m.add_function(wrap_pyfunction!(repodata::python::parse_repodata, m)?)?;
    m.add_function(wrap_pyfunction!(repodata::python::duplicates, m)?)?;
    m.add_class::<repodata::python::RepodataStore>()?;
    m.add_function(wrap_pyfunction!(prefix::python::read_conda_meta, m)?)?;
    m.add_class::<prefix::python::CondaMeta>()?;
    m.add_class::<records::descriptor::StoredField>()?;
    Ok(())
}
