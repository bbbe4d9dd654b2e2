"""Descriptions written with AIRO and VAIR: the four use cases the AIRO authors published
(``examples/airo/``, submitted as they are) get the verdict the Act gives them, through the
alignment of ``ontology/interop.ttl`` and the rules of ``shapes/interop.ttl``."""

from __future__ import annotations

from datetime import date

import pytest

from aiact_kg import paths, validation
from aiact_kg.vocab import DEFAULT_BASE, ONTOLOGY_NS

AIRO_EXAMPLES = paths.EXAMPLES / "airo"
ONTOLOGY = ONTOLOGY_NS
ACT = DEFAULT_BASE + "reg/2024/1689/"
OBL = ACT + "obligation/"
ON = date(2027, 1, 1)


@pytest.fixture(scope="module")
def engine(store) -> validation.Engine:
    return validation.Engine(store=store)


def verdict(engine, name: str):
    path = AIRO_EXAMPLES / f"{name}.ttl"
    # the published use cases use a few terms their vocabularies do not define (below)
    report = engine.validate(path.read_bytes(), path.name, on=ON, allow_unknown_terms=True)
    assert len(report.classification) == 1, [c.node for c in report.classification]
    entry = report.classification[0]
    classes = {t.iri.removeprefix(ONTOLOGY) for t in entry.tiers + entry.classes}
    provisions = {p.removeprefix(ACT) for p in entry.provisions + entry.points}
    return report, entry, classes, provisions


def test_proctify_exam_proctoring_is_high_risk_under_annex_iii_point_3d(engine):
    report, entry, classes, provisions = verdict(engine, "proctify")
    assert "AnnexIIIHighRiskAISystem" in classes
    assert provisions >= {"anx_III.pnt_3.pnt_d"}
    assert not any(p.startswith("anx_III.pnt_1") for p in provisions)
    assert not report.conforms
    assert OBL + "art_9.par_1" in {f.obligation for f in report.results}


def test_uber_driver_checks_are_high_risk_under_annex_iii_point_4b_and_not_remote_identification(engine):
    report, entry, classes, provisions = verdict(engine, "uber")
    assert "AnnexIIIHighRiskAISystem" in classes
    assert "anx_III.pnt_4.pnt_b" in provisions
    # biometric verification of a driver is not remote biometric identification (Annex III, 1(a))
    assert "anx_III.pnt_1.pnt_a" not in provisions
    assert "ProhibitedAISystem" not in classes
    # Uber deploys it on the drivers it decides about: Article 26(11) applies
    assert OBL + "art_26.par_11" in {f.obligation for f in report.results}


def test_viogen_victim_risk_assessment_is_high_risk_under_annex_iii_point_6a_only(engine):
    report, entry, classes, provisions = verdict(engine, "viogen")
    assert "AnnexIIIHighRiskAISystem" in classes
    assert "anx_III.pnt_6.pnt_a" in provisions
    assert "anx_III.pnt_6.pnt_d" not in provisions   # the person assessed is the victim
    assert "anx_III.pnt_5.pnt_a" not in provisions   # police protection is not a public assistance benefit
    obligations = {f.obligation for f in report.results}
    # a ministry deploys it: impact assessment (Article 27) and registration of the use (Article 49(3))
    assert {OBL + "art_27.par_1", OBL + "art_49.par_3"} <= obligations


def test_chatbot_meets_article_50_1_and_is_not_prohibited_on_its_description(engine):
    report, entry, classes, provisions = verdict(engine, "chatbot")
    assert "InteractiveAISystem" in classes
    assert "art_50.par_1" in provisions
    assert "ProhibitedAISystem" not in classes
    assert OBL + "art_50.par_1" in {f.obligation for f in report.results}
    warnings = [f for f in report.results if f.severity == validation.WARNING]
    assert len(warnings) == 1 and ACT + "art_5.par_1.pnt_a" in warnings[0].provisions


