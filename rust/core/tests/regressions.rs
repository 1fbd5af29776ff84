//! Inputs found by fuzzing (fuzz/), kept so that what broke once stays fixed.

use simcore_core::boilerplate::SampleRule;
use simcore_core::cluster::Linkage;
use simcore_core::control::NoControl;
use simcore_core::df::DfPolicy;
use simcore_core::lsh::LshParams;
use simcore_core::pipeline::{run, Config};
use simcore_core::shingle::{ShingleSpec, Unit};
use simcore_core::verify::Measure;

fn fuzz_config() -> Config {
    Config {
        shingle: ShingleSpec {
            unit: Unit::Word,
            k: 2,
            seed: 0,
        },
        num_perm: 16,
        lsh: LshParams { bands: 16, rows: 1 },
        measure: Measure::Containment,
        threshold: 0.3,
        df: DfPolicy::Auto {
            floor: 2,
            multiplier: 2.0,
            quantile: 0.99,
        },
        df_sample: SampleRule::default(),
        linkage: Linkage::Guarded,
    }
}

/// Found by the `pipeline` target after 180 s: identical documents inside a giant LSH bucket
/// were linked only through star and chain edges, and a refused guarded merge split them.
#[test]
fn identical_documents_in_a_giant_bucket_share_a_cluster() {
    let data = include_bytes!("fuzz_pipeline_identical_split.bin");
    let docs: Vec<String> = data
        .split(|&b| b == 0xFF)
        .map(|d| String::from_utf8_lossy(d).into_owned())
        .collect();
    let out = run(&docs, None, &fuzz_config(), 1, &NoControl).unwrap();
    for i in 0..docs.len() {
        for j in i + 1..docs.len() {
            if docs[i] == docs[j] && out.shingles[i] > 0 {
                assert_eq!(
                    out.clustering.labels[i], out.clustering.labels[j],
                    "{i} {j}"
                );
            }
        }
    }
}
