import json
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.utils import timezone

from chat import broadcast, services
from chat.models import Message, MutedMember, Reaction, ReadState, Room
from community.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    RuleBroken,
    TooLarge,
)
from moderation.models import AuditEntry
from moderation.services import rules
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_frames():
    """Records each broadcast on its way to the real channel layer (a spy, not a stand-in)."""
    with patch("chat.broadcast._send", wraps=broadcast._send) as send:
        yield send


def frames(sent_frames):
    return [(group, json.loads(event["text"])) for (group, event), _ in sent_frames.call_args_list]


def test_seq_counts_up_per_room(send, member, topic_room):
    # when
    first = send(member, topic_room, "ett")
    second = send(member, topic_room, "två")

    # then
    assert (first.message["seq"], second.message["seq"]) == (1, 2)
    topic_room.refresh_from_db()
    assert topic_room.last_seq == 2
    assert list(Message.objects.values_list("seq", "body")) == [(1, "ett"), (2, "två")]


def test_message_shape_is_the_protocols(send, member, topic_room):
    message = send(member, topic_room, "  Hej allihop!  ").message

    assert set(message) == {
        "id",
        "room",
        "seq",
        "author",
        "body",
        "reply_to",
        "reactions",
        "state",
        "created_at",
        "edited_at",
        "meetup",
        "card",
        "actions",
    }
    assert message["actions"] == ["reply", "react", "edit", "delete"]
    assert message["author"] == {"id": member.pk, "display_name": "Solros"}
    assert message["body"] == "Hej allihop!"
    assert message["state"] == "visible"
    assert message["reactions"] == []
    assert message["edited_at"] is None
    assert message["meetup"] is None


