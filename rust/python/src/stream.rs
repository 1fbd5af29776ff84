//! `Stream`: a run whose documents arrive in batches and whose shingle sets spill to a scratch
//! directory (see `simcore_core::stream`).

use std::path::PathBuf;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use simcore_core::stream;

use crate::control::PyControl;
use crate::errors::{detached, to_py};
use crate::pipeline::{output_dict, ConfigArgs};
use crate::text;

/// A run over batches of documents; `finish` returns what `cluster` returns.
#[pyclass(module = "simcore._core")]
pub struct Stream {
    /// `None` once finished, or after a failed batch (its documents are half spilled).
    inner: Option<stream::Stream>,
    /// Threads of the run (0: one per core).
    threads: usize,
}

fn closed() -> PyErr {
    PyRuntimeError::new_err("this stream is finished (or a batch failed); start a new one")
}

#[pymethods]
impl Stream {
    #[new]
    #[pyo3(signature = (dir, config, *, memory, block_bytes, threads))]
    fn new(
        dir: PathBuf,
        config: ConfigArgs,
        memory: usize,
        block_bytes: usize,
        threads: usize,
    ) -> PyResult<Self> {
        let cfg = config.to_config()?;
        let inner =
            stream::Stream::new(cfg, &dir, memory, block_bytes, threads).map_err(|e| to_py(&e))?;
        Ok(Stream {
            inner: Some(inner),
            threads,
        })
    }

    /// Shingle and spill a batch of documents.
    #[pyo3(signature = (texts, *, progress=None))]
    fn push<'py>(
        &mut self,
        py: Python<'py>,
        texts: Vec<Bound<'py, PyString>>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<()> {
        let s = self.inner.as_mut().ok_or_else(closed)?;
        let ctl = PyControl::new(progress);
        let texts = text::read(&texts)?;
        let result = detached(py, || s.push(&texts, &ctl));
        match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                self.inner = None;
                Err(ctl.into_error(&e))
            }
            Err(e) => {
                self.inner = None;
                Err(e)
            }
        }
    }

    fn __len__(&self) -> PyResult<usize> {
        Ok(self.inner.as_ref().ok_or_else(closed)?.len())
    }

    /// Run the remaining stages over every document pushed.
    #[pyo3(signature = (*, priority=None, progress=None))]
    fn finish<'py>(
        &mut self,
        py: Python<'py>,
        priority: Option<Vec<u64>>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let s = self.inner.take().ok_or_else(closed)?;
        let ctl = PyControl::new(progress);
        let result = detached(py, || s.finish(priority.as_deref(), &ctl))?;
        let out = result.map_err(|e| ctl.into_error(&e))?;
        output_dict(py, out, self.threads)
    }
}
