"""sitemap.xml: the pages a visitor may read, in both languages. Nothing behind a login, no
admin, no unpublished, unmoderated or member-only content (robots.txt names the rest)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from events.models import Event
from members.models import Organisation
from newsletters.models import Newsletter
from projects.models import Project
from publications.models import Publication
from strategy.models import FocusArea


class PortalSitemap(Sitemap):
    """Addresses on SITE_URL (as in mail), not on the sites table's "example.com"; each page in
    Danish and under /en/, with the other language as an alternate."""

    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PagesSitemap(PortalSitemap):
    changefreq = "daily"

    def items(self):
        return [
            "home",
            "events:list",
            "projects:list",
            "publications:list",
            "members:list",
            "members:board",
            "strategy:index",
            "newsletters:subscribe",
            "newsletters:archive",
        ]

    def location(self, item):
        return reverse(item)


class EventSitemap(PortalSitemap):
    def items(self):
        return Event.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class ProjectSitemap(PortalSitemap):
    def items(self):
        return Project.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class PublicationSitemap(PortalSitemap):
    def items(self):
        return Publication.objects.published().visible_to(is_member=False).order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class OrganisationSitemap(PortalSitemap):
    def items(self):
        return Organisation.objects.order_by("pk")


class FocusAreaSitemap(PortalSitemap):
    def items(self):
        return FocusArea.objects.approved().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class NewsletterSitemap(PortalSitemap):
    def items(self):
        return Newsletter.objects.archived().order_by("pk")


SITEMAPS = {
    "pages": PagesSitemap,
    "events": EventSitemap,
    "projects": ProjectSitemap,
    "publications": PublicationSitemap,
    "members": OrganisationSitemap,
    "focus-areas": FocusAreaSitemap,
    "newsletters": NewsletterSitemap,
}
