"""Reads of groups and meetups, in the shapes the API and pages use."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone

from groups import policies
from groups.models import JoinRequest, Meetup, Membership, PeerGroup, Rsvp

UPCOMING_LIMIT = 5


def upcoming_meetups() -> QuerySet[Meetup]:
    return Meetup.objects.filter(
        status=Meetup.Status.SCHEDULED, starts_at__gt=timezone.now(), held=False
    ).order_by("starts_at", "pk")


def with_counts(meetups: QuerySet[Meetup]) -> QuerySet[Meetup]:
    return meetups.annotate(
        going_count=Count("rsvps", filter=Q(rsvps__status=Rsvp.Status.GOING)),
        waitlist_count=Count("rsvps", filter=Q(rsvps__status=Rsvp.Status.WAITLISTED)),
    )


def when(meetup: Meetup) -> str:
    """The start in Stockholm time, in the active language ("lördag 5 december, 18.00")."""
    return when_at(meetup.starts_at)


def when_at(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "l j F, H.i")


def meetup_summary(meetup: Meetup) -> dict:
    """The small shape carried by chat cards, room.updated and lists."""
    return {
        "id": meetup.pk,
        "group": meetup.group_id,
        "title": meetup.title,
        "kind": meetup.kind,
        "starts_at": timezone.localtime(meetup.starts_at).isoformat(),
        "ends_at": timezone.localtime(meetup.ends_at).isoformat(),
        "venue_name": meetup.venue_name,
        "status": meetup.status,
        "url": f"/traffar/{meetup.pk}/",
    }


def meetup_limited(meetup: Meetup) -> dict:
    """What those outside a group with under-18s see of its meetup: where (the municipality)
    and the day, nothing that would find the room or the hour."""
    place = meetup.group.municipality
    return {
        "id": meetup.pk,
        "group": meetup.group_id,
        "kind": meetup.kind,
        "status": meetup.status,
        "day": timezone.localtime(meetup.starts_at).date().isoformat(),
        "municipality": {"code": place.code, "name": place.name} if place else None,
        "url": f"/traffar/{meetup.pk}/",
        "limited": True,
    }


def meetup_summary_for(meetup: Meetup, *, user) -> dict:
    """``meetup_summary`` as this person may see it (``policies.meetup_visible_fields``)."""
    if policies.meetup_visible_fields(user=user, meetup=meetup) is None:
        return meetup_summary(meetup)
    return meetup_limited(meetup)


def with_place_visibility(meetups, *, user) -> list[Meetup]:
    """The meetups, each marked ``limited`` when this person may see only the municipality
    and the day (``policies.meetup_visible_fields``), for pages that show Meetup rows."""
    found = list(meetups)
    for meetup in found:
        meetup.limited = policies.meetup_visible_fields(user=user, meetup=meetup) is not None
    return found


def next_meetups_by_group(group_ids, *, user) -> dict[int, dict]:
    found: dict[int, dict] = {}
    upcoming = upcoming_meetups().select_related("group__municipality")
    for meetup in upcoming.filter(group_id__in=set(group_ids)):
        if meetup.group_id not in found:
            found[meetup.group_id] = meetup_summary_for(meetup, user=user)
    return found


def next_meetup_summary(*, group_id: int) -> dict | None:
    meetup = upcoming_meetups().filter(group_id=group_id).first()
    return meetup_summary(meetup) if meetup else None


def next_meetup_for(*, group_id: int, user) -> dict | None:
    """The group's next meetup as this person may see it."""
    meetup = upcoming_meetups().select_related("group__municipality").filter(group_id=group_id)
    found = meetup.first()
    return meetup_summary_for(found, user=user) if found else None


