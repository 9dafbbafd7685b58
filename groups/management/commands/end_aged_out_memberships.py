from django.core.management.base import BaseCommand

from groups.services.ages import aged_out_memberships_end


class Command(BaseCommand):
    help = (
        "End memberships of members whose age today is outside their group's age band, with "
        "a kind notice that points to groups for their age. Safe to run every minute: each "
        "membership ends once."
    )

    def handle(self, *args, **options):
        ended = aged_out_memberships_end()
        self.stdout.write(f"aged out: {len(ended)} memberships ended")
