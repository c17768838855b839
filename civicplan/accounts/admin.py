from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from civicplan.accounts.models import (
    ApiToken,
    AuditLog,
    ConsentRecord,
    PolicyDocument,
    RoleAssignment,
    TotpDevice,
    User,
)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    autocomplete_fields = ("region", "municipality")
    readonly_fields = ("granted_at", "granted_by")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "last_name", "first_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "roles__role")
    search_fields = ("email", "first_name", "last_name")
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Личные данные"),
            {"fields": ("last_name", "first_name", "patronymic", "email_confirmed_at")},
        ),
        (_("Права"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Даты"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "region", "municipality", "granted_at")
    list_filter = ("role", "region")
    search_fields = ("user__email", "municipality__name")
    autocomplete_fields = ("user", "region", "municipality")


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "action", "object_type", "object_id", "reason")
    list_filter = ("action", "object_type")
    search_fields = ("actor__email", "object_id", "reason")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "version", "effective_from")
    list_filter = ("kind",)
    search_fields = ("title", "text")


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ("policy", "given_at", "withdrawn_at")
    list_filter = ("policy__kind", "policy__version")
    readonly_fields = ("policy", "user", "given_at", "ip_hash", "user_agent", "withdrawn_at")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by their owners on the profile page; here they can only be revoked."""

    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("name", "prefix", "user__email")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    exclude = ("token_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request: object) -> bool:
        return False

    @admin.action(description=_("Отозвать выбранные токены"))
    def revoke(self, request: Any, queryset: Any) -> None:
        from civicplan.accounts.services import client_ip
        from civicplan.accounts.services.tokens import api_token_revoke

        for token in queryset:
            api_token_revoke(user=request.user, token_id=token.pk, ip=client_ip(request))


@admin.register(TotpDevice)
class TotpDeviceAdmin(admin.ModelAdmin):
    """Deleting a record resets the second factor: the person enrols again at next sign-in."""

    list_display = ("user", "created_at", "confirmed_at")
    list_filter = ("confirmed_at",)
    search_fields = ("user__email",)
    readonly_fields = ("user", "created_at", "confirmed_at")
    exclude = ("secret", "last_used_step")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def delete_model(self, request: Any, obj: Any) -> None:
        from civicplan.accounts.services import client_ip
        from civicplan.accounts.services.twofactor import totp_device_reset

        totp_device_reset(user=obj.user, actor=request.user, ip=client_ip(request))

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for device in queryset.select_related("user"):
            self.delete_model(request, device)
