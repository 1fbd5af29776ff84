//! The one mapping from core errors (and Rust panics) to Python exceptions.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::{PyKeyboardInterrupt, PyOSError, PyValueError};
use pyo3::prelude::*;
use simcore_core::Error;

pyo3::create_exception!(
    _core,
    SimcoreError,
    pyo3::exceptions::PyException,
    "Base class of simcore's own errors; an internal failure is raised as this, never a crash."
);

/// Convert a core error to the Python exception a user should see.
pub fn to_py(e: &Error) -> PyErr {
    match e {
        Error::InvalidParameter(m) | Error::InvalidInput(m) => PyValueError::new_err(m.clone()),
        Error::Io(m) => PyOSError::new_err(m.clone()),
        Error::Interrupted => PyKeyboardInterrupt::new_err("interrupted"),
    }
}

/// Run `f` without the GIL; a Rust panic becomes a `SimcoreError` instead of aborting.
pub fn detached<T: Send>(py: Python<'_>, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    py.detach(|| catch_unwind(AssertUnwindSafe(f)))
        .map_err(|payload| {
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_else(|| "unknown panic".to_string());
            SimcoreError::new_err(format!(
                "internal error in simcore's core (please report it): {msg}"
            ))
        })
}
