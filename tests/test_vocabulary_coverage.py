"""The coverage table of docs/vocabulary-coverage.md says which terms of DPV, AIRO and VAIR the
validator maps: it must name every term the mappings use, and every term it calls mapped must
still be mapped and still be a term of its vocabulary (a term that disappears from a mapping
or from its vocabulary fails here)."""

from __future__ import annotations

import re

import pytest

from aiact_kg import coverage_table, validation
from aiact_kg.coverage_table import DOC, PREFIXES
ROW = re.compile(r"^\| `([\w-]+):([\w.-]+)` \| (mapped|left out) \| (.+) \| (.*) \|$")

MAPPED_TERMS = """
PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?term WHERE {
  { ?mapping a/rdfs:subClassOf aiact:VocabularyMapping ; ?slot ?term .
    VALUES ?slot { aiact:mapsDomain aiact:mapsPurpose aiact:mapsCapability aiact:mapsAlsoCapability
                   aiact:mapsSystemType aiact:mapsSubject aiact:mapsLocality aiact:mapsDeployer
                   aiact:mapsExcludedDomain } }
  UNION { ?ours ?link ?term . VALUES ?link { skos:exactMatch skos:closeMatch aiact:alsoStatedBy aiact:statedBy } }
  UNION { ?term rdfs:subClassOf aiact:AISystem }
  FILTER(!STRSTARTS(STR(?term), "https://w3id.org/aiact-kg/"))
}"""


def expand(prefix: str, local: str) -> str:
    return PREFIXES[prefix] + local


@pytest.fixture(scope="module")
def table() -> dict[str, tuple[str, str, str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            prefix, local, status, what, provisions = match.groups()
            rows[expand(prefix, local)] = (status, what, provisions)
    return rows


@pytest.fixture(scope="module")
def mapped(store) -> set[str]:
    return {row["term"].value for row in store.select(MAPPED_TERMS)}


@pytest.fixture(scope="module")
def vocabularies(store) -> validation.Vocabularies:
    return validation.Engine(store=store).vocabularies


def test_the_table_is_what_the_data_gives(store):
    assert DOC.read_text(encoding="utf-8") == coverage_table.render(store), (
        "docs/vocabulary-coverage.md is out of date: run python -m aiact_kg.coverage_table")


def test_a_term_left_out_of_a_point_but_mapped_to_a_context_says_both(table):
    status, what, provisions = table[PREFIXES["sector-education"] + "StudentPerformanceAssessment"]
    assert status == "mapped" and "aiact:usedIn aiact:EducationInstitution" in what
    assert "not mapped further: Wider than Annex III, point 3(b)" in what and "anx_III.pnt_3.pnt_b" in provisions
    assert table[PREFIXES["sector-finance"] + "FraudManagement"][0] == "left out"


def test_every_term_the_mappings_use_is_in_the_table_as_mapped(table, mapped):
    assert len(mapped) > 150
    missing = sorted(t for t in mapped if table.get(t, ("",))[0] != "mapped")
    assert missing == []


def test_every_term_the_table_calls_mapped_is_still_mapped_and_still_in_its_vocabulary(table, mapped, vocabularies):
    for term, (status, what, provisions) in table.items():
        namespace = vocabularies.namespace_of(term)
        assert namespace is not None and term in namespace.terms, term
        if status == "mapped":
            assert term in mapped, term
            assert provisions, term
        else:
            assert term not in mapped and provisions, term


def test_every_airo_and_vair_term_is_accounted_for(table, vocabularies):
    text = DOC.read_text(encoding="utf-8")
    for prefix in ("airo", "vair"):
        namespace = vocabularies.namespace_of(PREFIXES[prefix] + "x")
        for term in namespace.terms:
            assert term in table or f"`{prefix}:{term[len(PREFIXES[prefix]):]}`" in text, term


def test_the_provisions_the_table_cites_exist(table, store):
    cited = {p for _, _, provisions in table.values() for p in provisions.split("; ") if p}
    found = {row["p"].value.rsplit("/", 1)[-1] for row in store.select(
        "PREFIX eli: <http://data.europa.eu/eli/ontology#> SELECT ?p WHERE { ?p eli:id_local ?id }")}
    assert cited - found == set()
