"""ClusterStream and the streaming CLI: the same clusters as ``simcore.cluster``, with memory
that does not grow with the text."""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

import simcore
from simcore.result import ClusterResult
from simcore.syndicate import generate

from .conftest import CORPORA, require_shared


def _same(a: ClusterResult, b: ClusterResult) -> None:
    assert a.ids == b.ids
    assert np.array_equal(a.labels, b.labels)
    assert np.array_equal(a.representative_index, b.representative_index)
    assert np.array_equal(a.weakest, b.weakest, equal_nan=True)
    assert a.edges.keys() == b.edges.keys()
    for key in a.edges:
        assert np.array_equal(a.edges[key], b.edges[key]), key
    assert a.params == b.params
    drop = {"seconds"}
    assert {k: v for k, v in a.stats.items() if k not in drop} == {
        k: v for k, v in b.stats.items() if k not in drop
    }


@pytest.fixture(scope="module")
def syndicated(corpus: Callable[[str], list[dict[str, Any]]]) -> tuple[list[str], list[str]]:
    sources = [r["text"] for r in corpus("bbc_fulltext")]
    c = generate(sources, 1500, intensity="heavy", seed=3)
    return c.ids, c.texts


@pytest.mark.parametrize(
    ("batch", "memory", "block", "threads"),
    [(1500, 2**30, 2**30, 2), (97, 0, 2**18, 1), (500, 2**20, 2**20, 3)],
)
def test_same_result_as_cluster(
    syndicated: tuple[list[str], list[str]], batch: int, memory: int, block: int, threads: int
) -> None:
    ids, texts = syndicated
    want = simcore.cluster(list(zip(ids, texts, strict=True)), threads=2)
    assert want.stats["edges"] > 500 and want.stats["suppressed"] > 0
    with simcore.ClusterStream(threads=threads, memory_budget=memory, block_bytes=block) as s:
        for i in range(0, len(ids), batch):
            s.add(list(zip(ids[i : i + batch], texts[i : i + batch], strict=True)))
        assert len(s) == len(ids)
        got = s.finish()
    _same(got, want)


def test_options_dates_and_plain_lists(syndicated: tuple[list[str], list[str]]) -> None:
    _, texts = syndicated
    texts = texts[:400]
    rng = random.Random(5)
    dates = [f"2024-01-{rng.randint(1, 28):02d}" for _ in texts]
    opts: dict[str, Any] = {
        "measure": "jaccard",
        "threshold": 0.4,
        "linkage": "centers",
        "boilerplate": 7,
    }
    want = simcore.cluster(texts, dates=dates, **opts)
    with simcore.ClusterStream(memory_budget=0, **opts) as s:
        s.add(texts[:150])
        s.add(texts[150:])
        got = s.finish(dates=dates)
    _same(got, want)
    assert got.ids == list(range(400)), "plain str batches number on from the earlier ones"


def test_scratch_files_are_removed(tmp_path: Path) -> None:
    story = " ".join(f"w{i}" for i in range(80))
    s = simcore.ClusterStream(scratch_dir=str(tmp_path), memory_budget=0)
    s.add([story, story + " more", "other words entirely here and there"])
    (scratch,) = tmp_path.iterdir()
    assert any(scratch.iterdir()), "memory_budget=0 spills to disk"
    r = s.finish()
    assert r.clusters == [[0, 1], [2]]
    assert not any(tmp_path.iterdir())
    with pytest.raises(RuntimeError, match="finished"):
        s.add(["again"])
    with pytest.raises(RuntimeError, match="finished"):
        s.finish()

    with simcore.ClusterStream(scratch_dir=str(tmp_path)) as s2:
        s2.add([story])
    assert not any(tmp_path.iterdir()), "leaving the with block removes the scratch files"


def test_bad_input_keeps_the_stream_usable() -> None:
    with simcore.ClusterStream() as s:
        s.add([("a", "one two three four five six")])
        with pytest.raises(ValueError, match="duplicate id 'a'"):
            s.add([("b", "x y z"), ("a", "again")])
        with pytest.raises(ValueError, match="lone surrogate"):
            s.add([("c", "bad \ud800 text")])
        with pytest.raises(TypeError, match="bytes"):
            s.add([b"raw bytes"])  # type: ignore[list-item]
        s.add([("b", "one two three four five six seven")])
        r = s.finish()
    assert r.ids == ["a", "b"]
    assert r.clusters == [["a", "b"]]


