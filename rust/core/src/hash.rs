//! The seeded, fully specified 64-bit hash family; docs/HASHING.md gives the same derivation in prose.
//!
//! Everything simcore hashes goes through three primitives: [`fmix64`] (the MurmurHash3
//! finaliser), [`fold`] (a 64x64->128 multiply whose halves are xor-ed), and [`hash_bytes`],
//! which reads UTF-8 bytes in 8-byte little-endian words. A word shingle's hash joins its
//! words' hashes with [`window_hash`]; band keys and fingerprints join values with [`combine`].

/// 2^64 / golden ratio, odd.
pub const P1: u64 = 0x9E37_79B9_7F4A_7C15;
/// An odd constant from xxHash64.
pub const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
/// An odd constant from xxHash64.
pub const P3: u64 = 0x1656_67B1_9E37_79F9;

/// MurmurHash3's 64-bit finaliser: a bijection with full avalanche.
#[inline]
#[must_use]
pub fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    x ^= x >> 33;
    x
}

/// Multiply to 128 bits and xor the high half into the low half.
#[inline]
#[must_use]
pub fn fold(x: u64, y: u64) -> u64 {
    let p = u128::from(x) * u128::from(y);
    (p as u64) ^ ((p >> 64) as u64)
}

/// Hash a byte string: `h = seed ^ len*P1`, then `h = fold(h ^ w ^ P3, P2)` for each 8-byte
/// little-endian word `w` (the last one zero-padded), then `fmix64(h)`.
#[inline]
#[must_use]
pub fn hash_bytes(bytes: &[u8], seed: u64) -> u64 {
    let mut h = seed ^ (bytes.len() as u64).wrapping_mul(P1);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = fold(h ^ u64::from_le_bytes(w) ^ P3, P2);
    }
    let rem = chunks.remainder();
    if !rem.is_empty() {
        let mut w = [0u8; 8];
        w[..rem.len()].copy_from_slice(rem);
        h = fold(h ^ u64::from_le_bytes(w) ^ P3, P2);
    }
    fmix64(h)
}

/// Combine the hashes of the tokens of one shingle, in order, into the shingle's hash.
#[inline]
#[must_use]
pub fn combine(token_hashes: &[u64], seed: u64) -> u64 {
    combine_values(token_hashes.iter().copied(), seed)
}

/// [`combine`] of values given one by one (32-bit ones widened, say), in order.
#[inline]
#[must_use]
pub fn combine_values(values: impl ExactSizeIterator<Item = u64>, seed: u64) -> u64 {
    let len = values.len() as u64;
    let mut acc = seed ^ P3;
    for t in values {
        acc = fold(acc ^ t, P1);
    }
    fmix64(acc ^ len)
}

/// Bits by which each token of a word shingle is rotated relative to the next one (odd, so the
/// rotations of up to 64 tokens are distinct).
pub const WINDOW_ROTATION: u32 = 13;

/// The hash of one word shingle from its tokens' hashes, in order:
/// `fmix64(seed ^ P3 ^ m*P1 ^ x)` where `x` is the xor of each token hash `t_j` rotated left by
/// `13 * (m - 1 - j)` bits (`m` tokens, at most 64).
///
/// `x` is linear in the token hashes, so the next shingle's `x` comes from this one's in a
/// few operations (see `shingle::windows_into`) where [`combine`] multiplies once per token.
/// With the other tokens fixed, `x` is a bijection of any one token, so shingles of the same
/// length that differ in one token never collide; the rotations differ (up to 64 tokens), so
/// word order counts; otherwise distinct shingles collide only when their random token hashes
/// meet a linear equation. The finaliser (a bijection) mixes `x` into a uniform hash.
#[inline]
#[must_use]
pub fn window_hash(token_hashes: &[u64], seed: u64) -> u64 {
    let m = token_hashes.len() as u64;
    window_finish(window_xor(token_hashes), window_key(seed, m))
}

