//! The whole job, stage after stage: shingle, suppress boilerplate, sketch, band, verify, cluster.

use std::time::Instant;

use rayon::prelude::*;

use crate::boilerplate::{suppress_boilerplate, SampleRule, Suppression};
use crate::cluster::{cluster, Clustering, Linkage};
use crate::control::{in_batches, Control};
use crate::df::DfPolicy;
use crate::error::{bad_param, Result};
use crate::lsh::{content_order, duplicate_pairs, fingerprints, rank_of, Banding, LshParams};
use crate::minhash::validate_num_perm;
use crate::pair_set::PairSet;
use crate::parallel::pool;
use crate::shingle::ShingleSpec;
use crate::shingle_sets::ShingleSets;
use crate::signature_blocks::SignatureBlocks;
use crate::text::Document;
use crate::verify::{keep_plausible, placement, relabel, verify, Edge, Measure};

/// Documents per batch between checkpoints.
pub const BATCH: usize = 8192;
/// LSH bands per batch between checkpoints.
pub const BANDS_PER_BATCH: usize = 8;
/// Rows (documents times bands) whose pair lists [`propose`] holds at once, before they are
/// gathered into its set: at a million documents, a batch's eight bands emit 10.2M pairs, 81
/// MB of lists beside 41 MB of scratch to sort them; four bands at a time lowered the stage's
/// peak by 65 MB. Smaller corpora gather a whole batch at once, with half as many
/// gatherings.
const ROUND_ROWS: usize = 1 << 22;

/// Everything `cluster` needs; the Python layer owns the defaults.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Shingling and hashing.
    pub shingle: ShingleSpec,
    /// Signature length K.
    pub num_perm: usize,
    /// LSH bands and rows.
    pub lsh: LshParams,
    /// The exact measure that verifies an edge.
    pub measure: Measure,
    /// Minimum score of a verified edge.
    pub threshold: f64,
    /// Boilerplate suppression.
    pub df: DfPolicy,
    /// When boilerplate suppression counts frequencies in a sample of the documents.
    pub df_sample: SampleRule,
    /// How edges become clusters.
    pub linkage: Linkage,
}

impl Config {
    /// Check every parameter.
    pub fn validate(&self) -> Result<()> {
        self.shingle.validate()?;
        validate_num_perm(self.num_perm)?;
        if self.lsh.bands == 0
            || self.lsh.rows == 0
            || self.lsh.bands * self.lsh.rows > self.num_perm
        {
            return Err(bad_param!(
                "bands x rows ({} x {}) must be between 1 and num_perm ({})",
                self.lsh.bands,
                self.lsh.rows,
                self.num_perm
            ));
        }
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(bad_param!(
                "threshold must be in (0, 1], got {}",
                self.threshold
            ));
        }
        Ok(())
    }
}

/// Wall time of each stage, in seconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    /// Normalise, tokenise, hash shingles.
    pub shingle: f64,
    /// Document frequencies and suppression.
    pub boilerplate: f64,
    /// MinHash signatures.
    pub sketch: f64,
    /// LSH candidate pairs.
    pub band: f64,
    /// Exact verification.
    pub verify: f64,
    /// Union-find / centres.
    pub cluster: f64,
}

/// Result of [`run`].
#[derive(Debug, Clone)]
pub struct Output {
    /// Clusters, representatives, weakest links.
    pub clustering: Clustering,
    /// Verified edges, sorted by `(a, b)`.
    pub edges: Vec<Edge>,
    /// Number of candidate pairs LSH produced.
    pub candidates: usize,
    /// Candidates whose signatures made the threshold plausible, verified exactly.
    pub verified: usize,
    /// The document-frequency cap, the entries dropped as boilerplate and the sample's
    /// stride, if suppression was on.
    pub suppression: Option<Suppression>,
    /// Token count of each document.
    pub tokens: Vec<u32>,
    /// Number of shingles each document kept.
    pub shingles: Vec<u32>,
    /// Time per stage.
    pub times: StageTimes,
}

/// The documents the candidate stage bands, and how its pairs name them.
pub(crate) struct Members<'a, E> {
    /// The content order, in which the bands visit the documents.
    pub order: &'a [u32],
    /// Which documents have no signature (they are left out).
    pub empty: E,
    /// Each document's name in the pairs (a permutation of the documents); `None`: its index.
    pub label: Option<&'a [u32]>,
}

