from django.core.management.base import BaseCommand
from django.utils import timezone

from moderation.services.retention import purge_expired


class Command(BaseCommand):
    help = (
        "Delete what has passed its retention period (README: Retention) and log the counts. "
        "Safe to run every hour: a second run finds nothing new."
    )

    def handle(self, *args, **options):
        counts = purge_expired(now=timezone.now())
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count}")
        self.stdout.write(f"purged: {sum(counts.values())}")
