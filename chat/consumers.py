"""The one socket a client keeps open (``/ws/``)."""

import json

from channels.generic.websocket import AsyncWebsocketConsumer

from community.errors import DEFAULT_DETAIL, Code


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
        close_code = self.scope.get("auth_close_code")
        if close_code:
            # Accept first so the client can read why: 4401 signed out, 4403 forbidden.
            await self.close(code=close_code)

    async def receive(self, text_data=None, bytes_data=None):
        try:
            frame = json.loads(text_data if text_data is not None else bytes_data)
        except (ValueError, TypeError):
            frame = None
        if not isinstance(frame, dict):
            await self.send_error(Code.BAD_FRAME)
        elif frame.get("type") == "ping":
            await self.send(text_data='{"type":"pong"}')
        else:
            await self.send_error(Code.UNKNOWN_TYPE)

    async def send_error(self, code: Code, detail=None):
        frame = {"type": "error", "code": str(code), "detail": str(detail or DEFAULT_DETAIL[code])}
        await self.send(text_data=json.dumps(frame))
