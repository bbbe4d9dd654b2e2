"""Obligations: the table with its filters and CSV export, the pages of the actors; with a clear
message while the graph records no obligation."""

from __future__ import annotations

import csv
import io

from aiact_kg.web.obligations import CSV_COLUMNS, select


def test_obligations_table_answers(client, store):
    page = client.get("/obligations").get_data(as_text=True)
    if not store.run("obligations", lang="en"):
        assert "does not record any obligation yet" in page
    else:
        assert "<table" in page


def test_csv_export_has_a_header(client):
    response = client.get("/obligations?format=csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == CSV_COLUMNS


def test_filters_are_checked(client):
    assert client.get("/obligations?date=2026-13-40").status_code == 400
    assert client.get("/obligations?article=sixteen").status_code == 400
    assert client.get("/obligations?format=pdf").status_code == 400
    assert client.get("/obligations?article=16&date=2026-08-02").status_code == 200


def test_unknown_actor_is_not_found(client):
    assert client.get("/actors/nobody-at-all").status_code == 404
    assert client.get("/actors").status_code == 200


def test_filters_select_by_role_tier_article_and_date():
    from datetime import date

    rows = [
        {"obligation": "o1", "addressees": {"https://w3id.org/aiact-kg/ontology#Provider": "provider"},
         "tiers": {"https://w3id.org/aiact-kg/ontology#HighRisk": "high-risk"}, "article": "art_16",
         "source": "art_16", "applicable_from": "2026-08-02", "label": "o1"},
        {"obligation": "o2", "addressees": {"https://w3id.org/aiact-kg/ontology#Deployer": "deployer"},
         "tiers": {}, "article": "art_26", "source": "art_26.par_1", "applicable_from": "2026-08-02", "label": "o2"},
    ]
    assert [r["obligation"] for r in select(rows, role="Provider")] == ["o1"]
    assert [r["obligation"] for r in select(rows, tier="HighRisk")] == ["o1"]
    assert [r["obligation"] for r in select(rows, article="art_26")] == ["o2"]
    assert select(rows, on=date(2025, 2, 2)) == []
    assert len(select(rows, on=date(2026, 8, 2))) == 2
