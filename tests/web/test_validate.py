"""The Validate page: paste or upload a description in any format the command reads, read the
report with its citations labelled and linked in the page's language, keep the text on an
error with the line marked, and download the report as JSON, HTML and PDF."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import re

import pyoxigraph
import pytest

from aiact_kg import cli, paths

INCOMPLETE_CV_SCREENING = paths.EXAMPLES / "cv-screening-incomplete.ttl"
EXAMPLES = sorted(paths.EXAMPLES.glob("*.ttl")) + sorted((paths.EXAMPLES / "airo").glob("*.ttl"))
ON = "2026-09-01"
#: How each converted description reaches the page: uploaded under a file name that says its
#: format, or pasted with the format detected from the text or chosen in the form.
DELIVERIES = {
    "turtle": ("upload", "example.ttl", None),
    "jsonld": ("paste", None, "auto"),
    "rdfxml": ("upload", "example.rdf", None),
    "ntriples": ("paste", None, "ntriples"),
}
FORMATS = {"turtle": pyoxigraph.RdfFormat.TURTLE, "jsonld": pyoxigraph.RdfFormat.JSON_LD,
           "rdfxml": pyoxigraph.RdfFormat.RDF_XML, "ntriples": pyoxigraph.RdfFormat.N_TRIPLES}


def post(client, data: bytes, how: str = "paste", filename: str | None = None, fmt: str | None = None,
         path: str = "/validate", **fields):
    form = {"on": ON, **fields}
    if fmt:
        form["format"] = fmt
    if how == "upload":
        form["file"] = (io.BytesIO(data), filename)
    else:
        form["description"] = data.decode("utf-8")
    return client.post(path, data=form, content_type="multipart/form-data")


def report_of(client, data: bytes, **how) -> dict:
    response = post(client, data, path="/validate/report", download="json", **how)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return json.loads(response.get_data(as_text=True))


# -- the form -------------------------------------------------------------------------------------

def test_the_page_offers_paste_upload_and_every_format_and_is_in_the_menu(client):
    page = client.get("/validate").get_data(as_text=True)
    assert 'name="description"' in page and 'type="file"' in page
    assert re.findall(r'<option value="(\w+)"', page) == ["auto", "turtle", "jsonld", "rdfxml", "ntriples"]
    assert 'href="/validate"' in client.get("/").get_data(as_text=True)


def test_a_pasted_cv_screening_system_is_high_risk_under_annex_iii_point_4_a(client):
    response = post(client, INCOMPLETE_CV_SCREENING.read_bytes())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ('classified under <a href="/reg/2024/1689/anx_III#anx_III.pnt_4.pnt_a" '
            'title="https://w3id.org/aiact-kg/reg/2024/1689/anx_III.pnt_4.pnt_a">Annex III, point 4(a)</a>') in page
    finding = page[page.index("Article 9(1) requires"):]
    finding = finding[:finding.index("</li>")]
    assert ('<a href="/reg/2024/1689/obligation/art_9.par_1" title="https://w3id.org/aiact-kg/reg/2024/1689/'
            'obligation/art_9.par_1">Establish, implement, document and maintain a risk management system</a>') in finding
    assert '<a href="/reg/2024/1689/art_9#art_9.par_1" title="https://w3id.org/aiact-kg/reg/2024/1689/art_9.par_1">' \
           'Article 9(1)</a>' in finding
    assert '<time datetime="2026-08-02">' in finding
    # the tier and the class by their labels, linked to the ontology's reference, not as IRIs
    assert '<a href="/ontology#HighRisk" title="https://w3id.org/aiact-kg/ontology#HighRisk">high risk</a>' in page
    assert ">https://w3id.org/aiact-kg/" not in page
    # the focus by the name the description gives it
    assert ('Focus: <span title="https://example.org/cv-screening-incomplete#cv-filter" translate="no">QuickHire CV '
            'filter</span>') in finding


def test_the_french_page_labels_and_links_in_french(client):
    page = post(client, INCOMPLETE_CV_SCREENING.read_bytes(), path="/fr/validate").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert 'href="/fr/ontology#HighRisk" title="https://w3id.org/aiact-kg/ontology#HighRisk">haut risque</a>' in page
    assert ('href="/fr/reg/2024/1689/obligation/art_9.par_1" title="https://w3id.org/aiact-kg/reg/2024/1689/obligation/'
            'art_9.par_1">Établir, mettre en œuvre, documenter et tenir à jour un système de gestion des risques</a>') in page
    assert 'href="/fr/reg/2024/1689/anx_III#anx_III.pnt_4.pnt_a"' in page and "Annexe III, point 4 a)" in page
    assert '>fournisseur</a>\u00a0: <span translate="no">QuickHire Ltd</span>' in page  # French sets a space before a colon
    assert "Constats" in page and "Télécharger le rapport" in page and ">high risk<" not in page


def test_an_uploaded_file_is_validated_and_its_text_kept_for_the_downloads(client):
    data = INCOMPLETE_CV_SCREENING.read_bytes()
    response = post(client, data, how="upload", filename="cv.ttl")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "does not conform" in page.lower()
    assert "QuickHire CV filter" in page[page.index("<textarea"):page.index("</textarea>")]
    assert '<input type="hidden" name="filename" value="cv.ttl">' in page
    assert '<option value="turtle" selected>' in page  # resubmitted as the format it was read as


# -- formats: the page gives the command's verdict ---------------------------------------------------

def verdict(report: dict) -> dict:
    """What a report concludes, whatever the format the description came in: the verdict, each
    system's tiers, classes and provisions, and the findings by severity and obligation."""
    return {"conforms": report["conforms"],
            "classification": sorted((c["label"], tuple(t["iri"] for t in c["tiers"]),
                                      tuple(t["iri"] for t in c["classes"]), tuple(c["provisions"]))
                                     for c in report["classification"]),
            "findings": sorted((r["severity"], r["obligation"] or "", r["shape"] or "", r["path"] or "")
                               for r in report["results"])}


