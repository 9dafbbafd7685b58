"""The installable app: manifest, service worker, offline page, icons and every page's head."""

import json
import re
import struct
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from groups.models import Meetup
from tests.factories import MembershipFactory, PeerGroupFactory

pytestmark = pytest.mark.django_db

PAGES_SIGNED_OUT = [
    "/",
    "/konto/login/",
    "/konto/signup/",
    "/villkor/",
    "/konto/password/reset/",
    "/grupper/",
    "/offline/",
]
PAGES_SIGNED_IN = [
    "/hem/",
    "/profil/",
    "/konto/password/change/",
    "/rum/",
    "/traffar/",
    "/grupper/",
]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def static_bytes(url: str) -> bytes:
    assert url.startswith("/static/")
    path = finders.find(url.removeprefix("/static/"))
    assert path is not None, url
    with open(path, "rb") as file:
        return file.read()


def test_manifest_has_the_installable_shape(client):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Bredvid"
    assert manifest["short_name"] == "Bredvid"
    assert manifest["start_url"] == "/hem/"
    assert manifest["scope"] == "/"
    assert manifest["id"] == "/hem/"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "sv"
    assert manifest["theme_color"] == "#0b5d5b"
    assert manifest["background_color"] == "#fbf8f3"
    assert manifest["description"]
    icons = {(icon["sizes"], icon["purpose"]): icon for icon in manifest["icons"]}
    assert sorted(icons) == [
        ("192x192", "any"),
        ("192x192", "maskable"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    ]
    for (sizes, _purpose), icon in icons.items():
        assert icon["type"] == "image/png"
        side = int(sizes.split("x")[0])
        assert png_size(static_bytes(icon["src"])) == (side, side)


def test_manifest_speaks_the_readers_language(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    manifest = json.loads(client.get("/manifest.webmanifest").content)

    assert manifest["lang"] == "en"
    assert manifest["description"] == "Meet other young carers, in chat and in person."


def test_service_worker_is_served_for_the_whole_site_and_never_stale(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    assert re.search(r'const VERSION = "[0-9a-f]{12}";', script)
    assert 'const OFFLINE_URL = "/offline/";' in script
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", script, re.S).group(1))
    assert "/offline/" in shell
    assert "/static/css/app.css" in shell
    assert "/static/js/chat/room.js" in shell
    assert "/static/js/chat/outbox.js" in shell
    assert "/static/icons/icon-192.png" in shell
    assert 'importScripts("/static/js/sw-push.js")' in script
    assert "/api/" in script  # API responses are never cached


def test_service_worker_version_is_stable_for_the_same_files(client):
    first = client.get("/sw.js").content.decode()

    again = client.get("/sw.js").content.decode()

    assert first == again  # the same files: the same version, no needless reinstall


def test_offline_page_is_ours_in_swedish_first(client):
    response = client.get("/offline/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert 'id="offline-heading"' in html
    assert '<a class="button button--primary" href="/hem/" data-reload>' in html
    assert 'id="quick-exit"' in html
    assert "Cache-Control" not in response or "no-store" not in response["Cache-Control"]


def test_offline_page_in_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = client.get("/offline/").content.decode()

    assert '<html lang="en">' in html
    assert "You are offline" in html


def test_favicon_is_served_at_the_root(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert data[:4] == b"\x00\x00\x01\x00"  # an icon directory
    assert data[22:30] == b"\x89PNG\r\n\x1a\n"  # holding one PNG


def assert_head(html: str) -> None:
    head = html.split("</head>")[0]
    assert '<link rel="manifest" href="/manifest.webmanifest">' in head
    assert '<meta name="theme-color" content="#0b5d5b">' in head
    description = re.search(r'<meta name="description" content="([^"]+)">', head)
    assert description is not None
    assert len(description.group(1)) >= 40
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/png" sizes="32x32">', head)
    assert icon is not None
    assert png_size(static_bytes(icon.group(1))) == (32, 32)
    touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', head)
    assert touch is not None
    assert png_size(static_bytes(touch.group(1))) == (180, 180)
    assert re.search(r'<script type="module" src="/static/js/pwa.js"></script>', head)


@pytest.mark.parametrize("path", PAGES_SIGNED_OUT)
def test_every_signed_out_page_links_the_manifest_a_description_and_icons(
    client, municipalities, path
):
    response = client.get(path)

    assert response.status_code == 200
    assert_head(response.content.decode())


@pytest.mark.parametrize("path", PAGES_SIGNED_IN)
def test_every_signed_in_page_links_the_manifest_a_description_and_icons(client, member, path):
    client.force_login(member)

    response = client.get(path)

    assert response.status_code == 200
    assert_head(response.content.decode())


def test_room_group_and_meetup_pages_have_the_head_too(client, member, topic_room, coordinator):
    group = PeerGroupFactory(organisation=coordinator.organisation, min_age=13, max_age=30)
    MembershipFactory(group=group, user=member)
    starts = timezone.now() + timedelta(days=7)
    meetup = Meetup.objects.create(
        group=group,
        title="Fika och prat",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        venue_name="Stadsbiblioteket",
        venue_address="Axel Olssons gata 1, Halmstad",
        capacity=10,
        created_by=coordinator,
    )
    client.force_login(member)

    for path in [f"/rum/{topic_room.pk}/", f"/grupper/{group.pk}/", f"/traffar/{meetup.pk}/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_head(response.content.decode())


def test_the_404_page_has_the_head_too(client):
    response = client.get("/finns-inte/")

    assert response.status_code == 404
    assert_head(response.content.decode())


def test_offline_page_is_the_same_for_a_signed_in_member(client, member):
    client.force_login(member)

    response = client.get("/offline/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "data-sign-out" not in html
    assert "/konto/logout/" not in html
    assert "no-store" not in response.get("Cache-Control", "")
