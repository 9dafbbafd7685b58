"""Thousands of wrong frames on the real socket: each one gets an ``error`` frame with the
stable code of what is wrong, the socket never closes with 1011, and nothing stored
changes. A connection closes only as the design says: 4429 at its tenth error."""

import json
import random

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from asgi import application
from chat.models import Message, Reaction, ReadState, Room
from community.bounds import JSON_DEPTH_MAX
from moderation.models import AuditEntry, QueueItem, Report
from tests.ws import HOST, ORIGIN, _session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

SEED = 20261130
FRAMES = 3000
ERRORS_BEFORE_CLOSE = 10  # "about ten errors within a minute" (chat.consumers)
KNOWN_CODES = {"bad_frame", "unknown_type", "invalid", "too_large"}

# The fields of every client frame, by kind; ``None`` in the base means the real object.
SCHEMAS = {
    "subscribe": {"room": "id", "after_seq": "seq"},
    "unsubscribe": {"room": "id"},
    "message.send": {"room": "id", "body": "text", "client_id": "client_id", "reply_to": "ref_id"},
    "message.edit": {"id": "id", "body": "text"},
    "message.delete": {"id": "id"},
    "reaction.add": {"id": "id", "emoji": "text"},
    "reaction.remove": {"id": "id", "emoji": "text"},
    "typing": {"room": "id"},
    "read": {"room": "id", "seq": "seq"},
    "ping": {},
}
OPTIONAL = {("subscribe", "after_seq"), ("message.send", "reply_to")}

HUGE = [2**63, 2**64, 10**30, -(2**64), 10**4000]
NOT_NUMBERS = [[], {}, None, True, False, 1.5, "1", "", "\ud800", [1], {"id": 1}]
BAD = {
    "id": [*HUGE, 0, -1, *NOT_NUMBERS],
    "ref_id": [*HUGE, 0, -1, *[v for v in NOT_NUMBERS if v is not None]],
    "seq": [*HUGE, -1, *NOT_NUMBERS],
    "text": [[], {}, None, True, 1, 1.5, 2**64, "\ud800", "a\udfffb", "hej \udc00", ["hej"]],
    "client_id": [[], {}, None, 7, True, "", "x" * 65, "\ud800", "ok\udbff"],
    "ref": [[], {}, True, 1.5, 2**64, -(2**70), "\ud800", {"a": 1}],
}
BAD_TYPES = [[], {}, None, 1, 1.5, True, "", "nope", "MESSAGE.SEND", "message.send ", 2**70]


def _nested(depth: int):
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


class Fuzzer:
    """Seeded wrong frames, each with the code it must be answered with."""

    def __init__(self, rng: random.Random, room_id: int, message_id: int):
        self.rng = rng
        self.real = {"room": room_id, "id": message_id}

    def base(self, frame_type: str) -> dict:
        frame = {"type": frame_type}
        for field, kind in SCHEMAS[frame_type].items():
            frame[field] = {
                "id": self.real.get(field, 1),
                "seq": 0,
                "text": "hej",
                "client_id": f"fuzz-{self.rng.randrange(10**9)}",
                "ref_id": None,
            }[kind]
        if frame_type in ("reaction.add", "reaction.remove"):
            frame["emoji"] = "👍"
        return frame

    def next(self) -> tuple[str | bytes, str]:
        pick = self.rng.random()
        if pick < 0.55:
            return self.wrong_field()
        if pick < 0.65:
            return self.wrong_shape()
        if pick < 0.75:
            return self.wrong_type()
        if pick < 0.93:
            return self.not_a_frame()
        return self.too_deep_or_large()

    def wrong_field(self):
        frame_type = self.rng.choice(sorted(SCHEMAS))
        frame = self.base(frame_type)
        fields = [*SCHEMAS[frame_type], "ref"]
        field = self.rng.choice(fields)
        kind = "ref" if field == "ref" else SCHEMAS[frame_type][field]
        frame[field] = self.rng.choice(BAD[kind])
        if self.rng.random() < 0.2:  # and sometimes a second one
            other = self.rng.choice(fields)
            other_kind = "ref" if other == "ref" else SCHEMAS[frame_type][other]
            frame[other] = self.rng.choice(BAD[other_kind])
        if self.rng.random() < 0.1:
            frame[field] = _nested(self.rng.randrange(2, JSON_DEPTH_MAX - 1))
        return json.dumps(frame), "invalid"

    def wrong_shape(self):
        frame_type = self.rng.choice(sorted(SCHEMAS))
        frame = self.base(frame_type)
        required = [f for f in SCHEMAS[frame_type] if (frame_type, f) not in OPTIONAL]
        if required and self.rng.random() < 0.5:
            del frame[self.rng.choice(required)]
        else:
            frame[self.rng.choice(["extra", "Room", "bödy", "\ud800", ""])] = 1
        return json.dumps(frame), "invalid"

    def wrong_type(self):
        frame = self.base(self.rng.choice(sorted(SCHEMAS)))
        if self.rng.random() < 0.15:
            del frame["type"]
            return json.dumps(frame), "unknown_type"
        frame["type"] = self.rng.choice([*BAD_TYPES, "\ud800"])
        return json.dumps(frame), "invalid" if frame["type"] == "\ud800" else "unknown_type"

    def not_a_frame(self):
        valid = json.dumps(self.base(self.rng.choice(sorted(SCHEMAS))))
        choices = [
            "[]",
            "1",
            "null",
            '"ping"',
            "true",
            " ",
            "not json",
            "{'type': 'ping'}",
            valid[: self.rng.randrange(1, len(valid))],
            '{"type": "ping", "ref": NaN}',
            '{"type": "ping", "ref": Infinity}',
            '{"type": "read", "room": 1, "seq": ' + "9" * 5000 + "}",
            "\ud800",
            '{"type": "ping"}\ud800',
            "".join(chr(self.rng.randrange(32, 0x2FFF)) for _ in range(self.rng.randrange(1, 40))),
            b'{"type": "ping"}',
            b"\xff\xfe\xfd",
        ]
        return self.rng.choice(choices), "bad_frame"

    def too_deep_or_large(self):
        depth = self.rng.choice([JSON_DEPTH_MAX + 1, 1000, 9000])
        if self.rng.random() < 0.3:
            return "[" * depth + "]" * depth, "bad_frame"
        if self.rng.random() < 0.5:
            deep = "[" * depth + "]" * depth
            frame = '{"type": "message.send", "room": 1, "client_id": "d", "body": ' + deep + "}"
            return frame, "bad_frame"
        body = "x" * self.rng.choice([20_001, 40_000])
        return json.dumps({"type": "message.send", "room": 1, "client_id": "l", "body": body}), (
            "too_large"
        )