@pytest.fixture(scope="module")
def cli_reports():
    """``aiact-kg validate --format json`` over every example, as a user runs it (AIRO's own
    descriptions use a few terms AIRO and VAIR do not define: reported as warnings)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = cli.main(["validate", "--on", ON, "--format", "json", "--allow-unknown-terms", *map(str, EXAMPLES)])
    assert status in (0, 1)
    reports = json.loads(out.getvalue())
    assert len(reports) == len(EXAMPLES)
    return {path.name if path.parent == paths.EXAMPLES else f"airo/{path.name}": report
            for path, report in zip(EXAMPLES, reports)}


def converted(path, key: str) -> bytes:
    data = path.read_bytes()
    if key == "turtle":
        return data
    quads = pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE, base_iri=path.as_uri())
    return pyoxigraph.serialize([q.triple for q in quads], format=FORMATS[key])


@pytest.mark.parametrize("key", list(DELIVERIES))
def test_every_example_in_every_format_gets_the_commands_verdict(client, cli_reports, key):
    assert len(cli_reports) >= 40
    how, filename, fmt = DELIVERIES[key]
    differ = []
    for path in EXAMPLES:
        name = path.name if path.parent == paths.EXAMPLES else f"airo/{path.name}"
        report = report_of(client, converted(path, key), how=how, filename=filename, fmt=fmt,
                           allow_unknown_terms="on")
        assert report["description"]["format"] == {"turtle": "Turtle", "jsonld": "JSON-LD", "rdfxml": "RDF/XML",
                                                   "ntriples": "N-Triples"}[key]
        if verdict(report["report"]) != verdict(cli_reports[name]):
            differ.append(name)
    assert differ == []


def test_a_description_the_command_refuses_for_unknown_terms_the_page_refuses(client, capsys):
    uber = paths.EXAMPLES / "airo" / "uber.ttl"
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(["validate", "--on", ON, str(uber)]) == 2
    assert f"{uber}:28: unknown term: https://w3id.org/vair#API" in capsys.readouterr().err
    response = post(client, uber.read_bytes(), how="upload", filename="uber.ttl")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "line 28: https://w3id.org/vair#API is not a term of VAIR" in page
    assert '<li value="28" class="error-line"' in page


def test_the_verdict_of_the_page_is_that_of_its_download(client, cli_reports):
    page = post(client, (paths.EXAMPLES / "spam-filter.ttl").read_bytes()).get_data(as_text=True)
    conforms = cli_reports["spam-filter.ttl"]["conforms"]
    assert ('class="verdict conforms"' if conforms else 'class="verdict fails"') in page


# -- errors ------------------------------------------------------------------------------------------

BROKEN = ("@prefix aiact: <https://w3id.org/aiact-kg/ontology#> .\n"
          "@prefix ex: <https://example.org/> .\n"
          "\n"
          "ex:system a aiact:AISystem ;\n"
          "    aiact:usedFor aiact:AnnexIIIUseCase4a\n"
          "ex:provider a aiact:Provider .\n")


def test_a_syntax_error_keeps_the_text_and_marks_the_line(client):
    response = post(client, BROKEN.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    message = re.search(r'<p class="error-message">(.*?)</p>', page).group(1)
    assert message.startswith("The description cannot be read at line 6, column") and "not valid Turtle" in message
    area = page[page.index("<textarea"):page.index("</textarea>")]
    assert 'data-error-line="6"' in area and "ex:provider a aiact:Provider ." in area
    assert "aiact:usedFor aiact:AnnexIIIUseCase4a\n" in area  # the text as pasted, not re-serialised
    marked = re.findall(r'<li value="(\d+)" class="error-line"[^>]*><code>(.*?)</code>', page)
    assert marked == [("6", "ex:provider a aiact:Provider .")]
    assert [int(n) for n in re.findall(r'<li value="(\d+)"', page)] == [3, 4, 5, 6]


def test_a_syntax_error_in_french_names_the_line_in_french(client):
    page = post(client, BROKEN.encode(), path="/fr/validate").get_data(as_text=True)
    assert "La description ne peut pas être lue à la ligne 6, colonne" in page and "← ligne 6" in page


@pytest.mark.parametrize("filename, data, line", [
    ("broken.jsonld", b'{\n  "@id": "https://example.org/s",\n  "@type": \n}\n', 4),
    ("broken.rdf", b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
                   b'  <rdf:Description rdf:about="https://example.org/s">\n</rdf:RDF>\n', 4),
    ("broken.nt", b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n"
                  b"<https://example.org/s> <https://example.org/p> .\n", 2),
])
def test_an_uploaded_file_with_an_error_comes_back_in_the_form_with_its_line(client, filename, data, line):
    response = post(client, data, how="upload", filename=filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"cannot be read at line {line}" in page and f'data-error-line="{line}"' in page
    assert f'<li value="{line}" class="error-line"' in page
    assert f'<input type="hidden" name="filename" value="{filename}">' in page


def test_a_format_chosen_that_the_text_is_not_is_named(client):
    response = post(client, INCOMPLETE_CV_SCREENING.read_bytes(), fmt="jsonld")
    assert response.status_code == 400 and "not valid JSON-LD" in response.get_data(as_text=True)
    unknown = post(client, INCOMPLETE_CV_SCREENING.read_bytes(), fmt="yaml")
    page = unknown.get_data(as_text=True)
    assert unknown.status_code == 400 and "Unknown format &#39;yaml&#39;: choose one of auto, turtle" in page
    assert "QuickHire CV filter" in page[page.index("<textarea"):page.index("</textarea>")], "the text kept"


def test_a_bad_date_keeps_the_text_and_says_how_to_write_it(client):
    for path, said in (("/validate", "write it as YYYY-MM-DD"), ("/fr/validate", "écrivez-la AAAA-MM-JJ")):
        response = post(client, INCOMPLETE_CV_SCREENING.read_bytes(), path=path, on="2026-02-30")
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and said in page
        assert "QuickHire CV filter" in page[page.index("<textarea"):page.index("</textarea>")]


def test_an_empty_description_is_a_bad_request(client):
    assert client.post("/validate", data={"description": ""}).status_code == 400


def test_unknown_terms_are_refused_with_their_lines_marked(client):
    text = INCOMPLETE_CV_SCREENING.read_text(encoding="utf-8").replace("aiact:usedFor", "aiact:usedFr", 1)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "aiact:usedFr" in row)
    response = post(client, text.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and f"line {line}: " in page and "usedFr" in page
    assert f'<li value="{line}" class="error-line"' in page


def test_a_description_over_the_limit_is_refused_with_413_naming_it(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "VALIDATE_MAX_BYTES", 2000)
    data = INCOMPLETE_CV_SCREENING.read_bytes()
    assert len(data) > 2000
    for how in ("upload", "paste"):
        response = post(client, data, how=how, filename="cv.ttl")
        text = response.get_data(as_text=True)
        assert response.status_code == 413, how
        assert "inputs over 2,000 bytes are refused (raise the limit with the VALIDATE_MAX_BYTES setting)" in text


@pytest.mark.parametrize("path", ["/validate", "/validate/report"])
def test_a_request_far_over_the_limit_is_refused_before_it_is_read(client, path):
    big = b"# padding\n" * (300 * 1024)  # 3 MB, over the page's 1 MB and the request's margin
    response = post(client, big, how="upload", filename="big.ttl", path=path, download="pdf")
    assert response.status_code == 413
    assert "inputs over 1 MB are refused" in response.get_data(as_text=True)


# -- downloads ---------------------------------------------------------------------------------------

def test_the_json_report_parses_and_names_what_it_was_checked_against(client):
    data = INCOMPLETE_CV_SCREENING.read_bytes()
    document = report_of(client, data)
    assert document["description"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert document["description"]["format"] == "Turtle" and document["applied_on"] == ON
    assert document["checked_against"]["version_label"] == "As published in the Official Journal on 12 July 2024"
    assert document["report"]["conforms"] is False
    labels = document["labels"]
    assert labels["https://w3id.org/aiact-kg/ontology#HighRisk"]["label"] == "high risk"
    assert labels["https://w3id.org/aiact-kg/reg/2024/1689/art_9.par_1"] == {
        "label": "Article 9(1)", "href": "http://localhost/reg/2024/1689/art_9#art_9.par_1"}
    assert document["command"] == "aiact-kg validate --on 2026-09-01 description.ttl"
    again = report_of(client, data)
    assert {**again, "generated": None} == {**document, "generated": None}, "the same description, the same report"
    # as a browser posts a text area (lines ended CR LF): the same description
    typed = report_of(client, data.replace(b"\n", b"\r\n"))
    assert typed["description"]["sha256"] == document["description"]["sha256"]
    uploaded = report_of(client, data, how="upload", filename="cv.ttl", allow_unknown_terms="on")
    assert uploaded["command"] == "aiact-kg validate --on 2026-09-01 --allow-unknown-terms cv.ttl"


def test_the_html_report_is_a_whole_page_without_script(client):
    response = post(client, INCOMPLETE_CV_SCREENING.read_bytes(), path="/validate/report", download="html")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="aiact-validation-')
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page and 'rel="stylesheet"' not in page and "<style>" in page
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    assert "li > span" in style, "the style as written, not escaped"
    assert f"style-src 'sha256-{digest}'" in response.headers["Content-Security-Policy"]
    assert '<a href="http://localhost/reg/2024/1689/art_9#art_9.par_1"' in page  # links that work from the file
    assert "Validation report" in page and "aiact-kg validate --on 2026-09-01" in page


@pytest.mark.parametrize("lang, tier, article, heading", [
    ("en", "high risk", "Article 9(1)", "Validation report"),
    ("fr", "haut risque", "Article 9, paragraphe 1", "Rapport de validation"),
])
def test_the_pdf_report_names_the_tier_and_the_articles_on_at_most_two_pages(client, lang, tier, article, heading):
    from pypdf import PdfReader

    response = post(client, INCOMPLETE_CV_SCREENING.read_bytes(), path=f"/{lang}/validate/report", download="pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    pdf = PdfReader(io.BytesIO(response.data))
    assert 1 <= len(pdf.pages) <= 2
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pdf.pages))
    assert heading in text and "QuickHire CV filter" in text and tier in text
    for cited in (article, article.replace("9", "26").replace("(1)", "(7)").replace("paragraphe 1", "paragraphe 7"),
                  "Annex III, point 4(a)" if lang == "en" else "Annexe III, point 4 a)"):
        assert cited in text
    assert ON in text and ("12 July 2024" if lang == "en" else "12 juillet 2024") in text
    assert hashlib.sha256(INCOMPLETE_CV_SCREENING.read_bytes()).hexdigest() in text


def test_the_pdf_of_every_example_is_one_or_two_pages(client):
    from pypdf import PdfReader

    pages = {}
    for path in EXAMPLES:
        response = post(client, path.read_bytes(), path="/validate/report", download="pdf", allow_unknown_terms="on")
        assert response.status_code == 200
        pages[path.name] = len(PdfReader(io.BytesIO(response.data)).pages)
    assert {name: n for name, n in pages.items() if not 1 <= n <= 2} == {}


def test_a_download_of_a_broken_description_comes_back_to_the_form(client):
    response = post(client, BROKEN.encode(), path="/validate/report", download="pdf")
    assert response.status_code == 400 and 'data-error-line="6"' in response.get_data(as_text=True)
    unknown = post(client, INCOMPLETE_CV_SCREENING.read_bytes(), path="/fr/validate/report", download="docx")
    assert unknown.status_code == 400
    assert "Format inconnu &#39;docx&#39; : choisissez parmi json, html, pdf." in unknown.get_data(as_text=True)
