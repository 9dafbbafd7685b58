from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from community.models import Notification
from groups import selectors
from groups.models import Meetup, Rsvp
from tests.factories import MembershipFactory, PeerGroupFactory, UserFactory, municipality

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local_evening(days: int) -> datetime:
    """18.00 Stockholm time, ``days`` from today, without an offset (as a form sends it)."""
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, 18, 0)  # noqa: DTZ001 (naive on purpose)


def meetup_body(group, /, **overrides) -> dict:
    return {
        "group": group.pk,
        "title": "Vi ses på biblioteket",
        "description": "Fika, prat och ingen press.",
        "kind": "peer_meeting",
        "starts_at": local_evening(10).isoformat(),
        "ends_at": (local_evening(10) + timedelta(hours=2)).isoformat(),
        "venue_name": "Stadsbiblioteket",
        "venue_address": "Axel Olssons gata 1, Halmstad",
        "accessibility_notes": "Hiss från entrén.",
        "directions_url": "https://example.se/hitta",
        "capacity": 12,
        "rsvp_deadline": None,
        **overrides,
    }


def _meetups() -> list:
    return sorted(
        Meetup.objects.values_list(
            "pk", "title", "starts_at", "ends_at", "capacity", "status", "sequence"
        )
    )


def _answers() -> list:
    return sorted(
        Rsvp.objects.values_list(
            "meetup_id", "user_id", "status", "waitlisted_at", "note", "checked_in_at"
        )
    )


# --- creating -----------------------------------------------------------------------------


def test_host_schedules_a_meetup_in_stockholm_time(client_for, group, host, joined):
    response = client_for(host).post("/api/v1/meetups/", meetup_body(group))

    assert response.status_code == 201
    meetup = Meetup.objects.get()
    starts = timezone.localtime(meetup.starts_at, STOCKHOLM)
    assert (starts.date(), starts.hour, starts.minute) == (local_evening(10).date(), 18, 0)
    assert meetup.ends_at - meetup.starts_at == timedelta(hours=2)
    assert (meetup.created_by, meetup.capacity, meetup.series) == (host, 12, None)
    [payload] = response.json()["results"]
    assert payload["id"] == meetup.pk
    assert payload["group"] == {"id": group.pk, "name": "Unga anhöriga Halmstad"}
    assert payload["venue"] == {
        "name": "Stadsbiblioteket",
        "address": "Axel Olssons gata 1, Halmstad",
        "accessibility_notes": "Hiss från entrén.",
        "directions_url": "https://example.se/hitta",
    }
    assert datetime.fromisoformat(payload["starts_at"]) == meetup.starts_at
    assert (payload["going_count"], payload["spots_left"], payload["my_rsvp"]) == (0, 12, None)
    assert list(Notification.objects.filter(user=joined).values_list("kind", flat=True)) == [
        "meetup_new"
    ]


def test_times_with_an_offset_are_kept(client_for, group, host):
    starts = datetime.now(tz=ZoneInfo("UTC")).replace(microsecond=0) + timedelta(days=3)
    body = meetup_body(
        group, starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=1)).isoformat()
    )

    response = client_for(host).post("/api/v1/meetups/", body)

    assert response.status_code == 201
    assert Meetup.objects.get().starts_at == starts


def test_weekly_series_gives_one_meetup_per_week(client_for, group, coordinator):
    body = meetup_body(group, recurrence="weekly", occurrences=3)

    response = client_for(coordinator).post("/api/v1/meetups/", body)

    assert response.status_code == 201
    results = response.json()["results"]
    meetups = list(Meetup.objects.order_by("starts_at"))
    assert [r["id"] for r in results] == [m.pk for m in meetups]
    assert len({m.series for m in meetups}) == 1
    assert results[0]["series"] == str(meetups[0].series)
    assert [timezone.localtime(m.starts_at, STOCKHOLM).date() for m in meetups] == [
        local_evening(10).date() + timedelta(weeks=n) for n in range(3)
    ]


@pytest.mark.parametrize("who", ["joined", "other_coordinator", "moderator"])
def test_only_hosts_and_hosting_coordinators_schedule(client_for, request, group, host, who):
    user = request.getfixturevalue(who)

    response = client_for(user).post("/api/v1/meetups/", meetup_body(group))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert _meetups() == []


