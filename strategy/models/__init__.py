"""The strategy's models, by subject: the strategy and its content (content.py), the focus-area
pipeline (focus_areas.py), the project summit (summit.py) and voting (voting.py)."""

from .content import Ambition, Strategy, StrategyQuerySet, Trend
from .focus_areas import Comment, CommentQuerySet, FocusArea, FocusAreaQuerySet, Recommendation
from .summit import Pledge
from .voting import (
    Announcement,
    Ballot,
    BallotChoice,
    BallotItem,
    StandIn,
    Voter,
    VotingRound,
    VotingRoundQuerySet,
)

__all__ = [
    "Ambition",
    "Announcement",
    "Ballot",
    "BallotChoice",
    "BallotItem",
    "Comment",
    "CommentQuerySet",
    "FocusArea",
    "FocusAreaQuerySet",
    "Pledge",
    "Recommendation",
    "StandIn",
    "Strategy",
    "StrategyQuerySet",
    "Trend",
    "Voter",
    "VotingRound",
    "VotingRoundQuerySet",
]
