from django.core.management.base import BaseCommand

from community.erasure import accounts_erase_due


class Command(BaseCommand):
    help = (
        "Finish the account deletions whose 14-day grace period is over, writing the audit "
        "log. Safe to run every hour: an erased account, or one whose owner signed in again, "
        "is not due."
    )

    def handle(self, *args, **options):
        erased = accounts_erase_due()
        self.stdout.write(f"erased: {len(erased)} accounts")
