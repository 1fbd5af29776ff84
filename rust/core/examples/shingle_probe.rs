//! Time the parts of shingling on a corpus file of records separated by 0x1E (a development probe).
use std::time::Instant;

use simcore_core::hash::combine;
use simcore_core::shingle::{shingle, word_hashes, ShingleSpec, Unit};

fn main() {
    let path = std::env::args().nth(1).expect("corpus path");
    let data = std::fs::read_to_string(path).expect("readable");
    let docs: Vec<&str> = data.split('\u{1e}').collect();
    let mb = data.len() as f64 / 1e6;
    let spec = ShingleSpec {
        unit: Unit::Word,
        k: 5,
        seed: 0,
    };
    let mut words = Vec::new();
    let t = Instant::now();
    let mut n = 0usize;
    for d in &docs {
        words.clear();
        word_hashes(d, 0, &mut words);
        n += words.len();
    }
    let tw = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut acc = 0u64;
    let mut sh = Vec::new();
    for d in &docs {
        words.clear();
        word_hashes(d, 0, &mut words);
        sh.clear();
        sh.extend(words.windows(5).map(|w| combine(w, 0)));
        acc ^= sh.len() as u64;
    }
    let tc = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut scratch = Vec::new();
    for d in &docs {
        acc ^= shingle(d, &spec, &mut scratch).hashes.len() as u64;
    }
    let ts = t.elapsed().as_secs_f64();
    println!("{mb:.1} MB, {} docs, {n} words", docs.len());
    println!("words+hash      {tw:.3}s {:.0} MB/s", mb / tw);
    println!("+combine        {tc:.3}s {:.0} MB/s", mb / tc);
    println!("+sort,dedup,vec {ts:.3}s {:.0} MB/s  ({acc})", mb / ts);
}
