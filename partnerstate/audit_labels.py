"""What the audit log page calls each recorded action and object, in the reader's language.

The log stores stable codes (``commons.validate``); officials read sentences. A code
without a label here is shown as it is, so a new action is never hidden.

Some details hold codes too (a role, a voting method, a partnership's status). The
package that owns each code names it with the ``add_audit_value_labels`` directive,
so the log reads "animateur·rice", not "facilitator", on a French page.
"""

from __future__ import annotations

from typing import Any

from partnerstate.i18n import LOCALES, _

ACTIONS = {
    "alternative.decline": _("Declined an alternative"),
    "alternative.reinstate": _("Reinstated an alternative"),
    "argument.dismiss_flags": _("Dismissed the reports on an argument"),
    "argument.flag": _("Reported an argument"),
    "argument.hide": _("Hid an argument"),
    "argument.restore": _("Restored an argument"),
    "assembly.census_import": _("Imported a census"),
    "assembly.create": _("Created an assembly"),
    "assembly.email_invite": _("Invited someone by email"),
    "assembly.invitation_redeem": _("Used an invitation code"),
    "assembly.invitations_issue": _("Issued invitation codes"),
    "assembly.join_approve": _("Approved a request to join"),
    "assembly.join_refuse": _("Refused a request to join"),
    "assembly.leave": _("Left an assembly"),
    "assembly.meeting_cancel": _("Cancelled a meeting"),
    "assembly.meeting_schedule": _("Scheduled a meeting"),
    "assembly.meeting_update": _("Changed a meeting"),
    "assembly.member_add": _("Added a member"),
    "assembly.member_remove": _("Removed a member"),
    "assembly.minutes_record": _("Recorded the minutes of a meeting"),
    "assembly.resident_revoke": _("Withdrew a resident verification"),
    "assembly.resident_verify": _("Verified a resident"),
    "assembly.role_change": _("Changed a member's role"),
    "assembly.update": _("Changed an assembly"),
    "charter.issue": _("Issued a charter"),
    "charter.scan_upload": _("Filed the signed scan of a charter"),
    "charter.sign": _("Signed a charter"),
    "charter.signed": _("Charter signed by both parties"),
    "charter.withdraw": _("Withdrew a charter"),
    "commons.archive": _("Archived a commons"),
    "commons.edit": _("Edited a commons"),
    "commons.reject": _("Rejected a commons"),
    "commons.validate": _("Validated a commons"),
    "mail.retry": _("Sent a message again"),
    "partnership.deadline": _("Set a partnership's deadline"),
    "partnership.draft": _("Drafted a partnership"),
    "partnership.edit": _("Edited a partnership"),
    "partnership.transition": _("Moved a partnership to another stage"),
    "vote.close": _("Closed a vote"),
    "vote.open": _("Opened a vote"),
    "vote.paper_ballots": _("Added paper ballots to a vote"),
    "vote.strike": _("Struck someone from a vote's electorate"),
}

# Object type → (label, route showing it, or None when it has no page of its own).
OBJECTS: dict[str, tuple[Any, str | None]] = {
    "alternative": (_("Alternative"), None),
    "argument": (_("Argument"), None),
    "assembly": (_("Assembly"), "assemblies.show"),
    "charter": (_("Charter"), "charters.show"),
    "commons": (_("Commons"), "commons.show"),
    "mail": (_("Message"), "outbox.show"),
    "partnership": (_("Partnership"), "partnerships.show"),
    "vote": (_("Vote"), "votes.show"),
}


# Detail name → what the reader sees; a name without a label is shown as stored.
DETAILS = {
    "added": _("Added"),
    "already": _("Already there"),
    "assembly_id": _("Assembly"),
    "author_id": _("Author"),
    "charter_id": _("Charter"),
    "attended": _("Attended"),
    "ballots": _("Ballots"),
    "closes_at": _("Closes at"),
    "commons_id": _("Commons"),
    "count": _("Number"),
    "deleted": _("Deleted"),
    "electorate": _("Electorate"),
    "email": _("Email"),
    "expected": _("Paper ballots declared"),
    "ends_at": _("Ends at"),
    "fields": _("Fields"),
    "filename": _("File"),
    "flags": _("Reports"),
    "from_status": _("From"),
    "invitation_id": _("Invitation"),
    "kind": _("Kind"),
    "locale": _("Language"),
    "meeting_id": _("Meeting"),
    "method": _("Method"),
    "name": _("Name"),
    "new": _("New"),
    "note": _("Note"),
    "old": _("Previous"),
    "outcome": _("Outcome"),
    "partnership_id": _("Partnership"),
    "party": _("Party"),
    "place": _("Place"),
    "previous": _("Before"),
    "quorum_percent": _("Quorum (%)"),
    "reason": _("Reason"),
    "recipient": _("Recipient"),
    "request_id": _("Request"),
    "role": _("Role"),
    "scan_id": _("Scan"),
    "seats": _("Seats"),
    "sha256": _("SHA-256"),
    "tie_break_seed": _("Tie-break seed"),
    "timezone": _("Time zone"),
    "to_status": _("To"),
    "transition": _("Step"),
    "user_id": _("Person"),
    "version": _("Version"),
    "vote_id": _("Vote"),
    "winners": _("Winners"),
}


# Registry key: detail name → {stored code → label}.
VALUE_LABELS = "partnerstate.audit_value_labels"


def add_audit_value_labels(config: Any, names: tuple[str, ...], labels: dict[str, Any]) -> None:
    """Directive: the labels of the codes stored under these detail names."""
    known = config.registry.setdefault(VALUE_LABELS, {})
    for name in names:
        known.setdefault(name, {}).update(labels)


def value_label(registry: Any, name: str, value: Any) -> Any:
    """A detail's value for the reader: a known code's label, anything else as stored."""
    if not isinstance(value, str):
        return value
    return registry.get(VALUE_LABELS, {}).get(name, {}).get(value, value)


def detail_label(name: str) -> Any:
    return DETAILS.get(name, name)


def action_label(action: str) -> Any:
    return ACTIONS.get(action, action)


def object_label(object_type: str) -> Any:
    return OBJECTS.get(object_type, (object_type, None))[0]


def object_url(request: Any, object_type: str, object_id: str) -> str | None:
    route = OBJECTS.get(object_type, (None, None))[1]
    if route is None or not object_id.isdigit():
        return None
    return request.route_path(route, id=object_id)


def includeme(config: Any) -> None:
    config.add_directive("add_audit_value_labels", add_audit_value_labels)
    # A language is named in its own language, as the switcher names it.
    config.add_audit_value_labels(("locale",), dict(LOCALES))
