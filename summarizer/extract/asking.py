"""Asking the model for one of the brief's models: with the schema sent for it and validated
against the article (the grounding re-asks), through the brief-agnostic client."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from summarizer.article.text import Article
from summarizer.brief.models import grounded_in, model_schema, request_schema
from summarizer.llm.client import Answer, Endpoint, Schemas, Tape
from summarizer.llm.client import ask as ask_client
from summarizer.llm.transport import CallLog

M = TypeVar("M", bound=BaseModel)


def ask(
    model: type[M],
    article: Article,
    messages: list[dict[str, str]],
    endpoint: Endpoint,
    tape: Tape,
    log: CallLog,
) -> Answer[M]:
    """Ask for an answer that validates as ``model`` against ``article``; a model with a
    ``keepable(value, article)`` class method may keep an answer whose faults the grounding
    stage marks unverified (a quote not in the article, a party it does not name)."""
    schema = request_schema(model)
    keepable = getattr(model, "keepable", None)
    return ask_client(
        model,
        messages,
        endpoint,
        tape,
        log,
        schemas=Schemas(schema, schema or model_schema(model)),
        validating=grounded_in(article),
        keep=None if keepable is None else (lambda value: bool(keepable(value, article))),
    )
