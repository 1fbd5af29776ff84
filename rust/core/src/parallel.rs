//! Thread pools: every parallel stage runs inside a pool of exactly the requested size.

use crate::error::{bad_param, Result};

/// Run `f` on a rayon pool of `threads` threads (0 means one per available core).
pub fn with_threads<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> Result<R> {
    if threads > 4096 {
        return Err(bad_param!("threads must be at most 4096, got {threads}"));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| bad_param!("cannot start {threads} threads: {e}"))?;
    Ok(pool.install(f))
}
