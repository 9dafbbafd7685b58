"""Reads of the community: municipalities, organisations and people."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from community import policies, privacy
from community.models import (
    AccessEntry,
    Municipality,
    Notification,
    NotificationKind,
    NotificationPreferences,
    Organisation,
    User,
)


def municipality_list() -> QuerySet[Municipality]:
    return Municipality.objects.order_by("name")


def municipality_by_code(*, code: str) -> Municipality | None:
    return Municipality.objects.filter(code=code).first()


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("municipality").order_by("name")


def user_by_email(*, email: str) -> User | None:
    return User.objects.filter(email=email.strip().lower()).first()


def display_name_taken(*, display_name: str, exclude_user_id: int | None = None) -> bool:
    others = User.objects.filter(display_name__iexact=display_name.strip())
    if exclude_user_id is not None:
        others = others.exclude(pk=exclude_user_id)
    return others.exists()


def profile_fields(*, user: User) -> dict:
    """What a person has told about themselves, as the profile forms and API take it."""
    return {
        "display_name": user.display_name,
        "birth_year": user.birth_year,
        "municipality": user.municipality,
        "cares_for": user.cares_for,
        "situation_tags": user.situation_tags,
        "preferred_language": user.preferred_language,
    }


def notifications_unread(*, user, limit: int = 5) -> list:
    """The newest notifications a person has not read yet, for their home page."""
    return list(Notification.objects.filter(user=user, read_at__isnull=True)[:limit])


def notification_page(*, user, before_id: int | None, limit: int) -> list[Notification]:
    """Newest first, up to ``limit`` + 1 (the extra one says there is an older page)."""
    mine = Notification.objects.filter(user=user).order_by("-pk")
    if before_id is not None:
        mine = mine.filter(pk__lt=before_id)
    return list(mine[: limit + 1])


def notifications_unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_preferences(*, user) -> dict:
    """Every kind with its three channels as they apply now, and quiet hours or null."""
    stored = NotificationPreferences.objects.filter(user=user).first()
    defaults = policies.notification_defaults(user=user)
    chosen = stored.kinds if stored else {}
    kinds = {kind: {**defaults, **chosen.get(kind, {})} for kind in NotificationKind.values}
    quiet = None
    if stored and stored.quiet_start is not None:
        quiet = {
            "start": stored.quiet_start.strftime("%H:%M"),
            "end": stored.quiet_end.strftime("%H:%M"),
        }
    return {"kinds": kinds, "quiet_hours": quiet}


def access_counts_for(member) -> dict[str, int]:
    """How often staff read each kind of this member's confidences: for their export."""
    rows = AccessEntry.objects.filter(member=member).values("what").annotate(n=Count("pk"))
    return {row["what"]: row["n"] for row in rows.order_by("what")}


def access_entries(
    *, viewer, member_id=None, actor_id=None, what=None, before_id=None
) -> QuerySet[AccessEntry]:
    """The access log a reviewer may read, newest first, after ``before_id`` (keyset).
    The caller has checked ``policies.can_review_access_log``."""
    entries = AccessEntry.objects.select_related("actor", "member").order_by("-created_at", "-id")
    municipality_id = policies.access_log_municipality_id(viewer)
    if municipality_id is not None:
        entries = entries.filter(member__municipality_id=municipality_id)
    filters = {"member_id": member_id, "actor_id": actor_id, "what": what}
    entries = entries.filter(**{k: v for k, v in filters.items() if v is not None})
    if before_id is not None:
        entries = entries.filter(_access_before(before_id))
    return entries


def _access_before(before_id: int) -> Q:
    """Keyset on the log's order (newest first, then id)."""
    moment = AccessEntry.objects.filter(pk=before_id).values_list("created_at", flat=True)
    moment = moment.first()
    if moment is None:
        return Q(pk__lt=before_id)
    return Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=before_id)


def access_payload(entry: AccessEntry) -> dict:
    return {
        "id": entry.pk,
        "created_at": entry.created_at.isoformat(),
        "staff": {"id": entry.actor_id, "display_name": entry.actor.display_name},
        "member": {"id": entry.member_id, "display_name": entry.member.display_name},
        "kind": entry.what,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
    }


EXPORT_FORMAT = "bredvid-export/1"


def privacy_export(*, user) -> dict:
    """Everything stored about one person, walked from the privacy registry: each holding
    with a section, then each computed section (``privacy.register_section``)."""
    export = {"format": EXPORT_FORMAT, "exported_at": timezone.now().isoformat()}
    for holding in privacy.holdings():
        if holding.section is None:
            continue
        rows = [holding.export_row(row) for row in holding.rows_of(user=user)]
        export[holding.section] = rows[0] if holding.section == "account" else rows
    for key, (_title, build) in privacy.sections().items():
        export[key] = build(user=user)
    return export


def privacy_export_readable(*, user) -> list[dict]:
    """The same export as sections a page shows: title, and each row as (label, value)."""
    export = privacy_export(user=user)
    found = []
    for holding in privacy.holdings():
        if holding.section is None:
            continue
        rows = export[holding.section]
        rows = [rows] if isinstance(rows, dict) else rows
        labels, choices = _field_labels(holding.model), _field_choices(holding.model)
        found.append(
            {
                "key": holding.section,
                "title": holding.title,
                "rows": [
                    [(labels.get(k, k), _in_words(choices.get(k), v)) for k, v in row.items()]
                    for row in rows
                ],
            }
        )
    for key, (title, _build) in privacy.sections().items():
        found.append({"key": key, "title": title, "value": export[key]})
    return found


def _field_choices(model) -> dict[str, dict]:
    """A coded value's words (``code_of_conduct`` reads "Code of conduct")."""
    return {
        f.name: {value: str(label) for value, label in f.flatchoices}
        for f in model._meta.concrete_fields
        if f.choices
    }


def _in_words(choices: dict | None, value):
    if choices and isinstance(value, str | int) and not isinstance(value, bool):
        return choices.get(value, value)
    return value


def _field_labels(model) -> dict[str, str]:
    labels = {f.name: str(f.verbose_name) for f in model._meta.get_fields() if f.concrete}
    return {**labels, "id": gettext("number")}
