"""What push holds about one person, for the export and erasure (``community.privacy``)."""

from django.utils.translation import gettext_lazy as _

from community.privacy import Erase, Holding, register
from push.models import PushSubscription

register(
    Holding(
        model=PushSubscription,
        section="push_subscriptions",
        title=_("Devices that get push messages"),
        erase=Erase.DELETE,
        exported=("endpoint", "created_at", "failing_since"),
        not_personal=("p256dh", "auth"),  # the device's encryption keys
    ),
)
