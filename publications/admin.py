from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from projects.admin import preview_link

from . import services
from .models import Publication, PublicationFile, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    list_display = ["name", "slug"]


class FileInline(admin.TabularInline):
    model = PublicationFile
    extra = 0
    fields = [
        "file",
        "title",
        "is_member_only",
        "position",
        "kind",
        "page_count",
        "size",
        "download_count",
    ]
    readonly_fields = ["kind", "page_count", "size", "download_count"]


@admin.register(Publication)
class PublicationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "published_on", "is_member_only", "is_published", "preview"]
    list_filter = ["is_published", "is_member_only", "kind", "tags"]
    search_fields = ["title", "summary", "authors"]
    date_hierarchy = "published_on"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisations", "tags", "projects"]
    filter_horizontal = ["events"]
    readonly_fields = ["preview", "created_at", "updated_at"]
    inlines = [FileInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "body", "authors"]}),
        (_("Cover"), {"fields": ["cover_image", "cover_alt_text"]}),
        (_("Links"), {"fields": ["organisations", "tags", "projects", "events"]}),
        (
            _("Publishing"),
            {
                "fields": [
                    "published_on",
                    "is_member_only",
                    "is_published",
                    "preview",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    @admin.display(description=_("Page"))
    def preview(self, obj):
        return preview_link(obj)

    @admin.action(description=_("Publish the selected publications"))
    def publish(self, request, queryset):
        for publication in queryset:
            services.publication_publish(publication=publication, is_published=True)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%d publication published.", "%d publications published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Return the selected publications to draft"))
    def unpublish(self, request, queryset):
        for publication in queryset:
            services.publication_publish(publication=publication, is_published=False)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%d publication set to draft.", "%d publications set to draft.", count)
            % count,
            messages.SUCCESS,
        )
