"""Accounts over REST: tokens, sign-up, the signed-in person, passwords."""

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm
from allauth.core import ratelimit
from allauth.core.internal.ratelimit import parse_rates
from allauth.mfa.base.forms import AuthenticateForm
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from community import erasure, policies, rest, selectors, services, signup
from community import serializers as s
from community.errors import (
    Forbidden,
    Invalid,
    MfaRequired,
    NotSignedIn,
    RateLimited,
    WrongCode,
)
from community.rest import FORBIDDEN, INVALID
from community.services import Profile

ERRORS = {
    400: OpenApiResponse(description="invalid: see `fields`"),
    401: OpenApiResponse(description="not_signed_in"),
    429: OpenApiResponse(description="rate_limited, with Retry-After"),
}


def _retry_after(action: str) -> int:
    rates = parse_rates(account_settings.RATE_LIMITS.get(action))
    return int(max((rate.duration for rate in rates), default=60))


def _limit(request, action: str, key: str | None = None) -> None:
    if not ratelimit.consume(request._request, action=action, key=key):
        raise RateLimited(retry_after=_retry_after(action))


def _profile(data: dict) -> Profile:
    return Profile(
        display_name=data["display_name"],
        birth_year=data["birth_year"],
        municipality=data.get("municipality"),
        cares_for=tuple(data.get("cares_for", ())),
        situation_tags=tuple(data.get("situation_tags", ())),
        preferred_language=data.get("preferred_language", "sv"),
    )


class TokenView(APIView):
    """`POST` trades e-mail and password for a token; `DELETE` signs that token out."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=s.TokenRequestSerializer,
        responses={
            200: s.TokenSerializer,
            **ERRORS,
            401: OpenApiResponse(
                description="`mfa_required`: the account has two-step sign-in, send `code`; "
                "`invalid`: the code is wrong or used"
            ),
        },
    )
    def post(self, request):
        data = rest.valid(s.TokenRequestSerializer, request.data)
        try:
            # allauth's adapter counts failed logins per address and per account.
            user = get_adapter(request._request).authenticate(
                request._request, email=data["email"].lower(), password=data["password"]
            )
        except ValidationError as error:
            raise RateLimited(
                error.messages[0], retry_after=_retry_after("login_failed")
            ) from error
        if user is None:
            raise Invalid(
                _("The e-mail address or password is wrong."),
                fields={"non_field_errors": [_("The e-mail address or password is wrong.")]},
            )
        if not user.is_active:  # allauth's backend lets suspended accounts through
            raise Forbidden(
                _("This account is paused. Contact the carer support if you think it is a mistake.")
            )
        _second_factor(request, user=user, code=data.get("code"))
        cancelled = erasure.account_erasure_cancel(user=user)
        token = services.token_create(user=user)
        return Response({"token": token, "erasure_cancelled": cancelled})

    @extend_schema(request=None, responses={204: None, 401: ERRORS[401]})
    def delete(self, request):
        if not request.user.is_authenticated:
            raise NotSignedIn()
        if isinstance(request.auth, AuthToken):  # a browser session signs out on its page
            services.token_delete(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _second_factor(request, *, user, code: str | None) -> None:
    """An account with two-step sign-in sends its code (authenticator app or a recovery
    code), checked by allauth's own form: tries are throttled like failed logins and a
    code is good once."""
    if not policies.has_second_factor(user):
        return
    if not code:
        raise MfaRequired()
    form = AuthenticateForm(user=user, data={"code": code})
    if form.is_valid():
        form.authenticator.record_usage()
        return
    reasons = {error.code for error in form.errors.as_data().get("code", [])}
    if "too_many_login_attempts" in reasons:
        raise RateLimited(retry_after=_retry_after("login_failed"))
    message = _("The code is wrong or was used already.")
    raise WrongCode(message, fields={"code": [message]})


class SignupView(APIView):
    """Answers the same for a new and a registered address; the e-mail says what is next."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=s.SignupSerializer, responses={202: s.DetailSerializer, **ERRORS})
    def post(self, request):
        if not ratelimit.consume(request._request, action="signup"):
            raise RateLimited(retry_after=_retry_after("signup"))
        data = rest.valid(s.SignupSerializer, request.data)
        _limit(request, "signup_email", key=data["email"].strip().lower())
        signup.signup_request(
            email=data["email"],
            password=data["password"],
            profile=_profile(data),
            accepted_terms=data["accept_terms"],
        )
        detail = _("Check your e-mail. Enter the code from it to finish signing up.")
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class SignupConfirmView(APIView):
    """The code from the e-mail creates the account and signs it in."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=s.SignupConfirmSerializer, responses={201: s.SignupResultSerializer, **ERRORS}
    )
    def post(self, request):
        _limit(request, "signup_confirm")
        data = rest.valid(s.SignupConfirmSerializer, request.data)
        user = signup.signup_confirm(email=data["email"], code=data["code"])
        body = {"user": s.MeSerializer(user).data, "token": services.token_create(user=user)}
        return Response(body, status=status.HTTP_201_CREATED)


class MeView(APIView):
    @extend_schema(responses={200: s.MeSerializer, 401: ERRORS[401]})
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)

    @extend_schema(
        request=s.ErasureRequestSerializer,
        responses={
            202: s.ErasureSerializer,
            400: OpenApiResponse(description="invalid: a wrong `password`"),
            401: ERRORS[401],
        },
        description=(
            "Delete my account (a browser session confirms with the password; a token "
            "client may leave it out). It is erased after 14 days "
            "(`erase_after`); every token, session and socket of the account ends now, and "
            "signing in again before then (`POST /api/v1/auth/token/` answers "
            "`erasure_cancelled: true`) keeps it."
        ),
    )
    def delete(self, request):
        data = rest.valid(s.ErasureRequestSerializer, request.data)
        erase_after = erasure.account_erasure_request(
            user=request.user,
            password=data.get("password"),
            by_token=isinstance(request.auth, AuthToken),
        )
        return Response({"erase_after": erase_after.isoformat()}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=s.ProfileSerializer,
        responses={
            200: s.MeSerializer,
            403: OpenApiResponse(
                description="forbidden: a changed `birth_year` (a coordinator can correct it)"
            ),
            **ERRORS,
        },
    )
    def patch(self, request):
        if isinstance(request.data, dict) and "birth_year" in request.data:
            raise services.birth_year_fixed()  # not a field members write, whatever its value
        serializer = s.ProfileSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {**selectors.profile_fields(user=request.user), **serializer.validated_data}
        user = services.user_update_profile(user=request.user, profile=_profile(data))
        return Response(s.MeSerializer(user).data)


class ExportView(APIView):
    """Everything stored about me, as one JSON file."""

    @extend_schema(
        responses={200: OpenApiResponse(description="the export (a JSON file)"), 401: ERRORS[401]}
    )
    def get(self, request):
        response = Response(selectors.privacy_export(user=request.user))
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="bredvid-{stamp}.json"'
        return response


class MemberErasureView(APIView):
    """Staff erase an account at once, on the person's request (audited with the reason)."""

    @extend_schema(
        request=s.StaffErasureSerializer,
        responses={
            200: s.ErasedSerializer,
            404: OpenApiResponse(description="not_found"),
            **ERRORS,
        },
    )
    def post(self, request, user_id: int):
        data = rest.valid(s.StaffErasureSerializer, request.data)
        erased = erasure.account_erase_by_staff(
            actor=request.user, member_id=user_id, reason=data["reason"]
        )
        return Response({"id": erased.user_id, "erased": True})


