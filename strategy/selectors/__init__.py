"""Reads of the strategy app, and what a given user may see or do, by subject: rights.py,
pages.py (the strategy page, the trend radar, a focus area), voting.py."""

from .pages import (  # noqa: F401 - callers use strategy.selectors.<name>
    _STATUSES,
    MATRIX_KINDS,
    RADAR_CENTRE,
    RADAR_RINGS,
    RADAR_SIZE,
    StatusChange,
    focus_area_for,
    focus_area_page,
    focus_area_status_history,
    focus_areas_visible,
    pledge_matrix,
    strategy_page,
    summits,
    trend_radar,
)
from .rights import (  # noqa: F401 - callers use strategy.selectors.<name>
    _authenticated,
    _has_staff_permission,
    focus_area_moderators,
    user_can_comment,
    user_can_confirm_priorities,
    user_can_manage_rounds,
    user_can_moderate,
    user_can_propose,
    user_can_see_round,
    user_can_see_votes,
    user_pledge_organisations,
)
from .voting import (  # noqa: F401 - callers use strategy.selectors.<name>
    ballot_items,
    ballot_of,
    ballots_by_voter,
    current_choices,
    my_votes,
    round_bar,
    round_result,
    rounds_for,
    voter_for,
)
