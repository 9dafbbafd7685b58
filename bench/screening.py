"""How long screening a message takes with 200 active word rules (``--only screening``).

Run by ``bench/run.py`` in a subprocess with the bench database (and its Redis, so the
rules are compiled once per process, as in production). Active rules are topped up to
``--rules`` with generated patterns in the pattern language (alternatives, gaps, optional
words, prefixes, guards) inside a transaction that is rolled back. Every message of the crisis
evaluation set is screened ``--rounds`` times; prints one JSON object on stdout.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from moderation import screening  # noqa: E402
from moderation.models import WordRule  # noqa: E402

MESSAGES = Path(__file__).resolve().parent.parent / "tests/moderation/data/crisis_eval.jsonl"
SHAPES = [
    "ord{n}|term{n} ... slut{n}",
    "[typ] fras{n} ~5 ända{n}|sista{n}",
    "början{n}* mitt{n} !vakt{n}",
    "word{n} [maybe] ~2 end{n}|last{n}",
]


class Rollback(Exception):
    pass


def top_up(count: int) -> int:
    active = WordRule.objects.filter(is_active=True).count()
    for n in range(max(0, count - active)):
        WordRule.objects.create(
            pattern=SHAPES[n % len(SHAPES)].format(n=n),
            language="sv" if n % 2 else "en",
            category=WordRule.Category.SPAM,
            action=WordRule.Action.FLAG,
        )
    screening.rules_changed()
    return WordRule.objects.filter(is_active=True).count()


def measure(texts: list[str], rounds: int) -> dict:
    screening.screen(user=None, body=texts[0], moderator=False)  # load and compile once
    timings, fired = [], 0
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            verdict = screening.screen(user=None, body=text, moderator=False)
            timings.append((time.perf_counter() - started) * 1000)
            fired += bool(verdict.rules)
    timings.sort()
    # The rules alone, without the version read from the shared cache.
    rule_set, matching = screening._active_rules(), []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            rule_set.matches(text)
            matching.append((time.perf_counter() - started) * 1000)
    matching.sort()
    return {
        "messages": len(timings),
        "mean_ms": round(statistics.fmean(timings), 4),
        "p50_ms": round(timings[len(timings) // 2], 4),
        "p99_ms": round(timings[int(len(timings) * 0.99)], 4),
        "max_ms": round(timings[-1], 4),
        "fired_share": round(fired / len(timings), 3),
        "rules_only_mean_ms": round(statistics.fmean(matching), 4),
        "rules_only_p99_ms": round(matching[int(len(matching) * 0.99)], 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    lines = MESSAGES.read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if line]
    result = {}
    try:
        with transaction.atomic():
            result["rules"] = top_up(args.rules)
            result.update(measure(texts, args.rounds))
            raise Rollback
    except Rollback:
        screening.rules_changed()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
