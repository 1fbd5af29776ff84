"""simcore against its pure-Python twin on the same documents, in one run."""

from __future__ import annotations

from typing import Any

import pytest

import simcore
from simcore import twin

SIZES = [1000, 20000]


@pytest.mark.parametrize("n", SIZES)
def test_signatures_simcore(benchmark: Any, reuters: list[str], n: int) -> None:
    docs = reuters[:n]
    benchmark.extra_info["MB"] = sum(len(d.encode()) for d in docs) / 1e6
    sigs = benchmark(simcore.signatures, docs)
    assert sigs.shape == (n, 128)


@pytest.mark.parametrize("n", SIZES)
def test_signatures_twin(benchmark: Any, reuters: list[str], n: int) -> None:
    docs = reuters[:n]
    benchmark.extra_info["MB"] = sum(len(d.encode()) for d in docs) / 1e6
    sigs = benchmark.pedantic(
        lambda: [twin.signature(twin.shingle(d)[0]) for d in docs], rounds=1, iterations=1
    )
    assert len(sigs) == n


@pytest.mark.parametrize("n", SIZES)
def test_cluster_simcore(benchmark: Any, reuters: list[str], n: int) -> None:
    docs = reuters[:n]
    r = benchmark(simcore.cluster, docs)
    benchmark.extra_info["stages"] = r.stats["seconds"]
    assert len(r.labels) == n


@pytest.mark.parametrize("n", SIZES)
def test_cluster_twin(benchmark: Any, reuters: list[str], n: int) -> None:
    docs = reuters[:n]
    r = benchmark.pedantic(twin.cluster, args=(docs,), rounds=1, iterations=1)
    assert len(r["labels"]) == n  # type: ignore[arg-type]
