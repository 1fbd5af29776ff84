"""LSH: derived parameters, candidate pairs, and recall/precision against exact all-pairs."""

from __future__ import annotations

import numpy as np
import pytest

import simcore
from simcore import twin

from .oracle import jaccard_pairs


@pytest.mark.parametrize("t", [0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0])
def test_derived_parameters_reach_the_target(t: float) -> None:
    info = simcore.lsh_params(t, measure="jaccard")
    assert info.bands * info.rows <= 128
    assert info.p_at_threshold >= 0.99
    assert 0.0 <= info.p_below <= info.p_at_threshold
    # One more row would miss the target: the parameters are as selective as allowed.
    rows = info.rows + 1
    assert twin.probability(128 // rows, rows, t) < 0.99 or rows > 128
    # One band fewer would miss it too: no banding work beyond the target.
    assert twin.probability(info.bands - 1, info.rows, t) < 0.99
    assert (info.bands, info.rows) == twin.derive_bands(t, 128)


def test_containment_design_and_explicit_bands() -> None:
    info = simcore.lsh_params(0.3, measure="containment", min_size_ratio=0.25)
    assert info.design_jaccard == pytest.approx(0.075 / 1.175)
    # 1 - (1 - 0.0638)^70 = 0.990 >= 0.99 > 1 - (1 - 0.0638)^69
    assert (info.bands, info.rows) == (70, 1)
    explicit = simcore.lsh_params(0.5, measure="jaccard", bands=16, rows=8)
    assert (explicit.bands, explicit.rows) == (16, 8)
    assert explicit.p_at_threshold < 0.99
    with pytest.raises(ValueError, match="divisible by bands"):
        simcore.lsh_params(0.5, bands=3, rows=40)
    with pytest.raises(ValueError, match="must equal num_perm"):
        simcore.lsh_params(0.5, bands=16, rows=4)
    with pytest.raises(ValueError, match="cannot reach"):
        simcore.lsh_params(0.01, measure="jaccard")


def test_candidate_pairs_match_twin_and_are_sorted() -> None:
    docs = [(f"wire copy {i // 3} ") * 12 + f"outlet {i % 3}" for i in range(60)]
    sigs = simcore.signatures(docs)
    pairs = simcore.candidate_pairs(sigs, bands=32, rows=4)
    assert pairs.dtype == np.int64 and pairs.shape[1] == 2
    assert (pairs[:, 0] < pairs[:, 1]).all()
    assert [tuple(p) for p in pairs.tolist()] == twin.candidate_pairs(sigs.tolist(), 32, 4)


def test_giant_bucket_stays_linear() -> None:
    n = 20_000
    sigs = simcore.signatures(["the same page of boilerplate text repeated"] * n, num_perm=16)
    pairs = simcore.candidate_pairs(sigs, bands=16, rows=1)
    assert len(pairs) <= 2 * n
    r = simcore.cluster(["the same page of boilerplate text repeated"] * n)
    assert len(r) == 1


@pytest.mark.parametrize("name", ["bbc_fulltext", "reuters21578"])
def test_recall_and_precision_against_exact_all_pairs(corpus, name: str) -> None:  # type: ignore[no-untyped-def]
    texts = [r["text"] for r in corpus(name)]
    t = 0.5
    sets = simcore.shingles(texts)
    truth = jaccard_pairs(sets, t)
    assert len(truth) > 100
    result = simcore.cluster(
        texts, measure="jaccard", threshold=t, boilerplate="off", linkage="components"
    )
    found = {
        (a, b) for a, b in zip(result.edges["a"].tolist(), result.edges["b"].tolist(), strict=True)
    }
    recall = len(found & set(truth)) / len(truth)
    assert recall >= 0.99, recall
    # Precision 1.0: every reported edge really is at or above the threshold, exactly.
    py = [set(s.tolist()) for s in sets]
    for a, b, j in zip(
        result.edges["a"].tolist(),
        result.edges["b"].tolist(),
        result.edges["jaccard"].tolist(),
        strict=True,
    ):
        inter = len(py[a] & py[b])
        exact = inter / (len(py[a]) + len(py[b]) - inter)
        assert exact >= t and j == pytest.approx(exact, abs=0)
