//! LSH banding: band parameters from a threshold, and candidate pairs by sorting band keys.
//!
//! Each band's key is the band's values (one row) or their [`combine`] hash (several rows).
//! Documents are sorted by key within each band and every run of equal keys becomes candidate
//! pairs: all pairs for a run of at most [`CLIQUE_MAX`] documents, otherwise a star from the
//! first document plus a chain through consecutive ones, so a bucket shared by thousands of
//! pages costs linear time, never quadratic.

use rayon::prelude::*;

use crate::error::{bad_param, Result};
use crate::hash::combine;
use crate::minhash::EMPTY;

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

    /// The parameters with the most rows (fewest false candidates) that still make a pair at
    /// Jaccard `threshold` a candidate with probability >= [`TARGET_RECALL`].
    pub fn derive(threshold: f64, num_perm: usize) -> Result<Self> {
        if !(threshold > 0.0 && threshold <= 1.0) {
            return Err(bad_param!("threshold must be in (0, 1], got {threshold}"));
        }
        let mut best = None;
        for rows in 1..=num_perm {
            let p = LshParams {
                bands: num_perm / rows,
                rows,
            };
            if p.probability(threshold) >= TARGET_RECALL {
                best = Some(p);
            }
        }
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
#[must_use]
pub fn jaccard_floor(containment: f64, min_ratio: f64) -> f64 {
    let c = containment * min_ratio;
    c / (1.0 + min_ratio - c)
}

fn band_key(sig: &[u64], seed: u64) -> u64 {
    if sig.len() == 1 {
        sig[0]
    } else {
        combine(sig, seed)
    }
}

fn emit_run(run: &[(u64, u32)], out: &mut Vec<(u32, u32)>) {
    let pair = |x: u32, y: u32| if x < y { (x, y) } else { (y, x) };
    if run.len() <= CLIQUE_MAX {
        for (i, &(_, a)) in run.iter().enumerate() {
            for &(_, b) in &run[i + 1..] {
                out.push(pair(a, b));
            }
        }
    } else {
        let first = run[0].1;
        for w in run.windows(2) {
            out.push(pair(first, w[1].1));
            if w[0].1 != first {
                out.push(pair(w[0].1, w[1].1));
            }
        }
    }
}

/// Candidate pairs `(a, b)` with `a < b`, sorted and unique, from signatures stored row-major
/// (`n` rows of `num_perm` values). Documents whose signature is empty are never candidates.
pub fn candidate_pairs(
    signatures: &[u64],
    num_perm: usize,
    params: LshParams,
    seed: u64,
) -> Result<Vec<(u32, u32)>> {
    if params.bands == 0 || params.rows == 0 || params.bands * params.rows > num_perm {
        return Err(bad_param!(
            "bands x rows ({} x {}) must be at least 1 and at most num_perm ({num_perm})",
            params.bands,
            params.rows
        ));
    }
    if num_perm == 0 || signatures.len() % num_perm != 0 {
        return Err(Error::InvalidInput(format!(
            "signature array of {} values is not a whole number of rows of {num_perm}",
            signatures.len()
        )));
    }
    let rows: Vec<(u32, &[u64])> = signatures
        .chunks_exact(num_perm)
        .enumerate()
        .filter(|(_, s)| s[0] != EMPTY)
        .map(|(i, s)| (i as u32, s))
        .collect();
    let per_band: Vec<Vec<(u32, u32)>> = (0..params.bands)
        .into_par_iter()
        .map(|band| {
            let lo = band * params.rows;
            let band_seed = seed ^ (band as u64);
            let mut keys: Vec<(u64, u32)> = rows
                .iter()
                .map(|&(doc, s)| (band_key(&s[lo..lo + params.rows], band_seed), doc))
                .collect();
            keys.sort_unstable();
            let mut out = Vec::new();
            for run in keys.chunk_by(|x, y| x.0 == y.0) {
                if run.len() > 1 {
                    emit_run(run, &mut out);
                }
            }
            out.sort_unstable();
            out.dedup();
            out
        })
        .collect();
    let mut all: Vec<(u32, u32)> = per_band.into_iter().flatten().collect();
    all.par_sort_unstable();
    all.dedup();
    Ok(all)
}

use crate::error::Error;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_parameters_meet_the_target() {
        for t in [0.1, 0.3, 0.5, 0.7, 0.9, 1.0] {
            let p = LshParams::derive(t, 128).unwrap();
            assert!(p.probability(t) >= TARGET_RECALL, "{t} {p:?}");
            assert!(p.bands * p.rows <= 128);
        }
        assert_eq!(
            LshParams::derive(0.5, 128).unwrap(),
            LshParams { bands: 42, rows: 3 }
        );
        assert!(LshParams::derive(0.01, 128).is_err());
    }

    #[test]
    fn floor() {
        assert!((jaccard_floor(1.0, 1.0) - 1.0).abs() < 1e-12);
        assert!((jaccard_floor(0.5, 1.0) - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn big_runs_are_linear() {
        let n = 10_000usize;
        let sigs = vec![5u64; n];
        let pairs = candidate_pairs(&sigs, 1, LshParams { bands: 1, rows: 1 }, 0).unwrap();
        assert!(pairs.len() < 2 * n);
        assert!(pairs.contains(&(0, 1)) && pairs.contains(&(0, (n - 1) as u32)));
    }
}
