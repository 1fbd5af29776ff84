//! Signatures laid out for banding, so that each part is given back once it has been used.
//!
//! Banding reads each batch of bands once, and the prefilter after it reads every column in
//! narrow form. So the columns of each batch of bands are kept in a block of their own (full
//! values, one row per document), and the columns no band reads are kept narrow from the
//! start. Once a batch is banded, its block is narrowed and the full values are given back.
//! At a million documents and the containment defaults (70 bands of one row), the signatures
//! took 512 MB through banding, and the narrow rows for the prefilter 256 MB more beside them;
//! laid out this way they start at 338 MB and shrink as banding goes.

use std::ops::Range;

use rayon::prelude::*;

use crate::minhash::{narrow, signature_into};
use crate::shingle_sets::ShingleSets;

/// Documents whose signatures one task computes.
const TASK_DOCS: usize = 256;

/// The signatures of `n` documents (`k` values each), for bands of `rows` values taken in
/// batches: `batches` gives the bands of each batch, in order, covering the first
/// `bands * rows` columns.
pub struct SignatureBlocks {
    k: usize,
    rows: usize,
    /// Per batch: its bands, and its block while it has not been narrowed.
    blocks: Vec<(Range<usize>, Option<Vec<u32>>)>,
    /// Documents.
    n: usize,
    /// The blocks in narrow form, batch after batch (batch `j`'s once it is banded), in one
    /// allocation: its pages are touched only as blocks are narrowed into it, and it is given
    /// back whole. (Narrow blocks of their own, 16 MB each at a million documents when
    /// narrow values took two bytes, came from the allocator's heap, which kept their memory
    /// after they were freed: 140 MB at the end of banding.)
    narrowed: Vec<u8>,
    /// The columns after the banded ones, narrow, one row per document.
    rest: Vec<u8>,
}

/// The documents one task of [`SignatureBlocks::fill`] computes, and their rows of every block
/// and of the rest.
struct Task<'a> {
    docs: Range<usize>,
    blocks: Vec<&'a mut [u32]>,
    rest: &'a mut [u8],
}

impl SignatureBlocks {
    /// Room for the signatures of `n` documents; `batches` must be consecutive bands from 0
    /// (at least one), with `rows` values each, within `k` columns.
    ///
    /// # Panics
    /// If there is no band, or the bands take more than `k` columns.
    #[must_use]
    pub fn new(n: usize, k: usize, rows: usize, batches: &[Range<usize>]) -> Self {
        let banded = batches.last().map_or(0, |b| b.end) * rows;
        assert!(banded > 0, "at least one band of at least one row");
        assert!(
            banded <= k,
            "bands take more columns than the signatures have"
        );
        SignatureBlocks {
            k,
            rows,
            // Zeroed by the allocator (fresh pages are): the sketch is the first to touch them.
            blocks: batches
                .iter()
                .map(|b| (b.clone(), Some(vec![0u32; n * b.len() * rows])))
                .collect(),
            n,
            narrowed: Vec::new(),
            rest: vec![0u8; n * (k - banded)],
        }
    }

    /// Columns in the bands.
    fn banded(&self) -> usize {
        self.blocks.last().map_or(0, |(b, _)| b.end) * self.rows
    }

