//! Clustering a corpus larger than memory. Documents arrive in batches ([`Stream::push`]); their
//! shingle sets go to spill files (in memory while the run's budget allows, then in a scratch
//! directory), and [`Stream::finish`] runs the stages of [`crate::pipeline::run`] reading them
//! back. The result is identical to `run` on the same
//! documents in the same order, for any batch sizes, thread count and block size.
//!
//! What stays in memory, beside one batch of text while it is shingled and the spill files the
//! budget keeps:
//! - per document: token and shingle counts, a set offset, a 128-bit fingerprint, a content
//!   rank and, with boilerplate suppression on, a content key (about 48 bytes), then the
//!   union-find state of the cluster stage;
//! - per thread, one document-frequency partition (1/256 of all shingle entries) while counting;
//! - one batch of band keys: 8 bytes per document per band of the batch;
//! - the candidate pairs (8 bytes each) and the verified edges;
//! - one verification block of signatures and sets of at most `block_bytes` (a single larger
//!   document is a block of its own), the other document of each pair read on its own.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use rayon::ThreadPool;

use crate::boilerplate::{
    content_key, key_order, learn_from_sample, learn_from_samples, stride, Suppression,
};
use crate::control::{in_batches, Control};
use crate::df::{cap_from_medians, drop_listed, median, BucketCounter, DfPolicy};
use crate::error::{bad_param, Error, Result};
use crate::hash_set::HashSet32;
use crate::lsh::{band_keys, content_order, fingerprints, rank_of};
use crate::parallel::pool;
use crate::pipeline::{
    band_batches, check_sizes, link, propose, Config, Members, Output, StageTimes, BANDS_PER_BATCH,
    BATCH,
};
use crate::shingle_sets::ShingleSets;
use crate::signatures::{narrow_signatures, signatures_into};
use crate::spill::{Budget, RandomReader, Reader, Spilled, Writer};
use crate::text::Document;
use crate::verify::{plausible_pair, score_pair, Edge};

/// Document-frequency partitions are chosen by this many top bits of a shingle hash.
pub const PARTITION_BITS: u32 = 8;
const PARTITIONS: usize = 1 << PARTITION_BITS;
/// Buffer of each sequential spill file once it is on disk.
const BUFFER: usize = 1 << 16;
/// Buffer of each of the [`PARTITIONS`] partition files and their counts.
const PART_BUFFER: usize = 1 << 14;

/// The scratch directory, and the memory its files may use before they go to disk.
#[derive(Debug, Clone)]
struct Scratch {
    dir: PathBuf,
    budget: Arc<Budget>,
}

impl Scratch {
    /// A sequential file (raw sets, signatures, sets, keys).
    fn file(&self, name: &str) -> Writer {
        Writer::new(self.dir.join(name), &self.budget, BUFFER)
    }

    /// A partition file or its counts.
    fn partition(&self, name: &str) -> Writer {
        Writer::new(self.dir.join(name), &self.budget, PART_BUFFER)
    }
}

fn partition_of(h: u32) -> usize {
    (h >> (u32::BITS - PARTITION_BITS)) as usize
}

/// A run over a corpus that arrives in batches; see the module documentation.
pub struct Stream {
    cfg: Config,
    pool: ThreadPool,
    scratch: Scratch,
    block_bytes: usize,
    /// Every document's shingle set, before suppression, document after document.
    raw: Writer,
    /// The same hashes split by partition, for counting document frequencies (none when
    /// suppression is off).
    parts: Vec<Writer>,
    /// Size of each raw set.
    sizes: Vec<u32>,
    /// The content key of each raw set, for sampling boilerplate (empty when suppression is
    /// off).
    keys: Vec<u64>,
    tokens: Vec<u32>,
    shingle_seconds: f64,
}

