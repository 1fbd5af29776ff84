//! Document frequency of shingles and boilerplate suppression.
//!
//! Site furniture, appeals, bylines and datelines recur on many pages; the text of one story
//! recurs only on its copies. The cap is learned from the corpus in one pass: each document's
//! *median* shingle frequency says how many copies its story has, so the cap is a multiple of a
//! high quantile of those medians (never below a floor, so a handful of documents suppresses
//! nothing). Shingles in more documents than the cap are dropped before sketching; a document
//! that would lose every shingle keeps them all. ([`crate::boilerplate`] counts a large corpus
//! in a sample of its documents.)

use rayon::prelude::*;

use crate::hash::fmix64;
use crate::hash_set::HashSet32;
use crate::mix_map::MixMap;
use crate::parallel::cut;
use crate::prefetch::prefetch;
use crate::shingle_sets::ShingleSets;

/// How the document-frequency cap is chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DfPolicy {
    /// Keep every shingle.
    Off,
    /// Learn the cap: `max(floor, ceil(multiplier * quantile of per-document median df))`.
    Auto {
        /// Smallest cap ever used.
        floor: u32,
        /// Multiplier of the quantile.
        multiplier: f64,
        /// Quantile of the per-document medians, in (0, 1].
        quantile: f64,
    },
    /// A fixed cap: shingles in more documents than this are dropped.
    Fixed(u32),
}

/// The document frequency of every (document, shingle) entry of a batch, aligned with
/// [`ShingleSets::hashes`], so that learning the cap and suppressing read it sequentially.
///
/// One byte an entry: a frequency of `SATURATED` or more is stored as `SATURATED`, and
/// the exact frequencies of those shingles are kept aside, once per shingle. Saturating keeps
/// the order of all smaller frequencies, so a median or a comparison with a cap below
/// `SATURATED` reads the narrow value alone, and is exact; a median or a cap from
/// `SATURATED` up needs the exact frequencies of the saturated entries.
///
/// At a million articles the cap is in the hundreds, so suppression tests the 76.6M saturated
/// entries (of 128k shingles) against a small set of the 17k shingles over the cap. Two bytes
/// an entry, saturating at 65,535, needed no test there, but took 0.8 GB where one byte takes
/// 0.4, and held the run's peak. (Also tried: one byte with frequencies from 192 up stored as
/// bands, a floating-point code with two bits of mantissa, so that a cap looks up only the
/// entries of its own band; it saved as much memory, but on 20k articles the count took 80 ms
/// instead of 70.)
#[derive(Debug, Default)]
pub struct DfTable {
    at: Vec<u8>,
    /// The exact frequency of every shingle whose frequency saturated.
    saturated: MixMap<u32, u32>,
    /// Every distinct shingle in at least [`Self::listed_from`] documents, with its frequency,
    /// sorted (empty unless the table was built by [`Self::build_listing`]).
    listed: Vec<(u32, u32)>,
    /// The least frequency listed (`u32::MAX` for a table from [`Self::build`]).
    listed_from: u32,
}

/// The stored value of every frequency from itself up.
const SATURATED: u8 = u8::MAX;

/// Most entries one pass of [`DfTable::build`] scatters: its buffer is reused by the next pass,
/// so the memory the count needs beyond the table is about this many hashes, not all of them.
/// (Memory touched for the first time is the dearest: on a fresh virtual machine the first
/// write to a page can cost more than the counting done in it.)
///
/// Each pass visits every document, so more passes cost time: at a million articles (397M
/// entries, 2 threads) 32 passes of 2^24 took the boilerplate stage 2-3 s longer than 16 of
/// 2^25, but its peak RSS from 4.845 to 4.80 GB, within twice the input text (4.84 GB).
/// Passes of 2^26 peaked at 4.94 GB. (Four bands a batch instead of eight did not lower the
/// band stage's peak: 4.89-4.91 against 4.80-4.81 GB.)
const PASS_ENTRIES: usize = 1 << 24;

/// Slots of the cache of recently saturated shingles in [`Chunk::read_back`] (128 KiB, in L2).
/// At a million articles 76.6M entries belong to 128k saturated shingles.
const RECENT: usize = 1 << 14;

/// Documents ahead whose data the passes of [`DfTable::build`] start loading early.
const AHEAD: usize = 8;

