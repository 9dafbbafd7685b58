from django.urls import include, path

from frontend import access_views, consent_views, notification_views, privacy_views, views

app_name = "frontend"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("hem/", views.home, name="home"),
    path("profil/", views.profile, name="profile"),
    path("profil/installningar/", notification_views.settings_page, name="settings"),
    path("profil/mina-uppgifter/", privacy_views.my_data, name="my_data"),
    path("profil/radera-konto/", privacy_views.account_delete, name="account_delete"),
    path(
        "moderering/medlem/<id:user_id>/radera/",
        privacy_views.member_erase,
        name="member_erase",
    ),
    path("notiser/", notification_views.notifications, name="notifications"),
    path("villkor/", views.terms, name="terms"),
    path("integritet/", views.privacy, name="privacy"),
    path("integritet/behandlingar/", views.processing_records, name="processing_records"),
    path("villkor/godkann/", consent_views.consent, name="consent"),
    path("rum/", views.rooms, name="rooms"),
    path("rum/<id:room_id>/", views.room, name="room"),
    path("samordning/atkomstlogg/", access_views.access_log, name="access_log"),
    path("", include("frontend.group_urls")),
    path("", include("frontend.support_urls")),
    path("", include("frontend.moderation_urls")),
]
