"""allauth's sign-up form, made to cost the same for a known and a new address.

allauth keeps an existing address secret (it mails its owner instead of saying "taken"), but a
new address costs a password hash and a known one did not: 797 ms against 52 ms told an
attacker which addresses have accounts. The known path now hashes the password it was given,
as creating the account would. Kept apart from members.forms because allauth's form module
imports members.forms.SignupExtraForm (ACCOUNT_SIGNUP_FORM_CLASS) as its base.
"""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password
from django.utils.crypto import get_random_string


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or get_random_string(20))
        return super().try_save(request)
