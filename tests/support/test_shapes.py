"""The payloads the selectors build match the serializers that describe them in OpenAPI."""

import pytest
import yaml
from django.utils import timezone
from drf_spectacular.validation import validate_schema

from community.models import TalkProposal
from support import selectors
from support import serializers as s
from tests.support.factories import ArticleFactory, SupportEntryFactory, TalkRequestFactory

pytestmark = pytest.mark.django_db


def keys(serializer_class) -> set[str]:
    return set(serializer_class().fields)


def test_payloads_match_their_serializers(unit, member, coordinator):
    entry = SupportEntryFactory(organisation=unit)
    article = ArticleFactory(organisation=unit)
    talk_request = TalkRequestFactory(user=member)
    now = timezone.now()

    assert set(selectors.entry_payload(entry)) == keys(s.EntrySerializer)
    assert set(selectors.article_payload(article)) == keys(s.ArticleSerializer)
    assert set(selectors.article_ref(article)) == keys(s.ArticleRefSerializer)
    assert set(selectors.organisation_payload(unit, now=now)) == keys(s.OrganisationSerializer)
    assert set(
        selectors.organisation_detail_payload(organisation=unit, user=member, now=now)
    ) == keys(s.OrganisationDetailSerializer) - {"on_call_email"}
    assert set(
        selectors.organisation_detail_payload(organisation=unit, user=coordinator, now=now)
    ) == keys(s.OrganisationDetailSerializer)
    assert set(selectors.talk_request_staff_payload(talk_request)) == keys(s.TalkRequestSerializer)
    assert set(selectors.talk_request_payload(talk_request)) == keys(s.TalkRequestSerializer) - {
        "member",
        "internal_note",
        "handled_by",
    }
    proposal = TalkProposal.objects.create(
        talk_request=talk_request, starts_at=now, message="Hej", proposed_by=coordinator
    )
    assert set(selectors.talk_proposal_payload(proposal)) == keys(s.TalkProposalSerializer)
    assert set(selectors.crisis_line_payload(entry)) == keys(s.CrisisLineSerializer)


def test_the_finder_answer_matches_its_serializer(api, unit):
    SupportEntryFactory(organisation=unit, category="samtalsstod", phone="1")

    body = api.get("/api/v1/finder/", {"need": "talk", "cares_for": "parent", "age": 20}).json()

    assert set(body) == keys(s.FinderSerializer)
    assert set(body["results"][0]) == keys(s.FinderResultSerializer)


def test_every_find_support_endpoint_is_in_the_valid_schema(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    validate_schema(schema)

    assert {
        "/api/v1/organisations/",
        "/api/v1/organisations/{organisation_id}/",
        "/api/v1/support/entries/",
        "/api/v1/support/entries/{entry_id}/",
        "/api/v1/finder/",
        "/api/v1/finder/save/",
        "/api/v1/talk-requests/",
        "/api/v1/talk-requests/{request_id}/",
        "/api/v1/articles/",
        "/api/v1/articles/{slug}/",
    } <= set(schema["paths"])
