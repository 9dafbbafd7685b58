"""Every change in find-support: organisations' details and hours, directory entries,
articles, talk requests, and saving finder answers to one's profile.

Each service re-checks its policy: the caller's check is not trusted.
"""

import re
from dataclasses import dataclass, fields
from datetime import time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community import ports, retention
from community import selectors as community_selectors
from community import services as community_services
from community.errors import Conflict, Forbidden, Invalid, NotFound
from community.models import (
    AccessEntry,
    Article,
    CaresFor,
    Municipality,
    Organisation,
    SituationTag,
    StaffedHours,
    SupportEntry,
    TalkProposal,
    TalkRequest,
    Theme,
    User,
)
from community.services import Profile
from groups.models import Meetup
from support import policies, selectors


def _fields_error(error: ValidationError) -> Invalid:
    return Invalid(fields={k: [str(m) for m in v] for k, v in error.message_dict.items()})


def _unique_slug(model, title: str, *, fallback: str, exclude_pk=None) -> str:
    base = slugify(title)[:150] or fallback
    slug, n = base, 1
    taken = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_choices(values, allowed, field: str, errors: dict) -> None:
    if not isinstance(values, list | tuple) or not set(values) <= set(allowed):
        errors[field] = [_("Choose from the list.")]


# --- organisations ------------------------------------------------------------------------


ORGANISATION_FIELDS = (
    "description",
    "phone",
    "email",
    "website",
    "address",
    "staffed_hours",
    "on_call_email",
)


@dataclass(frozen=True)
class Hours:
    weekday: int
    opens: time
    closes: time


def _check_hours(hours: list[Hours]) -> None:
    """Each stretch must end after it starts, and stretches of a day must not overlap."""
    errors = []
    for day in range(7):
        stretches = sorted((h.opens, h.closes) for h in hours if h.weekday == day)
        for opens, closes in stretches:
            if closes <= opens:
                errors.append(_("A stretch must end after it starts."))
        for (_opens, closes), (next_opens, _closes) in zip(stretches, stretches[1:], strict=False):
            if next_opens < closes:
                errors.append(_("Two stretches of the same day overlap."))
    if any(not 0 <= h.weekday <= 6 for h in hours):
        errors.append(_("A weekday is 0 (Monday) to 6 (Sunday)."))
    if errors:
        raise Invalid(fields={"opening_hours": sorted(set(errors))})


@transaction.atomic
def organisation_update(
    *, user, organisation_id: int, changes: dict, hours: list[Hours] | None = None
) -> Organisation:
    """Coordinators edit their own organisation; ``hours`` replaces its staffed hours."""
    organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound()
    if not policies.can_edit_organisation(user=user, organisation=organisation):
        raise Forbidden()
    for name, value in changes.items():
        if name not in ORGANISATION_FIELDS:
            raise Invalid(fields={name: [_("This cannot be changed here.")]})
        setattr(organisation, name, value)
    try:
        organisation.full_clean()
    except ValidationError as error:
        raise _fields_error(error) from error
    organisation.save()
    if hours is not None:
        _check_hours(hours)
        organisation.opening_hours.all().delete()
        StaffedHours.objects.bulk_create(
            StaffedHours(
                organisation=organisation, weekday=h.weekday, opens=h.opens, closes=h.closes
            )
            for h in hours
        )
    return organisation


# --- the support directory ----------------------------------------------------------------


@dataclass(frozen=True)
class EntryFields:
    """What coordinators write about a directory entry; the same for pages and API."""

    title: str
    summary: str
    category: str
    body: str = ""
    extra_categories: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    cares_for: tuple[str, ...] = ()
    situations: tuple[str, ...] = ()
    municipality: Municipality | None = None
    phone: str = ""
    email: str = ""
    website: str = ""
    address: str = ""
    opening_hours: str = ""
    languages: tuple[str, ...] = ()
    is_municipal_service: bool = False
    how_to_apply: str = ""
    is_crisis_line: bool = False
    is_published: bool = True


