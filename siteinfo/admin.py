from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import SETTINGS_PK, InfoPage, SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(SimpleHistoryAdmin):
    """One row: the list goes straight to it; it can be neither added twice nor deleted."""

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

    def changelist_view(self, request, extra_context=None):
        if SiteSettings.objects.filter(pk=SETTINGS_PK).exists():
            return HttpResponseRedirect(
                reverse("admin:siteinfo_sitesettings_change", args=[SETTINGS_PK])
            )
        return super().changelist_view(request, extra_context)

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
