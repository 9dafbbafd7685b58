"""Fresh bench data in the bench database: users with API tokens, topic rooms, a resume room.

Run by ``bench/run.py`` in a subprocess (``python -m bench.setup_data``) with
``DATABASE_URL`` pointing at the bench database; prints one JSON object on stdout.
Everything created earlier by a bench run is removed first (the database is the bench's own).
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from chat import services  # noqa: E402
from chat.models import Message, MutedMember, Reaction, ReadState, Room  # noqa: E402
from community import services as community_services  # noqa: E402
from community.models import User  # noqa: E402
from moderation import starter  # noqa: E402
from moderation.models import CrisisContact, WordRule  # noqa: E402

BODY_FILLER = "Hej! Hur går det för er i veckan? Vi ses på träffen på torsdag, jag tar med fika."


def clean() -> None:
    """Empty the chat and user tables (CASCADE takes memberships, audit rows and the like)."""
    tables = [
        model._meta.db_table
        for model in (Reaction, ReadState, MutedMember, Message, Room, AuthToken, User)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:  # SQLite: a local trial run only
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names


def analyze() -> None:
    """Fresh planner statistics, as autovacuum keeps them in production: right after a
    TRUNCATE and bulk inserts the planner thinks the tables are empty, sorts whole rooms
    for a page of 100 and so slows what the bench measures."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@transaction.atomic
def create(*, users: int, rooms: int, idle_rooms: int, resume_messages: int) -> dict:
    password = make_password(None)  # unusable: bench users sign in with tokens only
    people = User.objects.bulk_create(
        User(
            email=f"bench{i:05d}@bench.invalid",
            display_name=f"Bench {i:05d}",
            birth_year=1995,
            password=password,
        )
        for i in range(users)
    )
    for person in people:  # as at sign-up: a member who has not accepted cannot post
        community_services.consents_record(user=person)
    tokens = [community_services.token_create(user=u) for u in people]
    load_rooms = [
        services.room_create(name=f"Bench room {i}", slug=f"bench-{i}") for i in range(rooms)
    ]
    idle = [
        services.room_create(name=f"Bench idle {i}", slug=f"bench-idle-{i}")
        for i in range(idle_rooms)
    ]
    resume = services.room_create(name="Bench resume", slug="bench-resume")
    author = people[0]
    Message.objects.bulk_create(
        Message(
            room=resume,
            seq=seq,
            author=author,
            body=f"resume {seq} {BODY_FILLER}",
            client_id=f"resume-{seq}",
        )
        for seq in range(1, resume_messages + 1)
    )
    Room.objects.filter(pk=resume.pk).update(last_seq=resume_messages)
    return {
        "users": [
            {"id": u.pk, "display_name": u.display_name, "token": t}
            for u, t in zip(people, tokens, strict=True)
        ],
        "rooms": [r.pk for r in load_rooms],
        "idle_rooms": [r.pk for r in idle],
        "resume_room": resume.pk,
        "resume_messages": resume_messages,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--idle-rooms", type=int, default=200)
    parser.add_argument("--resume-messages", type=int, default=1000)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    clean()
    # The starter word rules as a fresh install has them (the TRUNCATE cascades to them):
    # every message in the load is screened against them, as in production.
    starter.load(WordRule, CrisisContact)
    data = create(
        users=args.users,
        rooms=args.rooms,
        idle_rooms=args.idle_rooms,
        resume_messages=args.resume_messages,
    )
    analyze()
    data["seconds"] = round(time.perf_counter() - started, 2)
    json.dump(data, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
