"""Nobody but a superuser changes anything about a superuser through the admin.

A Secretariat user (staff, not superuser) could set a superuser's password, flags or address in
the admin and so take the account over. The User admin, allauth's email address admin and the
second-factor admin all refuse changes and deletions of a superuser's rows to non-superusers;
granting is_superuser is read-only for them already (members/admin.py UserAdmin).
"""

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.core.exceptions import PermissionDenied


class SuperuserProtectedMixin:
    # From the row to the user it belongs to; "" when the row is the user.
    owner_field = "user"

    def _owner(self, obj):
        return obj if not self.owner_field else getattr(obj, self.owner_field, None)

    def _guarded(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser:
            return False
        owner = self._owner(obj)
        return bool(owner is not None and owner.is_superuser)

    def has_change_permission(self, request, obj=None):
        return not self._guarded(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._guarded(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if self._guarded(request, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def delete_queryset(self, request, queryset):
        if any(self._guarded(request, obj) for obj in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)


class ProtectedEmailAddressAdmin(SuperuserProtectedMixin, EmailAddressAdmin):
    def make_verified(self, request, queryset):
        if not request.user.is_superuser:
            queryset = queryset.exclude(user__is_superuser=True)
        return super().make_verified(request, queryset)

    make_verified.short_description = EmailAddressAdmin.make_verified.short_description


class ProtectedAuthenticatorAdmin(SuperuserProtectedMixin, AuthenticatorAdmin):
    pass


def register() -> None:
    for model, model_admin in (
        (EmailAddress, ProtectedEmailAddressAdmin),
        (Authenticator, ProtectedAuthenticatorAdmin),
    ):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, model_admin)
