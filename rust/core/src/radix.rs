//! Least-significant-digit radix sort of integer keys, and the sorted unique pair lists built
//! on it and merged.
//!
//! Candidate pairs are emitted by the million, once per band they collide in; sorting them by
//! comparison dominated the banding stage. Packed into `bits`-bit keys they sort in
//! `ceil(bits / 11)` linear passes; from a few million keys, the first pass splits them by the
//! top digit into parts that finish in cache, in parallel.

/// Bits sorted per pass: 2048 counters, few enough streams for the scatter to stay in cache.
const DIGIT: u32 = 11;
/// Below this many keys a comparison sort is faster.
const SMALL: usize = 256;

/// From this many keys, [`sort`] first splits them by their top digit, then sorts the parts
/// in parallel: each part stays in cache for its remaining passes, where the whole array went
/// through memory once per pass.
const SPLIT: usize = 1 << 22;

/// Sort `keys`, all of which are below `2^bits`, ascending. Large inputs are split by their
/// top digit and the parts sorted in parallel on the current rayon pool.
pub fn sort(keys: &mut Vec<u64>, bits: u32) {
    if keys.len() >= SPLIT && bits > DIGIT {
        split_sort(keys, bits);
    } else {
        let mut scratch = Vec::new();
        lsd(keys, &mut scratch, bits);
    }
}

/// How many of `keys` have each value of a digit.
fn counts_of(keys: &[u64], digit: impl Fn(u64) -> usize) -> Vec<usize> {
    let mut counts = vec![0usize; 1 << DIGIT];
    for &k in keys {
        counts[digit(k)] += 1;
    }
    counts
}

/// Counts turned into start offsets, in place.
fn into_starts(mut counts: Vec<usize>) -> Vec<usize> {
    let mut acc = 0;
    for c in &mut counts {
        let len = *c;
        *c = acc;
        acc += len;
    }
    counts
}

/// Least-significant-digit radix sort of `keys` below `2^bits`, with `scratch` as the other
/// buffer of each pass.
fn lsd(keys: &mut [u64], scratch: &mut Vec<u64>, bits: u32) {
    if keys.len() < SMALL {
        keys.sort_unstable();
        return;
    }
    let mask = (1u64 << DIGIT) - 1;
    scratch.clear();
    scratch.resize(keys.len(), 0);
    // Which buffer holds the keys: after each pass they move to the other one.
    let mut in_scratch = false;
    let mut shift = 0;
    while shift < bits {
        let (src, dst): (&mut [u64], &mut [u64]) = if in_scratch {
            (scratch, keys)
        } else {
            (keys, scratch)
        };
        let digit = |k: u64| ((k >> shift) & mask) as usize;
        let counts = counts_of(src, digit);
        // A digit every key shares changes nothing.
        if counts.contains(&src.len()) {
            shift += DIGIT;
            continue;
        }
        let mut at = into_starts(counts);
        for &k in src.iter() {
            let d = digit(k);
            dst[at[d]] = k;
            at[d] += 1;
        }
        in_scratch = !in_scratch;
        shift += DIGIT;
    }
    if in_scratch {
        keys.copy_from_slice(scratch);
    }
}

/// [`sort`] for large inputs: one pass by the top digit, then each part sorted in cache.
fn split_sort(keys: &mut Vec<u64>, bits: u32) {
    use rayon::prelude::*;
    let shift = bits - DIGIT;
    let digit = |k: u64| (k >> shift) as usize;
    let mut at = into_starts(counts_of(keys, digit));
    let starts = at.clone();
    let mut parted = vec![0u64; keys.len()];
    for &k in keys.iter() {
        let d = digit(k);
        parted[at[d]] = k;
        at[d] += 1;
    }
    let mut parts = Vec::with_capacity(starts.len());
    let mut rest = parted.as_mut_slice();
    for (&start, &end) in starts.iter().zip(&at) {
        let (head, tail) = rest.split_at_mut(end - start);
        parts.push(head);
        rest = tail;
    }
    parts
        .into_par_iter()
        .for_each_init(Vec::new, |scratch, part| lsd(part, scratch, shift));
    *keys = parted;
}

/// Bits needed to hold `x`.
fn width(x: u32) -> u32 {
    u32::BITS - x.leading_zeros()
}

