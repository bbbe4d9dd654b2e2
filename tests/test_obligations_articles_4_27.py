"""The normative statements of Articles 4 to 27 (ontology/obligations-articles-4-27.ttl) say
what the law says: each cites a provision that exists, quotes it word for word, and falls
under the Article 113 date of its chapter.

The statements are read from their file (so these tests check this file only) and checked
against the built graph, which holds the text of the Act in English and French.
"""

from __future__ import annotations

import re

import pyoxigraph
import pytest
from pyoxigraph import Literal, NamedNode

from aiact_kg import paths

from iris import ACT, provision

FILE = paths.ONTOLOGY / "obligations-articles-4-27.ttl"
AIACT = "https://w3id.org/aiact-kg/ontology#"
OBL = f"{ACT}/obligation/"
APP = f"{ACT}/application/"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT_SOURCE = NamedNode("http://purl.org/dc/terms/source")
EXCERPT = NamedNode(AIACT + "excerpt")
KINDS = {NamedNode(AIACT + kind) for kind in ("Obligation", "Prohibition", "Permission", "Exemption")}


def aiact(name: str) -> NamedNode:
    return NamedNode(AIACT + name)


def obligation(local_id: str) -> NamedNode:
    return NamedNode(OBL + local_id)


@pytest.fixture(scope="module")
def curated() -> list[pyoxigraph.Triple]:
    return [quad.triple for quad in pyoxigraph.parse(path=str(FILE), format=pyoxigraph.RdfFormat.TURTLE)]


@pytest.fixture(scope="module")
def statements(curated) -> list[NamedNode]:
    found = {t.subject for t in curated if t.predicate == RDF_TYPE and t.object in KINDS}
    return sorted(found, key=lambda node: node.value)


def objects(curated, subject, predicate) -> set:
    return {t.object for t in curated if t.subject == subject and t.predicate == predicate}


# --- queries (constant text, values go in as bindings) ------------------------------------------

TEXTS_UNDER = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
SELECT ?text WHERE {
  ?part eli:is_part_of* ?provision ; aiact:text ?text .
  FILTER(LANG(?text) = "en")
}"""

PROVISION_EXISTS = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
ASK { ?provision eli:id_local ?id }"""

POINTS_OF = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
SELECT ?point ?number WHERE {
  ?point eli:is_part_of ?container ; a aiact:Point ; eli:number ?number .
}"""

STATEMENTS_CITING = """
PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?statement ?kind ?addressee WHERE {
  ?statement dct:source ?provision ; a ?kind ; aiact:addressee ?addressee .
  FILTER(?kind IN (aiact:Obligation, aiact:Prohibition, aiact:Permission, aiact:Exemption))
}"""

STATEMENTS_UNDER = """
PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?statement ?addressee WHERE {
  ?statement dct:source/eli:is_part_of* ?provision ; aiact:addressee ?addressee .
}"""

PARTS_WITH_TEXT = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
SELECT ?part ?text WHERE {
  ?part eli:is_part_of* ?article ; aiact:text ?text .
  FILTER(LANG(?text) = "en")
}"""

RELATED = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?related WHERE {
  { ?related eli:is_part_of* ?provision } UNION { ?provision eli:is_part_of* ?related }
}"""

DEFINED = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
ASK { ?term rdfs:label ?label . FILTER(LANG(?label) = "en") }"""

DATE_OF = """
PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
SELECT ?date ?derived WHERE {
  ?statement aiact:appliesUnder ?application .
  ?application aiact:dateOfApplication ?date .
  OPTIONAL { ?statement aiact:applicableFrom ?derived }
}"""


def applies_from(store, statement: NamedNode) -> set[str]:
    """The dates of application of a statement: from its Article 113 date and, once the build
    derives it, from aiact:applicableFrom, which must agree."""
    rows = store.select(DATE_OF, {"statement": statement})
    dates = {row["date"].value for row in rows}
    derived = {row["derived"].value for row in rows if "derived" in row}
    assert not derived or derived == dates, f"{statement.value}: applicableFrom {derived} ≠ {dates}"
    return dates


def citing(store, provision_iri: NamedNode) -> list[dict]:
    return store.select(STATEMENTS_CITING, {"provision": provision_iri})


# --- the file as a whole ----------------------------------------------------------------------


def test_every_statement_is_an_obligation_prohibition_permission_or_exemption(curated, statements):
    assert len(statements) > 40
    for statement in statements:
        assert statement.value.startswith(OBL), statement
        kinds = objects(curated, statement, RDF_TYPE) & KINDS
        assert len(kinds) == 1, f"{statement.value} has kinds {kinds}"


def test_every_statement_has_an_english_and_a_french_label(curated, statements):
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for statement in statements:
        languages = sorted(lit.language for lit in objects(curated, statement, label))
        assert languages == ["en", "fr"], f"{statement.value}: labels in {languages}"


