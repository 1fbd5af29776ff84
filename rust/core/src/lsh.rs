//! LSH banding: band parameters from a threshold, and candidate pairs by sorting band keys.
//!
//! Each band's key is the band's values (one row) or their [`combine`](crate::hash::combine) hash (several rows).
//! Documents are grouped by key in each band (in open-addressing tables that stay in cache: a
//! large band is first split by key bits, keeping the visiting order) and every bucket becomes
//! candidate pairs: all pairs for a bucket of at most [`CLIQUE_MAX`]
//! documents, otherwise a star from its first document plus a chain through consecutive ones,
//! so a bucket shared by thousands of pages costs linear time, never quadratic. A giant bucket
//! with the same members in several bands emits its pairs once.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};

use rayon::prelude::*;

use crate::error::{bad_param, Error, Result};
use crate::hash::{combine_values, fmix64, fold, P1, P3};
use crate::minhash::EMPTY;
use crate::pair_set::PairSet;
use crate::prefetch::prefetch;
use crate::shingle_sets::ShingleSets;

/// Runs up to this size emit every pair; larger runs a star plus a chain.
pub const CLIQUE_MAX: usize = 8;

/// The probability that the derived parameters must reach at the design threshold.
pub const TARGET_RECALL: f64 = 0.99;

/// Bands and rows of the LSH index; `bands * rows <= num_perm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LshParams {
    /// Number of bands.
    pub bands: usize,
    /// Signature values per band.
    pub rows: usize,
}

impl LshParams {
    /// Check explicit parameters against a signature length.
    pub fn validate(&self, num_perm: usize) -> Result<()> {
        if self.bands == 0 || self.rows == 0 {
            return Err(bad_param!("bands and rows must both be at least 1"));
        }
        if self.bands * self.rows != num_perm {
            return Err(bad_param!(
                "bands x rows must equal num_perm: {} x {} != {num_perm}; num_perm must be divisible by bands",
                self.bands,
                self.rows
            ));
        }
        Ok(())
    }

