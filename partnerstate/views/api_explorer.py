"""The API explorer: the OpenAPI document as a page where each operation can be tried.

Swagger UI (version 5, the first to read OpenAPI 3.1 documents like ours) comes from
the ``swagger-ui-py`` package and is served by this site (``/vendor/swagger-ui/``):
no CDN, so the Content-Security-Policy stays 'self' only.
"""

from __future__ import annotations

from typing import Any

from pyramid.view import view_config
from swagger_ui.utils import SWAGGER_UI_PY_ROOT

# Only the package's static files are used, not its framework adapters.
SWAGGER_UI = str(SWAGGER_UI_PY_ROOT / "static")


@view_config(route_name="api_explorer", renderer="api_explorer.jinja2", request_method="GET")
def api_explorer(request: Any) -> dict[str, Any]:
    return {
        "spec_url": request.route_url("api.openapi_json"),
        "swagger_css": request.static_url(f"{SWAGGER_UI}/swagger-ui.css"),
        "swagger_js": request.static_url(f"{SWAGGER_UI}/swagger-ui-bundle.js"),
    }


def includeme(config: Any) -> None:
    config.add_route("api_explorer", "/api-explorer")
    config.add_static_view("vendor/swagger-ui", SWAGGER_UI, cache_max_age=86400)
