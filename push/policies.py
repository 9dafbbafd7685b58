"""Which push endpoints the server will POST to."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings


def accepts_endpoint(*, endpoint: str) -> bool:
    """An https URL of a known push service; with DEBUG on also http on 127.0.0.1 (a local
    receiver for tests and development).

    The server POSTs to whatever is stored, so only the browsers' push services
    (``PUSH_SERVICE_HOSTS``) are accepted: never this machine, its network or credentials.
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
    return parts.scheme == "https" and _is_push_service(parts.hostname)


def _is_push_service(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return False  # push services are named; a bare address is someone's own machine
    return any(
        host.endswith(known) if known.startswith(".") else host == known
        for known in settings.PUSH_SERVICE_HOSTS
    )
