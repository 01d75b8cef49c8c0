"""Who an article names as a side: the model's list tidied, the words a sentence may use
for each side, and the sides the model's list missed.

The 1.5B model lists the main sides well and misses the rest: a body that speaks only once, a
lawmaker quoted by name (docs/quality.md). Those are found here without a model, from the
article's capitalised names and the verbs that follow them; a person whose title names a side
("UN envoy Lena Hart") is one of its people.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import TypeVar

from pydantic import BaseModel, Field

from summarizer.article.text import Article
from summarizer.brief.models import PartyKind, Short
from summarizer.lexicon import SPEECH_FORMS, alternation, without_the

K = TypeVar("K")

# The most people a side lists, and the most sides (the generated call's own limits).
MAX_PEOPLE = 6
MAX_SIDES = 10


class Side(BaseModel):
    """A side as the model names it; its id is derived, never written by the model."""

    name: Short
    kind: PartyKind
    speakers: list[Short] = Field(default_factory=list, max_length=MAX_PEOPLE)


# Titles and roles the model writes before a person's name ("Mayor Ana Ruiz"); an article
# names the person without them as often as with them.
_TITLES = (
    r"president|prime minister|minister(?: of [\w ]+?)?|secretary(?:[- ]general| of [\w ]+?)?|"
    r"mayor|governor|senator|sen\.|representative|rep\.|congress(?:wo)?man|ambassador|envoy|"
    r"general|gen\.|colonel|col\.|chair(?:man|woman|person)?|spokes(?:person|man|woman)|"
    r"king|queen|prince|sheikh|dr\.|mr\.|mrs\.|ms\.|director|commissioner|chancellor|premier|"
    r"leader|speaker|head|commander|agent|coach|chief executive|ceo|negotiator|mediator|"
    r"(?:majority|minority) leader|councilmember|council member|councillor|councilman|"
    r"lieutenant|lt\.|major|captain|capt\.|sergeant|undersecretary"
)
_TITLE = re.compile(
    r"^(?:(?:former|deputy|vice|acting|interim|senior|chief|foreign|prime|state|general|"
    r"justice|defen[cs]e|finance|trade|labou?r|union|council|party|board|team)\s+)*"
    rf"(?:{_TITLES})\s+",
    re.IGNORECASE,
)
# A title inside what the model lists for a person, with the name after it: "Canadian
# Public Safety Minister Ada Lind", "U.N. Ambassador Ada Lind", "Major-General Ada Lind".
# Judges', peers' and officers' titles count only here, before a full name: "Justice Ada
# Lind", but not "the Justice and Development Party".
_TITLE_WITHIN = re.compile(
    rf"(?<![\w'’])(?i:{_TITLES}|admiral|officer|justice|judge|lord|lady|sir|dame)[\s-]+(?=[A-Z])"
)
# Generic heads of a side's name: "the Velmoran government" is mentioned as "Velmoran".
_HEAD = re.compile(
    r"\s+(?:government|administration|officials|authorities|forces|troops|military|group|"
    r"movement|party|delegation|team|side|camp)$",
    re.IGNORECASE,
)


def _untitled(person: str) -> str:
    bare = person.strip()
    while (stripped := _TITLE.sub("", bare, count=1)) != bare and stripped:
        bare = stripped
    return bare


def _person_named(said: str) -> str:
    """The person in ``said``: without the leading titles of :func:`_untitled`, and from the
    last title before a name of two words or more ("Foreign Affairs Minister Ada Lind" is
    Ada Lind; "Ada Lind" alone is no name for "President Lind")."""
    bare = _untitled(said)
    for found in reversed(list(_TITLE_WITHIN.finditer(bare))):
        if len(bare[found.end() :].split()) > 1:
            return _untitled(bare[found.end() :])
    return bare


def _as_written(name: str, text: str) -> str | None:
    """``name`` spelled as the article spells it (case and spacing as in the text), or
    ``None`` when the article does not contain it."""
    chars = re.sub(r"\s+", "", name)
    if not chars:
        return None
    # Any spacing between the characters: models write "U. S." for "U.S.".
    loose = r"\s*".join(re.escape(ch) for ch in chars)
    found = re.search(rf"(?<!\w){loose}(?!\w)", text, re.IGNORECASE)
    return found.group(0) if found else None


# Words each written with a capital, but for the particles of names ("Abu Salim al-Harbi",
# "Ursula von der Leyen").
_NAMED = re.compile(
    r"(?:[A-Z][\w'’.-]*|al-\w+|bin|bint|ibn|de|da|del|der|di|du|la|le|van|von|y)"
    r"(?:\s+(?:[A-Z][\w'’.-]*|al-\w+|bin|bint|ibn|de|da|del|der|di|du|la|le|van|von|y))*"
)


def _person_in(said: str) -> str | None:
    """The name in what the model lists as a side's person: "Corvia's president Ilse Brun"
    is Ilse Brun; "the head of its team", "The regional regulator" and "Ostrand's water
    minister" name no one. A body ("the Green Harbour party") is kept as it is, for
    :func:`with_more_sides` to weigh."""
    proper = without_the(said)
    if _is_body(said) and re.search(r"\b[A-Z]", proper):
        return said
    name = re.search(rf"(?<![\w'’-]){_NAMED.pattern}$", said)
    if name is None or not name.group(0)[:1].isupper():
        return None
    # "schools in Livorno": a place after a preposition, not a person after a title.
    if re.search(r"\b(?:in|of|at|from|for|near|to|and)\s+$", said[: name.start()]):
        return None
    return name.group(0)


# Two to four capitalised words: a person's name rather than a body's.
_PERSON = re.compile(r"[A-Z][\w'’-]+(?:\s+(?:al-|bin\s|de\s)?[A-Z][\w'’-]+){1,3}")


def _is_person(name: str) -> bool:
    """Whether ``name`` is a person's full name ("Abu Salim al-Harbi"), not a body's
    ("Harbour Pilots Association") or a single word."""
    return bool(_PERSON.fullmatch(name)) and not _HAS_ORG_HEAD.search(name)


# A description before a proper name, as news writing puts it: "Environmental group Blue
# Coast", "Rights watchdog Civic Eye"; not a name's own small words ("Union of ...").
_DESCRIPTION = re.compile(
    r"[A-Z][a-z]+(?:\s+(?!(?:of|the|and|for|de|du|la|le|von|van|al)\b)[a-z][\w-]*)+\s+(?=[A-Z])"
)


def _named_after_description(name: str, text: str) -> str:
    """``name`` without the description the article puts before it ("Environmental group
    Blue Coast" is Blue Coast), where the article uses the name alone."""
    found = _DESCRIPTION.match(name)
    if found is None:
        return name
    proper = name[found.end() :]
    alone = re.search(rf"(?<![\w-]){re.escape(proper)}(?![\w-])", text)
    return proper if alone else name


def tidy(side: Side, text: str) -> Side:
    """``side`` as the article writes it: people without the titles the model adds, names
    in the article's own spelling, and people the article never names (or only describes)
    dropped."""
    name = _as_written(side.name, text) or side.name
    # "the Premier League" is the Premier League: a proper name without its article.
    name = re.sub(r"^[Tt]he\s+(?=[A-Z])", "", name)
    name = _proper_part(name, text)
    # "Senator Ana Ruiz" is Ana Ruiz: a side that is one person goes by the name the
    # article uses for her alone ("General Motors" is no title and a name).
    name = _named_after_description(name, text)
    person = _untitled(name)
    if person != name and _is_person(person):
        name = person
    people: list[str] = []
    for said in side.speakers:
        # "Ana Ruiz, the fisheries minister": the name, not the description after it.
        person = _named_after_description(said.split(",")[0], text)
        found = _as_written(_person_named(person), text) or _as_written(person, text) or ""
        named = _person_in(found)
        if named and named.casefold() not in {p.casefold() for p in people}:
            people.append(named)
    return side.model_copy(update={"name": name, "speakers": people})


# A generic head in lower case after a proper name, with a word that qualifies it: "the
# Kavala Farmers Union rebel movement", "Ostrand government".
_GENERIC_TAIL = re.compile(rf"(?:\s+[a-z][\w-]*)?{_HEAD.pattern}")


def _proper_part(name: str, text: str) -> str:
    """``name`` without the generic head the model wrote after a proper name, where the
    article uses that name as a noun of its own: "the Kavala Farmers Union rebel movement"
    is the Kavala Farmers Union (the article says "KFU"), "Ostrand government" is Ostrand
    ("Ostrand's envoy", "talks in Ostrand."); "Velmoran officials" (a people's adjective,
    never alone) and "Ruiz's agent" (not a generic head) are kept as they are."""
    tail = _GENERIC_TAIL.search(name)
    proper = name[: tail.start()] if tail else ""
    if not re.fullmatch(r"[A-Z][\w.'’&\s-]*", proper):
        return name
    n = re.escape(proper)
    alone = re.search(rf"(?<![\w-]){n}(?:['’]s\b|\s*[,.;:)]|$)", text, re.MULTILINE)
    capitals = "".join(w[0] for w in proper.split() if w[:1].isupper())
    initials = len(capitals) >= 2 and re.search(rf"(?<!\w){capitals}(?!\w)", text)
    return proper if alone or initials else name


_ORG_HEAD = re.compile(
    r"coalition|group|bloc|union|council|board|authority|ministry|federation|association|"
    r"society|league|court|service|bank|committee|front|agency|commission|company|club|"
    r"alliance|assembly|senate|congress|parliament|department|office|movement|guild|"
    r"chamber|institute|foundation|regulator|tribunal|cabinet|cooperative|trust",
    re.IGNORECASE,
)
# A body's head noun as a whole word of a name: "the World Bank" and "the Pilots' Union"
# are bodies; "Tony Banks", "Courtney Frontera" and "Ada Boardman" are people.
_HAS_ORG_HEAD = re.compile(rf"\b(?:{_ORG_HEAD.pattern})\b", re.IGNORECASE)


def _bare_name(side: Side) -> str:
    """``side``'s name without a leading "the"."""
    return without_the(side.name)


def spellings(side: Side) -> list[str]:
    """The words a sentence may use for ``side``: its name (without a leading article or a
    generic head such as "government"), its short forms, its people, and their surnames."""
    name = _bare_name(side)
    out = [*_name_forms(name), *_people_forms(side, name)]
    # "Chavez" for "Chávez": news writing drops accents as often as it keeps them.
    out += [_unaccented(x) for x in out]
    return [s for s in dict.fromkeys(out) if s]


def _name_forms(name: str) -> list[str]:
    """A body's name and the short forms an article may use for it."""
    out = [name, _HEAD.sub("", name)]
    # "Workers' Party (WP)": the name and its short form, each a spelling of its own.
    if bracketed := re.fullmatch(r"(.+?)\s*\((\w[\w.]*)\)", name):
        out += [bracketed.group(1), bracketed.group(2)]
    # "United Nations" is as often "UN" or "U.N.".
    capitals = [w[0] for w in name.split() if w[:1].isupper()]
    if len(capitals) >= 2 and len(capitals) == len(name.split()):
        out += ["".join(capitals), ".".join(capitals) + "."]
    words = (bracketed.group(1) if bracketed else name).split()
    # The head noun ends the name or comes before its "of" ("the Pilots' Union of Corvia").
    head = words[words.index("of") - 1] if "of" in words[1:] else words[-1]
    if len(words) > 1 and _ORG_HEAD.fullmatch(head):
        out.append(f"the {head}")
    if len(words) > 1 and words[0][:1].isupper() and len(words[0]) >= 4:
        out.append(words[0])
    return out


def _people_forms(side: Side, name: str) -> list[str]:
    """The names of ``side``'s people, and their surnames."""
    # News writing names a person in full once, then by surname ("Ada Voss said ... Voss
    # added"): a side that is a person goes by their surname, as its people do; not a
    # group the model calls a person ("striking workers").
    person_side = side.kind == "person" and _is_person(name)
    out = []
    for person in side.speakers + ([name] if person_side else []):
        out.append(person.strip())
        parts = person.split()
        if len(parts) > 1 and len(parts[-1]) > 2:
            out.append(parts[-1])
    return out


# Capitals that news writing uses for their governments ("Washington rejected the
# approach"), by the names and short forms a side may go by. General knowledge, not taken
# from any article.
_CAPITALS = {
    name: capital
    for names, capital in (
        ("United States|US|U.S.|USA|America|American government|US government", "Washington"),
        ("Russia|Russian Federation|Russian government|Kremlin", "Moscow"),
        ("China|People's Republic of China|PRC|Chinese government", "Beijing"),
        ("United Kingdom|UK|Britain|Great Britain|British government", "London"),
        ("France|French government", "Paris"),
        ("Germany|German government", "Berlin"),
        ("Japan|Japanese government", "Tokyo"),
        ("India|Indian government", "New Delhi"),
        ("Pakistan|Pakistani government", "Islamabad"),
        ("Iran|Iranian government", "Tehran"),
        ("Iraq|Iraqi government", "Baghdad"),
        ("Syria|Syrian government", "Damascus"),
        ("Turkey|Türkiye|Turkish government", "Ankara"),
        ("Egypt|Egyptian government", "Cairo"),
        ("Saudi Arabia|Saudi government", "Riyadh"),
        ("Ukraine|Ukrainian government", "Kyiv"),
        ("North Korea|DPRK", "Pyongyang"),
        ("South Korea|Republic of Korea", "Seoul"),
        ("Taiwan", "Taipei"),
        ("Afghanistan", "Kabul"),
        ("Israel|Israeli government", "Jerusalem"),
        ("Lebanon", "Beirut"),
        ("Qatar", "Doha"),
        ("Venezuela", "Caracas"),
        ("Cuba", "Havana"),
        ("Canada|Canadian government", "Ottawa"),
        ("Australia", "Canberra"),
        ("Mexico", "Mexico City"),
        ("Brazil", "Brasilia"),
        ("Belarus", "Minsk"),
        ("Serbia", "Belgrade"),
        ("Kosovo", "Pristina"),
        ("Armenia", "Yerevan"),
        ("Azerbaijan", "Baku"),
        ("Ethiopia", "Addis Ababa"),
        ("Sudan", "Khartoum"),
        ("Indonesia", "Jakarta"),
        ("Philippines", "Manila"),
        ("Thailand", "Bangkok"),
        ("Vietnam", "Hanoi"),
        ("Kenya", "Nairobi"),
        ("Nigeria", "Abuja"),
        ("Poland", "Warsaw"),
        ("Hungary", "Budapest"),
        ("European Union|EU", "Brussels"),
    )
    for name in names.casefold().split("|")
}


def metonyms(side: Side, article: Article) -> list[str]:
    """The capital that stands for ``side`` where the article shows it acting ("Washington
    had rejected the approach"); a capital only named as a place ("talks in Doha") is no
    spelling of its government."""
    capital = _CAPITALS.get(_bare_name(side).casefold())
    return [capital] if capital and _acts(article, capital) else []


def pattern(spelling: str) -> re.Pattern[str]:
    """The expression that finds ``spelling`` in a sentence, as a whole word."""
    # A name of four letters or more also matches its inflections ("Israel" in "Israeli",
    # "Union" in "Union's"); a short form in capitals (US, UN, U.S.) only as it is, and
    # only in capitals: "us" and "al-" are not.
    letters = re.sub(r"\W", "", spelling)
    short = letters.isupper() and len(letters) <= 4
    tail = r"\w{0,3}" if len(spelling) >= 4 and not short else ""
    # A one-word proper name as it is written: "City" of "City Council" is not "the city's
    # reserve fund", nor "Heron" a heron; a longer name or "the council" in any case.
    proper = " " not in spelling and spelling[:1].isupper()
    flags = 0 if short or proper else re.IGNORECASE
    return re.compile(rf"(?<!\w){re.escape(spelling)}{tail}(?!\w)", flags)


def mentions(text: str, patterns: Mapping[K, list[re.Pattern[str]]]) -> list[K]:
    """Party ids in the order ``text`` first mentions them."""
    found = []
    for pid, pats in patterns.items():
        spans = [(m.start(), -m.end()) for p in pats if (m := p.search(text))]
        if spans:
            found.append((min(spans), pid))
    # Where two sides' names start at the same word, the longer name is the one meant
    # ("Velmoran Steel Federation" before "Velmora").
    return [pid for _, pid in sorted(found, key=lambda f: f[0])]


_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]")


