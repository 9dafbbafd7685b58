"""The rules editor's "try a sentence" box: a plain form, the same answer as REST."""

import pytest
from django.test import Client
from django.utils import translation

from moderation.models import AuditEntry, WordRule

pytestmark = pytest.mark.django_db

PAGE = "/moderering/regler/"
TRY = "/moderering/regler/prova/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rule():
    WordRule.objects.all().delete()
    return WordRule.objects.create(
        pattern="vill [typ] ... dö !skratt*", language="sv", category="crisis_self", action="hold"
    )


def test_the_rules_page_offers_the_box_and_explains_the_pattern_language(moderator):
    with translation.override("en"):
        page = signed_in(moderator).get(PAGE, headers={"accept-language": "en"})

    html = page.content.decode()
    assert page.status_code == 200
    assert f'action="{TRY}"' in html
    assert 'name="text"' in html
    assert "<code>...</code>" in html
    assert "<code>!skratt</code>" in html


def test_a_moderator_sees_which_rules_fire_and_why(moderator, rule):
    before = AuditEntry.objects.count()

    page = signed_in(moderator).post(
        TRY, {"text": "jag vill typ bara dö", "language": ""}, headers={"accept-language": "en"}
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["result"] == {
        "action": "hold",
        "crisis": ["crisis_self"],
        "rules": [{"id": rule.pk, "pattern": rule.pattern, "why": "“vill typ bara dö”"}],
    }
    assert "“vill typ bara dö”" in html
    assert f'href="/moderering/regler/{rule.pk}/"' in html
    assert AuditEntry.objects.count() == before


def test_a_sentence_no_rule_fires_on_says_so(moderator, rule):
    page = signed_in(moderator).post(TRY, {"text": "jag dör av skratt"})

    assert page.context["result"] == {"action": None, "crisis": [], "rules": []}
    assert 'data-try-result="none"' in page.content.decode()


def test_an_empty_sentence_is_an_error_on_the_form(moderator, rule):
    page = signed_in(moderator).post(TRY, {"text": "  "})

    assert page.status_code == 200
    assert page.context["result"] is None
    assert list(page.context["try_form"].errors) == ["text"]


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_others_get_not_found(who, request, rule):
    page = signed_in(request.getfixturevalue(who)).post(TRY, {"text": "vill dö"})

    assert page.status_code == 404
