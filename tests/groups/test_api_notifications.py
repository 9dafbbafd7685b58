import pytest

from community import services as community_services
from community.models import Notification
from groups import serializers

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(member, other_member):
    made = [
        community_services.notify(user=member, kind="meetup_new", title=f"Ny träff {n}", url="/t/")
        for n in range(1, 4)
    ]
    community_services.notify(user=other_member, kind="meetup_new", title="Inte din")
    return made


def _read_state() -> list:
    return sorted(Notification.objects.values_list("pk", "read_at"))


def test_my_notifications_newest_first(member_api, notes):
    response = member_api.get("/api/v1/me/notifications/")

    assert response.status_code == 200
    first = notes[2]
    assert response.json()["results"][0] == {
        "id": first.pk,
        "kind": "meetup_new",
        "title": "Ny träff 3",
        "body": "",
        "url": "/t/",
        "created_at": first.created_at.isoformat(),
        "read_at": None,
    }
    assert [n["id"] for n in response.json()["results"]] == [n.pk for n in reversed(notes)]
    assert response.json()["next"] is None
    assert response.json()["unread"] == 3


def test_unread_counts_all_pages_and_drops_when_read(member_api, notes, monkeypatch):
    monkeypatch.setattr(serializers, "PAGE_LIMIT", 1)

    before = member_api.get("/api/v1/me/notifications/").json()
    member_api.post("/api/v1/me/notifications/read/", {"ids": [notes[0].pk]}, format="json")
    after = member_api.get("/api/v1/me/notifications/").json()

    assert (len(before["results"]), before["unread"], after["unread"]) == (1, 3, 2)


def test_older_notifications_page_by_cursor(member_api, notes, monkeypatch):
    monkeypatch.setattr(serializers, "PAGE_LIMIT", 2)

    first = member_api.get("/api/v1/me/notifications/").json()
    second = member_api.get("/api/v1/me/notifications/?" + first["next"]).json()

    assert [n["id"] for n in first["results"]] == [notes[2].pk, notes[1].pk]
    assert first["next"] == f"before_id={notes[1].pk}"
    assert ([n["id"] for n in second["results"]], second["next"]) == ([notes[0].pk], None)


def test_mark_some_then_all_read(member_api, member, other_member, notes):
    some = member_api.post("/api/v1/me/notifications/read/", {"ids": [notes[0].pk]})
    read_at = Notification.objects.get(pk=notes[0].pk).read_at
    rest = member_api.post("/api/v1/me/notifications/read/", {"all": True}, format="json")
    again = member_api.post("/api/v1/me/notifications/read/", {"all": True}, format="json")

    assert some.json() == {"marked": 1}
    assert rest.json() == {"marked": 2}
    assert again.json() == {"marked": 0}
    assert Notification.objects.get(pk=notes[0].pk).read_at == read_at
    assert not Notification.objects.filter(user=member, read_at__isnull=True).exists()
    assert Notification.objects.get(user=other_member).read_at is None
    listed = member_api.get("/api/v1/me/notifications/").json()["results"]
    assert all(n["read_at"] is not None for n in listed)


def test_others_notifications_are_not_marked(member_api, other_member, notes):
    theirs = Notification.objects.get(user=other_member)

    response = member_api.post("/api/v1/me/notifications/read/", {"ids": [theirs.pk]})

    assert response.json() == {"marked": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"ids": "alla"}, id="not-a-list"),
        pytest.param({"ids": ["en"]}, id="not-ids"),
        pytest.param({"ids": [0]}, id="zero"),
        pytest.param({"ids": list(range(1, 502))}, id="too-many"),
    ],
)
def test_mark_read_bad_input_is_invalid(member_api, notes, body):
    before = _read_state()

    response = member_api.post("/api/v1/me/notifications/read/", body)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["ids"]
    assert _read_state() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({}, "non_field_errors", id="neither"),
        pytest.param({"all": False}, "non_field_errors", id="all-false"),
        pytest.param({"all": True, "ids": [1]}, "non_field_errors", id="both"),
        pytest.param({"all": "ja"}, "all", id="all-not-bool"),
    ],
)
def test_mark_read_needs_ids_or_all(member_api, notes, body, field):
    before = _read_state()

    response = member_api.post("/api/v1/me/notifications/read/", body, format="json")

    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["fields"])) == ("invalid", [field])
    assert _read_state() == before


def test_bad_cursor_and_signed_out(api, member_api, notes):
    bad = member_api.get("/api/v1/me/notifications/", {"before_id": "x"})

    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["before_id"])
    assert api.get("/api/v1/me/notifications/").status_code == 401
    assert api.post("/api/v1/me/notifications/read/", {}).status_code == 401
    assert all(read_at is None for _pk, read_at in _read_state())
