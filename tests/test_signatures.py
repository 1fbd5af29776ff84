"""simcore.signatures: estimator accuracy, twin equality, determinism, shapes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simcore
from simcore import twin

K = 128


def _pair(rng: np.random.Generator, j: float, union: int) -> tuple[np.ndarray, np.ndarray]:
    values = np.unique(rng.integers(0, 2**32, size=union + 64, dtype=np.uint64))[:union]
    rng.shuffle(values)
    shared = round(j * union)
    only = (union - shared) // 2
    a = np.sort(values[: shared + only])
    b = np.sort(np.concatenate([values[:shared], values[shared + only : shared + 2 * only]]))
    return a, b


@pytest.mark.parametrize("j", [0.05, 0.15, 0.25, 0.35, 0.5, 0.65, 0.75, 0.85, 0.95])
def test_estimator_is_unbiased_at_theoretical_variance(j: float) -> None:
    rng = np.random.default_rng(int(j * 1000))
    trials = 400
    errors = []
    exact_js = []
    for _ in range(trials):
        a, b = _pair(rng, j, 4000)
        exact = simcore.jaccard(a, b)
        sa, sb = simcore.signatures([a, b], num_perm=K)
        errors.append(float(np.mean(sa == sb)) - exact)
        exact_js.append(exact)
    err = np.asarray(errors)
    jj = float(np.mean(exact_js))
    theory = math.sqrt(jj * (1 - jj) / K)
    rmse = float(np.sqrt(np.mean(err**2)))
    assert abs(float(err.mean())) < 0.01
    assert 0.85 * theory <= rmse <= 1.15 * theory, (rmse, theory)


def test_shape_dtype_and_empty_documents() -> None:
    sig = simcore.signatures(["one two three four five six", "", "   "], num_perm=64)
    assert sig.shape == (3, 64)
    assert sig.dtype == np.uint32
    assert (sig[1] == 2**32 - 1).all()
    assert (sig[0] != 2**32 - 1).all()
    assert simcore.signatures([], num_perm=16).shape == (0, 16)


def test_same_seed_same_signature_any_thread_count() -> None:
    docs = [
        f"story number {i} about the wire and the copy desk today" * (i % 5 + 1) for i in range(300)
    ]
    base = simcore.signatures(docs, threads=1)
    for threads in (2, 8):
        assert np.array_equal(base, simcore.signatures(docs, threads=threads))
    assert not np.array_equal(base, simcore.signatures(docs, seed=1))


def test_text_and_set_inputs_agree() -> None:
    docs = ["the same wire story again and again", "another story entirely about other things"]
    assert np.array_equal(simcore.signatures(docs), simcore.signatures(simcore.shingles(docs)))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 2**32 - 1), max_size=300, unique=True),
    st.sampled_from([1, 2, 7, 64, 128]),
)
def test_twin_equality(hashes: list[int], k: int) -> None:
    hs = sorted(hashes)
    ours = simcore.signatures([np.asarray(hs, dtype=np.uint32)], num_perm=k, seed=11)[0]
    assert ours.tolist() == twin.signature(hs, k, 11)


def test_a_shingle_hash_equal_to_the_empty_value_fills_no_bin() -> None:
    empty = 2**32 - 1
    alone = simcore.signatures([np.array([empty], dtype=np.uint32)], num_perm=16)[0]
    assert (alone == empty).all()
    with_it = simcore.signatures([np.array([5, 9, empty], dtype=np.uint32)], num_perm=16)[0]
    without = simcore.signatures([np.array([5, 9], dtype=np.uint32)], num_perm=16)[0]
    assert np.array_equal(with_it, without)
    assert with_it.tolist() == twin.signature([5, 9, empty], 16, 0)
    assert twin.signature([empty], 16, 0) == [empty] * 16


def test_rejects_bad_parameters() -> None:
    with pytest.raises(ValueError, match="num_perm"):
        simcore.signatures(["a"], num_perm=0)
    with pytest.raises(ValueError, match="sorted"):
        simcore.signatures([np.array([3, 1], dtype=np.uint32)])
    with pytest.raises(ValueError, match="32-bit shingle hashes"):
        simcore.signatures([np.array([-1, 2])])
    # A set of 64-bit hashes (as simcore before hash version 3 made them) is refused, not
    # silently truncated.
    with pytest.raises(ValueError, match=r"0 to 2\*\*32 - 1"):
        simcore.signatures([np.array([1, 2**40], dtype=np.uint64)])
    with pytest.raises(TypeError, match="32-bit shingle hashes"):
        simcore.signatures([np.array([1.5, 2.0])])
