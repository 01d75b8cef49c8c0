"""Which kinds of item a sentence states: a learned decision over the model's letters and the
sentence's grammar.

The scored strategy asks the model, for every sentence, whether it is background, a position,
a demand or a deal term, and reads the probabilities of its four letters. Those probabilities
alone tell background from the rest better than they tell the kinds apart, and hand rules
fitted to a few articles did not carry over to news nobody tuned for (docs/quality.md). So
the choice is a small logistic regression per kind (one-vs-rest, so a sentence may state
several kinds at once) over general features of the sentence: the model's letters, raw and
relative to its habits in the article; the cue words of :mod:`summarizer.extract.cues`; what
the parse finds (a request that someone act, a proposal that states its terms, a list);
quotation, modality, numbers, where the sentence stands; and the answer of the hand rules
that came before, as one more feature the fit weighs. The hand rules themselves stay as the
other design, their numbers fitted too.

Which design ships, its numbers, weights and thresholds are data (``kinds.json``), written by
``python -m summarizer.run.fit`` from the development set's recordings; the same command
reproduces the file, and a test checks that it does.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from summarizer.extract import parse
from summarizer.extract.cues import CONDITION, CUES, STANCE, TAKES_A_STANCE, says_nothing
from summarizer.extract.sides import outside_quotes
from summarizer.extract.status import status_of
from summarizer.lexicon import DEAL_NOUNS, NEGATORS, SPEECH_FORMS, alternation

KIND_NAMES = {"B": "positions", "C": "demands", "D": "deal_terms"}
SECTIONS = tuple(KIND_NAMES.values())


@dataclass(frozen=True)
class Cuts:
    """The hand rules' numbers: a sentence is background when the model gives that answer at
    least ``background`` (``uncued`` where the sentence has no cue word); else its kind is the
    one most probable relative to the article's habits, a cue word multiplying a kind's weight
    by ``cue_weight``."""

    background: float = 0.25
    uncued: float = 0.1
    cue_weight: float = 2.0


# The numbers the hand rules were written with, tuned by hand on the first dev articles: the
# baseline every fitted decision is judged against.
HAND = Cuts()


def rule_kinds(
    probs: dict[str, float], text: str, usual: dict[str, float], cuts: Cuts = HAND
) -> list[str]:
    """The kinds the hand rules give a sentence."""
    # "urged the guild to resume talks": a request that someone act is a demand.
    if parse.asks_to_act(text):
        return (
            ["positions", "demands"]
            if _rules(probs, text, usual, cuts) == ["positions"]
            else ["demands"]
        )
    return _rules(probs, text, usual, cuts)


def _rules(probs: dict[str, float], text: str, usual: dict[str, float], cuts: Cuts) -> list[str]:
    cued = any(rule.search(text) for rule in CUES.values())
    if probs["A"] >= (cuts.background if cued else cuts.uncued) or says_nothing(text):
        return []

    def weight(letter: str) -> float:
        cue = cuts.cue_weight if CUES[KIND_NAMES[letter]].search(text) else 1.0
        return probs[letter] / max(usual[letter], 1e-9) * cue

    if CONDITION.search(outside_quotes(text)):
        return ["demands"]
    letters = "BCD" if CUES["deal_terms"].search(text) else "BC"
    kind = KIND_NAMES[max(letters, key=weight)]
    if kind == "deal_terms" and not CUES["deal_terms"].search(outside_quotes(text)):
        return ["positions"]
    if kind == "deal_terms" and mentions_a_deal(text):
        return []
    if kind == "demands" and TAKES_A_STANCE.search(outside_quotes(text)):
        return ["positions", "demands"]
    return [kind]


def rules(s: Sentence) -> list[str]:
    """The hand rules' decision for a sentence, with the hand numbers: the baseline, and a
    decision a test can fix without the shipped file."""
    return rule_kinds(s.probs, s.text, s.usual)


def mentions_a_deal(text: str) -> bool:
    """Whether ``text`` names a deal and none of its terms: its only words of deals are bare
    nouns for a whole deal, and it gives no figure."""
    cues = {m.group(0).casefold() for m in CUES["deal_terms"].finditer(text)}
    return (
        cues <= DEAL_NOUNS | {f"{n}s" for n in DEAL_NOUNS}
        and not re.search(r"\d", text)
        and parse.bare(text, DEAL_NOUNS)
    )


_SPEECH = re.compile(rf"\b{alternation(SPEECH_FORMS)}\b", re.IGNORECASE)
_NEGATION = re.compile(rf"\b(?:{alternation(NEGATORS)}|no|without)\b", re.IGNORECASE)
_HYPOTHETICAL = re.compile(r"\b(?:would|could|might|may|if|unless)\b", re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|shall|going to|plans? to|to be)\b", re.IGNORECASE)
_OBLIGATION = re.compile(r"\b(?:must|should|ought|need(?:s|ed)? to|ha(?:ve|s|d) to)\b", re.I)
_FIRST_PERSON = re.compile(r"\b(?:we|our|us|i|my)\b", re.IGNORECASE)
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|"
    r"thousand|million|billion|percent|half)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(r"[$€£¥]|\b(?:dollars?|euros?|pounds?|yuan|yen|rupees?)\b", re.I)
_STANCE_WORDS = re.compile(rf"\b(?:{STANCE})\b", re.IGNORECASE)
_STATUSES = ("agreed", "rejected", "disputed", "withdrawn", "implemented", "under_negotiation")


@dataclass(frozen=True)
class Sentence:
    """What the decision sees of one sentence: its words, the model's letter probabilities,
    their means over the article, where it stands, and how many sides it names (and whether
    one is its main verb's subject)."""

    text: str
    probs: dict[str, float]
    usual: dict[str, float]
    index: int
    total: int
    named: int
    subject_named: bool


def features(s: Sentence, cuts: Cuts = HAND) -> dict[str, float]:
    """The sentence's features, by name: general English, no word of any article; the hand
    rules' answer with ``cuts`` among them."""
    text, spoken = s.text, outside_quotes(s.text)
    holder = parse.holder(text)
    rules = rule_kinds(s.probs, text, s.usual, cuts)
    status = status_of(text)
    out: dict[str, float] = {}
    for letter in "ABCD":
        p = s.probs[letter]
        out[f"p_{letter}"] = p
        out[f"rel_{letter}"] = math.log(max(p, 1e-6) / max(s.usual[letter], 1e-6))
    out["top_is_background"] = float(max("ABCD", key=lambda k: s.probs[k]) == "A")
    for name in SECTIONS:
        out[f"rule_{name}"] = float(name in rules)
        out[f"cue_{name}"] = float(bool(CUES[name].search(text)))
        out[f"cue_{name}_outside"] = float(bool(CUES[name].search(spoken)))
    out["rule_background"] = float(not rules)
    out["asks_to_act"] = float(parse.asks_to_act(text))
    out["demand_verb"] = float(bool(parse.demands(text)))
    out["puts_forward"] = float(parse.puts_forward(text) is not None)
    out["proposal_speaks"] = float(parse.proposal_speaks(text) is not None)
    out["lists"] = float(bool(parse.listing(text)))
    out["condition"] = float(bool(CONDITION.search(spoken)))
    out["stance_outside"] = float(bool(_STANCE_WORDS.search(spoken)))
    out["says_nothing"] = float(says_nothing(text))
    out["bare_deal"] = float(mentions_a_deal(text))
    out["quoted"] = float(spoken != text)
    out["speech"] = float(bool(_SPEECH.search(text)))
    out["negation"] = float(bool(_NEGATION.search(spoken)))
    out["hypothetical"] = float(bool(_HYPOTHETICAL.search(spoken)))
    out["future"] = float(bool(_FUTURE.search(spoken)))
    out["obligation"] = float(bool(_OBLIGATION.search(spoken)))
    out["first_person"] = float(bool(_FIRST_PERSON.search(spoken)))
    out["number"] = float(bool(_NUMBER.search(text)))
    out["money"] = float(bool(_MONEY.search(text)))
    for name in _STATUSES:
        out[f"status_{name}"] = float(status == name)
    out["first"] = float(s.index == 0)
    out["place"] = s.index / max(s.total - 1, 1)
    out["length"] = min(len(text.split()), 60) / 30
    out["sides_named"] = min(s.named, 3) / 3
    out["subject_is_side"] = float(s.subject_named)
    out["subject_pronoun"] = float(holder.pronoun)
    out["subject_described"] = float(holder.described)
    return out


@dataclass(frozen=True)
class KindsModel:
    """One logistic regression per kind over standardised :func:`features`, and the
    probability at or above which a sentence states that kind."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    bias: dict[str, float]
    threshold: dict[str, float]

    def probabilities(self, feats: dict[str, float]) -> dict[str, float]:
        """Each kind's probability for a sentence with ``feats``."""
        x = [
            (feats[n] - m) / sc for n, m, sc in zip(self.names, self.mean, self.scale, strict=True)
        ]
        out = {}
        for kind in SECTIONS:
            z = self.bias[kind] + sum(w * v for w, v in zip(self.weights[kind], x, strict=True))
            out[kind] = 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))
        return out

    def kinds(self, feats: dict[str, float]) -> list[str]:
        """The kinds a sentence with ``feats`` states, in the brief's order."""
        p = self.probabilities(feats)
        return [k for k in SECTIONS if p[k] >= self.threshold[k]]

    def to_json(self) -> dict[str, Any]:
        """The model as plain data (``kinds.json``)."""
        return {
            "names": list(self.names),
            "mean": [round(v, 6) for v in self.mean],
            "scale": [round(v, 6) for v in self.scale],
            "weights": {k: [round(v, 6) for v in w] for k, w in self.weights.items()},
            "bias": {k: round(v, 6) for k, v in self.bias.items()},
            "threshold": {k: round(v, 6) for k, v in self.threshold.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KindsModel:
        """A model from :meth:`to_json`'s data."""
        return cls(
            names=tuple(data["names"]),
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            weights={k: tuple(v) for k, v in data["weights"].items()},
            bias=dict(data["bias"]),
            threshold=dict(data["threshold"]),
        )


@dataclass(frozen=True)
class Decision:
    """The shipped decision: the hand rules with their numbers, or a fitted model (which
    sees the rules' answer as a feature) for the kinds in ``learned`` and the rules for the
    rest; ``python -m summarizer.run.fit`` chooses the design whose cross-validated brief is
    better (docs/quality.md)."""

    cuts: Cuts
    model: KindsModel | None
    learned: tuple[str, ...] = SECTIONS

    def __call__(self, s: Sentence) -> list[str]:
        ruled = rule_kinds(s.probs, s.text, s.usual, self.cuts)
        if self.model is None:
            return ruled
        found = self.model.kinds(features(s, self.cuts))
        return [k for k in SECTIONS if k in (found if k in self.learned else ruled)]

    def to_json(self) -> dict[str, Any]:
        """The decision as plain data (``kinds.json``'s ``"decision"``)."""
        return {
            "design": "rules" if self.model is None else "learned",
            "cuts": {k: round(v, 6) for k, v in vars(self.cuts).items()},
            "model": None if self.model is None else self.model.to_json(),
            "learned": list(self.learned),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Decision:
        """A decision from :meth:`to_json`'s data."""
        model = data["model"]
        return cls(
            Cuts(**data["cuts"]),
            None if model is None else KindsModel.from_json(model),
            tuple(data["learned"]),
        )


SHIPPED = "kinds.json"


@cache
def shipped() -> Decision:
    """The decision shipped with the package (``summarizer/extract/kinds.json``)."""
    text = resources.files("summarizer.extract").joinpath(SHIPPED).read_text(encoding="utf-8")
    return Decision.from_json(json.loads(text)["decision"])
