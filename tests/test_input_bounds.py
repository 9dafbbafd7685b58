"""Ids and JSON from outside are bounded in one place: no path, query, body or nesting
depth reaches the database or the parser unchecked, and every refusal has the error shape."""

import ast
import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import serializers

from chat.models import MutedMember
from community.bounds import ID_MAX
from community.models import Notification
from tests.factories import CoordinatorFactory, UserFactory

HUGE = [pytest.param(2**64, id="2^64"), pytest.param(2**63, id="2^63")]
ID_PARAMS = ("int", "id")


def _patterns(resolver: URLResolver, prefix: str = "", converters=None):
    """(route, converters by name) of every URL pattern, walking includes."""
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        found = {**(converters or {}), **entry.pattern.converters}
        if isinstance(entry, URLPattern):
            yield route, found
        else:
            yield from _patterns(entry, route, found)


def _id_routes() -> list[str]:
    routes = []
    for route, converters in _patterns(get_resolver()):
        kinds = {type(c).__name__ for c in converters.values()}
        if kinds & {"IntConverter", "IdConverter"}:
            routes.append(route)
    return sorted(set(routes))


def _fill(route: str, number: int) -> str:
    """The route with each id parameter set to ``number`` (and any other to a word)."""
    path = route.lstrip("^").rstrip("$")
    while "<" in path:
        start, end = path.index("<"), path.index(">")
        kind = path[start + 1 : end].partition(":")[0]
        value = str(number) if kind in ID_PARAMS else "abcdefghijklmnop"
        path = path[:start] + value + path[end + 1 :]
    return "/" + path


ID_ROUTES = _id_routes()


def test_the_walk_finds_the_id_routes_of_every_app():
    prefixes = {route.split("/")[0] for route in ID_ROUTES}
    assert len(ID_ROUTES) >= 50
    assert {"api", "grupper", "traffar", "moderering", "rum", "samordning"} <= prefixes


def test_no_route_takes_an_unbounded_int():
    unbounded = [
        route
        for route, converters in _patterns(get_resolver())
        if any(type(c).__name__ == "IntConverter" for c in converters.values())
    ]
    assert unbounded == []


@pytest.fixture
def staff_client(municipalities):
    """A platform moderator who is also a superuser: every view gets past its permission."""
    user = UserFactory(role="moderator", is_staff=True, is_superuser=True)
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("route", ID_ROUTES)
def test_an_id_past_64_bits_in_any_path_is_not_found(staff_client, route, number):
    path = _fill(route, number)

    answers = {
        method: getattr(staff_client, method)(path, content_type="application/json")
        for method in ("get", "post", "patch", "delete")
    }

    assert {method: answer.status_code for method, answer in answers.items()} == {
        "get": 404,
        "post": 404,
        "patch": 404,
        "delete": 404,
    }
    if path.startswith("/api/"):
        assert all(
            answer.json() == {"code": "not_found", "detail": "Not found."}
            for answer in answers.values()
        )


def test_unmute_of_an_id_past_64_bits_is_not_found(member_api, other_member):
    MutedMember.objects.create(user=member_api.handler._force_user, muted=other_member)

    answer = member_api.delete("/api/v1/me/mutes/99999999999999999999/", HTTP_ACCEPT_LANGUAGE="en")

    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    assert MutedMember.objects.count() == 1


def _api(user) -> Client:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def notice(member):
    return Notification.objects.create(user=member, kind="warning", title="t", body="b")


def test_a_query_filter_past_64_bits_is_invalid(moderator):
    answer = _api(moderator).get("/api/v1/moderation/queue/?room=99999999999999999999")

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert list(answer.json()["fields"]) == ["room"]


