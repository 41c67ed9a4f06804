from django.shortcuts import redirect
from django.urls import reverse


class StaffRequireMFAMiddleware:
    """Staff must have two-factor authentication before they reach the admin.

    A staff user without an authenticator who opens /admin/ is sent to the page that sets up
    TOTP; everything else on the site works as for anyone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith(reverse("admin:index"))
        ):
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(user):
                return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)
