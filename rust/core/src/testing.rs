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