class PasswordChangeView(APIView):
    @extend_schema(request=s.PasswordChangeSerializer, responses={204: None, **ERRORS})
    def post(self, request):
        data = rest.valid(s.PasswordChangeSerializer, request.data)
        # A browser changing it over its session stays signed in, as on the page.
        session_key = None if request.auth else request.session.session_key
        services.password_change(
            user=request.user,
            current_password=data["current_password"],
            new_password=data["new_password"],
            keep_session_key=session_key,
        )
        if session_key:
            update_session_auth_hash(request._request, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(APIView):
    """Sends the same reset e-mail as the web page; the link finishes on the web."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=s.PasswordResetSerializer, responses={202: None, **ERRORS})
    def post(self, request):
        data = rest.valid(s.PasswordResetSerializer, request.data)
        email = data["email"].lower()
        if not ratelimit.consume(request._request, action="reset_password", key=email):
            raise RateLimited(retry_after=_retry_after("reset_password"))
        form = ResetPasswordForm(data={"email": email})
        if form.is_valid():  # answers the same whether or not the address is known
            form.save(request._request)
        return Response(status=status.HTTP_202_ACCEPTED)


class MunicipalityListView(APIView):
    """All municipalities with their official codes (a fixed list of 291)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: s.MunicipalityListSerializer})
    def get(self, request):
        items = s.MunicipalitySerializer(selectors.municipality_list(), many=True).data
        return Response({"results": items, "next": None})


class NotificationPreferencesView(APIView):
    """Per kind, which channels tell me (in the app, e-mail, push), and quiet hours."""

    @extend_schema(responses={200: s.NotificationPreferencesSerializer, 401: ERRORS[401]})
    def get(self, request):
        return Response(selectors.notification_preferences(user=request.user))

    @extend_schema(
        request=s.NotificationPreferencesSerializer,
        responses={200: s.NotificationPreferencesSerializer, 400: ERRORS[400], 401: ERRORS[401]},
    )
    def patch(self, request):
        data = rest.valid(s.NotificationPreferencesSerializer, request.data)
        quiet = data.get("quiet_hours", services.UNCHANGED)
        if quiet not in (None, services.UNCHANGED):
            quiet = (quiet["start"], quiet["end"])
        services.notification_preferences_update(
            user=request.user, kinds=data.get("kinds"), quiet_hours=quiet
        )
        return Response(selectors.notification_preferences(user=request.user))


class AccessLogView(APIView):
    """Who read members' confidences: the unit's coordinators review their members' part,
    platform admins all of it. Reading this log is not itself logged."""

    @extend_schema(
        operation_id="v1_access_log_list",
        parameters=[s.AccessQuerySerializer],
        responses={200: s.AccessPageSerializer, 400: INVALID, 403: FORBIDDEN},
    )
    def get(self, request):
        if not policies.can_review_access_log(request.user):
            raise Forbidden()
        query = rest.query(s.AccessQuerySerializer, request)
        entries = selectors.access_entries(
            viewer=request.user,
            member_id=query.get("member"),
            actor_id=query.get("staff"),
            what=query.get("kind"),
            before_id=query.get("before_id"),
        )
        limit = query["limit"]
        page, following = rest.page(
            request, list(entries[: limit + 1]), limit, lambda e: {"before_id": e.pk}
        )
        return Response({"results": [selectors.access_payload(e) for e in page], "next": following})


class ConsentView(APIView):
    """Accept the current version of the privacy notice or the code of conduct."""

    @extend_schema(
        request=s.ConsentAcceptSerializer, responses={201: s.ConsentSerializer, **ERRORS}
    )
    def post(self, request):
        data = rest.valid(s.ConsentAcceptSerializer, request.data)
        consent = services.consent_accept(
            user=request.user, document=data["document"], version=data["version"]
        )
        return Response(s.ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)
