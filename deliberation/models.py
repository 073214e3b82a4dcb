"""The deliberation package's tables. Importing this module registers them on ``Base.metadata``.

The debate's tables (arguments, alternatives, flags, notification marks) are defined
in ``deliberation.debate_models``, the votes' in ``deliberation.votes.models``; both
are re-exported here.
"""

from deliberation.debate_models import Alternative, Argument, ArgumentFlag, NotificationMark
from deliberation.votes.models import Ballot, BallotKey, Vote, VoteElector, VoteOption

__all__ = [
    "Alternative",
    "Argument",
    "ArgumentFlag",
    "Ballot",
    "BallotKey",
    "NotificationMark",
    "Vote",
    "VoteElector",
    "VoteOption",
]
