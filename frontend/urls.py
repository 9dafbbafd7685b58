from django.urls import include, path

from frontend import consent_views, notification_views, views

app_name = "frontend"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("hem/", views.home, name="home"),
    path("profil/", views.profile, name="profile"),
    path("profil/installningar/", notification_views.settings_page, name="settings"),
    path("notiser/", notification_views.notifications, name="notifications"),
    path("villkor/", views.terms, name="terms"),
    path("villkor/godkann/", consent_views.consent, name="consent"),
    path("rum/", views.rooms, name="rooms"),
    path("rum/<id:room_id>/", views.room, name="room"),
    path("", include("frontend.group_urls")),
    path("", include("frontend.support_urls")),
    path("", include("frontend.moderation_urls")),
]
