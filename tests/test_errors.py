"""Bad input through the Python API: a clear exception or a documented result, never a crash."""

from __future__ import annotations

import numpy as np
import pytest

import simcore

GOOD = "one two three four five six seven"


@pytest.mark.parametrize(
    ("docs", "exc", "match"),
    [
        ([GOOD, None], TypeError, r"document 1 must be a str, got None"),
        ([GOOD, b"bytes"], TypeError, r"document 1 must be a str, got bytes \(decode it first"),
        ([GOOD, 3], TypeError, r"document 1 must be a str, got int"),
        ("a single string", TypeError, r"not a single str"),
        (b"raw bytes", TypeError, r"not a single bytes"),
        (None, TypeError, r"docs must be"),
        (42, TypeError, r"docs must be"),
        ([("a", GOOD), ("a", GOOD)], ValueError, r"duplicate id 'a' \(items 0 and 1\)"),
        ([("a", GOOD), "plain"], TypeError, r"item 1 must be an \(id, text\) pair"),
        ({"a": GOOD, "b": None}, TypeError, r"document 'b' must be a str"),
        (
            [GOOD, "bad \ud800 surrogate"],
            ValueError,
            r"document 1 contains a lone surrogate U\+D800",
        ),
        (
            # A str holding a character beyond U+FFFF is stored four bytes a character.
            {"a": GOOD, "b": GOOD + " \U0001f600 then \udfff"},
            ValueError,
            r"document 'b' contains a lone surrogate U\+DFFF at position 41",
        ),
    ],
)
def test_bad_documents(docs: object, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        simcore.cluster(docs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"threshold": 0.0}, ValueError, r"threshold must be in \(0, 1\]"),
        ({"threshold": 1.5}, ValueError, r"threshold must be in \(0, 1\]"),
        ({"threshold": float("nan")}, ValueError, r"threshold"),
        ({"threshold": "0.5"}, TypeError, r"threshold must be a number"),
        ({"k": 0}, ValueError, r"k must be between 1 and 64"),
        ({"k": 2.5}, TypeError, r"k must be an int"),
        ({"num_perm": 0}, ValueError, r"num_perm"),
        ({"bands": 3, "rows": 40}, ValueError, r"divisible by bands"),
        ({"bands": 16}, ValueError, r"give both bands and rows"),
        ({"measure": "cosine"}, ValueError, r"measure must be one of"),
        ({"linkage": "single"}, ValueError, r"linkage must be one of"),
        ({"boilerplate": 0}, ValueError, r"boilerplate must be between"),
        ({"boilerplate": "sometimes"}, ValueError, r"boilerplate must be one of"),
        ({"seed": -1}, ValueError, r"seed must be between"),
        ({"threads": 0}, ValueError, r"threads must be between"),
        ({"dates": [1]}, ValueError, r"dates has 1 entries for 2 documents"),
        ({"dates": ["2020", 5]}, TypeError, r"mutually comparable"),
        ({"progress": "yes"}, TypeError, r"progress must be callable"),
    ],
)
def test_bad_parameters(kwargs: dict[str, object], exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        simcore.cluster([GOOD, GOOD], **kwargs)  # type: ignore[arg-type]


def test_numpy_object_arrays_and_generators() -> None:
    arr = np.array([GOOD, GOOD, "other text entirely here now"], dtype=object)
    assert simcore.cluster(arr).labels.tolist() == [0, 0, 1]

    def broken():  # type: ignore[no-untyped-def]
        yield GOOD
        raise RuntimeError("source failed midway")

    with pytest.raises(RuntimeError, match="source failed midway"):
        simcore.cluster(broken())


def test_odd_characters_are_text() -> None:
    docs = [
        "\ufeffbom at the start " + GOOD,
        "nul\x00byte and\x07controls " + GOOD,
        "right\u200fto\u202eleft marks " + GOOD,
        "combining e\u0301 marks " + GOOD,
        "emoji \U0001f469\u200d\U0001f469\u200d\U0001f467 family " + GOOD,
    ]
    r = simcore.cluster(docs)
    assert len(r.labels) == 5
    assert all(len(s) > 0 for s in simcore.shingles(docs))


def test_progress_callback_errors_propagate() -> None:
    def progress(stage: str, done: int, total: int) -> None:
        raise LookupError(f"stop at {stage}")

    with pytest.raises(LookupError, match="stop at shingle"):
        simcore.cluster([GOOD, GOOD], progress=progress)


def test_progress_is_reported() -> None:
    seen: list[tuple[str, int, int]] = []
    simcore.cluster([GOOD] * 10, progress=lambda s, d, t: seen.append((s, d, t)))
    stages = [s for s, _, _ in seen]
    for stage in ("shingle", "sketch", "band", "verify", "cluster"):
        assert stage in stages
    assert ("shingle", 10, 10) in seen


def test_one_million_one_word_documents() -> None:
    docs = [f"w{i % 1000}" for i in range(1_000_000)]
    r = simcore.cluster(docs, threads=2)
    assert len(r) == 1000
    assert r.labels[0] == r.labels[1000]


def test_one_long_word_without_spaces() -> None:
    r = simcore.cluster(["x" * 50_000_000, "y" * 10])
    assert r.labels.tolist() == [0, 1]


def test_stage_functions_validate() -> None:
    with pytest.raises(ValueError, match="2-D"):
        simcore.candidate_pairs(np.zeros(5, dtype=np.uint32), bands=1, rows=1)
    with pytest.raises(TypeError, match="uint32"):
        simcore.candidate_pairs(np.zeros((2, 4), dtype=np.int32), bands=1, rows=1)
    with pytest.raises(ValueError, match="exceeds the signature length"):
        simcore.candidate_pairs(np.zeros((2, 4), dtype=np.uint32), bands=4, rows=2)
    sets = simcore.shingles([GOOD, GOOD])
    with pytest.raises(ValueError, match="does not name two different documents"):
        simcore.verify(sets, [[0, 5]])
    with pytest.raises(TypeError, match="call shingles"):
        simcore.jaccard("a", "b")  # type: ignore[arg-type]


def test_a_single_200_mb_document() -> None:
    words = " ".join(f"w{i % 50_000}" for i in range(50_000))
    doc = (words + " ") * (200_000_000 // (len(words) + 1))
    assert len(doc) >= 199_000_000
    r = simcore.cluster([doc, GOOD])
    assert r.labels.tolist() == [0, 1]
    assert r.stats["edges"] == 0


def test_one_hundred_thousand_identical_documents() -> None:
    # One giant LSH bucket in every band: candidates stay linear and all join one cluster.
    r = simcore.cluster([GOOD + " and more words to make a story"] * 100_000)
    assert len(r) == 1
    assert r.stats["candidates"] < 3 * 100_000
