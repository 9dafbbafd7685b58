"""Staff open a support conversation with the member behind a queue item or a talk request.

Here, above chat (the room) and support (talk requests), since both are asked."""

from chat import services as chat_services
from community.errors import Forbidden, NotFound
from moderation import policies, selectors
from support import policies as support_policies


def queue_item_conversation_open(*, user, item_id) -> chat_services.Opened:
    """The support conversation with the author of a queue item this person may act on,
    and on whose author they may act; their unit is the author's municipality."""
    if not policies.can_see_queue(user):
        raise Forbidden()
    item = selectors.queue_item_for(user=user, item_id=item_id)
    if item is None:
        raise NotFound()
    member = policies.member_for_moderator(
        user=user, member_id=item.message.author_id, statuses=policies.BANNABLE
    )
    return chat_services.support_room_open(
        user=user,
        member=member,
        municipality_id=member.municipality_id,
        details={"queue_item": item.pk},
    )


def talk_request_conversation_open(*, user, request_id) -> chat_services.Opened:
    """The support conversation with the member who asked to talk, opened by the staff who
    handle the request; their unit is the municipality the member asked."""
    talk_request = support_policies.talk_request_for_user(user=user, request_id=request_id)
    if not support_policies.can_handle_talk_request(user=user, talk_request=talk_request):
        raise Forbidden()
    return chat_services.support_room_open(
        user=user,
        member=talk_request.user,
        municipality_id=talk_request.municipality_id,
        details={"talk_request": talk_request.pk},
    )
