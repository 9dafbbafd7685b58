"""Reads of find-support: organisations and their staffed hours, the directory, articles,
talk requests, and what the finder chooses from. Payload builders serve API and pages."""

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import formats
from django.utils.text import capfirst

from community import policies as community_policies
from community.models import (
    Article,
    Municipality,
    Organisation,
    StaffedHours,
    SupportEntry,
    TalkProposal,
    TalkRequest,
    Weekday,
)
from groups import policies as group_policies
from groups import selectors as group_selectors
from groups.models import PeerGroup
from support import finder, policies, search
from support.content import render_markdown

PAGE_LIMIT = 50
SEARCH_LIMIT = 50
ORGANISATION_LIST_LIMIT = 20


def stockholm() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _municipality(municipality: Municipality | None) -> dict | None:
    if municipality is None:
        return None
    return {"code": municipality.code, "name": municipality.name, "county": municipality.county}


# --- staffed hours ------------------------------------------------------------------------


def _hours(organisation: Organisation) -> list[StaffedHours]:
    return sorted(organisation.opening_hours.all(), key=lambda h: (h.weekday, h.opens))


def organisation_is_staffed(*, organisation: Organisation, at: datetime) -> bool:
    """Whether staff answer at ``at`` (any aware time), read in Stockholm's local time."""
    local = at.astimezone(stockholm())
    now = local.time()
    return any(
        hours.weekday == local.weekday() and hours.opens <= now < hours.closes
        for hours in _hours(organisation)
    )


def _clock(value) -> str:
    return formats.time_format(value, "H.i")


def _day_runs(days: list[int]) -> str:
    """[0, 1, 2, 3, 4] -> "Monday–Friday"; [1, 3] -> "Tuesday, Thursday"."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    names = [
        str(Weekday(run[0]).label)
        if len(run) == 1
        else f"{Weekday(run[0]).label}–{Weekday(run[-1]).label}"
        for run in runs
    ]
    return ", ".join(names)


def staffed_hours_text(organisation: Organisation) -> list[str]:
    """Lines to show, days with the same hours together: ["Monday–Friday 08.00–16.30"]."""
    by_day = {
        day: tuple((h.opens, h.closes) for h in hours)
        for day, hours in groupby(_hours(organisation), key=lambda h: h.weekday)
    }
    lines = []
    for stretches in dict.fromkeys(by_day.values()):
        days = [day for day, same in by_day.items() if same == stretches]
        times = ", ".join(f"{_clock(opens)}–{_clock(closes)}" for opens, closes in stretches)
        lines.append(capfirst(f"{_day_runs(days)} {times}"))
    return lines


def opening_hours_payload(organisation: Organisation) -> list[dict]:
    return [
        {
            "weekday": hours.weekday,
            "opens": hours.opens.strftime("%H:%M"),
            "closes": hours.closes.strftime("%H:%M"),
        }
        for hours in _hours(organisation)
    ]


# --- organisations ------------------------------------------------------------------------


def organisation_list(
    *, municipality: Municipality | None = None, kind: str | None = None, after_id=None
) -> tuple[list[Organisation], bool]:
    found = (
        Organisation.objects.select_related("municipality")
        .prefetch_related("opening_hours")
        .order_by("pk")
    )
    if municipality is not None:
        found = found.filter(Q(municipality=municipality) | Q(municipality=None))
    if kind:
        found = found.filter(kind=kind)
    if after_id is not None:
        found = found.filter(pk__gt=after_id)
    page = list(found[: ORGANISATION_LIST_LIMIT + 1])
    return page[:ORGANISATION_LIST_LIMIT], len(page) > ORGANISATION_LIST_LIMIT


def organisation_url(organisation: Organisation) -> str:
    return f"/organisationer/{organisation.slug}/"


def organisation_payload(organisation: Organisation, *, now: datetime) -> dict:
    return {
        "id": organisation.pk,
        "slug": organisation.slug,
        "name": organisation.name,
        "kind": organisation.kind,
        "municipality": _municipality(organisation.municipality),
        "description": organisation.description,
        "phone": organisation.phone,
        "email": organisation.email,
        "website": organisation.website,
        "address": organisation.address,
        "staffed_hours": organisation.staffed_hours,
        "opening_hours": opening_hours_payload(organisation),
        "staffed_hours_text": staffed_hours_text(organisation),
        "is_staffed_now": organisation_is_staffed(organisation=organisation, at=now),
        "url": organisation_url(organisation),
    }


def organisation_offer(*, organisation: Organisation, user) -> dict:
    """What an organisation offers: its published entries and articles, groups, meetups."""
    groups = list(
        PeerGroup.objects.filter(organisation=organisation, is_archived=False).order_by("name")
    )
    meetups = group_selectors.upcoming_meetups().filter(
        group__organisation=organisation, group__is_archived=False
    )
    return {
        "entries": list(
            entries_visible(user=user).filter(organisation=organisation).order_by("title", "pk")
        ),
        "articles": list(
            articles_visible(user=user).filter(organisation=organisation)[:PAGE_LIMIT]
        ),
        "groups": groups,
        "meetups": group_selectors.with_place_visibility(
            meetups.select_related("group__municipality")[: group_selectors.UPCOMING_LIMIT],
            user=user,
        ),
    }


def organisation_detail_payload(*, organisation: Organisation, user, now: datetime) -> dict:
    offer = organisation_offer(organisation=organisation, user=user)
    own = (
        {"on_call_email": organisation.on_call_email}
        if policies.can_edit_organisation(user=user, organisation=organisation)
        else {}
    )
    return {
        **organisation_payload(organisation, now=now),
        **own,
        "entries": [entry_ref(entry) for entry in offer["entries"]],
        "articles": [article_ref(article) for article in offer["articles"]],
        "groups": [
            {"id": group.pk, "name": group.name, "url": f"/grupper/{group.pk}/"}
            for group in offer["groups"]
        ],
        "meetups": [
            group_selectors.meetup_summary_for(meetup, user=user) for meetup in offer["meetups"]
        ],
    }


def municipal_unit(*, municipality: Municipality | None) -> Organisation | None:
    """The carer-support unit of a municipality, the one that answers talk requests."""
    if municipality is None:
        return None
    return (
        Organisation.objects.filter(
            municipality=municipality, kind=Organisation.Kind.MUNICIPAL_UNIT
        )
        .order_by("pk")
        .first()
    )


# --- the support directory ----------------------------------------------------------------


@dataclass(frozen=True)
class EntryFilters:
    q: str = ""
    category: str | None = None
    municipality: Municipality | None = None
    age: int | None = None
    cares_for: str | None = None


def entries_visible(*, user) -> QuerySet[SupportEntry]:
    """Published entries, and the drafts of the coordinator's own organisation."""
    visible = Q(is_published=True)
    if policies.can_write_support(user=user):
        visible |= Q(organisation_id=user.organisation_id)
    return SupportEntry.objects.filter(visible).select_related("organisation", "municipality")


