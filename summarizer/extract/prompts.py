"""Prompt templates (Jinja2, in ``prompts/``) and the messages built from them."""

from __future__ import annotations

import hashlib
import json
import typing
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel

from summarizer.article.text import Article
from summarizer.brief.models import Extraction, Judgments, KeyJudgment, model_facing, model_schema

if typing.TYPE_CHECKING:
    import jinja2

TEMPLATES = (
    "system.j2",
    "user.j2",
    "judgments.j2",
    "scored_system.j2",
    "scored_parties.j2",
    "scored_kind.j2",
)


def _template_dir() -> Path:
    packaged = resources.files("summarizer") / "prompts"
    if packaged.is_dir():
        return Path(str(packaged))
    # An editable install runs from the source tree, where prompts/ sits beside the package.
    return Path(__file__).resolve().parents[2] / "prompts"


@cache
def _sources() -> dict[str, str]:
    root = _template_dir()
    return {name: (root / name).read_text(encoding="utf-8") for name in TEMPLATES}


def _fields(model: type[BaseModel], seen: set[str]) -> str:
    """``name (description; choices)``; a trailing ``?`` marks an optional field. A field's
    description is given once, where it first appears, to save tokens."""
    parts = []
    for name in model_facing(list(model.model_fields)):
        info = model.model_fields[name]
        notes = [] if name in seen else [info.description or ""]
        seen.add(name)
        # Choices are enforced by the schema; the prompt lists them only where the meaning
        # of each choice matters (deal-term status, the likelihood scale, confidence).
        if name in ("status", "likelihood", "confidence"):
            notes.append("|".join(str(a) for a in typing.get_args(info.annotation)))
        label = name if info.is_required() else f"{name}?"
        text = "; ".join(n for n in notes if n)
        parts.append(f"{label} ({text})" if text else label)
    return ", ".join(parts)


@cache
def field_guide() -> str:
    """A compact list of the fields the model must fill, derived from the Pydantic models."""
    seen: set[str] = set()
    lines = []
    for name, info in Extraction.model_fields.items():
        item = typing.get_args(info.annotation)
        if item and isinstance(item[0], type) and issubclass(item[0], BaseModel):
            lines.append(f"- {name}: list of {{{_fields(item[0], seen)}}}")
        else:
            lines.append(f"- {name}: {info.description}")
    return "\n".join(lines)


@cache
def version() -> str:
    """Content hash of the templates and the model-facing schema: changes when either does."""
    digest = hashlib.sha256()
    for name, text in sorted(_sources().items()):
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    for model in (Extraction, Judgments):
        digest.update(json.dumps(model_schema(model), sort_keys=True).encode())
    return digest.hexdigest()[:12]


@cache
def _system() -> str:
    return _environment().get_template("system.j2").render(field_guide=field_guide())


def system() -> str:
    """The system message every brief request starts with."""
    return _system().strip()


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.DictLoader(_sources()),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,  # plain-text prompts, not HTML
    )


def messages(article: Article) -> list[dict[str, str]]:
    """Render the chat messages for one article (templates compiled once per process)."""
    user = _environment().get_template("user.j2").render(numbered=article.numbered())
    return [
        {"role": "system", "content": system()},
        {"role": "user", "content": user.strip()},
    ]


def scored_system() -> str:
    """The system message of the scored strategy: the kinds of sentence its closed
    question chooses among."""
    return _sources()["scored_system.j2"].strip()


def scored_messages(article: Article, question: str, **values: object) -> list[dict[str, str]]:
    """A scored-strategy request: the numbered article, then one question from the template
    ``scored_<question>.j2``. Every request starts with the same system message and article,
    so a server that caches prompts evaluates them once per article."""
    ask = _environment().get_template(f"scored_{question}.j2").render(**values)
    return [
        {"role": "system", "content": scored_system()},
        {"role": "user", "content": f"{article.numbered()}\n\n{ask.strip()}"},
    ]


def judgment_messages(
    article: Article, messages: list[dict[str, str]], answer: str
) -> list[dict[str, str]]:
    """The key-judgments pass: the brief's own conversation (the model's answer verbatim, so
    a server that caches the prompt reuses it) and one more request."""
    ask = (
        _environment()
        .get_template("judgments.j2")
        .render(fields=_fields(KeyJudgment, set()), sentences=len(article.sentences))
    )
    return [
        *messages,
        {"role": "assistant", "content": answer},
        {"role": "user", "content": ask.strip()},
    ]
