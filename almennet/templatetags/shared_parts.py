"""`{% shared_include "includes/footer.html" %}`: an include that is the same for every viewer
in a language, rendered once per content version and language and shared by all workers
(almennet.page_cache.shared). For parts that show no personal data, no CSRF token and no
registrations (it is kept under the content version alone, which a sign-up does not move):
the footer is one (the site's settings and the member figures, both content)."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from almennet.page_cache import CONTENT, shared

register = template.Library()


@register.simple_tag(takes_context=True)
def shared_include(context, template_name: str):
    def build() -> str:
        return str(get_template(template_name).render(context.flatten()))

    return mark_safe(shared("include", build, template_name, get_language(), on=(CONTENT,)))  # noqa: S308 - rendered by our template
