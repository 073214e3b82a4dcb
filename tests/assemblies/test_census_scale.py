"""A census of a million does not make verifying one resident slower.

Time is measured in benchmarks/census_import.py; here the shape of the work is
checked: the verification page and the check read the census through its index,
never count or scan it.
"""

from __future__ import annotations

from sqlalchemy import event, text

from assemblies import census, services
from tests.assemblies.helpers import make_cast
from tests.conftest import csrf_token, log_in

CENSUS = "identifier,postcode\n" + "\n".join(f"R-{n},59000" for n in range(200))


def _statements(engine):
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    return seen, lambda: event.remove(engine, "before_cursor_execute", record)


def test_the_verification_page_and_check_never_count_the_census(app, db, engine, official):
    cast = make_cast(db, official, requires_verification=True, name="Verified assembly")
    services.import_census(db, cast.assembly, census.parse_census(CENSUS))
    db.commit()
    url = f"/assemblies/{cast.assembly.id}/verify"
    log_in(app, cast.member.email)
    token = csrf_token(app, "/profile")
    seen, stop = _statements(engine)
    try:
        page = app.get(url)
        app.post(url, {"csrf_token": token, "identifier": "r-150", "postcode": "59000"})
    finally:
        stop()
    assert "Identifier on the census" in page.text
    assert services.is_verified(db, cast.assembly.id, cast.member.id)
    census_reads = [s for s in seen if "FROM assembly_census_entries" in s]
    assert census_reads
    for statement in census_reads:
        assert "count(" not in statement.lower(), statement
        assert "assembly_census_entries.digest = " in statement or "LIMIT" in statement


def test_the_census_lookup_uses_the_index(db, official):
    cast = make_cast(db, official, requires_verification=True, name="Verified assembly")
    services.import_census(db, cast.assembly, census.parse_census(CENSUS))
    db.flush()
    lookup = (
        "SELECT id FROM assembly_census_entries WHERE assembly_id = :assembly AND digest = :digest"
    )
    values = {"assembly": cast.assembly.id, "digest": "0" * 64}
    if db.bind.dialect.name == "sqlite":
        plan = db.execute(text("EXPLAIN QUERY PLAN " + lookup), values).all()
        detail = " ".join(str(row[-1]) for row in plan)
        assert "USING" in detail and "INDEX" in detail, detail
    else:
        # A table this small may be read whole; forbid that to see the index is usable.
        db.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(row[0] for row in db.execute(text("EXPLAIN " + lookup), values))
        assert "Index" in plan, plan
