"""Web push (RFC 8030/8291/8292): subscriptions, and the neutral nudge sent to each device."""

import base64
import binascii
import json
import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community import retention
from community.errors import Conflict, Invalid
from community.models import Notification, User
from push import keys, policies
from push.models import ENDPOINT_MAX, PushSubscription

logger = logging.getLogger(__name__)

SUBSCRIPTIONS_MAX = 10  # per person; the oldest goes first
TTL_SECONDS = 24 * 3600
# Phones are shared and lock screens are public: a push never says who, where or what.
NEUTRAL_TITLE = "Bredvid"
NEUTRAL_BODY = gettext_lazy("You have something new in Bredvid")
NEUTRAL_URL = "/notiser/"

_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="push")


def _unb64url(text: str) -> bytes:
    if not isinstance(text, str) or not _BASE64URL.fullmatch(text):
        raise ValueError(text)
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:
        raise ValueError(text) from error


def _keys_valid(*, p256dh: str, auth: str) -> bool:
    try:
        point, secret = _unb64url(p256dh), _unb64url(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        return False
    return len(point) == 65 and len(secret) == 16


def _validate(*, endpoint: str, p256dh: str, auth: str) -> None:
    if len(endpoint) > ENDPOINT_MAX or not policies.accepts_endpoint(endpoint=endpoint):
        raise Invalid(fields={"endpoint": [_("Enter the https address of a push service.")]})
    if not _keys_valid(p256dh=p256dh, auth=auth):
        raise Invalid(
            fields={"keys": [_("The keys must be a P-256 public key and a 16-byte secret.")]}
        )


@transaction.atomic
def push_subscription_save(
    *, user: User, endpoint: str, p256dh: str, auth: str
) -> tuple[PushSubscription, bool]:
    """Keep one browser's subscription for ``user``; returns it and whether it is new."""
    _validate(endpoint=endpoint, p256dh=p256dh, auth=auth)
    held = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
    if held is not None and held.user_id == user.pk:
        held.p256dh, held.auth = p256dh, auth
        held.save(update_fields=["p256dh", "auth"])
        return held, False
    if held is not None:
        # The browser now belongs to whoever signed in on it: the last person stops getting it.
        held.delete()
    mine = PushSubscription.objects.filter(user=user).order_by("-created_at", "-id")
    PushSubscription.objects.filter(
        pk__in=list(mine.values_list("pk", flat=True)[SUBSCRIPTIONS_MAX - 1 :])
    ).delete()
    try:
        with transaction.atomic():
            made = PushSubscription.objects.create(
                user=user, endpoint=endpoint, p256dh=p256dh, auth=auth
            )
    except IntegrityError:
        raise Conflict() from None  # the same browser subscribed twice at once
    return made, True


def push_subscription_delete(*, subscription: PushSubscription) -> None:
    subscription.delete()


def _payload(language: str) -> str:
    with translation.override(language):
        return json.dumps({"title": NEUTRAL_TITLE, "body": str(NEUTRAL_BODY), "url": NEUTRAL_URL})


def _in_background(job: Callable[[], None]) -> None:
    def run():
        try:
            job()
        except Exception:
            logger.exception("push delivery failed")
        finally:
            connections.close_all()

    _pool.submit(run)


def push_deliver(*, notification: Notification) -> None:
    """Nudge each of the person's devices, after commit and off the request thread."""
    user_id = notification.user_id
    if not PushSubscription.objects.filter(user_id=user_id).exists():
        return  # most people have no device subscribed: no thread, no key
    language = notification.user.preferred_language
    transaction.on_commit(
        lambda: _in_background(lambda: push_send(user_id=user_id, language=language))
    )


def push_send(*, user_id: int, language: str) -> int:
    """Send the neutral payload to every subscription of one person; returns how many took it."""
    from pywebpush import WebPushException, webpush
    from requests import RequestException

    vapid = keys.vapid()
    if vapid is None:
        return 0
    data, sent = _payload(language), 0
    for subscription in PushSubscription.objects.filter(user_id=user_id):
        try:
            webpush(
                subscription_info=subscription.info(),
                data=data,
                vapid_private_key=vapid,
                # a fresh dict each time: pywebpush writes this endpoint's audience into it
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                ttl=TTL_SECONDS,
                timeout=10,
            )
            sent += 1
            _note_outcome(subscription, refused=False)
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in (404, 410):  # the browser dropped it (RFC 8030 §7.3)
                subscription.delete()
            else:
                logger.warning("push to subscription %s refused: %s", subscription.pk, status)
                _note_outcome(subscription, refused=True)
        except RequestException as error:
            logger.warning("push to subscription %s failed: %s", subscription.pk, error)
            _note_outcome(subscription, refused=True)
    return sent


def _note_outcome(subscription: PushSubscription, *, refused: bool) -> None:
    """Remember since when a device's push service refuses it; one success forgets it."""
    if refused and subscription.failing_since is None:
        PushSubscription.objects.filter(pk=subscription.pk, failing_since__isnull=True).update(
            failing_since=timezone.now()
        )
    elif not refused and subscription.failing_since is not None:
        PushSubscription.objects.filter(pk=subscription.pk).update(failing_since=None)


def push_subscriptions_purge_failing(*, now) -> int:
    """Devices whose push service has refused every try for a period are dropped."""
    limit = retention.cutoff(name="push_failing", now=now)
    return PushSubscription.objects.filter(failing_since__lte=limit).delete()[0]
