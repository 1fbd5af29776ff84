"""``simcore.ClusterStream``: cluster a corpus that arrives in batches and may not fit in memory."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Optional

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
    DEFAULT_UNIT,
    check_int,
)
from simcore.api import Progress, Settings, check_progress, priority_of
from simcore.result import ClusterResult

#: Default memory for scratch data before it goes to disk.
DEFAULT_MEMORY_BUDGET = 8 * 2**20
#: Default size of a verification block (signatures and shingle sets of the first documents of
#: candidate pairs, read back together; the second document of each pair is read on its own).
DEFAULT_BLOCK_BYTES = 32 * 2**20


class ClusterStream:
    """Cluster documents that arrive in batches, with memory that does not grow with their text.

    Each batch passed to :meth:`add` is normalised, shingled and hashed at once, and its shingle
    sets go to scratch files: in memory up to ``memory_budget`` bytes in all, then on disk in a new
    temporary directory. :meth:`finish` runs boilerplate
    suppression, MinHash, LSH, exact verification and clustering, reading them back, and returns
    the same :class:`ClusterResult` that :func:`simcore.cluster` returns for all the documents in
    one list (same labels, representatives, edges and figures), whatever the batch sizes.

    Memory, besides the batch being added: the scratch data held in memory (at most
    ``memory_budget``); per document its id (kept in Python) and about 50 bytes in the core;
    while counting boilerplate, 1/256 of all shingles per thread (about 30 bytes each); one
    batch of LSH keys (64 bytes per document); the candidate pairs (8 bytes each) and verified
    edges; and one verification block of at most ``block_bytes``. Scratch data: about 8
    bytes per shingle, up to three times over while boilerplate is counted, plus
    ``2 * num_perm`` bytes per document (the 16-bit signature values the prefilter reads); it
    is freed as soon as a stage has read it.

    Parameters
    ----------
    threshold, measure, unit, k, num_perm, bands, rows, min_size_ratio, boilerplate, linkage, \
seed, threads, progress
        As for :func:`simcore.cluster`.
    scratch_dir : str, optional
        Where the temporary directory goes (default: the system's temporary directory).
    memory_budget : int
        Bytes of scratch data kept in memory before files go to disk (default 8 MiB; 0 puts
        everything on disk).
    block_bytes : int
        Largest verification block, in bytes (default 32 MiB).

    Examples
    --------
    >>> with simcore.ClusterStream() as stream:
    ...     for batch in batches:  # lists of str, dicts id -> str, or (id, str) pairs
    ...         stream.add(batch)
    ...     result = stream.finish()
    """

    def __init__(
        self,
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
        seed: int = DEFAULT_SEED,
        threads: Optional[int] = None,
        progress: Optional[Progress] = None,
        scratch_dir: Optional[str] = None,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
        block_bytes: int = DEFAULT_BLOCK_BYTES,
    ) -> None:
        self._settings = Settings.resolve(
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
        self._progress = progress
        memory = check_int("memory_budget", memory_budget, 0)
        blocks = check_int("block_bytes", block_bytes, 1)
        self._scratch = tempfile.TemporaryDirectory(prefix="simcore-", dir=scratch_dir)
        try:
            self._core: Optional[_core.Stream] = _core.Stream(
                self._scratch.name,
                self._settings.core_config(),
                memory=memory,
                block_bytes=blocks,
                threads=self._settings.threads,
            )
        except BaseException:
            self._scratch.cleanup()
            raise
        self._ids: list[Any] = []
        self._seen: dict[Any, int] = {}

    def __len__(self) -> int:
        """Number of documents added so far."""
        return len(self._ids)

    def _stream(self) -> _core.Stream:
        if self._core is None:
            raise RuntimeError("this ClusterStream is finished or closed; start a new one")
        return self._core

    def add(self, docs: Docs) -> None:
        """Add a batch: a list of str (ids continue from the documents already added), a dict
        id -> str, or (id, str) pairs. Raises ValueError for an id added before."""
        stream = self._stream()
        ids, texts = coerce(docs, start=len(self._ids))
        for i, doc_id in enumerate(ids):
            first = self._seen.setdefault(doc_id, len(self._ids) + i)
            if first != len(self._ids) + i:
                for added in ids[:i]:
                    del self._seen[added]
                raise ValueError(
                    f"duplicate id {doc_id!r} (documents {first} and {len(self._ids) + i})"
                )
        try:
            stream.push(texts, progress=self._progress)
        except BaseException as e:
            for doc_id in ids:
                del self._seen[doc_id]
            if isinstance(e, UnicodeEncodeError):
                err = surrogate_error(texts, ids)
                if err is not None:
                    raise err from None
            raise
        self._ids.extend(ids)

    def finish(self, dates: Optional[Sequence[Any]] = None) -> ClusterResult:
        """Cluster every document added; ``dates`` as for :func:`simcore.cluster` (in the order
        the documents were added, or a dict id -> date). The scratch files are removed."""
        stream = self._stream()
        priority = priority_of(dates, self._ids)
        self._core = None
        try:
            raw = stream.finish(priority=priority, progress=self._progress)
        finally:
            self.close()
        return self._settings.result(self._ids, raw)

    def close(self) -> None:
        """Stop and remove the scratch files (also done by :meth:`finish` and on ``with`` exit)."""
        self._core = None
        self._scratch.cleanup()

    def __enter__(self) -> ClusterStream:
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()
