"""The whole interface in French under /fr/: no English word is written into a template or a
page's code outside the message catalogue, and every kind of page, rendered under /fr/, shows
no English in its menus, headings, labels, buttons and messages.

Two checks that do not need a browser:
- the templates: every word of their markup (text and the attributes people read: aria-label,
  title, placeholder, alt) is written through ``_()``, except what is language-neutral (format
  names, code) or carries its own ``lang`` attribute; every ``_()`` of the code has its French;
- the pages: each kind of page is rendered under /fr/ and its visible text and read attributes,
  less what is marked as another language (``lang="en"``: data that has no French, the English
  side of a page), must contain no English word nor any English message of the catalogue. The
  same scan finds English on the /en/ pages, so it is not blind.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from aiact_kg import paths, web

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
#: Words that are the same in both interfaces: names of formats, standards and sites.
NEUTRAL = {"OSCOLA", "SPARQL", "Turtle", "JSON", "LD", "PDF", "CSV", "TSV", "EUR", "Lex", "ELI", "RDF", "XML", "SHA",
           "SHA256SUMS", "SUMS", "Triples", "English", "Français", "EN", "FR", "MB", "CONSTRUCT", "PREFIX", "aiact", "kg", "sha256sum", "sparql"}
#: English words that are not French words: one of them in the French interface is English left.
ENGLISH = {"the", "of", "and", "with", "is", "are", "this", "that", "from", "which", "by", "to", "its", "it", "what",
           "when", "who", "has", "have", "been", "not", "be", "for", "was", "were", "any", "all", "yet", "only",
           "search", "results", "query", "run", "download", "upload", "linked", "recital", "recitals", "annex",
           "applies", "apply", "statement", "statements", "chapter", "chapters", "paragraph", "published", "entry",
           "into", "force", "general", "between", "shape", "shapes", "copy", "back", "home", "print", "show"}
WORD = re.compile(r"[^\W\d_]+")


def _without_own_language(markup: str) -> str:
    """The template's markup less the elements that carry a ``lang`` attribute (a link to the
    French sort order written in French, the English side of a page), code and scripts."""
    markup = re.sub(r"<(script|style|code|pre)\b.*?</\1>", "", markup, flags=re.S)
    previous = None
    while previous != markup:
        previous = markup
        markup = re.sub(r'<(\w+)\b[^>]*\slang="[^"]*"[^>]*>(?:(?!<\1\b).)*?</\1>', "", markup, flags=re.S)
    return markup


def literal_words(template: str) -> list[str]:
    """The words a template writes outside ``_()``: in its text and its read attributes."""
    markup = re.sub(r"&#?\w+;", " ", _without_own_language(JINJA.sub("\x00", template)))  # entities are no words
    found = []
    for name in READ_ATTRIBUTES:
        for value in re.findall(rf'\b{name}="([^"]*)"', markup):
            found += [w for w in WORD.findall(value.replace("\x00", " ")) if w not in NEUTRAL]
    text = re.sub(r"<[^>]*>", "\x00", markup)
    for fragment in text.split("\x00"):
        found += [w for w in WORD.findall(fragment) if w not in NEUTRAL and len(w) > 1]
    return found


def test_no_template_writes_words_outside_the_catalogue():
    templates = sorted((paths.WEB / "templates").rglob("*.html"))
    assert len(templates) > 15
    left = {str(t.relative_to(paths.WEB)): words for t in templates
            if (words := literal_words(t.read_text(encoding="utf-8")))}
    assert left == {}


def test_the_scan_of_templates_sees_words_outside_the_catalogue():
    assert literal_words('<h2 id="x">Cited by</h2><nav aria-label="Where this is"></nav>') == \
        ["Where", "this", "is", "Cited", "by"]
    assert literal_words("<h2>{{ _('Cited by') }}</h2><a lang=\"fr\" href=\"/\">trier</a> <code>aiact:Foo</code>") == []


def test_every_message_of_the_code_has_its_french():
    french = json.loads((paths.WEB / "messages.json").read_text(encoding="utf-8"))["fr"]
    messages = set()
    for module in sorted(Path(web.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):  # _("…" "…") is one message
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                    and WORD.search(node.args[0].value)):
                messages.add(node.args[0].value)
    assert {"Recitals the text connects to it", "Published in the Official Journal"} <= messages
    assert sorted(messages - set(french)) == []


# -- the pages ---------------------------------------------------------------------------------

def _catalogue_english() -> set[str]:
    french = json.loads((paths.WEB / "messages.json").read_text(encoding="utf-8"))["fr"]
    return {m for m, f in french.items() if m != f and set(WORD.findall(m.lower())) & ENGLISH}


CATALOGUE_ENGLISH = _catalogue_english()


def interface_text(markup: bytes) -> list[str]:
    """What a reader reads of a page's interface: its visible text and read attributes, less
    scripts, code, text areas (the reader's own input) and elements marked as another language."""
    document = lxml_html.fromstring(markup)
    for element in document.xpath("//script|//style|//textarea|//code|//pre|//*[@translate='no']"
                                  "|//*[@lang and not(starts-with(@lang, 'fr'))]"):
        if element.getparent() is not None:
            element.drop_tree()
    texts = [t.strip() for t in document.xpath("//body//text()|//head/title/text()") if t.strip()]
    for name in READ_ATTRIBUTES:
        texts += [v for v in document.xpath(f"//body//@{name}") if v.strip()]
    return texts


def english_left(texts: list[str]) -> list[str]:
    return [t for t in texts if t in CATALOGUE_ENGLISH or set(WORD.findall(t.lower())) & ENGLISH]


@pytest.fixture(scope="module")
def statement_path(client_module):
    page = client_module.get("/fr/obligations").get_data(as_text=True)
    return re.search(r'href="/fr(/reg/2024/1689/obligation/[^"?#]+)"', page).group(1)


@pytest.fixture(scope="module")
def client_module(app):
    return app.test_client()


#: One page of every kind.
PAGES = [
    "/", "/reg/2024/1689/art_5", "/reg/2024/1689/art_52", "/reg/2024/1689/art_78", "/reg/2024/1689/rct_44",
    "/reg/2024/1689/anx_III", "/reg/2024/1689/cpt_III", "/reg/2024/1689/cpt_III.sct_2", "/reg/2024/1689/enc_1",
    "/reg/2024/1689/pbl_1", "/reg/2024/1689/cit_1", "/reg/2024/1689/ftn_57", "/reg/2024/1689/art_5.par_1.pnt_a",
    "/reg/2024/1689/art_5/print", "/reg/2024/1689/version/2024-07-12", "/definitions", "/obligations",
    "/obligations?kind=Prohibition", "/actors", "/actors/Provider", "/actors/GPAIModelProvider", "/timeline",
    "/timeline?date=2026-08-02", "/search?q=fournisseur", "/search?q=zzzzqqq", "/validate", "/link", "/ontology",
    "/download", "/coverage", "STATEMENT", "/sparql", "/sparql?example=cited-by",
    # error pages: not found, bad request, bad input to a form
    "/reg/2024/1689/art_999", "/reg/2024/1689/art_5?lang=de", "/obligations?date=x", "/actors/Nobody",
    "/obligations?kind=Duty", "/obligations?article=six", "/obligations?format=xml", "/definitions?order=de",
    "/download/graph.zip", "/reg/2024/1689/art_5?format=docx", "/reg/2024/1689/art_5.par_1/print",
    "/reg/2024/1689/art_5/print?lang=both", "/nothing/here", "/reg/2024/1689/obligation/nothing",
    # the SPARQL editor with its query's error: not valid SPARQL, SERVICE refused; an unknown example
    "/sparql?query=SELEC+*+WHERE+%7B", "/sparql?query=SELECT+*+WHERE+%7B+SERVICE+%3Curn%3Ax%3E+%7B+%3Fs+%3Fp+%3Fo+%7D+%7D",
    "/sparql?example=nothing",
]


@pytest.mark.parametrize("path", PAGES)
def test_french_pages_show_no_english_interface(client_module, statement_path, path):
    path = statement_path if path == "STATEMENT" else path
    response = client_module.get(f"/fr{path}", headers={"Accept": "text/html"})
    assert response.mimetype == "text/html"
    assert english_left(interface_text(response.data)) == []
    links = re.findall(r'href="(/[^"]*)"', response.get_data(as_text=True))
    astray = [h for h in links if not h.startswith(("/fr/", "/static/", "/en/")) and "format=" not in h
              or h.startswith(("/fr/fr", "/fr/en/"))]
    assert astray == []  # every link of a French page stays in French, once prefixed


@pytest.mark.parametrize("data", [{"text": "Voir l’article 6, paragraphe 2, et l’art. 99 TUE."}, {"text": ""}])
def test_french_link_results_and_errors(client_module, data):
    response = client_module.post("/fr/link", data=data)
    page = response.get_data(as_text=True)
    assert english_left(interface_text(response.data)) == []
    assert ("le texte est vide" in page) == (not data["text"])


@pytest.mark.parametrize("path", ["/", "/reg/2024/1689/art_5", "/obligations", "/coverage", "/actors/Provider",
                                  "/link", "/reg/2024/1689/art_999", "/sparql", "/sparql?query=SELEC+*+WHERE+%7B"])
def test_the_same_scan_finds_the_english_interface(client_module, path):
    response = client_module.get(f"/en{path}", headers={"Accept": "text/html"})
    assert english_left(interface_text(response.data)) != []


#: Descriptions whose French report has findings of every kind: violations, a warning (an
#: obligation that applies later), a message filled by a SPARQL constraint, unknown terms
#: reported as warnings, a derogation's duties, a general-purpose model and a prohibited practice.
VALIDATED = ["cv-screening-incomplete.ttl", "large-general-purpose-model.ttl", "derogation-undocumented.ttl",
             "dpv-workplace-emotion-recognition.ttl", "importer-case.ttl", "deep-fake-generator.ttl"]


@pytest.mark.parametrize("name", VALIDATED)
@pytest.mark.parametrize("on", ["2026-09-01", "2025-03-01"])
def test_a_french_validation_report_with_findings_shows_no_english(client_module, name, on):
    data = (paths.EXAMPLES / name).read_text(encoding="utf-8")
    if name.startswith("cv-screening"):  # a technical documentation that leaves out a point of Annex IV
        data += ("\n<https://example.org/cv-screening-incomplete#cv-filter> <https://w3id.org/aiact-kg/ontology#hasMeasure>"
                 " [ a <https://w3id.org/aiact-kg/ontology#TechnicalDocumentation> ;"
                 " <https://w3id.org/aiact-kg/ontology#coversAnnexIVItem> 1, 2, 3, 4, 5, 6, 7, 9 ] ;"
                 " <https://w3id.org/aiact-kg/ontology#intendedPurpse> \"x\" .\n")
    texts = {}
    for lang in ("fr", "en"):
        response = client_module.post(f"/{lang}/validate", data={"description": data, "on": on,
                                                                 "allow_unknown_terms": "on"})
        assert response.status_code == 200
        report = lxml_html.fromstring(response.data).xpath('//section[@id="report"]')[0]
        assert report.xpath('.//ol[@class="report-results"]/li')
        assert report.xpath('.//*[@lang and @lang != $lang]', lang=lang) == []
        texts[lang] = interface_text(b"<html><body>" + lxml_html.tostring(report) + b"</body></html>")
    assert english_left(texts["fr"]) == []
    assert english_left(texts["en"]) != []  # the same scan sees the English report


# -- French typography of what the templates set between messages ---------------------------------

def test_french_pages_set_a_no_break_space_before_a_colon_and_guillemets(client_module):
    home = {lang: client_module.get(f"/{lang}/").get_data(as_text=True) for lang in ("fr", "en")}
    assert "Préambule</a>\u00a0: " in home["fr"] and "Preamble</a>: " in home["en"]
    linked = {lang: client_module.post(f"/{lang}/link", data={"text": "Voir l’art. 6, §2, et l’article 35 RGPD."})
              .get_data(as_text=True) for lang in ("fr", "en")}
    assert re.search(r"«\u00a0[^»<]*6, §2\u00a0»</a>", linked["fr"]), "a quoted citation in guillemets"
    assert re.search(r"“[^”<]*6, §2”</a>", linked["en"])
    assert re.search(r"«\u00a0[^»<]*article 35 RGPD\u00a0»</a>\u00a0: ", linked["fr"])
    report = {lang: client_module.post(f"/{lang}/validate", data={
        "description": (paths.EXAMPLES / "importer-case.ttl").read_text(encoding="utf-8"), "on": "2026-09-01"})
        .get_data(as_text=True) for lang in ("fr", "en")}
    assert re.search(r'</strong>\u00a0:\s', report["fr"]) and re.search(r"</a>\u00a0: <span translate=\"no\">", report["fr"])
    assert "\u00a0:" not in report["en"].split('id="report"')[1]
