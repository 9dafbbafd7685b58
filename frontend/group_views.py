"""Pages for peer groups and meetups. Views parse, call one service or selector, and render.

Every refusal is a ``BredvidError`` from the groups services: its ``detail`` is shown as
it is and its ``fields`` land on the form, so a refused action never becomes an error page.
"""

from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.errors import BredvidError, NotFound
from frontend.group_forms import (
    CancelForm,
    CheckinCodeForm,
    DecisionForm,
    GroupFilterForm,
    InvitationForm,
    JoinForm,
    MeetupCreateForm,
    MeetupForm,
    RsvpForm,
)
from groups import policies, selectors
from groups.models import Invitation, JoinRequest, Meetup, Membership, PeerGroup, Rsvp, Theme
from groups.services import meetups as meetup_services
from groups.services import membership as membership_services
from groups.services import rsvps as rsvp_services
from support import selectors as support_selectors

MEETUP_TIMES = ("starts_at", "ends_at", "rsvp_deadline")


# --- Helpers ------------------------------------------------------------------------------


def _group_or_404(request, group_id) -> PeerGroup:
    try:
        return policies.group_for_user(user=request.user, group_id=group_id)
    except NotFound:
        raise Http404 from None


def _meetup_or_404(request, meetup_id) -> Meetup:
    try:
        return policies.meetup_for_user(user=request.user, meetup_id=meetup_id)
    except NotFound:
        raise Http404 from None


def _hosted_meetup_or_404(request, meetup_id) -> Meetup:
    """Host pages answer 404 to everyone else, as the services do: existence never leaks."""
    meetup = _meetup_or_404(request, meetup_id)
    if not policies.can_schedule_meetups(user=request.user, group=meetup.group):
        raise Http404
    return meetup


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


def _times(item: dict) -> dict:
    """Selector payloads carry ISO strings; templates format datetimes in Stockholm time."""
    return {name: datetime.fromisoformat(item[name]) for name in MEETUP_TIMES if item.get(name)}


def _when(item: dict) -> dict:
    """The times of a payload, or only its day when the person may not know more."""
    if item.get("limited"):
        return {"day": date.fromisoformat(item["day"]), "limited": True}
    return _times(item)


def _meetup_items(payloads: list[dict]) -> list[dict]:
    return [{**item, "at": _when(item)} for item in payloads]


def _invitation_url(request, invitation: Invitation) -> str:
    path = reverse("frontend:group_invitation", args=[invitation.group_id, invitation.token])
    return request.build_absolute_uri(path)


# --- Reads the groups selectors do not offer (yet) -----------------------------------------


