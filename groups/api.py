"""Groups and meetups over REST: the directory, joining, members, meetups, RSVPs, check-in,
calendars, and the signed-in person's notifications.

Views parse with a serializer, call one service or selector, and answer the payload the
selectors build; every refusal is a ``community.errors`` error the one handler renders.
"""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from community import policies as community_policies
from community import rest
from community import selectors as community_selectors
from community import services as community_services
from community.errors import NotFound
from community.models import Organisation
from community.rest import CONFLICT, FORBIDDEN, INVALID, NOT_FOUND, NOT_SIGNED_IN
from groups import calendar, policies, selectors
from groups import serializers as s
from groups.models import JoinRequest, Meetup, PeerGroup, Rsvp
from groups.services import calendar_feeds, meetups, membership, rsvps
from groups.services.meetups import MeetupFields
from groups.services.rsvps import Needs

CALENDAR = "text/calendar; charset=utf-8"

MEETUP_FIELDS = [name for name in MeetupFields.__dataclass_fields__ if name != "extra"]


# --- groups -------------------------------------------------------------------------------


def _group_detail(group: PeerGroup, *, user) -> dict:
    upcoming = selectors.upcoming_meetups().filter(group=group)[: selectors.UPCOMING_LIMIT]
    is_member = policies.is_group_member(user=user, group=group)
    rooms = selectors.group_rooms(group=group) if is_member else []
    return {
        **selectors.group_payload(group, user=user),
        "next_meetups": [selectors.meetup_summary_for(m, user=user) for m in upcoming],
        "rooms": [{"id": r.pk, "name": r.name} for r in rooms],
    }


