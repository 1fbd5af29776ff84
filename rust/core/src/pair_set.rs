//! Candidate pairs gathered batch after batch into one sorted, duplicate-free list.
//!
//! Bands emit pairs by the million, most of them again in later bands. The set keeps its pairs
//! in parts by their first document (2048 consecutive document ids per part). A batch
//! is scattered into the parts; each part, in parallel and in cache, sorts its share, drops
//! repeats and the pairs it already holds, and keeps the rest as one more sorted run. The runs
//! of a batch share one allocation of their final size, never grown: the memory holds the
//! pairs and no freed holes, and is given back whole. [`PairSet::into_pairs`] sorts each part's
//! runs together.
//!
//! (Sorting each batch whole and merging it into one list went through memory several times
//! per batch, and the merge was serial: at a million documents that was 3.9 of the 11 seconds
//! of the band stage. Merging into one growing list per part was fast, but the lists' freed
//! old buffers stayed in the allocator's heap: 190 MB more at the peak; so did runs allocated
//! one by one, after they were freed.)

use rayon::prelude::*;

use crate::parallel::cut;
use crate::radix::{dedup_in, sort_in, Key};

/// Consecutive first documents that share a part: a part holds a few tens of thousands of
/// pairs at a million documents, so that sorting a share and checking it against the part's
/// runs stay in cache.
const PART_DOCS: u32 = 1 << 11;

/// Pairs `(a, b)` with `a < b < n`, sorted and unique, built by adding batches.
///
/// A pair is kept as a key local to its part, `(a mod PART_DOCS) << width | b`, where `width`
/// is the bits of `b`: four bytes while that fits (up to 2^21 documents), otherwise eight. (At
/// a million documents the 31.9M candidates took 255 MB as eight-byte keys.)
pub struct PairSet(Keys);

enum Keys {
    Narrow(Store<u32>),
    Wide(Store<u64>),
}

/// The runs of a [`PairSet`]'s parts, with keys of type `K`.
struct Store<K> {
    /// Bits of `b` in a key.
    width: u32,
    /// Per batch that added pairs, the new pairs of every part in turn (each part's as one
    /// sorted run of keys): one allocation per batch, given back whole.
    batches: Vec<Vec<K>>,
    /// Per part, its runs in [`Self::batches`]; no pair is in two runs.
    parts: Vec<Vec<Run>>,
    /// The buffer a batch is scattered into, kept from batch to batch.
    scratch: Vec<K>,
}

/// Where a run of a part is: `batches[batch][start..start + len]`.
#[derive(Clone, Copy)]
struct Run {
    batch: usize,
    start: usize,
    len: usize,
}

impl PairSet {
    /// An empty set of pairs of documents below `n`.
    #[must_use]
    pub fn new(n: usize) -> Self {
        let last = n.saturating_sub(1) as u32;
        let width = u32::BITS - last.leading_zeros();
        let parts = last / PART_DOCS + 1;
        if width + PART_DOCS.trailing_zeros() <= u32::BITS {
            PairSet(Keys::Narrow(Store::new(width, parts)))
        } else {
            PairSet(Keys::Wide(Store::new(width, parts)))
        }
    }

    /// Number of pairs held.
    #[must_use]
    pub fn len(&self) -> usize {
        match &self.0 {
            Keys::Narrow(p) => p.len(),
            Keys::Wide(p) => p.len(),
        }
    }

    /// Whether the set holds no pair.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Add every pair of `batch` (in any order, with repeats; each pair `(a, b)` must have
    /// `a < b < n`), in parallel on the current rayon pool.
    pub fn add<L: AsRef<[(u32, u32)]> + Sync>(&mut self, batch: &[L]) {
        match &mut self.0 {
            Keys::Narrow(p) => p.add(batch),
            Keys::Wide(p) => p.add(batch),
        }
    }

    /// Give back the buffer kept for adding batches.
    pub fn shrink_to_fit(&mut self) {
        match &mut self.0 {
            Keys::Narrow(p) => p.scratch = Vec::new(),
            Keys::Wide(p) => p.scratch = Vec::new(),
        }
    }

