"""The one socket a client keeps open (``/ws/``): parse, call one service, send."""

import json
import time
from collections import deque
from dataclasses import dataclass, replace

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import translation

from chat import broadcast, policies, ports, presence, protocol, selectors, services
from chat.protocol import ProtocolError
from community import policies as community_policies
from community.errors import BredvidError, NotFound, for_viewer
from community.realtime import CLOSE_NORMAL, in_database

# A live message whose seq jumps ahead by at most this many is preceded by the ones the
# layer has not brought yet (another process's broadcast overtaken, or one lost), read from
# the database; a longer jump is left to the client's REST fill, as after a capped backlog.
GAP_FILL_LIMIT = 50
ABUSE_ERRORS = 10  # errors within ABUSE_WINDOW_SECONDS close the socket with 4429
ABUSE_WINDOW_SECONDS = 60
CLOSE_ABUSE = 4429


@dataclass
class Subscription:
    viewer: selectors.Viewer
    delivered_seq: int
    present: bool = True  # false for a room list that only follows the room


@in_database
def _room_and_viewer(user, room_id: int):
    room = policies.room_for_user(user=user, room_id=room_id)
    mine = ports.moderation().room_states(user=user, rooms=[room])[room.pk]
    return room, selectors.viewer_for(user=user, room=room), mine


@in_database
def _backlog(viewer, room_id: int, after_seq: int):
    return selectors.message_page(
        viewer=viewer, room_id=room_id, after_seq=after_seq, limit=selectors.BACKLOG_LIMIT
    )


@in_database
def _between(viewer, room_id: int, after_seq: int, before_seq: int):
    return selectors.messages_between(
        viewer=viewer, room_id=room_id, after_seq=after_seq, before_seq=before_seq
    )


@in_database
def _viewer(user, room_id: int):
    room = policies.room_for_user(user=user, room_id=room_id)
    return selectors.viewer_for(user=user, room=room)


