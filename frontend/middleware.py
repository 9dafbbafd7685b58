"""Response headers that pages and API share."""

from django.utils.cache import add_never_cache_headers


class NoStoreWhenSignedInMiddleware:
    """A signed-in response is never stored by the browser: after signing out (or "Leave
    quickly") Back must not show a member's page from the cache or the back-forward cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
