from django.urls import path

from moderation import api

urlpatterns = [
    path("messages/<id:message_id>/report/", api.ReportView.as_view(), name="message-report"),
    path("moderation/queue/", api.QueueListView.as_view(), name="moderation-queue"),
    path(
        "moderation/queue/<id:item_id>/",
        api.QueueItemView.as_view(),
        name="moderation-queue-item",
    ),
    path(
        "moderation/queue/<id:item_id>/conversation/",
        api.QueueConversationView.as_view(),
        name="moderation-queue-conversation",
    ),
    # a talk request's conversation is opened here, above both chat and support
    path(
        "talk-requests/<id:request_id>/conversation/",
        api.TalkRequestConversationView.as_view(),
        name="talk-request-conversation",
    ),
    path("moderation/actions/", api.ActionView.as_view(), name="moderation-actions"),
    path("moderation/audit/", api.AuditListView.as_view(), name="moderation-audit"),
    path(
        "moderation/audit/<id:entry_id>/",
        api.AuditEntryView.as_view(),
        name="moderation-audit-entry",
    ),
    path("moderation/rules/", api.RuleListView.as_view(), name="moderation-rules"),
    path("moderation/rules/try/", api.RuleTryView.as_view(), name="moderation-rules-try"),
    path(
        "moderation/rules/<id:rule_id>/",
        api.RuleDetailView.as_view(),
        name="moderation-rule",
    ),
    path(
        "moderation/crisis-contacts/",
        api.CrisisContactListView.as_view(),
        name="moderation-crisis-contacts",
    ),
    path(
        "moderation/crisis-contacts/<id:contact_id>/",
        api.CrisisContactDetailView.as_view(),
        name="moderation-crisis-contact",
    ),
    path(
        "members/<id:user_id>/birth-year/",
        api.BirthYearCorrectionView.as_view(),
        name="member-birth-year",
    ),
    path(
        "moderation/members/<id:user_id>/",
        api.MemberHistoryView.as_view(),
        name="moderation-member",
    ),
]