def _membership(*, user, group: PeerGroup) -> Membership | None:
    """Any membership, banned or left included, for ``policies.join_refusal``."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(group=group, user=user).first()


def _has_pending_request(*, user, group: PeerGroup) -> bool:
    if not user.is_authenticated:
        return False
    return JoinRequest.objects.filter(
        group=group, user=user, status=JoinRequest.Status.PENDING
    ).exists()


def _invitation(*, group: PeerGroup, token: str) -> Invitation | None:
    return group.invitations.filter(token=token).first()


def _pending_requests(*, group: PeerGroup):
    """Only for those ``policies.can_manage_group`` allows."""
    return group.join_requests.select_related("user", "group").filter(
        status=JoinRequest.Status.PENDING
    )


def _active_invitations(*, group: PeerGroup):
    """Only for those ``policies.can_manage_group`` allows."""
    return group.invitations.filter(revoked_at=None, expires_at__gt=timezone.now()).order_by(
        "-created_at"
    )


# --- The group directory and a group's page ---------------------------------------------


@require_GET
def group_list(request):
    """Every open group, filtered by theme, place, age and whether it meets soon."""
    form = GroupFilterForm(request.GET)
    filters = form.filters() if form.is_valid() else {}
    found, has_more = selectors.group_directory(**filters)
    next_meetups = selectors.next_meetups_by_group([group.pk for group in found], user=request.user)
    cards = [
        {
            "group": group,
            "themes": _labels(group.themes, Theme.choices),
            "next_meetup": _when(next_meetups[group.pk]) if group.pk in next_meetups else None,
        }
        for group in found
    ]
    context = {
        "form": form,
        "cards": cards,
        "next_after": found[-1].pk if has_more else None,
        "filtered": any(value for name, value in request.GET.items() if name != "after"),
    }
    return render(request, "frontend/groups/list.html", context)


def _join_state(request, group: PeerGroup, is_member: bool, member_count: int) -> dict:
    """What the join area shows: a refusal known in advance, a sent request, or a form."""
    user = request.user
    if is_member or not user.is_authenticated:
        return {}
    membership = _membership(user=user, group=group)
    refusal = policies.join_refusal(user=user, group=group, membership=membership)
    if refusal is None and group.joining == PeerGroup.Joining.OPEN:
        refusal = policies.full_refusal(group=group, active_count=member_count)
    return {
        "refusal": refusal.detail if refusal else None,
        "request_sent": _has_pending_request(user=user, group=group),
    }


def _group_context(request, group: PeerGroup, *, join_form=None) -> dict:
    user = request.user
    payload = selectors.group_payload(group, user=user)
    is_member = payload["my_membership"] is not None
    can_manage = policies.can_manage_group(user=user, group=group)
    context = {
        "group": group,
        "payload": payload,
        "themes": _labels(group.themes, Theme.choices),
        "is_member": is_member,
        "can_manage": can_manage,
        "can_schedule": policies.can_schedule_meetups(user=user, group=group),
        "members": (
            selectors.members(group=group)
            if policies.can_see_members(user=user, group=group)
            else None
        ),
        "meetups": _meetup_items(
            selectors.meetup_list(user=user, group_id=group.pk, limit=selectors.UPCOMING_LIMIT)
        ),
        "rooms": selectors.group_rooms(group=group) if is_member else [],
        "join_form": join_form or JoinForm(),
        **_join_state(request, group, is_member, payload["member_count"]),
    }
    if can_manage:
        context["join_requests"] = [
            (
                join_request,
                selectors.join_request_payload(join_request),
                DecisionForm(prefix=f"request-{join_request.pk}"),
            )
            for join_request in _pending_requests(group=group)
        ]
        context["invitations"] = [
            (invitation, _invitation_url(request, invitation))
            for invitation in _active_invitations(group=group)
        ]
        context["invitation_form"] = InvitationForm()
    return context


@require_GET
def group_detail(request, group_id: int):
    group = _group_or_404(request, group_id)
    return render(request, "frontend/groups/detail.html", _group_context(request, group))


def _joined(request, result) -> None:
    if result.status == "member":
        messages.success(
            request, _("Welcome to %(group)s! You are a member now.") % {"group": result.group}
        )
    else:
        messages.success(
            request, _("Your request is sent. A host will answer you as soon as they can.")
        )


@require_POST
@login_required
def group_join(request, group_id: int):
    """Join an open group now, or ask to join one that takes requests."""
    group = _group_or_404(request, group_id)
    form = JoinForm(request.POST)
    if form.is_valid():
        try:
            result = membership_services.group_join(
                user=request.user, group_id=group.pk, message=form.cleaned_data["message"]
            )
        except BredvidError as error:
            _add_errors(form, error)
        else:
            _joined(request, result)
            return redirect("frontend:group", group_id=group.pk)
    context = _group_context(request, group, join_form=form)
    return render(request, "frontend/groups/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def group_leave(request, group_id: int):
    """Ask first, then leave: rooms close for the person and their places pass on."""
    group = _group_or_404(request, group_id)
    if not policies.is_group_member(user=request.user, group=group):
        return redirect("frontend:group", group_id=group.pk)
    if request.method == "POST":
        try:
            membership_services.group_leave(user=request.user, group_id=group.pk)
        except BredvidError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("You have left %(group)s.") % {"group": group.name})
        return redirect("frontend:group", group_id=group.pk)
    return render(request, "frontend/groups/leave.html", {"group": group})


@require_POST
@login_required
def group_request_decide(request, group_id: int, request_id: int):
    form = DecisionForm(request.POST, prefix=f"request-{request_id}")
    if not form.is_valid():
        messages.error(request, _("Choose to let them in or to say no."))
        return redirect("frontend:group", group_id=group_id)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        decided = membership_services.join_request_decide(
            user=request.user,
            request_id=request_id,
            approve=approve,
            message=form.cleaned_data["message"],
        )
    except BredvidError as error:
        messages.error(request, error.detail)
        return redirect("frontend:group", group_id=group_id)
    name = decided.user.display_name
    if approve:
        messages.success(request, _("%(name)s is now a member.") % {"name": name})
    else:
        messages.success(request, _("You said no to %(name)s.") % {"name": name})
    return redirect("frontend:group", group_id=decided.group_id)


@require_POST
@login_required
def group_invitation_create(request, group_id: int):
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("An invitation can be valid for 1 to %(max)s days.")
            % {"max": membership_services.INVITATION_DAYS_MAX},
        )
        return redirect("frontend:group", group_id=group_id)
    try:
        membership_services.invitation_create(
            user=request.user, group_id=group_id, days=form.cleaned_data["days"]
        )
    except BredvidError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("A new invitation link is ready. Copy it from the list."))
    return redirect(reverse("frontend:group", args=[group_id]) + "#invitations")


@require_POST
@login_required
def group_invitation_revoke(request, group_id: int, invitation_id: int):
    try:
        membership_services.invitation_revoke(user=request.user, invitation_id=invitation_id)
    except BredvidError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The invitation link no longer works."))
    return redirect(reverse("frontend:group", args=[group_id]) + "#invitations")


@require_http_methods(["GET", "POST"])
@login_required
def group_invitation(request, group_id: int, token: str):
    """Where an invitation link leads: the group, and a button to join it."""
    group = _group_or_404(request, group_id)
    error = None
    if request.method == "POST":
        try:
            result = membership_services.group_join(
                user=request.user, group_id=group.pk, invitation_token=token
            )
        except BredvidError as refusal:
            error = refusal.detail
        else:
            _joined(request, result)
            return redirect("frontend:group", group_id=group.pk)
    invitation = _invitation(group=group, token=token)
    context = {
        "group": group,
        "token": token,
        "usable": invitation is not None and invitation.is_usable(),
        "is_member": policies.is_group_member(user=request.user, group=group),
        "error": error,
    }
    return render(request, "frontend/groups/invitation.html", context)


# --- Meetups --------------------------------------------------------------------------------


@require_GET
@login_required
def meetup_list(request):
    """Upcoming meetups, those near me first; ``?mine=1`` shows the ones I answered."""
    mine = request.GET.get("mine") == "1"
    items = selectors.meetup_list(user=request.user, mine=mine)
    context = {"meetups": _meetup_items(items), "mine": mine}
    return render(request, "frontend/meetups/list.html", context)


def _answers_closed(meetup: Meetup) -> str | None:
    """Why the sign-up form is not shown; the service refuses the same cases itself."""
    now = timezone.now()
    if meetup.status == Meetup.Status.CANCELLED:
        return _("This meetup is cancelled.")
    if meetup.starts_at <= now:
        return _("This meetup has already started.")
    if meetup.rsvp_deadline and meetup.rsvp_deadline < now:
        return _("The last day to sign up has passed. Contact the hosts.")
    return None


def _meetup_context(request, meetup: Meetup, *, rsvp_form=None) -> dict:
    user = request.user
    rsvp = selectors.my_rsvps(user=user, meetup_ids=[meetup.pk]).get(meetup.pk)
    return {
        "meetup": meetup,
        "limited": policies.meetup_visible_fields(user=user, meetup=meetup) is not None,
        "payload": selectors.meetup_payload(meetup, user=user, rsvp=rsvp),
        "is_member": policies.is_group_member(user=user, group=meetup.group),
        "can_schedule": policies.can_schedule_meetups(user=user, group=meetup.group),
        "answers_closed": _answers_closed(meetup),
        "form": rsvp_form or RsvpForm(initial=RsvpForm.initial_for(rsvp)),
        "ics_url": f"/api/v1/meetups/{meetup.pk}/ics/",
        "articles": support_selectors.articles_for_meetup(meetup=meetup),
    }


@require_GET
@login_required
def meetup_detail(request, meetup_id: int):
    meetup = _meetup_or_404(request, meetup_id)
    return render(request, "frontend/meetups/detail.html", _meetup_context(request, meetup))


def _answered(request, result) -> None:
    rsvp = result.rsvp
    if rsvp.status == Rsvp.Status.GOING:
        text = _("You are going. Show the code %(code)s at the door.") % {"code": rsvp.checkin_code}
    elif rsvp.status == Rsvp.Status.WAITLISTED:
        text = _("It is full, so you are on the waiting list, place %(position)s.") % {
            "position": result.waitlist_position
        }
    else:
        text = _("Thank you for letting us know that you cannot come.")
    messages.success(request, text)


@require_POST
@login_required
def meetup_rsvp(request, meetup_id: int):
    """Going or not going, with what the carer needs to be able to come."""
    meetup = _meetup_or_404(request, meetup_id)
    form = RsvpForm(request.POST)
    if form.is_valid():
        try:
            result = rsvp_services.rsvp_set(
                user=request.user,
                meetup_id=meetup.pk,
                status=form.cleaned_data["status"],
                needs=form.needs(),
            )
        except BredvidError as error:
            _add_errors(form, error)
        else:
            _answered(request, result)
            return redirect("frontend:meetup", meetup_id=meetup.pk)
    context = _meetup_context(request, meetup, rsvp_form=form)
    return render(request, "frontend/meetups/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def meetup_create(request, group_id: int):
    group = _group_or_404(request, group_id)
    if not policies.can_schedule_meetups(user=request.user, group=group):
        raise Http404
    form = MeetupCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = meetup_services.meetup_create(
                user=request.user,
                group_id=group.pk,
                fields=form.fields_value(),
                recurrence=form.cleaned_data["recurrence"],
                occurrences=form.cleaned_data["occurrences"],
            )
        except BredvidError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The meetup is scheduled and the group is told."))
            return redirect("frontend:meetup", meetup_id=created[0].pk)
    context = {"form": form, "group": group, "meetup": None}
    return render(request, "frontend/meetups/form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def meetup_edit(request, meetup_id: int):
    meetup = _hosted_meetup_or_404(request, meetup_id)
    if request.method == "GET":
        form = MeetupForm(initial=MeetupForm.initial_for(meetup))
    else:
        form = MeetupForm(request.POST)
        if form.is_valid():
            try:
                meetup_services.meetup_update(
                    user=request.user, meetup_id=meetup.pk, fields=form.fields_value()
                )
            except BredvidError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request, _("The meetup is changed and everyone who answered is told.")
                )
                return redirect("frontend:meetup", meetup_id=meetup.pk)
    context = {"form": form, "group": meetup.group, "meetup": meetup}
    return render(request, "frontend/meetups/form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def meetup_cancel(request, meetup_id: int):
    meetup = _hosted_meetup_or_404(request, meetup_id)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meetup_services.meetup_cancel(
                user=request.user, meetup_id=meetup.pk, reason=form.cleaned_data["reason"]
            )
        except BredvidError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The meetup is cancelled and everyone who answered is told.")
            )
            return redirect("frontend:meetup", meetup_id=meetup.pk)
    return render(request, "frontend/meetups/cancel.html", {"form": form, "meetup": meetup})


@require_GET
@login_required
def meetup_needs(request, meetup_id: int):
    """What people need to be able to come: for the hosts and coordinators only."""
    meetup = _meetup_or_404(request, meetup_id)
    try:
        overview = rsvp_services.meetup_needs_read(user=request.user, meetup_id=meetup.pk)
    except NotFound:
        raise Http404 from None
    return render(request, "frontend/meetups/needs.html", {"meetup": meetup, "needs": overview})


def _checked_in(request, rsvp: Rsvp) -> None:
    messages.success(request, _("%(name)s is checked in.") % {"name": rsvp.user.display_name})


def _checkin_from_list(request, meetup: Meetup):
    try:
        rsvp_id = int(request.POST["rsvp"])
        rsvp = rsvp_services.checkin(user=request.user, meetup_id=meetup.pk, rsvp_id=rsvp_id)
    except (BredvidError, ValueError):
        messages.error(request, _("That person is not on the list of those going."))
    else:
        _checked_in(request, rsvp)
    return redirect("frontend:meetup_checkin", meetup_id=meetup.pk)


def _checkin_by_code(request, meetup: Meetup, form: CheckinCodeForm) -> bool:
    if not form.is_valid():
        return False
    try:
        rsvp = rsvp_services.checkin(
            user=request.user, meetup_id=meetup.pk, code=form.cleaned_data["code"]
        )
    except BredvidError as error:
        _add_errors(form, error)
        return False
    _checked_in(request, rsvp)
    return True


@require_http_methods(["GET", "POST"])
@login_required
def meetup_checkin(request, meetup_id: int):
    """At the door: tick off those going from the list, or type the code they show."""
    meetup = _hosted_meetup_or_404(request, meetup_id)
    form = CheckinCodeForm(request.POST or None)
    if request.method == "POST":
        if "rsvp" in request.POST:
            return _checkin_from_list(request, meetup)
        if _checkin_by_code(request, meetup, form):
            return redirect("frontend:meetup_checkin", meetup_id=meetup.pk)
    overview = selectors.needs_overview(meetup=meetup)
    going = [person for person in overview["people"] if person["status"] == Rsvp.Status.GOING]
    context = {"meetup": meetup, "going": going, "form": form}
    return render(request, "frontend/meetups/checkin.html", context)
