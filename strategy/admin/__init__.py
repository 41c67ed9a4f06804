"""The strategy admin, by subject like strategy/models/; importing the modules registers them."""

from . import content, focus_areas, summit, voting
from .focus_areas import FocusAreaAdmin, FocusAreaAdminForm
from .summit import PledgeAdmin, PledgeAdminForm
from .voting import BallotAdmin, VotingRoundAdmin, VotingRoundForm

__all__ = [
    "BallotAdmin",
    "FocusAreaAdmin",
    "FocusAreaAdminForm",
    "PledgeAdmin",
    "PledgeAdminForm",
    "VotingRoundAdmin",
    "VotingRoundForm",
    "content",
    "focus_areas",
    "summit",
    "voting",
]
