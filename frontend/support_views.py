"""Pages of find-support: the finder, the directory, organisations, knowledge, talking to
someone, and the coordinators' pages to keep it all up to date.

Views parse, call one service or selector, and render. Every refusal is a ``BredvidError``
from the services: its ``fields`` land on the form, anything else at its top. Pages that
are not the person's to see answer 404, as the API does: existence never leaks.
"""

from django.conf.locale import LANG_INFO
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import policies as community_policies
from community.errors import BredvidError, Forbidden, NotFound
from community.models import CaresFor, SituationTag, TalkRequest
from frontend.support_forms import (
    ArticleFilterForm,
    ArticleForm,
    DirectoryForm,
    EntryForm,
    FinderForm,
    FinderSaveForm,
    OrganisationForm,
    TalkAnswerForm,
    TalkHandleForm,
    TalkProposalForm,
    TalkRequestForm,
)
from groups import selectors as group_selectors
from groups.models import Theme
from moderation.services import conversations
from support import policies, selectors, services
from support.content import render_markdown

KIND_LABELS = {
    "entry": gettext_lazy("Support"),
    "group": gettext_lazy("Peer group"),
    "meetup": gettext_lazy("Meetup"),
    "article": gettext_lazy("Article"),
}


# --- helpers ------------------------------------------------------------------------------


def _or_404(fetch, **kwargs):
    try:
        return fetch(**kwargs)
    except NotFound:
        raise Http404 from None


def _add_errors(form, error: BredvidError) -> None:
    """A service refusal on the form: each field's errors on it, anything else at the top."""
    if not error.fields:
        form.add_error(None, str(error.detail))
        return
    for name, field_messages in error.fields.items():
        for message in field_messages:
            form.add_error(name if name in form.fields else None, str(message))


def _labels(values, choices) -> list[str]:
    chosen = set(values or ())
    return [label for value, label in choices if value in chosen]


def _language_names(codes) -> list[str]:
    return [LANG_INFO.get(code, {}).get("name_local", code) for code in codes]


def _kind_label(kind: str) -> str:
    return str(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def _crisis() -> list[dict]:
    return [selectors.crisis_line_payload(entry) for entry in selectors.crisis_lines()]


# --- the finder ---------------------------------------------------------------------------


def _finder_initial(user) -> dict:
    """A signed-in person's profile fills in what it can; the answers stay theirs to change."""
    if not user.is_authenticated:
        return {}
    return {
        "cares_for": (user.cares_for or [None])[0],
        "age": user.age,
        "municipality": user.municipality.code if user.municipality else None,
        "situation": (user.situation_tags or [""])[0],
    }


@require_GET
def finder(request):
    """Lotsen: a few questions, then ranked answers. Nothing is stored, no session written."""
    form = FinderForm(request.GET or None, initial=_finder_initial(request.user))
    context = {"form": form, "answer": None, "crisis": None}
    if form.is_bound and form.is_valid():
        answers = form.answers()
        answer = selectors.finder_answer(answers=answers, user=request.user, now=timezone.now())
        for result in answer["results"]:
            result["kind_label"] = _kind_label(result["kind"])
        context["answer"] = answer
        context["crisis"] = answer["crisis"]
        context["save_form"] = FinderSaveForm(
            initial={
                "cares_for": answers.cares_for,
                "municipality": answers.municipality.code if answers.municipality else "",
                "situation": answers.situation or "",
            }
        )
    else:
        context["crisis"] = _crisis()
    context["is_coordinator"] = policies.can_write_support(user=request.user)
    context["handles_talk"] = _handles_talk(request.user)
    return render(request, "frontend/support/finder.html", context)


@require_POST
@login_required
def finder_save(request):
    """Keep the finder's answers in one's profile, only when asked."""
    form = FinderSaveForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("frontend:finder")
    if not form.is_valid():
        messages.error(request, _("The answers could not be saved. Try the questions again."))
        return redirect(back)
    try:
        services.finder_answers_save(
            user=request.user,
            cares_for=form.cleaned_data["cares_for"],
            municipality=form.cleaned_data["municipality"],
            situation=form.cleaned_data["situation"] or None,
        )
    except BredvidError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("Your answers are saved in your profile."))
    return redirect(back)


# --- the support directory ----------------------------------------------------------------


@require_GET
def directory(request):
    form = DirectoryForm(request.GET)
    found, has_more = [], False
    if form.is_valid():
        found, has_more = selectors.entry_search(
            user=request.user, filters=form.filters(), after_id=form.cleaned_data["after"]
        )
    cards = [
        {"entry": entry, "category": dict(Theme.choices).get(entry.category, entry.category)}
        for entry in found
    ]
    context = {
        "form": form,
        "cards": cards,
        "next_after": found[-1].pk if has_more else None,
        "searched": bool(request.GET.get("q")),
        "filtered": any(value for name, value in request.GET.items() if name != "after"),
    }
    return render(request, "frontend/support/directory.html", context)


