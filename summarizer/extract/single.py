"""The single strategy: one generated call returns the whole extraction (parties, positions,
demands, deal terms), validated and re-asked against the article. For capable models."""

from __future__ import annotations

from summarizer.article.text import Article
from summarizer.brief.models import Extraction
from summarizer.extract import prompts
from summarizer.extract.asking import ask
from summarizer.extract.strategy import Extracted, Progress, Strategy, no_questions, takes_any
from summarizer.llm.client import Endpoint, Tape
from summarizer.llm.transport import CallLog


def extract(
    article: Article, endpoint: Endpoint, tape: Tape, log: CallLog, progress: Progress | None
) -> Extracted:
    """Run the single strategy on ``article``."""
    messages = prompts.messages(article)
    answer = ask(Extraction, article, messages, endpoint, tape, log)
    return Extracted(answer.value, answer.model, messages, answer.text)


STRATEGY = Strategy("single", extract, prompts.system, no_questions, takes_any)