class ChatConsumer(AsyncWebsocketConsumer):
    async def dispatch(self, message):
        """Events from the channel layer go straight to their handler. Channels would first
        hop to the database thread to close stale connections, once per event and socket
        (50 hops for one message to a room of 50); every database call here goes through
        ``in_database``, which does that itself."""
        if message["type"].startswith("websocket."):
            return await super().dispatch(message)
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        close_code = self.scope.get("auth_close_code")
        if close_code:
            # Accept first so the client can read why: 4401 signed out, 4403 forbidden.
            await self.accept()
            await self.close(code=close_code)
            return
        self.user = self.scope["user"]
        self.rooms: dict[int, Subscription] = {}
        self.errors: deque[float] = deque()
        self.muted = await in_database(selectors.muted_ids)(user=self.user)
        if community_policies.holds_staff_role(self.user) or self.user.is_staff:
            # Read once for this socket (a change of factors closes it): refusals can then
            # tell staff without one how to get their powers back, without a query.
            await in_database(community_policies.has_second_factor)(self.user)
        self.groups_joined = [
            broadcast.user_group(self.user.pk),
            self.scope["credential_group"],
            *await in_database(ports.moderation().socket_groups)(self.user),
        ]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        # Accept only when wired up: a sign-out right after the handshake still reaches us.
        await self.accept()

    async def disconnect(self, code):
        if not hasattr(self, "rooms"):
            return
        for room_id in list(self.rooms):
            await self._leave(room_id)
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    # --- frames from the client ----------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        with translation.override(self.user.preferred_language):
            ref = None
            try:
                frame = protocol.parse(text_data)
                ref = frame.ref if frame.ref is not None else getattr(frame, "client_id", None)
                await getattr(self, "on_" + frame.type.replace(".", "_"))(frame)
            except ProtocolError as error:
                await self._refuse(error, error.ref)
            except BredvidError as error:
                await self._refuse(error, ref)

    async def on_ping(self, frame):
        for room_id, subscription in self.rooms.items():
            if subscription.present:
                await self._present(room_id)
        await self.send(text_data='{"type":"pong"}')

    async def on_subscribe(self, frame):
        room, viewer, mine = await _room_and_viewer(self.user, frame.room)
        # Join the room's group before reading the backlog: a message committed in between
        # then arrives live as well, and the seq check below drops the copy.
        if room.pk not in self.rooms:
            await self.channel_layer.group_add(broadcast.room_group(room.pk), self.channel_name)
        backlog, has_more = await _backlog(viewer, room.pk, frame.after_seq)
        delivered = backlog[-1]["seq"] if backlog else frame.after_seq
        if not has_more:
            # everything up to the room's seq read above was committed before the backlog
            # query, so what the backlog left out this reader may not see
            delivered = max(delivered, room.last_seq)
        was_present = room.pk in self.rooms and self.rooms[room.pk].present
        self.rooms[room.pk] = Subscription(
            viewer=viewer, delivered_seq=delivered, present=frame.present
        )
        reply = {
            "type": "subscribed",
            "room": room.pk,
            "last_seq": max(room.last_seq, delivered),
            "backlog": backlog,
            "has_more": has_more,
            # a reconnect brings the reader's own mute fresh (it may have ended meanwhile)
            "muted": mine["muted"],
            "muted_until": mine["muted_until"],
        }
        await self.send(text_data=broadcast.dumps(reply))
        if frame.present:
            await self._present(room.pk, announce=True)
        elif was_present:
            await self._absent(room.pk)

    async def on_unsubscribe(self, frame):
        if frame.room not in self.rooms:
            raise NotFound()
        await self._leave(frame.room)

    async def on_message_send(self, frame):
        sent = await in_database(services.message_send)(
            user=self.user,
            room_id=frame.room,
            body=frame.body,
            client_id=frame.client_id,
            reply_to_id=frame.reply_to,
        )
        message = sent.message
        ack = {
            "type": "ack",
            "client_id": frame.client_id,
            "id": message["id"],
            "seq": message["seq"],
        }
        await self.send(text_data=broadcast.dumps(ack))

    async def on_message_edit(self, frame):
        await in_database(services.message_edit)(
            user=self.user, message_id=frame.id, body=frame.body
        )

    async def on_message_delete(self, frame):
        await in_database(services.message_delete)(user=self.user, message_id=frame.id)

    async def on_reaction_add(self, frame):
        await in_database(services.reaction_add)(
            user=self.user, message_id=frame.id, emoji=frame.emoji
        )

    async def on_reaction_remove(self, frame):
        await in_database(services.reaction_remove)(
            user=self.user, message_id=frame.id, emoji=frame.emoji
        )

    async def on_typing(self, frame):
        if frame.room not in self.rooms:
            raise NotFound()
        await in_database(services.typing_signal)(user=self.user, room_id=frame.room)

    async def on_read(self, frame):
        await in_database(services.read_mark)(user=self.user, room_id=frame.room, seq=frame.seq)

    # --- events from the channel layer ---------------------------------------------------

    async def room_frame(self, event):
        subscription = self.rooms.get(event["room"])
        if subscription is None:
            return
        seq = event.get("seq")
        if seq is not None:
            # Every new message's frame carries its seq, also those this reader may not
            # see, so a jump means a frame is late or lost, never that it was filtered.
            if seq <= subscription.delivered_seq:
                return  # already sent, in the backlog or a gap fill
            if 0 < seq - subscription.delivered_seq - 1 <= GAP_FILL_LIMIT:
                await self._fill_gap(event["room"], subscription, before_seq=seq)
            subscription.delivered_seq = seq
        author = event.get("author")
        if author in self.muted:
            return
        if author == self.user.pk and event.get("skip_author"):
            return
        insider = subscription.viewer.moderator or author == self.user.pk
        audience = event["audience"]
        if (audience == broadcast.AUTHOR_AND_MODERATORS and not insider) or (
            audience == broadcast.OTHERS and insider
        ):
            return
        if self.muted.intersection(event.get("reactors", ())):
            text = broadcast.without_reactions_of(event, self.muted)
        else:
            text = event["text"]
        if "actions" in event:
            role = policies.role_in_room(
                is_author=event["actions_of"] == self.user.pk,
                is_moderator=subscription.viewer.moderator,
            )
            text = broadcast.with_actions(text, event["actions"][role])
        await self.send(text_data=text)

    async def user_frame(self, event):
        await self.send(text_data=event["text"])

    async def user_control(self, event):
        if event["kind"] == "mutes":
            self.muted = await in_database(selectors.muted_ids)(user=self.user)
        elif event["kind"] == "rooms":
            await self._recheck_rooms()

    async def socket_close(self, event):
        kept = event.get("keep") is not None and event["keep"] == self.scope["credential_group"]
        await self.close(code=CLOSE_NORMAL if kept else event["code"])

    # --- helpers -------------------------------------------------------------------------

    async def _fill_gap(self, room_id: int, subscription: Subscription, *, before_seq: int):
        """Send what was committed before ``before_seq`` but has not arrived, in seq order.

        Broadcasts go out after each commit, so two processes posting at once can have
        their frames overtake each other; a seq that arrived means every lower one is
        already committed, so the database has them."""
        viewer = replace(subscription.viewer, muted=self.muted)
        for message in await _between(viewer, room_id, subscription.delivered_seq, before_seq):
            await self.send(text_data=broadcast.dumps({"type": "message.new", "message": message}))

    async def _recheck_rooms(self):
        """Leave rooms this person may no longer read (and refresh what they may see)."""
        for room_id in list(self.rooms):
            try:
                self.rooms[room_id].viewer = await _viewer(self.user, room_id)
            except NotFound:
                await self._leave(room_id)
                frame = {"type": "error", **NotFound().as_dict(), "ref": f"room:{room_id}"}
                await self.send(text_data=json.dumps(frame))

    async def _present(self, room_id: int, announce: bool = False):
        await presence.backend().join(
            room_id, self.user.pk, self.user.display_name, self.channel_name
        )
        if announce:
            await self._announce_presence(room_id)

    async def _announce_presence(self, room_id: int):
        people = await presence.backend().people(room_id)
        frame = {"type": "presence", "room": room_id, "users": people}
        event = {
            "type": "room.frame",
            "room": room_id,
            "text": broadcast.dumps(frame),
            "author": None,
            "audience": broadcast.EVERYONE,
        }
        await self.channel_layer.group_send(broadcast.room_group(room_id), event)

    async def _leave(self, room_id: int):
        subscription = self.rooms.pop(room_id, None)
        await self.channel_layer.group_discard(broadcast.room_group(room_id), self.channel_name)
        if subscription is None or subscription.present:
            await self._absent(room_id)

    async def _absent(self, room_id: int):
        await presence.backend().leave(
            room_id, self.user.pk, self.user.display_name, self.channel_name
        )
        await self._announce_presence(room_id)

    async def _refuse(self, error: BredvidError, ref):
        error = for_viewer(error, user=self.user)
        await self.send(text_data=broadcast.dumps(protocol.error_frame(error, ref=ref)))
        now = time.monotonic()
        self.errors.append(now)
        while self.errors and self.errors[0] < now - ABUSE_WINDOW_SECONDS:
            self.errors.popleft()
        if len(self.errors) >= ABUSE_ERRORS:
            await self.close(code=CLOSE_ABUSE)
