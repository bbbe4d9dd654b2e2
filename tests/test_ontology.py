"""The model of the law says what the Act says: roles as Article 3 defines them, the lists of
Annexes I and III as individuals tied to the points that list them, the rules of Articles 5
and 6 as classes, every cited provision real. Read from the built graph (the store fixture)."""

from __future__ import annotations

import re

import pytest
from pyoxigraph import NamedNode

from aiact_kg.vocab import ONTOLOGY_NS
from iris import ACT



def provision(local_id: str) -> NamedNode:
    return NamedNode(f"{ACT}/{local_id}")

PREFIXES = f"""
PREFIX aiact: <{ONTOLOGY_NS}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def term(name: str) -> NamedNode:
    return NamedNode(ONTOLOGY_NS + name)


def ask(store, text: str, **bindings) -> bool:
    return bool(store.select(PREFIXES + text, bindings))


def rows(store, text: str, **bindings) -> list[dict]:
    return store.select(PREFIXES + text, bindings)


def local(node) -> str:
    return node.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def test_provider_is_an_operator(store):
    assert ask(store, "SELECT * WHERE { aiact:Provider rdfs:subClassOf aiact:Operator }")


def test_operator_is_the_six_roles_of_article_3_8(store):
    found = rows(store, """SELECT ?role WHERE {
        aiact:Operator owl:equivalentClass/owl:unionOf/rdf:rest*/rdf:first ?role }""")
    assert {local(r["role"]) for r in found} == {
        "Provider", "ProductManufacturer", "Deployer", "AuthorisedRepresentative", "Importer", "Distributor"}


@pytest.mark.parametrize("role, point", [
    ("Provider", "art_3.pnt_3"), ("Deployer", "art_3.pnt_4"), ("AuthorisedRepresentative", "art_3.pnt_5"),
    ("Importer", "art_3.pnt_6"), ("Distributor", "art_3.pnt_7"), ("Operator", "art_3.pnt_8"),
    ("NotifyingAuthority", "art_3.pnt_19"), ("ConformityAssessmentBody", "art_3.pnt_21"),
    ("NotifiedBody", "art_3.pnt_22"), ("MarketSurveillanceAuthority", "art_3.pnt_26"),
    ("AIOffice", "art_3.pnt_47"), ("NationalCompetentAuthority", "art_3.pnt_48"),
    ("DownstreamProvider", "art_3.pnt_68"),
])
def test_each_role_cites_the_point_of_article_3_that_defines_it(store, role, point):
    found = rows(store, """SELECT ?label ?text WHERE {
        ?role dct:source ?point ; rdfs:label ?label . ?point aiact:text ?text .
        FILTER(LANG(?label) = "en" && LANG(?text) = "en") }""", role=term(role), point=provision(point))
    assert found, (role, point)
    defined = re.match(r"‘([^’]+)’", found[0]["text"].value).group(1)
    assert defined.lower() in found[0]["label"].value.lower()


@pytest.mark.parametrize("body, property, point", [
    ("AIOffice", "setUpBy", "art_64.par_1"),
    ("EuropeanAIBoard", "setUpBy", "art_65.par_1"),
    ("EuropeanAIBoard", "taskedBy", "art_66"),
    ("AdvisoryForum", "setUpBy", "art_67.par_1"),
    ("ScientificPanel", "setUpBy", "art_68.par_1"),
    ("NotifyingAuthority", "setUpBy", "art_28.par_1"),
    ("SinglePointOfContact", "setUpBy", "art_70.par_2"),
    ("MarketSurveillanceAuthority", "taskedBy", "art_74"),
    ("EuropeanDataProtectionSupervisor", "taskedBy", "art_74.par_9"),
    ("EuropeanDataProtectionSupervisor", "taskedBy", "art_100.par_1"),
])
def test_authorities_and_bodies_name_the_provisions_that_set_them_up_and_task_them(store, body, property, point):
    assert ask(store, "SELECT * WHERE { ?body ?property ?point }",
               body=term(body), property=term(property), point=provision(point))


def test_annex_iii_lists_eight_areas(store):
    found = rows(store, "SELECT ?area ?point WHERE { ?area a aiact:AnnexIIIArea ; aiact:listedIn ?point }")
    assert sorted(local(r["point"]) for r in found) == [f"anx_III.pnt_{n}" for n in range(1, 9)]


def test_every_annex_iii_point_has_a_use_case(store):
    points = rows(store, """SELECT ?point WHERE {
        ?point eli:is_part_of+ ?annex ; eli:id_local ?id .
        FILTER(?annex = <%s/anx_III>)
        FILTER NOT EXISTS { ?part eli:is_part_of ?point } }""" % ACT)
    listed = rows(store, """SELECT ?point ?area WHERE {
        ?case a aiact:AnnexIIIUseCase ; aiact:listedIn ?point ; aiact:inArea ?area }""")
    leaves = {local(r["point"]) for r in points}
    assert "anx_III.pnt_2" in leaves and "anx_III.pnt_8.pnt_b" in leaves
    assert {local(r["point"]) for r in listed} == leaves
    assert len(listed) == 25


def test_each_use_case_lies_in_the_area_of_its_point(store):
    for row in rows(store, """SELECT ?point ?areaPoint WHERE {
            ?case a aiact:AnnexIIIUseCase ; aiact:listedIn ?point ; aiact:inArea/aiact:listedIn ?areaPoint }"""):
        assert local(row["point"]).startswith(local(row["areaPoint"]))


def test_annex_i_acts_carry_their_eli(store):
    found = rows(store, """SELECT ?act ?point ?eli WHERE {
        ?act a ?section ; aiact:listedIn ?point ; aiact:eli ?eli .
        VALUES ?section { aiact:AnnexISectionALegislation aiact:AnnexISectionBLegislation } }""")
    assert len(found) == 20
    for row in found:
        assert ask(store, "SELECT * WHERE { ?point aiact:citesOtherAct ?eli }", point=row["point"], eli=row["eli"]), row


def test_annex_i_section_a_is_points_1_to_12_and_section_b_points_13_to_20(store):
    for section, numbers in (("A", range(1, 13)), ("B", range(13, 21))):
        found = rows(store, "SELECT ?act ?point WHERE { ?act a ?cls ; aiact:listedIn ?point }",
                     cls=term(f"AnnexISection{section}Legislation"))
        assert {local(r["point"]) for r in found} == {f"anx_I.sct_{section}.pnt_{n}" for n in numbers}
        assert {local(r["act"]) for r in found} == {f"AnnexILegislation{n}" for n in numbers}


def test_article_5_1_lists_eight_prohibited_practices(store):
    found = rows(store, "SELECT ?practice ?point WHERE { ?practice a aiact:ProhibitedPractice ; aiact:listedIn ?point }")
    assert sorted(local(r["point"]) for r in found) == [f"art_5.par_1.pnt_{x}" for x in "abcdefgh"]


def test_article_6_3_has_four_derogation_conditions(store):
    found = rows(store, "SELECT ?condition ?point WHERE { ?condition a aiact:DerogationCondition ; aiact:listedIn ?point }")
    assert sorted(local(r["point"]) for r in found) == [f"art_6.par_3.pnt_{x}" for x in "abcd"]


def test_systemic_risk_threshold_is_greater_than_10_to_the_25(store):
    found = rows(store, """SELECT ?bound WHERE {
        aiact:GPAIModelWithSystemicRisk owl:equivalentClass/(owl:intersectionOf|owl:unionOf|rdf:rest|rdf:first|owl:someValuesFrom|owl:withRestrictions)* ?facet .
        ?facet <http://www.w3.org/2001/XMLSchema#minExclusive> ?bound }""")
    assert [float(r["bound"].value) for r in found] == [1e25]
    text = rows(store, "SELECT ?t WHERE { ?p aiact:text ?t FILTER(LANG(?t) = 'en') }", p=provision("art_51.par_2"))
    assert "greater than 10²⁵" in text[0]["t"].value


def test_risk_tiers_are_six(store):
    found = rows(store, "SELECT ?tier WHERE { ?tier a aiact:RiskTier }")
    assert {local(r["tier"]) for r in found} == {
        "ProhibitedRisk", "HighRisk", "TransparencyRisk", "GeneralPurposeModelTier", "SystemicRiskTier", "MinimalRisk"}


def test_every_compliance_measure_cites_its_article(store):
    found = rows(store, """SELECT ?measure (COUNT(?source) AS ?n) WHERE {
        ?measure rdfs:subClassOf aiact:ComplianceMeasure . OPTIONAL { ?measure dct:source ?source } }
        GROUP BY ?measure""")
    assert len(found) == 32  # Article 6(4) documentation, Article 5(3) authorisation and Article 5(4) notification included
    assert all(int(r["n"].value) >= 1 for r in found)


def test_every_class_and_property_of_the_model_has_a_french_label():
    import rdflib
    from rdflib.namespace import OWL, RDF, RDFS

    from aiact_kg import paths

    model = rdflib.Graph()
    for name in ("actors.ttl", "artefacts.ttl", "annexes.ttl"):
        model.parse(paths.ONTOLOGY / name, format="turtle")
    terms = {s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
             for s in model.subjects(RDF.type, kind) if str(s).startswith(ONTOLOGY_NS)}
    assert len(terms) > 100
    missing = [t for t in terms if not any(label.language == "fr" for label in model.objects(t, RDFS.label))]
    assert missing == []


def test_alignment_maps_only_to_dpv_and_airo_and_the_readme_lists_every_mapping():
    import rdflib

    from aiact_kg import paths

    alignment = rdflib.Graph().parse(paths.ONTOLOGY / "alignment.ttl", format="turtle")
    found = [(s, o) for p in (rdflib.SKOS.exactMatch, rdflib.SKOS.closeMatch) for s, o in alignment.subject_objects(p)
             if str(s).startswith(ONTOLOGY_NS)]
    assert len(found) >= 25
    readme = (paths.ONTOLOGY / "README.md").read_text(encoding="utf-8")
    for ours, theirs in found:
        assert str(theirs).startswith(("https://w3id.org/dpv/legal/eu/aiact#", "https://w3id.org/airo#")), theirs
        assert f"`aiact:{str(ours).split('#')[1]}`" in readme
        assert f":{str(theirs).split('#')[1]}`" in readme


def test_the_provider_maps_to_dpv_and_airo(store):
    assert ask(store, "SELECT * WHERE { aiact:Provider skos:exactMatch ?dpv , ?airo }",
               dpv=NamedNode("https://w3id.org/dpv/legal/eu/aiact#AIProvider"),
               airo=NamedNode("https://w3id.org/airo#AIProvider"))

