//! `simcore._core`: the private native module. Conversion and `py.detach` only; the algorithm
//! lives in `simcore-core` and the public API, defaults and docs in the `simcore` package.

// PyO3 hands every argument over by value (extracted from Python objects); taking a reference
// instead is not possible for #[pyfunction] arguments.
#![allow(clippy::needless_pass_by_value)]

mod control;
mod convert;
mod errors;
mod pipeline;
mod stages;
mod stream;
mod text;

use pyo3::prelude::*;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "NORMALIZER_VERSION",
        simcore_core::normalize::NORMALIZER_VERSION,
    )?;
    m.add("HASH_VERSION", simcore_core::HASH_VERSION)?;
    m.add("UNICODE_VERSION", simcore_core::unicode_version())?;
    m.add("TARGET_RECALL", simcore_core::lsh::TARGET_RECALL)?;
    m.add("CLIQUE_MAX", simcore_core::lsh::CLIQUE_MAX)?;
    m.add("SimcoreError", m.py().get_type::<errors::SimcoreError>())?;
    m.add_function(wrap_pyfunction!(stages::normalize, m)?)?;
    m.add_function(wrap_pyfunction!(stages::word_hashes, m)?)?;
    m.add_function(wrap_pyfunction!(stages::shingles, m)?)?;
    m.add_function(wrap_pyfunction!(stages::signatures, m)?)?;
    m.add_function(wrap_pyfunction!(stages::text_signatures, m)?)?;
    m.add_function(wrap_pyfunction!(stages::overlap, m)?)?;
    m.add_function(wrap_pyfunction!(stages::lsh_params, m)?)?;
    m.add_function(wrap_pyfunction!(stages::lsh_probability, m)?)?;
    m.add_function(wrap_pyfunction!(stages::jaccard_floor, m)?)?;
    m.add_function(wrap_pyfunction!(stages::candidate_pairs, m)?)?;
    m.add_function(wrap_pyfunction!(stages::verify, m)?)?;
    m.add_function(wrap_pyfunction!(stages::hash_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(stages::combine, m)?)?;
    m.add_function(wrap_pyfunction!(stages::window_hash, m)?)?;
    m.add_function(wrap_pyfunction!(stages::is_word_char, m)?)?;
    m.add_function(wrap_pyfunction!(pipeline::cluster, m)?)?;
    m.add_class::<stream::Stream>()?;
    Ok(())
}
