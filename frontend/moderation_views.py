"""Moderator pages: the live queue, one reported message, room controls and word rules.

Views parse a form, call one service, say what happened and redirect. Whoever may not see
a page gets the normal 404 (existence never leaks). A service's refusal is a
``BredvidError``: its ``detail`` and ``fields`` are shown on the form, never an error page.
Every service writes its own audit line; nothing here writes to the log.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chat import policies as chat_policies
from chat import selectors as chat_selectors
from chat import services as chat_services
from chat.models import Message, Room
from community import policies as community_policies
from community.errors import BredvidError, Forbidden, NotFound
from frontend.moderation_forms import (
    ItemActionForm,
    LockForm,
    PinForm,
    QueueFilterForm,
    RuleForm,
    RuleTryForm,
    SlowModeForm,
    UnpinForm,
)
from moderation import policies, selectors
from moderation.models import QueueItem, Report, Sanction, WordRule
from moderation.services import conversations
from moderation.services import members as member_services
from moderation.services import messages as message_services
from moderation.services import reads as read_services
from moderation.services import reports as report_services
from moderation.services import rooms as room_services
from moderation.services import rules as rule_services

QUEUE_PAGE = 100
PIN_CHOICES = 10
WS_PATH = "/ws/"

# Why an item is in the queue: a member's report reason, a rule's category, a group hold.
REASON_LABELS = {
    **dict(WordRule.Category.choices),
    **dict(Report.Reason.choices),
    "group:first_messages": gettext_lazy("A new member's first messages"),
    "group:new_member_link": gettext_lazy("A link from a new member"),
}
MESSAGE_STATE_LABELS = {
    Message.State.VISIBLE: gettext_lazy("Visible"),
    Message.State.HIDDEN: gettext_lazy("Hidden"),
    Message.State.HELD: gettext_lazy("Waiting for approval"),
    Message.State.DELETED: gettext_lazy("Deleted"),
}
MESSAGE_ACTION_LABELS = {
    "approve": gettext_lazy("Approve: show it in the room"),
    "hide": gettext_lazy("Hide the message"),
    "unhide": gettext_lazy("Show the message again"),
    "delete": gettext_lazy("Delete the message"),
}
# What can be done to a message in each state, in the order the buttons come.
MESSAGE_ACTIONS = {
    Message.State.VISIBLE: ("hide", "delete"),
    Message.State.HIDDEN: ("unhide", "delete"),
    Message.State.HELD: ("approve", "hide", "delete"),
    Message.State.DELETED: (),
}


# --- Helpers ------------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


def _item_or_404(request, item_id: int) -> QueueItem:
    _require(policies.can_see_queue(request.user))
    item = selectors.queue_item_for(user=request.user, item_id=item_id)
    _require(item is not None)
    return item


def _moderated_room_or_404(request, room_id: int) -> Room:
    room = Room.objects.select_related("group").filter(pk=room_id).first()
    _require(room is not None and policies.can_moderate_room(user=request.user, room=room))
    return room


def _rule_or_404(request, rule_id: int) -> WordRule:
    _require(policies.can_edit_rules(request.user))
    rule = WordRule.objects.filter(pk=rule_id).first()
    _require(rule is not None)
    return rule


def _moderated_rooms(user):
    """The rooms whose queue this person sees (the selectors offer no list of them yet);
    support conversations are opened from their items, not listed here."""
    rooms = (
        Room.objects.filter(is_archived=False)
        .exclude(kind=Room.Kind.SUPPORT)
        .order_by("kind", "name")
    )
    group_ids = policies.moderated_group_ids(user)
    return rooms if group_ids is None else rooms.filter(group_id__in=group_ids)


def _add_errors(form, error: BredvidError) -> None:
    """A service refusal on the form: each field's errors on it, anything else at the top."""
    if not error.fields:
        form.add_error(None, str(error.detail))
        return
    for name, field_messages in error.fields.items():
        for message in field_messages:
            form.add_error(name if name in form.fields else None, str(message))


