"""simcore.cluster: the seeds, input forms, result object, determinism, linkage, representatives."""

from __future__ import annotations

import numpy as np
import pytest

import simcore
from simcore import twin

STORY = (
    "The city council voted on Tuesday to approve a new budget for the coming year after a "
    "long debate about road repairs, school funding and the cost of public transport. "
    "Officials said the plan would raise spending on buses by ten percent while holding "
    "property taxes flat, and the mayor called it a fair compromise for every district."
)
OTHER = (
    "A rare orchid bloomed at the botanical garden this week for the first time in twelve "
    "years, drawing crowds of visitors who waited in line for hours to see the flower before "
    "it wilts. Gardeners said the plant needs a precise mix of humidity and light to bloom."
)


def test_seeds_by_default(seeds: dict[str, str]) -> None:
    r = simcore.cluster(seeds)
    assert sorted(map(sorted, r.clusters)) == [["000", "001", "003"], ["002"], ["004"]]


def test_seeds_as_list_and_pairs(seeds: dict[str, str]) -> None:
    texts = list(seeds.values())
    assert simcore.cluster(texts).clusters == [[0, 1, 3], [2], [4]]
    assert simcore.cluster(list(seeds.items())).clusters == [
        ["000", "001", "003"],
        ["002"],
        ["004"],
    ]
    assert simcore.cluster(iter(seeds.items())).labels.tolist() == [0, 0, 1, 0, 2]


def test_result_object(seeds: dict[str, str]) -> None:
    r = simcore.cluster(seeds)
    assert isinstance(r.labels, np.ndarray) and r.labels.dtype == np.int64
    assert r.labels.tolist() == [0, 0, 1, 0, 2]
    assert len(r) == 3
    # Representative: the longest member by default (003 carries an appeal and page junk).
    assert r.representatives == ["003", "002", "004"]
    weakest = r.weakest_links
    assert weakest[1] is None and weakest[2] is None
    assert weakest[0] == pytest.approx(min(p.score for p in r.cluster_pairs(0)))
    for p in r.pairs:
        assert p.score >= 0.3
        assert p.score == max(p.containment_a, p.containment_b)
        assert 0 < p.jaccard <= min(p.containment_a, p.containment_b)
    assert "3 clusters" in repr(r)
    assert "boilerplate cap" in r.summary()
    assert r.params["lsh"].p_at_threshold >= 0.99
    assert r.params["df_cap"] is not None
    recs = list(r.records())
    assert recs[0] == {
        "id": "000",
        "cluster": 0,
        "representative": "003",
        "cluster_size": 3,
        "is_representative": False,
    }
    assert [g.members for g in r.groups()] == [["000", "001", "003"]]


def test_dates_choose_the_earliest_representative(seeds: dict[str, str]) -> None:
    dates = {
        "000": "2019-02-17",
        "001": "2019-02-16",
        "002": "2019-02-11",
        "003": "2024-11-21",
        "004": None,
    }
    r = simcore.cluster(seeds, dates=dates)
    assert r.representatives[0] == "001"


