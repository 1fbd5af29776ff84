"""Turning what users pass as documents into ids and texts, with clear errors."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Union

DocId = Hashable
Docs = Union[Iterable[str], Mapping[Any, str], Iterable[tuple[Any, str]]]


def _describe(value: object) -> str:
    if value is None:
        return "None"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "bytes (decode it first, e.g. text.decode('utf-8'))"
    return type(value).__name__


def _check_text(text: object, where: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{where} must be a str, got {_describe(text)}")
    return text


def coerce(docs: object, start: int = 0) -> tuple[list[Any], list[str]]:
    """Return ``(ids, texts)`` for a list of str, a mapping id -> text, or ``(id, text)`` pairs.

    A list of str gets the ids ``start .. start+n-1``. Raises TypeError for anything that is not
    text and ValueError for duplicate ids.
    """
    if isinstance(docs, (str, bytes, bytearray)):
        raise TypeError(
            "docs must be a collection of documents, not a single "
            f"{type(docs).__name__}; wrap it in a list"
        )
    if docs is None:
        raise TypeError("docs must be a list of str, a dict of id -> str, or (id, str) pairs")
    if isinstance(docs, list) and all(type(t) is str for t in docs):
        # The common case, checked in one pass (20,000 documents: 7 ms instead of 53).
        return list(range(start, start + len(docs))), list(docs)
    if isinstance(docs, Mapping):
        keys = list(docs.keys())
        return keys, [_check_text(docs[i], f"document {i!r}") for i in keys]
    if not isinstance(docs, Iterable):
        raise TypeError(
            "docs must be a list of str, a dict of id -> str, or (id, str) pairs, "
            f"got {type(docs).__name__}"
        )
    ids: list[Any] = []
    texts: list[str] = []
    mode = None
    for n, item in enumerate(docs):
        is_pair = isinstance(item, tuple) and len(item) == 2
        if mode is None:
            mode = "pairs" if is_pair else "texts"
        if mode == "texts":
            if is_pair:
                raise TypeError(f"document {n} is a pair but earlier documents were plain str")
            texts.append(_check_text(item, f"document {start + n}"))
            ids.append(start + n)
        else:
            if not is_pair:
                raise TypeError(f"item {n} must be an (id, text) pair, got {_describe(item)}")
            doc_id, text = item
            try:
                hash(doc_id)
            except TypeError:
                raise TypeError(f"id of item {n} is not hashable: {doc_id!r}") from None
            ids.append(doc_id)
            texts.append(_check_text(text, f"text of document {doc_id!r}"))
    if mode == "pairs":
        seen: dict[Any, int] = {}
        for n, doc_id in enumerate(ids):
            if doc_id in seen:
                raise ValueError(f"duplicate id {doc_id!r} (items {seen[doc_id]} and {n})")
            seen[doc_id] = n
    return ids, texts


def check_texts(texts: object, name: str = "texts") -> list[str]:
    """A list of str for the stage functions (a single str is refused)."""
    if isinstance(texts, (str, bytes, bytearray)) or texts is None:
        raise TypeError(f"{name} must be a list of str, got {_describe(texts)}")
    if not isinstance(texts, Iterable):
        raise TypeError(f"{name} must be a list of str, got {type(texts).__name__}")
    return [_check_text(t, f"{name}[{i}]") for i, t in enumerate(texts)]


def find_unencodable(texts: list[str]) -> tuple[int, int, str] | None:
    """The first (document, position, character) that cannot be encoded as UTF-8."""
    for d, t in enumerate(texts):
        try:
            t.encode("utf-8")
        except UnicodeEncodeError as e:
            return d, e.start, t[e.start]
    return None


def surrogate_error(texts: list[str], ids: list[Any] | None = None) -> ValueError | None:
    """A ValueError naming a document with a lone surrogate, or None if there is none."""
    bad = find_unencodable(texts)
    if bad is None:
        return None
    d, pos, ch = bad
    name = f"document {ids[d]!r}" if ids is not None else f"document {d}"
    return ValueError(
        f"{name} contains a lone surrogate U+{ord(ch):04X} at position {pos}, which is not "
        "valid Unicode text; repair it first (e.g. text.encode('utf-8', 'replace').decode())"
    )
