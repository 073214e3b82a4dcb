"""The commons register: propose, validate, publish, search, map, export.

Only ``includeme`` lives here, so importing the package (e.g. for its models)
never pulls in views or services.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

CONTEXT = "partnerstate.commons.resources.CommonsContext"


API_LISTS = ("/api/v1/commons", "/api/v1/commons.geojson")


def drop_empty_filters(event: Any) -> None:
    """Remove empty query parameters from the register's API lists before validation.

    OpenAPI validation refuses ``category=`` (an empty value is not one of the ids),
    but clients and plain HTML forms send empty fields for "any".
    """
    request = event.request
    if request.path not in API_LISTS or not request.query_string:
        return
    pairs = [(key, value) for key, value in request.GET.items() if value != ""]
    if len(pairs) != len(request.GET):
        request.query_string = urlencode(pairs)


def includeme(config: Any) -> None:
    """Routes, views, static files and the nav link of the register."""
    from partnerstate.i18n import _

    # Pages. "/commons/new" comes before the numeric record routes.
    config.add_route("commons.list", "/commons")
    config.add_route("commons.csv", "/commons.csv")
    config.add_route("commons.new", "/commons/new")
    config.add_route("commons.show", r"/commons/{id:\d+}", factory=CONTEXT)
    config.add_route("commons.edit", r"/commons/{id:\d+}/edit", factory=CONTEXT)
    config.add_route("commons.validate", r"/commons/{id:\d+}/validate", factory=CONTEXT)
    config.add_route("commons.reject", r"/commons/{id:\d+}/reject", factory=CONTEXT)
    config.add_route("commons.archive", r"/commons/{id:\d+}/archive", factory=CONTEXT)
    config.add_route("commons.balance", r"/commons/{id:\d+}/balance", factory=CONTEXT)

    # API. Paths must equal openapi.yaml's literally (pyramid_openapi3 checks), so
    # "{id}" has no regex: the context turns a non-numeric id into a 404.
    config.add_route("api.commons", "/api/v1/commons")
    config.add_route("api.commons.geojson", "/api/v1/commons.geojson")
    config.add_route("api.commons.categories", "/api/v1/commons/categories")
    config.add_route("api.commons.item", "/api/v1/commons/{id}", factory=CONTEXT)
    config.add_route("api.commons.validate", "/api/v1/commons/{id}/validate", factory=CONTEXT)
    config.add_route("api.commons.reject", "/api/v1/commons/{id}/reject", factory=CONTEXT)
    config.add_route("api.commons.archive", "/api/v1/commons/{id}/archive", factory=CONTEXT)
    config.add_route("api.commons.balances", "/api/v1/commons/{id}/balances", factory=CONTEXT)

    # Leaflet from the xstatic-leaflet package, served by us (CSP: script-src 'self').
    # Not under "static/": the core's static view is registered first and would
    # shadow any path below it.
    import xstatic.pkg.leaflet

    config.add_static_view("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR, cache_max_age=86400)
    # Its marker clustering plugin: ten thousand markers on a phone, grouped by zoom level.
    import xstatic.pkg.leaflet_markercluster

    config.add_static_view(
        "vendor/leaflet-markercluster",
        xstatic.pkg.leaflet_markercluster.BASE_DIR,
        cache_max_age=86400,
    )

    # The GeoJSON endpoint's media type, for pyramid_openapi3's response validation.
    config.pyramid_openapi3_add_deserializer("application/geo+json", json.loads)

    # "?q=&category=" (an empty search form) means "no filter", not a bad value.
    from pyramid.events import NewRequest

    config.add_subscriber(drop_empty_filters, NewRequest)

    from partnerstate.commons import taxonomy as tx

    # Named, in this order (an enum error names the first vocabulary holding its codes).
    config.add_choice_labels(
        commons_categories=tx.DOMAINS, commons_natures=tx.NATURES,
        commons_interventions=tx.INTERVENTIONS, commons_ownerships=tx.OWNERSHIPS,
        commons_legal_forms=tx.LEGAL_FORMS, commons_decision_rules=tx.DECISION_RULES,
        commons_access_policies=tx.ACCESS_POLICIES, commons_fees=tx.FEES_POLICIES,
        output_licences=tx.OUTPUT_LICENCES, data_licences=tx.DATA_LICENCES,
        commons_statuses=tx.STATUSES, commons_sorts=tx.SORTS,
    )  # fmt: skip
    config.add_home_section("commons-proposals", "partnerstate.commons.home.home_section", 40)
    config.add_nav_item("commons.list", _("Commons"), section="commons.")
    config.scan("partnerstate.commons.views")
    config.scan("partnerstate.commons.api")
