"""Search: full text in English and French, accent-insensitive, ranked, with highlighted
snippets; phrases, prefixes, paging and facets; references jump to the provision they name.

The expected hit sets are worked out here from the graph's own texts (named query
``search-texts``) with regular expressions over the folded text, independently of the index."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from urllib.parse import parse_qs, urlsplit

import pytest

from aiact_kg.legal_order import sort_key
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
    ("annexe III, pt 4, a)", "/reg/2024/1689/anx_III#anx_III.pnt_4.pnt_a"),
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
    marked = str(snippet("a <b> déployeur & co", [(6, 15)]))
    assert marked == "a &lt;b&gt; <mark>déployeur</mark> &amp; co"


def test_reference_head_words_are_written_as_the_journal_prints_them():
    assert as_reference("art. 6(2)") == "Article 6(2)"
    assert as_reference("annex iii") == "Annex III"


# -- what a lawyer types: phrases, prefixes, required words ---------------------------------------

@pytest.fixture(scope="module")
def texts(store):
    """Each subdivision's fields in each language, folded: {(id, lang): [field text, ...]}."""
    out = defaultdict(list)
    for row in store.run("search-texts"):
        out[(row["id"].value, row["lang"].value)].append(fold(row["words"].value)[0])
    return out


def having(texts, pattern: str) -> set[tuple[str, str]]:
    """The subdivisions one of whose fields matches the pattern (on folded text)."""
    regex = re.compile(pattern)
    return {key for key, fields in texts.items() if any(regex.search(f) for f in fields)}


