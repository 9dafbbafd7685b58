"""Pages of find-support, in the ``frontend`` namespace (included by its urls)."""

from django.urls import path

from frontend import support_views as views

urlpatterns = [
    path("hitta-stod/", views.finder, name="finder"),
    path("hitta-stod/spara/", views.finder_save, name="finder_save"),
    path("stod/", views.directory, name="support"),
    path("stod/<slug:slug>/", views.entry_detail, name="support_entry"),
    path("organisationer/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("organisationer/<slug:slug>/andra/", views.organisation_edit, name="organisation_edit"),
    path("kunskap/", views.article_list, name="articles"),
    path("kunskap/<slug:slug>/", views.article_detail, name="article"),
    path("prata-med-nagon/", views.talk, name="talk"),
    path(
        "prata-med-nagon/<id:request_id>/tider/<id:proposal_id>/",
        views.talk_answer,
        name="talk_answer",
    ),
    path("samordning/samtal/", views.talk_queue, name="talk_queue"),
    path("samordning/samtal/<id:request_id>/tid/", views.talk_propose, name="talk_propose"),
    path("samordning/samtal/<id:request_id>/", views.talk_handle, name="talk_handle"),
    path(
        "samordning/samtal/<id:request_id>/stodsamtal/",
        views.talk_conversation,
        name="talk_conversation",
    ),
    path("samordning/stod/", views.support_manage, name="support_manage"),
    path("samordning/stod/ny/", views.entry_create, name="entry_create"),
    path("samordning/stod/<id:entry_id>/andra/", views.entry_edit, name="entry_edit"),
    path("samordning/stod/<id:entry_id>/ta-bort/", views.entry_delete, name="entry_delete"),
    path("samordning/kunskap/ny/", views.article_create, name="article_create"),
    path("samordning/kunskap/<id:article_id>/andra/", views.article_edit, name="article_edit"),
]
