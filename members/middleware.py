from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

from .security import needs_second_factor, session_passed_second_factor

# What a staff session may open before it has passed the second factor. Without a factor:
# setting one up (allauth refuses that until the address is verified, so the address pages
# too). With a factor but a password-only session: proving it. Logging out always.
SETUP_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_email",
        "account_confirm_email",
        "account_email_verification_sent",
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_reauthenticate",
    }
)
PROVE_URL_NAMES = frozenset({"account_logout", "mfa_reauthenticate"})


class StaffRequireMFAMiddleware:
    """Every request by a staff user comes from a session that passed the second factor.

    Not only the admin: check-in, badges, certificates, statistics, the engagement report,
    unpublished content and strategy pages are staff functions too. A staff user without an
    authenticator is sent to set up TOTP; one whose session logged in with the password alone
    is asked for the code (allauth's re-authentication by the second factor). Static files
    never reach this middleware (WhiteNoise answers them first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not needs_second_factor(user=user):
            return self.get_response(request)
        if session_passed_second_factor(request=request):
            return self.get_response(request)
        from allauth.mfa.utils import is_mfa_enabled

        has_factor = is_mfa_enabled(user)
        allowed = PROVE_URL_NAMES if has_factor else SETUP_URL_NAMES
        if _url_name(request) in allowed:
            return self.get_response(request)
        target = reverse("mfa_reauthenticate" if has_factor else "mfa_activate_totp")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def _url_name(request) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None
