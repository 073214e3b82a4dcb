"""The deliberation package's services: the debate (arguments, alternatives,
moderation, notifications), and what the votes take from it.

``ballot_options(db, partnership)`` is the one thing the votes need from the
debate: the proposal and every alternative that was not declined.
"""

from deliberation.services.alternatives import BallotOption, ballot_options

__all__ = ["BallotOption", "ballot_options"]