    /// Compute the signatures of documents `docs` of `sets` (`seed` as for
    /// [`signature_into`]), in parallel on the current pool.
    ///
    /// # Panics
    /// If a block has already been narrowed.
    pub fn fill(&mut self, sets: &ShingleSets, docs: Range<usize>, seed: u64) {
        let (k, banded) = (self.k, self.banded());
        let rest_width = k - banded;
        let widths: Vec<usize> = self
            .blocks
            .iter()
            .map(|(b, _)| b.len() * self.rows)
            .collect();
        let mut tasks: Vec<Task> = docs
            .clone()
            .step_by(TASK_DOCS)
            .map(|d| Task {
                docs: d..(d + TASK_DOCS).min(docs.end),
                blocks: Vec::new(),
                rest: &mut [],
            })
            .collect();
        for (bands, block) in &mut self.blocks {
            let width = bands.len() * self.rows;
            let block = block
                .as_mut()
                .expect("a block is filled before it is narrowed");
            let rows = &mut block[docs.start * width..docs.end * width];
            for (task, part) in tasks
                .iter_mut()
                .zip(rows.chunks_mut(TASK_DOCS * width.max(1)))
            {
                task.blocks.push(part);
            }
        }
        let rest = &mut self.rest[docs.start * rest_width..docs.end * rest_width];
        for (task, part) in tasks
            .iter_mut()
            .zip(rest.chunks_mut(TASK_DOCS * rest_width.max(1)))
        {
            task.rest = part;
        }
        tasks.into_par_iter().for_each_init(
            || vec![0u32; k],
            |sig, mut task| {
                let rest = task.rest;
                for (i, d) in task.docs.enumerate() {
                    signature_into(sets.get(d), seed, sig);
                    let mut col = 0;
                    for (block, &w) in task.blocks.iter_mut().zip(&widths) {
                        block[i * w..(i + 1) * w].copy_from_slice(&sig[col..col + w]);
                        col += w;
                    }
                    for (o, &v) in rest[i * rest_width..(i + 1) * rest_width]
                        .iter_mut()
                        .zip(&sig[banded..])
                    {
                        *o = narrow(v);
                    }
                }
            },
        );
    }

    /// Every document's first value.
    ///
    /// # Panics
    /// If the first block has been narrowed.
    #[must_use]
    pub fn first_column(&self) -> Vec<u32> {
        let (bands, block) = self.block(0);
        block
            .iter()
            .step_by(bands.len() * self.rows)
            .copied()
            .collect()
    }

    /// Batch `j`'s bands and block (one row of `bands.len() * rows` values per document).
    ///
    /// # Panics
    /// If the block has been narrowed.
    #[must_use]
    pub fn block(&self, j: usize) -> (Range<usize>, &[u32]) {
        let (bands, block) = &self.blocks[j];
        let block = block
            .as_ref()
            .expect("a block is read before it is narrowed");
        (bands.clone(), block)
    }

    /// Replace batch `j`'s block by its narrow form, giving its full values back.
    pub fn narrow_block(&mut self, j: usize) {
        if let Some(block) = self.blocks[j].1.take() {
            if self.narrowed.is_empty() {
                // Zeroed by the allocator (fresh pages are), not by a pass over it.
                self.narrowed = vec![0u8; self.n * self.banded()];
            }
            let start = self.n * self.blocks[j].0.start * self.rows;
            self.narrowed[start..start + block.len()]
                .par_iter_mut()
                .zip(block.par_iter())
                .for_each(|(o, &v)| *o = narrow(v));
        }
    }