class GroupListView(APIView):
    """Anyone may browse the directory; coordinators create groups."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        operation_id="v1_groups_list",
        parameters=[s.GroupDirectoryQuerySerializer],
        responses={200: s.GroupListSerializer, 400: INVALID},
    )
    def get(self, request):
        query = rest.query(s.GroupDirectoryQuerySerializer, request)
        groups, has_more = selectors.group_directory(
            theme=query.get("theme"),
            municipality=query.get("municipality"),
            age=query.get("age"),
            has_upcoming=query["has_upcoming"],
            after_id=query.get("after"),
            limit=s.PAGE_LIMIT,
        )
        results = [selectors.group_payload(g, user=request.user) for g in groups]
        following = rest.next_query(request, after=groups[-1].pk) if has_more else None
        return Response({"results": results, "next": following})

    @extend_schema(
        request=s.GroupCreateSerializer,
        responses={201: s.GroupSerializer, 400: INVALID, 401: NOT_SIGNED_IN, 403: FORBIDDEN},
    )
    def post(self, request):
        data = rest.valid(s.GroupCreateSerializer, request.data)
        group = membership.group_create(user=request.user, **data)
        body = selectors.group_payload(group, user=request.user)
        return Response(body, status=status.HTTP_201_CREATED)


class GroupDetailView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses={200: s.GroupDetailSerializer, 404: NOT_FOUND})
    def get(self, request, group_id: int):
        group = policies.group_for_user(user=request.user, group_id=group_id)
        return Response(_group_detail(group, user=request.user))


class GroupJoinView(APIView):
    @extend_schema(
        request=s.GroupJoinSerializer,
        responses={
            200: OpenApiResponse(s.JoinResultSerializer, description="member: joined now"),
            202: OpenApiResponse(s.JoinResultSerializer, description="pending: asked to join"),
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request, group_id: int):
        data = rest.valid(s.GroupJoinSerializer, request.data)
        result = membership.group_join(
            user=request.user,
            group_id=group_id,
            message=data["message"],
            invitation_token=data["invitation"],
        )
        code = status.HTTP_200_OK if result.status == "member" else status.HTTP_202_ACCEPTED
        return Response({"status": result.status}, status=code)


class GroupLeaveView(APIView):
    @extend_schema(request=None, responses={204: None, 404: NOT_FOUND})
    def post(self, request, group_id: int):
        membership.group_leave(user=request.user, group_id=group_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupMembersView(APIView):
    @extend_schema(
        parameters=[s.MemberQuerySerializer],
        responses={200: s.MemberListSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def get(self, request, group_id: int):
        query = rest.query(s.MemberQuerySerializer, request)
        group = policies.group_for_user(user=request.user, group_id=group_id)
        if not policies.can_see_members(user=request.user, group=group):
            raise NotFound()
        found = selectors.members(group=group)
        if "after" in query:
            found = found.filter(user__display_name__gt=query["after"])
        page, following = rest.page(
            request,
            list(found[: s.MEMBER_PAGE_LIMIT + 1]),
            s.MEMBER_PAGE_LIMIT,
            lambda m: {"after": m.user.display_name},
        )
        results = [
            {"id": m.user_id, "display_name": m.user.display_name, "role": m.role} for m in page
        ]
        return Response({"results": results, "next": following})


def _pending_requests(*, group: PeerGroup, after_id: int | None):
    """A read that belongs in ``groups.selectors`` (as ``join_requests_pending``)."""
    pending = group.join_requests.select_related("user", "group").filter(
        status=JoinRequest.Status.PENDING
    )
    if after_id is not None:
        pending = pending.filter(pk__gt=after_id)
    return pending.order_by("pk")


class GroupRequestsView(APIView):
    @extend_schema(
        parameters=[s.AfterIdQuerySerializer],
        responses={200: s.JoinRequestListSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def get(self, request, group_id: int):
        query = rest.query(s.AfterIdQuerySerializer, request)
        group = policies.group_for_user(user=request.user, group_id=group_id)
        if not policies.can_manage_group(user=request.user, group=group):
            raise NotFound()
        pending = _pending_requests(group=group, after_id=query.get("after"))
        page, following = rest.page(
            request, list(pending[: s.PAGE_LIMIT + 1]), s.PAGE_LIMIT, lambda r: {"after": r.pk}
        )
        results = [selectors.join_request_payload(r) for r in page]
        return Response({"results": results, "next": following})


class JoinRequestDecisionView(APIView):
    """Approve or decline (``as_view(approve=...)``); the person is told either way."""

    approve = True

    @extend_schema(
        request=s.DecisionSerializer,
        responses={200: s.DecisionResultSerializer, 400: INVALID, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request, request_id: int):
        data = rest.valid(s.DecisionSerializer, request.data)
        decided = membership.join_request_decide(
            user=request.user, request_id=request_id, approve=self.approve, message=data["message"]
        )
        return Response({"id": decided.pk, "status": decided.status})


class InvitationCreateView(APIView):
    @extend_schema(
        request=s.InvitationCreateSerializer,
        responses={201: s.InvitationSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, group_id: int):
        data = rest.valid(s.InvitationCreateSerializer, request.data)
        invitation = membership.invitation_create(
            user=request.user, group_id=group_id, days=data["days"]
        )
        body = {
            "id": invitation.pk,
            "token": invitation.token,
            "url": f"/grupper/{invitation.group_id}/inbjudan/{invitation.token}/",
            "expires_at": invitation.expires_at.isoformat(),
        }
        return Response(body, status=status.HTTP_201_CREATED)


class InvitationDetailView(APIView):
    @extend_schema(request=None, responses={204: None, 404: NOT_FOUND})
    def delete(self, request, invitation_id: int):
        membership.invitation_revoke(user=request.user, invitation_id=invitation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- meetups ------------------------------------------------------------------------------


def _meetup_fields(data: dict) -> MeetupFields:
    return MeetupFields(**{name: data[name] for name in MEETUP_FIELDS})


def _meetup(meetup: Meetup, *, user) -> dict:
    rsvp = selectors.my_rsvps(user=user, meetup_ids=[meetup.pk]).get(meetup.pk)
    return selectors.meetup_payload(meetup, user=user, rsvp=rsvp)


class MeetupListView(APIView):
    @extend_schema(
        operation_id="v1_meetups_list",
        parameters=[s.MeetupQuerySerializer],
        responses={200: s.MeetupListSerializer, 400: INVALID},
    )
    def get(self, request):
        query = rest.query(s.MeetupQuerySerializer, request)
        group = query.get("group")
        results = selectors.meetup_list(
            user=request.user,
            group_id=group.pk if group else None,
            municipality=query.get("municipality"),
            mine=query["mine"],
        )
        return Response({"results": results, "next": None})

    @extend_schema(
        request=s.MeetupCreateSerializer,
        responses={201: s.MeetupCreatedSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request):
        data = rest.valid(s.MeetupCreateSerializer, request.data)
        created = meetups.meetup_create(
            user=request.user,
            group_id=data["group"],
            fields=_meetup_fields(data),
            recurrence=data["recurrence"],
            occurrences=data["occurrences"],
        )
        results = [selectors.meetup_payload(m, user=request.user) for m in created]
        return Response({"results": results}, status=status.HTTP_201_CREATED)


class MeetupDetailView(APIView):
    @extend_schema(responses={200: s.MeetupSerializer, 404: NOT_FOUND})
    def get(self, request, meetup_id: int):
        meetup = policies.meetup_for_user(user=request.user, meetup_id=meetup_id)
        return Response(_meetup(meetup, user=request.user))

    @extend_schema(
        request=s.MeetupFieldsSerializer(partial=True),
        responses={200: s.MeetupSerializer, 400: INVALID, 404: NOT_FOUND, 409: CONFLICT},
    )
    def patch(self, request, meetup_id: int):
        data = rest.valid(s.MeetupFieldsSerializer, request.data, partial=True)
        current = policies.meetup_for_user(user=request.user, meetup_id=meetup_id)
        merged = {name: getattr(current, name) for name in MEETUP_FIELDS} | data
        meetup = meetups.meetup_update(
            user=request.user, meetup_id=meetup_id, fields=_meetup_fields(merged)
        )
        return Response(_meetup(meetup, user=request.user))


class MeetupCancelView(APIView):
    @extend_schema(
        request=s.MeetupCancelSerializer,
        responses={200: s.MeetupSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, meetup_id: int):
        data = rest.valid(s.MeetupCancelSerializer, request.data)
        meetup = meetups.meetup_cancel(
            user=request.user, meetup_id=meetup_id, reason=data["reason"]
        )
        return Response(_meetup(meetup, user=request.user))


class RsvpView(APIView):
    @extend_schema(
        request=s.RsvpRequestSerializer,
        responses={
            200: s.RsvpResultSerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request, meetup_id: int):
        data = rest.valid(s.RsvpRequestSerializer, request.data)
        result = rsvps.rsvp_set(
            user=request.user,
            meetup_id=meetup_id,
            status=data["status"],
            needs=Needs(**data.get("needs", {})),
        )
        going = result.rsvp.status == Rsvp.Status.GOING
        return Response(
            {
                "status": result.rsvp.status,
                "waitlist_position": result.waitlist_position,
                "checkin_code": result.rsvp.checkin_code if going else None,
            }
        )


class MeetupNeedsView(APIView):
    @extend_schema(responses={200: s.NeedsOverviewSerializer, 404: NOT_FOUND})
    def get(self, request, meetup_id: int):
        return Response(rsvps.meetup_needs_read(user=request.user, meetup_id=meetup_id))


class CheckinView(APIView):
    @extend_schema(
        request=s.CheckinSerializer,
        responses={200: s.CheckinResultSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, meetup_id: int):
        data = rest.valid(s.CheckinSerializer, request.data)
        rsvp = rsvps.checkin(
            user=request.user, meetup_id=meetup_id, rsvp_id=data.get("rsvp"), code=data.get("code")
        )
        return Response(
            {"rsvp": rsvp.pk, "display_name": rsvp.user.display_name, "checked_in": True}
        )


class _IgnoreAccept(BaseContentNegotiation):
    """Calendar apps ask for text/calendar: the answer is a calendar and errors stay JSON,
    whatever ``Accept`` says (DRF's documented way to ignore the client's choice)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _calendar_response(items: list[Meetup], *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(calendar.calendar_for(items), content_type=CALENDAR)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache"
    return response


class MeetupIcsView(APIView):
    content_negotiation_class = _IgnoreAccept

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.STR, 404: NOT_FOUND})
    def get(self, request, meetup_id: int):
        meetup = policies.meetup_for_user(user=request.user, meetup_id=meetup_id)
        if policies.meetup_visible_fields(user=request.user, meetup=meetup) is not None:
            raise NotFound()  # the calendar file says where: not for those who may not know
        return _calendar_response([meetup], filename=f"traff-{meetup.pk}.ics")