/// The candidate stage up to the prefilter: LSH bands visited in the `members`' content order,
/// batch after batch (`keys` fills a batch's key block for the banding's rows, into the
/// previous batch's block, whose memory it reuses), then the pairs
/// of identical documents. Returns the candidate pairs (see [`PairSet::into_pairs`]: the caller
/// may first give back what only the banding needed).
pub(crate) fn propose(
    pool: &rayon::ThreadPool,
    ctl: &dyn Control,
    cfg: &Config,
    fingerprints: &[u128],
    members: Members<'_, impl Fn(usize) -> bool + Sync>,
    mut keys: impl FnMut(&Banding, std::ops::Range<usize>, &mut Vec<u64>) -> Result<()>,
) -> Result<PairSet> {
    let Members {
        order,
        empty,
        label,
    } = members;
    let rows = order
        .iter()
        .copied()
        .filter(|&d| !empty(d as usize))
        .collect();
    let mut banding = Banding::new(rows, cfg.num_perm, cfg.lsh, cfg.shingle.seed)?;
    if let Some(label) = label {
        banding = banding.labelled(label);
    }
    let mut pairs = PairSet::new(fingerprints.len());
    let mut block = Vec::new();
    in_batches(ctl, "band", banding.bands(), BANDS_PER_BATCH, |r| {
        keys(&banding, r.clone(), &mut block)?;
        for bands in rounds(r.clone(), banding.docs().len()) {
            let lists = pool.install(|| banding.pairs(bands, r.clone(), &block));
            pool.install(|| pairs.add(&lists));
            banding.recycle(lists);
        }
        Ok(())
    })?;
    drop((banding, block));
    let mut duplicates = duplicate_pairs(fingerprints, order, &empty);
    pool.install(|| {
        if let Some(label) = label {
            relabel(&mut duplicates, label);
        }
        pairs.add(&[duplicates]);
    });
    pairs.shrink_to_fit();
    Ok(pairs)
}

/// What the candidate stage of [`run`] gives the later stages.
struct Plausible {
    /// Each document's rank in the content order.
    rank: Vec<u32>,
    /// Number of candidate pairs.
    candidates: usize,
    /// The candidates that passed the prefilter, in the order of their ends' places (see
    /// [`placement`]).
    pairs: Vec<(u32, u32)>,
}

/// The rounds of a batch of `bands` for `rows` documents: the bands whose pair lists
/// [`propose`] gathers into its set at once, in order (see [`ROUND_ROWS`]).
fn rounds(
    bands: std::ops::Range<usize>,
    rows: usize,
) -> impl Iterator<Item = std::ops::Range<usize>> {
    let round = (ROUND_ROWS / rows.max(1)).clamp(1, BANDS_PER_BATCH);
    let end = bands.end;
    bands.step_by(round).map(move |b| b..(b + round).min(end))
}

/// The batches of bands [`propose`] visits.
pub(crate) fn band_batches(bands: usize) -> Vec<std::ops::Range<usize>> {
    (0..bands)
        .step_by(BANDS_PER_BATCH)
        .map(|b| b..(b + BANDS_PER_BATCH).min(bands))
        .collect()
}

/// The candidate stage of [`run`] from the `sets` and their signatures: LSH candidates, then
/// the prefilter.
///
/// The pairs name documents by their places while they are gathered, so that they come out
/// sorted with a document's partners close together, and the prefilter reads signatures and
/// set sizes laid out by place: a partner's are often still in cache from an earlier pair.
///
/// Each batch's block of signature columns is narrowed as soon as it is banded, and the
/// candidates are filtered in the pair set, before they are listed: at a million documents,
/// the full signatures (512 MB), and a list of every candidate (255 MB, where the 20.1M kept
/// take 160) beside the signatures and the set, no longer add to the peak.
fn plausible_candidates(
    pool: &rayon::ThreadPool,
    ctl: &dyn Control,
    cfg: &Config,
    sets: &ShingleSets,
    mut sigs: SignatureBlocks,
) -> Result<Plausible> {
    let k = cfg.num_perm;
    let fps = pool.install(|| fingerprints(sets, cfg.shingle.seed));
    let order = pool.install(|| content_order(&fps));
    let rank = rank_of(&order);
    let first_column = sigs.first_column();
    let (by_key, place) = pool.install(|| placement(&first_column));
    drop(first_column);
    let members = Members {
        order: &order,
        empty: |d| sets.get(d).is_empty(),
        label: Some(&place),
    };
    let mut lsh_pairs = propose(pool, ctl, cfg, &fps, members, |banding, r, keys| {
        let j = r.start / BANDS_PER_BATCH;
        let (bands, block) = sigs.block(j);
        debug_assert_eq!(bands, r, "the blocks follow the batches of bands");
        pool.install(|| banding.keys_into(block, r.len() * cfg.lsh.rows, r, keys));
        pool.install(|| sigs.narrow_block(j));
        Ok(())
    })?;
    drop((fps, order, place));
    let candidates = lsh_pairs.len();
    let narrow = pool.install(|| sigs.into_narrow_rows(&by_key));
    let sizes: Vec<u32> = pool.install(|| {
        by_key
            .par_iter()
            .map(|&d| sets.get(d as usize).len() as u32)
            .collect()
    });
    pool.install(|| {
        lsh_pairs
            .retain_runs(|run| keep_plausible(&sizes, &narrow, k, run, cfg.measure, cfg.threshold));
    });
    drop((narrow, sizes));
    let mut pairs = pool.install(|| lsh_pairs.into_pairs());
    pool.install(|| relabel(&mut pairs, &by_key));
    Ok(Plausible {
        rank,
        candidates,
        pairs,
    })
}

