from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from almennet.admin import DanishSlugsMixin

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
    add_another_text = _("Add another image")  # "et billede" (almennet.admin)


class PublishingAdmin(SimpleHistoryAdmin):
    """The draft/published workflow shared by projects and publications: a link to the page
    (which staff can open as a preview while it is a draft) and actions that publish or return
    to draft through the app's service, `publish_service(obj, is_published)`."""

    actions = ["publish", "unpublish"]
    publish_service = None

    @admin.display(description=_("Page"))
    def preview(self, obj):
        if not obj.pk:
            return "–"
        label = _("View") if obj.is_published else _("Preview")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), label
        )

    def _set_published(self, request, queryset, is_published: bool) -> None:
        count = 0
        for obj in queryset:
            self.publish_service(obj, is_published)
            count += 1
        message = (
            ngettext("%d item published.", "%d items published.", count)
            if is_published
            else ngettext("%d item returned to draft.", "%d items returned to draft.", count)
        )
        self.message_user(request, message % count, messages.SUCCESS)

    @admin.action(description=_("Publish the selected %(verbose_name_plural)s"))
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=_("Return the selected %(verbose_name_plural)s to draft"))
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)


class ProjectAdminForm(forms.ModelForm):
    class Meta:
        model = Project
        # The admin's fieldsets decide what is shown; these are the editable ones.
        fields = [
            "title", "slug", "summary", "description", "status", "starts_on", "ends_on",
            "owner", "contact", "budget", "events", "is_published", "cover_image",
            "cover_alt_text",
        ]  # fmt: skip

    def clean_status(self):
        status = self.cleaned_data["status"]
        services.project_status_check(project=self.instance, status=status)
        return status


@admin.register(Project)
class ProjectAdmin(DanishSlugsMixin, PublishingAdmin):
    form = ProjectAdminForm

    def save_model(self, request, obj, form, change):
        # Through the service: the status follows its transition table and is recorded.
        services.project_save(project=obj, actor=request.user)

    list_display = ["title", "status", "owner", "starts_on", "ends_on", "is_published", "preview"]
    list_filter = ["is_published", "status"]  # strategy adds its focus areas (strategy/related.py)
    search_fields = ["title", "summary", "owner__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["owner", "contact", "events"]
    show_full_result_count = False
    readonly_fields = ["status_changed_on", "preview", "created_at", "updated_at"]
    inlines = [ParticipantInline, MilestoneInline, ImageInline]
    publish_service = staticmethod(
        lambda project, is_published: services.project_publish(
            project=project, is_published=is_published
        )
    )
    list_select_related = ["owner"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "description"]}),
        (_("Cover"), {"fields": ["cover_image", "cover_alt_text"]}),
        (_("Status"), {"fields": ["status", "status_changed_on", "starts_on", "ends_on"]}),
        (_("Organisation and money"), {"fields": ["owner", "contact", "budget"]}),
        (_("Links"), {"fields": ["events"]}),
        (_("Publishing"), {"fields": ["is_published", "preview", "created_at", "updated_at"]}),
    ]
