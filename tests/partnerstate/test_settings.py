"""Settings: ini values, overridden by the environment, typed, with defaults."""

from __future__ import annotations

import pytest

from partnerstate.settings import (
    DEFAULT_DATABASE_URL,
    SettingsError,
    load_settings,
    mail_folder,
    public_base_url,
)


def test_defaults_without_ini_or_environment():
    settings = load_settings({}, environ={})
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.environment == "development"
    assert settings.default_locale == "en"
    assert settings.throttle_account_failures == 5
    assert settings.throttle_address_failures >= 100
    assert settings.throttle_window_seconds == 900
    assert settings.throttle_delay_seconds == 30
    assert not settings.production


def test_development_generates_a_secret_per_process():
    first = load_settings({}, environ={})
    second = load_settings({}, environ={})
    assert len(first.secret) >= 32
    assert first.secret != second.secret


def test_ini_values_are_read_and_typed():
    settings = load_settings(
        {
            "partnerstate.database_url": "sqlite:///from-ini.sqlite",
            "partnerstate.secret": "ini-secret",
            "partnerstate.validate_api_responses": "true",
            "partnerstate.throttle_account_failures": "7",
        },
        environ={},
    )
    assert settings.database_url == "sqlite:///from-ini.sqlite"
    assert settings.secret == "ini-secret"
    assert settings.validate_api_responses is True
    assert settings.throttle_account_failures == 7


def test_environment_overrides_ini():
    settings = load_settings(
        {
            "partnerstate.database_url": "sqlite:///from-ini.sqlite",
            "partnerstate.secret": "ini-secret",
            "partnerstate.environment": "development",
            "partnerstate.throttle_window_seconds": "60",
        },
        environ={
            "PARTNERSTATE_DATABASE_URL": "postgresql://db.example/city",
            "PARTNERSTATE_SECRET": "env-secret-" + "e" * 32,
            "PARTNERSTATE_ENV": "production",
            "PARTNERSTATE_THROTTLE_WINDOW_SECONDS": "120",
            "PARTNERSTATE_THROTTLE_DELAY_SECONDS": "5",
            "PARTNERSTATE_DEFAULT_LOCALE": "fr",
            "PARTNERSTATE_BASE_URL": "https://participate.example.org",
        },
    )
    assert settings.database_url == "postgresql://db.example/city"
    assert settings.secret == "env-secret-" + "e" * 32
    assert settings.production
    assert settings.throttle_window_seconds == 120
    assert settings.throttle_delay_seconds == 5
    assert settings.default_locale == "fr"


def test_an_empty_environment_variable_does_not_hide_the_ini_value():
    settings = load_settings(
        {"partnerstate.site_name": "Ville"}, environ={"PARTNERSTATE_SITE_NAME": ""}
    )
    assert settings.site_name == "Ville"


def test_the_process_environment_is_read_by_default(monkeypatch):
    monkeypatch.setenv("PARTNERSTATE_SITE_NAME", "Commune de Test")
    assert load_settings({"partnerstate.site_name": "ini"}).site_name == "Commune de Test"


def test_production_without_a_secret_is_an_error():
    with pytest.raises(SettingsError, match="PARTNERSTATE_SECRET"):
        load_settings({}, environ={"PARTNERSTATE_ENV": "production"})


@pytest.mark.parametrize("secret", ["changeme", "x" * 31])
def test_production_refuses_a_short_secret_and_says_how_to_make_one(secret):
    environ = {"PARTNERSTATE_ENV": "production", "PARTNERSTATE_SECRET": secret}
    with pytest.raises(SettingsError) as raised:
        load_settings({}, environ=environ)
    message = str(raised.value)
    assert "PARTNERSTATE_SECRET is too short" in message and "at least 32" in message
    assert "secrets.token_urlsafe" in message
    assert secret not in message  # a secret, even a bad one, stays out of the logs


