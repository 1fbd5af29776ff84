"""The pure-Python twin of simcore's algorithm: standard library only, written plainly.

It gives the same normalised text, shingle hashes, signatures, candidate pairs, verified
edges and clusters as the Rust core, bit for bit (on CPython 3.11, whose ``unicodedata`` is
Unicode 14.0, the version the core's tables were generated from). Tests use it as the oracle;
``benches/`` use it as the pure-Python baseline. It is slow on purpose: clarity over speed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from itertools import pairwise
from typing import Optional

MASK = (1 << 64) - 1
P1 = 0x9E3779B97F4A7C15
P2 = 0xC2B2AE3D27D4EB4F
P3 = 0x165667B19E3779F9
EMPTY = (1 << 32) - 1  # an empty signature bin; a shingle hash of this value fills none
TARGET_RECALL = 0.99
CLIQUE_MAX = 8
GUARD_SUPPORT = 0.5
GUARD_REACH = 0.2
GUARD_BYPASS = 0.8

# ---------------------------------------------------------------------------- normalise

NAMED_ENTITIES = {
    "amp": "&", "apos": "'", "bdquo": "\u201e", "bull": "\u2022", "copy": "\u00a9",
    "deg": "\u00b0", "eacute": "\u00e9", "euro": "\u20ac", "gt": ">", "hellip": "\u2026",
    "laquo": "\u00ab", "ldquo": "\u201c", "lsaquo": "\u2039", "lsquo": "\u2018", "lt": "<",
    "mdash": "\u2014", "middot": "\u00b7", "nbsp": "\u00a0", "ndash": "\u2013",
    "pound": "\u00a3", "quot": '"', "raquo": "\u00bb", "rdquo": "\u201d", "reg": "\u00ae",
    "rsaquo": "\u203a", "rsquo": "\u2019", "sbquo": "\u201a", "shy": "\u00ad",
    "times": "\u00d7", "trade": "\u2122",
}  # fmt: skip
_REFERENCE = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z]{2,8});")
# White_Space characters outside ASCII/Latin-1 controls (Unicode's list is frozen).
_WHITE_SPACE = frozenset(
    "\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_APOSTROPHES = frozenset("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u02bc")
_QUOTES = frozenset("\u201c\u201d\u201e\u201f\u00ab\u00bb\u301d\u301e")
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212")


def _reference(m: re.Match[str]) -> str:
    body = m.group(1)
    if body.startswith("#"):
        value = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
        if value == 0 or value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            return m.group(0)
        return chr(value)
    return NAMED_ENTITIES.get(body, m.group(0))


def is_space(c: str) -> bool:
    cp = ord(c)
    return cp <= 0x20 or 0x7F <= cp <= 0xA0 or c in _WHITE_SPACE


def fold_typographic(c: str) -> str:
    if c in _APOSTROPHES:
        return "'"
    if c in _QUOTES:
        return '"'
    if c in _DASHES:
        return "-"
    return c


def normalize(text: str) -> str:
    """Entities, NFKC, case folding, typographic folding, format removal, space collapsing."""
    text = _REFERENCE.sub(_reference, text)
    text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    out: list[str] = []
    pending_space = False
    for c in text:
        if is_space(c):
            pending_space = bool(out)
            continue
        if unicodedata.category(c) == "Cf":
            continue
        if pending_space:
            out.append(" ")
            pending_space = False
        out.append(fold_typographic(c))
    return "".join(out)


def is_word_char(c: str) -> bool:
    return unicodedata.category(c)[0] in "LMN"


def words(normalized: str) -> list[str]:
    """Maximal runs of word characters."""
    out: list[str] = []
    current: list[str] = []
    for c in normalized:
        if is_word_char(c):
            current.append(c)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


# ---------------------------------------------------------------------------- hash


def fmix64(x: int) -> int:
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & MASK
    x ^= x >> 33
    x = (x * 0xC4CEB9FE1A85EC53) & MASK
    x ^= x >> 33
    return x


def fold(x: int, y: int) -> int:
    p = x * y
    return (p & MASK) ^ (p >> 64)


def hash_bytes(data: bytes, seed: int) -> int:
    h = seed ^ ((len(data) * P1) & MASK)
    for i in range(0, len(data), 8):
        word = int.from_bytes(data[i : i + 8].ljust(8, b"\0"), "little")
        h = fold(h ^ word ^ P3, P2)
    return fmix64(h)


def combine(token_hashes: list[int], seed: int) -> int:
    acc = seed ^ P3
    for t in token_hashes:
        acc = fold(acc ^ t, P1)
    return fmix64(acc ^ len(token_hashes))


def rotl(x: int, r: int) -> int:
    r %= 64
    return ((x << r) | (x >> (64 - r))) & MASK


def window_hash(token_hashes: list[int], seed: int) -> int:
    m = len(token_hashes)
    x = 0
    for j, t in enumerate(token_hashes):
        x ^= rotl(t, 13 * (m - 1 - j))
    return fmix64(x ^ seed ^ P3 ^ ((m * P1) & MASK))


def reduce(h: int, n: int) -> int:
    return (h * n) >> 64


def hash32(h: int) -> int:
    """The 32-bit hash a shingle set stores: the top half of the 64-bit shingle hash."""
    return h >> 32


def reduce32(h: int, n: int) -> int:
    return (h * n) >> 32


def probe(seed: int, bin_: int, attempt: int) -> int:
    return fmix64(((seed + P3) & MASK) ^ ((bin_ << 32) | attempt))


# ---------------------------------------------------------------------------- shingle


def word_hashes(text: str, seed: int) -> list[int]:
    return [hash_bytes(w.encode("utf-8"), seed) for w in words(normalize(text))]


def shingle(text: str, unit: str = "word", k: int = 5, seed: int = 0) -> tuple[list[int], int]:
    """Sorted unique 32-bit shingle hashes and the token count."""
    if unit == "word":
        tokens = word_hashes(text, seed)
        if not tokens:
            hashes: list[int] = []
        elif len(tokens) < k:
            hashes = [window_hash(tokens, seed)]
        else:
            hashes = [window_hash(tokens[i : i + k], seed) for i in range(len(tokens) - k + 1)]
        return sorted({hash32(h) for h in hashes}), len(tokens)
    norm = normalize(text)
    cseed = seed ^ P2
    if not norm:
        return [], 0
    if len(norm) < k:
        return [hash32(hash_bytes(norm.encode("utf-8"), cseed))], len(norm)
    grams = {
        hash32(hash_bytes(norm[i : i + k].encode("utf-8"), cseed)) for i in range(len(norm) - k + 1)
    }
    return sorted(grams), len(norm)


# ---------------------------------------------------------------------------- minhash


def signature(hashes: list[int], num_perm: int = 128, seed: int = 0) -> list[int]:
    """One-permutation hashing with optimal densification, over 32-bit shingle hashes."""
    sig = [EMPTY] * num_perm
    for h in hashes:
        b = reduce32(h, num_perm)
        if h < sig[b]:
            sig[b] = h
    filled = [v for v in sig if v != EMPTY]
    if not filled or len(filled) == num_perm:
        return sig
    if len(filled) == 1:
        return [filled[0]] * num_perm
    original = list(sig)
    for i in range(num_perm):
        if original[i] != EMPTY:
            continue
        attempt = 1
        while True:
            j = reduce(probe(seed, i, attempt), num_perm)
            if original[j] != EMPTY:
                sig[i] = original[j]
                break
            attempt += 1
    return sig


# ---------------------------------------------------------------------------- exact similarity


def overlap(a: list[int], b: list[int]) -> tuple[int, int, int]:
    return len(set(a) & set(b)), len(a), len(b)


def jaccard(a: list[int], b: list[int]) -> float:
    shared, na, nb = overlap(a, b)
    union = na + nb - shared
    return shared / union if union else 0.0


def score(shared: int, na: int, nb: int, measure: str) -> float:
    if measure == "jaccard":
        union = na + nb - shared
        return shared / union if union else 0.0
    ca = shared / na if na else 0.0
    cb = shared / nb if nb else 0.0
    return max(ca, cb)


# ---------------------------------------------------------------------------- LSH


def probability(bands: int, rows: int, j: float) -> float:
    return 1.0 - (1.0 - j**rows) ** bands


def derive_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """The most rows, then the fewest bands, reaching TARGET_RECALL at ``threshold``."""
    for rows in range(num_perm, 0, -1):
        if probability(num_perm // rows, rows, threshold) >= TARGET_RECALL:
            for bands in range(1, num_perm // rows + 1):
                if probability(bands, rows, threshold) >= TARGET_RECALL:
                    return bands, rows
    raise ValueError("threshold too low for num_perm")


def jaccard_floor(containment: float, min_ratio: float) -> float:
    c = containment * min_ratio
    return c / (1.0 + min_ratio - c)


def fingerprint(hashes: list[int], seed: int = 0) -> int:
    """A 128-bit fingerprint of a shingle set (two :func:`combine` hashes)."""
    return (combine(hashes, seed) << 64) | combine(hashes, seed ^ MASK)


def content_order(sets: list[list[int]], seed: int = 0) -> list[int]:
    """Documents sorted by set fingerprint, then index: the order that breaks every tie."""
    fps = [fingerprint(s, seed) for s in sets]
    return sorted(range(len(sets)), key=lambda d: (fps[d], d))


def candidate_pairs(
    sigs: list[list[int]],
    bands: int,
    rows: int,
    seed: int = 0,
    order: Optional[list[int]] = None,
) -> list[tuple[int, int]]:
    """Bucket members are taken in ``order`` (input order by default): the first leads a star."""
    visit = list(range(len(sigs))) if order is None else order

    def pair(x: int, y: int) -> tuple[int, int]:
        return (min(x, y), max(x, y))

    found: set[tuple[int, int]] = set()
    for band in range(bands):
        lo = band * rows
        keys = []
        for position, doc in enumerate(visit):
            sig = sigs[doc]
            if sig[0] == EMPTY:
                continue
            part = sig[lo : lo + rows]
            key = part[0] if rows == 1 else combine(part, seed ^ band)
            keys.append((key, position, doc))
        keys.sort()
        start = 0
        while start < len(keys):
            end = start
            while end < len(keys) and keys[end][0] == keys[start][0]:
                end += 1
            run = [doc for _, _, doc in keys[start:end]]
            if len(run) > 1:
                if len(run) <= CLIQUE_MAX:
                    found.update(pair(a, b) for i, a in enumerate(run) for b in run[i + 1 :])
                else:
                    first = run[0]
                    for prev, cur in pairwise(run):
                        found.add(pair(first, cur))
                        if prev != first:
                            found.add(pair(prev, cur))
            start = end
    return sorted(found)


def duplicate_pairs(sets: list[list[int]]) -> list[tuple[int, int]]:
    """(first, d) for every document whose non-empty set equals an earlier one's."""
    first: dict[tuple[int, ...], int] = {}
    out = []
    for d, s in enumerate(sets):
        if not s:
            continue
        key = tuple(s)
        if key in first:
            out.append((first[key], d))
        else:
            first[key] = d
    return sorted(out)


