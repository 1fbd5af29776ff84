//! Thread pools: every parallel stage runs inside a pool of exactly the requested size.
//!
//! The caller's thread stays outside the pool and enters it once per batch, so checkpoints
//! (progress, Ctrl-C) always run on the caller's thread.

use rayon::ThreadPool;

use crate::error::{bad_param, Result};

/// A pool of `threads` threads (0 means one per available core).
pub fn pool(threads: usize) -> Result<ThreadPool> {
    if threads > 4096 {
        return Err(bad_param!("threads must be at most 4096, got {threads}"));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| bad_param!("cannot start {threads} threads: {e}"))
}

/// Run `f` on a pool of `threads` threads (0 means one per available core).
pub fn with_threads<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> Result<R> {
    Ok(pool(threads)?.install(f))
}

/// `buffer` cut into consecutive slices of the given sizes (in order; they must not add up to
/// more than its length): disjoint places for parallel writers.
pub(crate) fn cut<T>(buffer: &mut [T], sizes: impl IntoIterator<Item = usize>) -> Vec<&mut [T]> {
    let mut slices = Vec::new();
    let mut rest = buffer;
    for size in sizes {
        let (head, tail) = rest.split_at_mut(size);
        slices.push(head);
        rest = tail;
    }
    slices
}
