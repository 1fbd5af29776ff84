//! Least-significant-digit radix sort of integer keys, and removal of repeats from sorted keys:
//! the tools [`crate::pair_set::PairSet`] gathers candidate pairs with.
//!
//! Candidate pairs are emitted by the million, once per band they collide in; sorting them by
//! comparison dominated the banding stage. Packed into `bits`-bit keys they sort in
//! `ceil(bits / 11)` linear passes.

/// Bits sorted per pass: 2048 counters, few enough streams for the scatter to stay in cache.
const DIGIT: u32 = 11;
/// Below this many keys a comparison sort is faster.
const SMALL: usize = 256;

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

/// Sort `keys`, which differ only in their low `bits` bits, ascending: a least-significant-digit
/// radix sort with `scratch` as the other buffer of each pass.
pub(crate) fn sort_in(keys: &mut [u64], scratch: &mut Vec<u64>, bits: u32) {
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

/// Drop repeats from sorted `keys`, in place: returns how many unique keys now lead the slice.
pub(crate) fn dedup_in(keys: &mut [u64]) -> usize {
    if keys.is_empty() {
        return 0;
    }
    let mut kept = 1;
    for i in 1..keys.len() {
        let k = keys[i];
        keys[kept] = k;
        kept += usize::from(k != keys[kept - 1]);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library() {
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut scratch = Vec::new();
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
            sort_in(&mut keys, &mut scratch, bits);
            assert_eq!(keys, expected, "{len} keys of {bits} bits");
        }
    }

    #[test]
    fn keys_sharing_their_top_bits_sort_by_the_rest() {
        let mut next = crate::testing::xorshift(0x51);
        let mut keys: Vec<u64> = (0..20_000).map(|_| (7 << 40) | (next() >> 41)).collect();
        let mut expected = keys.clone();
        expected.sort_unstable();
        sort_in(&mut keys, &mut Vec::new(), 23);
        assert_eq!(keys, expected);
    }

    #[test]
    fn dedup_keeps_one_of_each() {
        let mut keys = [1, 1, 2, 5, 5, 5, 9, u64::MAX, u64::MAX];
        let kept = dedup_in(&mut keys);
        assert_eq!(keys[..kept], [1, 2, 5, 9, u64::MAX]);
        assert_eq!(dedup_in(&mut []), 0);
        assert_eq!(dedup_in(&mut [0]), 1);
    }
}
