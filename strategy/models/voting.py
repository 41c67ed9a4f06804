"""Voting rounds: the ballot, stand-ins, the electorate fixed at opening, anonymous ballots
(strategy/secrecy.py) and the announcement of the prioritised focus areas."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .focus_areas import FocusArea


class VotingRoundQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(opened_at__isnull=False)


class VotingRound(models.Model):
    """A ballot of focus areas. Its rules lock once the first ballot is cast; the electorate is
    fixed (as Voter rows) when staff open it."""

    class Method(models.TextChoices):
        APPROVAL = "approval", _("Approval (pick up to N)")
        RANKED = "ranked", _("Ranked (Schulze, with Borda beside it)")

    class Electorate(models.TextChoices):
        BOARD = "board", _("The board (members holding a board seat)")
        COUNCIL = "council", _("The representative council (one vote per member organisation)")

    class Outcome(models.TextChoices):
        VALID = "valid", _("Valid")
        NOT_VALID = "not_valid", _("Not valid: below quorum")

    RULE_FIELDS = (
        "method",
        "max_choices",
        "quorum",
        "is_secret",
        "electorate",
        "weight_by_homes",
        "opens_at",
        "closes_at",
    )

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    method = models.CharField(
        _("method"), max_length=10, choices=Method.choices, default=Method.RANKED
    )
    max_choices = models.PositiveSmallIntegerField(
        _("most choices per ballot"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Approval: how many focus areas a voter may pick."),
    )
    quorum = models.PositiveIntegerField(
        _("quorum"), default=1, help_text=_("The least number of ballots for a valid result.")
    )
    is_secret = models.BooleanField(
        _("secret ballot"),
        default=True,
        help_text=_("A secret ballot lists ballots by receipt code only, never by name."),
    )
    electorate = models.CharField(
        _("electorate"), max_length=10, choices=Electorate.choices, default=Electorate.BOARD
    )
    weight_by_homes = models.BooleanField(
        _("weight by homes"),
        default=False,
        help_text=_("Council rounds only: each organisation's vote weighs its number of homes."),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    opened_at = models.DateTimeField(_("electorate fixed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    reminded_at = models.DateTimeField(
        _("reminder queued at"),
        null=True,
        blank=True,
        help_text=_("When those who had not voted were reminded, a day before the close."),
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    priorities_confirmed_at = models.DateTimeField(
        _("priorities confirmed at"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = VotingRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("voting round")
        verbose_name_plural = _("voting rounds")
        ordering = ["-opens_at"]
        permissions = [
            ("confirm_priorities", _("Can confirm a round's prioritised focus areas")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_open"
            ),
            models.CheckConstraint(
                condition=Q(weight_by_homes=False) | Q(electorate="council"),
                name="round_weights_only_for_council",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("strategy:vote_detail", kwargs={"pk": self.pk})

    def clean(self):
        if self.is_secret and self.weight_by_homes:
            # Each ballot's weight would be its organisation's number of homes, which names the
            # organisation: a weighted round cannot keep who chose what secret.
            raise ValidationError(
                {
                    "is_secret": _(
                        "A round weighted by homes cannot be secret: each ballot's weight "
                        "would tell whose it is."
                    )
                }
            )

    def is_open_for_voting(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opened_at is not None and self.opens_at <= now < self.closes_at

    def has_ended(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.closes_at

    @property
    def is_counted(self) -> bool:
        return self.closed_at is not None

    @property
    def is_ranked(self) -> bool:
        return self.method == self.Method.RANKED

    def state_label(self, now=None):
        if self.opened_at is None:
            return _("Draft")
        if self.is_counted or self.has_ended(now):
            return _("Closed")
        if self.is_open_for_voting(now):
            return _("Open for voting")
        return _("Not yet open")


class BallotItem(models.Model):
    """A focus area on a round's ballot; `position` is drawn by lot when the round opens."""

    round = models.ForeignKey(
        VotingRound, on_delete=models.CASCADE, related_name="items", verbose_name=_("voting round")
    )
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.PROTECT,
        related_name="ballot_items",
        verbose_name=_("focus area"),
    )
    position = models.PositiveSmallIntegerField(_("place on the ballot"), default=0)

    class Meta:
        verbose_name = _("ballot item")
        verbose_name_plural = _("ballot items")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "focus_area"], name="ballot_item_once"),
        ]

    def __str__(self):
        return str(self.focus_area)


