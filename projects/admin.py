from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Milestone, Project, ProjectImage, ProjectParticipant


class ParticipantInline(admin.TabularInline):
    model = ProjectParticipant
    extra = 0
    autocomplete_fields = ["organisation"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class ImageInline(admin.TabularInline):
    model = ProjectImage
    extra = 0


def preview_link(obj) -> str:
    """The public page, which staff can open before it is published."""
    if not obj.pk:
        return "–"
    label = _("View") if obj.is_published else _("Preview")
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), label
    )


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["title", "status", "owner", "starts_on", "ends_on", "is_published", "preview"]
    list_filter = ["is_published", "status", "focus_areas"]
    search_fields = ["title", "summary", "owner__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["owner", "contact"]
    filter_horizontal = ["events"]
    readonly_fields = ["status_changed_on", "preview", "created_at", "updated_at"]
    inlines = [ParticipantInline, MilestoneInline, ImageInline]
    actions = ["publish", "unpublish"]
    list_select_related = ["owner"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "description"]}),
        (_("Status"), {"fields": ["status", "status_changed_on", "starts_on", "ends_on"]}),
        (_("Organisation and money"), {"fields": ["owner", "contact", "budget"]}),
        (_("Links"), {"fields": ["events"]}),
        (_("Publishing"), {"fields": ["is_published", "preview", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("Page"))
    def preview(self, obj):
        return preview_link(obj)

    @admin.action(description=_("Publish the selected projects"))
    def publish(self, request, queryset):
        for project in queryset:
            services.project_publish(project=project, is_published=True)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%d project published.", "%d projects published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Return the selected projects to draft"))
    def unpublish(self, request, queryset):
        for project in queryset:
            services.project_publish(project=project, is_published=False)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%d project set to draft.", "%d projects set to draft.", count) % count,
            messages.SUCCESS,
        )

    def view_on_site(self, obj):
        return reverse("projects:detail", kwargs={"slug": obj.slug})
