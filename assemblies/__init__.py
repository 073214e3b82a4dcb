"""Assemblies of the commons: membership and roles, resident verification, meetings.

Only ``includeme`` lives here, so importing the package (e.g. for its models or
services) never pulls in views. Other packages add sections to the assembly's
page (``/assemblies/{id}``) with the ``add_assembly_panel`` directive, or, when
they are included before this package, by appending to the registry list
:data:`PANELS` themselves.
"""

from __future__ import annotations

from typing import Any

CONTEXT = "assemblies.security.AssemblyContext"
MEETING = "assemblies.security.MeetingContext"
PANELS = "assemblies.panels"


def add_assembly_panel(
    config: Any, name: str, template: str, factory: Any, order: int = 100
) -> None:
    """Directive: a section of ``/assemblies/{id}`` rendered by another package.

    ``factory(request, assembly)`` returns the template's variables (available as
    ``data`` in the template), or None to leave the section out.
    """
    panels = config.registry.setdefault(PANELS, [])
    panels.append(
        {
            "name": name,
            "template": template,
            "factory": config.maybe_dotted(factory),
            "order": order,
        }
    )
    panels.sort(key=lambda panel: panel["order"])


def _clock_filter(context: Any, value: Any, format: str = "short") -> str:
    """``{{ meeting.starts_at|clock }}``: the time of day in the site's time zone."""
    from zoneinfo import ZoneInfo

    import babel.dates

    request = context.get("request")
    if value is None:
        return ""
    tz = ZoneInfo(request.registry["partnerstate.settings"].timezone)
    return babel.dates.format_time(value, format=format, tzinfo=tz, locale=request.locale_name)


def _add_filters(config: Any) -> None:
    from jinja2 import pass_context

    def register() -> None:
        env = config.get_jinja2_environment(".jinja2")
        env.filters["clock"] = pass_context(_clock_filter)

    # The environment exists only once pyramid_jinja2's own actions have run.
    config.action(None, register, order=1000)


def includeme(config: Any) -> None:
    """Register this package's routes, views and templates (called by partnerstate.main)."""
    from partnerstate.i18n import _

    config.add_jinja2_search_path("assemblies:templates", name=".jinja2")
    config.add_directive("add_assembly_panel", add_assembly_panel)
    from assemblies import rules

    config.add_audit_value_labels(("role",), rules.ROLE_LABELS)
    # Pages about an assembly or what belongs to it fall back to the assembly's language.
    config.set_assembly_locale_lookup("assemblies.services.assemblies.assembly_locale")
    _add_filters(config)
    # Not under "static/": the core's static view comes first and would shadow it.
    config.add_static_view("assemblies-static", "assemblies:static", cache_max_age=3600)

    # Pages. "/assemblies/new" comes before the numeric routes.
    route = config.add_route
    base = r"/assemblies/{id:\d+}"
    meeting = base + r"/meetings/{mid:\d+}"
    route("assemblies.list", "/assemblies")
    route("assemblies.new", "/assemblies/new")
    route("assemblies.show", base, factory=CONTEXT)
    route("assemblies.edit", base + "/edit", factory=CONTEXT)
    route("assemblies.calendar", base + "/calendar.ics", factory=CONTEXT)
    route("assemblies.members", base + "/members", factory=CONTEXT)
    route("assemblies.invite", base + "/invite", factory=CONTEXT)
    route("assemblies.invitation", "/invitations/{token}")
    route("assemblies.member_role", base + r"/members/{uid:\d+}/role", factory=CONTEXT)
    route("assemblies.member_remove", base + r"/members/{uid:\d+}/remove", factory=CONTEXT)
    route("assemblies.member_verify", base + r"/members/{uid:\d+}/verify", factory=CONTEXT)
    route("assemblies.member_unverify", base + r"/members/{uid:\d+}/unverify", factory=CONTEXT)
    route("assemblies.join", base + "/join", factory=CONTEXT)
    route("assemblies.leave", base + "/leave", factory=CONTEXT)
    route("assemblies.request_approve", base + r"/requests/{rid:\d+}/approve", factory=CONTEXT)
    route("assemblies.request_refuse", base + r"/requests/{rid:\d+}/refuse", factory=CONTEXT)
    route("assemblies.verify", base + "/verify", factory=CONTEXT)
    route("assemblies.redeem", base + "/redeem", factory=CONTEXT)
    route("assemblies.census", base + "/census", factory=CONTEXT)
    config.accept_uploads("assemblies.census")  # a census file, up to 200 MB
    route("assemblies.invitations", base + "/invitations", factory=CONTEXT)
    route("assemblies.meetings", base + "/meetings", factory=CONTEXT)
    route("assemblies.meeting_new", base + "/meetings/new", factory=CONTEXT)
    route("assemblies.meeting", meeting, factory=MEETING)
    route("assemblies.meeting_ics", meeting + ".ics", factory=MEETING)
    route("assemblies.meeting_edit", meeting + "/edit", factory=MEETING)
    route("assemblies.meeting_cancel", meeting + "/cancel", factory=MEETING)
    route("assemblies.meeting_attendance", meeting + "/attendance", factory=MEETING)
    route("assemblies.meeting_minutes", meeting + "/minutes", factory=MEETING)

    # API. Paths equal openapi.yaml's literally; the contexts turn bad ids into a 404.
    api = "/api/v1/assemblies/{id}"
    api_meeting = api + "/meetings/{mid}"
    route("api.assemblies", "/api/v1/assemblies")
    route("api.assembly", api, factory=CONTEXT)
    route("api.assembly.members", api + "/members", factory=CONTEXT)
    route("api.assembly.member", api + "/members/{uid}", factory=CONTEXT)
    route("api.assembly.member_removal", api + "/members/{uid}/removal", factory=CONTEXT)
    route("api.assembly.join", api + "/join", factory=CONTEXT)
    route("api.assembly.leave", api + "/leave", factory=CONTEXT)
    route("api.assembly.requests", api + "/join-requests", factory=CONTEXT)
    route("api.assembly.request_approve", api + "/join-requests/{rid}/approve", factory=CONTEXT)
    route("api.assembly.request_refuse", api + "/join-requests/{rid}/refuse", factory=CONTEXT)
    route("api.assembly.verification", api + "/verification", factory=CONTEXT)
    route("api.assembly.invitations", api + "/invitations", factory=CONTEXT)
    route("api.assembly.redeem", api + "/invitations/redeem", factory=CONTEXT)
    route("api.assembly.meetings", api + "/meetings", factory=CONTEXT)
    route("api.assembly.meeting", api_meeting, factory=MEETING)
    route("api.assembly.attendance", api_meeting + "/attendance", factory=MEETING)
    route("api.assembly.minutes", api_meeting + "/minutes", factory=MEETING)

    # The partnerships of the assembly (a core feature) as the page's first panel.
    add_assembly_panel(
        config,
        "partnerships",
        "assemblies/_partnerships_panel.jinja2",
        "assemblies.views.assemblies.partnerships_panel",
        order=10,
    )
    from assemblies import rules

    config.add_choice_labels(
        assembly_roles=rules.ROLE_LABELS,
        join_policies=rules.JOIN_POLICIES,
        verification_methods=rules.VERIFICATION_METHODS,
    )
    config.add_home_section("join-requests", "assemblies.home.join_requests_section", order=50)
    config.add_home_section("meetings", "assemblies.home.meetings_section", order=60)
    config.add_nav_item("assemblies.list", _("Assemblies"), section="assemblies.")
    config.scan("assemblies.views")
