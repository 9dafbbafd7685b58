"""How well the starter rules, as a fresh install has them, tell crises from ordinary talk.

``data/crisis_eval.jsonl`` holds messages written the way young carers write: the writer's own
crisis (``own``), a crisis of the person they care for (``other``), and ordinary messages
that share words with crises (``benign``: idioms, grief, cooking, games). A message is
caught when it would get a crisis card. The figures are printed (``-s``) and written to
tests/artifacts/crisis_eval.json.
"""

import importlib
import json
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from moderation import patterns, screening, starter
from moderation.models import WordRule

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "crisis_eval.jsonl"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CRISIS = {
    "own": WordRule.Category.CRISIS_SELF,
    "other": WordRule.Category.CRISIS_OTHER,
}


def messages() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]


def test_the_set_is_large_varied_and_labelled():
    found = messages()
    counts = Counter((m["label"], m["language"]) for m in found)
    assert len(found) >= 200
    assert len({m["text"] for m in found}) == len(found)
    assert {label for label, _ in counts} == {"own", "other", "benign"}
    assert all(counts[(label, lang)] >= 20 for label in CRISIS for lang in ("sv", "en"))
    assert all(counts[("benign", lang)] >= 30 for lang in ("sv", "en"))


def test_recall_and_false_cards_per_class(member, record_property):
    assert WordRule.objects.filter(category__in=CRISIS.values(), is_active=True).count() > 40
    figures, misses = {}, {}
    for label in ("own", "other", "benign"):
        group = [m for m in messages() if m["label"] == label]
        verdicts = [screening.screen(user=member, body=m["text"], moderator=False) for m in group]
        carded = [bool(v.crisis) for v in verdicts]
        figures[label] = {
            "messages": len(group),
            "cards": sum(carded),
            "rate": round(sum(carded) / len(group), 3),
        }
        if label in CRISIS:
            right = sum(CRISIS[label] in v.crisis for v in verdicts)
            figures[label]["right_category"] = round(right / len(group), 3)
        wrong = [m["text"] for m, c in zip(group, carded, strict=True) if c != (label != "benign")]
        misses[label] = wrong
    report = {"figures": figures, "misses": misses}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "crisis_eval.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    record_property("crisis_eval", json.dumps(figures))
    print("\ncrisis evaluation:", json.dumps(figures, indent=2))  # noqa: T201

    assert figures["own"]["rate"] >= 0.9, misses["own"]
    assert figures["other"]["rate"] >= 0.75, misses["other"]
    assert figures["benign"]["rate"] <= 0.1, misses["benign"]


def test_every_starter_pattern_reads_and_fits():
    for pattern, language, _category, _action in starter.CRISIS_PATTERNS:
        assert len(pattern) <= 200, pattern
        patterns.compile_pattern(pattern, language)
    assert [starter._pattern_of(c, start)[: len(start)] for _o, c, start in starter.REPLACED] == [
        start for _o, _c, start in starter.REPLACED
    ]


def test_plain_rules_from_before_patterns_keep_their_literal_meaning():
    # given rules saved as plain text before the pattern language (and only those)
    WordRule.objects.filter(is_regex=False).delete()
    odd = WordRule.objects.create(pattern="a|b", category="spam", action="flag")
    stars = WordRule.objects.create(pattern="***", category="spam", action="flag")
    words = WordRule.objects.create(pattern="sälj billigt", category="spam", action="flag")
    migration = importlib.import_module("moderation.migrations.0006_word_patterns")

    # when the migration runs
    migration.keep_literal_rules(django_apps, None)

    # then text the pattern language would read differently is a literal expression
    odd.refresh_from_db(), stars.refresh_from_db(), words.refresh_from_db()
    assert (odd.is_regex, odd.pattern) == (True, r"(?<!\w)a\|b(?!\w)")
    assert (stars.is_regex, stars.pattern) == (True, r"(?<!\w)\*\*\*(?!\w)")
    assert (words.is_regex, words.pattern) == (False, "sälj billigt")
    found = {r.pk for r in screening.matching_rules("säg a|b och *** och sälj billigt")}
    assert found == {odd.pk, stars.pk, words.pk}
    assert screening.matching_rules("a b") == []
