"""The access log page: coordinators review who read their members' confidences."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from community import policies, selectors
from community.models import AccessEntry
from community.serializers import AccessQuerySerializer

PAGE = 50


def _filters(request) -> dict:
    """The page's filters as the REST list reads them; a wrong one is left out."""
    found = {}
    for name in ("member", "staff", "kind", "before_id"):
        serializer = AccessQuerySerializer(data={name: request.GET.get(name)})
        if request.GET.get(name) and serializer.is_valid():
            found[name] = serializer.validated_data[name]
    return found


@require_GET
@login_required
def access_log(request):
    """Newest first, 50 a page. Reading this log is not itself logged."""
    if not policies.can_review_access_log(request.user):
        raise Http404
    filters = _filters(request)
    entries = selectors.access_entries(
        viewer=request.user,
        member_id=filters.get("member"),
        actor_id=filters.get("staff"),
        what=filters.get("kind"),
        before_id=filters.get("before_id"),
    )
    found = list(entries[: PAGE + 1])
    shown = found[:PAGE]
    context = {
        "entries": shown,
        "kinds": AccessEntry.What.choices,
        "kind": filters.get("kind", ""),
        "member": next((e.member for e in shown if e.member_id == filters.get("member")), None),
        "staff": next((e.actor for e in shown if e.actor_id == filters.get("staff")), None),
        "filters": {k: v for k, v in filters.items() if k != "before_id"},
        "older": shown[-1].pk if len(found) > PAGE else None,
    }
    return render(request, "frontend/access_log.html", context)