/// A run of documents that one task of [`DfTable::build`] handles, and where each document's
/// next pass starts within its sorted set.
struct Chunk {
    /// The documents of the run.
    docs: std::ops::Range<usize>,
    /// Flat position of the run's first hash (its documents' hashes follow one another).
    start: usize,
    /// Per document, the flat start of the hashes of the pass underway.
    from: Vec<usize>,
    /// Per document, the flat end of the hashes of the pass underway.
    to: Vec<usize>,
    /// Whether the passes load the data of documents [`AHEAD`] early.
    ahead: bool,
}

/// Where a document's hashes of a pass stop: `rest` is its sorted hashes from the pass's start,
/// and the pass takes those below `end`. Counts them into their buckets in `size`, and returns
/// how many there are.
fn measure(rest: &[u32], end: u64, size: &mut [usize], bucket_of: impl Fn(u32) -> usize) -> usize {
    let mut taken = 0;
    for &h in rest.iter().take_while(|&&h| u64::from(h) < end) {
        size[bucket_of(h)] += 1;
        taken += 1;
    }
    taken
}

impl Chunk {
    /// Find each document's hashes of the first pass, which takes the hashes below `end`: returns
    /// how many of them fall in each of `buckets`.
    fn measure_first(
        &mut self,
        sets: &ShingleSets,
        end: u64,
        buckets: usize,
        bucket_of: impl Fn(u32) -> usize,
    ) -> Vec<usize> {
        let mut size = vec![0usize; buckets];
        for ((d, &from), to) in self.docs.clone().zip(&self.from).zip(&mut self.to) {
            let rest = &sets.hashes()[from..sets.range(d).end];
            *to = from + measure(rest, end, &mut size, &bucket_of);
        }
        size
    }

    /// Start loading what the run's document `i + AHEAD` needs in a pass: its next hashes and
    /// its part of `out` (the run's part of the table), if given.
    fn load_ahead(&self, i: usize, hashes: &[u32], out: Option<&[u8]>) {
        if let Some(&from) = self.from.get(i + AHEAD) {
            prefetch(hashes.get(from));
            if let Some(out) = out {
                prefetch(out.get(from - self.start));
            }
        }
    }

    /// Write the run's counts for the pass underway into `out` (the run's part of the table),
    /// in its own order: `region` holds them bucket after bucket, `size[b]` of them in bucket
    /// `b`. Then, while each document's hashes are at hand, find those of the next pass (the
    /// hashes below `next`, if there is one), which starts where this one ended, and count
    /// them into `size` by bucket. Returns the saturated hashes (each once) with their counts.
    fn read_back(
        &mut self,
        out: &mut [u8],
        sets: &ShingleSets,
        region: &[u32],
        size: &mut [usize],
        bucket_of: impl Fn(u32) -> usize,
        next: Option<u64>,
    ) -> MixMap<u32, u32> {
        let hashes = sets.hashes();
        let mut fill = prefix_sums(size.iter().copied(), region.len());
        size.fill(0);
        let mut big = MixMap::default();
        // The saturated shingles put in `big` lately, by hash bits: a shingle recurs in many
        // documents of a run, and a slot read is cheaper than a look-up in the map.
        let mut recent = vec![0u64; RECENT];
        for (i, d) in self.docs.clone().enumerate() {
            if self.ahead {
                self.load_ahead(i, hashes, Some(out));
            }
            let (from, to) = (&mut self.from[i], &mut self.to[i]);
            let to_now = *to;
            let outs = &mut out[*from - self.start..to_now - self.start];
            for (out, &h) in outs.iter_mut().zip(&hashes[*from..to_now]) {
                let b = bucket_of(h);
                let count = region[fill[b]];
                fill[b] += 1;
                *out = match u8::try_from(count) {
                    Ok(narrow) if narrow < SATURATED => narrow,
                    _ => {
                        let slot = &mut recent[(fmix64(u64::from(h)) as usize) & (RECENT - 1)];
                        if *slot != u64::from(h) | 1 << 32 {
                            *slot = u64::from(h) | 1 << 32;
                            big.insert(h, count);
                        }
                        SATURATED
                    }
                };
            }
            *from = to_now;
            if let Some(end) = next {
                let rest = &hashes[to_now..sets.range(d).end];
                *to = to_now + measure(rest, end, size, &bucket_of);
            }
        }
        big
    }
}

