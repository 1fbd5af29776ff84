"""Connected components of a pair list, for evaluation and the peer adapters (pure Python)."""

from __future__ import annotations

from collections.abc import Iterable


def components(n: int, pairs: Iterable[tuple[int, int]]) -> list[int]:
    """Label each of ``n`` nodes by component, numbered by first appearance."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    relabel: dict[int, int] = {}
    return [relabel.setdefault(find(i), len(relabel)) for i in range(n)]