def _stored() -> dict:
    return {
        "messages": list(
            Message.objects.order_by("pk").values_list("pk", "body", "state", "edited_at")
        ),
        "rooms": list(Room.objects.order_by("pk").values_list("pk", "last_seq", "is_locked")),
        "reactions": list(Reaction.objects.values_list("pk", flat=True)),
        "reads": list(ReadState.objects.values_list("pk", "last_read_seq")),
        "reports": Report.objects.count(),
        "queue": QueueItem.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


async def _connect(cookie: bytes) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(application, "/ws/", headers=[(b"cookie", cookie), HOST, ORIGIN])
    connected, _ = await socket.connect()
    assert connected
    return socket


async def test_thousands_of_wrong_frames_get_error_frames_and_change_nothing(
    member, topic_room, send
):
    own = await sync_to_async(send)(member, topic_room, "Hej allihop", client_id="first")
    before = await sync_to_async(_stored)()
    cookie = await sync_to_async(_session_cookie)(member)
    fuzzer = Fuzzer(random.Random(SEED), topic_room.pk, own.message["id"])
    answered: dict[str, int] = {}
    socket = await _connect(cookie)
    errors_on_socket = 0

    for number in range(FRAMES):
        frame, code = fuzzer.next()
        if isinstance(frame, bytes):
            await socket.send_to(bytes_data=frame)
        else:
            await socket.send_to(text_data=frame)
        output = await socket.receive_output(timeout=2)

        assert output["type"] == "websocket.send", (number, frame[:200], output)
        error = json.loads(output["text"])
        assert error["type"] == "error", (number, frame[:200], error)
        assert error["code"] == code, (number, frame[:200], error)
        answered[code] = answered.get(code, 0) + 1
        errors_on_socket += 1
        if errors_on_socket == ERRORS_BEFORE_CLOSE:
            closed = await socket.receive_output(timeout=2)
            assert closed == {"type": "websocket.close", "code": 4429}, (number, closed)
            socket = await _connect(cookie)
            errors_on_socket = 0

    await socket.disconnect()
    assert set(answered) == KNOWN_CODES
    assert sum(answered.values()) == FRAMES
    assert await sync_to_async(_stored)() == before


SEND = '{"type": "message.send", "room": ROOM, "client_id": "c-1", "body": BODY}'


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param('{"type": []}', "unknown_type", id="type-list"),
        pytest.param('{"type": {}}', "unknown_type", id="type-object"),
        pytest.param('{"type": 1}', "unknown_type", id="type-number"),
        pytest.param(SEND.replace("BODY", '"\\ud800"'), "invalid", id="escaped-lone-surrogate"),
        pytest.param(SEND.replace("BODY", '"hej \ud800"'), "invalid", id="raw-lone-surrogate"),
        pytest.param("[" * 9000 + "]" * 9000, "bad_frame", id="nested-9000"),
        pytest.param(SEND.replace("BODY", "[" * 9000 + "]" * 9000), "bad_frame", id="body-9000"),
        pytest.param(
            SEND.replace("ROOM", str(2**64)).replace("BODY", '"hej"'), "invalid", id="room-2^64"
        ),
        pytest.param(
            '{"type": "read", "room": ROOM, "seq": 99999999999999999999}', "invalid", id="seq-huge"
        ),
        pytest.param('{"type": "ping", "ref": 1e400}', "invalid", id="ref-infinite"),
    ],
)
async def test_the_reported_frames_get_an_error_and_the_socket_stays_open(
    member, topic_room, text, code
):
    cookie = await sync_to_async(_session_cookie)(member)
    socket = await _connect(cookie)

    await socket.send_to(text_data=text.replace("ROOM", str(topic_room.pk)))
    error = json.loads((await socket.receive_output(timeout=2))["text"])
    await socket.send_to(text_data='{"type": "ping"}')

    assert (error["type"], error["code"]) == ("error", code)
    assert json.loads((await socket.receive_output(timeout=2))["text"]) == {"type": "pong"}
    assert await Message.objects.acount() == 0
    await socket.disconnect()


async def test_a_message_full_of_brackets_is_only_text(member, topic_room):
    cookie = await sync_to_async(_session_cookie)(member)
    socket = await _connect(cookie)
    body = "[{" * 100 + " :) " + "}]" * 100

    await socket.send_to(
        text_data=json.dumps(
            {"type": "message.send", "room": topic_room.pk, "body": body, "client_id": "brackets"}
        )
    )
    ack = json.loads((await socket.receive_output(timeout=2))["text"])

    assert ack["type"] == "ack"
    assert (await Message.objects.aget(pk=ack["id"])).body == body
    await socket.disconnect()
