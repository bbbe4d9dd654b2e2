"""The validator in English and French: every shape gives its message in both languages with the
same placeholders; a report asked in French carries each shape's French message and the
engine's own words in French, with the same findings as in English; a message a shape gives
in English alone is reported in English and says so; ``aiact-kg validate --lang fr``."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import NamedNode
from rdflib import Literal, URIRef
from rdflib.namespace import SH

from aiact_kg import build, cli, paths, shacl, validation
from aiact_kg.messages import catalogue

EXAMPLES = sorted(paths.EXAMPLES.glob("*.ttl")) + sorted((paths.EXAMPLES / "airo").glob("*.ttl"))
INCOMPLETE_CV_SCREENING = paths.EXAMPLES / "cv-screening-incomplete.ttl"
ON = date(2026, 9, 1)
OBL = "https://w3id.org/aiact-kg/reg/2024/1689/obligation/"
PLACEHOLDER = re.compile(r"\{[?$]\w+\}")
#: English words no French message has: one of them in a French message is English left.
ENGLISH = {"the", "of", "and", "with", "is", "are", "this", "that", "which", "shows", "does", "not", "requires",
           "require", "must", "provider", "deployer", "system", "state", "it", "its"}


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data="\n".join(build.curated_triples(paths.SHAPES, build.configured_base(None))), format="nt")
    return graph


@pytest.fixture(scope="module")
def engine(store) -> validation.Engine:
    return validation.Engine(store=store)


def messages_of(shapes: rdflib.Graph) -> dict:
    """Each node that gives a message (a shape, a SPARQL constraint) -> its messages."""
    found: dict = {}
    for node, message in shapes.subject_objects(SH.message):
        found.setdefault(node, []).append(message)
    return found


def name(shapes, node) -> str:
    """The shape a node's message belongs to (its own IRI, or that of the shape holding its constraint)."""
    return str(node) if isinstance(node, URIRef) else str(shapes.value(None, SH.sparql, node))


# -- the shapes -------------------------------------------------------------------------------------

def test_every_message_of_a_shape_is_given_once_in_english_and_once_in_french(shapes):
    given = messages_of(shapes)
    assert len(given) == 62
    languages = {name(shapes, node): sorted(m.language or "" for m in found) for node, found in given.items()}
    assert {shape: langs for shape, langs in languages.items() if langs != ["en", "fr"]} == {}


def test_the_two_languages_of_a_message_have_the_same_placeholders_and_code(shapes):
    differ = {}
    for node, found in messages_of(shapes).items():
        by_lang = {m.language: str(m) for m in found}
        for pattern in (PLACEHOLDER, re.compile(r"aiact:\w+")):
            if sorted(pattern.findall(by_lang["en"])) != sorted(pattern.findall(by_lang["fr"])):
                differ[name(shapes, node)] = (pattern.findall(by_lang["en"]), pattern.findall(by_lang["fr"]))
    assert differ == {}
    assert sum("{?item}" in str(m) for found in messages_of(shapes).values() for m in found) == 2


def test_the_french_messages_are_french_and_cite_as_the_french_pages_do(shapes):
    for node, found in messages_of(shapes).items():
        french = next(str(m) for m in found if m.language == "fr")
        words = set(re.findall(r"[^\W\d_]+", PLACEHOLDER.sub("", re.sub(r"aiact:\w+", "", french)).lower()))
        assert words & ENGLISH == set(), (name(shapes, node), words & ENGLISH)
        # "article 9, paragraphe 1", "point a)", "annexe III, point 4": never "Article 9(1)" or "point (a)"
        assert not re.search(r"\d\(\d|point \(|Annex\b|[Aa]rticle \d+\(", french), (name(shapes, node), french)
        assert "'" not in french, "the typographic apostrophe, as the French pages print it"


@pytest.mark.parametrize("term", [
    "fournisseur", "déployeur", "mandataire", "importateur", "distributeur", "système d’IA à haut risque",
    "modèle d’IA à usage général", "risque systémique", "maîtrise de l’IA", "analyse d’impact sur les droits fondamentaux",
    "base de données de l’UE", "autorité de surveillance du marché", "notice d’utilisation", "déclaration UE de conformité",
    "marquage CE", "système de gestion des risques", "système de gestion de la qualité", "documentation technique",
    "surveillance après commercialisation", "incidents graves", "Bureau de l’IA", "organisme notifié", "hypertrucage",
    "identification biométrique à distance", "espaces accessibles au public", "à des fins répressives",
    "système de reconnaissance des émotions", "système de catégorisation biométrique", "contrôle humain",
])
def test_the_french_messages_use_the_act_s_own_terms(shapes, term):
    """Each term the French messages use is the Act's own: it is in the French official text,
    and a message uses it."""
    from lxml import html

    official = " ".join(html.parse(str(next((paths.CORPUS / "fr" / "html").glob("*.html")))).getroot()
                        .text_content().split()).replace("'", "’")
    assert term in official
    french = [str(m) for found in messages_of(shapes).values() for m in found if m.language == "fr"]
    assert any(term in m for m in french)


