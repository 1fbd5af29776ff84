//! Conversions between numpy arrays / Python values and core types.

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use simcore_core::cluster::Linkage;
use simcore_core::jaccard::is_sorted_set;
use simcore_core::shingle::Unit;
use simcore_core::shingle_sets::ShingleSets;
use simcore_core::verify::Measure;

pub fn unit(name: &str) -> PyResult<Unit> {
    match name {
        "word" => Ok(Unit::Word),
        "char" => Ok(Unit::Char),
        _ => Err(PyValueError::new_err(format!(
            "unit must be 'word' or 'char', got {name:?}"
        ))),
    }
}

pub fn measure(name: &str) -> PyResult<Measure> {
    match name {
        "jaccard" => Ok(Measure::Jaccard),
        "containment" => Ok(Measure::Containment),
        _ => Err(PyValueError::new_err(format!(
            "measure must be 'jaccard' or 'containment', got {name:?}"
        ))),
    }
}

pub fn linkage(name: &str) -> PyResult<Linkage> {
    match name {
        "components" => Ok(Linkage::Components),
        "guarded" => Ok(Linkage::Guarded),
        "centers" => Ok(Linkage::Centers),
        _ => Err(PyValueError::new_err(format!(
            "linkage must be 'guarded', 'components' or 'centers', got {name:?}"
        ))),
    }
}

/// Copy a list of shingle-hash arrays into a batch, checking each is sorted and unique.
pub fn shingle_sets(sets: &[PyReadonlyArray1<'_, u32>]) -> PyResult<ShingleSets> {
    let mut owned = Vec::with_capacity(sets.len());
    for (i, s) in sets.iter().enumerate() {
        let v = s.as_slice().map_err(|_| {
            PyValueError::new_err(format!("shingle set {i} is not a contiguous uint32 array"))
        })?;
        if !is_sorted_set(v) {
            return Err(PyValueError::new_err(format!(
                "shingle set {i} must be sorted ascending without duplicates (as simcore.shingles returns it)"
            )));
        }
        owned.push(v.to_vec());
    }
    let tokens = owned.iter().map(|s| s.len() as u32).collect();
    Ok(ShingleSets::from_sets(owned, tokens))
}

/// A numpy array of the sets' hashes, one per document.
pub fn sets_to_py<'py>(py: Python<'py>, sets: &ShingleSets) -> Vec<Bound<'py, PyArray1<u32>>> {
    (0..sets.len())
        .map(|d| PyArray1::from_slice(py, sets.get(d)))
        .collect()
}
