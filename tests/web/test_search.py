"""Search: full text in English and French, accent-insensitive, ranked, with highlighted
snippets; references jump to the provision they name."""

from __future__ import annotations

import re

import pytest

from aiact_kg.web.search import as_reference, fold, snippet


def hits(client, query, **params):
    page = client.get("/search", query_string={"q": query, **params}).get_data(as_text=True)
    return re.findall(r'<li lang="(\w+)"><a href="([^"]+)">', page), page


def test_deployeur_without_accent_finds_deployeur_in_french(client):
    found, page = hits(client, "deployeur")
    assert found and found[0][0] == "fr"
    assert "<mark>déployeur</mark>" in page


def test_search_in_english_finds_article_5_for_subliminal_techniques(client):
    found, _ = hits(client, "subliminal techniques", lang="en")
    assert any("art_5#art_5.par_1.pnt_a" in href for _, href in found[:3])


def test_results_with_every_word_come_first(client):
    found, page = hits(client, "infer emotions workplace", lang="en")
    assert any("art_5#art_5.par_1.pnt_f" in href for _, href in found[:3])


def test_the_language_filter_keeps_one_language(client):
    found, _ = hits(client, "risque", lang="fr")
    assert found and {lang for lang, _ in found} == {"fr"}


@pytest.mark.parametrize("query, target", [
    ("Art. 6(2)", "/reg/2024/1689/art_6#art_6.par_2"),
    ("Article 6(2)", "/reg/2024/1689/art_6#art_6.par_2"),
    ("article 6, paragraphe 2", "/reg/2024/1689/art_6#art_6.par_2"),
    ("Annex III", "/reg/2024/1689/anx_III"),
    ("annex iii", "/reg/2024/1689/anx_III"),
    ("Annex III, point 1(a)", "/reg/2024/1689/anx_III#anx_III.pnt_1.pnt_a"),
    ("recital 53", "/reg/2024/1689/rct_53"),
    ("considérant 53", "/reg/2024/1689/rct_53"),
    ("Article 50", "/reg/2024/1689/art_50"),
    ("cons. 53", "/reg/2024/1689/rct_53"),
    ("art. 6, §2", "/reg/2024/1689/art_6#art_6.par_2"),
    ("Article 3(4)", "/reg/2024/1689/art_3#art_3.pnt_4"),
])
def test_a_reference_jumps_to_the_provision(client, query, target):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 302
    assert response.headers["Location"] == target


def test_a_citation_of_an_article_the_act_does_not_have_says_so(client):
    response = client.get("/search", query_string={"q": "Article 114"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "the AI Act has no Article 114 (it has 113 articles)" in page


def test_a_sentence_that_mentions_an_article_is_searched_not_jumped(client):
    response = client.get("/search", query_string={"q": "obligations of deployers of high-risk AI systems Article 26"})
    assert response.status_code == 200


def test_the_query_is_escaped_in_the_page(client):
    page = client.get("/search", query_string={"q": '<script>alert("x")</script>'}).get_data(as_text=True)
    main = page[page.index("<main"):]
    assert "<script>alert" not in main and "&lt;script&gt;" in main


def test_overlong_queries_are_refused(client):
    assert client.get("/search", query_string={"q": "x" * 301}).status_code == 400


def test_empty_search_shows_the_form(client):
    response = client.get("/search")
    assert response.status_code == 200 and 'name="q"' in response.get_data(as_text=True)


def test_folding_removes_accents_and_case():
    assert fold("Déployeur ÉTAT")[0] == "deployeur etat"


def test_snippet_marks_the_words_on_escaped_text():
    html = str(snippet("a <b> déployeur & co", "deployeur"))
    assert html == "a &lt;b&gt; <mark>déployeur</mark> &amp; co"


def test_reference_head_words_are_written_as_the_journal_prints_them():
    assert as_reference("art. 6(2)") == "Article 6(2)"
    assert as_reference("annex iii") == "Annex III"
