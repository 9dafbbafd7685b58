from django.contrib import admin
from django.db import models
from django.utils import timezone

from moderation import screening, selectors
from moderation.models import AuditEntry, CrisisContact, WordRule


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The log is append-only: staff may read it here, never add, change or delete."""

    list_display = ["created_at", "actor", "action", "target_type", "target_id", "room_id"]
    list_filter = ["action", "target_type", "created_at"]
    search_fields = ["reason", "target_id", "actor__display_name"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
    readonly_fields = [
        "created_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "reason",
        "details",
        "room_id",
        "group_id",
    ]

    def get_queryset(self, request):
        """Coordinators read their part of the log here too, as through the API."""
        if request.user.is_superuser:
            return super().get_queryset(request)
        return selectors.audit_entries(viewer=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WordRule)
class WordRuleAdmin(admin.ModelAdmin):
    list_display = ["pattern", "category", "action", "language", "is_regex", "is_active"]
    list_filter = ["category", "action", "language", "is_active"]
    search_fields = ["pattern"]
    readonly_fields = ["updated_at"]

    # Messages are screened against cached rules: tell every process the rules changed.
    def save_model(self, request, obj, form, change):
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
        screening.rules_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        screening.rules_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        screening.rules_changed()


@admin.register(CrisisContact)
class CrisisContactAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "audience", "municipality", "on_call", "order", "is_active"]
    list_filter = ["audience", "on_call", "is_active"]
    search_fields = ["name", "phone"]
    autocomplete_fields = ["municipality"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
