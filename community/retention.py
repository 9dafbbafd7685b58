"""Retention periods (``settings.RETENTION``) and the moment each one ends.

A period of N days ends on Stockholm's wall clock: what was written at 14:00 on 1 March
goes at 14:00 N days later, whether or not summer time began or ended in between. Every
app's purge asks ``cutoff`` here; ``manage.py purge_expired`` runs them all.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.sessions.models import Session
from knox.models import AuthToken

from community.models import Notification
from community.signup import pending_signups_delete_expired

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def period_days(name: str) -> int:
    return settings.RETENTION[name]


def cutoff(*, name: str, now: datetime) -> datetime:
    """Anything whose period ``name`` began at this moment or earlier has passed it."""
    wall = now.astimezone(STOCKHOLM).replace(tzinfo=None) - timedelta(days=period_days(name))
    return clock_reaches(wall)


def clock_reaches(wall: datetime) -> datetime:
    """The moment (UTC) Stockholm's clock shows ``wall``: what began then or earlier began
    at ``wall`` or before on the clock.

    In the autumn's repeated hour that is the first pass. A time inside the spring's skipped
    hour is never shown: then it is the last microsecond before summer time begins."""
    first = wall.replace(tzinfo=STOCKHOLM, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=STOCKHOLM, fold=1).astimezone(UTC)
    if first <= second:
        return first
    # Skipped: the clock jumped over ``wall`` somewhere between ``second`` and ``first``.
    low, high = second, first  # shows less than ``wall`` at low, more at high
    while high - low > timedelta(microseconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(STOCKHOLM).replace(tzinfo=None) < wall:
            low = middle
        else:
            high = middle
    return low


# --- What community keeps -----------------------------------------------------------------


def notifications_purge(*, now: datetime) -> int:
    """Notifications go a period after they were made, read or not."""
    limit = cutoff(name="notifications", now=now)
    return Notification.objects.filter(created_at__lte=limit).delete()[0]


def pending_signups_purge(*, now: datetime) -> int:
    """A sign-up whose code has expired holds an address and a password hash for nothing."""
    return pending_signups_delete_expired(now=now)


def api_tokens_purge(*, now: datetime) -> int:
    """API tokens past their idle end (``TOKEN_IDLE_DAYS``) can never be used again."""
    return AuthToken.objects.filter(expiry__lt=now).delete()[0]


def sessions_purge(*, now: datetime) -> int:
    """Signed-in sessions past their end (Django's ``clearsessions``, counted)."""
    return Session.objects.filter(expire_date__lt=now).delete()[0]
