"""The simcore command: inputs, outputs, errors, atomic writes and Ctrl-C."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import pty
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import ROOT, SEEDS, require_shared

STORY = " ".join(f"word{i}" for i in range(60))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simcore", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def groups(stdout: str) -> list[list[str]]:
    by: dict[int, list[str]] = {}
    for line in stdout.splitlines():
        rec = json.loads(line)
        by.setdefault(rec["cluster"], []).append(rec["id"])
    return list(by.values())


def test_seeds_directory() -> None:
    require_shared()
    p = run("cluster", str(SEEDS))
    assert p.returncode == 0, p.stderr
    names = [[n[:3] for n in g] for g in groups(p.stdout)]
    assert names == [["000", "001", "003"], ["002"], ["004"]]
    assert "5 documents -> 3 clusters" in p.stderr


def test_example_corpus() -> None:
    p = run("cluster", str(ROOT / "examples" / "wire"), "--format", "csv")
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    by: dict[str, set[str]] = {}
    for r in rows:
        by.setdefault(r["cluster"], set()).add(r["id"].split("-")[0])
    assert all(len(stories) == 1 for stories in by.values())
    assert len(by) == 5


def test_jsonl_gz_csv_and_output_file(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8") as f:
        for i, text in enumerate([STORY, STORY + " extra", "something else entirely here"]):
            f.write(json.dumps({"key": f"d{i}", "body": text}) + "\n")
    out = tmp_path / "out.csv"
    p = run("cluster", str(src), "--id-field", "key", "--text-field", "body", "-o", str(out), "-q")
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    rows = list(csv.DictReader(out.open()))
    assert [r["cluster"] for r in rows] == ["0", "0", "1"]
    c = tmp_path / "in.csv"
    with c.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "text"])
        w.writerow(["a", STORY.replace("word3 ", "word3\nwith newline ")])
        w.writerow(["b", STORY])
    p = run("cluster", str(c))
    assert p.returncode == 0, p.stderr
    assert groups(p.stdout) == [["a", "b"]]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "args", "message"),
    [
        (
            "bad.jsonl",
            b'{"id": 1, "text": "ok"}\n{"id": 2, "text": \n',
            [],
            r"bad.jsonl:2: invalid JSON",
        ),
        ("nofield.jsonl", b'{"id": 1, "body": "x"}\n', [], r"nofield.jsonl:1: no 'text' field"),
        (
            "num.jsonl",
            b'{"id": 1, "text": 5}\n',
            [],
            r"num.jsonl:1: field 'text' must be a string, got int",
        ),
        (
            "dup.jsonl",
            b'{"id": 1, "text": "a"}\n{"id": 1, "text": "b"}\n',
            [],
            r"dup.jsonl:2: duplicate id 1",
        ),
        (
            "latin.txt",
            "caf\u00e9 cr\u00e8me".encode("latin-1"),
            [],
            r"latin.txt: not valid utf-8 .*--encoding cp1252",
        ),
        (
            "trunc.jsonl.gz",
            gzip.compress(b"".join(b'{"id": %d, "text": "abc"}\n' % i for i in range(500)))[:-40],
            [],
            r"truncated or corrupt",
        ),
        (
            "corrupt.jsonl.gz",
            b"\x1f\x8b\x08\x00garbage garbage garbage",
            [],
            r"truncated or corrupt",
        ),
        ("nocol.csv", b"key,body\n1,x\n", [], r"no 'id' column"),
        ("x.pdf", b"%PDF", [], r"unknown input type"),
    ],
)
def test_input_errors(
    tmp_path: Path, name: str, data: bytes, args: list[str], message: str
) -> None:
    import re

    path = _write(tmp_path / name, data)
    p = run("cluster", str(path), *args)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert re.search(message, lines[0]), lines[0]
    assert "Traceback" not in p.stderr


def test_missing_input() -> None:
    p = run("cluster", "/no/such/corpus.jsonl")
    assert p.returncode == 2
    assert p.stderr.strip() == "simcore: error: /no/such/corpus.jsonl: no such file or directory"


def test_latin1_with_encoding_option(tmp_path: Path) -> None:
    _write(tmp_path / "a.txt", ("caf\u00e9 " + STORY).encode("cp1252"))
    p = run("cluster", str(tmp_path), "--encoding", "cp1252")
    assert p.returncode == 0, p.stderr


def test_directory_with_binary_and_unreadable_files(tmp_path: Path) -> None:
    _write(tmp_path / "a.txt", STORY.encode())
    _write(tmp_path / "b.txt", STORY.encode())
    _write(tmp_path / "image.png", bytes(range(256)))
    p = run("cluster", str(tmp_path))
    assert p.returncode == 0, p.stderr
    assert "skipped 1 non-.txt files" in p.stderr
    # A regular file that cannot be read, even by root: reading /proc/self/mem from offset 0
    # fails with an I/O error.
    (tmp_path / "c.txt").symlink_to("/proc/self/mem")
    p = run("cluster", str(tmp_path))
    assert p.returncode == 2
    assert "c.txt: cannot read" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", b'{"id": 1, "text": "abc"}\n')
    p = run("cluster", str(src), "-o", str(src))
    assert p.returncode == 2
    assert "refusing to overwrite an input file" in p.stderr
    assert src.read_bytes() == b'{"id": 1, "text": "abc"}\n'


def test_failed_run_leaves_existing_output(tmp_path: Path) -> None:
    out = _write(tmp_path / "out.jsonl", b"precious\n")
    bad = _write(tmp_path / "bad.jsonl", b"{not json\n")
    p = run("cluster", str(bad), "-o", str(out))
    assert p.returncode == 2
    assert out.read_bytes() == b"precious\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["bad.jsonl", "out.jsonl"]


def _read_pty(fd: int, until: str, timeout: float) -> str:
    """Read a pseudo-terminal until `until` appears, it closes, or `timeout` passes."""
    got = ""
    deadline = time.monotonic() + timeout
    while until not in got and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed its side
                break
            if not chunk:
                break
            got += chunk.decode(errors="replace")
    return got


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_quickly_and_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "big.jsonl"
    with src.open("w") as f:
        for i in range(300_000):
            f.write(json.dumps({"id": i, "text": f"story {i % 5000} " + STORY}) + "\n")
    out = _write(tmp_path / "out.jsonl", b"previous result\n")
    # stderr is a terminal, so the CLI shows its progress: interrupt once clustering began.
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "simcore", "cluster", str(src), "-o", str(out), "--threads", "1"],
        stdout=subprocess.PIPE,
        stderr=slave,
        text=True,
        # A shell without job control starts background commands with SIGINT ignored, and
        # Python then never turns SIGINT into KeyboardInterrupt: give the child the default,
        # as a terminal's Ctrl-C would find it, however the tests were started.
        preexec_fn=_default_sigint,
    )
    os.close(slave)
    try:
        seen = _read_pty(master, "shingle", timeout=120)
        assert "shingle" in seen, seen
        assert proc.poll() is None, "the run finished before it could be interrupted"
        # Keep draining the terminal, so that progress output can never block the child.
        drained: list[str] = []
        reader = threading.Thread(
            target=lambda: drained.append(_read_pty(master, "interrupted", timeout=90))
        )
        reader.start()
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
        stopped = time.monotonic() - sent
        reader.join(timeout=30)
        err = "".join(drained)
    finally:
        os.close(master)
    assert stopped < 5
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert out.read_bytes() == b"previous result\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["big.jsonl", "out.jsonl"]


def test_deterministic_output(tmp_path: Path) -> None:
    require_shared()
    src = ROOT.parent / "shared" / "corpora" / "ecbplus" / "ecbplus.jsonl.gz"
    outs = []
    for threads in ("1", "2", "8"):
        out = tmp_path / f"o{threads}.jsonl"
        p = run("cluster", str(src), "-o", str(out), "--threads", threads, "-q")
        assert p.returncode == 0, p.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]
