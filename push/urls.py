from django.urls import path

from push import api

urlpatterns = [
    path("push/key/", api.PushKeyView.as_view(), name="push-key"),
    path(
        "me/push-subscriptions/",
        api.PushSubscriptionListView.as_view(),
        name="push-subscriptions",
    ),
    path(
        "me/push-subscriptions/<id:pk>/",
        api.PushSubscriptionDetailView.as_view(),
        name="push-subscription",
    ),
]
