"""Rooms: created for topics and, by the groups app, for each peer group."""

from django.db import transaction

from chat.models import Room


@transaction.atomic
def room_create(
    *, name: str, slug: str, topic: str = "", kind: str = Room.Kind.TOPIC, group=None
) -> Room:
    room = Room(name=name, slug=slug, topic=topic, kind=kind, group=group)
    room.full_clean()
    room.save()
    return room
