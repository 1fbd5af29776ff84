"""The peer libraries at their usual settings, for side-by-side evaluation and benchmarks.

datasketch, rensa and gaoya are never dependencies of simcore: each adapter imports its library
only when called, and :func:`available` lists those installed (benches/requirements.txt).
Usual settings: word 5-shingles of lower-cased whitespace tokens, 128 permutations, LSH at the
Jaccard threshold, and connected components of the LSH matches (none of them verifies).
"""

from __future__ import annotations

import importlib.util
from typing import Callable

from simcore._graph import components

PEERS = ("datasketch", "rensa", "gaoya")


def available() -> list[str]:
    return [p for p in PEERS if importlib.util.find_spec(p) is not None]


def _shingles(text: str, k: int = 5) -> list[str]:
    w = text.lower().split()
    if len(w) < k:
        return [" ".join(w)] if w else []
    return [" ".join(w[i : i + k]) for i in range(len(w) - k + 1)]


def _components(n: int, matches: list[list[int]]) -> list[int]:
    return components(n, ((i, int(j)) for i, ms in enumerate(matches) for j in ms))


def datasketch_labels(texts: list[str], threshold: float = 0.5) -> list[int]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    sigs = []
    for i, t in enumerate(texts):
        m = MinHash(num_perm=128)
        m.update_batch([s.encode("utf-8") for s in _shingles(t)])
        sigs.append(m)
        lsh.insert(i, m)
    return _components(len(texts), [lsh.query(m) for m in sigs])


def rensa_labels(texts: list[str], threshold: float = 0.5) -> list[int]:
    from rensa import RMinHash, RMinHashLSH

    lsh = RMinHashLSH(threshold=threshold, num_perm=128, num_bands=16)
    sigs = []
    for i, t in enumerate(texts):
        m = RMinHash(num_perm=128, seed=42)
        m.update(_shingles(t))
        sigs.append(m)
        lsh.insert(i, m)
    return _components(len(texts), [lsh.query(m) for m in sigs])


def gaoya_labels(texts: list[str], threshold: float = 0.5) -> list[int]:
    from gaoya.minhash import MinHashStringIndex

    index = MinHashStringIndex(
        hash_size=32,
        jaccard_threshold=threshold,
        num_bands=42,
        band_size=3,
        analyzer="word",
        lowercase=True,
        ngram_range=(5, 5),
    )
    ids = list(range(len(texts)))
    index.par_bulk_insert_docs(ids, texts)
    return _components(len(texts), index.par_bulk_query(texts))


ADAPTERS: dict[str, Callable[[list[str], float], list[int]]] = {
    "datasketch": datasketch_labels,
    "rensa": rensa_labels,
    "gaoya": gaoya_labels,
}

#: The module each adapter imports (a benchmark imports it before it starts timing).
MODULES = {"datasketch": "datasketch", "rensa": "rensa", "gaoya": "gaoya.minhash"}