def test_scheduling_needs_sign_in(api, group):
    response = api.post("/api/v1/meetups/", meetup_body(group))

    assert response.status_code == 401
    assert _meetups() == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"title": ""}, "title", id="blank-title"),
        pytest.param({"title": None}, "title", id="null-title"),
        pytest.param({"capacity": 0}, "capacity", id="no-places"),
        pytest.param({"capacity": "många"}, "capacity", id="capacity-not-a-number"),
        pytest.param({"starts_at": "i morgon"}, "starts_at", id="not-a-time"),
        pytest.param({"kind": "fest"}, "kind", id="unknown-kind"),
        pytest.param({"directions_url": "hitta hit"}, "directions_url", id="not-a-url"),
        pytest.param({"recurrence": "daily"}, "recurrence", id="unknown-recurrence"),
        pytest.param({"occurrences": 27}, "occurrences", id="too-many"),
        pytest.param({"group": "ett"}, "group", id="group-not-an-id"),
        pytest.param(
            {"ends_at": local_evening(10).isoformat()}, "ends_at", id="ends-when-it-starts"
        ),
        pytest.param(
            {
                "starts_at": local_evening(-1).isoformat(),
                "ends_at": (local_evening(-1) + timedelta(hours=1)).isoformat(),
            },
            "starts_at",
            id="in-the-past",
        ),
        pytest.param(
            {"rsvp_deadline": local_evening(11).isoformat()}, "rsvp_deadline", id="late-deadline"
        ),
        pytest.param({"occurrences": 2}, "occurrences", id="series-without-repeat"),
    ],
)
def test_create_meetup_bad_input_is_invalid(client_for, group, host, joined, overrides, field):
    response = client_for(host).post("/api/v1/meetups/", meetup_body(group, **overrides))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]
    assert _meetups() == []
    assert not Notification.objects.exists()


def test_create_meetup_missing_fields_are_listed(client_for, host):
    response = client_for(host).post("/api/v1/meetups/", {})

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {
        "group",
        "title",
        "starts_at",
        "ends_at",
        "venue_name",
        "capacity",
    }


def test_create_meetup_in_unknown_group_is_not_found(client_for, group, host):
    response = client_for(host).post("/api/v1/meetups/", meetup_body(group, group=999999))

    assert response.status_code == 404
    assert _meetups() == []


# --- listing and reading ------------------------------------------------------------------


def test_meetup_list_filters(client_for, group, host, joined, make_meetup):
    online = PeerGroupFactory(municipality=None)
    gothenburg = PeerGroupFactory(municipality=municipality("1480"))
    here = make_meetup(starts_at=timezone.now() + timedelta(days=2))
    far = make_meetup(group=gothenburg, starts_at=timezone.now() + timedelta(days=1))
    web = make_meetup(group=online, starts_at=timezone.now() + timedelta(days=3))
    make_meetup(starts_at=timezone.now() + timedelta(days=1), status="cancelled")
    make_meetup(starts_at=timezone.now() - timedelta(days=1))
    make_meetup(group=PeerGroupFactory(is_archived=True))
    client = client_for(joined)

    everything = client.get("/api/v1/meetups/").json()
    in_group = client.get("/api/v1/meetups/", {"group": group.pk}).json()
    near = client.get("/api/v1/meetups/", {"municipality": "1480"}).json()

    # my municipality (Halmstad) first, then by time
    assert [m["id"] for m in everything["results"]] == [here.pk, far.pk, web.pk]
    assert everything["next"] is None
    assert [m["id"] for m in in_group["results"]] == [here.pk]
    assert [m["id"] for m in near["results"]] == [far.pk, web.pk]


def test_my_meetups_are_the_ones_i_answered_going_or_waiting(
    client_for, group, joined, other_member, make_meetup, answer
):
    going, waiting, declined, unanswered = (make_meetup() for _ in range(4))
    answer(going, joined)
    answer(going, other_member, status="not_going")  # someone else's "no" changes nothing
    answer(waiting, joined, status="waitlisted")
    answer(declined, joined, status="not_going")

    body = client_for(joined).get("/api/v1/meetups/", {"mine": "true"}).json()

    assert [m["id"] for m in body["results"]] == [going.pk, waiting.pk]
    assert [m["going_count"] for m in body["results"]] == [1, 0]
    assert [m["my_rsvp"]["status"] for m in body["results"]] == ["going", "waitlisted"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        pytest.param({"group": "999999"}, "group", id="unknown-group"),
        pytest.param({"group": "x"}, "group", id="group-not-an-id"),
        pytest.param({"municipality": "9999"}, "municipality", id="unknown-municipality"),
        pytest.param({"mine": "kanske"}, "mine", id="mine-not-bool"),
    ],
)
def test_meetup_list_bad_filters_are_invalid(client_for, joined, query, field):
    response = client_for(joined).get("/api/v1/meetups/", query)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_meetup_list_of_an_archived_group_is_invalid(client_for, joined):
    archived = PeerGroupFactory(is_archived=True)

    response = client_for(joined).get("/api/v1/meetups/", {"group": archived.pk})

    assert response.status_code == 400


