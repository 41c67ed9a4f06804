from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import SETTINGS_PK, InfoPage, SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(SimpleHistoryAdmin):
    """One row: it can be neither added twice nor deleted."""

    list_display = ["__str__", "name", "email", "cvr", "is_demo", "updated_at"]

    fieldsets = [
        (None, {"fields": ["name", "description", "is_demo"]}),
        (_("Contact"), {"fields": ["address", "email", "phone", "opening_hours", "cvr"]}),
    ]

    def has_add_permission(self, request):
        return (
            super().has_add_permission(request)
            and not SiteSettings.objects.filter(pk=SETTINGS_PK).exists()
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.site_settings_save(site_settings=obj)


@admin.register(InfoPage)
class InfoPageAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "updated_at", "view"]
    fields = ["slug", "title", "body", "title_en", "body_en"]

    @admin.display(description=_("Page"))
    def view(self, obj):
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), _("View")
        )

    def save_model(self, request, obj, form, change):
        services.info_page_save(page=obj)
