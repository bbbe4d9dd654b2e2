"""The validation shapes of ``shapes/``: they are well-formed SHACL (SHACL-SHACL), every shape
and rule cites a provision of the Act that exists, every obligation a shape checks exists,
the data cases of ``tests/shapes/`` give the result they name, and the coverage table shows
a shape for every obligation a description can evidence.

A case of ``tests/shapes/valid/`` is a description that must conform; a case of
``tests/shapes/invalid/`` shows one failure and names it in its header comment:
``# expect-shape: RiskManagementSystemShape`` (the shape that reports it) and, where the
shape checks an obligation, ``# expect-obligation: obl:art_9.par_1``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF, SH

from aiact_kg import paths, validation
from aiact_kg.vocab import DEFAULT_BASE, ONTOLOGY_NS

CASES = Path(__file__).parent / "shapes"
#: The namespace of the shapes (shapes/*.ttl).
SHP = DEFAULT_BASE + "shapes#"
AIACT = rdflib.Namespace(ONTOLOGY_NS)
OBL = DEFAULT_BASE + "reg/2024/1689/obligation/"
#: A day on which every obligation of the Act applies: findings are violations.
EVERYTHING_APPLIES = date(2028, 1, 1)

#: Statements with a measure that no shape checks yet, each with the reason.
KNOWN_GAPS = {
    # Article 5(2), second subparagraph: the impact assessment and registration of each use of
    # real-time remote biometric identification authorised under Article 5(1)(h); the
    # description vocabulary cannot state such an authorised use (using the practice is
    # classified as prohibited), so no shape can target it.
    OBL + "art_5.par_2.sbp_2-fria-registration",
}


def shapes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(paths.SHAPES.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return shapes_graph()


@pytest.fixture(scope="module")
def engine(store) -> validation.Engine:
    return validation.Engine(store=store)


def exists(store, iri) -> bool:
    return store.ask("ASK { ?s ?p ?o }", {"s": pyoxigraph_node(iri)})


def pyoxigraph_node(iri):
    import pyoxigraph

    return pyoxigraph.NamedNode(str(iri))


def named_shapes(graph: rdflib.Graph) -> set:
    found = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
    return {s for s in found if isinstance(s, rdflib.URIRef)}


def test_the_shapes_are_valid_shacl_by_shacl_shacl(shapes):
    import pyshacl

    conforms, _, text = pyshacl.validate(rdflib.Graph(), shacl_graph=shapes, meta_shacl=True, advanced=True)
    assert conforms, text


def test_every_family_has_its_own_shapes_file():
    names = {p.stem for p in paths.SHAPES.glob("*.ttl")}
    assert {"classification", "prohibited", "high-risk-provider", "high-risk-deployer", "importer-distributor",
            "transparency", "general-purpose-models", "ai-literacy", "interop"} <= names


def test_every_shape_and_rule_cites_a_provision(shapes):
    uncited = [s for s in named_shapes(shapes) | set(shapes.objects(None, SH.rule))
               if shapes.value(s, DCTERMS.source) is None]
    assert not uncited


def test_every_cited_provision_exists_in_the_graph(shapes, store):
    cited = {o for s in named_shapes(shapes) | set(shapes.objects(None, SH.rule))
             for o in shapes.objects(s, DCTERMS.source)}
    assert cited
    missing = sorted(str(o) for o in cited if not exists(store, o))
    assert not missing


def test_every_named_shape_has_a_message_a_lawyer_can_read(shapes):
    checking = set(shapes.subjects(AIACT.checksObligation, None))
    def messages(shape):
        for node in [shape, *shapes.objects(shape, SH.sparql)]:
            yield from shapes.objects(node, SH.message)

    silent = [s for s in checking if not any(m.language == "en" for m in messages(s))]
    assert not silent


def test_every_checked_obligation_exists_in_the_ontology(shapes, store):
    checked = set(shapes.objects(None, AIACT.checksObligation))
    assert len(checked) >= 40
    missing = sorted(str(o) for o in checked if not store.ask(
        "PREFIX aiact: <https://w3id.org/aiact-kg/ontology#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "ASK { ?s a/rdfs:subClassOf* aiact:NormativeStatement }", {"s": pyoxigraph_node(o)}))
    assert not missing


def test_every_obligation_with_a_measure_has_a_shape(store):
    rows = store.run("shape-coverage")
    uncovered = sorted({r["statement"].value for r in rows if r["status"].value == "no shape"} - KNOWN_GAPS)
    assert not uncovered
    checked = {r["statement"].value for r in rows if r["status"].value == "checked"}
    assert OBL + "art_9.par_1" in checked and OBL + "art_50.par_1" in checked


def test_a_prohibited_practice_has_a_shape_for_each_point_of_article_5_1(shapes):
    checked = {str(o) for o in shapes.objects(None, AIACT.checksObligation)}
    assert {OBL + f"art_5.par_1.pnt_{p}" for p in "abcdefgh"} <= checked
    for shape in shapes.subjects(AIACT.checksObligation, None):
        if "/art_5.par_1.pnt_" in str(shapes.value(shape, AIACT.checksObligation)):
            assert shapes.value(shape, SH.severity) == SH.Violation


# the data cases

def header(path: Path, key: str) -> list[str]:
    values = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(rf"#\s*{key}:\s*(\S+)", line)
        if match:
            values.append(match.group(1))
    return values


def expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return {"obl": OBL, "shp": SHP, "aiact": str(AIACT)}.get(prefix, prefix + ":") + local


VALID = sorted((CASES / "valid").glob("*.ttl"))
INVALID = sorted((CASES / "invalid").glob("*.ttl"))


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_a_valid_case_conforms(engine, path):
    report = engine.validate(path.read_bytes(), path.name, on=EVERYTHING_APPLIES)
    assert report.results == [], [(f.shape, f.message) for f in report.results]
    assert report.conforms


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_an_invalid_case_fails_with_the_result_it_names(engine, path):
    expected_shapes = [SHP + s.removeprefix("shp:") for s in header(path, "expect-shape")]
    expected_obligations = [expand(o) for o in header(path, "expect-obligation")]
    assert expected_shapes, f"{path.name} names no expected result (# expect-shape: ...)"
    report = engine.validate(path.read_bytes(), path.name, on=EVERYTHING_APPLIES)
    assert not report.conforms
    assert sorted({f.shape for f in report.results}) == sorted(expected_shapes), \
        [(f.shape, f.message) for f in report.results]
    for obligation in expected_obligations:
        assert obligation in {f.obligation for f in report.results}