def test_every_statement_names_addressee_artefact_tier_date_and_version(curated, statements):
    version = NamedNode(f"{ACT}/version/2024-07-12")
    for statement in statements:
        for name in ("addressee", "concerns", "riskTier", "appliesUnder"):
            assert objects(curated, statement, aiact(name)), f"{statement.value} has no aiact:{name}"
        assert objects(curated, statement, aiact("inVersion")) == {version}
        assert not objects(curated, statement, aiact("applicableFrom")), "applicableFrom is derived, not written"


def test_every_cited_provision_exists(store, curated, statements):
    for statement in statements:
        sources = objects(curated, statement, DCT_SOURCE)
        assert sources, f"{statement.value} cites nothing"
        for source in sources:
            assert store.ask(PROVISION_EXISTS, {"provision": source}), f"{statement.value}: no provision {source.value}"


def test_every_excerpt_occurs_in_its_provision(store, curated, statements):
    for statement in statements:
        (excerpt,) = objects(curated, statement, EXCERPT)
        assert excerpt.language == "en"
        assert 4 <= len(excerpt.value.split()) <= 20, f"{statement.value}: excerpt of {len(excerpt.value.split())} words"
        texts = [row["text"].value for source in objects(curated, statement, DCT_SOURCE)
                 for row in store.select(TEXTS_UNDER, {"provision": source})]
        assert any(excerpt.value in text for text in texts), f"{statement.value}: «{excerpt.value}» not in its provision"


def test_every_statement_applies_under_an_article_113_date(store, statements):
    allowed = {"2025-02-02", "2026-08-02", "2027-08-02"}
    for statement in statements:
        dates = applies_from(store, statement)
        assert len(dates) == 1 and dates <= allowed, f"{statement.value}: {dates}"


def test_every_role_artefact_tier_and_measure_named_is_defined_in_the_ontology(store, curated, statements):
    properties = [aiact(name) for name in ("addressee", "concerns", "riskTier", "satisfiedBy", "becomesRole")]
    for statement in statements:
        for prop in properties:
            for term in objects(curated, statement, prop):
                assert store.ask(DEFINED, {"term": term}), f"{statement.value}: {term.value} is not defined"


#: Provisions with a modal verb that state no duty, right or power of their own.
NOT_NORMATIVE = {
    "art_5.par_8",  # "This Article shall not affect the prohibitions ... other Union law"
}
COVERED_ARTICLES = ["art_4", "art_5"] + [f"art_{n}" for n in range(8, 28)]
MODAL = re.compile(r"\b(shall|may|must|prohibited|is empowered)\b")


@pytest.mark.parametrize("article", COVERED_ARTICLES)
def test_every_normative_provision_of_articles_4_to_27_yields_a_statement(store, curated, statements, article):
    """Each text with "shall", "may" or "prohibited" is cited by a statement of this file, itself or
    through a part of it (its points) or its container (a list of points read as one duty)."""
    sources = {source for statement in statements for source in objects(curated, statement, DCT_SOURCE)}
    missing = []
    for row in store.select(PARTS_WITH_TEXT, {"article": provision(article)}):
        local = row["part"].value.rsplit("/", 1)[-1]
        if local in NOT_NORMATIVE or not MODAL.search(row["text"].value):
            continue
        related = {r["related"] for r in store.select(RELATED, {"provision": row["part"]})}
        if not related & sources:
            missing.append(local)
    assert not missing, f"no statement for {missing}"


# --- Article 4 and Article 5 (Chapters I and II: from 2 February 2025) ------------------------


def test_ai_literacy_binds_providers_and_deployers_from_2_february_2025(store):
    addressees = {row["addressee"] for row in citing(store, provision("art_4"))}
    assert addressees == {aiact("Provider"), aiact("Deployer")}
    assert applies_from(store, obligation("art_4")) == {"2025-02-02"}


def test_article_5_1_lists_eight_prohibited_practices_a_to_h(store):
    first_subparagraph = provision("art_5.par_1.sbp_1")
    numbers = sorted(row["number"].value for row in store.select(POINTS_OF, {"container": first_subparagraph}))
    assert numbers == list("abcdefgh")


@pytest.mark.parametrize("letter", list("abcdefgh"))
def test_article_5_prohibitions_apply_from_2_february_2025(store, letter):
    point = provision(f"art_5.par_1.pnt_{letter}")
    rows = [row for row in citing(store, point) if row["kind"] == aiact("Prohibition")]
    assert [row["addressee"] for row in rows] == [aiact("Operator")], f"Article 5(1)({letter})"
    assert applies_from(store, rows[0]["statement"]) == {"2025-02-02"}


@pytest.mark.parametrize("roman", ["i", "ii", "iii"])
def test_article_5_1_h_objectives_are_exceptions_to_the_prohibition(store, roman):
    rows = citing(store, provision(f"art_5.par_1.pnt_h.pnt_{roman}"))
    assert {row["kind"] for row in rows} == {aiact("Exemption")}
    assert {row["addressee"] for row in rows} == {aiact("Deployer")}


def test_real_time_biometric_identification_needs_prior_authorisation(store):
    statement = obligation("art_5.par_3.sbp_1-authorisation")
    assert applies_from(store, statement) == {"2025-02-02"}
    assert store.ask("ASK { ?s a <https://w3id.org/aiact-kg/ontology#Obligation> }", {"s": statement})


