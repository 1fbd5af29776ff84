//! Any UTF-8 text: the normaliser never panics, its output has no control or format
//! characters, no leading, trailing or double spaces, and entity decoding is one pass.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simcore_core::normalize::normalize;
use simcore_core::unicode::{is_format, is_space};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let out = normalize(text);
    assert!(!out.starts_with(' ') && !out.ends_with(' ') && !out.contains("  "));
    assert!(out.chars().all(|c| c == ' ' || !(is_space(c) || is_format(c))));
});
