"""The fixed list of verbs of the action log. record() refuses any other; add a verb here
(and its Danish label) before a service records it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    # events
    EVENT_CAPACITY_CHANGED = "event.capacity_changed", _("Event: capacity changed")
    REGISTRATION_SIGNED_UP = "registration.signed_up", _("Registration: signed up")
    REGISTRATION_ADDED_BY_STAFF = "registration.added_by_staff", _("Registration: added by staff")
    REGISTRATION_CANCELLED = "registration.cancelled", _("Registration: cancelled")
    REGISTRATION_LIABILITY_WAIVED = (
        "registration.liability_waived",
        _("Registration: cancellation fee waived"),
    )
    REGISTRATION_PROMOTED = "registration.promoted", _("Registration: moved up from waiting list")
    REGISTRATION_APPROVED = "registration.approved", _("Registration: approved")
    REGISTRATION_REJECTED = "registration.rejected", _("Registration: rejected")
    REGISTRATION_CHECKED_IN = "registration.checked_in", _("Registration: checked in")
    REGISTRATION_MOVED = "registration.moved", _("Registration: status changed")
    REGISTRATION_EDITED = "registration.edited", _("Registration: edited")
    REGISTRATION_WALK_IN = "registration.walk_in", _("Registration: walk-in added at the door")
    REGISTRATION_SESSION_CHECK_IN = (
        "registration.session_checked_in",
        _("Registration: checked in to a session"),
    )
    REGISTRATION_SESSION_CHECK_IN_UNDONE = (
        "registration.session_check_in_undone",
        _("Registration: session check-in undone"),
    )
    EVENT_MAILED = "event.mailed", _("Event: mail sent to participants")
    REGISTRATION_REPRICED = "registration.repriced", _("Registration: re-priced as member")
    REGISTRATION_PRICE_REVIEW = (
        "registration.price_review",
        _("Registration: member price to settle by hand (already invoiced)"),
    )
    # A row moved from events' old RegistrationLog whose action is none of the above; its
    # action is kept in the data.
    REGISTRATION_OTHER = "registration.other", _("Registration: other change")
    # projects
    PROJECT_STATUS = "project.status", _("Project: status changed")
    # strategy: focus areas and comments (moderation)
    FOCUS_AREA_PROPOSED = "focus_area.proposed", _("Focus area: proposed")
    FOCUS_AREA_CREATED = "focus_area.created", _("Focus area: created")
    FOCUS_AREA_MODERATED = "focus_area.moderated", _("Focus area: moderated")
    FOCUS_AREA_STATUS = "focus_area.status", _("Focus area: status changed")
    COMMENT_ADDED = "comment.added", _("Comment: added")
    COMMENT_HIDDEN = "comment.hidden", _("Comment: hidden")
    PLEDGE_CREATED = "pledge.created", _("Pledge: made")
    PLEDGE_CHANGED = "pledge.changed", _("Pledge: changed")
    # strategy: voting
    ROUND_CREATED = "round.created", _("Voting round: created")
    ROUND_UPDATED = "round.updated", _("Voting round: updated")
    ROUND_ITEMS = "round.items", _("Voting round: ballot items set")
    ROUND_STAND_IN = "round.stand_in", _("Voting round: stand-in added")
    ROUND_OPENED = "round.opened", _("Voting round: opened")
    ROUND_CLOSED = "round.closed", _("Voting round: closed")
    ROUND_CLOSED_EARLY = "round.closed_early", _("Voting round: closed now by staff")
    ROUND_REMINDED = "round.reminded", _("Voting round: those who had not voted reminded")
    ROUND_PRIORITIES_CONFIRMED = (
        "round.priorities_confirmed",
        _("Voting round: priorities confirmed and announced"),
    )
    BALLOT_CAST = "ballot.cast", _("Ballot cast")
    # A row moved from strategy's old AuditEntry whose action is none of the above.
    STRATEGY_OTHER = "strategy.other", _("Strategy: other action")
    # invoicing
    INVOICE_ISSUED = "invoice.issued", _("Invoice: issued")
    INVOICE_SENT = "invoice.sent", _("Invoice: sent")
    INVOICE_PAID = "invoice.paid", _("Invoice: paid")
    INVOICE_CREDITED = "invoice.credited", _("Invoice: credited")
    # newsletters
    NEWSLETTER_SENT = "newsletter.sent", _("Newsletter: sending started")
    NEWSLETTER_PAUSED = "newsletter.paused", _("Newsletter: paused")
    NEWSLETTER_RESUMED = "newsletter.resumed", _("Newsletter: resumed")
    # members: memberships, affiliations, board seats
    ORGANISATION_MEMBERSHIP = "organisation.membership", _("Organisation: membership changed")
    AFFILIATION_CREATED = "affiliation.created", _("Affiliation: created")
    AFFILIATION_UPDATED = "affiliation.updated", _("Affiliation: updated")
    AFFILIATION_CONFIRMED = "affiliation.confirmed", _("Affiliation: confirmed")
    AFFILIATION_ENDED = "affiliation.ended", _("Affiliation: ended")
    AFFILIATION_WITHDRAWN = "affiliation.withdrawn", _("Affiliation: request withdrawn")
    AFFILIATION_REFUSED = "affiliation.refused", _("Affiliation: request refused")
    SEAT_CREATED = "seat.created", _("Seat: created")
    SEAT_UPDATED = "seat.updated", _("Seat: updated")
    SEAT_ENDED = "seat.ended", _("Seat: ended")


# Who voted, and what a round's electorate and outcome were, is for the secretariat only
# (README "Secret ballots"): these rows need activity.view_voting_actions.
VOTING_PREFIXES = ("round.", "ballot.")
VOTING_VERBS = frozenset(v for v in Verb.values if v.startswith(VOTING_PREFIXES))
