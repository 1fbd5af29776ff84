//! The pipeline's stages, each callable on a batch: extract, detach, compute, convert.

use numpy::ndarray::Array2;
use numpy::{
    IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use rayon::prelude::*;
use simcore_core::jaccard::{is_sorted_set, overlap as core_overlap};
use simcore_core::lsh::{self, LshParams};
use simcore_core::minhash::validate_num_perm;
use simcore_core::parallel::with_threads;
use simcore_core::shingle::ShingleSpec;
use simcore_core::shingle_sets::ShingleSets;
use simcore_core::signatures::signatures as core_signatures;
use simcore_core::verify::verify as core_verify;
use simcore_core::{hash, normalize as core_normalize, shingle};

use crate::convert;
use crate::errors::{detached, to_py};
use crate::text;

fn spec(unit: &str, k: usize, seed: u64) -> PyResult<ShingleSpec> {
    let spec = ShingleSpec {
        unit: convert::unit(unit)?,
        k,
        seed,
    };
    spec.validate().map_err(|e| to_py(&e))?;
    Ok(spec)
}

/// Normalise each text.
#[pyfunction]
pub fn normalize<'py>(
    py: Python<'py>,
    texts: Vec<Bound<'py, PyString>>,
    threads: usize,
) -> PyResult<Vec<String>> {
    let texts = text::read(&texts)?;
    detached(py, || {
        with_threads(threads, || {
            texts
                .par_iter()
                .map_init(Vec::new, |buf, t| core_normalize::normalize(t.as_str(buf)))
                .collect()
        })
    })?
    .map_err(|e| to_py(&e))
}

/// The hashes of the words of one text, in order.
#[pyfunction]
pub fn word_hashes(text: &str, seed: u64) -> Vec<u64> {
    let mut out = Vec::new();
    shingle::word_hashes(text, seed, &mut out);
    out
}

/// Shingle sets as numpy arrays, with each document's token count.
type SetsAndTokens<'py> = (Vec<Bound<'py, PyArray1<u32>>>, Vec<u32>);

/// Sorted, unique 32-bit shingle hashes of each text, and each text's token count.
#[pyfunction]
pub fn shingles<'py>(
    py: Python<'py>,
    texts: Vec<Bound<'py, PyString>>,
    unit: &str,
    k: usize,
    seed: u64,
    threads: usize,
) -> PyResult<SetsAndTokens<'py>> {
    let spec = spec(unit, k, seed)?;
    let texts = text::read(&texts)?;
    let sets = detached(py, || {
        with_threads(threads, || ShingleSets::from_texts(&texts, &spec))
    })?
    .map_err(|e| to_py(&e))?;
    Ok((convert::sets_to_py(py, &sets), sets.tokens().to_vec()))
}

fn rows_to_array(py: Python<'_>, values: Vec<u32>, n: usize, k: usize) -> Bound<'_, PyArray2<u32>> {
    Array2::from_shape_vec((n, k), values)
        .expect("n * k values")
        .into_pyarray(py)
}

/// Signatures of shingle sets, as an (n, num_perm) uint32 array.
#[pyfunction]
pub fn signatures<'py>(
    py: Python<'py>,
    sets: Vec<PyReadonlyArray1<'py, u32>>,
    num_perm: usize,
    seed: u64,
    threads: usize,
) -> PyResult<Bound<'py, PyArray2<u32>>> {
    validate_num_perm(num_perm).map_err(|e| to_py(&e))?;
    let batch = convert::shingle_sets(&sets)?;
    let n = batch.len();
    let values = detached(py, || {
        with_threads(threads, || core_signatures(&batch, num_perm, seed))
    })?
    .map_err(|e| to_py(&e))?;
    Ok(rows_to_array(py, values, n, num_perm))
}

/// Signatures straight from texts, without handing the shingle sets to Python.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn text_signatures<'py>(
    py: Python<'py>,
    texts: Vec<Bound<'py, PyString>>,
    unit: &str,
    k: usize,
    seed: u64,
    num_perm: usize,
    threads: usize,
) -> PyResult<Bound<'py, PyArray2<u32>>> {
    let spec = spec(unit, k, seed)?;
    validate_num_perm(num_perm).map_err(|e| to_py(&e))?;
    let texts = text::read(&texts)?;
    let n = texts.len();
    let values = detached(py, || {
        with_threads(threads, || {
            let sets = ShingleSets::from_texts(&texts, &spec);
            core_signatures(&sets, num_perm, seed)
        })
    })?
    .map_err(|e| to_py(&e))?;
    Ok(rows_to_array(py, values, n, num_perm))
}

fn set_slice<'a>(a: &'a PyReadonlyArray1<'_, u32>, name: &str) -> PyResult<&'a [u32]> {
    let s = a
        .as_slice()
        .map_err(|_| PyValueError::new_err(format!("{name} must be a contiguous uint32 array")))?;
    if !is_sorted_set(s) {
        return Err(PyValueError::new_err(format!(
            "{name} must be sorted ascending without duplicates (as simcore.shingles returns it)"
        )));
    }
    Ok(s)
}

