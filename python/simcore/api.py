"""``simcore.cluster``: raw text in, verified clusters out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np

from simcore import _core
from simcore._docs import Docs, coerce, surrogate_error
from simcore._params import (
    DEFAULT_BOILERPLATE,
    DEFAULT_K,
    DEFAULT_LINKAGE,
    DEFAULT_MEASURE,
    DEFAULT_MIN_SIZE_RATIO,
    DEFAULT_NUM_PERM,
    DEFAULT_SEED,
    DEFAULT_THRESHOLD,
    DEFAULT_UNIT,
    DF_FLOOR,
    DF_MULTIPLIER,
    DF_QUANTILE,
    MAX_SEED,
    LshInfo,
    check_choice,
    check_fraction,
    check_int,
    lsh_info,
    resolve_threads,
)
from simcore.result import ClusterResult

Progress = Callable[[str, int, int], None]


def check_progress(progress: object) -> None:
    """Refuse a progress argument that cannot be called."""
    if progress is not None and not callable(progress):
        raise TypeError("progress must be callable as progress(stage, done, total)")


@dataclass(frozen=True)
class Settings:
    """Validated parameters of a run, shared by :func:`cluster` and ``ClusterStream``."""

    measure: str
    threshold: float
    unit: str
    k: int
    num_perm: int
    lsh: LshInfo
    min_size_ratio: float
    boilerplate: str | int
    df_mode: str
    df_cap: int
    linkage: str
    seed: int
    threads: int

    @staticmethod
    def resolve(
        *,
        threshold: Optional[float],
        measure: str,
        unit: str,
        k: int,
        num_perm: int,
        bands: Optional[int],
        rows: Optional[int],
        min_size_ratio: float,
        boilerplate: str | int,
        linkage: str,
        seed: int,
        threads: Optional[int],
    ) -> Settings:
        """Check every parameter (TypeError / ValueError naming it) and apply the defaults."""
        m = check_choice("measure", measure, ("containment", "jaccard"))
        t = check_fraction("threshold", DEFAULT_THRESHOLD[m] if threshold is None else threshold)
        nperm = check_int("num_perm", num_perm, 1, 65536)
        ratio = check_fraction("min_size_ratio", min_size_ratio)
        if isinstance(boilerplate, str):
            df_mode = check_choice("boilerplate", boilerplate, ("auto", "off"))
            df_cap = 0
        else:
            df_mode = "fixed"
            df_cap = check_int("boilerplate", boilerplate, 1, 2**32 - 1)
        return Settings(
            measure=m,
            threshold=t,
            unit=check_choice("unit", unit, ("word", "char")),
            k=check_int("k", k, 1, 64),
            num_perm=nperm,
            lsh=lsh_info(m, t, nperm, bands, rows, ratio),
            min_size_ratio=ratio,
            boilerplate=boilerplate,
            df_mode=df_mode,
            df_cap=df_cap,
            linkage=check_choice("linkage", linkage, ("guarded", "components", "centers")),
            seed=check_int("seed", seed, 0, MAX_SEED),
            threads=resolve_threads(threads),
        )

    def core_config(self) -> dict[str, Any]:
        """The configuration dict of ``_core.cluster`` and ``_core.Stream``."""
        return {
            "unit": self.unit,
            "k": self.k,
            "seed": self.seed,
            "num_perm": self.num_perm,
            "bands": self.lsh.bands,
            "rows": self.lsh.rows,
            "measure": self.measure,
            "threshold": self.threshold,
            "df_mode": self.df_mode,
            "df_floor": DF_FLOOR,
            "df_multiplier": DF_MULTIPLIER,
            "df_quantile": DF_QUANTILE,
            "df_cap": self.df_cap,
            "linkage": self.linkage,
        }

    def result(self, ids: list[Any], raw: dict[str, Any]) -> ClusterResult:
        """The :class:`ClusterResult` of a run's raw output."""
        params: dict[str, Any] = {
            "measure": self.measure,
            "threshold": self.threshold,
            "unit": self.unit,
            "k": self.k,
            "num_perm": self.num_perm,
            "lsh": self.lsh,
            "min_size_ratio": self.min_size_ratio,
            "boilerplate": self.boilerplate,
            "df_cap": raw["df_cap"],
            "df_stride": raw["df_stride"],
            "linkage": self.linkage,
            "seed": self.seed,
            "normalizer_version": _core.NORMALIZER_VERSION,
            "hash_version": _core.HASH_VERSION,
        }
        stats: dict[str, Any] = {
            "candidates": raw["candidates"],
            "verified": raw["verified"],
            "edges": len(raw["edges"]["a"]),
            "suppressed": raw["suppressed"],
            "refused_merges": raw["refused_merges"],
            "empty_documents": int(np.count_nonzero(raw["shingles"] == 0)),
            "seconds": raw["times"],
        }
        return ClusterResult(
            ids=ids,
            labels=raw["labels"],
            representative_index=raw["representatives"],
            weakest=raw["weakest"],
            edges=raw["edges"],
            params=params,
            stats=stats,
        )


