//! Least-significant-digit radix sort of integer keys, and removal of repeats from sorted keys:
//! the tools [`crate::pair_set::PairSet`] gathers candidate pairs with.
//!
//! Candidate pairs are emitted by the million, once per band they collide in; sorting them by
//! comparison dominated the banding stage. Packed into `bits`-bit keys they sort in
//! `ceil(bits / 11)` linear passes. Keys are `u32` where they fit (half the memory to move),
//! otherwise `u64`.

/// An unsigned integer key of [`sort_in`].
pub(crate) trait Key: Copy + Ord + Default + Send + Sync {
    /// The key as a `u64`, for its digits.
    fn wide(self) -> u64;
    /// The key of a `u64` value that fits it (the caller checks that it does).
    fn of(x: u64) -> Self;
}

impl Key for u32 {
    #[inline]
    fn wide(self) -> u64 {
        u64::from(self)
    }

    #[inline]
    fn of(x: u64) -> Self {
        debug_assert!(x >> 32 == 0, "{x} does not fit 32 bits");
        x as u32
    }
}

impl Key for u64 {
    #[inline]
    fn wide(self) -> u64 {
        self
    }

    #[inline]
    fn of(x: u64) -> Self {
        x
    }
}

/// Bits sorted per pass: 2048 counters, few enough streams for the scatter to stay in cache.
const DIGIT: u32 = 11;
/// Below this many keys a comparison sort is faster.
const SMALL: usize = 256;

/// How many of `keys` have each value of a digit.
fn counts_of<K: Key>(keys: &[K], digit: impl Fn(K) -> usize) -> Vec<usize> {
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
pub(crate) fn sort_in<K: Key>(keys: &mut [K], scratch: &mut Vec<K>, bits: u32) {
    if keys.len() < SMALL {
        keys.sort_unstable();
        return;
    }
    let mask = (1u64 << DIGIT) - 1;
    scratch.clear();
    scratch.resize(keys.len(), K::default());
    // Which buffer holds the keys: after each pass they move to the other one.
    let mut in_scratch = false;
    let mut shift = 0;
    while shift < bits {
        let (src, dst): (&mut [K], &mut [K]) = if in_scratch {
            (scratch, keys)
        } else {
            (keys, scratch)
        };
        let digit = |k: K| ((k.wide() >> shift) & mask) as usize;
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
pub(crate) fn dedup_in<K: Key>(keys: &mut [K]) -> usize {
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
    fn four_byte_keys_sort_like_the_standard_library() {
        let mut next = crate::testing::xorshift(0x77);
        let mut scratch = Vec::new();
        for (len, bits) in [(10, 32), (1000, 20), (70_000, 32), (70_000, 31)] {
            let mut keys: Vec<u32> = (0..len).map(|_| (next() >> (64 - bits)) as u32).collect();
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
        assert_eq!(dedup_in::<u64>(&mut []), 0);
        assert_eq!(dedup_in(&mut [0u32]), 1);
    }
}