# --- Article 16 -------------------------------------------------------------------------------


def test_article_16_has_exactly_twelve_points_a_to_l(store):
    numbers = sorted(row["number"].value for row in store.select(POINTS_OF, {"container": provision("art_16")}))
    assert numbers == list("abcdefghijkl")


@pytest.mark.parametrize("letter", list("abcdefghijkl"))
def test_article_16_points_a_to_l_each_yield_a_provider_obligation(store, letter):
    rows = citing(store, provision(f"art_16.pnt_{letter}"))
    assert (obligation(f"art_16.pnt_{letter}"), aiact("Obligation"), aiact("Provider")) in {
        (row["statement"], row["kind"], row["addressee"]) for row in rows
    }
    assert applies_from(store, obligation(f"art_16.pnt_{letter}")) == {"2026-08-02"}


def test_quality_management_obligation_is_evidenced_by_a_quality_management_system(store):
    assert store.ask(
        "ASK { ?s <https://w3id.org/aiact-kg/ontology#satisfiedBy> ?m }",
        {"s": obligation("art_16.pnt_c"), "m": aiact("QualityManagementSystem")},
    )


# --- Articles 8 to 15, 25 and 27 ---------------------------------------------------------------


@pytest.mark.parametrize("article", [f"art_{n}" for n in range(9, 16)])
def test_requirements_of_articles_9_to_15_bind_providers_of_high_risk_systems(store, article):
    rows = store.select(STATEMENTS_UNDER, {"provision": provision(article)})
    assert rows
    assert aiact("Provider") in {row["addressee"] for row in rows}


@pytest.mark.parametrize("local_id", ["art_8.par_2", "art_11.par_2", "art_25.par_3.pnt_a", "art_25.par_3.pnt_b"])
def test_statements_for_annex_i_products_apply_from_2_august_2027(store, local_id):
    assert applies_from(store, obligation(local_id)) == {"2027-08-02"}
    assert store.ask(
        "ASK { ?s <https://w3id.org/aiact-kg/ontology#concerns> <https://w3id.org/aiact-kg/ontology#AnnexIHighRiskAISystem> }",
        {"s": obligation(local_id)},
    )


def test_risk_management_system_applies_from_2_august_2026(store):
    assert applies_from(store, obligation("art_9.par_1")) == {"2026-08-02"}


@pytest.mark.parametrize("letter", ["a", "b", "c"])
def test_article_25_1_makes_distributors_importers_and_deployers_providers(store, curated, letter):
    statement = obligation(f"art_25.par_1.pnt_{letter}")
    assert objects(curated, statement, aiact("becomesRole")) == {aiact("Provider")}
    assert objects(curated, statement, aiact("addressee")) == {aiact("Distributor"), aiact("Importer"), aiact("Deployer")}


def test_fria_binds_public_service_deployers(store, curated):
    statement = obligation("art_27.par_1")
    assert objects(curated, statement, aiact("addressee")) == {aiact("PublicServiceDeployer")}
    assert objects(curated, statement, aiact("concerns")) == {aiact("AnnexIIIHighRiskAISystem")}
    assert objects(curated, statement, aiact("satisfiedBy")) == {aiact("FundamentalRightsImpactAssessment")}
    assert applies_from(store, statement) == {"2026-08-02"}


def test_fria_also_binds_deployers_of_credit_scoring_and_insurance_pricing_systems(curated):
    statement = obligation("art_27.par_1-credit-insurance")
    assert objects(curated, statement, aiact("addressee")) == {aiact("Deployer")}
    (excerpt,) = objects(curated, statement, EXCERPT)
    assert "points 5 (b) and (c) of Annex III" in excerpt.value.replace("\u00a0", " ")


@pytest.mark.parametrize("letter", list("abcdef"))
def test_fria_contains_the_six_elements_of_article_27_1(store, letter):
    rows = citing(store, provision(f"art_27.par_1.pnt_{letter}"))
    assert {row["addressee"] for row in rows} == {aiact("PublicServiceDeployer")}


def test_excerpts_keep_the_non_breaking_spaces_of_the_official_journal(curated):
    (excerpt,) = objects(curated, obligation("art_16.pnt_d"), EXCERPT)
    assert excerpt == Literal("keep the documentation referred to in Article\u00a018", language="en")


def test_a_provider_claiming_the_article_6_3_derogation_documents_registers_and_shows_its_assessment(store):
    for local_id in ("art_6.par_4", "art_6.par_4-registration", "art_6.par_4-on-request"):
        assert applies_from(store, obligation(local_id)) == {"2026-08-02"}
    rows = store.select(
        "PREFIX aiact: <https://w3id.org/aiact-kg/ontology#> PREFIX dct: <http://purl.org/dc/terms/> "
        "SELECT ?s WHERE { ?s aiact:concerns aiact:DerogatedAnnexIIISystem ; aiact:addressee aiact:Provider ; "
        "dct:source ?p . FILTER(STRENDS(STR(?p), '/art_6.par_4')) }")
    assert len({row["s"].value for row in rows}) == 3