    /// Probability that a pair with Jaccard similarity `j` shares at least one band.
    #[must_use]
    pub fn probability(&self, j: f64) -> f64 {
        let j = j.clamp(0.0, 1.0);
        1.0 - (1.0 - j.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// The parameters with the most rows, then the fewest bands (fewest false candidates, least
    /// banding work) that still make a pair at Jaccard `threshold` a candidate with probability
    /// at least [`TARGET_RECALL`]. Signature columns left out of the bands still sharpen the
    /// verification prefilter.
    pub fn derive(threshold: f64, num_perm: usize) -> Result<Self> {
        if !(threshold > 0.0 && threshold <= 1.0) {
            return Err(bad_param!("threshold must be in (0, 1], got {threshold}"));
        }
        let reaches = |p: LshParams| p.probability(threshold) >= TARGET_RECALL;
        let rows = (1..=num_perm).rev().find(|&rows| {
            reaches(LshParams {
                bands: num_perm / rows,
                rows,
            })
        });
        let best = rows.and_then(|rows| {
            (1..=num_perm / rows)
                .map(|bands| LshParams { bands, rows })
                .find(|&p| reaches(p))
        });
        best.ok_or_else(|| {
            let needed = ((1.0 - TARGET_RECALL).ln() / (1.0 - threshold).ln()).ceil();
            bad_param!(
                "a design Jaccard of {threshold:.4} cannot reach candidate probability {TARGET_RECALL} with num_perm={num_perm}; use num_perm >= {needed} or a higher threshold"
            )
        })
    }
}

/// The Jaccard similarity two sets must have when the smaller is `containment` inside the
/// larger and the size ratio smaller/larger is at least `min_ratio`.
///
/// The bands are chosen for the lowest such Jaccard (containment 0.3 at ratio 0.25: 70 bands
/// of one row). Tried and not kept: size-aware emission, where a band emits a pair of a small
/// bucket only if the pair's size ratio needs that many bands (a pair of equal sizes needs 24
/// for 99% at containment 0.3). On 20k syndicated articles, one thread, the band stage went
/// from 0.111 to 0.104 s and verification from 0.061 to 0.057 s, but pairwise F1 fell from
/// 0.9991 to 0.9954 and 10% of the edges went: the direct pairs among the copies of a big
/// story come from the bands where their bucket happens to be small, and a big bucket gives
/// only its star and chain.
#[must_use]
pub fn jaccard_floor(containment: f64, min_ratio: f64) -> f64 {
    let c = containment * min_ratio;
    c / (1.0 + min_ratio - c)
}

/// A band's key from its values (taken as 64-bit integers): one value is its own key.
fn band_key(sig: &[u32], seed: u64) -> u64 {
    if sig.len() == 1 {
        u64::from(sig[0])
    } else {
        combine_values(sig.iter().map(|&v| u64::from(v)), seed)
    }
}

const NONE: u32 = u32::MAX;

fn pair(x: u32, y: u32) -> (u32, u32) {
    (x.min(y), x.max(y))
}

/// The pool behind `m`: it holds only buffers, whose contents are cleared before use, so a
/// panic elsewhere while it was held leaves nothing inconsistent.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One bucket of a band: its key, first and last member (as row indices), and size.
#[derive(Clone, Copy, Default)]
struct Slot {
    key: u64,
    first: u32,
    last: u32,
    count: u32,
}

/// Rows whose keys one task of [`Banding::keys_into`] computes.
const KEY_RUN: usize = 1 << 10;

/// Rows ahead whose signature values [`Banding::keys_into`] starts loading: the rows visit the
/// documents in content order, so each reads its values from far memory, and the key
/// computation held back the next loads. With prefetches, the keys of the plain Jaccard
/// pipeline (35 bands of 3 rows) took 9.5 ms instead of 22-24 (20k articles, one thread) and
/// 0.83 s instead of 1.27 (1M, two threads); the defaults' (70 bands of 1 row) 7-9 ms instead
/// of 10-15.
const KEYS_AHEAD: usize = 8;

/// Rows a band groups in one table (of 4096 slots, 96 KiB: in L2 with room to spare).
const GROUP_ROWS: usize = 1 << 11;

/// The tables that group a run of rows by key, reused from run to run.
#[derive(Default)]
struct Groups {
    table: Vec<Slot>,
    /// Per position in the run, its slot.
    slot_of: Vec<u32>,
    /// Per position in the run, the position of the previous member of its bucket.
    prev: Vec<u32>,
    /// Per position in the run, its row.
    row: Vec<u32>,
}

impl Groups {
    /// Group `entries` (row, key), given in row order and sharing the top `shared` bits of
    /// their mixed keys, into buckets of equal keys, and push each bucket's pairs into `out`:
    /// all pairs for a bucket of at most [`CLIQUE_MAX`], otherwise a star from its first row
    /// and a chain through consecutive ones (each pair once across the bands, through
    /// `banding`'s marks).
    ///
    /// Testing "empty or equal key" as one product, as the document-frequency count does,
    /// changed nothing measurable here (band stage 0.103 -> 0.102 s, 20k, one thread).
    fn emit(
        &mut self,
        banding: &Banding,
        shared: u32,
        entries: impl ExactSizeIterator<Item = (u32, u64)>,
        out: &mut Vec<(u32, u32)>,
    ) {
        self.row.clear();
        self.slot_of.clear();
        self.prev.clear();
        let len = entries.len();
        // Load factor between 1/3 and 2/3.
        let cap = (len + len / 2).next_power_of_two().max(16);
        let shift = 64 - cap.trailing_zeros();
        self.table.clear();
        self.table.resize(cap, Slot::default());
        for (i, (row, key)) in entries.enumerate() {
            self.row.push(row);
            self.prev.push(NONE);
            // The slot comes from the mixed key's bits below the shared ones.
            let mut at = ((key.wrapping_mul(P1) << shared) >> shift) as usize;
            loop {
                let slot = &mut self.table[at];
                if slot.count == 0 {
                    *slot = Slot {
                        key,
                        first: i as u32,
                        last: i as u32,
                        count: 1,
                    };
                    break;
                }
                if slot.key == key {
                    self.prev[i] = slot.last;
                    slot.last = i as u32;
                    slot.count += 1;
                    break;
                }
                at = (at + 1) & (cap - 1);
            }
            self.slot_of.push(at as u32);
        }
        let doc_of = |i: u32| banding.label(self.row[i as usize] as usize);
        for i in 0..self.row.len() {
            let slot = self.table[self.slot_of[i] as usize];
            if slot.count < 2 || self.prev[i] == NONE {
                continue;
            }
            let doc = doc_of(i as u32);
            if slot.count as usize <= CLIQUE_MAX {
                let mut p = self.prev[i];
                while p != NONE {
                    out.push(pair(doc_of(p), doc));
                    p = self.prev[p as usize];
                }
            } else {
                let (first, before) = (doc_of(slot.first), doc_of(self.prev[i]));
                let row = self.row[i] as usize;
                if banding.star_done[row].swap(first, Ordering::Relaxed) != first {
                    out.push(pair(first, doc));
                }
                if before != first
                    && banding.chain_done[row].swap(before, Ordering::Relaxed) != before
                {
                    out.push(pair(before, doc));
                }
            }
        }
    }
}

/// The keys of `bands` of one signature (`rows` values per band) into `out`, one per band.
pub fn band_keys(
    sig: &[u32],
    rows: usize,
    seed: u64,
    bands: std::ops::Range<usize>,
    out: &mut [u64],
) {
    keys_from(&sig[bands.start * rows..], rows, seed, bands, out);
}

/// [`band_keys`] from `values`, which start with the first value of band `bands.start`.
fn keys_from(
    values: &[u32],
    rows: usize,
    seed: u64,
    bands: std::ops::Range<usize>,
    out: &mut [u64],
) {
    for ((key, b), band) in out.iter_mut().zip(bands).zip(values.chunks_exact(rows)) {
        *key = band_key(band, seed ^ (b as u64));
    }
}

/// What grouping one band needs besides its output, kept from band to band.
#[derive(Default)]
struct Scratch {
    /// The band's keys, in row order.
    keys: Vec<u64>,
    /// Where each part starts in `parted`, and where its next entry goes.
    start: Vec<usize>,
    fill: Vec<usize>,
    /// The (row, key) entries of the band, part after part.
    parted: Vec<(u32, u64)>,
    groups: Groups,
}

/// Candidate pairs of a batch of documents, band by band, from blocks of band keys.
pub struct Banding {
    /// The document of each row: the visiting order, without documents whose signature is
    /// empty (they are never candidates).
    docs: Vec<u32>,
    /// The label of each row in the pairs, if not its document (see [`Self::labelled`]).
    labels: Option<Vec<u32>>,
    params: LshParams,
    seed: u64,
    /// Per row, the star and chain partners it was last paired with in a giant bucket: the
    /// same giant bucket recurs in most bands, and its pairs need emitting once. (Races
    /// between bands can only emit a pair twice, never lose one.) Tried and not kept: a mark
    /// per row of the member set of its last bucket of at most [`CLIQUE_MAX`], skipping a
    /// bucket whose members were paired before. At 20k articles with the defaults the raw
    /// pairs fell only from 1.19M to 1.09M: small buckets seldom recur with the same members.
    star_done: Vec<AtomicU32>,
    chain_done: Vec<AtomicU32>,
    /// Scratch for the bands in progress, and pair lists handed back by [`Self::recycle`]:
    /// taken by a band and put back when it is done, so that the bands of every batch share
    /// as many of each as run at once. (At a million documents, allocating them for each of
    /// the 70 bands touched 1.3 GB of memory for the first time, which the kernel zeroes
    /// first: 0.2 to 2 s per GB on the virtual machines we measured on.)
    scratch: Mutex<Vec<Scratch>>,
    spare_lists: Mutex<Vec<Vec<(u32, u32)>>>,
}

impl Banding {
    /// Prepare banding of the documents `rows` (in visiting order: it decides which member
    /// leads a big bucket; documents with empty signatures must be left out).
    pub fn new(rows: Vec<u32>, num_perm: usize, params: LshParams, seed: u64) -> Result<Self> {
        if params.bands == 0 || params.rows == 0 || params.bands * params.rows > num_perm {
            return Err(bad_param!(
                "bands x rows ({} x {}) must be at least 1 and at most num_perm ({num_perm})",
                params.bands,
                params.rows
            ));
        }
        let n = rows.len();
        Ok(Banding {
            docs: rows,
            labels: None,
            params,
            seed,
            star_done: (0..n).map(|_| AtomicU32::new(NONE)).collect(),
            chain_done: (0..n).map(|_| AtomicU32::new(NONE)).collect(),
            scratch: Mutex::default(),
            spare_lists: Mutex::default(),
        })
    }

    /// Prepare banding of `signatures` (row-major, `num_perm` columns), visiting documents in
    /// `order` (a permutation of the documents).
    pub fn of_signatures(
        signatures: &[u32],
        num_perm: usize,
        params: LshParams,
        seed: u64,
        order: &[u32],
    ) -> Result<Self> {
        if num_perm == 0 || !signatures.len().is_multiple_of(num_perm) {
            return Err(Error::InvalidInput(format!(
                "signature array of {} values is not a whole number of rows of {num_perm}",
                signatures.len()
            )));
        }
        let n = signatures.len() / num_perm;
        if order.len() != n || order.iter().any(|&d| d as usize >= n) {
            return Err(Error::InvalidInput(format!(
                "the visiting order must list each of the {n} documents once"
            )));
        }
        let rows = order
            .iter()
            .copied()
            .filter(|&d| signatures[d as usize * num_perm] != EMPTY)
            .collect();
        Self::new(rows, num_perm, params, seed)
    }

    /// The document of each row.
    #[must_use]
    pub fn docs(&self) -> &[u32] {
        &self.docs
    }

    /// Emit each document `d` as `label[d]` in the pairs (a permutation of the documents, so
    /// that the pairs come out sorted in another order); the banding is otherwise the same.
    #[must_use]
    pub fn labelled(mut self, label: &[u32]) -> Self {
        self.labels = Some(self.docs.iter().map(|&d| label[d as usize]).collect());
        self
    }

    /// The label of `row` in the pairs.
    #[inline]
    fn label(&self, row: usize) -> u32 {
        self.labels.as_ref().map_or(self.docs[row], |l| l[row])
    }

    /// The key block of `bands` (row-major: one row of `bands.len()` keys per row of the
    /// banding) from `values`, which hold a row of `width` values per document, starting with
    /// the first value of band `bands.start`: whole signatures for bands from the first, or a
    /// block of a batch's columns (see [`crate::signature_blocks::SignatureBlocks`]).
    ///
    /// Reading the rows' signatures in the visiting order misses cache on most rows (at 20k
    /// documents, 10-15 ms of the band stage), so they are prefetched `KEYS_AHEAD` rows
    /// ahead. (Loading them ahead by reading them, tried earlier, changed nothing: a read that
    /// misses holds up the rows after it, a prefetch does not.) Tried and not kept: a
    /// band-major block, so that each band reads its keys in one run (band stage 0.105 -> 0.111
    /// s, 20k, one thread); and computing the signatures in the content order, so that this
    /// reads them in order (the sketch stage lost what the band stage gained: reading the sets
    /// out of order cost as much, 20k, 1 and 2 threads).
    #[must_use]
    pub fn keys(&self, values: &[u32], width: usize, bands: std::ops::Range<usize>) -> Vec<u64> {
        let mut keys = Vec::new();
        self.keys_into(values, width, bands, &mut keys);
        keys
    }

    /// [`Self::keys`] into `keys`, whose memory is reused (the blocks of a million documents'
    /// batches are 64 MB each).
    pub fn keys_into(
        &self,
        values: &[u32],
        width: usize,
        bands: std::ops::Range<usize>,
        keys: &mut Vec<u64>,
    ) {
        let per_row = bands.len().max(1);
        keys.clear();
        keys.resize(self.docs.len() * per_row, 0);
        keys.par_chunks_mut(per_row * KEY_RUN)
            .zip(self.docs.par_chunks(KEY_RUN))
            .for_each(|(out, docs)| {
                for (i, (out, &d)) in out.chunks_mut(per_row).zip(docs).enumerate() {
                    if let Some(&ahead) = docs.get(i + KEYS_AHEAD) {
                        let ahead = ahead as usize * width;
                        prefetch(values.get(ahead));
                        prefetch(values.get(ahead + width - 1));
                    }
                    let d = d as usize;
                    let row = &values[d * width..(d + 1) * width];
                    keys_from(row, self.params.rows, self.seed, bands.clone(), out);
                }
            });
    }

    /// Number of bands.
    #[must_use]
    pub fn bands(&self) -> usize {
        self.params.bands
    }

    /// The pairs of one band, in no particular order and without duplicates; `keys` yields
    /// the band's key of each row, in row order.
    ///
    /// Up to [`GROUP_ROWS`] rows are grouped in one table. More rows are first split by the top
    /// bits of their mixed keys, keeping row order, into parts of about that size: equal keys
    /// land in the same part, so grouping each part on its own gives the same buckets, but
    /// each part's table stays in cache where one table for a million rows missed it on every
    /// row.
    fn band(&self, keys: impl ExactSizeIterator<Item = u64>) -> Vec<(u32, u32)> {
        let n = self.docs.len();
        let mut out = lock(&self.spare_lists).pop().unwrap_or_default();
        let mut scratch = lock(&self.scratch).pop().unwrap_or_default();
        let Scratch {
            keys: band_keys,
            start,
            fill,
            parted,
            groups,
        } = &mut scratch;
        if n <= GROUP_ROWS {
            groups.emit(
                self,
                0,
                keys.enumerate().map(|(i, k)| (i as u32, k)),
                &mut out,
            );
        } else {
            let bits = (n / GROUP_ROWS)
                .next_power_of_two()
                .trailing_zeros()
                .clamp(1, 11);
            let part_of = |key: u64| (key.wrapping_mul(P1) >> (64 - bits)) as usize;
            band_keys.clear();
            band_keys.extend(keys);
            start.clear();
            start.resize((1 << bits) + 1, 0);
            for &k in band_keys.iter() {
                start[part_of(k) + 1] += 1;
            }
            for p in 0..1 << bits {
                start[p + 1] += start[p];
            }
            fill.clear();
            fill.extend_from_slice(start);
            parted.clear();
            parted.resize(n, (0, 0));
            for (i, &k) in band_keys.iter().enumerate() {
                let p = part_of(k);
                parted[fill[p]] = (i as u32, k);
                fill[p] += 1;
            }
            for w in start.windows(2) {
                groups.emit(self, bits, parted[w[0]..w[1]].iter().copied(), &mut out);
            }
        }
        lock(&self.scratch).push(scratch);
        out
    }

    /// Hand back pair lists from [`Self::pairs`] once they are read: the next batch's bands
    /// fill them again.
    pub fn recycle(&self, lists: Vec<Vec<(u32, u32)>>) {
        let mut spare = lock(&self.spare_lists);
        for mut list in lists {
            list.clear();
            spare.push(list);
        }
    }

    /// The pairs of each of `bands`, computed in parallel on the current pool: one list per
    /// band, in no particular order (a pair recurs in every band it collides in; gather them
    /// with a [`PairSet`]); `keys` is the key block of the bands `block` (see [`Self::keys`]),
    /// which hold `bands`.
    #[must_use]
    pub fn pairs(
        &self,
        bands: std::ops::Range<usize>,
        block: std::ops::Range<usize>,
        keys: &[u64],
    ) -> Vec<Vec<(u32, u32)>> {
        debug_assert!(block.start <= bands.start && bands.end <= block.end);
        let (width, first) = (block.len().max(1), block.start);
        debug_assert_eq!(keys.len(), self.docs.len() * width);
        bands
            .into_par_iter()
            .map(|b| self.band(keys.iter().skip(b - first).step_by(width).copied()))
            .collect()
    }
}

/// A 128-bit fingerprint of a shingle set: equal sets have equal fingerprints; two different
/// sets share one with probability about 2^-128.
#[must_use]
pub fn fingerprint(set: &[u32], seed: u64) -> u128 {
    // `combine(set, seed)` and `combine(set, !seed)` (each hash widened to 64 bits), folded in
    // one loop so that their two chains of dependent multiplications overlap.
    let (mut hi, mut lo) = (seed ^ P3, !seed ^ P3);
    for &t in set {
        hi = fold(hi ^ u64::from(t), P1);
        lo = fold(lo ^ u64::from(t), P1);
    }
    let len = set.len() as u64;
    (u128::from(fmix64(hi ^ len)) << 64) | u128::from(fmix64(lo ^ len))
}

/// The [`fingerprint`] of every document of a batch.
#[must_use]
pub fn fingerprints(sets: &ShingleSets, seed: u64) -> Vec<u128> {
    (0..sets.len())
        .into_par_iter()
        .map(|d| fingerprint(sets.get(d), seed))
        .collect()
}

/// The content order of a batch: documents sorted by the fingerprint of their shingle set, ties
/// (identical sets) by index. Breaking ties by it makes results independent of the input order.
#[must_use]
pub fn content_order(fingerprints: &[u128]) -> Vec<u32> {
    order_by(fingerprints)
}

/// The documents sorted by `key` (one per document), ties by index.
#[must_use]
pub fn order_by<K: Ord + Copy + Sync>(key: &[K]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..key.len() as u32).collect();
    order.par_sort_unstable_by_key(|&d| (key[d as usize], d));
    order
}

/// Each document's position in `order` (a permutation of the documents, such as the content
/// order).
#[must_use]
pub fn rank_of(order: &[u32]) -> Vec<u32> {
    let mut rank = vec![0u32; order.len()];
    for (r, &d) in order.iter().enumerate() {
        rank[d as usize] = r as u32;
    }
    rank
}

/// Pairs `(first, d)` joining every document to the first one with the same fingerprint, given
/// the [`content_order`]; documents for which `empty` holds are left out. LSH buckets with many
/// members only emit stars and chains, so identical documents in one are not always paired
/// directly; these pairs guarantee it (and verification checks them like any candidate).
#[must_use]
pub fn duplicate_pairs(
    fingerprints: &[u128],
    order: &[u32],
    empty: impl Fn(usize) -> bool,
) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for run in order.chunk_by(|&a, &b| fingerprints[a as usize] == fingerprints[b as usize]) {
        if !empty(run[0] as usize) {
            out.extend(run[1..].iter().map(|&d| (run[0], d)));
        }
    }
    out.sort_unstable();
    out
}