def test_the_published_use_cases_are_refused_for_the_terms_their_vocabularies_do_not_define(engine):
    refused = {}
    for path in sorted(AIRO_EXAMPLES.glob("*.ttl")):
        with pytest.raises(validation.UnknownTermsError) as caught:
            engine.validate(path.read_bytes(), path.name, on=ON)
        refused[path.stem] = {t.iri.rsplit("#", 1)[-1]: (t.line, t.suggestion) for t in caught.value.terms}
    # VAIR spells the standard ISOIEC42001_2023; AIRO's class is airo:AICapability
    assert refused["proctify"]["ISOIEC42001-2023"][1] == "https://w3id.org/vair#ISOIEC42001_2023"
    assert refused["chatbot"]["Capability"][1] == "https://w3id.org/airo#AICapability"
    assert set(refused["uber"]) == {"API"} and set(refused["viogen"]) == {"OrganisationalControl"}
    text = (AIRO_EXAMPLES / "uber.ttl").read_text(encoding="utf-8").splitlines()
    line = refused["uber"]["API"][0]
    assert "API" in text[line - 1]


def test_a_vair_term_can_be_the_value_or_the_type_of_the_value(engine):
    description = b"""
@prefix airo: <https://w3id.org/airo#> .
@prefix vair: <https://w3id.org/vair#> .
@prefix : <http://example.org/> .
:as-value a airo:AISystem ; airo:isAppliedWithinDomain vair:Employment ; airo:hasPurpose vair:Recruiting .
:as-type a airo:AISystem ; airo:isAppliedWithinDomain :hr ; airo:hasPurpose :screening .
:hr a vair:Employment .
:screening a vair:JobApplicationScreening .
"""
    report = engine.validate(description, "recruiting.ttl", on=ON)
    points = {c.node: set(c.points) for c in report.classification}
    assert all(ACT + "anx_III.pnt_4.pnt_a" in p for p in points.values()) and len(points) == 2


def test_every_vair_mapping_names_a_use_case_and_cites_its_annex_iii_point(store):
    rows = store.select("""
        PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
        PREFIX dct: <http://purl.org/dc/terms/>
        SELECT ?mapping ?point ?source WHERE {
          ?mapping a aiact:AnnexIIIMapping .
          OPTIONAL { ?mapping aiact:mapsToUseCase/aiact:listedIn ?point }
          OPTIONAL { ?mapping dct:source ?source }
        }""")
    assert len(rows) >= 25
    for row in rows:
        assert "point" in row and "source" in row and row["point"] == row["source"], row


DPV_DESCRIPTION = """@prefix eu-aiact: <https://w3id.org/dpv/legal/eu/aiact#> .
@prefix aiact: <https://w3id.org/aiact-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix : <https://example.org/dpv-user#> .
:screening a eu-aiact:AISystem ; rdfs:label "Applicant screening" ;
    aiact:usedFor aiact:AnnexIIIUseCase4a ;
    aiact:hasProvider :vendor ;
    aiact:hasMeasure [ a eu-aiact:TechnicalDocumentation ] , [ a eu-aiact:InstructionForUse ] ,
                     [ a eu-aiact:CEMarking ] .
:vendor a eu-aiact:AIProvider ; rdfs:label "Vendor" .
"""


def test_a_description_in_dpv_terms_is_read_in_ours(engine):
    report = engine.validate(DPV_DESCRIPTION.encode(), "dpv.ttl", on=ON)
    assert not report.unknown_terms
    entry = report.classification[0]
    assert "AnnexIIIHighRiskAISystem" in {t.iri.removeprefix(ONTOLOGY) for t in entry.classes}
    unmet = {f.obligation for f in report.results}
    # the evidence typed with DPV's classes counts as ours ...
    assert OBL + "art_11.par_1.sbp_1" not in unmet and OBL + "art_16.pnt_h" not in unmet
    assert OBL + "art_13.par_2" not in unmet
    # ... and what it does not show is still found
    assert OBL + "art_9.par_1" in unmet


