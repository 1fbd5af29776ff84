"""Shared fixtures: the corpora and seeds in ../shared (read at run time, never copied)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
CORPORA = SHARED / "corpora"
CORPUS_NAMES = ["bbc_fulltext", "ecbplus", "reuters21578"]


def require_shared() -> None:
    if not SEEDS.is_dir() or not CORPORA.is_dir():
        raise RuntimeError(f"the shared data is missing: expected {SHARED} beside the checkout")


def load_corpus(name: str) -> list[dict[str, Any]]:
    require_shared()
    path = CORPORA / name / f"{name}.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def load_seeds() -> dict[str, str]:
    require_shared()
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    return load_seeds()


_cache: dict[str, list[dict[str, Any]]] = {}


@pytest.fixture(scope="session")
def corpus():  # type: ignore[no-untyped-def]
    def get(name: str) -> list[dict[str, Any]]:
        if name not in _cache:
            _cache[name] = load_corpus(name)
        return _cache[name]

    return get
