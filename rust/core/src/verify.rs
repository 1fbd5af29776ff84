//! Exact verification of candidate pairs: every edge is scored on the full shingle sets.

use rayon::prelude::*;

use crate::jaccard::{overlap, Overlap};
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
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// First document (input index).
    pub a: u32,
    /// Second document (input index), `a < b`.
    pub b: u32,
    /// Exact set sizes and intersection.
    pub overlap: Overlap,
    /// The measure's score, at or above the threshold.
    pub score: f64,
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
        .par_iter()
        .filter_map(|&(a, b)| {
            let o = overlap(sets.get(a as usize), sets.get(b as usize));
            let score = measure.score(&o);
            (o.shared > 0 && score >= threshold).then_some(Edge {
                a,
                b,
                overlap: o,
                score,
            })
        })
        .collect()
}
