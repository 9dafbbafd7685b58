"""Who is on the other end of a socket: the same answer as REST gives.

A browser proves itself with its session cookie, accepted only from one of the site's own
origins, scheme, host and port alike (a foreign or missing origin could be another site
riding the cookie). Other clients send ``Authorization: Token <key>`` and need no origin.
The consumer reads the verdict from ``scope["user"]`` and ``scope["auth_close_code"]`` and
closes with 4401 or 4403.
"""

from importlib import import_module
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

from community.authentication import token_authenticate
from community.errors import DATABASE_DOWN
from community.realtime import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_SIGNED_IN,
    CLOSE_UNAVAILABLE,
    credential_group,
    in_database,
)

DEFAULT_PORTS = {"http": 80, "https": 443}


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def _origin(url: str) -> tuple[str, str, int] | None:
    """An origin as (scheme, host, port), the port filled in from the scheme; None if it
    is not a web origin (``null``, a typo, a port out of range)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def _own_origin(scope) -> str | None:
    """The origin this request names for itself, built as Django's CSRF check does: the
    connection's scheme (or the trusted proxy's) and the Host header, when the host is one
    of ALLOWED_HOSTS (so a rebound DNS name is not "own")."""
    host = _header(scope, b"host")
    domain, _port = split_domain_port(host or "")
    allowed_hosts = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed_hosts:
        allowed_hosts = [".localhost", "127.0.0.1", "[::1]"]
    if not domain or not validate_host(domain, allowed_hosts):
        return None
    secure = scope.get("scheme") in ("https", "wss")
    if settings.SECURE_PROXY_SSL_HEADER:
        meta_name, secure_value = settings.SECURE_PROXY_SSL_HEADER
        name = meta_name.removeprefix("HTTP_").replace("_", "-").lower().encode()
        forwarded = _header(scope, name)
        secure = forwarded.split(",")[0].strip() == secure_value if forwarded else secure
    return f"{'https' if secure else 'http'}://{host}"


def _matches(origin: tuple[str, str, int], allowed: str) -> bool:
    # "https://*.example.se" in CSRF_TRUSTED_ORIGINS names every subdomain, as for Django.
    pattern = _origin(allowed.replace("://*.", "://.", 1))
    if pattern is None or (pattern[0], pattern[2]) != (origin[0], origin[2]):
        return False
    if pattern[1].startswith("."):
        return is_same_domain(origin[1], pattern[1])
    return pattern[1] == origin[1]


def origin_allowed(scope) -> bool:
    """A browser's socket must come from one of the site's own origins: scheme, host and
    port alike (the request's own origin, or one of CSRF_TRUSTED_ORIGINS)."""
    origin = _origin(_header(scope, b"origin") or "")
    if origin is None:
        return False
    allowed = [_own_origin(scope), *settings.CSRF_TRUSTED_ORIGINS]
    return any(_matches(origin, candidate) for candidate in allowed if candidate)


@in_database
def _token_credential(key: str) -> tuple:
    """The token's user and credential group, or an anonymous user: REST's own lookup."""
    found = token_authenticate(key=key)
    if found is None:
        return AnonymousUser(), None
    user, token = found
    return user, credential_group("token", token.digest)


@in_database
def _session_user(session_key: str):
    """The session's user as a page request would find it (Django's own ``get_user``: a
    session signed with an old password hash is flushed and finds no one)."""
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return auth.get_user(SimpleNamespace(session=session))


def _session_key(scope) -> str | None:
    cookie = _header(scope, b"cookie")
    return parse_cookie(cookie).get(settings.SESSION_COOKIE_NAME) if cookie else None


async def _verdict(scope) -> dict:
    """What the consumer needs to know of the caller: ``user``, and ``credential_group``
    (signed in) or ``auth_close_code`` (not)."""
    authorization = _header(scope, b"authorization")
    if authorization is not None:
        keyword, _, key = authorization.partition(" ")
        valid = keyword == "Token" and key.strip()
        user, group = await _token_credential(key.strip()) if valid else (AnonymousUser(), None)
        verdict = {"user": user, "credential_group": group}
    else:
        session_key = _session_key(scope)
        user = await _session_user(session_key) if session_key else AnonymousUser()
        if user.is_authenticated and not origin_allowed(scope):
            return {"user": AnonymousUser(), "auth_close_code": CLOSE_FORBIDDEN}
        verdict = {"user": user}
        if user.is_authenticated:
            verdict["credential_group"] = credential_group("session", session_key)
    if not verdict["user"].is_authenticated:
        verdict["auth_close_code"] = CLOSE_NOT_SIGNED_IN
    return verdict


class WebSocketAuthMiddleware:
    """ASGI middleware: the verdict on the caller's credentials, put in one copy of the scope.

    One layer instead of Channels' cookie, session and auth stack: each of those keeps a
    copy of the scope (and the session) alive for the socket's whole life. A handshake that
    cannot reach the database for its lookup is accepted and closed with 4503 (a socket's
    503) instead of failing as a server error."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        try:
            verdict = await _verdict(scope)
        except DATABASE_DOWN:
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CLOSE_UNAVAILABLE})
            return None
        return await self.inner({**scope, **verdict}, receive, send)
