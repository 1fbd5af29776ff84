//! A batch of shingle sets stored flat: one hash array plus offsets, one token count per document.

use rayon::prelude::*;

use crate::parallel::cut;
use crate::shingle::{shingle, Scratch, ShingleSpec};
use crate::text::Document;

/// Sorted, duplicate-free sets of 32-bit shingle hashes of a batch of documents.
#[derive(Debug, Default, Clone)]
pub struct ShingleSets {
    offsets: Vec<usize>,
    hashes: Vec<u32>,
    tokens: Vec<u32>,
}

impl ShingleSets {
    /// Shingle a batch of documents in parallel (results do not depend on the thread count).
    #[must_use]
    pub fn from_texts<S: Document + Sync>(texts: &[S], spec: &ShingleSpec) -> Self {
        let mut sets = Self::default();
        sets.push_texts(texts, spec);
        sets
    }

    /// Shingle a batch of documents in parallel and append their sets.
    ///
    /// Tried and not kept (20k articles, one thread, a fresh process per run): workers writing
    /// runs of documents straight into a zeroed room of the flat array, which is never touched
    /// where it is not written, saved 16 ms of first-touch page faults in the shingle stage
    /// (0.252 -> 0.236 s), but closing the gaps between the runs is one sequential move of all
    /// the hashes, 1.8 s at 1M documents. One buffer per run instead of one per document,
    /// copied in the same way, changed nothing measurable.
    pub fn push_texts<S: Document + Sync>(&mut self, texts: &[S], spec: &ShingleSpec) {
        let parts: Vec<(Vec<u32>, u32)> = texts
            .par_iter()
            .map_init(Scratch::default, |scratch, t| {
                let s = shingle(t, spec, scratch);
                (s.hashes, u32::try_from(s.tokens).unwrap_or(u32::MAX))
            })
            .collect();
        self.append(parts);
    }

    /// Build from per-document sets (each must already be sorted and unique).
    #[must_use]
    pub fn from_sets(sets: Vec<Vec<u32>>, tokens: Vec<u32>) -> Self {
        debug_assert_eq!(sets.len(), tokens.len());
        let mut out = Self::default();
        out.append(sets.into_iter().zip(tokens).collect());
        out
    }

    /// Append documents given as (set, token count): each hash is copied once, from its
    /// document's set into the flat array, in parallel (and each set is freed by the thread
    /// that copied it).
    fn append(&mut self, parts: Vec<(Vec<u32>, u32)>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        let old = self.hashes.len();
        let mut end = old;
        for (set, tokens) in &parts {
            end += set.len();
            self.offsets.push(end);
            self.tokens.push(*tokens);
        }
        // Zero-filled in parallel, so that new pages are first touched by several threads.
        self.hashes.par_extend(rayon::iter::repeat_n(0, end - old));
        let sizes = parts.iter().map(|(set, _)| set.len());
        cut(&mut self.hashes[old..], sizes)
            .into_par_iter()
            .zip(parts)
            .for_each(|(dest, (set, _))| dest.copy_from_slice(&set));
    }

    /// Build from flat parts: `offsets` (n + 1, starting at 0), `hashes`, `tokens` (n).
    #[must_use]
    pub fn from_parts(offsets: Vec<usize>, hashes: Vec<u32>, tokens: Vec<u32>) -> Self {
        debug_assert_eq!(offsets.len(), tokens.len() + 1);
        debug_assert_eq!(offsets.last().copied(), Some(hashes.len()));
        ShingleSets {
            offsets,
            hashes,
            tokens,
        }
    }

