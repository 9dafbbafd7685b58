"""Sockets are grouped by the credential that opened them, so signing out can close them."""

import hashlib

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

CLOSE_NOT_SIGNED_IN = 4401
CLOSE_FORBIDDEN = 4403


def credential_group(kind: str, secret: str) -> str:
    """The channel-layer group of sockets opened with one session or token (never the secret)."""
    digest = hashlib.sha256(f"{kind}:{secret}".encode()).hexdigest()[:40]
    return f"cred.{digest}"


def close_sockets(group: str, code: int = CLOSE_NOT_SIGNED_IN) -> None:
    async_to_sync(get_channel_layer().group_send)(group, {"type": "socket.close", "code": code})