def test_broadcast_happens_only_after_commit(
    django_capture_on_commit_callbacks, sent_frames, member, topic_room
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.message_send(user=member, room_id=topic_room.pk, body="hej", client_id="a")
        assert sent_frames.call_count == 0  # nothing heard before the commit

    for callback in callbacks:
        callback()
    [(group, frame)] = frames(sent_frames)
    assert group == f"room.{topic_room.pk}"
    assert frame["type"] == "message.new"
    assert frame["message"]["seq"] == 1


def test_rolled_back_send_is_never_broadcast(sent_frames, member, topic_room, settings):
    topic_room.is_locked = True
    topic_room.save()

    with pytest.raises(RuleBroken):
        services.message_send(user=member, room_id=topic_room.pk, body="hej", client_id="a")

    assert sent_frames.call_count == 0
    assert Message.objects.count() == 0


def test_each_broadcast_is_serialised_once(send, sent_frames, member, topic_room):
    send(member, topic_room, "hej")

    [((group, event), _)] = sent_frames.call_args_list
    assert isinstance(event["text"], str)
    assert event["seq"] == 1
    assert event["author"] == member.pk


def test_retry_with_same_client_id_returns_the_same_message(send, sent_frames, member, topic_room):
    first = send(member, topic_room, "hej", client_id="abc")

    retry = send(member, topic_room, "hej", client_id="abc")

    assert retry.created is False
    assert (retry.message["id"], retry.message["seq"]) == (first.message["id"], 1)
    assert Message.objects.count() == 1
    assert sent_frames.call_count == 1


def test_a_retry_gets_its_ack_even_when_a_new_message_would_be_refused_now(
    send, sent_frames, member, topic_room
):
    first = send(member, topic_room, "hej", client_id="abc")
    Room.objects.filter(pk=topic_room.pk).update(is_locked=True)

    retry = send(member, topic_room, "hej", client_id="abc")

    assert retry.created is False
    assert retry.message["id"] == first.message["id"]
    with pytest.raises(RuleBroken):
        send(member, topic_room, "en ny", client_id="def")
    assert Message.objects.count() == 1
    assert sent_frames.call_count == 1


def test_a_retry_matching_a_block_rule_added_since_gets_its_ack_and_logs_nothing(
    send, member, moderator, topic_room
):
    first = send(member, topic_room, "vi ses på torsdag", client_id="abc")
    rules.rule_save(
        user=moderator, fields={"pattern": "torsdag", "action": "block", "category": "spam"}
    )

    retry = send(member, topic_room, "vi ses på torsdag", client_id="abc")

    assert retry.message["id"] == first.message["id"]
    assert not AuditEntry.objects.filter(action="rule.block").exists()
    with pytest.raises(RuleBroken):  # the rule is in force for new messages
        send(member, topic_room, "på torsdag igen", client_id="def")


def test_client_id_reused_in_another_room_is_a_conflict(send, member, topic_room):
    other = Room.objects.create(name="Skola", slug="skola", kind="topic")
    send(member, topic_room, "hej", client_id="abc")

    with pytest.raises(Conflict):
        send(member, other, "hej", client_id="abc")

    assert Message.objects.count() == 1


def test_send_rate_limit_counts_new_messages_not_retries(send, member, topic_room, settings):
    settings.CHAT_SEND_REFILL_SECONDS = 60  # nothing refills while the test runs
    for n in range(settings.CHAT_SEND_LIMIT):
        send(member, topic_room, f"nr {n}", client_id=f"id-{n}")
    retry = send(member, topic_room, "nr 0", client_id="id-0")  # a retry is not counted

    with pytest.raises(RateLimited) as refused:
        send(member, topic_room, "one more", client_id="id-more")

    assert retry.created is False
    assert refused.value.retry_after in range(1, 61)
    assert Message.objects.count() == settings.CHAT_SEND_LIMIT


@pytest.mark.parametrize(
    ("body", "error"),
    [
        pytest.param("", Invalid, id="empty"),
        pytest.param("   \n ", Invalid, id="only-spaces"),
        pytest.param("x" * 4001, TooLarge, id="too-long"),
        pytest.param(None, Invalid, id="not-text"),
    ],
)
def test_bad_bodies_are_refused_and_nothing_is_stored(send, member, topic_room, body, error):
    with pytest.raises(error):
        send(member, topic_room, body)

    topic_room.refresh_from_db()
    assert topic_room.last_seq == 0
    assert Message.objects.count() == 0


def test_body_of_exactly_4000_characters_is_accepted(send, member, topic_room):
    assert send(member, topic_room, "å" * 4000).message["body"] == "å" * 4000


def test_locked_room_is_read_only_except_for_moderators(send, member, moderator, topic_room):
    topic_room.is_locked = True
    topic_room.save()

    with pytest.raises(RuleBroken) as refused:
        send(member, topic_room, "hej")
    sent = send(moderator, topic_room, "Rummet är låst en stund.")

    assert refused.value.code == "room_locked"
    assert sent.message["seq"] == 1


def test_slow_mode_says_how_long_to_wait(send, member, other_member, topic_room):
    topic_room.slow_mode_seconds = 30
    topic_room.save()
    send(member, topic_room, "ett")

    with pytest.raises(RuleBroken) as refused:
        send(member, topic_room, "två")
    other = send(other_member, topic_room, "jag får")  # slow mode is per member

    assert refused.value.code == "slow_mode"
    assert 29 <= refused.value.retry_after <= 30
    assert other.message["seq"] == 2
    assert Message.objects.count() == 2


def test_slow_mode_lets_the_next_message_through_after_the_wait(send, member, topic_room):
    topic_room.slow_mode_seconds = 30
    topic_room.save()
    send(member, topic_room, "ett")
    Message.objects.update(created_at=timezone.now() - timedelta(seconds=31))

    assert send(member, topic_room, "två").message["seq"] == 2


def test_group_room_is_not_found_for_non_members(send, member, group_room):
    with pytest.raises(NotFound):
        send(member, group_room, "hej")

    MembershipFactory(group=group_room.group, user=member)
    assert send(member, group_room, "hej").message["seq"] == 1


def test_reply_must_be_in_the_same_room(send, member, topic_room):
    other = Room.objects.create(name="Skola", slug="skola", kind="topic")
    elsewhere = send(member, other, "där")
    here = send(member, topic_room, "här")

    with pytest.raises(Invalid):
        send(member, topic_room, "svar", reply_to_id=elsewhere.message["id"])
    reply = send(member, topic_room, "svar", reply_to_id=here.message["id"])

    assert reply.message["reply_to"] == here.message["id"]


# --- edit and delete -----------------------------------------------------------------------


def test_author_edits_within_fifteen_minutes(
    send, member, topic_room, django_capture_on_commit_callbacks, sent_frames
):
    message = send(member, topic_room, "hje").message

    with django_capture_on_commit_callbacks(execute=True):
        edited = services.message_edit(user=member, message_id=message["id"], body="hej")

    assert edited["body"] == "hej"
    assert edited["edited_at"] is not None
    assert frames(sent_frames)[-1][1]["type"] == "message.updated"


def test_edit_after_fifteen_minutes_is_refused(send, member, topic_room):
    message = send(member, topic_room, "hej").message
    Message.objects.update(created_at=timezone.now() - timedelta(minutes=16))

    with pytest.raises(Forbidden):
        services.message_edit(user=member, message_id=message["id"], body="ändrat")

    assert Message.objects.get().body == "hej"


def test_nobody_edits_or_deletes_someone_elses_message(send, member, other_member, topic_room):
    message = send(member, topic_room, "hej").message

    with pytest.raises(Forbidden):
        services.message_edit(user=other_member, message_id=message["id"], body="hacked")
    with pytest.raises(Forbidden):
        services.message_delete(user=other_member, message_id=message["id"])

    assert Message.objects.get().body == "hej"


def test_delete_removes_the_text_and_keeps_the_place(send, member, other_member, topic_room):
    message = send(member, topic_room, "oj, fel rum").message
    services.reaction_add(user=other_member, message_id=message["id"], emoji="👍")

    deleted = services.message_delete(user=member, message_id=message["id"])

    assert (deleted["state"], deleted["body"], deleted["seq"]) == ("deleted", "", 1)
    stored = Message.objects.get()
    assert (stored.state, stored.body) == ("deleted", "")
    assert Reaction.objects.count() == 0


# --- reactions -----------------------------------------------------------------------------


def test_reactions_are_one_per_person_and_emoji(send, member, other_member, topic_room):
    message = send(member, topic_room, "hej").message

    services.reaction_add(user=other_member, message_id=message["id"], emoji="❤️")
    services.reaction_add(user=other_member, message_id=message["id"], emoji="❤️")
    result = services.reaction_add(user=member, message_id=message["id"], emoji="❤️")

    assert result["reactions"] == [
        {"emoji": "❤️", "count": 2, "users": [other_member.pk, member.pk]}
    ]
    removed = services.reaction_remove(user=member, message_id=message["id"], emoji="❤️")
    assert removed["reactions"] == [{"emoji": "❤️", "count": 1, "users": [other_member.pk]}]


def test_reaction_outside_the_fixed_set_is_refused(send, member, topic_room):
    message = send(member, topic_room, "hej").message

    with pytest.raises(Invalid):
        services.reaction_add(user=member, message_id=message["id"], emoji="💩")

    assert Reaction.objects.count() == 0


def test_reaction_on_invisible_message_is_not_found(send, member, other_member, group_room):
    MembershipFactory(group=group_room.group, user=member)
    message = send(member, group_room, "hej").message

    with pytest.raises(NotFound):
        services.reaction_add(user=other_member, message_id=message["id"], emoji="👍")


# --- read markers and mutes ------------------------------------------------------------


def test_read_position_moves_forward_only(send, member, other_member, topic_room):
    for n in range(3):
        send(other_member, topic_room, f"nr {n}")

    assert services.read_mark(user=member, room_id=topic_room.pk, seq=3) == 3
    assert services.read_mark(user=member, room_id=topic_room.pk, seq=1) == 3
    assert ReadState.objects.get(user=member).last_read_seq == 3


@pytest.mark.parametrize(
    "seq", [-1, 99, "2", True], ids=["negative", "beyond-last", "text", "bool"]
)
def test_read_position_must_be_a_seq_of_the_room(send, member, topic_room, seq):
    send(member, topic_room, "hej")

    with pytest.raises(Invalid):
        services.read_mark(user=member, room_id=topic_room.pk, seq=seq)

    assert ReadState.objects.count() == 0


def test_hidden_read_position_reaches_only_my_own_sockets(
    send, member, topic_room, django_capture_on_commit_callbacks, sent_frames
):
    send(member, topic_room, "hej")
    member.hide_read_position = True
    member.save()
    sent_frames.reset_mock()

    with django_capture_on_commit_callbacks(execute=True):
        services.read_mark(user=member, room_id=topic_room.pk, seq=1)

    assert [group for group, _ in frames(sent_frames)] == [f"user.{member.pk}"]


def test_mute_is_private_and_reversible(member, other_member):
    services.member_mute(user=member, muted_id=other_member.pk)
    services.member_mute(user=member, muted_id=other_member.pk)

    assert MutedMember.objects.filter(user=member, muted=other_member).count() == 1
    with pytest.raises(Invalid):
        services.member_mute(user=member, muted_id=member.pk)
    with pytest.raises(NotFound):
        services.member_mute(user=member, muted_id=999_999)
    services.member_unmute(user=member, muted_id=other_member.pk)
    assert MutedMember.objects.count() == 0


def test_typing_is_throttled_and_can_be_hidden(member, topic_room, sent_frames):
    assert services.typing_signal(user=member, room_id=topic_room.pk) is True
    assert services.typing_signal(user=member, room_id=topic_room.pk) is False  # within 3 s

    quiet = UserFactory(hide_typing=True)
    assert services.typing_signal(user=quiet, room_id=topic_room.pk) is False
    assert sent_frames.call_count == 1