ENTRY_FIELDS = tuple(f.name for f in fields(EntryFields))


def entry_fields_of(entry: SupportEntry) -> EntryFields:
    """An entry's current fields, to merge a partial change into."""
    return EntryFields(**{name: getattr(entry, name) for name in ENTRY_FIELDS})


def _check_entry(data: EntryFields) -> None:
    errors: dict[str, list[str]] = {}
    _check_choices(data.extra_categories, Theme.values, "extra_categories", errors)
    _check_choices(data.cares_for, CaresFor.values, "cares_for", errors)
    _check_choices(data.situations, SituationTag.values, "situations", errors)
    if any(not re.fullmatch(r"[a-z]{2,3}", str(code)) for code in data.languages):
        errors["languages"] = [_("Give languages as two- or three-letter codes, like sv or ar.")]
    if data.is_municipal_service and data.municipality is None:
        errors["municipality"] = [_("A municipal service belongs to a municipality.")]
    if data.min_age is not None and data.max_age is not None and data.min_age > data.max_age:
        errors["max_age"] = [_("The oldest age must be at least the youngest.")]
    if errors:
        raise Invalid(fields=errors)


def _apply_entry(entry: SupportEntry, data: EntryFields) -> None:
    _check_entry(data)
    for name in ENTRY_FIELDS:
        value = getattr(data, name)
        if isinstance(value, list | tuple):
            value = sorted(set(value)) if name != "languages" else list(dict.fromkeys(value))
        setattr(entry, name, value)
    # A coordinator has just looked at it: it is checked now, no longer unverified seed data.
    entry.last_checked_at = timezone.localdate()
    entry.verify_before_production = False
    entry.updated_at = timezone.now()
    try:
        entry.full_clean(exclude=["slug"])
    except ValidationError as error:
        raise _fields_error(error) from error
    entry.save()


@transaction.atomic
def support_entry_create(*, user, data: EntryFields) -> SupportEntry:
    """A new directory entry of the coordinator's own organisation."""
    if not policies.can_write_support(user=user):
        raise Forbidden()
    community_services.posting_consents_check(user=user)
    entry = SupportEntry(
        organisation=user.organisation,
        created_by=user,
        slug=_unique_slug(SupportEntry, data.title, fallback="stod"),
    )
    _apply_entry(entry, data)
    return entry


def _entry_to_edit(*, user, entry_id: int) -> SupportEntry:
    entry = policies.entry_for_user(user=user, entry_id=entry_id)  # NotFound when hidden
    if not policies.can_edit_entry(user=user, entry=entry):
        raise Forbidden()
    return SupportEntry.objects.select_for_update().get(pk=entry.pk)


@transaction.atomic
def support_entry_update(*, user, entry_id: int, data: EntryFields) -> SupportEntry:
    entry = _entry_to_edit(user=user, entry_id=entry_id)
    community_services.posting_consents_check(user=user)
    _apply_entry(entry, data)
    return entry


@transaction.atomic
def support_entry_delete(*, user, entry_id: int) -> None:
    _entry_to_edit(user=user, entry_id=entry_id).delete()


# --- knowledge articles -------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleFields:
    title: str
    body_markdown: str
    summary: str = ""
    categories: tuple[str, ...] = ()
    meetup_ids: tuple[int, ...] = ()
    is_published: bool = False


def article_fields_of(article: Article) -> ArticleFields:
    return ArticleFields(
        title=article.title,
        body_markdown=article.body_markdown,
        summary=article.summary,
        categories=tuple(article.categories),
        meetup_ids=tuple(article.meetups.values_list("pk", flat=True)),
        is_published=article.is_published,
    )


def lecture_meetups_for(*, organisation_id: int):
    """The lectures an article may be linked to: its organisation's."""
    return Meetup.objects.filter(kind=Meetup.Kind.LECTURE, group__organisation_id=organisation_id)


