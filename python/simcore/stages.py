"""The pipeline's stages, each on a batch: normalise, shingle, sketch, compare, band, verify.

Every function here releases the GIL while it works and runs in parallel on ``threads`` threads
(all cores by default); results are identical for any thread count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Callable, Optional, TypeVar

import numpy as np
import numpy.typing as npt

from simcore import _core
from simcore._docs import check_texts, surrogate_error
from simcore._params import (
    DEFAULT_K,
    DEFAULT_MEASURE,
    DEFAULT_MIN_SIZE_RATIO,
    DEFAULT_NUM_PERM,
    DEFAULT_SEED,
    DEFAULT_THRESHOLD,
    DEFAULT_UNIT,
    MAX_SEED,
    LshInfo,
    check_choice,
    check_fraction,
    check_int,
    lsh_info,
    resolve_threads,
)

__all__ = [
    "candidate_pairs",
    "containment",
    "jaccard",
    "lsh_params",
    "normalize",
    "shingles",
    "signatures",
    "verify",
]

U32Array = npt.NDArray[np.uint32]
T = TypeVar("T")


def _native(texts: list[str], call: Callable[[], T]) -> T:
    """Call the core; a text that is not valid Unicode becomes a ValueError naming it."""
    try:
        return call()
    except UnicodeEncodeError:
        err = surrogate_error(texts)
        if err is None:
            raise
        raise err from None


def normalize(texts: Sequence[str], *, threads: Optional[int] = None) -> list[str]:
    """Normalise texts as simcore compares them.

    Decodes HTML character references, applies Unicode NFKC (Unicode 14.0) and full case
    folding, folds typographic quotes, apostrophes and dashes to ASCII, removes format
    characters (BOM, zero-width joiners, soft hyphens) and collapses control characters and
    white space to single spaces. The output is versioned: ``simcore.NORMALIZER_VERSION``.

    Parameters
    ----------
    texts : sequence of str
        The documents.
    threads : int, optional
        Worker threads; all cores by default.

    Returns
    -------
    list of str
        One normalised string per input.

    Examples
    --------
    >>> simcore.normalize(["It&#8217;s  \u201cFINE\u201d"])
    ["it's \\"fine\\""]
    """
    ts = check_texts(texts)
    n = resolve_threads(threads)
    return _native(ts, lambda: _core.normalize(ts, n))


def _check_shingling(unit: str, k: int, seed: int) -> tuple[str, int, int]:
    return (
        check_choice("unit", unit, ("word", "char")),
        check_int("k", k, 1, 64),
        check_int("seed", seed, 0, MAX_SEED),
    )


def shingles(
    texts: Sequence[str],
    *,
    unit: str = DEFAULT_UNIT,
    k: int = DEFAULT_K,
    seed: int = DEFAULT_SEED,
    threads: Optional[int] = None,
) -> list[U32Array]:
    """Hash each text's shingles.

    Word shingles are ``k`` consecutive words (runs of Unicode letters, marks and numbers of
    the normalised text, any script); character shingles are ``k`` consecutive characters of the
    normalised text, for scripts written without spaces. A text with fewer than ``k`` tokens has
    one shingle made of all of them; a text with none has no shingles.

    Parameters
    ----------
    texts : sequence of str
    unit : {"word", "char"}
    k : int
        Tokens per shingle, 1 to 64.
    seed : int
        Seed of the hash family, 0 to 2**64 - 1 (docs/HASHING.md).
    threads : int, optional

    Returns
    -------
    list of numpy.ndarray
        One sorted, duplicate-free ``uint32`` array of shingle hashes per text: each is the top
        half of the shingle's 64-bit hash (docs/HASHING.md).
    """
    ts = check_texts(texts)
    u, kk, s = _check_shingling(unit, k, seed)
    n = resolve_threads(threads)
    sets, _tokens = _native(ts, lambda: _core.shingles(ts, u, kk, s, n))
    return sets


def _as_set(a: object, name: str) -> U32Array:
    arr = np.asarray(a)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of shingle hashes")
    if arr.size and arr.dtype != np.uint32:
        if not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"{name} must hold 32-bit shingle hashes, got {arr.dtype}")
        if (arr < 0).any() or (arr > 0xFFFF_FFFF).any():
            raise ValueError(
                f"{name} must hold 32-bit shingle hashes (0 to 2**32 - 1, as simcore.shingles"
                " returns them); values outside that range come from elsewhere"
            )
    return np.ascontiguousarray(arr, dtype=np.uint32)


def signatures(
    docs: Sequence[str] | Sequence[U32Array],
    *,
    num_perm: int = DEFAULT_NUM_PERM,
    unit: str = DEFAULT_UNIT,
    k: int = DEFAULT_K,
    seed: int = DEFAULT_SEED,
    threads: Optional[int] = None,
) -> npt.NDArray[np.uint32]:
    """MinHash signatures, by one-permutation hashing with optimal densification.

    ``P(sig_a[i] == sig_b[i])`` equals the Jaccard similarity of the two shingle sets, so the
    fraction of equal columns is an unbiased estimate with variance about J(1-J)/K. A document
    without shingles has ``2**32 - 1`` in every column and never matches anything.

    Parameters
    ----------
    docs : sequence of str, or sequence of shingle-hash arrays
        Texts (shingled with ``unit``, ``k``, ``seed``) or the output of :func:`shingles`.
    num_perm : int
        Signature length K, 1 to 65536.
    unit, k, seed, threads
        As in :func:`shingles`.

    Returns
    -------
    numpy.ndarray
        ``uint32`` array of shape ``(len(docs), num_perm)``.
    """
    kk = check_int("num_perm", num_perm, 1, 65536)
    n = resolve_threads(threads)
    items = list(docs) if not isinstance(docs, (str, bytes)) else None
    if items is None:
        raise TypeError("docs must be a list of str or of shingle-hash arrays, not a single str")
    if items and not isinstance(items[0], str):
        sets = [_as_set(a, f"docs[{i}]") for i, a in enumerate(items)]
        s = check_int("seed", seed, 0, MAX_SEED)
        return _core.signatures(sets, kk, s, n)
    ts = check_texts(items, "docs")
    u, k2, s = _check_shingling(unit, k, seed)
    if not ts:
        return np.zeros((0, kk), dtype=np.uint32)
    return _native(ts, lambda: _core.text_signatures(ts, u, k2, s, kk, n))


def _pair_sets(a: object, b: object) -> tuple[U32Array, U32Array]:
    if isinstance(a, str) or isinstance(b, str):
        raise TypeError("jaccard/containment compare shingle-hash arrays; call shingles() first")
    return _as_set(a, "a"), _as_set(b, "b")


def jaccard(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Exact Jaccard similarity |A ∩ B| / |A ∪ B| of two shingle sets (0 if both are empty)."""
    shared, na, nb = _core.overlap(*_pair_sets(a, b))
    union = na + nb - shared
    return shared / union if union else 0.0


