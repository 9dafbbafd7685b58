"""Account pages around allauth's: sign-up by code, the under-13 page, quick exit."""

from allauth.account.adapter import get_adapter
from allauth.account.views import SignupView as AllauthSignupView
from allauth.core import ratelimit
from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from community import signup
from community.errors import DEFAULT_DETAIL, BredvidError, Code, RateLimited
from community.forms import SIGNUP_EMAIL_SESSION_KEY, SignupCodeForm

# A browser that gave an under-13 birth year sees the same page for a day, whatever year it
# gives next. Only a signed timestamp is kept, in the browser: nothing about the child.
AGE_CHECK_COOKIE = "bredvid_age_check"
AGE_CHECK_SALT = "frontend.signup.below_minimum_age"
AGE_CHECK_SECONDS = 24 * 60 * 60
LOGIN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _refused_recently(request) -> bool:
    mark = request.get_signed_cookie(
        AGE_CHECK_COOKIE, default=None, salt=AGE_CHECK_SALT, max_age=AGE_CHECK_SECONDS
    )
    return mark is not None


def _below_minimum_age_page(request, *, remember: bool) -> HttpResponse:
    response = render(request, "account/signup_below_minimum_age.html")
    if remember:
        response.set_signed_cookie(
            AGE_CHECK_COOKIE,
            "1",
            salt=AGE_CHECK_SALT,
            max_age=AGE_CHECK_SECONDS,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


class SignupView(AllauthSignupView):
    """allauth's sign-up page, with a kind page instead of a form error for under-13s."""

    def get(self, request, *args, **kwargs):
        if _refused_recently(request):
            return _below_minimum_age_page(request, remember=False)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if _refused_recently(request):
            return _below_minimum_age_page(request, remember=False)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        refused = ratelimit.consume_or_429(self.request, action="signup_email", key=email)
        return refused or super().form_valid(form)

    def form_invalid(self, form):
        if form.below_minimum_age:
            return _below_minimum_age_page(self.request, remember=True)
        return super().form_invalid(form)


@never_cache
@require_http_methods(["GET", "POST"])
def signup_confirm(request):
    """The page that takes the code from the e-mail; the same for every address."""
    email = request.session.get(SIGNUP_EMAIL_SESSION_KEY)
    if not email:
        return redirect("account_signup")
    form = SignupCodeForm(request.POST or None)
    status = 200
    if form.is_valid() and not ratelimit.consume(request, action="signup_confirm"):
        status = 429
        form.add_error("code", DEFAULT_DETAIL[Code.RATE_LIMITED])
    elif form.is_valid():
        try:
            user = signup.signup_confirm(email=email, code=form.cleaned_data["code"])
        except BredvidError as error:
            status = 429 if isinstance(error, RateLimited) else 200
            form.add_error("code", str(error.detail))
        except ValidationError as error:  # the display name was taken meanwhile
            form.add_error(None, error)
        else:
            request.session.pop(SIGNUP_EMAIL_SESSION_KEY, None)
            login(request, user, backend=LOGIN_BACKEND)
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request, "account/signup_confirm.html", {"form": form, "email": email}, status=status
    )


@require_POST
def quick_exit(request):
    """Sign out for "Leave quickly": a beacon (CSRF token in the body) as the page goes."""
    if request.user.is_authenticated:
        get_adapter(request).logout(request)  # also closes this session's sockets
    return HttpResponse(status=204)
