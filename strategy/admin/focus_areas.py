"""Admin of focus areas (saved through strategy's services, statuses along the transition
table), comments and recommendations."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from activity.admin import ActionsLinkMixin
from almennet.admin import DanishSlugsMixin

from .. import selectors, services
from ..models import (
    Comment,
    FocusArea,
    Recommendation,
)


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = ["author", "body", "created_at", "is_hidden"]
    readonly_fields = ["author", "body", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class FocusAreaAdminForm(forms.ModelForm):
    class Meta:
        model = FocusArea
        # The admin lays out every field; this form only adds the status rule.
        fields = "__all__"  # noqa: DJ007

    def clean_status(self):
        status = self.cleaned_data["status"]
        stored = self.instance
        if stored.pk and status != stored.status:
            stored = FocusArea.objects.get(pk=stored.pk)
            if not services.focus_area_can_move(focus_area=stored, status=status):
                raise forms.ValidationError(
                    _("A focus area cannot go from “%(old)s” to “%(new)s”.")
                    % {
                        "old": FocusArea.Status(stored.status).label,
                        "new": FocusArea.Status(status).label,
                    }
                )
        return status


@admin.register(FocusArea)
class FocusAreaAdmin(ActionsLinkMixin, DanishSlugsMixin, admin.ModelAdmin):
    form = FocusAreaAdminForm
    list_display = ["title", "status", "moderation", "proposer", "status_changed_at"]
    list_filter = ["status", "moderation", "ambitions"]
    search_fields = ["title", "problem", "why_now"]
    prepopulated_fields = {"slug": ["title"]}
    # Searched pickers for the big lists (10,000 publications, 2,000 events, 1,000 projects).
    autocomplete_fields = ["proposer", "projects", "events", "publications"]
    filter_horizontal = ["ambitions", "trends"]
    readonly_fields = ["status_changed_at", "proposed_at", "status_history"]
    inlines = [CommentInline]
    actions = ["approve", "reject"]

    def save_model(self, request, obj, form, change):
        # Through the services: a new focus area gets its first dated status row, a new
        # status follows the transition table (FocusAreaAdminForm has checked it already).
        if change:
            services.focus_area_update(focus_area=obj, actor=request.user, status=obj.status)
        else:
            services.focus_area_create(focus_area=obj, actor=request.user)

    @admin.display(description=_("status history"))
    def status_history(self, obj):
        """The dated status rows (the action log's "focus_area.status"), read-only."""
        rows = selectors.focus_area_status_history(area=obj) if obj and obj.pk else []
        if not rows:
            return "–"
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{} · {} · {}{}</li>",
                (
                    (
                        row.get_status_display(),
                        date_format(timezone.localtime(row.changed_at), "DATETIME_FORMAT"),
                        row.changed_by or _("System"),
                        f" ({row.note})" if row.note else "",
                    )
                    for row in rows
                ),
            ),
        )

    @admin.action(description=_("Approve the selected proposals"))
    def approve(self, request, queryset):
        for area in queryset:
            services.focus_area_moderate(focus_area=area, actor=request.user, approve=True)
        self.message_user(
            request,
            _("%(count)s proposals approved.") % {"count": len(queryset)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reject the selected proposals"))
    def reject(self, request, queryset):
        for area in queryset:
            services.focus_area_moderate(focus_area=area, actor=request.user, approve=False)
        self.message_user(
            request,
            _("%(count)s proposals rejected.") % {"count": len(queryset)},
            messages.SUCCESS,
        )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["focus_area", "author", "created_at", "is_hidden"]
    list_filter = ["is_hidden"]
    search_fields = ["body", "author__email"]
    readonly_fields = ["focus_area", "author", "body", "created_at"]
    actions = ["hide"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Hide the selected comments"))
    def hide(self, request, queryset):
        for comment in queryset:
            services.comment_hide(comment=comment, actor=request.user)


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["title", "focus_area", "status", "adopted_on"]
    list_filter = ["status"]
    search_fields = ["title", "text"]
    autocomplete_fields = ["focus_area"]
    filter_horizontal = ["projects", "publications"]
