"""Moderation over REST: reports, the queue, moderator actions, the audit log, word rules,
crisis contacts and a member's history.

Views parse with a serializer, call one service or selector, and answer the payload the
selectors build; every refusal is a ``community.errors`` error the one handler renders.
Each service writes its own audit line; nothing here writes to the log.
"""

import csv
import io

from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from chat import selectors as chat_selectors
from chat import serializers as chat_serializers
from chat.models import Room
from community import policies as community_policies
from community import rest
from community.errors import Forbidden, NotFound
from community.rest import CONFLICT, INVALID
from moderation import policies, selectors
from moderation import serializers as s
from moderation.models import AuditEntry, CrisisContact, QueueItem, Sanction, WordRule
from moderation.services import (
    ages,
    conversations,
    members,
    messages,
    reads,
    reports,
    rooms,
    rules,
)

FORBIDDEN = OpenApiResponse(description="forbidden: not a moderator (or coordinator) here")
NOT_FOUND = OpenApiResponse(description="not_found: missing or not yours to moderate")


# --- reports and the queue ----------------------------------------------------------------


class ReportView(APIView):
    """Any reader of a message may report it; nobody learns who reported, or how many."""

    @extend_schema(
        request=s.ReportSerializer,
        responses={201: s.ReportResultSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, message_id: int):
        data = rest.valid(s.ReportSerializer, request.data)
        reports.report_create(
            user=request.user, message_id=message_id, reason=data["reason"], note=data["note"]
        )
        return Response({"reported": True}, status=status.HTTP_201_CREATED)


def _queue_after(items: QuerySet[QueueItem], cursor) -> QuerySet[QueueItem]:
    """Keyset on the queue's order (priority, created_at, id); belongs in the selector."""
    priority, created_at, pk = cursor
    return items.filter(
        Q(priority__gt=priority)
        | Q(priority=priority, created_at__gt=created_at)
        | Q(priority=priority, created_at=created_at, pk__gt=pk)
    )


def _queue_cursor(item: QueueItem) -> dict:
    return {"after": f"{item.priority}_{item.created_at.isoformat()}_{item.pk}"}


def _require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden()


class QueueListView(APIView):
    """Urgent first (risk of self-harm), then oldest; group moderators see their groups."""

    @extend_schema(
        operation_id="v1_moderation_queue_list",
        parameters=[s.QueueQuerySerializer],
        responses={200: s.QueuePageSerializer, 400: INVALID, 403: FORBIDDEN},
    )
    def get(self, request):
        _require(policies.can_see_queue(request.user))
        query = rest.query(s.QueueQuerySerializer, request)
        items = selectors.queue_items(
            user=request.user,
            status=query["status"],
            priority=query.get("priority"),
            room_id=query.get("room"),
        )
        if "after" in query:
            items = _queue_after(items, query["after"])
        limit = query["limit"]
        page, following = rest.page(
            request, list(items[: limit + 1]), limit, _queue_cursor, drop=("format",)
        )
        results = [selectors.queue_item_payload(item) for item in page]
        reads.queue_read(user=request.user, items=results)
        return Response({"results": results, "next": following})


class QueueItemView(APIView):
    @extend_schema(responses={200: s.QueueDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, item_id: int):
        _require(policies.can_see_queue(request.user))
        item = selectors.queue_item_for(user=request.user, item_id=item_id)
        if item is None:
            raise NotFound()
        payload = selectors.queue_item_payload(item)
        around = selectors.message_context(message=item.message)
        reads.queue_item_read(user=request.user, item=item, messages=[payload["message"], *around])
        return Response(
            {
                "item": payload,
                "context": around,
                "notes": selectors.report_notes(message_id=item.message_id),
                "history": selectors.member_history(
                    user_id=item.message.author_id, viewer=request.user
                ),
            }
        )


class QueueConversationView(APIView):
    """Open (or find) the support conversation with the author of a queue item."""

    @extend_schema(
        request=None,
        responses={
            200: chat_serializers.RoomSerializer,
            201: chat_serializers.RoomSerializer,
            403: FORBIDDEN,
            404: NOT_FOUND,
            422: INVALID,
        },
    )
    def post(self, request, item_id: int):
        opened = conversations.queue_item_conversation_open(user=request.user, item_id=item_id)
        return _opened(request, opened)


def _opened(request, opened) -> Response:
    """The room payload: 201 when just opened, 200 when it was open already."""
    return Response(
        chat_selectors.room_payload_for(user=request.user, room=opened.room),
        status=status.HTTP_201_CREATED if opened.created else status.HTTP_200_OK,
    )


class TalkRequestConversationView(APIView):
    """Open (or find) the support conversation with the member who asked to talk."""

    @extend_schema(
        request=None,
        responses={
            200: chat_serializers.RoomSerializer,
            201: chat_serializers.RoomSerializer,
            403: FORBIDDEN,
            404: NOT_FOUND,
            422: INVALID,
        },
    )
    def post(self, request, request_id: int):
        opened = conversations.talk_request_conversation_open(
            user=request.user, request_id=request_id
        )
        return _opened(request, opened)


class MemberHistoryView(APIView):
    @extend_schema(responses={200: s.MemberHistorySerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, user_id: int):
        _require(policies.can_see_queue(request.user))
        member = policies.member_for_moderator(
            user=request.user, member_id=user_id, statuses=policies.BANNABLE
        )
        history = selectors.member_history(user_id=member.pk, viewer=request.user)
        reads.member_history_read(user=request.user, member=member)
        return Response(history)


class BirthYearCorrectionView(APIView):
    """A coordinator of the member's municipality corrects a birth year (audited)."""

    @extend_schema(
        request=s.BirthYearCorrectionSerializer,
        responses={200: s.BirthYearCorrectedSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, user_id: int):
        data = rest.valid(s.BirthYearCorrectionSerializer, request.data)
        corrected = ages.user_birth_year_correct(
            actor=request.user,
            member_id=user_id,
            birth_year=data["birth_year"],
            reason=data["reason"],
        )
        body = {
            "id": corrected.user.pk,
            "age_band": community_policies.age_band(birth_year=corrected.user.birth_year),
            "ended": corrected.ended,
        }
        return Response(body)


# --- actions ------------------------------------------------------------------------------


def _room_state(room: Room) -> dict:
    return {
        "id": room.pk,
        "is_locked": room.is_locked,
        "slow_mode_seconds": room.slow_mode_seconds,
        "pinned_message": room.pinned_message_id,
    }


def _on_message(service):
    def run(user, data: dict) -> dict:
        message = service(user=user, message_id=data["message"], reason=data["reason"])
        return {"message": chat_selectors.message_for_broadcast(message.pk)}

    return run


def _pin(pin: bool):
    def run(user, data: dict) -> dict:
        room = messages.message_pin(
            user=user, message_id=data["message"], reason=data["reason"], pin=pin
        )
        return {"room": _room_state(room)}

    return run


def _scope(data: dict) -> dict:
    return {"room_id": data.get("room"), "group_id": data.get("group")}


def _warn(user, data: dict) -> dict:
    sanction = members.member_warn(
        user=user,
        member_id=data["member"],
        reason=data["reason"],
        member_message=data.get("member_message"),
        **_scope(data),
    )
    return {"sanction": selectors.sanction_payload(sanction)}


def _mute(user, data: dict) -> dict:
    sanction = members.member_mute(
        user=user,
        member_id=data["member"],
        reason=data["reason"],
        minutes=data["minutes"],
        member_message=data.get("member_message"),
        **_scope(data),
    )
    return {"sanction": selectors.sanction_payload(sanction)}


def _lift(kind: str):
    """Unmute, unban and unsuspend lift a sanction of that kind and no other."""

    def run(user, data: dict) -> dict:
        if not Sanction.objects.filter(pk=data["sanction"], kind=kind).exists():
            raise NotFound()
        sanction = members.sanction_lift(
            user=user, sanction_id=data["sanction"], reason=data["reason"]
        )
        return {"sanction": selectors.sanction_payload(sanction)}

    return run


def _ban(user, data: dict) -> dict:
    sanction = members.member_ban(
        user=user, member_id=data["member"], group_id=data["group"], reason=data["reason"]
    )
    return {"sanction": selectors.sanction_payload(sanction)}


def _suspend(user, data: dict) -> dict:
    sanction = members.member_suspend(user=user, member_id=data["member"], reason=data["reason"])
    return {"sanction": selectors.sanction_payload(sanction)}


def _lock(locked: bool):
    def run(user, data: dict) -> dict:
        room = rooms.room_lock(
            user=user, room_id=data["room"], locked=locked, reason=data["reason"]
        )
        return {"room": _room_state(room)}

    return run


def _slow_mode(user, data: dict) -> dict:
    room = rooms.room_slow_mode(
        user=user, room_id=data["room"], seconds=data["seconds"], reason=data["reason"]
    )
    return {"room": _room_state(room)}


def _resolve(user, data: dict) -> dict:
    item = reports.queue_item_resolve(
        user=user, item_id=data["item"], status=data["status"], reason=data["reason"]
    )
    return {"item": selectors.queue_item_payload(item)}


ACTIONS = {
    "hide": _on_message(messages.message_hide),
    "unhide": _on_message(messages.message_unhide),
    "approve": _on_message(messages.message_approve),
    "delete": _on_message(messages.message_remove),
    "pin": _pin(True),
    "unpin": _pin(False),
    "warn": _warn,
    "mute": _mute,
    "unmute": _lift(Sanction.Kind.MUTE),
    "unban": _lift(Sanction.Kind.BAN),
    "unsuspend": _lift(Sanction.Kind.SUSPENSION),
    "ban": _ban,
    "suspend": _suspend,
    "lock": _lock(True),
    "unlock": _lock(False),
    "slow_mode": _slow_mode,
    "resolve": _resolve,
}


class ActionView(APIView):
    """One endpoint for every moderator action; each is exactly one service call."""

    @extend_schema(
        request=s.ActionSerializer,
        responses={
            200: s.ActionResultSerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request):
        _require(policies.can_see_queue(request.user))
        data = rest.valid(s.ActionSerializer, request.data)
        result = ACTIONS[data["action"]](request.user, data)
        return Response({"action": data["action"], "ok": True, **result})


# --- the audit log ------------------------------------------------------------------------

AUDIT_CSV_COLUMNS = (
    "created_at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "reason",
    "room",
    "group",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    """Spreadsheets run cells that start like a formula; a quote keeps free text as text."""
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class AuditCsvRenderer(BaseRenderer):
    """``?format=csv`` (or ``Accept: text/csv``): the audit rows for a spreadsheet."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(AUDIT_CSV_COLUMNS)
        for entry in data:
            actor = entry["actor"]["id"] if entry["actor"] else None
            row = {**entry, "actor": actor}
            writer.writerow([_csv_cell(row[column]) for column in AUDIT_CSV_COLUMNS])
        return out.getvalue()


def _audit_before(entries: QuerySet[AuditEntry], before_id: int) -> QuerySet[AuditEntry]:
    """Keyset on the log's order (newest first, then id); belongs in the selector."""
    moment = AuditEntry.objects.filter(pk=before_id).values_list("created_at", flat=True).first()
    if moment is None:
        return entries.filter(pk__lt=before_id)
    return entries.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=before_id))


class AuditListView(APIView):
    """Coordinators read the log, newest first; there is no way to change or delete it."""

    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, AuditCsvRenderer]

    @extend_schema(
        operation_id="v1_moderation_audit_list",
        parameters=[s.AuditQuerySerializer],
        responses={
            (200, "application/json"): s.AuditPageSerializer,
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="`?format=csv`: every row that matches the filters, one per line: "
                + ", ".join(AUDIT_CSV_COLUMNS),
            ),
            400: INVALID,
            403: FORBIDDEN,
        },
    )
    def get(self, request):
        _require(policies.can_see_audit(request.user))
        query = rest.query(s.AuditQuerySerializer, request)
        entries = selectors.audit_entries(
            viewer=request.user,
            actor_id=query.get("actor"),
            action=query.get("action"),
            target_type=query.get("target_type"),
            since=query.get("since"),
            until=query.get("until"),
            room_id=query.get("room"),
            group_id=query.get("group"),
        )
        if "before_id" in query:
            entries = _audit_before(entries, query["before_id"])
        if request.accepted_renderer.format == AuditCsvRenderer.format:
            rows = (selectors.audit_payload(e) for e in entries.iterator(chunk_size=1000))
            headers = {"Content-Disposition": 'attachment; filename="audit.csv"'}
            return Response(rows, headers=headers)
        limit = query["limit"]
        page, following = rest.page(
            request,
            list(entries[: limit + 1]),
            limit,
            lambda e: {"before_id": e.pk},
            drop=("format",),
        )
        return Response({"results": [selectors.audit_payload(e) for e in page], "next": following})

    def handle_exception(self, exc):
        # A refusal keeps the one JSON error shape even when CSV was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class AuditEntryView(APIView):
    """One line of the log. It has no PUT, PATCH or DELETE: those answer 405."""

    @extend_schema(responses={200: s.AuditEntrySerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, entry_id: int):
        _require(policies.can_see_audit(request.user))
        entry = selectors.audit_entries(viewer=request.user).filter(pk=entry_id).first()
        if entry is None:
            raise NotFound()
        return Response(selectors.audit_payload(entry))


# --- word rules ---------------------------------------------------------------------------


def _editable_rules(user) -> QuerySet[WordRule]:
    """Rules for those who may edit them; one not-found answer for anyone else."""
    if not policies.can_edit_rules(user):
        raise NotFound()
    return WordRule.objects.order_by("pk")


class RuleListView(APIView):
    @extend_schema(
        parameters=[s.AfterQuerySerializer],
        responses={200: s.WordRuleListSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def get(self, request):
        found = _editable_rules(request.user)
        query = rest.query(s.AfterQuerySerializer, request)
        if "after" in query:
            found = found.filter(pk__gt=query["after"])
        limit = s.PAGE_LIMIT_MAX
        page, following = rest.page(
            request, list(found[: limit + 1]), limit, lambda r: {"after": r.pk}, drop=("format",)
        )
        return Response({"results": s.WordRuleSerializer(page, many=True).data, "next": following})

    @extend_schema(
        request=s.WordRuleSerializer,
        responses={201: s.WordRuleSerializer, 400: INVALID, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request):
        _editable_rules(request.user)
        data = rest.valid(s.WordRuleSerializer, request.data)
        rule = rules.rule_save(user=request.user, fields=data)
        return Response(s.WordRuleSerializer(rule).data, status=status.HTTP_201_CREATED)


RULE_FIELDS = ("pattern", "is_regex", "language", "category", "action", "is_active")


class RuleDetailView(APIView):
    @extend_schema(
        request=s.WordRuleSerializer,
        responses={200: s.WordRuleSerializer, 400: INVALID, 404: NOT_FOUND, 409: CONFLICT},
    )
    def patch(self, request, rule_id: int):
        current = _editable_rules(request.user).filter(pk=rule_id).values(*RULE_FIELDS).first()
        if current is None:
            raise NotFound()
        data = rest.valid(s.WordRuleSerializer, request.data, partial=True)
        # The service checks a whole rule: what is not sent stays as it is.
        rule = rules.rule_save(user=request.user, fields={**current, **data}, rule_id=rule_id)
        return Response(s.WordRuleSerializer(rule).data)

    @extend_schema(request=None, responses={204: None, 404: NOT_FOUND})
    def delete(self, request, rule_id: int):
        rules.rule_delete(user=request.user, rule_id=rule_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RuleTryView(APIView):
    @extend_schema(
        request=s.RuleTrySerializer,
        responses={200: s.RuleTryResultSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request):
        _editable_rules(request.user)
        data = rest.valid(s.RuleTrySerializer, request.data)
        return Response(rules.rule_try(user=request.user, **data))


# --- crisis contacts ----------------------------------------------------------------------


def _may_edit_contacts(user) -> None:
    """Checked before parsing, so others get the service's one answer whatever they send."""
    if not policies.can_edit_crisis_contacts(user):
        raise NotFound()


class CrisisContactListView(APIView):
    """Moderators and coordinators read every contact; coordinators keep them up to date."""

    @extend_schema(
        parameters=[s.AfterQuerySerializer],
        responses={200: s.CrisisContactListSerializer, 400: INVALID, 403: FORBIDDEN},
    )
    def get(self, request):
        _require(policies.can_see_crisis_contacts(request.user))
        query = rest.query(s.AfterQuerySerializer, request)
        found = CrisisContact.objects.select_related("municipality").order_by("pk")
        if "after" in query:
            found = found.filter(pk__gt=query["after"])
        limit = s.PAGE_LIMIT_MAX
        page, following = rest.page(
            request, list(found[: limit + 1]), limit, lambda c: {"after": c.pk}, drop=("format",)
        )
        return Response(
            {"results": s.CrisisContactSerializer(page, many=True).data, "next": following}
        )

    @extend_schema(
        request=s.CrisisContactSerializer,
        responses={201: s.CrisisContactSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request):
        _may_edit_contacts(request.user)
        data = rest.valid(s.CrisisContactSerializer, request.data)
        contact = rules.crisis_contact_save(user=request.user, fields=data)
        return Response(s.CrisisContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class CrisisContactDetailView(APIView):
    @extend_schema(
        request=s.CrisisContactSerializer,
        responses={200: s.CrisisContactSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def patch(self, request, contact_id: int):
        _may_edit_contacts(request.user)
        data = rest.valid(s.CrisisContactSerializer, request.data, partial=True)
        contact = rules.crisis_contact_save(user=request.user, fields=data, contact_id=contact_id)
        return Response(s.CrisisContactSerializer(contact).data)
