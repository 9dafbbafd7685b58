from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from django.urls import register_converter

        from community import holdings  # noqa: F401  (registers with the privacy registry)
        from community.bounds import IdConverter

        register_converter(IdConverter, "id")

        from allauth.mfa import signals

        for signal in (
            signals.authenticator_added,
            signals.authenticator_removed,
            signals.authenticator_reset,
        ):
            signal.connect(_second_factor_changed, dispatch_uid=f"bredvid-{id(signal)}")


def _second_factor_changed(sender, request, user, **kwargs) -> None:
    """allauth's MFA pages tell us only through signals: hand over to the one service."""
    from community import services

    services.second_factor_changed(user=user)
