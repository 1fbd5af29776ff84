//! simcore-core: near-duplicate detection and clustering of news text, in stages that each
//! work on a batch: [`normalize`], [`shingle`], [`hash`], [`minhash`], [`lsh`], [`verify`],
//! [`cluster`]; [`pipeline`] runs them all. No Python here: the `simcore` package wraps it.

pub mod boilerplate;
pub mod cluster;
pub mod control;
pub mod df;
pub mod entities;
pub mod error;
pub mod hash;
mod hash_set;
pub mod jaccard;
pub mod lsh;
pub mod merge;
pub mod minhash;
mod mix_map;
pub mod normalize;
pub mod pair_set;
pub mod parallel;
pub mod pipeline;
mod prefetch;
pub mod radix;
pub mod shingle;
pub mod shingle_sets;
pub mod signature_blocks;
pub mod signatures;
pub mod spill;
pub mod stream;
#[cfg(test)]
mod testing;
pub mod text;
pub mod unicode;
#[allow(clippy::unreadable_literal)] // generated tables
mod unicode_tables;
pub mod verify;

pub use error::{Error, Result};

/// Version of the hash and sketch derivation (docs/HASHING.md); recorded with anything persisted.
pub const HASH_VERSION: u32 = 3;

/// The Unicode version the normaliser and tokenizer follow.
#[must_use]
pub fn unicode_version() -> &'static str {
    unicode_tables::UNICODE_VERSION
}
