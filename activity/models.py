from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from almennet.compiled import CompiledInsert
from almennet.trigram import upper_trigram_index

from .verbs import Verb


class Action(CompiledInsert, models.Model):
    """One row of the action log: who (actor; empty for the system) did what (verb, from the
    fixed list in verbs.py) to which object (content type + id, and a label kept after the
    object is deleted), when, with the details in data."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # The verbs are checked by record() against verbs.Verb, not as field choices, so that a new
    # verb needs no migration.
    verb = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("type"),
    )
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("action log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="action_target"),
            # The admin's order, newest first, along one index (created_at alone leaves a sort
            # of every row that shares a moment, as bulk sign-ups and imports do).
            models.Index(fields=["created_at", "id"], name="action_created"),
            # The admin's search: what the row is about, or an object's id exactly (a trigram
            # index serves = too, so PostgreSQL can OR the two).
            upper_trigram_index("target_label", name="action_target_label_trgm"),
            upper_trigram_index("target_id", name="action_target_id_trgm"),
        ]
        permissions = [("view_voting_actions", _("Can see the voting rows of the action log"))]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.verb_label} {self.target_label}"

    @property
    def verb_label(self) -> str:
        return str(Verb(self.verb).label) if self.verb in Verb.values else self.verb
