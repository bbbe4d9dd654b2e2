"""Each article page says what the graph models of it; the coverage page lists the gaps."""

from __future__ import annotations

import re

from aiact_kg import coverage


def _panel(page: str) -> str:
    return page[page.index('id="model-h"'):page.index("</section>", page.index('id="model-h"'))]


def test_article_52_says_nothing_is_drawn_from_it_and_names_its_paragraphs(client):
    panel = _panel(client.get("/reg/2024/1689/art_52").get_data(as_text=True))
    assert "No normative statement, class, definition, fine or date is drawn from it." in panel
    assert "0 of its 6 provisions" in panel
    assert all(f'href="#art_52.par_{n}"' in panel for n in range(1, 7))


def test_article_16_says_what_is_drawn_from_it_and_has_no_gap(client):
    panel = _panel(client.get("/reg/2024/1689/art_16").get_data(as_text=True))
    assert "Drawn from it: 12 obligations" in panel and "12 of its 12 provisions" in panel
    assert "Nothing is drawn from" not in panel


def test_article_6_lists_the_classes_and_shapes_that_model_it(client):
    panel = _panel(client.get("/reg/2024/1689/art_6").get_data(as_text=True))
    assert 'href="/ontology#AnnexIHighRiskAISystem"' in panel and "AnnexIIIRouteRules" in panel


def test_a_french_article_page_names_the_shapes_that_model_it_in_french(client):
    panel = _panel(client.get("/fr/reg/2024/1689/art_9").get_data(as_text=True))
    assert ">Système de gestion des risques (article 9)</a>" in panel
    assert "Risk management system" not in panel
    english = _panel(client.get("/en/reg/2024/1689/art_9").get_data(as_text=True))
    assert ">Risk management system (Article 9)</a>" in english


def test_article_3_is_modelled_by_its_68_definitions(client):
    panel = _panel(client.get("/reg/2024/1689/art_3").get_data(as_text=True))
    assert "68 definitions" in panel


def test_the_coverage_page_lists_the_articles_nothing_is_drawn_from(client, store):
    page = client.get("/coverage").get_data(as_text=True)
    unmodelled = page[page.index('id="unmodelled-h"'):page.index("</section>", page.index('id="unmodelled-h"'))]
    listed = set(re.findall(r'href="#(art_\d+)"', unmodelled))
    assert {"art_52", "art_60", "art_31", "art_33", "art_34"} <= listed  # notified bodies, Articles 52 and 60
    assert not listed & {"art_4", "art_16", "art_26", "art_50"}
    rows = re.findall(r'<tr id="(art_\d+)"', page)
    assert rows == [f"art_{n}" for n in range(1, 114)]
    gaps = sum(len(c.gaps) for c in coverage.act_coverage(store))
    assert f"; {gaps} gaps." in page


def test_a_gap_is_a_provision_with_normative_wording_and_nothing_drawn_from_it(store):
    articles = {c.id: c for c in coverage.act_coverage(store)}
    assert articles["art_1"].normative == []  # subject matter: no "shall" of its own
    assert "art_5.par_8" in articles["art_5"].gaps  # left unencoded on purpose (it keeps other law intact)
    assert "art_5.par_1" not in articles["art_5"].gaps
    assert articles["art_99"].drawn.get("FineCeiling", 0) >= 5


def test_the_coverage_page_in_french(client):
    page = client.get("/coverage?lang=fr").get_data(as_text=True)
    assert "Article 52" in page and "Procédure" in page
