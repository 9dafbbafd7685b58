"""Response headers that pages and API share, the answer while the database is away, and
the consent re-ask for pages."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from community import legal
from community.errors import DATABASE_DOWN, Unavailable


class NoStoreWhenSignedInMiddleware:
    """A signed-in response is never stored by the browser: after signing out (or "Leave
    quickly") Back must not show a member's page from the cache or the back-forward cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        try:
            signed_in = user is not None and user.is_authenticated
        except DATABASE_DOWN:  # the session could not be read: assume the worst
            signed_in = True
        if signed_in:
            add_never_cache_headers(response)
        return response


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached, a request answers 503 ``unavailable``: the API
    in the one error shape, pages with the stand-alone error page. Never a 500 nor, with
    DEBUG on, Django's debug page. (DRF's views answer the same through
    ``community.errors``; this catches the rest.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            return unavailable_response(request)
        return None


def unavailable_response(request) -> HttpResponse:
    error = Unavailable()
    if request.path.startswith("/api/"):
        response = JsonResponse(error.as_dict(), status=error.status)
    else:
        # The stand-alone page: no request context, no database.
        html = loader.render_to_string(
            "frontend/500.html", {"QUICK_EXIT_URL": settings.QUICK_EXIT_URL}
        )
        response = HttpResponse(html, status=error.status)
    response["Retry-After"] = str(error.retry_after)
    add_never_cache_headers(response)
    return response


# Never led away from: the API (it answers ``consent_required`` itself), sign-in and
# sign-out (allauth under /konto/), files, the admin and the app's plumbing.
CONSENT_FREE_PREFIXES = (
    "/api/",
    "/konto/",
    "/static/",
    "/admin/",
    "/i18n/",
    "/healthz",
    "/sw.js",
    "/manifest.webmanifest",
    "/offline/",
    "/favicon.ico",
)


class ConsentMiddleware:
    """A signed-in member with a changed document waiting is led, at their next page, to
    the page that shows what changed and asks to accept (``frontend:consent``). The terms
    and privacy pages (views marked ``consent_not_needed``) stay open."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("GET", "HEAD") or request.path.startswith(CONSENT_FREE_PREFIXES):
            return None
        if getattr(view_func, "consent_not_needed", False):
            return None
        try:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                return None
            if not legal.documents_to_accept(user=user):
                return None
        except DATABASE_DOWN:  # outside the view, so process_exception would not see it
            return unavailable_response(request)
        return redirect(
            f"{reverse('frontend:consent')}?{urlencode({'next': request.get_full_path()})}"
        )