def test_every_annex_iii_area_is_reached_by_a_mapping_of_another_vocabulary(store):
    rows = store.select("""
        PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
        SELECT DISTINCT ?area WHERE {
          { ?mapping aiact:mapsToUseCase/aiact:inArea ?area } UNION { ?mapping aiact:impliesArea ?area }
        }""")
    assert {row["area"].value.rsplit("#", 1)[-1] for row in rows} == {f"AnnexIIIArea{n}" for n in range(1, 9)}


DPV_EMPLOYEES = """@prefix dpv: <https://w3id.org/dpv#> .
@prefix eu-aiact: <https://w3id.org/dpv/legal/eu/aiact#> .
<https://example.org/s> a eu-aiact:EmotionRecognitionSystem ; dpv:hasDataSubject dpv:Employee .
"""


def test_dpv_emotion_recognition_on_employees_is_prohibited_and_not_minimal_risk(engine):
    report = engine.validate(DPV_EMPLOYEES.encode(), "dpv.ttl", on=ON)
    entry = report.classification[0]
    assert ACT + "art_5.par_1.pnt_f" in entry.provisions and not entry.minimal
    prohibition = next(e for e in entry.evidence if e.provision == ACT + "art_5.par_1.pnt_f")
    # the facts are the user's own DPV triples, by line, not the terms they were mapped to
    assert {(f.line, f.predicate, f.object) for f in prohibition.facts} == {
        (3, "a", "eu-aiact:EmotionRecognitionSystem"), (3, "dpv:hasDataSubject", "dpv:Employee")}
    safety = DPV_EMPLOYEES.replace("dpv:Employee .", "dpv:Employee ;\n    <https://w3id.org/aiact-kg/ontology#forMedicalOrSafetyReasons> true .")
    entry = engine.validate(safety.encode(), "dpv.ttl", on=ON).classification[0]
    assert ACT + "art_5.par_1.pnt_f" not in entry.provisions and ACT + "anx_III.pnt_1.pnt_c" in entry.points


DPV_PROFILING = """@prefix dpv: <https://w3id.org/dpv#> .
@prefix aiact: <https://w3id.org/aiact-kg/ontology#> .
<https://example.org/s> a aiact:AISystem ; aiact:usedFor aiact:AnnexIIIUseCase4a ;
    aiact:claimsDerogation aiact:PreparatoryTask ; dpv:hasProcessing dpv:Profiling .
"""


def test_profiling_stated_in_dpv_defeats_the_article_6_3_derogation(engine):
    entry = engine.validate(DPV_PROFILING.encode(), "dpv.ttl", on=ON).classification[0]
    assert "AnnexIIIHighRiskAISystem" in {t.iri.removeprefix(ONTOLOGY) for t in entry.classes}
    assert ACT + "art_6.par_3.sbp_3" in entry.provisions
    without = engine.validate(DPV_PROFILING.replace(" ; dpv:hasProcessing dpv:Profiling", "").encode(), "dpv.ttl", on=ON)
    assert "DerogatedAnnexIIISystem" in {t.iri.removeprefix(ONTOLOGY) for t in without.classification[0].classes}


def test_a_misspelt_dpv_term_is_refused_and_an_unlisted_one_only_reported(engine):
    misspelt = DPV_PROFILING.replace("dpv:hasProcessing", "dpv:hasProcesing")
    with pytest.raises(validation.UnknownTermsError) as caught:
        engine.validate(misspelt.encode(), "dpv.ttl", on=ON)
    assert caught.value.terms[0].suggestion == "https://w3id.org/dpv#hasProcessing"
    unlisted = DPV_PROFILING.replace("dpv:hasProcessing dpv:Profiling", "dpv:hasProcessing dpv:Profiling , dpv:Pseudonymise")
    report = engine.validate(unlisted.encode(), "dpv.ttl", on=ON)
    assert [t.iri for t in report.unknown_terms] == ["https://w3id.org/dpv#Pseudonymise"]
    assert not report.unknown_terms[0].refused


