from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from community import erasure, policies, selectors, services
from community.models import AccessEntry, Consent, LegalVersion, Municipality, Organisation, User


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
    list_display = ["name", "email", "role", "organisation", "age_band", "is_active"]
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
    # Least data: an e-mail address and a birth year are for the platform's admins (account
    # recovery, corrections, erasure on request). Other staff see the pseudonym and an age
    # band, and correct a birth year through the correction form, which never shows it.
    PERSONAL = ("email", "birth_year", "birth_year_reason")

    @admin.display(description=_("age"))
    def age_band(self, obj) -> str:
        return policies.age_band(birth_year=obj.birth_year)

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return shown if request.user.is_superuser else [f for f in shown if f != "email"]

    def get_search_fields(self, request):
        return ["display_name", "email"] if request.user.is_superuser else ["display_name"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        return [
            (name, {**options, "fields": self._least(options["fields"])})
            for name, options in fieldsets
        ]

    def _least(self, fields) -> list[str]:
        kept = [f for f in fields if f not in self.PERSONAL]
        return [*kept, "age_band"] if "birth_year" in fields else kept

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else [*fields, "age_band"]

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


@admin.register(LegalVersion)
class LegalVersionAdmin(admin.ModelAdmin):
    """Publishing a version asks every member to accept it at their next visit."""

    list_display = ["document", "version", "published_at"]
    list_filter = ["document"]
    fields = ["document", "version", "changes", "text", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        # What members accepted stays as they saw it: a published version is not rewritten.
        return self.fields if obj is not None else []
