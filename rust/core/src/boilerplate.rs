//! Boilerplate suppression for a whole corpus: the cap, and the shingles over it dropped.
//!
//! A small corpus is counted whole ([`DfTable`]). A large one is counted in a sample of one
//! document in `k`, which says as much about what is common: a shingle in `f` documents is in
//! about `f / k` sampled ones. The cap comes from the medians of the sampled documents, scaled
//! up, and the shingles dropped are those whose sample count, times `k`, is over it. The count,
//! which reads and writes every (document, shingle) entry in far memory, shrinks to a `k`-th;
//! dropping reads every entry once, in order, against a small set that stays in cache.
//!
//! The sample is kept only when the cap is at least [`SampleRule::mean`] times `k`, so that a
//! shingle near the cap has a count large enough to place it (one standard deviation is then
//! at most 18% of the count); otherwise a smaller stride is tried once (see
//! `retry_stride`), and if there is none, or its own cap is too low for it, the corpus is
//! counted whole. Corpora whose stories have few copies get low caps, and are counted whole.
//!
//! Measured (2 threads unless said): at 20k syndicated articles (1 thread), the stage took
//! 0.14 s against 0.24 s counted whole, and pairwise F1 was 0.9994 against 0.9991; at a million,
//! 4.1 s against 10.5 s, with 16,384,661 verified edges against 16,395,263. (Since the sample's
//! counter lists what is over the cap and the content key became a sum, 0.067-0.070 s at 20k
//! and 2.9 s at a million.)
//!
//! The sample is one document in `k` of the documents in the order of a key of their content
//! (ties by index): which documents are sampled does not depend on the order of the input, and
//! the copies of an identical document are spread over the sample like any others rather than
//! sampled all or none.

use std::convert::Infallible;

use rayon::prelude::*;

use crate::df::{cap_from_medians, medians, suppress, suppress_listed, DfPolicy, DfTable};
use crate::hash::fmix64;
use crate::parallel::cut;
use crate::shingle_sets::ShingleSets;

/// What [`suppress_boilerplate`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suppression {
    /// The document-frequency cap.
    pub cap: u32,
    /// (Document, shingle) entries dropped.
    pub dropped: usize,
    /// One document in `stride` was sampled to learn the cap and find the candidates; 1 when
    /// the corpus was counted whole.
    pub stride: usize,
}

/// When and how sparsely [`suppress_boilerplate`] samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleRule {
    /// Fewest documents a sample holds: a corpus of fewer than twice as many is counted whole.
    pub docs: usize,
    /// Largest stride.
    pub most: usize,
    /// Least mean sample count of a shingle just over the cap: a stride is kept only if
    /// (cap + 1) / stride reaches it, so that a shingle's count in the sample says on which
    /// side of the cap it is (at 32, one standard deviation is 18% of the count).
    pub mean: f64,
}

/// The rule of the pipeline. At 20k syndicated articles it samples one document in four (cap
/// 154, where the whole count gives 144); at a million, one in eight (cap 578 against 546). A
/// corpus whose stories have few copies gets a low cap and is counted whole.
///
/// The cap is a high quantile of noisy estimates, so it comes out high by about the noise of
/// one estimate, which grows with the stride: one in sixteen at a million gave a cap of 642,
/// and with fewer shingles dropped the band stage peaked at 4.853 GB, over twice the input
/// text (4.836 GB); one in eight peaked at 4.82 GB.
impl Default for SampleRule {
    fn default() -> Self {
        SampleRule {
            docs: 4096,
            most: 8,
            mean: 32.0,
        }
    }
}