impl Stream {
    /// Start a run with scratch files in `dir` (an existing directory the caller owns and
    /// removes afterwards), of which up to `memory` bytes stay in memory, and verification
    /// blocks of at most `block_bytes`.
    pub fn new(
        cfg: Config,
        dir: &Path,
        memory: usize,
        block_bytes: usize,
        threads: usize,
    ) -> Result<Self> {
        let scratch = Scratch {
            dir: dir.to_path_buf(),
            budget: Budget::new(memory),
        };
        let dir = &scratch.dir;
        cfg.validate()?;
        if block_bytes == 0 {
            return Err(bad_param!("block_bytes must be at least 1"));
        }
        if !dir.is_dir() {
            return Err(Error::Io(format!(
                "{}: scratch directory does not exist",
                dir.display()
            )));
        }
        let parts = if cfg.df == DfPolicy::Off {
            Vec::new()
        } else {
            (0..PARTITIONS)
                .map(|p| scratch.partition(&format!("df.{p:03}.hashes")))
                .collect()
        };
        Ok(Stream {
            cfg,
            pool: pool(threads)?,
            raw: scratch.file("sets.raw"),
            scratch,
            block_bytes,
            parts,
            sizes: Vec::new(),
            keys: Vec::new(),
            tokens: Vec::new(),
            shingle_seconds: 0.0,
        })
    }

