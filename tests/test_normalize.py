"""simcore.normalize: each documented step, and bit-equality with the pure-Python twin."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simcore
from simcore import twin

CASES = [
    ("  Hello,\u00a0\u00a0World\t\n", "hello, world"),
    ("It&#8217;s \u201cfine\u201d \u2014 ok", 'it\'s "fine" - ok'),
    ("A &amp; B &lt;tag&gt; &nbsp;x", "a & b <tag> x"),
    ("&amp;amp; &bogus; &#0; &#xD800;", "&amp; &bogus; &#0; &#xd800;"),
    ("\ufb01ne STRASSE Stra\u00dfe", "fine strasse strasse"),
    ("\ufeffa\u200db\u00adc", "abc"),
    ("a\x00b\x07c", "a b c"),
    ("Cafe\u0301", "caf\u00e9"),
    ("\uff21\uff22\uff23 \u2460", "abc 1"),
    ("", ""),
    (" \t\r\n\u3000", ""),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_documented_steps(raw: str, expected: str) -> None:
    assert simcore.normalize([raw]) == [expected]
    assert twin.normalize(raw) == expected


def test_version_is_exported() -> None:
    assert simcore.NORMALIZER_VERSION == 1
    assert simcore.UNICODE_VERSION == "14.0.0"


def _valid_text() -> st.SearchStrategy[str]:
    # Any Unicode scalar value except lone surrogates (not valid text; see test_errors).
    alphabet = st.characters(exclude_categories=("Cs",))
    if unicodedata.unidata_version != simcore.UNICODE_VERSION:
        # The twin uses this Python's Unicode data; compare only characters both versions know.
        alphabet = st.characters(exclude_categories=("Cs",), max_codepoint=0xFFFF).filter(
            lambda c: unicodedata.category(c) != "Cn"
        )
    return st.text(alphabet, max_size=200)


@settings(max_examples=400, deadline=None)
@given(st.lists(_valid_text(), max_size=5))
def test_twin_equality_any_unicode(texts: list[str]) -> None:
    assert simcore.normalize(texts) == [twin.normalize(t) for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("aZ &#;x0123456789ABCDEFampnbsp\u2019\u00e9\u0301 \t"), max_size=60))
def test_twin_equality_entities(text: str) -> None:
    assert simcore.normalize([text]) == [twin.normalize(text)]


def test_normalisation_is_idempotent_on_examples() -> None:
    # Character references are decoded once, so "&amp;amp;" is the documented exception.
    for raw, _ in (c for c in CASES if "&" not in c[0]):
        once = simcore.normalize([raw])[0]
        assert simcore.normalize([once])[0] == once
