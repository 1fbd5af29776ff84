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

    /// Keep, in each document, the hashes at the flat positions (indices into
    /// [`Self::hashes`]) that `keep` accepts; a document where it accepts none keeps all of
    /// its hashes. Compacts in place, in one pass; returns the number of hashes dropped.
    pub fn retain_or_keep_all(&mut self, keep: impl Fn(usize) -> bool) -> usize {
        let before = self.hashes.len();
        let (mut write, mut start) = (0, 0);
        for d in 0..self.len() {
            let end = self.offsets[d + 1];
            let all = !(start..end).any(&keep);
            // Every hash is copied and the write position advances past the kept ones: no
            // branch to mispredict where boilerplate and story text alternate.
            for p in start..end {
                self.hashes[write] = self.hashes[p];
                write += usize::from(all | keep(p));
            }
            self.offsets[d + 1] = write;
            start = end;
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
