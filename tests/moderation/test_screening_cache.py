"""Word rules are read once per change, not per message, and a change applies at once."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation import screening
from moderation.models import WordRule
from moderation.services import rules
from tests.engines import require_redis

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _redis():
    require_redis()


def rule_queries(body: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        screening.matching_rules(body)
    return sum("moderation_wordrule" in q["sql"] for q in queries.captured_queries)


def save(user, pattern: str, rule_id=None, **fields) -> WordRule:
    fields = {"pattern": pattern, "action": "flag", "category": "spam", **fields}
    return rules.rule_save(user=user, fields=fields, rule_id=rule_id)


def test_rules_are_loaded_once_until_the_rules_services_change_one(moderator):
    rule = save(moderator, "torsdag")
    assert [r.pk for r in screening.matching_rules("ses på torsdag")] == [rule.pk]
    assert rule_queries("ses på torsdag") == 0

    save(moderator, "torsdag", rule_id=rule.pk, is_active=False)

    assert screening.matching_rules("ses på torsdag") == []
    added = save(moderator, "fredag", action="hold")
    assert [r.pk for r in screening.matching_rules("eller fredag")] == [added.pk]
    rules.rule_delete(user=moderator, rule_id=added.pk)
    assert screening.matching_rules("eller fredag") == []


def test_rules_changed_in_the_admin_apply_at_once(admin_client):
    screening.matching_rules("hej")

    added = admin_client.post(
        "/admin/moderation/wordrule/add/",
        {
            "pattern": "hej",
            "language": "sv",
            "category": "spam",
            "action": "flag",
            "is_active": "on",
        },
    )

    assert added.status_code == 302, added.context["adminform"].form.errors
    assert [r.pattern for r in screening.matching_rules("hej")] == ["hej"]


def test_a_cache_that_lost_the_version_reloads_the_rules():
    screening.matching_rules("hej")

    cache.delete(screening.RULES_VERSION_KEY)

    assert rule_queries("hej") == 1
