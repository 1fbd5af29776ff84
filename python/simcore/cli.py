"""The ``simcore`` command line: ``simcore cluster INPUT... [-o OUT]``."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path
from typing import IO, Any, Optional, TextIO

from simcore import __version__
from simcore._atomic import atomic_write
from simcore._io import Fields, InputError, read_inputs, same_file
from simcore._params import (
    DEFAULT_K,
    DEFAULT_LINKAGE,
    DEFAULT_MEASURE,
    DEFAULT_NUM_PERM,
    DEFAULT_UNIT,
)
from simcore.result import ClusterResult
from simcore.stream import ClusterStream

RECORD_FIELDS = ["id", "cluster", "representative", "cluster_size", "is_representative"]


class Progress:
    """A one-line progress display on stderr, only when stderr is a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        width = 30
        filled = width * done // total if total else width
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r{stage:<12} [{bar}] {done}/{total}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 70 + "\r")
            self.stream.flush()


def _boilerplate(value: str) -> str | int:
    if value in ("auto", "off"):
        return value
    try:
        cap = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("must be 'auto', 'off' or a positive integer") from None
    if cap < 1:
        raise argparse.ArgumentTypeError("must be 'auto', 'off' or a positive integer")
    return cap


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="simcore",
        description="Find and cluster near-duplicate and re-used text (syndicated news).",
    )
    parser.add_argument("--version", action="version", version=f"simcore {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    c = sub.add_parser(
        "cluster",
        help="cluster documents and write one record per document",
        description=(
            "Cluster near-duplicate documents. INPUT is a directory of .txt files (ids are "
            "relative paths), a .jsonl/.jsonl.gz file, or a .csv file with a header. Input is "
            "read in batches and shingle sets are spilled to --scratch-dir, so memory grows "
            "with the number of documents, not with their text."
        ),
    )
    c.add_argument("inputs", nargs="+", metavar="INPUT")
    c.add_argument("-o", "--output", help="output file (written atomically); default stdout")
    c.add_argument(
        "--format", choices=["jsonl", "csv"], help="output format (default: from -o, else jsonl)"
    )
    c.add_argument(
        "--threshold",
        type=float,
        help="minimum exact score of an edge (default 0.3 containment, 0.5 jaccard)",
    )
    c.add_argument("--measure", choices=["containment", "jaccard"], default=DEFAULT_MEASURE)
    c.add_argument("--unit", choices=["word", "char"], default=DEFAULT_UNIT)
    c.add_argument(
        "-k", type=int, default=DEFAULT_K, help=f"tokens per shingle (default {DEFAULT_K})"
    )
    c.add_argument("--num-perm", type=int, default=DEFAULT_NUM_PERM)
    c.add_argument(
        "--linkage", choices=["guarded", "components", "centers"], default=DEFAULT_LINKAGE
    )
    c.add_argument(
        "--boilerplate",
        type=_boilerplate,
        default="auto",
        help="'auto', 'off' or a fixed document-frequency cap",
    )
    c.add_argument(
        "--id-field", default="id", help="id field of JSON Lines / CSV input (default 'id')"
    )
    c.add_argument("--text-field", default="text", help="text field (default 'text')")
    c.add_argument(
        "--date-field", help="date field: the earliest member becomes the representative"
    )
    c.add_argument("--encoding", default="utf-8", help="encoding of input files (default utf-8)")
    c.add_argument("--threads", type=int, help="worker threads (default: all cores)")
    c.add_argument(
        "--scratch-dir",
        help="where shingle sets are spilled while clustering (default: the system temp dir)",
    )
    c.add_argument(
        "--memory-budget",
        type=int,
        default=8,
        metavar="MIB",
        help="scratch data kept in memory before it is spilled to disk (default 8 MiB)",
    )
    c.add_argument("-q", "--quiet", action="store_true", help="no summary or progress on stderr")

    e = sub.add_parser(
        "eval", help="score clusterings against labelled data (see simcore.evaluate)"
    )
    e.add_argument("dataset", choices=["seeds", "ecbplus", "syndication", "duplicates"])
    e.add_argument("--shared", default=None, help="path of the shared data (default ../shared)")
    e.add_argument("--docs", type=int, default=2000, help="documents for the syndication generator")
    e.add_argument("--intensity", choices=["light", "medium", "heavy"], default="medium")
    e.add_argument("--threads", type=int)
    return parser


