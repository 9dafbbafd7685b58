"""When a real engine or the browser is missing: skip locally, fail under CI=true."""

import os
import shutil
import time

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason}; CI=true needs it present")
    pytest.skip(reason)


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def on_redis() -> bool:
    return bool(settings.REDIS_URL)


def require_postgres() -> None:
    if not on_postgres():
        skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://...")


def require_redis() -> None:
    if not on_redis():
        skip_or_fail("needs Redis: set REDIS_URL=redis://...")


def require_chromium() -> None:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        skip_or_fail("needs Debian's chromium: apt-get install chromium")


def other_sessions_ended(*, busy_only: bool = False, timeout: float = 10.0) -> None:
    """Wait (at most ``timeout``) until no other session is in the test database, or with
    ``busy_only`` none with a statement or transaction open. PostgreSQL only."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    query = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    if busy_only:
        query += " AND state IN ('active', 'idle in transaction')"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:  # bounded
        with connection.cursor() as cursor:
            cursor.execute(query)
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.05)
