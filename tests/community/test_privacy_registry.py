"""The privacy registry covers every model that points at a person, and every field of it is
decided: exported, withheld or declared not personal."""

import pytest
from django.apps import apps
from django.apps.registry import Apps
from django.contrib.auth import get_user_model
from django.db import models

from community import privacy


def test_every_link_to_a_person_is_registered():
    # when
    missing = privacy.unregistered_links(apps.get_models(), get_user_model())

    # then
    assert missing == []


@pytest.mark.parametrize("holding", privacy.holdings(), ids=lambda h: h.label)
def test_every_field_of_a_holding_is_decided(holding):
    assert privacy.undecided(holding) == set()
    assert privacy.unknown(holding) == set()


@pytest.mark.parametrize("holding", privacy.holdings(), ids=lambda h: h.label)
def test_erasure_blanks_only_personal_fields_and_keeps_nothing_unexplained(holding):
    if holding.erase == privacy.Erase.BLANK:
        assert set(holding.blank) & {*holding.exported, *holding.withheld}, "blanks something"
    else:
        assert holding.blank == {}
    if holding.section is None:
        assert holding.exported == ()
        assert holding.why, "a holding left out of the export says why"


def test_a_new_personal_field_fails_until_someone_decides():
    # given a model that points at a person, registered with one field decided
    class Diary(models.Model):
        user = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)
        mood = models.CharField(max_length=20)
        secret = models.TextField()

        class Meta:
            app_label = "privacy_test"
            apps = Apps()  # a registry of its own: the project's models stay as they are

        def __str__(self) -> str:
            return self.mood

    holding = privacy.Holding(
        model=Diary, section="diary", title="Diary", erase=privacy.Erase.DELETE, exported=("mood",)
    )

    # then the new field waits, and an unregistered model is named
    assert privacy.undecided(holding) == {"secret"}
    assert privacy.unregistered_links([Diary], get_user_model()) == ["privacy_test.Diary.user"]


def test_registering_a_holding_twice_is_refused():
    holding = privacy.holdings()[0]

    with pytest.raises(ValueError, match="registered twice"):
        privacy.register(holding)
