"""Two ways of asking the embedded model more, measured live in the dawn stop of 2026-12-08
and not kept (docs/quality.md, section "dawn stop"). Each starts the embedded server.

``python docs/experiments/model_questions.py examples`` (about 17 minutes on 2 cores): the
kind question with the shipped system message, and with nine more examples written for it
appended (each kind with a sentence that has no cue word); on every sentence of seven real
articles, the area under the ROC curve of 1 - P(background) for "the sentence holds a
required gold item", and how often the most probable of B-D is a kind the gold gives it.

``python docs/experiments/model_questions.py order`` (about 17 minutes): the same seven articles
asked with the letters swapped (A for a deal term, D for background, B and C likewise; the
options in the same order), to see how much of the model's answer is the letter; and the
two orderings' probabilities averaged.

``python docs/experiments/model_questions.py who`` (about 5 minutes): for each required gold
item whose actor the brief lists, the model asked who holds, asks or proposes what its
sentence states, answering with a name (matched to the brief's parties by their spellings),
against the actor rules' pick.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import Any

import httpx
from sklearn.metrics import roc_auc_score

import summarizer
from summarizer.article.text import Article
from summarizer.extract import actors, prompts
from summarizer.extract.kinds import KIND_NAMES
from summarizer.extract.sides import Side, mentions, outside_quotes, pattern, spellings
from summarizer.llm import embedded
from summarizer.run import evaluate as ev

ARTICLES = (
    "us-hamas-direct-talks",
    "wn-italy-religious-school-taxes",
    "wn-khadr-bail-supervision-plan",
    "wn-korea-us-beef-protests",
    "wn-lebanon-unity-government",
    "wn-somalia-pm-dismissal-vote",
    "wn-zanon-workers-factory-control",
)
WHO_ARTICLES = ("us-hamas-direct-talks", "wn-annan-kenya-reform-warning")
# Written for this experiment; no sentence of any article.
EXAMPLES = (
    'More examples, from other articles: "The two delegations met in Ostrand on Tuesday for '
    'a third round." is A; "Fishing boats have been kept in port since the strike began in '
    'May." is A; "The mayor said the bridge would stay open through the winter." is B; "The '
    'ministry denies that any boats were seized." is B; "Vell told reporters the guild would '
    'not return to work without a written guarantee." is B; "The guild\'s chairman said the '
    'ministry must pay for the new nets." is C; "Residents want the council to reopen the '
    'library by spring." is C; "The agreement gives the island two extra ferries a week." is '
    'D; "Both sides agreed to a ceasefire starting at midnight." is D.'
)
# Each section's letter in the kind question, and the gold key of its actor: the project's own.
LETTERS = {section: letter for letter, section in KIND_NAMES.items()}
ACTORS = {section: keys[0] for section, keys in ev._ACTORS.items()}
WHO = {
    "positions": "Whose position or view does sentence {id} state?",
    "demands": "Who makes the demand in sentence {id}?",
    "deal_terms": "Which side proposed, offered or agreed to the term in sentence {id}?",
}


def _post(client: httpx.Client, base: str, messages: list[dict[str, str]], **extra: Any) -> Any:
    body = {"model": "local", "messages": messages, "temperature": 0, "seed": 0, **extra}
    return client.post(f"{base}/chat/completions", json=body).json()["choices"][0]


SWAP = {"A": "D", "B": "C", "C": "B", "D": "A"}


def swapped(text: str) -> str:
    """``text`` with the kind letters swapped (:data:`SWAP`): "A)" and "is A" become "D)"
    and "is D"."""
    return re.sub(r"\b([ABCD])(?=\))|(?<=is )([ABCD])\b", lambda m: SWAP[m.group(0)], text)


def _letters(
    client: httpx.Client, base: str, system: str, art: Article, sid: int, swap: bool = False
) -> dict:
    text = art.sentence(sid).text
    # The letters are swapped in the question, never in the sentence it quotes.
    ask = prompts._environment().get_template("scored_kind.j2").render(id=sid, text="\0")
    ask = (swapped(ask) if swap else ask).replace("\0", text)
    messages = [
        {"role": "system", "content": system},
        {"role": "user", "content": f"{art.numbered()}\n\n{ask.strip()}"},
    ]
    choice = _post(client, base, messages, max_tokens=1, logprobs=True, top_logprobs=20)
    found = dict.fromkeys("ABCD", 0.0)
    for top in choice["logprobs"]["content"][0]["top_logprobs"]:
        if (letter := top["token"].strip()) in found:
            found[letter] += math.exp(top["logprob"])
    total = sum(found.values()) or 1.0
    return {(SWAP[k] if swap else k): v / total for k, v in found.items()}


def _gold_sentences(gold: dict[str, Any], art: Article) -> list[tuple[str, dict, int]]:
    """(section, gold item, the id of the sentence its evidence is in), required items."""
    out = []
    for section in LETTERS:
        for g in gold[section]:
            span = ev._gold_span(g["evidence"], art.text)
            if g.get("optional") or span is None:
                continue
            hit = next((s for s in art.sentences if s.start < span[1] and span[0] < s.end), None)
            if hit is not None:
                out.append((section, g, hit.id))
    return out


def examples(base: str) -> None:
    shipped = prompts.scored_system()
    _compare(base, {"shipped": shipped, "more examples": f"{shipped.rstrip()}\n{EXAMPLES}"})


def order(base: str) -> None:
    shipped = prompts.scored_system()
    rows = _compare(base, {"shipped": shipped, "swapped": swapped(shipped)})
    averaged = [
        (kinds, {k: (p[k] + q[k]) / 2 for k in p})
        for (kinds, p), (_, q) in zip(rows["shipped"], rows["swapped"], strict=True)
    ]
    _report("averaged", averaged)


def _compare(base: str, systems: dict[str, str]) -> dict[str, list[tuple[set[str], dict]]]:
    """Each sentence of :data:`ARTICLES` asked the kind question under each system message
    (the question's letters swapped where the message's are); the figures of each."""
    client = httpx.Client(timeout=300)
    rows: dict[str, list[tuple[set[str], dict]]] = {name: [] for name in systems}
    for gold, path in ev.load_gold(Path("fixtures/devset")):
        if not gold["article"].startswith(ARTICLES):
            continue
        art = ev.load_article(path)
        items = _gold_sentences(gold, art)
        for name, system in systems.items():
            for s in art.sentences:
                if s.text != art.title:
                    kinds = {section for section, _, sid in items if sid == s.id}
                    swap = name == "swapped"
                    found = _letters(client, base, system, art, s.id, swap)
                    rows[name].append((kinds, found))
    for name, found in rows.items():
        _report(name, found)
    return rows


def _report(name: str, found: list[tuple[set[str], dict]]) -> None:
    """The area under the ROC curve of 1 - P(background) for holding a gold item, and how
    often the most probable of B-D is a kind the gold gives the sentence."""
    auc = roc_auc_score([bool(k) for k, _ in found], [1 - p["A"] for _, p in found])
    right = [
        max("BCD", key=lambda x: p[x]) in {LETTERS[k] for k in kinds} for kinds, p in found if kinds
    ]
    mean = sum(p["A"] for _, p in found) / len(found)
    print(
        f"{name}: {len(found)} sentences, AUC {auc:.3f}, kind {sum(right) / len(right):.3f}, "
        f"mean P(background) {mean:.3f}"
    )


def who(base: str) -> None:
    client = httpx.Client(timeout=300)
    options = summarizer.resolve(replay=Path("fixtures/recorded"))
    asked = ruled = total = 0
    for gold, path in ev.load_gold(Path("fixtures/devset")):
        if not gold["article"].startswith(WHO_ARTICLES):
            continue
        art = ev.load_article(path)
        brief = summarizer.summarize(path, options)
        pmap = ev._party_map(brief, gold)
        patterns = {
            p.id: [
                pattern(x) for x in spellings(Side(name=p.name, kind=p.kind, speakers=p.speakers))
            ]
            for p in brief.parties
        }
        for section, g, sid in _gold_sentences(gold, art):
            actor = g[ACTORS[section]]
            if actor is not None and actor not in pmap.values():
                continue  # a side the brief lacks: no choice among its parties is right
            text = art.sentence(sid).text
            ours = [x for x in getattr(brief, section) if sid in x.evidence]
            named = mentions(outside_quotes(text), patterns)
            rule = (
                getattr(ours[0], ACTORS[section])
                if ours
                else actors.actor_of(text, named, section, None, patterns)
            )
            question = (
                f'Sentence {sid}: "{text}"\n{WHO[section].format(id=sid)} Answer with the name '
                'of that side as the article writes it, or "none", and nothing else.'
            )
            messages = [
                {"role": "system", "content": prompts.scored_system()},
                {"role": "user", "content": f"{art.numbered()}\n\n{question}"},
            ]
            answer = _post(client, base, messages, max_tokens=16)["message"]["content"]
            said = mentions(answer, patterns)
            total += 1
            asked += (pmap.get(said[0]) if said else None) == actor
            ruled += (pmap.get(rule) if rule else None) == actor
    print(f"who: the model's answer right {asked} of {total}; the rules' pick {ruled} of {total}")


if __name__ == "__main__":
    run = {"examples": examples, "order": order, "who": who}[sys.argv[1]]
    with embedded.serve(embedded.default_model_path(), "local") as url:
        run(url)
