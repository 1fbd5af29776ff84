"""The result of :func:`simcore.cluster`."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple, Optional

import numpy as np
import numpy.typing as npt


class Pair(NamedTuple):
    """A verified edge between two documents, with its exact scores."""

    a: Any
    """Id of the first document (earlier in input order)."""
    b: Any
    """Id of the second document."""
    jaccard: float
    """|A ∩ B| / |A ∪ B| of the (boilerplate-filtered) shingle sets."""
    containment_a: float
    """|A ∩ B| / |A|: how much of ``a`` is found in ``b``."""
    containment_b: float
    """|A ∩ B| / |B|: how much of ``b`` is found in ``a``."""
    score: float
    """The measure the threshold applies to."""


class Cluster(NamedTuple):
    """One cluster: its members in input order, representative and weakest link."""

    label: int
    members: list[Any]
    representative: Any
    weakest_link: Optional[float]
    """Lowest score among the edges that joined it; None for a single document."""


@dataclass(frozen=True, eq=False)
class ClusterResult:
    """Clusters of near-duplicate documents.

    Attributes
    ----------
    ids : list
        Document ids in input order.
    labels : numpy.ndarray
        ``int64`` cluster label of each document, in input order. Labels number clusters by
        their first member.
    clusters : list of list
        Ids of each cluster's members, in input order; clusters ordered by first member.
        Single documents are clusters of one.
    representatives : list
        Id of each cluster's representative (by default its longest member; with dates, the
        earliest).
    weakest_links : list of float or None
        Each cluster's weakest verified link (None for single documents).
    edges : dict of numpy arrays
        Every verified edge: ``a``, ``b`` (input indices), ``shared``, ``jaccard``,
        ``containment_a``, ``containment_b``, ``score``.
    params : dict
        Every parameter used, including the LSH bands and the learned boilerplate cap.
    stats : dict
        Candidate and edge counts, suppressed shingles, and seconds per stage.
    """

    ids: list[Any]
    labels: npt.NDArray[np.int64]
    representative_index: npt.NDArray[np.int64]
    weakest: npt.NDArray[np.float64]
    edges: dict[str, npt.NDArray[Any]]
    params: dict[str, Any]
    stats: dict[str, Any]

    @cached_property
    def _members(self) -> list[list[int]]:
        """Each cluster's members (input indices), found when first asked for: a caller that
        reads only the labels does not pay for it (4 ms at 20,000 documents)."""
        members: list[list[int]] = [[] for _ in range(len(self.representative_index))]
        for i, lab in enumerate(self.labels.tolist()):
            members[lab].append(i)
        return members

    @property
    def clusters(self) -> list[list[Any]]:
        ids = self.ids
        return [[ids[i] for i in m] for m in self._members]

    @property
    def representatives(self) -> list[Any]:
        return [self.ids[i] for i in self.representative_index.tolist()]

    @property
    def weakest_links(self) -> list[Optional[float]]:
        return [None if math.isnan(w) else float(w) for w in self.weakest.tolist()]

    @property
    def pairs(self) -> list[Pair]:
        """Every verified edge with its exact scores, sorted by (a, b) in input order."""
        e = self.edges
        ids = self.ids
        return [
            Pair(ids[a], ids[b], j, ca, cb, s)
            for a, b, j, ca, cb, s in zip(
                e["a"].tolist(),
                e["b"].tolist(),
                e["jaccard"].tolist(),
                e["containment_a"].tolist(),
                e["containment_b"].tolist(),
                e["score"].tolist(),
                strict=True,
            )
        ]

    def __len__(self) -> int:
        return len(self._members)

    def __iter__(self) -> Iterator[Cluster]:
        reps = self.representatives
        weak = self.weakest_links
        ids = self.ids
        for lab, m in enumerate(self._members):
            yield Cluster(lab, [ids[i] for i in m], reps[lab], weak[lab])

    def groups(self, min_size: int = 2) -> list[Cluster]:
        """Clusters with at least ``min_size`` members (the duplicate groups)."""
        return [c for c in self if len(c.members) >= min_size]

    def cluster_pairs(self, label: int) -> list[Pair]:
        """The verified edges inside one cluster."""
        lab = self.labels
        return [
            p for p, a in zip(self.pairs, self.edges["a"].tolist(), strict=True) if lab[a] == label
        ]

    def summary(self) -> str:
        """A short human-readable summary."""
        n = len(self.ids)
        sizes = [len(m) for m in self._members]
        dup = [s for s in sizes if s > 1]
        cap = self.params.get("df_cap")
        stride = self.params.get("df_stride", 1)
        sampled = f" (sampled 1 in {stride})" if stride > 1 else ""
        lsh = self.params["lsh"]
        largest = max(sizes, default=0)
        lines = [
            f"{n} documents -> {len(sizes)} clusters "
            f"({len(dup)} with duplicates covering {sum(dup)} documents; largest {largest})",
            f"measure={self.params['measure']} threshold={self.params['threshold']} "
            f"{self.params['unit']} {self.params['k']}-shingles, K={self.params['num_perm']}, "
            f"LSH {lsh.bands}x{lsh.rows} "
            f"(p={lsh.p_at_threshold:.4f} at J={lsh.design_jaccard:.3f})",
            f"candidates={self.stats['candidates']} verified edges={self.stats['edges']} "
            f"boilerplate cap={'off' if cap is None else cap}{sampled} "
            f"(dropped {self.stats['suppressed']} shingle occurrences)",
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        sizes = [len(m) for m in self._members]
        dup = sum(1 for s in sizes if s > 1)
        return (
            f"<ClusterResult {len(self.ids)} documents, {len(sizes)} clusters, "
            f"{dup} with duplicates, largest {max(sizes, default=0)}>"
        )

    def records(self) -> Iterator[dict[str, Any]]:
        """One record per document: id, cluster, representative, cluster size, is_representative."""
        reps = self.representatives
        sizes = [len(m) for m in self._members]
        rep_idx = self.representative_index.tolist()
        for i, lab in enumerate(self.labels.tolist()):
            yield {
                "id": self.ids[i],
                "cluster": lab,
                "representative": reps[lab],
                "cluster_size": sizes[lab],
                "is_representative": rep_idx[lab] == i,
            }
