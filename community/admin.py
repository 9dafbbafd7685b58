from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from community import erasure, policies, services
from community.models import Consent, Municipality, Organisation, User


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
    list_display = ["name", "email", "role", "organisation", "birth_year", "is_active"]
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

    @admin.display(description=_("display name"), ordering="display_name")
    def name(self, obj) -> str:
        return obj.public_name  # "deleted member" once erased

    # Deleting here is erasure, the same as anywhere else: the row stays as "deleted member"
    # (messages, reports and the audit log point at it) with nothing personal left.
    ADMIN_REASON = "Erased from the admin site on the person's request."

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return policies.can_erase_member(user=request.user, member=obj)

    def delete_model(self, request, obj):
        if not policies.can_erase_member(user=request.user, member=obj):
            raise PermissionDenied
        erasure.account_erase_by_staff(
            actor=request.user, member_id=obj.pk, reason=self.ADMIN_REASON
        )

    def get_deleted_objects(self, objs, request):
        """Only the accounts: their rows elsewhere follow the privacy registry, not cascades."""
        names = [str(obj) for obj in objs]
        perms_needed = {
            str(obj) for obj in objs if not policies.can_erase_member(user=request.user, member=obj)
        }
        return names, {User._meta.verbose_name_plural: len(names)}, perms_needed, []

    def delete_queryset(self, request, queryset):
        for member in queryset:
            self.delete_model(request, member)

    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "display_name", "birth_year", "password1", "password2"],
            },
        )
    ]
