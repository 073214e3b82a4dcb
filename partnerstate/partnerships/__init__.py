"""Public–commons partnerships: drafting, versions, the lifecycle, their pages and API.

Only ``includeme`` lives here, so importing the package (e.g. for its models)
never pulls in views or services. The deliberation package adds its sections to
the partnership's page through the ``add_partnership_panel`` directive.
"""

from __future__ import annotations

from typing import Any

CONTEXT = "partnerstate.partnerships.resources.PartnershipContext"


def add_partnership_panel(
    config: Any, name: str, template: str, factory: Any, order: int = 100
) -> None:
    """Directive: a section of ``/partnerships/{id}`` rendered by another package.

    ``factory(request, partnership)`` returns the template's variables (available as
    ``panel.data``), or None to leave the section out.
    """
    panels = config.registry.setdefault("partnerstate.partnership_panels", [])
    panel = {"name": name, "template": template, "factory": config.maybe_dotted(factory)}
    panels.append({**panel, "order": order})
    panels.sort(key=lambda panel: panel["order"])


API_FIELDS = "partnerstate.partnership_api_fields"


def add_partnership_api_field(config: Any, name: str, factory: Any) -> None:
    """Directive: a field of ``GET /api/v1/partnerships/{id}`` that another package fills.

    ``factory(request, partnership)`` returns the field's value (e.g. the votes held on
    it), so a client finds them from the partnership without this package knowing them.
    """
    config.registry.setdefault(API_FIELDS, {})[name] = config.maybe_dotted(factory)


def includeme(config: Any) -> None:
    """Routes, views, templates, request methods and the nav link of partnerships."""
    from partnerstate.i18n import _

    config.add_directive("add_partnership_panel", add_partnership_panel)
    config.add_directive("add_partnership_api_field", add_partnership_api_field)
    from partnerstate.partnerships import vocabulary

    config.add_audit_value_labels(("from_status", "to_status", "outcome"), vocabulary.STATUSES)
    config.add_audit_value_labels(("transition",), vocabulary.TRANSITIONS)
    # Services (partnerships, deliberation, votes, charters) refuse with a ServiceError;
    # under /api it becomes the JSON error, so API views need no try/except of their own.
    config.add_exception_view(
        "partnerstate.partnerships.api.service_error_view",
        context="partnerstate.partnerships.errors.ServiceError",
        api_path=True,
    )

    # Pages. "/partnerships/new" comes before the numeric routes.
    config.add_route("partnerships.list", "/partnerships")
    config.add_route("partnerships.new", "/partnerships/new")
    config.add_route("partnerships.show", r"/partnerships/{id:\d+}", factory=CONTEXT)
    config.add_route("partnerships.edit", r"/partnerships/{id:\d+}/edit", factory=CONTEXT)
    config.add_route("partnerships.versions", r"/partnerships/{id:\d+}/versions", factory=CONTEXT)
    config.add_route(
        "partnerships.version", r"/partnerships/{id:\d+}/versions/{number:\d+}", factory=CONTEXT
    )
    config.add_route(
        "partnerships.move", r"/partnerships/{id:\d+}/moves/{name:[a-z_]+}", factory=CONTEXT
    )
    config.add_route("partnerships.deadline", r"/partnerships/{id:\d+}/deadline", factory=CONTEXT)

    # API. Paths equal openapi.yaml's literally; the context turns a bad id into a 404.
    config.add_route("api.partnerships", "/api/v1/partnerships")
    config.add_route("api.partnership", "/api/v1/partnerships/{id}", factory=CONTEXT)
    config.add_route(
        "api.partnership.deliberation", "/api/v1/partnerships/{id}/deliberation", factory=CONTEXT
    )
    config.add_route(
        "api.partnership.transitions", "/api/v1/partnerships/{id}/transitions", factory=CONTEXT
    )
    config.add_route(
        "api.partnership.deadline", "/api/v1/partnerships/{id}/deadline", factory=CONTEXT
    )
    config.add_route(
        "api.partnership.versions", "/api/v1/partnerships/{id}/versions", factory=CONTEXT
    )
    config.add_route(
        "api.partnership.version", "/api/v1/partnerships/{id}/versions/{number}", factory=CONTEXT
    )

    # Other packages' pages (a commons, an assembly) list partnerships through this.
    config.add_request_method(
        "partnerstate.partnerships.views.partnership_section", "partnership_section"
    )
    from partnerstate.partnerships import vocabulary as vocab

    config.add_choice_labels(
        partnership_types=vocab.TYPES,
        commitment_kinds=vocab.COMMITMENT_KINDS,
        partnership_statuses=vocab.STATUSES,
        partnership_transitions=vocab.TRANSITIONS,
    )
    config.add_home_section("deliberations", "partnerstate.partnerships.home.home_section", 20)
    config.add_nav_item("partnerships.list", _("Partnerships"), section="partnerships.")
    config.scan("partnerstate.partnerships.views")
    config.scan("partnerstate.partnerships.api")