# -- a report in French -------------------------------------------------------------------------

def finding_facts(report) -> list:
    return sorted((f.severity, f.obligation, f.shape, f.focus, f.path, tuple(f.provisions),
                   f.applicable_from.isoformat() if f.applicable_from else "") for f in report.results)


def test_a_french_report_gives_each_finding_its_shape_s_french_message(engine, shapes):
    data = INCOMPLETE_CV_SCREENING.read_bytes()
    english = engine.validate(data, INCOMPLETE_CV_SCREENING.name, ON)
    french = engine.validate(data, INCOMPLETE_CV_SCREENING.name, ON, lang="fr")
    assert french.lang == "fr" and english.lang == "en"
    assert finding_facts(french) == finding_facts(english) and len(french.results) == 3
    (risk,) = [f for f in french.results if f.obligation == OBL + "art_9.par_1"]
    written = shapes.value(URIRef(risk.shape), SH.message)  # one of the two
    said = {m.language: str(m) for m in shapes.objects(URIRef(risk.shape), SH.message)}
    assert written is not None and risk.message == said["fr"] and risk.message_lang == "fr"
    assert risk.message.startswith("La description ne fait apparaître aucun système de gestion des risques pour ce "
                                   "système d’IA à haut risque. L’article 9, paragraphe 1, impose")
    assert all(f.message_lang == "fr" for f in french.results)
    assert {f.message for f in english.results} == {
        str(m) for f in english.results for m in shapes.objects(URIRef(f.shape), SH.message) if m.language == "en"}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_has_the_same_findings_in_both_languages(engine, path):
    english = engine.validate(path.read_bytes(), path.name, ON, allow_unknown_terms=True)
    french = engine.validate(path.read_bytes(), path.name, ON, allow_unknown_terms=True, lang="fr")
    assert finding_facts(french) == finding_facts(english)
    assert french.conforms == english.conforms
    assert [(c.node, [t.iri for t in c.tiers + c.classes], c.provisions, c.points, c.missing_kinds)
            for c in french.classification] == [
        (c.node, [t.iri for t in c.tiers + c.classes], c.provisions, c.points, c.missing_kinds)
        for c in english.classification]
    assert [f for f in french.results if f.message_lang != "fr"] == []
    assert len(french.warnings) == len(english.warnings)


def test_a_message_filled_by_a_sparql_constraint_is_in_french(engine):
    data = INCOMPLETE_CV_SCREENING.read_text(encoding="utf-8") + """
<https://example.org/cv-screening-incomplete#cv-filter> <https://w3id.org/aiact-kg/ontology#hasMeasure> [
    a <https://w3id.org/aiact-kg/ontology#TechnicalDocumentation> ;
    <https://w3id.org/aiact-kg/ontology#coversAnnexIVItem> 1, 2, 3, 4, 5, 6, 7, 9 ] .
"""
    french = engine.validate(data.encode("utf-8"), "cv.ttl", ON, lang="fr")
    english = engine.validate(data.encode("utf-8"), "cv.ttl", ON)
    (point,) = [f for f in french.results if f.shape and f.shape.endswith("AnnexIVCoverageShape")]
    assert point.message.startswith("La documentation technique de ce système d’IA à haut risque ne couvre pas le "
                                    "point 8 de l’annexe IV ;") and point.message_lang == "fr"
    (english_point,) = [f for f in english.results if f.shape and f.shape.endswith("AnnexIVCoverageShape")]
    assert "does not cover point 8 of Annex IV" in english_point.message and english_point.message_lang == "en"


