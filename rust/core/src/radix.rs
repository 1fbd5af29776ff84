//! Least-significant-digit radix sort of integer keys, and sorted unique pair lists built on it.
//!
//! Candidate pairs are emitted by the million, once per band they collide in; sorting them by
//! comparison dominated the banding stage. Packed into `bits`-bit keys they sort in
//! `ceil(bits / 11)` linear passes.

/// Bits sorted per pass: 2048 counters, few enough streams for the scatter to stay in cache.
const DIGIT: u32 = 11;
/// Below this many keys a comparison sort is faster.
const SMALL: usize = 256;

/// Sort `keys`, all of which are below `2^bits`, ascending.
pub fn sort(keys: &mut Vec<u64>, bits: u32) {
    if keys.len() < SMALL {
        keys.sort_unstable();
        return;
    }
    let mask = (1u64 << DIGIT) - 1;
    let mut buf = vec![0u64; keys.len()];
    let mut counts = vec![0usize; 1 << DIGIT];
    let mut shift = 0;
    while shift < bits {
        counts.fill(0);
        for &k in keys.iter() {
            counts[((k >> shift) & mask) as usize] += 1;
        }
        // A digit every key shares changes nothing.
        if counts.contains(&keys.len()) {
            shift += DIGIT;
            continue;
        }
        let mut acc = 0;
        for c in &mut counts {
            let len = *c;
            *c = acc;
            acc += len;
        }
        for &k in keys.iter() {
            let d = ((k >> shift) & mask) as usize;
            buf[counts[d]] = k;
            counts[d] += 1;
        }
        std::mem::swap(keys, &mut buf);
        shift += DIGIT;
    }
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
    fn pairs_sorted_and_unique() {
        let parts = vec![vec![(3, 9), (0, 1)], vec![(0, 1), (2, 3), (0, 7)], vec![]];
        assert_eq!(
            sorted_unique_pairs(parts),
            vec![(0, 1), (0, 7), (2, 3), (3, 9)]
        );
        assert!(sorted_unique_pairs(Vec::new()).is_empty());
    }
}
