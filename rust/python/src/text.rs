//! Documents read from Python strings in place, in the form Python stores them.
//!
//! Asking Python for UTF-8 (`PyUnicode_AsUTF8AndSize`, which `&str` and `PyBackedStr` use) is
//! free for an ASCII string, whose bytes are UTF-8, but for any other string Python encodes a
//! UTF-8 copy, one string at a time under the GIL, and keeps it on the string for as long as the
//! string lives. At a million news articles (a tenth of them not ASCII) those copies were 0.37
//! GB that stayed with the caller's strings after the call; on 20,000 articles they took 8-13 ms
//! of a 0.18 s run on two threads. Read in place, a string that is not ASCII is written as UTF-8
//! by the worker thread that shingles it, into a buffer the thread reuses.

use pyo3::exceptions::PyUnicodeEncodeError;
use pyo3::prelude::*;
#[cfg(target_endian = "little")]
use pyo3::types::string::PyStringData;
use pyo3::types::PyString;
use simcore_core::text::Text;

/// The text of each string, borrowed from it. A lone surrogate (which a `str` can hold, and
/// which is not text) raises `UnicodeEncodeError`, as encoding the string would; the package
/// turns it into an error that names the document.
pub fn read<'a>(strings: &'a [Bound<'_, PyString>]) -> PyResult<Vec<Text<'a>>> {
    strings.iter().map(read_one).collect()
}

#[cfg(target_endian = "little")]
fn read_one<'a>(s: &'a Bound<'_, PyString>) -> PyResult<Text<'a>> {
    // SAFETY: `s` is a live `str` (the borrow keeps it alive, and a `str` never changes), and
    // the text borrows it. `data` readies a legacy string first (Python 3.11) and decodes the
    // string's kind from a C bitfield, which PyO3 tests on little-endian targets only (hence
    // the `cfg`); `PyUnicode_IS_ASCII` reads the same bitfield of the readied string.
    #[allow(unsafe_code)]
    let (data, ascii) = unsafe { (s.data()?, pyo3::ffi::PyUnicode_IS_ASCII(s.as_ptr()) != 0) };
    let text = match data {
        // An ASCII string's UTF-8 is its own bytes: Python hands them over without a copy.
        PyStringData::Ucs1(_) if ascii => Text::Utf8(s.to_str()?),
        PyStringData::Ucs1(b) => Text::Latin1(b),
        PyStringData::Ucs2(u) => Text::Ucs2(u),
        PyStringData::Ucs4(u) => Text::Ucs4(u),
    };
    if let Some(at) = text.first_surrogate() {
        return Err(PyUnicodeEncodeError::new_err((
            "utf-8",
            s.clone().unbind(),
            at,
            at + 1,
            "surrogates not allowed",
        )));
    }
    Ok(text)
}

/// Elsewhere, the UTF-8 Python makes (and keeps).
#[cfg(not(target_endian = "little"))]
fn read_one<'a>(s: &'a Bound<'_, PyString>) -> PyResult<Text<'a>> {
    Ok(Text::Utf8(s.to_str()?))
}
