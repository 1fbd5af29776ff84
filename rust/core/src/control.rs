//! Progress reporting and cancellation between batches of work.

use crate::error::Result;

/// Called by long computations between batches: report progress, and return an error (usually
/// [`crate::Error::Interrupted`]) to stop the run.
pub trait Control: Sync {
    /// `done` of `total` units of `stage` are finished.
    fn checkpoint(&self, stage: &str, done: usize, total: usize) -> Result<()>;
}

/// A [`Control`] that never stops and reports nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoControl;

impl Control for NoControl {
    fn checkpoint(&self, _stage: &str, _done: usize, _total: usize) -> Result<()> {
        Ok(())
    }
}

/// Run `f` on consecutive index ranges of `batch` items out of `total`, with a checkpoint
/// before each one (and after the last).
pub fn in_batches(
    ctl: &dyn Control,
    stage: &str,
    total: usize,
    batch: usize,
    mut f: impl FnMut(std::ops::Range<usize>) -> Result<()>,
) -> Result<()> {
    let batch = batch.max(1);
    let mut start = 0;
    while start < total {
        ctl.checkpoint(stage, start, total)?;
        let end = (start + batch).min(total);
        f(start..end)?;
        start = end;
    }
    ctl.checkpoint(stage, total, total)
}
