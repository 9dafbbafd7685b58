"""When a real engine or the browser is missing: skip locally, fail under CI=true."""

import os
import shutil

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
