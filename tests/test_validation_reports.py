"""The engine's whole report of every example is the report it gives with its shapes run by one
plain ``pyshacl.validate`` call (``aiact_kg.shacl.OneCall``): every result (focus, path, shape,
component, severity, message, obligation, provisions, date, facts), the classification (tiers,
classes, provisions, points, roles, the evidence by line, what is missing, the obligations of
``--explain``), the warnings, in English and in French. What the engine does to be fast (the
shapes prepared once, each target query run once per state of the graph, each property path
walked once per focus node, the results named rather than copied, the results no one reads made
without their message) must not change a word of it."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date

import pytest
from rdflib import BNode

from aiact_kg import paths, shacl, validation
from aiact_kg.explanation import SourceText

EXAMPLES = sorted(paths.EXAMPLES.glob("*.ttl")) + sorted(paths.EXAMPLES.glob("airo/*.ttl"))
#: a date when most obligations apply and those of the Annex I route (Article 113(c)) do not yet
ON = date(2026, 8, 2)
_BLANK = re.compile(r"_:([0-9A-Za-z]{16,})")


@pytest.fixture(scope="module")
def engine(store) -> validation.Engine:
    return validation.Engine(store=store)


def _described(graph, node, depth: int = 0) -> str:
    """A blank node by what the graph says of it (each reading names blank nodes anew)."""
    if not isinstance(node, BNode):
        return node.n3()
    if depth > 3:
        return "[]"
    said = sorted(f"{p.n3()} {_described(graph, o, depth + 1)}" for p, o in graph.predicate_objects(node))
    if depth == 0:
        said += sorted(f"^{p.n3()} {_described(graph, s, depth + 1)}" for s, p in graph.subject_predicates(node))
    return "[" + "; ".join(said) + "]"


def whole_report(engine, path, runner=None, lang: str = "en") -> dict:
    """The report of one example in ``lang`` as data, its blank nodes named by what is said of
    them, its results in a stable order; with ``runner``, the engine's shapes run by it."""
    data = path.read_bytes()
    graph = validation.parse(data, path.name)
    prepared = engine.prepared
    engine.prepared = runner or prepared
    try:
        report = engine.validate_graph(graph, path.name, ON, SourceText(data), allow_unknown_terms=True, explain=True,
                                        lang=lang)
    finally:
        engine.prepared = prepared
    text = json.dumps(report.as_dict(), sort_keys=True, ensure_ascii=False)
    names = {b: "_:" + hashlib.sha1(_described(graph, BNode(b)).encode()).hexdigest()[:12]
             for b in set(_BLANK.findall(text))}
    found = json.loads(_BLANK.sub(lambda m: names[m.group(1)], text))
    found["results"].sort(key=lambda r: json.dumps(r, sort_keys=True))
    return found


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(paths.EXAMPLES)))
def test_the_engine_reports_what_one_plain_pyshacl_call_makes_it_report(engine, path, lang):
    fast = whole_report(engine, path, lang=lang)
    plain = whole_report(engine, path, shacl.OneCall(engine.shapes), lang=lang)
    assert fast["classification"], f"{path.name}: nothing classified"
    assert fast == plain


def test_every_example_is_compared_and_the_comparison_sees_findings(engine):
    assert len(EXAMPLES) >= 40 and any(p.parent.name == "airo" for p in EXAMPLES)
    findings = [len(whole_report(engine, p)["results"]) for p in EXAMPLES[:12]]
    assert sum(findings) > 20 and 0 in findings


SYSTEM = """@prefix aiact: <https://w3id.org/aiact-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix : <http://example.org/walks/> .
:cv a aiact:AISystem ; rdfs:label "CV ranking" ;
    aiact:intendedPurpose "Rank job applications for recruiters" ;
    aiact:usedFor aiact:AnnexIIIUseCase4a ; aiact:hasProvider :acme {measures} .
:acme a aiact:Organisation ; rdfs:label "Acme" .
"""
MEASURES = ("RiskManagementSystem", "DataGovernance", "TechnicalDocumentation", "RecordKeeping",
            "InstructionsForUse", "HumanOversight", "AccuracyRobustnessCybersecurity")


def _obligations(report) -> set[str]:
    return {f.obligation.rsplit("/", 1)[-1] for f in report.results if f.obligation}


def test_a_path_walked_for_one_description_is_walked_again_for_the_next(engine):
    """The same system IRI in two descriptions, first with the measures of Articles 9 to 15 and
    then without: the second is checked on what it says, not on what the first said."""
    measures = "; aiact:hasMeasure " + " , ".join(f"[ a aiact:{m} ]" for m in MEASURES)
    unmet = {"art_9.par_1", "art_10.par_1", "art_11.par_1.sbp_1", "art_12.par_1", "art_13.par_2", "art_14.par_1",
             "art_15.par_1"}
    complete = engine.validate(SYSTEM.format(measures=measures).encode(), "complete.ttl", ON)
    bare = engine.validate(SYSTEM.format(measures="").encode(), "bare.ttl", ON)
    again = engine.validate(SYSTEM.format(measures=measures).encode(), "complete.ttl", ON)
    assert not unmet & _obligations(complete)
    assert unmet <= _obligations(bare)
    assert _obligations(again) == _obligations(complete)


def test_the_results_left_unwritten_are_those_of_shapes_only_evaluated_for_conformance(engine):
    """A shape whose results are made without their message is the value of
    sh:qualifiedValueShape, sh:not or a rule's sh:condition, or a member of sh:and, sh:or,
    sh:xone, or a property or node shape below one; no shape with targets, nor any named
    shape, is among them."""
    from rdflib.namespace import RDF, SH

    prepared, shapes = engine.prepared, engine.shapes
    unread = prepared.walks.unread
    assert unread, "the qualified value shapes of shapes/ have inner shapes"
    unread_nodes = {s.node for s in unread}
    conformance_only = {o for p in (SH.qualifiedValueShape, SH["not"], SH.condition) for o in shapes.objects(None, p)}
    for operator in (SH["and"], SH["or"], SH.xone):
        for members in shapes.objects(None, operator):
            conformance_only.update(shapes.items(members))
    for shape in unread:
        assert not prepared.targets(shape).any() and isinstance(shape.node, BNode), shape.node
        parents = set(shapes.subjects(SH.property, shape.node)) | set(shapes.subjects(SH.node, shape.node))
        assert shape.node in conformance_only or (parents and parents <= unread_nodes), shape.node
    article_43 = prepared.graph.lookup_shape_from_node(
        next(s for s in shapes.subjects(RDF.type, SH.PropertyShape) if str(s).endswith("#ConformityProcedureShape")))
    assert article_43 not in unread
    inner = shapes.value(article_43.node, SH.qualifiedValueShape)
    assert prepared.graph.lookup_shape_from_node(inner) in unread