def test_the_engine_s_own_words_are_french(engine):
    later = engine.validate(INCOMPLETE_CV_SCREENING.read_bytes(), "cv.ttl", date(2026, 8, 1), lang="fr")
    assert {f.severity for f in later.results} == {"Warning"}
    assert all(f.message.endswith(" (Cette obligation s’applique à partir du 2026-08-02.)") for f in later.results)
    empty = engine.validate(b"# nothing\n", "empty.ttl", ON, lang="fr")
    assert empty.results[0].message.startswith("La description est vide :") and empty.results[0].message_lang == "fr"
    nothing = engine.validate(b"<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> \"A\" .\n",
                              "a.nt", ON, lang="fr")
    assert nothing.warnings == ["Aucun système d’IA ni modèle d’IA à usage général trouvé : donnez au système le type "
                                "aiact:AISystem (ou au modèle le type aiact:GeneralPurposeAIModel)."]
    misspelt = (b"@prefix aiact: <https://w3id.org/aiact-kg/ontology#> .\n"
                b"<http://example.org/s> a aiact:AISystem ; aiact:intendedPurpse \"x\" .\n")
    warned = engine.validate(misspelt, "m.ttl", ON, allow_unknown_terms=True, lang="fr")
    assert warned.warnings[0].startswith("ligne 2 : terme inconnu : https://w3id.org/aiact-kg/ontology#intendedPurpse "
                                         "n’est pas un terme de ")
    assert warned.warnings[0].endswith(" n’est pas un terme de aiact (l’ontologie de ce projet) (vouliez-vous dire "
                                       "https://w3id.org/aiact-kg/ontology#intendedPurpose ?)")


def test_a_french_report_names_tiers_roles_and_provisions_in_french(engine):
    report = engine.validate(INCOMPLETE_CV_SCREENING.read_bytes(), "cv.ttl", ON, lang="fr")
    (system,) = report.classification
    assert [t.label for t in system.tiers] == ["haut risque"]
    assert {r.role_label for r in system.roles} == {"fournisseur", "déployeur"}
    assert report.labels["https://w3id.org/aiact-kg/reg/2024/1689/art_9.par_1"] == "Article 9, paragraphe 1"
    graph = validation.report_graph([report])
    messages = set(graph.objects(None, SH.resultMessage))
    assert messages and {m.language for m in messages} == {"fr"}


def test_a_message_a_shape_gives_in_english_alone_is_reported_in_english_and_says_so():
    said = {"en": "A provider puts a quality management system in place."}
    assert validation._in_language(said, "fr") == (said["en"], "en")
    assert validation._in_language({**said, "fr": "Un fournisseur…"}, "fr") == ("Un fournisseur…", "fr")
    assert validation._in_language({"": "No language"}, "fr") == ("No language", "en")
    assert validation._in_language({}, "fr") == ("Une contrainte du règlement n’est pas respectée.", "fr")