def _apply_article(article: Article, data: ArticleFields) -> None:
    errors: dict[str, list[str]] = {}
    _check_choices(data.categories, Theme.values, "categories", errors)
    meetups = list(
        lecture_meetups_for(organisation_id=article.organisation_id).filter(pk__in=data.meetup_ids)
    )
    if len(meetups) != len(set(data.meetup_ids)):
        errors["meetups"] = [_("Link only your organisation's lectures.")]
    if errors:
        raise Invalid(fields=errors)
    article.title = data.title
    article.body_markdown = data.body_markdown
    article.summary = data.summary
    article.categories = sorted(set(data.categories))
    article.is_published = data.is_published
    article.updated_at = timezone.now()
    try:
        article.full_clean(exclude=["slug"])
    except ValidationError as error:
        raise _fields_error(error) from error
    article.save()
    article.meetups.set(meetups)


@transaction.atomic
def article_create(*, user, data: ArticleFields) -> Article:
    if not policies.can_write_support(user=user):
        raise Forbidden()
    community_services.posting_consents_check(user=user)
    article = Article(
        organisation=user.organisation,
        author=user,
        slug=_unique_slug(Article, data.title, fallback="artikel"),
    )
    _apply_article(article, data)
    return article


@transaction.atomic
def article_update(*, user, article_id: int, data: ArticleFields) -> Article:
    article = policies.article_for_user(user=user, article_id=article_id)
    if not policies.can_edit_article(user=user, article=article):
        raise Forbidden()
    community_services.posting_consents_check(user=user)
    article = Article.objects.select_for_update().get(pk=article.pk)
    _apply_article(article, data)
    return article


# --- talk to someone ----------------------------------------------------------------------


@transaction.atomic
def talk_request_create(
    *,
    user,
    channel: str,
    preferred_times: str,
    topic: str = "",
    phone: str = "",
    municipality: Municipality | None = None,
) -> TalkRequest:
    """A member asks their municipality's carer support for a conversation."""
    if not (user and user.is_authenticated):
        raise Forbidden()
    municipality = municipality or user.municipality
    if municipality is None or municipality.is_other:
        raise Invalid(fields={"municipality": [_("Choose your municipality.")]})
    if selectors.municipal_unit(municipality=municipality) is None:
        raise Invalid(
            fields={
                "municipality": [
                    _(
                        "The carer support of %(municipality)s is not on Bredvid yet. "
                        "Call your municipality and ask for anhörigstöd."
                    )
                    % {"municipality": municipality.name}
                ]
            }
        )
    if channel == TalkRequest.Channel.PHONE and not phone.strip():
        raise Invalid(fields={"phone": [_("Give a number we can call you on.")]})
    talk_request = TalkRequest(
        user=user,
        municipality=municipality,
        channel=channel,
        phone=phone.strip(),
        preferred_times=preferred_times.strip(),
        topic=topic.strip(),
    )
    try:
        talk_request.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise _fields_error(error) from error
    if selectors.open_talk_request(user=user) is not None:
        raise Conflict(_("You already have a request open. Staff will get in touch."))
    try:
        with transaction.atomic():
            talk_request.save()
    except IntegrityError as error:  # a second request at the same moment
        raise Conflict(_("You already have a request open. Staff will get in touch.")) from error
    return talk_request


def _status_title(status: str):
    label = TalkRequest.Status(status).label

    def title() -> str:
        return _("Your request to talk to someone: %(status)s") % {"status": str(label).lower()}

    return title


STATUS_TEXT = {
    TalkRequest.Status.CONTACTED: lambda: _(
        "Staff have tried to reach you. Check your phone and e-mail."
    ),
    TalkRequest.Status.BOOKED: lambda: _(
        "A conversation is booked. You can see the details from staff."
    ),
    TalkRequest.Status.CLOSED: lambda: _("The request is closed. You are welcome to ask again."),
    TalkRequest.Status.NEW: lambda: _("Your request is waiting for staff."),
}


@transaction.atomic
def talk_requests_read(*, user, talk_requests) -> None:
    """Log that staff read these requests (topic, phone, notes, replies): one insert for
    the page. A member reading their own is not logged."""
    what = AccessEntry.What.TALK_REQUEST
    community_services.access_record(
        actor=user, reads=[(what, t.user_id, t) for t in talk_requests]
    )


