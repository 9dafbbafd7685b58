from datetime import timedelta

import pytest
from django.utils import timezone

from chat.models import Room
from community.models import Notification
from groups import serializers
from groups.models import Invitation, JoinRequest, Membership, PeerGroup
from tests.factories import (
    GroupRoomFactory,
    MembershipFactory,
    PeerGroupFactory,
    UserFactory,
    municipality,
)

pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def _state() -> tuple:
    """Everything joining, leaving and deciding may change."""
    return (
        sorted(Membership.objects.values_list("group_id", "user_id", "status", "role")),
        sorted(JoinRequest.objects.values_list("group_id", "user_id", "status")),
        sorted(Invitation.objects.values_list("pk", "uses", "revoked_at")),
        Notification.objects.count(),
    )


# --- directory ----------------------------------------------------------------------------


@pytest.fixture
def directory(group, make_meetup):
    """``group`` (Halmstad, 13–30, no themes) and three more; one archived, never listed."""
    young = PeerGroupFactory(themes=["gemenskap"], min_age=13, max_age=17)
    online = PeerGroupFactory(themes=["ekonomi"], municipality=None, min_age=18, max_age=30)
    gothenburg = PeerGroupFactory(
        themes=["gemenskap"], municipality=municipality("1480"), min_age=16, max_age=25
    )
    PeerGroupFactory(themes=["gemenskap"], is_archived=True)
    make_meetup(group=online)
    return {"home": group, "young": young, "online": online, "gothenburg": gothenburg}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param({}, ["home", "young", "online", "gothenburg"], id="all-but-archived"),
        pytest.param({"theme": "gemenskap"}, ["young", "gothenburg"], id="theme"),
        pytest.param(
            {"municipality": "1380"}, ["home", "young", "online"], id="municipality-and-online"
        ),
        pytest.param({"age": "15"}, ["home", "young"], id="age"),
        pytest.param({"has_upcoming": "true"}, ["online"], id="has-upcoming"),
        pytest.param({"has_upcoming": "false"}, ["home", "young", "gothenburg"], id="none-soon"),
        pytest.param({"theme": "gemenskap", "age": "20"}, ["gothenburg"], id="combined"),
    ],
)
def test_directory_is_open_to_anyone_and_filters(api, directory, query, expected):
    response = api.get("/api/v1/groups/", query)

    assert response.status_code == 200
    assert _ids(response) == [directory[name].pk for name in expected]
    assert response.json()["next"] is None


def test_directory_pages_with_a_cursor_that_keeps_the_filters(api, directory, monkeypatch):
    monkeypatch.setattr(serializers, "PAGE_LIMIT", 1)
    young, gothenburg = directory["young"], directory["gothenburg"]

    first = api.get("/api/v1/groups/", {"theme": "gemenskap"})
    second = api.get("/api/v1/groups/?" + first.json()["next"])

    assert _ids(first) == [young.pk]
    assert first.json()["next"] == f"theme=gemenskap&after={young.pk}"
    assert _ids(second) == [gothenburg.pk]
    assert second.json()["next"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        pytest.param({"theme": "fotboll"}, "theme", id="unknown-theme"),
        pytest.param({"municipality": "9999"}, "municipality", id="unknown-municipality"),
        pytest.param({"age": "12"}, "age", id="age-too-low"),
        pytest.param({"age": "121"}, "age", id="age-too-high"),
        pytest.param({"age": "tjugo"}, "age", id="age-not-a-number"),
        pytest.param({"has_upcoming": "kanske"}, "has_upcoming", id="has-upcoming-not-bool"),
        pytest.param({"after": "x"}, "after", id="bad-cursor"),
    ],
)
def test_directory_bad_filters_are_invalid(api, directory, query, field):
    response = api.get("/api/v1/groups/", query)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]


# --- one group ----------------------------------------------------------------------------


