"""The page that asks again when the privacy notice or code of conduct has changed."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from community import legal, services
from community.errors import BredvidError


def consent_not_needed(view):
    """Pages a member reaches while a changed document waits (the privacy pages)."""
    view.consent_not_needed = True
    return view


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith("/") else "/hem/"


@consent_not_needed
@login_required
@require_http_methods(["GET", "POST"])
def consent(request):
    waiting = legal.documents_to_accept(user=request.user)
    if not waiting:
        return redirect(_next(request))
    error = None
    if request.method == "POST":
        try:
            for doc in waiting:
                # The version the page showed: one published since is asked for anew.
                shown = request.POST.get(f"version-{doc.document}", "")
                services.consent_accept(user=request.user, document=doc.document, version=shown)
        except BredvidError as refusal:
            error = refusal
        else:
            return redirect(_next(request))
        waiting = legal.documents_to_accept(user=request.user)
    context = {"documents": waiting, "next": _next(request), "error": error}
    return render(request, "frontend/consent.html", context, status=400 if error else 200)