@transaction.atomic
def talk_request_update(
    *, user, request_id: int, status: str | None = None, internal_note: str | None = None
) -> TalkRequest:
    """The municipality's coordinators move a request on; the member hears of new status."""
    talk_request = policies.talk_request_for_user(user=user, request_id=request_id)
    if not policies.can_handle_talk_request(user=user, talk_request=talk_request):
        raise Forbidden()
    talk_request = (
        TalkRequest.objects.select_for_update().select_related("user").get(pk=talk_request.pk)
    )
    if status is not None and status not in TalkRequest.Status.values:
        raise Invalid(fields={"status": [_("Choose from the list.")]})
    changed = status is not None and status != talk_request.status
    if changed and status != TalkRequest.Status.CLOSED:
        others = TalkRequest.objects.filter(user_id=talk_request.user_id).exclude(
            pk=talk_request.pk
        )
        if others.exclude(status=TalkRequest.Status.CLOSED).exists():
            raise Conflict(_("The member has another open request."))
    if changed:
        talk_request.status = status
    if internal_note is not None:
        talk_request.internal_note = internal_note.strip()
    talk_request.handled_by = user
    talk_request.updated_at = timezone.now()
    talk_request.save()
    if changed:
        community_services.notify(
            user=talk_request.user,
            kind="talk_request",
            title=_status_title(status),
            body=STATUS_TEXT[status],
            url="/prata-med-nagon/",
        )
    return talk_request


TALK_URL = "/prata-med-nagon/"


def _proposal_for_update(*, talk_request: TalkRequest, proposal_id) -> TalkProposal:
    """The request's own proposal, locked; one not-found answer for any other id."""
    proposal = (
        TalkProposal.objects.select_for_update()
        .filter(pk=proposal_id, talk_request=talk_request)
        .first()
    )
    if proposal is None:
        raise NotFound()
    return proposal


def _open_request_for_update(talk_request: TalkRequest) -> TalkRequest:
    locked = TalkRequest.objects.select_for_update().select_related("user").get(pk=talk_request.pk)
    if locked.status == TalkRequest.Status.CLOSED:
        raise Conflict(_("The request is closed."))
    return locked


@transaction.atomic
def talk_proposal_create(*, user, request_id: int, starts_at, message: str) -> TalkProposal:
    """Staff who handle the request suggest a time; it withdraws any earlier suggestion,
    and the member hears of it."""
    talk_request = policies.talk_request_for_user(user=user, request_id=request_id)
    if not policies.can_handle_talk_request(user=user, talk_request=talk_request):
        raise Forbidden()
    errors = {}
    if starts_at <= timezone.now():
        errors["starts_at"] = [_("Choose a time that has not passed.")]
    if not message.strip():
        errors["message"] = [_("Write a message to the member.")]
    if errors:
        raise Invalid(fields=errors)
    talk_request = _open_request_for_update(talk_request)
    talk_request.proposals.filter(
        status__in=(TalkProposal.Status.PROPOSED, TalkProposal.Status.ACCEPTED)
    ).update(status=TalkProposal.Status.WITHDRAWN)
    proposal = TalkProposal.objects.create(
        talk_request=talk_request, starts_at=starts_at, message=message.strip(), proposed_by=user
    )
    talk_request.status = TalkRequest.Status.CONTACTED
    talk_request.handled_by = user
    talk_request.updated_at = timezone.now()
    talk_request.save(update_fields=["status", "handled_by", "updated_at"])
    payload = selectors.talk_proposal_payload(proposal)
    ports.audit_record(
        actor=user,
        action="talk.propose",
        target=proposal,
        details={"talk_request": talk_request.pk, "starts_at": payload["starts_at"]},
    )
    community_services.notify(
        user=talk_request.user,
        kind="talk_proposal",
        title=lambda: _("Staff suggest a time to talk"),
        body=lambda: (
            _("%(time)s. Open your request to answer.")
            % {"time": selectors.talk_time(proposal.starts_at)}
        ),
        url=TALK_URL,
    )
    return proposal


