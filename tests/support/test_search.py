"""Searching the directory: the same results on SQLite and PostgreSQL, and Swedish
stemming where PostgreSQL's full-text search runs."""

import pytest

from support import selectors
from support.selectors import EntryFilters
from tests.engines import require_postgres
from tests.support.factories import SupportEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(halmstad, goteborg):
    return {
        "respite": SupportEntryFactory(
            title="Avlösning i hemmet",
            summary="Någon tar över hemma några timmar.",
            category="avlastning",
            municipality=halmstad,
        ),
        "talk": SupportEntryFactory(
            title="Samtalsstöd",
            summary="Prata om hur det är. Vi berättar också om avlösning.",
            category="samtalsstod",
            municipality=halmstad,
        ),
        "money": SupportEntryFactory(
            title="Budget- och skuldrådgivning",
            summary="Hjälp med ekonomin.",
            category="ekonomi",
        ),
        "goteborg": SupportEntryFactory(
            title="Avlösning i Göteborg",
            summary="Avlösning för anhöriga i Göteborg.",
            category="avlastning",
            municipality=goteborg,
        ),
        "draft": SupportEntryFactory(
            title="Avlösning på helger",
            summary="Inte klar än.",
            category="avlastning",
            is_published=False,
        ),
    }


def titles(entries) -> list[str]:
    return [entry.title for entry in entries]


def search(user=None, **filters):
    found, has_more = selectors.entry_search(user=user, filters=EntryFilters(**filters))
    assert has_more is False
    return titles(found)


def test_words_find_title_matches_before_summary_matches(directory):
    assert search(q="avlösning") == [
        "Avlösning i Göteborg",
        "Avlösning i hemmet",
        "Samtalsstöd",
    ]


def test_words_and_place_together(directory, halmstad):
    assert search(q="avlösning", municipality=halmstad) == ["Avlösning i hemmet", "Samtalsstöd"]


def test_every_word_must_match(directory):
    assert search(q="avlösning hemmet") == ["Avlösning i hemmet"]
    assert search(q="avlösning ekonomin") == []


def test_case_and_swedish_letters_do_not_matter(directory):
    assert search(q="AVLÖSNING I HEMMET") == ["Avlösning i hemmet"]
    assert search(q="SKULDRÅDGIVNING") == ["Budget- och skuldrådgivning"]


def test_only_stop_words_find_nothing(directory):
    assert search(q="och i") == []


def test_category_filter_counts_extra_categories(directory):
    directory["talk"].extra_categories = ["avlastning"]
    directory["talk"].save()

    assert search(category="avlastning") == [
        "Avlösning i Göteborg",
        "Avlösning i hemmet",
        "Samtalsstöd",
    ]


def test_drafts_are_found_only_by_their_own_organisation(directory, coordinator):
    draft = directory["draft"]
    draft.organisation = coordinator.organisation
    draft.save()

    assert "Avlösning på helger" not in search(q="helger")
    assert search(coordinator, q="helger") == ["Avlösning på helger"]


def test_swedish_stemming_finds_other_forms_of_a_word(directory):
    require_postgres()

    assert search(q="avlösningen") == [
        "Avlösning i Göteborg",
        "Avlösning i hemmet",
        "Samtalsstöd",
    ]
    assert search(q="hemmets") == ["Avlösning i hemmet"]
