"""Lower apps reach higher ones only through the answers installed in their ports."""

from chat import ports as chat_ports
from chat.services import rooms, sending
from community import ports as community_ports
from groups import ports as group_ports
from moderation import broadcast, selectors
from moderation.services import audit, rules


def test_chat_asks_moderation_what_moderation_installed():
    assert chat_ports.moderation() == chat_ports.Moderation(
        active_mute=selectors.active_mute,
        socket_groups=broadcast.socket_groups,
        audit=audit.record,
    )


def test_every_text_is_screened_by_moderations_one_pipeline():
    assert community_ports.screening() == community_ports.Screening(
        screen_text=rules.screen_text, after_screening=rules.after_screening
    )


def test_groups_reach_their_rooms_through_what_chat_installed():
    assert group_ports.rooms() == group_ports.Rooms(
        slug_taken=rooms.room_slug_taken,
        group_room_create=rooms.group_room_create,
        meetup_card_post=sending.meetup_card_post,
        meetup_published=sending.meetup_published,
    )