def test_meetups_need_sign_in(api, meetup):
    assert api.get("/api/v1/meetups/").status_code == 401
    assert api.get(f"/api/v1/meetups/{meetup.pk}/").status_code == 401


def test_meetup_page_carries_my_own_answer_and_nobody_elses_needs(
    client_for, joined, other_member, group, meetup
):
    MembershipFactory(group=group, user=other_member)
    client_for(joined).post(
        f"/api/v1/meetups/{meetup.pk}/rsvp/",
        {"status": "going", "needs": {"respite": True, "note": "Pappa behöver tillsyn."}},
    )
    rsvp = Rsvp.objects.get()

    mine = client_for(joined).get(f"/api/v1/meetups/{meetup.pk}/")
    theirs = client_for(other_member).get(f"/api/v1/meetups/{meetup.pk}/")

    assert mine.json()["my_rsvp"] == {
        "status": "going",
        "waitlist_position": None,
        "checkin_code": rsvp.checkin_code,
        "needs": {
            "respite": True,
            "company": False,
            "accessibility": "",
            "note": "Pappa behöver tillsyn.",
        },
    }
    assert theirs.status_code == 200
    assert theirs.json()["my_rsvp"] is None
    assert theirs.json()["going_count"] == 1
    assert b"tillsyn" not in theirs.content
    assert rsvp.checkin_code.encode() not in theirs.content


def test_unknown_or_hidden_meetup_is_not_found(client_for, member, make_meetup):
    hidden = make_meetup(group=PeerGroupFactory(is_archived=True))

    assert client_for(member).get(f"/api/v1/meetups/{hidden.pk}/").status_code == 404
    assert client_for(member).get("/api/v1/meetups/999999/").status_code == 404


# --- changing and cancelling --------------------------------------------------------------


def test_host_changes_a_meetup_and_those_going_hear(client_for, host, joined, meetup, answer):
    answer(meetup, joined)

    response = client_for(host).patch(
        f"/api/v1/meetups/{meetup.pk}/", {"title": "Fika på Café Kärnan", "capacity": 8}
    )

    assert response.status_code == 200
    before = (meetup.starts_at, meetup.venue_name, meetup.venue_address)
    meetup.refresh_from_db()
    assert (meetup.title, meetup.capacity, meetup.sequence) == ("Fika på Café Kärnan", 8, 1)
    assert (meetup.starts_at, meetup.venue_name, meetup.venue_address) == before
    assert response.json()["title"] == "Fika på Café Kärnan"
    assert response.json()["my_rsvp"] is None
    assert Notification.objects.get(user=joined).kind == "meetup_changed"


def test_hosting_coordinator_changes_a_meetup(client_for, coordinator, meetup):
    later = timezone.localtime(meetup.starts_at) + timedelta(hours=1)
    body = {"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=3)).isoformat()}

    response = client_for(coordinator).patch(f"/api/v1/meetups/{meetup.pk}/", body)

    assert response.status_code == 200
    meetup.refresh_from_db()
    assert (meetup.starts_at, meetup.ends_at - meetup.starts_at) == (later, timedelta(hours=3))


@pytest.mark.parametrize("who", ["joined", "other_coordinator", "moderator"])
def test_others_cannot_change_or_cancel(client_for, request, meetup, who):
    user = request.getfixturevalue(who)
    before = _meetups()

    changed = client_for(user).patch(f"/api/v1/meetups/{meetup.pk}/", {"title": "Kapad"})
    cancelled = client_for(user).post(f"/api/v1/meetups/{meetup.pk}/cancel/", {"reason": "Nej"})

    assert (changed.status_code, cancelled.status_code) == (404, 404)
    assert _meetups() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"capacity": "x"}, "capacity", id="capacity-not-a-number"),
        pytest.param({"title": ""}, "title", id="blank-title"),
        pytest.param({"starts_at": "snart"}, "starts_at", id="not-a-time"),
        pytest.param({"ends_at": "2020-01-01T10:00"}, "ends_at", id="ends-before-start"),
        pytest.param({"kind": "fest"}, "kind", id="unknown-kind"),
    ],
)
def test_change_meetup_bad_input_is_invalid(client_for, host, meetup, body, field):
    before = _meetups()

    response = client_for(host).patch(f"/api/v1/meetups/{meetup.pk}/", body)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert _meetups() == before


