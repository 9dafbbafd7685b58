"""The one socket a client keeps open (``/ws/``): parse, call one service, send."""

import asyncio
import json
import logging
import time
import uuid
from collections import deque
from dataclasses import dataclass, replace

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.utils import translation

from chat import broadcast, policies, ports, presence, protocol, selectors, services
from chat.hub import hub_for
from chat.protocol import ProtocolError
from chat.wire import wire_for
from community import policies as community_policies
from community.errors import DATABASE_DOWN, BredvidError, NotFound, Unavailable, for_viewer
from community.realtime import (
    CLOSE_NORMAL,
    CLOSE_UNAVAILABLE,
    LAYER_DOWN,
    doorbell,
    group_send,
    in_database,
    layer_failed,
)

logger = logging.getLogger(__name__)

# A live message whose seq jumps ahead by at most this many is preceded by the ones the
# layer has not brought yet (another process's broadcast overtaken, or one lost), read from
# the database; a longer jump is left to the client's REST fill, as after a capped backlog.
GAP_FILL_LIMIT = 50
ABUSE_ERRORS = 10  # errors within ABUSE_WINDOW_SECONDS close the socket with 4429
ABUSE_WINDOW_SECONDS = 60
CLOSE_ABUSE = 4429
CLOSE_INTERNAL = 1011
# The server refuses to send a frame above 64 KiB (--websocket-max-message-size in the
# Makefile) and closes the socket instead; the backlog stops before the subscribed frame
# would pass this many UTF-8 bytes, and its has_more sends the client to REST for the rest.
BACKLOG_MAX_BYTES = 60_000


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
def _backlog(user, room, viewer, after_seq: int):
    page = selectors.message_page(
        viewer=viewer, room_id=room.pk, after_seq=after_seq, limit=selectors.BACKLOG_LIMIT
    )
    services.messages_read(user=user, room=room, messages=page[0])
    return page


@in_database
def _between(viewer, room_id: int, after_seq: int, before_seq: int):
    return selectors.messages_between(
        viewer=viewer, room_id=room_id, after_seq=after_seq, before_seq=before_seq
    )


@in_database
def _viewer(user, room_id: int):
    room = policies.room_for_user(user=user, room_id=room_id)
    return selectors.viewer_for(user=user, room=room)


def _fitting(backlog: list[dict]) -> tuple[list[str], bool]:
    """The backlog's messages as text, as many as fit in BACKLOG_MAX_BYTES (at least one),
    and whether some were cut."""
    texts, size = [], 0
    for message in backlog:
        text = broadcast.dumps(message)
        size += len(text.encode()) + 1
        if texts and size > BACKLOG_MAX_BYTES:
            return texts, True
        texts.append(text)
    return texts, False


