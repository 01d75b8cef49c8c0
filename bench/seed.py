"""Speed and cost of one brief of the seed article on the embedded model.

    python bench/seed.py [--runs N] [--strategy scored single]

Prints, per run and strategy (the strategies alternate within each run, so both meet the
same machine): wall time (server start + model load + extraction), the extraction alone,
model calls, prompt tokens and those the server evaluated (not reused from its cache), the
evaluated prompt tokens relative to the article's own tokens, completion tokens and per
extracted item, and the server's peak memory. The last line gives each strategy's median
wall time and its ratio to the single call's. With ``--judgments`` the brief also gets its
key-judgments pass; the figures then cover every call.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from pathlib import Path

import httpx2

import summarizer
from summarizer.llm import embedded as local

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
    parser.add_argument("--strategy", nargs="+", default=["scored", "single"])
    args = parser.parse_args()
    n_article = article_tokens()
    walls: dict[str, list[float]] = {name: [] for name in args.strategy}
    for run in range(1, args.runs + 1):
        for strategy in args.strategy:
            started = time.monotonic()
            brief = summarizer.summarize(
                SEED, summarizer.resolve(strategy=strategy), judgments=args.judgments
            )
            wall = time.monotonic() - started
            walls[strategy].append(wall)
            usage = brief.metadata.usage
            items = len(brief.positions) + len(brief.demands) + len(brief.deal_terms)
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            evaluated = usage.prompt_tokens - usage.cached_prompt_tokens
            print(
                json.dumps(
                    {
                        "run": run,
                        "strategy": strategy,
                        "wall_s": round(wall, 1),
                        "extraction_s": brief.metadata.seconds,
                        "calls": usage.calls,
                        "prompt_tokens": usage.prompt_tokens,
                        "prompt_tokens_evaluated": evaluated,
                        "article_tokens": n_article,
                        "evaluated_to_article": round(evaluated / n_article, 2),
                        "completion_tokens": usage.completion_tokens,
                        "items": items,
                        "parties": len(brief.parties),
                        "judgments": len(brief.judgments),
                        "completion_tokens_per_item": round(
                            usage.completion_tokens / max(items + len(brief.parties), 1), 1
                        ),
                        "server_peak_rss_mb": round(peak_mb),
                    }
                )
            )
    medians = {name: statistics.median(times) for name, times in walls.items() if times}
    base = medians.get("single")
    print(
        json.dumps(
            {
                "median_wall_s": {name: round(m, 1) for name, m in medians.items()},
                "to_single": {name: round(m / base, 2) for name, m in medians.items()}
                if base
                else None,
            }
        )
    )


if __name__ == "__main__":
    main()
