"""The text as a graph: IRIs, ELI vocabulary, both languages, definitions, recitals."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from aiact_kg import queries
from aiact_kg.store import QueryShape
from iris import ACT, provision

DATA = Path(__file__).parent / "data"


def one(store, text, **bindings):
    rows = store.select(text, bindings)
    assert len(rows) == 1, rows
    return rows[0]


def test_the_act_is_an_eli_legal_resource_same_as_the_official_journal_eli(store):
    row = one(store, """
        PREFIX eli: <http://data.europa.eu/eli/ontology#>
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?act ?doc ?pub ?force WHERE {
          ?act a eli:LegalResource ; owl:sameAs <http://data.europa.eu/eli/reg/2024/1689/oj> ;
               eli:date_document ?doc ; eli:date_publication ?pub ; eli:first_date_entry_in_force ?force }""")
    assert row["act"] == NamedNode(ACT)
    assert (row["doc"].value, row["pub"].value, row["force"].value) == ("2024-06-13", "2024-07-12", "2024-08-01")


@pytest.mark.parametrize("kind, count", [
    ("Recital", 180), ("Chapter", 13), ("Section", 16), ("Article", 113), ("Paragraph", 500), ("Annex", 13),
])
def test_the_graph_counts_each_kind_of_subdivision(store, kind, count):
    rows = {r["kind"].value.rsplit("#", 1)[1]: int(r["count"].value) for r in store.run("subdivision-counts")}
    assert rows[kind] == count


@pytest.mark.parametrize("local_id", [
    "rct_12", "cpt_III", "cpt_III.sct_2", "art_5", "art_5.par_1", "art_5.par_1.pnt_a",
    "art_5.par_1.pnt_c.pnt_ii", "art_3.pnt_4", "art_16.pnt_c", "anx_III", "anx_III.pnt_1",
    "anx_III.pnt_1.pnt_a", "anx_I.sct_A",
])
def test_the_iris_of_the_issue_exist(store, local_id):
    assert store.ask("ASK { ?s a <http://data.europa.eu/eli/ontology#LegalResourceSubdivision> }", {"s": provision(local_id)})


def test_the_structure_is_linked_both_ways(store):
    assert store.ask("""PREFIX eli: <http://data.europa.eu/eli/ontology#>
        ASK { ?p eli:is_part_of ?s . ?s eli:has_part ?p . ?s eli:is_part_of ?c }""",
        {"p": provision("art_9"), "s": provision("cpt_III.sct_2"), "c": provision("cpt_III")})


def test_titles_in_both_languages(store):
    row = one(store, """PREFIX eli: <http://data.europa.eu/eli/ontology#>
        SELECT ?a ?en ?fr WHERE { ?a eli:title ?en , ?fr . FILTER(LANG(?en) = "en" && LANG(?fr) = "fr") }""",
        a=provision("art_5"))
    assert row["en"].value == "Prohibited AI practices"
    assert row["fr"].value.startswith("Pratiques")


def test_article_5_can_be_reassembled_from_the_graph_exactly_as_printed(store, en_index):
    rows = store.run("provision-parts", provision=provision("art_5"), lang="en")
    by_parent: dict[str, list] = {}
    nodes = {}
    for row in rows:
        nodes[row["part"].value] = row
        if "parent" in row:
            by_parent.setdefault(row["parent"].value, []).append(row)

    def printed(iri: str) -> list[str]:
        row = nodes[iri]
        lines = []
        text = row["text"].value.split("\n") if "text" in row else []
        label = row["label"].value if "label" in row else None
        kind = row["kind"].value.rsplit("#", 1)[1]
        children = sorted(by_parent.get(iri, []), key=lambda r: int(r["order"].value))
        child_lines = [printed(c["part"].value) for c in children]
        if kind == "Article":
            lines += [label, row["title"].value] + text
        else:
            first = text[0] if text else ""
            head = " ".join(x for x in (label, first) if x)
            if not first and child_lines and children[0]["kind"].value.endswith("Subparagraph"):
                head = " ".join(x for x in (label, child_lines.pop(0)) if x)
            lines.append(head)
            lines += text[1:]
        lines += child_lines
        if "closing" in row:
            lines += row["closing"].value.split("\n")
        return "\n".join(line for line in lines if line)

    assert printed(f"{ACT}/art_5") == en_index["art_5"].printed()


def test_text_is_language_tagged_in_english_and_french(store):
    rows = store.select("""PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
        SELECT ?p ?lang ?text WHERE { ?p aiact:text ?text . BIND(LANG(?text) AS ?lang) } ORDER BY ?lang""",
        {"p": provision("art_5.par_1.pnt_a")})
    assert [r["lang"].value for r in rows] == ["en", "fr"]
    assert rows[0]["text"].value.startswith("the placing on the market")
    assert rows[1]["text"].value.startswith("la mise sur le marché")


def test_labels_cite_provisions_the_way_the_law_does(store):
    rows = store.select("""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?p ?label WHERE { ?p rdfs:label ?label } ORDER BY ?label""", {"p": provision("art_5.par_1.pnt_c.pnt_ii")})
    assert sorted(r["label"].value for r in rows) == ["Article 5(1), point (c)(ii)", "Article 5, paragraphe 1, point c) ii)"]


def test_article_3_yields_68_definitions_as_a_skos_scheme(store):
    rows = store.run("definitions", lang="en")
    assert len(rows) == 68
    deployer = next(r for r in rows if r["term"].value == "deployer")
    assert deployer["source"] == provision("art_3.pnt_4")
    assert deployer["definition"].value.replace("\u00a0", " ").startswith("a natural or legal person, public authority")


def test_definitions_have_french_terms(store):
    rows = store.run("definitions", lang="fr")
    assert len(rows) == 68
    terms = {r["source"].value.rsplit("/", 1)[1]: r["term"].value for r in rows}
    assert terms["art_3.pnt_4"] == "déployeur"
    assert terms["art_3.pnt_1"] == "système d’IA"


def test_every_named_query_parses_and_runs(store):
    for query in queries.all_queries():
        bindings = {name: Literal("en") if name == "lang" else provision("art_5") for name in query.bindings}
        form = QueryShape(query.text).form
        if form == "CONSTRUCT":
            store.construct(query.text, bindings)
        elif form == "ASK":
            store.ask(query.text, bindings)
        else:
            assert form == "SELECT", f"{query.name}: not a query form the store runs ({form})"
            store.select(query.text, bindings)


@pytest.mark.parametrize("name", queries.names("checks"))
def test_graph_quality_check_returns_no_row(store, name):
    assert name.endswith("-violation")
    assert store.run(name) == []


def _related_sample():
    with open(DATA / "related_recitals.tsv", encoding="utf-8") as handle:
        rows = [line for line in handle if not line.startswith("#")]
    return [tuple(r[:2]) for r in csv.reader(rows, delimiter="\t")]


def test_related_recitals_find_the_hand_checked_sample(store):
    sample = _related_sample()
    assert len(sample) >= 25
    found = 0
    for article, recital in sample:
        rows = store.run("related-recitals", article=provision(article), lang="en")
        found += any(r["recital"] == provision(recital) for r in rows)
    recall = found / len(sample)
    print(f"related recitals: recall {recall:.2f} on {len(sample)} hand-checked pairs")
    assert recall >= 0.85


def test_every_related_recital_link_says_how_it_was_found(store):
    rows = store.select("""PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
        SELECT DISTINCT ?method WHERE { ?l a aiact:RecitalLink ; aiact:linkMethod ?method }""")
    assert {r["method"].value for r in rows} <= {"cited", "term", "computed", "curated"}


def test_annex_points_cited_without_their_section_resolve_to_the_one_section_that_has_them(store):
    # Article 53(5): "… Annex XI, in particular points 2 (d) and (e) thereof": Section 1 of Annex XI.
    rows = store.run("cites", provision=provision("art_53.par_5"))
    targets = {r["target"].value.rsplit("/", 1)[1] for r in rows}
    assert {"anx_XI.sct_1.pnt_2.pnt_d", "anx_XI.sct_1.pnt_2.pnt_e"} <= targets


def test_cross_references_link_the_most_specific_provisions(store):
    rows = store.run("cites", provision=provision("art_16.pnt_i"))
    assert {r["target"].value.rsplit("/", 1)[1] for r in rows} == {"art_49.par_1"}
    rows = store.run("cites", provision=provision("art_6.par_2"))
    assert {r["target"].value.rsplit("/", 1)[1] for r in rows} >= {"art_6.par_1", "anx_III"}


def test_references_to_other_acts_cite_their_eli(store):
    rows = store.run("cites", provision=provision("art_2.par_7"))
    assert "http://data.europa.eu/eli/reg/2016/679/oj" in {r["target"].value for r in rows}


def test_only_the_seven_footnotes_absent_from_the_french_rendering_say_so(store):
    rows = store.select("""PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
        SELECT ?s WHERE { ?s aiact:textMissingIn "fr" }""")
    assert sorted(r["s"].value.rsplit("/", 1)[1] for r in rows) == [f"ftn_{n}" for n in (58, 59, 60, 61, 62, 63, 65)]
