//! `cluster`: the whole pipeline in one call, with progress and Ctrl-C between batches.

use numpy::{IntoPyArray, PyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use simcore_core::boilerplate::SampleRule;
use simcore_core::df::DfPolicy;
use simcore_core::lsh::LshParams;
use simcore_core::parallel::with_threads;
use simcore_core::pipeline::{run, Config, Output};
use simcore_core::shingle::ShingleSpec;
use simcore_core::verify::{Edge, EdgeColumns};

use crate::control::PyControl;
use crate::convert;
use crate::errors::{detached, to_py};
use crate::text;

fn array<T: numpy::Element>(py: Python<'_>, v: Vec<T>) -> Bound<'_, PyArray1<T>> {
    v.into_pyarray(py)
}

/// Verified edges as a dict of equal-length arrays, computed on `threads` threads without the
/// GIL.
pub fn edges_dict<'py>(
    py: Python<'py>,
    edges: &[Edge],
    threads: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let c = detached(py, || with_threads(threads, || EdgeColumns::of(edges)))?
        .map_err(|e| to_py(&e))?;
    let d = PyDict::new(py);
    d.set_item("a", array(py, c.a))?;
    d.set_item("b", array(py, c.b))?;
    d.set_item("shared", array(py, c.shared))?;
    d.set_item("jaccard", array(py, c.jaccard))?;
    d.set_item("containment_a", array(py, c.containment_a))?;
    d.set_item("containment_b", array(py, c.containment_b))?;
    d.set_item("score", array(py, c.score))?;
    Ok(d)
}

/// The run configuration, passed from Python as one dict (`Settings.core_config()`).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub struct ConfigArgs {
    unit: String,
    k: usize,
    seed: u64,
    num_perm: usize,
    bands: usize,
    rows: usize,
    measure: String,
    threshold: f64,
    df_mode: String,
    df_floor: u32,
    df_multiplier: f64,
    df_quantile: f64,
    df_cap: u32,
    linkage: String,
}

impl ConfigArgs {
    /// The core configuration (the core validates the numbers).
    pub fn to_config(&self) -> PyResult<Config> {
        let df = match self.df_mode.as_str() {
            "off" => DfPolicy::Off,
            "auto" => DfPolicy::Auto {
                floor: self.df_floor,
                multiplier: self.df_multiplier,
                quantile: self.df_quantile,
            },
            "fixed" => DfPolicy::Fixed(self.df_cap),
            mode => {
                return Err(PyValueError::new_err(format!(
                    "df mode must be 'off', 'auto' or 'fixed', got {mode:?}"
                )))
            }
        };
        Ok(Config {
            shingle: ShingleSpec {
                unit: convert::unit(&self.unit)?,
                k: self.k,
                seed: self.seed,
            },
            num_perm: self.num_perm,
            lsh: LshParams {
                bands: self.bands,
                rows: self.rows,
            },
            measure: convert::measure(&self.measure)?,
            threshold: self.threshold,
            df,
            df_sample: SampleRule::default(),
            linkage: convert::linkage(&self.linkage)?,
        })
    }
}

/// A run's output as a dict of arrays and figures (the edges' columns computed on `threads`
/// threads).
pub fn output_dict(py: Python<'_>, out: Output, threads: usize) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    let c = out.clustering;
    d.set_item(
        "labels",
        array(py, c.labels.iter().map(|&l| i64::from(l)).collect()),
    )?;
    d.set_item(
        "representatives",
        array(
            py,
            c.representatives.iter().map(|&r| i64::from(r)).collect(),
        ),
    )?;
    d.set_item("weakest", array(py, c.weakest))?;
    d.set_item("refused_merges", c.refused_merges)?;
    d.set_item("edges", edges_dict(py, &out.edges, threads)?)?;
    d.set_item("candidates", out.candidates)?;
    d.set_item("verified", out.verified)?;
    let suppression = out.suppression;
    d.set_item("df_cap", suppression.map(|s| s.cap))?;
    d.set_item("df_stride", suppression.map_or(1, |s| s.stride))?;
    d.set_item("suppressed", suppression.map_or(0, |s| s.dropped))?;
    d.set_item(
        "tokens",
        array(py, out.tokens.iter().map(|&t| i64::from(t)).collect()),
    )?;
    d.set_item(
        "shingles",
        array(py, out.shingles.iter().map(|&t| i64::from(t)).collect()),
    )?;
    let t = PyDict::new(py);
    t.set_item("shingle", out.times.shingle)?;
    t.set_item("boilerplate", out.times.boilerplate)?;
    t.set_item("sketch", out.times.sketch)?;
    t.set_item("band", out.times.band)?;
    t.set_item("verify", out.times.verify)?;
    t.set_item("cluster", out.times.cluster)?;
    d.set_item("times", t)?;
    Ok(d)
}

/// Run the whole pipeline; returns a dict of arrays and figures.
#[pyfunction]
#[pyo3(signature = (texts, config, *, priority, threads, progress))]
pub fn cluster<'py>(
    py: Python<'py>,
    texts: Vec<Bound<'py, PyString>>,
    config: ConfigArgs,
    priority: Option<Vec<u64>>,
    threads: usize,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let cfg = config.to_config()?;
    let ctl = PyControl::new(progress);
    let texts = text::read(&texts)?;
    let result = detached(py, || run(&texts, priority.as_deref(), &cfg, threads, &ctl))?;
    let out = result.map_err(|e| ctl.into_error(&e))?;
    output_dict(py, out, threads)
}
