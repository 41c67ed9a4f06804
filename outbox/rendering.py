"""Mail rendering: subject, text and HTML from `<prefix>_subject.txt`, `<prefix>_body.txt` and
`<prefix>_body.html`, in the recipient's language.

Text parts are rendered without HTML escaping (they are plain text); the HTML part extends
`outbox/mail_base.html`, the portal's look with inline CSS (mail clients ignore style sheets).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class MailParts:
    """What a registered renderer hands back for a mail queued as an intent: the template's
    context and the attachments, `(filename, content, mimetype)`."""

    context: dict
    attachments: list = field(default_factory=list)


def mail_language(language: str | None, user=None) -> str:
    """The language a mail is written in: the given one, the person's, the active one."""
    codes = {code for code, _name in settings.LANGUAGES}
    for candidate in (language, getattr(user, "language", None), translation.get_language()):
        if candidate:
            candidate = candidate.split("-")[0].lower()
            if candidate in codes:
                return candidate
    return settings.LANGUAGE_CODE


def _render_plain(name: str, context: dict) -> str:
    # The engine-level template renders with a Context we control, so autoescape can be off.
    return get_template(name).template.render(Context(context, autoescape=False))


def mail_render(*, template: str, context: dict, language: str) -> RenderedMail:
    context = {
        "SITE_URL": settings.SITE_URL,
        "site_url": settings.SITE_URL,
        "LANGUAGE_CODE": language,
        **context,
    }
    with translation.override(language):
        subject = " ".join(_render_plain(f"{template}_subject.txt", context).split())
        text = _render_plain(f"{template}_body.txt", context).strip() + "\n"
        try:
            html = get_template(f"{template}_body.html").render(context)
        except TemplateDoesNotExist:
            html = ""
    return RenderedMail(subject=subject[:300], text=text, html=html)
