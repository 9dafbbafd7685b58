"""Reports and the queue: many reports of one message make one item; risk comes first."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chat import policies as chat_policies
from chat import selectors as chat_selectors
from chat.models import Message
from community import services as community_services
from community.errors import Invalid, NotFound
from moderation import broadcast as moderation_broadcast
from moderation import selectors
from moderation.models import QueueItem, Report
from moderation.services import audit
from moderation.services import messages as message_actions

URGENT_REASONS = {Report.Reason.SELF_HARM}
HIGH_REASONS = {Report.Reason.SEXUAL, Report.Reason.PRIVATE_INFO, Report.Reason.HATE}


def _priority(reasons) -> int:
    if set(reasons) & URGENT_REASONS:
        return QueueItem.Priority.URGENT
    if set(reasons) & HIGH_REASONS:
        return QueueItem.Priority.HIGH
    return QueueItem.Priority.NORMAL


def _reportable(*, user, message_id) -> Message:
    message = (
        Message.objects.select_related("room", "room__group").filter(pk=message_id).first()
        if isinstance(message_id, int)
        else None
    )
    if message is None:
        raise NotFound()
    room = chat_policies.room_for_user(user=user, room_id=message.room_id)
    viewer = chat_selectors.viewer_for(user=user, room=room)
    if (
        not chat_selectors.visible_messages(viewer=viewer, room_id=room.pk)
        .filter(pk=message.pk)
        .exists()
    ):
        raise NotFound()
    return message


def queue_item_upsert(
    *,
    message: Message,
    source: str,
    reasons=(),
    rule_note: str = "",
    priority: int | None = None,
    count: int = 0,
) -> QueueItem:
    """One open item per message; caller holds a transaction."""
    item, created = QueueItem.objects.select_for_update().get_or_create(
        message=message, defaults={"room_id": message.room_id, "source": source}
    )
    if not created and item.status != QueueItem.Status.OPEN:
        item.status, item.resolved_at, item.resolved_by = QueueItem.Status.OPEN, None, None
    item.reasons = sorted(set(item.reasons) | set(reasons))
    item.reports_count += count
    item.priority = min(item.priority, priority if priority is not None else _priority(reasons))
    item.rule_note = item.rule_note or rule_note
    item.updated_at = timezone.now()
    item.save()
    return item


@transaction.atomic
def report_create(*, user, message_id, reason: str, note: str = "") -> Report:
    """Report a message. The reported person never learns who reported."""
    if reason not in Report.Reason.values:
        raise Invalid(fields={"reason": [_("Choose a reason from the list.")]})
    if len(note) > 1000:
        raise Invalid(fields={"note": [_("Keep it shorter, please.")]})
    message = _reportable(user=user, message_id=message_id)
    report, created = Report.objects.get_or_create(
        message=message, reporter=user, defaults={"reason": reason, "note": note.strip()}
    )
    if not created:
        return report  # one person's second report does not count twice
    item = queue_item_upsert(
        message=message, source=QueueItem.Source.REPORT, reasons=[reason], count=1
    )
    _hide_when_unstaffed(item)
    moderation_broadcast.queue_changed(item)
    return report


def _hide_when_unstaffed(item: QueueItem) -> None:
    """Outside staffed hours, enough reports hide a message until a moderator looks."""
    message = item.message
    if (
        item.auto_hidden
        or message.state != Message.State.VISIBLE
        or item.reports_count < settings.MODERATION_AUTO_HIDE_REPORTS
        or selectors.someone_on_duty(room=item.room)
    ):
        return
    message_actions.hide(message=message, actor=None, reason=_("Reported by several members"))
    item.auto_hidden = True
    item.save(update_fields=["auto_hidden"])
    audit.record(
        actor=None,
        action="rule.auto_hide",
        target=message,
        reason=f"{item.reports_count} reports outside staffed hours",
        room_id=message.room_id,
        group_id=message.room.group_id,
    )


@transaction.atomic
def queue_item_resolve(*, user, item_id, status: str, reason: str) -> QueueItem:
    """Close an item as actioned or dismissed; reporters hear back, not what was done."""
    if status not in (QueueItem.Status.ACTIONED, QueueItem.Status.DISMISSED):
        raise Invalid(fields={"status": [_("Choose actioned or dismissed.")]})
    if not reason or not reason.strip():
        raise Invalid(fields={"reason": [_("Give a reason.")]})
    item = selectors.queue_item_for(user=user, item_id=item_id)
    if item is None:
        raise NotFound()
    item.status, item.resolved_at, item.resolved_by = status, timezone.now(), user
    item.save()
    audit.record(
        actor=user,
        action=f"queue.{status}",
        target=item,
        reason=reason.strip(),
        room_id=item.room_id,
        group_id=item.room.group_id,
    )
    _tell_reporters(item)
    moderation_broadcast.queue_changed(item)
    return item


def _tell_reporters(item: QueueItem) -> None:
    acted = item.status == QueueItem.Status.ACTIONED
    for report in selectors.reporters_of(message_id=item.message_id):
        community_services.notify(
            user=report.reporter,
            kind="report_answered",
            title=lambda: _("Thank you for your report"),
            body=lambda a=acted: (
                _("We looked at your report and acted.")
                if a
                else _("We looked at your report. This time we did not need to act.")
            ),
        )