def test_change_conflicts_and_unknown(client_for, host, joined, other_member, meetup, answer):
    answer(meetup, joined)
    answer(meetup, other_member)
    before = _meetups()

    too_small = client_for(host).patch(f"/api/v1/meetups/{meetup.pk}/", {"capacity": 1})
    unknown = client_for(host).patch("/api/v1/meetups/999999/", {"title": "x"})

    assert (too_small.status_code, too_small.json()["code"]) == (409, "conflict")
    assert unknown.status_code == 404
    assert _meetups() == before


def test_host_cancels_and_those_going_hear(client_for, host, joined, meetup, answer):
    answer(meetup, joined)

    response = client_for(host).post(
        f"/api/v1/meetups/{meetup.pk}/cancel/", {"reason": "  Värden är sjuk.  "}
    )
    changed = client_for(host).patch(f"/api/v1/meetups/{meetup.pk}/", {"title": "Ändå?"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_reason"]) == (
        "cancelled",
        "Värden är sjuk.",
    )
    meetup.refresh_from_db()
    assert (meetup.status, meetup.sequence) == ("cancelled", 1)
    told = Notification.objects.get(user=joined)
    assert (told.kind, told.body) == ("meetup_changed", "Värden är sjuk.")
    assert (changed.status_code, changed.json()["code"]) == (409, "conflict")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="missing"),
        pytest.param({"reason": "   "}, id="blank"),
        pytest.param({"reason": "x" * 1001}, id="too-long"),
        pytest.param({"reason": ["sjuk"]}, id="not-text"),
    ],
)
def test_cancel_needs_a_reason(client_for, host, meetup, body):
    response = client_for(host).post(f"/api/v1/meetups/{meetup.pk}/cancel/", body)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["reason"]
    meetup.refresh_from_db()
    assert (meetup.status, meetup.sequence) == ("scheduled", 0)


def test_cancel_unknown_meetup_is_not_found(client_for, host):
    response = client_for(host).post("/api/v1/meetups/999999/cancel/", {"reason": "Sjuk"})

    assert response.status_code == 404


# --- answering ----------------------------------------------------------------------------


def test_going_with_needs(client_for, joined, meetup):
    response = client_for(joined).post(
        f"/api/v1/meetups/{meetup.pk}/rsvp/",
        {
            "status": "going",
            "needs": {
                "respite": True,
                "company": True,
                "accessibility": "Rullstol",
                "note": "Första gången.",
            },
        },
    )

    assert response.status_code == 200
    rsvp = Rsvp.objects.get()
    assert response.json() == {
        "status": "going",
        "waitlist_position": None,
        "checkin_code": rsvp.checkin_code,
    }
    assert (rsvp.user, rsvp.status, rsvp.needs_respite, rsvp.needs_company) == (
        joined,
        "going",
        True,
        True,
    )
    assert (rsvp.accessibility_needs, rsvp.note) == ("Rullstol", "Första gången.")


def test_full_meetup_waitlists_in_order_and_a_freed_place_goes_to_the_first(
    client_for, group, joined, make_meetup
):
    meetup = make_meetup(capacity=1)
    second, third = UserFactory(display_name="Tvåan"), UserFactory(display_name="Trean")
    for user in (second, third):
        MembershipFactory(group=group, user=user)
    url = f"/api/v1/meetups/{meetup.pk}/rsvp/"

    # when
    first_answer = client_for(joined).post(url, {"status": "going"}).json()
    second_answer = client_for(second).post(url, {"status": "going"}).json()
    third_answer = client_for(third).post(url, {"status": "going"}).json()

    # then
    assert first_answer["status"] == "going"
    assert second_answer == {"status": "waitlisted", "waitlist_position": 1, "checkin_code": None}
    assert third_answer == {"status": "waitlisted", "waitlist_position": 2, "checkin_code": None}

    # when the one going says no
    gave_up = client_for(joined).post(url, {"status": "not_going"})

    # then
    assert gave_up.json() == {
        "status": "not_going",
        "waitlist_position": None,
        "checkin_code": None,
    }
    statuses = dict(Rsvp.objects.values_list("user_id", "status"))
    assert statuses == {joined.pk: "not_going", second.pk: "going", third.pk: "waitlisted"}
    promoted = Notification.objects.get(user=second)
    assert (promoted.kind, promoted.url) == ("waitlist_promoted", f"/traffar/{meetup.pk}/")
    assert not Notification.objects.filter(user=third).exists()
    third_now = client_for(third).get(f"/api/v1/meetups/{meetup.pk}/").json()["my_rsvp"]
    assert (third_now["status"], third_now["waitlist_position"]) == ("waitlisted", 1)