def meetup_payload(meetup: Meetup, *, user=None, rsvp: Rsvp | None = None) -> dict:
    if policies.meetup_visible_fields(user=user, meetup=meetup) is not None:
        return {
            **meetup_limited(meetup),
            "group": {"id": meetup.group_id, "name": meetup.group.name},
        }
    going = getattr(meetup, "going_count", None)
    if going is None:
        going = meetup.rsvps.filter(status=Rsvp.Status.GOING).count()
    waiting = getattr(meetup, "waitlist_count", None)
    if waiting is None:
        waiting = meetup.rsvps.filter(status=Rsvp.Status.WAITLISTED).count()
    payload = {
        **meetup_summary(meetup),
        "group": {"id": meetup.group_id, "name": meetup.group.name},
        "description": meetup.description,
        "venue": {
            "name": meetup.venue_name,
            "address": meetup.venue_address,
            "accessibility_notes": meetup.accessibility_notes,
            "directions_url": meetup.directions_url,
        },
        "capacity": meetup.capacity,
        "going_count": going,
        "waitlist_count": waiting,
        "spots_left": max(meetup.capacity - going, 0),
        "rsvp_deadline": meetup.rsvp_deadline.isoformat() if meetup.rsvp_deadline else None,
        "recurrence": meetup.recurrence,
        "series": str(meetup.series) if meetup.series else None,
        "cancel_reason": meetup.cancel_reason,
        "my_rsvp": None,
    }
    if rsvp is not None:
        payload["my_rsvp"] = rsvp_payload(rsvp)
    return payload


def rsvp_payload(rsvp: Rsvp) -> dict:
    from groups.services.rsvps import waitlist_position

    return {
        "status": rsvp.status,
        "waitlist_position": waitlist_position(rsvp),
        "checkin_code": rsvp.checkin_code if rsvp.status == Rsvp.Status.GOING else None,
        "needs": {
            "respite": rsvp.needs_respite,
            "company": rsvp.needs_company,
            "accessibility": rsvp.accessibility_needs,
            "note": rsvp.note,
        },
    }


def my_rsvps(*, user, meetup_ids) -> dict[int, Rsvp]:
    if not user.is_authenticated:
        return {}
    return {r.meetup_id: r for r in Rsvp.objects.filter(user=user, meetup_id__in=meetup_ids)}


def meetup_list(*, user, group_id=None, municipality=None, mine=False, limit=50) -> list[dict]:
    """Upcoming meetups of visible groups, near me first (my municipality, then online)."""
    meetups = with_counts(upcoming_meetups().select_related("group__municipality")).filter(
        group__is_archived=False
    )
    if group_id is not None:
        meetups = meetups.filter(group_id=group_id)
    if municipality is not None:
        meetups = meetups.filter(Q(group__municipality=municipality) | Q(group__municipality=None))
    if mine:
        meetups = meetups.filter(  # one join: someone else's "not going" must not hide it
            rsvps__user=user, rsvps__status__in=[Rsvp.Status.GOING, Rsvp.Status.WAITLISTED]
        )
    items = list(meetups[:limit])
    home = getattr(user, "municipality_id", None)
    if home:
        items.sort(key=lambda m: (m.group.municipality_id != home, m.starts_at))
    rsvps = my_rsvps(user=user, meetup_ids=[m.pk for m in items])
    return [meetup_payload(m, user=user, rsvp=rsvps.get(m.pk)) for m in items]


def group_directory(
    *, theme=None, municipality=None, age=None, has_upcoming=None, after_id=None, limit=50
) -> tuple[list[PeerGroup], bool]:
    groups = (
        PeerGroup.objects.filter(is_archived=False)
        .select_related("organisation", "municipality")
        .annotate(
            member_count=Count(
                "memberships", filter=Q(memberships__status="active"), distinct=True
            ),
            has_upcoming=Exists(upcoming_meetups().filter(group=OuterRef("pk"))),
        )
        .order_by("pk")
    )
    if theme:
        groups = groups.filter(themes__icontains=f'"{theme}"')
    if municipality is not None:
        groups = groups.filter(Q(municipality=municipality) | Q(municipality=None))
    if age is not None:
        groups = groups.filter(min_age__lte=age, max_age__gte=age)
    if has_upcoming is not None:
        groups = groups.filter(has_upcoming=has_upcoming)
    if after_id is not None:
        groups = groups.filter(pk__gt=after_id)
    page = list(groups[: limit + 1])
    return page[:limit], len(page) > limit


