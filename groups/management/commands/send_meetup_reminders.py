from django.core.management.base import BaseCommand

from groups.services.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Send meetup reminders (24 h and 2 h before) and 'we missed you' notes. "
        "Safe to run every minute from cron: each reminder goes out once."
    )

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(
            f"reminders: {sent.day_before} a day before, {sent.hours_before} two hours before, "
            f"{sent.missed_you} 'we missed you'"
        )
