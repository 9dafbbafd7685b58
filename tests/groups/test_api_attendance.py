from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import MembershipFactory, PeerGroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 16, 0, tzinfo=UTC)


@pytest.fixture
def history(group, coordinator, make_meetup, answer):
    """Two past months of one group; what must not count is there too."""
    people = [UserFactory() for _ in range(4)]
    for person in people:
        MembershipFactory(group=group, user=person)
    october = make_meetup(starts_at=at(2026, 10, 15))
    november = make_meetup(starts_at=at(2026, 11, 5))
    for n, person in enumerate(people[:3]):
        answer(october, person, checked_in_at=october.starts_at if n < 2 else None)
    answer(october, people[3], status="waitlisted")
    answer(november, people[0], checked_in_at=november.starts_at)
    answer(november, people[1], status="not_going")
    cancelled = make_meetup(starts_at=at(2026, 11, 8), status="cancelled")
    answer(cancelled, people[2])
    answer(make_meetup(), people[3])  # still ahead
    elsewhere = PeerGroupFactory()
    answer(make_meetup(group=elsewhere, starts_at=at(2026, 10, 20)), people[0])
    return group


def test_coordinator_sees_attendance_numbers_by_month(client_for, coordinator, history):
    response = client_for(coordinator).get(
        f"/api/v1/organisations/{coordinator.organisation_id}/attendance/"
    )

    assert response.status_code == 200
    group = {"id": history.pk, "name": "Unga anhöriga Halmstad"}
    assert response.json() == {
        "results": [
            {"group": group, "month": "2026-10", "going": 3, "attended": 2},
            {"group": group, "month": "2026-11", "going": 1, "attended": 1},
        ],
        "next": None,
    }


def test_month_is_stockholms(client_for, coordinator, make_meetup, answer, joined):
    # 23.30 UTC on 31 October is already November in Stockholm
    meetup = make_meetup(starts_at=at(2026, 10, 31) + timedelta(hours=7, minutes=30))
    answer(meetup, joined)

    body = (
        client_for(coordinator)
        .get(f"/api/v1/organisations/{coordinator.organisation_id}/attendance/")
        .json()
    )

    assert [(r["month"], r["going"]) for r in body["results"]] == [("2026-11", 1)]


@pytest.mark.parametrize("who", ["member", "host", "other_coordinator", "moderator"])
def test_attendance_is_for_the_organisations_coordinators_only(
    client_for, request, coordinator, history, who
):
    user = request.getfixturevalue(who)

    response = client_for(user).get(
        f"/api/v1/organisations/{coordinator.organisation_id}/attendance/"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_attendance_of_unknown_organisation_or_signed_out(api, client_for, coordinator):
    assert (
        client_for(coordinator).get("/api/v1/organisations/999999/attendance/").status_code == 404
    )
    assert (
        api.get(f"/api/v1/organisations/{coordinator.organisation_id}/attendance/").status_code
        == 401
    )
