"""Municipality names are proper nouns; only "other" (0000) is words, in the reader's language."""

import pytest
from django.utils import translation

from community.models import Municipality

pytestmark = pytest.mark.django_db


def test_other_municipality_is_named_in_english_for_english_readers(api, municipalities):
    body = api.get("/api/v1/municipalities/", HTTP_ACCEPT_LANGUAGE="en").json()

    codes = {m["code"]: m["name"] for m in body["results"]}
    assert (codes["0000"], codes["1380"]) == ("Other / outside Sweden", "Halmstad")


def test_other_municipality_in_a_form_choice_follows_the_language(municipalities):
    other = Municipality.objects.get(code="0000")

    with translation.override("en"):
        assert str(other) == "Other / outside Sweden"
        assert str(Municipality.objects.get(code="1380")) == "Halmstad"
