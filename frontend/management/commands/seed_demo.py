from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chat import demo as chat_demo
from community import demo
from groups import demo as groups_demo
from support import demo as support_demo


class Command(BaseCommand):
    help = "Create or refresh the demo data (organisations, accounts). Refused when DEBUG is off."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: it creates known passwords.")
        with transaction.atomic():
            if demo.is_seeded_without_records():
                for module in (demo, chat_demo, groups_demo, support_demo):
                    module.adopt()
            users = demo.seed()
            rooms = chat_demo.seed()
            groups = groups_demo.seed()
            support = support_demo.seed()
        self.stdout.write(f"Rooms: {', '.join(room.name for room in rooms)}")
        self.stdout.write(f"Groups: {', '.join(group.name for group in groups)}")
        self.stdout.write(
            f"Support: {len(support['entries'])} directory entries, "
            f"{len(support['articles'])} articles (verify before production)"
        )
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in with:"))
        for user in users:
            line = f"  {user.email:<24} {demo.DEMO_PASSWORD}   ({user.get_role_display()})"
            if user.role in demo.SECOND_FACTOR_ROLES:
                line += f"   two-step code: authenticator app, secret {demo.DEMO_TOTP_SECRET}"
            self.stdout.write(line)