impl DfTable {
    /// Count, for each entry, the documents that contain the same shingle (a set holds each
    /// hash once, so a hash's count is its document frequency).
    ///
    /// Hashes are uniform, so they are partitioned by their top bits: first into passes of at
    /// most `PASS_ENTRIES`, then, within a pass, into buckets of tens of thousands, each
    /// counted in an open-addressing table that stays in cache. Each set is sorted, so a
    /// pass's hashes are a run of each set. A pass is a parallel radix pass over runs of
    /// documents: each run scatters into its own region, buckets are counted in parallel across
    /// the regions, each hash is overwritten by its count in place, and each run then reads
    /// its counts back in its own order. The read-back also finds each document's hashes of
    /// the next pass, while its set is in cache (at a million documents, a separate pass over
    /// the sets for that took 1.1 s of the stage's 6.9 s; fused, the stage took about 0.45 s
    /// less). The counts are exact, so the table is the same for any thread count.
    #[must_use]
    pub fn build(sets: &ShingleSets) -> Self {
        Self::build_in_passes(sets, PASS_ENTRIES, u32::MAX)
    }

    /// [`Self::build`], also listing every distinct shingle in at least `from` documents, for
    /// [`Self::frequent`]. The counter lists them as it clears its table, once each: at 20k
    /// syndicated articles (a sample of 5k, one thread), filtering all 1.95M entries for the
    /// 186k that belong to shingles over the sample's cap, then sorting them and dropping the
    /// repeats, took 10-14 ms of the boilerplate stage's 0.10-0.12 s; the list takes 3.
    #[must_use]
    pub(crate) fn build_listing(sets: &ShingleSets, from: u32) -> Self {
        Self::build_in_passes(sets, PASS_ENTRIES, from.max(1))
    }

