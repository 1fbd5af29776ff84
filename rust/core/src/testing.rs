//! Helpers shared by the unit tests.

/// A xorshift64 generator from `seed` (not 0): deterministic test data, scattered enough.
pub(crate) fn xorshift(mut x: u64) -> impl FnMut() -> u64 {
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}

/// A sorted, duplicate-free set of the low 32 bits of `len` draws of `next`.
pub(crate) fn drawn_set(len: usize, next: &mut impl FnMut() -> u64) -> Vec<u32> {
    let mut set: Vec<u32> = (0..len).map(|_| next() as u32).collect();
    set.sort_unstable();
    set.dedup();
    set
}

/// The common elements of two sorted sets, counted the obvious way.
pub(crate) fn common(a: &[u32], b: &[u32]) -> usize {
    a.iter().filter(|x| b.binary_search(x).is_ok()).count()
}