def _filtered(entries: QuerySet[SupportEntry], filters: EntryFilters) -> QuerySet[SupportEntry]:
    if filters.category:
        entries = entries.filter(
            Q(category=filters.category) | Q(extra_categories__icontains=f'"{filters.category}"')
        )
    if filters.municipality is not None:
        entries = entries.filter(Q(municipality=filters.municipality) | Q(municipality=None))
    if filters.age is not None:
        entries = entries.filter(
            Q(min_age__isnull=True) | Q(min_age__lte=filters.age),
            Q(max_age__isnull=True) | Q(max_age__gte=filters.age),
        )
    if filters.cares_for:
        entries = entries.filter(Q(cares_for=[]) | Q(cares_for__icontains=f'"{filters.cares_for}"'))
    return entries


def entry_search(
    *, user, filters: EntryFilters, after_id: int | None = None
) -> tuple[list[SupportEntry], bool]:
    """Entries matching the filters and words: best match first with words (at most
    ``SEARCH_LIMIT``, no further page), by title a page at a time without."""
    entries = _filtered(entries_visible(user=user), filters)
    if filters.q.strip():
        return search.ranked(entries, query=filters.q, limit=SEARCH_LIMIT), False
    entries = entries.order_by("title", "pk")
    if after_id is not None:
        last = SupportEntry.objects.filter(pk=after_id).values_list("title", flat=True).first()
        if last is None:
            return [], False
        entries = entries.filter(Q(title__gt=last) | Q(title=last, pk__gt=after_id))
    page = list(entries[: PAGE_LIMIT + 1])
    return page[:PAGE_LIMIT], len(page) > PAGE_LIMIT


def entry_url(entry: SupportEntry) -> str:
    return f"/stod/{entry.slug}/"


def entry_ref(entry: SupportEntry) -> dict:
    return {
        "id": entry.pk,
        "slug": entry.slug,
        "title": entry.title,
        "summary": entry.summary,
        "category": entry.category,
        "url": entry_url(entry),
    }