/// Clusters from the verified edges; `priority` ranks representatives (smaller first), by
/// default the longest document (most tokens) first.
pub(crate) fn link(
    edges: &[Edge],
    tokens: &[u32],
    priority: Option<&[u64]>,
    rank: &[u32],
    linkage: Linkage,
) -> Clustering {
    let longest_first: Vec<u64>;
    let priority = if let Some(p) = priority {
        p
    } else {
        longest_first = tokens.iter().map(|&t| u64::from(u32::MAX - t)).collect();
        &longest_first
    };
    cluster(tokens.len(), edges, linkage, priority, rank)
}

/// Check the number of documents and the length of `priority`.
pub(crate) fn check_sizes(n: usize, priority: Option<&[u64]>) -> Result<()> {
    if n > u32::MAX as usize - 1 {
        return Err(bad_param!("at most {} documents per run", u32::MAX - 1));
    }
    if let Some(p) = priority {
        if p.len() != n {
            return Err(bad_param!(
                "priority has {} entries for {n} documents",
                p.len()
            ));
        }
    }
    Ok(())
}

/// Cluster `texts`. `priority` ranks documents as representatives (smaller first); `None` means
/// longest first. `ctl` is called between batches for progress and cancellation.
pub fn run<S: Document + Sync>(
    texts: &[S],
    priority: Option<&[u64]>,
    cfg: &Config,
    threads: usize,
    ctl: &dyn Control,
) -> Result<Output> {
    cfg.validate()?;
    let pool = pool(threads)?;
    let n = texts.len();
    check_sizes(n, priority)?;
    let mut times = StageTimes::default();

    let t = Instant::now();
    let mut sets = ShingleSets::default();
    in_batches(ctl, "shingle", n, BATCH, |r| {
        pool.install(|| sets.push_texts(&texts[r], &cfg.shingle));
        Ok(())
    })?;
    times.shingle = t.elapsed().as_secs_f64();

    let t = Instant::now();
    if cfg.df != DfPolicy::Off {
        ctl.checkpoint("boilerplate", 0, 1)?;
    }
    let suppression = pool.install(|| suppress_boilerplate(&mut sets, cfg.df, &cfg.df_sample));
    times.boilerplate = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let mut sigs =
        SignatureBlocks::new(n, cfg.num_perm, cfg.lsh.rows, &band_batches(cfg.lsh.bands));
    in_batches(ctl, "sketch", n, BATCH, |r| {
        pool.install(|| sigs.fill(&sets, r, cfg.shingle.seed));
        Ok(())
    })?;
    times.sketch = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let Plausible {
        rank,
        candidates,
        mut pairs,
    } = plausible_candidates(&pool, ctl, cfg, &sets, sigs)?;
    times.band = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let verified = pairs.len();
    let mut edges = Vec::new();
    in_batches(ctl, "verify", verified, BATCH * 16, |r| {
        // Batches from the end, each given back once verified: at a million documents the
        // pairs (160 MB) no longer sit beside the whole of the edges (330 MB).
        let batch = verified - r.end..verified - r.start;
        edges.extend(
            pool.install(|| verify(&sets, &pairs[batch.clone()], cfg.measure, cfg.threshold)),
        );
        pairs.truncate(batch.start);
        pairs.shrink_to_fit();
        Ok(())
    })?;
    // Clustering needs only the edges: give the sets and pairs back before it.
    drop(pairs);
    // Edges in the order of their ends, not of their places.
    pool.install(|| edges.par_sort_unstable_by_key(|e| (e.a, e.b)));
    times.verify = t.elapsed().as_secs_f64();
    let shingles = (0..n).map(|d| sets.get(d).len() as u32).collect();
    let tokens = sets.into_tokens();

    let t = Instant::now();
    ctl.checkpoint("cluster", 0, 1)?;
    let clustering = pool.install(|| link(&edges, &tokens, priority, &rank, cfg.linkage));
    times.cluster = t.elapsed().as_secs_f64();

    Ok(Output {
        clustering,
        edges,
        candidates,
        verified,
        suppression,
        tokens,
        shingles,
        times,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_corpora_gather_fewer_bands_at_once() {
        let rounds = |bands, rows| {
            rounds(bands, rows)
                .map(|r| (r.start, r.end))
                .collect::<Vec<_>>()
        };
        assert_eq!(rounds(0..8, 20_000), [(0, 8)]);
        assert_eq!(rounds(64..70, 0), [(64, 70)]);
        assert_eq!(rounds(0..8, 1_000_000), [(0, 4), (4, 8)]);
        assert_eq!(rounds(64..70, 1_000_000), [(64, 68), (68, 70)]);
        assert_eq!(rounds(8..11, 3_000_000), [(8, 9), (9, 10), (10, 11)]);
        assert_eq!(rounds(0..2, usize::MAX), [(0, 1), (1, 2)]);
    }
}
