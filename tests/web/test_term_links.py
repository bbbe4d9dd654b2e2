"""Defined-term links of the printed text: found through the term index built once per graph,
the same links as a pattern over every term would give, each titled briefly with the point
of Article 3 that defines it, the definition one click (or one hover) away."""

from __future__ import annotations

import re

import pytest

from iris import ACT

TERM_LINK = re.compile(r'<a class="term" href="/definitions#([^"]+)" title="([^"]*)">([^<]*)</a>')


def term_links(client, path):
    page = client.get(path).get_data(as_text=True)
    return [(slug, text) for slug, _, text in TERM_LINK.findall(page)]


def reference_finder(terms, lang):
    """The defined terms of a line as one case-insensitive pattern over every spelling of every
    term finds them, longest first: what the pages linked before the index, kept here as the
    specification the index must meet."""
    from aiact_kg.web.graph import _pattern, _variants

    spellings = []
    for term in terms:
        label = term.label.get(lang)
        if label and not term.definition.get("en", "").startswith("(for "):
            spellings.extend((variant, term) for variant in _variants(label, lang))
    spellings.sort(key=lambda pair: -len(pair[0]))
    groups = "|".join(f"(?P<t{i}>{_pattern(v)})" for i, (v, _) in enumerate(spellings))
    regex = re.compile(rf"(?<![\w-])(?:{groups})(?![\w-])", re.IGNORECASE)

    def find(text):
        return [(m.start(), m.end(), spellings[int(m.lastgroup[1:])][1].slug) for m in regex.finditer(text)]
    return find


@pytest.fixture(scope="module")
def site(app):
    return app.extensions["aiact_kg"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_index_finds_the_terms_a_pattern_over_every_term_finds_in_every_article(site, lang):
    from pyoxigraph import NamedNode

    expected = reference_finder(site.terms, lang)
    index = site.term_matchers[lang]
    lines = 0
    for number in range(1, 114):
        for row in site.run("provision-parts", provision=NamedNode(f"{ACT}/art_{number}"), lang=lang):
            for name in ("text", "closing"):
                if name in row:
                    for line in row[name].value.split("\n"):
                        found = [(s, e, t.slug) for s, e, t in index.find(line)]
                        assert found == expected(line), (number, line)
                        lines += 1
    assert lines > 1000


def test_article_26_links_its_defined_terms_as_before(client):
    links = term_links(client, "/reg/2024/1689/art_26")
    assert len(links) == 62
    assert links[:5] == [("deployer", "Deployers"), ("ai-system", "AI systems"),
                         ("instructions-for-use", "instructions for use"), ("deployer", "Deployers"),
                         ("deployer", "deployer")]
    assert {slug for slug, _ in links} >= {"post-remote-biometric-identification-system", "serious-incident",
                                           "market-surveillance-authority", "input-data"}
    french = term_links(client, "/reg/2024/1689/art_26?lang=fr")
    assert len(french) == 71
    assert french[:4] == [("deployer", "déployeurs"), ("ai-system", "systèmes d’IA"), ("risk", "risque"),
                          ("instructions-for-use", "notices d’utilisation")]


def test_article_3_links_terms_in_other_definitions_but_not_a_definition_to_itself(client):
    links = term_links(client, "/reg/2024/1689/art_3")
    assert len(links) == 107
    assert len({slug for slug, _ in links}) == 27
    page = client.get("/reg/2024/1689/art_3").get_data(as_text=True)
    point = page[page.index('id="art_3.pnt_4"'):page.index('id="art_3.pnt_5"')]
    assert '/definitions#deployer"' not in point
    assert '/definitions#ai-system"' in point


def test_side_by_side_links_each_language_once(client):
    both = term_links(client, "/reg/2024/1689/art_26?lang=both")
    assert len(both) == 62 + 71


def test_a_term_link_is_titled_with_the_point_that_defines_it(client):
    page = client.get("/reg/2024/1689/art_26").get_data(as_text=True)
    titles = {slug: title for slug, title, _ in TERM_LINK.findall(page)}
    assert titles["deployer"] == "Article 3, point (4)"
    assert titles["ai-system"] == "Article 3, point (1)"
    assert max(len(t) for t in titles.values()) < 40
    french = client.get("/reg/2024/1689/art_26?lang=fr").get_data(as_text=True)
    assert re.search(r'href="/definitions#deployer" title="Article 3, point 4\)"', french)


def test_the_definitions_are_served_as_data_for_the_tooltips(client):
    response = client.get("/definitions.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert len(data) == 68
    deployer = data["deployer"]
    assert deployer["number"] == "4" and deployer["href"] == "/reg/2024/1689/art_3#art_3.pnt_4"
    assert deployer["definition"]["en"].replace("\xa0", " ").startswith("a natural or legal person")
    assert deployer["term"]["fr"] == "déployeur"