def test_interrupt_from_progress_stops_and_cleans_up(tmp_path: Path) -> None:
    def stop(stage: str, done: int, total: int) -> None:
        if stage == "sketch":
            raise KeyboardInterrupt

    s = simcore.ClusterStream(scratch_dir=str(tmp_path), progress=stop)
    s.add([f"document number {i} with a few words" for i in range(100)])
    with pytest.raises(KeyboardInterrupt):
        s.finish()
    assert not any(tmp_path.iterdir())


def test_parameter_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="memory_budget"):
        simcore.ClusterStream(memory_budget=-1)
    with pytest.raises(ValueError, match="block_bytes"):
        simcore.ClusterStream(block_bytes=0)
    with pytest.raises(ValueError, match="threshold"):
        simcore.ClusterStream(threshold=1.5)
    with pytest.raises(FileNotFoundError):
        simcore.ClusterStream(scratch_dir=str(tmp_path / "missing"))


def _cli(*args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def cap() -> None:
        # The data limit counts the heap and every private writable mapping, not the address
        # space merely reserved (thread stacks, numpy's libraries).
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "simcore", *args],
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=cap,
    )


def test_cli_matches_the_api() -> None:
    require_shared()
    src = CORPORA / "ecbplus" / "ecbplus.jsonl.gz"
    p = _cli("cluster", str(src), "-q", "--memory-budget", "0")
    assert p.returncode == 0, p.stderr
    records = [json.loads(line) for line in p.stdout.splitlines()]
    import gzip

    with gzip.open(src, "rt", encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    want = simcore.cluster([(d["id"], d["text"]) for d in docs])
    assert records == list(want.records())


def test_cli_scratch_dir_errors(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": 1, "text": "a b c"}) + "\n")
    p = _cli("cluster", str(src), "--scratch-dir", str(tmp_path / "nope"))
    assert p.returncode == 2
    assert p.stderr.startswith("simcore: error:") and "nope" in p.stderr
    p = _cli("cluster", str(src), "--memory-budget", "-5")
    assert p.returncode == 2 and "memory_budget" in p.stderr


def _write_corpus(path: Path, megabytes: int) -> int:
    """News-length documents of random words, every seventh followed by a trimmed copy."""
    rng = random.Random(11)
    vocab = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9)))
        for _ in range(30000)
    ]
    size, n = 0, 0
    with path.open("w") as f:
        while size < megabytes * 2**20:
            words = rng.choices(vocab, k=rng.randint(200, 600))
            lines = [json.dumps({"id": f"d{n}", "text": " ".join(words)})]
            if n % 7 == 0:
                keep = words[: len(words) * 3 // 4]
                lines.append(json.dumps({"id": f"d{n}c", "text": " ".join(keep)}))
            for line in lines:
                f.write(line + "\n")
                size += len(line) + 1
            n += 1
    return n


def test_cli_clusters_a_file_larger_than_its_memory_limit(tmp_path: Path) -> None:
    """The whole process may use 400 MiB of data; the input is 450 MiB of JSON Lines. (Loading
    such a file for ``simcore.cluster`` already fails under a 300 MiB limit.)"""
    src = tmp_path / "big.jsonl"
    n = _write_corpus(src, 450)
    limit = 400 * 2**20
    assert src.stat().st_size > limit
    out = tmp_path / "out.jsonl"
    p = _cli(
        "cluster",
        str(src),
        "-o",
        str(out),
        "--threads",
        "2",
        "--scratch-dir",
        str(tmp_path),
        limit=limit,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    clusters: dict[int, list[str]] = {}
    for line in out.open():
        rec = json.loads(line)
        clusters.setdefault(rec["cluster"], []).append(rec["id"])
    copies = [ids for ids in clusters.values() if len(ids) > 1]
    assert len(copies) == (n + 6) // 7
    assert all(len(ids) == 2 and ids[1] == ids[0] + "c" for ids in copies)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["big.jsonl", "out.jsonl"]
