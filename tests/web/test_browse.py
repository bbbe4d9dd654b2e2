"""The pages a researcher reads: home, articles, recitals, annexes, chapters, sections and the
parts of an article, in English, in French and side by side."""

from __future__ import annotations

import re

import pytest


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_home_shows_the_structure_and_the_dates_of_the_act(client):
    page = text_of(client.get("/"))
    assert "Regulation (EU) 2024/1689" in page
    assert 'href="/reg/2024/1689/cpt_III"' in page and 'href="/reg/2024/1689/cpt_III.sct_2"' in page
    assert 'href="/reg/2024/1689/art_5"' in page and "Prohibited AI practices" in page
    assert 'href="/reg/2024/1689/anx_III"' in page and 'href="/reg/2024/1689/rct_180"' in page
    assert '<time datetime="2024-07-12">' in page  # published
    assert '<time datetime="2024-08-01">' in page  # in force, Article 113


def test_article_5_shows_its_paragraphs_and_points_with_anchors(client):
    page = text_of(client.get("/reg/2024/1689/art_5"))
    assert "<h1>Article 5</h1>" in page.replace("\xa0", " ")
    for anchor in ("art_5.par_1", "art_5.par_1.pnt_a", "art_5.par_1.pnt_h", "art_5.par_1.pnt_h.pnt_iii", "art_5.par_8"):
        assert f'id="{anchor}"' in page
    assert "subliminal techniques" in page


def test_article_5_is_printed_in_order(client):
    page = text_of(client.get("/reg/2024/1689/art_5"))
    positions = [page.index(f'id="art_5.par_1.pnt_{letter}"') for letter in "abcdefgh"]
    assert positions == sorted(positions)


def test_references_link_to_the_exact_paragraph_or_point(client):
    page = text_of(client.get("/reg/2024/1689/art_6"))
    # Article 6(1): "the products referred to in points (a) and (b)" on the same page
    assert '<a class="ref" href="#art_6.par_1.pnt_a"' in page
    # Article 6(2): "AI systems referred to in Annex III"
    assert re.search(r'<a class="ref" href="/reg/2024/1689/anx_III"[^>]*>Annex.III</a>', page)
    page = text_of(client.get("/reg/2024/1689/art_27"))
    assert 'href="/reg/2024/1689/art_6#art_6.par_2"' in page


def test_references_to_other_acts_link_to_their_eli(client):
    page = text_of(client.get("/reg/2024/1689/art_2"))
    assert 'href="http://data.europa.eu/eli/reg/2016/679/oj"' in page


def test_defined_terms_link_to_their_definition_titled_with_the_defining_point(client):
    page = text_of(client.get("/reg/2024/1689/art_6"))
    link = re.search(r'<a class="term" href="/definitions#ai-system" title="([^"]+)">AI system</a>', page)
    assert link and link.group(1) == "Article 3, point (1)"
    definition = client.get("/definitions.json").get_json()["ai-system"]["definition"]["en"]
    assert definition.replace("\xa0", " ").startswith("a machine-based system")


def test_the_definition_itself_does_not_link_to_itself(client):
    page = text_of(client.get("/reg/2024/1689/art_3"))
    point = page[page.index('id="art_3.pnt_4"'):page.index('id="art_3.pnt_5"')]
    assert 'href="/definitions#deployer"' not in point


def test_article_6_lists_what_cites_it(client):
    page = text_of(client.get("/reg/2024/1689/art_6"))
    cited_by = page[page.index('id="citedby-h"'):]
    assert 'href="/reg/2024/1689/art_27#art_27.par_1"' in cited_by
    assert 'href="/reg/2024/1689/anx_III"' in cited_by


def test_article_50_lists_the_recitals_that_explain_it(client):
    page = text_of(client.get("/reg/2024/1689/art_50"))
    recitals = page[page.index('id="recitals-h"'):page.index('id="citedby-h"')]
    assert re.search(r'href="/reg/2024/1689/rct_1\d\d"', recitals)


def test_article_page_links_to_eur_lex(client):
    page = text_of(client.get("/reg/2024/1689/art_5"))
    assert 'href="https://eur-lex.europa.eu/eli/reg/2024/1689/oj#art_5"' in page


def test_article_in_french(client):
    page = text_of(client.get("/reg/2024/1689/art_5?lang=fr"))
    assert '<html lang="fr">' in page
    assert "la mise sur le marché" in page
    assert 'id="art_5.par_1.pnt_a"' in page


def test_article_side_by_side_keeps_paragraphs_aligned(client):
    page = text_of(client.get("/reg/2024/1689/art_6?lang=both"))
    rows = page.count('class="bilingual-row"')
    assert rows == 8  # Article 6 has eight paragraphs
    assert 'lang="fr"' in page and "Irrespective of whether" in page


def test_unknown_language_is_a_bad_request(client):
    response = client.get("/reg/2024/1689/art_5?lang=de")
    assert response.status_code == 400
    assert "Unknown language" in text_of(response)