# --- my calendar address, and the feed it names -------------------------------------------


class CalendarFeedView(APIView):
    @extend_schema(responses={200: s.CalendarFeedSerializer})
    def get(self, request):
        feed = calendar_feeds.calendar_feed_for(user=request.user)
        return Response({"url": calendar_feeds.calendar_feed_url(feed)})


class CalendarFeedRotateView(APIView):
    @extend_schema(request=None, responses={200: s.CalendarFeedSerializer})
    def post(self, request):
        feed = calendar_feeds.calendar_feed_rotate(user=request.user)
        return Response({"url": calendar_feeds.calendar_feed_url(feed)})


@require_safe
def calendar_feed(request, token: str) -> HttpResponse:
    """Not API: calendar apps fetch this without a session; the secret token is the key."""
    found = calendar_feeds.calendar_feed_meetups(token=token)
    if found is None:
        raise Http404
    response = _calendar_response(found)
    response["X-Robots-Tag"] = "noindex"
    return response


# --- organisations ------------------------------------------------------------------------


class AttendanceView(APIView):
    @extend_schema(responses={200: s.AttendanceListSerializer, 404: NOT_FOUND})
    def get(self, request, organisation_id: int):
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None or not community_policies.can_act_for_organisation(
            user=request.user, organisation=organisation
        ):
            raise NotFound()
        results = selectors.attendance_by_month(organisation_id=organisation.pk)
        return Response({"results": results, "next": None})


# --- my notifications ---------------------------------------------------------------------


class NotificationListView(APIView):
    """Newest first, 50 at a time; ``next`` asks for older ones."""

    @extend_schema(
        parameters=[s.NotificationQuerySerializer],
        responses={200: s.NotificationListSerializer, 400: INVALID},
    )
    def get(self, request):
        query = rest.query(s.NotificationQuerySerializer, request)
        mine = community_selectors.notification_page(
            user=request.user, before_id=query.get("before_id"), limit=s.PAGE_LIMIT
        )
        page, following = rest.page(request, mine, s.PAGE_LIMIT, lambda n: {"before_id": n.pk})
        return Response(
            {
                "results": [community_services.notification_payload(n) for n in page],
                "next": following,
                "unread": community_selectors.notifications_unread_count(user=request.user),
            }
        )


class NotificationReadView(APIView):
    @extend_schema(
        request=s.MarkReadSerializer, responses={200: s.MarkReadResultSerializer, 400: INVALID}
    )
    def post(self, request):
        data = rest.valid(s.MarkReadSerializer, request.data)
        marked = community_services.notifications_mark_read(user=request.user, ids=data.get("ids"))
        return Response({"marked": marked})
