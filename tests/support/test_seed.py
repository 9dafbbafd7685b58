"""Find-support demo data: national resources and Halmstad's entries, the same however
often it runs, every entry marked to be verified before production."""

import io
from datetime import time

import pytest
from django.core.management import call_command

from community.models import Article, Organisation, StaffedHours, SupportEntry

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "entries": list(SupportEntry.objects.order_by("slug").values()),
        "articles": list(Article.objects.order_by("slug").values()),
        "organisations": list(Organisation.objects.order_by("slug").values_list("slug", "kind")),
        "hours": sorted(
            StaffedHours.objects.values_list("organisation__slug", "weekday", "opens", "closes")
        ),
    }


@pytest.fixture
def seeded(settings, municipalities):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seeding_twice_gives_the_same_support_data(seeded, settings):
    first = snapshot()

    call_command("seed_demo", stdout=io.StringIO())

    assert snapshot() == first
    assert "Support: 10 directory entries, 3 articles (verify before production)" in seeded


def test_the_national_resources_everyone_can_use(seeded):
    national = SupportEntry.objects.filter(municipality=None).order_by("slug")

    assert [(e.title, e.phone, e.organisation.kind) for e in national] == [
        ("112 – när det är akut", "112", "national"),
        ("1177 Vårdguiden", "1177", "national"),
        ("Anhöriglinjen – Anhörigas Riksförbund", "0200-239 500", "national"),
        ("Bris – för dig under 18", "116 111", "national"),
        ("Nka – kunskap om anhöriga", "", "national"),
        ("Självmordslinjen", "90101", "national"),
    ]
    assert list(
        SupportEntry.objects.filter(is_crisis_line=True)
        .order_by("title")
        .values_list("phone", flat=True)
    ) == ["112", "116 111", "90101"]


def test_every_seed_entry_is_marked_verify_before_production(seeded):
    assert SupportEntry.objects.count() == 10
    assert set(SupportEntry.objects.values_list("verify_before_production", flat=True)) == {True}


def test_halmstads_respite_says_how_to_apply(seeded):
    respite = SupportEntry.objects.get(slug="halmstad-avlosning")

    assert respite.municipality.code == "1380"
    assert respite.is_municipal_service is True
    assert respite.how_to_apply.startswith("1. Ring kommunens kontaktcenter")


def test_the_demo_organisations_have_structured_staffed_hours(seeded):
    hours = snapshot()["hours"]

    assert [h for h in hours if h[0] == "halmstad-anhorigstod"] == [
        ("halmstad-anhorigstod", day, time(8, 0), time(16, 30)) for day in range(5)
    ]
    assert [h for h in hours if h[0] == "anhorigforeningen-halland"] == [
        ("anhorigforeningen-halland", 1, time(17, 0), time(20, 0)),
        ("anhorigforeningen-halland", 3, time(17, 0), time(20, 0)),
    ]
