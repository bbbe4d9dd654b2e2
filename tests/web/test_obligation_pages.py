"""Obligations on the pages: the table with its filters and CSV export, the actors, the article
pages and the timeline, over the curated statements of the built graph."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from aiact_kg.web.obligations import CSV_COLUMNS, select


def _csv(client, **filters) -> list[dict]:
    response = client.get("/obligations", query_string={**filters, "format": "csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _statements(store) -> set[str]:
    return {row["obligation"].value for row in store.run("obligations", lang="en")}


def test_the_table_lists_every_normative_statement_of_the_graph(client, store):
    total = len(_statements(store))
    assert total > 100
    page = client.get("/obligations").get_data(as_text=True)
    assert f"{total} of {total}" in page and "<table" in page
    assert {row["obligation"] for row in _csv(client)} == _statements(store)


def test_csv_export_has_the_documented_columns(client):
    response = client.get("/obligations?format=csv")
    assert tuple(next(csv.reader(io.StringIO(response.get_data(as_text=True))))) == CSV_COLUMNS


def test_article_16_gives_the_provider_twelve_obligations_from_2_august_2026(client):
    rows = _csv(client, role="Provider", article="16")
    assert sorted(row["source"] for row in rows) == [f"art_16.pnt_{letter}" for letter in "abcdefghijkl"]
    assert {row["applicable_from"] for row in rows} == {"2026-08-02"}


def test_nothing_applies_before_2_february_2025(client, store):
    total = len(_statements(store))
    assert f"0 of {total}" in client.get("/obligations?date=2025-02-01").get_data(as_text=True)


def test_on_2_february_2025_only_chapters_i_and_ii_apply(client):
    rows = _csv(client, date="2025-02-02")
    assert {row["article"] for row in rows} == {"art_4", "art_5"}


def test_prohibited_tier_is_article_5(client):
    rows = _csv(client, tier="ProhibitedRisk")
    assert len(rows) >= 8 and {row["article"] for row in rows} == {"art_5"}


def test_the_prohibitions_addressed_to_every_operator_bind_a_provider(client):
    rows = _csv(client, role="Provider")
    prohibitions = [row for row in rows if re.fullmatch(r"art_5\.par_1\.pnt_[a-h]", row["source"])]
    assert len({row["source"] for row in prohibitions}) == 8
    assert all("Operator" in row["addressee"] for row in prohibitions)


def test_provider_page_groups_its_obligations_by_article(client):
    page = client.get("/actors/Provider").get_data(as_text=True)
    assert 'href="/reg/2024/1689/art_16"' in page and 'href="/reg/2024/1689/art_5"' in page
    assert "/actors/Provider" in client.get("/actors").get_data(as_text=True)


def test_article_16_page_shows_its_obligations_and_when_they_apply(client):
    page = client.get("/reg/2024/1689/art_16").get_data(as_text=True)
    obligations = page[page.index('id="obligations-h"'):page.index('id="recitals-h"')]
    assert obligations.count("<li>") >= 12 and 'href="/actors/Provider"' in obligations
    assert '<time datetime="2026-08-02">' in obligations


def test_a_provision_that_creates_no_obligation_says_so(client):
    page = client.get("/reg/2024/1689/art_1").get_data(as_text=True)
    section = page[page.index('id="obligations-h"'):page.index('id="recitals-h"')]
    assert "No obligation created by this provision is recorded" in section


def test_timeline_lists_what_applies_on_a_date(client):
    page = client.get("/timeline?date=2025-03-01").get_data(as_text=True)
    assert "Chapters I and II apply" in page and "art_16.pnt_a" not in page and "art_5.par_1.pnt_a" in page
    later = client.get("/timeline?date=2026-09-01").get_data(as_text=True)
    assert "General date of application (since" in later and "art_16.pnt_a" in later


def test_filters_are_checked(client):
    assert client.get("/obligations?date=2026-13-40").status_code == 400
    assert client.get("/obligations?article=sixteen").status_code == 400
    assert client.get("/obligations?format=pdf").status_code == 400
    assert client.get("/obligations?article=16&date=2026-08-02").status_code == 200


def test_unknown_actor_is_not_found(client):
    assert client.get("/actors/nobody-at-all").status_code == 404


def test_filters_select_by_role_tier_article_and_date():
    rows = [
        {"obligation": "o1", "addressees": {"https://w3id.org/aiact-kg/ontology#Provider": "provider"},
         "tiers": {"https://w3id.org/aiact-kg/ontology#HighRisk": "high-risk"}, "article": "art_16",
         "source": "art_16", "applicable_from": "2026-08-02", "label": "o1"},
        {"obligation": "o2", "addressees": {"https://w3id.org/aiact-kg/ontology#Operator": "operator"},
         "tiers": {}, "article": "art_5", "source": "art_5.par_1.pnt_a", "applicable_from": "2025-02-02", "label": "o2"},
    ]
    assert [r["obligation"] for r in select(rows, role="Provider")] == ["o1"]
    roles = {"Provider": {"label": "provider", "within": {"Provider", "Operator"}}}
    assert [r["obligation"] for r in select(rows, role="Provider", roles=roles)] == ["o1", "o2"]
    assert [r["obligation"] for r in select(rows, tier="HighRisk")] == ["o1"]
    assert [r["obligation"] for r in select(rows, article="art_5")] == ["o2"]
    assert [r["obligation"] for r in select(rows, on=date(2025, 2, 2))] == ["o2"]
    assert len(select(rows, on=date(2026, 8, 2))) == 2
