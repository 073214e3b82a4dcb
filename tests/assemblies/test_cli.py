"""``partnerstate census import ASSEMBLY FILE``: all or nothing, one-line errors, exit 2.

The command commits in its own connection, so it runs against a database of its
own (a fresh SQLite file migrated by ``partnerstate init``), never the test
transaction's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from assemblies import services
from assemblies.models import Assembly, CensusEntry
from partnerstate.cli import main
from partnerstate.database import make_engine, make_session_factory


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin)


@pytest.fixture
def cli_db(tmp_path: Path):
    """A migrated database with one assembly; yields (url, assembly id)."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    result = run("init", "--db", url)
    assert result.exit_code == 0, result.output
    engine = make_engine(url)
    session = make_session_factory(engine)()
    assembly = services.create_assembly(session, "Assembly", "Lille", "en")
    session.commit()
    assembly_id = assembly.id
    session.close()
    yield url, assembly_id, engine
    engine.dispose()


def _entries(engine) -> int:
    with make_session_factory(engine)() as session:
        return session.scalar(select(func.count()).select_from(CensusEntry))


def write(tmp_path: Path, text: str, name: str = "census.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_with_progress_bar(tmp_path, cli_db):
    url, assembly_id, engine = cli_db
    lines = "".join(f"R-{n};59000\n" for n in range(1500))
    path = write(tmp_path, "identifier;postcode\n" + lines)
    result = run("census", "import", str(assembly_id), path, "--db", url)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"Imported 1500 residents into assembly {assembly_id} (0 already present)."
    )
    assert "Importing the census" in result.stderr
    assert _entries(engine) == 1500
    again = run("census", "import", str(assembly_id), path, "--db", url)
    assert "Imported 0 residents" in again.stdout and "1500 already present" in again.stdout
    with make_session_factory(engine)() as session:
        assert session.get(Assembly, assembly_id).census_key == "postcode"


def test_malformed_file_imports_nothing(tmp_path, cli_db):
    url, assembly_id, engine = cli_db
    path = write(tmp_path, "identifier,postcode\nA,59000\nB,59000,extra\nC,\nD,59000\n")
    result = run("census", "import", str(assembly_id), path, "--db", url)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: {path}: line 3: expected 2 values, found 3")
    assert "1 more malformed line: 4" in lines[0] and "nothing imported" in lines[0]
    assert "Traceback" not in result.output
    assert _entries(engine) == 0


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "line 1: the file is empty"),
        ("name,postcode\nA,1\n", 'line 1: unknown column "name"'),
        ("identifier,date_of_birth\nA,31/02/1990\n", "is not a date of birth"),
    ],
)
def test_other_malformed_files(tmp_path, cli_db, text, fragment):
    url, assembly_id, engine = cli_db
    result = run("census", "import", str(assembly_id), write(tmp_path, text), "--db", url)
    assert result.exit_code == 2 and fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _entries(engine) == 0


def test_another_kind_of_census_is_refused_unless_replaced(tmp_path, cli_db):
    url, assembly_id, engine = cli_db
    run("census", "import", str(assembly_id), write(tmp_path, "identifier,postcode\nA,59000\n"),
        "--db", url)  # fmt: skip
    dob = write(tmp_path, "identifier,date_of_birth\nA,1980-01-01\nB,1981-01-01\n", "dob.csv")
    refused = run("census", "import", str(assembly_id), dob, "--db", url)
    assert refused.exit_code == 2
    # In words, not column names ("postcode", "date_of_birth").
    assert "pairs identifiers with postcodes; the file has dates of birth" in refused.stderr
    assert _entries(engine) == 1
    replaced = run("census", "import", str(assembly_id), dob, "--db", url, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert "1 unused entries deleted" in replaced.stdout
    assert _entries(engine) == 2


def test_standard_input(cli_db):
    url, assembly_id, engine = cli_db
    result = run("census", "import", str(assembly_id), "-", "--db", url,
                 stdin="identifier,postcode\nA,59000\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _entries(engine) == 1


def test_unknown_assembly_or_file(tmp_path, cli_db):
    url, _assembly_id, engine = cli_db
    path = write(tmp_path, "identifier,postcode\nA,59000\n")
    result = run("census", "import", "999", path, "--db", url)
    assert result.exit_code == 2 and "no assembly number 999" in result.stderr
    missing = run("census", "import", "1", str(tmp_path / "nope.csv"), "--db", url)
    assert missing.exit_code == 2 and "cannot read" in missing.stderr
    assert _entries(engine) == 0


def test_listed_among_the_commands():
    result = run("--help")
    assert "census" in result.stdout
    assert "identifier, and postcode" in run("census", "import", "--help").stdout
