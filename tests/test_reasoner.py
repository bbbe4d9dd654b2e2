"""HermiT over the ontology: it is consistent, and it classifies described systems as the law
does (Articles 5, 6, 25, 27, 50 and 51). The reasoner runs once per fixture, each run a few
seconds; the described systems are tests/data/reasoner/descriptions.ttl."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from aiact_kg import reasoner
from aiact_kg.cli import main
from aiact_kg.vocab import ONTOLOGY_NS

DESCRIPTIONS = Path(__file__).parent / "data" / "reasoner" / "descriptions.ttl"
EX = "https://example.org/described/"


def aiact(name: str) -> str:
    return ONTOLOGY_NS + name


@pytest.fixture(scope="module")
def ontology_inferences() -> reasoner.Inferences:
    return reasoner.reason_over_ontology()


@pytest.fixture(scope="module")
def classified() -> reasoner.Inferences:
    return reasoner.classify([DESCRIPTIONS])


def classes(inferences: reasoner.Inferences, name: str) -> set[str]:
    return inferences.classes_of(EX + name)


def test_hermit_finds_the_ontology_consistent_with_no_unsatisfiable_class(ontology_inferences):
    # reason() raises ReasonerError on inconsistency or an unsatisfiable class
    assert (aiact("AnnexIHighRiskAISystem"), aiact("AISystem")) in ontology_inferences.subclasses


def test_the_hierarchy_is_materialised_transitively(ontology_inferences):
    assert (aiact("SinglePointOfContact"), aiact("NationalCompetentAuthority")) in ontology_inferences.subclasses
    assert (aiact("NotifiedBody"), aiact("Organisation")) in ontology_inferences.subclasses


def test_annex_i_acts_are_annex_i_legislation(ontology_inferences):
    assert (aiact("AnnexILegislation11"), aiact("AnnexILegislation")) in ontology_inferences.types


def test_an_annex_iii_system_without_derogation_is_high_risk(classified):
    found = classes(classified, "cv-screening")
    assert aiact("AnnexIIIHighRiskAISystem") in found
    assert aiact("HighRiskAISystem") in found


def test_a_derogation_claim_with_profiling_stays_high_risk(classified):
    found = classes(classified, "credit-scoring")
    assert aiact("AnnexIIIHighRiskAISystem") in found
    assert aiact("DerogatedAnnexIIISystem") not in found


def test_a_derogation_claim_without_profiling_is_not_high_risk(classified):
    for name in ("timetable-checker", "timetable-checker-silent"):
        found = classes(classified, name)
        assert aiact("DerogatedAnnexIIISystem") in found
        assert aiact("HighRiskAISystem") not in found


def test_a_safety_component_needing_third_party_assessment_is_high_risk_under_article_6_1(classified):
    assert aiact("AnnexIHighRiskAISystem") in classes(classified, "infusion-controller")
    assert aiact("HighRiskAISystem") not in classes(classified, "toy-voice")


def test_a_model_above_10_to_the_25_flop_has_systemic_risk(classified):
    assert aiact("GPAIModelWithSystemicRisk") in classes(classified, "frontier-model")


def test_a_model_at_exactly_10_to_the_25_flop_is_not_presumed_to_have_systemic_risk(classified):
    assert aiact("GPAIModelWithSystemicRisk") not in classes(classified, "threshold-model")


def test_a_model_designated_by_the_commission_has_systemic_risk(classified):
    assert aiact("GPAIModelWithSystemicRisk") in classes(classified, "designated-model")


def test_social_scoring_makes_a_system_prohibited(classified):
    assert aiact("ProhibitedAISystem") in classes(classified, "social-score")


def test_transparency_classes_of_article_50(classified):
    found = classes(classified, "chatbot")
    assert {aiact("InteractiveAISystem"), aiact("SyntheticContentGenerator")} <= found


def test_roles_follow_from_the_description(classified):
    assert aiact("PublicServiceDeployer") in classes(classified, "city-council")
    assert aiact("GPAIModelProvider") in classes(classified, "model-lab")
    assert aiact("DownstreamProvider") in classes(classified, "app-maker")
    assert aiact("Operator") in classes(classified, "hiring-co")


def test_an_inconsistent_description_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix aiact: <https://w3id.org/aiact-kg/ontology#> .\n"
                   "<https://example.org/x> a aiact:AISystem , aiact:GeneralPurposeAIModel .\n")
    with pytest.raises(reasoner.ReasonerError, match="inconsistent"):
        reasoner.classify([bad])


def test_reason_command_writes_the_inferences_beside_the_graph(capsys):
    assert main(["reason"]) == 0
    out = capsys.readouterr().out
    assert "the ontology is consistent" in out
    inferred = Path(out.split("inferred: ", 1)[1].split(" (", 1)[0])
    try:
        assert inferred.name.startswith("inferred-")
        graph = rdflib.Graph().parse(inferred, format="nt")
        assert (rdflib.URIRef(aiact("Provider")), rdflib.RDFS.subClassOf, rdflib.URIRef(aiact("Organisation"))) in graph
    finally:  # the other tests of the session read the graph without inferences
        inferred.unlink(missing_ok=True)


def test_graph_files_include_the_inferences_once_written(tmp_path, monkeypatch):
    from aiact_kg import build

    monkeypatch.setattr(build, "build", lambda base=None: tmp_path / "graph.nt")
    monkeypatch.setattr(build, "inferred_path", lambda base=None: tmp_path / "inferred.nt")
    assert build.graph_files() == [tmp_path / "graph.nt"]
    build.write_inferred(["<a:b> <a:c> <a:d> ."])
    assert build.graph_files() == [tmp_path / "graph.nt", tmp_path / "inferred.nt"]


def test_an_inconsistent_description_exits_with_status_2(tmp_path, capsys):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix aiact: <https://w3id.org/aiact-kg/ontology#> .\n"
                   "<https://example.org/x> a aiact:AISystem , aiact:GeneralPurposeAIModel .\n")
    assert main(["reason", "--data", str(bad)]) == 2
    assert "inconsistent" in capsys.readouterr().err
