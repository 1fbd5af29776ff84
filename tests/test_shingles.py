"""simcore.shingles and the specified hash: twin equality, edge cases, scripts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simcore
from simcore import _core, twin


def test_hash_spec_matches_twin() -> None:
    for data in [b"", b"a", b"abcdefgh", b"abcdefghi", "Caf\u00e9".encode(), bytes(range(40))]:
        for seed in [0, 1, 2**64 - 1]:
            assert _core.hash_bytes(data, seed) == twin.hash_bytes(data, seed)
    assert _core.combine([1, 2, 3], 5) == twin.combine([1, 2, 3], 5)
    assert _core.combine([1, 2], 0) != _core.combine([2, 1], 0)
    for tokens in [[1], [1, 2, 3], [2**64 - 1] * 5, list(range(1, 65))]:
        for seed in [0, 5, 2**64 - 1]:
            assert _core.window_hash(tokens, seed) == twin.window_hash(tokens, seed)
    assert _core.window_hash([1, 2], 0) != _core.window_hash([2, 1], 0)


def test_fixed_vectors() -> None:
    # Reproducible without simcore's code (docs/HASHING.md); a change here is a new HASH_VERSION.
    assert twin.hash_bytes(b"", 0) == twin.fmix64(0) == 0
    for impl in (_core, twin):
        assert impl.hash_bytes(b"news", 0) == 0xED8B189E71332718
        assert impl.hash_bytes(b"wire story", 42) == 0xE8F048983B6233D3
        assert impl.combine([1, 2, 3], 0) == 0x86E783BB062FCA5E
        assert impl.window_hash([1, 2, 3], 0) == 0xCE9234E5FE02F283
    # A set keeps the top 32 bits of each shingle's 64-bit hash (version 3).
    words = twin.word_hashes("One two three four five", 0)
    assert twin.window_hash(words, 0) == 0x1CB37D17A19628E4
    assert twin.shingle("One two three four five")[0] == [0x1CB37D17]
    assert simcore.shingles(["One two three four five"])[0].tolist() == [0x1CB37D17]
    assert simcore.HASH_VERSION == 3


def test_counts_and_short_documents() -> None:
    sets = simcore.shingles(["one two three four five six", "one two", " ,. ", ""], k=5)
    assert [len(s) for s in sets] == [2, 1, 0, 0]
    assert all(s.dtype == np.uint32 for s in sets)
    assert all(np.all(np.diff(s.astype(object)) > 0) for s in sets if len(s) > 1)


def test_identical_short_documents_share_their_shingle() -> None:
    a, b, c = simcore.shingles(["Reuter", "REUTER.", "Reuters"])
    assert a.tolist() == b.tolist()
    assert a.tolist() != c.tolist()


def test_char_shingles_for_text_without_spaces() -> None:
    a, b, c = simcore.shingles(["今天天气很好", "今天天气很好啊", "明日は雨です"], unit="char", k=2)
    assert len(a) == 5
    assert simcore.containment(a, b)[0] == 1.0
    assert simcore.jaccard(a, c) == 0.0


def test_words_in_any_script() -> None:
    sets = simcore.shingles(["Москва столица России", "москва  СТОЛИЦА россии!"], k=2)
    assert sets[0].tolist() == sets[1].tolist()
    assert len(sets[0]) == 2


def test_seed_changes_hashes() -> None:
    a = simcore.shingles(["the quick brown fox jumps"], seed=1)[0]
    b = simcore.shingles(["the quick brown fox jumps"], seed=2)[0]
    assert a.tolist() != b.tolist()


texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
wordy = st.lists(
    st.sampled_from(
        [
            "the",
            "Wire",
            "story",
            "IS",
            "Isis",
            "caf\u00e9",
            "\u201cq\u201d",
            "42",
            "&amp;",
            "\u2014",
            "\n",
        ]
    ),
    max_size=60,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(texts, wordy), max_size=4),
    st.integers(1, 6),
    st.sampled_from(["word", "char"]),
)
def test_twin_equality(docs: list[str], k: int, unit: str) -> None:
    ours = simcore.shingles(docs, unit=unit, k=k, seed=7)
    assert [s.tolist() for s in ours] == [twin.shingle(d, unit, k, 7)[0] for d in docs]


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(max_codepoint=0x7F), max_size=200))
def test_ascii_fast_path_matches_the_general_path(text: str) -> None:
    # A non-ASCII character sends the text down the general path; results must not change.
    fast = _core.word_hashes(text, 3)
    slow = _core.word_hashes(text + " \u00e9", 3)[: len(fast)]
    assert fast == slow
    assert fast == twin.word_hashes(text, 3)


def test_very_long_documents() -> None:
    doc = "word " * 200_000
    (s,) = simcore.shingles([doc])
    assert len(s) == 1
    (t,) = simcore.shingles(["x" * 1_000_000])
    assert len(t) == 1


def test_rejects_bad_parameters() -> None:
    with pytest.raises(ValueError, match="k must be between 1 and 64"):
        simcore.shingles(["a"], k=0)
    with pytest.raises(ValueError, match="unit must be one of"):
        simcore.shingles(["a"], unit="line")
    with pytest.raises(TypeError, match="must be a list of str"):
        simcore.shingles("a single string")


PIECES = [
    "word", "Caf\u00e9", "e\u0301", "\u0301x", "\u00a8", "\u00a0", "&amp;", "&#32;", "&nbsp;",
    "\ufb01", "\u2460", "\uff21", " ", "\t", "\n", "\x0b", "\x00", "\u200d", "\u3000", "A",
    "\u1100\u1161", "\u11a8", "ab12",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_chunked_normalisation_matches_whole_text(text: str) -> None:
    # The core normalises non-ASCII text chunk by chunk between ASCII white space; the twin
    # normalises the whole text. Combining marks, decompositions to spaces, entities and Hangul
    # jamo at chunk edges must not tell them apart.
    assert _core.word_hashes(text, 5) == twin.word_hashes(text, 5)
