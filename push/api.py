"""Web push over REST: the server's public key and each browser's subscription."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from community import rest
from community.errors import NotFound
from community.rest import INVALID, NOT_FOUND, NOT_SIGNED_IN
from push import keys, selectors, services
from push import serializers as s


class PushKeyView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: s.PushKeySerializer, 404: NOT_FOUND})
    def get(self, request):
        vapid = keys.vapid()
        if vapid is None:
            raise NotFound()
        return Response({"public_key": keys.public_key_b64(vapid)})


class PushSubscriptionListView(APIView):
    @extend_schema(
        request=s.PushSubscriptionSerializer,
        responses={
            201: s.PushSubscriptionIdSerializer,
            200: OpenApiResponse(s.PushSubscriptionIdSerializer, "already subscribed: same id"),
            400: INVALID,
            401: NOT_SIGNED_IN,
        },
    )
    def post(self, request):
        data = rest.valid(s.PushSubscriptionSerializer, request.data)
        subscription, created = services.push_subscription_save(
            user=request.user,
            endpoint=data["endpoint"],
            p256dh=data["keys"]["p256dh"],
            auth=data["keys"]["auth"],
        )
        return Response(
            {"id": subscription.pk},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PushSubscriptionDetailView(APIView):
    @extend_schema(responses={204: None, 401: NOT_SIGNED_IN, 404: NOT_FOUND})
    def delete(self, request, pk: int):
        subscription = selectors.push_subscription_for_user(user=request.user, subscription_id=pk)
        services.push_subscription_delete(subscription=subscription)
        return Response(status=status.HTTP_204_NO_CONTENT)
