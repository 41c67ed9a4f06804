"""Admin of voting rounds: rules, ballot and stand-ins through strategy's services, read-only
ballots, and announcements."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from activity.admin import ActionsLinkMixin
from activity.selectors import actions_for
from members.models import Seat, User

from .. import services
from ..models import (
    Announcement,
    Ballot,
    BallotItem,
    FocusArea,
    StandIn,
    Voter,
    VotingRound,
)


class ReadOnlyInline(admin.TabularInline):
    """Listed only: the ballot and the stand-ins carry rules (only approved focus areas, only a
    current substitute for a current board member, nothing after the opening) that the round's
    form applies through strategy's services."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BallotItemInline(ReadOnlyInline):
    model = BallotItem
    fields = readonly_fields = ["focus_area", "position"]


class StandInInline(ReadOnlyInline):
    model = StandIn
    fields = readonly_fields = ["substitute", "stands_in_for"]


class VoterInline(admin.TabularInline):
    model = Voter
    extra = 0
    fields = ["user", "organisation", "stands_in_for", "weight", "has_voted"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class VotingRoundForm(forms.ModelForm):
    """The round's rules, its ballot and its stand-ins, saved by strategy's services."""

    focus_areas = forms.ModelMultipleChoiceField(
        label=_("focus areas on the ballot"),
        queryset=FocusArea.objects.ballot_eligible(),
        required=False,
        widget=FilteredSelectMultiple(_("focus areas"), is_stacked=False),
        help_text=_(
            "Only approved focus areas the board may still prioritise can go on a ballot. "
            "Fixed when the round opens; from then on their public pages say “On a ballot”."
        ),
    )
    stand_in_substitute = forms.ModelChoiceField(
        label=_("add a stand-in: the substitute"),
        queryset=User.objects.filter(seats__body=Seat.Body.BOARD).distinct(),
        required=False,
    )
    stand_in_for = forms.ModelChoiceField(
        label=_("stands in for"),
        queryset=User.objects.filter(seats__body=Seat.Body.BOARD).distinct(),
        required=False,
    )

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["focus_areas"].initial = [
                item.focus_area_id for item in self.instance.items.all()
            ]
        if self.instance.opened_at is not None:
            for name in ("focus_areas", "stand_in_substitute", "stand_in_for"):
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            try:
                services.round_check_rule_change(
                    voting_round=self.instance,
                    changed=set(self.changed_data),
                    closes_at=cleaned.get("closes_at"),
                )
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from None
        substitute, stands_in_for = cleaned.get("stand_in_substitute"), cleaned.get("stand_in_for")
        if bool(substitute) != bool(stands_in_for):
            raise forms.ValidationError(
                _("Choose both the substitute and the member they stand in for.")
            )
        if substitute:
            probe = VotingRound(
                pk=self.instance.pk,
                opened_at=self.instance.opened_at,
                electorate=cleaned.get("electorate", self.instance.electorate),
            )
            try:
                services.round_check_stand_in(
                    voting_round=probe, substitute=substitute, stands_in_for=stands_in_for
                )
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from None
        return cleaned


@admin.register(VotingRound)
class VotingRoundAdmin(ActionsLinkMixin, admin.ModelAdmin):
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
    actions = ["open_rounds", "close_now", "close_rounds", "confirm_priorities"]
    readonly_fields = [
        "opened_at",
        "closed_at",
        "reminded_at",
        "outcome",
        "priorities_confirmed_at",
        "links",
    ]

    def get_queryset(self, request):
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
        if obj is not None and (obj.is_counted or services.round_rules_locked(obj)):
            fields += list(VotingRound.RULE_FIELDS)
        elif obj is not None and obj.opened_at is not None:
            fields += ["electorate", "weight_by_homes"]
        return fields

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name]
            for name in VotingRoundForm.Meta.fields
            if name in form.cleaned_data
        }
        if change:
            saved = services.round_update(voting_round=obj, actor=request.user, **fields)
        else:
            saved = services.round_create(actor=request.user, **fields)
        obj.pk = saved.pk
        if saved.opened_at is None:
            chosen = list(form.cleaned_data.get("focus_areas") or [])
            current = [item.focus_area_id for item in saved.items.all()]
            if sorted(f.pk for f in chosen) != sorted(current):
                services.round_set_items(voting_round=saved, actor=request.user, focus_areas=chosen)
            if form.cleaned_data.get("stand_in_substitute"):
                services.round_add_stand_in(
                    voting_round=saved,
                    actor=request.user,
                    substitute=form.cleaned_data["stand_in_substitute"],
                    stands_in_for=form.cleaned_data["stand_in_for"],
                )

    def has_confirm_priorities_permission(self, request):
        return request.user.has_perm("strategy.confirm_priorities")

    @admin.action(
        description=_("Open: fix the electorate and draw the ballot order"), permissions=["change"]
    )
    def open_rounds(self, request, queryset):
        for voting_round in queryset:
            try:
                services.round_open(voting_round=voting_round, actor=request.user)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, f"{voting_round}: {' '.join(error.messages)}")
            else:
                messages.success(
                    request,
                    _(
                        "%(round)s is open. Its %(areas)s focus areas now show “On a ballot” on "
                        "their public pages; %(voters)s voters were mailed."
                    )
                    % {
                        "round": voting_round,
                        "areas": voting_round.items.count(),
                        "voters": voting_round.voters.count(),
                    },
                )
                opened = actions_for(target=voting_round, verbs=["round.opened"]).first()
                missing = (opened.data.get("without_voter") if opened else None) or []
                if missing:
                    messages.warning(
                        request,
                        _(
                            "%(count)s member organisations have no chosen council voter and "
                            "no vote in this round; choose one on each organisation."
                        )
                        % {"count": len(missing)},
                    )

    @admin.action(
        description=_("Close now: end voting and count (asks first)"), permissions=["change"]
    )
    def close_now(self, request, queryset):
        """End voting before the set time, after a confirmation page (as Django's delete)."""
        rounds = list(queryset)
        for voting_round in rounds:
            voting_round.n_voters = voting_round.voters.count()
        if request.POST.get("post") != "yes":
            return TemplateResponse(
                request,
                "admin/strategy/votinground/close_now_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Close now?"),
                    "opts": self.model._meta,
                    "rounds": rounds,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for voting_round in rounds:
            try:
                services.round_close_now(voting_round=voting_round, actor=request.user)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, f"{voting_round}: {' '.join(error.messages)}")
            else:
                messages.success(
                    request, _("%(round)s is closed and counted.") % {"round": voting_round}
                )
        return None

    @admin.action(
        description=_("Count the selected rounds whose closing time has passed"),
        permissions=["change"],
    )
    def close_rounds(self, request, queryset):
        for voting_round in queryset:
            try:
                services.round_close(
                    voting_round=voting_round, actor=request.user, now=timezone.now()
                )
            except ValidationError as error:
                messages.error(request, f"{voting_round}: {' '.join(error.messages)}")

    @admin.action(
        description=_("Confirm the prioritised focus areas and announce them"),
        permissions=["confirm_priorities"],
    )
    def confirm_priorities(self, request, queryset):
        # Say so here rather than open the confirmation page for a round it will refuse, or
        # silently take the first of several.
        if queryset.count() != 1:
            messages.error(request, _("Choose exactly one voting round to confirm."))
            return None
        voting_round = queryset.get()
        if not voting_round.is_counted or voting_round.outcome != VotingRound.Outcome.VALID:
            messages.error(
                request,
                f"{voting_round}: {_('Only a valid, counted round can give priorities.')}",
            )
            return None
        return redirect("strategy:confirm_priorities", pk=voting_round.pk)


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin):
    """Read-only, by receipt code: never a voter (a ballot does not know its voter) and never a
    time (it has none). The choices show only after the round's close, as on its result page."""

    list_display = ["receipt", "round", "choices_shown"]
    list_filter = ["round"]
    search_fields = ["receipt"]
    fields = ["receipt", "round", "weight", "choices_shown"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("round")

    @admin.display(description=_("choices"))
    def choices_shown(self, obj):
        if not obj.round.is_counted:
            return _("(shown after the close)")
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


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["round", "recipient", "organisation", "queued_at"]
    list_filter = ["round"]
    readonly_fields = ["round", "recipient", "organisation", "queued_at"]

    def has_add_permission(self, request):
        return False
