"""While the database is unreachable every route answers 503, and all recovers without a restart.

For real: on PostgreSQL the app reaches the server through a TCP relay that the test
cuts and restores; on SQLite the app starts before its database file exists.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import webtest
from sqlalchemy import make_url
from sqlalchemy.orm import Session

from partnerstate import main, migrate
from partnerstate.database import make_engine
from tests import factories
from tests.conftest import app_settings

# Pages and API calls that need the database (an anonymous home page or a stylesheet does not).
PAGES = ["/commons", "/commons/1", "/partnerships", "/assemblies/1", "/votes/1"]
API_CALLS = ["/api/v1/commons", "/api/v1/partnerships/1", "/api/v1/assemblies"]


class Relay:
    """A TCP relay to the database server that can stop answering and come back."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and cut the open ones, as a server that went away."""
        with self._lock:
            sockets, self._open = self._open, []
            if self._listener is not None:
                sockets.append(self._listener)
                self._listener = None
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)


def _seed_token(url: str) -> tuple[str, Any]:
    """A committed user with a token (the app's own connections see no test transaction)."""
    engine = make_engine(url)
    with Session(engine) as db:
        user = factories.make_user(db, email="outage@example.org", name="Olive Outage")
        token = factories.make_token(db, user)
        db.commit()
        user_id = user.id
    return token, lambda: _delete_user(engine, user_id)


def _delete_user(engine: Any, user_id: int) -> None:
    from partnerstate.models import User

    with Session(engine) as db:
        db.delete(db.get(User, user_id))
        db.commit()
    engine.dispose()


def _assert_unavailable(client: webtest.TestApp, token: str) -> None:
    for path in PAGES:
        page = client.get(path, status=503)
        assert page.content_type == "text/html", path
        assert "<h1>Temporarily unavailable</h1>" in page.text, path
        assert page.headers["Retry-After"]
    french = client.get("/commons?_LOCALE_=fr", status=503)
    assert '<html lang="fr" dir="ltr">' in french.text
    for path in API_CALLS:
        error = client.get(path, status=503).json["error"]
        assert error["code"] == "unavailable", path
    # Signed in: it was a plain-text 500 (the error view looked the user up again).
    for headers in ({"Authorization": f"Bearer {token}"},):
        response = client.get("/api/v1/me", headers=headers, status=503)
        assert response.json["error"]["code"] == "unavailable"
        response = client.post_json("/api/v1/commons", {"name": "x"}, headers=headers, status=503)
        assert response.json["error"]["code"] == "unavailable"
    client.get("/healthz", status=503)
    # Once the app has met the outage, pages that need no query answer 503 too…
    for path in ("/", "/login"):
        assert "<h1>Temporarily unavailable</h1>" in client.get(path, status=503).text, path
    # …but not the stylesheet the error page itself uses.
    assert client.get("/static/site.css").status_int == 200


def _assert_available(client: webtest.TestApp, token: str) -> None:
    assert client.get("/").status_int == 200
    assert client.get("/commons").status_int == 200
    assert client.get("/api/v1/commons").status_int == 200
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json["email"] == "outage@example.org"
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}


@pytest.fixture
def relay(database_url: str, engine: Any) -> Iterator[tuple[Relay, str]]:
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        pytest.skip("the relay stands between the app and a PostgreSQL server")
    relay = Relay(url.host or "127.0.0.1", url.port or 5432)
    relay.start()
    relayed = url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    yield relay, relayed
    relay.stop()


def test_postgresql_going_away_is_503_everywhere_then_recovers(relay, caplog):
    relay, relayed_url = relay
    token, cleanup = _seed_token(relayed_url)
    wsgi = main({}, **app_settings(relayed_url))
    client = webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})
    try:
        _assert_available(client, token)  # the pool now holds live connections
        relay.stop()
        _assert_unavailable(client, token)
        assert "database unreachable on /commons" in caplog.text
        relay.start()
        _assert_available(client, token)  # the same app, not restarted
    finally:
        wsgi.registry["db_engine"].dispose()
        cleanup()


def test_sqlite_file_missing_is_503_everywhere_then_recovers(tmp_path):
    folder = tmp_path / "volume"
    url = f"sqlite:///{folder / 'partnerstate.sqlite'}"
    # The folder is not there yet (a volume not mounted): the file cannot be opened.
    wsgi = main({}, **app_settings(url))
    client = webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})
    try:
        _assert_unavailable(client, "no-such-token")
        folder.mkdir()
        migrate.upgrade(make_engine(url))
        token, cleanup = _seed_token(url)
        _assert_available(client, token)
        cleanup()
    finally:
        wsgi.registry["db_engine"].dispose()
