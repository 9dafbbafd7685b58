"""Moderator pages, in the ``frontend`` namespace (included by its urls)."""

from django.urls import path

from frontend import moderation_views as views

urlpatterns = [
    path("moderering/", views.dashboard, name="moderation"),
    path("moderering/<id:item_id>/", views.item_detail, name="moderation_item"),
    path("moderering/<id:item_id>/atgard/", views.item_action, name="moderation_item_action"),
    path(
        "moderering/<id:item_id>/stodsamtal/",
        views.item_conversation,
        name="moderation_item_conversation",
    ),
    path("moderering/rum/<id:room_id>/", views.room_controls, name="moderation_room"),
    path("moderering/rum/<id:room_id>/atgard/", views.room_action, name="moderation_room_action"),
    path("moderering/regler/", views.rules, name="moderation_rules"),
    path("moderering/regler/prova/", views.rule_try, name="moderation_rules_try"),
    path("moderering/regler/<id:rule_id>/", views.rule_edit, name="moderation_rule"),
    path(
        "moderering/regler/<id:rule_id>/aktiv/",
        views.rule_toggle,
        name="moderation_rule_toggle",
    ),
    path(
        "moderering/regler/<id:rule_id>/radera/",
        views.rule_delete,
        name="moderation_rule_delete",
    ),
]
