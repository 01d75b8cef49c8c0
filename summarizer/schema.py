"""The brief's Pydantic models: the single source of truth.

The same classes give the JSON Schema sent to the model (:func:`model_schema`, without derived
fields), the published schema (``schemas/brief.schema.json``), the field guide in the prompt,
validation of the model's answer against the article, and the renderers' input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue

from . import attribution as reading
from . import grounding
from .article import Article
from .attribution import AttributionKind, Event, Modality

PartyKind = Literal[
    "state",
    "government",
    "armed_group",
    "organisation",
    "company",
    "union",
    "person",
    "coalition",
    "other",
]
Status = Literal[
    "proposed",
    "under_negotiation",
    "agreed",
    "rejected",
    "disputed",
    "withdrawn",
    "implemented",
]

# Fields the tool fills in after validation; the model is never asked for them.
DERIVED_FIELDS = frozenset(
    {
        "quote_span", "verified", "unverified_reason", "attribution", "attributed_by",
        "modality", "modality_cue", "event", "responses",
    }
)  # fmt: skip
# How the demanded party's answer reads, by its event type; a term it proposes itself in
# answer is a counter-offer. Items share this much wording with a demand to answer it.
RESPONSE_KINDS = {"AGREE": "acceptance", "REJECT": "rejection", "CONCEDE": "concession"}
ANSWERS = 0.3
# Asked for last in each item: the model states the item, copies a few words for it, then
# names the sentence. Asked first, small models number sentences in order instead.
GROUNDING_FIELDS = ("quote", "evidence")


def model_facing(names: list[str]) -> list[str]:
    """Field names in the order the model is asked for them, derived fields left out."""
    kept = [n for n in names if n not in DERIVED_FIELDS]
    return [n for n in kept if n not in GROUNDING_FIELDS] + [
        n for n in GROUNDING_FIELDS if n in kept
    ]


Evidence = Annotated[
    list[int],
    Field(min_length=1, max_length=2, description="number of the sentence that states it"),
]
Quote = Annotated[
    str | None, Field(description="a few exact words from the article", max_length=160)
]
QuoteSpan = Annotated[
    tuple[int, int] | None,
    Field(description="[start, end) of the quote in the article text (derived)"),
]
PartyRef = Annotated[str, Field(description="party id", max_length=40)]
# Length caps bound what a looping model can write: the grammar enforces them while decoding.
Short = Annotated[str, Field(max_length=160)]
Clause = Annotated[str | None, Field(max_length=120)]

# ICD 203's likelihood scale, each word with the probability it stands for.
LIKELIHOODS = {
    "almost no chance": "1-5%",
    "very unlikely": "5-20%",
    "unlikely": "20-45%",
    "roughly even chance": "45-55%",
    "likely": "55-80%",
    "very likely": "80-95%",
    "almost certain": "95-99%",
}
Likelihood = Literal[
    "almost no chance",
    "very unlikely",
    "unlikely",
    "roughly even chance",
    "likely",
    "very likely",
    "almost certain",
]
Confidence = Literal["low", "moderate", "high"]
# Estimative words: a judgment's, never a reported fact's unless the article used them.
_ESTIMATIVE = re.compile(
    r"\b(?:almost no chance|(?:very |highly )?(?:un)?likely|(?:roughly )?even chance|"
    r"almost certain(?:ly)?|probabl[ey]|improbable|remote chance)\b",
    re.IGNORECASE,
)


def estimative_words(text: str) -> list[str]:
    """The estimative expressions (ICD 203 and kin) in ``text``, lower-case."""
    return [m.group(0).lower() for m in _ESTIMATIVE.finditer(text)]


def _new_estimates(claim: str, source: str) -> list[str]:
    """Estimative words in ``claim`` that ``source`` does not use."""
    said = source.lower()
    return [w for w in estimative_words(claim) if w not in said]


# The validation context of answers that instructor validates. Handing the article to
# instructor as its ``context`` would also render every message as a Jinja template: an
# article with "{{" or "{%" in it would reach the model rewritten, or not at all.
_GROUNDING: ContextVar[dict[str, Any] | None] = ContextVar("grounding", default=None)


@contextmanager
def grounded_in(article: Article) -> Iterator[None]:
    """Validate against ``article`` wherever no explicit ``context`` is passed, until exit."""
    token = _GROUNDING.set({"article": article})
    try:
        yield
    finally:
        _GROUNDING.reset(token)


def _context(info: ValidationInfo) -> dict[str, Any] | None:
    return info.context if isinstance(info.context, dict) else _GROUNDING.get()


def _article(info: ValidationInfo) -> Article | None:
    ctx = _context(info)
    return ctx.get("article") if ctx is not None else None


def _blank_to_none(value: object) -> object:
    # Models write "none" or "N/A" for an absent condition; that is an absent value.
    if isinstance(value, str) and value.strip().casefold() in _BLANKS:
        return None
    return value


_BLANKS = frozenset({"", "none", "null", "n/a", "na", "not specified", "unknown", "-"})


def _ids_exist(ids: list[int], info: ValidationInfo) -> list[int]:
    article = _article(info)
    if article is not None:
        n = len(article.sentences)
        bad = [i for i in ids if not 1 <= i <= n]
        if bad:
            raise ValueError(f"sentence ids {bad} do not exist; the article has sentences 1-{n}")
    return sorted(set(ids))


class _Item(BaseModel):
    """Shared grounding checks for positions, demands and deal terms."""

    model_config = ConfigDict(extra="ignore")

    evidence: Evidence
    quote: Quote = None
    quote_span: QuoteSpan = None
    verified: bool = Field(
        default=True,
        description=(
            "false when, after re-asks, the quote was still not in the article, the cited "
            "sentences still shared no words with the item, or the item still used estimative "
            "words its sentence does not (derived)"
        ),
    )
    unverified_reason: str | None = Field(
        default=None, description="why verified is false, for readers (derived)"
    )
    attribution: AttributionKind | None = Field(
        default=None, description="who asserted it, read off the evidence (derived)"
    )
    attributed_by: str | None = Field(default=None, description="the attributing phrase")
    modality: Modality | None = Field(
        default=None, description="how firmly it is asserted; past = superseded (derived)"
    )
    modality_cue: str | None = Field(default=None, description="the words that show it")
    event: Event | None = Field(default=None, description="PLOVER event type (derived)")

    _blank_quote = field_validator("quote", mode="before")(_blank_to_none)

    _ids = field_validator("evidence")(_ids_exist)

    # The text fields a model writes for the item, checked for estimative words.
    _CLAIMS: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _no_new_estimates(self, info: ValidationInfo) -> _Item:
        article = _article(info)
        if article is None:
            return self
        claim = " ".join(str(getattr(self, name) or "") for name in self._CLAIMS)
        cited = " ".join(article.sentence(i).text for i in self.evidence)
        new = _new_estimates(claim, cited)
        if new:
            return self._fail_closed(
                info,
                f"{new[0]!r} is estimative language that sentence {self.evidence[0]} does "
                "not use; report only what the article states",
                "more estimative than its sentence",
            )
        return self

    def _fail_closed(self, info: ValidationInfo, error: str, reason: str) -> _Item:
        """Re-ask with ``error``; once re-asks are spent (the lenient pass) keep the item,
        marked unverified for ``reason``: never silently dropped or silently trusted."""
        ctx = _context(info)
        if ctx is not None and ctx.get("lenient"):
            self.verified = False
            self.unverified_reason = self.unverified_reason or reason
            return self
        raise ValueError(error)

    @model_validator(mode="after")
    def _align_quote(self, info: ValidationInfo) -> _Item:
        article = _article(info)
        if article is None or not self.quote:
            return self
        first, last = article.sentence(self.evidence[0]), article.sentence(self.evidence[-1])
        span = grounding.align(self.quote, article.text, within=(first.start, last.end))
        if span is None:
            return self._fail_closed(
                info,
                f"quote {self.quote!r} is not in the article; copy it exactly from sentence "
                f"{self.evidence[0]} or set quote to null",
                "quote not found in the article",
            )
        self.quote_span = span
        return self

    @model_validator(mode="after")
    def _evidence_supports(self, info: ValidationInfo) -> _Item:
        # Sentence numbers that exist are not enough: small models number sentences in
        # order. A quote found in the cited sentences grounds the item; else they must share
        # at least one content word (or its stem) with the claim.
        article = _article(info)
        if article is None or self.quote_span is not None:
            return self
        claim = " ".join(str(getattr(self, name) or "") for name in self._CLAIMS)
        cited = " ".join(article.sentence(i).text for i in self.evidence)
        if grounding.words(claim) and not grounding.shares_stem(claim, cited):
            ids = ", ".join(str(i) for i in self.evidence)
            return self._fail_closed(
                info,
                f"sentence {ids} shares no words with {claim.strip()[:80]!r}; cite the "
                "number of the sentence that states it",
                "its sentences do not state it",
            )
        return self

    def _event(self, negated: bool) -> Event:
        raise NotImplementedError

    @model_validator(mode="after")
    def _read_evidence(self, info: ValidationInfo) -> _Item:
        """Attribution, modality and event type, from the sentence the item rests on."""
        article = _article(info)
        if article is None:
            return self
        sid = self.evidence[0]
        if self.quote_span is not None:
            sid = next(s.id for s in article.sentences if s.end > self.quote_span[0])
        text = article.sentence(sid).text
        self.attribution, self.attributed_by = reading.attribution(text)
        self.modality, self.modality_cue = reading.modality(text)
        self.event = self._event(self.modality == "negated")
        return self


class Party(BaseModel):
    """A side in the negotiation or conflict."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(description="short lowercase id", max_length=40)
    name: Short
    kind: PartyKind
    speakers: list[Short] = Field(
        default_factory=list, description="its people named", max_length=6
    )