    /// Keep, in each document, the hashes that `keep(flat position, hash)` accepts (a flat
    /// position indexes [`Self::hashes`] as it was); a document where it accepts none keeps
    /// all of its hashes. Compacts in place; returns the number of hashes dropped.
    ///
    /// Runs of documents are compacted in parallel on the current rayon pool, each within its
    /// own span, and the kept hashes then moved together in one pass. (At a million articles,
    /// one serial pass over the 397M hashes took 0.65-0.75 s.) `keep` sees each hash as it is
    /// copied, so a test of the hash itself needs no pass of its own before this one.
    pub fn retain_or_keep_all(&mut self, keep: impl Fn(usize, u32) -> bool + Sync) -> usize {
        let before = self.hashes.len();
        let n = self.len();
        if n == 0 {
            return 0;
        }
        // Runs of whole documents of about `target` hashes (at least one document each).
        let target = (before / (4 * rayon::current_num_threads())).max(1);
        let mut bounds = vec![0];
        while let Some(&first) = bounds.last().filter(|&&d| d < n) {
            let start = self.offsets[first];
            let mut last = first + 1;
            while last < n && self.offsets[last + 1] - start <= target {
                last += 1;
            }
            bounds.push(last);
        }
        let bases: Vec<usize> = bounds.iter().map(|&d| self.offsets[d]).collect();
        let offsets = &self.offsets;
        let spans = bases.windows(2).map(|w| w[1] - w[0]);
        // Per run, the kept length of each of its documents.
        let kept: Vec<Vec<usize>> = cut(&mut self.hashes, spans)
            .into_par_iter()
            .zip(bounds.par_windows(2))
            .map(|(span, w)| {
                let base = offsets[w[0]];
                let mut write = 0;
                let mut lens = Vec::with_capacity(w[1] - w[0]);
                for d in w[0]..w[1] {
                    let (start, end) = (offsets[d], offsets[d + 1]);
                    let all = !(start..end).any(|p| keep(p, span[p - base]));
                    let begin = write;
                    // Every hash is copied and the write position advances past the kept
                    // ones: no branch to mispredict where boilerplate and story text
                    // alternate.
                    for p in start..end {
                        let h = span[p - base];
                        span[write] = h;
                        write += usize::from(all | keep(p, h));
                    }
                    lens.push(write - begin);
                }
                lens
            })
            .collect();
        let mut write = 0;
        for ((w, lens), &base) in bounds.windows(2).zip(&kept).zip(&bases) {
            let total: usize = lens.iter().sum();
            self.hashes.copy_within(base..base + total, write);
            for (d, &len) in (w[0]..w[1]).zip(lens) {
                self.offsets[d + 1] = self.offsets[d] + len;
            }
            write += total;
        }
        self.hashes.truncate(write);
        // Give the dropped tail back (a shrink in place), for the later stages to use.
        self.hashes.shrink_to_fit();
        before - write
    }

    /// Number of documents.
    #[must_use]
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// True when there are no documents.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The set of document `i`.
    #[must_use]
    pub fn get(&self, i: usize) -> &[u32] {
        &self.hashes[self.offsets[i]..self.offsets[i + 1]]
    }

    /// The positions of document `i`'s hashes within [`Self::hashes`].
    #[must_use]
    pub fn range(&self, i: usize) -> std::ops::Range<usize> {
        self.offsets[i]..self.offsets[i + 1]
    }

    /// All hashes, document after document.
    #[must_use]
    pub fn hashes(&self) -> &[u32] {
        &self.hashes
    }

    /// Token counts (words, or characters for character shingles), one per document.
    #[must_use]
    pub fn tokens(&self) -> &[u32] {
        &self.tokens
    }

    /// The token counts, giving the sets' memory back.
    #[must_use]
    pub fn into_tokens(self) -> Vec<u32> {
        self.tokens
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retaining_in_parallel_runs_matches_a_serial_filter() {
        let mut next = crate::testing::xorshift(31);
        // Empty documents, documents that keep nothing (so keep all), and enough documents
        // for many runs on any pool.
        let sets: Vec<Vec<u32>> = (0..2000)
            .map(|i| {
                let len = if i % 11 == 0 {
                    0
                } else {
                    (next() % 40) as usize
                };
                (0..len as u32).map(|x| x * 7 + (i as u32 % 5)).collect()
            })
            .collect();
        let tokens: Vec<u32> = (0..sets.len() as u32).collect();
        // No documents: built from none, or never given any (no offsets at all).
        for mut none in [
            ShingleSets::from_sets(Vec::new(), Vec::new()),
            ShingleSets::default(),
        ] {
            assert_eq!(none.retain_or_keep_all(|_, _| false), 0, "no documents");
            assert!(none.is_empty());
        }
        let mut flat = ShingleSets::from_sets(sets.clone(), tokens.clone());
        // Keep by flat position: drop every third, and everything in documents 5 mod 13.
        let mut doc_of = Vec::new();
        for (d, s) in sets.iter().enumerate() {
            doc_of.extend(std::iter::repeat_n(d, s.len()));
        }
        // Keep by flat position and by hash: drop every third entry, every hash that is 3
        // mod 10, and everything in documents 5 mod 13.
        let keep = |p: usize, h: u32| !p.is_multiple_of(3) && h % 10 != 3 && doc_of[p] % 13 != 5;
        let mut want = Vec::new();
        let mut p = 0;
        for s in &sets {
            let kept: Vec<u32> = (p..p + s.len())
                .filter(|&q| keep(q, s[q - p]))
                .map(|q| s[q - p])
                .collect();
            want.push(if kept.is_empty() { s.clone() } else { kept });
            p += s.len();
        }
        let dropped = flat.retain_or_keep_all(keep);
        let total: usize = sets.iter().map(Vec::len).sum();
        assert_eq!(dropped, total - want.iter().map(Vec::len).sum::<usize>());
        for (d, w) in want.iter().enumerate() {
            assert_eq!(flat.get(d), &w[..], "document {d}");
        }
        assert_eq!(flat.tokens(), &tokens[..]);
        assert_eq!(flat.hashes().len(), total - dropped);
    }
}