/// Learn the cap under `policy` and drop, in place, every shingle in more documents than the
/// cap (a document that would lose every shingle keeps them all), sampling under `rule`.
/// `None` when `policy` is [`DfPolicy::Off`].
pub fn suppress_boilerplate(
    sets: &mut ShingleSets,
    policy: DfPolicy,
    rule: &SampleRule,
) -> Option<Suppression> {
    if policy == DfPolicy::Off {
        return None;
    }
    let nonempty = (0..sets.len()).filter(|&d| !sets.get(d).is_empty()).count();
    let k = stride(nonempty, policy, rule);
    if k > 1 {
        let keyed = key_order(
            (0..sets.len())
                .into_par_iter()
                .filter(|&d| !sets.get(d).is_empty())
                .map(|d| (content_key(sets.get(d)), d as u32))
                .collect(),
        );
        // The sample is given back before the corpus is suppressed.
        let Ok(learned) = learn_from_samples(&keyed, k, rule, |docs, k| {
            Ok::<_, Infallible>(learn_from_sample(&subset(sets, docs), k, policy, rule))
        });
        if let Some((stride, cap, over)) = learned {
            return Some(Suppression {
                cap,
                dropped: suppress_listed(sets, &over),
                stride,
            });
        }
    }
    let table = DfTable::build(sets);
    let cap = learn(&table, sets, 1, policy);
    let dropped = suppress(&table, sets, cap);
    Some(Suppression {
        cap,
        dropped,
        stride: 1,
    })
}

/// The cap under `policy` (not [`DfPolicy::Off`]), from `table` of `sets`, a sample of one
/// document in `stride`.
fn learn(table: &DfTable, sets: &ShingleSets, stride: usize, policy: DfPolicy) -> u32 {
    match policy {
        DfPolicy::Fixed(cap) => cap,
        DfPolicy::Auto {
            floor,
            multiplier,
            quantile,
        } => {
            let scaled = medians(table, sets)
                .into_iter()
                .map(|m| scale_median(m, stride))
                .collect();
            cap_from_medians(scaled, floor, multiplier, quantile)
        }
        DfPolicy::Off => unreachable!("no cap without suppression"),
    }
}

/// From `sample`, one document in `stride` (> 1): the cap, and the shingles over it, or `None`
/// for them when the cap is too low for the stride under `rule` (see [`retry_stride`]).
pub(crate) fn learn_from_sample(
    sample: &ShingleSets,
    stride: usize,
    policy: DfPolicy,
    rule: &SampleRule,
) -> (u32, Option<Vec<u32>>) {
    // A cap is kept only if `cap + 1 >= rule.mean * stride`, and then `cap / stride + 1`, the
    // least count listed below, is at least `rule.mean` rounded down.
    let table = DfTable::build_listing(sample, rule.mean as u32);
    let cap = learn(&table, sample, stride, policy);
    if f64::from(cap) + 1.0 < rule.mean * stride as f64 {
        return (cap, None);
    }
    // A shingle in `c` sampled documents is in about `c * stride` of the corpus.
    let least = u32::try_from(cap as usize / stride + 1).unwrap_or(u32::MAX);
    (cap, Some(table.frequent(least)))
}

/// Learn from a sample of one in `stride` of the documents in [`key_order`] (`keyed`), and
/// once more, at [`retry_stride`], if that sample's cap is too low for its stride: the stride,
/// cap and shingles over the cap of the sample kept, or `None` when the corpus must be counted
/// whole. `learn(docs, stride)` learns from the sets of `docs` (see [`learn_from_sample`]).
pub(crate) fn learn_from_samples<E>(
    keyed: &[(u64, u32)],
    mut stride: usize,
    rule: &SampleRule,
    mut learn: impl FnMut(&[u32], usize) -> Result<(u32, Option<Vec<u32>>), E>,
) -> Result<Option<(usize, u32, Vec<u32>)>, E> {
    let mut retried = false;
    while stride > 1 {
        let (cap, over) = learn(&sampled_docs(keyed, stride), stride)?;
        if let Some(over) = over {
            return Ok(Some((stride, cap, over)));
        }
        stride = if retried {
            1
        } else {
            retry_stride(cap, stride, rule)
        };
        retried = true;
    }
    Ok(None)
}