@pytest.mark.parametrize("local_id, words", [
    ("rct_53", "Recital 53"),
    ("anx_III", "ANNEX III"),
    ("cpt_III", "CHAPTER III"),
    ("cpt_III.sct_2", "SECTION 2"),
    ("art_5.par_1.pnt_a", "Article 5(1), point (a)"),
    ("ftn_7", "Regulation (EC) No 765/2008"),
    ("pbl_1", "Preamble"),
    ("enc_1", "CHAPTER I"),
    ("fnp_1", "Done at Brussels"),
])
def test_every_kind_of_subdivision_has_a_page(client, local_id, words):
    response = client.get(f"/reg/2024/1689/{local_id}")
    assert response.status_code == 200
    assert words in text_of(response).replace("\xa0", " ")


def test_recital_page_lists_the_articles_it_explains(client):
    page = text_of(client.get("/reg/2024/1689/rct_132"))
    assert 'href="/reg/2024/1689/art_50"' in page


def test_annex_iii_point_1_a_has_an_anchor_on_the_annex_page(client):
    page = text_of(client.get("/reg/2024/1689/anx_III"))
    assert 'id="anx_III.pnt_1.pnt_a"' in page


def test_section_page_lists_its_articles(client):
    page = text_of(client.get("/reg/2024/1689/cpt_III.sct_2"))
    for number in range(8, 16):
        assert f'href="/reg/2024/1689/art_{number}"' in page


def test_a_point_links_back_to_its_article(client):
    page = text_of(client.get("/reg/2024/1689/art_5.par_1.pnt_a"))
    assert 'href="/reg/2024/1689/art_5#art_5.par_1.pnt_a"' in page


def test_article_pages_link_to_the_previous_and_next_article(client):
    page = text_of(client.get("/reg/2024/1689/art_5"))
    assert 'rel="prev" href="/reg/2024/1689/art_4"' in page
    assert 'rel="next" href="/reg/2024/1689/art_6"' in page


def test_unknown_provision_is_not_found(client):
    assert client.get("/reg/2024/1689/art_114").status_code == 404
    assert client.get("/reg/2024/1689/art_5.par_99").status_code == 404


def _iri(local_id: str):
    from pyoxigraph import NamedNode

    return NamedNode(f"https://w3id.org/aiact-kg/reg/2024/1689/{local_id}")


def _visible_text(page: str) -> str:
    import html

    body = page[page.index('<div class="text"'):page.index("</article>")].split('<aside class="footnotes"')[0]
    body = re.sub(r"</?(p|div|li|ol|section|h2)\b[^>]*>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", body))).strip()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_article_annex_and_recital_reads_exactly_as_printed(client, en_index, fr_index, lang):
    index = en_index if lang == "en" else fr_index
    different = []
    for local_id, node in index.items():
        if "." in local_id or not local_id.startswith(("art_", "anx_", "rct_")):
            continue
        printed = node.printed()
        if node.kind in ("Article", "Annex"):  # label and title are the page's heading
            printed = "\n".join(printed.split("\n")[2 if node.title else 1:])
        shown = _visible_text(client.get(f"/reg/2024/1689/{local_id}?lang={lang}").get_data(as_text=True))
        if shown != re.sub(r"\s+", " ", printed).strip():
            different.append(local_id)
    assert different == []


def test_every_reference_of_the_act_links_to_an_anchor_that_exists(client, app):
    site = app.extensions["aiact_kg"]
    pages = sorted({site.page_of(i) for i in site.subdivisions})
    anchors, links = {}, []
    for page in pages:
        for query in ("", "?lang=fr"):
            text = client.get(f"/reg/2024/1689/{page}{query}").get_data(as_text=True)
            anchors[page] = set(re.findall(r'id="([^"]+)"', text))
            links += [(page, href) for href in re.findall(r'class="ref" href="([^"]+)"', text)]
    assert len(links) > 1000
    broken = []
    for page, href in links:
        path, _, anchor = href.partition("#")
        target = path.split("?")[0].rsplit("/", 1)[-1] if path else page
        if target not in anchors or (anchor and anchor not in anchors[target]):
            broken.append((page, href))
    assert broken == []


def _applies(client, local_id: str) -> str:
    page = text_of(client.get(f"/reg/2024/1689/{local_id}"))
    return page[page.index('id="applies-h"'):page.index('id="obligations-h"')]


def test_article_5_applies_from_2_february_2025_under_article_113_point_a(client):
    section = _applies(client, "art_5")
    assert '<time datetime="2025-02-02">' in section and "2026-08-02" not in section
    assert 'href="/reg/2024/1689/art_113#art_113.pnt_a"' in section


def test_article_53_applies_from_2_august_2025_with_chapter_v(client):
    section = _applies(client, "art_53")
    assert '<time datetime="2025-08-02">' in section and "2026-08-02" not in section


def test_article_101_is_excepted_from_point_b_and_applies_from_the_general_date(client):
    assert '<time datetime="2025-08-02">' in _applies(client, "art_99")
    section = _applies(client, "art_101")
    assert '<time datetime="2026-08-02">' in section and "2025-08-02" not in section


def test_article_6_shows_the_later_date_of_its_first_paragraph(client):
    section = _applies(client, "art_6")
    assert '<time datetime="2026-08-02">' in section and '<time datetime="2027-08-02">' in section
    paragraph = _applies(client, "art_6.par_1")
    assert '<time datetime="2027-08-02">' in paragraph and "2026-08-02" not in paragraph


def test_article_26_applies_from_the_general_date(client):
    section = _applies(client, "art_26")
    assert '<time datetime="2026-08-02">' in section and "2025-" not in section
