"""The pure-Python twin against the core on every shared corpus: text, shingles, signatures,
candidates and clusters, bit for bit."""

from __future__ import annotations

import random

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
    assert r.params["df_stride"] == t["df_stride"]
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


def test_sampled_suppression_drops_what_the_whole_count_drops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 400 documents: 20 stories of 20 copies, each copy with 5 shingles of its own and one of
    # 2 blocks of furniture (so in about 200 documents each).
    rng = random.Random(3)
    furniture = [[rng.getrandbits(32) for _ in range(15)] for _ in range(2)]
    sets = []
    for _ in range(20):
        story = [rng.getrandbits(32) for _ in range(40)]
        for _ in range(20):
            own = [rng.getrandbits(32) for _ in range(5)]
            sets.append(sorted(set(story + own + furniture[rng.randrange(2)])))
    _, whole_cap, whole_dropped, stride = twin.boilerplate(sets, None, 10, 2.0, 0.99)
    assert (whole_cap, whole_dropped, stride) == (40, 400 * 15, 1)
    # Sampled one in four, as the core's tests do with the same rule.
    monkeypatch.setattr(twin, "SAMPLE_DOCS", 50)
    monkeypatch.setattr(twin, "SAMPLE_MOST", 4)
    monkeypatch.setattr(twin, "SAMPLE_MEAN", 8.0)
    out, cap, dropped, stride = twin.boilerplate(sets, None, 10, 2.0, 0.99)
    assert stride == 4 and 40 <= cap <= 100
    assert out == twin.suppress(sets, cap)[0]
    assert dropped == 400 * 15
    # A fixed cap samples only as sparsely as it allows.
    assert twin.boilerplate(sets, 20, 10, 2.0, 0.99)[3] == 2
    assert twin.boilerplate(sets, 10, 10, 2.0, 0.99)[3] == 1
    # A learned cap too low for its stride (74 + 1 < 4 x 20) is learned again, once, at half
    # the stride, which keeps it here (54 + 1 >= 2 x 20)...
    monkeypatch.setattr(twin, "SAMPLE_MEAN", 20.0)
    out, cap, dropped, stride = twin.boilerplate(sets, None, 10, 2.0, 0.99)
    assert (stride, cap, dropped) == (2, 54, 400 * 15)
    assert out == twin.suppress(sets, cap)[0]
    # ... and when that one is too low as well (54 + 1 < 2 x 30), the corpus is counted whole.
    monkeypatch.setattr(twin, "SAMPLE_MEAN", 30.0)
    assert twin.boilerplate(sets, None, 10, 2.0, 0.99)[1:] == (whole_cap, whole_dropped, 1)
