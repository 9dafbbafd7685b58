"""A live daphne (Channels' own test process) and Playwright driving Debian's Chromium."""

import os
import re
import shutil
import tempfile
import time
from functools import partial
from pathlib import Path

import pytest

from tests.engines import CHROMIUM, other_sessions_ended, require_chromium

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MESSAGE_BOX = re.compile(r"^(Meddelande|Message)$")  # the composer, in Swedish or English
NEUTRAL_PAGE = "<!doctype html><html lang='en'><title>Search</title><h1>Search</h1></html>"


# The server's e-mail lands in files here, where a test can read it (its outbox is in the
# other process). One directory per test run.
LIVE_MAIL_DIR = Path(tempfile.gettempdir()) / f"bredvid-live-mail-{os.getpid()}"


def _fresh_after_fork() -> None:
    """The forked server inherits asgiref's one-thread executor without its thread (threads
    do not survive a fork): consumers' database calls would wait forever. Give it a new one."""
    from concurrent.futures import ThreadPoolExecutor

    from asgiref.sync import SyncToAsync
    from django.conf import settings

    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
    # Every phone of every browser test signs in from 127.0.0.1, on a fast machine more
    # often than allauth's per-address login limit (30 a minute) allows, and this
    # server's memory cache is out of the tests' reach (on Redis each test starts clear).
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1000/m/ip"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(LIVE_MAIL_DIR)


def live_mail(address: str, timeout: float = 5.0) -> list[str]:
    """Bodies of the e-mails the live server has sent to ``address``, oldest first."""
    import email

    deadline = time.monotonic() + timeout
    while True:
        bodies = []
        for path in sorted(LIVE_MAIL_DIR.glob("*.log"), key=lambda p: p.stat().st_mtime):
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                message = email.message_from_bytes(raw.strip())
                if message["To"] == address:
                    bodies.append(message.get_payload(decode=True).decode())
        if bodies or time.monotonic() > deadline:
            return bodies
        time.sleep(0.1)


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, django_db_blocker):
    """daphne serving ``asgi.application`` (static files included) on a free port."""
    from channels.testing.live import make_application
    from daphne.testing import DaphneProcess
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.db import connections
    from django.test.utils import modify_settings

    allowed = modify_settings(ALLOWED_HOSTS={"append": "localhost"})
    allowed.enable()
    get_application = partial(make_application, static_wrapper=ASGIStaticFilesHandler)
    # The server is forked: it inherits the test database settings and, with no open
    # connection to share, opens its own.
    server = DaphneProcess("localhost", get_application, setup=_fresh_after_fork)
    with django_db_blocker.unblock():  # the forked server keeps database access
        connections.close_all()
        server.start()
    if not server.ready.wait(timeout=30):
        server.terminate()
        raise RuntimeError("daphne did not start")
    yield f"http://localhost:{server.port.value}"
    server.terminate()
    server.join(timeout=10)
    allowed.disable()
    shutil.rmtree(LIVE_MAIL_DIR, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(live_server_url):
    """Chromium for one test module. Playwright's sync API keeps an event loop in this
    thread while it runs; the ORM calls the tests make between browser steps are still
    plain synchronous code, so Django's async-safety check is off for these modules only."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture
def new_phone(browser, live_server_url, settings):
    """Open a fresh phone-sized browser context; several make several people."""
    contexts = []

    def open_phone(locale: str = "sv-SE"):
        context = browser.new_context(
            viewport=PHONE, base_url=live_server_url, locale=locale, has_touch=True
        )
        context.route(
            f"{settings.QUICK_EXIT_URL}**",
            lambda route: route.fulfill(content_type="text/html", body=NEUTRAL_PAGE),
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_phone
    for context in contexts:
        context.close()
    _server_settled()


def _server_settled(grace: float = 0.3, timeout: float = 5.0) -> None:
    """Wait until the live server has no statement or transaction open in the test database.
    A closed page's last frames (a read marker, a reply) may still be at work there, and on
    PostgreSQL the flush that ends a transactional test deadlocks with them."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    time.sleep(grace)  # frames sent just before the page closed reach the server
    other_sessions_ended(busy_only=True, timeout=timeout)


@pytest.fixture
def phone(new_phone):
    return new_phone()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical WCAG 2.1 AA violation on this page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{page.url}: " + "; ".join(bad)


# Codes the live server has taken, per account: a TOTP code is good once, so a second sign-in
# of the same account within one period uses the next code the server still accepts. The
# newest code first: it stays good longest, where the oldest could turn stale on its way to
# the server when a period ends between computing and checking it.
_CODES_USED: set[tuple[int, str]] = set()


def fresh_code(user) -> str:
    from django.conf import settings

    from tests.factories import totp_code

    tolerance = settings.MFA_TOTP_TOLERANCE
    while True:
        for step in range(tolerance, -tolerance - 1, -1):
            code = totp_code(user, step=step)
            if (user.pk, code) not in _CODES_USED:
                _CODES_USED.add((user.pk, code))
                return code
        time.sleep(1)


def log_in(page, user_or_email, password, *, landing: str = "**/hem/") -> None:
    """Sign in on the login page, and on allauth's two-step page when the account has a
    second factor (staff): the code is computed with allauth's own TOTP helpers."""
    from community.models import User

    user = (
        user_or_email if isinstance(user_or_email, User) else User.objects.get(email=user_or_email)
    )
    page.goto("/konto/login/")  # by field name: the page may be in Swedish or English
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(lambda url: "/konto/login/" not in url)  # signed in, or a code asked
    if "/konto/2fa/authenticate/" in page.url:
        page.locator("input[name=code]").fill(fresh_code(user))
        page.locator("input[name=code]").press("Enter")
    page.wait_for_url(landing)


def open_room(page, room) -> None:
    """A chat room's page, once its socket is up."""
    from playwright.sync_api import expect

    page.goto(f"/rum/{room.pk}/")
    expect(page.locator("#chat-room")).to_have_attribute("data-connection", "up")


def write(page, text: str) -> None:
    """Type a message in the composer and send it with Enter."""
    box = page.get_by_role("textbox", name=MESSAGE_BOX)
    box.fill(text)
    box.press("Enter")
