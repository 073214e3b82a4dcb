"""The map's GeoJSON is cached by clients: ETag, Last-Modified and a 304 on a repeat."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from urllib.parse import urlsplit

import webtest
from sqlalchemy import event

from partnerstate.commons import services
from tests.partnerstate.commons.helpers import published

GEOJSON = "/api/v1/commons.geojson"


def _garden(db, member, official, name="Fives garden", lat=50.63):
    return published(db, member, official, name=name, lat=lat, lon=3.08)


def test_a_repeat_with_the_etag_is_a_304_without_reading_the_records(
    app, db, engine, member, official
):
    _garden(db, member, official)
    first = app.get(GEOJSON)
    assert first.status_int == 200
    assert first.etag and first.last_modified is not None
    assert "no-cache" in first.headers["Cache-Control"]
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        again = app.get(GEOJSON, headers={"If-None-Match": f'"{first.etag}"'}, status=304)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert again.body == b""
    assert again.etag == first.etag
    # One small query (count and latest change), not the features.
    reads = [s for s in statements if "FROM commons" in s]
    assert len(reads) == 1 and reads[0].startswith("SELECT count(*)")


def test_if_modified_since_gives_a_304_until_a_record_changes(app, db, member, official):
    garden = _garden(db, member, official)
    first = app.get(GEOJSON)
    since = first.headers["Last-Modified"]
    app.get(GEOJSON, headers={"If-Modified-Since": since}, status=304)
    services.update(db, garden, official, {"name": "Fives shared garden"}, "en")
    garden.updated_at += dt.timedelta(seconds=2)  # HTTP dates count whole seconds
    db.commit()
    changed = app.get(GEOJSON, headers={"If-Modified-Since": since}, status=200)
    assert changed.json["features"][0]["properties"]["name"] == "Fives shared garden"


def test_the_etag_changes_with_the_records_the_filters_and_the_language(app, db, member, official):
    garden = _garden(db, member, official)
    etag = app.get(GEOJSON).etag
    assert app.get(GEOJSON).etag == etag  # stable while nothing changes
    assert app.get(GEOJSON + "?category=food").etag != etag
    assert app.get(GEOJSON + "?_LOCALE_=fr").etag != etag
    _garden(db, member, official, name="Wazemmes garden", lat=50.62)
    added = app.get(GEOJSON, headers={"If-None-Match": f'"{etag}"'}, status=200)
    assert len(added.json["features"]) == 2
    services.archive(db, garden, official, "Closed for good.")
    db.commit()
    archived = app.get(GEOJSON, headers={"If-None-Match": f'"{added.etag}"'}, status=200)
    assert len(archived.json["features"]) == 1


def test_the_register_map_clusters_markers_with_assets_served_by_the_app(app, db, member, official):
    _garden(db, member, official)
    page = app.get("/commons")
    html = page.text
    assert "leaflet.markercluster.js" in html and "MarkerCluster.Default.css" in html
    links = re.findall(r'(?:href|src)="([^"]+)"', html)
    for asset in ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"):
        url = next(link for link in links if link.endswith("/" + asset))
        assert urlsplit(url).netloc == "localhost"  # ours, not a CDN's
        assert app.get(urlsplit(url).path).status_int == 200
    # Served by us: the Content-Security-Policy allows only our own scripts.
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_the_csv_is_streamed_a_chunk_at_a_time_in_the_register_order(
    app, db, member, official, monkeypatch
):
    from partnerstate.commons import views

    monkeypatch.setattr(views, "CSV_CHUNK", 2)
    names = ["Delta garden", "Alpha garden", "Echo garden", "Charlie garden", "Bravo garden"]
    for n, name in enumerate(names):
        _garden(db, member, official, name=name, lat=50.6 + n / 100)
    response = app.get("/commons.csv?sort=name")
    # The header, then one piece per chunk of two records: not one body built whole.
    assert response.app_iter is not None
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["name_en"] for row in rows] == sorted(names)
    raw = app.app(
        {**app.extra_environ, **webtest.TestRequest.blank("/commons.csv").environ},
        lambda status, headers, exc_info=None: None,
    )
    try:
        pieces = list(raw)
    finally:
        getattr(raw, "close", lambda: None)()
    assert len(pieces) == 1 + 3  # header, then chunks of 2, 2 and 1


def test_the_register_counts_rows_so_postgresql_can_read_an_index_alone(db, engine):
    # count(id) makes PostgreSQL fetch every record for its id (no status index holds
    # it): 10 ms for 10,000 commons on the register, 21 ms for the map's 304.
    statements = []

    def record(conn, cursor, statement, *args):
        if "count" in statement:  # not the test's savepoints
            statements.append(" ".join(statement.lower().split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        services.count(db, services.RegisterQuery())
        services.version(db, services.RegisterQuery(mappable=True))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 2
    assert all(statement.startswith("select count(*)") for statement in statements), statements


def test_a_first_visit_reuses_the_body_while_the_register_is_unchanged(
    app, db, engine, member, official
):
    from partnerstate.commons import api

    api._GEOJSON_BODIES.bodies.clear()
    garden = _garden(db, member, official)
    first = app.get(GEOJSON)
    statements = []

    def record(conn, cursor, statement, *args):
        if "count" in statement or "commons.latitude," in statement:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        again = app.get(GEOJSON)  # another visitor: no ETag to send
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert again.body == first.body and again.etag == first.etag
    assert len(statements) == 1 and statements[0].startswith("SELECT count(*)")
    # A change makes another version: the new body, never the one kept.
    services.update(db, garden, official, {"name": {"en": "Fives orchard"}}, "en")
    db.flush()
    changed = app.get(GEOJSON)
    assert changed.etag != first.etag and "Fives orchard" in changed.text
    assert (
        app.get(GEOJSON, extra_environ={"HTTP_HOST": "elsewhere.example"}).text.count(
            "http://elsewhere.example/commons/"
        )
        == 1
    )