/// The stride to sample at after a sample of one in `stride` gave a `cap` too low for it under
/// `rule`: half the stride, or less if the cap allows less; 1 (count the corpus whole) if it
/// allows none. A sparser sample's cap comes out higher (a high quantile of noisier
/// estimates), so the next sample's is most often lower than this one: the largest stride this
/// cap allows would often be refused in turn. If the next sample's cap is too low for its
/// stride too, the corpus is counted whole (one retry at most). At 100k syndicated articles
/// (2 threads), one in 8 gave a cap of 226, too low for 8 (the whole count gives 188); one in
/// 7, the largest stride 226 allows, then gave 212, too low for 7. One in 4 gives 210 and is
/// kept: the stage took 0.39 s where the whole count took 0.73, and pairwise F1 was 0.9958
/// against 0.9967.
fn retry_stride(cap: u32, stride: usize, rule: &SampleRule) -> usize {
    (((f64::from(cap) + 1.0) / rule.mean) as usize)
        .min(stride / 2)
        .max(1)
}

/// The stride of the sample of a corpus of `nonempty` documents with shingles under `policy`
/// (a fixed cap allows no stride that `rule` would refuse for it).
pub(crate) fn stride(nonempty: usize, policy: DfPolicy, rule: &SampleRule) -> usize {
    let k = (nonempty / rule.docs.max(1)).clamp(1, rule.most.max(1));
    match policy {
        DfPolicy::Fixed(cap) => k.min(((f64::from(cap) + 1.0) / rule.mean) as usize).max(1),
        _ => k,
    }
}

/// A document's median frequency in a sample of one in `stride`, as a frequency in the whole
/// corpus: a sampled document counts itself, and each of the other documents a shingle is in
/// was sampled with a chance of one in `stride`.
fn scale_median(median: u32, stride: usize) -> u32 {
    let stride = u32::try_from(stride).unwrap_or(u32::MAX);
    median
        .saturating_sub(1)
        .saturating_mul(stride)
        .saturating_add(1)
}

/// A key of a document's content: equal sets have equal keys, and different ones almost never
/// (their sums differ unless their hashes happen to add up alike; a tie only orders two
/// documents by index). The sum is one add an entry, over every entry of the corpus: mixing
/// each hash before adding it, as this did first, took 10-11 ms of the stage at 20k articles
/// (7.8M entries, one thread), the sum 4-5.
pub(crate) fn content_key(set: &[u32]) -> u64 {
    fmix64(
        set.iter()
            .fold(0u64, |sum, &h| sum.wrapping_add(u64::from(h))),
    )
}

/// The [`content_key`] and index of each document with shingles, sorted: the order in which
/// [`sampled_docs`] samples them.
pub(crate) fn key_order(mut keyed: Vec<(u64, u32)>) -> Vec<(u64, u32)> {
    keyed.par_sort_unstable();
    keyed
}

/// The sampled documents, in input order, from the documents in [`key_order`]: the first and
/// every `stride`-th after it.
fn sampled_docs(keyed: &[(u64, u32)], stride: usize) -> Vec<u32> {
    let mut docs: Vec<u32> = keyed.iter().step_by(stride).map(|&(_, d)| d).collect();
    docs.sort_unstable();
    docs
}

