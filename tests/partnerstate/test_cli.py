"""The ``partnerstate`` command line: init, user add, token create, exit codes, one-line errors.

Every test works on its own fresh SQLite file (never the shared test database), so
commands commit for real, as they do for a city's administrator.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import webtest
from click.testing import CliRunner
from sqlalchemy import func, insert, select

from partnerstate import demo, main
from partnerstate.cli import main as cli
from partnerstate.database import make_engine, make_session_factory
from partnerstate.models import User
from partnerstate.services import accounts
from tests.conftest import TEST_SECRET

PASSWORD = "a long enough password"


@pytest.fixture
def runner(monkeypatch) -> CliRunner:
    # The developer's own database must never be touched by these tests.
    monkeypatch.delenv("PARTNERSTATE_DATABASE_URL", raising=False)
    return CliRunner()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


@pytest.fixture
def initialized(runner, db_url) -> str:
    result = runner.invoke(cli, ["init", "--db", db_url])
    assert result.exit_code == 0, result.output
    return db_url


def run(runner, *args, input=None):
    return runner.invoke(cli, [str(a) for a in args], input=input)


def _count_users(url: str) -> int:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return session.scalar(select(func.count()).select_from(User))
    finally:
        engine.dispose()


def _one_line_error(result, status: int) -> str:
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


# --- init ---------------------------------------------------------------------------------


def test_init_twice_is_harmless(runner, db_url):
    first = run(runner, "init", "--db", db_url)
    second = run(runner, "init", "--db", db_url)
    assert first.exit_code == second.exit_code == 0
    assert "Database ready at the latest schema" in second.stdout
    assert _count_users(db_url) == 0


def test_init_gives_commons_loaded_in_bulk_their_sort_keys(runner, initialized):
    from partnerstate.commons.models import Commons, CommonsSortKey
    from partnerstate.i18n import LOCALES

    engine = make_engine(initialized)
    try:
        with engine.begin() as connection:
            # A bulk load writes rows directly, without the services' derived data.
            connection.execute(
                insert(Commons),
                [
                    {
                        "name": {"en": "Garden"},
                        "status": "published",
                        "category": "food",
                        "nature": "material",
                    }
                ],
            )
        assert run(runner, "init", "--db", initialized).exit_code == 0
        with make_session_factory(engine)() as session:
            keys = session.scalars(select(CommonsSortKey.locale)).all()
        assert sorted(keys) == sorted(LOCALES)
    finally:
        engine.dispose()


def test_init_demo_prints_the_accounts_and_is_idempotent(runner, db_url):
    first = run(runner, "init", "--demo", "--db", db_url)
    assert first.exit_code == 0, first.output
    for account in demo.ACCOUNTS:
        assert account.email in first.stdout
        assert account.password in first.stdout
    users = _count_users(db_url)
    assert users >= len(demo.ACCOUNTS)
    second = run(runner, "init", "--demo", "--db", db_url)
    assert second.exit_code == 0, second.output
    assert _count_users(db_url) == users
    assert second.stdout.count("@demo.partnerstate.org") == len(demo.ACCOUNTS)


def test_the_demo_lists_each_account_with_its_part_and_shows_progress(runner, db_url):
    result = run(runner, "init", "--demo", "--db", db_url)
    lines = {line.split("  /  ")[0].strip(): line for line in result.stdout.splitlines()}
    assert lines["facilitator@demo.partnerstate.org"].endswith("/  facilitator")
    assert lines["official@demo.partnerstate.org"].endswith("/  official")
    assert lines["observer@demo.partnerstate.org"].endswith("/  observer")
    # One line per seeding step, each with its duration, before the list.
    for step in ("accounts", "commons", "assemblies", "votes", "reports"):
        assert re.search(rf"^  {step}… \d+\.\d s$", result.stdout, re.M), step


def test_demo_accounts_can_log_in(runner, db_url):
    run(runner, "init", "--demo", "--db", db_url)
    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            for account in demo.ACCOUNTS:
                user = accounts.authenticate(session, account.email, account.password)
                assert user is not None and user.role == account.role
    finally:
        engine.dispose()


def test_demo_charter_links_to_where_the_demo_is_served(runner, db_url):
    from reports.models import Charter

    run(runner, "init", "--demo", "--site-url", "http://city.example:8080", "--db", db_url)
    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            charter = session.scalars(select(Charter)).one()
            assert charter.base_url == "http://city.example:8080"
    finally:
        engine.dispose()


def _demo_charter(db_url):
    from reports.models import Charter

    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            charter = session.scalars(select(Charter)).one()
            return charter.base_url, charter.sha256, charter.pdf
    finally:
        engine.dispose()


def test_demo_charter_links_to_the_configured_base_url(runner, db_url, monkeypatch):
    import io

    from pypdf import PdfReader

    monkeypatch.setenv("PARTNERSTATE_BASE_URL", "https://participate.example.org/")
    result = run(runner, "init", "--demo", "--db", db_url)
    assert result.exit_code == 0, result.output
    base_url, sha256, pdf = _demo_charter(db_url)
    assert base_url == "https://participate.example.org"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "https://participate.example.org/charters/verify/" in text.replace("\n", "")
    assert "127.0.0.1" not in text


def test_the_site_url_option_wins_over_the_base_url(runner, db_url, monkeypatch):
    monkeypatch.setenv("PARTNERSTATE_BASE_URL", "https://participate.example.org")
    run(runner, "init", "--demo", "--site-url", "http://city.example:8080", "--db", db_url)
    assert _demo_charter(db_url)[0] == "http://city.example:8080"


@pytest.mark.parametrize("site_url", ["city.example", "javascript:alert(1)", "ftp://city.example"])
def test_init_refuses_a_site_url_that_is_not_a_web_address(runner, db_url, site_url):
    result = run(runner, "init", "--demo", "--site-url", site_url, "--db", db_url)
    assert result.exit_code == 2
    assert "expected an absolute http:// or https:// address" in result.output
    assert "Traceback" not in result.output


def test_init_site_url_needs_the_demo(runner, db_url):
    result = run(runner, "init", "--site-url", "http://city.example", "--db", db_url)
    assert result.exit_code == 2
    assert "--site-url only applies with --demo" in result.output


def test_environment_variable_selects_the_database(runner, db_url):
    result = runner.invoke(cli, ["init"], env={"PARTNERSTATE_DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    assert Path(db_url.removeprefix("sqlite:///")).exists()


def test_db_option_beats_the_environment_variable(runner, tmp_path, db_url):
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    result = runner.invoke(cli, ["init", "--db", db_url], env={"PARTNERSTATE_DATABASE_URL": other})
    assert result.exit_code == 0
    assert Path(db_url.removeprefix("sqlite:///")).exists()
    assert not (tmp_path / "other.sqlite").exists()


def test_default_database_is_a_file_in_the_current_directory(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(runner, "init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "partnerstate.sqlite").exists()


# --- user add ---------------------------------------------------------------------------------


def test_user_add_then_exists(runner, initialized):
    created = run(runner, "user", "add", "ada@example.org", "--name", "Ada", "--db", initialized)
    assert created.exit_code == 0, created.output
    assert "ada@example.org" in created.stdout
    again = run(runner, "user", "add", "ADA@example.org", "--name", "Ada", "--db", initialized)
    line = _one_line_error(again, 1)
    assert "already exists" in line
    assert _count_users(initialized) == 1


def test_user_add_official_with_password_from_stdin(runner, initialized):
    result = run(
        runner,
        "user", "add", "olga@example.org", "--name", "Olga", "--role", "official",
        "--password-stdin", "--db", initialized,
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    engine = make_engine(initialized)
    try:
        with make_session_factory(engine)() as session:
            user = accounts.authenticate(session, "olga@example.org", PASSWORD)
            assert user is not None and user.role == "official"
    finally:
        engine.dispose()


def test_user_add_short_password_is_refused(runner, initialized):
    result = run(
        runner,
        "user", "add", "short@example.org", "--name", "S", "--password-stdin", "--db", initialized,
        input="too short\n",
    )  # fmt: skip
    assert "12" in _one_line_error(result, 2)
    assert _count_users(initialized) == 0


def test_user_add_bad_email_or_role(runner, initialized):
    _one_line_error(
        run(runner, "user", "add", "not-an-email", "--name", "X", "--db", initialized), 2
    )
    result = run(
        runner, "user", "add", "x@example.org", "--name", "X", "--role", "king", "--db", initialized
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert _count_users(initialized) == 0


@pytest.mark.parametrize("name", ["", "   ", "<b>Bold</b>", "x" * 121])
def test_user_add_needs_a_plain_name(runner, initialized, name):
    result = run(runner, "user", "add", "x@example.org", "--name", name, "--db", initialized)
    assert "name" in _one_line_error(result, 2)
    assert _count_users(initialized) == 0


def test_user_add_before_init_says_to_run_init(runner, db_url):
    result = run(runner, "user", "add", "x@example.org", "--name", "X", "--db", db_url)
    assert "partnerstate init" in _one_line_error(result, 2)


# --- token create ----------------------------------------------------------------------------


def test_token_create_prints_a_token_that_works(runner, initialized):
    run(runner, "user", "add", "ada@example.org", "--name", "Ada", "--db", initialized)
    result = run(runner, "token", "create", "ada@example.org", "--db", initialized)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    token = lines[0]
    assert token == token.strip() and " " not in token
    app = main({}, **{"partnerstate.database_url": initialized, "partnerstate.secret": TEST_SECRET})
    try:
        me = webtest.TestApp(app).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json["email"] == "ada@example.org"
    finally:
        app.registry["db_engine"].dispose()


def test_token_create_for_unknown_user(runner, initialized):
    result = run(runner, "token", "create", "nobody@example.org", "--db", initialized)
    assert "nobody@example.org" in _one_line_error(result, 1)
    assert result.stdout == ""


# --- bad databases ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "nonsense://x",
        "not a url at all",
        "sqlite:////nonexistent-directory/sub/x.sqlite",
        "postgresql://postgres@127.0.0.1:1/nothing",
    ],
)
@pytest.mark.parametrize("command", [["init"], ["user", "add", "a@example.org", "--name", "A"]])
def test_bad_database_url_is_one_line_exit_2(runner, url, command):
    result = run(runner, *command, "--db", url)
    line = _one_line_error(result, 2)
    assert "cannot open the database" in line


# --- the real console script ------------------------------------------------------------------


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "partnerstate"
    assert script.exists(), f"no console script at {script}"
    env = {k: v for k, v in os.environ.items() if k != "PARTNERSTATE_DATABASE_URL"}
    result = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=60, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    for command in ("init", "serve", "user", "token", "tally"):
        assert command in result.stdout


def test_subcommand_help(runner):
    for args in (
        ["init", "--help"],
        ["serve", "--help"],
        ["user", "add", "--help"],
        ["token", "create", "--help"],
    ):
        result = run(runner, *args)
        assert result.exit_code == 0, result.output
        assert "--db" in result.stdout


def test_unknown_subcommand_is_exit_2(runner):
    result = run(runner, "frobnicate")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("host", "link_host"),
    [
        ("0.0.0.0", "127.0.0.1"),  # noqa: S104 (the address serve may be given)
        ("::", "127.0.0.1"),
        ("localhost", "localhost"),
        ("10.1.2.3", "10.1.2.3"),
        ("::1", "[::1]"),
    ],
)
def test_serve_links_the_demo_charter_to_a_reachable_host(host, link_host):
    from partnerstate.cli.serve import _reachable

    assert _reachable(host) == link_host


def test_serve_builds_the_app_and_freezes_its_startup_objects(runner, db_url, monkeypatch):
    import gc

    import waitress

    served = {}

    def fake_serve(app, **options):
        # Frozen objects sit outside the collector's generations, which get_objects lists.
        tracked = {id(thing) for thing in gc.get_objects()}
        served.update(options, app=app, registry_frozen=id(app.registry) not in tracked)

    monkeypatch.setattr(waitress, "serve", fake_serve)
    try:
        result = run(runner, "serve", "--port", "7001", "--threads", "3", "--db", db_url)
    finally:
        gc.unfreeze()  # the test process goes on collecting as usual
    assert result.exit_code == 0, result.output
    assert (served["port"], served["threads"]) == (7001, 3)
    assert callable(served["app"])
    # A pooled connection for each request thread, none opened and closed per request.
    assert served["app"].registry["partnerstate.settings"].database_pool_size == 3
    # Full collections no longer walk the routes, mappers and templates built at startup.
    assert served["registry_frozen"]


@pytest.mark.parametrize(("flags", "worker_runs"), [([], True), (["--no-worker"], False)])
def test_serve_runs_the_worker_in_a_thread_unless_no_worker(
    runner, db_url, monkeypatch, flags, worker_runs
):
    import gc
    import threading

    import waitress

    seen = {}

    def fake_serve(app, **options):
        seen["threads"] = {thread.name for thread in threading.enumerate()}

    monkeypatch.setattr(waitress, "serve", fake_serve)
    try:
        result = run(runner, "serve", "--port", "7002", "--db", db_url, *flags)
    finally:
        gc.unfreeze()
    assert result.exit_code == 0, result.output
    assert ("partnerstate-worker" in seen["threads"]) is worker_runs
    # The thread ends with the server.
    assert "partnerstate-worker" not in {thread.name for thread in threading.enumerate()}


def test_worker_once_delivers_the_outbox_to_the_mail_folder(runner, db_url, tmp_path):
    from partnerstate.mail import outbox
    from partnerstate.settings import load_settings

    assert run(runner, "init", "--db", db_url).exit_code == 0
    engine = make_engine(db_url)
    session = make_session_factory(engine)()
    settings = load_settings({"partnerstate.database_url": db_url}, environ={})
    outbox.enqueue(
        session,
        settings,
        kind="password_reset",
        to="zoe@example.org",
        template="mail/password_reset.jinja2",
        locale="en",
        name="Zoe",
        link="http://x/1",
    )
    session.commit()
    session.close()
    engine.dispose()
    result = run(runner, "worker", "--once", "--db", db_url)
    assert result.exit_code == 0, result.output
    [written] = list((tmp_path / "mail").iterdir())
    assert "To: zoe@example.org" in written.read_text()


def test_serve_refuses_a_short_production_secret_saying_how_to_make_one(
    runner, db_url, monkeypatch
):
    import waitress

    monkeypatch.setattr(waitress, "serve", lambda app, **options: pytest.fail("served"))
    monkeypatch.setenv("PARTNERSTATE_ENV", "production")
    monkeypatch.setenv("PARTNERSTATE_SECRET", "too-short")
    monkeypatch.setenv("PARTNERSTATE_BASE_URL", "https://city.example")
    result = run(runner, "serve", "--db", db_url)
    assert result.exit_code != 0
    assert "PARTNERSTATE_SECRET is too short" in result.output
    assert "secrets.token_urlsafe" in result.output


def test_commands_link_to_the_base_url_else_where_serve_listens(db_url, monkeypatch):
    from partnerstate.cli.common import public_address

    monkeypatch.delenv("PARTNERSTATE_BASE_URL", raising=False)
    assert public_address(db_url) == "http://127.0.0.1:6543"
    assert public_address(db_url, "http://192.0.2.1:8080") == "http://192.0.2.1:8080"
    monkeypatch.setenv("PARTNERSTATE_BASE_URL", "https://participate.example.org/")
    assert public_address(db_url, "http://192.0.2.1:8080") == "https://participate.example.org"
