"""Pages. Views parse, call one service or selector, and render."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from community import legal
from community.errors import NotFound


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse(NotFound().as_dict(), status=404)
    return render(request, "frontend/404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse({"code": "server_error", "detail": "Server error."}, status=500)
    return render(request, "frontend/500.html", status=500)


@require_GET
def landing(request):
    if request.user.is_authenticated:
        return redirect("frontend:home")
    return render(request, "frontend/landing.html")


@require_GET
@login_required
def home(request):
    return render(request, "frontend/home.html")


@require_GET
def terms(request):
    return render(request, "frontend/terms.html", {"documents": legal.DOCUMENTS})
