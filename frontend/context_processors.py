from django.conf import settings

from community import policies


def site(request):
    user = getattr(request, "user", None)
    return {
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "is_moderator": policies.is_moderator(user),
        "is_coordinator": policies.is_coordinator(user),
    }