def outside_quotes(text: str) -> str:
    """``text`` with what it quotes blanked out (offsets kept): a side named inside a
    quotation is what the speaker talks about, not who speaks. A sentence that ends a
    quotation begun before it, or begins one it does not end, is blanked up to or from the
    lone quotation mark."""
    out = _QUOTED.sub(lambda m: " " * len(m.group(0)), text)
    marks = [i for i, ch in enumerate(out) if ch in '"“”']
    if len(marks) == 1:
        at = marks[0]
        opening = out[at] == "“" or (out[at] == '"' and (at == 0 or out[at - 1].isspace()))
        out = out[:at] if opening else " " * (at + 1) + out[at + 1 :]
    return out


def unquoted(text: str, span: tuple[int, int]) -> bool:
    """Whether ``span`` of ``text`` is outside quotation marks (:func:`outside_quotes`)."""
    return outside_quotes(text)[span[0] : span[1]] == text[span[0] : span[1]]


# A run of capitalised words, with the small words names contain ("Council of Southern
# States", "Omar al-Rashid").
_NAME = re.compile(r"(?<![\w'’-])[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|of|the|for|de|al-\w+)){0,5}")
# Capitalised words that begin sentences or name dates, not sides.
_NOT_NAMES = frozenset(
    "The A An In On At As But And If It Its This That These Those He She They We I His Her "
    "Their Our Under After Before When While Also However Meanwhile Despite According "
    "Regarding Both Other One Two Three Some Any Many Most Such There What Who Why How "
    "Neither Nor Every Each All No Not Only Then Now Today Yesterday With From For By To Of "
    "Since Until Though Although Because Over Around Through Without Within Among "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "May June July August September October November December Jan Feb Mar Apr Jun Jul Aug "
    "Sep Sept Oct Nov Dec".split()
)
# What a side does in a sentence, right after its name (an appositive or a bracket may come
# between): speaks, asks, offers, refuses, acts.
_ACTS = (
    r"(?:,[^,]{3,100},|\s*\([^)]{1,40}\))?\s+(?:\w+ly\s+|also\s+|then\s+|has\s+|have\s+|had\s+|"
    rf"was\s+|is\s+|would\s+|will\s+|did\s+)*(?:{alternation(SPEECH_FORMS)}|"
    r"urg\w+|call(?:s|ed)|demand\w*|ask(?:s|ed)|propos\w+|offer\w*|warn\w*|reject\w*|"
    r"accept\w*|support\w*|oppos\w+|insist\w*|argu\w+|announc\w+|agree[sd]|welcom\w+|"
    r"critici[sz]\w+|condemn\w*|denounc\w+|pledg\w+|threaten\w*|refus\w+|vow\w*|"
    r"want\w*|sought|seek\w*|believ\w+|caution\w*|respond\w*|react\w*|vot(?:e|es|ed)|suggest\w*|"
    r"object\w*|emphasi[sz]\w+|stress\w*|deni\w+|den(?:y|ies))\b"
)