def test_group_page_for_anyone_without_rooms(api, group, host, coordinator, make_meetup):
    GroupRoomFactory(group=group, name="Gruppens rum")
    soon = [make_meetup(starts_at=timezone.now() + timedelta(days=d)) for d in range(1, 7)]
    make_meetup(starts_at=timezone.now() + timedelta(hours=1), status="cancelled")
    make_meetup(starts_at=timezone.now() - timedelta(days=1))

    response = api.get(f"/api/v1/groups/{group.pk}/")

    assert response.status_code == 200
    body = response.json()
    first = soon[0]
    assert body == {
        "id": group.pk,
        "slug": "unga-anhoriga-halmstad",
        "name": "Unga anhöriga Halmstad",
        "description": "",
        "themes": [],
        "municipality": {"code": "1380", "name": "Halmstad"},
        "organisation": {
            "id": coordinator.organisation_id,
            "name": coordinator.organisation.name,
            "kind": "municipal_unit",
        },
        "min_age": 13,
        "max_age": 30,
        "joining": "open",
        "member_cap": None,
        "member_count": 1,
        "rules": "",
        "is_archived": False,
        "my_membership": None,
        "next_meetups": body["next_meetups"],
        "rooms": [],
    }
    assert [m["id"] for m in body["next_meetups"]] == [m.pk for m in soon[:5]]
    # a 13–30 group has members under 18: where it meets is for members and staff
    assert body["next_meetups"][0] == {
        "id": first.pk,
        "group": group.pk,
        "kind": "peer_meeting",
        "status": "scheduled",
        "day": timezone.localtime(first.starts_at).date().isoformat(),
        "municipality": {"code": "1380", "name": "Halmstad"},
        "url": f"/traffar/{first.pk}/",
        "limited": True,
    }
    assert api.get(f"/api/v1/groups/{group.pk}/").json() == body
    api.force_authenticate(host)
    assert api.get(f"/api/v1/groups/{group.pk}/").json()["next_meetups"][0] == {
        "id": first.pk,
        "group": group.pk,
        "title": "Fika och prat",
        "kind": "peer_meeting",
        "starts_at": timezone.localtime(first.starts_at).isoformat(),
        "ends_at": timezone.localtime(first.ends_at).isoformat(),
        "venue_name": "Stadsbiblioteket",
        "status": "scheduled",
        "url": f"/traffar/{first.pk}/",
    }


def test_group_page_shows_rooms_and_membership_to_members(client_for, group, joined):
    room = GroupRoomFactory(group=group, name="Gruppens rum")
    GroupRoomFactory(group=group, name="Gamla rummet", is_archived=True)

    body = client_for(joined).get(f"/api/v1/groups/{group.pk}/").json()

    assert body["rooms"] == [{"id": room.pk, "name": "Gruppens rum"}]
    assert body["my_membership"] == {"role": "member", "status": "active"}


def test_group_page_of_archived_or_unknown_group_is_not_found(api, client_for, member, group):
    group.is_archived = True
    group.save()

    assert api.get(f"/api/v1/groups/{group.pk}/").status_code == 404
    assert client_for(member).get(f"/api/v1/groups/{group.pk}/").json()["code"] == "not_found"
    assert api.get("/api/v1/groups/999999/").status_code == 404


# --- creating groups ----------------------------------------------------------------------


def group_body(**overrides) -> dict:
    return {
        "name": "Syskon till någon med NPF",
        "description": "För dig som har ett syskon med en neuropsykiatrisk diagnos.",
        "themes": ["samtalsstod", "gemenskap"],
        "municipality": "1380",
        "min_age": 13,
        "max_age": 19,
        "joining": "request",
        "member_cap": 12,
        "rules": "Det som sägs i gruppen stannar i gruppen.",
        **overrides,
    }


