from django.contrib import admin
from django.db import models
from django.forms import ClearableFileInput
from django.utils.translation import gettext_lazy as _

from almennet.admin import DanishSlugsMixin, year_filter
from projects.admin import PublishingAdmin

from . import services
from .models import Publication, PublicationFile, Tag


@admin.register(Tag)
class TagAdmin(DanishSlugsMixin, admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    list_display = ["name", "slug"]


class PrivateFileInput(ClearableFileInput):
    """Names the stored file without linking to it: attached files have no public address
    (the download view serves them, checking access and counting)."""

    template_name = "publications/widgets/private_file_input.html"

    def is_initial(self, value):
        # The default asks for value.url, which a private file does not have.
        return bool(value and getattr(value, "name", None))


class FileInline(admin.TabularInline):
    model = PublicationFile
    extra = 0
    formfield_overrides = {models.FileField: {"widget": PrivateFileInput}}
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
class PublicationAdmin(DanishSlugsMixin, PublishingAdmin):
    list_display = ["title", "kind", "published_on", "is_member_only", "is_published", "preview"]
    list_filter = [
        "is_published",
        "is_member_only",
        "kind",
        "tags",
        year_filter("published_on", _("year published")),
    ]
    search_fields = ["title", "summary", "authors"]
    prepopulated_fields = {"slug": ["title"]}
    # Searched pickers: a select of every event (or project) is thousands of rows per page.
    autocomplete_fields = ["organisations", "tags", "projects", "events"]
    show_full_result_count = False
    readonly_fields = ["preview", "created_at", "updated_at"]
    inlines = [FileInline]
    publish_service = staticmethod(
        lambda publication, is_published: services.publication_publish(
            publication=publication, is_published=is_published
        )
    )
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
