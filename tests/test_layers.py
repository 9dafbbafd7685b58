"""Lower apps reach higher ones only through the answers installed in their ports."""

from chat import ports as chat_ports
from chat.services import rooms, sending
from groups import ports as group_ports
from moderation import broadcast, screening, selectors
from moderation.models import WordRule
from moderation.services import rules


def test_chat_asks_moderation_what_moderation_installed():
    assert chat_ports.moderation() == chat_ports.Moderation(
        screen=screening.screen,
        blocked=rules.blocked,
        after_screening=rules.after_screening,
        active_mute=selectors.active_mute,
        socket_groups=broadcast.socket_groups,
    )
    assert (chat_ports.BLOCK, chat_ports.HOLD) == (WordRule.Action.BLOCK, WordRule.Action.HOLD)


def test_groups_reach_their_rooms_through_what_chat_installed():
    assert group_ports.rooms() == group_ports.Rooms(
        slug_taken=rooms.room_slug_taken,
        group_room_create=rooms.group_room_create,
        meetup_card_post=sending.meetup_card_post,
    )