def test_coordinator_creates_a_group_with_its_room(client_for, coordinator):
    response = client_for(coordinator).post("/api/v1/groups/", group_body())

    assert response.status_code == 201
    group = PeerGroup.objects.get()
    assert response.json() == {
        "id": group.pk,
        "slug": "syskon-till-nagon-med-npf",
        "name": "Syskon till någon med NPF",
        "description": "För dig som har ett syskon med en neuropsykiatrisk diagnos.",
        "themes": ["gemenskap", "samtalsstod"],
        "municipality": {"code": "1380", "name": "Halmstad"},
        "organisation": {
            "id": coordinator.organisation_id,
            "name": coordinator.organisation.name,
            "kind": "municipal_unit",
        },
        "min_age": 13,
        "max_age": 19,
        "joining": "request",
        "member_cap": 12,
        "member_count": 0,
        "rules": "Det som sägs i gruppen stannar i gruppen.",
        "is_archived": False,
        "my_membership": None,
    }
    assert group.organisation_id == coordinator.organisation_id
    assert list(Room.objects.filter(group=group).values_list("slug", "kind")) == [
        ("syskon-till-nagon-med-npf", "group")
    ]


def test_online_group_has_no_municipality(client_for, coordinator):
    response = client_for(coordinator).post("/api/v1/groups/", group_body(municipality=None))

    assert response.status_code == 201
    assert response.json()["municipality"] is None


@pytest.mark.parametrize(
    ("who", "status_code", "code"),
    [
        pytest.param("member", 403, "forbidden", id="member"),
        pytest.param("moderator", 403, "forbidden", id="moderator"),
        pytest.param(None, 401, "not_signed_in", id="signed-out"),
    ],
)
def test_only_coordinators_create_groups(client_for, request, who, status_code, code):
    user = request.getfixturevalue(who) if who else None

    response = client_for(user).post("/api/v1/groups/", group_body())

    assert response.status_code == status_code
    assert response.json()["code"] == code
    assert not PeerGroup.objects.exists()
    assert not Room.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"name": ""}, "name", id="blank-name"),
        pytest.param({"name": "x" * 121}, "name", id="long-name"),
        pytest.param({"themes": ["fotboll"]}, "themes", id="unknown-theme"),
        pytest.param({"themes": "gemenskap"}, "themes", id="themes-not-a-list"),
        pytest.param({"municipality": "9999"}, "municipality", id="unknown-municipality"),
        pytest.param({"min_age": 12}, "min_age", id="under-13"),
        pytest.param({"min_age": "tretton"}, "min_age", id="age-not-a-number"),
        pytest.param({"min_age": 20, "max_age": 18}, "max_age", id="band-upside-down"),
        pytest.param({"joining": "hemlig"}, "joining", id="unknown-joining"),
        pytest.param({"member_cap": 0}, "member_cap", id="no-places"),
    ],
)
def test_create_group_bad_input_is_invalid(client_for, coordinator, overrides, field):
    response = client_for(coordinator).post("/api/v1/groups/", group_body(**overrides))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]
    assert not PeerGroup.objects.exists()


def test_create_group_without_name_is_invalid(client_for, coordinator):
    body = group_body()
    del body["name"]

    response = client_for(coordinator).post("/api/v1/groups/", body)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["name"]
    assert not PeerGroup.objects.exists()


# --- joining ------------------------------------------------------------------------------


def test_joining_an_open_group_makes_a_member(client_for, group, member):
    response = client_for(member).post(f"/api/v1/groups/{group.pk}/join/", {})

    assert response.status_code == 200
    assert response.json() == {"status": "member"}
    membership = Membership.objects.get(group=group, user=member)
    assert (membership.status, membership.role) == ("active", "member")


def test_joining_again_is_harmless(client_for, group, joined):
    before = _state()

    response = client_for(joined).post(f"/api/v1/groups/{group.pk}/join/", {})

    assert response.status_code == 200
    assert response.json() == {"status": "member"}
    assert _state() == before


