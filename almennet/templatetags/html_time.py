"""`html_datetime`: a date or time for a <time datetime="..."> attribute.

Django's `date:"c"` writes microseconds when a time has them (`timezone.now()` does), and HTML
allows at most three digits of a second there; the W3C checker reports it as an error. This
writes whole seconds, in Copenhagen time with its offset, and a plain date as a date. It is a
template builtin (settings.TEMPLATES), so templates use it without a {% load %}.
"""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(value) -> str:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
