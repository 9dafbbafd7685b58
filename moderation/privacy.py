"""What moderation holds about one person, for the export and erasure (``community.privacy``).

Reports, sanctions, crisis cards and the audit log are records the law and safeguarding
require: their rows stay, pointing at the erased account (whose row then holds nothing
personal). What the member wrote in a report goes.
"""

from django.utils.translation import gettext_lazy as _

from community.privacy import Erase, Holding, register
from moderation.models import AuditEntry, CrisisCard, QueueItem, Report, Sanction, WordRule

register(
    Holding(
        model=Report,
        section="reports_made",
        title=_("Your reports"),
        erase=Erase.BLANK,
        owner="reporter",
        exported=("message", "reason", "note", "created_at"),
        blank={"note": ""},
        why="Only the member's own report: the reported message is named by its number, "
        "never its author or text.",
    ),
    Holding(
        model=Sanction,
        section="sanctions",
        title=_("Warnings and limits on your account"),
        erase=Erase.KEEP,
        exported=("kind", "room", "group", "reason", "starts_at", "ends_at", "lifted_at"),
        not_personal=("created_by", "lifted_by"),  # which staff acted: the audit log's
    ),
    Holding(
        model=CrisisCard,
        section="crisis_cards",
        title=_("Times you were shown where to get help"),
        erase=Erase.KEEP,
        exported=("room", "categories", "shown_at", "updated_at"),
    ),
    # Staff's work: the records stay.
    Holding(
        model=Sanction,
        section="sanctions_given",
        name="created_by",
        title=_("Warnings and limits you gave"),
        erase=Erase.KEEP,
        owner="created_by",
        exported=("kind", "starts_at"),
        not_personal=("user", "room", "group", "reason", "ends_at", "lifted_at", "lifted_by"),
    ),
    Holding(
        model=Sanction,
        section="sanctions_lifted",
        title=_("Limits you lifted"),
        erase=Erase.KEEP,
        owner="lifted_by",
        exported=("kind", "lifted_at"),
        not_personal=("user", "room", "group", "reason", "starts_at", "ends_at", "created_by"),
    ),
    Holding(
        model=QueueItem,
        section="queue_items_resolved",
        title=_("Queue items you resolved"),
        erase=Erase.KEEP,
        owner="resolved_by",
        exported=("status", "resolved_at"),
        not_personal=(
            "message",
            "room",
            "priority",
            "source",
            "reports_count",
            "reasons",
            "rule_note",
            "auto_hidden",
            "alerted_at",
            "created_at",
            "updated_at",
        ),
    ),
    Holding(
        model=WordRule,
        section="word_rules_made",
        title=_("Word rules you made"),
        erase=Erase.KEEP,
        owner="created_by",
        exported=("pattern", "updated_at"),
        not_personal=("is_regex", "language", "category", "action", "is_active"),
    ),
    Holding(
        model=AuditEntry,
        section="audit_actions",
        title=_("What you did as staff (the audit log)"),
        erase=Erase.KEEP,
        owner="actor",
        exported=("action", "target_type", "target_id", "created_at"),
        not_personal=("reason", "details", "room_id", "group_id"),
    ),
)
