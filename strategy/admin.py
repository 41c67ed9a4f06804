from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from almennet.admin import DanishSlugsMixin

from . import services
from .models import (
    Ambition,
    Announcement,
    AuditEntry,
    Ballot,
    BallotItem,
    Comment,
    FocusArea,
    FocusAreaStatusChange,
    Pledge,
    Recommendation,
    StandIn,
    Strategy,
    Trend,
    Voter,
    VotingRound,
)


class AmbitionInline(admin.TabularInline):
    model = Ambition
    extra = 0
    fields = ["number", "title", "text"]


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["title", "adopted_on", "adopted_by"]
    inlines = [AmbitionInline]


@admin.register(Ambition)
class AmbitionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "strategy"]
    search_fields = ["title", "text"]


@admin.register(Trend)
class TrendAdmin(DanishSlugsMixin, admin.ModelAdmin):
    list_display = ["title", "horizon", "impact", "certainty", "is_published"]
    list_filter = ["horizon", "impact", "certainty", "is_published"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}


class StatusChangeInline(admin.TabularInline):
    model = FocusAreaStatusChange
    extra = 0
    fields = ["status", "changed_at", "changed_by", "note"]
    readonly_fields = ["status", "changed_at", "changed_by", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = ["author", "body", "created_at", "is_hidden"]
    readonly_fields = ["author", "body", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FocusArea)
class FocusAreaAdmin(DanishSlugsMixin, admin.ModelAdmin):
    list_display = ["title", "status", "moderation", "proposer", "status_changed_at"]
    list_filter = ["status", "moderation", "ambitions"]
    search_fields = ["title", "problem", "why_now"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["proposer"]
    filter_horizontal = ["ambitions", "trends", "projects", "events", "publications"]
    readonly_fields = ["status_changed_at"]
    inlines = [StatusChangeInline, CommentInline]
    actions = ["approve", "reject"]

    def save_model(self, request, obj, form, change):
        # Status changes go through the service, which writes the dated history row.
        new_status = obj.status
        if change and "status" in form.changed_data:
            obj.status = form.initial.get("status", obj.status)
        super().save_model(request, obj, form, change)
        if not change:
            FocusAreaStatusChange.objects.create(
                focus_area=obj, status=obj.status, changed_by=request.user
            )
            services.audit(actor=request.user, action="focus_area.created", focus_area=obj)
        elif new_status != obj.status:
            services.focus_area_set_status(focus_area=obj, status=new_status, actor=request.user)

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


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = [
        "focus_area",
        "organisation",
        "summit",
        "assessment",
        "practical",
        "theoretical",
        "financial",
        "amount",
    ]
    list_filter = ["summit", "assessment", "organisation__kind", "financial"]
    search_fields = ["organisation__name", "focus_area__title", "comment"]
    autocomplete_fields = ["organisation", "person"]

    def save_model(self, request, obj, form, change):
        # Through the service: the person must be affiliated with the organisation.
        try:
            services.pledge_save(
                summit=obj.summit,
                focus_area=obj.focus_area,
                organisation=obj.organisation,
                user=obj.person,
                assessment=obj.assessment,
                practical=obj.practical,
                theoretical=obj.theoretical,
                financial=obj.financial,
                amount=obj.amount,
                comment=obj.comment,
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


class BallotItemInline(admin.TabularInline):
    model = BallotItem
    extra = 0
    fields = ["focus_area", "position"]
    autocomplete_fields = ["focus_area"]

    def _locked(self, obj):
        return obj is not None and obj.opened_at is not None

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class StandInInline(BallotItemInline):
    model = StandIn
    fields = ["substitute", "stands_in_for"]
    autocomplete_fields = ["substitute", "stands_in_for"]


class VoterInline(admin.TabularInline):
    model = Voter
    extra = 0
    fields = ["user", "organisation", "stands_in_for", "weight", "has_voted"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("has voted"), boolean=True)
    def has_voted(self, obj):
        return hasattr(obj, "ballot")


class VotingRoundForm(forms.ModelForm):
    class Meta:
        model = VotingRound
        fields = [
            "title",
            "description",
            "method",
            "max_choices",
            "quorum",
            "is_secret",
            "electorate",
            "weight_by_homes",
            "opens_at",
            "closes_at",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            try:
                services.round_check_rule_change(
                    round=self.instance, changed=set(self.changed_data)
                )
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from None
        return cleaned


@admin.register(VotingRound)
class VotingRoundAdmin(admin.ModelAdmin):
    form = VotingRoundForm
    list_display = [
        "title",
        "method",
        "electorate",
        "opens_at",
        "closes_at",
        "opened_at",
        "outcome",
        "ballot_count",
    ]
    list_filter = ["method", "electorate", "outcome"]
    search_fields = ["title"]
    inlines = [BallotItemInline, StandInInline, VoterInline]
    actions = ["open_rounds", "close_rounds", "confirm_priorities"]
    readonly_fields = ["opened_at", "closed_at", "outcome", "priorities_confirmed_at", "links"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n_ballots=Count("ballots"))

    @admin.display(description=_("ballots"), ordering="n_ballots")
    def ballot_count(self, obj):
        return obj.n_ballots

    @admin.display(description=_("pages"))
    def links(self, obj):
        if not obj.pk:
            return "–"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            obj.get_absolute_url(),
            _("round page"),
            reverse("strategy:confirm_priorities", args=[obj.pk]),
            _("confirm priorities"),
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and services.round_rules_locked(obj):
            fields += list(VotingRound.RULE_FIELDS)
        elif obj is not None and obj.opened_at is not None:
            fields += ["electorate", "weight_by_homes"]
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        services.audit(
            actor=request.user,
            action="round.updated" if change else "round.created",
            round=obj,
            fields=sorted(form.changed_data),
        )

    @admin.action(description=_("Open: fix the electorate and draw the ballot order"))
    def open_rounds(self, request, queryset):
        for round in queryset:
            try:
                services.round_open(round=round, actor=request.user)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, f"{round}: {' '.join(error.messages)}")
            else:
                messages.success(request, _("%(round)s is open.") % {"round": round})

    @admin.action(description=_("Count the selected rounds whose closing time has passed"))
    def close_rounds(self, request, queryset):
        for round in queryset:
            try:
                services.round_close(round=round, actor=request.user, now=timezone.now())
            except ValidationError as error:
                messages.error(request, f"{round}: {' '.join(error.messages)}")

    @admin.action(description=_("Confirm the prioritised focus areas and announce them"))
    def confirm_priorities(self, request, queryset):
        # Say so here rather than open the confirmation page for a round it will refuse, or
        # silently take the first of several.
        if queryset.count() != 1:
            messages.error(request, _("Choose exactly one voting round to confirm."))
            return None
        round = queryset.get()
        if not round.is_counted or round.outcome != VotingRound.Outcome.VALID:
            messages.error(
                request,
                f"{round}: {_('Only a valid, counted round can give priorities.')}",
            )
            return None
        return redirect("strategy:confirm_priorities", pk=round.pk)


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin):
    """Read-only. In secret rounds the voter's name stays hidden here too."""

    list_display = ["receipt", "round", "voter_shown", "cast_at", "changed_at"]
    list_filter = ["round"]
    search_fields = ["receipt"]
    fields = ["receipt", "round", "voter_shown", "cast_at", "changed_at", "choices_shown"]
    readonly_fields = fields

    @admin.display(description=_("voter"))
    def voter_shown(self, obj):
        return _("(secret ballot)") if obj.round.is_secret else str(obj.voter)

    @admin.display(description=_("choices"))
    def choices_shown(self, obj):
        return "; ".join(
            f"{c.rank}. {c.item.focus_area}" if c.rank else str(c.item.focus_area)
            for c in obj.choices.select_related("item__focus_area")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["title", "focus_area", "status", "adopted_on"]
    list_filter = ["status"]
    search_fields = ["title", "text"]
    autocomplete_fields = ["focus_area"]
    filter_horizontal = ["projects", "publications"]


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["round", "recipient", "organisation", "queued_at"]
    list_filter = ["round"]
    readonly_fields = ["round", "recipient", "organisation", "queued_at"]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "round", "focus_area"]
    list_filter = ["action"]
    search_fields = ["action", "actor__email"]
    readonly_fields = ["created_at", "action", "actor", "round", "focus_area", "data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