def contacts_with_tel(contacts: list[dict]) -> list[dict]:
    """Crisis contacts with a ``tel:`` address for their number (digits and + only)."""
    return [{**c, "tel": re.sub(r"[^\d+]", "", c.get("phone") or "")} for c in contacts]


def labels() -> dict:
    """Every label the queue shows, for the page and for its script."""
    return {
        "reasons": {key: str(label) for key, label in REASON_LABELS.items()},
        "sources": {key: str(label) for key, label in QueueItem.Source.choices},
        "priorities": {str(key): str(label) for key, label in QueueItem.Priority.choices},
        "statuses": {key: str(label) for key, label in QueueItem.Status.choices},
        "states": {key: str(label) for key, label in MESSAGE_STATE_LABELS.items()},
    }


def _with_time(payload: dict, *names: str) -> dict:
    """Selector payloads carry ISO strings; templates show datetimes in Stockholm time."""
    return {**payload, **{f"{n}_dt": parse_datetime(payload[n]) for n in names if payload.get(n)}}


def _queue_entry(payload: dict) -> dict:
    return {
        **_with_time(payload, "created_at"),
        "reason_labels": [str(REASON_LABELS.get(r, r)) for r in payload["reasons"]],
        "source_label": QueueItem.Source(payload["source"]).label,
        "priority_label": QueueItem.Priority(payload["priority"]).label,
        "status_label": QueueItem.Status(payload["status"]).label,
        "state_label": MESSAGE_STATE_LABELS[payload["message"]["state"]],
    }


def _history(history: dict) -> dict:
    return {
        "reports": [
            {
                **_with_time(r, "created_at"),
                "reason_labels": [str(REASON_LABELS.get(x, x)) for x in r["reasons"]],
                "status_label": QueueItem.Status(r["status"]).label,
            }
            for r in history["reports"]
        ],
        "sanctions": [
            {
                **_with_time(s, "starts_at", "ends_at", "lifted_at"),
                "kind_label": Sanction.Kind(s["kind"]).label,
            }
            for s in history["sanctions"]
        ],
    }


# --- The queue ----------------------------------------------------------------------------


@require_GET
@login_required
def dashboard(request):
    """Open items, risk first; the page's script adds and updates them live."""
    user = request.user
    _require(policies.can_see_queue(user))
    rooms = list(_moderated_rooms(user))
    form = QueueFilterForm(request.GET, rooms=rooms)
    filters = form.filters()
    found = list(selectors.queue_items(user=user, **filters)[: QUEUE_PAGE + 1])
    shown = [selectors.queue_item_payload(i) for i in found[:QUEUE_PAGE]]
    read_services.queue_read(user=user, items=shown)
    context = {
        "form": form,
        "filters": filters,
        "items": [_queue_entry(payload) for payload in shown],
        "more": len(found) > QUEUE_PAGE,
        "rooms": rooms,
        "labels": labels(),
        "can_edit_rules": policies.can_edit_rules(user),
        "ws_path": WS_PATH,
    }
    return render(request, "frontend/moderation/dashboard.html", context)


def _item_context(request, item: QueueItem, form: ItemActionForm) -> dict:
    message = item.message
    around = selectors.message_context(message=message)
    payload = selectors.queue_item_payload(item)
    shown = [payload["message"], *around]
    read_services.queue_item_read(user=request.user, item=item, messages=shown)
    return {
        "item": item,
        "entry": _queue_entry(payload),
        "context_messages": [_with_time(m, "created_at") for m in around],
        "history": _history(
            selectors.member_history(user_id=message.author_id, viewer=request.user)
        ),
        "report_notes": [
            {**n, "reason_label": Report.Reason(n["reason"]).label}
            for n in selectors.report_notes(message_id=message.pk)
        ],
        "author": message.author,
        "author_is_staff": policies.is_staff(message.author),
        "message_actions": [(a, MESSAGE_ACTION_LABELS[a]) for a in MESSAGE_ACTIONS[message.state]],
        "can_suspend": policies.can_suspend(request.user),
        "can_erase": community_policies.can_erase_member(user=request.user, member=message.author),
        "can_open_conversation": chat_policies.can_have_support_room(message.author)
        and chat_policies.can_open_support_room(
            user=request.user, municipality_id=message.author.municipality_id
        ),
        "form": form,
    }


