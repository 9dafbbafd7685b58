from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PushConfig(AppConfig):
    name = "push"
    verbose_name = _("Push notifications")

    def ready(self):
        # community sits below push: it reaches delivery only through this hook list.
        from community import services as community_services
        from push import privacy  # noqa: F401  (registers with the privacy registry)
        from push.services import push_deliver

        if push_deliver not in community_services.PUSH_DELIVER:
            community_services.PUSH_DELIVER.append(push_deliver)
