"""``manage.py changepassword`` that ends the account's other credentials, as every other
password path does (API, account pages, reset link, admin)."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword
from django.db import transaction

from community import services


class Command(changepassword.Command):
    help = (
        "Change a user's password; their API tokens, other sessions and open sockets end, "
        "as with every other password change."
    )

    def handle(self, *args, **options):
        with transaction.atomic(using=options["database"]):
            result = super().handle(*args, **options)
            user_model = get_user_model()
            user = user_model._default_manager.using(options["database"]).get(
                **{user_model.USERNAME_FIELD: options["username"] or getpass.getuser()}
            )
            services.user_credentials_revoke(user=user)
        return result