class Position(_Item):
    """Where a party stands on a topic."""

    holder: PartyRef
    topic: Short
    stance: Short

    _CLAIMS = ("topic", "stance")

    @property
    def claim(self) -> str:
        """ "topic: stance", or the stance alone where no topic was named."""
        return f"{self.topic}: {self.stance}" if self.topic else self.stance

    def _event(self, negated: bool) -> Event:
        return reading.event("position", stance=self.stance, negated=negated)


class Response(BaseModel):
    """An item of the same brief that answers a demand (derived by the tool)."""

    kind: Literal["acceptance", "rejection", "concession", "counter_offer"]
    section: Literal["positions", "deal_terms"]
    index: int = Field(description="0-based index of the item in its section")


class Demand(_Item):
    """What one party demands of another."""

    by: PartyRef
    of: str | None = Field(description="party id or null", max_length=40)
    what: Short
    condition: Clause = None
    deadline: Clause = None
    threat: Clause = None

    _CLAIMS = ("what", "condition", "deadline", "threat")
    _blanks = field_validator("of", "condition", "deadline", "threat", mode="before")(
        _blank_to_none
    )

    responses: list[Response] = Field(
        default_factory=list, description="items answering it in the same brief (derived)"
    )

    def _event(self, negated: bool) -> Event:
        return reading.event("demand", threat=self.threat)


