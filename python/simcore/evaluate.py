"""Evaluation against labels: pairwise precision, recall, F1 and adjusted Rand index.

Datasets (``simcore eval NAME``), read at run time from the shared data folder:

* ``seeds``: the five seed articles; expected {000, 001, 003}, {002}, {004}.
* ``syndication``: real articles republished by :mod:`simcore.syndicate`, labelled by story.
* ``ecbplus``: no cluster may span two sub-topics; recall of the pairs whose exact
  containment of word 5-shingles is at least 0.5.
* ``duplicates``: natural duplicates of bbc_fulltext and reuters21578, judged against exact
  Jaccard >= 0.5 of word 5-shingles.

The peers (datasketch, rensa, gaoya) are scored beside simcore when they are installed.
"""

from __future__ import annotations

import gzip
import json
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from simcore import _peers
from simcore._graph import components
from simcore.api import cluster
from simcore.stages import shingles
from simcore.syndicate import generate


@dataclass(frozen=True)
class Scores:
    """Pairwise precision/recall/F1 of a clustering against labels, and the adjusted Rand index."""

    precision: float
    recall: float
    f1: float
    ari: float
    largest: int

    def __str__(self) -> str:
        return (
            f"P={self.precision:.4f} R={self.recall:.4f} F1={self.f1:.4f} "
            f"ARI={self.ari:.4f} largest={self.largest}"
        )