def test_a_body_id_past_64_bits_is_invalid_and_marks_nothing(member, notice):
    answer = _api(member).post(
        "/api/v1/me/notifications/read/", {"ids": [2**70]}, content_type="application/json"
    )

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert list(answer.json()["fields"]) == ["ids"]
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize(
    ("method", "path", "data", "field"),
    [
        pytest.param("get", "/api/v1/rooms/ROOM/messages/", {"after_seq": 2**64}, "after_seq"),
        pytest.param("get", "/api/v1/rooms/ROOM/messages/", {"before_seq": 2**64}, "before_seq"),
        pytest.param("post", "/api/v1/rooms/ROOM/read/", {"seq": 2**64}, "seq"),
        pytest.param("post", "/api/v1/me/mutes/", {"user": 2**64}, "user"),
        pytest.param("get", "/api/v1/groups/", {"after": 2**64}, "after"),
        pytest.param("get", "/api/v1/meetups/", {"group": 2**64}, "group"),
        pytest.param("post", "/api/v1/meetups/", {"group": 2**64}, "group"),
        pytest.param("get", "/api/v1/me/notifications/", {"before_id": 2**64}, "before_id"),
        pytest.param("post", "/api/v1/me/notifications/read/", {"ids": [1, 2**64]}, "ids"),
        pytest.param("get", "/api/v1/organisations/", {"after": 2**64}, "after"),
        pytest.param("get", "/api/v1/support/entries/", {"after": 2**64}, "after"),
        pytest.param("get", "/api/v1/talk-requests/", {"after": 2**64}, "after"),
        pytest.param("get", "/api/v1/articles/", {"before": 2**64}, "before"),
        pytest.param("get", "/api/v1/moderation/audit/", {"actor": 2**64}, "actor"),
        pytest.param("get", "/api/v1/moderation/audit/", {"before_id": 2**64}, "before_id"),
        pytest.param("get", "/api/v1/moderation/rules/", {"after": 2**64}, "after"),
        pytest.param(
            "post",
            "/api/v1/moderation/actions/",
            {"action": "hide", "message": 2**64, "reason": "spam"},
            "message",
        ),
    ],
)
def test_ids_and_cursors_past_64_bits_are_invalid_everywhere(
    municipalities, topic_room, method, path, data, field
):
    # the audit log is the coordinators'; everything else a platform moderator reaches
    if "audit" in path:
        user = CoordinatorFactory(is_staff=True, is_superuser=True)
    else:
        user = UserFactory(role="moderator", is_staff=True, is_superuser=True)
    path = path.replace("ROOM", str(topic_room.pk))
    client = _api(user)

    if method == "get":
        answer = client.get(path, data)
    else:
        answer = client.post(path, json.dumps(data), content_type="application/json")

    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "invalid"
    assert field in answer.json()["fields"]


def _deep(depth: int) -> str:
    return '{"ids": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_a_body_nested_thousands_deep_is_invalid(member, notice, depth):
    answer = _api(member).post(
        "/api/v1/me/notifications/read/", _deep(depth), content_type="application/json"
    )

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_body_with_a_lone_surrogate_is_invalid(member):
    answer = _api(member).patch(
        "/api/v1/me/", '{"display_name": "a\\ud800b"}', content_type="application/json"
    )

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    member.refresh_from_db()
    assert member.display_name == "Solros"


def test_ordinary_nesting_is_read_as_before(member, notice):
    answer = _api(member).post(
        "/api/v1/me/notifications/read/",
        {"ids": [notice.pk]},
        content_type="application/json",
    )

    assert answer.status_code == 200
    notice.refresh_from_db()
    assert notice.read_at is not None


# --- every serializer that reads a query or a body bounds its integers -----------------

ROOT = Path(__file__).resolve().parent.parent
API_MODULES = sorted(str(path.relative_to(ROOT)) for path in ROOT.glob("*/api.py"))
READERS = {"valid", "query"}