SECTOR = """
@prefix dpv: <https://w3id.org/dpv#> .
@prefix sector-education: <https://w3id.org/dpv/sector/education#> .
@prefix sector-finance: <https://w3id.org/dpv/sector/finance#> .
@prefix eu-aiact: <https://w3id.org/dpv/legal/eu/aiact#> .
@prefix : <https://example.org/sector#> .
:system a TYPE ; dpv:hasPurpose PURPOSE ; dpv:hasDataSubject dpv:Student .
"""


def sector_verdict(engine, purpose: str, system_type: str = "eu-aiact:AISystem", subject: str = "dpv:Student"):
    text = SECTOR.replace("PURPOSE", purpose).replace("TYPE", system_type).replace("dpv:Student", subject)
    report = engine.validate(text.encode(), "s.ttl", on=ON)
    entry = report.classification[0]
    return ({t.iri.removeprefix(ONTOLOGY) for t in entry.tiers + entry.classes},
            {p.removeprefix(ACT) for p in entry.points})


@pytest.mark.parametrize("purpose, point", [
    ("sector-education:StudentAdmissionScreening", "anx_III.pnt_3.pnt_a"),
    ("sector-education:StudentInstituteAllocation", "anx_III.pnt_3.pnt_a"),
    ("sector-education:StudentExamAssessment", "anx_III.pnt_3.pnt_b"),
    ("sector-education:StudentAcademicPotentialAssessment", "anx_III.pnt_3.pnt_c"),
    ("sector-education:StudentInPersonProctoring", "anx_III.pnt_3.pnt_d"),
    ("sector-finance:CreditHistoryEvaluation", "anx_III.pnt_5.pnt_b"),
])
def test_a_dpv_sector_purpose_alone_places_the_system_in_its_annex_iii_point(engine, purpose, point):
    classes, points = sector_verdict(engine, purpose)
    assert "AnnexIIIHighRiskAISystem" in classes and points == {point}


@pytest.mark.parametrize("purpose", ["sector-education:StudentPerformanceAssessment",
                                     "sector-education:StudentPlagiarismDetection",
                                     "sector-finance:TransactionFraudManagement",
                                     "sector-finance:InsurancePricingManagement"])
def test_a_dpv_sector_purpose_wider_than_its_point_or_excepted_from_it_does_not_classify(engine, purpose):
    classes, points = sector_verdict(engine, purpose)
    assert "HighRiskAISystem" not in classes and points == set()


def test_an_education_purpose_places_emotion_recognition_in_an_education_institution(engine):
    # the persons are participants, not students: only the purpose can place the system
    classes, points = sector_verdict(engine, "sector-education:StudentContentDelivery", "eu-aiact:EmotionRecognitionSystem",
                                     "dpv:Participant")
    assert "ProhibitedAISystem" in classes and "art_5.par_1.pnt_f" in points
    research, research_points = sector_verdict(engine, "sector-education:ResearchUserStudyManagement",
                                               "eu-aiact:EmotionRecognitionSystem", "dpv:Participant")
    assert "ProhibitedAISystem" not in research and "art_5.par_1.pnt_f" not in research_points


def test_a_misspelt_dpv_sector_term_is_refused_with_the_term_meant(engine):
    text = SECTOR.replace("PURPOSE", "sector-education:StudentOnlineProctorng").replace("TYPE", "eu-aiact:AISystem")
    with pytest.raises(validation.UnknownTermsError) as caught:
        engine.validate(text.encode(), "s.ttl", on=ON)
    assert [t.suggestion for t in caught.value.terms] == ["https://w3id.org/dpv/sector/education#StudentOnlineProctoring"]
