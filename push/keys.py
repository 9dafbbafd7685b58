"""The server's VAPID key pair (RFC 8292): from settings, or in DEBUG a development pair."""

import base64
import logging
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from py_vapid import Vapid

logger = logging.getLogger(__name__)

DEV_MARK = (
    "# DEVELOPMENT ONLY: a VAPID key made because DEBUG is on and VAPID_PRIVATE_KEY is unset.\n"
    "# Never use it in production: set VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY instead.\n"
)


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_key_b64(vapid: Vapid) -> str:
    """The public key as browsers take it: the uncompressed P-256 point in base64url."""
    return b64url(
        vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


def _dev_vapid(path: Path) -> Vapid:
    if path.exists():
        pem = "".join(line for line in path.read_text().splitlines(True) if line[:1] != "#")
        return Vapid.from_pem(pem.strip().encode())
    vapid = Vapid()
    vapid.generate_keys()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it just now: use theirs
        return _dev_vapid(path)
    with os.fdopen(descriptor, "w") as file:
        file.write(DEV_MARK + vapid.private_pem().decode())
    logger.warning("DEVELOPMENT VAPID key pair written to %s", path)
    return vapid


def vapid() -> Vapid | None:
    """The key pair push is signed with, or None when push is not set up (production)."""
    if settings.VAPID_PRIVATE_KEY:
        key = Vapid.from_string(settings.VAPID_PRIVATE_KEY)
    elif settings.DEBUG:
        key = _dev_vapid(Path(settings.VAPID_DEV_KEY_FILE))
    else:
        return None
    if settings.VAPID_PUBLIC_KEY and public_key_b64(key) != settings.VAPID_PUBLIC_KEY:
        raise ImproperlyConfigured("VAPID_PUBLIC_KEY is not the public half of VAPID_PRIVATE_KEY.")
    return key
