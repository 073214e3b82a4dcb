"""The composition root: the include order is deliberate, and the app builds."""

from __future__ import annotations

import pytest
import webtest

import partnerstate
from partnerstate.settings import SettingsError
from tests.conftest import TEST_SECRET, app_settings

# Sessions and CSRF before anything that reads request.session; pyramid_retry
# outside pyramid_tm; the database before the security policy that loads users;
# the core's routes before the feature packages, which extend its pages.
EXPECTED_INCLUDES = (
    "partnerstate.sessions",
    "partnerstate.tweens",
    "pyramid_retry",
    "pyramid_tm",
    "partnerstate.database",
    "partnerstate.i18n",
    "partnerstate.security",
    "partnerstate.templating",
    "partnerstate.headers",
    "partnerstate.api",
    "partnerstate.routes",
    "assemblies",
    "deliberation",
    "reports",
)


def test_include_order_is_pinned():
    assert partnerstate.INCLUDES == EXPECTED_INCLUDES


def test_configurator_includes_in_that_order(monkeypatch, database_url, engine):
    """make_configurator includes exactly INCLUDES, in order (nothing sneaks in before)."""
    from pyramid.config import Configurator

    seen: list[str] = []
    original = Configurator.include

    def spy(self, name, *args, **kwargs):
        if isinstance(name, str) and name in EXPECTED_INCLUDES:
            seen.append(name)
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(Configurator, "include", spy)
    settings = partnerstate.load_settings(app_settings(database_url), environ={})
    partnerstate.make_configurator(settings)
    # A package may include another listed one itself (pyramid de-duplicates); the
    # first time each one is seen must follow the pinned order.
    first_seen = list(dict.fromkeys(seen))
    assert first_seen == list(EXPECTED_INCLUDES)


def test_the_app_builds_and_serves_the_home_page(wsgi_app):
    page = webtest.TestApp(wsgi_app).get("/")
    assert page.status_int == 200
    assert "<h1>" in page.text


def test_importing_the_core_does_not_import_feature_packages():
    """partnerstate never imports assemblies, deliberation or reports at import time."""
    import subprocess
    import sys

    code = (
        "import sys, partnerstate, partnerstate.views, partnerstate.security; "
        "print(sorted(m for m in ('assemblies', 'deliberation', 'reports') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_production_without_a_secret_refuses_to_start(monkeypatch):
    monkeypatch.delenv("PARTNERSTATE_SECRET", raising=False)
    with pytest.raises(SettingsError, match="PARTNERSTATE_SECRET"):
        partnerstate.load_settings({"partnerstate.environment": "production"}, environ={})
    with pytest.raises(SettingsError):
        partnerstate.main(
            {}, **{"partnerstate.environment": "production", "partnerstate.secret": ""}
        )


def test_production_with_a_secret_builds(database_url, engine, monkeypatch):
    monkeypatch.delenv("PARTNERSTATE_SECRET", raising=False)
    monkeypatch.setenv("PARTNERSTATE_ENV", "production")
    monkeypatch.setenv("PARTNERSTATE_SECRET", TEST_SECRET)
    monkeypatch.setenv("PARTNERSTATE_BASE_URL", "https://participate.example.org")
    app = partnerstate.main({}, **{"partnerstate.database_url": database_url})
    assert app.registry["partnerstate.settings"].production
