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
