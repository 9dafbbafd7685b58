from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from community import policies, selectors, services
from community.models import AccessEntry, Consent, Municipality, Organisation, User


@admin.register(AccessEntry)
class AccessEntryAdmin(admin.ModelAdmin):
    """The access log is append-only: it is read here, never added to, changed or deleted;
    a unit's coordinators read their members' part, as on the page and over REST."""

    list_display = ["created_at", "actor", "member", "what", "object_type", "object_id"]
    list_filter = ["what", "created_at"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "member"]
    readonly_fields = ["created_at", "actor", "member", "what", "object_type", "object_id"]

    def get_queryset(self, request):
        if not policies.can_review_access_log(request.user):
            return AccessEntry.objects.none()
        return selectors.access_entries(viewer=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
