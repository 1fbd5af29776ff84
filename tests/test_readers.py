"""The CLI's input readers under arbitrary bytes: a result or one clear error line, never a crash.

Each example writes a file and runs ``simcore cluster`` in-process; the command must exit 0
with an output file, or exit 2 with a single ``simcore: error:`` line that names the input file
and leaves no output behind.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simcore import cli

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _run(path: Path) -> tuple[int, str, Path]:
    out = path.parent / "out.jsonl"
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["cluster", str(path), "-o", str(out), "--quiet"])
    return code, err.getvalue(), out


def _check(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        code, err, out = _run(path)
        if code == 0:
            assert out.exists()
            for line in out.read_text(encoding="utf-8").splitlines():
                assert set(json.loads(line)) >= {"id", "cluster", "representative"}
        else:
            assert code == 2, err
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("simcore: error: "), err
            assert name in lines[0], err
            assert not out.exists()


# JSON-ish lines: fragments that make valid, invalid and hostile records (deep nesting,
# escapes that decode to lone surrogates, wrong types, missing fields).
_FRAGMENTS = st.sampled_from(
    [
        '{"id": 1, "text": "wire copy"}',
        '{"id": "a", "text": "\\ud800 lone"}',
        '{"id": 2}',
        '{"id": [1], "text": "x"}',
        '{"id": 3, "text": 5}',
        '{"id": true, "text": "x"}',
        "[1, 2]",
        "null",
        "[" * 5000 + "]" * 5000,
        '{"a":' * 3000 + "1" + "}" * 3000,
        "",
        "   ",
        '{"id": 4, "text": "\\u0000 nul \\u202e rtl"}',
    ]
)


@FAST
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=40)), max_size=6))
def test_jsonl_lines(lines: list[str]) -> None:
    _check("in.jsonl", "\n".join(lines).encode("utf-8", "surrogatepass"))


@FAST
@given(st.binary(max_size=300))
def test_jsonl_arbitrary_bytes(data: bytes) -> None:
    _check("in.jsonl", data)


@FAST
@given(st.binary(max_size=300), st.integers(0, 300))
def test_gzip_cut_or_corrupted(data: bytes, cut: int) -> None:
    packed = gzip.compress(b'{"id": 1, "text": "a wire story"}\n' + data)
    _check("in.jsonl.gz", packed[: max(cut, 1)] if cut < len(packed) else packed)


@FAST
@given(st.binary(max_size=300))
def test_csv_arbitrary_bytes(data: bytes) -> None:
    _check("in.csv", b"id,text\n" + data)


@FAST
@given(st.binary(max_size=300))
def test_txt_arbitrary_bytes(data: bytes) -> None:
    _check("in.txt", data)