def _acts(article: Article, name: str) -> bool:
    """Whether the article shows ``name`` speaking or acting: "X said", "X, the head of
    Y, urged", "said X" (not "according to X": that is how an article cites its sources,
    news agencies among them)."""
    n = re.escape(name)
    after = re.compile(rf"{n}(?:['’]s?)?{_ACTS}")
    before = re.compile(rf"\b(?:said|says)\s+(?:the\s+)?(?:[A-Z][\w.]*\s+){{0,3}}{n}\b(?!\s+[a-z])")
    # Only the sentences that use the name are searched: a long article has many names.
    return any(
        after.search(s.text) or before.search(s.text) for s in article.sentences if name in s.text
    )


def _acts_as_head(article: Article, name: str) -> bool:
    """Whether a body acts under its generic name: "the Harbour Pilots' Guild" as "the
    guild said"."""
    words = name.split()
    if len(words) < 2 or not _ORG_HEAD.fullmatch(words[-1]):
        return False
    head = words[-1].lower()
    return _acts(article, f"the {head}") or _acts(article, f"The {head}")


# A sentence's opening word that is no name: an adverb, a participle, a contraction.
# (Not any word ending in "-ly" or "-ed": Emily, Kelly, Reed and Ted begin names.)
_OPENER = re.compile(
    r"^(?:Previously|Separately|Additionally|Finally|Initially|Currently|Recently|Similarly|"
    r"Subsequently|Eventually|Ultimately|Reportedly|Notably|Earlier|Later|Instead|Still|"
    r"Speaking|According|Following|Asked|Backed|Led)$"
    r"|['’](?:ve|re|ll|d|m)$|^(?:It|That|There|He|She|What|Who|Here|Let)['’]s$"
)


