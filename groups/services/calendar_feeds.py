"""Private calendar addresses: one per person, rotated when they want the old one dead."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from groups import policies
from groups.models import CalendarFeed, Meetup, Rsvp, new_token

FEED_PAST = timedelta(days=30)  # long enough for calendars to see a recent cancellation


def calendar_feed_url(feed: CalendarFeed) -> str:
    return f"/kalender/{feed.token}.ics"


@transaction.atomic
def calendar_feed_for(*, user) -> CalendarFeed:
    """The person's feed, made on first use."""
    return CalendarFeed.objects.get_or_create(user=user)[0]


@transaction.atomic
def calendar_feed_rotate(*, user) -> CalendarFeed:
    """A new secret address; the old one answers 404 from now on."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.token = new_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


def calendar_feed_meetups(*, token: str) -> list[Meetup] | None:
    """What the feed's owner is going to, cancellations of the last 30 days included;
    None for a token nobody has (or a paused account). A read: belongs in selectors."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        return None
    going = (
        Meetup.objects.select_related("group")
        .filter(
            rsvps__user=feed.user_id,
            rsvps__status=Rsvp.Status.GOING,
            status__in=(Meetup.Status.SCHEDULED, Meetup.Status.CANCELLED),
            starts_at__gte=timezone.now() - FEED_PAST,
        )
        .order_by("starts_at", "pk")
    )
    # The feed says where: a group's band can have moved on since the answer was given.
    return [m for m in going if policies.meetup_visible_fields(user=feed.user, meetup=m) is None]
