"""The frames a client may send on ``/ws/``, with their schemas and limits.

Server frames are built by services and selectors (``chat.broadcast.dumps``); this module
parses what arrives and turns anything wrong into a stable error code.
"""

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from community.errors import BredvidError, Code, Invalid, TooLarge

MAX_FRAME_CHARS = 20_000  # a 4,000-character body in any script fits with room to spare
Ref = StrictStr | StrictInt | None
RoomId = Annotated[StrictInt, Field(ge=1)]
Seq = Annotated[StrictInt, Field(ge=0)]


class Frame(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    ref: Ref = None


class Subscribe(Frame):
    type: Literal["subscribe"]
    room: RoomId
    after_seq: Seq = 0


class Unsubscribe(Frame):
    type: Literal["unsubscribe"]
    room: RoomId


class MessageSend(Frame):
    type: Literal["message.send"]
    room: RoomId
    body: StrictStr
    client_id: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    reply_to: Annotated[StrictInt, Field(ge=1)] | None = None


class MessageEdit(Frame):
    type: Literal["message.edit"]
    id: Annotated[StrictInt, Field(ge=1)]
    body: StrictStr


class MessageDelete(Frame):
    type: Literal["message.delete"]
    id: Annotated[StrictInt, Field(ge=1)]


class ReactionAdd(Frame):
    type: Literal["reaction.add"]
    id: Annotated[StrictInt, Field(ge=1)]
    emoji: StrictStr


class ReactionRemove(Frame):
    type: Literal["reaction.remove"]
    id: Annotated[StrictInt, Field(ge=1)]
    emoji: StrictStr


class Typing(Frame):
    type: Literal["typing"]
    room: RoomId


class Read(Frame):
    type: Literal["read"]
    room: RoomId
    seq: Seq


class Ping(Frame):
    type: Literal["ping"]


ClientFrame = Annotated[
    Subscribe
    | Unsubscribe
    | MessageSend
    | MessageEdit
    | MessageDelete
    | ReactionAdd
    | ReactionRemove
    | Typing
    | Read
    | Ping,
    Field(discriminator="type"),
]
_ADAPTER = TypeAdapter(ClientFrame)
FRAME_TYPES = frozenset(
    cls.model_fields["type"].annotation.__args__[0]
    for cls in (
        Subscribe,
        Unsubscribe,
        MessageSend,
        MessageEdit,
        MessageDelete,
        ReactionAdd,
        ReactionRemove,
        Typing,
        Read,
        Ping,
    )
)


class ProtocolError(BredvidError):
    def __init__(self, code: Code, ref=None, **kwargs):
        self.code = code
        self.ref = ref
        super().__init__(**kwargs)


def parse(text: str | None) -> Frame:
    """One client frame, or a ``ProtocolError`` with the stable code of what is wrong."""
    if text is None:
        raise ProtocolError(Code.BAD_FRAME)
    if len(text) > MAX_FRAME_CHARS:
        raise ProtocolError(Code.TOO_LARGE, detail=TooLarge().detail)
    try:
        raw = json.loads(text)
    except ValueError:
        raise ProtocolError(Code.BAD_FRAME) from None
    if not isinstance(raw, dict):
        raise ProtocolError(Code.BAD_FRAME)
    ref = raw.get("ref") if isinstance(raw.get("ref"), str | int) else None
    if raw.get("type") not in FRAME_TYPES:
        raise ProtocolError(Code.UNKNOWN_TYPE, ref=ref)
    try:
        return _ADAPTER.validate_python(raw)
    except PydanticValidationError as error:
        fields: dict[str, list[str]] = {}
        for problem in error.errors():
            name = ".".join(str(part) for part in problem["loc"][1:]) or "frame"
            fields.setdefault(name, []).append(problem["msg"])
        raise ProtocolError(Code.INVALID, ref=ref, fields=fields, detail=Invalid().detail) from None


def error_frame(error: BredvidError, *, ref=None) -> dict:
    frame = {"type": "error", **error.as_dict()}
    if ref is not None:
        frame["ref"] = ref
    if error.retry_after is not None:
        frame["retry_after"] = error.retry_after
    return frame
