"""The shapes prepared once (aiact_kg.shacl) give what one pyshacl.validate call gives: the same
conclusions of the rules and the same results, on every example description."""

from __future__ import annotations

from datetime import date

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH

from aiact_kg import paths, shacl, validation

EXAMPLES = sorted(paths.EXAMPLES.glob("*.ttl")) + sorted(paths.EXAMPLES.glob("airo/*.ttl"))


@pytest.fixture(scope="module")
def engine(store) -> validation.Engine:
    return validation.Engine(store=store)


def _mixed(engine, path) -> rdflib.Graph:
    """The description as the shapes see it: read, mapped to our terms, the ontology extract mixed in."""
    graph = validation.parse(path.read_bytes(), path.name)
    engine.map_terms(graph)
    graph.addN((s, p, o, graph) for s, p, o in engine.ontology)
    return graph


def _results(results: rdflib.Graph, engine) -> list[tuple]:
    """Each result as what a report takes from it (blank nodes by the shape that names them)."""
    def named(node):
        return engine.shape_names.get(node, node) if isinstance(node, rdflib.BNode) else node

    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        path = results.value(result, SH.resultPath)
        found.append((str(results.value(result, SH.focusNode)), str(named(results.value(result, SH.sourceShape))),
                      str(results.value(result, SH.sourceConstraintComponent)),
                      str(path) if isinstance(path, rdflib.URIRef) else type(path).__name__,
                      str(results.value(result, SH.value)), str(results.value(result, SH.resultSeverity)),
                      str(results.value(result, SH.resultMessage))))
    return sorted(found)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_prepared_shapes_conclude_and_find_what_one_pyshacl_call_does(engine, path):
    prepared, plain = _mixed(engine, path), _mixed(engine, path)
    stated = len(prepared)
    prepared_results = engine.prepared.validate(prepared)
    plain_results = shacl.validate_plainly(plain, engine.shapes)
    assert isomorphic(prepared, plain), f"{path.name}: the rules concluded differently"
    assert _results(prepared_results, engine) == _results(plain_results, engine)
    assert len(prepared) > stated, f"{path.name}: the rules concluded nothing (every system gets a risk tier)"


# The evidence of a measure is checked as "one of the classes of its measures is the measure
# class" (the path aiact:hasMeasure/rdf:type/rdfs:subClassOf*): a measure typed with a subclass
# of the measure class counts, as it would for sh:class.

SUBCLASSED = """@prefix aiact: <https://w3id.org/aiact-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix : <http://example.org/subclassed/> .
:IsoRiskProcess rdfs:subClassOf aiact:RiskManagementSystem .
:cv a aiact:AISystem ; rdfs:label "CV ranking" ;
    aiact:intendedPurpose "Rank job applications for recruiters" ;
    aiact:usedFor aiact:AnnexIIIUseCase4a ; aiact:hasProvider :acme ;
    aiact:hasMeasure [ a :IsoRiskProcess ] , "a risk management system" .
:acme a aiact:Organisation ; rdfs:label "Acme" .
"""


def _obligations(report) -> set[str]:
    return {f.obligation.rsplit("/", 1)[-1] for f in report.results if f.obligation}


def test_a_measure_of_a_subclass_of_the_risk_management_class_evidences_article_9(engine):
    report = engine.validate(SUBCLASSED.encode(), "subclassed.ttl", date(2026, 8, 2), allow_unknown_terms=True)
    assert "art_9.par_1" not in _obligations(report)
    assert "art_10.par_1" in _obligations(report)  # no data governance is shown


def test_a_measure_given_as_text_evidences_nothing(engine):
    text = SUBCLASSED.replace("[ a :IsoRiskProcess ] , ", "")
    report = engine.validate(text.encode(), "text-measure.ttl", date(2026, 8, 2), allow_unknown_terms=True)
    finding = next(f for f in report.results if f.obligation and f.obligation.endswith("/art_9.par_1"))
    assert finding.severity == validation.VIOLATION and finding.focus == "http://example.org/subclassed/cv"