@require_GET
def entry_detail(request, slug: str):
    entry = _or_404(policies.entry_for_user, user=request.user, slug=slug)
    context = {
        "entry": entry,
        "categories": _labels([entry.category, *entry.extra_categories], Theme.choices),
        "cares_for": _labels(entry.cares_for, CaresFor.choices),
        "situations": _labels(entry.situations, SituationTag.choices),
        "languages": _language_names(entry.languages),
        "can_edit": policies.can_edit_entry(user=request.user, entry=entry),
        "talk_url": reverse("frontend:talk")
        if entry.is_municipal_service and entry.category == "samtalsstod"
        else None,
    }
    return render(request, "frontend/support/entry.html", context)


# --- organisations ------------------------------------------------------------------------


@require_GET
def organisation_detail(request, slug: str):
    organisation = _or_404(policies.organisation_for_user, user=request.user, slug=slug)
    hours = selectors.staffed_hours_text(organisation)
    note = organisation.staffed_hours.strip()
    context = {
        "organisation": organisation,
        "offer": selectors.organisation_offer(organisation=organisation, user=request.user),
        "hours": hours,
        # The free text adds what the times do not say; it is not repeated when it is the same.
        "hours_note": "" if note.casefold() in {line.casefold() for line in hours} else note,
        "is_staffed_now": selectors.organisation_is_staffed(
            organisation=organisation, at=timezone.now()
        ),
        "can_edit": policies.can_edit_organisation(user=request.user, organisation=organisation),
    }
    return render(request, "frontend/support/organisation.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def organisation_edit(request, slug: str):
    organisation = _or_404(policies.organisation_for_user, user=request.user, slug=slug)
    if not policies.can_edit_organisation(user=request.user, organisation=organisation):
        raise Http404
    if request.method == "GET":
        form = OrganisationForm(initial=OrganisationForm.initial_for(organisation))
    else:
        form = OrganisationForm(request.POST)
        if form.is_valid():
            try:
                services.organisation_update(
                    user=request.user,
                    organisation_id=organisation.pk,
                    changes=form.changes(),
                    hours=form.hours(),
                )
            except BredvidError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The organisation's page is updated."))
                return redirect("frontend:organisation", slug=organisation.slug)
    context = {"organisation": organisation, "form": form}
    return render(request, "frontend/support/organisation_form.html", context)


# --- knowledge ----------------------------------------------------------------------------


@require_GET
def article_list(request):
    form = ArticleFilterForm(request.GET)
    found, has_more = [], False
    if form.is_valid():
        found, has_more = selectors.article_list(
            user=request.user,
            category=form.cleaned_data["category"] or None,
            before_id=form.cleaned_data["before"],
        )
    context = {
        "form": form,
        "articles": [
            {"article": a, "categories": _labels(a.categories, Theme.choices)} for a in found
        ],
        "next_before": found[-1].pk if has_more else None,
        "filtered": bool(request.GET.get("category")),
    }
    return render(request, "frontend/support/articles.html", context)


@require_GET
def article_detail(request, slug: str):
    article = _or_404(policies.article_for_user, user=request.user, slug=slug)
    context = {
        "article": article,
        # Rendered and sanitised by nh3 (support.content): safe to show as it is.
        "body_html": mark_safe(render_markdown(article.body_markdown)),  # noqa: S308
        "categories": _labels(article.categories, Theme.choices),
        "meetups": group_selectors.with_place_visibility(
            article.meetups.filter(starts_at__gt=timezone.now()).order_by("starts_at"),
            user=request.user,
        ),
        "can_edit": policies.can_edit_article(user=request.user, article=article),
    }
    return render(request, "frontend/support/article.html", context)


# --- talk to someone ----------------------------------------------------------------------


def _handles_talk(user) -> bool:
    organisation = getattr(user, "organisation", None)
    return organisation is not None and policies.handles_talk_requests_in(
        user=user, municipality_id=organisation.municipality_id
    )


def _talk_context(request, form=None) -> dict:
    user = request.user
    context = {"crisis": _crisis(), "form": form, "open_request": None, "earlier": []}
    if not user.is_authenticated:
        return context
    mine = selectors.talk_requests_own(user=user)
    context["unit"] = selectors.municipal_unit(municipality=user.municipality)
    context["open_request"] = next((t for t in mine if t.status != "closed"), None)
    context["earlier"] = [t for t in mine if t.status == "closed"][:5]
    if context["open_request"] is not None:
        context["proposals"] = _proposals(context["open_request"])
    if context["open_request"] is None and form is None:
        context["form"] = TalkRequestForm()
    return context


@require_http_methods(["GET", "POST"])
def talk(request):
    """Ask the municipality's carer support for a conversation, and see how it goes."""
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={reverse('frontend:talk')}")
    if request.method == "GET":
        return render(request, "frontend/support/talk.html", _talk_context(request))
    form = TalkRequestForm(request.POST)
    if form.is_valid():
        try:
            services.talk_request_create(user=request.user, **form.cleaned_data)
        except BredvidError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Your request is sent. Staff will get in touch as you asked.")
            )
            return redirect("frontend:talk")
    return render(request, "frontend/support/talk.html", _talk_context(request, form))


