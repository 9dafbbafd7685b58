"""Writing to the append-only audit log."""

from moderation.models import AuditEntry


def record(
    *,
    actor,
    action: str,
    target,
    reason: str = "",
    details: dict | None = None,
    room_id: int | None = None,
    group_id: int | None = None,
) -> AuditEntry:
    """One line in the log. ``actor`` None means an automatic rule acted."""
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.model_name,
        target_id=str(target.pk),
        reason=reason,
        details=details or {},
        room_id=room_id,
        group_id=group_id,
    )
