//! Criterion benchmarks of the hot loops: shingling, signatures, banding, verification, df.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use simcore_core::df::DfTable;
use simcore_core::jaccard::overlap;
use simcore_core::lsh::{candidate_pairs, LshParams};
use simcore_core::merge::{merge_at_least, scalar};
use simcore_core::shingle::{ShingleSpec, Unit};
use simcore_core::shingle_sets::ShingleSets;
use simcore_core::signatures::signatures;

/// Deterministic news-like text: words drawn from a small vocabulary, with sentence breaks.
fn corpus(docs: usize, words: usize) -> Vec<String> {
    const VOCAB: [&str; 24] = [
        "the",
        "council",
        "said",
        "on",
        "Tuesday",
        "that",
        "flood",
        "defences",
        "would",
        "be",
        "rebuilt",
        "after",
        "heavy",
        "rain",
        "and",
        "officials",
        "warned",
        "residents",
        "of",
        "further",
        "storms",
        "in",
        "the",
        "valley",
    ];
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    (0..docs)
        .map(|_| {
            let mut s = String::with_capacity(words * 7);
            for i in 0..words {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push_str(VOCAB[(x % VOCAB.len() as u64) as usize]);
                s.push_str(if i % 17 == 16 { ". " } else { " " });
            }
            s
        })
        .collect()
}

/// Two sorted sets of `len` distinct hashes that share `shared` of them.
fn copies(len: usize, shared: usize) -> (Vec<u32>, Vec<u32>) {
    // An odd multiplier is a bijection of u32, so the hashes are distinct.
    let hash = |i: usize| (i as u32 + 1).wrapping_mul(0x9E37_79B9).rotate_left(13);
    let mut x: Vec<u32> = (0..len).map(hash).collect();
    let mut y: Vec<u32> = (len - shared..2 * len - shared).map(hash).collect();
    x.sort_unstable();
    y.sort_unstable();
    (x, y)
}

fn bench(c: &mut Criterion) {
    let texts = corpus(2000, 300);
    let bytes: usize = texts.iter().map(String::len).sum();
    let spec = ShingleSpec {
        unit: Unit::Word,
        k: 5,
        seed: 0,
    };
    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("shingle", |b| {
        b.iter(|| ShingleSets::from_texts(black_box(&texts), &spec));
    });
    let sets = ShingleSets::from_texts(&texts, &spec);
    g.bench_function("signatures_k128", |b| {
        b.iter(|| signatures(black_box(&sets), 128, 0));
    });
    g.bench_function("df_table", |b| b.iter(|| DfTable::build(black_box(&sets))));
    // At corpus scale (8M entries, 256 buckets) the counting tables no longer stay in L1.
    let big = ShingleSets::from_texts(&corpus(20_000, 400), &spec);
    g.bench_function("df_table_8m", |b| {
        b.iter(|| DfTable::build(black_box(&big)));
    });
    let sigs = signatures(&sets, 128, 0);
    g.bench_function("band_128x1", |b| {
        b.iter(|| {
            candidate_pairs(
                black_box(&sigs),
                128,
                LshParams {
                    bands: 128,
                    rows: 1,
                },
                0,
            )
        });
    });
    g.finish();
    c.bench_function("overlap_400", |b| {
        b.iter(|| overlap(black_box(sets.get(0)), black_box(sets.get(1))));
    });
    // Two copies' sets: 400 hashes each, 280 of them shared. The dispatched merge (AVX2 blocks
    // where the CPU has them) against the scalar one.
    let (x, y) = copies(400, 280);
    c.bench_function("merge_400", |b| {
        b.iter(|| merge_at_least(black_box(&x), black_box(&y), 0));
    });
    c.bench_function("merge_400_scalar", |b| {
        b.iter(|| scalar(black_box(&x), black_box(&y), 0));
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