def entry_payload(entry: SupportEntry) -> dict:
    return {
        **entry_ref(entry),
        "organisation": {
            "id": entry.organisation_id,
            "slug": entry.organisation.slug,
            "name": entry.organisation.name,
            "kind": entry.organisation.kind,
        },
        "body": entry.body,
        "extra_categories": entry.extra_categories,
        "min_age": entry.min_age,
        "max_age": entry.max_age,
        "cares_for": entry.cares_for,
        "situations": entry.situations,
        "municipality": _municipality(entry.municipality),
        "phone": entry.phone,
        "email": entry.email,
        "website": entry.website,
        "address": entry.address,
        "opening_hours": entry.opening_hours,
        "languages": entry.languages,
        "is_municipal_service": entry.is_municipal_service,
        "how_to_apply": entry.how_to_apply,
        "is_crisis_line": entry.is_crisis_line,
        "last_checked_at": entry.last_checked_at.isoformat(),
        "verify_before_production": entry.verify_before_production,
        "is_published": entry.is_published,
    }


def crisis_lines() -> list[SupportEntry]:
    """Crisis numbers: shown whatever anyone answered, never filtered away."""
    return list(
        SupportEntry.objects.filter(is_published=True, is_crisis_line=True)
        .select_related("organisation", "municipality")
        .order_by("title", "pk")
    )


def entries_for_organisation_staff(*, user) -> QuerySet[SupportEntry]:
    """A coordinator's own organisation's entries, drafts included, for managing them."""
    if not policies.can_write_support(user=user):
        return SupportEntry.objects.none()
    return SupportEntry.objects.filter(organisation_id=user.organisation_id).order_by("title", "pk")


# --- knowledge articles -------------------------------------------------------------------


def articles_visible(*, user) -> QuerySet[Article]:
    visible = Q(is_published=True)
    if policies.can_write_support(user=user):
        visible |= Q(organisation_id=user.organisation_id)
    return Article.objects.filter(visible).select_related("organisation").order_by("-pk")


def article_list(
    *, user, category: str | None = None, before_id: int | None = None
) -> tuple[list[Article], bool]:
    """Newest first, a page at a time."""
    found = articles_visible(user=user)
    if category:
        found = found.filter(categories__icontains=f'"{category}"')
    if before_id is not None:
        found = found.filter(pk__lt=before_id)
    page = list(found[: PAGE_LIMIT + 1])
    return page[:PAGE_LIMIT], len(page) > PAGE_LIMIT


def article_url(article: Article) -> str:
    return f"/kunskap/{article.slug}/"


def article_ref(article: Article) -> dict:
    return {
        "id": article.pk,
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "categories": article.categories,
        "url": article_url(article),
    }


def article_payload(article: Article, *, user=None) -> dict:
    meetups = article.meetups.select_related("group__municipality").order_by("starts_at", "pk")
    return {
        **article_ref(article),
        "organisation": {"id": article.organisation_id, "name": article.organisation.name},
        "body_markdown": article.body_markdown,
        "body_html": render_markdown(article.body_markdown),
        "is_published": article.is_published,
        "meetups": [group_selectors.meetup_summary_for(meetup, user=user) for meetup in meetups],
        "created_at": article.created_at.isoformat(),
        "updated_at": article.updated_at.isoformat(),
    }


def articles_for_meetup(*, meetup) -> list[Article]:
    """Published articles linked to a (lecture) meetup, for its page."""
    return list(meetup.articles.filter(is_published=True).order_by("title", "pk"))


# --- talk requests ------------------------------------------------------------------------


def talk_requests_for_user(
    *, user, status: str | None = None, after_id: int | None = None
) -> tuple[list[TalkRequest], bool]:
    """A coordinator's municipality's queue, or a member's own requests; oldest first."""
    found = TalkRequest.objects.select_related("user", "municipality", "handled_by")
    organisation = getattr(user, "organisation", None)
    if organisation is not None and policies.handles_talk_requests_in(
        user=user, municipality_id=organisation.municipality_id
    ):
        found = found.filter(municipality_id=organisation.municipality_id)
    else:
        found = found.filter(user=user)
    if status:
        found = found.filter(status=status)
    if after_id is not None:
        found = found.filter(pk__gt=after_id)
    page = list(found.order_by("pk")[: PAGE_LIMIT + 1])
    return page[:PAGE_LIMIT], len(page) > PAGE_LIMIT


def talk_requests_own(*, user, limit: int = 20) -> list[TalkRequest]:
    """A person's own requests, newest first (a handful: one may be open at a time)."""
    found = TalkRequest.objects.filter(user=user).select_related("municipality")
    return list(found.order_by("-pk")[:limit])


