//! A hint to start loading memory that the code will read soon.

/// Ask the CPU to bring the cache line holding `value` (if any) towards L1, and go on at once.
///
/// Reading the value instead (as `verify` does with the first lines of a set) starts the load
/// too, but the read cannot retire before its data arrives, so the CPU stalls once its window
/// of pending instructions fills: where the load is issued documents ahead, as in the passes
/// of [`crate::df::DfTable::build`], only a prefetch instruction hides the wait (at a million
/// documents the count took 12.1 s with reads eight documents ahead, 10.5-11.9 s with none,
/// and 8.1-8.7 s with prefetches). Elsewhere (other than x86-64) it does nothing.
#[inline]
pub(crate) fn prefetch<T>(value: Option<&T>) {
    #[cfg(target_arch = "x86_64")]
    if let Some(v) = value {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        #[allow(unsafe_code)]
        // SAFETY: a prefetch instruction has no effect the program can observe: it never
        // faults, whatever the address, and changes no memory. SSE, which it needs, is part of
        // every x86-64 CPU.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(v).cast());
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
