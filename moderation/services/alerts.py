"""The on-call alert: an urgent crisis item reaches the staff who cover the member at once.

Live, the dashboards that see the item get it flagged (``broadcast.queue_changed``); by
e-mail, each covering organisation's on-call address gets one neutral line and a link.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from moderation import selectors
from moderation.models import QueueItem
from moderation.services import audit


def is_alerting(item: QueueItem) -> bool:
    return item.priority == QueueItem.Priority.URGENT and item.source == QueueItem.Source.CRISIS


def queue_item_alert(*, item: QueueItem) -> bool:
    """Alert on-call staff once for an urgent crisis item; True when this call did.

    Runs inside the caller's transaction; the mails leave after it commits."""
    if not is_alerting(item):
        return False
    claimed = QueueItem.objects.filter(pk=item.pk, alerted_at__isnull=True).update(
        alerted_at=timezone.now()
    )
    if not claimed:
        return False
    organisations = selectors.on_call_organisations(item=item)
    addresses = sorted({o.on_call_email for o in organisations if o.on_call_email})
    link = settings.SITE_URL + reverse("frontend:moderation_item", args=[item.pk])
    with translation.override(settings.LANGUAGE_CODE):
        # Neutral on purpose: no message text, no name; the link asks staff to sign in.
        subject = _("An urgent item is waiting in Bredvid")
        body = _("Someone may need help now. Open the item:") + f"\n{link}\n"
    for address in addresses:
        transaction.on_commit(
            lambda to=address: send_mail(subject, body, None, [to], fail_silently=True)
        )
    audit.record(
        actor=None,
        action="queue.alert",
        target=item,
        details={"organisations": [o.pk for o in organisations], "mailed": len(addresses)},
        room_id=item.room_id,
        group_id=item.room.group_id,
    )
    return True
