//! Hash maps keyed by integers, hashed with [`fmix64`]: the standard library's default
//! hasher, built to resist chosen keys, cost a good part of the loops that look keys up by
//! the million (the clustering loop at a million documents; the exact frequencies of shingles
//! in more documents than a byte counts).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::hash::fmix64;

/// A [`HashMap`] whose keys are integers, hashed by [`MixHasher`].
pub(crate) type MixMap<K, V> = HashMap<K, V, BuildHasherDefault<MixHasher>>;

/// Hashes integer keys with [`fmix64`] (a bijection with full avalanche).
#[derive(Default)]
pub(crate) struct MixHasher(u64);

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = fmix64(self.0 ^ u64::from(b));
        }
    }

    fn write_u32(&mut self, x: u32) {
        self.0 = fmix64(self.0 ^ u64::from(x));
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = fmix64(self.0 ^ x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_keys_hash_by_their_value() {
        let hash = |f: &dyn Fn(&mut MixHasher)| {
            let mut h = MixHasher::default();
            f(&mut h);
            h.finish()
        };
        assert_eq!(hash(&|h| h.write_u32(7)), fmix64(7));
        assert_eq!(hash(&|h| h.write_u64(7)), fmix64(7));
        assert_ne!(hash(&|h| h.write_u32(7)), hash(&|h| h.write_u32(8)));
        let mut m: MixMap<u32, u32> = MixMap::default();
        m.insert(3, 4);
        assert_eq!(m.get(&3), Some(&4));
    }
}