def _proposals(talk_request) -> list[dict]:
    """Staff's suggested times, newest first, with the time as the reader reads it."""
    return [
        {
            "proposal": proposal,
            "time": selectors.talk_time(proposal.starts_at),
            "is_open": proposal.status == "proposed",
            "answer_form": TalkAnswerForm(prefix=f"answer-{proposal.pk}"),
        }
        for proposal in selectors.talk_proposals(talk_request=talk_request)
    ]


def _error_text(error: BredvidError) -> str:
    """A refusal as one line: the first field's message, else the detail."""
    for errors in (error.fields or {}).values():
        return str(errors[0])
    return str(error.detail)


@require_POST
@login_required
def talk_answer(request, request_id: int, proposal_id: int):
    """The member takes a suggested time or asks for another."""
    form = TalkAnswerForm(request.POST, prefix=f"answer-{proposal_id}")
    if not form.is_valid():
        messages.error(request, _("Keep the message under 1,000 characters."))
        return redirect("frontend:talk")
    answer = form.cleaned_data["answer"]
    ids = {"user": request.user, "request_id": request_id, "proposal_id": proposal_id}
    try:
        if answer == "accept":
            services.talk_proposal_accept(**ids)
        else:
            services.talk_proposal_decline(**ids, message=form.cleaned_data["message"])
    except NotFound:
        raise Http404 from None
    except BredvidError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("The time is booked. Staff will get in touch then.")
            if answer == "accept"
            else _("Staff are told that you want another time."),
        )
    return redirect("frontend:talk")


def _queue_or_404(request) -> None:
    if not _handles_talk(request.user):
        raise Http404


@require_GET
@login_required
def talk_queue(request):
    """The municipality's talk requests, for its carer-support coordinators only."""
    _queue_or_404(request)
    status = request.GET.get("status") or None
    if status not in (None, *TalkRequest.Status.values):
        status = None
    found, has_more = selectors.talk_requests_for_user(
        user=request.user, status=status, after_id=_int(request.GET.get("after"))
    )
    services.talk_requests_read(user=request.user, talk_requests=found)
    items = [
        {
            "request": item,
            "age_band": community_policies.age_band(birth_year=item.user.birth_year),
            "channel": item.get_channel_display(),
            "form": TalkHandleForm(
                prefix=f"talk-{item.pk}",
                initial={"status": item.status, "internal_note": item.internal_note},
            ),
            "propose_form": TalkProposalForm(prefix=f"propose-{item.pk}"),
            "proposals": _proposals(item)[:3],
            "can_erase": community_policies.can_erase_member(user=request.user, member=item.user),
        }
        for item in found
    ]
    context = {
        "items": items,
        "status": status or "",
        "statuses": TalkRequest.Status.choices,
        "next_after": found[-1].pk if has_more else None,
    }
    return render(request, "frontend/support/talk_queue.html", context)


def _int(value) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_POST
@login_required
def talk_handle(request, request_id: int):
    _queue_or_404(request)
    form = TalkHandleForm(request.POST, prefix=f"talk-{request_id}")
    if not form.is_valid():
        messages.error(request, _("Choose a status. A note can be at most 2,000 characters."))
    else:
        try:
            services.talk_request_update(
                user=request.user, request_id=request_id, **form.cleaned_data
            )
        except NotFound:
            raise Http404 from None
        except BredvidError as error:
            messages.error(request, str(error.detail))
        else:
            messages.success(request, _("The request is updated."))
    return redirect(reverse("frontend:talk_queue") + f"#talk-{request_id}")


@require_POST
@login_required
def talk_propose(request, request_id: int):
    """Staff suggest a time; the member is told and answers on their page."""
    _queue_or_404(request)
    form = TalkProposalForm(request.POST, prefix=f"propose-{request_id}")
    if not form.is_valid():
        messages.error(request, _("Give a time and a message to the member."))
    else:
        try:
            services.talk_proposal_create(
                user=request.user, request_id=request_id, **form.cleaned_data
            )
        except NotFound:
            raise Http404 from None
        except BredvidError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The member is told about the time."))
    return redirect(reverse("frontend:talk_queue") + f"#talk-{request_id}")


