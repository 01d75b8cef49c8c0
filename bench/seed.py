"""Speed and cost of one brief of the seed article on the embedded model.

    python bench/seed.py [--runs N]

Prints, per run: wall time (server start + model load + generation), generation time alone,
prompt and completion tokens, model calls, the prompt's size relative to the article's own
tokens, completion tokens per extracted item, and the server's peak memory. With
``--judgments`` the brief also gets its key-judgments pass; the figures then cover both calls.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import httpx2

import summarizer
from summarizer import local

SEED = Path(__file__).resolve().parent.parent / "seeds" / "us-hamas-direct-talks.txt"


def article_tokens() -> int:
    """The article's own token count, from the embedded model's tokenizer."""
    path = local.default_model_path()
    with local.serve(path, local.DEFAULT_MODEL) as url:
        base = url.removesuffix("/v1")
        text = SEED.read_text(encoding="utf-8")
        reply = httpx2.post(f"{base}/tokenize", json={"content": text}, timeout=60)
        return len(reply.json()["tokens"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--judgments", action="store_true", help="add the key-judgments pass (a second call)"
    )
    args = parser.parse_args()
    n_article = article_tokens()
    for run in range(1, args.runs + 1):
        started = time.monotonic()
        brief = summarizer.summarize(SEED, judgments=args.judgments)
        wall = time.monotonic() - started
        usage = brief.metadata.usage
        items = len(brief.positions) + len(brief.demands) + len(brief.deal_terms)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        first_prompt = usage.prompt_tokens / max(usage.calls, 1)
        print(
            json.dumps(
                {
                    "run": run,
                    "wall_s": round(wall, 1),
                    "generation_s": brief.metadata.seconds,
                    "calls": usage.calls,
                    "prompt_tokens": usage.prompt_tokens,
                    "completion_tokens": usage.completion_tokens,
                    "article_tokens": n_article,
                    # (of the brief's own call; the judgments pass repeats the conversation)
                    "prompt_to_article": None
                    if args.judgments
                    else round(first_prompt / n_article, 2),
                    "items": items,
                    "judgments": len(brief.judgments),
                    "completion_tokens_per_item": round(
                        usage.completion_tokens / max(items + len(brief.parties), 1), 1
                    ),
                    "server_peak_rss_mb": round(peak_mb),
                }
            )
        )


if __name__ == "__main__":
    main()