def containment(a: npt.ArrayLike, b: npt.ArrayLike) -> tuple[float, float]:
    """Exact containments of two shingle sets, both directions.

    Returns
    -------
    (float, float)
        ``(|A ∩ B| / |A|, |A ∩ B| / |B|)``: how much of A is in B, and of B in A (0 for an
        empty set).
    """
    shared, na, nb = _core.overlap(*_pair_sets(a, b))
    return (shared / na if na else 0.0, shared / nb if nb else 0.0)


def lsh_params(
    threshold: Optional[float] = None,
    *,
    measure: str = DEFAULT_MEASURE,
    num_perm: int = DEFAULT_NUM_PERM,
    bands: Optional[int] = None,
    rows: Optional[int] = None,
    min_size_ratio: float = DEFAULT_MIN_SIZE_RATIO,
) -> LshInfo:
    """Bands and rows for a threshold, with the candidate probabilities they give.

    Derived parameters have the most rows (fewest false candidates) for which a pair exactly at
    the design Jaccard becomes a candidate with probability at least 0.99. For
    ``measure="containment"`` the design Jaccard is the least Jaccard a pair meeting the
    containment threshold can have when the smaller set is at least ``min_size_ratio`` of the
    larger. Explicit ``bands`` and ``rows`` must multiply to ``num_perm``.
    """
    m = check_choice("measure", measure, ("containment", "jaccard"))
    t = check_fraction("threshold", DEFAULT_THRESHOLD[m] if threshold is None else threshold)
    kk = check_int("num_perm", num_perm, 1, 65536)
    ratio = check_fraction("min_size_ratio", min_size_ratio)
    return lsh_info(m, t, kk, bands, rows, ratio)


def candidate_pairs(
    sigs: npt.ArrayLike,
    *,
    bands: int,
    rows: int,
    seed: int = DEFAULT_SEED,
    threads: Optional[int] = None,
) -> npt.NDArray[np.int64]:
    """Candidate pairs from signatures by LSH banding.

    Parameters
    ----------
    sigs : array of shape (n, num_perm)
        Output of :func:`signatures`.
    bands, rows : int
        From :func:`lsh_params`; ``bands * rows <= num_perm``.

    Returns
    -------
    numpy.ndarray
        ``int64`` array of shape ``(m, 2)``: pairs ``(i, j)`` with ``i < j``, sorted, unique.
        Buckets of more than 8 documents give a star from their first member plus a chain, so
        a bucket shared by thousands of pages stays linear.
    """
    arr = np.asarray(sigs)
    if arr.ndim != 2:
        raise ValueError(f"signatures must be a 2-D array (documents x num_perm), got {arr.ndim}-D")
    if arr.dtype != np.uint32:
        raise TypeError(f"signatures must be uint32 (from simcore.signatures), got {arr.dtype}")
    b = check_int("bands", bands, 1)
    r = check_int("rows", rows, 1)
    if b * r > arr.shape[1]:
        raise ValueError(f"bands x rows ({b} x {r}) exceeds the signature length {arr.shape[1]}")
    s = check_int("seed", seed, 0, MAX_SEED)
    if arr.shape[0] == 0:
        return np.zeros((0, 2), dtype=np.int64)
    return _core.candidate_pairs(np.ascontiguousarray(arr), b, r, s, resolve_threads(threads))


def verify(
    sets: Sequence[npt.ArrayLike],
    pairs: npt.ArrayLike,
    *,
    measure: str = DEFAULT_MEASURE,
    threshold: Optional[float] = None,
    threads: Optional[int] = None,
) -> dict[str, npt.NDArray[np.generic]]:
    """Score candidate pairs exactly on their shingle sets and keep those at the threshold.

    Returns
    -------
    dict of numpy arrays
        ``a``, ``b``, ``shared``, ``jaccard``, ``containment_a`` (share of a in b),
        ``containment_b`` and ``score`` for every pair whose score reaches ``threshold``.
    """
    m = check_choice("measure", measure, ("containment", "jaccard"))
    t = check_fraction("threshold", DEFAULT_THRESHOLD[m] if threshold is None else threshold)
    arrs = [_as_set(a, f"sets[{i}]") for i, a in enumerate(sets)]
    p = np.ascontiguousarray(np.asarray(pairs, dtype=np.int64).reshape(-1, 2))
    return _core.verify(arrs, p, m, t, resolve_threads(threads))
