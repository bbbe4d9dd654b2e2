"""The print view and the PDF of a provision: the full text as printed with its footnotes, the
recitals the text connects to it (never the similarity guesses), its citation and the text's
provenance, in English and French; the PDF in fonts that print every character of the Act, with
the Journal's no-break spaces and numbered pages."""

from __future__ import annotations

import html
import io
import re

import pytest
from pypdf import PdfReader

ART_5 = "/reg/2024/1689/art_5"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html.unescape(response.get_data(as_text=True))


def pdf_text(client, url: str) -> tuple[PdfReader, str]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf", url
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(p.extract_text() for p in reader.pages)
    return reader, text


def flat(text: str) -> str:
    """Extracted text with its line breaks and no-break spaces as single spaces."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


@pytest.fixture(scope="module")
def recitals_of_article_5(app):
    from aiact_kg.web.browse import related_recitals
    from aiact_kg.web.graph import site

    with app.test_request_context("/"):
        s = site()
        return related_recitals(s, s.iri("art_5"), "en")


def test_print_view_of_article_5(client, recitals_of_article_5):
    text = page(client, f"{ART_5}/print")
    assert "Prohibited AI practices" in text
    assert "The following AI practices shall be prohibited:" in text
    connected = [r["number"] for r in recitals_of_article_5["connected"]]
    guessed = [r["number"] for r in recitals_of_article_5["guessed"]]
    assert connected and guessed
    listed = re.findall(r'<li id="rct_(\d+)">', text)
    assert listed == connected  # every recital the text connects, in order, and no guess
    assert "cites Article 5" in text and "shares the defined term" in text
    assert "Art 5" not in text and "[2024] OJ L2024/1689, art 5" in text  # OSCOLA
    assert "Article 5 of Regulation (EU) 2024/1689 of the European Parliament" in text  # the OJ's style
    assert "ELI: http://data.europa.eu/eli/reg/2024/1689/oj), as published in the Official Journal" in text
    assert "Only the Official Journal as published electronically is authentic." in text


def test_french_print_view(client):
    text = flat(page(client, f"/fr{ART_5}/print"))
    assert '<html lang="fr">' in text
    assert "Pratiques interdites en matière d’IA" in text and "Les pratiques en matière d’IA suivantes sont interdites" in text
    assert "Considérants que le texte y rattache" in text and "— cite Article 5, paragraphe 1, point g)" in text
    assert "Citer cette disposition" in text and "article 5 du règlement (UE) 2024/1689 du Parlement européen" in text
    assert "(JO L, 2024/1689 du 12.7.2024, ELI : http://data.europa.eu/eli/reg/2024/1689/oj), tel que publié" in text
    assert "Seul le Journal officiel publié sous forme électronique fait foi." in text
    assert "Recitals the text connects to it" not in text and "Cite this provision" not in text


def test_print_view_keeps_the_footnotes(client):
    text = page(client, "/reg/2024/1689/art_78/print")
    assert 'href="#ftn_57-note"' in text or re.search(r'href="#ftn_\d+-note"', text)
    assert "Directive (EU) 2016/943 of the European Parliament and of the Council of 8\xa0June 2016" in text


def test_article_page_links_its_print_view_and_pdf(client):
    english = page(client, ART_5)
    assert f'href="{ART_5}/print"' in english and f'href="{ART_5}/print.pdf"' in english
    assert ">Print view</a>" in english
    french = page(client, f"/fr{ART_5}")
    assert f'href="/fr{ART_5}/print"' in french and f'href="/fr{ART_5}/print.pdf"' in french
    assert ">Version à imprimer</a>" in french
    usual = page(client, f"{ART_5}?lang=fr")
    assert f'href="{ART_5}/print?lang=fr"' in usual


def test_print_view_errors(client):
    assert client.get(f"{ART_5}.par_1/print").status_code == 404
    response = client.get(f"{ART_5}/print?lang=both")
    assert response.status_code == 400 and b"one language" in response.data
    assert client.get("/reg/2024/1689/art_999/print.pdf").status_code == 404


def test_pdf_of_article_5(client, recitals_of_article_5):
    reader, text = pdf_text(client, f"{ART_5}/print.pdf")
    words = flat(text)
    assert "Article 5 Prohibited AI practices" in words
    assert "The following AI practices shall be prohibited:" in words
    assert "(a) the placing on the market, the putting into service or the use of an AI system that deploys" in words
    for recital in recitals_of_article_5["connected"]:
        assert f"Recital {recital['number']} — " in words
    for recital in recitals_of_article_5["guessed"]:
        assert f"Recital {recital['number']} — " not in words
    assert "(Artificial Intelligence Act) [2024] OJ L2024/1689, art 5" in words
    assert "Article 5 of Regulation (EU) 2024/1689 of the European Parliament and of the Council" in words
    assert "Only the Official Journal as published electronically is authentic." in words
    total = len(reader.pages)
    assert total > 1 and f"page {total} of {total}" in reader.pages[-1].extract_text()
    assert reader.metadata.title == "Article 5 — Regulation (EU) 2024/1689 (Artificial Intelligence Act)"


def test_french_pdf_prints_accents_quotes_and_footnote_calls(client):
    _, text = pdf_text(client, "/fr/reg/2024/1689/art_78/print.pdf")
    words = flat(text)
    assert "Confidentialité" in words and "1. La Commission, les autorités de surveillance du marché" in words
    assert "à l’article 5 de la directive (UE) 2016/943" in words  # the printed apostrophe
    assert "(57)" in words and "⁽" not in text  # the call as a superscript number
    assert "Directive (UE) 2016/943 du Parlement européen et du Conseil du 8 juin 2016" in words
    assert "page 1 sur" in text


def test_pdf_keeps_amounts_on_one_line(app):
    """The Journal's no-break spaces hold: set at any width, "35 000 000" (French "35 000 000 EUR",
    where the Journal also binds the currency) and "Article 5" are never cut by a line break."""
    from reportlab.platypus import Paragraph

    from aiact_kg.web.graph import site
    from aiact_kg.web.printview import pdf_markup, register_fonts, styles

    style = styles(register_fonts())["body"]
    with app.test_request_context("/"):
        s = site()
        for lang, amount in (("en", "35 000 000"), ("fr", "35 000 000 EUR")):
            text = s.run("provision-parts", provision=s.iri("art_99.par_3"), lang=lang)
            text = next(row["text"].value for row in text if row["id"].value == "art_99.par_3" and "text" in row)
            for width in range(150, 450, 7):  # wider than the amount, as any page is
                paragraph = Paragraph(pdf_markup(text), style)
                paragraph.wrap(width, 10_000)
                lines = paragraph.blPara.lines
                words = [" ".join(line[1]) if paragraph.blPara.kind == 0 else "".join(f.text for f in line.words)
                         for line in lines]
                joined = "\n".join(re.sub(r"[ \xa0]+", " ", w) for w in words)
                assert amount in joined and ("Article 5" in joined or "l’article 5" in joined), (lang, width, joined)


def test_fonts_print_every_character_of_the_act(app):
    """Every character of the Act's text, once footnote calls are superscripts, has a glyph in
    the PDF's font and in the fallback fonts shipped with reportlab."""
    from reportlab.pdfbase.ttfonts import TTFont

    from aiact_kg.web.graph import site
    from aiact_kg.web.printview import font_files, pdf_markup, vera_files

    with app.test_request_context("/"):
        chars = set()
        for row in site().run("search-texts"):
            chars |= set(re.sub(r"<[^>]+>", "", html.unescape(pdf_markup(row["words"].value))))
    assert "é" in chars and "’" in chars and "«" in chars
    for files in (font_files(), vera_files()):
        for face in ("regular", "bold", "italic"):
            cmap = TTFont(f"check-{face}", str(files[face])).face.charToGlyph
            missing = sorted(c for c in chars if ord(c) not in cmap and c not in "\n\t")
            assert missing == [], (files[face], missing)