@require_GET
@login_required
def item_detail(request, item_id: int):
    item = _item_or_404(request, item_id)
    context = _item_context(request, item, ItemActionForm())
    return render(request, "frontend/moderation/item.html", context)


def _on_message(service):
    def run(user, item: QueueItem, data: dict):
        return service(user=user, message_id=item.message_id, reason=data["reason"])

    return run


def _warn(user, item: QueueItem, data: dict):
    return member_services.member_warn(
        user=user,
        member_id=item.message.author_id,
        room_id=item.room_id,
        reason=data["reason"],
        member_message=data["member_message"],
    )


def _mute(user, item: QueueItem, data: dict):
    return member_services.member_mute(
        user=user,
        member_id=item.message.author_id,
        room_id=item.room_id,
        minutes=data["minutes"],
        reason=data["reason"],
        member_message=data["member_message"],
    )


def _ban(user, item: QueueItem, data: dict):
    return member_services.member_ban(
        user=user,
        member_id=item.message.author_id,
        group_id=item.room.group_id,
        reason=data["reason"],
    )


def _suspend(user, item: QueueItem, data: dict):
    return member_services.member_suspend(
        user=user, member_id=item.message.author_id, reason=data["reason"]
    )


def _resolve(status: str):
    def run(user, item: QueueItem, data: dict):
        return report_services.queue_item_resolve(
            user=user, item_id=item.pk, status=status, reason=data["reason"]
        )

    return run


ITEM_ACTIONS = {
    "hide": _on_message(message_services.message_hide),
    "unhide": _on_message(message_services.message_unhide),
    "approve": _on_message(message_services.message_approve),
    "delete": _on_message(message_services.message_remove),
    "warn": _warn,
    "mute": _mute,
    "ban": _ban,
    "suspend": _suspend,
    "actioned": _resolve(QueueItem.Status.ACTIONED),
    "dismissed": _resolve(QueueItem.Status.DISMISSED),
}
ITEM_DONE = {
    "hide": gettext_lazy("The message is hidden. Others in the room no longer see it."),
    "unhide": gettext_lazy("The message is shown again."),
    "approve": gettext_lazy("The message is approved and shown in the room."),
    "delete": gettext_lazy("The message is deleted."),
    "warn": gettext_lazy("%(name)s got your warning."),
    "mute": gettext_lazy("%(name)s cannot post in this room for a while."),
    "ban": gettext_lazy("%(name)s is banned from the group."),
    "suspend": gettext_lazy("The account of %(name)s is suspended."),
    "actioned": gettext_lazy("The item is closed. Those who reported it hear that it was handled."),
    "dismissed": gettext_lazy(
        "The item is closed. Those who reported it hear that it was looked at."
    ),
}


@require_POST
@login_required
def item_action(request, item_id: int):
    """One action on a reported message or its author, with the reason for the log."""
    item = _item_or_404(request, item_id)
    form = ItemActionForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            ITEM_ACTIONS[action](request.user, item, form.cleaned_data)
        except BredvidError as error:
            _add_errors(form, error)
        else:
            messages.success(request, ITEM_DONE[action] % {"name": item.message.author.public_name})
            if action in ("actioned", "dismissed"):
                return redirect("frontend:moderation")
            return redirect("frontend:moderation_item", item_id=item.pk)
    return render(request, "frontend/moderation/item.html", _item_context(request, item, form))