    /// [`Self::build`] with passes of at most `pass_entries` (up to 256 passes), listing the
    /// shingles in at least `list_from` documents (none when it is `u32::MAX`).
    fn build_in_passes(sets: &ShingleSets, pass_entries: usize, list_from: u32) -> Self {
        let hashes = sets.hashes();
        let n = hashes.len();
        let pass_bits =
            (usize::BITS - (n.saturating_sub(1) / pass_entries.max(1)).leading_zeros()).min(8);
        let passes = 1u32 << pass_bits;
        // Buckets of about 8k entries, whose table (16k slots, 128 KiB) takes a quarter of L2
        // (at 77M entries, 256 buckets of 300k made the counting miss cache and cost 30x; on
        // a 20k-article sample of 1.95M entries, one thread, buckets of 32k took the count
        // 46-55 ms and of 8k 39-45; at a million, with 16M entries a pass, no difference); at
        // most 2048, a number of streams the scatter still writes efficiently.
        let per_pass = (n >> pass_bits).max(1);
        let bits = (usize::BITS - per_pass.leading_zeros())
            .saturating_sub(13)
            .clamp(1, 11);
        let buckets = 1usize << bits;
        let bucket_of = |h: u32| ((h << pass_bits) >> (u32::BITS - bits)) as usize;
        // With several passes, a pass takes a few hashes of each document, and the next
        // document's are a read from far memory: they are loaded documents ahead. (At a million
        // documents, 32 passes, 2 threads: 10.5-11.9 s -> 8.1-8.7 s, the scatter 3.4 -> 1.5 s
        // and the read-back 6.0-6.6 -> 4.6-5.3 s. A single pass reads each document's set
        // whole, and loading ahead made 20k documents 5% slower.)
        let ahead = passes > 1;
        let entries = n.div_ceil(4 * rayon::current_num_threads()).max(1);
        let mut chunks = chunks_of(sets, entries, ahead);
        let mut at = vec![0u8; n];
        let mut saturated = MixMap::default();
        let mut listed = Vec::new();
        let mut scattered: Vec<u32> = Vec::new();
        // Pass `p` takes the hashes below `end(p)` that earlier passes left.
        let end = |pass: u32| u64::from(pass + 1) << (32 - pass_bits);
        // Per run, how many hashes of the pass underway fall in each bucket (the read-back of
        // one pass measures the next).
        let mut sizes: Vec<Vec<usize>> = chunks
            .par_iter_mut()
            .map(|c| c.measure_first(sets, end(0), buckets, bucket_of))
            .collect();
        for pass in 0..passes {
            let lens: Vec<usize> = sizes.iter().map(|s| s.iter().sum()).collect();
            let total: usize = lens.iter().sum();
            if scattered.is_empty() {
                // Zeroed by the allocator (fresh pages are), not by a pass over it: the
                // scatter below is the first to touch it.
                scattered = vec![0; total];
            } else if scattered.len() < total {
                scattered.resize(total, 0);
            }
            let region_starts = prefix_sums(lens.iter().copied(), total);
            let regions = cut(&mut scattered[..total], lens.iter().copied());
            regions
                .into_par_iter()
                .zip(&chunks)
                .zip(&sizes)
                .for_each(|((region, c), size)| {
                    let mut fill = prefix_sums(size.iter().copied(), region.len());
                    let mut scatter = |from: usize, to: usize| {
                        for &h in &hashes[from..to] {
                            let b = bucket_of(h);
                            region[fill[b]] = h;
                            fill[b] += 1;
                        }
                    };
                    let runs = c.from.iter().zip(&c.to);
                    if c.ahead {
                        for (i, (&from, &to)) in runs.enumerate() {
                            c.load_ahead(i, hashes, None);
                            scatter(from, to);
                        }
                    } else {
                        for (&from, &to) in runs {
                            scatter(from, to);
                        }
                    }
                });

            // Gather each bucket's parts from all regions and count it.
            let mut parts: Vec<Vec<&mut [u32]>> = (0..buckets).map(|_| Vec::new()).collect();
            let slices = cut(&mut scattered[..total], sizes.iter().flatten().copied());
            for (i, slice) in slices.into_iter().enumerate() {
                parts[i % buckets].push(slice);
            }
            let lists: Vec<Vec<(u32, u32)>> = parts
                .into_par_iter()
                .map_init(BucketCounter::default, |counter, mut bucket| {
                    let mut list = Vec::new();
                    counter.count_listing(&mut bucket, list_from, &mut list);
                    list
                })
                .collect();
            listed.extend(lists.into_iter().flatten());

            // Read the counts back in each run's own order, and measure the next pass.
            let next = (pass + 1 < passes).then(|| end(pass + 1));
            let starts: Vec<usize> = chunks.iter().map(|c| c.start).chain([n]).collect();
            let at_parts = cut(&mut at, starts.windows(2).map(|w| w[1] - w[0]));
            let big: Vec<MixMap<u32, u32>> = at_parts
                .into_par_iter()
                .zip(chunks.par_iter_mut())
                .zip(&mut sizes)
                .zip(&region_starts)
                .map(|(((out, c), size), &start)| {
                    c.read_back(out, sets, &scattered[start..], size, bucket_of, next)
                })
                .collect();
            saturated.extend(big.into_iter().flatten());
        }
        listed.par_sort_unstable();
        DfTable {
            at,
            saturated,
            listed,
            listed_from: list_from,
        }
    }

    /// The document frequency of the entry at flat position `p` (of `sets`, which the table
    /// was built from).
    fn frequency(&self, sets: &ShingleSets, p: usize) -> u32 {
        match self.at[p] {
            SATURATED => self.saturated[&sets.hashes()[p]],
            narrow => u32::from(narrow),
        }
    }

    /// The distinct hashes in at least `least` documents, sorted. The table must have been
    /// built by [`Self::build_listing`] with `from` at most `least`.
    #[must_use]
    pub(crate) fn frequent(&self, least: u32) -> Vec<u32> {
        assert!(
            least >= self.listed_from,
            "the table lists shingles in {} documents or more, not {least}",
            self.listed_from
        );
        self.listed
            .iter()
            .filter(|&&(_, count)| count >= least)
            .map(|&(h, _)| h)
            .collect()
    }

    /// The document frequencies of document `d`'s shingles, in the order of its set.
    #[must_use]
    pub fn of_doc(&self, sets: &ShingleSets, d: usize) -> Vec<u32> {
        sets.range(d).map(|p| self.frequency(sets, p)).collect()
    }