/// Candidate pairs `(a, b)` with `a < b`, sorted and unique, from signatures stored row-major
/// (`n` rows of `num_perm` values). Documents whose signature is empty are never candidates.
pub fn candidate_pairs(
    signatures: &[u32],
    num_perm: usize,
    params: LshParams,
    seed: u64,
) -> Result<Vec<(u32, u32)>> {
    let n = (signatures.len() / num_perm.max(1)) as u32;
    let order: Vec<u32> = (0..n).collect();
    let banding = Banding::of_signatures(signatures, num_perm, params, seed, &order)?;
    let keys = banding.keys(signatures, num_perm, 0..params.bands);
    let mut pairs = PairSet::new(n as usize);
    pairs.add(&banding.pairs(0..params.bands, 0..params.bands, &keys));
    Ok(pairs.into_pairs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::combine;

    #[test]
    fn fingerprint_is_combine_under_two_seeds() {
        let mut next = crate::testing::xorshift(3);
        for len in [0, 1, 2, 7, 300] {
            let set: Vec<u32> = (0..len).map(|_| next() as u32).collect();
            let wide: Vec<u64> = set.iter().map(|&h| u64::from(h)).collect();
            for seed in [0, 1, next()] {
                let expected =
                    (u128::from(combine(&wide, seed)) << 64) | u128::from(combine(&wide, !seed));
                assert_eq!(fingerprint(&set, seed), expected, "len {len}, seed {seed}");
            }
        }
    }

    #[test]
    fn derived_parameters_meet_the_target() {
        for t in [0.1, 0.3, 0.5, 0.7, 0.9, 1.0] {
            let p = LshParams::derive(t, 128).unwrap();
            assert!(p.probability(t) >= TARGET_RECALL, "{t} {p:?}");
            assert!(p.bands * p.rows <= 128);
        }
        assert_eq!(
            LshParams::derive(0.5, 128).unwrap(),
            LshParams { bands: 35, rows: 3 }
        );
        assert!(LshParams::derive(0.01, 128).is_err());
    }

    #[test]
    fn floor() {
        assert!((jaccard_floor(1.0, 1.0) - 1.0).abs() < 1e-12);
        assert!((jaccard_floor(0.5, 1.0) - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn split_bands_group_like_one_table() {
        use std::collections::HashMap;
        let mut next = crate::testing::xorshift(9);
        // Below and above the rows one table groups; keys from a small pool give buckets of
        // one, of a few (cliques) and of many (star and chain).
        for n in [1000usize, GROUP_ROWS + 1, 9000] {
            let keys: Vec<u64> = (0..n)
                .map(|_| match next() % 4 {
                    0 => next(),
                    1 => next() % 7,
                    _ => next() % (n as u64 / 3),
                })
                .collect();
            // Rows visit the documents in reverse.
            let docs: Vec<u32> = (0..n as u32).rev().collect();
            let banding =
                Banding::new(docs.clone(), 1, LshParams { bands: 1, rows: 1 }, 0).unwrap();
            let mut got = banding.band(keys.iter().copied());
            got.sort_unstable();
            let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
            for (row, &k) in keys.iter().enumerate() {
                buckets.entry(k).or_default().push(row);
            }
            let mut expected = Vec::new();
            let doc = |row: usize| docs[row];
            for rows in buckets.values() {
                for (i, &r) in rows.iter().enumerate().skip(1) {
                    if rows.len() <= CLIQUE_MAX {
                        expected.extend(rows[..i].iter().map(|&p| pair(doc(p), doc(r))));
                    } else {
                        expected.push(pair(doc(rows[0]), doc(r)));
                        if i > 1 {
                            expected.push(pair(doc(rows[i - 1]), doc(r)));
                        }
                    }
                }
            }
            expected.sort_unstable();
            assert_eq!(got, expected, "{n} rows");
            // A second band reuses the first one's scratch and its handed-back list: nothing
            // of the first may show. Keys pair rows 2i and 2i + 1, shuffled by a mix.
            banding.recycle(vec![got]);
            let paired: Vec<u64> = (0..n as u64).map(|r| fmix64(r / 2 + 1)).collect();
            let mut got = banding.band(paired.iter().copied());
            got.sort_unstable();
            let mut expected: Vec<(u32, u32)> = (0..n / 2)
                .map(|i| pair(docs[2 * i], docs[2 * i + 1]))
                .collect();
            expected.sort_unstable();
            assert_eq!(got, expected, "{n} rows, second band");
        }
    }

    #[test]
    fn big_runs_are_linear() {
        let n = 10_000usize;
        let sigs = vec![5u32; n];
        let pairs = candidate_pairs(&sigs, 1, LshParams { bands: 1, rows: 1 }, 0).unwrap();
        assert!(pairs.len() < 2 * n);
        assert!(pairs.contains(&(0, 1)) && pairs.contains(&(0, (n - 1) as u32)));
    }
}
