"""Charters and reports rendered to PDF with WeasyPrint.

Only ``includeme`` lives here, so importing the package (e.g. for its models)
never pulls in views, services or WeasyPrint.
"""

from __future__ import annotations

from typing import Any

CHARTER = "reports.resources.CharterContext"
PARTNERSHIP = "reports.resources.PartnershipCharterContext"


def includeme(config: Any) -> None:
    """Register this package's routes, views and templates (called by partnerstate.main)."""
    from partnerstate.i18n import _
    from reports.views.pages import PARTY_LABELS, STATUS_LABELS

    config.add_audit_value_labels(("party",), PARTY_LABELS)
    config.add_choice_labels(charter_parties=PARTY_LABELS, charter_statuses=STATUS_LABELS)
    config.add_jinja2_search_path("reports:templates", name=".jinja2")
    config.add_static_view("reports-static", "reports:static", cache_max_age=3600)

    # Pages. The verification routes come before the numeric charter routes.
    config.add_route("charters.list", "/charters")
    config.add_route("charters.verify_form", "/charters/verify")
    config.add_route("charters.verify", "/charters/verify/{code}")
    config.add_route("charters.show", r"/charters/{id:\d+}", factory=CHARTER)
    config.add_route("charters.pdf", r"/charters/{id:\d+}/charter.pdf", factory=CHARTER)
    config.add_route("charters.issued_pdf", r"/charters/{id:\d+}/issued.pdf", factory=CHARTER)
    config.add_route("charters.sign", r"/charters/{id:\d+}/sign", factory=CHARTER)
    config.add_route("charters.scans", r"/charters/{id:\d+}/scans", factory=CHARTER)
    config.add_route("charters.withdraw", r"/charters/{id:\d+}/withdraw", factory=CHARTER)
    config.accept_uploads("charters.scans")  # the signed paper charter, scanned
    config.add_route(
        "charters.scan_file", r"/charters/{id:\d+}/scans/{scan_id:\d+}.pdf", factory=CHARTER
    )
    config.add_route("charters.new", r"/partnerships/{id:\d+}/charter/new", factory=PARTNERSHIP)

    # Other reports, under the paths of what they report on.
    config.add_route(
        "reports.vote",
        r"/votes/{id:\d+}/report.pdf",
        factory="deliberation.votes.resources.VoteContext",
    )
    config.add_route(
        "reports.minutes",
        r"/assemblies/{id:\d+}/meetings/{mid:\d+}/minutes.pdf",
        factory="assemblies.security.MeetingContext",
    )

    # API. Paths equal openapi.yaml's literally; contexts turn a bad id into a 404.
    config.add_route("api.charters", "/api/v1/charters")
    config.add_route("api.charter.verify", "/api/v1/charters/verify/{sha256}")
    config.add_route("api.charter", "/api/v1/charters/{id}", factory=CHARTER)
    config.add_route("api.charter.pdf", "/api/v1/charters/{id}/pdf", factory=CHARTER)
    config.add_route("api.charter.signatures", "/api/v1/charters/{id}/signatures", factory=CHARTER)
    config.add_route("api.charter.scans", "/api/v1/charters/{id}/scans", factory=CHARTER)
    config.add_route("api.charter.withdrawal", "/api/v1/charters/{id}/withdrawal", factory=CHARTER)
    config.accept_uploads("api.charter.scans")
    config.add_route(
        "api.partnership.charter", "/api/v1/partnerships/{id}/charter", factory=PARTNERSHIP
    )

    # The charters of a partnership on its page; of a commons, through a request method.
    config.add_partnership_api_field("charters", "reports.views.api.partnership_charters")
    config.add_partnership_panel(
        "charters",
        "reports/partnership_panel.jinja2",
        config.maybe_dotted("reports.views.pages.partnership_panel"),
        80,
    )
    config.add_request_method("reports.views.pages.charters_for_commons", "charters_for_commons")
    config.add_home_section("charters", "reports.home.home_section", order=30)
    config.add_nav_item("charters.list", _("Charters"), section="charters.")
    config.scan("reports.views")
