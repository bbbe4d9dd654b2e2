"""The glossary of Article 3, A to Z, in both languages."""

from __future__ import annotations


def test_glossary_has_the_68_definitions_in_both_languages(client):
    page = client.get("/definitions").get_data(as_text=True)
    assert page.count('class="entry"') == 68
    assert 'id="deployer"' in page and "déployeur" in page
    assert 'href="/reg/2024/1689/art_3#art_3.pnt_4"' in page


def test_glossary_is_in_alphabetical_order(client):
    page = client.get("/definitions").get_data(as_text=True)
    assert page.index('id="ai-office"') < page.index('id="deployer"') < page.index('id="widespread-infringement"')


def test_glossary_sorted_by_french_term(client):
    page = client.get("/definitions?order=fr").get_data(as_text=True)
    # « hypertrucage » (deep fake) comes before « mandataire » (authorised representative)
    assert page.index('id="deep-fake"') < page.index('id="authorised-representative"')


def test_unknown_order_is_a_bad_request(client):
    assert client.get("/definitions?order=de").status_code == 400