    /// Number of documents pushed so far.
    #[must_use]
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True when no document was pushed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Shingle the next batch of documents and spill their sets. After an error (including an
    /// interruption) part of the batch may be spilled: drop the stream and start again.
    pub fn push<S: Document + Sync>(&mut self, texts: &[S], ctl: &dyn Control) -> Result<()> {
        if self.len() + texts.len() > u32::MAX as usize - 1 {
            return Err(bad_param!("at most {} documents per run", u32::MAX - 1));
        }
        let t = Instant::now();
        in_batches(ctl, "shingle", texts.len(), BATCH, |r| {
            let sets = self
                .pool
                .install(|| ShingleSets::from_texts(&texts[r], &self.cfg.shingle));
            self.raw.write(sets.hashes())?;
            for d in 0..sets.len() {
                let size = u32::try_from(sets.get(d).len()).map_err(|_| {
                    Error::InvalidInput("a document has 2^32 shingles or more".into())
                })?;
                self.sizes.push(size);
            }
            self.tokens.extend_from_slice(sets.tokens());
            if !self.parts.is_empty() {
                let keys = (0..sets.len())
                    .into_par_iter()
                    .map(|d| content_key(sets.get(d)));
                self.pool.install(|| self.keys.par_extend(keys));
                let mut buckets = vec![Vec::new(); PARTITIONS];
                for &h in sets.hashes() {
                    buckets[partition_of(h)].push(h);
                }
                for (w, b) in self.parts.iter_mut().zip(&buckets) {
                    w.write(b)?;
                }
            }
            Ok(())
        })?;
        self.shingle_seconds += t.elapsed().as_secs_f64();
        Ok(())
    }

    /// Run the remaining stages; `priority` ranks documents as representatives (smaller
    /// first), `None` means longest first.
    pub fn finish(self, priority: Option<&[u64]>, ctl: &dyn Control) -> Result<Output> {
        let Stream {
            cfg,
            pool,
            scratch,
            block_bytes,
            raw,
            parts,
            sizes,
            keys,
            tokens,
            shingle_seconds,
        } = self;
        let n = tokens.len();
        check_sizes(n, priority)?;
        let mut times = StageTimes {
            shingle: shingle_seconds,
            ..StageTimes::default()
        };
        let raw = raw.finish()?;
        let parts = parts
            .into_iter()
            .map(Writer::finish)
            .collect::<Result<Vec<_>>>()?;

        let t = Instant::now();
        let (counts, suppress) = boilerplate(
            &cfg, &pool, ctl, &scratch, &raw, parts, &sizes, &keys, &tokens,
        )?;
        times.boilerplate = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let sketched = sketch(
            &cfg, &pool, ctl, &scratch, &raw, &counts, &sizes, &tokens, &suppress,
        )?;
        raw.remove();
        for p in counts {
            p.remove();
        }
        times.sketch = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let Sketched {
            sigs,
            sets,
            mut keys,
            fingerprints,
            shingles,
            suppressed,
        } = sketched;
        let k = cfg.num_perm;
        let order = pool.install(|| content_order(&fingerprints));
        let rank = rank_of(&order);
        let lsh_pairs = propose(
            &pool,
            ctl,
            &cfg,
            &fingerprints,
            Members {
                order: &order,
                empty: |d| shingles[d] == 0,
                label: None,
            },
            |banding, r, block| {
                let file = keys[r.start / BANDS_PER_BATCH].take();
                let file = file.ok_or_else(|| bad_param!("band batch {r:?} read twice"))?;
                let in_doc_order = Reader::read_all::<u64>(&file)?;
                file.remove();
                pool.install(|| by_row(&in_doc_order, banding.docs(), r.len(), block));
                Ok(())
            },
        )?;
        let lsh_pairs = pool.install(|| lsh_pairs.into_pairs());
        drop((fingerprints, order));
        times.band = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let store = Store::open(&sigs, &sets, k, &shingles)?;
        let (edges, verified) = verify_blocks(&cfg, &pool, ctl, &store, &lsh_pairs, block_bytes)?;
        drop(store);
        sigs.remove();
        sets.remove();
        times.verify = t.elapsed().as_secs_f64();

        let t = Instant::now();
        ctl.checkpoint("cluster", 0, 1)?;
        let clustering = pool.install(|| link(&edges, &tokens, priority, &rank, cfg.linkage));
        times.cluster = t.elapsed().as_secs_f64();

        Ok(Output {
            clustering,
            edges,
            candidates: lsh_pairs.len(),
            verified,
            suppression: suppress.summary(suppressed),
            tokens,
            shingles,
            times,
        })
    }
}

/// Count each partition's hashes: writes, next to each `.hashes` file (which is removed), a
/// `.counts` file holding each entry's document frequency, in the same order. Partitions are
/// counted `threads` at a time.
fn count_partitions(
    pool: &ThreadPool,
    ctl: &dyn Control,
    scratch: &Scratch,
    parts: Vec<Spilled>,
) -> Result<Vec<Spilled>> {
    let mut out = Vec::with_capacity(parts.len());
    let step = pool.current_num_threads().max(1);
    let total = parts.len();
    let mut parts = parts.into_iter().enumerate().peekable();
    while parts.peek().is_some() {
        ctl.checkpoint("boilerplate", out.len(), total)?;
        let chunk: Vec<(usize, Spilled)> = parts.by_ref().take(step).collect();
        let done = pool.install(|| {
            chunk
                .into_par_iter()
                .map(|(p, part)| count_partition(part, scratch, p))
                .collect::<Result<Vec<_>>>()
        })?;
        out.extend(done);
    }
    Ok(out)
}

fn count_partition(part: Spilled, scratch: &Scratch, p: usize) -> Result<Spilled> {
    let mut counts = Reader::read_all::<u32>(&part)?;
    // Each hash is overwritten by its count.
    BucketCounter::default().count(&mut [counts.as_mut_slice()]);
    let mut w = scratch.partition(&format!("df.{p:03}.counts"));
    w.write(&counts)?;
    part.remove();
    w.finish()
}

/// How the sketch pass suppresses boilerplate.
enum Suppress {
    Off,
    /// The entries whose frequency, counted whole, is over the cap.
    OverCap(u32),
    /// The shingles that a sample of one document in `stride` found over the cap.
    Listed {
        cap: u32,
        stride: usize,
        over: HashSet32,
    },
}

impl Suppress {
    /// What was done, once `dropped` entries were.
    fn summary(&self, dropped: usize) -> Option<Suppression> {
        let (cap, stride) = match *self {
            Suppress::Off => return None,
            Suppress::OverCap(cap) => (cap, 1),
            Suppress::Listed { cap, stride, .. } => (cap, stride),
        };
        Some(Suppression {
            cap,
            dropped,
            stride,
        })
    }
}

/// How to suppress boilerplate: from a sample if [`learn_sampled`] can, else from the counts
/// of the whole corpus (counted from `parts`, which are given back either way), returned too.
#[allow(clippy::too_many_arguments)]
fn boilerplate(
    cfg: &Config,
    pool: &ThreadPool,
    ctl: &dyn Control,
    scratch: &Scratch,
    raw: &Spilled,
    parts: Vec<Spilled>,
    sizes: &[u32],
    keys: &[u64],
    tokens: &[u32],
) -> Result<(Vec<Spilled>, Suppress)> {
    if let Some((stride, cap, over)) = learn_sampled(cfg, pool, ctl, raw, sizes, keys, tokens)? {
        for p in parts {
            p.remove();
        }
        let over = HashSet32::new(&over);
        return Ok((Vec::new(), Suppress::Listed { cap, stride, over }));
    }
    let counts = count_partitions(pool, ctl, scratch, parts)?;
    let cap = df_cap(cfg.df, ctl, raw, &counts, sizes)?;
    Ok((counts, cap.map_or(Suppress::Off, Suppress::OverCap)))
}

/// The stride, cap and shingles over the cap learned from a sample of the documents (see
/// [`crate::boilerplate`]), with the sampled documents' sets read from the raw sets (`keys`:
/// each document's content key, taken as it was pushed). `None` when the corpus must be
/// counted whole.
fn learn_sampled(
    cfg: &Config,
    pool: &ThreadPool,
    ctl: &dyn Control,
    raw: &Spilled,
    sizes: &[u32],
    keys: &[u64],
    tokens: &[u32],
) -> Result<Option<(usize, u32, Vec<u32>)>> {
    if cfg.df == DfPolicy::Off {
        return Ok(None);
    }
    let nonempty = sizes.iter().filter(|&&s| s > 0).count();
    let stride = stride(nonempty, cfg.df, &cfg.df_sample);
    if stride == 1 {
        return Ok(None);
    }
    let keyed = (0..sizes.len())
        .filter(|&d| sizes[d] > 0)
        .map(|d| (keys[d], d as u32))
        .collect();
    let keyed = pool.install(|| key_order(keyed));
    // The sample is read on the caller's thread (its checkpoints must run there) and learned
    // from on the pool.
    learn_from_samples(&keyed, stride, &cfg.df_sample, |docs, k| {
        let sample = read_sample(ctl, raw, sizes, tokens, docs)?;
        Ok(pool.install(|| learn_from_sample(&sample, k, cfg.df, &cfg.df_sample)))
    })
}

/// The sets of the documents `docs` (in input order), read from the raw sets, as a corpus of
/// their own.
fn read_sample(
    ctl: &dyn Control,
    raw: &Spilled,
    sizes: &[u32],
    tokens: &[u32],
    docs: &[u32],
) -> Result<ShingleSets> {
    let mut sets = Vec::with_capacity(docs.len());
    let mut next = docs.iter().copied().peekable();
    let mut reader = Reader::open(raw, BUFFER)?;
    in_batches(ctl, "boilerplate", sizes.len(), BATCH, |r| {
        let total: usize = sizes[r.clone()].iter().map(|&s| s as usize).sum();
        let mut hashes = vec![0u32; total];
        reader.read(&mut hashes)?;
        let mut at = 0;
        for d in r {
            let len = sizes[d] as usize;
            if next.peek() == Some(&(d as u32)) {
                sets.push(hashes[at..at + len].to_vec());
                next.next();
            }
            at += len;
        }
        Ok(())
    })?;
    let tokens = docs.iter().map(|&d| tokens[d as usize]).collect();
    Ok(ShingleSets::from_sets(sets, tokens))
}

/// The cap of `policy`: learned from the medians of each document's shingle frequencies, read
/// from the raw sets and their `counts` in document order.
fn df_cap(
    policy: DfPolicy,
    ctl: &dyn Control,
    raw: &Spilled,
    counts: &[Spilled],
    sizes: &[u32],
) -> Result<Option<u32>> {
    let (floor, multiplier, quantile) = match policy {
        DfPolicy::Off => return Ok(None),
        DfPolicy::Fixed(c) => return Ok(Some(c)),
        DfPolicy::Auto {
            floor,
            multiplier,
            quantile,
        } => (floor, multiplier, quantile),
    };
    let mut join = DfJoin::open(raw, counts)?;
    let mut medians = Vec::new();
    in_batches(ctl, "boilerplate", sizes.len(), BATCH, |r| {
        let total: usize = sizes[r.clone()].iter().map(|&s| s as usize).sum();
        let mut hashes = vec![0u32; total];
        let mut dfs = vec![0u32; total];
        join.read(&mut hashes, &mut dfs)?;
        let mut at = 0;
        for &size in &sizes[r] {
            let doc = &mut dfs[at..at + size as usize];
            if !doc.is_empty() {
                medians.push(median(doc));
            }
            at += size as usize;
        }
        Ok(())
    })?;
    Ok(Some(cap_from_medians(medians, floor, multiplier, quantile)))
}

/// Reads the raw sets in document order together with each entry's document frequency.
struct DfJoin {
    raw: Reader,
    counts: Vec<Reader>,
    /// Per partition, the counts of the current read, and how many of them were taken.
    taken: Vec<(Vec<u32>, usize)>,
}

impl DfJoin {
    fn open(raw: &Spilled, counts: &[Spilled]) -> Result<Self> {
        Ok(DfJoin {
            raw: Reader::open(raw, BUFFER)?,
            counts: counts
                .iter()
                .map(|p| Reader::open(p, PART_BUFFER))
                .collect::<Result<_>>()?,
            taken: vec![(Vec::new(), 0); counts.len()],
        })
    }

