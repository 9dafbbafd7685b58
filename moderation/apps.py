from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from moderation import screening
        from moderation.models import WordRule

        for signal in (post_save, post_delete):
            signal.connect(screening.rules_changed, sender=WordRule, dispatch_uid="rules_changed")