def test_request_group_asks_the_hosts_who_approve(client_for, group, host, member):
    group.joining = "request"
    group.save()

    # when
    asked = client_for(member).post(
        f"/api/v1/groups/{group.pk}/join/", {"message": "Jag tar hand om min mamma."}
    )

    # then
    assert asked.status_code == 202
    assert asked.json() == {"status": "pending"}
    assert not Membership.objects.filter(user=member).exists()
    request = JoinRequest.objects.get(group=group, user=member)
    assert (request.status, request.message) == ("pending", "Jag tar hand om min mamma.")
    assert list(Notification.objects.filter(user=host).values_list("kind", flat=True)) == [
        "join_request"
    ]

    # when the host looks and approves
    listed = client_for(host).get(f"/api/v1/groups/{group.pk}/requests/")
    approved = client_for(host).post(
        f"/api/v1/join-requests/{request.pk}/approve/", {"message": "Välkommen!"}
    )

    # then
    assert listed.json() == {
        "results": [
            {
                "id": request.pk,
                "user": {"id": member.pk, "display_name": "Solros"},
                "message": "Jag tar hand om min mamma.",
                "created_at": request.created_at.isoformat(),
                "eligible": True,
                "age_band_ok": True,
            }
        ],
        "next": None,
    }
    assert approved.status_code == 200
    assert approved.json() == {"id": request.pk, "status": "approved"}
    assert Membership.objects.get(group=group, user=member).status == "active"
    answer = Notification.objects.get(user=member)
    assert (answer.kind, answer.body) == ("join_answer", "Välkommen!")
    assert client_for(host).get(f"/api/v1/groups/{group.pk}/requests/").json()["results"] == []


def test_declined_request_makes_no_member(client_for, group, host, member):
    group.joining = "request"
    group.save()
    client_for(member).post(f"/api/v1/groups/{group.pk}/join/", {})
    request = JoinRequest.objects.get()

    response = client_for(host).post(
        f"/api/v1/join-requests/{request.pk}/decline/", {"message": "Gruppen är full just nu."}
    )

    assert response.status_code == 200
    assert response.json() == {"id": request.pk, "status": "declined"}
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_message) == (
        "declined",
        host,
        "Gruppen är full just nu.",
    )
    assert not Membership.objects.filter(user=member).exists()
    assert Notification.objects.get(user=member).kind == "join_answer"


def test_hosting_coordinator_decides_requests_too(client_for, group, coordinator, member):
    request = JoinRequest.objects.create(group=group, user=member)

    listed = client_for(coordinator).get(f"/api/v1/groups/{group.pk}/requests/")
    response = client_for(coordinator).post(f"/api/v1/join-requests/{request.pk}/approve/", {})

    assert _ids(listed) == [request.pk]
    assert response.json() == {"id": request.pk, "status": "approved"}
    assert Membership.objects.get(group=group, user=member).status == "active"


@pytest.mark.parametrize("who", ["joined", "other_coordinator", "moderator"])
def test_others_cannot_see_or_decide_requests(client_for, request, group, other_member, who):
    user = request.getfixturevalue(who)
    pending = JoinRequest.objects.create(group=group, user=other_member)
    before = _state()

    listed = client_for(user).get(f"/api/v1/groups/{group.pk}/requests/")
    approved = client_for(user).post(f"/api/v1/join-requests/{pending.pk}/approve/", {})
    declined = client_for(user).post(f"/api/v1/join-requests/{pending.pk}/decline/", {})

    assert (listed.status_code, approved.status_code, declined.status_code) == (404, 404, 404)
    assert approved.json()["code"] == "not_found"
    assert _state() == before


