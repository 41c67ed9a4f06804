from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from almennet.forms import BootstrapFieldsMixin
from almennet.widgets import RichTextarea
from members.selectors import Standing, user_standing
from members.validators import validate_ean

from .models import Event
from .pricing import signup_billing_initial, signup_default_organisation, user_signup_organisations
from .services import event_capacity_problem


class SignupForm(BootstrapFieldsMixin, forms.Form):
    """The participant's answers. The price and the event are never fields: the price comes
    from the members rule and the event from the URL. Rendered by
    events/includes/_signup_form.html (the member's event page is a hot path)."""

    organisation = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=None, required=False, empty_label=None
    )
    dietary_needs = forms.CharField(label=_("Dietary needs"), max_length=300, required=False)
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    motivation = forms.CharField(
        label=_("Motivation"),
        help_text=_("Why do you apply? The secretariat assesses the applications."),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    # Asked only for paid events; the invoice goes to the organisation (or the person).
    billing_ean = forms.CharField(
        label=_("EAN number for the invoice"),
        max_length=13,
        required=False,
        validators=[validate_ean],
        help_text=_("Filled in from your organisation. Leave empty to be invoiced by mail."),
    )
    requisition_number = forms.CharField(
        label=_("Requisition number"), max_length=50, required=False
    )
    billing_reference = forms.CharField(
        label=_("Invoice reference or contact"), max_length=100, required=False
    )
    billing_email = forms.EmailField(
        label=_("Invoice e-mail"),
        required=False,
        help_text=_("Where the invoice goes if it is not sent electronically by EAN."),
    )

    BILLING_FIELDS = ("billing_ean", "requisition_number", "billing_reference", "billing_email")

    def __init__(self, *args, event: Event, user, standing: Standing | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.standing = standing = standing or user_standing(user=user)
        # The organisation the service picks when none is chosen: the form shows the same one
        # and pre-fills its invoice details.
        default = signup_default_organisation(user=user, standing=standing)
        self.invoice_organisation = default
        if len(standing.organisations) > 1:
            self.fields["organisation"].queryset = user_signup_organisations(user=user)
            self.fields["organisation"].initial = default
        else:
            del self.fields["organisation"]
        if not event.requires_approval:
            del self.fields["motivation"]
        if event.is_free:
            for name in self.BILLING_FIELDS:
                del self.fields[name]
        else:
            initial = signup_billing_initial(organisation=default, user=user)
            for name, value in initial.items():
                self.fields[name].initial = value
            if default is not None and "organisation" not in self.fields:
                self.fields["billing_ean"].help_text = _(
                    "The invoice goes to %(name)s. Filled in from the organisation; leave "
                    "empty to be invoiced by mail."
                ) % {"name": default.name}
        self.action = reverse("events:signup", kwargs={"slug": event.slug})
        self.submit_label = _("Apply") if event.requires_approval else _("Sign up")


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = "__all__"  # noqa: DJ007 - the admin lists its fieldsets
        widgets = {"body": RichTextarea}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The session inline checks the dates against the sessions as they are being saved.
        self.instance.sessions_checked_by_form = True

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk:
            problem = event_capacity_problem(event=self.instance, capacity=capacity)
            if problem:
                raise forms.ValidationError(problem)
        return capacity


class RegistrationAddForm(forms.Form):
    """The secretariat adds a participant by hand (admin)."""

    user = forms.ModelChoiceField(label=_("Person"), queryset=None)
    dietary_needs = forms.CharField(label=_("Dietary needs"), max_length=300, required=False)
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True)


class EventSessionFormSet(forms.BaseInlineFormSet):
    """The admin's sessions: the event's deadlines must fall before the first of them."""

    def clean(self):
        super().clean()
        starts = [
            form.cleaned_data["starts_at"]
            for form in self.forms
            if form.cleaned_data.get("starts_at") and not form.cleaned_data.get("DELETE")
        ]
        if not starts:
            return
        # What the event's own fields already show (sign-up closing before it opens) is not
        # repeated here.
        shown = self.instance.date_problems(first_start=None)
        problems = self.instance.date_problems(first_start=min(starts))
        new = [text for field, text in problems.items() if shown.get(field) != text]
        if new:
            raise forms.ValidationError(new)


class WalkInForm(forms.Form):
    """Someone at the door who did not sign up."""

    name = forms.CharField(label=_("Name"), max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), required=False)


class ParticipantsMailForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    text = forms.CharField(
        label=_("Text"), max_length=10000, widget=forms.Textarea(attrs={"rows": 10})
    )
