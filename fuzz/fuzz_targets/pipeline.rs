//! Documents split from the input at 0xFF bytes: the whole pipeline never panics, every
//! document gets a label, and identical documents with shingles share their cluster.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simcore_core::cluster::Linkage;
use simcore_core::control::NoControl;
use simcore_core::df::DfPolicy;
use simcore_core::lsh::LshParams;
use simcore_core::pipeline::{run, Config};
use simcore_core::shingle::{ShingleSpec, Unit};
use simcore_core::verify::Measure;

fuzz_target!(|data: &[u8]| {
    let docs: Vec<String> = data
        .split(|&b| b == 0xFF)
        .map(|d| String::from_utf8_lossy(d).into_owned())
        .collect();
    let cfg = Config {
        shingle: ShingleSpec { unit: Unit::Word, k: 2, seed: 0 },
        num_perm: 16,
        lsh: LshParams { bands: 16, rows: 1 },
        measure: Measure::Containment,
        threshold: 0.3,
        df: DfPolicy::Auto { floor: 2, multiplier: 2.0, quantile: 0.99 },
        linkage: Linkage::Guarded,
    };
    let out = run(&docs, None, &cfg, 1, &NoControl).expect("valid config");
    assert_eq!(out.clustering.labels.len(), docs.len());
    for i in 0..docs.len() {
        for j in i + 1..docs.len() {
            if docs[i] == docs[j] && out.shingles[i] > 0 {
                assert_eq!(out.clustering.labels[i], out.clustering.labels[j]);
            }
        }
    }
});
