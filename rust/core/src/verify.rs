//! Exact verification of candidate pairs: every edge is scored on the full shingle sets.

use rayon::prelude::*;

use crate::jaccard::{overlap_at_least, Overlap};
use crate::lsh::{order_by, rank_of};
use crate::minhash::equal_narrow_columns;
use crate::prefetch::prefetch;
use crate::shingle_sets::ShingleSets;

/// Which exact measure decides an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// |A ∩ B| / |A ∪ B|.
    Jaccard,
    /// |A ∩ B| / min(|A|, |B|): a trimmed or padded copy still matches its source.
    Containment,
}

impl Measure {
    /// The score of an overlap under this measure.
    #[must_use]
    pub fn score(self, o: &Overlap) -> f64 {
        match self {
            Measure::Jaccard => o.jaccard(),
            Measure::Containment => o.max_containment(),
        }
    }
}

/// A verified edge between documents `a < b`.
///
/// It keeps the exact counts in 32 bits and the measure, and computes the score from them when
/// asked (the same division, so the same bits): 20 bytes an edge, where the overlap in three
/// `usize` and the score beside it took 40. At a million articles (16.4M edges) that is 0.33
/// GB less at the end of verification and through clustering. (The measure is the top bit of
/// `size_a`; as a field of its own it took 4 bytes an edge with the padding, 66 MB there.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// First document (input index).
    pub a: u32,
    /// Second document (input index), `a < b`.
    pub b: u32,
    shared: u32,
    /// The size of `a`'s set, and the measure in the top bit ([`CONTAINMENT`]).
    size_a: u32,
    size_b: u32,
}

/// The bit of [`Edge::size_a`] set when the edge is scored by containment.
const CONTAINMENT: u32 = 1 << 31;

impl Edge {
    /// The edge between `a` and `b` with their exact `overlap`, scored by `measure`.
    ///
    /// # Panics
    /// If a set holds 2^31 shingles or more (a document of over 2 billion words).
    #[must_use]
    pub fn new(a: u32, b: u32, overlap: &Overlap, measure: Measure) -> Self {
        let narrow = |v: usize| {
            u32::try_from(v)
                .ok()
                .filter(|&v| v < CONTAINMENT)
                .expect("a set holds fewer than 2^31 shingles")
        };
        let bit = match measure {
            Measure::Jaccard => 0,
            Measure::Containment => CONTAINMENT,
        };
        Edge {
            a,
            b,
            shared: narrow(overlap.shared),
            size_a: narrow(overlap.size_a) | bit,
            size_b: narrow(overlap.size_b),
        }
    }

    /// Exact set sizes and intersection.
    #[must_use]
    pub fn overlap(&self) -> Overlap {
        Overlap {
            shared: self.shared as usize,
            size_a: (self.size_a & !CONTAINMENT) as usize,
            size_b: self.size_b as usize,
        }
    }

    /// The measure the edge was verified by.
    #[must_use]
    pub fn measure(&self) -> Measure {
        if self.size_a & CONTAINMENT == 0 {
            Measure::Jaccard
        } else {
            Measure::Containment
        }
    }

    /// The measure's score, at or above the threshold the edge was verified at.
    #[must_use]
    pub fn score(&self) -> f64 {
        self.measure().score(&self.overlap())
    }
}

/// Verified edges as columns, the form the Python layer hands out (one `int64` or `float64`
/// array each).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeColumns {
    pub a: Vec<i64>,
    pub b: Vec<i64>,
    pub shared: Vec<i64>,
    pub jaccard: Vec<f64>,
    pub containment_a: Vec<f64>,
    pub containment_b: Vec<f64>,
    pub score: Vec<f64>,
}