def _answer(*, user, request_id: int, proposal_id) -> tuple[TalkRequest, TalkProposal]:
    """The member's own open proposal, locked, with its request; staff may not answer."""
    talk_request = policies.talk_request_for_user(user=user, request_id=request_id)
    if not policies.is_talk_request_owner(user=user, talk_request=talk_request):
        raise Forbidden()
    talk_request = _open_request_for_update(talk_request)
    proposal = _proposal_for_update(talk_request=talk_request, proposal_id=proposal_id)
    if proposal.status != TalkProposal.Status.PROPOSED:
        raise Conflict(_("This time is no longer open. Look at the latest suggestion."))
    return talk_request, proposal


def _tell_staff(*, proposal: TalkProposal, title) -> None:
    if proposal.proposed_by is not None and proposal.proposed_by.is_active:
        community_services.notify(
            user=proposal.proposed_by,
            kind="talk_answer",
            title=title,
            url=f"/samordning/samtal/#talk-{proposal.talk_request_id}",
        )


@transaction.atomic
def talk_proposal_accept(*, user, request_id: int, proposal_id) -> TalkProposal:
    """The member takes the suggested time: the conversation is booked."""
    talk_request, proposal = _answer(user=user, request_id=request_id, proposal_id=proposal_id)
    if proposal.starts_at <= timezone.now():
        raise Conflict(_("This time has passed. Ask for another time."))
    proposal.status = TalkProposal.Status.ACCEPTED
    proposal.answered_at = timezone.now()
    proposal.save(update_fields=["status", "answered_at"])
    talk_request.status = TalkRequest.Status.BOOKED
    talk_request.updated_at = proposal.answered_at
    talk_request.save(update_fields=["status", "updated_at"])
    _tell_staff(proposal=proposal, title=lambda: _("A member accepted the time you suggested"))
    return proposal


@transaction.atomic
def talk_proposal_decline(*, user, request_id: int, proposal_id, message: str = "") -> TalkProposal:
    """The member asks for another time, perhaps saying which suits them."""
    talk_request, proposal = _answer(user=user, request_id=request_id, proposal_id=proposal_id)
    proposal.status = TalkProposal.Status.DECLINED
    proposal.reply = message.strip()
    proposal.answered_at = timezone.now()
    proposal.save(update_fields=["status", "reply", "answered_at"])
    talk_request.updated_at = proposal.answered_at
    talk_request.save(update_fields=["updated_at"])
    _tell_staff(proposal=proposal, title=lambda: _("A member asks for another time"))
    return proposal


# --- the finder ---------------------------------------------------------------------------


@transaction.atomic
def finder_answers_save(
    *,
    user: User,
    cares_for: str,
    municipality: Municipality | None,
    situation: str | None = None,
) -> User:
    """Keep finder answers in one's profile: added to whom one cares for and the situation,
    and the municipality set. Only when the person asks; the finder itself stores nothing."""
    if not (user and user.is_authenticated):
        raise Forbidden()
    current = community_selectors.profile_fields(user=user)
    profile = Profile(
        **{
            **current,
            "cares_for": tuple({*current["cares_for"], cares_for}),
            "situation_tags": tuple(
                {*current["situation_tags"], *([situation] if situation else [])}
            ),
            "municipality": municipality if municipality is not None else current["municipality"],
        }
    )
    try:
        return community_services.user_update_profile(user=user, profile=profile)
    except ValidationError as error:
        raise _fields_error(error) from error


def talk_requests_purge(*, now) -> dict[str, int]:
    """Closed talk requests, with their proposed times and replies, go a period after they
    closed (their last change); open ones stay while staff and the member are on them."""
    limit = retention.cutoff(name="talk_requests", now=now)
    closed = TalkRequest.objects.filter(status=TalkRequest.Status.CLOSED, updated_at__lte=limit)
    return closed.delete()[1]
