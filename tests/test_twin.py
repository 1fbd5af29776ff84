"""The pure-Python twin against the core on every shared corpus: text, shingles, signatures,
candidates and clusters, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

import simcore
from simcore import twin

from .conftest import CORPUS_NAMES


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_twin_equals_core_on_corpus(corpus, name: str) -> None:  # type: ignore[no-untyped-def]
    texts = [r["text"] for r in corpus(name)]
    assert simcore.normalize(texts) == [twin.normalize(t) for t in texts]
    sets = simcore.shingles(texts)
    twin_sets = [twin.shingle(t)[0] for t in texts]
    assert [s.tolist() for s in sets] == twin_sets
    sigs = simcore.signatures(sets)
    assert np.array_equal(sigs, np.array([twin.signature(s) for s in twin_sets], dtype=np.uint32))
    r = simcore.cluster(texts)
    t = twin.cluster(texts)
    assert r.labels.tolist() == t["labels"]
    assert r.representative_index.tolist() == t["representatives"]
    assert (r.stats["candidates"], r.stats["verified"]) == (t["candidates"], t["verified"])
    assert r.params["df_cap"] == t["df_cap"]
    assert r.stats["suppressed"] == t["suppressed"]
    edges = [(a, b, s) for a, b, _, _, _, s in t["edges"]]  # type: ignore[attr-defined]
    assert (
        list(
            zip(
                r.edges["a"].tolist(), r.edges["b"].tolist(), r.edges["score"].tolist(), strict=True
            )
        )
        == edges
    )


def test_twin_equals_core_on_giant_buckets_and_round_ups() -> None:
    story_a = " ".join(f"alpha{i}" for i in range(80))
    story_b = " ".join(f"beta{i}" for i in range(80))
    docs = [story_a] * 30  # a giant bucket: star and chain edges, joined by the guard bypass
    docs += [story_b + f" outlet{i}" for i in range(12)]
    docs += ["Round-up: " + story_a[:300] + " and " + story_b[:300]]
    docs += [story_a[: 150 + 10 * i] for i in range(6)]  # trimmed copies
    for linkage in ("guarded", "components", "centers"):
        r = simcore.cluster(docs, linkage=linkage)
        t = twin.cluster(docs, linkage=linkage)
        assert r.labels.tolist() == t["labels"], linkage
        assert r.representative_index.tolist() == t["representatives"], linkage
    guarded = simcore.cluster(docs)
    assert guarded.labels[0] != guarded.labels[30]
