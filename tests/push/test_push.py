"""Web push: the key, subscriptions over REST, and delivery to a real local push service."""

import base64
import io
import json
import time

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from community import services as community_services
from push.models import PushSubscription
from push.services import push_deliver
from tests.factories import UserFactory
from tests.push.conftest import Browser, b64url

pytestmark = pytest.mark.django_db

KEY = "/api/v1/push/key/"
SUBSCRIPTIONS = "/api/v1/me/push-subscriptions/"
NEUTRAL_EN = {"title": "Bredvid", "body": "You have something new in Bredvid", "url": "/notiser/"}


def _neutral_sv() -> dict:
    """ "Du har något nytt i Bredvid" once the catalogue has it (Swedish is the default)."""
    with translation.override("sv"):
        return {**NEUTRAL_EN, "body": gettext("You have something new in Bredvid")}


def _stored() -> list:
    return sorted(
        PushSubscription.objects.values_list("pk", "user_id", "endpoint", "p256dh", "auth")
    )


def _public_b64(public_key) -> str:
    return b64url(
        public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _notify_personal(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        community_services.notify(
            user=user,
            kind="talk_request",
            title="Ditt samtal med Anna på Anhörigstöd Malmö är bokat",
            body="Gruppen Syskon till någon med autism",
            url="/stod/samtal/7/",
        )


# --- The key ---------------------------------------------------------------------------


def test_key_is_the_uncompressed_point_of_the_configured_key(api, push_settings, vapid_key):
    response = api.get(KEY)

    assert response.status_code == 200
    assert response.json() == {"public_key": _public_b64(vapid_key[1])}
    assert len(_unb64(response.json()["public_key"])) == 65


def test_debug_without_a_key_makes_one_development_key_and_keeps_it(api, push_settings):
    push_settings.VAPID_PRIVATE_KEY = ""

    first = api.get(KEY).json()["public_key"]
    second = api.get(KEY).json()["public_key"]

    assert first == second
    text = push_settings.VAPID_DEV_KEY_FILE.read_text()
    assert "DEVELOPMENT" in text
    assert "-----BEGIN PRIVATE KEY-----" in text


def test_production_without_a_key_has_no_push(api, push_settings):
    push_settings.DEBUG = False
    push_settings.VAPID_PRIVATE_KEY = ""

    response = api.get(KEY)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not push_settings.VAPID_DEV_KEY_FILE.exists()


def test_a_public_key_that_does_not_match_the_private_one_is_refused(api, push_settings):
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    push_settings.VAPID_PUBLIC_KEY = _public_b64(other)

    with pytest.raises(ImproperlyConfigured, match="VAPID_PUBLIC_KEY"):
        api.get(KEY)


# --- Subscriptions ---------------------------------------------------------------------


def test_subscribe_stores_the_browser_keys(member_api, member, push_settings, push_service):
    browser = Browser(push_service.endpoint("a"))

    response = member_api.post(SUBSCRIPTIONS, browser.body, format="json")

    assert response.status_code == 201
    (sub,) = PushSubscription.objects.all()
    assert response.json() == {"id": sub.pk}
    assert (sub.user_id, sub.endpoint, sub.p256dh, sub.auth) == (
        member.pk,
        browser.endpoint,
        browser.body["keys"]["p256dh"],
        browser.body["keys"]["auth"],
    )


def test_same_endpoint_again_is_the_same_subscription_with_new_keys(
    member_api, push_settings, push_service
):
    first = member_api.post(SUBSCRIPTIONS, Browser(push_service.endpoint("a")).body, format="json")
    renewed = Browser(push_service.endpoint("a"))

    again = member_api.post(SUBSCRIPTIONS, renewed.body, format="json")

    assert again.status_code == 200
    assert again.json() == {"id": first.json()["id"]}
    (sub,) = PushSubscription.objects.all()
    assert (sub.p256dh, sub.auth) == (renewed.body["keys"]["p256dh"], renewed.body["keys"]["auth"])


def test_an_endpoint_another_person_held_moves_to_who_signed_in_now(
    member_api, member, other_member, push_settings, push_service
):
    other_api = APIClient()
    other_api.force_authenticate(other_member)
    browser = Browser(push_service.endpoint("shared-phone"))
    before = other_api.post(SUBSCRIPTIONS, browser.body, format="json").json()["id"]

    response = member_api.post(SUBSCRIPTIONS, browser.body, format="json")

    assert response.status_code == 201
    assert response.json()["id"] != before
    assert list(PushSubscription.objects.values_list("user_id", "endpoint")) == [
        (member.pk, browser.endpoint)
    ]


def test_subscribing_needs_a_person(api, push_settings, push_service):
    response = api.post(SUBSCRIPTIONS, Browser(push_service.endpoint("a")).body, format="json")

    assert response.status_code == 401
    assert _stored() == []


def _with(body: dict, **changes) -> dict:
    body = json.loads(json.dumps(body))
    for dotted, value in changes.items():
        target = body
        *path, last = dotted.split("__")
        for part in path:
            target = target[part]
        if value is _DROP:
            del target[last]
        else:
            target[last] = value
    return body


_DROP = object()
_NOT_ON_CURVE = b64url(b"\x04" + b"\x01" * 64)


@pytest.mark.parametrize(
    ("changes", "debug", "field"),
    [
        pytest.param({"endpoint": _DROP}, True, "endpoint", id="no-endpoint"),
        pytest.param({"endpoint": 5}, True, "endpoint", id="endpoint-not-text"),
        pytest.param({"endpoint": "not a url"}, True, "endpoint", id="endpoint-not-url"),
        pytest.param({"endpoint": "ftp://push.example.com/x"}, True, "endpoint", id="ftp"),
        pytest.param(
            {"endpoint": "http://push.example.com/x"}, True, "endpoint", id="http-elsewhere"
        ),
        pytest.param({"endpoint": "http://127.0.0.1:9/x"}, False, "endpoint", id="http-in-prod"),
        pytest.param({"endpoint": "https://127.0.0.1/x"}, False, "endpoint", id="https-ip-prod"),
        pytest.param({"endpoint": "https://10.0.0.7/x"}, False, "endpoint", id="https-private"),
        pytest.param({"endpoint": "https://localhost/x"}, False, "endpoint", id="localhost"),
        pytest.param(
            {"endpoint": "https://push.example.com/x"}, False, "endpoint", id="unknown-service"
        ),
        pytest.param(
            {"endpoint": "https://fcm.googleapis.com.evil.example/x"},
            False,
            "endpoint",
            id="lookalike-service",
        ),
        pytest.param(
            {"endpoint": "https://u:p@push.example.com/x"}, False, "endpoint", id="credentials"
        ),
        pytest.param(
            {"endpoint": "https://push.example.com/" + "x" * 2048}, False, "endpoint", id="long"
        ),
        pytest.param({"keys": _DROP}, True, "keys", id="no-keys"),
        pytest.param({"keys": "abc"}, True, "keys", id="keys-not-object"),
        pytest.param({"keys__p256dh": _DROP}, True, "keys", id="no-p256dh"),
        pytest.param({"keys__p256dh": "!!!"}, True, "keys", id="p256dh-not-base64url"),
        pytest.param({"keys__p256dh": b64url(b"\x04" * 33)}, True, "keys", id="p256dh-short"),
        pytest.param({"keys__p256dh": _NOT_ON_CURVE}, True, "keys", id="p256dh-off-curve"),
        pytest.param({"keys__auth": _DROP}, True, "keys", id="no-auth"),
        pytest.param({"keys__auth": b64url(b"\x00" * 8)}, True, "keys", id="auth-short"),
        pytest.param({"keys__auth": "a b"}, True, "keys", id="auth-not-base64url"),
    ],
)
def test_bad_subscriptions_are_refused(
    member_api, push_settings, push_service, changes, debug, field
):
    push_settings.DEBUG = debug
    body = _with(Browser(push_service.endpoint("a")).body, **changes)
    if not debug and "endpoint" not in changes:
        body["endpoint"] = "https://fcm.googleapis.com/fcm/send/a"

    response = member_api.post(SUBSCRIPTIONS, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]
    assert _stored() == []


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc:def",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
        "https://web.push.apple.com/QGx1",
    ],
)
def test_the_browsers_push_services_are_accepted_in_production(member_api, push_settings, endpoint):
    push_settings.DEBUG = False

    response = member_api.post(SUBSCRIPTIONS, Browser(endpoint).body, format="json")

    assert response.status_code == 201
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [endpoint]


