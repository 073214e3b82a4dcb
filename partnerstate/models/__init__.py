"""partnerstate's own tables. Importing this module registers them on ``Base.metadata``."""

# The commons register lives in its own subpackage; importing it registers its tables.
from partnerstate.commons.models import Commons, CommonsBalance, CommonsRevision
from partnerstate.models.accounts import ApiToken, User
from partnerstate.models.audit import AuditEntry
from partnerstate.models.mail import Job, OutboxMessage
from partnerstate.models.password_resets import PasswordReset
from partnerstate.models.sessions import UserSession
from partnerstate.models.throttle import LoginFailure
from partnerstate.partnerships.models import Partnership, PartnershipVersion

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Commons",
    "CommonsBalance",
    "CommonsRevision",
    "Job",
    "LoginFailure",
    "OutboxMessage",
    "Partnership",
    "PartnershipVersion",
    "PasswordReset",
    "User",
    "UserSession",
]
