"""Response headers that pages and API share, and the answer while the database is away."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

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
