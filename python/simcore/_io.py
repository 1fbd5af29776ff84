"""Reading corpora for the CLI: directories of .txt files, JSON Lines (optionally gzip) and CSV.

Every problem is reported as an :class:`InputError` with a one-line message that names the
file, and the line or record where there is one.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Optional


class InputError(Exception):
    """A corpus file that cannot be read as documents; the message is one line."""


# A JSON escape of a UTF-16 surrogate: only these can put a lone surrogate into a decoded string.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _no_lone_surrogate(value: str, what: str, where: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InputError(
            f"{where}: {what} contains a lone surrogate U+{ord(value[e.start]):04X} "
            f"at character {e.start} (not encodable as UTF-8)"
        ) from None


@dataclass(frozen=True)
class Fields:
    """Names of the id, text and (optional) date fields of JSON Lines and CSV inputs."""

    id: str = "id"
    text: str = "text"
    date: Optional[str] = None


@dataclass(frozen=True)
class Document:
    """One document and where it came from."""

    id: Any
    text: str
    date: Any
    where: str


def _decode(data: bytes, path: Path, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        hint = (
            ""
            if encoding != "utf-8"
            else "; if it is Latin-1 or cp1252 text, pass --encoding cp1252"
        )
        raise InputError(
            f"{path}: not valid {encoding} (byte 0x{data[e.start]:02x} at offset {e.start}){hint}"
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None


def read_directory(path: Path, encoding: str, skipped: list[str]) -> Iterator[Document]:
    """Every ``*.txt`` file below ``path`` in sorted order; the id is the relative path."""
    files = sorted(p for p in path.rglob("*") if p.is_file())
    for p in files:
        rel = p.relative_to(path).as_posix()
        if p.suffix.lower() != ".txt":
            skipped.append(rel)
            continue
        yield Document(rel, _decode(_read_bytes(p), p, encoding), None, str(p))


def _open_text(path: Path, encoding: str) -> IO[str]:
    try:
        if path.name.endswith(".gz"):
            return gzip.open(path, "rt", encoding=encoding, newline="")
        return open(path, encoding=encoding, newline="")
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None


def _field(record: dict[str, Any], name: str, where: str, kind: str) -> Any:
    if name not in record:
        raise InputError(f"{where}: no {name!r} field ({kind} field; set it with --{kind}-field)")
    return record[name]


def _guard_stream(path: Path, encoding: str, lines: Iterator[str]) -> Iterator[str]:
    try:
        yield from lines
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise InputError(f"{path}: gzip data is truncated or corrupt ({e})") from None
    except UnicodeDecodeError as e:
        raise InputError(
            f"{path}: not valid {encoding} ({e.reason} at byte {e.start} of a chunk)"
        ) from None
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e}") from None


def read_jsonl(path: Path, fields: Fields, encoding: str) -> Iterator[Document]:
    """One JSON object per line; blank lines are skipped."""
    with _open_text(path, encoding) as f:
        for n, line in enumerate(_guard_stream(path, encoding, iter(f)), start=1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"{where}: invalid JSON ({e.msg} at column {e.colno})") from None
            except RecursionError:
                raise InputError(f"{where}: JSON nested too deeply") from None
            if not isinstance(record, dict):
                raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
            doc_id = _field(record, fields.id, where, "id")
            if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool):
                raise InputError(f"{where}: field {fields.id!r} must be a string or integer")
            text = _field(record, fields.text, where, "text")
            if not isinstance(text, str):
                raise InputError(
                    f"{where}: field {fields.text!r} must be a string, got {type(text).__name__}"
                )
            if _SURROGATE_ESCAPE.search(line):
                if isinstance(doc_id, str):
                    _no_lone_surrogate(doc_id, f"field {fields.id!r}", where)
                _no_lone_surrogate(text, f"field {fields.text!r}", where)
            date = record.get(fields.date) if fields.date else None
            yield Document(doc_id, text, date, where)


def read_csv(path: Path, fields: Fields, encoding: str) -> Iterator[Document]:
    """A CSV file with a header row; quoted fields may contain newlines."""
    csv.field_size_limit(sys.maxsize)
    with _open_text(path, encoding) as f:
        reader = csv.DictReader(_guard_stream(path, encoding, iter(f)))
        try:
            header = reader.fieldnames or []
            for name, kind in ((fields.id, "id"), (fields.text, "text")):
                if name not in header:
                    raise InputError(
                        f"{path}: no {name!r} column ({kind} column; set it with --{kind}-field)"
                    )
            for row in reader:
                where = f"{path}:{reader.line_num}"
                if None in row:
                    raise InputError(f"{where}: more fields than the header has")
                for name in (fields.id, fields.text):
                    if row.get(name) is None:
                        raise InputError(f"{where}: missing {name!r} value")
                text = row[fields.text]
                date = row.get(fields.date) if fields.date else None
                yield Document(row[fields.id], text, date, where)
        except csv.Error as e:
            raise InputError(f"{path}:{reader.line_num}: malformed CSV ({e})") from None


def read_inputs(
    inputs: list[str], fields: Fields, encoding: str, skipped: list[str]
) -> Iterator[Document]:
    """Documents from every input, in order."""
    for raw in inputs:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{raw}: no such file or directory")
        if path.is_dir():
            yield from read_directory(path, encoding, skipped)
        elif path.name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")):
            yield from read_jsonl(path, fields, encoding)
        elif path.name.endswith((".csv", ".csv.gz")):
            yield from read_csv(path, fields, encoding)
        elif path.suffix.lower() == ".txt":
            yield Document(path.name, _decode(_read_bytes(path), path, encoding), None, str(path))
        else:
            raise InputError(
                f"{raw}: unknown input type (expected a directory, .txt, .jsonl, .jsonl.gz or .csv)"
            )


def same_file(a: str, b: str) -> bool:
    """True when both paths name one existing file."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