def _named_on(words: list[str]) -> list[str]:
    """``words`` from the first that can begin a name: capitalised, not "The" or a month."""
    while words and (words[0] in _NOT_NAMES or not words[0][:1].isupper()):
        words = words[1:]
    return words


def _name_in(run: str, first: bool) -> str:
    """A candidate name from a capitalised run: titles, sentence-opening words and a
    trailing possessive removed."""
    words = run.split()
    # A sentence's first word is capitalised whatever it is: "Previously Ostrand", "It's
    # God", "Responding Bush" are not names.
    if first and words and re.search(_OPENER, words[0]):
        words = words[1:]
    # "Undersecretary for Fisheries Mr. Halvorsen": the name after the last title.
    words = re.split(r"\b(?:Mr|Mrs|Ms|Dr)\.?\s+", _person_named(" ".join(_named_on(words))))
    words = _named_on(words[-1].split())
    while words and not words[-1][:1].isupper():
        words = words[:-1]
    # "Aaron Miller of the Wilson Center": the person.
    name = " ".join(words)
    if (person := re.match(r"((?:[A-Z][\w'’-]+\s+){1,3}[A-Z][\w'’-]+) of ", name)) and not (
        _HAS_ORG_HEAD.search(person.group(1))
    ):
        name = person.group(1)
    return re.sub(r"['’]s?$", "", name).rstrip(".,")


