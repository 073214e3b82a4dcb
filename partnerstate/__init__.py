"""partnerstate: the composition root.

``main`` builds the WSGI application. The feature packages (assemblies,
deliberation, reports) are only ever included here, never imported by the core.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator

from partnerstate.settings import AppSettings, load_settings

# The order in which the app is assembled; tests pin it (see tests/partnerstate/test_app.py).
INCLUDES = (
    # Sessions and CSRF first: everything after may rely on request.session.
    "partnerstate.sessions",
    # Requests no view can handle (not UTF-8, too large, NUL bytes…) are refused first.
    "partnerstate.tweens",
    # pyramid_retry wraps pyramid_tm so that a retried request gets a fresh transaction.
    "pyramid_retry",
    "pyramid_tm",
    "partnerstate.database",
    "partnerstate.i18n",
    "partnerstate.security",
    "partnerstate.templating",
    "partnerstate.headers",
    "partnerstate.api",
    # Features: the core first, then each package in the order its models depend on.
    "partnerstate.routes",
    "assemblies",
    "deliberation",
    "reports",
)


def make_configurator(
    settings: AppSettings, ini_settings: dict[str, Any] | None = None
) -> Configurator:
    pyramid_settings = dict(ini_settings or {})
    pyramid_settings.setdefault("tm.manager_hook", "pyramid_tm.explicit_manager")
    pyramid_settings.setdefault("retry.attempts", 3)
    # pyramid_tm would look the user up to label the transaction, outside the exception
    # views: with the database down, that lookup was a bare 500. Nothing reads the label.
    pyramid_settings.setdefault("tm.annotate_user", False)
    pyramid_settings["pyramid.default_locale_name"] = settings.default_locale
    config = Configurator(settings=pyramid_settings)
    config.registry["partnerstate.settings"] = settings
    for name in INCLUDES:
        config.include(name)
    config.scan("partnerstate.views")
    return config


def main(global_config: dict[str, Any] | None = None, **ini_settings: Any) -> Any:
    """Paste entry point: ``pserve development.ini`` and ``partnerstate serve`` call this."""
    settings = load_settings(ini_settings)
    return make_configurator(settings, ini_settings).make_wsgi_app()