@require_POST
@login_required
def item_conversation(request, item_id: int):
    """Open (or find) the support conversation with the item's author, and go there."""
    try:
        opened = conversations.queue_item_conversation_open(user=request.user, item_id=item_id)
    except (Forbidden, NotFound):
        raise Http404 from None
    except BredvidError as error:
        messages.error(request, str(error.detail))
        return redirect("frontend:moderation_item", item_id=item_id)
    return redirect("frontend:room", room_id=opened.room.pk)


# --- Room controls ------------------------------------------------------------------------


def _pin_choices(user, room: Room) -> list[dict]:
    """The room's newest messages this moderator may pin, newest first."""
    viewer = chat_selectors.viewer_for(user=user, room=room)
    page, _more = chat_selectors.message_page(
        viewer=viewer, room_id=room.pk, before_seq=room.last_seq + 1, limit=PIN_CHOICES
    )
    choices = [m for m in reversed(page) if "pin" in m["actions"]]
    chat_services.messages_read(user=user, room=room, messages=choices)
    return choices


ROOM_FORMS = {"lock": LockForm, "slow": SlowModeForm, "pin": PinForm, "unpin": UnpinForm}


def _room_forms(room: Room, choices: list[dict], *, bound: str | None = None, data=None) -> dict:
    """The page's four forms; ``bound`` names the one that was sent, with ``data``."""
    forms = {}
    for prefix, form_class in ROOM_FORMS.items():
        kwargs = {"prefix": prefix}
        if prefix == "pin":
            kwargs["messages"] = choices
        if prefix == "slow":
            kwargs["initial"] = {"seconds": room.slow_mode_seconds}
        forms[prefix] = form_class(data if prefix == bound else None, **kwargs)
    return forms


def _room_context(request, room: Room, forms: dict) -> dict:
    pinned = room.pinned_message
    on_duty = selectors.someone_on_duty(room=room)
    return {
        "room": room,
        "forms": forms,
        "pinned": chat_selectors.message_for_broadcast(pinned.pk) if pinned else None,
        "on_duty": on_duty,
        "on_call": contacts_with_tel(selectors.on_call_contacts()),
    }


@require_GET
@login_required
def room_controls(request, room_id: int):
    room = _moderated_room_or_404(request, room_id)
    forms = _room_forms(room, _pin_choices(request.user, room))
    return render(request, "frontend/moderation/room.html", _room_context(request, room, forms))


def _lock(locked: bool):
    def run(user, room: Room, data: dict):
        return room_services.room_lock(
            user=user, room_id=room.pk, locked=locked, reason=data["reason"]
        )

    return run


def _slow(user, room: Room, data: dict):
    return room_services.room_slow_mode(
        user=user, room_id=room.pk, seconds=data["seconds"], reason=data["reason"]
    )


def _pin(pin: bool):
    def run(user, room: Room, data: dict):
        message_id = data["message"] if pin else room.pinned_message_id
        return message_services.message_pin(
            user=user, message_id=message_id, reason=data["reason"], pin=pin
        )

    return run


# action -> (the form's prefix on the page, what runs, what to say)
ROOM_ACTIONS = {
    "lock": (
        "lock",
        _lock(True),
        gettext_lazy("The room is locked. Members can read but not write."),
    ),
    "unlock": ("lock", _lock(False), gettext_lazy("The room is open again.")),
    "slow": ("slow", _slow, gettext_lazy("Slow mode is saved.")),
    "pin": ("pin", _pin(True), gettext_lazy("The message is pinned at the top of the room.")),
    "unpin": ("unpin", _pin(False), gettext_lazy("The message is no longer pinned.")),
}