def test_unsubscribe_own(member_api, push_settings, push_service):
    sub = member_api.post(SUBSCRIPTIONS, Browser(push_service.endpoint("a")).body, format="json")

    response = member_api.delete(f"{SUBSCRIPTIONS}{sub.json()['id']}/")

    assert response.status_code == 204
    assert _stored() == []


def test_unsubscribing_another_persons_subscription_is_not_found(
    member_api, other_member, push_settings, push_service
):
    other_api = APIClient()
    other_api.force_authenticate(other_member)
    theirs = other_api.post(SUBSCRIPTIONS, Browser(push_service.endpoint("b")).body, format="json")
    before = _stored()

    response = member_api.delete(f"{SUBSCRIPTIONS}{theirs.json()['id']}/")
    missing = member_api.delete(f"{SUBSCRIPTIONS}{theirs.json()['id'] + 99}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert missing.status_code == 404
    assert _stored() == before


# --- Delivery --------------------------------------------------------------------------


def _verify_vapid(received, public_key, port: int) -> dict:
    scheme, _, params = received.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    assert parts["k"] == _public_b64(public_key)
    header, claims, signature = parts["t"].split(".")
    raw = _unb64(signature)
    public_key.verify(
        encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
        f"{header}.{claims}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )
    assert json.loads(_unb64(header)) == {"typ": "JWT", "alg": "ES256"}
    return json.loads(_unb64(claims))


def test_a_notification_pushes_only_neutral_text_encrypted_and_signed(
    member_api,
    member,
    push_settings,
    push_service,
    vapid_key,
    send_now,
    django_capture_on_commit_callbacks,
):
    browser = Browser(push_service.endpoint("a"))
    member_api.post(SUBSCRIPTIONS, browser.body, format="json")

    _notify_personal(member, django_capture_on_commit_callbacks)

    (received,) = push_service.received
    assert received.path == "/push/a"
    assert received.headers["content-encoding"] == "aes128gcm"
    assert int(received.headers["ttl"]) > 0
    assert browser.decrypt(received) == _neutral_sv()
    assert b"Anna" not in received.body
    claims = _verify_vapid(received, vapid_key[1], push_service.port)
    assert claims["aud"] == f"http://127.0.0.1:{push_service.port}"
    assert claims["sub"] == "mailto:push@bredvid.example"
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600


def test_the_neutral_text_is_in_the_members_language(
    push_settings, push_service, send_now, django_capture_on_commit_callbacks
):
    reader = UserFactory(preferred_language="en")
    client = APIClient()
    client.force_authenticate(reader)
    browser = Browser(push_service.endpoint("en"))
    client.post(SUBSCRIPTIONS, browser.body, format="json")

    _notify_personal(reader, django_capture_on_commit_callbacks)

    (received,) = push_service.received
    assert browser.decrypt(received) == NEUTRAL_EN


def test_every_device_of_the_person_and_none_of_anyone_else(
    member_api,
    member,
    other_member,
    push_settings,
    push_service,
    send_now,
    django_capture_on_commit_callbacks,
):
    phone, laptop = Browser(push_service.endpoint("phone")), Browser(push_service.endpoint("pc"))
    member_api.post(SUBSCRIPTIONS, phone.body, format="json")
    member_api.post(SUBSCRIPTIONS, laptop.body, format="json")
    other_api = APIClient()
    other_api.force_authenticate(other_member)
    other_api.post(SUBSCRIPTIONS, Browser(push_service.endpoint("other")).body, format="json")

    _notify_personal(member, django_capture_on_commit_callbacks)

    assert sorted(r.path for r in push_service.received) == ["/push/pc", "/push/phone"]
    by_path = {r.path: r for r in push_service.received}
    assert phone.decrypt(by_path["/push/phone"]) == _neutral_sv()
    assert laptop.decrypt(by_path["/push/pc"]) == _neutral_sv()


@pytest.mark.parametrize(("status", "kept"), [(410, False), (404, False), (500, True), (429, True)])
def test_a_gone_subscription_is_deleted_others_kept(
    member_api,
    member,
    push_settings,
    push_service,
    send_now,
    django_capture_on_commit_callbacks,
    status,
    kept,
):
    member_api.post(SUBSCRIPTIONS, Browser(push_service.endpoint("a")).body, format="json")
    before = _stored()
    push_service.status = status

    _notify_personal(member, django_capture_on_commit_callbacks)

    assert len(push_service.received) == 1
    assert _stored() == (before if kept else [])


def test_nothing_is_pushed_before_commit_nor_after_a_rollback(
    member_api, member, push_settings, push_service, send_now, django_capture_on_commit_callbacks
):
    member_api.post(SUBSCRIPTIONS, Browser(push_service.endpoint("a")).body, format="json")

    with django_capture_on_commit_callbacks() as pending:
        community_services.notify(user=member, kind="warning", title="Varning")
    assert push_service.received == []
    assert len(pending) >= 1

    def notify_then_fail():
        with transaction.atomic():
            community_services.notify(user=member, kind="warning", title="Varning")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        notify_then_fail()
    assert push_service.received == []


def test_notify_asks_the_push_hook(member):
    assert push_deliver in community_services.PUSH_DELIVER


@pytest.mark.django_db(transaction=True)
def test_delivery_runs_off_the_request_after_commit(municipalities, push_settings, push_service):
    reader = UserFactory()
    browser = Browser(push_service.endpoint("bg"))
    client = APIClient()
    client.force_authenticate(reader)
    client.post(SUBSCRIPTIONS, browser.body, format="json")

    community_services.notify(user=reader, kind="warning", title="Varning för Solros")

    assert push_service.arrived.wait(10)
    assert browser.decrypt(push_service.received[0]) == _neutral_sv()


def test_a_person_without_a_device_schedules_nothing(
    member, push_settings, django_capture_on_commit_callbacks
):
    notification = community_services.notify(user=member, kind="warning", title="Varning")

    with django_capture_on_commit_callbacks() as pending:
        push_deliver(notification=notification)

    assert pending == []
    assert not push_settings.VAPID_DEV_KEY_FILE.exists()


def test_vapid_keys_prints_a_pair_the_server_takes(api, push_settings):
    out = io.StringIO()

    call_command("vapid_keys", stdout=out)

    pairs = dict(line.split("=", 1) for line in out.getvalue().split())
    assert sorted(pairs) == ["VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY"]
    assert len(_unb64(pairs["VAPID_PRIVATE_KEY"])) == 32
    push_settings.VAPID_PRIVATE_KEY = pairs["VAPID_PRIVATE_KEY"]
    push_settings.VAPID_PUBLIC_KEY = pairs["VAPID_PUBLIC_KEY"]
    assert api.get(KEY).json() == {"public_key": pairs["VAPID_PUBLIC_KEY"]}


def test_a_person_keeps_at_most_ten_devices_the_oldest_goes(
    member_api, push_settings, push_service
):
    ids = [
        member_api.post(
            SUBSCRIPTIONS, Browser(push_service.endpoint(f"d{n}")).body, format="json"
        ).json()["id"]
        for n in range(11)
    ]

    assert sorted(PushSubscription.objects.values_list("pk", flat=True)) == sorted(ids[1:])
