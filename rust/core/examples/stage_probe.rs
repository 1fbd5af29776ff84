//! Time the boilerplate stage's parts on synthetic sets (a development probe).
use std::time::Instant;

use simcore_core::df::{learn_cap, suppress, DfTable};
use simcore_core::hash::fmix64;
use simcore_core::shingle_sets::ShingleSets;

fn main() {
    let mut sets = Vec::new();
    let mut x = 1u64;
    for d in 0..200_000u64 {
        let mut s: Vec<u64> = (0..400)
            .map(|i| {
                x = x.wrapping_add(1);
                if i < 50 {
                    fmix64(d % 100 + 7) ^ i
                } else {
                    fmix64(x)
                }
            })
            .collect();
        s.sort_unstable();
        s.dedup();
        sets.push(s);
    }
    let sets = ShingleSets::from_sets(sets, vec![400; 200_000]);
    let t = Instant::now();
    let table = DfTable::build(&sets);
    println!("build {:?}", t.elapsed());
    let t = Instant::now();
    let cap = learn_cap(&table, &sets, 10, 2.0, 0.99);
    println!("learn {:?} cap {cap}", t.elapsed());
    let t = Instant::now();
    let (_, dropped) = suppress(&table, &sets, cap);
    println!("suppress {:?} dropped {dropped}", t.elapsed());
}
