from django.urls import path

from frontend import account_views

urlpatterns = [
    path("signup/", account_views.SignupView.as_view(), name="account_signup"),
    path("signup/confirm/", account_views.signup_confirm, name="account_signup_confirm"),
    path("quick-exit/", account_views.quick_exit, name="account_quick_exit"),
]