class ChatConsumer(AsyncWebsocketConsumer):
    """Handles one thing at a time: a client frame, or an event of its groups from the
    process's hub (``chat.hub``) that had to wait for its turn (``_inbox``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._turn = asyncio.Lock()  # held while a frame or event is handled
        # Events waiting for their turn, in order: made when first needed, as most sockets
        # never wait (an empty deque is about 600 bytes, for each socket's life).
        self._inbox: deque[dict] | tuple = ()
        self._draining: asyncio.Task | None = None
        self.groups_joined: list[str] = []

    async def __call__(self, scope, receive, send):
        """Channels' loop without a channel of the socket's own: its events come through
        the process's hub, so a socket keeps no queue and no task waiting on one."""
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.socket_id = uuid.uuid4().hex  # this socket among all processes' (presence)
        self.base_send = send
        self.wire = wire_for(send)  # daphne's socket, for the hub's prepared frames
        try:
            while True:  # until the client leaves (StopConsumer)
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            if self._draining is not None:
                self._draining.cancel()  # nothing more is written to a socket that ended
            hub_for(self.channel_layer).forget(self, self._followed())

    def _followed(self) -> list[str]:
        rooms = getattr(self, "rooms", {})
        return [*self.groups_joined, *(broadcast.room_group(room_id) for room_id in rooms)]

    async def dispatch(self, message):
        """A client's message, straight to its handler. Channels would first hop to the
        database thread to close stale connections, once per frame; every database call
        here goes through ``in_database``, which does that itself."""
        async with self._turn:
            await getattr(self, get_handler_name(message))(message)
            await self._drain_inbox()

    async def connect(self):
        close_code = self.scope.get("auth_close_code")
        if close_code:
            # Accept first so the client can read why: 4401 signed out, 4403 forbidden.
            await self.accept()
            await self.close(code=close_code)
            return
        self.user = self.scope["user"]
        self.rooms: dict[int, Subscription] = {}
        self.errors: list[float] = []  # when this socket's recent mistakes were: at most 10
        try:
            self.muted = await in_database(selectors.muted_ids)(user=self.user)
            moderation_groups = await in_database(ports.moderation().socket_groups)(self.user)
            if community_policies.holds_staff_role(self.user) or self.user.is_staff:
                # Read once for this socket (a change of factors closes it): refusals can then
                # tell staff without one how to get their powers back, without a query.
                await in_database(community_policies.has_second_factor)(self.user)
        except DATABASE_DOWN:
            await self.accept()  # so the client can read why, and come back later
            await self.close(code=CLOSE_UNAVAILABLE)
            return
        hub = hub_for(self.channel_layer)
        for group in (
            broadcast.user_group(self.user.pk),
            self.scope["credential_group"],
            *moderation_groups,
        ):
            self.groups_joined.append(group)
            await doorbell(hub.join(group, self))
        # Accept only when wired up: a sign-out right after the handshake still reaches us.
        await self.accept()

    async def disconnect(self, code):
        if self._draining is not None:
            self._draining.cancel()
        self._inbox = ()
        hub = hub_for(self.channel_layer)
        for room_id in list(getattr(self, "rooms", ())):
            await self._leave(room_id)
        for group in self.groups_joined:
            await doorbell(hub.leave(group, self))
        self.groups_joined = []

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
            except DATABASE_DOWN:
                # Nothing was stored (or, if the commit itself was cut, a retry with the
                # same client_id gets the same ack): the client keeps it and tries again.
                await self._refuse(Unavailable(), ref)

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
            await doorbell(hub_for(self.channel_layer).join(broadcast.room_group(room.pk), self))
        backlog, has_more = await _backlog(self.user, room, viewer, frame.after_seq)
        texts, cut = _fitting(backlog)
        has_more = has_more or cut
        delivered = backlog[len(texts) - 1]["seq"] if texts else frame.after_seq
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
            "has_more": has_more,
            # a reconnect brings the reader's own mute fresh (it may have ended meanwhile)
            "muted": mine["muted"],
            "muted_until": mine["muted_until"],
        }
        # each message serialised once: measured for the cut, then spliced in as it is
        text = broadcast.dumps(reply)
        await self.send(text_data=f'{text[:-1]},"backlog":[{",".join(texts)}]}}')
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

    # --- events of the socket's groups, from the process's hub -----------------------------

    def hub_event(self, event):
        """An event for this socket (a private frame, a reload, a close): queued for its
        turn, after what the socket is doing and what waits before it."""
        self._queue(event)

    async def hub_frame(self, event, prepared: dict):
        """A room frame from the hub: written at once when this socket is between turns
        and nothing waits before it, else queued for its turn (a gap to fill from the
        database takes one too)."""
        if not (self._turn.locked() or self._inbox):
            subscription = self.rooms.get(event["room"])
            if subscription is None:
                return
            if not self._has_gap(event, subscription):
                text = self._room_text(event, subscription)
                wire = self.wire
                if text is not None and (wire is None or not wire.write(text, prepared)):
                    await self.send(text_data=text)
                return
        self._queue(event)

    def _queue(self, event):
        if not isinstance(self._inbox, deque):
            self._inbox = deque()
        self._inbox.append(event)
        if self._draining is None or self._draining.done():
            self._draining = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self):
        try:
            async with self._turn:
                await self._drain_inbox()
        except Exception:
            logger.exception("events for one socket failed")
            await self.close(code=CLOSE_INTERNAL)

    async def _drain_inbox(self):
        while self._inbox:
            event = self._inbox.popleft()
            await getattr(self, get_handler_name(event))(event)

    async def room_frame(self, event):
        subscription = self.rooms.get(event["room"])
        if subscription is None:
            return
        if self._has_gap(event, subscription):
            await self._fill_gap(event["room"], subscription, before_seq=event["seq"])
        text = self._room_text(event, subscription)
        if text is not None:
            await self.send(text_data=text)

    @staticmethod
    def _has_gap(event, subscription: Subscription) -> bool:
        # Every new message's frame carries its seq, also those this reader may not see,
        # so a jump means a frame is late or lost, never that it was filtered.
        seq = event.get("seq")
        return seq is not None and 0 < seq - subscription.delivered_seq - 1 <= GAP_FILL_LIMIT

    def _room_text(self, event, subscription: Subscription) -> str | None:
        """The frame's text as this reader gets it, or None when it is not theirs."""
        seq = event.get("seq")
        if seq is not None:
            if seq <= subscription.delivered_seq:
                return None  # already sent, in the backlog or a gap fill
            subscription.delivered_seq = seq
        author = event.get("author")
        if author in self.muted:
            return None
        if author == self.user.pk and event.get("skip_author"):
            return None
        insider = subscription.viewer.moderator or author == self.user.pk
        audience = event["audience"]
        if (audience == broadcast.AUTHOR_AND_MODERATORS and not insider) or (
            audience == broadcast.OTHERS and insider
        ):
            return None
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
        return text

    async def user_frame(self, event):
        await self.send(text_data=event["text"])

    async def user_control(self, event):
        try:
            if event["kind"] == "mutes":
                self.muted = await in_database(selectors.muted_ids)(user=self.user)
            elif event["kind"] == "rooms":
                await self._recheck_rooms()
        except DATABASE_DOWN:
            # The change was committed, so the database was there a moment ago; the socket
            # cannot be trusted with stale rights, so it is closed and the client reconnects.
            logger.warning("database unreachable while reloading a socket's %s", event["kind"])
            await self.close(code=CLOSE_UNAVAILABLE)

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
        try:
            missing = await _between(viewer, room_id, subscription.delivered_seq, before_seq)
        except DATABASE_DOWN:
            return  # the client sees the gap in seq and fills it from REST later
        for message in missing:
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
        me = (self.user.pk, self.user.display_name, self.socket_id)
        await doorbell(presence.backend().join(room_id, *me))
        if announce:
            await presence.announcer().changed(room_id, self._announce_presence)

    async def _announce_presence(self, room_id: int):
        try:
            people = await presence.backend().people(room_id)
        except LAYER_DOWN as error:
            layer_failed(error)
            return
        frame = {"type": "presence", "room": room_id, "users": people}
        event = {
            "type": "room.frame",
            "room": room_id,
            "text": broadcast.dumps(frame),
            "author": None,
            "audience": broadcast.EVERYONE,
        }
        await doorbell(group_send(broadcast.room_group(room_id), event))

    async def _leave(self, room_id: int):
        subscription = self.rooms.pop(room_id, None)
        await doorbell(hub_for(self.channel_layer).leave(broadcast.room_group(room_id), self))
        if subscription is None or subscription.present:
            await self._absent(room_id)

    async def _absent(self, room_id: int):
        me = (self.user.pk, self.user.display_name, self.socket_id)
        await doorbell(presence.backend().leave(room_id, *me))
        await presence.announcer().changed(room_id, self._announce_presence)

    async def _refuse(self, error: BredvidError, ref):
        error = for_viewer(error, user=self.user)
        await self.send(text_data=broadcast.dumps(protocol.error_frame(error, ref=ref)))
        if isinstance(error, Unavailable):
            return  # our outage, not the client's mistake
        now = time.monotonic()
        self.errors = [t for t in self.errors if t >= now - ABUSE_WINDOW_SECONDS] + [now]
        if len(self.errors) >= ABUSE_ERRORS:
            await self.close(code=CLOSE_ABUSE)
