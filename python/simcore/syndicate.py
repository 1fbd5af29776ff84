"""A syndication generator: real articles republished by many outlets, with story labels.

Source articles are read at run time (e.g. from ``../shared/corpora``); nothing of their text is
stored here. Each story is republished by several outlets, each with its own house style:

* renames and respellings (the "Isis" -> "IS" kind), US/UK spellings, abbreviations;
* trimming from the bottom, and write-throughs that drop or reorder sentences;
* site furniture: navigation, "Read more" cross-links quoting other stories' leads, photo
  captions, donation appeals, comment prompts; the same on every page of an outlet.

Round-up pages quote the leads of several stories; each is its own story (label). The
boilerplate vocabulary below was written for simcore.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

SPELLINGS = [
    ("percent", "per cent"), ("organization", "organisation"), ("center", "centre"),
    ("color", "colour"), ("defense", "defence"), ("program", "programme"),
    ("neighbor", "neighbour"), ("labor", "labour"), ("favor", "favour"),
    ("analyze", "analyse"), ("traveled", "travelled"), ("catalog", "catalogue"),
]  # fmt: skip
ABBREVIATIONS = [
    ("January", "Jan."), ("February", "Feb."), ("September", "Sept."), ("October", "Oct."),
    ("November", "Nov."), ("December", "Dec."), ("Monday", "Mon."), ("Tuesday", "Tues."),
    ("Street", "St."), ("Avenue", "Ave."), ("Government", "Govt"), ("million", "mln"),
    ("billion", "bln"), ("President", "Pres."), ("Minister", "Min."), ("Company", "Co."),
]  # fmt: skip
FURNITURE_WORDS = [
    "subscribe",
    "newsletter",
    "daily",
    "briefing",
    "local",
    "team",
    "reporters",
    "support",
    "independent",
    "journalism",
    "donate",
    "monthly",
    "readers",
    "community",
    "stories",
    "matter",
    "free",
    "access",
    "sign",
    "up",
    "privacy",
    "policy",
    "terms",
    "cookies",
    "advertise",
    "contact",
    "us",
    "careers",
    "archive",
    "weather",
    "traffic",
    "sports",
    "opinion",
    "obituaries",
    "events",
    "puzzles",
    "podcasts",
    "video",
    "photo",
    "gallery",
    "share",
    "facebook",
    "twitter",
    "email",
    "print",
    "comments",
    "closed",
    "moderated",
    "guidelines",
    "trending",
    "most",
    "read",
    "editor",
    "picks",
    "sponsored",
    "content",
    "partner",
    "offers",
    "membership",
    "benefits",
    "exclusive",
    "weekend",
    "edition",
    "morning",
    "digest",
    "evening",
    "update",
    "alerts",
]
OUTLET_PARTS = [
    "Valley",
    "Harbor",
    "North",
    "South",
    "East",
    "West",
    "River",
    "Lake",
    "Coastal",
    "Metro",
    "County",
    "Capital",
    "Prairie",
    "Mountain",
    "Bay",
    "Central",
    "Union",
    "Pioneer",
    "Summit",
    "Gazette",
    "Courier",
    "Tribune",
    "Herald",
    "Ledger",
    "Post",
    "Chronicle",
    "Observer",
    "Sentinel",
    "Dispatch",
    "Journal",
    "Times",
    "Record",
    "Star",
    "Beacon",
    "Examiner",
    "Bulletin",
]
APPEAL_SENTENCES = [
    "Before you go, we have a small favour to ask of every reader.",
    "Our reporting is free to read because readers like you choose to support it.",
    "Local journalism is expensive to produce and it has never been more important.",
    "If you value what you read here, please consider a monthly contribution.",
    "Every gift, large or small, keeps our reporters in the courtroom and at the council.",
    "We have no billionaire owner and no shareholders to answer to.",
    "That means nobody edits our editors and nobody steers our coverage.",
    "It only takes a minute to help, and you can cancel at any time.",
    "Thank you for reading, and thank you for standing with independent news.",
    "Join the thousands of members who already make this work possible.",
    "Sign up for our free morning newsletter and never miss the stories that matter.",
    "Have a news tip or a story we should be covering? Our newsroom wants to hear from you.",
    "Comments on this article are moderated and may take some time to appear.",
    "Please read our community guidelines before joining the conversation below.",
]
INTENSITY = {
    # (trim probability, keep fraction range, rename words, sentence drop rate, furniture lines)
    "light": (0.3, (0.7, 1.0), 1, 0.0, (1, 3)),
    "medium": (0.5, (0.5, 1.0), 3, 0.03, (2, 4)),
    "heavy": (0.7, (0.35, 1.0), 6, 0.08, (3, 6)),
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'\u201c])")


@dataclass
class Outlet:
    """One site: its name, house style and furniture."""

    name: str
    spellings: dict[str, str]
    header: list[str]
    footer: list[str]
    renames: dict[str, str] = field(default_factory=dict)


def _furniture(rng: random.Random, lines: int) -> list[str]:
    out = []
    for _ in range(lines):
        n = rng.randint(3, 12)
        words = [rng.choice(FURNITURE_WORDS) for _ in range(n)]
        out.append(" ".join(words).capitalize() + rng.choice([".", "", " |", ":"]))
    return out


def make_outlets(n: int, intensity: str, rng: random.Random) -> list[Outlet]:
    lo, hi = INTENSITY[intensity][4]
    outlets = []
    for i in range(n):
        name = f"{rng.choice(OUTLET_PARTS)} {rng.choice(OUTLET_PARTS)} {i}"
        style: dict[str, str] = {}
        for us, uk in SPELLINGS:
            if rng.random() < 0.5:
                style[us] = uk
        for full, short in ABBREVIATIONS:
            if rng.random() < 0.3:
                style[full] = short
        header = [name, *_furniture(rng, rng.randint(lo, hi) // 2 + 1)]
        footer = _furniture(rng, rng.randint(lo, hi))
        if rng.random() < 0.4:
            appeal = rng.sample(APPEAL_SENTENCES, rng.randint(3, 6))
            footer.insert(0, " ".join(appeal))
        outlets.append(Outlet(name, style, header, footer))
    return outlets


def _capitalised_words(text: str) -> list[str]:
    return sorted({w for w in re.findall(r"\b[A-Z][a-z]{3,}\b", text)})


def _republish(
    text: str,
    outlet: Outlet,
    cross_links: list[str],
    intensity: str,
    rng: random.Random,
) -> str:
    trim_p, (keep_lo, keep_hi), n_renames, drop_rate, _ = INTENSITY[intensity]
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if len(paragraphs) > 2 and rng.random() < trim_p:
        # Cut from the bottom at a paragraph end, keeping a share of the words (at least 100).
        total = sum(len(p.split()) for p in paragraphs)
        target = max(100, round(total * rng.uniform(keep_lo, keep_hi)))
        kept, words = [], 0
        for p in paragraphs:
            kept.append(p)
            words += len(p.split())
            if words >= target:
                break
        paragraphs = kept
    names = _capitalised_words(text)
    renames = {}
    for w in rng.sample(names, min(n_renames, len(names))):
        renames[w] = w[: rng.randint(2, 3)].upper() if rng.random() < 0.5 else w + "s"
    out_pars = []
    for p in paragraphs:
        sentences = _SENTENCE.split(p)
        kept = [s for s in sentences if rng.random() >= drop_rate] or sentences[:1]
        if len(kept) > 2 and rng.random() < drop_rate:
            i = rng.randrange(len(kept) - 1)
            kept[i], kept[i + 1] = kept[i + 1], kept[i]
        par = " ".join(kept)
        for old, new in {**outlet.spellings, **renames}.items():
            par = re.sub(rf"\b{re.escape(old)}\b", new, par)
        out_pars.append(par)
    body = list(out_pars)
    if cross_links and len(body) > 3:
        at = rng.randint(2, len(body) - 1)
        body.insert(at, "Read more: " + cross_links[0])
    if rng.random() < 0.4:
        body.insert(1, "Photo: " + " ".join(rng.choice(FURNITURE_WORDS) for _ in range(8)))
    return "\n".join(
        outlet.header + body + ["Read more: " + c for c in cross_links[1:]] + outlet.footer
    )


@dataclass
class Corpus:
    """Generated documents with their story labels."""

    ids: list[str]
    texts: list[str]
    labels: list[int]
    outlets: list[str]


def _weighted_sample(
    sites: list[Outlet], weights: list[float], k: int, rng: random.Random
) -> list[Outlet]:
    """``k`` different outlets, big outlets more likely (outlet sizes follow Zipf's law)."""
    chosen: dict[int, None] = {}
    while len(chosen) < k:
        chosen[rng.choices(range(len(sites)), weights)[0]] = None
    return [sites[i] for i in chosen]


def _lead(text: str, words: int = 40) -> str:
    return " ".join(text.split()[:words])


def generate(
    sources: Sequence[str],
    n_docs: int,
    *,
    intensity: str = "medium",
    outlets: int = 150,
    roundup_rate: float = 0.01,
    seed: int = 0,
) -> Corpus:
    """Republish ``sources`` (distinct stories) until ``n_docs`` documents exist.

    Story sizes are heavy-tailed (most stories 1-5 copies, a few dozens), each copy from a
    different outlet, so an outlet's furniture recurs on many pages of different stories.
    A story's label is its source's index in ``sources``, so corpora generated with other
    seeds from the same sources agree on it; a round-up page's label is negative.
    """
    if intensity not in INTENSITY:
        raise ValueError(f"intensity must be one of {sorted(INTENSITY)}")
    rng = random.Random(seed)
    sites = make_outlets(outlets, intensity, rng)
    indexed = [(i, s) for i, s in enumerate(sources) if len(s.split()) >= 150]
    weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(sites))]
    rng.shuffle(indexed)
    pool = [s for _, s in indexed]
    ids: list[str] = []
    texts: list[str] = []
    labels: list[int] = []
    names: list[str] = []
    story = 0
    while len(texts) < n_docs and story < len(pool):
        source = pool[story]
        copies = min(outlets // 2, int(rng.paretovariate(1.3)), n_docs - len(texts))
        for site in _weighted_sample(sites, weights, copies, rng):
            links = [_lead(rng.choice(pool), rng.randint(8, 16)) for _ in range(rng.randint(1, 3))]
            texts.append(_republish(source, site, links, intensity, rng))
            labels.append(indexed[story][0])
            names.append(site.name)
            ids.append(f"s{story}-{len(texts)}")
        story += 1
        if rng.random() < roundup_rate and len(texts) < n_docs and story > 4:
            quoted = rng.sample(pool[:story], rng.randint(3, 5))
            site = rng.choice(sites)
            body = [f"Today's headlines from {site.name}."] + [_lead(q, 60) for q in quoted]
            texts.append("\n".join(site.header + body + site.footer))
            labels.append(-1 - len(texts))  # a story of its own
            names.append(site.name)
            ids.append(f"roundup-{len(texts)}")
    if len(texts) < n_docs:
        raise ValueError(f"only {len(texts)} documents from {len(pool)} source articles; give more")
    order = list(range(len(texts)))
    rng.shuffle(order)
    return Corpus(
        [ids[i] for i in order],
        [texts[i] for i in order],
        [labels[i] for i in order],
        [names[i] for i in order],
    )
