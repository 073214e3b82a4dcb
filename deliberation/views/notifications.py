"""What changed in one's assemblies since the last visit: a page and a header count."""

from __future__ import annotations

from typing import Any

from pyramid.view import view_config

from deliberation.services import notifications
from partnerstate import permissions as perms
from partnerstate.database import utcnow
from partnerstate.mail import notices
from partnerstate.partnerships import vocabulary as vocab


def notification_count(request: Any) -> int:
    """Request method for the header: how many changes are new for the signed-in person."""
    if request.user is None or request.path.startswith(("/static", "/api/")):
        return 0
    return notifications.count_new(request.db, request.user)


@view_config(
    route_name="notifications",
    renderer="deliberation/notifications.jinja2",
    permission=perms.EDIT_PROFILE,
)
def notifications_page(request: Any) -> dict[str, Any]:
    """Shows the last weeks' changes, the new ones marked; then everything counts as seen."""
    user = request.user
    items = notifications.for_user(request.db, user)
    seen_before = notifications.last_seen(request.db, user)
    notifications.mark_seen(request.db, user, utcnow())
    return {
        "items": items,
        # Stored notices (votes, results, reminders, replies), also mailed as chosen.
        "notices": notices.recent_for(request.db, user),
        "new_count": sum(1 for item in items if item.new),
        "seen_before": seen_before,
        "vocab": vocab,
    }