# Heads of a state's own organs: "the Ostrand Foreign Ministry" is Ostrand.
_ORGAN = re.compile(
    r"department|ministry|office|agency|parliament|senate|congress|assembly|cabinet|court|"
    r"tribunal|government|administration|army|navy|police|embassy|council",
    re.IGNORECASE,
)


def _covered(name: str, spelt: list[re.Pattern[str]], whole: set[str]) -> bool:
    """Whether ``name`` is a side already found: it names one of them; but a body named
    after a side ("the Marenland Fishermen's Federation"), after an inflection of it ("the
    Velmoran Steel Federation") or after a word taken from a side's name ("Ferry" in "the
    Island Ferry Workers' Guild") is a body of its own, unless it is the side's own organ
    ("the Ostrand Foreign Ministry") or its possessive ("Corvia's National Assembly")."""
    hits = [m for p in spelt if (m := p.search(name))]
    words = name.split()
    if not (len(words) > 1 and _ORG_HEAD.fullmatch(words[-1])):
        return bool(hits)
    if any(m.group(0) == name for m in hits):
        return True  # the side's own name
    organ = bool(_ORGAN.fullmatch(words[-1]))
    return any(
        (organ and m.group(0).casefold() in whole) or name[m.end() :].startswith(("'s", "’s"))
        for m in hits
    )


