//! The one error type of the core; every message is written for the Python user who will read it.

use std::fmt;

/// Everything that can go wrong in simcore's core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A parameter is out of range or inconsistent (maps to `ValueError`).
    InvalidParameter(String),
    /// An input document or array is malformed (maps to `ValueError`).
    InvalidInput(String),
    /// A scratch file could not be written or read (maps to `OSError`).
    Io(String),
    /// The run was stopped by the caller (e.g. Ctrl-C); maps to `KeyboardInterrupt`.
    Interrupted,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidParameter(m) | Error::InvalidInput(m) | Error::Io(m) => f.write_str(m),
            Error::Interrupted => f.write_str("interrupted"),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand for results in the core.
pub type Result<T> = std::result::Result<T, Error>;

/// Build an [`Error::InvalidParameter`] from a format string.
macro_rules! bad_param {
    ($($arg:tt)*) => { $crate::error::Error::InvalidParameter(format!($($arg)*)) };
}
pub(crate) use bad_param;
