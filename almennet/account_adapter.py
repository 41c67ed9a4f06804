from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation

from outbox.services import message_queue


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