/// (|A ∩ B|, |A|, |B|) of two shingle sets.
#[pyfunction]
pub fn overlap(
    a: PyReadonlyArray1<'_, u32>,
    b: PyReadonlyArray1<'_, u32>,
) -> PyResult<(usize, usize, usize)> {
    let o = core_overlap(set_slice(&a, "a")?, set_slice(&b, "b")?);
    Ok((o.shared, o.size_a, o.size_b))
}

/// (bands, rows) for a design Jaccard threshold.
#[pyfunction]
pub fn lsh_params(threshold: f64, num_perm: usize) -> PyResult<(usize, usize)> {
    validate_num_perm(num_perm).map_err(|e| to_py(&e))?;
    let p = LshParams::derive(threshold, num_perm).map_err(|e| to_py(&e))?;
    Ok((p.bands, p.rows))
}

/// Probability that a pair of Jaccard `j` shares a band.
#[pyfunction]
pub fn lsh_probability(bands: usize, rows: usize, j: f64) -> f64 {
    LshParams { bands, rows }.probability(j)
}

/// The Jaccard a pair has at least, given containment and a size ratio.
#[pyfunction]
pub fn jaccard_floor(containment: f64, min_ratio: f64) -> f64 {
    lsh::jaccard_floor(containment, min_ratio)
}

/// Candidate pairs (m, 2), sorted, from an (n, num_perm) signature array.
#[pyfunction]
pub fn candidate_pairs<'py>(
    py: Python<'py>,
    signatures: PyReadonlyArray2<'py, u32>,
    bands: usize,
    rows: usize,
    seed: u64,
    threads: usize,
) -> PyResult<Bound<'py, PyArray2<i64>>> {
    let shape = signatures.shape();
    let num_perm = shape[1];
    let values = signatures
        .as_slice()
        .map_err(|_| PyValueError::new_err("signatures must be a C-contiguous uint32 array"))?;
    let pairs = detached(py, || {
        with_threads(threads, || {
            lsh::candidate_pairs(values, num_perm, LshParams { bands, rows }, seed)
        })
    })?
    .map_err(|e| to_py(&e))?
    .map_err(|e| to_py(&e))?;
    let flat: Vec<i64> = pairs
        .iter()
        .flat_map(|&(a, b)| [i64::from(a), i64::from(b)])
        .collect();
    Ok(Array2::from_shape_vec((pairs.len(), 2), flat)
        .expect("two columns")
        .into_pyarray(py))
}

/// Exact scores of candidate pairs over shingle sets; returns the pairs that reach the
/// threshold as (pairs (m, 2), shared, jaccard, containment a-in-b, containment b-in-a, score).
#[pyfunction]
#[allow(clippy::type_complexity)]
pub fn verify<'py>(
    py: Python<'py>,
    sets: Vec<PyReadonlyArray1<'py, u32>>,
    pairs: PyReadonlyArray2<'py, i64>,
    measure: &str,
    threshold: f64,
    threads: usize,
) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
    let measure = convert::measure(measure)?;
    let batch = convert::shingle_sets(&sets)?;
    let n = batch.len() as i64;
    let flat = pairs
        .as_slice()
        .map_err(|_| PyValueError::new_err("pairs must be a C-contiguous (m, 2) integer array"))?;
    if pairs.shape()[1] != 2 {
        return Err(PyValueError::new_err("pairs must have shape (m, 2)"));
    }
    let mut list = Vec::with_capacity(flat.len() / 2);
    for p in flat.chunks_exact(2) {
        if p[0] < 0 || p[1] < 0 || p[0] >= n || p[1] >= n || p[0] == p[1] {
            return Err(PyValueError::new_err(format!(
                "pair ({}, {}) does not name two different documents of {n}",
                p[0], p[1]
            )));
        }
        list.push((p[0].min(p[1]) as u32, p[0].max(p[1]) as u32));
    }
    let edges = detached(py, || {
        with_threads(threads, || core_verify(&batch, &list, measure, threshold))
    })?
    .map_err(|e| to_py(&e))?;
    crate::pipeline::edges_dict(py, &edges, threads)
}

/// The specified byte hash (docs/HASHING.md).
#[pyfunction]
pub fn hash_bytes(data: &[u8], seed: u64) -> u64 {
    hash::hash_bytes(data, seed)
}

/// The specified combination of token hashes into a shingle hash.
#[pyfunction]
pub fn combine(token_hashes: Vec<u64>, seed: u64) -> u64 {
    hash::combine(&token_hashes, seed)
}

/// The specified hash of one word shingle from its tokens' hashes.
#[pyfunction]
pub fn window_hash(token_hashes: Vec<u64>, seed: u64) -> u64 {
    hash::window_hash(&token_hashes, seed)
}

/// Is `c` a word character (Unicode 14 general category L*, M* or N*)?
#[pyfunction]
pub fn is_word_char(c: char) -> bool {
    simcore_core::unicode::is_word_char(c)
}
