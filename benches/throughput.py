"""End-to-end throughput of simcore, the pure-Python twin and the peers on one corpus.

Each system runs in a fresh process (so peak RSS is its own), on the same documents: real
articles from ../shared/corpora republished by simcore.syndicate. Prints MB/s, docs/s, peak
RSS, pairwise F1 against the story labels, and the ratios to gaoya and to the twin. With
``--repeat N`` every system runs N times, in rounds whose order alternates, and the figures
are medians. The last line compares simcore's defaults (containment, boilerplate suppression,
guarded linkage) with the plain Jaccard pipeline of simcore 0.1 (Jaccard 0.5, no
suppression, connected components).

    python benches/throughput.py --docs 20000 --threads 1 2
    python benches/throughput.py --systems simcore simcore-jaccard --repeat 7
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import statistics
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
    """Runs in a child process: import, load, time one system end to end, report.

    Every library is imported before the corpus is loaded, so that the timing holds neither
    an import nor what follows it: importing numpy starts OpenBLAS's threads, which then spin
    for about 50 ms of CPU time (0.053 s in the second after the import). On two cores, a
    plain 20k run timed right after the import took 0.190 s, against 0.176 s when the import
    came first (medians of 6). The peers' adapters import their libraries when called, so
    those imports were timed too.
    """
    import importlib

    os.environ["RAYON_NUM_THREADS"] = str(threads)
    import simcore
    from simcore import _peers

    if system in _peers.MODULES:
        importlib.import_module(_peers.MODULES[system])
    with path.open("rb") as f:
        texts, labels = pickle.load(f)
    rss_loaded = peak_rss_mb()
    stages: dict[str, float] = {}

    t = time.perf_counter()
    if system == "simcore":
        r = simcore.cluster(texts, threads=threads)
        out = r.labels.tolist()
        stages = r.stats["seconds"]
    elif system == "simcore-jaccard":
        r = simcore.cluster(
            texts,
            measure="jaccard",
            threshold=0.5,
            boilerplate="off",
            linkage="components",
            threads=threads,
        )
        out = r.labels.tolist()
        stages = r.stats["seconds"]
    elif system == "twin":
        from simcore import twin

        out = twin.cluster(texts)["labels"]
    else:
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
    ap.add_argument("--repeat", type=int, default=1, help="runs per system; medians reported")
    ap.add_argument("--child", nargs=3, metavar=("SYSTEM", "PATH", "THREADS"))
    args = ap.parse_args()
    if args.child:
        system, path, threads = args.child
        print(json.dumps(run_one(system, Path(path), int(threads))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.pkl"
        build_corpus(args.docs, corpus)
        runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for threads in args.threads:
            systems = [
                s
                for s in args.systems
                # single-threaded by design
                if not (s in ("twin", "datasketch", "rensa") and threads > 1)
            ]
            for round_ in range(max(1, args.repeat)):
                for system in systems if round_ % 2 == 0 else systems[::-1]:
                    p = subprocess.run(
                        [sys.executable, __file__, "--child", system, str(corpus), str(threads)],
                        capture_output=True,
                        text=True,
                        check=False,
                    )
                    if p.returncode != 0:
                        err = p.stderr.strip().splitlines()[-1:]
                        print(f"{system}: failed: {err}", file=sys.stderr)
                        continue
                    runs.setdefault((system, threads), []).append(json.loads(p.stdout))
        rows = [median_row(v) for v in runs.values()]
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
                print("      stages: " + ", ".join(f"{k} {v:.3f}s" for k, v in r["stages"].items()))
        for threads in args.threads:
            c, j = by.get(("simcore", threads)), by.get(("simcore-jaccard", threads))
            if c and j:
                print(
                    f"{threads} thread(s): defaults take {c['seconds'] / j['seconds']:.2f}x "
                    f"the plain Jaccard pipeline ({c['seconds']:.3f} s vs {j['seconds']:.3f} s,"
                    f" medians of {c['runs']})"
                )


def median_row(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One system's figures: the median seconds and stage times, the largest peak RSS."""
    row = dict(runs[0])
    row["seconds"] = statistics.median(r["seconds"] for r in runs)
    row["peak_rss_MB"] = max(r["peak_rss_MB"] for r in runs)
    row["stages"] = {k: statistics.median(r["stages"][k] for r in runs) for k in row["stages"]}
    row["runs"] = len(runs)
    return row


if __name__ == "__main__":
    main()
