"""summarize() end to end on recordings of the real embedded model (replay: no network)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import summarizer
from summarizer.article import source as article_source
from summarizer.brief.models import LIKELIHOODS
from summarizer.errors import ReplayMissError
from summarizer.extract import prompts
from summarizer.grounding import align as grounding
from summarizer.llm.recording import recordings
from summarizer.run import fixtures
from tests.conftest import EXPECTED, RECORDED, ROOT, SEED, replayed

VOLATILE = ("created_at", "seconds", "tool_version")


def _stable(brief: summarizer.Brief) -> dict[str, object]:
    data = brief.model_dump(mode="json")
    for name in VOLATILE:
        data["metadata"].pop(name)
    data["source"] = Path(data["source"]).name  # where the checkout lives does not matter
    return data


def test_replayed_seed_brief_is_grounded() -> None:
    brief = summarizer.summarize(SEED, replayed())
    art = article_source.load(SEED)
    ids = {p.id for p in brief.parties}
    assert brief.parties and brief.summary
    for pos in brief.positions:
        assert pos.holder in ids
    for dem in brief.demands:
        assert dem.by in ids and (dem.of is None or dem.of in ids)
    for term in brief.deal_terms:
        assert term.proposed_by is None or term.proposed_by in ids
        assert set(term.binds) <= ids
    items = [*brief.positions, *brief.demands, *brief.deal_terms]
    assert items
    for item in items:
        # The scored strategy cites the one sentence it found an item in, and words the item
        # from that sentence: every content word of its text is there (it writes no quotes).
        [sid] = item.evidence
        text = getattr(item, "stance", None) or getattr(item, "what", None) or item.term
        assert text and grounding.words(text) <= grounding.words(art.sentence(sid).text), text
        assert item.quote is None and item.verified
    meta = brief.metadata
    assert (
        meta.usage.calls >= 1 and meta.usage.prompt_tokens > 0 and meta.usage.completion_tokens > 0
    )
    assert meta.prompt_version == prompts.version()
    assert [s.text for s in brief.sentences] == [s.text for s in art.sentences]


def test_replayed_seed_brief_matches_expected_output() -> None:
    brief = summarizer.summarize(SEED, replayed())
    expected = json.loads((EXPECTED / "us-hamas-direct-talks.brief.json").read_text())
    # A tripwire, not the judge (the eval is): on a change it says what changed, per part.
    changes = _changes(expected, _stable(brief))
    assert not changes, (
        "the replayed seed brief changed:\n  "
        + "\n  ".join(changes)
        + "\nif intended, regenerate with `python -m tests.regen_expected` and review the diff"
    )


def _changes(old: dict[str, object], new: dict[str, object]) -> list[str]:
    """What differs between two briefs as data: an item gone or new in a section (by its
    JSON), or a field of the brief changed."""
    found = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if isinstance(before, list) and isinstance(after, list):
            gone = [x for x in before if x not in after]
            added = [x for x in after if x not in before]
            # An item changed in place (the same evidence): name the fields that changed.
            in_place = False
            for x in list(gone):
                twin = next((y for y in added if _same_place(x, y)), None)
                if twin is not None:
                    gone.remove(x)
                    added.remove(twin)
                    in_place = True
                    fields = sorted(k for k in {*x, *twin} if x.get(k) != twin.get(k))
                    found += [
                        f"{key}{x['evidence']}.{k}: {json.dumps(x.get(k))[:60]} -> "
                        f"{json.dumps(twin.get(k))[:60]}"
                        for k in fields
                    ]
            found += [f"{key}: gone {json.dumps(x)[:160]}" for x in gone]
            found += [f"{key}: new {json.dumps(x)[:160]}" for x in added]
            if not gone and not added and not in_place:
                found.append(f"{key}: same items, another order")
        else:
            found.append(f"{key}: {json.dumps(before)[:80]} -> {json.dumps(after)[:80]}")
    return found


def _same_place(x: object, y: object) -> bool:
    return (
        isinstance(x, dict)
        and isinstance(y, dict)
        and "evidence" in x
        and (x["evidence"] == y.get("evidence"))
    )


def test_the_seed_tripwire_names_what_changed() -> None:
    old = {"summary": "a", "demands": [{"what": "x"}, {"what": "y"}], "title": "t"}
    new = {"summary": "b", "demands": [{"what": "y"}, {"what": "z"}], "title": "t"}
    assert _changes(old, new) == [
        'demands: gone {"what": "x"}',
        'demands: new {"what": "z"}',
        'summary: "a" -> "b"',
    ]
    assert _changes(old, old) == []
    moved = {"demands": [{"evidence": [3], "what": "x", "modality": "asserted"}]}
    negated = {"demands": [{"evidence": [3], "what": "x", "modality": "negated"}]}
    assert _changes(moved, negated) == ['demands[3].modality: "asserted" -> "negated"']


def test_directories_may_be_given_as_plain_strings() -> None:
    # A library caller writes summarize("a.txt", replay="fixtures/recorded"); that must not
    # fail inside the recorder with an AttributeError on str.
    as_text = summarizer.summarize(str(SEED), summarizer.resolve(replay=str(RECORDED)))
    assert _stable(as_text) == _stable(summarizer.summarize(SEED, replayed()))


def test_replay_miss_is_not_retried_and_names_the_fix(tmp_path: Path) -> None:
    changed = tmp_path / "changed.txt"
    changed.write_text(SEED.read_text() + "\nA new sentence changes the request.\n")
    with pytest.raises(ReplayMissError) as info:
        summarizer.summarize(changed, replayed())
    assert "no recording for request" in str(info.value)
    assert "nearest recording" in str(info.value)
    assert f"--record {RECORDED}" in info.value.hint


def test_recordings_are_all_current_and_used() -> None:
    report = fixtures.check(
        RECORDED, [ROOT / "seeds", ROOT / "fixtures" / "devset", ROOT / "fixtures" / "diff"]
    )
    assert report.problems == []
    assert report.stale == [], "stale or unused recordings: re-record them with --record"
    assert report.total == len(report.used) > 0


@pytest.mark.parametrize("strategy", ["scored", "single"])
def test_key_judgments_are_one_more_call_that_changes_no_fact(strategy: str) -> None:
    plain = summarizer.summarize(SEED, replayed(strategy=strategy))
    brief = summarizer.summarize(SEED, replayed(strategy=strategy), judgments=True)
    assert 1 <= len(brief.judgments) <= 3 and not plain.judgments
    assert brief.metadata.usage.calls == plain.metadata.usage.calls + 1
    for j in brief.judgments:
        assert j.likelihood in LIKELIHOODS and j.confidence in ("low", "moderate", "high")
        assert all(1 <= i <= len(brief.sentences) for i in j.evidence)
    # The facts are the same brief: judgments are kept apart and change none of them.
    facts = {"judgments", "metadata"}
    assert brief.model_dump(exclude=facts) == plain.model_dump(exclude=facts)


def test_single_call_judgments_continue_the_same_conversation() -> None:
    # The second request repeats the first and the model's answer verbatim, so a server
    # that caches prompts (llama-server does) evaluates only the new question.
    mine = [
        r
        for r in recordings(RECORDED)
        if r.meta.get("article") == SEED.name and r.meta.get("strategy") == "single"
    ]
    # The opening request: a re-ask of the brief repeats it with more messages.
    first = min(
        (r for r in mine if r.meta.get("pass") is None),
        key=lambda r: len(r.request["body"]["messages"]),
    )
    second = next(r for r in mine if r.meta.get("pass") == "judgments")
    asked = second.request["body"]["messages"]
    answer = first.response["body"]["choices"][0]["message"]["content"]
    assert asked[:2] == first.request["body"]["messages"]
    assert asked[2] == {"role": "assistant", "content": answer}
    assert "key judgments" in asked[3]["content"]


def test_scored_strategy_reads_every_sentence_once_after_one_parties_call() -> None:
    brief = summarizer.summarize(SEED, replayed())
    # The headline restates the body: not asked.
    body = [s for s in brief.sentences if s.text != brief.title]
    assert len(body) == len(brief.sentences) - 1
    assert brief.metadata.usage.calls == 1 + len(body)
    # The article is a prefix every request shares: the server evaluates it once.
    assert brief.metadata.usage.cached_prompt_tokens > brief.metadata.usage.prompt_tokens / 2
    items = [*brief.positions, *brief.demands, *brief.deal_terms]
    assert items and all(len(x.evidence) == 1 and x.verified for x in items)


def test_client_libraries_load_while_the_embedded_server_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second of importing openai and instructor must overlap the server's model load,
    # and be over before the first request.
    from summarizer import config
    from summarizer.run import pipeline

    # Events, not sleeps: the preload waits until the server is starting, so it can finish
    # only if the two run at once; the endpoint must wait for it before any request.
    started, serving, finished = threading.Event(), threading.Event(), threading.Event()
    during_serve: list[bool] = []

    def preload(warm: object) -> None:
        assert threading.current_thread() is not threading.main_thread()
        started.set()
        if serving.wait(timeout=5):
            finished.set()

    @contextmanager
    def serve(path: Path, alias: str, progress: object, *, system: str) -> Iterator[str]:
        serving.set()
        during_serve.append(started.wait(timeout=5))  # False when it only starts after
        yield "http://127.0.0.1:1/v1"

    monkeypatch.setattr(pipeline, "preload", preload)
    monkeypatch.setattr(pipeline.local, "serve", serve)
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    options = config.resolve(model_path=model)
    with pipeline._endpoint(options, progress=None, system="s") as endpoint:
        assert finished.is_set(), "the first request must not race the preload's imports"
        assert endpoint.base_url == "http://127.0.0.1:1/v1"
    assert during_serve == [True]