def group_payload(group: PeerGroup, *, user=None) -> dict:
    member_count = getattr(group, "member_count", None)
    if member_count is None:
        member_count = group.memberships.filter(status=Membership.Status.ACTIVE).count()
    membership = policies.active_membership(user=user, group=group) if user else None
    return {
        "id": group.pk,
        "slug": group.slug,
        "name": group.name,
        "description": group.description,
        "themes": group.themes,
        "municipality": (
            {"code": group.municipality.code, "name": group.municipality.name}
            if group.municipality
            else None
        ),
        "organisation": {
            "id": group.organisation_id,
            "name": group.organisation.name,
            "kind": group.organisation.kind,
        },
        "min_age": group.min_age,
        "max_age": group.max_age,
        "joining": group.joining,
        "member_cap": group.member_cap,
        "member_count": member_count,
        "rules": group.rules,
        "is_archived": group.is_archived,
        "my_membership": (
            {"role": membership.role, "status": membership.status} if membership else None
        ),
    }


def group_rooms(*, group: PeerGroup):
    return group.rooms.filter(is_archived=False).order_by("pk")


def members(*, group: PeerGroup) -> QuerySet[Membership]:
    """Only for those ``policies.can_see_members`` allows; those outside the band today
    are no longer members in anything they read."""
    return (
        group.memberships.select_related("user")
        .filter(status=Membership.Status.ACTIVE)
        .filter(policies.in_band())
        .filter(user__erase_after__isnull=True)  # leaving: no longer shown to others
        .order_by("user__display_name")
    )


def join_request_payload(join_request: JoinRequest) -> dict:
    """A request as hosts see it, with whether the person may join today (age band first)."""
    person, group = join_request.user, join_request.group
    membership = Membership.objects.filter(group=group, user=person).first()
    return {
        "id": join_request.pk,
        "user": {"id": join_request.user_id, "display_name": person.display_name},
        "message": join_request.message,
        "created_at": join_request.created_at.isoformat(),
        "eligible": policies.join_eligible(user=person, group=group, membership=membership),
        "age_band_ok": policies.age_fits(user=person, group=group),
    }


def needs_overview(*, meetup: Meetup) -> dict:
    """Who needs what to be able to come: for hosts and coordinators only."""
    answers = meetup.rsvps.select_related("user").exclude(status=Rsvp.Status.NOT_GOING)
    people = [
        {
            "rsvp": r.pk,
            "display_name": r.user.display_name,
            "status": r.status,
            "respite": r.needs_respite,
            "company": r.needs_company,
            "accessibility": r.accessibility_needs,
            "note": r.note,
            "checked_in": r.checked_in_at is not None,
        }
        for r in answers.order_by("status", "user__display_name")
    ]
    return {
        "meetup": meetup.pk,
        "going": sum(p["status"] == Rsvp.Status.GOING for p in people),
        "waitlisted": sum(p["status"] == Rsvp.Status.WAITLISTED for p in people),
        "respite": sum(p["respite"] for p in people),
        "company": sum(p["company"] for p in people),
        "accessibility": sum(bool(p["accessibility"]) for p in people),
        "people": people,
    }


def needs_member_ids(*, meetup: Meetup) -> list[int]:
    """Whose answers ``needs_overview`` shows."""
    answers = meetup.rsvps.exclude(status=Rsvp.Status.NOT_GOING)
    return list(answers.values_list("user_id", flat=True))


def attendance_by_month(*, organisation_id: int) -> list[dict]:
    """Numbers only: per group and month, how many were going and how many came."""
    rows = (
        Rsvp.objects.filter(
            meetup__group__organisation_id=organisation_id,
            meetup__status=Meetup.Status.SCHEDULED,
            meetup__starts_at__lte=timezone.now(),
            status=Rsvp.Status.GOING,
        )
        .annotate(month=TruncMonth("meetup__starts_at"))
        .values("meetup__group_id", "meetup__group__name", "month")
        .annotate(going=Count("pk"), attended=Count("pk", filter=Q(checked_in_at__isnull=False)))
        .order_by("month", "meetup__group__name")
    )
    return [
        {
            "group": {"id": r["meetup__group_id"], "name": r["meetup__group__name"]},
            "month": r["month"].strftime("%Y-%m"),
            "going": r["going"],
            "attended": r["attended"],
        }
        for r in rows
    ]