def test_trimmed_and_padded_copies_join_their_story() -> None:
    trimmed = STORY[: len(STORY) // 2]
    padded = STORY + " Support our journalism: donate today. Read more: sports, weather, comics."
    r = simcore.cluster([STORY, trimmed, padded, OTHER])
    assert r.labels.tolist() == [0, 0, 0, 1]
    jr = simcore.cluster([STORY, trimmed, padded, OTHER], measure="jaccard", threshold=0.8)
    assert jr.labels.tolist() != [0, 0, 0, 1]


def test_a_round_up_never_merges_two_stories() -> None:
    story_b = OTHER
    roundup = "Today's top stories. " + STORY + " In other news: " + story_b
    docs = [STORY, STORY + " Follow us.", roundup, story_b, story_b + " Comments are closed."]
    guarded = simcore.cluster(docs)
    assert guarded.labels[0] == guarded.labels[1]
    assert guarded.labels[3] == guarded.labels[4]
    assert guarded.labels[0] != guarded.labels[3]
    assert guarded.stats["refused_merges"] >= 1
    closure = simcore.cluster(docs, linkage="components")
    assert len(set(closure.labels.tolist())) == 1
    centres = simcore.cluster(docs, linkage="centers")
    _every_member_links_to_its_representative(centres)


def _every_member_links_to_its_representative(r: simcore.ClusterResult) -> None:
    linked = {(p.a, p.b) for p in r.pairs} | {(p.b, p.a) for p in r.pairs}
    for c in r:
        for m in c.members:
            assert m == c.representative or (m, c.representative) in linked


def test_centres_cut_chains() -> None:
    # a-b and b-c are copies (each shares half with the next) but a and c share nothing.
    words = [f"w{i}" for i in range(400)]
    a, b, c = (" ".join(words[s : s + 100]) for s in (0, 50, 100))
    chain = [a + " " + " ".join(words[300:340]), b, c]  # a is the longest: the first centre
    assert len(simcore.cluster(chain, linkage="components")) == 1
    r = simcore.cluster(chain, linkage="centers")
    _every_member_links_to_its_representative(r)
    assert len(r) == 2


def test_empty_corpus_and_empty_documents() -> None:
    r = simcore.cluster([])
    assert r.clusters == [] and r.labels.shape == (0,)
    r = simcore.cluster(["", "   ", "", STORY, STORY])
    assert r.labels.tolist() == [0, 1, 2, 3, 3]
    assert r.stats["empty_documents"] == 3


def test_identical_documents_always_together() -> None:
    docs = [STORY, OTHER] * 50
    r = simcore.cluster(docs)
    assert len(r) == 2
    assert set(r.labels[::2].tolist()) == {0} and set(r.labels[1::2].tolist()) == {1}


def _corpus_texts(corpus, name: str, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [r["text"] for r in corpus(name)[:n]]


def test_deterministic_across_threads_and_runs(corpus) -> None:  # type: ignore[no-untyped-def]
    texts = _corpus_texts(corpus, "reuters21578", 6000)
    base = simcore.cluster(texts, threads=1)
    for threads in (1, 2, 8):
        r = simcore.cluster(texts, threads=threads)
        assert np.array_equal(r.labels, base.labels)
        assert np.array_equal(r.representative_index, base.representative_index)
        for key in base.edges:
            assert np.array_equal(r.edges[key], base.edges[key])
    assert len(base.groups()) > 100


def test_clusters_partition_the_input(corpus) -> None:  # type: ignore[no-untyped-def]
    texts = _corpus_texts(corpus, "bbc_fulltext", 2225)
    r = simcore.cluster(texts)
    members = sorted(i for c in r.clusters for i in c)
    assert members == list(range(len(texts)))
    first = [c[0] for c in r.clusters]
    assert first == sorted(first)
    assert all(c == sorted(c) for c in r.clusters)


@pytest.mark.parametrize("linkage", ["guarded", "components", "centers"])
@pytest.mark.parametrize("measure", ["containment", "jaccard"])
def test_twin_gives_the_same_clusters(corpus, linkage: str, measure: str) -> None:  # type: ignore[no-untyped-def]
    texts = _corpus_texts(corpus, "ecbplus", 300)
    r = simcore.cluster(texts, linkage=linkage, measure=measure)
    t = twin.cluster(texts, linkage=linkage, measure=measure, threshold=r.params["threshold"])
    assert r.labels.tolist() == t["labels"]
    assert r.representative_index.tolist() == t["representatives"]
    assert r.stats["candidates"] == t["candidates"]
    assert r.params["df_cap"] == t["df_cap"]


def test_identical_documents_join_even_when_the_guard_refuses_their_bucket() -> None:
    # Found by fuzzing the core: identical documents deep inside a giant LSH bucket were linked
    # only through star and chain edges, and refused guarded merges split them apart.
    noise = [f"{w} common tail words here" for w in ("alpha", "beta", "gamma", "delta")]
    docs = []
    for i in range(40):
        docs.append(noise[i % 4] + f" unique{i} extra{i}")
        if i % 10 == 3:
            docs.append("identical document text shared common tail words here")
    r = simcore.cluster(docs, threshold=0.3)
    ident = [i for i, d in enumerate(docs) if d.startswith("identical")]
    assert len({r.labels[i] for i in ident}) == 1
    t = twin.cluster(docs, threshold=0.3)
    assert r.labels.tolist() == t["labels"]


@pytest.mark.parametrize("linkage", ["guarded", "components", "centers"])
def test_input_order_does_not_change_the_clusters(corpus, linkage: str) -> None:  # type: ignore[no-untyped-def]
    import random

    rows = corpus("ecbplus")
    docs = [(r["id"], r["text"]) for r in rows]
    shuffled = list(docs)
    random.Random(7).shuffle(shuffled)
    a = simcore.cluster(docs, linkage=linkage)
    b = simcore.cluster(shuffled, linkage=linkage)

    def view(r: simcore.ClusterResult) -> set[tuple[frozenset[str], str]]:
        return {(frozenset(c.members), c.representative) for c in r}

    assert view(a) == view(b)
    assert len(a.groups()) > 10
