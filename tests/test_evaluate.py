"""Evaluation metrics and the syndication generator."""

from __future__ import annotations

import pytest

import simcore
from simcore.evaluate import containment_pairs, distinct_sources, score
from simcore.syndicate import generate


def test_scores_on_known_partitions() -> None:
    truth = [0, 0, 0, 1, 1, 2]
    perfect = score([5, 5, 5, 7, 7, 9], truth)
    assert (perfect.precision, perfect.recall, perfect.f1, perfect.ari) == (1.0, 1.0, 1.0, 1.0)
    merged = score([0] * 6, truth)
    assert merged.recall == 1.0
    assert merged.precision == pytest.approx(4 / 15)
    assert merged.largest == 6
    split = score([0, 1, 2, 3, 4, 5], truth)
    assert split.precision == 1.0 and split.recall == 0.0 and split.f1 == 0.0
    half = score([0, 0, 1, 2, 2, 3], truth)
    assert half.precision == 1.0
    assert half.recall == pytest.approx(2 / 4)
    assert -1.0 <= half.ari <= 1.0
    with pytest.raises(ValueError, match="one label per document"):
        score([0], truth)


def test_containment_pairs_are_exact() -> None:
    sets = [[1, 2, 3, 4], [3, 4], [9], [1, 9]]
    assert containment_pairs(sets, 0.5) == {(0, 1), (0, 3), (2, 3)}


def test_distinct_sources_drop_copies() -> None:
    a = " ".join(f"alpha{i}" for i in range(50))
    b = " ".join(f"beta{i}" for i in range(50))
    kept = distinct_sources([a, b, a + " tail", b])
    assert kept == [a, b]


def _sources() -> list[str]:
    return [
        " ".join(f"s{s}w{i}" + ("." if i % 12 == 11 else "") for i in range(200))
        for s in range(300)
    ]


def test_generator_is_deterministic_and_labelled() -> None:
    c1 = generate(_sources(), 400, seed=3)
    c2 = generate(_sources(), 400, seed=3)
    assert c1.texts == c2.texts and c1.labels == c2.labels
    assert len(c1.texts) == 400 == len(set(c1.ids))
    assert len(set(c1.labels)) > 50
    with pytest.raises(ValueError, match="intensity"):
        generate(_sources(), 10, intensity="extreme")
    with pytest.raises(ValueError, match="give more"):
        generate(_sources()[:3], 400)


@pytest.mark.parametrize("intensity", ["light", "medium", "heavy"])
def test_clusters_generated_syndication(corpus, intensity: str) -> None:  # type: ignore[no-untyped-def]
    texts = [r["text"] for r in corpus("bbc_fulltext")]
    sources = distinct_sources(texts)
    c = generate(sources, 3000, intensity=intensity, seed=1)
    r = simcore.cluster(c.texts)
    s = score(r.labels.tolist(), c.labels)
    largest_story = max(c.labels.count(x) for x in set(c.labels))
    assert s.f1 >= 0.95, s
    assert s.largest <= largest_story


def test_components_label_by_first_appearance() -> None:
    from simcore._graph import components

    assert components(5, [(3, 4), (1, 3)]) == [0, 1, 2, 1, 1]
    assert components(3, []) == [0, 1, 2]