    /// The median of document `d`'s shingle frequencies (see [`median`]), which must have
    /// some; `scratch` is reused.
    ///
    /// Counting the frequencies into a histogram is a pass without branches, in less than half
    /// the time of a selection, which mispredicts as it partitions. The histogram has a bin for
    /// every stored value, so only a saturated median needs the exact frequencies.
    fn median_of(&self, sets: &ShingleSets, d: usize, scratch: &mut MedianScratch) -> u32 {
        let at = &self.at[sets.range(d)];
        let mid = at.len() / 2;
        let hist = &mut scratch.hist;
        // Clearing whole histograms is a few wide stores; clearing the bins the document used
        // cost as much as the selection.
        for h in hist.iter_mut() {
            h.fill(0);
        }
        let mut pairs = at.chunks_exact(2);
        for pair in &mut pairs {
            hist[0][usize::from(pair[0])] += 1;
            hist[1][usize::from(pair[1])] += 1;
        }
        for &v in pairs.remainder() {
            hist[0][usize::from(v)] += 1;
        }
        // The median is the smallest value that more than `mid` frequencies do not exceed.
        let mut at_most = 0;
        let below_saturation = (0..usize::from(SATURATED)).find(|&b| {
            at_most += hist[0][b] as usize + hist[1][b] as usize;
            at_most > mid
        });
        match below_saturation {
            Some(b) => b as u32,
            // Saturation keeps the order below it, so only a saturated median needs the
            // exact values.
            None => median(&mut self.of_doc(sets, d)),
        }
    }
}

/// Bins of [`MedianScratch`]'s histograms: one per stored frequency.
const BINS: usize = SATURATED as usize + 1;

/// What [`DfTable::median_of`] reuses from document to document: two histograms of
/// frequencies (consecutive entries alternate between them, so that a run of equal
/// frequencies does not wait on its own increments).
struct MedianScratch {
    hist: [[u32; BINS]; 2],
}

impl Default for MedianScratch {
    fn default() -> Self {
        MedianScratch {
            hist: [[0; BINS]; 2],
        }
    }
}

/// Runs of whole documents holding about `entries` hashes each (a run holds at least one
/// document), covering every document; `ahead`: see [`Chunk::ahead`].
fn chunks_of(sets: &ShingleSets, entries: usize, ahead: bool) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut first = 0;
    while first < sets.len() {
        let start = sets.range(first).start;
        let mut last = first + 1;
        while last < sets.len() && sets.range(last).end - start <= entries {
            last += 1;
        }
        chunks.push(Chunk {
            start,
            from: (first..last).map(|d| sets.range(d).start).collect(),
            to: vec![0; last - first],
            docs: first..last,
            ahead,
        });
        first = last;
    }
    chunks
}

/// Start offsets of consecutive parts of the given lengths (offsets are clamped at `total`,
/// so the last of equal-sized chunks may be shorter), with `total` appended.
fn prefix_sums(lens: impl Iterator<Item = usize>, total: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut acc = 0;
    for len in lens {
        out.push(acc);
        acc = (acc + len).min(total);
    }
    out.push(total);
    out
}

/// Counts equal hashes of one bucket in an open-addressing table, reused across buckets.
///
/// A slot holds a hash in its low half and its count in its high half, so that a probe reads
/// one word. Between buckets every slot is zero: a slot is empty when its count is, and only
/// the slots a bucket used are reset after it (not the whole table).
#[derive(Default)]
pub(crate) struct BucketCounter {
    slots: Vec<u64>,
    /// The slot of each hash of the bucket underway.
    slot_of: Vec<u32>,
}

impl BucketCounter {
    /// Overwrite every hash of `bucket` (in parts) with the number of times it occurs in the
    /// bucket.
    pub(crate) fn count(&mut self, bucket: &mut [&mut [u32]]) {
        self.count_listing(bucket, u32::MAX, &mut Vec::new());
    }

