from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import User

ENDPOINT_MAX = 2048


class PushSubscription(models.Model):
    """One browser's push channel for one person: where to send and the keys to encrypt for."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="push_subscriptions")
    # A browser has one endpoint; whoever subscribed with it last is who it belongs to.
    endpoint = models.CharField(_("endpoint"), max_length=ENDPOINT_MAX, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=50)
    created_at = models.DateTimeField(default=timezone.now)
    # Since when its push service has refused every try (not 404/410: those delete it at
    # once); a success clears it. Purged after RETENTION["push_failing"] days.
    failing_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.endpoint[:60]}"

    def info(self) -> dict:
        """The subscription as the browser handed it over (what pywebpush takes)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
