from allauth.account.decorators import secure_admin_login
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from members import mfa_return

from . import metrics, views
from .sitemaps import SITEMAPS

# The admin login goes through allauth, so it gets allauth's rate limits and two-factor step.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Administration"
admin.site.site_title = "AlmenNet"
admin.site.index_title = "Sekretariatet"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("favicon.ico", views.favicon, name="favicon"),
]

# The mail provider's bounce and complaint webhook (django-anymail's Postmark view; another
# provider's tracking view goes beside it), behind HTTP basic auth with ANYMAIL_WEBHOOK_SECRET
# (without it, it refuses every request; almennet/settings.py).
urlpatterns.append(
    path(
        "anymail/postmark/tracking/",
        PostmarkTrackingWebhookView.as_view(),
        name="mail_webhook_postmark",
    )
)

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    # Before allauth's own: the two-factor setup that returns to where it was started from.
    path("accounts/2fa/totp/activate/", mfa_return.activate_totp, name="mfa_activate_totp"),
    path(
        "accounts/2fa/recovery-codes/",
        login_required(mfa_return.view_recovery_codes),
        name="mfa_view_recovery_codes",
    ),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("members/", include("members.urls")),
    path("events/", include("events.urls")),
    path("projects/", include("projects.urls")),
    path("publications/", include("publications.urls")),
    path("search/", include("search.urls")),
    path("strategy/", include("strategy.urls")),
    path("newsletter/", include("newsletters.urls")),
    path("invoices/", include("invoicing.urls")),
    path("about/", include("siteinfo.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
