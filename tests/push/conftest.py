"""A real push service on 127.0.0.1 and a subscriber that holds its keys as a browser does."""

import base64
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class PushService:
    """An HTTP server that answers every POST with ``status`` and keeps what it got."""

    status: int = 201
    received: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    def endpoint(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/push/{name}"


@dataclass
class Browser:
    """A push subscription as a browser makes one: a P-256 key pair and a 16-byte secret."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def body(self) -> dict:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.secret)},
        }

    def decrypt(self, received: Received) -> dict:
        plain = http_ece.decrypt(
            received.body,
            private_key=self.private_key,
            auth_secret=self.secret,
            version="aes128gcm",
        )
        return json.loads(plain)


@pytest.fixture
def push_service():
    service = PushService()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the name http.server calls)
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            service.received.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            self.send_response(service.status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            service.arrived.set()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield service
    server.shutdown()
    server.server_close()


@pytest.fixture
def vapid_key():
    """A server key pair: the private key as raw base64url, the way the env var holds it."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big")), key.public_key()


@pytest.fixture
def push_settings(settings, vapid_key, tmp_path):
    settings.DEBUG = True
    settings.VAPID_PRIVATE_KEY = vapid_key[0]
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_SUBJECT = "mailto:push@bredvid.example"
    settings.VAPID_DEV_KEY_FILE = tmp_path / "vapid-development.pem"
    return settings


@pytest.fixture
def send_now(monkeypatch):
    """Deliveries run in the test's own thread (and transaction) instead of the pool."""
    from push import services

    monkeypatch.setattr(services, "_in_background", lambda job: job())
