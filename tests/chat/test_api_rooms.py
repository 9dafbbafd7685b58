import pytest

from chat import services
from chat.models import MutedMember, ReadState, Room
from tests.factories import GroupRoomFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_rooms_lists_what_i_can_see_with_unread_and_last_message(
    member_api, member, other_member, topic_room, group_room, send
):
    send(other_member, topic_room, "första")
    send(other_member, topic_room, "andra")
    send(member, topic_room, "mitt eget räknas inte")
    services.read_mark(user=member, room_id=topic_room.pk, seq=1)

    body = member_api.get("/api/v1/rooms/").json()

    assert body["next"] is None
    [room] = body["results"]  # the group room is not mine
    assert room["id"] == topic_room.pk
    assert room["kind"] == "topic"
    assert room["last_seq"] == 3
    assert room["unread"] == 1
    assert room["can_post"] is True
    assert room["next_meetup"] is None
    assert room["last_message"]["body"] == "mitt eget räknas inte"


def test_rooms_include_my_groups_rooms(member_api, member, group_room):
    MembershipFactory(group=group_room.group, user=member)

    ids = {r["id"] for r in member_api.get("/api/v1/rooms/").json()["results"]}

    assert group_room.pk in ids


def test_rooms_need_sign_in(api):
    response = api.get("/api/v1/rooms/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"


def test_history_pages_with_keyset_cursors(member_api, other_member, topic_room, send, settings):
    settings.CHAT_SEND_LIMIT = 100
    for n in range(1, 8):
        send(other_member, topic_room, f"nr {n}")
    url = f"/api/v1/rooms/{topic_room.pk}/messages/"

    newest = member_api.get(url, {"before_seq": 8, "limit": 3}).json()
    older = member_api.get(url + "?" + newest["next"]).json()
    after = member_api.get(url, {"after_seq": 5, "limit": 100}).json()

    assert [m["seq"] for m in newest["results"]] == [5, 6, 7]
    assert newest["has_more"] is True
    assert newest["next"] == "before_seq=5&limit=3"
    assert [m["seq"] for m in older["results"]] == [2, 3, 4]
    assert [m["seq"] for m in after["results"]] == [6, 7]
    assert (after["has_more"], after["next"]) == (False, None)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({"limit": 101}, id="limit-over-100"),
        pytest.param({"limit": 0}, id="limit-zero"),
        pytest.param({"after_seq": -1}, id="negative"),
        pytest.param({"after_seq": "x"}, id="not-a-number"),
        pytest.param({"after_seq": 1, "before_seq": 5}, id="both-directions"),
    ],
)
def test_history_bad_queries_are_invalid(member_api, topic_room, query):
    response = member_api.get(f"/api/v1/rooms/{topic_room.pk}/messages/", query)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_history_of_a_room_i_cannot_see_is_not_found(member_api, group_room):
    missing = member_api.get("/api/v1/rooms/999999/messages/")
    forbidden = member_api.get(f"/api/v1/rooms/{group_room.pk}/messages/")

    assert missing.status_code == forbidden.status_code == 404
    assert missing.json() == forbidden.json()  # existence never leaks


def test_history_leaves_out_muted_members(
    member_api, member, other_member, moderator, topic_room, send
):
    send(other_member, topic_room, "tyst")
    send(moderator, topic_room, "hörs")
    MutedMember.objects.create(user=member, muted=other_member)

    results = member_api.get(f"/api/v1/rooms/{topic_room.pk}/messages/").json()["results"]

    assert [m["body"] for m in results] == ["hörs"]


def test_mark_read(member_api, member, other_member, topic_room, send):
    send(other_member, topic_room, "ett")
    send(other_member, topic_room, "två")

    response = member_api.post(f"/api/v1/rooms/{topic_room.pk}/read/", {"seq": 1})

    assert response.status_code == 200
    assert response.json() == {"room": topic_room.pk, "seq": 1, "unread": 1}
    assert ReadState.objects.get(user=member, room=topic_room).last_read_seq == 1


@pytest.mark.parametrize("body", [{}, {"seq": -1}, {"seq": 5}, {"seq": "ett"}])
def test_mark_read_bad_input_changes_nothing(member_api, topic_room, body):
    response = member_api.post(f"/api/v1/rooms/{topic_room.pk}/read/", body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert ReadState.objects.count() == 0


def test_mark_read_in_a_room_i_cannot_see_is_not_found(member_api, group_room):
    response = member_api.post(f"/api/v1/rooms/{group_room.pk}/read/", {"seq": 0})

    assert response.status_code == 404
    assert ReadState.objects.count() == 0


def test_mutes_api(member_api, member, other_member):
    created = member_api.post("/api/v1/me/mutes/", {"user": other_member.pk})
    listed = member_api.get("/api/v1/me/mutes/").json()
    removed = member_api.delete(f"/api/v1/me/mutes/{other_member.pk}/")

    assert created.status_code == 201
    assert listed["results"] == [{"id": other_member.pk, "display_name": "Havsörn"}]
    assert removed.status_code == 204
    assert MutedMember.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "status"),
    [({}, 400), ({"user": "x"}, 400), ({"user": 999999}, 404)],
    ids=["missing", "not-a-number", "unknown-person"],
)
def test_mutes_bad_input(member_api, body, status):
    response = member_api.post("/api/v1/me/mutes/", body)

    assert response.status_code == status
    assert MutedMember.objects.count() == 0


def test_unmuting_someone_not_muted_is_not_found(member_api, other_member):
    assert member_api.delete(f"/api/v1/me/mutes/{other_member.pk}/").status_code == 404


def test_privacy_switches(member_api, member):
    response = member_api.patch("/api/v1/me/privacy/", {"hide_typing": True})

    assert response.json() == {"hide_typing": True, "hide_read_position": False}
    member.refresh_from_db()
    assert member.hide_typing is True


def test_privacy_bad_input_changes_nothing(member_api, member):
    response = member_api.patch("/api/v1/me/privacy/", {"hide_typing": "kanske"})

    assert response.status_code == 400
    member.refresh_from_db()
    assert member.hide_typing is False


def test_locked_room_says_members_cannot_post(member_api, moderator, api, topic_room):
    Room.objects.filter(pk=topic_room.pk).update(is_locked=True)
    api.force_authenticate(moderator)

    as_member = member_api.get("/api/v1/rooms/").json()["results"][0]
    as_moderator = api.get("/api/v1/rooms/").json()["results"]

    assert as_member["can_post"] is False
    assert {r["id"]: r["can_post"] for r in as_moderator}[topic_room.pk] is True


def test_platform_moderators_see_group_rooms(api, moderator, municipalities):
    room = GroupRoomFactory()
    api.force_authenticate(moderator)

    ids = {r["id"] for r in api.get("/api/v1/rooms/").json()["results"]}

    assert room.pk in ids


def test_payloads_match_the_shapes_in_the_openapi_schema(member, topic_room, send):
    from chat import selectors
    from chat import serializers as s

    message = send(member, topic_room, "hej").message
    [room] = selectors.room_list_for_user(user=member)

    assert set(message) == set(s.MessageSerializer().fields)
    assert set(room) == set(s.RoomSerializer().fields)
