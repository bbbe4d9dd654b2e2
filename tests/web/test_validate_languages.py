"""The Validate page and its downloads in the interface's language: on /fr/validate each finding
gives its shape's French message (marked lang="fr"), the warnings are French, and the JSON,
HTML and PDF reports are French; on /en/validate they are English."""

from __future__ import annotations

import io
import json
import re

import pytest
import rdflib
from lxml import html as lxml_html
from pyoxigraph import NamedNode
from rdflib import URIRef
from rdflib.namespace import SH

from aiact_kg import build, paths

INCOMPLETE_CV_SCREENING = paths.EXAMPLES / "cv-screening-incomplete.ttl"
ON = "2026-09-01"
RISK_SHAPE = URIRef("https://w3id.org/aiact-kg/shapes#RiskManagementSystemShape")
ANNEX_IV_GAP = ("\n<https://example.org/cv-screening-incomplete#cv-filter> "
                "<https://w3id.org/aiact-kg/ontology#hasMeasure> [ a <https://w3id.org/aiact-kg/ontology#TechnicalDocumentation> ;"
                " <https://w3id.org/aiact-kg/ontology#coversAnnexIVItem> 1, 2, 3, 4, 5, 6, 7, 9 ] ;"
                " <https://w3id.org/aiact-kg/ontology#intendedPurpse> \"x\" .\n")


@pytest.fixture(scope="module")
def said() -> dict[str, str]:
    """The risk management shape's message, by language, as the shapes file writes it."""
    graph = rdflib.Graph()
    graph.parse(data="\n".join(build.curated_triples(paths.SHAPES, build.configured_base(None))), format="nt")
    return {m.language: str(m) for m in graph.objects(RISK_SHAPE, SH.message)}


