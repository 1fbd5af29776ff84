//! Document frequency of shingles and boilerplate suppression.
//!
//! Site furniture, appeals, bylines and datelines recur on many pages; the text of one story
//! recurs only on its copies. The cap is learned from the corpus in one pass: each document's
//! *median* shingle frequency says how many copies its story has, so the cap is a multiple of a
//! high quantile of those medians (never below a floor, so a handful of documents suppresses
//! nothing). Shingles in more documents than the cap are dropped before sketching; a document
//! that would lose every shingle keeps them all.

use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;

use crate::shingle_sets::ShingleSets;

/// How the document-frequency cap is chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DfPolicy {
    /// Keep every shingle.
    Off,
    /// Learn the cap: `max(floor, ceil(multiplier * quantile of per-document median df))`.
    Auto {
        /// Smallest cap ever used.
        floor: u32,
        /// Multiplier of the quantile.
        multiplier: f64,
        /// Quantile of the per-document medians, in (0, 1].
        quantile: f64,
    },
    /// A fixed cap: shingles in more documents than this are dropped.
    Fixed(u32),
}

/// The document frequency of every (document, shingle) entry of a batch, aligned with
/// [`ShingleSets::hashes`], so that learning the cap and suppressing read it sequentially.
#[derive(Debug, Default)]
pub struct DfTable {
    at: Vec<u32>,
}

fn split_by<'a, T>(mut rest: &'a mut [T], starts: &[usize]) -> Vec<&'a mut [T]> {
    let mut parts = Vec::with_capacity(starts.len().saturating_sub(1));
    for w in starts.windows(2) {
        let (head, tail) = rest.split_at_mut(w[1] - w[0]);
        parts.push(head);
        rest = tail;
    }
    parts
}

impl DfTable {
    /// Count, for each entry, the documents that contain the same shingle. Hashes are uniform,
    /// so (hash, position) pairs are scattered into buckets by their top bits in one counting
    /// pass and each bucket is sorted in place, in parallel; runs of equal hashes then give the
    /// counts.
    #[must_use]
    pub fn build(sets: &ShingleSets) -> Self {
        let hashes = sets.hashes();
        let bits = (usize::BITS - hashes.len().max(1).leading_zeros())
            .saturating_sub(13)
            .clamp(1, 10);
        let buckets = 1usize << bits;
        let bucket_of = |h: u64| (h >> (64 - bits)) as usize;
        let mut starts = vec![0usize; buckets + 1];
        for &h in hashes {
            starts[bucket_of(h) + 1] += 1;
        }
        for i in 0..buckets {
            starts[i + 1] += starts[i];
        }
        let mut fill = starts.clone();
        let mut order = vec![(0u64, 0u32); hashes.len()];
        for (pos, &h) in hashes.iter().enumerate() {
            let b = bucket_of(h);
            order[fill[b]] = (h, pos as u32);
            fill[b] += 1;
        }
        // Every position is written exactly once, so relaxed stores from many threads give
        // the same table on every run.
        let at: Vec<AtomicU32> = (0..hashes.len()).map(|_| AtomicU32::new(0)).collect();
        split_by(&mut order, &starts)
            .into_par_iter()
            .for_each(|bucket| {
                bucket.sort_unstable();
                for run in bucket.chunk_by(|a, b| a.0 == b.0) {
                    let count = run.len() as u32;
                    for &(_, pos) in run {
                        at[pos as usize].store(count, Ordering::Relaxed);
                    }
                }
            });
        DfTable {
            at: at.into_iter().map(AtomicU32::into_inner).collect(),
        }
    }

    /// The document frequencies of document `d`'s shingles, in the order of its set.
    #[must_use]
    pub fn of_doc<'a>(&'a self, sets: &ShingleSets, d: usize) -> &'a [u32] {
        &self.at[sets.range(d)]
    }
}

/// Learn the cap for a corpus.
#[must_use]
pub fn learn_cap(
    table: &DfTable,
    sets: &ShingleSets,
    floor: u32,
    multiplier: f64,
    quantile: f64,
) -> u32 {
    let mut medians: Vec<u32> = (0..sets.len())
        .into_par_iter()
        .filter_map(|d| {
            let dfs = table.of_doc(sets, d);
            if dfs.is_empty() {
                return None;
            }
            let mut dfs = dfs.to_vec();
            let mid = dfs.len() / 2;
            Some(*dfs.select_nth_unstable(mid).1)
        })
        .collect();
    if medians.is_empty() {
        return floor;
    }
    medians.sort_unstable();
    let idx = ((quantile * medians.len() as f64).ceil() as usize).clamp(1, medians.len()) - 1;
    let learned = (multiplier * f64::from(medians[idx])).ceil() as u32;
    learned.max(floor)
}

/// Drop shingles whose document frequency exceeds `cap`; returns the new sets and the number
/// of (document, shingle) entries dropped.
#[must_use]
pub fn suppress(table: &DfTable, sets: &ShingleSets, cap: u32) -> (ShingleSets, usize) {
    let n = sets.len();
    let keep_doc = |d: usize| table.of_doc(sets, d).iter().any(|&df| df <= cap);
    let kept_len: Vec<usize> = (0..n)
        .into_par_iter()
        .map(|d| {
            let dfs = table.of_doc(sets, d);
            let k = dfs.iter().filter(|&&df| df <= cap).count();
            if k == 0 {
                dfs.len()
            } else {
                k
            }
        })
        .collect();
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0);
    for &k in &kept_len {
        offsets.push(offsets[offsets.len() - 1] + k);
    }
    let mut hashes = vec![0u64; offsets[n]];
    split_by(&mut hashes, &offsets)
        .into_par_iter()
        .enumerate()
        .for_each(|(d, out)| {
            let set = sets.get(d);
            if keep_doc(d) {
                let dfs = table.of_doc(sets, d);
                let kept = set.iter().zip(dfs).filter(|&(_, &df)| df <= cap);
                for (slot, (&h, _)) in out.iter_mut().zip(kept) {
                    *slot = h;
                }
            } else {
                // A document never loses every shingle.
                out.copy_from_slice(set);
            }
        });
    let dropped = sets.hashes().len() - hashes.len();
    (
        ShingleSets::from_parts(offsets, hashes, sets.tokens().to_vec()),
        dropped,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_suppression() {
        let sets = ShingleSets::from_sets(
            vec![vec![1, 2, 9], vec![2, 3, 9], vec![4, 9], vec![9]],
            vec![3, 3, 2, 1],
        );
        let t = DfTable::build(&sets);
        assert_eq!(t.of_doc(&sets, 0), &[1, 2, 4]);
        assert_eq!(t.of_doc(&sets, 3), &[4]);
        let (s, dropped) = suppress(&t, &sets, 2);
        assert_eq!(s.get(0), &[1, 2]);
        assert_eq!(s.get(3), &[9], "a document never loses every shingle");
        assert_eq!(dropped, 3);
        assert_eq!(learn_cap(&t, &sets, 3, 2.0, 1.0), 8);
        assert_eq!(learn_cap(&t, &sets, 10, 2.0, 0.5), 10);
    }
}