    /// The narrow signature of each document of `docs`, in that order (`k` values a row, in
    /// the signatures' order: the batches' columns one batch after another, then the rest).
    /// Every block must have been narrowed.
    ///
    /// # Panics
    /// If a block has not been narrowed.
    #[must_use]
    pub fn into_narrow_rows(mut self, docs: &[u32]) -> Vec<u8> {
        for j in 0..self.blocks.len() {
            assert!(self.blocks[j].1.is_none(), "every block is narrowed first");
        }
        let k = self.k;
        let widths: Vec<usize> = self
            .blocks
            .iter()
            .map(|(b, _)| b.len() * self.rows)
            .collect();
        let rest_width = k - self.banded();
        let mut out = vec![0u8; docs.len() * k];
        out.par_chunks_mut(k.max(1))
            .zip(docs.par_iter())
            .for_each(|(row, &d)| {
                let d = d as usize;
                let mut col = 0;
                for &w in &widths {
                    // Batch after batch: the block of the batch at column `col` starts at
                    // `n * col`.
                    let part = &self.narrowed[self.n * col..];
                    row[col..col + w].copy_from_slice(&part[d * w..(d + 1) * w]);
                    col += w;
                }
                row[col..].copy_from_slice(&self.rest[d * rest_width..(d + 1) * rest_width]);
            });
        self.narrowed = Vec::new();
        self.rest = Vec::new();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signatures::signatures;
    use crate::testing::drawn_set;

    #[test]
    fn blocks_hold_the_signatures_and_narrow_rows_hold_every_column() {
        let mut next = crate::testing::xorshift(23);
        // 600 documents (more than a task), some empty; 16 columns, bands of 3 rows in
        // batches of 2, 2 and 1 (15 columns banded, 1 not).
        let sets: Vec<Vec<u32>> = (0..600)
            .map(|i| {
                let len = if i % 7 == 0 {
                    0
                } else {
                    1 + (next() % 60) as usize
                };
                drawn_set(len, &mut next)
            })
            .collect();
        let tokens = vec![5; sets.len()];
        let sets = ShingleSets::from_sets(sets, tokens);
        let (k, rows, seed) = (16, 3, 9);
        let whole = signatures(&sets, k, seed);
        let batches = [0..2, 2..4, 4..5];
        let mut blocks = SignatureBlocks::new(sets.len(), k, rows, &batches);
        // Filled in two parts, as the sketch stage fills them batch after batch.
        blocks.fill(&sets, 0..300, seed);
        blocks.fill(&sets, 300..600, seed);
        let first: Vec<u32> = whole.iter().step_by(k).copied().collect();
        assert_eq!(blocks.first_column(), first);
        for (j, bands) in batches.iter().enumerate() {
            let (got, block) = blocks.block(j);
            assert_eq!(&got, bands);
            let w = bands.len() * rows;
            for d in 0..sets.len() {
                let cols = bands.start * rows..bands.end * rows;
                assert_eq!(&block[d * w..(d + 1) * w], &whole[d * k..(d + 1) * k][cols]);
            }
            blocks.narrow_block(j);
        }
        let docs: Vec<u32> = (0..sets.len() as u32).rev().collect();
        let narrow_rows = blocks.into_narrow_rows(&docs);
        for (i, &d) in docs.iter().enumerate() {
            // The columns in the same order: banded first, in order, then the rest.
            let want: Vec<u8> = whole[d as usize * k..(d as usize + 1) * k]
                .iter()
                .map(|&v| narrow(v))
                .collect();
            assert_eq!(&narrow_rows[i * k..(i + 1) * k], &want[..], "doc {d}");
        }
    }

    #[test]
    fn bands_may_take_every_column() {
        let sets = ShingleSets::from_sets(vec![vec![1, 2, 3], vec![4]], vec![3, 1]);
        let whole = signatures(&sets, 4, 0);
        let one_batch = std::iter::once(0..2).collect::<Vec<_>>();
        let mut blocks = SignatureBlocks::new(2, 4, 2, &one_batch);
        blocks.fill(&sets, 0..2, 0);
        assert_eq!(blocks.first_column(), [whole[0], whole[4]]);
        assert_eq!(blocks.block(0).1, &whole[..]);
        blocks.narrow_block(0);
        let rows = blocks.into_narrow_rows(&[1, 0]);
        let narrow_whole: Vec<u8> = whole.iter().map(|&v| narrow(v)).collect();
        assert_eq!(&rows[..4], &narrow_whole[4..]);
        assert_eq!(&rows[4..], &narrow_whole[..4]);
    }

    #[test]
    #[should_panic(expected = "every block is narrowed first")]
    fn narrow_rows_need_every_block_narrowed() {
        let sets = ShingleSets::from_sets(vec![vec![1]], vec![1]);
        let mut blocks = SignatureBlocks::new(1, 4, 1, &[0..2, 2..3]);
        blocks.fill(&sets, 0..1, 0);
        blocks.narrow_block(0);
        let _ = blocks.into_narrow_rows(&[0]);
    }
}
