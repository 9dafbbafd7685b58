from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from frontend import pwa
from frontend.health import healthz
from groups.urls import feed_urlpatterns

api_v1 = [
    path("", include("community.urls")),
    path("", include("chat.urls")),
    path("", include("groups.urls")),
    path("", include("support.urls")),
    path("", include("moderation.urls")),
    path("", include("push.urls")),
]

urlpatterns = [
    path("", include("frontend.urls")),
    path("konto/", include("frontend.account_urls")),  # before allauth's: ours win
    path("konto/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("favicon.ico", pwa.favicon, name="favicon"),
    path("", include((feed_urlpatterns, "groups-feed"))),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler404 = "frontend.views.not_found"
handler500 = "frontend.views.server_error"