class DealTerm(_Item):
    """A term of a proposed or agreed deal."""

    term: Short
    proposed_by: str | None = Field(description="party id or null", max_length=40)
    binds: list[str] = Field(default_factory=list, description="party ids it binds", max_length=6)
    status: Status

    _CLAIMS = ("term",)
    _blanks = field_validator("proposed_by", mode="before")(_blank_to_none)

    def _event(self, negated: bool) -> Event:
        return reading.event("deal_term", status=self.status)


class Extraction(BaseModel):
    """What the model returns for one article."""

    model_config = ConfigDict(extra="ignore")

    summary: str = Field(description="bottom line up front, 1-2 sentences", max_length=400)
    parties: list[Party] = Field(max_length=10)
    positions: list[Position] = Field(max_length=12)
    demands: list[Demand] = Field(max_length=10)
    deal_terms: list[DealTerm] = Field(max_length=12)

    @model_validator(mode="after")
    def _summary_no_new_estimates(self, info: ValidationInfo) -> Extraction:
        article = _article(info)
        new = _new_estimates(self.summary, article.text) if article is not None else []
        if new:
            raise ValueError(
                f"the summary says {new[0]!r}, estimative language the article does not use; "
                "report only what the article states"
            )
        return self

    @model_validator(mode="after")
    def _references_resolve(self) -> Extraction:
        ids = [p.id for p in self.parties]
        if len(set(ids)) != len(ids):
            raise ValueError(f"party ids must be unique, got {ids}")
        # Small models often cite a party by its name, a speaker or a differently cased id;
        # map those unambiguous spellings to the id before judging.
        aliases: dict[str, str] = {}
        for p in self.parties:
            for spelling in (p.id, p.name, *p.speakers):
                aliases.setdefault(spelling.casefold().strip(), p.id)

        def fix(ref: str | None, where: str) -> str | None:
            if ref is None or ref in ids:
                return ref
            if (hit := aliases.get(ref.casefold().strip())) is not None:
                return hit
            raise ValueError(f"{where} refers to party {ref!r}, which is not in parties {ids}")

        for i, pos in enumerate(self.positions):
            pos.holder = fix(pos.holder, f"positions[{i}].holder") or pos.holder
        for i, dem in enumerate(self.demands):
            dem.by = fix(dem.by, f"demands[{i}].by") or dem.by
            dem.of = fix(dem.of, f"demands[{i}].of")
        for i, term in enumerate(self.deal_terms):
            term.proposed_by = fix(term.proposed_by, f"deal_terms[{i}].proposed_by")
            term.binds = [fix(b, f"deal_terms[{i}].binds") or b for b in term.binds]
        self._link_responses()
        return self

    def _link_responses(self) -> None:
        """Point each demand at what answers it: an item by the demanded party (or, for a
        term, one that binds it) that shares the demand's wording."""
        for dem in self.demands:
            if dem.of is None:
                continue
            dem.responses = []
            candidates: list[tuple[str, int, Any, str, str | None]] = [
                ("positions", i, p, f"{p.topic} {p.stance}", p.holder)
                for i, p in enumerate(self.positions)
            ] + [
                ("deal_terms", i, t, t.term, t.proposed_by if t.proposed_by else None)
                for i, t in enumerate(self.deal_terms)
            ]
            for section, i, item, text, actor in candidates:
                binds = getattr(item, "binds", [])
                if dem.of not in (actor, *binds) or grounding.overlap(dem.what, text) < ANSWERS:
                    continue
                kind = RESPONSE_KINDS.get(item.event or "")
                if kind is None and section == "deal_terms" and actor == dem.of:
                    kind = "counter_offer"
                if kind is not None:
                    dem.responses.append(Response(kind=kind, section=section, index=i))  # type: ignore[arg-type]

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The schema sent to the model: see :func:`model_schema`."""
        return model_schema()


class KeyJudgment(BaseModel):
    """An analytic judgment of what comes next, kept apart from the reported facts."""

    model_config = ConfigDict(extra="ignore")

    judgment: Short = Field(description="what may happen next, one short sentence")
    likelihood: Likelihood = Field(description="ICD 203 likelihood")
    confidence: Confidence = Field(description="how solid and consistent its sources are")
    evidence: list[int] = Field(
        min_length=1, max_length=3, description="numbers of the sentences it rests on"
    )

    _ids = field_validator("evidence")(_ids_exist)

    @model_validator(mode="after")
    def _one_likelihood(self) -> KeyJudgment:
        # The judgment's own wording may repeat its likelihood, never contradict it.
        said = {_SYNONYMS.get(w, w) for w in estimative_words(self.judgment)}
        other = sorted(said - {self.likelihood})
        if other:
            raise ValueError(
                f"judgment {self.judgment!r} says {other[0]!r} but its likelihood is "
                f"{self.likelihood!r}; make them agree"
            )
        return self


# Estimative words outside the ICD 203 scale, read as the scale word they mean.
_SYNONYMS = {
    "almost certainly": "almost certain",
    "probably": "likely",
    "probable": "likely",
    "highly likely": "very likely",
    "highly unlikely": "very unlikely",
    "improbable": "unlikely",
    "even chance": "roughly even chance",
    "remote chance": "very unlikely",
}


class Judgments(BaseModel):
    """What the model returns for the key-judgments pass."""

    model_config = ConfigDict(extra="ignore")

    judgments: list[KeyJudgment] = Field(max_length=3)

    @model_validator(mode="after")
    def _distinct(self) -> Judgments:
        # Small models repeat one judgment word for word; a repeat says nothing new.
        seen: set[str] = set()
        kept = []
        for j in self.judgments:
            key = " ".join(j.judgment.casefold().split())
            if key not in seen:
                seen.add(key)
                kept.append(j)
        self.judgments = kept
        return self

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The schema sent to the model: see :func:`model_schema`."""
        return model_schema(Judgments)


