from functools import partial

from django.conf import settings

from community import policies, selectors
from moderation.policies import can_see_queue


def site(request):
    user = getattr(request, "user", None)
    return {
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "is_moderator": policies.is_moderator(user),
        "is_coordinator": policies.is_coordinator(user),
        "can_review_access_log": partial(policies.can_review_access_log, user),
        # Staff without a second factor act as members: every page says how to change it.
        "needs_second_factor": policies.needs_second_factor(user),
        # Called only where a template asks (the navigation): one query for group leaders.
        "can_moderate": partial(can_see_queue, user),
        # The bell's count, read only where the header shows it (signed in).
        "notifications_unread": partial(selectors.notifications_unread_count, user=user),
    }
