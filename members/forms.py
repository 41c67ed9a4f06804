import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from almennet.forms import BootstrapFieldsMixin

from .models import Affiliation, Organisation, User


class SignupExtraForm(forms.Form):
    """Extra fields on allauth's sign-up form: people sign up with their name."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.language = (getattr(request, "LANGUAGE_CODE", "da") or "da")[:2]
        user.save(update_fields=["first_name", "last_name", "language"])


class ProfileForm(BootstrapFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "job_title", "language"]


class AffiliationRequestForm(BootstrapFieldsMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("Choose the organisation you work at"),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(role.value, role.label) for role in Affiliation.REQUESTABLE_ROLES],
        initial=Affiliation.Role.EMPLOYEE,
    )
    starts_on = forms.DateField(
        label=_("Since"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_starts_on(self):
        value = self.cleaned_data["starts_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(
                _("The start date cannot be in the past; the secretariat can set an earlier one.")
            )
        if value > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError(_("The start date is more than a year ahead."))
        return value


class AccountDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data are deleted for good."),
        required=True,
    )


class PeriodForm(forms.Form):
    """The period of the engagement report; at most ten years, start before end."""

    starts_on = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    @staticmethod
    def default_period() -> dict:
        today = timezone.localdate()
        return {
            "starts_on": today.replace(year=today.year - 1) + datetime.timedelta(days=1)
            if not (today.month == 2 and today.day == 29)
            else today - datetime.timedelta(days=365),
            "ends_on": today,
        }

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on:
            if ends_on < starts_on:
                self.add_error("ends_on", _("The period must end on or after its start."))
            elif (ends_on - starts_on).days > 3660:
                self.add_error("ends_on", _("Choose a period of at most ten years."))
        return cleaned
