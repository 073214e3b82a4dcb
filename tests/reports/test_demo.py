"""The demo city has a charter: adopted by vote, issued in French, signed by the city."""

from __future__ import annotations

from sqlalchemy import func, select

from partnerstate import demo
from reports.models import Charter
from tests.reports import pdfs


def test_the_demo_charter_is_seeded_once(db):
    assert demo.SEEDERS[-1] == "reports.demo:seed"
    demo.seed(db)
    demo.seed(db)
    charters = list(db.scalars(select(Charter)))
    assert len(charters) == 1
    charter = charters[0]
    assert charter.locale == "fr"
    assert charter.status == "awaiting_signatures"
    assert [s.party for s in charter.signatures] == ["city"]
    assert db.scalar(select(func.count(Charter.id))) == 1
    from reports import services

    text = pdfs.text(services.current_pdf(db, charter))
    assert "Bibliothèque d'objets de Moulins" in text
    assert "Ville de Lille" in text
    # The demo shows Markdown printed as Markdown: emphasis, a list, a link's address.
    assert "**" not in text
    assert "à toutes et tous." in text
    assert "1. des objets à acheter" in text
    assert "la page de la bibliothèque (https://laremise.example)" in text
    winner = charter.content["decision"]["winner"]["label"]
    assert winner == "Pacte pour la bibliothèque d'objets de Moulins"