class SentenceRef(BaseModel):
    """A numbered sentence of the cleaned article, with its character span."""

    id: int
    start: int
    end: int
    text: str


class Usage(BaseModel):
    """Token usage summed over every model call made for the brief."""

    calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = Field(
        default=None, description="estimated, for calls not answered from the cache"
    )


class Metadata(BaseModel):
    """How the brief was made."""

    model: str
    prompt_version: str
    tool_version: str
    article_sha256: str
    created_at: str
    seconds: float
    usage: Usage


class Brief(Extraction):
    """A grounded, structured brief of one article."""

    title: str | None
    source: str
    byline: str | None = None
    publisher: str | None = None
    published: str | None = None
    url: str | None = None
    sentences: list[SentenceRef]
    judgments: list[KeyJudgment] = Field(
        default_factory=list,
        description="at most three analytic judgments, apart from the facts (when asked for)",
    )
    judgments_missing: str | None = Field(
        default=None,
        description="why the brief has no key judgments although they were asked for",
    )
    metadata: Metadata

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The published schema: every field, derived ones included."""
        return BaseModel.model_json_schema.__func__(cls, *args, **kwargs)  # type: ignore[attr-defined,no-any-return]


class _ModelFacing(GenerateJsonSchema):
    """Drop titles and derived fields: every byte of this schema is sent on every call."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def generate(self, schema: Any, mode: Any = "validation") -> JsonSchemaValue:
        out = super().generate(schema, mode)
        _strip(out)
        # Definitions only derived fields used (e.g. Response) go too.
        defs = out.get("$defs", {})
        text = json.dumps({k: v for k, v in out.items() if k != "$defs"})
        while True:
            used = {n for n in defs if f"#/$defs/{n}" in text}
            if used == set(defs):
                break
            defs = {n: defs[n] for n in used}
            text = json.dumps({**{k: v for k, v in out.items() if k != "$defs"}, "d": defs})
        out["$defs"] = defs
        return out


