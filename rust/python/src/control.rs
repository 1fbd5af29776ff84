//! Checkpoints from the core: Ctrl-C and an optional progress callback, run with the GIL held
//! briefly on the caller's thread between batches.

use std::sync::Mutex;

use pyo3::prelude::*;
use simcore_core::control::Control;
use simcore_core::{Error, Result};

/// Checks Python's signal handlers and calls `progress(stage, done, total)` at each checkpoint.
pub struct PyControl {
    progress: Option<Py<PyAny>>,
    raised: Mutex<Option<PyErr>>,
}

impl PyControl {
    pub fn new(progress: Option<Py<PyAny>>) -> Self {
        PyControl {
            progress,
            raised: Mutex::new(None),
        }
    }

    /// The Python exception that stopped the run, if one did; otherwise the core error.
    pub fn into_error(self, e: &Error) -> PyErr {
        match self.raised.into_inner() {
            Ok(Some(err)) => err,
            _ => crate::errors::to_py(e),
        }
    }
}

impl Control for PyControl {
    fn checkpoint(&self, stage: &str, done: usize, total: usize) -> Result<()> {
        Python::attach(|py| {
            let res = py.check_signals().and_then(|()| match &self.progress {
                Some(cb) => cb.call1(py, (stage, done, total)).map(drop),
                None => Ok(()),
            });
            res.map_err(|err| {
                if let Ok(mut slot) = self.raised.lock() {
                    *slot = Some(err);
                }
                Error::Interrupted
            })
        })
    }
}
