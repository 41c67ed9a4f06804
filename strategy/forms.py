from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Event

from .models import Ambition, FocusArea, Pledge, Trend


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    problem = forms.CharField(
        label=_("The problem"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    why_now = forms.CharField(
        label=_("Why now?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )
    ambitions = forms.ModelMultipleChoiceField(
        label=_("Ambitions it serves"),
        queryset=Ambition.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    trends = forms.ModelMultipleChoiceField(
        label=_("Trends it answers"),
        queryset=Trend.objects.filter(is_published=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class PledgeForm(forms.Form):
    summit = forms.ModelChoiceField(
        label=_("Summit"),
        queryset=Event.objects.filter(kind=Event.Kind.SUMMIT),
        error_messages={"invalid_choice": _("Choose a project summit.")},
    )
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=None,
        error_messages={
            "invalid_choice": _(
                "You can only pledge for an organisation you are currently affiliated with."
            )
        },
    )
    # Starts empty: a preselected "Strongly supports" was sent by people who never chose it.
    assessment = forms.ChoiceField(
        label=_("Your assessment"),
        choices=[("", _("Choose your assessment"))] + list(Pledge.Assessment.choices),
        error_messages={"required": _("Choose your assessment.")},
    )
    practical = forms.BooleanField(label=_("Practical backing"), required=False)
    theoretical = forms.BooleanField(label=_("Theoretical (knowledge) backing"), required=False)
    financial = forms.BooleanField(label=_("Financial backing"), required=False)
    amount = forms.DecimalField(
        label=_("Amount (DKK)"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ConfirmPrioritiesForm(forms.Form):
    focus_areas = forms.ModelMultipleChoiceField(
        label=_("Prioritised focus areas"),
        queryset=FocusArea.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, voting_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_areas"].queryset = FocusArea.objects.filter(
            ballot_items__round=voting_round
        ).order_by("title")
