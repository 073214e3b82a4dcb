"""What the assemblies' views share: the site's time zone, names, flashes, permissions."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from assemblies import rules
from assemblies.models import Assembly, Meeting
from partnerstate.localized import pick


def site_tz(request: Any) -> ZoneInfo:
    return ZoneInfo(request.registry["partnerstate.settings"].timezone)


def assembly_name(request: Any, assembly: Assembly) -> str:
    return pick(assembly.name, request.locale_name, assembly.default_locale)


def localized(request: Any, assembly: Assembly, value: Any) -> str:
    """User content in the page language, else the assembly's, else any."""
    return pick(value, request.locale_name, assembly.default_locale)


def meeting_title(request: Any, meeting: Meeting) -> str:
    return pick(meeting.title, request.locale_name, meeting.assembly.default_locale)


def flash(request: Any, message: Any, queue: str = "success") -> None:
    request.session.flash(request.translate(message), queue)


def can(request: Any, permission: str, context: Any = None) -> bool:
    return bool(request.has_permission(permission, context or request.context))


def role_label(request: Any, role: str) -> str:
    label = rules.ROLE_LABELS.get(role)
    return request.translate(label) if label is not None else role