def _known(article: Article, sides: list[Side]) -> set[str]:
    """What already names one of ``sides`` (casefolded): its names and people, and the
    short forms the article may use for them."""
    known = {p for s in sides for p in (s.name, *s.speakers, *metonyms(s, article))}
    # "Kim" for "Kim Min-seo": any word of a side's person; "Herons" for "the
    # Harbour Herons": the last word of a side's name.
    known |= {w for s in sides for p in s.speakers for w in p.split()}
    known |= {s.name.split()[-1] for s in sides if s.name.split()}
    # "KFU" for "Kavala Farmers Union rebels": the initials of a side's capitalised words.
    known |= {"".join(w[0] for w in s.name.split() if w[:1].isupper()) for s in sides}
    return {_key(k) for k in known}


# The article a name's word may carry: "al-Rashid" is "Rashid" on second mention.
_PARTICLE = re.compile(r"\b(?:al|el|ad|ar|as|at|an)-", re.IGNORECASE)


def _key(name: str) -> str:
    """``name`` as compared with the names already found: without case, accents or the
    article a word carries ("Jose Nunez" is "José Núñez", "Rashid" is "al-Rashid")."""
    return _unaccented(_PARTICLE.sub("", name)).casefold()


def _unaccented(name: str) -> str:
    """``name`` without its accents ("Chávez" is "Chavez")."""
    plain = unicodedata.normalize("NFKD", name)
    # Composed again: a Hangul syllable decomposes into letters that are no accents.
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in plain if not unicodedata.combining(ch))
    )


def _named(article: Article) -> Iterator[tuple[str, bool]]:
    """Each run of capitalised words in the article, split at "and", with whether it opens
    its sentence (where a capital says nothing)."""
    for sentence in article.sentences:
        for run in _NAME.finditer(sentence.text):
            for i, part in enumerate(re.split(r"\s+and\s+", run.group(0))):
                yield part, run.start() == 0 and i == 0


def _by_longest_name(article: Article, found: list[str]) -> list[str]:
    """``found`` once each, those the article shows acting; "Kim" after "Kim Min-seo" is one
    person, by the longest name the article gives them, who acts under any of their names."""
    unique = list(dict.fromkeys(found))
    longest = {n: max((m for m in unique if n in m.split() or n in m), key=len) for n in unique}
    acting = {longest[n] for n in unique if _acts(article, n) or _acts_as_head(article, n)}
    return [n for n in unique if n in acting]


def candidates(article: Article, sides: list[Side]) -> list[str]:
    """Names of bodies and people the article shows speaking or acting that none of
    ``sides`` covers, in the order the article first uses them."""
    spelt = [x for s in sides for x in spellings(s)]
    # The spellings that are a whole name, not a word taken from one (``spellings``).
    partial = {s.name.split()[0].casefold() for s in sides if len(s.name.split()) > 1}
    whole = {x.casefold() for x in spelt} - partial
    compiled = [pattern(x) for x in spelt]
    known = _known(article, sides)
    named = list(_named(article))
    words = Counter(w for part, _ in named for w in part.split())
    found: list[str] = []
    for part, first in named:
        name = _name_in(part, first)
        # One word is a name only in capitals ("NHS") or where the article uses it twice.
        single = " " not in name and not (name.isupper() and len(name) >= 2)
        if (
            len(name) < 3
            or _untitled(f"{name} X") == "X"  # a title alone ("Foreign Minister")
            or _key(name) in known
            or (single and words[name] < 2)
            or _covered(name, compiled, whole)
        ):
            continue
        found.append(name)
    return _by_longest_name(article, found)


# A body's generic last word, as the model writes it after the body's name ("Green Harbour party").
_BODY_WORD = re.compile(r"\s+(?:party|movement)$", re.IGNORECASE)


