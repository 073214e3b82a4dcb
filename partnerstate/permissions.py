"""Named permissions. Views ask for one of these; only the security policy decides.

Roles are turned into principals (``role:official``, ``assembly:7:facilitator``…)
by the security policy, and contexts grant permissions to principals in their ACL.
"""

from pyramid.authorization import ALL_PERMISSIONS, Allow, Authenticated, Everyone

VIEW = "view"
"""Read public pages and API resources."""

EDIT_PROFILE = "profile.edit"
"""Change one's own name, language, tokens."""

VIEW_AUDIT_LOG = "audit.view"
"""Read the audit log of officials' actions."""

MANAGE_OUTBOX = "outbox.manage"
"""See the mail the app sends (pending, failed, delivered) and send a failed one again."""

# Commons register
PROPOSE_COMMONS = "commons.propose"
EDIT_COMMONS = "commons.edit"
VIEW_COMMONS_CONTACT = "commons.view_contact"
"""See a record's contact email and phone."""
VALIDATE_COMMONS = "commons.validate"
REPORT_COMMONS_BALANCE = "commons.report_balance"

# Assemblies
CREATE_ASSEMBLY = "assembly.create"
MANAGE_MEMBERS = "assembly.manage_members"
JOIN_ASSEMBLY = "assembly.join"
SCHEDULE_MEETING = "assembly.schedule_meeting"
ATTEND_MEETING = "assembly.attend_meeting"
EDIT_ASSEMBLY = "assembly.edit"
VIEW_MEMBERS = "assembly.view_members"
LEAVE_ASSEMBLY = "assembly.leave"
RECORD_MINUTES = "assembly.record_minutes"
MANAGE_RESIDENTS = "assembly.manage_residents"
"""Import the census, issue invitation codes, verify residents by hand (officials)."""
VERIFY_RESIDENCE = "assembly.verify_residence"
"""Prove one's own residence (census data) or redeem an invitation code."""

# Partnerships and deliberation
DRAFT_PARTNERSHIP = "partnership.draft"
EDIT_PARTNERSHIP = "partnership.edit"
MOVE_PARTNERSHIP = "partnership.move"
DELIBERATE = "partnership.deliberate"
"""Argue, reply and comment in a partnership's deliberation."""
PROPOSE_ALTERNATIVE = "partnership.propose_alternative"
"""Put an alternative version on the ballot: members and facilitators, not observers."""
VIEW_DRAFT = "partnership.view_draft"
"""Read a partnership while it is a draft: the city's officials and the assembly's
facilitators (who open its deliberation). To everyone else a draft does not exist."""
MODERATE = "partnership.moderate"
FLAG = "partnership.flag"

# Votes
OPEN_VOTE = "vote.open"
CAST_BALLOT = "vote.cast"
CLOSE_VOTE = "vote.close"
STRIKE_ELECTOR = "vote.strike"
"""Take someone who has not voted out of an open vote's frozen electorate, with a reason."""

# Charters
ISSUE_CHARTER = "charter.issue"
SIGN_CHARTER = "charter.sign"
UPLOAD_CHARTER_SCAN = "charter.upload_scan"
WITHDRAW_CHARTER = "charter.withdraw"
"""Withdraw an unsigned charter issued by mistake, with a reason (officials)."""

OFFICIAL = "role:official"
MEMBER = "role:member"

__all__ = ["ALL_PERMISSIONS", "Allow", "Authenticated", "Everyone"]
