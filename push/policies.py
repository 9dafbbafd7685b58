"""Which push endpoints the server will POST to."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings


def accepts_endpoint(*, endpoint: str) -> bool:
    """An https URL of a named host; with DEBUG on also http on 127.0.0.1 (a local receiver).

    The server POSTs to whatever is stored, so addresses on this machine or network, and
    URLs carrying credentials, are never accepted outside DEBUG.
    """
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return False
    if parts.username is not None or parts.password is not None or not parts.hostname:
        return False
    if settings.DEBUG and parts.scheme == "http" and parts.hostname == "127.0.0.1":
        return True
    return parts.scheme == "https" and _is_public_name(parts.hostname)


def _is_public_name(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return "." in host and not host.endswith((".localhost", ".local", ".internal"))
    return False  # push services are named; a bare address is someone's own machine
