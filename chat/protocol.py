"""The frames a client may send on ``/ws/``, with their schemas and limits.

Server frames are built by services and selectors (``chat.broadcast.dumps``); this module
parses what arrives and turns anything wrong into a stable error code.
"""

from typing import Annotated, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from community import bounds
from community.bounds import ID_MAX
from community.errors import BredvidError, Code, Invalid, TooLarge

MAX_FRAME_CHARS = 20_000  # a 4,000-character body in any script fits with room to spare
# Every number is bounded like an id: nothing past 64 bits reaches a service or the database.
Id = Annotated[StrictInt, Field(ge=1, le=ID_MAX)]
Ref = StrictStr | Annotated[StrictInt, Field(ge=-ID_MAX, le=ID_MAX)] | None
RoomId = Id
Seq = Annotated[StrictInt, Field(ge=0, le=ID_MAX)]


class Frame(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    ref: Ref = None


class Subscribe(Frame):
    type: Literal["subscribe"]
    room: RoomId
    after_seq: Seq = 0
    # false: follow the room's messages (a room list's unread counts) without being present
    present: StrictBool = True


class Unsubscribe(Frame):
    type: Literal["unsubscribe"]
    room: RoomId


class MessageSend(Frame):
    type: Literal["message.send"]
    room: RoomId
    body: StrictStr
    client_id: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    reply_to: Id | None = None


class MessageEdit(Frame):
    type: Literal["message.edit"]
    id: Id
    body: StrictStr


class MessageDelete(Frame):
    type: Literal["message.delete"]
    id: Id


class ReactionAdd(Frame):
    type: Literal["reaction.add"]
    id: Id
    emoji: StrictStr


class ReactionRemove(Frame):
    type: Literal["reaction.remove"]
    id: Id
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
        raw = bounds.json_loads(text)  # bounded depth, valid Unicode
    except bounds.InvalidText:
        raise ProtocolError(
            Code.INVALID, fields={"frame": [_("This is not valid text.")]}, detail=Invalid().detail
        ) from None
    except ValueError:  # not JSON, or nested too deep to be a frame
        raise ProtocolError(Code.BAD_FRAME) from None
    if not isinstance(raw, dict):
        raise ProtocolError(Code.BAD_FRAME)
    ref = raw.get("ref") if isinstance(raw.get("ref"), str | int) else None
    frame_type = raw.get("type")
    if not isinstance(frame_type, str) or frame_type not in FRAME_TYPES:
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