PREFILTER_Z = 2.5


def jaccard_needed(measure: str, threshold: float, na: int, nb: int) -> float:
    """The Jaccard a pair of these sizes needs to reach the threshold."""
    if measure == "jaccard":
        return threshold
    m = threshold * min(na, nb)
    return m / ((na + nb) - m)


# The prefilter compares the low 8 bits of each signature value (b-bit minwise hashing).
NARROW = 0xFF


def plausible(equal: int, k: int, needed: float) -> bool:
    """Is ``equal`` agreeing (narrow) columns of ``k`` plausible for a pair at Jaccard
    ``needed``?"""
    kf = float(k)
    bound = kf * needed - PREFILTER_Z * math.sqrt(kf * needed * (1.0 - needed))
    return equal >= bound


# ---------------------------------------------------------------------------- boilerplate


# A corpus of at least twice SAMPLE_DOCS documents with shingles is sampled, one document in
# up to SAMPLE_MOST, if the cap is at least SAMPLE_MEAN times the stride; if it is not, once
# more at half the stride (or less, if the cap allows less).
SAMPLE_DOCS = 4096
SAMPLE_MOST = 8
SAMPLE_MEAN = 32.0


def df_cap(
    sets: list[list[int]], floor: int, multiplier: float, quantile: float, stride: int = 1
) -> int:
    """The cap from the medians of ``sets``, a sample of one document in ``stride``."""
    df = Counter(h for s in sets for h in s)
    medians = sorted(
        min(1 + (sorted(df[h] for h in s)[len(s) // 2] - 1) * stride, 2**32 - 1) for s in sets if s
    )
    if not medians:
        return floor
    idx = min(max(math.ceil(quantile * len(medians)), 1), len(medians)) - 1
    return max(floor, math.ceil(multiplier * float(medians[idx])))


def content_key(s: list[int]) -> int:
    return fmix64(sum(s) & MASK)


def df_stride(sets: list[list[int]], fixed_cap: Optional[int]) -> int:
    k = min(max(sum(1 for s in sets if s) // SAMPLE_DOCS, 1), SAMPLE_MOST)
    if fixed_cap is not None:
        k = max(min(k, int((fixed_cap + 1.0) / SAMPLE_MEAN)), 1)
    return k


def boilerplate(
    sets: list[list[int]],
    fixed_cap: Optional[int],
    floor: int,
    multiplier: float,
    quantile: float,
) -> tuple[list[list[int]], int, int, int]:
    """Suppressed sets, the cap, the entries dropped and the sample's stride."""
    k = df_stride(sets, fixed_cap)
    keyed = sorted((content_key(s), d) for d, s in enumerate(sets) if s) if k > 1 else []
    retried = False
    while k > 1:
        sample = [sets[d] for d in sorted(d for _, d in keyed[::k])]
        cap = fixed_cap if fixed_cap is not None else df_cap(sample, floor, multiplier, quantile, k)
        if cap + 1.0 >= SAMPLE_MEAN * k:
            counts = Counter(h for s in sample for h in s)
            out, dropped = _drop(sets, {h for h, c in counts.items() if c >= cap // k + 1})
            return out, cap, dropped, k
        # Once more at half the stride (or less, if the cap allows less); then the whole corpus.
        k = 1 if retried else max(min(int((cap + 1.0) / SAMPLE_MEAN), k // 2), 1)
        retried = True
    cap = fixed_cap if fixed_cap is not None else df_cap(sets, floor, multiplier, quantile)
    out, dropped = suppress(sets, cap)
    return out, cap, dropped, 1


def suppress(sets: list[list[int]], cap: int) -> tuple[list[list[int]], int]:
    df = Counter(h for s in sets for h in s)
    return _drop(sets, {h for h, c in df.items() if c > cap})


def _drop(sets: list[list[int]], dropped: set[int]) -> tuple[list[list[int]], int]:
    """``sets`` without the ``dropped`` hashes (a set that would lose all keeps them all), and
    the number of entries dropped."""
    out = [[h for h in s if h not in dropped] or list(s) for s in sets]
    return out, sum(map(len, sets)) - sum(map(len, out))


# ---------------------------------------------------------------------------- cluster


def _groups_union_find(
    n: int, edges: list[tuple[int, int, float, float]], guarded: bool, rank: list[int]
) -> tuple[list[int], list[float]]:
    parent = list(range(n))
    members = [[i] for i in range(n)]
    weakest = [math.nan] * n
    adj: list[list[int]] = [[] for _ in range(n)]
    for a, b, *_ in edges:
        adj[a].append(b)
        adj[b].append(a)

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    def supported(ra: int, rb: int) -> bool:
        # Half the smaller group (at least two) must link into the larger, reaching a fifth of
        # it (at least two).
        small, large = (ra, rb) if len(members[ra]) <= len(members[rb]) else (rb, ra)
        if len(members[small]) < 2 and len(members[large]) < 2:
            return True
        linked = {m for m in members[small] for nb in adj[m] if find(nb) == large}
        ends = {nb for m in members[small] for nb in adj[m] if find(nb) == large}

        def need(size: int, share: float) -> int:
            return 1 if size < 2 else max(2, math.ceil(share * size))

        return len(linked) >= need(len(members[small]), GUARD_SUPPORT) and len(ends) >= need(
            len(members[large]), GUARD_REACH
        )

    def key(e: tuple[int, int, float, float]) -> tuple[float, int, int]:
        x, y = rank[e[0]], rank[e[1]]
        return (-e[2], min(x, y), max(x, y))

    for a, b, s, mutual in sorted(edges, key=key):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if guarded and mutual < GUARD_BYPASS and not supported(ra, rb):
            continue
        big, small = (ra, rb) if len(members[ra]) >= len(members[rb]) else (rb, ra)
        parent[small] = big
        members[big] += members[small]
        members[small] = []
        weakest[big] = min(x for x in (weakest[big], weakest[small], s) if not math.isnan(x))
    roots = [find(i) for i in range(n)]
    return roots, [weakest[r] for r in roots]


def _groups_centers(
    n: int, edges: list[tuple[int, int, float]], priority: list[int], rank: list[int]
) -> tuple[list[int], list[float]]:
    adj: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for a, b, s in edges:
        adj[a].append((b, s))
        adj[b].append((a, s))
    centre = [-1] * n
    link = [math.nan] * n
    for c in sorted(range(n), key=lambda i: (priority[i], rank[i])):
        if centre[c] != -1:
            continue
        centre[c] = c
        for nb, s in adj[c]:
            if centre[nb] == -1:
                centre[nb] = c
                link[nb] = s
    weakest = [math.nan] * n
    for i in range(n):
        if not math.isnan(link[i]):
            c = centre[i]
            weakest[c] = link[i] if math.isnan(weakest[c]) else min(weakest[c], link[i])
    return centre, [weakest[centre[i]] for i in range(n)]


def cluster_edges(
    n: int,
    edges: list[tuple[int, int, float, float]],
    linkage: str,
    priority: list[int],
    rank: list[int],
) -> tuple[list[int], list[int], list[float]]:
    """Labels, representatives and weakest links from verified edges; ``rank`` breaks ties
    (a, b, score, the smaller of the two containments)."""
    if linkage == "centers":
        group, weak = _groups_centers(n, [(a, b, s) for a, b, s, _ in edges], priority, rank)
    else:
        group, weak = _groups_union_find(n, edges, linkage == "guarded", rank)
    label_of: dict[int, int] = {}
    labels: list[int] = []
    reps: list[int] = []
    weakest: list[float] = []
    for i in range(n):
        g = group[i]
        if g not in label_of:
            label_of[g] = len(reps)
            reps.append(i)
            weakest.append(weak[i])
        lab = label_of[g]
        labels.append(lab)
        if (priority[i], rank[i]) < (priority[reps[lab]], rank[reps[lab]]):
            reps[lab] = i
    return labels, reps, weakest


def cluster(
    texts: list[str],
    *,
    threshold: float = 0.3,
    measure: str = "containment",
    unit: str = "word",
    k: int = 5,
    num_perm: int = 128,
    bands: Optional[int] = None,
    rows: Optional[int] = None,
    min_size_ratio: float = 0.25,
    df: str = "auto",
    df_floor: int = 10,
    df_multiplier: float = 2.0,
    df_quantile: float = 0.99,
    fixed_cap: int = 0,
    linkage: str = "guarded",
    priority: Optional[list[int]] = None,
    seed: int = 0,
) -> dict[str, object]:
    """The whole pipeline; returns labels, representatives, weakest links, edges and figures."""
    shingled = [shingle(t, unit, k, seed) for t in texts]
    sets = [s for s, _ in shingled]
    tokens = [n for _, n in shingled]
    cap: Optional[int] = None
    dropped, stride = 0, 1
    if df != "off":
        fixed = fixed_cap if df == "fixed" else None
        sets, cap, dropped, stride = boilerplate(sets, fixed, df_floor, df_multiplier, df_quantile)
    if bands is None or rows is None:
        design = threshold if measure == "jaccard" else jaccard_floor(threshold, min_size_ratio)
        bands, rows = derive_bands(design, num_perm)
    sigs = [signature(s, num_perm, seed) for s in sets]
    order = content_order(sets, seed)
    rank = [0] * len(sets)
    for position, d in enumerate(order):
        rank[d] = position
    lsh_pairs = sorted(
        set(candidate_pairs(sigs, bands, rows, seed, order)) | set(duplicate_pairs(sets))
    )
    pairs = [
        (a, b)
        for a, b in lsh_pairs
        if plausible(
            sum((x ^ y) & NARROW == 0 for x, y in zip(sigs[a], sigs[b], strict=True)),
            num_perm,
            jaccard_needed(measure, threshold, len(sets[a]), len(sets[b])),
        )
    ]
    edges = []
    for a, b in pairs:
        shared, na, nb = overlap(sets[a], sets[b])
        sc = score(shared, na, nb, measure)
        if shared > 0 and sc >= threshold:
            edges.append((a, b, shared, na, nb, sc))
    if priority is None:
        priority = [(2**32 - 1) - t for t in tokens]
    mutual = [(a, b, s, sh / max(na, nb)) for a, b, sh, na, nb, s in edges]
    labels, reps, weakest = cluster_edges(len(texts), mutual, linkage, priority, rank)
    return {
        "labels": labels,
        "representatives": reps,
        "weakest": weakest,
        "edges": edges,
        "candidates": len(lsh_pairs),
        "verified": len(pairs),
        "df_cap": cap,
        "df_stride": stride,
        "suppressed": dropped,
        "bands": bands,
        "rows": rows,
    }