def _pairs(sizes: Sequence[int]) -> int:
    return sum(s * (s - 1) // 2 for s in sizes)


def score(predicted: Sequence[Any], truth: Sequence[Any]) -> Scores:
    """Pairwise scores of ``predicted`` cluster labels against ``truth`` labels."""
    if len(predicted) != len(truth):
        raise ValueError("predicted and truth must have one label per document")
    n = len(truth)
    joint = Counter(zip(predicted, truth, strict=True))
    tp = _pairs(list(joint.values()))
    pred_pairs = _pairs(list(Counter(predicted).values()))
    true_pairs = _pairs(list(Counter(truth).values()))
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    total = n * (n - 1) // 2
    expected = pred_pairs * true_pairs / total if total else 0.0
    max_index = (pred_pairs + true_pairs) / 2
    ari = (tp - expected) / (max_index - expected) if max_index != expected else 1.0
    largest = max(Counter(predicted).values(), default=0)
    return Scores(precision, recall, f1, ari, largest)


def default_shared() -> Path:
    """``../shared`` beside the working directory or beside this checkout."""
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        cand = base.parent / "shared"
        if cand.is_dir():
            return cand
    raise FileNotFoundError("cannot find the shared data folder; pass --shared PATH")


def load_jsonl(shared: Path, name: str) -> list[dict[str, Any]]:
    with gzip.open(shared / "corpora" / name / f"{name}.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def distinct_sources(texts: Sequence[str], max_containment: float = 0.2) -> list[str]:
    """Texts that share less than ``max_containment`` of their word 5-shingles with any
    earlier kept text (exact, by an inverted index), so that no two sources are one story."""
    sets = shingles(list(texts), threads=None)
    index: dict[int, list[int]] = defaultdict(list)
    kept: list[str] = []
    kept_sizes: list[int] = []
    for t, s in zip(texts, sets, strict=True):
        hs = s.tolist()
        if not hs:
            continue
        shared: Counter[int] = Counter()
        for h in hs:
            for j in index.get(h, ()):
                shared[j] += 1
        if any(c / min(len(hs), kept_sizes[j]) >= max_containment for j, c in shared.items()):
            continue
        for h in hs:
            index[h].append(len(kept))
        kept.append(t)
        kept_sizes.append(len(hs))
    return kept


def source_articles(shared: Path) -> list[str]:
    """Real articles from every shared corpus, natural duplicates removed."""
    texts: list[str] = []
    for name in ("bbc_fulltext", "reuters21578", "ecbplus"):
        texts += [r["text"] for r in load_jsonl(shared, name) if len(r["text"].split()) >= 80]
    return distinct_sources(texts)


Runner = Callable[[list[str]], list[Any]]


def runners(threads: Optional[int], peers: bool = True) -> dict[str, Runner]:
    out: dict[str, Runner] = {
        "simcore": lambda texts: cluster(texts, threads=threads).labels.tolist(),
        "simcore jaccard 0.5": lambda texts: cluster(
            texts, measure="jaccard", threshold=0.5, boilerplate="off", threads=threads
        ).labels.tolist(),
    }
    if peers:
        for name in _peers.available():
            fn = _peers.ADAPTERS[name]
            out[f"{name} 0.5"] = lambda texts, fn=fn: fn(texts, 0.5)  # type: ignore[misc]
    return out


def _table(texts: list[str], truth: list[Any], threads: Optional[int]) -> list[str]:
    lines = []
    for name, run in runners(threads).items():
        t = time.perf_counter()
        labels = run(texts)
        secs = time.perf_counter() - t
        lines.append(f"  {name:<22} {score(labels, truth)}  ({secs:.2f}s)")
    return lines


def eval_seeds(shared: Path, threads: Optional[int]) -> str:
    files = sorted((shared / "seeds").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in files]
    truth = {"000": 0, "001": 0, "003": 0, "002": 1, "004": 2}
    labels = [truth[p.name[:3]] for p in files]
    return "\n".join(
        [
            "seeds (5 documents; expected {000, 001, 003}, {002}, {004})",
            *_table(texts, labels, threads),
        ]
    )


def eval_syndication(shared: Path, docs: int, intensity: str, threads: Optional[int]) -> str:
    corpus = generate(source_articles(shared), docs, intensity=intensity)
    sizes = Counter(corpus.labels)
    head = (
        f"syndication ({docs} documents, intensity {intensity}, {len(sizes)} stories, "
        f"largest story {max(sizes.values())})"
    )
    return "\n".join([head, *_table(corpus.texts, corpus.labels, threads)])


def containment_pairs(sets: Sequence[Sequence[int]], t: float) -> set[tuple[int, int]]:
    """Exact pairs whose |A ∩ B| / min(|A|, |B|) >= t."""
    index: dict[int, list[int]] = defaultdict(list)
    for d, s in enumerate(sets):
        for h in s:
            index[h].append(d)
    shared: Counter[tuple[int, int]] = Counter()
    for docs in index.values():
        for i, a in enumerate(docs):
            for b in docs[i + 1 :]:
                shared[(a, b)] += 1
    return {p for p, c in shared.items() if c / min(len(sets[p[0]]), len(sets[p[1]])) >= t}


def eval_ecbplus(shared: Path, threads: Optional[int]) -> str:
    rows = load_jsonl(shared, "ecbplus")
    texts = [r["text"] for r in rows]
    sub = [r["subtopic"] for r in rows]
    truth_pairs = containment_pairs([s.tolist() for s in shingles(texts)], 0.5)
    lines = [f"ecbplus ({len(texts)} documents; {len(truth_pairs)} pairs with containment >= 0.5)"]
    for name, run in runners(threads).items():
        labels = run(texts)
        groups: dict[Any, set[str]] = defaultdict(set)
        for lab, s in zip(labels, sub, strict=True):
            groups[lab].add(s)
        crossing = sum(1 for g in groups.values() if len(g) > 1)
        found = sum(1 for a, b in truth_pairs if labels[a] == labels[b])
        recall = found / len(truth_pairs) if truth_pairs else 1.0
        lines.append(
            f"  {name:<22} clusters crossing subtopics={crossing} recall(C>=0.5)={recall:.4f}"
        )
    return "\n".join(lines)


def eval_duplicates(shared: Path, threads: Optional[int]) -> str:
    lines = []
    for name in ("bbc_fulltext", "reuters21578"):
        texts = [r["text"] for r in load_jsonl(shared, name)]
        sets = [set(s.tolist()) for s in shingles(texts)]
        cands = containment_pairs([sorted(s) for s in sets], 0.5)
        truth_pairs = {
            (a, b) for a, b in cands if len(sets[a] & sets[b]) / len(sets[a] | sets[b]) >= 0.5
        }
        truth = components(len(texts), truth_pairs)
        lines.append(f"{name} ({len(texts)} documents; {len(truth_pairs)} pairs with J >= 0.5)")
        lines += _table(texts, truth, threads)
    return "\n".join(lines)


def run(
    dataset: str,
    *,
    shared: Optional[Path] = None,
    docs: int = 2000,
    intensity: str = "medium",
    threads: Optional[int] = None,
) -> str:
    """Evaluate on one dataset and return the report."""
    root = shared or default_shared()
    if dataset == "seeds":
        return eval_seeds(root, threads)
    if dataset == "syndication":
        return eval_syndication(root, docs, intensity, threads)
    if dataset == "ecbplus":
        return eval_ecbplus(root, threads)
    if dataset == "duplicates":
        return eval_duplicates(root, threads)
    raise ValueError(f"unknown dataset {dataset!r}")


__all__ = ["Scores", "containment_pairs", "distinct_sources", "run", "score"]