def test_request_list_pages_and_bad_cursor(client_for, group, host, monkeypatch):
    monkeypatch.setattr(serializers, "PAGE_LIMIT", 1)
    first, second = (JoinRequest.objects.create(group=group, user=UserFactory()) for _ in range(2))
    url = f"/api/v1/groups/{group.pk}/requests/"

    page = client_for(host).get(url).json()
    rest = client_for(host).get(url + "?" + page["next"]).json()
    bad = client_for(host).get(url, {"after": "x"})

    assert ([r["id"] for r in page["results"]], page["next"]) == ([first.pk], f"after={first.pk}")
    assert ([r["id"] for r in rest["results"]], rest["next"]) == ([second.pk], None)
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["after"])
    assert client_for(host).get("/api/v1/groups/999999/requests/").status_code == 404


def test_decision_bad_input_and_unknown_request(client_for, group, host, member):
    pending = JoinRequest.objects.create(group=group, user=member)
    before = _state()

    too_long = client_for(host).post(
        f"/api/v1/join-requests/{pending.pk}/approve/", {"message": "x" * 1001}
    )
    not_text = client_for(host).post(
        f"/api/v1/join-requests/{pending.pk}/decline/", {"message": {"a": 1}}
    )
    unknown = client_for(host).post("/api/v1/join-requests/999999/approve/", {})

    assert (too_long.status_code, list(too_long.json()["fields"])) == (400, ["message"])
    assert (not_text.status_code, list(not_text.json()["fields"])) == (400, ["message"])
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert _state() == before


def test_invitation_only_group_refuses_without_an_invitation(client_for, group, member):
    group.joining = "invitation"
    group.save()
    before = _state()

    response = client_for(member).post(f"/api/v1/groups/{group.pk}/join/", {"message": "Hej"})

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert _state() == before


def test_invitation_lets_you_in(client_for, group, host, member):
    group.joining = "invitation"
    group.save()
    invited = client_for(host).post(f"/api/v1/groups/{group.pk}/invitations/", {"days": 14})
    token = invited.json()["token"]

    response = client_for(member).post(f"/api/v1/groups/{group.pk}/join/", {"invitation": token})

    assert response.status_code == 200
    assert response.json() == {"status": "member"}
    assert Membership.objects.get(group=group, user=member).status == "active"
    assert Invitation.objects.get().uses == 1


@pytest.mark.parametrize("spoiled", ["expired", "revoked", "other-group", "made-up"])
def test_spoiled_invitations_are_refused(client_for, group, host, member, spoiled):
    group.joining = "invitation"
    group.save()
    invitation = Invitation.objects.create(
        group=group, created_by=host, expires_at=timezone.now() + timedelta(days=1)
    )
    token = invitation.token
    if spoiled == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif spoiled == "revoked":
        revoked = client_for(host).delete(f"/api/v1/invitations/{invitation.pk}/")
        assert revoked.status_code == 204
    elif spoiled == "other-group":
        token = Invitation.objects.create(
            group=PeerGroupFactory(),
            created_by=host,
            expires_at=timezone.now() + timedelta(days=1),
        ).token
    else:
        token = "x" * 32
    before = _state()

    response = client_for(member).post(f"/api/v1/groups/{group.pk}/join/", {"invitation": token})

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert _state() == before


@pytest.mark.parametrize("joining", ["open", "request", "invitation"])
@pytest.mark.parametrize(
    ("who", "band"),
    [
        pytest.param("minor", (18, 30), id="minor-into-adult-group"),
        pytest.param("member", (13, 17), id="adult-into-youth-group"),
    ],
)
def test_age_band_refuses_both_ways(client_for, request, group, host, who, band, joining):
    user = request.getfixturevalue(who)
    group.min_age, group.max_age = band
    group.joining = joining
    group.save()
    invitation = Invitation.objects.create(
        group=group, created_by=host, expires_at=timezone.now() + timedelta(days=1)
    )
    body = {"invitation": invitation.token} if joining == "invitation" else {}
    before = _state()

    response = client_for(user).post(f"/api/v1/groups/{group.pk}/join/", body)

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert f"{band[0]}–{band[1]}" in response.json()["detail"]
    assert _state() == before


