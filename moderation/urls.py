from django.urls import path

from moderation import api

urlpatterns = [
    path("messages/<int:message_id>/report/", api.ReportView.as_view(), name="message-report"),
    path("moderation/queue/", api.QueueListView.as_view(), name="moderation-queue"),
    path(
        "moderation/queue/<int:item_id>/",
        api.QueueItemView.as_view(),
        name="moderation-queue-item",
    ),
    path("moderation/actions/", api.ActionView.as_view(), name="moderation-actions"),
    path("moderation/audit/", api.AuditListView.as_view(), name="moderation-audit"),
    path(
        "moderation/audit/<int:entry_id>/",
        api.AuditEntryView.as_view(),
        name="moderation-audit-entry",
    ),
    path("moderation/rules/", api.RuleListView.as_view(), name="moderation-rules"),
    path(
        "moderation/rules/<int:rule_id>/",
        api.RuleDetailView.as_view(),
        name="moderation-rule",
    ),
    path(
        "moderation/crisis-contacts/",
        api.CrisisContactListView.as_view(),
        name="moderation-crisis-contacts",
    ),
    path(
        "moderation/crisis-contacts/<int:contact_id>/",
        api.CrisisContactDetailView.as_view(),
        name="moderation-crisis-contact",
    ),
    path(
        "members/<int:user_id>/birth-year/",
        api.BirthYearCorrectionView.as_view(),
        name="member-birth-year",
    ),
    path(
        "moderation/members/<int:user_id>/",
        api.MemberHistoryView.as_view(),
        name="moderation-member",
    ),
]
