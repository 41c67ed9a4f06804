"""Setting up two-factor authentication returns to where the person came from.

The ballot (and any page) links to the setup with ?next=; allauth's own views forget it. These
subclasses carry it through the activation form to the recovery codes, which are shown once,
with a button back to the page. They take allauth's URL names (almennet/urls.py), so every
{% url %} and the staff middleware still find them.
"""

from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from allauth.mfa.totp.views import ActivateTOTPView
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def next_url(request) -> str:
    """The page to return to, if it is one of this site's; otherwise ""."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


class ActivateTOTPReturningView(ActivateTOTPView):
    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "next_url": next_url(self.request)}

    def get_success_url(self) -> str:
        url = super().get_success_url()
        target = next_url(self.request)
        if not target:
            return url
        if url == reverse("mfa_view_recovery_codes"):
            # The codes first (shown once), then back to the page.
            return f"{url}?{urlencode({'next': target})}"
        return target


class RecoveryCodesReturningView(ViewRecoveryCodesView):
    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "next_url": next_url(self.request)}


activate_totp = ActivateTOTPReturningView.as_view()
view_recovery_codes = RecoveryCodesReturningView.as_view()