/// Merge pair lists into one, sorted and unique.
#[must_use]
pub fn sorted_unique_pairs(parts: Vec<Vec<(u32, u32)>>) -> Vec<(u32, u32)> {
    let largest = parts
        .iter()
        .flatten()
        .map(|&(a, b)| a.max(b))
        .max()
        .unwrap_or(0);
    let w = width(largest);
    let mut keys: Vec<u64> = parts
        .into_iter()
        .flatten()
        .map(|(a, b)| (u64::from(a) << w) | u64::from(b))
        .collect();
    sort(&mut keys, 2 * w);
    keys.dedup();
    let low = (1u64 << w) - 1;
    keys.into_iter()
        .map(|k| ((k >> w) as u32, (k & low) as u32))
        .collect()
}

/// Merge `part` into `acc`, both sorted and unique, keeping the union sorted and unique.
///
/// The merge runs from the back into `acc`'s own storage, so the memory it needs beyond the two
/// lists is nothing: gathering every batch's pairs and sorting them once needed both the pairs
/// and a sorted copy, twice the pairs of every batch at once.
pub fn merge_unique_into(acc: &mut Vec<(u32, u32)>, part: &[(u32, u32)]) {
    let key = |(a, b): (u32, u32)| (u64::from(a) << 32) | u64::from(b);
    let (mut i, mut j) = (acc.len(), part.len());
    let total = i + j;
    acc.resize(total, (0, 0));
    // The write position never drops below `i + j`, so the unread `acc[..i]` is never hit.
    let mut w = total;
    while i > 0 && j > 0 {
        let (x, y) = (acc[i - 1], part[j - 1]);
        let (kx, ky) = (key(x), key(y));
        w -= 1;
        acc[w] = if kx > ky { x } else { y };
        i -= usize::from(kx >= ky);
        j -= usize::from(kx <= ky);
    }
    acc[w - j..w].copy_from_slice(&part[..j]);
    w -= j;
    // Now `acc[..i]` is in place, and the merged rest is `acc[w..]`.
    acc.copy_within(w.., i);
    acc.truncate(i + total - w);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library() {
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        for (len, bits) in [(0, 8), (10, 64), (1000, 17), (5000, 64), (70_000, 40)] {
            let mut keys: Vec<u64> = (0..len)
                .map(|_| {
                    let x = next();
                    if bits == 64 {
                        x
                    } else {
                        x & ((1 << bits) - 1)
                    }
                })
                .collect();
            let mut expected = keys.clone();
            expected.sort_unstable();
            sort(&mut keys, bits);
            assert_eq!(keys, expected, "{len} keys of {bits} bits");
        }
    }

    #[test]
    fn split_sort_sorts_like_the_standard_library() {
        let mut next = crate::testing::xorshift(0x51);
        for bits in [12, 23, 40, 64] {
            let mut keys: Vec<u64> = (0..100_000)
                .map(|_| next() >> (64 - bits))
                // A run of keys sharing their top digit: one part much larger than the rest.
                .chain((0..20_000).map(|i| i % 977))
                .collect();
            let mut expected = keys.clone();
            expected.sort_unstable();
            split_sort(&mut keys, bits);
            assert_eq!(keys, expected, "{bits} bits");
        }
    }

    #[test]
    fn pairs_sorted_and_unique() {
        let parts = vec![vec![(3, 9), (0, 1)], vec![(0, 1), (2, 3), (0, 7)], vec![]];
        assert_eq!(
            sorted_unique_pairs(parts),
            vec![(0, 1), (0, 7), (2, 3), (3, 9)]
        );
        assert!(sorted_unique_pairs(Vec::new()).is_empty());
    }

    #[test]
    fn merges_like_a_set_union() {
        use std::collections::BTreeSet;
        let mut next = crate::testing::xorshift(11);
        let mut draw = |len: u64, spread: u64| -> BTreeSet<(u32, u32)> {
            (0..len)
                .map(|_| ((next() % spread) as u32, (next() % spread) as u32))
                .collect()
        };
        let mut acc = Vec::new();
        let mut union = BTreeSet::new();
        // Empty parts, parts before, inside and after what is there, overlapping or not.
        for (len, spread) in [
            (0, 5),
            (40, 8),
            (0, 5),
            (300, 30),
            (5, 3),
            (1000, 1000),
            (1, 2),
        ] {
            let part = draw(len, spread);
            union.extend(&part);
            merge_unique_into(&mut acc, &part.into_iter().collect::<Vec<_>>());
            assert_eq!(
                acc,
                union.iter().copied().collect::<Vec<_>>(),
                "{len} {spread}"
            );
        }
        let high = vec![(u32::MAX, 0), (u32::MAX, u32::MAX)];
        merge_unique_into(&mut acc, &high);
        assert_eq!(acc.len(), union.len() + 2);
        assert_eq!(acc[acc.len() - 2..], high);
    }
}
