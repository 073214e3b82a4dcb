"""The home page and the language switcher."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPMovedPermanently, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from partnerstate.dashboard import sections_for
from partnerstate.i18n import LOCALES
from partnerstate.views.navigation import local_path, remember_locale


@view_config(route_name="home", renderer="home.jinja2")
def home(request: Any) -> dict[str, Any]:
    """Visitors read what the site is for; a signed-in person sees what needs them."""
    if request.user is None:
        return {"sections": None}
    return {"sections": sections_for(request)}


@view_config(route_name="favicon")
def favicon(request: Any) -> Any:
    """Browsers and feed readers that ignore the page's icon link ask for /favicon.ico."""
    return HTTPMovedPermanently(request.static_url("partnerstate:static/favicon.svg"))


@view_config(route_name="language")
def choose_language(request: Any) -> Any:
    """Remember the chosen interface language in a cookie, then go back to the page.

    A plain link (no form, no JavaScript) so the switcher works everywhere; it only
    sets a preference cookie, so it is safe as a GET.
    """
    locale = request.matchdict["locale"]
    if locale not in LOCALES:
        raise HTTPNotFound()
    response = HTTPSeeOther(local_path(request.params.get("next", "/"), "/"))
    remember_locale(request, response, locale)
    if request.user is not None:
        request.user.locale = locale
    return response
