//! Any UTF-8 text, any k and unit: shingling never panics, sets are sorted and unique, the
//! ASCII fast path agrees with the general path, and signatures have no empty bin unless the
//! set is empty.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simcore_core::jaccard::is_sorted_set;
use simcore_core::minhash::{signature_into, EMPTY};
use simcore_core::shingle::{shingle, word_hashes, Scratch, ShingleSpec, Unit};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let k = usize::from(data[0] % 8) + 1;
    let unit = if data[1] & 1 == 0 { Unit::Word } else { Unit::Char };
    let Ok(text) = std::str::from_utf8(&data[2..]) else { return };
    let spec = ShingleSpec { unit, k, seed: u64::from(data[1]) };
    let mut scratch = Scratch::default();
    let s = shingle(text, &spec, &mut scratch);
    assert!(is_sorted_set(&s.hashes));
    if text.is_ascii() {
        let mut fast = Vec::new();
        word_hashes(text, 1, &mut fast);
        let mut general = Vec::new();
        word_hashes(&format!("{text} \u{e9}"), 1, &mut general);
        assert_eq!(fast[..], general[..fast.len()]);
    }
    let mut sig = vec![0u32; 16];
    signature_into(&s.hashes, 3, &mut sig);
    assert_eq!(s.hashes.is_empty(), sig.iter().all(|&v| v == EMPTY));
});
