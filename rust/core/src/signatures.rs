//! Signatures of a batch of shingle sets, row-major (`n` rows of `num_perm` values).

use rayon::prelude::*;

use crate::minhash::{narrow, signature_into};
use crate::shingle_sets::ShingleSets;

/// Compute the signatures of documents `range` of `sets` into `out` (one row per document).
pub fn signatures_into(
    sets: &ShingleSets,
    range: std::ops::Range<usize>,
    num_perm: usize,
    seed: u64,
    out: &mut [u32],
) {
    out.par_chunks_mut(num_perm)
        .zip(range.into_par_iter())
        .for_each(|(row, d)| signature_into(sets.get(d), seed, row));
}

/// Signatures of every document of `sets`.
#[must_use]
pub fn signatures(sets: &ShingleSets, num_perm: usize, seed: u64) -> Vec<u32> {
    let mut out = vec![0u32; sets.len() * num_perm];
    signatures_into(sets, 0..sets.len(), num_perm, seed, &mut out);
    out
}

/// The [`narrow`] form of signatures, in the same layout.
#[must_use]
pub fn narrow_signatures(signatures: &[u32]) -> Vec<u8> {
    signatures.par_iter().map(|&v| narrow(v)).collect()
}