#: The CLI hands documents to the core in batches of this many documents or characters.
BATCH_DOCS = 4096
BATCH_CHARS = 16 * 2**20


def _stream_inputs(
    args: argparse.Namespace, stream: ClusterStream, skipped: list[str]
) -> Optional[list[Any]]:
    """Read every input and add its documents to ``stream`` batch by batch; returns the dates
    (when ``--date-field`` is given)."""
    fields = Fields(args.id_field, args.text_field, args.date_field)
    seen: dict[Any, str] = {}
    dates: Optional[list[Any]] = [] if args.date_field else None
    batch: list[tuple[Any, str]] = []
    chars = 0
    for d in read_inputs(args.inputs, fields, args.encoding, skipped):
        if d.id in seen:
            raise InputError(f"{d.where}: duplicate id {d.id!r} (first at {seen[d.id]})")
        seen[d.id] = d.where
        if dates is not None:
            dates.append(d.date)
        batch.append((d.id, d.text))
        chars += len(d.text)
        if len(batch) >= BATCH_DOCS or chars >= BATCH_CHARS:
            stream.add(batch)
            batch, chars = [], 0
    stream.add(batch)
    return dates


def _write(result: ClusterResult, out: IO[str], fmt: str) -> None:
    if fmt == "csv":
        w = csv.DictWriter(out, fieldnames=RECORD_FIELDS, lineterminator="\n")
        w.writeheader()
        for rec in result.records():
            w.writerow(rec)
    else:
        for rec in result.records():
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


def run_cluster(args: argparse.Namespace) -> int:
    if args.output:
        for inp in args.inputs:
            if same_file(args.output, inp) or Path(args.output).resolve() == Path(inp).resolve():
                raise InputError(f"{args.output}: refusing to overwrite an input file")
        parent = Path(args.output).resolve().parent
        if not parent.is_dir():
            raise InputError(f"{args.output}: directory {parent} does not exist")
    fmt = args.format or ("csv" if (args.output or "").endswith(".csv") else "jsonl")
    started = time.monotonic()
    skipped: list[str] = []
    progress = Progress(sys.stderr) if not args.quiet else None
    try:
        with ClusterStream(
            threshold=args.threshold,
            measure=args.measure,
            unit=args.unit,
            k=args.k,
            num_perm=args.num_perm,
            linkage=args.linkage,
            boilerplate=args.boilerplate,
            threads=args.threads,
            progress=progress,
            scratch_dir=args.scratch_dir,
            memory_budget=args.memory_budget * 2**20,
        ) as stream:
            dates = _stream_inputs(args, stream, skipped)
            result = stream.finish(dates=dates)
    finally:
        if progress:
            progress.close()
    if args.output:
        with atomic_write(args.output, newline="") as f:
            _write(result, f, fmt)
    else:
        _write(result, sys.stdout, fmt)
        sys.stdout.flush()
    if not args.quiet:
        err = sys.stderr
        err.write(result.summary() + "\n")
        if skipped:
            err.write(f"skipped {len(skipped)} non-.txt files (e.g. {skipped[0]})\n")
        err.write(f"done in {time.monotonic() - started:.2f}s\n")
    return 0


def run_eval(args: argparse.Namespace) -> int:
    from simcore.evaluate import run

    shared = Path(args.shared) if args.shared else None
    report = run(
        args.dataset, shared=shared, docs=args.docs, intensity=args.intensity, threads=args.threads
    )
    sys.stdout.write(report + "\n")
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "cluster":
            return run_cluster(args)
        return run_eval(args)
    except InputError as e:
        sys.stderr.write(f"simcore: error: {e}\n")
        return 2
    except (ValueError, TypeError) as e:
        sys.stderr.write(f"simcore: error: {e}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("\nsimcore: interrupted; no output was written\n")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as e:
        # Scratch or output files: disk full, permissions, a missing --scratch-dir.
        sys.stderr.write(f"simcore: error: {e}\n")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
