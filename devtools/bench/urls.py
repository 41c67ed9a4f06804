"""The portal's URLconf plus /bench/bare: a plain Django view through the same middleware,
served by the same gunicorn, whose throughput is the ceiling every page is compared with."""

from django.http import HttpResponse
from django.urls import path

from almennet.urls import urlpatterns as portal_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare, name="bench_bare"), *portal_urlpatterns]