impl EdgeColumns {
    /// The columns of `edges`, filled in one parallel pass on the current rayon pool (the
    /// zeroed columns are allocated untouched, so each thread touches its share first). At a
    /// million articles they are 0.9 GB: filled on one thread with the GIL held, the call
    /// spent 1.9 s after its stages; one column at a time on two threads, 1.3 s; and one pass
    /// over 16.4M edges took 0.38-0.45 s where seven took 0.55-0.59.
    #[must_use]
    pub fn of(edges: &[Edge]) -> Self {
        let n = edges.len();
        let mut c = EdgeColumns {
            a: vec![0; n],
            b: vec![0; n],
            shared: vec![0; n],
            jaccard: vec![0.0; n],
            containment_a: vec![0.0; n],
            containment_b: vec![0.0; n],
            score: vec![0.0; n],
        };
        (
            c.a.par_iter_mut(),
            c.b.par_iter_mut(),
            c.shared.par_iter_mut(),
            c.jaccard.par_iter_mut(),
            c.containment_a.par_iter_mut(),
            c.containment_b.par_iter_mut(),
            c.score.par_iter_mut(),
            edges.par_iter(),
        )
            .into_par_iter()
            .for_each(|(a, b, shared, j, ca, cb, score, e)| {
                let o = e.overlap();
                *a = i64::from(e.a);
                *b = i64::from(e.b);
                *shared = i64::from(e.shared);
                *j = o.jaccard();
                *ca = o.containment_a_in_b();
                *cb = o.containment_b_in_a();
                *score = e.measure().score(&o);
            });
        c
    }
}

/// Standard deviations of slack in [`plausible`]: a pair that just meets the threshold is
/// rejected with probability below about 0.6%, below the 1% that LSH banding may miss at its
/// design point; a pair above it, far less often. On 20k syndicated documents (defaults, one
/// thread), 3 instead of 4 verified 30% fewer pairs and lost no edge; 2.5 instead of 3
/// verified 131,689 pairs, not 151,566, lost one edge of 90,966 and no label, and the verify
/// stage took 65 ms, not 73 (2 verified 117,853 and lost 7 edges).
pub const PREFILTER_Z: f64 = 2.5;

/// The Jaccard similarity a pair of sets of sizes `na`, `nb` needs to reach `threshold`.
#[must_use]
pub fn jaccard_needed(measure: Measure, threshold: f64, na: usize, nb: usize) -> f64 {
    match measure {
        Measure::Jaccard => threshold,
        Measure::Containment => {
            let m = threshold * na.min(nb) as f64;
            m / ((na + nb) as f64 - m)
        }
    }
}

/// The bound of [`plausible`]: the agreeing columns of `k` expected at Jaccard `needed`, less
/// [`PREFILTER_Z`] standard deviations.
fn plausible_bound(k: usize, needed: f64) -> f64 {
    let k = k as f64;
    k * needed - PREFILTER_Z * (k * needed * (1.0 - needed)).sqrt()
}

/// Can a pair whose signatures agree in `equal` of `k` columns plausibly reach the threshold?
/// Compares the count with its binomial expectation at the needed Jaccard, less
/// [`PREFILTER_Z`] standard deviations.
#[must_use]
pub fn plausible(equal: usize, k: usize, needed: f64) -> bool {
    equal as f64 >= plausible_bound(k, needed)
}

/// Columns compared between two checks of [`plausible_pair`]'s early exits.
const COLUMN_BLOCK: usize = 16;

/// Can the pair with [narrow](crate::minhash::narrow) signatures `sig_a`, `sig_b` and set
/// sizes `na`, `nb` reach the threshold?
///
/// The same verdict as [`plausible`] on all columns, but the count stops as soon as it is
/// decided: once enough columns agree (a true copy passes after a third or so of its
/// signature), or once too few columns are left to reach the bound. The partner's signature
/// is a read from far memory, so the columns not read are the saving.
///
/// Narrow columns agree whenever the full values do, so a pair the full count passes always
/// passes; a chance agreement (2^-8 a column) can only pass one more pair to the exact check.
#[must_use]
pub fn plausible_pair(
    sig_a: &[u8],
    sig_b: &[u8],
    na: usize,
    nb: usize,
    measure: Measure,
    threshold: f64,
) -> bool {
    let needed = jaccard_needed(measure, threshold, na, nb);
    let bound = plausible_bound(sig_a.len(), needed);
    if bound.is_nan() {
        return false;
    }
    // The smallest count that passes (`equal >= bound` for a whole count).
    let pass = bound.max(0.0).ceil() as usize;
    let mut equal = 0;
    let mut left = sig_a.len().min(sig_b.len());
    for (a, b) in sig_a.chunks(COLUMN_BLOCK).zip(sig_b.chunks(COLUMN_BLOCK)) {
        if equal >= pass {
            return true;
        }
        if equal + left < pass {
            return false;
        }
        equal += equal_narrow_columns(a, b);
        left -= a.len();
    }
    equal >= pass
}