def _is_body(name: str) -> bool:
    """Whether ``name`` names a body ("City Council", "the Green Harbour party"), not a person."""
    return bool(_HAS_ORG_HEAD.search(name) or _BODY_WORD.search(name))


def _bodies_apart(article: Article, sides: list[Side]) -> list[Side]:
    """``sides``, with any body the model listed among a side's people ("the Green Harbour party")
    made a side of its own where the article shows it acting on its own; one the side
    owns ("Velmora's foreign ministry" under Velmora) is the side itself."""
    names = {s.name.casefold() for s in sides}
    kept: list[Side] = []
    bodies: list[Side] = []
    for side in sides:
        people = []
        for person in side.speakers:
            body = _BODY_WORD.sub("", person)
            if re.match(rf"{re.escape(side.name)}['’]s\s", person):
                continue
            if (
                _is_body(person)
                and person.casefold() not in names
                and (_acts(article, person) or _acts(article, body))
            ):
                bodies.append(Side(name=body, kind="organisation"))
            else:
                people.append(person)
        kept.append(side.model_copy(update={"speakers": people}))
    return (kept + bodies)[:MAX_SIDES]


def _repeats_merged(sides: list[Side]) -> list[Side]:
    """``sides`` with each side once: the model sometimes lists a side twice, and two
    entries of one name would split its items between them."""
    out: dict[str, Side] = {}
    for side in sides:
        key = side.name.casefold()
        if key in out:
            people = list(dict.fromkeys([*out[key].speakers, *side.speakers]))[:MAX_PEOPLE]
            out[key] = out[key].model_copy(update={"speakers": people})
        else:
            out[key] = side
    return list(out.values())


def _owned_merged(sides: list[Side]) -> list[Side]:
    """``sides`` without those the model named as a part of another ("Velmora's foreign
    ministry" beside Velmora): their people join the side that owns them."""
    out = list(sides)
    for part in sides:
        owner = re.match(r"(.+?)['’]s\s+[a-z]", part.name)
        whole = next((i for i, s in enumerate(out) if owner and s.name == owner.group(1)), None)
        if whole is not None and part in out:
            people = list(dict.fromkeys([*out[whole].speakers, *part.speakers]))[:MAX_PEOPLE]
            out[whole] = out[whole].model_copy(update={"speakers": people})
            out.remove(part)
    return out


# What comes before a place's name: "in Bel Arun", "the port city of Bel Arun".
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|into|across|around|outside|throughout)\s+(?:the\s+)?(?:\w+\s+){0,2}|"
    r"\b(?:city|town|port|island|region|province|district|village|capital|state) of\s+)$",
    re.IGNORECASE,
)


def _only_a_place(article: Article, side: Side) -> bool:
    """Whether the article names ``side`` only as a place ("fighting in Bel Arun")."""
    found = [
        (s.text, m.start())
        for s in article.sentences
        for p in (pattern(x) for x in spellings(side))
        for m in p.finditer(s.text)
    ]
    return bool(found) and all(_PLACE_BEFORE.search(text[:at]) for text, at in found)


def _people_placed(article: Article, sides: list[Side]) -> list[Side]:
    """``sides`` with each person under the one side their title or apposition names
    where the article first uses their name ("Lena Hart, the dockers' spokeswoman"), else
    under the first side that lists them: a person speaks for one side, and one the model
    listed under two would otherwise name neither."""
    patterns = {
        i: [pattern(x) for x in spellings(Side(name=s.name, kind=s.kind))]
        for i, s in enumerate(sides)
    }
    # A person the model also lists as a side of their own is that side, however they are
    # described, and no other side's speaker.
    placed = {side.name.casefold(): i for i, side in enumerate(sides)}
    for i, side in enumerate(sides):
        for person in side.speakers:
            key = person.casefold()
            if key in placed:
                continue
            named = _sides_named(_described(person, article), patterns)
            # A title that names several sides ("US spokesman" for "US forces" and "United
            # States") picks the first of them that lists the person.
            listing = [j for j in named if key in {p.casefold() for p in sides[j].speakers}]
            owner = named[0] if len(named) == 1 else next(iter(listing), None)
            placed[key] = i if owner is None else owner
    everyone = list(dict.fromkeys(p for side in sides for p in side.speakers))

    def theirs(i: int) -> list[str]:
        return [p for p in everyone if placed[p.casefold()] == i][:MAX_PEOPLE]

    return [side.model_copy(update={"speakers": theirs(i)}) for i, side in enumerate(sides)]


