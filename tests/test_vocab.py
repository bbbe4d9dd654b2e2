"""The closed namespaces of the code name only terms the ontology declares."""

from __future__ import annotations

import pytest
import rdflib

from aiact_kg import paths
from aiact_kg.vocab import AIACT, ELI


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(paths.ONTOLOGY.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def test_every_aiact_term_named_in_code_is_declared_in_the_ontology(ontology):
    declared = [term for term in dir(AIACT) if not str(term).startswith("_")]
    assert len(declared) >= 25
    missing = [term for term in declared if (rdflib.URIRef(term), rdflib.RDF.type, None) not in ontology]
    assert missing == []


def test_every_eli_term_named_in_code_is_declared_in_the_ontology(ontology):
    used = ["LegalResource", "LegalResourceSubdivision", "is_part_of", "has_part", "number", "title", "cites",
            "date_document", "date_publication", "first_date_entry_in_force", "id_local"]
    for term in used:
        assert (rdflib.URIRef(ELI._NS + term), rdflib.RDF.type, None) in ontology, term


def test_a_misspelled_term_fails_loudly():
    with pytest.raises(AttributeError):
        AIACT.Artcle  # noqa: B018
