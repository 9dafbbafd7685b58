from django import forms
from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community import policies as community_policies
from community import services as community_services
from community.admin import UserAdmin as CommunityUserAdmin
from community.models import User
from moderation import screening, selectors
from moderation.models import AuditEntry, CrisisContact, WordRule
from moderation.services import ages, rules


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
        "shown_details",
        "room_id",
        "group_id",
    ]
    exclude = ["details"]

    @admin.display(description=_("details"))
    def shown_details(self, obj) -> dict:
        """As the audit API shows them: a corrected birth year as age bands."""
        return selectors.audit_details(obj)

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


class WordRuleForm(forms.ModelForm):
    class Meta:
        model = WordRule
        fields = ["pattern", "is_regex", "language", "category", "action", "is_active"]

    def clean(self):
        """The same check as the rules service: a regex compiles, a pattern reads."""
        data = super().clean()
        problem = rules.pattern_problem(
            pattern=data.get("pattern") or "",
            is_regex=bool(data.get("is_regex")),
            language=data.get("language") or "sv",
        )
        if problem:
            self.add_error("pattern", problem)
        return data


@admin.register(WordRule)
class WordRuleAdmin(admin.ModelAdmin):
    form = WordRuleForm
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


class UserChangeForm(CommunityUserAdmin.form):
    birth_year_reason = forms.CharField(
        label=_("Why the birth year is corrected"),
        required=False,
        max_length=1000,
        help_text=_("Needed when the birth year changes. Goes to the audit log."),
    )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or "birth_year" not in self.changed_data:
            return cleaned
        if not (cleaned.get("birth_year_reason") or "").strip():
            self.add_error("birth_year_reason", _("Give a reason: it goes in the audit log."))
        if cleaned.get("birth_year") is not None:
            for error in community_services.birth_year_errors(cleaned["birth_year"]):
                self.add_error("birth_year", error)
        return cleaned


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(CommunityUserAdmin):
    """A changed birth year goes through the one correction service: audited, and the
    memberships its age no longer fits end as they do for a coordinator's correction."""

    form = UserChangeForm
    fieldsets = [
        (name, {**options, "fields": [*options["fields"], "birth_year_reason"]})
        if "birth_year" in options["fields"]
        else (name, options)
        for name, options in CommunityUserAdmin.fieldsets
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not community_policies.can_correct_birth_year(
            user=request.user, member=obj
        ):
            fields.append("birth_year")
        return fields

    def save_model(self, request, obj, form, change):
        if not change or "birth_year" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        corrected = obj.birth_year
        obj.birth_year = form.initial["birth_year"]  # the service changes it, and logs it
        super().save_model(request, obj, form, change)
        ages.user_birth_year_correct(
            actor=request.user,
            member_id=obj.pk,
            birth_year=corrected,
            reason=form.cleaned_data["birth_year_reason"],
        )
        obj.birth_year = corrected