/// Pairs ahead whose partner's signature [`keep_plausible`] asks the CPU to load.
const PREFETCH_AHEAD: usize = 16;
/// Move the candidate pairs of `run` whose signatures make the threshold plausible to its
/// front, in order, and return how many they are, given the exact set `sizes` (`signatures`
/// [narrow](crate::minhash::narrow) and row-major, `k` columns; a pair's ends index both).
///
/// The partner's signature is asked for `PREFETCH_AHEAD` pairs ahead (a prefetch
/// instruction): the signatures outgrow L2 at a few thousand documents, and at 20k documents,
/// one thread, the stage then took 29-31 ms where it took 36-42. (At 1M documents on 2 threads,
/// where it takes 2.7-2.8 s for 31.9M pairs, the prefetch changed nothing measurable, 2.5 and
/// 3.1 s. Reading the partner's row 16 pairs ahead instead, as [`verify`] does, made it slower
/// there: 3.3 and 3.8 s.)
pub fn keep_plausible(
    sizes: &[u32],
    signatures: &[u8],
    k: usize,
    run: &mut [(u32, u32)],
    measure: Measure,
    threshold: f64,
) -> usize {
    let mut kept = 0;
    for i in 0..run.len() {
        if let Some(&(_, later)) = run.get(i + PREFETCH_AHEAD) {
            // Every cache line of the row: its first byte, each 64 on, and its last.
            let row = later as usize * k;
            for at in (row..row + k)
                .step_by(64)
                .chain([(row + k).saturating_sub(1)])
            {
                prefetch(signatures.get(at));
            }
        }
        let (a, b) = (run[i].0 as usize, run[i].1 as usize);
        if plausible_pair(
            &signatures[a * k..(a + 1) * k],
            &signatures[b * k..(b + 1) * k],
            sizes[a] as usize,
            sizes[b] as usize,
            measure,
            threshold,
        ) {
            run[kept] = run[i];
            kept += 1;
        }
    }
    kept
}

/// The exact overlap and score of two sets, if the score reaches `threshold`.
#[must_use]
pub fn score_pair(
    sa: &[u32],
    sb: &[u32],
    measure: Measure,
    threshold: f64,
) -> Option<(Overlap, f64)> {
    // A necessary count (the float slack keeps it below any count that passes the exact test
    // below), so that hopeless pairs stop merging early.
    let bound = match measure {
        Measure::Jaccard => threshold * (sa.len() + sb.len()) as f64 / (1.0 + threshold),
        Measure::Containment => threshold * sa.len().min(sb.len()) as f64,
    };
    let needed = (bound - 1e-6).ceil().max(1.0);
    let o = overlap_at_least(sa, sb, needed as usize)?;
    let score = measure.score(&o);
    (o.shared > 0 && score >= threshold).then_some((o, score))
}

/// Pairs ahead whose partner set [`verify`] starts loading early.
const AHEAD: usize = 16;
/// Pairs per task of [`verify`].
const TASK: usize = 1024;

/// Read the first cache lines of `set` and discard them: the loads start the set's trip from
/// memory while the current pair is merged (safe Rust has no prefetch instruction).
fn touch(set: &[u32]) {
    for x in set.iter().step_by(16).take(16) {
        std::hint::black_box(*x);
    }
}

/// Where each document goes for the candidate stage: documents sorted by `key` (their first
/// MinHash value), ties by index. Returns the documents in that order and each document's place.
///
/// Two copies share their first value with probability their Jaccard similarity, so a story's
/// copies gather in runs. Pairs named by places and sorted come out with the partners of a
/// document close together: the prefilter and verification find a partner's signature or
/// set in cache from an earlier pair far more often than in document order, where at a million
/// documents nearly every partner came from memory (21M sets of 1.6 KB, 32M signatures).
#[must_use]
pub fn placement<K: Ord + Copy + Sync>(key: &[K]) -> (Vec<u32>, Vec<u32>) {
    let by_key = order_by(key);
    let place = rank_of(&by_key);
    (by_key, place)
}

/// Rename the ends of `pairs` through `label`, each pair as `(smaller, larger)`, keeping their
/// order: documents to places with `place`, places back to documents with `by_key` (both from
/// [`placement`]).
pub fn relabel(pairs: &mut [(u32, u32)], label: &[u32]) {
    pairs.par_iter_mut().for_each(|pair| {
        let (a, b) = (label[pair.0 as usize], label[pair.1 as usize]);
        *pair = (a.min(b), a.max(b));
    });
}

