"""The one error shape of REST and socket alike: ``{code, detail, fields?}``.

Codes are the stable words of ARCHITECTURE.md, defined here once; ``chat.protocol`` and
the DRF exception handler both speak them.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf
from rest_framework.response import Response


class Code(StrEnum):
    BAD_FRAME = "bad_frame"
    UNKNOWN_TYPE = "unknown_type"
    INVALID = "invalid"
    TOO_LARGE = "too_large"
    NOT_SIGNED_IN = "not_signed_in"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    RATE_LIMITED = "rate_limited"
    ROOM_LOCKED = "room_locked"
    SLOW_MODE = "slow_mode"
    MUTED = "muted"
    BLOCKED_WORD = "blocked_word"
    CONFLICT = "conflict"
    UNAVAILABLE = "unavailable"
    # issue 13: a changed privacy notice or code of conduct waits for acceptance; an
    # account with a second factor asks for a token without its code
    CONSENT_REQUIRED = "consent_required"
    MFA_REQUIRED = "mfa_required"


DEFAULT_DETAIL = {
    Code.BAD_FRAME: _("The message could not be read."),
    Code.UNKNOWN_TYPE: _("Unknown message type."),
    Code.INVALID: _("Some of what was sent is not valid."),
    Code.TOO_LARGE: _("What was sent is too large."),
    Code.NOT_SIGNED_IN: _("You need to log in first."),
    Code.FORBIDDEN: _("You are not allowed to do that."),
    Code.NOT_FOUND: _("Not found."),
    Code.RATE_LIMITED: _("Too many attempts. Wait a moment and try again."),
    Code.ROOM_LOCKED: _("This room is read-only right now."),
    Code.SLOW_MODE: _("Slow mode is on in this room. Wait a moment before posting again."),
    Code.MUTED: _("You cannot post here right now."),
    Code.BLOCKED_WORD: _("The message contains something that is not allowed here."),
    Code.CONFLICT: _("That conflicts with what is already there."),
    Code.UNAVAILABLE: _("Bredvid cannot be reached right now. Nothing was saved; try again."),
    Code.CONSENT_REQUIRED: _(
        "Our privacy notice or code of conduct has changed. Read and accept it before you post."
    ),
    Code.MFA_REQUIRED: _("Enter the code from your authenticator app."),
}

# What a lost or refused database connection raises (a restart, a network cut, a failover).
# Nothing of the request was committed, so it is safe to retry (a send with its client_id).
DATABASE_DOWN = (OperationalError, InterfaceError)
UNAVAILABLE_RETRY_SECONDS = 5


class BredvidError(Exception):
    """A refused request, with its stable code, HTTP status and human text."""

    status = 400
    code = Code.INVALID

    def __init__(self, detail=None, *, fields=None, retry_after: int | None = None):
        self.detail = detail if detail is not None else DEFAULT_DETAIL[self.code]
        self.fields = fields
        self.retry_after = retry_after
        super().__init__(str(self.detail))

    def as_dict(self) -> dict:
        body = {"code": str(self.code), "detail": str(self.detail)}
        if self.fields:
            body["fields"] = {k: [str(m) for m in v] for k, v in self.fields.items()}
        return body


class Invalid(BredvidError):
    status, code = 400, Code.INVALID


class NotSignedIn(BredvidError):
    status, code = 401, Code.NOT_SIGNED_IN


class Forbidden(BredvidError):
    status, code = 403, Code.FORBIDDEN


class NotFound(BredvidError):
    status, code = 404, Code.NOT_FOUND


class Conflict(BredvidError):
    status, code = 409, Code.CONFLICT


class TooLarge(BredvidError):
    status, code = 413, Code.TOO_LARGE


class RuleBroken(BredvidError):
    """A semantic rule of the product (422), with its own stable code."""

    status = 422

    def __init__(self, code: Code, detail=None, **kwargs):
        self.code = code
        super().__init__(detail, **kwargs)


class RateLimited(BredvidError):
    status, code = 429, Code.RATE_LIMITED


class Unavailable(BredvidError):
    """The database cannot be reached: nothing was stored; retry later (503)."""

    status, code = 503, Code.UNAVAILABLE

    def __init__(self, detail=None, **kwargs):
        kwargs.setdefault("retry_after", UNAVAILABLE_RETRY_SECONDS)
        super().__init__(detail, **kwargs)


class ConsentRequired(BredvidError):
    status, code = 403, Code.CONSENT_REQUIRED


class MfaRequired(BredvidError):
    status, code = 401, Code.MFA_REQUIRED


class WrongCode(BredvidError):
    """A second-factor code that is wrong: 401 like a wrong password, code ``invalid``."""

    status, code = 401, Code.INVALID


SECOND_FACTOR_HINT = _("Staff tools need two-step sign-in. Turn it on at %(url)s.")


def for_viewer(error: BredvidError, *, user) -> BredvidError:
    """A refusal as this person reads it: staff without a second factor act as members, so
    a ``forbidden`` tells them how to get their staff powers back."""
    from django.urls import reverse

    from community import policies  # policies sit above the error shape

    if error.code == Code.FORBIDDEN and policies.needs_second_factor(user):
        hint = SECOND_FACTOR_HINT % {"url": reverse("mfa_index")}
        error.detail = f"{error.detail} {hint}"
    return error


def fields_from_validation_error(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in error.message_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flatten(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _flatten(value)]
    return [str(detail)]


def _fields_from_drf(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(field): _flatten(value) for field, value in detail.items()}
    return {"non_field_errors": _flatten(detail)}


def as_bredvid_error(exc: Exception) -> BredvidError | None:
    """Translate Django's and DRF's exceptions into the project's own, or None."""
    match exc:
        case BredvidError():
            return exc
        case DjangoValidationError():
            return Invalid(fields=fields_from_validation_error(exc))
        case drf.ValidationError():
            return Invalid(fields=_fields_from_drf(exc.detail))
        case drf.NotAuthenticated() | drf.AuthenticationFailed():
            return NotSignedIn()
        case drf.PermissionDenied() | DjangoPermissionDenied():
            return Forbidden()
        case drf.NotFound() | Http404():
            return NotFound()
        case drf.Throttled():
            return RateLimited(retry_after=int(exc.wait or 1))
        case drf.ParseError() | drf.UnsupportedMediaType():
            return Invalid(str(exc.detail))
        case OperationalError() | InterfaceError():
            return Unavailable()
        case drf.MethodNotAllowed() | drf.NotAcceptable():
            error = Invalid(str(exc.detail))
            error.status = exc.status_code
            return error
    return None


def error_response(error: BredvidError) -> Response:
    headers = {}
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    if error.status == 401:
        headers["WWW-Authenticate"] = "Token"
    return Response(error.as_dict(), status=error.status, headers=headers)


def api_exception_handler(exc: Exception, context) -> Response | None:
    """DRF's one exception handler: every refusal leaves in the one error shape."""
    error = as_bredvid_error(exc)
    if error is None:
        return None  # a real bug: let Django answer 500 and log it
    request = context.get("request")
    user = getattr(request, "_user", None) if request is not None else None
    return error_response(for_viewer(error, user=user))
