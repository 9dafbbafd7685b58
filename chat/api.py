"""Chat over REST: the rooms I can see, history pages, read markers, mutes, privacy."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from chat import policies, selectors, services
from chat import serializers as s
from chat.models import MutedMember
from community.rest import INVALID, NOT_FOUND


class RoomListView(APIView):
    @extend_schema(responses={200: s.RoomListSerializer})
    def get(self, request):
        rooms = selectors.room_list_for_user(user=request.user)
        return Response({"results": rooms, "next": None})


class MessageListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "after_seq", int, description="Messages after this seq, oldest first."
            ),
            OpenApiParameter("before_seq", int, description="Messages before this seq."),
            OpenApiParameter("limit", int, description="At most 100 (default 50)."),
        ],
        responses={200: s.MessagePageSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def get(self, request, room_id: int):
        query = s.MessagePageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        room = policies.room_for_user(user=request.user, room_id=room_id)
        viewer = selectors.viewer_for(user=request.user, room=room)
        results, has_more = selectors.message_page(
            viewer=viewer, room_id=room.pk, **query.validated_data
        )
        services.messages_read(user=request.user, room=room, messages=results)
        return Response(
            {
                "results": results,
                "next": _next(query.validated_data, results, has_more),
                "has_more": has_more,
            }
        )


def _next(query: dict, results: list[dict], has_more: bool) -> str | None:
    if not has_more or not results:
        return None
    if "before_seq" in query:
        return f"before_seq={results[0]['seq']}&limit={query['limit']}"
    return f"after_seq={results[-1]['seq']}&limit={query['limit']}"


class ReadView(APIView):
    @extend_schema(
        request=s.ReadSerializer,
        responses={200: s.ReadResultSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, room_id: int):
        body = s.ReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        seq = services.read_mark(user=request.user, room_id=room_id, seq=body.validated_data["seq"])
        room = policies.room_for_user(user=request.user, room_id=room_id)
        unread = selectors.unread_count(user=request.user, room=room)
        return Response({"room": room.pk, "seq": seq, "unread": unread})


def _mutes(user) -> QuerySet[MutedMember]:
    return MutedMember.objects.filter(user=user).select_related("muted").order_by("-created_at")


class MuteListView(APIView):
    @extend_schema(responses={200: s.MutedListSerializer})
    def get(self, request):
        mutes = s.MutedMemberSerializer(_mutes(request.user)[:500], many=True).data
        return Response({"results": mutes, "next": None})

    @extend_schema(
        request=s.MuteSerializer,
        responses={201: s.MutedMemberSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request):
        body = s.MuteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        mute = services.member_mute(user=request.user, muted_id=body.validated_data["user"])
        return Response(s.MutedMemberSerializer(mute).data, status=status.HTTP_201_CREATED)


class MuteDetailView(APIView):
    @extend_schema(request=None, responses={204: None, 404: NOT_FOUND})
    def delete(self, request, user_id: int):
        services.member_unmute(user=request.user, muted_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PrivacyView(APIView):
    @extend_schema(responses={200: s.PrivacySerializer})
    def get(self, request):
        return Response(s.PrivacySerializer(request.user).data)

    @extend_schema(request=s.PrivacySerializer, responses={200: s.PrivacySerializer, 400: INVALID})
    def patch(self, request):
        body = s.PrivacySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = services.privacy_update(user=request.user, **body.validated_data)
        return Response(s.PrivacySerializer(user).data)
