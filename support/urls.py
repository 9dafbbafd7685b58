from django.urls import path

from support import api

urlpatterns = [
    path("organisations/", api.OrganisationListView.as_view(), name="organisations"),
    path(
        "organisations/<id:organisation_id>/",
        api.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("support/entries/", api.EntryListView.as_view(), name="support-entries"),
    path(
        "support/entries/<id:entry_id>/",
        api.EntryDetailView.as_view(),
        name="support-entry-detail",
    ),
    path("finder/", api.FinderView.as_view(), name="finder"),
    path("finder/save/", api.FinderSaveView.as_view(), name="finder-save"),
    path("talk-requests/", api.TalkRequestListView.as_view(), name="talk-requests"),
    path(
        "talk-requests/<id:request_id>/",
        api.TalkRequestDetailView.as_view(),
        name="talk-request-detail",
    ),
    path(
        "talk-requests/<id:request_id>/proposals/",
        api.TalkProposalListView.as_view(),
        name="talk-request-proposals",
    ),
    path(
        "talk-requests/<id:request_id>/proposals/<id:proposal_id>/accept/",
        api.TalkProposalAcceptView.as_view(),
        name="talk-proposal-accept",
    ),
    path(
        "talk-requests/<id:request_id>/proposals/<id:proposal_id>/decline/",
        api.TalkProposalDeclineView.as_view(),
        name="talk-proposal-decline",
    ),
    path("articles/", api.ArticleListView.as_view(), name="articles"),
    path("articles/<slug:slug>/", api.ArticleDetailView.as_view(), name="article-detail"),
]