    /// Keep only the pairs that `filter` keeps, in place, in parallel on the current rayon
    /// pool. `filter` is given the pairs of one run at a time (sorted; those of one batch
    /// whose first documents are in one part of 2048 consecutive ones), moves the pairs it
    /// keeps to the front, in their order, and returns how many they are.
    ///
    /// Filtering here rather than in the list that [`Self::into_pairs`] makes lets that list
    /// be allocated for the kept pairs only, once what `filter` reads is given back.
    pub fn retain_runs(&mut self, filter: impl Fn(&mut [(u32, u32)]) -> usize + Sync) {
        match &mut self.0 {
            Keys::Narrow(p) => p.retain_runs(filter),
            Keys::Wide(p) => p.retain_runs(filter),
        }
    }

    /// The pairs, sorted and unique: each part's runs are copied out and sorted together, in
    /// parallel on the current rayon pool.
    #[must_use]
    pub fn into_pairs(self) -> Vec<(u32, u32)> {
        match self.0 {
            Keys::Narrow(p) => p.into_pairs(),
            Keys::Wide(p) => p.into_pairs(),
        }
    }
}

impl<K: Key> Store<K> {
    fn new(width: u32, parts: u32) -> Self {
        Store {
            width,
            batches: Vec::new(),
            parts: (0..parts).map(|_| Vec::new()).collect(),
            scratch: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.parts.iter().flatten().map(|run| run.len).sum()
    }

    /// The keys of `run`.
    fn keys(&self, run: Run) -> &[K] {
        &self.batches[run.batch][run.start..run.start + run.len]
    }

    /// See [`PairSet::add`].
    fn add<L: AsRef<[(u32, u32)]> + Sync>(&mut self, batch: &[L]) {
        let parts = self.parts.len();
        let width = self.width;
        let part_of = |a: u32| (a / PART_DOCS) as usize;
        // How many pairs each list of the batch sends to each part.
        let counts: Vec<Vec<usize>> = batch
            .par_iter()
            .map(|list| {
                let mut count = vec![0usize; parts];
                for &(a, b) in list.as_ref() {
                    debug_assert!(a < b && u64::from(b) >> width == 0, "pair ({a}, {b})");
                    count[part_of(a)] += 1;
                }
                count
            })
            .collect();
        let sizes: Vec<usize> = (0..parts)
            .map(|p| counts.iter().map(|c| c[p]).sum())
            .collect();
        let total: usize = sizes.iter().sum();
        if self.scratch.len() < total {
            self.scratch.resize(total, K::default());
        }
        // The buffer holds each part's share in turn; within a share, each list's pairs in
        // turn. Cut it into one slice per (list, part).
        let mut dest: Vec<Vec<&mut [K]>> = batch.iter().map(|_| Vec::new()).collect();
        let grid = (0..parts).flat_map(|p| counts.iter().map(move |c| c[p]));
        for (i, slice) in cut(&mut self.scratch[..total], grid)
            .into_iter()
            .enumerate()
        {
            dest[i % batch.len()].push(slice);
        }
        dest.into_par_iter().zip(batch).for_each(|(mut to, list)| {
            let mut fill = vec![0usize; parts];
            for &(a, b) in list.as_ref() {
                let p = part_of(a);
                to[p][fill[p]] = Self::key(width, (a, b));
                fill[p] += 1;
            }
        });
        // Each part sorts its share and keeps what is new as a run.
        let bits = width + PART_DOCS.trailing_zeros();
        let mut scratch = std::mem::take(&mut self.scratch);
        let kept: Vec<usize> = self
            .parts
            .par_iter()
            .zip(cut(&mut scratch[..total], sizes.iter().copied()))
            .map_init(Vec::new, |buffer, (runs, share)| {
                if share.is_empty() {
                    return 0;
                }
                sort_in(share, buffer, bits);
                let mut kept = dedup_in(share);
                for &run in runs {
                    kept = remove_present(&mut share[..kept], self.keys(run));
                }
                kept
            })
            .collect();
        // The new runs go into one allocation for the batch, part after part.
        let new: usize = kept.iter().sum();
        if new > 0 {
            let batch = self.batches.len();
            let mut keys = vec![K::default(); new];
            let mut start = 0;
            for (runs, &len) in self.parts.iter_mut().zip(&kept) {
                if len > 0 {
                    runs.push(Run { batch, start, len });
                }
                start += len;
            }
            cut(&mut keys, kept.iter().copied())
                .into_par_iter()
                .zip(cut(&mut scratch[..total], sizes.iter().copied()))
                .for_each(|(to, share)| to.copy_from_slice(&share[..to.len()]));
            self.batches.push(keys);
        }
        self.scratch = scratch;
    }

    /// The pair of key `k` of part `part`, with `width` bits of `b`.
    fn pair(width: u32, part: usize, k: K) -> (u32, u32) {
        let k = k.wide();
        let low = (1u64 << width) - 1;
        (
            part as u32 * PART_DOCS + (k >> width) as u32,
            (k & low) as u32,
        )
    }

    /// The key of pair `(a, b)`, with `width` bits of `b`.
    fn key(width: u32, (a, b): (u32, u32)) -> K {
        K::of((u64::from(a % PART_DOCS) << width) | u64::from(b))
    }

    /// See [`PairSet::retain_runs`].
    fn retain_runs(&mut self, filter: impl Fn(&mut [(u32, u32)]) -> usize + Sync) {
        // Each run as its own slice of its batch: a batch holds its parts' runs in part order,
        // back to back.
        let mut left: Vec<&mut [K]> = self.batches.iter_mut().map(Vec::as_mut_slice).collect();
        let mut by_part: Vec<Vec<&mut [K]>> = Vec::with_capacity(self.parts.len());
        for runs in &self.parts {
            let mut slices = Vec::with_capacity(runs.len());
            for run in runs {
                let (this, rest) = std::mem::take(&mut left[run.batch]).split_at_mut(run.len);
                slices.push(this);
                left[run.batch] = rest;
            }
            by_part.push(slices);
        }
        let width = self.width;
        let kept: Vec<Vec<usize>> = by_part
            .into_par_iter()
            .enumerate()
            .map_init(Vec::new, |pairs, (part, runs)| {
                runs.into_iter()
                    .map(|run| {
                        pairs.clear();
                        pairs.extend(run.iter().map(|&k| Self::pair(width, part, k)));
                        let kept = filter(pairs);
                        for (to, &pair) in run.iter_mut().zip(&pairs[..kept]) {
                            debug_assert_eq!((pair.0 / PART_DOCS) as usize, part);
                            *to = Self::key(width, pair);
                        }
                        kept
                    })
                    .collect()
            })
            .collect();
        for (runs, kept) in self.parts.iter_mut().zip(kept) {
            for (run, len) in runs.iter_mut().zip(kept) {
                run.len = len;
            }
            runs.retain(|run| run.len > 0);
        }
    }

    /// See [`PairSet::into_pairs`].
    fn into_pairs(mut self) -> Vec<(u32, u32)> {
        self.scratch = Vec::new();
        let sizes: Vec<usize> = self
            .parts
            .iter()
            .map(|runs| runs.iter().map(|r| r.len).sum())
            .collect();
        let mut out = vec![(0, 0); sizes.iter().sum()];
        let width = self.width;
        let bits = width + PART_DOCS.trailing_zeros();
        cut(&mut out, sizes)
            .into_par_iter()
            .zip(self.parts.par_iter().enumerate())
            .for_each_init(
                || (Vec::new(), Vec::new()),
                |(keys, buffer), (to, (part, runs))| {
                    keys.clear();
                    for &run in runs {
                        keys.extend_from_slice(self.keys(run));
                    }
                    if runs.len() > 1 {
                        sort_in(keys, buffer, bits);
                    }
                    for (pair, &k) in to.iter_mut().zip(keys.iter()) {
                        *pair = Self::pair(width, part, k);
                    }
                },
            );
        out
    }
}

/// Drop from `keys` (sorted, unique) those in `run` (sorted), in place: returns how many keys
/// now lead the slice. Branch-free: one step of a merge per loop.
fn remove_present<K: Key>(keys: &mut [K], run: &[K]) -> usize {
    let (mut i, mut j, mut kept) = (0, 0, 0);
    while i < keys.len() && j < run.len() {
        let (x, y) = (keys[i], run[j]);
        keys[kept] = x;
        kept += usize::from(x < y);
        i += usize::from(x <= y);
        j += usize::from(x >= y);
    }
    keys.copy_within(i.., kept);
    kept + keys.len() - i
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn gathers_like_a_set() {
        let mut next = crate::testing::xorshift(17);
        // Four-byte keys up to 2^21 documents, eight-byte ones beyond.
        for n in [0usize, 1, 2, 100, 5_000, 70_000, 1 << 21, (1 << 21) + 1] {
            let mut set = PairSet::new(n);
            assert_eq!(
                matches!(set.0, Keys::Narrow(_)),
                n <= 1 << 21,
                "{n} documents"
            );
            let mut union = BTreeSet::new();
            // Batches of several lists; repeats within a list, across lists and across batches;
            // empty lists and batches; pairs in every part, the first and last documents too.
            for lists in [0, 3, 1, 4, 2] {
                let batch: Vec<Vec<(u32, u32)>> = (0..lists)
                    .map(|l| {
                        let len = if n < 2 || l == 1 { 0 } else { 2_000 };
                        let mut list: Vec<(u32, u32)> = (0..len)
                            .map(|_| {
                                let a = (next() % (n as u64 - 1)) as u32;
                                let b = a + 1 + (next() % (n as u64 - 1 - u64::from(a))) as u32;
                                (a, b)
                            })
                            .collect();
                        if n >= 2 {
                            list.push((0, n as u32 - 1));
                            list.push((n as u32 - 2, n as u32 - 1));
                        }
                        let repeat = list[..list.len() / 3].to_vec();
                        list.extend(repeat);
                        list
                    })
                    .collect();
                union.extend(batch.iter().flatten().copied());
                set.add(&batch);
                assert_eq!(set.len(), union.len(), "{n} documents");
            }
            assert_eq!(set.is_empty(), union.is_empty());
            assert_eq!(
                set.into_pairs(),
                union.into_iter().collect::<Vec<_>>(),
                "{n} documents"
            );
        }
    }

    #[test]
    fn retains_what_the_filter_keeps() {
        let mut next = crate::testing::xorshift(29);
        for n in [2usize, 9_000, (1 << 21) + 1] {
            let mut set = PairSet::new(n);
            let mut union = BTreeSet::new();
            for _ in 0..3 {
                let batch: Vec<(u32, u32)> = (0..5_000)
                    .map(|_| {
                        let a = (next() % (n as u64 - 1)) as u32;
                        (a, a + 1 + (next() % (n as u64 - 1 - u64::from(a))) as u32)
                    })
                    .collect();
                union.extend(batch.iter().copied());
                set.add(&[batch]);
            }
            let keep = |&(a, b): &(u32, u32)| (a ^ b) % 3 != 0;
            set.retain_runs(|run| {
                // One run: sorted, unique, first documents of one part.
                assert!(run.windows(2).all(|w| w[0] < w[1]));
                assert!(run
                    .iter()
                    .all(|&(a, _)| a / PART_DOCS == run[0].0 / PART_DOCS));
                // What is past the kept pairs must not be read: it is overwritten.
                let mut kept = 0;
                for i in 0..run.len() {
                    if keep(&run[i]) {
                        run[kept] = run[i];
                        kept += 1;
                    }
                }
                run[kept..].fill((u32::MAX, u32::MAX));
                kept
            });
            let want: Vec<(u32, u32)> = union.into_iter().filter(keep).collect();
            assert_eq!(set.len(), want.len(), "{n} documents");
            // A batch added after the filter: only its new pairs join the kept ones.
            let (a, b) = want[0];
            set.add(&[vec![(a, b)]]);
            assert_eq!(set.into_pairs(), want, "{n} documents");
        }
    }

    #[test]
    fn removes_what_a_run_holds() {
        let run = [2, 3, 5, 8, 13, u64::MAX];
        for (keys, left) in [
            (vec![1, 2, 4, 5, 9, 13, 20], vec![1, 4, 9, 20]),
            (vec![0, 1], vec![0, 1]),
            (vec![2, 3], vec![]),
            (vec![14, u64::MAX], vec![14]),
            (vec![], vec![]),
        ] {
            let mut keys = keys;
            let kept = remove_present(&mut keys, &run);
            assert_eq!(keys[..kept], left);
        }
        let mut keys = vec![7u32, 9];
        assert_eq!(remove_present(&mut keys, &[]), 2);
        assert_eq!(keys, [7, 9]);
    }

    #[test]
    fn pairs_of_the_largest_ids() {
        // Two documents short of the most a run takes: keys of eight bytes.
        let n = u32::MAX as usize - 1;
        let mut set = PairSet::new(n);
        assert!(matches!(set.0, Keys::Wide(_)));
        let top = n as u32 - 1;
        set.add(&[vec![(top - 1, top), (0, top), (top - 1, top)], vec![(0, 1)]]);
        assert_eq!(set.into_pairs(), vec![(0, 1), (0, top), (top - 1, top)]);
    }
}
