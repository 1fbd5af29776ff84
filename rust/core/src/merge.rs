//! Counting the common elements of two sorted, duplicate-free sets of similar length by merging
//! them: eight elements at a time with AVX2 where the CPU has it (checked at run time), otherwise
//! a branchless scalar merge in two chains. Both give the same counts.

/// Independent merges that [`scalar`] advances together.
const CHAINS: usize = 2;
/// Merge steps between two checks of the early exit.
const CHECK_EVERY: usize = 16;

/// Common elements of `a` and `b` (each sorted ascending without duplicates), or `None` once
/// fewer than `needed` remain possible.
#[must_use]
pub fn merge_at_least(a: &[u32], b: &[u32], needed: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        #[allow(unsafe_code)]
        // SAFETY: `blocks` needs AVX2 and nothing else, and the CPU has just been found to have
        // it. (Its body is safe Rust: indexing is checked and the intrinsics take no pointers.)
        return unsafe { blocks(a, b, needed) };
    }
    scalar(a, b, needed)
}

/// One branchless merge in progress over `a` and `b`.
struct Merge<'s> {
    a: &'s [u32],
    b: &'s [u32],
    i: usize,
    j: usize,
    count: usize,
}

impl<'s> Merge<'s> {
    fn new(a: &'s [u32], b: &'s [u32]) -> Self {
        Merge {
            a,
            b,
            i: 0,
            j: 0,
            count: 0,
        }
    }

    fn live(&self) -> bool {
        self.i < self.a.len() && self.j < self.b.len()
    }

    /// One step; the caller checks [`Merge::live`].
    #[inline]
    fn step(&mut self) {
        let (x, y) = (self.a[self.i], self.b[self.j]);
        self.count += usize::from(x == y);
        self.i += usize::from(x <= y);
        self.j += usize::from(y <= x);
    }

    /// The most common elements this merge can still end with: each element of `a` matches at
    /// most one of `b`, and the ones behind `i` and `j` are settled.
    fn most(&self) -> usize {
        self.count + (self.a.len() - self.i).min(self.b.len() - self.j)
    }

    fn finish(mut self) -> usize {
        while self.live() {
            self.step();
        }
        self.count
    }
}

/// [`merge_at_least`] without SIMD.
///
/// The sets are split at equal steps through `a` into `CHAINS` independent merges that
/// advance in the same loop: each step of a branchless merge waits on the previous one's
/// loads, and several chains in flight use the time the core would spend waiting. More chains
/// are faster in cache (two sets of 300: 2 chains 0.77 us, 3 0.63, 4 0.58, 8 0.73), but each
/// starts a stream of its own through the partner set, which at 1M documents comes from
/// memory: there 4 chains verified in 15.5-18.5 s where 2 took 15.2-15.5 s.
#[must_use]
pub fn scalar(a: &[u32], b: &[u32], needed: usize) -> Option<usize> {
    // Where chain `q` starts in `a` and in `b` (the last one ends at both ends).
    let bounds: [(usize, usize); CHAINS + 1] = std::array::from_fn(|q| {
        if q == CHAINS {
            (a.len(), b.len())
        } else {
            let h = a.len() * q / CHAINS;
            let at = a.get(h).copied().unwrap_or(u32::MAX);
            (h, b.partition_point(|&y| y < at))
        }
    });
    let mut chains: [Merge; CHAINS] = std::array::from_fn(|q| {
        let ((ha, hb), (ta, tb)) = (bounds[q], bounds[q + 1]);
        Merge::new(&a[ha..ta], &b[hb..tb])
    });
    'outer: loop {
        for _ in 0..CHECK_EVERY {
            if !chains.iter().all(Merge::live) {
                break 'outer;
            }
            for c in &mut chains {
                c.step();
            }
        }
        if chains.iter().map(Merge::most).sum::<usize>() < needed {
            return None;
        }
    }
    let count: usize = chains.into_iter().map(Merge::finish).sum();
    (count >= needed).then_some(count)
}