/// The sets of the documents `docs`, as a corpus of their own.
fn subset(sets: &ShingleSets, docs: &[u32]) -> ShingleSets {
    let mut offsets = Vec::with_capacity(docs.len() + 1);
    offsets.push(0);
    for &d in docs {
        offsets.push(offsets[offsets.len() - 1] + sets.get(d as usize).len());
    }
    let mut hashes = vec![0u32; offsets[docs.len()]];
    cut(
        &mut hashes,
        docs.iter().map(|&d| sets.get(d as usize).len()),
    )
    .into_par_iter()
    .zip(docs)
    .for_each(|(dest, &d)| dest.copy_from_slice(sets.get(d as usize)));
    let tokens = docs.iter().map(|&d| sets.tokens()[d as usize]).collect();
    ShingleSets::from_parts(offsets, hashes, tokens)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::df::learn_cap;

    const AUTO: DfPolicy = DfPolicy::Auto {
        floor: 10,
        multiplier: 2.0,
        quantile: 0.99,
    };

    /// A rule that samples corpora of a few hundred documents.
    const SMALL: SampleRule = SampleRule {
        docs: 50,
        most: 4,
        mean: 8.0,
    };

    /// A corpus of `stories` stories of `copies` copies each (each copy with a few shingles of
    /// its own), every document ending in one of `blocks` shared blocks of furniture.
    fn corpus(stories: usize, copies: usize, blocks: usize) -> ShingleSets {
        let mut next = crate::testing::xorshift(11);
        let furniture: Vec<Vec<u32>> = (0..blocks)
            .map(|_| (0..15).map(|_| next() as u32).collect())
            .collect();
        let mut sets = Vec::new();
        for _ in 0..stories {
            let story: Vec<u32> = (0..40).map(|_| next() as u32).collect();
            for _ in 0..copies {
                let mut s = story.clone();
                s.extend((0..5).map(|_| next() as u32));
                s.extend(&furniture[(next() % blocks as u64) as usize]);
                s.sort_unstable();
                s.dedup();
                sets.push(s);
            }
        }
        let tokens = vec![50; sets.len()];
        ShingleSets::from_sets(sets, tokens)
    }

    /// What counting the corpus whole drops at `cap`.
    fn exact(sets: &ShingleSets, cap: u32) -> ShingleSets {
        let mut whole = sets.clone();
        suppress(&DfTable::build(sets), &mut whole, cap);
        whole
    }

    #[test]
    fn a_small_corpus_is_counted_whole() {
        let sets = corpus(20, 5, 2);
        let table = DfTable::build(&sets);
        let cap = learn_cap(&table, &sets, 10, 2.0, 0.99);
        let mut s = sets.clone();
        let done = suppress_boilerplate(&mut s, AUTO, &SampleRule::default()).unwrap();
        assert_eq!((done.cap, done.stride), (cap, 1));
        let whole = exact(&sets, cap);
        assert!(s.hashes() == whole.hashes());
        assert!(done.dropped > 0, "the furniture goes");
        assert_eq!(suppress_boilerplate(&mut s, DfPolicy::Off, &SMALL), None);
    }

    #[test]
    fn a_sample_finds_the_cap_and_drops_what_the_whole_count_drops() {
        // 400 documents (stride 4 under SMALL): stories of 20 copies, 2 blocks of furniture
        // in about 200 documents each.
        let sets = corpus(20, 20, 2);
        let mut s = sets.clone();
        let done = suppress_boilerplate(&mut s, AUTO, &SMALL).unwrap();
        assert_eq!(done.stride, 4);
        // Twice the medians of 20 of the whole corpus. A story's sampled copies vary, and the
        // 99th percentile of 100 sampled documents is a story that drew more of them.
        assert!((40..=100).contains(&done.cap), "cap {}", done.cap);
        let whole = exact(&sets, done.cap);
        assert!(s.hashes() == whole.hashes());
        assert_eq!(done.dropped, sets.hashes().len() - whole.hashes().len());
        assert_eq!(
            done.dropped,
            400 * 15,
            "every block of furniture, and nothing else"
        );
    }

    #[test]
    fn a_fixed_cap_samples_only_as_sparsely_as_it_allows() {
        let sets = corpus(20, 20, 2);
        for (cap, stride) in [(60, 4), (16, 2), (10, 1)] {
            let mut s = sets.clone();
            let done = suppress_boilerplate(&mut s, DfPolicy::Fixed(cap), &SMALL).unwrap();
            assert_eq!((done.cap, done.stride), (cap, stride), "cap {cap}");
            // At 16 the stories' shingles (in 20 documents) are just over the cap, where an
            // estimate may fall either side; the others are far from it.
            if cap != 16 {
                assert!(s.hashes() == exact(&sets, cap).hashes(), "cap {cap}");
            }
        }
    }

    #[test]
    fn a_low_cap_falls_back_to_the_whole_count() {
        // Stories of 2 copies: medians of 2 give the floor, 10, too low for a stride of 4.
        let sets = corpus(200, 2, 4);
        let mut s = sets.clone();
        let done = suppress_boilerplate(&mut s, AUTO, &SMALL).unwrap();
        assert_eq!((done.cap, done.stride), (10, 1));
        assert!(s.hashes() == exact(&sets, 10).hashes());
    }

    #[test]
    fn the_sample_does_not_depend_on_the_input_order() {
        let sets = corpus(20, 20, 4);
        let n = sets.len();
        // The corpus with its last document repeated, forwards and backwards.
        let docs: Vec<Vec<u32>> = (0..n)
            .chain([n - 1])
            .map(|d| sets.get(d).to_vec())
            .collect();
        let mut forward = ShingleSets::from_sets(docs.clone(), vec![50; n + 1]);
        let mut back = ShingleSets::from_sets(docs.into_iter().rev().collect(), vec![50; n + 1]);
        let a = suppress_boilerplate(&mut forward, AUTO, &SMALL).unwrap();
        let b = suppress_boilerplate(&mut back, AUTO, &SMALL).unwrap();
        assert_eq!((a, a.stride), (b, 4));
        for d in 0..=n {
            assert_eq!(forward.get(d), back.get(n - d), "doc {d}");
        }
    }

    #[test]
    fn a_cap_too_low_for_its_stride_is_learned_again_once() {
        let sets = corpus(20, 20, 2);
        let whole = DfTable::build(&sets);
        let whole_cap = learn_cap(&whole, &sets, 10, 2.0, 0.99);
        // One in four gives a cap of 74 here. At a mean of 20 or 24 that is too low for 4
        // (74 + 1 < 4 x 20); half the stride, 2, gives 54, enough for it (54 + 1 >= 2 x 24).
        for mean in [20.0, 24.0] {
            let mut s = sets.clone();
            let rule = SampleRule { mean, ..SMALL };
            let done = suppress_boilerplate(&mut s, AUTO, &rule).unwrap();
            assert_eq!((done.stride, done.cap, done.dropped), (2, 54, 400 * 15));
            assert!(s.hashes() == exact(&sets, 54).hashes());
        }
        // At 28, 54 is too low for 2 as well: the corpus is counted whole.
        let mut s = sets.clone();
        let rule = SampleRule {
            mean: 28.0,
            ..SMALL
        };
        let done = suppress_boilerplate(&mut s, AUTO, &rule).unwrap();
        assert_eq!((done.stride, done.cap), (1, whole_cap));
        assert!(s.hashes() == exact(&sets, whole_cap).hashes());
        // Half the stride, less if the cap allows less, at least 1.
        let at = |mean| SampleRule { mean, ..SMALL };
        assert_eq!(retry_stride(66, 4, &at(18.0)), 2);
        assert_eq!(retry_stride(66, 8, &at(18.0)), 3);
        assert_eq!(retry_stride(66, 8, &at(8.0)), 4);
        assert_eq!(retry_stride(5, 4, &at(8.0)), 1);
    }

    #[test]
    fn scaling_and_thresholds() {
        assert_eq!(scale_median(1, 16), 1);
        assert_eq!(scale_median(18, 4), 69);
        assert_eq!(scale_median(u32::MAX, 16), u32::MAX);
        let rule = SampleRule::default();
        assert_eq!(stride(8191, AUTO, &rule), 1);
        assert_eq!(stride(20_000, AUTO, &rule), 4);
        assert_eq!(stride(1_000_000, AUTO, &rule), 8);
        assert_eq!(stride(1_000_000, DfPolicy::Fixed(100), &rule), 3);
    }
}