/// The `x` of [`window_hash`]: each token hash rotated left by [`WINDOW_ROTATION`] bits per
/// position from the end, xor-ed.
#[inline]
#[must_use]
pub fn window_xor(token_hashes: &[u64]) -> u64 {
    token_hashes
        .iter()
        .fold(0, |x, &t| x.rotate_left(WINDOW_ROTATION) ^ t)
}

/// The part of [`window_hash`] shared by every shingle of `m` tokens.
#[inline]
#[must_use]
pub fn window_key(seed: u64, m: u64) -> u64 {
    seed ^ P3 ^ m.wrapping_mul(P1)
}

/// [`window_hash`] from the xor of rotated token hashes and the [`window_key`].
#[inline]
#[must_use]
pub fn window_finish(x: u64, key: u64) -> u64 {
    fmix64(x ^ key)
}

/// The seed used for character shingles, so that they never collide with word shingles by design.
#[inline]
#[must_use]
pub fn char_seed(seed: u64) -> u64 {
    seed ^ P2
}

/// The probe hash for densification: bin `i`, attempt `t`.
#[inline]
#[must_use]
pub fn probe(seed: u64, bin: u32, attempt: u32) -> u64 {
    fmix64(seed.wrapping_add(P3) ^ ((u64::from(bin) << 32) | u64::from(attempt)))
}

/// The 32-bit hash a shingle set stores: the top half of the shingle's 64-bit hash.
///
/// Thirty-two bits are enough to tell a document's shingles apart from another's (two sets of
/// 1,000 shingles share a value by chance with probability 2^-12, and then only one), and they
/// halve the memory of the sets, which are the largest thing a run holds.
#[inline]
#[must_use]
pub fn hash32(h: u64) -> u32 {
    (h >> 32) as u32
}

/// Map a 32-bit hash uniformly onto `0..n` (multiply-high, "fastrange").
#[inline]
#[must_use]
pub fn reduce32(h: u32, n: u32) -> u32 {
    ((u64::from(h) * u64::from(n)) >> 32) as u32
}

/// Map a 64-bit hash uniformly onto `0..n` (multiply-high, "fastrange").
#[inline]
#[must_use]
pub fn reduce(h: u64, n: u32) -> u32 {
    ((u128::from(h) * u128::from(n)) >> 64) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_vectors() {
        // These values are also asserted by the Python twin's tests: change them only with a
        // new hash version.
        assert_eq!(hash_bytes(b"", 0), fmix64(0));
        assert_ne!(hash_bytes(b"a", 0), hash_bytes(b"a", 1));
        assert_ne!(hash_bytes(b"ab", 0), hash_bytes(b"ba", 0));
        assert_ne!(hash_bytes(b"a\0", 0), hash_bytes(b"a", 0));
        assert_ne!(combine(&[1, 2], 0), combine(&[2, 1], 0));
        assert_ne!(window_hash(&[1, 2], 0), window_hash(&[2, 1], 0));
        assert_ne!(window_hash(&[1, 2], 0), window_hash(&[1, 2], 1));
        assert_ne!(window_hash(&[1], 0), window_hash(&[1, 0], 0));
    }

    #[test]
    fn window_hash_rotates_each_token_by_its_distance_from_the_end() {
        let t = [P1, P2, P3, 7, u64::MAX];
        let x = t[0].rotate_left(52)
            ^ t[1].rotate_left(39)
            ^ t[2].rotate_left(26)
            ^ t[3].rotate_left(13)
            ^ t[4];
        assert_eq!(
            window_hash(&t, 9),
            fmix64(x ^ 9 ^ P3 ^ 5u64.wrapping_mul(P1))
        );
    }

    #[test]
    fn reduce_is_in_range() {
        for h in [0, 1, u64::MAX, P1, P2] {
            assert!(reduce(h, 128) < 128);
        }
        assert_eq!(reduce(u64::MAX, 1), 0);
        for h in [0, 1, u32::MAX, P1 as u32] {
            assert!(reduce32(h, 128) < 128);
        }
        assert_eq!(reduce32(u32::MAX, 128), 127);
        assert_eq!(reduce32(1 << 25, 128), 1);
    }
}
