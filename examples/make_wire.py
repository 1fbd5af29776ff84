"""Write examples/wire/: invented stories, each republished by fictional outlets with the edits
seen in real syndication (house-style renames and spellings, trimmed endings, appended appeals,
page furniture). Every word here was written for simcore; run it to regenerate the folder."""

from __future__ import annotations

from pathlib import Path

STORIES = {
    "flood": (
        "Floodwaters rose across the Marlow Valley on Sunday after three days of heavy rain, "
        "forcing the evacuation of more than 4,000 residents from low-lying neighbourhoods, "
        "emergency officials said.\n\n"
        "The regional civil protection agency said the Tesk river had climbed above its 1987 "
        "record at the town of Brennick, where volunteers spent the night stacking sandbags "
        "along the old harbour wall.\n\n"
        "\u201cWe have never seen the water come up this fast,\u201d said Anna Holm, who runs a "
        "bakery near the river. \u201cBy midnight the street was a canal.\u201d\n\n"
        "Rescue crews used boats to reach elderly people trapped in their homes, and two "
        "schools were converted into shelters. No deaths have been reported, but the agency "
        "warned that further rain was forecast for Tuesday and urged people not to drive "
        "through flooded roads.\n\n"
        "The valley's main rail line was closed between Brennick and Oster after part of an "
        "embankment collapsed. Engineers said repairs could take at least two weeks.\n\n"
        "Regional governor Piet Lammers said the government would release an emergency fund "
        "to help families and farmers whose harvests were destroyed, and promised a review "
        "of flood defences along the Tesk."
    ),
    "satellite": (
        "A weather satellite built by a consortium of European universities was launched "
        "successfully on Thursday from a spaceport in northern Norway, its operators said.\n\n"
        "The 180-kilogram craft, named Aurora-2, will measure the moisture content of clouds "
        "over the Arctic, data that scientists say is badly needed to improve forecasts of "
        "storms in the far north.\n\n"
        "\u201cThe Arctic is warming faster than anywhere else on the planet, and our models "
        "are flying half blind there,\u201d said mission scientist Dr Lena Fischer. \u201cThis "
        "instrument should change that.\u201d\n\n"
        "The satellite separated from its rocket about 54 minutes after lift-off and sent its "
        "first signal to a ground station in Svalbard shortly afterwards. Engineers will spend "
        "the next six weeks testing its instruments before science operations begin.\n\n"
        "The mission cost about 40 million euros, most of it paid by research grants. The "
        "consortium plans a third satellite in 2028, to be launched from the same site."
    ),
    "strike": (
        "Port workers in the city of Calder walked off the job on Monday in a dispute over "
        "pay and automation, leaving dozens of container ships waiting at anchor outside the "
        "harbour.\n\n"
        "The dockers' union said its 2,300 members would strike for 72 hours after talks with "
        "the port authority broke down late on Friday. The union wants a guarantee that no "
        "jobs will be lost when new automated cranes are installed next year.\n\n"
        "\u201cNobody is against modern equipment,\u201d union leader Tomas Varga told reporters "
        "at the picket line. \u201cWe are against modern equipment being used to throw families "
        "out of work.\u201d\n\n"
        "The port authority said it had offered a pay rise of 4.5 percent and retraining for "
        "every worker affected by automation, and called the strike irresponsible.\n\n"
        "Shipping analysts said a prolonged stoppage could delay deliveries of fuel and food "
        "to the region. Calder handles about a fifth of the country's container traffic."
    ),
    "museum": (
        "A stolen 17th-century painting has been recovered in good condition from a storage "
        "unit on the outskirts of Vellingen, police said on Wednesday, eleven years after it "
        "disappeared from a provincial museum.\n\n"
        "The small oil portrait, attributed to a pupil of the painter Jan Steenmaker, was cut "
        "from its frame during a night-time burglary in 2014. It is insured for about 1.2 "
        "million euros.\n\n"
        "Detectives found the canvas rolled up inside a tube after a tip from an art dealer "
        "who had been offered photographs of it. Two men aged 52 and 47 were arrested.\n\n"
        "\u201cThe colours are still bright and there is no serious damage,\u201d said museum "
        "director Margit Ols, who was shown the painting at police headquarters. \u201cIt is "
        "like getting back a member of the family.\u201d\n\n"
        "The portrait will be examined by restorers before it returns to the museum, which "
        "plans a special exhibition about the theft next spring."
    ),
    "election": (
        "Voters in the island nation of Serra return to the polls on Sunday for a second "
        "parliamentary election in eight months, after the last vote produced no workable "
        "majority.\n\n"
        "Opinion polls suggest the centre-left Harbour Party and the conservative Union "
        "Alliance are again running neck and neck, with a new anti-corruption movement "
        "likely to hold the balance of power.\n\n"
        "Turnout fell to 58 percent in the previous election, and officials fear that voter "
        "fatigue will push it lower still. Polling stations open at 7 a.m. and close at 8 p.m."
    ),
}

APPEAL = (
    "\n\nBefore you go\u2026 Independent local reporting costs money. If you value stories like "
    "this one, please consider a monthly donation. Every contribution, however small, keeps "
    "our newsroom open and our journalism free for everyone to read. Thank you.\n\n"
    "Share this: Facebook | Twitter | Email\n\nMost read: Council budget vote | Weekend "
    "weather | Cup final tickets\n\nComments are closed for this article."
)
NAV = "Home | News | Sport | Business | Weather\n\nAdvertisement\n\n"
CREDIT = "\n\nThis story was provided by the Northern Wire Service. All rights reserved."

HOUSE_STYLES = {
    "gazette": {"percent": "per cent", "neighbourhoods": "neighborhoods", "Dr ": "Dr. "},
    "courier": {"\u201c": '"', "\u201d": '"', "euros": "EUR", "Tuesday": "Tues."},
    "tribune": {"said": "stated", "about": "around", "kilogram": "kg"},
}


def restyle(text: str, outlet: str) -> str:
    for old, new in HOUSE_STYLES.get(outlet, {}).items():
        text = text.replace(old, new)
    return text


def trimmed(text: str, keep: int) -> str:
    return "\n\n".join(text.split("\n\n")[:keep])


def main() -> None:
    out = Path(__file__).parent / "wire"
    out.mkdir(exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    s = STORIES
    copies = {
        "flood-wire.txt": s["flood"] + CREDIT,
        "flood-gazette.txt": NAV + restyle(s["flood"], "gazette") + APPEAL,
        "flood-courier.txt": restyle(trimmed(s["flood"], 4), "courier"),
        "flood-tribune.txt": restyle(s["flood"].replace("Piet Lammers", "P. Lammers"), "tribune"),
        "satellite-wire.txt": s["satellite"] + CREDIT,
        "satellite-gazette.txt": NAV + restyle(trimmed(s["satellite"], 3), "gazette") + APPEAL,
        "satellite-courier.txt": restyle(s["satellite"], "courier"),
        "strike-wire.txt": s["strike"],
        "strike-tribune.txt": restyle(trimmed(s["strike"], 4), "tribune") + APPEAL,
        "strike-gazette.txt": NAV + restyle(s["strike"], "gazette"),
        "museum-wire.txt": s["museum"] + CREDIT,
        "museum-courier.txt": NAV + restyle(s["museum"], "courier") + APPEAL,
        "election-gazette.txt": NAV + restyle(s["election"], "gazette") + APPEAL,
    }
    for name, text in copies.items():
        (out / name).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