    /// The next `hashes.len()` entries, with their frequencies in `dfs` (untouched when there
    /// are no counts). Each partition's counts are read in one piece per call.
    fn read(&mut self, hashes: &mut [u32], dfs: &mut [u32]) -> Result<()> {
        self.raw.read(hashes)?;
        if self.counts.is_empty() {
            return Ok(());
        }
        let mut need = vec![0usize; self.counts.len()];
        for &h in hashes.iter() {
            need[partition_of(h)] += 1;
        }
        for ((reader, (buf, at)), &n) in self.counts.iter_mut().zip(&mut self.taken).zip(&need) {
            buf.resize(n, 0);
            reader.read(buf)?;
            *at = 0;
        }
        for (&h, df) in hashes.iter().zip(dfs.iter_mut()) {
            let (buf, at) = &mut self.taken[partition_of(h)];
            *df = buf[*at];
            *at += 1;
        }
        Ok(())
    }
}

/// What the sketch pass leaves: spill files of signatures, suppressed sets and band keys, and
/// per-document figures.
struct Sketched {
    sigs: Spilled,
    sets: Spilled,
    /// One file per batch of [`BANDS_PER_BATCH`] bands, keys in document order (taken when
    /// read).
    keys: Vec<Option<Spilled>>,
    fingerprints: Vec<u128>,
    shingles: Vec<u32>,
    suppressed: usize,
}

/// Suppress boilerplate (with `cap`), sketch, fingerprint and key every document, batch after
/// batch, reading the raw sets (and their counts) in order.
#[allow(clippy::too_many_arguments)]
fn sketch(
    cfg: &Config,
    pool: &ThreadPool,
    ctl: &dyn Control,
    scratch: &Scratch,
    raw: &Spilled,
    counts: &[Spilled],
    sizes: &[u32],
    tokens: &[u32],
    suppress: &Suppress,
) -> Result<Sketched> {
    let (k, seed, n) = (cfg.num_perm, cfg.shingle.seed, sizes.len());
    let band_batches = band_batches(cfg.lsh.bands);
    let mut key_files = (0..band_batches.len())
        .map(|j| scratch.file(&format!("keys.{j:03}")))
        .collect::<Vec<_>>();
    let mut sig_file = scratch.file("sigs");
    let mut set_file = scratch.file("sets");
    let cap = match suppress {
        Suppress::OverCap(cap) => Some(*cap),
        _ => None,
    };
    let mut join = DfJoin::open(raw, if cap.is_some() { counts } else { &[] })?;
    let mut fingerprints_all = Vec::with_capacity(n);
    let mut shingles = Vec::with_capacity(n);
    let mut suppressed = 0;
    in_batches(ctl, "sketch", n, BATCH, |r| {
        let mut offsets = Vec::with_capacity(r.len() + 1);
        offsets.push(0usize);
        for &s in &sizes[r.clone()] {
            offsets.push(offsets[offsets.len() - 1] + s as usize);
        }
        let total = offsets[r.len()];
        let mut hashes = vec![0u32; total];
        let mut dfs = vec![0u32; if cap.is_some() { total } else { 0 }];
        join.read(&mut hashes, &mut dfs)?;
        let mut sets = ShingleSets::from_parts(offsets, hashes, tokens[r.clone()].to_vec());
        match suppress {
            Suppress::Off => {}
            Suppress::OverCap(c) => {
                suppressed += pool.install(|| sets.retain_or_keep_all(|p, _| dfs[p] <= *c));
            }
            Suppress::Listed { over, .. } => {
                suppressed += pool.install(|| drop_listed(&mut sets, over));
            }
        }
        let m = sets.len();
        let mut sigs = vec![0u32; m * k];
        pool.install(|| signatures_into(&sets, 0..m, k, seed, &mut sigs));
        fingerprints_all.extend(pool.install(|| fingerprints(&sets, seed)));
        shingles.extend((0..m).map(|d| sets.get(d).len() as u32));
        sig_file.write(&narrow_signatures(&sigs))?;
        set_file.write(sets.hashes())?;
        for (file, bands) in key_files.iter_mut().zip(&band_batches) {
            let w = bands.len();
            let mut keys = vec![0u64; m * w];
            pool.install(|| {
                keys.par_chunks_mut(w)
                    .zip(sigs.par_chunks(k))
                    .for_each(|(out, sig)| {
                        band_keys(sig, cfg.lsh.rows, seed, bands.clone(), out);
                    });
            });
            file.write(&keys)?;
        }
        Ok(())
    })?;
    Ok(Sketched {
        sigs: sig_file.finish()?,
        sets: set_file.finish()?,
        keys: key_files
            .into_iter()
            .map(|w| w.finish().map(Some))
            .collect::<Result<_>>()?,
        fingerprints: fingerprints_all,
        shingles,
        suppressed,
    })
}

/// A key block in banding row order, into `block`, from keys stored in document order, `width`
/// per document.
fn by_row(in_doc_order: &[u64], docs: &[u32], width: usize, block: &mut Vec<u64>) {
    block.clear();
    block.resize(docs.len() * width, 0);
    block
        .par_chunks_mut(width)
        .zip(docs.par_iter())
        .for_each(|(out, &d)| {
            let d = d as usize;
            out.copy_from_slice(&in_doc_order[d * width..(d + 1) * width]);
        });
}

/// Narrow signatures and suppressed sets in spill files, read by ranges of documents or one by
/// one.
struct Store {
    sigs: RandomReader,
    sets: RandomReader,
    k: usize,
    /// Start of each document's set in the set file (`n + 1` entries).
    offsets: Vec<u64>,
}

impl Store {
    fn open(sigs: &Spilled, sets: &Spilled, k: usize, shingles: &[u32]) -> Result<Self> {
        let mut offsets = Vec::with_capacity(shingles.len() + 1);
        offsets.push(0u64);
        for &s in shingles {
            offsets.push(offsets[offsets.len() - 1] + u64::from(s));
        }
        Ok(Store {
            sigs: RandomReader::open(sigs)?,
            sets: RandomReader::open(sets)?,
            k,
            offsets,
        })
    }

