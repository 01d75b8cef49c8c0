"""The brief's Pydantic models: the single source of truth.

The same classes give the JSON Schema sent to the model (:func:`model_schema`, without derived
fields), the published schema (``schemas/brief.schema.json``), the field guide in the prompt,
validation of the model's answer against the article, and the renderers' input.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue

from summarizer.article.text import Article
from summarizer.errors import InputError
from summarizer.grounding import checks as ground
from summarizer.grounding.checks import estimative_words

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
# What the reading stage (``attribution.py``) derives of each item, off its sentence.
AttributionKind = Literal["anonymous", "statement", "on_record", "reporter"]
Modality = Literal["asserted", "hedged", "conditional", "negated", "past"]
Event = Literal[
    "REQUEST", "THREATEN", "AGREE", "REJECT", "RETREAT", "CONSULT", "CONCEDE", "ACCUSE", "SUPPORT"
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
        "quote_span",
        "verified",
        "unverified_reason",
        "attribution",
        "attributed_by",
        "modality",
        "modality_cue",
        "event",
        "responses",
        "copied",
    }
)
# Asked for last in each item: the model states the item, copies a few words for it, then
# names the sentence. Asked first, small models number sentences in order instead.
GROUNDING_FIELDS = ("quote", "evidence")


def model_facing(names: list[str]) -> list[str]:
    """Field names in the order the model is asked for them, derived fields left out."""
    kept = [n for n in names if n not in DERIVED_FIELDS]
    return [n for n in kept if n not in GROUNDING_FIELDS] + [
        n for n in GROUNDING_FIELDS if n in kept
    ]


def _from_one(ids: list[int]) -> list[int]:
    # Sentences are numbered from 1: an id of 0 or below would index from the end.
    if bad := [i for i in ids if i < 1]:
        raise ValueError(f"sentence ids {bad} do not exist; sentences are numbered from 1")
    return ids


Evidence = Annotated[
    list[int],
    Field(min_length=1, max_length=2, description="number of the sentence that states it"),
    # A validator, not ge=1: the schema the model is sent (and the recordings) stay as they are.
    AfterValidator(_from_one),
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
SHORT_CHARS = 160
Short = Annotated[str, Field(max_length=SHORT_CHARS)]
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


def article_in(info: ValidationInfo) -> Article | None:
    """The article an answer is being validated against, if any."""
    ctx = _context(info)
    return ctx.get("article") if ctx is not None else None


def _blank_to_none(value: object) -> object:
    # Models write "none" or "N/A" for an absent condition; that is an absent value.
    if isinstance(value, str) and value.strip().casefold() in _BLANKS:
        return None
    return value


_BLANKS = frozenset({"", "none", "null", "n/a", "na", "not specified", "unknown", "-"})


def _distinct_ids(ids: list[int]) -> list[int]:
    return sorted(set(ids))


def _ids_exist(ids: list[int], info: ValidationInfo) -> list[int]:
    # A key judgment's sentences; an item's are checked with the rest of its grounding.
    article = article_in(info)
    if article is not None and (wrong := ground.missing_ids(ids, article)) is not None:
        raise ValueError(wrong)
    return _distinct_ids(ids)


class _Item(BaseModel):
    """What positions, demands and deal terms share: the evidence the model cites, and what
    the grounding (``ground.py``) and reading (``attribution.read``) stages derive from it."""

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
    copied: bool = Field(
        default=False,
        description=(
            "true when the item's text is its sentence's own words, the model's wording of "
            "it having failed its checks (derived)"
        ),
    )

    _blank_quote = field_validator("quote", mode="before")(_blank_to_none)

    _ids = field_validator("evidence")(_distinct_ids)


class Party(BaseModel):
    """A side in the negotiation or conflict."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(description="short lowercase id", max_length=40)
    name: Short
    kind: PartyKind
    speakers: list[Short] = Field(
        default_factory=list, description="its people named", max_length=6
    )
    verified: bool = Field(
        default=True,
        description="false when, after re-asks, the article still named none of its names "
        "or people (derived)",
    )
    unverified_reason: str | None = Field(
        default=None, description="why verified is false, for readers (derived)"
    )


class Position(_Item):
    """Where a party stands on a topic."""

    holder: PartyRef
    topic: Short
    stance: Short

    @property
    def claim(self) -> str:
        """ "topic: stance", or the stance alone where no topic was named."""
        return f"{self.topic}: {self.stance}" if self.topic else self.stance


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

    _blanks = field_validator("of", "condition", "deadline", "threat", mode="before")(
        _blank_to_none
    )

    responses: list[Response] = Field(
        default_factory=list, description="items answering it in the same brief (derived)"
    )