def test_approving_someone_outside_the_age_band_is_refused(client_for, group, host, minor):
    pending = JoinRequest.objects.create(group=group, user=minor)
    group.min_age = 18
    group.save()
    before = _state()

    response = client_for(host).post(f"/api/v1/join-requests/{pending.pk}/approve/", {})

    assert response.status_code == 403
    assert _state() == before


def test_full_group_is_a_conflict(client_for, group, host, member):
    group.member_cap = 1
    group.save()
    before = _state()

    response = client_for(member).post(f"/api/v1/groups/{group.pk}/join/", {})

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert _state() == before


def test_banned_member_cannot_join_again(client_for, group, member):
    MembershipFactory(group=group, user=member, status="banned")
    before = _state()

    response = client_for(member).post(f"/api/v1/groups/{group.pk}/join/", {})

    assert response.status_code == 403
    assert _state() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"message": "x" * 1001}, "message", id="long-message"),
        pytest.param({"message": ["hej"]}, "message", id="message-not-text"),
        pytest.param({"invitation": "x" * 65}, "invitation", id="long-token"),
        pytest.param({"invitation": {"token": "x"}}, "invitation", id="token-not-text"),
    ],
)
def test_join_bad_input_is_invalid(client_for, group, member, body, field):
    group.joining = "request"
    group.save()
    before = _state()

    response = client_for(member).post(f"/api/v1/groups/{group.pk}/join/", body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]
    assert _state() == before


def test_join_unknown_or_archived_group_is_not_found(client_for, api, group, member):
    PeerGroup.objects.filter(pk=group.pk).update(is_archived=True)
    before = _state()

    archived = client_for(member).post(f"/api/v1/groups/{group.pk}/join/", {})
    unknown = client_for(member).post("/api/v1/groups/999999/join/", {})
    signed_out = api.post(f"/api/v1/groups/{group.pk}/join/", {})

    assert (archived.status_code, unknown.status_code, signed_out.status_code) == (404, 404, 401)
    assert _state() == before


# --- leaving ------------------------------------------------------------------------------


def test_leaving_a_group(client_for, group, joined):
    response = client_for(joined).post(f"/api/v1/groups/{group.pk}/leave/")
    again = client_for(joined).post(f"/api/v1/groups/{group.pk}/leave/")

    assert response.status_code == 204
    assert Membership.objects.get(group=group, user=joined).status == "left"
    assert (again.status_code, again.json()["code"]) == (404, "not_found")


def test_leaving_passes_my_place_at_a_meetup_on(
    client_for, group, joined, other_member, make_meetup, answer
):
    MembershipFactory(group=group, user=other_member)
    meetup = make_meetup(capacity=1)
    mine = answer(meetup, joined)
    waiting = answer(meetup, other_member, status="waitlisted")

    response = client_for(joined).post(f"/api/v1/groups/{group.pk}/leave/")

    assert response.status_code == 204
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.status, waiting.status) == ("not_going", "going")
    assert Notification.objects.get(user=other_member).kind == "waitlist_promoted"


def test_leaving_a_group_i_am_not_in_or_that_does_not_exist(client_for, group, host, member):
    before = _state()

    not_mine = client_for(member).post(f"/api/v1/groups/{group.pk}/leave/")
    unknown = client_for(member).post("/api/v1/groups/999999/leave/")

    assert (not_mine.status_code, unknown.status_code) == (404, 404)
    assert _state() == before


# --- members ------------------------------------------------------------------------------


def test_members_see_the_member_list(client_for, group, host, joined):
    response = client_for(joined).get(f"/api/v1/groups/{group.pk}/members/")

    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {"id": joined.pk, "display_name": "Solros", "role": "member"},
            {"id": host.pk, "display_name": "Värden Vera", "role": "host"},
        ],
        "next": None,
    }