    /// [`Self::count`], and push each distinct hash that occurs at least `from` times onto
    /// `listed`, with its count (none when `from` is `u32::MAX`).
    pub(crate) fn count_listing(
        &mut self,
        bucket: &mut [&mut [u32]],
        from: u32,
        listed: &mut Vec<(u32, u32)>,
    ) {
        let len: usize = bucket.iter().map(|p| p.len()).sum();
        let cap = (2 * len).next_power_of_two().max(16);
        let mask = cap - 1;
        if self.slots.len() < cap {
            self.slots.resize(cap, 0);
        }
        let slots = &mut self.slots[..cap];
        self.slot_of.resize(len, 0);
        // A bucket's hashes share their top bits (the bucket's number); the low bits are
        // uniform.
        let mut slot_of = self.slot_of.iter_mut();
        for part in bucket.iter() {
            for (&h, slot_of) in part.iter().zip(&mut slot_of) {
                let mut at = h as usize & mask;
                loop {
                    let slot = slots[at];
                    // Zero when the slot is empty or holds `h`. One product, not two tests:
                    // whether `h` is new is about as likely as not, and the compiler made a
                    // branch of each test, mispredicted half the time (this loop took 1.7x as
                    // long).
                    if u64::from(slot as u32 ^ h) * (slot >> 32) == 0 {
                        slots[at] = ((slot >> 32) + 1) << 32 | u64::from(h);
                        break;
                    }
                    at = (at + 1) & mask;
                }
                *slot_of = at as u32;
            }
        }
        let mut slot_of = self.slot_of.iter();
        for part in bucket.iter_mut() {
            for (h, &at) in part.iter_mut().zip(&mut slot_of) {
                *h = (slots[at as usize] >> 32) as u32;
            }
        }
        if from == u32::MAX {
            for &at in &self.slot_of {
                slots[at as usize] = 0;
            }
            return;
        }
        // A hash's slot is cleared at its first occurrence, so it is listed once.
        for &at in &self.slot_of {
            let slot = slots[at as usize];
            let count = (slot >> 32) as u32;
            if count >= from {
                listed.push((slot as u32, count));
            }
            slots[at as usize] = 0;
        }
    }
}

/// The median of a document's shingle frequencies (the upper one of an even count); `dfs` is
/// reordered.
#[must_use]
pub fn median(dfs: &mut [u32]) -> u32 {
    let mid = dfs.len() / 2;
    *dfs.select_nth_unstable(mid).1
}

/// The cap learned from the medians of the documents that have shingles:
/// `max(floor, ceil(multiplier * quantile of the medians))`.
#[must_use]
pub fn cap_from_medians(mut medians: Vec<u32>, floor: u32, multiplier: f64, quantile: f64) -> u32 {
    if medians.is_empty() {
        return floor;
    }
    medians.sort_unstable();
    let idx = ((quantile * medians.len() as f64).ceil() as usize).clamp(1, medians.len()) - 1;
    let learned = (multiplier * f64::from(medians[idx])).ceil() as u32;
    learned.max(floor)
}

/// The median shingle frequency of each document of `sets` that has shingles, in order.
#[must_use]
pub fn medians(table: &DfTable, sets: &ShingleSets) -> Vec<u32> {
    (0..sets.len())
        .into_par_iter()
        .filter(|&d| !sets.range(d).is_empty())
        .map_init(MedianScratch::default, |scratch, d| {
            table.median_of(sets, d, scratch)
        })
        .collect()
}

/// Learn the cap for a corpus.
#[must_use]
pub fn learn_cap(
    table: &DfTable,
    sets: &ShingleSets,
    floor: u32,
    multiplier: f64,
    quantile: f64,
) -> u32 {
    cap_from_medians(medians(table, sets), floor, multiplier, quantile)
}

/// Drop, in place, the shingles whose document frequency exceeds `cap` (`table` was built
/// from `sets`, and no longer matches them afterwards); a document that would lose every
/// shingle keeps them all. Returns the number of (document, shingle) entries dropped.
pub fn suppress(table: &DfTable, sets: &mut ShingleSets, cap: u32) -> usize {
    match u8::try_from(cap) {
        // A saturated entry's frequency is at least `SATURATED`, above such a cap.
        Ok(narrow) if narrow < SATURATED => sets.retain_or_keep_all(|p, _| table.at[p] <= narrow),
        _ => {
            let above: Vec<u32> = table
                .saturated
                .iter()
                .filter(|&(_, &count)| count > cap)
                .map(|(&h, _)| h)
                .collect();
            let above = HashSet32::new(&above);
            let at = &table.at;
            sets.retain_or_keep_all(|p, h| at[p] != SATURATED || !above.contains(h))
        }
    }
}

