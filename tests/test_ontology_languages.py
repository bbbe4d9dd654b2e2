"""The model of the law speaks both languages of the Act: every definition (skos:definition)
and note (rdfs:comment) of ontology/*.ttl is written once in English and once in French; a
French definition that restates a point of Article 3 is the French text of that point word for
word; the French cites provisions as the French text does ("article 3, point 3"), never in the
English manner. Read from the source files and from the built graph (the store fixture)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import NamedNode
from rdflib.namespace import RDFS, SKOS

from aiact_kg import paths

FILES = sorted(paths.ONTOLOGY.glob("*.ttl"))
AIACT = "https://w3id.org/aiact-kg/ontology#"
SPACES = re.compile(r"[\s\u00a0\u202f]+")

#: Terms whose French definition is the French text of a point of Article 3, then its citation.
QUOTING_ARTICLE_3 = {"AISystem": 1, "Provider": 3, "Deployer": 4, "AuthorisedRepresentative": 5, "Importer": 6,
                     "Distributor": 7, "Operator": 8, "NotifyingAuthority": 19, "ConformityAssessmentBody": 21,
                     "NotifiedBody": 22, "MarketSurveillanceAuthority": 26, "GeneralPurposeAISystem": 66}

#: Ways of citing that belong to the English text: "Article 6(2)", "point (a)", "Annex III", "Chapter III".
ENGLISH_CITATION = re.compile(r"\bArticles? \d+\(|\bpoint \(|\bAnnex\b|\bChapter [IVX]")


def normalised(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def documentation(path: Path) -> dict[tuple, list[rdflib.Literal]]:
    """(subject, property) -> its literals, for each definition and note of one file."""
    graph = rdflib.Graph().parse(path)
    found: dict[tuple, list] = {}
    for prop in (SKOS.definition, RDFS.comment):
        for subject, words in graph.subject_objects(prop):
            found.setdefault((subject, prop), []).append(words)
    return found


def test_the_ontology_files_are_found():
    assert {p.name for p in FILES} >= {"actors.ttl", "artefacts.ttl", "annexes.ttl", "text.ttl"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_definition_and_note_is_written_once_in_english_and_once_in_french(path):
    for (subject, prop), literals in documentation(path).items():
        languages = sorted(str(w.language) for w in literals)
        assert languages == ["en", "fr"], f"{path.name}: {subject} {prop.n3()} is in {languages}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_french_is_not_the_english_and_cites_as_the_french_text_does(path):
    for (subject, prop), literals in documentation(path).items():
        english = next(str(w) for w in literals if w.language == "en")
        french = next(str(w) for w in literals if w.language == "fr")
        assert french != english, f"{path.name}: {subject} is not translated"
        assert not ENGLISH_CITATION.search(french), f"{path.name}: {subject} cites in English: {french}"


def test_the_files_hold_every_kind_of_term_the_pages_define():
    counted = {path.name: len(documentation(path)) for path in FILES}
    assert sum(counted.values()) >= 400
    assert counted["artefacts.ttl"] >= 140 and counted["annexes.ttl"] >= 60 and counted["actors.ttl"] >= 34


@pytest.fixture(scope="module")
def article_3_in_french(store) -> dict[int, str]:
    """The French text of each point of Article 3 after its term, as the graph holds it."""
    return {int(row["number"].value): row["definition"].value for row in store.run("definitions", lang="fr")}


@pytest.mark.parametrize("name, point", sorted(QUOTING_ARTICLE_3.items()))
def test_a_french_definition_that_restates_article_3_is_its_french_text(store, article_3_in_french, name, point):
    rows = store.select("""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?words WHERE { ?term skos:definition ?words . FILTER(LANG(?words) = "fr") }""",
                        {"term": NamedNode(AIACT + name)})
    (french,) = [normalised(r["words"].value) for r in rows]
    citation = f" (article 3, point {point})."
    assert french.endswith(citation), french
    quoted = french[: -len(citation)]
    official = normalised(article_3_in_french[point]).rstrip(";.")
    assert quoted[0].lower() + quoted[1:] == official[0].lower() + official[1:]


def test_the_annex_entries_quote_their_point_in_french(store):
    rows = store.select("""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
        SELECT ?words WHERE { aiact:AnnexIIIUseCase5b skos:definition ?words . FILTER(LANG(?words) = "fr") }""")
    assert [r["words"].value for r in rows] == [
        "systèmes d'IA destinés à être utilisés pour évaluer la solvabilité des personnes physiques ou pour établir "
        "leur note de crédit, à l'exception des systèmes d'IA utilisés à des fins de détection de fraudes financières;"]