/// [`merge_at_least`] eight elements at a time: each step compares a block of eight of `a`
/// with a block of eight of `b`, all 64 pairs at once, and moves past the block (or both) with
/// the smaller last element. A common element sits in one block of each set, and that pair of
/// blocks is compared exactly once, so each is counted once. The step depends on the previous
/// one's loads as a scalar step does, but settles eight elements, not one. The 64 pairs are
/// eight comparisons of `a`'s block with `b`'s, rotated within its two 128-bit halves by 0 to
/// 3 places, with and without the halves swapped (in-half shuffles are the cheapest).
/// (With 64-bit hashes, blocks of four took criterion's `merge_400` from 0.69 to 0.48 us and
/// the verify stage at 20k documents from 0.165 to 0.113 s. Two chains of blocks, split as
/// [`scalar`] splits, gained in criterion but lost in the pipeline, most likely because the
/// split's binary search reads a partner set out of order before it is in cache.)
/// What is left when one set has fewer than eight elements to go is merged one at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn blocks(a: &[u32], b: &[u32], needed: usize) -> Option<usize> {
    use std::arch::x86_64::{
        __m256i, _mm256_castsi256_ps, _mm256_cmpeq_epi32, _mm256_movemask_ps, _mm256_or_si256,
        _mm256_permute2x128_si256, _mm256_setr_epi32, _mm256_shuffle_epi32,
    };
    let lanes = |v: &[u32; 8]| {
        let l = v.map(|x| x as i32);
        _mm256_setr_epi32(l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7])
    };
    // `va` against `vb` rotated by 0 to 3 places within each half.
    let within = |va: __m256i, vb: __m256i| {
        _mm256_or_si256(
            _mm256_or_si256(
                _mm256_cmpeq_epi32(va, vb),
                _mm256_cmpeq_epi32(va, _mm256_shuffle_epi32::<0b00_11_10_01>(vb)),
            ),
            _mm256_or_si256(
                _mm256_cmpeq_epi32(va, _mm256_shuffle_epi32::<0b01_00_11_10>(vb)),
                _mm256_cmpeq_epi32(va, _mm256_shuffle_epi32::<0b10_01_00_11>(vb)),
            ),
        )
    };
    let (mut i, mut j, mut count) = (0, 0, 0);
    'outer: loop {
        for _ in 0..CHECK_EVERY {
            let (Some(x), Some(y)) = (a[i..].first_chunk::<8>(), b[j..].first_chunk::<8>()) else {
                break 'outer;
            };
            let (va, vb) = (lanes(x), lanes(y));
            let swapped = _mm256_permute2x128_si256::<0x01>(vb, vb);
            let same = _mm256_or_si256(within(va, vb), within(va, swapped));
            count += _mm256_movemask_ps(_mm256_castsi256_ps(same)).count_ones() as usize;
            i += 8 * usize::from(x[7] <= y[7]);
            j += 8 * usize::from(y[7] <= x[7]);
        }
        if count + (a.len() - i).min(b.len() - j) < needed {
            return None;
        }
    }
    let count = Merge { a, b, i, j, count }.finish();
    (count >= needed).then_some(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{common, drawn_set, xorshift};

    /// Every way to count: the dispatched one, the scalar one and, where the CPU has it, AVX2.
    fn counts(a: &[u32], b: &[u32], needed: usize) -> Vec<Option<usize>> {
        let mut out = vec![merge_at_least(a, b, needed), scalar(a, b, needed)];
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            #[allow(unsafe_code)]
            // SAFETY: the CPU has AVX2.
            out.push(unsafe { blocks(a, b, needed) });
        }
        out
    }

    #[test]
    fn tiny_sets_split_into_chains_and_blocks_correctly() {
        // Fewer elements than chains or a block, empty sides, and u32::MAX (the empty-part
        // sentinel of the chains).
        let pool = [0, 1, 5, 9, 1 << 31, u32::MAX - 1, u32::MAX];
        for ma in 0u32..128 {
            for mb in 0u32..128 {
                let pick = |m: u32| -> Vec<u32> {
                    (0..7)
                        .filter(|i| m >> i & 1 == 1)
                        .map(|i| pool[i])
                        .collect()
                };
                let (a, b) = (pick(ma), pick(mb));
                let truth = a.iter().filter(|x| b.contains(x)).count();
                for got in counts(&a, &b, 0) {
                    assert_eq!(got, Some(truth), "{a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn every_way_agrees_with_a_set() {
        // Dense values, so that blocks share elements at every offset, and lengths that leave
        // every remainder after whole blocks.
        let mut rng = xorshift(11);
        let mut next = move || rng() % 400;
        for _ in 0..2000 {
            let (la, lb) = (next() as usize % 150, next() as usize % 150);
            let a = drawn_set(la, &mut next);
            let b = drawn_set(lb, &mut next);
            let truth = common(&a, &b);
            for needed in [0, truth, truth + 1, a.len().min(b.len())] {
                for got in counts(&a, &b, needed) {
                    assert_eq!(got, (truth >= needed).then_some(truth), "needed {needed}");
                }
            }
        }
    }

    #[test]
    fn identical_and_disjoint_runs() {
        let a: Vec<u32> = (0..1000).collect();
        let evens: Vec<u32> = (0..1000).map(|x| 2 * x).collect();
        let high: Vec<u32> = (1000..1100).collect();
        for (x, y, truth) in [(&a, &a, 1000), (&a, &evens, 500), (&a, &high, 0)] {
            for got in counts(x, y, 0) {
                assert_eq!(got, Some(truth));
            }
            for got in counts(y, x, truth) {
                assert_eq!(got, Some(truth));
            }
            // One more than all there is: every way gives up.
            for got in counts(x, y, truth + 1) {
                assert_eq!(got, None);
            }
        }
    }
}
