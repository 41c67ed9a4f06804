from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
def page(request, slug):
    return render(request, "siteinfo/page.html", selectors.info_page(slug=slug))
