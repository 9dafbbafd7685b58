"""API tokens: one lookup for REST and the socket (django-rest-knox: hashed, expiring)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from rest_framework.exceptions import AuthenticationFailed

from community.models import User

# Knox keys are 64 characters; keys issued before hashing were 40. Nothing longer is looked up.
MAX_KEY_LENGTH = 128


class TokenAuthentication(KnoxTokenAuthentication):
    """``Authorization: Token <key>``; a key that is not ASCII or too long is simply wrong."""

    def authenticate_credentials(self, token: bytes) -> tuple[User, AuthToken]:
        if len(token) > MAX_KEY_LENGTH or not token.isascii():
            raise AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        """Refuse (and delete) the presented token when it is past its idle end. Knox would
        also read every other token of the account on each request to delete expired ones;
        the nightly purge does that (``retention.api_tokens_purge``), so a request or a
        socket costs one query for its token."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class TokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI description: the same ``tokenAuth`` scheme as before tokens were hashed."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        prefix = self.target.authenticate_header(None)
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=prefix)


def token_authenticate(*, key: str) -> tuple[User, AuthToken] | None:
    """The active account and its token for a presented key, or ``None``.

    Using a token moves its expiry forward; an expired one is deleted on the way."""
    try:
        return TokenAuthentication().authenticate_credentials(key.encode("latin1"))
    except (AuthenticationFailed, UnicodeEncodeError):
        return None