def test_non_members_cannot_answer(client_for, member, meetup):
    response = client_for(member).post(f"/api/v1/meetups/{meetup.pk}/rsvp/", {"status": "going"})

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert _answers() == []


@pytest.mark.parametrize("state", ["cancelled", "past", "deadline-passed"])
def test_closed_meetups_refuse_answers(client_for, joined, make_meetup, state):
    if state == "cancelled":
        meetup = make_meetup(status="cancelled")
    elif state == "past":
        meetup = make_meetup(starts_at=timezone.now() - timedelta(hours=1))
    else:
        meetup = make_meetup(rsvp_deadline=timezone.now() - timedelta(hours=1))

    response = client_for(joined).post(f"/api/v1/meetups/{meetup.pk}/rsvp/", {"status": "going"})

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert _answers() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({}, "status", id="missing-status"),
        pytest.param({"status": "kanske"}, "status", id="unknown-status"),
        pytest.param({"status": "waitlisted"}, "status", id="cannot-choose-the-waitlist"),
        pytest.param({"status": "going", "needs": "avlösning"}, "needs", id="needs-not-object"),
        pytest.param({"status": "going", "needs": {"respite": "ja tack"}}, "needs", id="not-bool"),
        pytest.param(
            {"status": "going", "needs": {"accessibility": "x" * 501}}, "needs", id="long-access"
        ),
        pytest.param({"status": "going", "needs": {"note": "x" * 1001}}, "needs", id="long-note"),
    ],
)
def test_rsvp_bad_input_is_invalid(client_for, joined, meetup, answer, body, field):
    answer(meetup, joined, status="not_going", note="Orörd")
    before = _answers()

    response = client_for(joined).post(f"/api/v1/meetups/{meetup.pk}/rsvp/", body)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert _answers() == before


def test_rsvp_unknown_meetup_is_not_found(client_for, joined):
    response = client_for(joined).post("/api/v1/meetups/999999/rsvp/", {"status": "going"})

    assert response.status_code == 404
    assert _answers() == []


# --- needs --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["host", "coordinator"])
def test_hosts_and_the_hosting_coordinator_see_needs(
    client_for, request, group, joined, other_member, meetup, answer, who
):
    MembershipFactory(group=group, user=other_member)
    going = answer(meetup, joined, needs_respite=True, note="Pappa behöver tillsyn.")
    waiting = answer(meetup, other_member, status="waitlisted", accessibility_needs="Hörslinga")
    answer(meetup, UserFactory(), status="not_going", needs_company=True)

    response = client_for(request.getfixturevalue(who)).get(f"/api/v1/meetups/{meetup.pk}/needs/")

    assert response.status_code == 200
    assert response.json() == {
        "meetup": meetup.pk,
        "going": 1,
        "waitlisted": 1,
        "respite": 1,
        "company": 0,
        "accessibility": 1,
        "people": [
            {
                "rsvp": going.pk,
                "display_name": "Solros",
                "status": "going",
                "respite": True,
                "company": False,
                "accessibility": "",
                "note": "Pappa behöver tillsyn.",
                "checked_in": False,
            },
            {
                "rsvp": waiting.pk,
                "display_name": "Havsörn",
                "status": "waitlisted",
                "respite": False,
                "company": False,
                "accessibility": "Hörslinga",
                "note": "",
                "checked_in": False,
            },
        ],
    }


