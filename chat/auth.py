"""Who is on the other end of a socket: the same answer as REST gives.

A browser proves itself with its session cookie, accepted only from an allowed ``Origin``
(a foreign or missing origin could be another site riding the cookie). Other clients send
``Authorization: Token <key>`` and need no origin. The consumer reads the verdict from
``scope["user"]`` and ``scope["auth_close_code"]`` and closes with 4401 or 4403.
"""

from urllib.parse import urlparse

from channels.auth import AuthMiddleware
from channels.middleware import BaseMiddleware
from channels.security.websocket import OriginValidator
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from rest_framework.authtoken.models import Token

from community.realtime import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_SIGNED_IN,
    credential_group,
    in_database,
)


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def origin_allowed(origin: str | None) -> bool:
    allowed = [*settings.ALLOWED_HOSTS, *settings.CSRF_TRUSTED_ORIGINS]
    return OriginValidator(None, allowed).valid_origin(urlparse(origin) if origin else None)


@in_database
def user_for_token(key: str):
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return AnonymousUser()
    return token.user


class _TokenOrOriginCheckedSession(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        authorization = _header(scope, b"authorization")
        if authorization is not None:
            keyword, _, key = authorization.partition(" ")
            valid = keyword == "Token" and key
            scope["user"] = await user_for_token(key.strip()) if valid else AnonymousUser()
            scope["credential_group"] = credential_group("token", key.strip())
        elif scope["user"].is_authenticated and not origin_allowed(_header(scope, b"origin")):
            scope["user"] = AnonymousUser()
            scope["auth_close_code"] = CLOSE_FORBIDDEN
        elif scope["user"].is_authenticated:
            scope["credential_group"] = credential_group("session", scope["session"].session_key)
        if not scope["user"].is_authenticated:
            scope.setdefault("auth_close_code", CLOSE_NOT_SIGNED_IN)
        return await super().__call__(scope, receive, send)


def WebSocketAuthMiddleware(inner):  # noqa: N802 - named like Channels' stacks
    return CookieMiddleware(SessionMiddleware(AuthMiddleware(_TokenOrOriginCheckedSession(inner))))
