"""@mentions: ``@`` and a display name notifies that member of the room, once, neutrally."""

import pytest
from django.utils import translation

from chat import services
from chat.models import Message, MutedMember
from chat.services.mentions import mentioned_names
from community.models import Notification
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def mentions() -> list[tuple]:
    return list(
        Notification.objects.filter(kind="mention").values_list("user_id", "title", "body", "url")
    )


def test_a_room_member_named_after_at_is_notified_case_blind(
    send, member, other_member, topic_room
):
    other_member.preferred_language = "en"
    other_member.save()

    sent = send(member, topic_room, "Hej @havsÖRN, ses vi i morgon?")

    assert sent.message["state"] == "visible"
    with translation.override("en"):
        assert mentions() == [
            (other_member.pk, "Someone mentioned you in a room", "", f"/rum/{topic_room.pk}/")
        ]


def test_names_with_spaces_and_the_longest_name_wins(send, member, topic_room):
    short, long = UserFactory(display_name="Anna"), UserFactory(display_name="Anna Berg")

    send(member, topic_room, "@Anna Berg och @Anna: fika?")

    assert sorted(user for user, *_ in mentions()) == sorted([short.pk, long.pk])
    assert Notification.objects.filter(user=long).count() == 1


def test_a_name_must_end_at_a_word_boundary(send, member, other_member, topic_room):
    send(member, topic_room, "@Havsörnarna finns inte")

    assert mentions() == []


def test_a_member_who_muted_the_author_is_not_notified(send, member, other_member, topic_room):
    MutedMember.objects.create(user=other_member, muted=member)

    send(member, topic_room, "@Havsörn hallå")

    assert mentions() == []


def test_someone_who_cannot_read_the_room_is_not_notified(send, member, other_member, group_room):
    MembershipFactory(group=group_room.group, user=member)

    send(member, group_room, "@Havsörn du borde gå med")

    assert mentions() == []


def test_a_group_member_is_notified_in_the_group_room(send, member, other_member, group_room):
    MembershipFactory(group=group_room.group, user=member)
    MembershipFactory(group=group_room.group, user=other_member)

    send(member, group_room, "@Havsörn kommer du?")

    assert [user for user, *_ in mentions()] == [other_member.pk]


def test_a_held_message_notifies_nobody(send, member, other_member, topic_room):
    sent = send(member, topic_room, "@Havsörn ring mig 0701234567")

    assert Message.objects.get(pk=sent.message["id"]).state == "held"
    assert mentions() == []


def test_naming_oneself_or_nobody_notifies_nobody(send, member, topic_room):
    send(member, topic_room, "@Solros pratar med sig själv, och @ensam")

    assert mentions() == []


def test_a_retry_with_the_same_client_id_does_not_notify_again(
    send, member, other_member, topic_room
):
    send(member, topic_room, "@Havsörn hej", client_id="samma")
    send(member, topic_room, "@Havsörn hej", client_id="samma")

    assert len(mentions()) == 1


def test_at_most_ten_mentions_are_read():
    body = " ".join(f"@namn{n:02}" for n in range(20))

    assert len(mentioned_names(body)) == 10
    assert mentioned_names("@ab @") == []


def test_deleted_author_text_is_not_read_again(member, other_member, topic_room):
    # the service reads the stored message after commit, not the text it was given
    message = Message.objects.create(
        room=topic_room, seq=1, author=member, body="@Havsörn", client_id="x", state="deleted"
    )

    assert services.mentions.mention_notify(message_id=message.pk) == []


# Edits and approvals: a mention counts once the text is visible, and once per person.


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service and the work it leaves for after the commit (the notifications)."""

    def run(call, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(**kwargs)

    return run


def test_an_edit_that_names_someone_new_notifies_them(
    send, committed, member, other_member, topic_room
):
    sent = send(member, topic_room, "Hej alla")

    committed(
        services.message_edit, user=member, message_id=sent.message["id"], body="@Havsörn hej"
    )

    assert [user for user, *_ in mentions()] == [other_member.pk]


def test_an_edit_does_not_notify_again_whom_the_message_already_named(
    send, committed, member, other_member, topic_room
):
    sent = send(member, topic_room, "@Havsörn hej")
    third = UserFactory(display_name="Tranan")

    committed(
        services.message_edit,
        user=member,
        message_id=sent.message["id"],
        body="@Havsörn hej, och @Tranan",
    )

    assert sorted(user for user, *_ in mentions()) == sorted([other_member.pk, third.pk])


def test_an_edit_that_is_held_notifies_nobody(send, committed, member, other_member, topic_room):
    sent = send(member, topic_room, "Hej alla")

    committed(
        services.message_edit,
        user=member,
        message_id=sent.message["id"],
        body="@Havsörn ring mig 0701234567",
    )

    assert Message.objects.get(pk=sent.message["id"]).state == "held"
    assert mentions() == []


def test_a_held_message_notifies_whom_it_names_when_a_moderator_lets_it_through(
    send, committed, member, other_member, moderator, topic_room
):
    from moderation.services import messages as moderation_messages

    sent = send(member, topic_room, "@Havsörn ring mig 0701234567")
    assert mentions() == []

    committed(
        moderation_messages.message_approve,
        user=moderator,
        message_id=sent.message["id"],
        reason="Ett vanligt nummer",
    )

    assert [user for user, *_ in mentions()] == [other_member.pk]


def test_showing_a_hidden_message_again_does_not_notify_twice(
    send, committed, member, other_member, moderator, topic_room
):
    from moderation.services import messages as moderation_messages

    sent = send(member, topic_room, "@Havsörn hej")
    message_id = sent.message["id"]
    committed(moderation_messages.message_hide, user=moderator, message_id=message_id, reason="x")

    committed(
        moderation_messages.message_unhide, user=moderator, message_id=message_id, reason="ok"
    )

    assert len(mentions()) == 1