@require_POST
@login_required
def room_action(request, room_id: int):
    """Lock or unlock, slow mode, pin or unpin: one service each, with a reason."""
    room = _moderated_room_or_404(request, room_id)
    action = request.POST.get("action")
    if action not in ROOM_ACTIONS:
        raise Http404
    prefix, run, done = ROOM_ACTIONS[action]
    forms = _room_forms(room, _pin_choices(request.user, room), bound=prefix, data=request.POST)
    form = forms[prefix]
    if form.is_valid():
        try:
            run(request.user, room, form.cleaned_data)
        except BredvidError as error:
            _add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("frontend:moderation_room", room_id=room.pk)
    return render(request, "frontend/moderation/room.html", _room_context(request, room, forms))


# --- Word rules ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def rules(request):
    """Every word rule by category, and a form to add one."""
    _require(policies.can_edit_rules(request.user))
    form = RuleForm(request.POST or None, initial={"language": "sv", "is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            rule = rule_services.rule_save(user=request.user, fields=form.rule_fields())
        except BredvidError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The rule “%(pattern)s” is added.") % {"pattern": rule.pattern}
            )
            return redirect("frontend:moderation_rules")
    return _rules_page(request, form=form)


def _rules_page(request, *, form, try_form=None, result=None):
    context = {
        "form": form,
        "try_form": try_form or RuleTryForm(),
        "result": result,
        "rules": WordRule.objects.order_by("category", "pattern"),
    }
    return render(request, "frontend/moderation/rules.html", context)


@require_POST
@login_required
def rule_try(request):
    """The rules page with what the active rules would do with a sentence, and why."""
    _require(policies.can_edit_rules(request.user))
    try_form, result = RuleTryForm(request.POST), None
    if try_form.is_valid():
        try:
            result = rule_services.rule_try(
                user=request.user,
                text=try_form.cleaned_data["text"],
                language=try_form.cleaned_data["language"] or None,
            )
        except BredvidError as error:
            _add_errors(try_form, error)
    form = RuleForm(initial={"language": "sv", "is_active": True})
    return _rules_page(request, form=form, try_form=try_form, result=result)


@require_http_methods(["GET", "POST"])
@login_required
def rule_edit(request, rule_id: int):
    rule = _rule_or_404(request, rule_id)
    form = RuleForm(request.POST or None, initial=RuleForm.initial_for(rule))
    if request.method == "POST" and form.is_valid():
        try:
            rule_services.rule_save(user=request.user, fields=form.rule_fields(), rule_id=rule.pk)
        except BredvidError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The rule is saved."))
            return redirect("frontend:moderation_rules")
    return render(request, "frontend/moderation/rule_form.html", {"form": form, "rule": rule})


@require_POST
@login_required
def rule_toggle(request, rule_id: int):
    """Deactivate (or activate again) without deleting: the log keeps what it did."""
    rule = _rule_or_404(request, rule_id)
    fields = {**RuleForm.initial_for(rule), "is_active": not rule.is_active}
    try:
        rule_services.rule_save(user=request.user, fields=fields, rule_id=rule.pk)
    except BredvidError as error:
        messages.error(request, error.detail)
        return redirect("frontend:moderation_rule", rule_id=rule.pk)
    if fields["is_active"]:
        messages.success(request, _("The rule is active again."))
    else:
        messages.success(request, _("The rule is turned off. It no longer checks messages."))
    return redirect("frontend:moderation_rules")


@require_http_methods(["GET", "POST"])
@login_required
def rule_delete(request, rule_id: int):
    rule = _rule_or_404(request, rule_id)
    if request.method == "POST":
        try:
            rule_services.rule_delete(user=request.user, rule_id=rule.pk)
        except BredvidError as error:
            messages.error(request, error.detail)
            return redirect("frontend:moderation_rule", rule_id=rule.pk)
        messages.success(
            request, _("The rule “%(pattern)s” is deleted.") % {"pattern": rule.pattern}
        )
        return redirect("frontend:moderation_rules")
    return render(request, "frontend/moderation/rule_delete.html", {"rule": rule})
