from rest_framework import serializers

from push.models import ENDPOINT_MAX


class PushKeySerializer(serializers.Serializer):
    public_key = serializers.CharField(help_text="VAPID public key: uncompressed P-256, base64url")


class SubscriptionKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(max_length=100, trim_whitespace=False)
    auth = serializers.CharField(max_length=50, trim_whitespace=False)


class PushSubscriptionSerializer(serializers.Serializer):
    endpoint = serializers.CharField(max_length=ENDPOINT_MAX, trim_whitespace=False)
    keys = SubscriptionKeysSerializer()


class PushSubscriptionIdSerializer(serializers.Serializer):
    id = serializers.IntegerField()
