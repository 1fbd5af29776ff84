"""Benchmark fixtures: corpora from ../shared, read at run time."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


@pytest.fixture(scope="session")
def reuters() -> list[str]:
    path = SHARED / "corpora" / "reuters21578" / "reuters21578.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f]
