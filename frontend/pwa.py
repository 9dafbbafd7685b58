"""The installable app: the web app manifest, the service worker, the offline page, the favicon.

The service worker is a template so that it can name the shell's static files by their
stored (hashed) URLs; its cache names carry a version taken from the shell files' contents,
so a deploy that changes any of them installs a new worker and drops the old caches.
"""

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

THEME_COLOR = "#0b5d5b"
BACKGROUND_COLOR = "#fbf8f3"

# What the app needs to start at all, cached when the worker installs.
SHELL_STATIC = [
    "css/app.css",
    "css/groups.css",
    "js/quick-exit.js",
    "js/pwa.js",
    "js/chat/list.js",
    "js/chat/messages.js",
    "js/chat/outbox.js",
    "js/chat/room.js",
    "js/chat/socket.js",
    "js/chat/text.js",
    "icons/favicon-32.png",
    "icons/icon-192.png",
]
# Written by the push feature; the worker imports it only when it is there.
PUSH_SCRIPT = "js/sw-push.js"

ICONS = [
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/maskable-192.png", "192x192", "maskable"),
    ("icons/maskable-512.png", "512x512", "maskable"),
]


def description() -> str:
    return _("Meet other young carers, in chat and in person.")


@require_GET
def manifest(request):
    home = reverse("frontend:home")
    body = {
        "id": home,
        "name": "Bredvid",
        "short_name": "Bredvid",
        "description": description(),
        "lang": get_language(),
        "start_url": home,
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def _shell_urls() -> list[str]:
    return [reverse("offline"), *(static(path) for path in SHELL_STATIC)]


@cache
def _version(shell: tuple[str, ...]) -> str:
    """A digest of the worker's template and every shell file: new files, new caches."""
    digest = hashlib.sha256()
    template = loader.get_template("frontend/sw.js")
    digest.update(template.template.source.encode())
    digest.update("\n".join(shell).encode())
    for path in SHELL_STATIC:
        found = finders.find(path)
        if found:
            with open(found, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()[:12]


def _push_script() -> str:
    try:
        return static(PUSH_SCRIPT)
    except ValueError:  # hashed static files without it: nothing to import
        return ""


@require_GET
def service_worker(request):
    shell = _shell_urls()
    context = {
        "version": _version(tuple(shell)),
        "shell_json": json.dumps(shell),
        "offline_url": reverse("offline"),
        "push_script": _push_script(),
        "static_url": settings.STATIC_URL,
    }
    response = HttpResponse(
        loader.render_to_string("frontend/sw.js", context),
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request):
    """The same page for everyone, signed in or not: the service worker keeps one copy."""
    request.user = AnonymousUser()
    return render(request, "frontend/offline.html")


@require_GET
def favicon(request):
    path = finders.find("icons/favicon.ico")
    if path is None:
        raise Http404
    response = FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115
    response["Cache-Control"] = "public, max-age=86400"
    return response