def test_the_language_of_a_sparql_constraint_s_message_is_found_from_its_template():
    shapes = rdflib.Graph().parse(format="turtle", data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
          sh:sparql [ a sh:SPARQLConstraint ; sh:message "item {?i} of {$this}"@en , "point {?i} de {$this}"@fr ;
                      sh:select "SELECT $this ?i WHERE { $this a ?t . BIND(3 AS ?i) }" ] .""")
    data = rdflib.Graph().parse(format="turtle", data="<http://example.org/x> a <http://example.org/C> .")
    results = shacl.PreparedShapes(shapes).validate(data)
    (result,) = results.subjects(rdflib.RDF.type, SH.ValidationResult)
    assert {m.language for m in results.objects(result, SH.resultMessage)} == {None}  # pyshacl drops the tags
    assert shacl.result_messages(results, result, shapes) == {"en": "item 3 of http://example.org/x",
                                                               "fr": "point 3 de http://example.org/x"}


def test_an_unknown_language_is_refused(engine):
    with pytest.raises(ValueError, match="unknown language 'de'"):
        engine.validate(INCOMPLETE_CV_SCREENING.read_bytes(), "cv.ttl", ON, lang="de")


def test_every_word_the_validator_writes_has_its_french():
    """Each message the engine, the text report and the vocabularies write (``say(lang, "…")``)
    is in the catalogue with its French."""
    import ast

    french = catalogue()["fr"]
    said = set()
    for module in ("validation.py", "vocabularies.py"):
        tree = ast.parse((Path(validation.__file__).parent / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "say"
                    and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)):
                said.add(node.args[1].value)
    assert len(said) > 30
    assert sorted(said - set(french)) == []


# -- the command ------------------------------------------------------------------------------------

@pytest.fixture
def process_engine(engine):
    validation.use_engine(engine)
    yield engine
    validation.use_engine(None)


def test_the_command_reports_in_french_with_lang_fr(process_engine, capsys):
    path = str(INCOMPLETE_CV_SCREENING)
    assert cli.main(["validate", path, "--on", ON.isoformat(), "--lang", "fr"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{path}: non conforme (le règlement tel qu’il s’applique le 2026-09-01 ; ")
    assert "constats (3 violations, 0 avertissements) :" in out
    assert "- Violation : La description ne fait apparaître aucun système de gestion des risques" in out
    assert "niveau de risque : haut risque" in out and "Article 9, paragraphe 1" in out
    assert "does not" not in out and "the description" not in out
    assert cli.main(["validate", path, "--on", ON.isoformat(), "--lang", "fr", "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["lang"] == "fr" and {r["message_lang"] for r in document["results"]} == {"fr"}
    assert cli.main(["validate", path, "--on", ON.isoformat(), "--format", "ttl", "--lang", "fr"]) == 1
    graph = rdflib.Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert {m.language for m in graph.objects(None, SH.resultMessage)} == {"fr"}



def test_the_command_explains_with_the_french_definitions_with_lang_fr(process_engine, capsys):
    path = str(INCOMPLETE_CV_SCREENING)
    assert cli.main(["validate", path, "--on", ON.isoformat(), "--lang", "fr", "--explain"]) == 1
    out = capsys.readouterr().out
    assert "définition de haut risque (Article 6): Les systèmes d’IA à haut risque classés par l’article 6, soumis au " \
           "chapitre III." in out
    assert "Un système d’IA visé à l’annexe III, sauf si la dérogation de l’article 6, paragraphe 3" in out
    assert "High-risk AI systems classified" not in out and "An AI system referred to in Annex III" not in out


def test_a_french_report_gives_each_tier_and_class_its_french_definition(engine, store):
    french = engine.validate(INCOMPLETE_CV_SCREENING.read_bytes(), "cv.ttl", ON, lang="fr")
    english = engine.validate(INCOMPLETE_CV_SCREENING.read_bytes(), "cv.ttl", ON)
    (system,) = french.classification
    (system_en,) = english.classification
    named = system.tiers + system.classes
    assert len(named) >= 2
    for tier, tier_en in zip(named, system_en.tiers + system_en.classes):
        (words,) = store.run("validation-definition", resource=NamedNode(tier.iri), lang="fr")
        assert tier.definition == words["definition"].value != tier_en.definition

def test_the_command_reports_in_english_by_default(process_engine, capsys):
    assert cli.main(["validate", str(INCOMPLETE_CV_SCREENING), "--on", ON.isoformat()]) == 1
    out = capsys.readouterr().out
    assert ": does not conform (the Act as it applies on 2026-09-01; " in out
    assert "The description shows no risk management system for this high-risk AI system." in out


def test_the_command_refuses_another_language(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["validate", str(INCOMPLETE_CV_SCREENING), "--lang", "de"])
    assert exit.value.code == 2 and "invalid choice: 'de'" in capsys.readouterr().err


def test_unknown_terms_are_refused_in_french_on_the_command_line(process_engine, tmp_path, capsys):
    path = tmp_path / "m.ttl"
    path.write_text("@prefix aiact: <https://w3id.org/aiact-kg/ontology#> .\n"
                    "<http://example.org/s> a aiact:AISystem ; aiact:intendedPurpse \"x\" .\n", encoding="utf-8")
    assert cli.main(["validate", str(path), "--lang", "fr"]) == 2
    err = capsys.readouterr().err
    assert f"aiact-kg: error: {path}:2: terme inconnu : " in err
    assert "aiact-kg: une description qui repose sur des termes inconnus n’est pas validée" in err


def test_a_literal_message_keeps_its_language_in_the_report_graph(engine):
    report = engine.validate(INCOMPLETE_CV_SCREENING.read_bytes(), "cv.ttl", ON)
    graph = validation.report_graph([report])
    assert {m.language for m in graph.objects(None, SH.resultMessage)} == {"en"}
    assert Literal(report.results[0].message, lang="en") in set(graph.objects(None, SH.resultMessage))


def test_every_vocabulary_named_in_words_has_its_french_name():
    from rdflib.namespace import RDFS

    known = rdflib.Graph().parse(paths.VOCABULARIES / "catalogue.ttl", format="turtle")
    named = {str(label) for label in known.objects(None, RDFS.label)}
    worded = {label for label in named if not re.fullmatch(r"[A-Z]+", label)}
    assert "aiact (this project's ontology)" in worded and "AIRO" in named - worded
    assert sorted(worded - set(catalogue()["fr"])) == []
