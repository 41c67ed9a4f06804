from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outbox.validators import email_normalise, validate_mail_address

from .services import CONSENT_TEXT


class SubscribeForm(forms.Form):
    email = forms.CharField(label=_("Email address"), max_length=254)
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("Tick the box to give your consent.")},
    )
    # A honeypot: hidden from people (templates render it in a d-none block), filled by bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    HONEYPOT = "website"

    @property
    def is_from_a_bot(self) -> bool:
        return bool(self.data.get(self.HONEYPOT, "").strip())

    def clean_email(self):
        email = email_normalise(self.cleaned_data["email"])
        try:
            validate_mail_address(email)
        except ValidationError as error:
            raise ValidationError(
                _("This is not a valid email address; check it and try again."), code=error.code
            ) from None
        return email