def open_talk_request(*, user) -> TalkRequest | None:
    return TalkRequest.objects.filter(user=user).exclude(status=TalkRequest.Status.CLOSED).first()


def talk_request_payload(talk_request: TalkRequest) -> dict:
    """What the member sees: never the internal note, nor who handles it."""
    return {
        "id": talk_request.pk,
        "municipality": _municipality(talk_request.municipality),
        "channel": talk_request.channel,
        "phone": talk_request.phone,
        "preferred_times": talk_request.preferred_times,
        "topic": talk_request.topic,
        "status": talk_request.status,
        "created_at": talk_request.created_at.isoformat(),
        "updated_at": talk_request.updated_at.isoformat(),
    }


def talk_request_staff_payload(talk_request: TalkRequest) -> dict:
    """What the municipality's coordinators see, to get in touch."""
    member = talk_request.user
    handler = talk_request.handled_by
    return {
        **talk_request_payload(talk_request),
        "member": {
            "id": member.pk,
            "display_name": member.display_name,
            "age_band": community_policies.age_band(birth_year=member.birth_year),
            "is_minor": member.is_minor,
        },
        "internal_note": talk_request.internal_note,
        "handled_by": {"id": handler.pk, "display_name": handler.public_name} if handler else None,
    }


def talk_time(value) -> str:
    """A proposed time in Stockholm, in the active language: "tisdag 3 december, 14.30"."""
    local = value.astimezone(stockholm())
    return f"{formats.date_format(local, 'l j F')}, {_clock(local)}"


def talk_proposals(*, talk_request: TalkRequest) -> list[TalkProposal]:
    return list(talk_request.proposals.order_by("-pk")[:20])


def talk_proposal_payload(proposal: TalkProposal) -> dict:
    """The same for the member and staff: the time, the message, the member's answer."""
    return {
        "id": proposal.pk,
        "starts_at": proposal.starts_at.astimezone(UTC).isoformat(),
        "message": proposal.message,
        "status": proposal.status,
        "reply": proposal.reply,
    }


# --- the finder ---------------------------------------------------------------------------

FINDER_GROUPS = 100
FINDER_MEETUPS = 50
FINDER_ARTICLES = 100


def finder_candidates(*, answers, user) -> finder.Candidates:
    """Everything the finder may answer with for this place and age; it ranks them. A
    meetup of a group with under-18s is offered only to those who may see where it meets
    (``meetup_visible_fields``): everyone else is led to the group."""
    place = answers.municipality
    entries = _filtered(
        SupportEntry.objects.filter(is_published=True).select_related(
            "organisation", "municipality"
        ),
        EntryFilters(municipality=place, age=answers.age),
    )
    if place is None:
        entries = entries.filter(municipality=None)
    groups, _more = group_selectors.group_directory(
        municipality=place, age=answers.age, limit=FINDER_GROUPS
    )
    if place is None:  # no place given: only the groups that meet online, for everyone
        groups = [group for group in groups if group.municipality_id is None]
    meetups = (
        group_selectors.upcoming_meetups()
        .filter(group_id__in=[group.pk for group in groups])
        .select_related("group")[:FINDER_MEETUPS]
    )
    meetups = [
        meetup
        for meetup in meetups
        if group_policies.meetup_visible_fields(user=user, meetup=meetup) is None
    ]
    articles = Article.objects.filter(is_published=True).order_by("-pk")[:FINDER_ARTICLES]
    return finder.Candidates(
        entries=list(entries), groups=groups, meetups=meetups, articles=list(articles)
    )


def finder_answer(*, answers, user, now: datetime) -> dict:
    """Ranked results with reasons and next steps, and the crisis lines, always."""
    results = finder.rank(answers, finder_candidates(answers=answers, user=user), now=now)
    unit = municipal_unit(municipality=answers.municipality)
    return {
        "results": [result.as_dict() for result in results],
        "crisis": [crisis_line_payload(entry) for entry in crisis_lines()],
        "municipal_unit": (
            {"id": unit.pk, "name": unit.name, "url": organisation_url(unit)} if unit else None
        ),
        "next": None,
    }


def crisis_line_payload(entry: SupportEntry) -> dict:
    url = entry_url(entry)
    return {
        "id": entry.pk,
        "title": entry.title,
        "summary": entry.summary,
        "phone": entry.phone,
        "url": url,
        "next_step": finder.call_step(entry.phone)
        if entry.phone
        else finder.entry_next_step(entry, url),
    }
