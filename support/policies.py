"""Who may do what with organisations, directory entries, articles and talk requests.

One answer for REST and pages alike. Fetchers (``*_for_user``) raise ``NotFound`` whether
the thing is missing or hidden from the person, so existence never leaks.
"""

from community import policies as community_policies
from community.errors import NotFound
from community.models import Article, Organisation, SupportEntry, TalkRequest


def can_act_for(*, user, organisation_id: int | None) -> bool:
    """Coordinators act for their own organisation, and only for it."""
    return (
        community_policies.is_coordinator(user)
        and organisation_id is not None
        and user.organisation_id == organisation_id
    )


def can_write_support(*, user) -> bool:
    """Coordinators with an organisation write directory entries and articles for it."""
    return community_policies.is_coordinator(user) and user.organisation_id is not None


def can_edit_organisation(*, user, organisation: Organisation) -> bool:
    return can_act_for(user=user, organisation_id=organisation.pk)


def can_edit_entry(*, user, entry: SupportEntry) -> bool:
    return can_act_for(user=user, organisation_id=entry.organisation_id)


def can_see_entry(*, user, entry: SupportEntry) -> bool:
    """Published entries are public; drafts only to their organisation's coordinators."""
    return entry.is_published or can_edit_entry(user=user, entry=entry)


def can_edit_article(*, user, article: Article) -> bool:
    return can_act_for(user=user, organisation_id=article.organisation_id)


def can_see_article(*, user, article: Article) -> bool:
    return article.is_published or can_edit_article(user=user, article=article)


def handles_talk_requests_in(*, user, municipality_id: int | None) -> bool:
    """The municipality's own carer-support unit answers its talk requests, nobody else.

    Coordinators of associations and national bodies do not see them: a member asked the
    municipality, and what they wrote stays with its staff.
    """
    return community_policies.is_unit_staff_of(user=user, municipality_id=municipality_id)


def can_handle_talk_request(*, user, talk_request: TalkRequest) -> bool:
    return handles_talk_requests_in(user=user, municipality_id=talk_request.municipality_id)


def is_talk_request_owner(*, user, talk_request: TalkRequest) -> bool:
    return community_policies.is_signed_in(user) and talk_request.user_id == user.pk


def can_see_talk_request(*, user, talk_request: TalkRequest) -> bool:
    return is_talk_request_owner(user=user, talk_request=talk_request) or (
        can_handle_talk_request(user=user, talk_request=talk_request)
    )


# --- fetchers -----------------------------------------------------------------------------


def _lookup(*, pk=None, slug=None) -> dict:
    """By id when given, else by slug; a blank slug finds nothing."""
    return {"pk": pk} if pk is not None else {"slug": slug or ""}


def organisation_for_user(*, user, organisation_id=None, slug=None) -> Organisation:
    """Organisations are public: this only answers NotFound for unknown ones."""
    lookup = _lookup(pk=organisation_id, slug=slug)
    organisation = Organisation.objects.select_related("municipality").filter(**lookup).first()
    if organisation is None:
        raise NotFound()
    return organisation


def entry_for_user(*, user, entry_id=None, slug=None) -> SupportEntry:
    lookup = _lookup(pk=entry_id, slug=slug)
    entry = (
        SupportEntry.objects.select_related("organisation", "municipality").filter(**lookup).first()
    )
    if entry is None or not can_see_entry(user=user, entry=entry):
        raise NotFound()
    return entry


def article_for_user(*, user, article_id=None, slug=None) -> Article:
    lookup = _lookup(pk=article_id, slug=slug)
    article = Article.objects.select_related("organisation").filter(**lookup).first()
    if article is None or not can_see_article(user=user, article=article):
        raise NotFound()
    return article


def talk_request_for_user(*, user, request_id) -> TalkRequest:
    talk_request = (
        TalkRequest.objects.select_related("user", "municipality", "handled_by")
        .filter(pk=request_id)
        .first()
    )
    if talk_request is None or not can_see_talk_request(user=user, talk_request=talk_request):
        raise NotFound()
    return talk_request
