"""Each normative statement has a readable page; the four kinds are counted apart; an actor's
page lists what binds that actor as such, by chapter, each with its date."""

from __future__ import annotations

import csv
import io
import re

STATEMENT = "/reg/2024/1689/obligation/"


def _kinds(store) -> dict[str, int]:
    rows = store.select("""PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
        SELECT ?kind (COUNT(DISTINCT ?s) AS ?n) WHERE {
          VALUES ?kind { aiact:Obligation aiact:Prohibition aiact:Permission aiact:Exemption }
          ?s a aiact:NormativeStatement, ?kind } GROUP BY ?kind""")
    return {r["kind"].value.rsplit("#", 1)[1]: int(r["n"].value) for r in rows}


def _section(page: str, start: str, end: str) -> str:
    return page[page.index(start):page.index(end, page.index(start))]


def test_the_risk_management_obligation_has_a_page_saying_who_what_when_where_and_how(client):
    response = client.get(STATEMENT + "art_9.par_1")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True).replace("\u00a0", " ")
    assert "<h1>Establish, implement, document and maintain a risk management system</h1>" in page
    facts = _section(page, '<dl class="statement-facts">', "</dl>")
    assert '<span class="kind kind-obligation">Obligation</span>' in page
    assert '<a href="/actors/Provider">provider</a>' in facts
    assert "high-risk AI system" in facts and '<time datetime="2026-08-02">' in facts
    assert "General date of application" in facts and "Article 113, second subparagraph" in facts
    assert '<a href="/reg/2024/1689/art_9#art_9.par_1">Article 9(1)</a>' in facts
    assert "risk management system</a>: " in facts and "RiskManagementSystemShape" in facts
    words = _section(page, 'id="words-h"', "</section>")
    assert "A risk management system shall be established, implemented, documented and maintained" in words
    assert "in relation to high-risk" in words  # the whole paragraph, not only the excerpt


def test_a_prohibition_page_names_the_fines_that_sanction_it_in_french(client):
    page = client.get(STATEMENT + "art_5.par_1.pnt_a?lang=fr").get_data(as_text=True)
    assert '<span class="kind kind-prohibition">Interdiction</span>' in page
    assert '<a href="/actors/Operator?lang=fr">opérateur</a>' in page
    assert "/reg/2024/1689/penalty/art_99.par_3" in page and "Article 99, paragraphe 3" in page
    assert "techniques subliminales" in page  # the provision's French words


def test_a_statement_page_quotes_its_shape_s_message_in_the_page_s_language(client):
    french = client.get("/fr" + STATEMENT + "art_9.par_1").get_data(as_text=True)
    assert ('<q lang="fr">La description ne fait apparaître aucun système de gestion des risques pour ce système '
            "d’IA à haut risque.") in french
    english = client.get("/en" + STATEMENT + "art_9.par_1").get_data(as_text=True)
    assert '<q lang="en">The description shows no risk management system for this high-risk AI system.' in english
    assert "La description" not in english



def test_what_satisfies_a_statement_is_defined_in_the_page_s_language(client):
    french = client.get("/fr" + STATEMENT + "art_9.par_1").get_data(as_text=True)
    facts = _section(french, '<dl class="statement-facts">', "</dl>")
    assert ('<span lang="fr">Un processus itératif continu, planifié et se déroulant sur l’ensemble du cycle de vie '
            "d’un système d’IA à haut risque") in facts
    assert "(article 9)" in facts and 'lang="en">A continuous iterative process' not in french
    english = client.get("/en" + STATEMENT + "art_9.par_1").get_data(as_text=True)
    assert '<span lang="en">A continuous iterative process, planned and run throughout' in english

def test_every_statement_page_answers(client, store):
    statements = {row["obligation"].value for row in store.run("obligations", lang="en")}
    for iri in sorted(statements)[::17]:
        path = iri.split("/reg/2024/1689/", 1)[1]
        response = client.get(f"/reg/2024/1689/{path}")
        assert response.status_code == 200, iri
        assert 'class="statement-facts"' in response.get_data(as_text=True), iri


def test_every_statement_a_shape_checks_names_that_shape_on_its_page(client, store):
    """shape-coverage: a statement is checked by a shape that names it, or by the shape of the
    same evidence (the measure that satisfies it); its page names that shape either way."""
    shapes: dict[str, set[str]] = {}
    for row in store.run("shape-coverage"):
        shape = row.get("shape") or row.get("sharedShape")
        if shape is not None:
            shapes.setdefault(row["statement"].value, set()).add(shape.value.rsplit("#", 1)[-1])
    assert len(shapes) > 150
    unnamed = []
    for iri, names in sorted(shapes.items()):
        page = client.get("/reg/2024/1689/" + iri.split("/reg/2024/1689/", 1)[1]).get_data(as_text=True)
        checks = _section(page, "Which shape checks it", "</dd>")
        if "No validation shape checks it." in checks or not any(f"#{name}\"" in checks for name in names):
            unnamed.append(iri)
    assert unnamed == []