def test_hosting_coordinator_sees_the_member_list(client_for, group, coordinator, host):
    response = client_for(coordinator).get(f"/api/v1/groups/{group.pk}/members/")

    assert _ids(response) == [host.pk]


@pytest.mark.parametrize("who", ["member", "other_coordinator", "moderator"])
def test_member_list_is_hidden_from_non_members(client_for, request, group, host, who):
    user = request.getfixturevalue(who)

    response = client_for(user).get(f"/api/v1/groups/{group.pk}/members/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_member_list_hidden_from_those_who_left_and_signed_out(api, client_for, group, member):
    MembershipFactory(group=group, user=member, status="left")

    assert client_for(member).get(f"/api/v1/groups/{group.pk}/members/").status_code == 404
    assert api.get(f"/api/v1/groups/{group.pk}/members/").status_code == 401


def test_member_list_pages_by_display_name(client_for, group, host, joined, monkeypatch):
    monkeypatch.setattr(serializers, "MEMBER_PAGE_LIMIT", 1)
    url = f"/api/v1/groups/{group.pk}/members/"

    first = client_for(joined).get(url).json()
    second = client_for(joined).get(url + "?" + first["next"]).json()

    assert (first["results"][0]["id"], first["next"]) == (joined.pk, "after=Solros")
    assert ([m["id"] for m in second["results"]], second["next"]) == ([host.pk], None)


def test_member_list_bad_cursor_and_unknown_group(client_for, group, joined):
    bad = client_for(joined).get(f"/api/v1/groups/{group.pk}/members/", {"after": "x" * 31})
    unknown = client_for(joined).get("/api/v1/groups/999999/members/")

    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["after"])
    assert unknown.status_code == 404


# --- invitations --------------------------------------------------------------------------


def test_host_creates_an_invitation(client_for, group, host):
    response = client_for(host).post(f"/api/v1/groups/{group.pk}/invitations/", {"days": 14})

    assert response.status_code == 201
    invitation = Invitation.objects.get()
    assert response.json() == {
        "id": invitation.pk,
        "token": invitation.token,
        "url": f"/grupper/{group.pk}/inbjudan/{invitation.token}/",
        "expires_at": invitation.expires_at.isoformat(),
    }
    left = invitation.expires_at - timezone.now()
    assert timedelta(days=13, hours=23) < left <= timedelta(days=14)
    assert invitation.created_by == host


def test_invitation_lasts_a_week_unless_told(client_for, group, coordinator):
    response = client_for(coordinator).post(f"/api/v1/groups/{group.pk}/invitations/", {})

    assert response.status_code == 201
    left = Invitation.objects.get().expires_at - timezone.now()
    assert timedelta(days=6, hours=23) < left <= timedelta(days=7)


def test_members_cannot_invite(client_for, group, joined):
    response = client_for(joined).post(f"/api/v1/groups/{group.pk}/invitations/", {"days": 3})

    assert response.status_code == 404
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "days",
    [pytest.param(0, id="zero"), pytest.param(61, id="over-60"), pytest.param("x", id="text")],
)
def test_invitation_bad_days_are_invalid(client_for, group, host, days):
    response = client_for(host).post(f"/api/v1/groups/{group.pk}/invitations/", {"days": days})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["days"]
    assert not Invitation.objects.exists()


def test_invitation_to_unknown_group_is_not_found(client_for, host):
    response = client_for(host).post("/api/v1/groups/999999/invitations/", {"days": 3})

    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_only_managers_revoke_invitations(client_for, group, host, joined):
    invitation = Invitation.objects.create(
        group=group, created_by=host, expires_at=timezone.now() + timedelta(days=1)
    )

    by_member = client_for(joined).delete(f"/api/v1/invitations/{invitation.pk}/")
    unknown = client_for(host).delete("/api/v1/invitations/999999/")

    assert (by_member.status_code, unknown.status_code) == (404, 404)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
