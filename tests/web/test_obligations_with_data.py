"""The pages of obligations, actors and dates with obligations in the graph: the built graph
and a hand-written sample in the model of the ontology of obligations (data/)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph
import pytest

SAMPLE = Path(__file__).parent / "data" / "obligations-sample.ttl"


@pytest.fixture(scope="module")
def client(graph_file, tmp_path_factory):
    from aiact_kg.store import EmbeddedStore
    from aiact_kg.web import create_app

    sample = tmp_path_factory.mktemp("obligations") / "sample.nt"
    sample.write_bytes(pyoxigraph.serialize(pyoxigraph.parse(path=str(SAMPLE), format=pyoxigraph.RdfFormat.TURTLE),
                                            format=pyoxigraph.RdfFormat.N_TRIPLES))
    app = create_app({"STORE": EmbeddedStore(files=[graph_file, sample]), "SPARQL_WORKERS": 0})
    return app.test_client()


def test_obligations_table_lists_them_with_addressee_provision_tier_and_date(client):
    page = client.get("/obligations").get_data(as_text=True)
    assert "2 of 2 obligations" in page
    assert 'href="/actors/Provider"' in page and 'href="/reg/2024/1689/art_16#art_16.pnt_a"' in page
    assert "high-risk AI system" in page and '<time datetime="2026-08-02">' in page


def test_obligations_filtered_by_role_and_by_date(client):
    assert "1 of 2 obligations" in client.get("/obligations?role=Deployer").get_data(as_text=True)
    assert "0 of 2 obligations" in client.get("/obligations?date=2025-01-01").get_data(as_text=True)
    assert "2 of 2 obligations" in client.get("/obligations?tier=HighRisk&date=2026-08-02").get_data(as_text=True)
    assert "1 of 2 obligations" in client.get("/obligations?article=26").get_data(as_text=True)


def test_obligations_as_csv(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/obligations?role=Provider&format=csv").get_data(as_text=True))))
    assert len(rows) == 1 and rows[0]["article"] == "art_16" and rows[0]["applicable_from"] == "2026-08-02"


def test_provider_page_groups_obligations_by_article(client):
    page = client.get("/actors/Provider").get_data(as_text=True)
    assert "<h1>provider</h1>" in page and 'href="/reg/2024/1689/art_16"' in page


def test_article_16_shows_its_obligation_and_when_it_applies(client):
    page = client.get("/reg/2024/1689/art_16").get_data(as_text=True)
    obligations = page[page.index('id="obligations-h"'):page.index('id="recitals-h"')]
    assert "Ensure compliance" in obligations and 'href="/actors/Provider"' in obligations
    applies = page[page.index('id="applies-h"'):page.index('id="obligations-h"')]
    assert '<time datetime="2026-08-02">' in applies


def test_home_and_timeline_show_the_application_date(client):
    assert "General date of application" in client.get("/").get_data(as_text=True)
    page = client.get("/timeline?date=2026-09-01").get_data(as_text=True)
    assert "General date of application (since" in page and "Use the system in accordance" in page
