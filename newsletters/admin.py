from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.csp import CSP
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csp import csp_override
from simple_history.admin import SimpleHistoryAdmin

from almennet.admin import DanishSlugsMixin
from almennet.widgets import RichTextarea
from outbox.rendering import mail_language

from .models import Consent, Newsletter, Subscriber
from .selectors import newsletter_audience, newsletter_progress
from .services import (
    newsletter_pause,
    newsletter_render,
    newsletter_resume,
    newsletter_send,
    newsletter_test_send,
)


@csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})
def _mail_preview(request, html: str) -> HttpResponse:
    """The mail as mail clients show it: with its inline styles (staff-only, sanitised body)."""
    return HttpResponse(html)


@admin.register(Newsletter)
class NewsletterAdmin(DanishSlugsMixin, SimpleHistoryAdmin):
    list_display = ["subject", "status", "issued_at", "progress_summary"]
    list_filter = ["status"]
    search_fields = ["subject"]
    prepopulated_fields = {"slug": ["subject"]}
    filter_horizontal = ["events", "publications", "projects", "to_participants_of"]
    readonly_fields = ["status", "issued_at", "finished_at", "sent_by", "progress"]
    change_form_template = "admin/newsletters/newsletter/change_form.html"
    fieldsets = [
        (None, {"fields": ["subject", "slug", "intro", "body"]}),
        (
            _("Cards"),
            {
                "fields": ["events", "publications", "projects"],
                "description": _(
                    "Events, publications and projects chosen here appear as cards below the "
                    "text, each with its date or type, summary and a link."
                ),
            },
        ),
        (
            _("Audience"),
            {
                "description": _(
                    "Tick one or more groups. Before anything goes out, the send page shows how "
                    "many addresses will receive it."
                ),
                "fields": [
                    "to_subscribers",
                    "to_member_contacts",
                    "to_seat_holders",
                    "to_participants_of",
                ],
            },
        ),
        (_("Sending"), {"fields": ["status", "issued_at", "finished_at", "sent_by", "progress"]}),
    ]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj and obj.status != Newsletter.Status.DRAFT else self.prepopulated_fields

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = RichTextarea
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.status != Newsletter.Status.DRAFT:
            # A released issue is what its readers got; it no longer changes.
            return [f.name for f in Newsletter._meta.fields if f.name != "id"] + [
                "events",
                "publications",
                "projects",
                "to_participants_of",
                "progress",
            ]
        return self.readonly_fields

    @admin.display(description=_("progress"))
    def progress(self, obj):
        if not obj or not obj.batch_id:
            return "–"
        counts = newsletter_progress(newsletter=obj)
        log_url = (
            reverse("admin:outbox_outboxmessage_changelist") + f"?batch__id__exact={obj.batch_id}"
        )
        return format_html(
            '{} <a href="{}">{}</a>',
            _(
                "%(total)s in all: %(queued)s queued, %(sent)s sent, %(failed)s failed, "
                "%(skipped)s skipped"
            )
            % counts,
            log_url,
            _("Delivery log"),
        )

    def get_queryset(self, request):
        # The list's progress column in the same query, not one query per row.
        return (
            super()
            .get_queryset(request)
            .annotate(
                messages_total=Count("batch__messages"),
                messages_sent=Count("batch__messages", filter=Q(batch__messages__status="sent")),
            )
        )

    @admin.display(description=_("progress"))
    def progress_summary(self, obj):
        if obj.status == Newsletter.Status.DRAFT:
            return ""
        return f"{obj.messages_sent}/{obj.messages_total}"

    def get_urls(self):
        own = [
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view),
                 name="newsletters_newsletter_preview"),
            path("<int:pk>/send-test/", self.admin_site.admin_view(self.send_test_view),
                 name="newsletters_newsletter_send_test"),
            path("<int:pk>/send/", self.admin_site.admin_view(self.send_view),
                 name="newsletters_newsletter_send"),
            path("<int:pk>/pause/", self.admin_site.admin_view(self.pause_view),
                 name="newsletters_newsletter_pause"),
            path("<int:pk>/resume/", self.admin_site.admin_view(self.resume_view),
                 name="newsletters_newsletter_resume"),
        ]  # fmt: skip
        return own + super().get_urls()

    def _get(self, request, pk, *, change=True) -> Newsletter:
        newsletter = get_object_or_404(Newsletter, pk=pk)
        allowed = (
            self.has_change_permission(request, newsletter)
            if change
            else (self.has_view_permission(request, newsletter))
        )
        if not allowed:
            raise PermissionDenied
        return newsletter

    def _back(self, newsletter):
        return redirect("admin:newsletters_newsletter_change", newsletter.pk)

    def preview_view(self, request, pk):
        newsletter = self._get(request, pk, change=False)
        language = request.GET.get("language") or mail_language(None, request.user)
        rendered = newsletter_render(
            newsletter=newsletter, language=mail_language(language), email=request.user.email
        )
        return _mail_preview(request, rendered.html)

    def send_test_view(self, request, pk):
        newsletter = self._get(request, pk)
        if request.method != "POST":
            return self._back(newsletter)
        newsletter_test_send(newsletter=newsletter, user=request.user)
        messages.success(
            request, _("A test was sent to %(email)s.") % {"email": request.user.email}
        )
        return self._back(newsletter)

    def send_view(self, request, pk):
        """GET: how many get it, and a button. POST: release it (once, whoever clicks)."""
        newsletter = self._get(request, pk)
        if request.method == "POST":
            try:
                outcome = newsletter_send(newsletter=newsletter, actor=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return self._back(newsletter)
            if outcome.started:
                messages.success(
                    request,
                    _("The newsletter is being sent to %(count)s addresses.")
                    % {"count": outcome.queued},
                )
            else:
                messages.warning(
                    request, _("This newsletter was already sent; it was not sent again.")
                )
            return self._back(newsletter)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "newsletter": newsletter,
            "audience_size": len(newsletter_audience(newsletter=newsletter)),
            "title": _("Send the newsletter"),
        }
        return TemplateResponse(request, "admin/newsletters/newsletter/send.html", context)

    def pause_view(self, request, pk):
        newsletter = self._get(request, pk)
        if request.method == "POST" and newsletter_pause(newsletter=newsletter, actor=request.user):
            messages.success(request, _("Sending is paused."))
        return self._back(newsletter)

    def resume_view(self, request, pk):
        newsletter = self._get(request, pk)
        if request.method == "POST" and newsletter_resume(
            newsletter=newsletter, actor=request.user
        ):
            messages.success(request, _("Sending goes on."))
        return self._back(newsletter)


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "source", "text", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "status", "language", "confirmed_at", "unsubscribed_at"]
    list_filter = ["status", "language"]
    search_fields = ["email", "name"]
    readonly_fields = ["status", "created_at", "confirmed_at", "unsubscribed_at", "delivery_log"]
    raw_id_fields = ["user"]
    inlines = [ConsentInline]

    @admin.display(description=_("delivery log"))
    def delivery_log(self, obj):
        if not obj.pk:
            return "–"
        url = reverse("admin:outbox_outboxmessage_changelist") + f"?q={obj.email}"
        return format_html('<a href="{}">{}</a>', url, _("Mail sent to this address"))
