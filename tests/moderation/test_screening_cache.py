"""Word rules are read once per change, not per message, and a change applies at once."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation import screening
from moderation.models import WordRule
from tests.engines import require_redis

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _redis():
    require_redis()


def rule_queries(body: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        screening.matching_rules(body)
    return sum("moderation_wordrule" in q["sql"] for q in queries.captured_queries)


def test_rules_are_loaded_once_until_one_changes():
    rule = WordRule.objects.create(
        pattern="torsdag", action=WordRule.Action.FLAG, category=WordRule.Category.SPAM
    )
    assert [r.pk for r in screening.matching_rules("ses på torsdag")] == [rule.pk]
    assert rule_queries("ses på torsdag") == 0

    rule.is_active = False
    rule.save()

    assert screening.matching_rules("ses på torsdag") == []
    added = WordRule.objects.create(
        pattern="fredag", action=WordRule.Action.HOLD, category=WordRule.Category.SPAM
    )
    assert [r.pk for r in screening.matching_rules("eller fredag")] == [added.pk]
    added.delete()
    assert screening.matching_rules("eller fredag") == []


def test_a_cache_that_lost_the_version_reloads_the_rules():
    screening.matching_rules("hej")

    cache.delete(screening.RULES_VERSION_KEY)

    assert rule_queries("hej") == 1