class DealTerm(_Item):
    """A term of a proposed or agreed deal."""

    term: Short
    proposed_by: str | None = Field(description="party id or null", max_length=40)
    binds: list[str] = Field(default_factory=list, description="party ids it binds", max_length=6)
    status: Status

    _blanks = field_validator("proposed_by", mode="before")(_blank_to_none)


class Extraction(BaseModel):
    """What the model returns for one article."""

    model_config = ConfigDict(extra="ignore")

    summary: str = Field(description="bottom line up front, 1-2 sentences", max_length=400)
    parties: list[Party] = Field(max_length=10)
    positions: list[Position] = Field(max_length=12)
    demands: list[Demand] = Field(max_length=10)
    deal_terms: list[DealTerm] = Field(max_length=12)

    @classmethod
    def keepable(cls, value: Extraction, article: Article) -> bool:
        """Whether ``value``, still faulty after the re-asks, may be kept with the faulty
        parts marked unverified (see ``ground.keepable``)."""
        return ground.keepable(ground.problems(value, article))

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> Extraction:
        # Validating a model's answer against its article (instructor's re-asks): every
        # problem the grounding stage finds goes back to the model, word for word.
        article = article_in(info)
        found = ground.problems(self, article) if article is not None else []
        if found:
            raise ValueError("; ".join(f"{p.where}: {p.error}" for p in found))
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
        return self


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
    cached_prompt_tokens: int = Field(
        default=0, description="of the prompt tokens, those the server reused from its cache"
    )
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
    return json.dumps(model.model_json_schema(schema_generator=_ModelFacing))


def model_schema(model: type[BaseModel] | None = None) -> dict[str, Any]:
    """JSON Schema of ``model`` (:class:`Extraction` by default) as sent to the model: no
    titles, no derived fields.

    Built once per process; each caller gets its own copy to change as it likes."""
    return json.loads(_model_schema_json(model or Extraction))  # type: ignore[no-any-return]


def request_schema(model: type[BaseModel]) -> dict[str, Any] | None:
    """The JSON Schema a request for ``model`` carries: :func:`model_schema` for the models
    with fields the tool derives (the brief's extraction, key judgments); None for the
    others, which go as pydantic writes them."""
    return model_schema(model) if model in (Extraction, Judgments) else None


def brief_schema_json() -> str:
    """The published JSON Schema of :class:`Brief`, as written to ``schemas/brief.schema.json``."""
    return json.dumps(Brief.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


# The largest brief JSON read: a brief of the longest article (1 MB) with its sentences is a
# few megabytes; more is no brief of ours (a 50 MB file kept a memo busy for minutes).
MAX_BRIEF_BYTES = 8 * 1024 * 1024


def broken_references(brief: Brief) -> list[str]:
    """What in ``brief`` points at nothing: a cited sentence it does not hold, or a
    response index past its section (party references are checked by validation)."""
    ids = {s.id for s in brief.sentences}
    found = []
    for section in ground.SECTIONS:
        for i, item in enumerate(getattr(brief, section)):
            missing = [n for n in item.evidence if n not in ids]
            if missing:
                found.append(f"{section}[{i}] cites sentences {missing}, which the brief lacks")
    for j, judged in enumerate(brief.judgments):
        if missing := [n for n in judged.evidence if n not in ids]:
            found.append(f"judgments[{j}] cites sentences {missing}, which the brief lacks")
    for i, demand in enumerate(brief.demands):
        for r in demand.responses:
            if not 0 <= r.index < len(getattr(brief, r.section)):
                found.append(f"demands[{i}] answered by {r.section}[{r.index}], which is absent")
    return found


def load_brief(path: Path) -> Brief:
    """A brief JSON file (as ``summarize -f json`` writes it), read whole only when it is a
    plain file of at most :data:`MAX_BRIEF_BYTES`, and refused when it does not validate
    or a reference in it points at nothing (:func:`broken_references`)."""
    hint = "give a file written by `summarizer summarize -f json`"
    try:
        size = path.stat().st_size if path.is_file() else -1
    except OSError:
        size = -1
    if size < 0:
        raise InputError(f"{path} is not a brief JSON file", hint=hint)
    if size > MAX_BRIEF_BYTES:
        raise InputError(f"{path} is {size:,} bytes, more than any brief", hint=hint)
    try:
        brief = Brief.model_validate_json(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise InputError(f"{path} is not a brief JSON ({type(exc).__name__})", hint=hint) from None
    if wrong := broken_references(brief):
        raise InputError(f"{path} is no consistent brief: {'; '.join(wrong[:3])}", hint=hint)
    return brief