def with_more_sides(article: Article, sides: list[Side]) -> list[Side]:
    """``sides`` and the bodies and people the generated list missed (:func:`candidates`).
    A body the model listed as a side's person and the article shows acting is a side of
    its own. A person whose title names a side ("UN envoy Lena Hart", "Corvia's Ilse
    Brun, a senior Corvian official") is one of its people; anyone else is a side of their
    own, but for a spokesman, minister or envoy of no body the article names."""
    # A place is no side, whoever lists it, unless the model gives it people.
    listed = [s for s in sides if s.speakers or not _only_a_place(article, s)]
    merged = _owned_merged(_repeats_merged(listed))
    out = _bodies_apart(article, _people_placed(article, merged))
    patterns = {i: [pattern(x) for x in spellings(s)] for i, s in enumerate(out)}
    found = candidates(article, out)
    # The bodies about to be listed, which a person's title may name before they are.
    bodies = [
        pattern(x)
        for n in found
        if not _is_person(n)
        for x in spellings(Side(name=n, kind="organisation"))
    ]
    for name in found:
        if len(out) >= MAX_SIDES:
            break
        if _only_a_place(article, Side(name=name, kind="other")):
            continue
        if not _is_person(name):
            out.append(Side(name=name, kind="organisation"))
            # Its people, named later, may be tied to it ("Its chairman, Arne Sollid").
            patterns[len(out) - 1] = [pattern(x) for x in spellings(out[-1])]
            continue
        described = _described(name, article)
        owner = _side_of(described, patterns)
        if owner is None:
            # A spokesman or an envoy of no body the article names ("an aide said") is not
            # a side of their own; one of a body the list lacks ("Syrian President X", "X,
            # a spokesman for the Port Authority") stands for that body.
            title = described[0]
            if not _SPEAKS_FOR.search(title) or _names_a_body(title, {**patterns, -1: bodies}):
                out.append(Side(name=name, kind="person"))
        elif len(out[owner].speakers) < MAX_PEOPLE:
            out[owner] = out[owner].model_copy(update={"speakers": [*out[owner].speakers, name]})
    return out


# Roles of someone who speaks or acts for another.
_SPEAKS_FOR = re.compile(
    r"spokes\w*|aide|advis[eo]r|envoy|official|negotiator|minister|secretary|ambassador|"
    r"representative of|lawyer|attorney|agent|chief|executive|director|chair(?:man|woman)?",
    re.IGNORECASE,
)


def _names_a_body(described: str, patterns: dict[int, list[re.Pattern[str]]]) -> bool:
    """Whether a person's title or apposition (:func:`_described`) names a body by a
    capitalised word that is no title ("US", "Syrian", "Port Authority") and names none of
    the listed sides: one the list lacks."""
    if mentions(described, patterns):
        return False
    # Each run of capitalised words, less the titles it holds ("Prime Minister").
    runs = (
        _named_on(run.split())
        for run in re.findall(r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*", described)
    )
    return any(run and _untitled(" ".join([*run, "X"])) != "X" for run in runs)


def _described(name: str, article: Article) -> tuple[str, str]:
    """The words around a person's name where the article first uses it: the title before
    it and an apposition after it ("UN envoy Lena Hart", "Jo Marsh, a spokesman");
    and, where the title says "its" or "their" ("Its chairman, Arne Sollid"), the sentence
    before, which names the body meant."""
    for i, s in enumerate(article.sentences):
        at = s.text.find(name)
        if at >= 0:
            clauses = re.split(r",\s|\band\s|\bwith\s|\bby\s", s.text[max(0, at - 60) : at])
            # "Ostrand's water minister, Jonas Ekdahl, said": the description before the
            # comma is his title.
            title = clauses[-1] if clauses[-1].strip() or len(clauses) < 2 else clauses[-2]
            apposition = re.match(
                r"\s*(?:,|\([^)]*\),?)\s*([^,.;]{3,80})", s.text[at + len(name) :]
            )
            owner = re.search(r"\b(?:its|their)\b", title, re.IGNORECASE)
            before = article.sentences[i - 1].text if i and owner else ""
            return title + " | " + (apposition.group(1) if apposition else ""), before
    return "", ""


def _sides_named(
    described: tuple[str, str], patterns: dict[int, list[re.Pattern[str]]]
) -> list[int]:
    """The sides named in a person's title or apposition (:func:`_described`), in the order
    it names them; else the first side the sentence before names, where the title says
    "its" or "their"."""
    words, before = described
    named = mentions(words, patterns)
    if not named and before:
        return mentions(outside_quotes(before), patterns)[:1]
    return named


def _side_of(described: tuple[str, str], patterns: dict[int, list[re.Pattern[str]]]) -> int | None:
    """The one side named in a person's title or apposition (:func:`_sides_named`), or
    ``None``."""
    named = _sides_named(described, patterns)
    return named[0] if len(named) == 1 else None