/// Drop, in place, the shingles listed in `dropped` (a document that would lose every shingle
/// keeps them all). Returns the number of entries dropped.
pub(crate) fn suppress_listed(sets: &mut ShingleSets, dropped: &[u32]) -> usize {
    drop_listed(sets, &HashSet32::new(dropped))
}

/// [`suppress_listed`] with the list already made a set.
pub(crate) fn drop_listed(sets: &mut ShingleSets, dropped: &HashSet32) -> usize {
    sets.retain_or_keep_all(|_, h| !dropped.contains(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_suppression() {
        let sets = ShingleSets::from_sets(
            vec![vec![1, 2, 9], vec![2, 3, 9], vec![4, 9], vec![9]],
            vec![3, 3, 2, 1],
        );
        let t = DfTable::build(&sets);
        assert_eq!(t.of_doc(&sets, 0), &[1, 2, 4]);
        assert_eq!(t.of_doc(&sets, 3), &[4]);
        assert_eq!(learn_cap(&t, &sets, 3, 2.0, 1.0), 8);
        assert_eq!(learn_cap(&t, &sets, 10, 2.0, 0.5), 10);
        let mut s = sets.clone();
        let dropped = suppress(&t, &mut s, 2);
        assert_eq!(s.get(0), &[1, 2]);
        assert_eq!(s.get(1), &[2, 3]);
        assert_eq!(s.get(2), &[4]);
        assert_eq!(s.get(3), &[9], "a document never loses every shingle");
        assert_eq!(dropped, 3);
        assert_eq!(s.tokens(), sets.tokens());
    }

    #[test]
    fn the_counter_tells_apart_hashes_that_share_a_slot() {
        // All share their low 16 bits (so they probe from one slot), hash 0 among them; parts
        // of one bucket count together, and the table is clean for the next bucket.
        let mut counter = BucketCounter::default();
        let (mut a, mut b) = (vec![0, 1 << 16, 0, 2 << 16], vec![1 << 16, 0, 3 << 16]);
        counter.count(&mut [&mut a[..], &mut b[..]]);
        assert_eq!((a, b), (vec![3, 2, 3, 1], vec![2, 3, 1]));
        let mut c = vec![2 << 16, 5, 2 << 16];
        counter.count(&mut [&mut c[..]]);
        assert_eq!(c, [2, 1, 2]);
    }

    #[test]
    fn passes_count_like_a_map() {
        use std::collections::HashMap;
        let mut next = crate::testing::xorshift(3);
        // Hashes spread over the whole range (so that every pass has some), drawn from a small
        // pool so that documents share them; some documents empty.
        let pool: Vec<u32> = (0..300).map(|_| next() as u32).collect();
        let sets: Vec<Vec<u32>> = (0..200)
            .map(|_| {
                let len = (next() % 40) as usize * usize::from(!next().is_multiple_of(9));
                let mut s: Vec<u32> = (0..len).map(|_| pool[(next() % 300) as usize]).collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect();
        let mut df: HashMap<u32, u32> = HashMap::new();
        for &h in sets.iter().flatten() {
            *df.entry(h).or_default() += 1;
        }
        let tokens = vec![5; sets.len()];
        let sets = ShingleSets::from_sets(sets, tokens);
        let mut listed: Vec<(u32, u32)> = df.iter().map(|(&h, &c)| (h, c)).collect();
        listed.sort_unstable();
        // A median frequency, with shingles on both sides of it.
        let mut counts: Vec<u32> = listed.iter().map(|&(_, c)| c).collect();
        let mid = median(&mut counts);
        assert!(listed.iter().any(|&(_, c)| c < mid));
        for pass_entries in [1, 7, 100, 1000, usize::MAX] {
            for from in [1, mid, u32::MAX] {
                let t = DfTable::build_in_passes(&sets, pass_entries, from);
                for d in 0..sets.len() {
                    let expected: Vec<u32> = sets.get(d).iter().map(|h| df[h]).collect();
                    assert_eq!(
                        t.of_doc(&sets, d),
                        expected,
                        "doc {d}, passes of {pass_entries}"
                    );
                }
                // Each shingle listed once, with its frequency, if it reaches `from`.
                let expected: Vec<(u32, u32)> =
                    listed.iter().copied().filter(|&(_, c)| c >= from).collect();
                assert_eq!(t.listed, expected, "passes of {pass_entries}, from {from}");
            }
        }
        let t = DfTable::build_listing(&sets, mid);
        for least in [mid, mid + 3, 1000] {
            let expected: Vec<u32> = listed
                .iter()
                .filter(|&&(_, c)| c >= least)
                .map(|&(h, _)| h)
                .collect();
            assert_eq!(t.frequent(least), expected, "at least {least}");
        }
        let none = ShingleSets::from_sets(Vec::new(), Vec::new());
        assert!(DfTable::build_in_passes(&none, 1, 1).at.is_empty());
    }

    #[test]
    #[should_panic(expected = "lists shingles in 25 documents or more, not 24")]
    fn a_table_lists_nothing_below_where_it_started() {
        let sets = ShingleSets::from_sets(vec![vec![1, 2]], vec![5]);
        let _ = DfTable::build_listing(&sets, 25).frequent(24);
    }

    #[test]
    fn medians_from_the_histogram_are_selected_medians() {
        let mut next = crate::testing::xorshift(5);
        // Documents of 1 to 300 frequencies, small or drawn around saturation (255), so that
        // medians fall below it, on it and above it; each document's shingles its own.
        let docs: Vec<Vec<u32>> = (0..3000)
            .map(|_| {
                let len = 1 + (next() % 300) as usize;
                let base = [1, 200, 250, 256][(next() % 4) as usize];
                (0..len).map(|_| (base + next() % 12) as u32 - 1).collect()
            })
            .collect();
        let mut saturated = MixMap::default();
        let mut at = Vec::new();
        let mut sets = Vec::new();
        for (d, dfs) in docs.iter().enumerate() {
            let hashes: Vec<u32> = (0..dfs.len() as u32).map(|i| d as u32 * 1000 + i).collect();
            for (&h, &df) in hashes.iter().zip(dfs) {
                at.push(u8::try_from(df).unwrap_or(SATURATED));
                if df >= u32::from(SATURATED) {
                    saturated.insert(h, df);
                }
            }
            sets.push(hashes);
        }
        let sets = ShingleSets::from_sets(sets, vec![5; docs.len()]);
        let table = DfTable {
            at,
            saturated,
            ..DfTable::default()
        };
        let mut scratch = MedianScratch::default();
        let mut seen = [false; 3];
        for (d, dfs) in docs.iter().enumerate() {
            let expected = median(&mut dfs.clone());
            assert_eq!(table.median_of(&sets, d, &mut scratch), expected, "doc {d}");
            seen[(expected.cmp(&u32::from(SATURATED)) as i8 + 1) as usize] = true;
        }
        assert_eq!(seen, [true; 3], "medians below, on and above saturation");
    }

    #[test]
    fn frequencies_past_one_byte_stay_exact() {
        // Hash 1 is in 300 documents, hash 2 in exactly `SATURATED` of them (the first stored
        // value that stands for more), every other hash in one.
        let n = 300u32;
        let sets: Vec<Vec<u32>> = (0..n)
            .map(|i| {
                let mut s = vec![1, 1_000_000 + i];
                if i < u32::from(SATURATED) {
                    s.insert(1, 2);
                }
                s
            })
            .collect();
        let sets = ShingleSets::from_sets(sets, vec![5; n as usize]);
        let t = DfTable::build(&sets);
        assert_eq!(t.of_doc(&sets, 0), [300, 255, 1]);
        assert_eq!(t.of_doc(&sets, 299), [300, 1]);
        assert_eq!(
            t.saturated.len(),
            2,
            "each saturated shingle kept aside once"
        );
        // Saturated medians come out exact: the upper median of [300, 255, 1] and of
        // [300, 1] is 255 and 300; the last 45 documents have the highest.
        assert_eq!(learn_cap(&t, &sets, 1, 1.0, 1.0), 300);
        assert_eq!(learn_cap(&t, &sets, 1, 1.0, 0.5), 255);
        for (cap, dropped) in [(254, 300 + 255), (255, 300), (299, 300), (300, 0)] {
            let mut s = sets.clone();
            assert_eq!(suppress(&t, &mut s, cap), dropped, "cap {cap}");
        }
    }
}