def priority_of(dates: Optional[Sequence[Any]], ids: list[Any]) -> Optional[list[int]]:
    """Rank documents by date (earliest first); documents without a date come last."""
    if dates is None:
        return None
    if isinstance(dates, dict):
        dates = [dates.get(i) for i in ids]
    ds = list(dates)
    if len(ds) != len(ids):
        raise ValueError(f"dates has {len(ds)} entries for {len(ids)} documents")
    present = [d for d in ds if d is not None]
    try:
        order = sorted(set(present))
    except TypeError as e:
        raise TypeError(
            f"dates must be mutually comparable (all str, or all datetimes): {e}"
        ) from None
    rank = {d: r for r, d in enumerate(order)}
    last = len(order)
    return [rank[d] if d is not None else last for d in ds]


def cluster(
    docs: Docs,
    *,
    threshold: Optional[float] = None,
    measure: str = DEFAULT_MEASURE,
    unit: str = DEFAULT_UNIT,
    k: int = DEFAULT_K,
    num_perm: int = DEFAULT_NUM_PERM,
    bands: Optional[int] = None,
    rows: Optional[int] = None,
    min_size_ratio: float = DEFAULT_MIN_SIZE_RATIO,
    boilerplate: str | int = DEFAULT_BOILERPLATE,
    linkage: str = DEFAULT_LINKAGE,
    dates: Optional[Sequence[Any]] = None,
    seed: int = DEFAULT_SEED,
    threads: Optional[int] = None,
    progress: Optional[Progress] = None,
) -> ClusterResult:
    """Cluster near-duplicate documents: wire copies, republications, re-issues.

    Every stage runs in Rust with the GIL released: normalise, shingle and hash, drop
    boilerplate shingles, MinHash, LSH banding, exact verification of every candidate pair,
    clustering. Results are identical for any thread count and any run.

    Parameters
    ----------
    docs : list of str, dict of id -> str, or iterable of (id, str)
        The documents. A list of str gets the ids ``0 .. n-1``.
    threshold : float, optional
        Minimum exact score of an edge, in (0, 1]. Default 0.3 for ``measure="containment"``
        and 0.5 for ``"jaccard"``.
    measure : {"containment", "jaccard"}
        ``"containment"`` scores a pair by |A ∩ B| / min(|A|, |B|), so a copy trimmed from the
        bottom or padded with site furniture still joins its story; ``"jaccard"`` is plain
        |A ∩ B| / |A ∪ B|.
    unit : {"word", "char"}
        Word shingles, or character shingles for text without spaces (Chinese, Japanese).
    k : int
        Tokens per shingle (default 5).
    num_perm : int
        Signature length K (default 128).
    bands, rows : int, optional
        Explicit LSH parameters (``bands * rows == num_perm``). By default the most rows, then
        the fewest bands, that make a pair at the threshold a candidate with probability
        >= 0.99 (for containment: 70 bands of 1 row). More bands find a few more edges at
        more cost: ``bands=128, rows=1`` raised pairwise recall on lightly edited syndicated
        copies from 0.987 to 0.996, for about 1.2x the time.
    min_size_ratio : float
        For containment: the smallest size ratio (smaller / larger document) that LSH is
        designed to catch at the threshold (default 0.25).
    boilerplate : "auto", "off" or int
        Shingles found in more documents than a cap are dropped before sketching. ``"auto"``
        learns the cap from the corpus (recorded in ``result.params["df_cap"]``); an int fixes
        it; ``"off"`` keeps everything. A corpus of 8,192 documents or more is counted in a
        sample of one document in up to 8 (``result.params["df_stride"]``; 1 when counted
        whole) if the cap is high enough for the sample to tell which shingles are over it.
    linkage : {"guarded", "components", "centers"}
        ``"guarded"`` (default) takes connected components but never joins two groups through a
        single document, so a round-up quoting two stories cannot merge them; ``"components"`` is
        the plain transitive closure; ``"centers"`` builds clusters around representatives, every
        member directly linked to its representative.
    dates : sequence or dict, optional
        Publication dates (any mutually comparable values, e.g. ISO strings). When given, the
        representative of a cluster is its earliest member, else its longest.
    seed : int
        Seed of the hash family.
    threads : int, optional
        Worker threads; all cores by default.
    progress : callable, optional
        Called as ``progress(stage, done, total)`` between batches.

    Returns
    -------
    ClusterResult

    Notes
    -----
    A document with no words (empty, white space or punctuation only) has no shingles: it is
    never a candidate and always forms a cluster of its own. A document shorter than ``k``
    words has one shingle made of all its words, so identical short documents still cluster.
    Ctrl-C stops a run within a batch and raises KeyboardInterrupt.

    Examples
    --------
    >>> r = simcore.cluster({"a": story, "b": story + " Read more.", "c": other})
    >>> r.clusters
    [['a', 'b'], ['c']]
    """
    ids, texts = coerce(docs)
    settings = Settings.resolve(
        threshold=threshold,
        measure=measure,
        unit=unit,
        k=k,
        num_perm=num_perm,
        bands=bands,
        rows=rows,
        min_size_ratio=min_size_ratio,
        boilerplate=boilerplate,
        linkage=linkage,
        seed=seed,
        threads=threads,
    )
    check_progress(progress)
    priority = priority_of(dates, ids)
    try:
        raw = _core.cluster(
            texts,
            settings.core_config(),
            priority=priority,
            threads=settings.threads,
            progress=progress,
        )
    except UnicodeEncodeError:
        err = surrogate_error(texts, ids)
        if err is None:
            raise
        raise err from None
    return settings.result(ids, raw)
