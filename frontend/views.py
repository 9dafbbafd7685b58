"""Pages. Views parse, call one service or selector, and render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chat import policies as chat_policies
from chat import selectors as chat_selectors
from chat.models import EMOJI, Message
from community import legal, selectors, services
from community.errors import NotFound
from community.forms import ProfileForm
from community.models import CaresFor, SituationTag
from frontend import records
from frontend.consent_views import consent_not_needed
from frontend.moderation_forms import REPORT_REASONS
from frontend.moderation_views import contacts_with_tel
from groups import cards
from groups import selectors as group_selectors
from moderation import policies as moderation_policies
from moderation import room_state
from moderation import selectors as moderation_selectors


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse(NotFound().as_dict(), status=404)
    return render(request, "frontend/404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse({"code": "server_error", "detail": "Server error."}, status=500)
    # No request context: context processors may touch the database that just failed.
    html = loader.render_to_string("frontend/500.html", {"QUICK_EXIT_URL": settings.QUICK_EXIT_URL})
    return HttpResponseServerError(html)


@require_GET
def landing(request):
    if request.user.is_authenticated:
        return redirect("frontend:home")
    return render(request, "frontend/landing.html")


def _labels(values, choices) -> list[str]:
    """Human labels for stored choice values, in the choices' order."""
    chosen = set(values or ())
    return [label for value, label in choices if value in chosen]


@require_GET
@login_required
def home(request):
    user = request.user
    return render(
        request,
        "frontend/home.html",
        {
            "cares_for": _labels(user.cares_for, CaresFor.choices),
            "situation_tags": _labels(user.situation_tags, SituationTag.choices),
            "notifications": selectors.notifications_unread(user=user),
        },
    )


@consent_not_needed
@require_GET
def terms(request):
    return render(request, "frontend/terms.html", {"documents": legal.current_documents()})


@require_GET
def privacy(request):
    """The privacy notice members accept, with how long each kind of data is kept."""
    context = {"notice": legal.PRIVACY_NOTICE, "records": records.RECORDS}
    return render(request, "frontend/privacy.html", context)


@require_GET
def processing_records(request):
    """What is kept, why, on what basis, for how long (the configured periods), who sees it."""
    return render(request, "frontend/records.html", {"records": records.RECORDS})


@require_http_methods(["GET", "POST"])
@login_required
def profile(request):
    """Edit one's own profile through the same service as the API."""
    if request.method == "GET":
        form = ProfileForm(initial=selectors.profile_fields(user=request.user), user=request.user)
        return render(request, "frontend/profile.html", {"form": form})
    form = ProfileForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.user_update_profile(user=request.user, profile=form.profile())
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("frontend:home")
    return render(request, "frontend/profile.html", {"form": form})


@require_GET
@login_required
def rooms(request):
    """The rooms I can see, with unread counts and the last message."""
    rooms = chat_selectors.room_list_for_user(user=request.user)
    rooms = [
        {
            **r,
            "next_meetup": _meetup_time(r["next_meetup"]),
            "last_message": _shown(r["last_message"]),
        }
        for r in rooms
    ]
    return render(
        request, "frontend/chat/rooms.html", {"rooms": rooms, "card_texts": cards.card_texts()}
    )


def _shown(message: dict | None) -> dict | None:
    """A message payload with its text as this reader reads it (a meetup card in their language)."""
    if message is None:
        return None
    return {**message, "body": cards.message_text(message["body"], message.get("card"))}


def _room_meetup(*, user, group_id: int | None) -> dict | None:
    """The room's next meetup; the room page shows it only with its time and place."""
    meetup = group_selectors.next_meetup_for(group_id=group_id, user=user) if group_id else None
    return None if meetup is None or meetup.get("limited") else _meetup_time(meetup)


def _meetup_time(meetup: dict | None) -> dict | None:
    """The meetup summary with its start (or, when limited, its day) for the |date filter."""
    if meetup is None:
        return None
    if meetup.get("limited"):
        return {**meetup, "day": parse_date(meetup["day"])}
    return {**meetup, "starts_at": parse_datetime(meetup["starts_at"])}


@require_GET
@login_required
def room(request, room_id: int):
    """One chat room; the socket client (static/js/chat/) does the rest."""
    try:
        chat_room = chat_policies.room_for_user(user=request.user, room_id=room_id)
    except NotFound:
        raise Http404 from None
    on_duty = moderation_selectors.someone_on_duty(room=chat_room)
    pinned = chat_room.pinned_message
    mine = room_state.room_states(user=request.user, rooms=[chat_room])[chat_room.pk]
    muted_until = mine["muted_until"]
    context = {
        "room": chat_room,
        "room_name": chat_selectors.room_name(chat_room, user=request.user),
        "can_post": chat_policies.can_post(user=request.user, room=chat_room),
        "can_moderate": moderation_policies.can_moderate_room(user=request.user, room=chat_room),
        "last_read_seq": chat_selectors.last_read_seq(user=request.user, room_id=chat_room.pk),
        "emoji": EMOJI,
        "ws_path": "/ws/",
        "report_reasons": [{"value": v, "label": str(label)} for v, label in REPORT_REASONS],
        "pinned": pinned if pinned and pinned.state == Message.State.VISIBLE else None,
        "pinned_text": cards.message_text(pinned.body, pinned.card) if pinned else "",
        "card_texts": cards.card_texts(),
        "next_meetup": _room_meetup(user=request.user, group_id=chat_room.group_id),
        "on_call": None if on_duty else contacts_with_tel(moderation_selectors.on_call_contacts()),
        "crisis_card": room_state.crisis_card_for(user=request.user, room=chat_room),
        "muted": mine["muted"],
        "muted_until": muted_until,
        "muted_until_text": room_state.until_text(parse_datetime(muted_until))
        if muted_until
        else "",
    }
    return render(request, "frontend/chat/room.html", context)