    fn size(&self, d: usize) -> usize {
        (self.offsets[d + 1] - self.offsets[d]) as usize
    }

    /// Bytes of document `d`'s signature and set.
    fn bytes(&self, d: usize) -> usize {
        size_of::<u8>() * self.k + size_of::<u32>() * self.size(d)
    }

    /// The sets and signatures of documents `r`, indexed from 0.
    fn load(&self, r: Range<usize>) -> Result<(ShingleSets, Vec<u8>)> {
        let mut scratch = Vec::new();
        let mut sigs = vec![0u8; r.len() * self.k];
        self.sigs
            .read_at((r.start * self.k) as u64, &mut sigs, &mut scratch)?;
        let (lo, hi) = (self.offsets[r.start], self.offsets[r.end]);
        let mut hashes = vec![0u32; (hi - lo) as usize];
        self.sets.read_at(lo, &mut hashes, &mut scratch)?;
        let offsets = self.offsets[r.start..=r.end]
            .iter()
            .map(|&o| (o - lo) as usize)
            .collect();
        Ok((
            ShingleSets::from_parts(offsets, hashes, vec![0; r.len()]),
            sigs,
        ))
    }
}

/// Consecutive blocks of documents whose signatures and sets take at most `budget` bytes (a
/// single larger document is a block of its own): the start of each block, then `n`.
fn block_starts(n: usize, bytes: impl Fn(usize) -> usize, budget: usize) -> Vec<usize> {
    let mut starts = vec![0];
    let mut acc = 0;
    for d in 0..n {
        let b = bytes(d);
        if acc > 0 && acc + b > budget {
            starts.push(d);
            acc = 0;
        }
        acc += b;
    }
    starts.push(n);
    starts
}

/// Pairs verified between checkpoints.
const VERIFY_BATCH: usize = 1 << 16;

/// Prefilter and verify `pairs` (sorted by `(a, b)`): the documents `a` one block at a time
/// in memory, each `b` read on its own (its signature, then its set if the pair is plausible).
/// Returns the edges, sorted by `(a, b)`, and the number of pairs verified exactly.
fn verify_blocks(
    cfg: &Config,
    pool: &ThreadPool,
    ctl: &dyn Control,
    store: &Store,
    pairs: &[(u32, u32)],
    block_bytes: usize,
) -> Result<(Vec<Edge>, usize)> {
    let n = store.offsets.len() - 1;
    let starts = block_starts(n, |d| store.bytes(d), block_bytes);
    let (k, measure, threshold) = (cfg.num_perm, cfg.measure, cfg.threshold);
    let (mut edges, mut verified, mut at) = (Vec::new(), 0, 0);
    for w in starts.windows(2) {
        let block = w[0]..w[1];
        let end = at + pairs[at..].partition_point(|p| (p.0 as usize) < block.end);
        if end == at {
            continue;
        }
        let (sets, sigs) = store.load(block.clone())?;
        for chunk in pairs[at..end].chunks(VERIFY_BATCH) {
            ctl.checkpoint("verify", at, pairs.len())?;
            at += chunk.len();
            let found = pool.install(|| {
                chunk
                    .par_iter()
                    .map_init(
                        || (vec![0u8; k], Vec::new(), Vec::new()),
                        |(sig_b, set_b, scratch), &(a, b)| {
                            let (la, b) = (a as usize - block.start, b as usize);
                            let (sig_a, set_a) = (&sigs[la * k..(la + 1) * k], sets.get(la));
                            store.sigs.read_at((b * k) as u64, sig_b, scratch)?;
                            let nb = store.size(b);
                            if !plausible_pair(sig_a, sig_b, set_a.len(), nb, measure, threshold) {
                                return Ok((false, None));
                            }
                            set_b.resize(nb, 0);
                            store.sets.read_at(store.offsets[b], set_b, scratch)?;
                            let edge = score_pair(set_a, set_b, measure, threshold)
                                .map(|(overlap, _)| Edge::new(a, b as u32, &overlap, measure));
                            Ok((true, edge))
                        },
                    )
                    .collect::<Result<Vec<_>>>()
            })?;
            for (plausible, edge) in found {
                verified += usize::from(plausible);
                edges.extend(edge);
            }
        }
    }
    ctl.checkpoint("verify", pairs.len(), pairs.len())?;
    Ok((edges, verified))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boilerplate::SampleRule;
    use crate::cluster::{Clustering, Linkage};
    use crate::control::NoControl;
    use crate::lsh::LshParams;
    use crate::pipeline::run;
    use crate::shingle::{ShingleSpec, Unit};
    use crate::verify::Measure;

    /// A small newsroom: stories copied with edits and trims, a furniture block on most pages,
    /// identical copies, and empty documents.
    fn corpus() -> Vec<String> {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        let word = |i: u64| format!("w{i}");
        let furniture: Vec<String> = (0..40).map(|i| word(900_000 + i)).collect();
        let mut docs = Vec::new();
        for story in 0..60u64 {
            let body: Vec<String> = (0..120).map(|_| word(next(50_000))).collect();
            for copy in 0..=(story % 5) {
                let mut words = body.clone();
                for _ in 0..(copy * 3) {
                    let at = next(words.len() as u64) as usize;
                    words[at] = word(next(50_000));
                }
                words.truncate(120 - (copy as usize * 10));
                if next(3) > 0 {
                    words.extend(furniture.iter().cloned());
                }
                docs.push(words.join(" "));
            }
        }
        docs.push(String::new());
        docs.push(docs[3].clone());
        docs.push("  ".to_string());
        docs.push(docs[10].clone());
        docs
    }

    fn config(df: DfPolicy, measure: Measure) -> Config {
        Config {
            shingle: ShingleSpec {
                unit: Unit::Word,
                k: 5,
                seed: 7,
            },
            num_perm: 64,
            lsh: LshParams { bands: 20, rows: 1 },
            measure,
            threshold: 0.3,
            df,
            df_sample: SampleRule::default(),
            linkage: Linkage::Guarded,
        }
    }

    /// Run a stream; `spill` is the memory budget of the scratch files (0: all on disk).
    fn streamed(
        texts: &[String],
        cfg: Config,
        batch: usize,
        block: usize,
        threads: usize,
        spill: usize,
    ) -> Output {
        let dir = std::env::temp_dir().join(format!(
            "simcore-stream-{}-{batch}-{block}-{threads}-{:?}",
            std::process::id(),
            cfg.df
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let mut s = Stream::new(cfg, &dir, spill, block, threads).unwrap();
        for chunk in texts.chunks(batch) {
            s.push(chunk, &NoControl).unwrap();
        }
        if spill == 0 && !texts.is_empty() {
            let files = std::fs::read_dir(&dir).unwrap().count();
            assert!(files >= 1, "the sets went to disk");
        }
        let out = s.finish(None, &NoControl).unwrap();
        let left = std::fs::read_dir(&dir).unwrap().count();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(left, 0, "scratch files are removed as they are used up");
        out
    }

    #[test]
    fn identical_to_the_in_memory_run() {
        let texts = corpus();
        let auto = DfPolicy::Auto {
            floor: 3,
            multiplier: 2.0,
            quantile: 0.99,
        };
        // A rule that samples this corpus of 180 documents one in four (cap 18); and one under
        // which that cap is too low for four (18 + 1 < 4 x 5), and one in two is kept.
        let sampling = SampleRule {
            docs: 40,
            most: 4,
            mean: 2.0,
        };
        let retrying = SampleRule {
            mean: 5.0,
            ..sampling
        };
        for (df, measure, rule, stride) in [
            (auto, Measure::Containment, SampleRule::default(), 1),
            (auto, Measure::Containment, sampling, 4),
            (auto, Measure::Containment, retrying, 2),
            (
                DfPolicy::Fixed(5),
                Measure::Jaccard,
                SampleRule::default(),
                1,
            ),
            (
                DfPolicy::Off,
                Measure::Containment,
                SampleRule::default(),
                1,
            ),
        ] {
            let cfg = Config {
                df_sample: rule,
                ..config(df, measure)
            };
            let want = run(&texts, None, &cfg, 2, &NoControl).unwrap();
            assert!(want.edges.len() > 100, "the corpus has real duplicates");
            if df != DfPolicy::Off {
                let done = want.suppression.unwrap();
                assert!(done.dropped > 0, "the furniture is suppressed");
                assert_eq!(done.stride, stride, "{rule:?}");
            }
            for (batch, block, threads, spill) in [
                (1000, 1 << 30, 2, 1 << 30),
                (7, 4096, 1, 0),
                (64, 20_000, 3, 1000),
            ] {
                let got = streamed(&texts, cfg, batch, block, threads, spill);
                let (g, w) = (&got.clustering, &want.clustering);
                assert_eq!(g.labels, w.labels, "{df:?} {batch} {block}");
                assert_eq!(g.representatives, w.representatives);
                assert_eq!(g.refused_merges, w.refused_merges);
                let bits =
                    |c: &Clustering| c.weakest.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(g), bits(w), "weakest links, NaN included");
                assert_eq!(got.edges, want.edges);
                assert_eq!(got.candidates, want.candidates);
                assert_eq!(got.verified, want.verified);
                assert_eq!(got.suppression, want.suppression);
                assert_eq!(got.tokens, want.tokens);
                assert_eq!(got.shingles, want.shingles);
            }
        }
    }

    #[test]
    fn blocks_respect_the_budget() {
        let sizes = [5usize, 5, 20, 1, 1, 1];
        assert_eq!(block_starts(6, |d| sizes[d], 10), vec![0, 2, 3, 6]);
        assert_eq!(block_starts(0, |d| sizes[d], 10), vec![0, 0]);
    }

    #[test]
    fn empty_run_and_missing_directory() {
        let cfg = config(DfPolicy::Off, Measure::Jaccard);
        assert!(matches!(
            Stream::new(cfg, Path::new("/nonexistent/simcore"), 0, 1 << 20, 1),
            Err(Error::Io(_))
        ));
        let out = streamed(&[], cfg, 10, 1 << 20, 1, 0);
        assert!(out.clustering.labels.is_empty() && out.edges.is_empty());
    }
}
