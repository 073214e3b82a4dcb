"""partnerstate's own tables. Importing this module registers them on ``Base.metadata``."""

from partnerstate.models.accounts import ApiToken, User
from partnerstate.models.audit import AuditEntry
from partnerstate.models.throttle import LoginFailure

__all__ = ["ApiToken", "AuditEntry", "LoginFailure", "User"]