class StandIn(models.Model):
    """Staff let a board substitute stand in for a named board member in one round."""

    round = models.ForeignKey(
        VotingRound,
        on_delete=models.CASCADE,
        related_name="stand_ins",
        verbose_name=_("voting round"),
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("substitute"),
    )
    stands_in_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("stands in for"),
    )

    class Meta:
        verbose_name = _("stand-in")
        verbose_name_plural = _("stand-ins")
        constraints = [
            models.UniqueConstraint(fields=["round", "stands_in_for"], name="standin_once"),
            models.UniqueConstraint(fields=["round", "substitute"], name="standin_substitute_once"),
        ]

    def __str__(self):
        return f"{self.substitute} → {self.stands_in_for}"


class Voter(models.Model):
    """The electorate of a round, fixed when it opens."""

    round = models.ForeignKey(
        VotingRound, on_delete=models.CASCADE, related_name="voters", verbose_name=_("voting round")
    )
    # SET_NULL: deleting an account keeps its ballot, anonymous, so results never change.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="strategy_voter_rows",
        verbose_name=_("voter"),
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("votes for"),
    )
    stands_in_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stands in for"),
    )
    weight = models.PositiveIntegerField(_("weight"), default=1)
    # Participation only: which ballot is theirs is not stored (see Ballot).
    has_voted = models.BooleanField(_("has voted"), default=False)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("electorate")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="voter_once_per_round"),
            models.UniqueConstraint(
                fields=["round", "organisation"],
                condition=Q(organisation__isnull=False),
                name="voter_one_per_organisation",
            ),
        ]

    def __str__(self):
        return str(self.user) if self.user_id else gettext("(deleted account)")


class Ballot(models.Model):
    """An anonymous ballot, changeable by its voter until the close.

    Nothing here names the voter: no foreign key, no time, no sequential id (the key is a
    random UUID). The voter finds their own ballot through ``link``, an HMAC of (round, voter)
    under a key derived from SECRET_KEY, which is not in the database (strategy/secrecy.py);
    the receipt code is derived the same way under another salt. Participation (who has voted)
    is on Voter.has_voted. ``weight`` is the voter's weight, so that the count needs no voter;
    secret rounds are never weighted, so there it is always 1."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        VotingRound,
        on_delete=models.CASCADE,
        related_name="ballots",
        verbose_name=_("voting round"),
    )
    link = models.CharField(_("link"), max_length=64, editable=False)
    receipt = models.CharField(_("receipt code"), max_length=20)
    weight = models.PositiveIntegerField(_("weight"), default=1)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["receipt"]
        constraints = [
            models.UniqueConstraint(fields=["round", "link"], name="ballot_link_once_per_round"),
            models.UniqueConstraint(
                fields=["round", "receipt"], name="ballot_receipt_once_per_round"
            ),
        ]

    def __str__(self):
        return self.receipt


class BallotChoice(models.Model):
    # A random key too: sequential ids would give away which ballot was written last.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    item = models.ForeignKey(BallotItem, on_delete=models.CASCADE, related_name="choices")
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        ordering = ["rank", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "item"], name="ballot_choice_item_once"),
            models.UniqueConstraint(
                fields=["ballot", "rank"],
                condition=Q(rank__isnull=False),
                name="ballot_choice_rank_once",
            ),
        ]

    def __str__(self):
        return f"{self.rank or '✓'} {self.item}"


class Announcement(models.Model):
    """One announcement mail of a round's prioritised focus areas to one contact person; the
    unique constraint is the per round and recipient deduplication."""

    round = models.ForeignKey(
        VotingRound,
        on_delete=models.CASCADE,
        related_name="announcements",
        verbose_name=_("voting round"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        constraints = [
            models.UniqueConstraint(fields=["round", "recipient"], name="announcement_once"),
        ]

    def __str__(self):
        return f"{self.round} → {self.recipient}"
