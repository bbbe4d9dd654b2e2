"""Every normative statement of the graph, whichever file curates it, says who must do what, cites
a provision that exists, quotes it word for word and falls under an Article 113 date; the fine
ceilings of Articles 99 to 101 give the amounts and turnover shares the text gives.

These tests read the built graph (the text of the Act and every ontology file), so they check
all obligation files together; each file may have tests of its own besides.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from pyoxigraph import NamedNode

from iris import ACT, provision

AIACT = "https://w3id.org/aiact-kg/ontology#"
OBL = f"{ACT}/obligation/"
PENALTY = f"{ACT}/penalty/"


def aiact(name: str) -> NamedNode:
    return NamedNode(AIACT + name)


def obligation(local_id: str) -> NamedNode:
    return NamedNode(OBL + local_id)


def penalty(local_id: str) -> NamedNode:
    return NamedNode(PENALTY + local_id)


# --- queries (constant text, values go in as bindings) ------------------------------------------

PREFIXES = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

STATEMENTS = PREFIXES + """
SELECT DISTINCT ?statement ?kind WHERE {
  ?statement a ?kind .
  FILTER(?kind IN (aiact:Obligation, aiact:Prohibition, aiact:Permission, aiact:Exemption))
} ORDER BY ?statement"""

VALUES_OF = PREFIXES + """
SELECT ?subject ?property ?value WHERE { ?subject ?property ?value }"""

PROVISION_EXISTS = PREFIXES + """
ASK { ?provision eli:id_local ?id }"""

ENGLISH_TEXTS_UNDER = PREFIXES + """
SELECT ?provision ?text WHERE {
  ?part eli:is_part_of* ?provision .
  { ?part aiact:text ?text } UNION { ?part aiact:closingText ?text }
  FILTER(LANG(?text) = "en")
}"""

DATES_OF = PREFIXES + """
SELECT ?subject ?date ?derived WHERE {
  ?subject aiact:appliesUnder ?application .
  ?application aiact:dateOfApplication ?date .
  OPTIONAL { ?subject aiact:applicableFrom ?derived }
}"""

STATEMENTS_DRAWN_FROM = PREFIXES + """
SELECT DISTINCT ?provision ?statement ?kind WHERE {
  ?statement dct:source ?source ; a ?kind .
  ?source eli:is_part_of* ?provision .
  FILTER(?kind IN (aiact:Obligation, aiact:Prohibition, aiact:Permission, aiact:Exemption))
}"""

FINE_CEILINGS = PREFIXES + """
SELECT ?ceiling WHERE { ?ceiling a aiact:FineCeiling } ORDER BY ?ceiling"""

CEILING = PREFIXES + """
SELECT ?ceiling ?amount ?share ?rule ?applies WHERE {
  ?ceiling a aiact:FineCeiling ; aiact:maximumAmount ?amount .
  OPTIONAL { ?ceiling aiact:maximumTurnoverShare ?share }
  OPTIONAL { ?ceiling aiact:ceilingRule ?rule }
  OPTIONAL { ?ceiling aiact:appliesUnder/aiact:dateOfApplication ?applies }
}"""

OPERATOR_DUTIES_OF = PREFIXES + """
SELECT DISTINCT ?article ?role ?statement WHERE {
  ?statement a ?kind ; dct:source ?source ; aiact:addressee ?role .
  ?source eli:is_part_of* ?article .
  FILTER(?kind IN (aiact:Obligation, aiact:Prohibition))
}"""

IS_NORMATIVE_STATEMENT = PREFIXES + """
ASK { ?statement a ?kind .
      FILTER(?kind IN (aiact:Obligation, aiact:Prohibition, aiact:Permission, aiact:Exemption)) }"""


def values(store, subject: NamedNode, name: str, namespace: str = AIACT) -> list:
    return [row["value"] for row in store.select(VALUES_OF, {"subject": subject, "property": NamedNode(namespace + name)})]


def excerpts(store, subject: NamedNode, lang: str = "en") -> list:
    """The excerpts of a subject in one language (the French ones are found when the graph is
    built, tests/test_excerpts.py)."""
    return [value for value in values(store, subject, "excerpt") if value.language == lang]


def sources(store, subject: NamedNode) -> list[NamedNode]:
    return values(store, subject, "source", "http://purl.org/dc/terms/")


def english_texts(store, subject: NamedNode) -> list[str]:
    return [row["text"].value for source in sources(store, subject)
            for row in store.select(ENGLISH_TEXTS_UNDER, {"provision": source})]


def applies_from(store, subject: NamedNode) -> set[str]:
    """The dates of application: from the Article 113 date the subject names and, as the build
    derives it, from aiact:applicableFrom, which must agree."""
    rows = store.select(DATES_OF, {"subject": subject})
    dates = {row["date"].value for row in rows}
    derived = {row["derived"].value for row in rows if "derived" in row}
    assert derived == dates, f"{subject.value}: applicableFrom {derived} ≠ date of application {dates}"
    return dates


def drawn_from(store, local_id: str) -> list[dict]:
    return store.select(STATEMENTS_DRAWN_FROM, {"provision": provision(local_id)})


def ceiling(store, local_id: str) -> dict:
    (row,) = store.select(CEILING, {"ceiling": penalty(local_id)})
    return row


@pytest.fixture(scope="module")
def statements(store) -> list[NamedNode]:
    return [row["statement"] for row in store.select(STATEMENTS)]


@pytest.fixture(scope="module")
def ceilings(store) -> list[NamedNode]:
    return [row["ceiling"] for row in store.select(FINE_CEILINGS)]


# --- every normative statement ------------------------------------------------------------------


def test_the_graph_holds_the_statements_of_the_later_articles(statements):
    assert len(statements) > 80
    for local_id in ("art_43.par_2", "art_47.par_1-draw-up", "art_50.par_1", "art_53.par_1.pnt_a",
                     "art_55.par_1.pnt_a", "art_72.par_1", "art_73.par_1", "art_86.par_1"):
        assert obligation(local_id) in statements, local_id


def test_every_normative_statement_is_named_under_the_obligation_namespace(statements):
    for statement in statements:
        assert statement.value.startswith(OBL), statement.value


def test_every_normative_statement_binds_an_addressee(store, statements):
    for statement in statements:
        assert values(store, statement, "addressee"), f"{statement.value} binds no one"


def test_every_normative_statement_cites_a_provision_that_exists(store, statements):
    for statement in statements:
        cited = sources(store, statement)
        assert cited, f"{statement.value} cites nothing"
        for source in cited:
            assert store.ask(PROVISION_EXISTS, {"provision": source}), f"{statement.value}: no provision {source.value}"


def test_every_normative_statement_has_an_english_and_a_french_label(store, statements):
    for statement in statements:
        languages = sorted(label.language for label in values(store, statement, "label", "http://www.w3.org/2000/01/rdf-schema#"))
        assert languages == ["en", "fr"], f"{statement.value}: labels in {languages}"


def test_every_excerpt_occurs_in_the_english_text_of_its_provision(store, statements):
    for statement in statements:
        languages = sorted(value.language for value in values(store, statement, "excerpt"))
        assert languages == ["en", "fr"], f"{statement.value}: excerpts in {languages}"
        (excerpt,) = excerpts(store, statement)
        texts = english_texts(store, statement)
        assert any(excerpt.value in text for text in texts), f"{statement.value}: «{excerpt.value}» is not in its provision"


def test_every_normative_statement_applies_from_an_article_113_date(store, statements):
    article_113 = {"2025-02-02", "2025-08-02", "2026-08-02", "2027-08-02"}
    for statement in statements:
        dates = applies_from(store, statement)
        assert len(dates) == 1 and dates <= article_113, f"{statement.value}: applies from {dates}"


# --- dates of application (Article 113) -----------------------------------------------------------


def test_the_obligations_of_article_53_apply_from_2_august_2025(store):
    rows = drawn_from(store, "art_53")
    assert {row["statement"] for row in rows} >= {obligation(f"art_53.par_1.pnt_{p}") for p in "abcd"}
    for row in rows:
        assert applies_from(store, row["statement"]) == {"2025-08-02"}, row["statement"].value


@pytest.mark.parametrize("article", ["art_54", "art_55"])
def test_the_other_obligations_of_chapter_v_apply_from_2_august_2025(store, article):
    rows = drawn_from(store, article)
    assert rows
    for row in rows:
        assert applies_from(store, row["statement"]) == {"2025-08-02"}, row["statement"].value


@pytest.mark.parametrize("article", ["art_43", "art_47", "art_48", "art_49", "art_50", "art_72", "art_73", "art_86"])
def test_conformity_transparency_monitoring_and_explanation_apply_from_2_august_2026_or_2027(store, article):
    rows = drawn_from(store, article)
    assert rows
    for row in rows:
        assert applies_from(store, row["statement"]) <= {"2026-08-02", "2027-08-02"}, row["statement"].value


def test_the_annex_i_conformity_assessment_applies_from_2_august_2027(store):
    assert applies_from(store, obligation("art_43.par_3.sbp_1")) == {"2027-08-02"}
    assert values(store, obligation("art_43.par_3.sbp_1"), "concerns") == [aiact("AnnexIHighRiskAISystem")]


def test_the_transparency_obligations_of_article_50_apply_from_2_august_2026(store):
    for local_id in ("art_50.par_1", "art_50.par_2", "art_50.par_3", "art_50.par_4.sbp_1", "art_50.par_4.sbp_2"):
        assert applies_from(store, obligation(local_id)) == {"2026-08-02"}, local_id


# --- who must do what ---------------------------------------------------------------------------


def test_open_licence_models_are_exempt_from_technical_documentation_and_downstream_information(store):
    statement = obligation("art_53.par_2")
    assert set(values(store, statement, "type", "http://www.w3.org/1999/02/22-rdf-syntax-ns#")) == {
        aiact("Exemption"), aiact("NormativeStatement")}
    assert values(store, statement, "addressee") == [aiact("GPAIModelProvider")]


def test_the_four_duties_of_providers_of_models_with_systemic_risk_come_from_article_55_1(store):
    for point in "abcd":
        statement = obligation(f"art_55.par_1.pnt_{point}")
        assert sources(store, statement) == [provision(f"art_55.par_1.pnt_{point}")]
        assert values(store, statement, "addressee") == [aiact("GPAIModelProvider")]
        assert values(store, statement, "concerns") == [aiact("GPAIModelWithSystemicRisk")]


def test_third_country_model_providers_must_appoint_an_authorised_representative(store):
    assert values(store, obligation("art_54.par_1"), "addressee") == [aiact("GPAIModelProvider")]
    for point in "abcd":
        assert values(store, obligation(f"art_54.par_3.pnt_{point}"), "addressee") == [aiact("AuthorisedRepresentative")]


def test_the_deployer_must_explain_a_decision_to_the_affected_person(store):
    statement = obligation("art_86.par_1")
    assert set(values(store, statement, "type", "http://www.w3.org/1999/02/22-rdf-syntax-ns#")) == {
        aiact("NormativeStatement"), aiact("Obligation")}
    assert values(store, statement, "addressee") == [aiact("Deployer")]
    assert values(store, statement, "concerns") == [aiact("AnnexIIIHighRiskAISystem")]


def test_deep_fakes_are_disclosed_by_deployers_and_synthetic_content_marked_by_providers(store):
    assert values(store, obligation("art_50.par_4.sbp_1"), "addressee") == [aiact("Deployer")]
    assert values(store, obligation("art_50.par_2"), "addressee") == [aiact("Provider")]
    assert values(store, obligation("art_50.par_2"), "satisfiedBy") == [aiact("MachineReadableMarking")]


def test_serious_incidents_are_reported_within_15_days_or_10_days_in_the_event_of_death(store):
    assert "15 days" in excerpts(store, obligation("art_73.par_2.sbp_1"))[0].value
    assert "10 days" in excerpts(store, obligation("art_73.par_4"))[0].value


# --- penalties (Articles 99 to 101) ---------------------------------------------------------------


def test_prohibited_practices_are_fined_up_to_35_million_euros_or_7_percent_whichever_is_higher(store):
    row = ceiling(store, "art_99.par_3")
    assert Decimal(row["amount"].value) == Decimal("35000000")
    assert Decimal(row["share"].value) == Decimal("0.07")
    assert row["rule"] == aiact("WhicheverIsHigher")
    assert row["applies"].value == "2025-08-02"


def test_operator_obligations_are_fined_up_to_15_million_euros_or_3_percent(store):
    row = ceiling(store, "art_99.par_4")
    assert (Decimal(row["amount"].value), Decimal(row["share"].value)) == (Decimal("15000000"), Decimal("0.03"))
    assert row["rule"] == aiact("WhicheverIsHigher")


def test_incorrect_information_is_fined_up_to_7_5_million_euros_or_1_percent(store):
    row = ceiling(store, "art_99.par_5")
    assert (Decimal(row["amount"].value), Decimal(row["share"].value)) == (Decimal("7500000"), Decimal("0.01"))


@pytest.mark.parametrize("sme, general", [("art_99.par_6-prohibited-practices", "art_99.par_3"),
                                          ("art_99.par_6-operator-obligations", "art_99.par_4"),
                                          ("art_99.par_6-incorrect-information", "art_99.par_5")])
def test_smes_are_fined_up_to_whichever_of_amount_and_percentage_is_lower(store, sme, general):
    row, base = ceiling(store, sme), ceiling(store, general)
    assert row["rule"] == aiact("WhicheverIsLower")
    assert (row["amount"], row["share"]) == (base["amount"], base["share"])
    assert values(store, penalty(sme), "adjustsCeiling") == [penalty(general)]


def test_union_institutions_are_fined_up_to_1_5_million_or_750_000_euros(store):
    assert Decimal(ceiling(store, "art_100.par_2")["amount"].value) == Decimal("1500000")
    assert Decimal(ceiling(store, "art_100.par_3")["amount"].value) == Decimal("750000")
    assert "share" not in ceiling(store, "art_100.par_2")


def test_model_providers_are_fined_by_the_commission_from_2_august_2026(store):
    row = ceiling(store, "art_101.par_1")
    assert (Decimal(row["amount"].value), Decimal(row["share"].value)) == (Decimal("15000000"), Decimal("0.03"))
    assert row["rule"] == aiact("WhicheverIsHigher")
    # Article 113, point (b), excepts Article 101 from the date of 2 August 2025
    assert row["applies"].value == "2026-08-02"


def _digits(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]", "", text)


def test_every_fine_amount_and_percentage_is_written_in_its_provision(store, ceilings):
    assert len(ceilings) >= 9
    for node in ceilings:
        texts = [_digits(text) for text in english_texts(store, node)]
        assert texts, f"{node.value} cites no text"
        (amount,) = values(store, node, "maximumAmount")
        euros = f"EUR{int(Decimal(amount.value))}"
        assert any(euros in text for text in texts), f"{node.value}: {euros} is not in its provision"
        for share in values(store, node, "maximumTurnoverShare"):
            percent = f"{(Decimal(share.value) * 100).normalize()}%"
            assert any(percent in text for text in texts), f"{node.value}: {percent} is not in its provision"


def test_every_fine_ceiling_cites_its_provision_with_labels_excerpt_and_date(store, ceilings):
    for node in ceilings:
        assert node.value.startswith(PENALTY), node.value
        languages = sorted(label.language for label in values(store, node, "label", "http://www.w3.org/2000/01/rdf-schema#"))
        assert languages == ["en", "fr"], node.value
        (excerpt,) = excerpts(store, node)
        assert any(excerpt.value in text for text in english_texts(store, node)), f"{node.value}: «{excerpt.value}»"
        assert len(applies_from(store, node)) == 1, node.value


def test_every_sanctioned_statement_exists(store, ceilings):
    for node in ceilings:
        for statement in values(store, node, "sanctions"):
            assert store.ask(IS_NORMATIVE_STATEMENT, {"statement": statement}), f"{node.value}: no statement {statement.value}"


def test_the_eight_prohibitions_of_article_5_1_are_sanctioned_by_article_99_3(store):
    sanctioned = set(values(store, penalty("art_99.par_3"), "sanctions"))
    assert sanctioned == {obligation(f"art_5.par_1.pnt_{p}") for p in "abcdefgh"}


def test_article_99_4_sanctions_the_provider_obligations_of_article_16_and_the_transparency_obligations(store):
    sanctioned = set(values(store, penalty("art_99.par_4"), "sanctions"))
    assert {obligation(f"art_16.pnt_{p}") for p in "abcdefghijkl"} <= sanctioned
    assert {obligation("art_50.par_1"), obligation("art_50.par_2"), obligation("art_50.par_3"),
            obligation("art_50.par_4.sbp_1"), obligation("art_50.par_4.sbp_2")} <= sanctioned


@pytest.mark.parametrize("article, role", [("art_16", "Provider"), ("art_22", "AuthorisedRepresentative"),
                                           ("art_23", "Importer"), ("art_24", "Distributor"),
                                           ("art_26", "Deployer"), ("art_50", "Provider"), ("art_50", "Deployer")])
def test_every_operator_duty_article_99_4_lists_is_sanctioned_by_it(store, article, role):
    duties = {row["statement"] for row in store.select(OPERATOR_DUTIES_OF, {"article": provision(article), "role": aiact(role)})}
    assert duties
    sanctioned = set(values(store, penalty("art_99.par_4"), "sanctions"))
    assert duties <= sanctioned, sorted(d.value for d in duties - sanctioned)
    assert duties <= set(values(store, penalty("art_99.par_6-operator-obligations"), "sanctions"))


def test_article_101_sanctions_the_obligations_of_articles_53_and_55(store):
    sanctioned = set(values(store, penalty("art_101.par_1"), "sanctions"))
    assert {obligation(f"art_53.par_1.pnt_{p}") for p in "abcd"} <= sanctioned
    assert {obligation(f"art_55.par_1.pnt_{p}") for p in "abcd"} <= sanctioned
