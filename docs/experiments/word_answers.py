"""The kind question answered with a word instead of a letter, and a yes-or-no question in
its place, measured live in the 2026-12-08 midday stop (docs/quality.md). Starts the
embedded server.

``PYTHONPATH=docs/experiments python docs/experiments/word_answers.py`` (about 20 minutes on
2 cores): on every sentence of the seven real articles of ``model_questions.py``, the kind
question as shipped (a letter) and the same question with the kinds named by a word the
model answers with ("background", "position", "demand", "term"): the area under the ROC
curve of 1 - P(background) for "the sentence holds a required gold item", and how often the
most probable of the other three is a kind the gold gives. A letter carries the kind only
through the options it is given (``model_questions.py order``: swapped letters read worse);
a word carries it in itself.

``... word_answers.py yes`` (about 10 minutes): the same sentences asked only whether they
report what a side thinks, wants, asks or offers, answered yes or no: the area under the ROC
curve of P(yes), against the shipped question's 1 - P(background).

``... word_answers.py sides`` (about 10 minutes): the shipped letter question with the brief's
sides (replayed) named in it ("The sides: Ostrand; the Pilots' Guild."), so that a sentence
about no side reads as background.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from model_questions import ARTICLES, _gold_sentences, _letters, _post, _report
from sklearn.metrics import roc_auc_score

import summarizer
from summarizer.article.text import Article
from summarizer.extract import prompts
from summarizer.llm import embedded
from summarizer.run import evaluate as ev

# Each kind's word, and the letter the shipped question gives it.
WORDS = {"background": "A", "position": "B", "demand": "C", "term": "D"}
QUESTION = (
    'Sentence {id}: "{text}"\n'
    "What does sentence {id} report? background: events or facts only; position: a side's "
    "stance or view; demand: one side asks another to act; term: a term of a deal, offer or "
    "proposal.\nAnswer with one word: background, position, demand or term."
)


def _first_token(client: httpx.Client, base: str, art: Article, question: str) -> Any:
    """The top log-probabilities of the answer's first token, to ``question`` asked after
    the numbered article under the shipped system message."""
    messages = [
        {"role": "system", "content": prompts.scored_system()},
        {"role": "user", "content": f"{art.numbered()}\n\n{question}"},
    ]
    choice: Any = _post(client, base, messages, max_tokens=1, logprobs=True, top_logprobs=20)
    return choice["logprobs"]["content"][0]["top_logprobs"]


def _shares(found: dict[str, float]) -> dict[str, float]:
    total = sum(found.values()) or 1.0
    return {k: v / total for k, v in found.items()}


def _words(client: httpx.Client, base: str, art: Article, sid: int) -> dict[str, float]:
    """The probability of each kind's word as the first token of the answer, by letter."""
    question = QUESTION.format(id=sid, text=art.sentence(sid).text)
    found = dict.fromkeys("ABCD", 0.0)
    for top in _first_token(client, base, art, question):
        token = top["token"].strip().casefold()
        for word, letter in WORDS.items():
            # The word's first token: "back" of "background", or the whole word.
            if len(token) >= 3 and word.startswith(token):
                found[letter] += math.exp(top["logprob"])
    return _shares(found)


YES_NO = (
    'Sentence {id}: "{text}"\n'
    "Does sentence {id} report what a side thinks, wants, asks of another side, or offers or "
    "agrees to? Answer yes or no."
)


def _yes(client: httpx.Client, base: str, art: Article, sid: int) -> float:
    """P(yes) against P(no) as the first token of the answer."""
    question = YES_NO.format(id=sid, text=art.sentence(sid).text)
    found = {"yes": 0.0, "no": 0.0}
    for top in _first_token(client, base, art, question):
        if (token := top["token"].strip().casefold()) in found:
            found[token] += math.exp(top["logprob"])
    return _shares(found)["yes"]


def _sided(
    client: httpx.Client, base: str, art: Article, sid: int, sides: list[str]
) -> dict[str, float]:
    """The shipped letter question with the brief's sides named before it."""
    ask = (
        prompts._environment()
        .get_template("scored_kind.j2")
        .render(id=sid, text=art.sentence(sid).text)
    )
    first, rest = ask.strip().split("\n", 1)
    question = f"{first}\nThe sides: {'; '.join(sides)}.\n{rest}"
    found = dict.fromkeys("ABCD", 0.0)
    for top in _first_token(client, base, art, question):
        if (letter := top["token"].strip()) in found:
            found[letter] += math.exp(top["logprob"])
    return _shares(found)


def _asked() -> Iterator[tuple[Path, Article, int, set[str]]]:
    """Each sentence asked of the seven articles but the headline: the article's path, the
    article, the sentence's id and the kinds of the required gold items it holds."""
    for gold, path in ev.load_gold(Path("fixtures/devset")):
        if not gold["article"].startswith(ARTICLES):
            continue
        art = ev.load_article(path)
        items = _gold_sentences(gold, art)
        for s in art.sentences:
            if s.text != art.title:
                yield path, art, s.id, {section for section, _, sid in items if sid == s.id}


def yes(base: str) -> None:
    client = httpx.Client(timeout=300)
    rows = [(bool(kinds), _yes(client, base, art, sid)) for _, art, sid, kinds in _asked()]
    held, score = [h for h, _ in rows], [p for _, p in rows]
    print(f"yes or no: {len(rows)} sentences, AUC {roc_auc_score(held, score):.3f}")


def sided(base: str) -> None:
    client = httpx.Client(timeout=300)
    options = summarizer.resolve(replay=Path("fixtures/recorded"))
    sides: dict[Path, list[str]] = {}
    rows: list[tuple[set[str], dict[str, float]]] = []
    for path, art, sid, kinds in _asked():
        if path not in sides:
            sides[path] = [p.name for p in summarizer.summarize(path, options).parties]
        rows.append((kinds, _sided(client, base, art, sid, sides[path])))
    _report("letters, sides named", rows)


def main(base: str) -> None:
    client = httpx.Client(timeout=300)
    rows: dict[str, list[tuple[set[str], dict[str, float]]]] = {"letters": [], "words": []}
    shipped = prompts.scored_system()
    for _, art, sid, kinds in _asked():
        rows["letters"].append((kinds, _letters(client, base, shipped, art, sid)))
        rows["words"].append((kinds, _words(client, base, art, sid)))
    for name, found in rows.items():
        _report(name, found)
    averaged = [
        (kinds, {k: (p[k] + q[k]) / 2 for k in p})
        for (kinds, p), (_, q) in zip(rows["letters"], rows["words"], strict=True)
    ]
    _report("averaged", averaged)


if __name__ == "__main__":
    run = {"yes": yes, "sides": sided}.get(sys.argv[-1], main)
    with embedded.serve(embedded.default_model_path(), "local") as url:
        run(url)
