from community.errors import NotFound
from community.models import User
from push.models import PushSubscription


def push_subscription_for_user(*, user: User, subscription_id: int) -> PushSubscription:
    """One of the person's own subscriptions; anyone else's is simply not found."""
    try:
        return PushSubscription.objects.get(pk=subscription_id, user=user)
    except PushSubscription.DoesNotExist:
        raise NotFound() from None
