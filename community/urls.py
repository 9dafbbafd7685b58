from django.urls import path

from community import api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="auth-token"),
    path("auth/signup/", api.SignupView.as_view(), name="auth-signup"),
    path("auth/signup/confirm/", api.SignupConfirmView.as_view(), name="auth-signup-confirm"),
    path("auth/password/change/", api.PasswordChangeView.as_view(), name="password-change"),
    path("auth/password/reset/", api.PasswordResetView.as_view(), name="password-reset"),
    path("me/", api.MeView.as_view(), name="me"),
    path("me/export/", api.ExportView.as_view(), name="me-export"),
    path("members/<id:user_id>/erase/", api.MemberErasureView.as_view(), name="member-erase"),
    path("me/consents/", api.ConsentView.as_view(), name="me-consents"),
    path(
        "me/notification-preferences/",
        api.NotificationPreferencesView.as_view(),
        name="notification-preferences",
    ),
    path("access-log/", api.AccessLogView.as_view(), name="access-log"),
    path("municipalities/", api.MunicipalityListView.as_view(), name="municipalities"),
]
