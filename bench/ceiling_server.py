"""The Python ceiling: a minimal room broadcast server on the ``websockets`` library.

It speaks the subset of Bredvid's socket protocol the load generator uses, with the same
JSON shapes (``subscribe`` -> ``subscribed`` + ``presence``; ``message.send`` -> ``ack`` to
the sender and ``message.new`` to every subscriber, seq assigned per room), and nothing
else: no database, no channel layer, no auth check beyond "a token header is present", no
policies. What Bredvid's daphne reaches, divided by what this reaches on the same machine,
is the price of everything Bredvid does on top of pure fan-out.

    python bench/ceiling_server.py --port 8765
"""

import argparse
import asyncio
import hashlib
import itertools
import json
import signal
from datetime import UTC, datetime

from websockets.asyncio.server import broadcast, serve


def dumps(frame: dict) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


class Rooms:
    def __init__(self):
        self.members: dict[int, set] = {}
        self.seq: dict[int, int] = {}
        self.people: dict[int, dict[int, str]] = {}
        self.ids = itertools.count(1)

    def subscribe(self, room: int, ws, user: dict) -> str:
        self.members.setdefault(room, set()).add(ws)
        self.seq.setdefault(room, 0)
        self.people.setdefault(room, {})[user["id"]] = user["display_name"]
        return dumps(
            {
                "type": "subscribed",
                "room": room,
                "last_seq": self.seq[room],
                "backlog": [],
                "has_more": False,
            }
        )

    def presence(self, room: int) -> str:
        users = [{"id": i, "display_name": n} for i, n in sorted(self.people[room].items())]
        return dumps({"type": "presence", "room": room, "users": users})

    def post(self, room: int, user: dict, body: str) -> dict:
        self.seq[room] += 1
        return {
            "id": next(self.ids),
            "room": room,
            "seq": self.seq[room],
            "author": user,
            "body": body,
            "reply_to": None,
            "reactions": [],
            "state": "visible",
            "created_at": datetime.now(UTC).isoformat(),
            "edited_at": None,
        }


ROOMS = Rooms()


def _user(ws) -> dict | None:
    header = ws.request.headers.get("Authorization", "")
    keyword, _, key = header.partition(" ")
    if keyword != "Token" or not key:
        return None
    number = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
    return {"id": number, "display_name": f"User {number % 100000:05d}"}


def _error(code: str, ref=None) -> str:
    frame = {"type": "error", "code": code, "detail": code}
    if ref is not None:
        frame["ref"] = ref
    return dumps(frame)


async def handler(ws) -> None:
    user = _user(ws)
    if user is None:
        await ws.close(4401)
        return
    joined: set[int] = set()
    try:
        async for text in ws:
            try:
                frame = json.loads(text)
            except ValueError:
                await ws.send(_error("bad_frame"))
                continue
            kind = frame.get("type") if isinstance(frame, dict) else None
            if kind == "subscribe" and isinstance(frame.get("room"), int):
                room = frame["room"]
                reply = ROOMS.subscribe(room, ws, user)
                joined.add(room)
                await ws.send(reply)
                broadcast(ROOMS.members[room], ROOMS.presence(room))
            elif kind == "message.send" and frame.get("room") in joined:
                room = frame["room"]
                message = ROOMS.post(room, user, frame.get("body", ""))
                ack = {
                    "type": "ack",
                    "client_id": frame.get("client_id"),
                    "id": message["id"],
                    "seq": message["seq"],
                }
                await ws.send(dumps(ack))
                broadcast(ROOMS.members[room], dumps({"type": "message.new", "message": message}))
            elif kind == "ping":
                await ws.send('{"type":"pong"}')
            else:
                await ws.send(_error("unknown_type" if kind else "bad_frame"))
    finally:
        for room in joined:
            ROOMS.members[room].discard(ws)


async def main(host: str, port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    async with serve(
        handler,
        host,
        port,
        compression=None,
        ping_interval=None,
        max_queue=None,
        backlog=2048,
    ):
        print(f"ceiling server on ws://{host}:{port}/", flush=True)
        await stop


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    asyncio.run(main(args.host, args.port))
