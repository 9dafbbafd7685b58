from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from community import services
from community.models import Consent, LegalVersion, Municipality, Organisation, User


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "county"]
    search_fields = ["code", "name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["municipality"]


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    can_delete = False
    readonly_fields = ["document", "version", "text", "accepted_at"]

    def has_add_permission(self, request, obj=None):
        return False


class PasswordChangeForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        """A password set here ends the account's tokens, sessions and sockets too."""
        user = super().save(commit=commit)
        if commit:
            services.user_credentials_revoke(user=user)
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    change_password_form = PasswordChangeForm
    ordering = ["display_name"]
    list_display = ["display_name", "email", "role", "organisation", "birth_year", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["display_name", "email"]
    autocomplete_fields = ["municipality", "organisation"]
    inlines = [ConsentInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "display_name",
                    "birth_year",
                    "municipality",
                    "cares_for",
                    "situation_tags",
                    "preferred_language",
                ]
            },
        ),
        (_("Role"), {"fields": ["role", "organisation"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "display_name", "birth_year", "password1", "password2"],
            },
        )
    ]


@admin.register(LegalVersion)
class LegalVersionAdmin(admin.ModelAdmin):
    """Publishing a version asks every member to accept it at their next visit."""

    list_display = ["document", "version", "published_at"]
    list_filter = ["document"]
    fields = ["document", "version", "changes", "text", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        # What members accepted stays as they saw it: a published version is not rewritten.
        return self.fields if obj is not None else []
