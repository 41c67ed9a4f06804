import time
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from django.conf import settings
from django.utils import translation

from outbox.services import message_queue

# How a person logs in: a login with one of these within allauth's re-authentication timeout
# counts as recent authentication (a login by a mail link does not).
FRESH_LOGIN_METHODS = frozenset({"password", "mfa"})


def logged_in_recently(request) -> bool:
    """True when this session's own login (password, or its second factor) happened within
    ACCOUNT_REAUTHENTICATION_TIMEOUT."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    moments = [
        record["at"]
        for record in get_authentication_records(request, user)
        if record.get("method") in FRESH_LOGIN_METHODS and isinstance(record.get("at"), int | float)
    ]
    if not moments:
        return False
    return time.time() - max(moments) < account_settings.REAUTHENTICATION_TIMEOUT


class AccountAdapter(DefaultAccountAdapter):
    """allauth's mail (address confirmation, password reset, security notices) goes through the
    outbox like every other mail the portal sends: allauth renders its own templates
    in the visitor's language, the outbox stores the result in the same transaction and a
    Celery task delivers it after commit, with retries and a delivery log."""

    def send_mail(self, template_prefix, email, context):
        # allauth ships text templates only; the outbox wraps the text in the portal's look.
        # Its templates greet and sign off with current_site ("Hej fra AlmenNet!"), which
        # allauth's own send_mail supplies; the portal names itself rather than trusting the
        # sites table (still "example.com").
        site = SimpleNamespace(name="AlmenNet", domain=urlsplit(settings.SITE_URL).netloc)
        context = {"email": email, **context, "current_site": site}
        message = self.render_mail(template_prefix, email, context)
        user = context.get("user")
        message_queue(
            to=email,
            template="account/mail/allauth",
            context={"subject": message.subject, "body": message.body},
            user=user if getattr(user, "pk", None) else None,
            language=translation.get_language(),
        )

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """allauth counts only an explicit re-authentication as recent; a person who has just
        logged in with their password would be asked for it again at once (deleting the
        account, setting up two-factor right after logging in). A fresh login counts too."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = getattr(context, "request", None) or self.request
        return not (request is not None and logged_in_recently(request))