def test_production_accepts_a_secret_of_32_characters():
    environ = {
        "PARTNERSTATE_ENV": "production",
        "PARTNERSTATE_SECRET": "s" * 32,
        "PARTNERSTATE_BASE_URL": "https://participate.example.org",
    }
    assert load_settings({}, environ=environ).secret == "s" * 32


def test_development_keeps_a_short_secret():
    assert load_settings({}, environ={"PARTNERSTATE_SECRET": "dev"}).secret == "dev"


def test_body_caps_default_to_one_mebibyte_and_are_configurable():
    settings = load_settings({}, environ={})
    assert settings.max_body_bytes == 1024 * 1024
    assert settings.max_upload_bytes > 200 * 1024 * 1024  # a census file is up to 200 MB
    settings = load_settings(
        {"partnerstate.max_body_bytes": "2048"}, environ={"PARTNERSTATE_MAX_UPLOAD_BYTES": "4096"}
    )
    assert (settings.max_body_bytes, settings.max_upload_bytes) == (2048, 4096)


def test_a_body_cap_above_the_upload_cap_is_an_error():
    with pytest.raises(SettingsError, match="PARTNERSTATE_MAX_BODY_BYTES"):
        load_settings({}, environ={"PARTNERSTATE_MAX_BODY_BYTES": "0"})


def test_unknown_environment_is_an_error():
    with pytest.raises(SettingsError, match="PARTNERSTATE_ENV"):
        load_settings({}, environ={"PARTNERSTATE_ENV": "staging"})


def test_a_number_that_is_not_a_number_is_an_error():
    with pytest.raises(SettingsError, match="PARTNERSTATE_THROTTLE_ACCOUNT_FAILURES"):
        load_settings({}, environ={"PARTNERSTATE_THROTTLE_ACCOUNT_FAILURES": "five"})


def test_production_without_a_base_url_is_an_error():
    with pytest.raises(SettingsError, match="PARTNERSTATE_BASE_URL"):
        load_settings(
            {}, environ={"PARTNERSTATE_ENV": "production", "PARTNERSTATE_SECRET": "s" * 40}
        )


def test_mail_settings_and_their_defaults(tmp_path):
    settings = load_settings(
        {"partnerstate.database_url": f"sqlite:///{tmp_path}/city.sqlite"}, environ={}
    )
    assert public_base_url(settings) == "http://127.0.0.1:6543"
    assert mail_folder(settings) == str(tmp_path / "mail")
    assert settings.smtp_url == ""
    configured = load_settings(
        {},
        environ={
            "PARTNERSTATE_BASE_URL": "https://participate.example.org/",
            "PARTNERSTATE_SMTP_URL": "smtp://mail.example.org:587?starttls=1",
            "PARTNERSTATE_MAIL_FROM": "Ville <civic@example.org>",
            "PARTNERSTATE_MAIL_FOLDER": str(tmp_path / "out"),
        },
    )
    assert public_base_url(configured) == "https://participate.example.org"
    assert configured.smtp_url == "smtp://mail.example.org:587?starttls=1"
    assert configured.mail_from == "Ville <civic@example.org>"
    assert mail_folder(configured) == str(tmp_path / "out")


def test_postgresql_pool_holds_a_connection_per_request_thread():
    from partnerstate.database import make_engine, pool_options

    settings = load_settings({}, environ={"PARTNERSTATE_DATABASE_URL": "postgresql://u@db/city"})
    assert settings.database_pool_size == 10  # above waitress's 8 threads
    engine = make_engine(settings.database_url, **pool_options(settings))
    assert engine.pool.size() == 10  # SQLAlchemy's default of 5 closed the extra ones
    engine.dispose()
    sized = load_settings({"partnerstate.database_pool_size": "16"}, environ={})
    assert sized.database_pool_size == 16
    assert pool_options(sized) == {}  # SQLite: its own pool


def test_pool_size_must_be_positive():
    with pytest.raises(SettingsError, match="POOL_SIZE"):
        load_settings({}, environ={"PARTNERSTATE_DATABASE_POOL_SIZE": "0"})
