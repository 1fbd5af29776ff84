"""Exact, obviously-correct all-pairs similarity, for judging LSH recall and precision.

Prefix filtering (Chaudhuri et al. 2006): order each set's hashes ascending; if two sets have
Jaccard >= t, they share one of the first |x| - ceil(t |x|) + 1 hashes of each. Every pair that
shares such a prefix hash is then scored exactly with Python sets, so no pair is missed.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np


def jaccard_pairs(sets: list[np.ndarray], t: float) -> dict[tuple[int, int], float]:
    py_sets = [set(s.tolist()) for s in sets]
    index: dict[int, list[int]] = defaultdict(list)
    for d, s in enumerate(sets):
        n = len(s)
        if n == 0:
            continue
        prefix = n - math.ceil(t * n) + 1
        for h in s[:prefix].tolist():
            index[h].append(d)
    cands: set[tuple[int, int]] = set()
    for docs in index.values():
        for i, a in enumerate(docs):
            for b in docs[i + 1 :]:
                cands.add((a, b) if a < b else (b, a))
    out = {}
    for a, b in cands:
        inter = len(py_sets[a] & py_sets[b])
        j = inter / (len(py_sets[a]) + len(py_sets[b]) - inter)
        if j >= t:
            out[(a, b)] = j
    return out