def _input_serializer_names(source: str) -> set[str]:
    """Serializers a view reads input with: ``rest.valid(s.X, …)``, ``rest.query(s.X, …)``
    and ``s.X(data=…)``."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in READERS and node.args:
            target = node.args[0]
            if isinstance(target, ast.Attribute):
                names.add(target.attr)
        if isinstance(func, ast.Attribute) and any(k.arg == "data" for k in node.keywords):
            names.add(func.attr)
    return names


def _input_serializers():
    import importlib

    root = ROOT
    for module_path in API_MODULES:
        module_name = module_path.removesuffix(".py").replace("/", ".")
        serializers_module = importlib.import_module(module_name.rsplit(".", 1)[0] + ".serializers")
        for name in sorted(_input_serializer_names((root / module_path).read_text())):
            found = getattr(serializers_module, name, None)
            if isinstance(found, type) and issubclass(found, serializers.BaseSerializer):
                yield pytest.param(found, id=f"{module_name}.{name}")


def _integer_fields(serializer, prefix=""):
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.ListField):
            field = field.child
        if isinstance(field, serializers.PrimaryKeyRelatedField):
            field = field.pk_field
        if isinstance(field, serializers.Serializer):
            yield from _integer_fields(field, prefix + name + ".")
        elif field is None or isinstance(field, serializers.IntegerField):
            yield prefix + name, field


INPUT_SERIALIZERS = list(_input_serializers())


def test_the_scan_finds_the_input_serializers():
    assert len(INPUT_SERIALIZERS) >= 30


@pytest.mark.parametrize("serializer_class", INPUT_SERIALIZERS)
def test_every_integer_read_from_outside_is_bounded(serializer_class):
    serializer = serializer_class()

    unbounded = [
        name
        for name, field in _integer_fields(serializer)
        if field is None
        or field.max_value is None
        or field.max_value > ID_MAX
        or field.min_value is None
        or field.min_value < 0
    ]

    assert unbounded == []


# --- pages read ids from query strings and forms through the same bounds ---------------


@pytest.mark.parametrize(
    ("role", "path"),
    [
        pytest.param("member", "/grupper/?after=99999999999999999999", id="groups-after"),
        pytest.param("member", "/stod/?after=99999999999999999999", id="support-after"),
        pytest.param("member", "/kunskap/?before=99999999999999999999", id="articles-before"),
        pytest.param(
            "coordinator", "/samordning/samtal/?after=99999999999999999999", id="talk-queue-after"
        ),
    ],
)
def test_a_page_cursor_past_64_bits_is_ignored(municipalities, role, path):
    user = CoordinatorFactory() if role == "coordinator" else UserFactory()

    answer = _api(user).get(path)

    assert answer.status_code == 200


def test_a_checkin_of_an_rsvp_past_64_bits_is_refused_and_checks_in_no_one(coordinator):
    from groups.models import Rsvp
    from tests.factories import PeerGroupFactory

    group = PeerGroupFactory(organisation=coordinator.organisation)
    meetup = group.meetups.create(
        title="Fika",
        venue_name="Biblioteket",
        starts_at="2030-01-01T15:00:00Z",
        ends_at="2030-01-01T17:00:00Z",
        capacity=10,
        created_by=coordinator,
    )

    answer = _api(coordinator).post(
        f"/traffar/{meetup.pk}/incheckning/", {"rsvp": "99999999999999999999"}
    )

    assert answer.status_code == 302
    assert not Rsvp.objects.filter(checked_in_at__isnull=False).exists()


def test_the_schema_documents_path_ids_as_bounded_integers():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    path_ids = {
        (path, parameter["name"]): parameter["schema"]
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path" and parameter["name"].endswith("_id")
    }

    assert len(path_ids) >= 25
    assert {json.dumps(s, sort_keys=True) for s in path_ids.values()} == {
        json.dumps({"type": "integer", "minimum": 1, "maximum": ID_MAX}, sort_keys=True)
    }


def test_a_body_that_is_not_utf8_is_invalid(member, notice):
    answer = _api(member).post(
        "/api/v1/me/notifications/read/", b'{"ids": ["\xff"]}', content_type="application/json"
    )

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        pytest.param("[" * 32 + "]" * 32, False, id="32-levels"),
        pytest.param("[" * 33 + "]" * 33, True, id="33-levels"),
        pytest.param('{"body": "' + "[{" * 500 + '"}', False, id="brackets-in-a-string"),
        pytest.param('{"body": "\\"[[[[' + "[" * 40 + '"}', False, id="escaped-quote-in-a-string"),
        pytest.param("[" + "[]," * 1000 + "[]]", False, id="wide-not-deep"),
    ],
)
def test_depth_counts_nesting_not_brackets(text, deep):
    from community.bounds import too_deep

    assert too_deep(text) is deep
