//! Exact similarity of two sets of 32-bit shingle hashes, each sorted ascending without duplicates.

use crate::merge::merge_at_least;

/// The sizes that every exact measure is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Overlap {
    /// |A ∩ B|
    pub shared: usize,
    /// |A|
    pub size_a: usize,
    /// |B|
    pub size_b: usize,
}

impl Overlap {
    /// |A ∩ B| / |A ∪ B|; 0 when both are empty.
    #[must_use]
    pub fn jaccard(&self) -> f64 {
        let union = self.size_a + self.size_b - self.shared;
        if union == 0 {
            0.0
        } else {
            self.shared as f64 / union as f64
        }
    }

    /// |A ∩ B| / |A|: how much of A is found in B; 0 when A is empty.
    #[must_use]
    pub fn containment_a_in_b(&self) -> f64 {
        ratio(self.shared, self.size_a)
    }

    /// |A ∩ B| / |B|: how much of B is found in A; 0 when B is empty.
    #[must_use]
    pub fn containment_b_in_a(&self) -> f64 {
        ratio(self.shared, self.size_b)
    }

    /// The larger of the two containments: |A ∩ B| / min(|A|, |B|).
    #[must_use]
    pub fn max_containment(&self) -> f64 {
        self.containment_a_in_b().max(self.containment_b_in_a())
    }
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}

/// Sizes at which the longer set is searched instead of merged.
const GALLOP_RATIO: usize = 16;

/// Common elements of `small` and `large` (sorted, duplicate-free, `large` at least
/// [`GALLOP_RATIO`] times longer) by binary search through the longer.
fn gallop(small: &[u32], large: &[u32]) -> usize {
    let mut count = 0;
    let mut rest = large;
    for x in small {
        match rest.binary_search(x) {
            Ok(i) => {
                count += 1;
                rest = &rest[i + 1..];
            }
            Err(i) => rest = &rest[i..],
        }
    }
    count
}

/// Count the common elements of two sorted, duplicate-free slices.
#[must_use]
pub fn intersection_size(a: &[u32], b: &[u32]) -> usize {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return 0;
    }
    if large.len() / small.len() >= GALLOP_RATIO {
        return gallop(small, large);
    }
    merge_at_least(small, large, 0).unwrap_or(0)
}

/// The overlap of two sorted, duplicate-free sets.
#[must_use]
pub fn overlap(a: &[u32], b: &[u32]) -> Overlap {
    Overlap {
        shared: intersection_size(a, b),
        size_a: a.len(),
        size_b: b.len(),
    }
}

/// The overlap of two sorted, duplicate-free sets, or `None` as soon as fewer than `needed`
/// common elements remain possible.
#[must_use]
pub fn overlap_at_least(a: &[u32], b: &[u32], needed: usize) -> Option<Overlap> {
    if a.len().min(b.len()) < needed {
        return None;
    }
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let shared = if large.len() / small.len().max(1) >= GALLOP_RATIO {
        Some(gallop(small, large)).filter(|&c| c >= needed)
    } else {
        merge_at_least(small, large, needed)
    }?;
    Some(Overlap {
        shared,
        size_a: a.len(),
        size_b: b.len(),
    })
}

/// Check that a set is sorted ascending without duplicates.
#[must_use]
pub fn is_sorted_set(a: &[u32]) -> bool {
    a.windows(2).all(|w| w[0] < w[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{common, drawn_set, xorshift};

    #[test]
    fn measures() {
        let o = overlap(&[1, 2, 3, 4], &[3, 4, 5]);
        assert_eq!(o.shared, 2);
        assert!((o.jaccard() - 0.4).abs() < 1e-12);
        assert!((o.containment_a_in_b() - 0.5).abs() < 1e-12);
        assert!((o.containment_b_in_a() - 2.0 / 3.0).abs() < 1e-12);
        assert!(overlap(&[], &[]).jaccard().abs() < 1e-12);
    }

    #[test]
    fn galloping_agrees_with_merge() {
        let big: Vec<u32> = (0..1000).map(|x| x * 3).collect();
        let small = [0, 3, 4, 2997, 5000];
        assert_eq!(intersection_size(&small, &big), 3);
        assert_eq!(intersection_size(&big, &small), 3);
    }

    #[test]
    fn split_merges_agree_with_a_set() {
        let mut rng = xorshift(7);
        let mut next = move || rng() % 500;
        for _ in 0..300 {
            let (la, lb) = (next() as usize, next() as usize);
            let a = drawn_set(la, &mut next);
            let b = drawn_set(lb, &mut next);
            let truth = common(&a, &b);
            assert_eq!(intersection_size(&a, &b), truth);
            for needed in [0, truth, truth + 1] {
                let got = overlap_at_least(&a, &b, needed).map(|o| o.shared);
                assert_eq!(got, (truth >= needed).then_some(truth), "needed {needed}");
            }
        }
    }
}