def test_a_statement_page_still_gives_rdf_to_rdf_clients(client):
    response = client.get(STATEMENT + "art_9.par_1", headers={"Accept": "text/turtle"})
    assert response.mimetype == "text/turtle" and b"Obligation" in response.data


def test_the_table_counts_each_kind_apart(client, store):
    kinds = _kinds(store)
    assert set(kinds) == {"Obligation", "Prohibition", "Permission", "Exemption"} and all(kinds.values())
    page = client.get("/obligations").get_data(as_text=True)
    status = _section(page, 'class="count"', "</p>")
    for kind, word in (("Obligation", "obligations"), ("Prohibition", "prohibitions"),
                       ("Permission", "permissions"), ("Exemption", "exemptions")):
        assert f"{kinds[kind]} {word}" in status
    assert f"{sum(kinds.values())} obligations" not in status


def test_the_kind_filter_selects_one_kind_and_keeps_the_others(client, store):
    kinds = _kinds(store)
    rows = list(csv.DictReader(io.StringIO(client.get("/obligations?kind=Prohibition&format=csv").get_data(as_text=True))))
    assert len(rows) == kinds["Prohibition"] and {r["kind"] for r in rows} == {"Prohibition"}
    page = client.get("/obligations?role=Deployer").get_data(as_text=True)
    assert 'href="?role=Deployer&amp;kind=Exemption"' in page
    assert client.get("/obligations?kind=Duty").status_code == 400


def test_the_table_and_its_csv_list_statements_in_the_acts_order(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/obligations?format=csv").get_data(as_text=True))))
    articles = [int(r["article"].split("_")[1]) for r in rows if r["article"]]
    assert articles == sorted(articles)
    page = client.get("/obligations").get_data(as_text=True)
    assert page.index("/obligation/art_4") < page.index("/obligation/art_10.par_1")
    paragraphs = [int(r["source"].split(".")[1].split("_")[1]) for r in rows
                  if r["article"] == "art_26" and r["source"].startswith("art_26.par_")]
    assert paragraphs == sorted(paragraphs) and paragraphs[0] < 10 < paragraphs[-1]


def test_the_gpai_model_provider_is_not_bound_by_the_duties_of_high_risk_providers(client):
    page = client.get("/actors/GPAIModelProvider").get_data(as_text=True)
    assert "/obligation/art_53.par_1.pnt_a" in page and "/obligation/art_55.par_1.pnt_a" in page
    assert "/obligation/art_16." not in page and "/obligation/art_9.par_1" not in page
    assert "/obligation/art_5.par_1" not in page
    count = int(re.search(r'role="status">(\d+) normative statement', page).group(1))
    assert count < 40


def test_an_actor_page_groups_what_binds_it_by_chapter_with_dates(client):
    page = client.get("/actors/Provider").get_data(as_text=True)
    chapters = re.findall(r'<h2 id="group-(cpt_[IVX]+)">', page)
    assert chapters[:2] == ["cpt_I", "cpt_II"] and "cpt_III" in chapters
    chapter_iii = _section(page, 'id="group-cpt_III"', "</section>")
    assert "/obligation/art_16.pnt_a" in chapter_iii and 'applies from <time datetime="2026-08-02">' in chapter_iii
    chapter_ii = _section(page, 'id="group-cpt_II"', "</section>")
    assert "/obligation/art_5.par_1.pnt_a" in chapter_ii and '<time datetime="2025-02-02">' in chapter_ii


def test_a_deployer_is_bound_by_the_prohibitions_every_operator_is(client):
    page = client.get("/actors/Deployer").get_data(as_text=True)
    assert "/obligation/art_5.par_1.pnt_a" in page and "/obligation/art_26.par_1" in page
    assert "/obligation/art_16.pnt_a" not in page


def test_an_article_page_counts_the_kinds_of_what_it_creates(client):
    page = client.get("/reg/2024/1689/art_5").get_data(as_text=True)
    panel = _section(page, 'id="obligations-h"', "</section>")
    assert re.search(r"\d+ prohibitions", panel) and re.search(r"\d+ exemptions?", panel)
    assert '<span class="kind kind-prohibition">prohibition</span>' in panel
