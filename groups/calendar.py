"""iCalendar (RFC 5545) for meetups, made with the icalendar library."""

from django.conf import settings
from icalendar import Calendar, Event

from groups.models import Meetup

PRODID = "-//Bredvid//Meetups//SV"


def _event(meetup: Meetup) -> Event:
    event = Event()
    event.add("uid", f"{meetup.uid}@bredvid")
    event.add("sequence", meetup.sequence)
    event.add("dtstamp", meetup.updated_at)
    event.add("dtstart", meetup.starts_at)  # aware UTC datetimes: written as ...Z
    event.add("dtend", meetup.ends_at)
    event.add("summary", meetup.title)
    location = ", ".join(part for part in (meetup.venue_name, meetup.venue_address) if part)
    event.add("location", location)
    description = "\n\n".join(
        part
        for part in (meetup.description, meetup.accessibility_notes, meetup.cancel_reason)
        if part
    )
    if description:
        event.add("description", description)
    event.add("url", f"{settings.SITE_URL}/traffar/{meetup.pk}/")
    cancelled = meetup.status == Meetup.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_for(meetups, *, name: str = "Bredvid") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for meetup in meetups:
        calendar.add_component(_event(meetup))
    return calendar.to_ical()
