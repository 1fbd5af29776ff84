"""Strings are read in the form Python stores them: no UTF-8 copy is left on the caller's str."""

from __future__ import annotations

import sys

import simcore
from simcore import twin

STORY = (
    "the harbour authority said on tuesday that the ferry would resume its morning crossings "
    "after repairs to the landing stage were finished ahead of the holiday weekend"
)
# One string of each of Python's storage forms: ASCII, Latin-1 (one byte a character), two
# bytes a character, four bytes a character.
FORMS = {
    "ascii": STORY,
    "latin1": STORY.replace("harbour", "harbour café"),
    "ucs2": STORY.replace("said", "said \u201cfinally\u201d \u2014"),
    "ucs4": STORY.replace("ferry", "ferry \U0001f6a2"),
}


def _sizes(texts: list[str]) -> list[int]:
    return [sys.getsizeof(t) for t in texts]


def test_no_utf8_copy_is_left_on_the_strings() -> None:
    # Fresh objects (a literal may already carry a UTF-8 copy from another call).
    texts = ["".join(list(t)) for t in FORMS.values()]
    before = _sizes(texts)
    r = simcore.cluster(texts)
    simcore.normalize(texts)
    simcore.shingles(texts)
    with simcore.ClusterStream() as s:
        s.add(texts)
        s.finish()
    assert _sizes(texts) == before
    assert r.clusters == [[0, 1, 2, 3]]


def test_every_form_shingles_as_its_utf8() -> None:
    # The pure-Python twin reads each str as text, whatever its storage form; the core reads
    # the form itself, in one and in several threads.
    for threads in (1, 2):
        for unit in ("word", "char"):
            sets = simcore.shingles(list(FORMS.values()), unit=unit, k=3, threads=threads)
            for (name, text), s in zip(FORMS.items(), sets, strict=True):
                assert s.tolist() == twin.shingle(text, unit, 3, 0)[0], (name, unit, threads)
    # The forms differ from the ASCII story in one place each, so most shingles are shared.
    sets = simcore.shingles(list(FORMS.values()))
    ascii_story = set(sets[0].tolist())
    for name, s in zip(FORMS, sets, strict=True):
        assert len(ascii_story & set(s.tolist())) >= len(ascii_story) - 5, name