@pytest.mark.parametrize("who", ["joined", "other_coordinator", "moderator"])
def test_needs_are_hidden_from_everyone_else(client_for, request, meetup, answer, who):
    user = request.getfixturevalue(who)
    answer(meetup, UserFactory(), needs_respite=True)

    response = client_for(user).get(f"/api/v1/meetups/{meetup.pk}/needs/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_needs_of_unknown_meetup_or_signed_out(api, client_for, host, meetup):
    assert client_for(host).get("/api/v1/meetups/999999/needs/").status_code == 404
    assert api.get(f"/api/v1/meetups/{meetup.pk}/needs/").status_code == 401


# --- check-in -----------------------------------------------------------------------------


def test_host_checks_in_by_code(client_for, host, joined, meetup, answer):
    rsvp = answer(meetup, joined)

    response = client_for(host).post(
        f"/api/v1/meetups/{meetup.pk}/checkin/", {"code": f" {rsvp.checkin_code.lower()} "}
    )

    assert response.status_code == 200
    assert response.json() == {"rsvp": rsvp.pk, "display_name": "Solros", "checked_in": True}
    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is not None


def test_coordinator_checks_in_from_the_list(client_for, coordinator, joined, meetup, answer):
    rsvp = answer(meetup, joined)

    response = client_for(coordinator).post(
        f"/api/v1/meetups/{meetup.pk}/checkin/", {"rsvp": rsvp.pk}
    )
    needs = client_for(coordinator).get(f"/api/v1/meetups/{meetup.pk}/needs/").json()

    assert response.json() == {"rsvp": rsvp.pk, "display_name": "Solros", "checked_in": True}
    assert needs["people"][0]["checked_in"] is True


def test_members_cannot_check_in(client_for, joined, meetup, answer):
    rsvp = answer(meetup, joined)

    response = client_for(joined).post(
        f"/api/v1/meetups/{meetup.pk}/checkin/", {"code": rsvp.checkin_code}
    )

    assert response.status_code == 404
    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({}, "non_field_errors", id="neither"),
        pytest.param({"rsvp": 1, "code": "ABCDEF"}, "non_field_errors", id="both"),
        pytest.param({"rsvp": "ett"}, "rsvp", id="rsvp-not-an-id"),
        pytest.param({"code": "AB"}, "code", id="code-too-short"),
    ],
)
def test_checkin_bad_input_is_invalid(client_for, host, joined, meetup, answer, body, field):
    answer(meetup, joined, checkin_code="ABCDEF")
    before = _answers()

    response = client_for(host).post(f"/api/v1/meetups/{meetup.pk}/checkin/", body)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert _answers() == before


@pytest.mark.parametrize("who", ["unknown-code", "unknown-rsvp", "waitlisted", "other-meetup"])
def test_checkin_of_nobody_going_here_is_invalid(
    client_for, host, joined, meetup, make_meetup, answer, who
):
    answer(meetup, joined, checkin_code="ABCDEF")
    waiting = answer(meetup, UserFactory(), status="waitlisted", checkin_code="WAITIN")
    elsewhere = answer(make_meetup(), UserFactory(), checkin_code="OTHERS")
    body = {
        "unknown-code": {"code": "ZZZZZZ"},
        "unknown-rsvp": {"rsvp": 999999},
        "waitlisted": {"rsvp": waiting.pk},
        "other-meetup": {"code": elsewhere.checkin_code},
    }[who]
    before = _answers()

    response = client_for(host).post(f"/api/v1/meetups/{meetup.pk}/checkin/", body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "fields" in response.json()
    assert _answers() == before


def test_checkin_at_unknown_meetup_is_not_found(client_for, host):
    response = client_for(host).post("/api/v1/meetups/999999/checkin/", {"code": "ABCDEF"})

    assert response.status_code == 404


# --- the payloads and the schema agree ----------------------------------------------------


def test_payloads_match_the_shapes_in_the_openapi_schema(group, joined, meetup, answer):
    from groups import serializers as s

    rsvp = answer(meetup, joined)
    detail_keys = set(selectors.group_payload(group, user=joined)) | {"next_meetups", "rooms"}

    assert set(selectors.group_payload(group, user=joined)) == set(s.GroupSerializer().fields)
    assert detail_keys == set(s.GroupDetailSerializer().fields)
    payload = selectors.meetup_payload(meetup, user=joined, rsvp=rsvp)
    fields = s.MeetupSerializer().fields
    assert set(payload) == {name for name, field in fields.items() if field.required}
    limited = selectors.meetup_payload(meetup, user=None)  # a 13–30 group, seen from outside
    assert set(limited) == {
        "id",
        "group",
        "kind",
        "status",
        "day",
        "municipality",
        "url",
        "limited",
    }
    assert set(limited) <= set(fields)
    assert set(payload["my_rsvp"]) == set(s.MyRsvpSerializer().fields)
    assert set(payload["venue"]) == set(s.VenueSerializer().fields)
    overview = selectors.needs_overview(meetup=meetup)
    assert set(overview) == set(s.NeedsOverviewSerializer().fields)
    assert set(overview["people"][0]) == set(s.NeedsPersonSerializer().fields)
