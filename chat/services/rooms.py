"""Rooms: created for topics and, when the groups app creates a peer group, its room."""

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


def group_room_create(*, group) -> Room:
    """A new group's room, with the group's name and slug and its description as topic."""
    return room_create(
        name=group.name,
        slug=group.slug,
        topic=group.description[:300],
        kind=Room.Kind.GROUP,
        group=group,
    )


def room_slug_taken(slug: str) -> bool:
    return Room.objects.filter(slug=slug).exists()
