"""Printing in a real browser (the Chromium of test_browser.py): the print style sheet leaves the
menus, panels and buttons out of every provision page on paper and keeps the text, its notes and
its citation; the print view printed to PDF holds the article, its recitals and its provenance."""

from __future__ import annotations

import base64
import io
import re
import unicodedata

import pytest
from test_browser import browser, console_errors, visit  # noqa: F401 (the browser fixture)


@pytest.fixture
def printing(browser):  # noqa: F811 (the fixture imported above)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    yield browser
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def shown(browser, selector: str) -> bool:
    return browser.execute_script(
        "const el = document.querySelector(arguments[0]);"
        "return !!el && getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;", selector)


@pytest.mark.parametrize("path", ["/reg/2024/1689/art_5", "/fr/reg/2024/1689/art_78"])
def test_a_provision_page_prints_its_text_without_the_site_around_it(printing, live_server, path):
    visit(printing, f"{live_server}{path}")
    for chrome in ("header.site", "nav.languages", ".panels", ".pager", "details.cite", "footer.site"):
        assert not shown(printing, chrome), f"{chrome} is printed"
    for kept in (".text", ".print-cite", "article.provision h1"):
        assert shown(printing, kept), f"{kept} is not printed"
    assert console_errors(printing) == []


def test_the_print_view_prints_to_pdf_with_its_recitals_and_provenance(browser, live_server):  # noqa: F811
    from pypdf import PdfReader

    visit(browser, f"{live_server}/reg/2024/1689/art_5/print")
    assert browser.find_element("css selector", "button.print-page").is_displayed()  # on screen
    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})
    reader = PdfReader(io.BytesIO(base64.b64decode(pdf["data"])))
    # the browser's fonts set "ffi" as ligatures: read them back as letters
    text = unicodedata.normalize("NFKC", " ".join(" ".join(page.extract_text().split()) for page in reader.pages))
    assert "Prohibited AI practices" in text and "The following AI practices shall be prohibited:" in text
    assert "Recitals the text connects to it" in text and "Recital 40 — cites Article 5(1), point (g)" in text
    assert "Only the Official Journal as published electronically is authentic." in text
    assert "Link a text" not in text and "Back to Article 5" not in text  # menus and the print view's tools
    assert round(float(reader.pages[0].mediabox.width)) in (595, 596)  # A4, as the page rule asks
    assert re.search(rf"\b1 / {len(reader.pages)}\b", text)  # numbered pages
    assert console_errors(browser) == []
