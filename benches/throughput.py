"""End-to-end throughput of simcore, the pure-Python twin and the peers on one corpus.

Each system runs in a fresh process (so peak RSS is its own), on the same documents: real
articles from ../shared/corpora republished by simcore.syndicate. Prints MB/s, docs/s, peak
RSS, pairwise F1 against the story labels, and the ratios to gaoya and to the twin.

    python benches/throughput.py --docs 20000 --threads 1 2
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def build_corpus(n: int, path: Path) -> None:
    from simcore.evaluate import source_articles
    from simcore.syndicate import generate

    sources = source_articles(SHARED)
    texts: list[str] = []
    labels: list[int] = []
    seed = 0
    while len(texts) < n:
        c = generate(sources, min(20000, n - len(texts)), seed=seed)
        # A story is its source article, whichever seed republished it; round-ups are their
        # own stories.
        offset = seed * 10_000_000
        texts += c.texts
        labels += [x if x >= 0 else x - offset for x in c.labels]
        seed += 1
    with path.open("wb") as f:
        pickle.dump((texts, labels), f)


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM; ru_maxrss can carry the parent's over fork/exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(system: str, path: Path, threads: int) -> dict[str, Any]:
    """Runs in a child process: load, time one system end to end, report."""
    os.environ["RAYON_NUM_THREADS"] = str(threads)
    with path.open("rb") as f:
        texts, labels = pickle.load(f)
    rss_loaded = peak_rss_mb()
    stages: dict[str, float] = {}
    t = time.perf_counter()
    if system == "simcore":
        import simcore

        r = simcore.cluster(texts, threads=threads)
        out = r.labels.tolist()
        stages = r.stats["seconds"]
    elif system == "simcore-jaccard":
        import simcore

        r = simcore.cluster(
            texts, measure="jaccard", threshold=0.5, boilerplate="off", threads=threads
        )
        out = r.labels.tolist()
        stages = r.stats["seconds"]
    elif system == "twin":
        from simcore import twin

        out = twin.cluster(texts)["labels"]  # type: ignore[assignment]
    else:
        from simcore import _peers

        out = _peers.ADAPTERS[system](texts, 0.5)
    secs = time.perf_counter() - t
    from simcore.evaluate import score

    s = score(out, labels)
    mb = sum(len(x.encode()) for x in texts) / 1e6
    return {
        "system": system,
        "threads": threads,
        "seconds": secs,
        "MB": mb,
        "docs": len(texts),
        "rss_loaded_MB": rss_loaded,
        "peak_rss_MB": peak_rss_mb(),
        "f1": s.f1,
        "stages": stages,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument(
        "--systems",
        nargs="+",
        default=["simcore", "simcore-jaccard", "gaoya", "rensa", "datasketch", "twin"],
    )
    ap.add_argument("--child", nargs=3, metavar=("SYSTEM", "PATH", "THREADS"))
    args = ap.parse_args()
    if args.child:
        system, path, threads = args.child
        print(json.dumps(run_one(system, Path(path), int(threads))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.pkl"
        build_corpus(args.docs, corpus)
        rows = []
        for threads in args.threads:
            for system in args.systems:
                if system in ("twin", "datasketch", "rensa") and threads > 1:
                    continue  # single-threaded by design
                p = subprocess.run(
                    [sys.executable, __file__, "--child", system, str(corpus), str(threads)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if p.returncode != 0:
                    print(
                        f"{system}: failed: {p.stderr.strip().splitlines()[-1:]}", file=sys.stderr
                    )
                    continue
                rows.append(json.loads(p.stdout))
        by = {(r["system"], r["threads"]): r for r in rows}
        head = f"{'system':<16}{'thr':>4}{'sec':>9}{'MB/s':>9}{'docs/s':>10}{'RSS MB':>9}{'F1':>8}"
        first = rows[0]
        loaded = first["rss_loaded_MB"]
        print(f"corpus: {first['MB']:.1f} MB of text; RSS after loading {loaded:.0f} MB")
        print(head + "  vs gaoya  vs twin")
        for r in rows:
            mbs = r["MB"] / r["seconds"]
            g = by.get(("gaoya", r["threads"]))
            tw = by.get(("twin", 1))
            vs_g = f"{g['seconds'] / r['seconds']:.2f}x" if g else "-"
            vs_t = f"{tw['seconds'] / r['seconds']:.0f}x" if tw else "-"
            print(
                f"{r['system']:<16}{r['threads']:>4}{r['seconds']:>9.2f}{mbs:>9.1f}"
                f"{r['docs'] / r['seconds']:>10.0f}{r['peak_rss_MB']:>9.0f}{r['f1']:>8.4f}"
                f"  {vs_g:>8} {vs_t:>7}"
            )
            if r["stages"]:
                print("      stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in r["stages"].items()))


if __name__ == "__main__":
    main()
