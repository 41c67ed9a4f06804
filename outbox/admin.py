from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import registry
from .models import OutboxMessage, SuppressedAddress
from .services import outbox_retry


class MailKindFilter(admin.SimpleListFilter):
    title = _("kind of mail")
    parameter_name = "template"

    def lookups(self, request, model_admin):
        templates = OutboxMessage.objects.templates_used()
        kinds = registry.mail_kinds()
        return [(t, kinds.get(t, t)) for t in templates]

    def queryset(self, request, queryset):
        return queryset.filter(template=self.value()) if self.value() else queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The delivery log: one row per mail and recipient."""

    list_display = ["to", "subject", "status", "attempts", "created_at", "sent_at", "batch"]
    search_fields = ["to", "subject", "message_id"]  # each with a trigram index
    # A date filter, not a date hierarchy: the hierarchy asks for the distinct days of every
    # mail ever sent on each page; and no exact count of all matches under a search.
    list_filter = ["status", "batch", MailKindFilter, ("created_at", admin.DateFieldListFilter)]
    show_full_result_count = False
    list_select_related = ["batch"]
    # Bodies and headers carry links that act for the recipient (password reset, e-mail
    # confirmation, unsubscribe): the log shows what happened to a mail, not its content.
    exclude = ["body_text", "body_html", "headers", "claim_token"]
    readonly_fields = [
        "to", "user", "language", "template", "subject", "message_id",
        "dedup_key", "batch", "status", "attempts", "next_attempt_at", "lease_until",
        "last_error", "created_at", "sent_at",
    ]  # fmt: skip

    actions = ["retry_now"]

    def get_queryset(self, request):
        # The bodies (a newsletter's HTML) are never shown here.
        return (
            super().get_queryset(request).defer("body_text", "body_html", "headers", "render_data")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("outbox.change_outboxmessage")

    @admin.action(description=_("Send failed mail again now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        count = outbox_retry(ids=list(queryset.values_list("id", flat=True)))
        self.message_user(request, _("%(count)s failed mails are queued again.") % {"count": count})


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(admin.ModelAdmin):
    list_display = ["email", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email"]