/// Score every candidate pair exactly and keep those whose score reaches `threshold`.
#[must_use]
pub fn verify(
    sets: &ShingleSets,
    pairs: &[(u32, u32)],
    measure: Measure,
    threshold: f64,
) -> Vec<Edge> {
    pairs
        .par_chunks(TASK)
        .flat_map_iter(|task| {
            task.iter().enumerate().filter_map(move |(i, &(a, b))| {
                if let Some(&(_, later)) = task.get(i + AHEAD) {
                    touch(sets.get(later as usize));
                }
                let (sa, sb) = (sets.get(a as usize), sets.get(b as usize));
                let (overlap, _) = score_pair(sa, sb, measure, threshold)?;
                Some(Edge::new(a, b, &overlap, measure))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edge_is_small_and_scores_as_its_measure() {
        assert_eq!(std::mem::size_of::<Edge>(), 20);
        let o = Overlap {
            shared: 3,
            size_a: 4,
            size_b: 10,
        };
        for measure in [Measure::Jaccard, Measure::Containment] {
            let e = Edge::new(1, 2, &o, measure);
            assert_eq!(e.overlap(), o);
            assert_eq!(e.score().to_bits(), measure.score(&o).to_bits());
        }
        let e = Edge::new(1, 2, &o, Measure::Containment);
        assert_eq!(e.score().to_bits(), 0.75_f64.to_bits());
        // The largest sizes keep apart from the measure's bit.
        let top = (1 << 31) - 1;
        let o = Overlap {
            shared: top - 1,
            size_a: top,
            size_b: top,
        };
        for measure in [Measure::Jaccard, Measure::Containment] {
            let e = Edge::new(1, 2, &o, measure);
            assert_eq!((e.overlap(), e.measure()), (o, measure));
        }
    }

    #[test]
    #[should_panic(expected = "fewer than 2^31 shingles")]
    fn an_edge_of_a_set_too_large_is_refused() {
        let o = Overlap {
            shared: 1,
            size_a: 1 << 31,
            size_b: 2,
        };
        let _ = Edge::new(1, 2, &o, Measure::Jaccard);
    }

    #[test]
    fn columns_hold_each_edge_in_order() {
        let edges: Vec<Edge> = (0..5000u32)
            .map(|i| {
                let o = Overlap {
                    shared: (i % 7 + 1) as usize,
                    size_a: (i % 11 + 8) as usize,
                    size_b: (i % 13 + 8) as usize,
                };
                let measure = [Measure::Jaccard, Measure::Containment][i as usize % 2];
                Edge::new(i, i + 1 + i % 3, &o, measure)
            })
            .collect();
        let c = EdgeColumns::of(&edges);
        assert_eq!(c.a.len(), edges.len());
        for (i, e) in edges.iter().enumerate() {
            let o = e.overlap();
            assert_eq!((c.a[i], c.b[i]), (i64::from(e.a), i64::from(e.b)));
            assert_eq!(c.shared[i], o.shared as i64);
            assert_eq!(c.jaccard[i].to_bits(), o.jaccard().to_bits());
            assert_eq!(
                c.containment_a[i].to_bits(),
                o.containment_a_in_b().to_bits()
            );
            assert_eq!(
                c.containment_b[i].to_bits(),
                o.containment_b_in_a().to_bits()
            );
            assert_eq!(c.score[i].to_bits(), e.score().to_bits());
        }
    }

    /// `pairs` named by places, sorted and named by documents again (the pipeline's path).
    fn in_place_order(pairs: &[(u32, u32)], key: &[u64]) -> Vec<(u32, u32)> {
        let (by_key, place) = placement(key);
        let mut placed = pairs.to_vec();
        relabel(&mut placed, &place);
        placed.sort_unstable();
        relabel(&mut placed, &by_key);
        placed
    }

    #[test]
    fn placement_orders_pairs_by_key() {
        // Documents 0..6 with keys placing them 3, 4, 0, 5, 1, 2 (ties by index: 1 and 3
        // share a key).
        let key = [30, 50, 5, 50, 10, 20];
        let (by_key, place) = placement(&key);
        assert_eq!(by_key, [2, 4, 5, 0, 1, 3]);
        assert_eq!(place, [3, 4, 0, 5, 1, 2]);
        let pairs = [(0, 1), (0, 2), (1, 3), (2, 4), (3, 5), (4, 5)];
        // Places: (0, 1) -> (3, 4); (0, 2) -> (0, 3); (1, 3) -> (4, 5); (2, 4) -> (0, 1);
        // (3, 5) -> (2, 5); (4, 5) -> (1, 2).
        assert_eq!(
            in_place_order(&pairs, &key),
            [(2, 4), (0, 2), (4, 5), (3, 5), (0, 1), (1, 3)]
        );
        let mut next = crate::testing::xorshift(5);
        let key: Vec<u64> = (0..3000).map(|_| next() % 40).collect();
        let mut pairs: Vec<(u32, u32)> = (0..20_000)
            .map(|_| {
                let (a, b) = ((next() % 3000) as u32, (next() % 3000) as u32);
                (a.min(b), a.max(b) + u32::from(a == b))
            })
            .filter(|&(_, b)| b < 3000)
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut got = in_place_order(&pairs, &key);
        let smaller_keys: Vec<u64> = got
            .iter()
            .map(|&(a, b)| key[a as usize].min(key[b as usize]))
            .collect();
        assert!(
            smaller_keys.is_sorted(),
            "pairs in the order of their first ends' keys"
        );
        got.sort_unstable();
        assert_eq!(got, pairs, "the same pairs, each once");
    }

    #[test]
    fn early_exits_give_the_full_count_verdict() {
        let mut next = crate::testing::xorshift(11);
        for case in 0..2000 {
            let k = [1, 15, 16, 17, 64, 128, 200][case % 7];
            // Agreement from none to all.
            let agree = next() % 101;
            let a: Vec<u8> = (0..k).map(|_| next() as u8).collect();
            let b: Vec<u8> = a
                .iter()
                .map(|&x| if next() % 100 < agree { x } else { x ^ 1 })
                .collect();
            let (na, nb) = (next() as usize % 500, next() as usize % 500);
            let threshold = (next() % 100 + 1) as f64 / 100.0;
            for measure in [Measure::Jaccard, Measure::Containment] {
                let needed = jaccard_needed(measure, threshold, na, nb);
                assert_eq!(
                    plausible_pair(&a, &b, na, nb, measure, threshold),
                    plausible(equal_narrow_columns(&a, &b), k, needed),
                    "k {k}, sizes {na} {nb}, threshold {threshold}, {measure:?}"
                );
            }
        }
    }

    #[test]
    fn the_plausible_pairs_are_kept_in_order() {
        let mut next = crate::testing::xorshift(13);
        // 200 documents in 20 families: a family's signatures agree in most columns.
        let k = 32;
        let base: Vec<Vec<u8>> = (0..20)
            .map(|_| (0..k).map(|_| next() as u8).collect())
            .collect();
        let mut signatures = Vec::new();
        for d in 0..200 {
            for &v in &base[d % 20] {
                signatures.push(if next().is_multiple_of(10) { v ^ 1 } else { v });
            }
        }
        let sizes: Vec<u32> = (0..200).map(|_| 50 + (next() % 200) as u32).collect();
        // Far more pairs than are prefetched ahead.
        let pairs: Vec<(u32, u32)> = (0..5_000)
            .map(|_| {
                let a = (next() % 199) as u32;
                (a, a + 1 + (next() % u64::from(199 - a)) as u32)
            })
            .collect();
        for measure in [Measure::Jaccard, Measure::Containment] {
            let plausible = |&(a, b): &(u32, u32)| {
                let (a, b) = (a as usize, b as usize);
                plausible_pair(
                    &signatures[a * k..(a + 1) * k],
                    &signatures[b * k..(b + 1) * k],
                    sizes[a] as usize,
                    sizes[b] as usize,
                    measure,
                    0.5,
                )
            };
            let want: Vec<(u32, u32)> = pairs.iter().copied().filter(plausible).collect();
            assert!(!want.is_empty() && want.len() < pairs.len(), "{measure:?}");
            let mut got = pairs.clone();
            let kept = keep_plausible(&sizes, &signatures, k, &mut got, measure, 0.5);
            assert_eq!(got[..kept], want, "{measure:?}");
        }
    }
}
