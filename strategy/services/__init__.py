"""Every write of the strategy app: focus areas, comments, summit pledges, voting rounds and
their ballots, the announcement of the prioritised focus areas. Each records who did what in
the action log (activity.services.record).

Split by subject (a module past about 600 lines becomes a package, so each stays readable);
import from here: ``from strategy import services; services.ballot_cast(...)``."""

from .announcement import ANNOUNCED_KINDS, announcement_recipients, round_confirm_priorities
from .common import RECEIPT_ALPHABET
from .focus_areas import (
    ALLOWED_TRANSITIONS,
    comment_add,
    comment_hide,
    focus_area_can_move,
    focus_area_create,
    focus_area_moderate,
    focus_area_propose,
    focus_area_set_status,
    focus_area_update,
    pledge_check,
    pledge_save,
)
from .round_cycle import REMIND_BEFORE, round_close_now, round_reminders_queue
from .round_rules import (
    round_check_items,
    round_check_rule_change,
    round_check_stand_in,
    round_rules_locked,
)
from .voting import (
    ballot_cast,
    round_add_stand_in,
    round_close,
    round_count,
    round_create,
    round_open,
    round_set_items,
    round_update,
    rounds_close_due,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "ANNOUNCED_KINDS",
    "RECEIPT_ALPHABET",
    "REMIND_BEFORE",
    "announcement_recipients",
    "ballot_cast",
    "comment_add",
    "comment_hide",
    "focus_area_can_move",
    "focus_area_create",
    "focus_area_moderate",
    "focus_area_propose",
    "focus_area_set_status",
    "focus_area_update",
    "pledge_check",
    "pledge_save",
    "round_add_stand_in",
    "round_check_items",
    "round_check_rule_change",
    "round_check_stand_in",
    "round_close",
    "round_close_now",
    "round_confirm_priorities",
    "round_count",
    "round_create",
    "round_open",
    "round_reminders_queue",
    "round_rules_locked",
    "round_set_items",
    "round_update",
    "rounds_close_due",
]