def _strip(node: Any) -> None:
    if isinstance(node, dict):
        node.pop("title", None)
        props = node.get("properties")
        if isinstance(props, dict):
            node["properties"] = {name: props[name] for name in model_facing(list(props))}
            if "required" in node:
                node["required"] = [r for r in node["required"] if r not in DERIVED_FIELDS]
        for value in node.values():
            _strip(value)
    elif isinstance(node, list):
        for value in node:
            _strip(value)


@cache
def _model_schema_json(model: type[BaseModel]) -> str:
    schema = BaseModel.model_json_schema.__func__(  # type: ignore[attr-defined]
        model, schema_generator=_ModelFacing
    )
    return json.dumps(schema)


def model_schema(model: type[BaseModel] | None = None) -> dict[str, Any]:
    """JSON Schema of ``model`` (:class:`Extraction` by default) as sent to the model: no
    titles, no derived fields.

    Built once per process; each caller gets its own copy to change as it likes."""
    return json.loads(_model_schema_json(model or Extraction))  # type: ignore[no-any-return]


def brief_schema_json() -> str:
    """The published JSON Schema of :class:`Brief`, as written to ``schemas/brief.schema.json``."""
    return json.dumps(Brief.model_json_schema(), indent=2, ensure_ascii=False) + "\n"