@require_POST
@login_required
def talk_conversation(request, request_id: int):
    """Open (or find) the support conversation with the member who asked, and go there."""
    _queue_or_404(request)
    try:
        opened = conversations.talk_request_conversation_open(
            user=request.user, request_id=request_id
        )
    except (Forbidden, NotFound):
        raise Http404 from None
    except BredvidError as error:
        messages.error(request, str(error.detail))
        return redirect(reverse("frontend:talk_queue") + f"#talk-{request_id}")
    return redirect("frontend:room", room_id=opened.room.pk)


# --- coordinators: entries and articles ---------------------------------------------------


def _writer_or_404(request) -> None:
    if not policies.can_write_support(user=request.user):
        raise Http404


@require_GET
@login_required
def support_manage(request):
    _writer_or_404(request)
    context = {
        "entries": selectors.entries_for_organisation_staff(user=request.user),
        "articles": selectors.articles_visible(user=request.user).filter(
            organisation_id=request.user.organisation_id
        ),
        "organisation": request.user.organisation,
        "handles_talk": _handles_talk(request.user),
    }
    return render(request, "frontend/support/manage.html", context)


def _entry_form_page(request, form, entry=None):
    return render(request, "frontend/support/entry_form.html", {"form": form, "entry": entry})


@require_http_methods(["GET", "POST"])
@login_required
def entry_create(request):
    _writer_or_404(request)
    if request.method == "GET":
        return _entry_form_page(request, EntryForm())
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            entry = services.support_entry_create(user=request.user, data=form.entry_fields())
        except BredvidError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The entry is saved."))
            return redirect("frontend:support_entry", slug=entry.slug)
    return _entry_form_page(request, form)


def _editable_entry(request, entry_id: int):
    entry = _or_404(policies.entry_for_user, user=request.user, entry_id=entry_id)
    if not policies.can_edit_entry(user=request.user, entry=entry):
        raise Http404
    return entry


@require_http_methods(["GET", "POST"])
@login_required
def entry_edit(request, entry_id: int):
    entry = _editable_entry(request, entry_id)
    if request.method == "GET":
        return _entry_form_page(request, EntryForm(initial=EntryForm.initial_for(entry)), entry)
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            entry = services.support_entry_update(
                user=request.user, entry_id=entry.pk, data=form.entry_fields()
            )
        except BredvidError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The entry is saved and marked as checked today."))
            return redirect("frontend:support_entry", slug=entry.slug)
    return _entry_form_page(request, form, entry)


@require_http_methods(["GET", "POST"])
@login_required
def entry_delete(request, entry_id: int):
    entry = _editable_entry(request, entry_id)
    if request.method == "POST":
        services.support_entry_delete(user=request.user, entry_id=entry.pk)
        messages.success(request, _("The entry is deleted."))
        return redirect("frontend:support_manage")
    return render(request, "frontend/support/entry_delete.html", {"entry": entry})


def _article_form_page(request, form, article=None):
    return render(request, "frontend/support/article_form.html", {"form": form, "article": article})


@require_http_methods(["GET", "POST"])
@login_required
def article_create(request):
    _writer_or_404(request)
    organisation_id = request.user.organisation_id
    if request.method == "GET":
        return _article_form_page(request, ArticleForm(organisation_id=organisation_id))
    form = ArticleForm(request.POST, organisation_id=organisation_id)
    if form.is_valid():
        try:
            article = services.article_create(user=request.user, data=form.article_fields())
        except BredvidError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The article is saved."))
            return redirect("frontend:article", slug=article.slug)
    return _article_form_page(request, form)


@require_http_methods(["GET", "POST"])
@login_required
def article_edit(request, article_id: int):
    article = _or_404(policies.article_for_user, user=request.user, article_id=article_id)
    if not policies.can_edit_article(user=request.user, article=article):
        raise Http404
    organisation_id = article.organisation_id
    if request.method == "GET":
        form = ArticleForm(
            initial=ArticleForm.initial_for(article), organisation_id=organisation_id
        )
        return _article_form_page(request, form, article)
    form = ArticleForm(request.POST, organisation_id=organisation_id)
    if form.is_valid():
        try:
            article = services.article_update(
                user=request.user, article_id=article.pk, data=form.article_fields()
            )
        except BredvidError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The article is saved."))
            return redirect("frontend:article", slug=article.slug)
    return _article_form_page(request, form, article)
