"""Defaults and parameter validation: the one place where simcore's defaults live."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Optional

from simcore import _core

Measure = Literal["containment", "jaccard"]
Unit = Literal["word", "char"]
Linkage = Literal["guarded", "components", "centers"]
Boilerplate = Literal["auto", "off"]

#: Default exact measure: a trimmed or padded copy still matches its source.
DEFAULT_MEASURE: Measure = "containment"
#: Default threshold per measure. Same-story wire copies measured on real republished text
#: score 0.39-0.86 in containment; unrelated stories on the same event stay below 0.2.
DEFAULT_THRESHOLD = {"containment": 0.3, "jaccard": 0.5}
#: Word 5-shingles: distinctive enough that unrelated news rarely shares one.
DEFAULT_UNIT: Unit = "word"
DEFAULT_K = 5
#: Signature length K.
DEFAULT_NUM_PERM = 128
DEFAULT_SEED = 0
#: For containment, the smallest size ratio (smaller/larger set) that LSH is designed for.
DEFAULT_MIN_SIZE_RATIO = 0.25
DEFAULT_LINKAGE: Linkage = "guarded"
DEFAULT_BOILERPLATE: Boilerplate = "auto"
#: Learned document-frequency cap: max(floor, ceil(multiplier * quantile of the documents'
#: median shingle frequency)).
DF_FLOOR = 10
DF_MULTIPLIER = 2.0
DF_QUANTILE = 0.99

MAX_SEED = 2**64 - 1


def check_int(name: str, value: object, lo: int, hi: Optional[int] = None) -> int:
    """Return ``value`` if it is an int in ``[lo, hi]``, else raise TypeError/ValueError."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            import numpy as np

            if isinstance(value, np.integer):
                value = int(value)
            else:
                raise TypeError
        except TypeError:
            raise TypeError(f"{name} must be an int, got {type(value).__name__}") from None
    assert isinstance(value, int)
    if value < lo or (hi is not None and value > hi):
        rng = f">= {lo}" if hi is None else f"between {lo} and {hi}"
        raise ValueError(f"{name} must be {rng}, got {value}")
    return value


def check_fraction(name: str, value: object, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float in (0, 1] (or [0, 1]), else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    v = float(value)
    ok = (0.0 <= v <= 1.0) if allow_zero else (0.0 < v <= 1.0)
    if math.isnan(v) or not ok:
        interval = "[0, 1]" if allow_zero else "(0, 1]"
        raise ValueError(f"{name} must be in {interval}, got {value}")
    return v


def check_choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        opts = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {opts}, got {value!r}")
    return value


def resolve_threads(threads: object) -> int:
    """``None`` means all cores (0 for the core); otherwise a positive int."""
    if threads is None:
        return 0
    return check_int("threads", threads, 1, 4096)


@dataclass(frozen=True)
class LshInfo:
    """LSH band parameters and what they promise.

    Attributes
    ----------
    bands, rows:
        The index has ``bands`` bands of ``rows`` signature values each.
    design_jaccard:
        The Jaccard similarity the bands are designed for (for containment, the Jaccard a pair
        has at least when it meets the threshold at the smallest supported size ratio).
    p_at_threshold:
        Probability that a pair at ``design_jaccard`` becomes a candidate (>= 0.99 when derived).
    p_below:
        Expected candidate rate of pairs at ``design_jaccard - 0.1`` (0 if that is below 0).
    """

    bands: int
    rows: int
    design_jaccard: float
    p_at_threshold: float
    p_below: float

    @staticmethod
    def for_bands(bands: int, rows: int, design: float) -> LshInfo:
        below = max(design - 0.1, 0.0)
        return LshInfo(
            bands,
            rows,
            design,
            _core.lsh_probability(bands, rows, design),
            _core.lsh_probability(bands, rows, below) if below > 0 else 0.0,
        )


def design_jaccard(measure: str, threshold: float, min_size_ratio: float) -> float:
    """The Jaccard similarity LSH must catch for ``measure`` at ``threshold``."""
    if measure == "jaccard":
        return threshold
    return float(_core.jaccard_floor(threshold, min_size_ratio))


def lsh_info(
    measure: str,
    threshold: float,
    num_perm: int,
    bands: Optional[int],
    rows: Optional[int],
    min_size_ratio: float,
) -> LshInfo:
    """Derive (or check explicit) bands and rows."""
    design = design_jaccard(measure, threshold, min_size_ratio)
    if bands is None and rows is None:
        b, r = _core.lsh_params(design, num_perm)
        return LshInfo.for_bands(b, r, design)
    if bands is None or rows is None:
        raise ValueError("give both bands and rows, or neither")
    b = check_int("bands", bands, 1)
    r = check_int("rows", rows, 1)
    if num_perm % b != 0:
        raise ValueError(f"num_perm ({num_perm}) must be divisible by bands ({b})")
    if b * r != num_perm:
        raise ValueError(f"bands x rows must equal num_perm: {b} x {r} != {num_perm}")
    return LshInfo.for_bands(b, r, design)
