from django.core.management.base import BaseCommand
from py_vapid import Vapid

from push.keys import b64url, public_key_b64


class Command(BaseCommand):
    help = "Print a new VAPID key pair for web push, as the environment variables take it."

    def handle(self, *args, **options):
        vapid = Vapid()
        vapid.generate_keys()
        private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
        self.stdout.write(f"VAPID_PRIVATE_KEY={b64url(private)}")
        self.stdout.write(f"VAPID_PUBLIC_KEY={public_key_b64(vapid)}")
