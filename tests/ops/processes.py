"""What the fault tests start and control: a TCP proxy in front of PostgreSQL, a
redis-server of their own, and the people who connect."""

import asyncio
import contextlib
import json
import shutil
import socket
import subprocess
import threading
import time

import websockets
from django.conf import settings

from community import services as community_services
from tests.engines import skip_or_fail
from tests.factories import UserFactory


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(port: int | None = None) -> str:
    """The test database, optionally reached through another port (a proxy)."""
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{port or db['PORT']}/{db['NAME']}"


class TcpProxy:
    """A TCP proxy the test controls: ``cut()`` drops every connection through it and
    refuses new ones, as a PostgreSQL restart or a network cut does; ``restore()`` ends it."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.running = True
        self.lock = threading.Lock()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:  # until close()
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self.open:
                client.close()  # refused: the server is away
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.pairs.append((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()

    def cut(self) -> None:
        self.open = False
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for end in pair:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        self.open = True

    def close(self) -> None:
        self.running = False
        self.cut()
        self.listener.close()
        self.thread.join(timeout=2)


class RedisServer:
    """A redis-server of the test's own on a free port, to stop and start again."""

    def __init__(self):
        binary = shutil.which("redis-server")
        if binary is None:
            skip_or_fail("needs redis-server: apt-get install redis-server")
        self.binary = binary
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own argv
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # bounded
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def people_with_tokens(count: int) -> list[tuple]:
    users = [UserFactory(display_name=f"Person {i}") for i in range(count)]
    return [(user, community_services.token_create(user=user)) for user in users]


async def connect(url: str, token: str, **kwargs):
    return await websockets.connect(
        url, additional_headers={"Authorization": f"Token {token}"}, **kwargs
    )


async def next_of(ws, frame_type: str, wait: float = 5) -> dict:
    async with asyncio.timeout(wait):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == frame_type:
                return frame


async def send_message(ws, room: int, client_id: str, body: str | None = None) -> None:
    frame = {"type": "message.send", "room": room, "body": body or client_id}
    await ws.send(json.dumps({**frame, "client_id": client_id}))
