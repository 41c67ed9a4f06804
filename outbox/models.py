"""The mail outbox: every mail the portal sends, one row per recipient.

Every mail is first an `OutboxMessage` row, written in the same transaction as the change that
caused it; Celery tasks deliver the rows (see `outbox.delivery`). The outbox knows addresses,
not what the mail is about: a newsletter issue is a `Batch` here, owned by the newsletters app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from almennet.compiled import CompiledInsert
from almennet.trigram import upper_trigram_index


class OutboxMessageQuerySet(models.QuerySet):
    def due(self, now=None):
        """Rows a worker may claim now: queued and due, or `sending` with an expired lease (the
        worker that claimed them died). Rows of a held batch (a paused newsletter) wait."""
        now = now or timezone.now()
        # The held batches as a subquery, not a join: PostgreSQL then walks outbox_pending_idx
        # in claim order and stops at the claim's limit, whatever its statistics say (a join
        # made it read and sort every pending row, 10,000 for a newsletter, for each claim).
        held = Batch.objects.filter(is_held=True).values("id")
        return self.filter(
            Q(status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now)
            | Q(status=OutboxMessage.Status.SENDING, lease_until__lt=now)
        ).filter(Q(batch__isnull=True) | ~Q(batch_id__in=held))

    def templates_used(self) -> list[str]:
        """The distinct templates of every row, in order, by a skip scan along
        outbox_template_idx: one index probe per template instead of reading every row (a
        DISTINCT over the whole delivery log took 30 ms and more at 100,000 mails)."""
        from django.db import connection

        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            # The table name comes from the model, not from input.
            cursor.execute(
                f"""
                WITH RECURSIVE used(template) AS (
                    (SELECT template FROM {table} ORDER BY template LIMIT 1)
                    UNION ALL
                    SELECT (SELECT m.template FROM {table} m WHERE m.template > used.template
                            ORDER BY m.template LIMIT 1)
                    FROM used WHERE used.template IS NOT NULL
                )
                SELECT template FROM used WHERE template IS NOT NULL
                """  # noqa: S608  # nosec B608
            )
            return [row[0] for row in cursor.fetchall()]


class Batch(models.Model):
    """Mail released together to many addresses (a newsletter issue). Holding it pauses the
    delivery of its queued rows; the app that made it keeps what the mail is about. Mail in a
    batch is bulk mail: addresses that `registry.bulk_mail_excluded` names are skipped."""

    label = models.CharField(_("label"), max_length=200)
    is_held = models.BooleanField(_("held"), default=False)
    created_at = models.DateTimeField(_("released"), default=timezone.now)
    finished_at = models.DateTimeField(_("delivery finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("mail batch")
        verbose_name_plural = _("mail batches")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.label


class OutboxMessage(CompiledInsert, models.Model):
    """One mail to one recipient, rendered when queued. The delivery log for that recipient."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (unsubscribed or failing address)")

    # Where a message may go from each status. The writes are conditional UPDATEs that name
    # their source status (delivery.py: a worker claims queued rows, and sending rows whose
    # lease ran out, then finishes its own sending rows, named by its claim token, which only
    # a sending row carries (outbox_claim_only_while_sending); services.py: queued bulk mail is
    # skipped after an unsubscribe, staff queue failed mail again); tests/outbox/
    # test_transitions.py checks each against this table. Sent and skipped are final.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.QUEUED: frozenset({Status.SENDING, Status.SKIPPED}),
        Status.SENDING: frozenset(
            {Status.SENDING, Status.SENT, Status.FAILED, Status.QUEUED, Status.SKIPPED}
        ),
        Status.FAILED: frozenset({Status.QUEUED}),
        Status.SENT: frozenset(),
        Status.SKIPPED: frozenset(),
    }

    to = models.EmailField(_("recipient"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("person"),
    )
    language = models.CharField(_("language"), max_length=5)
    template = models.CharField(_("template"), max_length=200)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    # A row queued as an intent (`message_queue_deferred`): the registered renderer of this
    # name builds the context from `render_data` in the worker, after commit, and the row is
    # rendered there; empty once rendered (or for a row rendered when queued).
    render_with = models.CharField(_("rendered by"), max_length=100, blank=True, default="")
    render_data = models.JSONField(_("rendering data"), default=dict, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    dedup_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True)
    batch = models.ForeignKey(
        Batch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("batch"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery log entry")
        verbose_name_plural = _("delivery log")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedup_key"],
                condition=Q(dedup_key__isnull=False),
                name="outbox_unique_dedup_key",
            ),
            models.UniqueConstraint(
                fields=["batch", "to"],
                condition=Q(batch__isnull=False),
                name="outbox_one_mail_per_batch_address",
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(lease_until__isnull=False),
                name="outbox_sending_has_lease",
            ),
            # A claim token marks a row a worker holds: the worker's writes find its rows by
            # primary key and token alone (delivery.py), so a token must mean `sending`.
            models.CheckConstraint(
                condition=Q(claim_token__isnull=True) | Q(status="sending"),
                name="outbox_claim_only_while_sending",
            ),
        ]
        indexes = [
            # The claim's order (delivery.outbox_claim), so a claim reads only what it takes.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status__in=["queued", "sending"]),
                name="outbox_pending_idx",
            ),
            models.Index(fields=["to"], name="outbox_to_idx"),
            # The delivery log in the admin: newest first along an index, and its search
            # (recipient, subject, Message-ID; each indexed, so PostgreSQL can OR them).
            models.Index(fields=["created_at", "id"], name="outbox_created_idx"),
            models.Index(fields=["template"], name="outbox_template_idx"),
            upper_trigram_index("to", name="outbox_to_trgm"),
            upper_trigram_index("subject", name="outbox_subject_trgm"),
            upper_trigram_index("message_id", name="outbox_message_id_trgm"),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class OutboxAttachment(models.Model):
    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=200)
    mimetype = models.CharField(_("content type"), max_length=100)
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename


class SuppressedAddress(models.Model):
    """An address the portal no longer mails: the receiving server refused it permanently."""

    class Reason(models.TextChoices):
        HARD_BOUNCE = "bounce", _("Refused permanently by the receiving server")
        MANUAL = "manual", _("Blocked by the secretariat")

    email = models.EmailField(_("email address"), unique=True)
    reason = models.CharField(
        _("reason"), max_length=10, choices=Reason.choices, default=Reason.HARD_BOUNCE
    )
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("failing address")
        verbose_name_plural = _("failing addresses")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email