def walk(client, size=100, **params):
    """Every result of a search as the JSON answer pages them, following its next links:
    [(id, lang), ...] in order, and the total it announces."""
    response = client.get("/search", query_string={"format": "json", "size": size, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    found, total = [], body["total"]
    while True:
        found += [(r["id"], r["lang"]) for r in body["results"]]
        if not body["next"]:
            return found, total, body
        body = client.get(body["next"]).get_json()


PHRASE = r"(?<!\w)highs?\W+risks?\W+ais?\W+systems?(?!\w)"


def test_a_quoted_phrase_finds_exactly_the_subdivisions_with_those_words_in_that_order(client, texts):
    found, total, _ = walk(client, q='"high-risk AI system"')
    assert len(found) == total == len(set(found))
    assert set(found) == having(texts, PHRASE)
    assert "high-risk AI systems" in html.unescape(client.get("/search", query_string={
        "q": '"high-risk AI system"'}).get_data(as_text=True)), "the plural is found too"


def test_the_same_words_unquoted_find_every_subdivision_that_has_them_all_anywhere(client, texts):
    phrase, _, _ = walk(client, q='"high-risk AI system"')
    plain, total, _ = walk(client, q="system AI high-risk")
    every = having(texts, r"(?<!\w)highs?\W+risks?(?!\w)") & having(texts, r"(?<!\w)ais?(?!\w)") \
        & having(texts, r"(?<!\w)systems?(?!\w)")
    assert set(plain) == every and len(plain) == total
    assert set(phrase) < set(plain)
    scattered = set(plain) - set(phrase)
    assert len(scattered) > 10, "the words apart are not the phrase"
    assert not any(re.search(PHRASE, f) for key in scattered for f in texts[key])


def test_a_french_phrase_with_an_apostrophe_and_accents(client, texts):
    found, _, _ = walk(client, q="« systèmes d’IA à haut risque »")
    expected = having(texts, r"(?<!\w)systemes?\W+d\W+ias?\W+as?\W+hauts?\W+risques?(?!\w)")
    assert set(found) == expected and {lang for _, lang in found} == {"fr"}


def test_a_prefix_finds_every_word_that_begins_so(client, texts):
    found, _, _ = walk(client, q="deploy*")
    assert set(found) == having(texts, r"(?<!\w)deploy\w*")
    words = {w for key in found for f in texts[key] for w in re.findall(r"(?<!\w)deploy\w*", f)}
    assert {"deployer", "deployers", "deployment", "deployed", "deployeur"} <= words


def test_a_prefix_inside_a_phrase(client, texts):
    found, _, _ = walk(client, q='"general-purpose AI mod*"', lang="en")
    assert set(found) == {k for k in having(texts, r"(?<!\w)generals?\W+purposes?\W+ais?\W+mod\w*") if k[1] == "en"}


@pytest.mark.parametrize("query, message", [
    ('"high-risk AI system', "The quotation mark before “high-risk AI system” is not closed"),
    ('obligations "of deployers', "The quotation mark before “of deployers” is not closed"),
    ("", "There is no word to search for"),
    ('"" ; ,', "There is no word to search for"),
    ("*", "* goes at the end of a word"),
    ("de*ploy", "* goes at the end of a word"),
    ("a*", "a prefix needs at least 2 letters before the *"),
])
def test_a_query_that_cannot_be_read_gets_a_message_and_keeps_the_box(client, query, message):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert message in page and 'role="alert"' in page
    assert f'value="{query}"' in page, "the query stays in the box, to correct it"
    data = client.get("/search", query_string={"q": query, "format": "json"})
    assert data.status_code == 400 and message in data.get_json()["error"]


def test_a_french_reader_gets_the_message_in_french(client):
    page = html.unescape(client.get("/fr/search", query_string={"q": '"haut risque'}).get_data(as_text=True))
    assert "Le guillemet placé avant « haut risque » n’est pas fermé" in page


# -- ranking -------------------------------------------------------------------------------

@pytest.mark.parametrize("query, first", [
    ("deployer", ("art_3.pnt_4", "en")),
    ("déployeur", ("art_3.pnt_4", "fr")),
    ("deployers", ("art_3.pnt_4", "en")),
    ("provider", ("art_3.pnt_3", "en")),
    ('"AI system"', ("art_3.pnt_1", "en")),
    ("fournisseur", ("art_3.pnt_3", "fr")),
])
def test_the_definition_of_the_term_comes_first(client, query, first):
    body = client.get("/search", query_string={"q": query, "format": "json", "size": 10}).get_json()
    assert (body["results"][0]["id"], body["results"][0]["lang"]) == first
    assert body["results"][0]["definition"] is True
    assert [r["definition"] for r in body["results"][1:]] == [False] * 9


def test_every_defined_term_finds_its_definition_first_in_both_languages(app, client):
    from aiact_kg.web.graph import site

    with app.app_context():
        terms = site().terms
    assert len(terms) == 68
    for term in terms:
        for lang in ("en", "fr"):
            body = client.get("/search", query_string={"q": term.label[lang], "lang": lang, "format": "json",
                                                       "size": 10}).get_json()
            assert body["results"][0]["id"] == term.source, (lang, term.label[lang])


def test_headings_come_before_the_text_that_mentions_their_words(client):
    found, _, body = walk(client, size=10, q="risk management system", lang="en")
    assert found[0] == ("art_9", "en"), "the title of Article 9"
    penalties, _, body = walk(client, size=10, q="penalties", lang="en")
    assert {("art_99", "en"), ("cpt_XII", "en")} <= set(penalties[:3])
    assert [r["kind"] for r in body["results"][:2]] != ["paragraph", "paragraph"]


def test_the_page_marks_the_definition(client):
    page = client.get("/search", query_string={"q": "deployer"}).get_data(as_text=True)
    first = page[page.index('<ol class="results"'):].split("</li>")[0]
    assert 'href="/reg/2024/1689/art_3#art_3.pnt_4"' in first and "Definition of the term" in first
    assert "<mark>deployer</mark>" in first


def test_results_in_the_order_of_the_act(client):
    found, _, _ = walk(client, q="deployer", sort="order")
    assert found == sorted(found, key=lambda pair: (sort_key(pair[0]), pair[1]))
    assert found[0][0].startswith("rct_")


def test_equal_scores_are_in_the_order_of_the_act(client):
    body = client.get("/search", query_string={"q": "Board", "lang": "en", "size": 100, "format": "json"}).get_json()
    results = body["results"]
    pairs = [(a, b) for a, b in zip(results, results[1:]) if a["score"] == b["score"] and a["kind"] == b["kind"]]
    assert pairs, "the query has results with equal scores"
    for a, b in pairs:
        assert sort_key(a["id"]) < sort_key(b["id"]), (a["id"], b["id"])


# -- paging ---------------------------------------------------------------------------------

def test_paging_walks_every_result_once(client):
    big, total, _ = walk(client, size=100, q='"high-risk AI system"')
    small, total_small, _ = walk(client, size=10, q='"high-risk AI system"')
    assert total == total_small == len(big) > 100
    assert small == big, "the same results in the same order, whatever the page size"


def test_the_html_pages_follow_one_another(client):
    hrefs, url, pages = [], "/search?q=%22high-risk+AI+system%22&lang=en&size=50", 0
    while url:
        page = client.get(url).get_data(as_text=True)
        pages += 1
        hrefs += re.findall(r'<li lang="en"><a href="([^"]+)">', page)
        nxt = re.search(r'<a rel="next" href="([^"]+)">', page)
        url = html.unescape(nxt.group(1)) if nxt else None
        if url:
            assert parse_qs(urlsplit(url).query)["page"] == [str(pages + 1)]
            assert parse_qs(urlsplit(url).query)["size"] == ["50"]
    found, total, _ = walk(client, q='"high-risk AI system"', lang="en")
    assert len(hrefs) == total and pages == -(-total // 50)
    assert f"{total} subdivisions match; results 51 to 100." in client.get(
        "/search?q=%22high-risk+AI+system%22&lang=en&size=50&page=2").get_data(as_text=True)


@pytest.mark.parametrize("params, code, message", [
    ({"page": "0"}, 400, "The page is '0': expected a whole number from 1."),
    ({"page": "two"}, 400, "The page is 'two': expected a whole number from 1."),
    ({"size": "7"}, 400, "Results a page: choose 10, 20, 50, 100 (not '7')."),
    ({"page": "999"}, 404, "Page 999 is past the last"),
    ({"kind": "statute"}, 400, "Unknown kind 'statute': choose definition, article"),
    ({"chapter": "cpt_XIV"}, 400, "Unknown chapter 'cpt_XIV'"),
    ({"version": "2020-01-01"}, 400, "Unknown version '2020-01-01': choose 2024-07-12."),
    ({"sort": "date"}, 400, "Unknown order 'date'"),
])
def test_bad_paging_and_facet_parameters_are_refused_with_a_message(client, params, code, message):
    response = client.get("/search", query_string={"q": "deployer", **params})
    assert response.status_code == code and message in html.unescape(response.get_data(as_text=True))
    data = client.get("/search", query_string={"q": "deployer", "format": "json", **params})
    assert data.status_code == code and message in data.get_json()["error"]


# -- facets ---------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["deployer", '"high-risk AI system"', "sanction*"])
def test_facet_counts_add_up_and_each_link_narrows_to_its_count(client, query):
    _, total, body = walk(client, size=10, q=query)
    for facet in body["facets"]:
        assert sum(v["count"] for v in facet["values"]) == total, facet["name"]
        for value in facet["values"]:
            narrowed, count, narrowed_body = walk(client, size=100, **parse_qs_one(value["href"]))
            assert count == value["count"] == len(narrowed), (facet["name"], value["value"])
            kept = {r["id"]: r for r in narrowed_body["results"]}
            if facet["name"] == "lang":
                assert {lang for _, lang in narrowed} == {value["value"]}
            if facet["name"] in ("kind", "chapter"):
                assert {r[facet["name"]] for r in kept.values()} <= {value["value"]}


def parse_qs_one(href: str) -> dict:
    params = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
    params.pop("format", None)
    params.pop("size", None)
    return params


def test_facets_combine_and_the_chosen_value_can_be_removed(client):
    found, total, body = walk(client, q='"systèmes d’IA à haut risque"', chapter="cpt_III", kind="paragraph",
                              lang="fr")
    assert total and all(lang == "fr" for _, lang in found)
    assert all(r["chapter"] == "cpt_III" and r["kind"] == "paragraph" for r in body["results"])
    chapter = next(f for f in body["facets"] if f["name"] == "chapter")
    chosen = [v for v in chapter["values"] if v["selected"]]
    assert [v["value"] for v in chosen] == ["cpt_III"] and chosen[0]["count"] == total
    assert "chapter=" not in chapter["clear"] and "kind=paragraph" in chapter["clear"]


def test_the_kind_facet_counts_definitions_recitals_and_articles(client):
    _, _, body = walk(client, size=10, q="deployer", lang="en")
    kinds = {v["value"]: v["count"] for v in next(f for f in body["facets"] if f["name"] == "kind")["values"]}
    assert kinds["definition"] >= 1 and kinds["recital"] > 10 and kinds["article"] >= 2
    definitions, _, _ = walk(client, q="deployer", lang="en", kind="definition")
    assert all(i.startswith("art_3.pnt_") for i, _ in definitions) and ("art_3.pnt_4", "en") in definitions


def test_the_version_facet_shows_the_version_the_graph_records_with_its_date(client, store):
    versions = store.run("text-versions")
    assert versions
    recorded = {row["version"].value.rsplit("/", 1)[-1]: row["issued"].value for row in versions}
    labels = {row["label"].value for row in versions if row["lang"].value == "en"}
    _, total, body = walk(client, size=10, q="deployer")
    facet = next(f for f in body["facets"] if f["name"] == "version")
    assert [(v["value"], v["label"]) for v in facet["values"]] == list(recorded.items())
    assert {v["description"] for v in facet["values"]} == labels
    assert facet["values"][0]["count"] == total


def test_the_page_shows_the_facets_as_links(client):
    page = html.unescape(client.get("/search", query_string={"q": "deployer"}).get_data(as_text=True))
    assert 'aria-label="Narrow the results"' in page
    assert re.search(r'<a href="/search\?q=deployer&chapter=cpt_III" title="HIGH-RISK AI SYSTEMS" '
                     r'data-value="cpt_III">Chapter III', page)
    assert "Definitions (Article 3)" in page and "As published in the Official Journal on 12 July 2024" in page


def test_the_french_search_page_speaks_french(client):
    response = client.get("/fr/search", query_string={"q": "déployeur", "size": 10})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and '<html lang="fr">' in page
    assert "Affiner les résultats" in page and "Chapitre III" in page and "Définitions (article 3)" in page
    assert "Définition du terme" in page and "Suivant" in page and "Tel que publié au Journal officiel" in page
    assert 'href="/fr/search?q=d%C3%A9ployeur&size=10&page=2"' in page
    assert 'href="/fr/reg/2024/1689/art_3#art_3.pnt_4"' in page
    assert "subdivisions correspondent ; résultats 1 à 10." in page


def test_a_reference_as_json_names_the_provision_instead_of_redirecting(client):
    body = client.get("/search", query_string={"q": "art. 6, §2", "format": "json"}).get_json()
    assert body["reference"] == {"id": "art_6.par_2", "iri": "https://w3id.org/aiact-kg/reg/2024/1689/art_6.par_2",
                                 "label": "Article 6(2)", "href": "/reg/2024/1689/art_6#art_6.par_2"}


def test_a_citation_of_what_the_act_does_not_have_is_not_widened_to_any_word(client):
    page = html.unescape(client.get("/search", query_string={"q": "Article 0"}).get_data(as_text=True))
    assert "the AI Act has no Article 0 (it has 113 articles)" in page
    assert "Nothing in the Act matches “Article 0”." in page
    french = html.unescape(client.get("/fr/search", query_string={"q": "Article 114"}).get_data(as_text=True))
    assert "le règlement sur l’IA n’a pas d’article 114 (il en compte 113)" in french
