"""An urgent crisis item alerts the on-call staff at once: live on the dashboards that see
it, and by a neutral e-mail to the on-call address of each organisation covering the
member. Once per item, in the audit log."""

import pytest
from channels.db import database_sync_to_async
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext as _

from community.models import Organisation
from moderation import starter
from moderation.models import AuditEntry, CrisisContact, QueueItem, WordRule
from moderation.services import alerts
from tests.factories import (
    GroupRoomFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    PeerGroupFactory,
    municipality,
)
from tests.ws import open_socket, receive_type, send_message, subscribe

CRISIS = "jag vill inte leva längre"


@pytest.fixture
def organisations(municipalities):
    """Halmstad's unit, Göteborg's unit, an association and the platform moderators'."""
    return {
        "halmstad": OrganisationFactory(
            slug="halmstad-unit", municipality=municipality("1380"), on_call_email="jour@halm.se"
        ),
        "goteborg": OrganisationFactory(
            slug="goteborg-unit", municipality=municipality("1480"), on_call_email="jour@gbg.se"
        ),
        "association": OrganisationFactory(
            slug="forening",
            kind=Organisation.Kind.ASSOCIATION,
            municipality=municipality("1380"),
            on_call_email="jour@forening.se",
        ),
        "platform": OrganisationFactory(
            slug="bredvid",
            kind=Organisation.Kind.NATIONAL,
            municipality=None,
            on_call_email="jour@bredvid.se",
        ),
    }


@pytest.fixture
def platform_moderator(organisations):
    return ModeratorFactory(display_name="Moderator Mika", organisation=organisations["platform"])


def recipients() -> list[list[str]]:
    return sorted(message.to for message in mail.outbox)


@pytest.mark.django_db
def test_an_urgent_item_mails_the_members_unit_and_the_platform_on_call_once(
    send, member, topic_room, organisations, platform_moderator
):
    send(member, topic_room, CRISIS)

    item = QueueItem.objects.get()
    assert (item.priority, item.source) == (QueueItem.Priority.URGENT, "crisis")
    assert recipients() == [["jour@bredvid.se"], ["jour@halm.se"]]
    with translation.override("sv"):
        subject = _("An urgent item is waiting in Bredvid")
    for message in mail.outbox:
        assert message.subject == subject
        assert message.body.endswith(f"http://127.0.0.1:8000/moderering/{item.pk}/\n")
        assert CRISIS not in message.body
        assert member.display_name not in message.body
        assert member.email not in message.body
    entry = AuditEntry.objects.get(action="queue.alert")
    assert (entry.actor, entry.target_type, entry.target_id) == (None, "queueitem", str(item.pk))
    assert sorted(entry.details["organisations"]) == sorted(
        [organisations["halmstad"].pk, organisations["platform"].pk]
    )


@pytest.mark.django_db
def test_a_group_room_alerts_the_host_and_the_members_unit_not_the_platform(
    send, member, organisations, platform_moderator
):
    group = PeerGroupFactory(organisation=organisations["association"])
    room = GroupRoomFactory(group=group)
    MembershipFactory(group=group, user=member)

    send(member, room, CRISIS)

    assert recipients() == [["jour@forening.se"], ["jour@halm.se"]]


@pytest.mark.django_db
def test_the_same_item_alerts_once(
    send, member, topic_room, organisations, platform_moderator, django_capture_on_commit_callbacks
):
    send(member, topic_room, CRISIS)
    item = QueueItem.objects.get()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = alerts.queue_item_alert(item=item)

    assert again is False
    assert mail.outbox == []
    assert AuditEntry.objects.filter(action="queue.alert", target_id=str(item.pk)).count() == 1


@pytest.mark.django_db
def test_a_normal_item_alerts_nobody(send, member, topic_room, organisations, platform_moderator):
    WordRule.objects.create(
        pattern="dumburk", category=WordRule.Category.ABUSE, action=WordRule.Action.FLAG
    )

    send(member, topic_room, "du är en dumburk")

    item = QueueItem.objects.get()
    assert (item.priority, item.alerted_at) == (QueueItem.Priority.NORMAL, None)
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="queue.alert").exists()


@pytest.mark.django_db
def test_organisations_without_an_on_call_address_get_no_mail(
    send, member, topic_room, organisations, platform_moderator
):
    Organisation.objects.update(on_call_email="")

    send(member, topic_room, CRISIS)

    assert mail.outbox == []
    assert QueueItem.objects.get().alerted_at is not None  # the dashboards were still told


@pytest.mark.django_db(transaction=True)
async def test_the_dashboard_frame_carries_the_alert_once(member, topic_room, moderator):
    await database_sync_to_async(starter.load_all)(WordRule, CrisisContact)
    await database_sync_to_async(WordRule.objects.create)(
        pattern="dumburk", category=WordRule.Category.ABUSE, action=WordRule.Action.FLAG
    )
    author, mod = await open_socket(member), await open_socket(moderator)
    await subscribe(author, topic_room.pk)

    await send_message(author, topic_room.pk, "du är en dumburk", "n1")
    normal = await receive_type(mod, "moderation.queue")
    await send_message(author, topic_room.pk, CRISIS, "u1")
    urgent = await receive_type(mod, "moderation.queue")

    assert (normal["item"]["source"], normal["alert"]) == ("rule", False)
    assert (urgent["item"]["source"], urgent["item"]["priority"], urgent["alert"]) == (
        "crisis",
        0,
        True,
    )
    for socket in (author, mod):
        await socket.disconnect()
