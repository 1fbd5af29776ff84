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
pub fn narrow_signatures(signatures: &[u32]) -> Vec<u16> {
    signatures.par_iter().map(|&v| narrow(v)).collect()
}

/// The [`narrow`] form of the signatures of `rows` (of signatures stored row-major with `k`
/// columns, `k` >= 1), in the order of `rows`.
#[must_use]
pub fn narrow_rows(signatures: &[u32], k: usize, rows: &[u32]) -> Vec<u16> {
    let mut out = vec![0u16; rows.len() * k];
    out.par_chunks_mut(k)
        .zip(rows.par_iter())
        .for_each(|(out, &d)| {
            let d = d as usize;
            for (o, &v) in out.iter_mut().zip(&signatures[d * k..(d + 1) * k]) {
                *o = narrow(v);
            }
        });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_rows_are_the_narrow_signatures_of_the_rows_in_order() {
        let mut next = crate::testing::xorshift(3);
        let k = 7;
        let signatures: Vec<u32> = (0..5 * k).map(|_| next() as u32).collect();
        let all = narrow_signatures(&signatures);
        let rows: [u32; 5] = [3, 0, 4, 1, 2];
        let want: Vec<u16> = rows
            .iter()
            .flat_map(|&d| all[d as usize * k..(d as usize + 1) * k].iter().copied())
            .collect();
        assert_eq!(narrow_rows(&signatures, k, &rows), want);
    }
}