def post(client, lang: str, path: str = "/validate", data: str | None = None, **fields):
    form = {"description": data or INCOMPLETE_CV_SCREENING.read_text(encoding="utf-8"), "on": ON,
            "allow_unknown_terms": "on", **fields}
    response = client.post(f"/{lang}{path}", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_page_gives_each_finding_its_message_in_the_interface_s_language(client, said, lang):
    page = lxml_html.fromstring(post(client, lang, data=INCOMPLETE_CV_SCREENING.read_text() + ANNEX_IV_GAP).data)
    messages = page.xpath('//ol[@class="report-results"]//span[@class="message"]')
    assert len(messages) == 4 and {m.get("lang") for m in messages} == {lang}
    assert said[lang] in [m.text_content() for m in messages]
    gap = "point 8 de l’annexe IV" if lang == "fr" else "point 8 of Annex IV"
    assert any(gap in m.text_content() for m in messages)
    (warning,) = page.xpath('//p[@class="report-warning"]')
    assert warning.get("lang") == lang
    assert warning.text_content().startswith("ligne " if lang == "fr" else "line ")
    assert ("terme inconnu" if lang == "fr" else "unknown term") in warning.text_content()


def test_a_finding_later_in_force_says_so_in_french(client):
    page = post(client, "fr", on="2026-08-01").get_data(as_text=True)
    assert page.count("(Cette obligation s’applique à partir du 2026-08-02.)") == 3
    assert "This obligation applies" not in page


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_json_report_is_in_the_interface_s_language(client, said, lang):
    document = json.loads(post(client, lang, "/validate/report", download="json").get_data(as_text=True))
    report = document["report"]
    assert document["language"] == lang and report["lang"] == lang
    assert {r["message_lang"] for r in report["results"]} == {lang}
    (risk,) = [r for r in report["results"] if r["shape"] == str(RISK_SHAPE)]
    assert risk["message"] == said[lang]
    assert risk["obligation_label"] == ("Établir, mettre en œuvre, documenter et tenir à jour un système de gestion des "
                                        "risques" if lang == "fr" else
                                        "Establish, implement, document and maintain a risk management system")
    (system,) = report["classification"]
    assert [t["label"] for t in system["tiers"]] == ["haut risque" if lang == "fr" else "high risk"]
    assert {r["role_label"] for r in system["roles"]} == (
        {"fournisseur", "déployeur"} if lang == "fr" else {"provider", "deployer"})
    art_9 = document["labels"]["https://w3id.org/aiact-kg/reg/2024/1689/art_9.par_1"]["label"]
    assert art_9 == ("Article 9, paragraphe 1" if lang == "fr" else "Article 9(1)")



@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_json_report_defines_tiers_and_classes_in_the_interface_s_language(client, store, lang):
    report = json.loads(post(client, lang, "/validate/report", download="json").get_data(as_text=True))["report"]
    (system,) = report["classification"]
    named = system["tiers"] + system["classes"]
    assert named and all(t["definition"] for t in named)
    for tier in named:
        words = [r["definition"].value for r in store.run("validation-definition", resource=NamedNode(tier["iri"]),
                                                          lang=lang)]
        assert tier["definition"] in words, (tier["iri"], tier["definition"])
    high = next(t for t in system["tiers"] if t["iri"].endswith("#HighRisk"))
    assert high["definition"].startswith("Les systèmes d’IA à haut risque" if lang == "fr" else "High-risk AI systems")

def test_the_html_report_downloaded_in_french_is_french(client, said):
    from test_french_interface import english_left, interface_text

    response = post(client, "fr", "/validate/report", download="html")
    page = response.get_data(as_text=True)
    assert '<html lang="fr">' in page and said["fr"] in page and said["en"] not in page
    assert 'lang="en"' not in page
    assert english_left(interface_text(response.data)) == []
    english = post(client, "en", "/validate/report", download="html").get_data(as_text=True)
    assert '<html lang="en">' in english and said["en"] in english and said["fr"] not in english


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_pdf_report_is_in_the_interface_s_language(client, lang):
    from pypdf import PdfReader

    empty_like = "<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> \"A\" .\n"
    for data, expected in ((None, {"fr": ["Constats (3)", "Établir, mettre en œuvre, documenter et tenir à jour un "
                                                           "système de gestion des risques — Article 9, paragraphe 1"],
                                   "en": ["Findings (3)", "Article 9(1)"]}),
                           (empty_like, {"fr": ["Aucun système d’IA ni modèle d’IA à usage général trouvé"],
                                         "en": ["No AI system or general-purpose AI model found"]})):
        response = post(client, lang, "/validate/report", data=data, download="pdf")
        text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages))
        for words in expected[lang]:
            assert words in text
        other = expected["en" if lang == "fr" else "fr"]
        assert not any(words in text for words in other)


def test_a_message_a_shape_gives_in_english_alone_is_shown_in_english_marked_so(client, said, monkeypatch):
    from aiact_kg import shacl

    given = shacl.result_messages

    def english_only_for_risk_management(results, result, shapes):
        found = given(results, result, shapes)
        return {"en": found["en"]} if results.value(result, SH.sourceShape) == RISK_SHAPE else found

    monkeypatch.setattr(shacl, "result_messages", english_only_for_risk_management)
    page = lxml_html.fromstring(post(client, "fr").data)
    messages = {m.text_content(): m.get("lang") for m in page.xpath('//span[@class="message"]')}
    assert messages.pop(said["en"]) == "en" and said["fr"] not in messages
    assert len(messages) == 2 and set(messages.values()) == {"fr"}


def test_a_description_refused_for_unknown_terms_is_told_so_in_french(client):
    import html

    misspelt = ("@prefix aiact: <https://w3id.org/aiact-kg/ontology#> .\n"
                "<http://example.org/s> a aiact:AISystem ; aiact:intendedPurpse \"x\" .\n")
    response = client.post("/fr/validate", data={"description": misspelt, "on": ON})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert ("ligne 2 : https://w3id.org/aiact-kg/ontology#intendedPurpse n’est pas un terme de aiact (l’ontologie de "
            "ce projet) (vouliez-vous dire https://w3id.org/aiact-kg/ontology#intendedPurpose ?)") in page
    assert "is not a term of" not in page
