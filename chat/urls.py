from django.urls import path

from chat import api

urlpatterns = [
    path("rooms/", api.RoomListView.as_view(), name="rooms"),
    path("rooms/<id:room_id>/messages/", api.MessageListView.as_view(), name="room-messages"),
    path("rooms/<id:room_id>/read/", api.ReadView.as_view(), name="room-read"),
    path("me/mutes/", api.MuteListView.as_view(), name="mutes"),
    path("me/mutes/<id:user_id>/", api.MuteDetailView.as_view(), name="mute-detail"),
    path("me/privacy/", api.PrivacyView.as_view(), name="privacy"),
]
