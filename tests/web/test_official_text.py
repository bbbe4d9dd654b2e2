"""The pages print the official text: annex headings, amounts as printed, footnote calls linked
to their notes, and other acts named as the Official Journal names them, with their ELI."""

from __future__ import annotations

import re

import pytest

from aiact_kg.legal_order import roman

ANNEXES = [("I", "List of Union harmonisation legislation", "Liste de la législation d'harmonisation de l'Union"),
           ("VII", "Conformity based on an assessment of the quality management system and an assessment of the technical documentation",
            "Conformité fondée sur une évaluation du système de gestion de la qualité et une évaluation de la documentation technique"),
           ("X", "Union legislative acts on large-scale IT systems in the area of Freedom, Security and Justice",
            "Actes législatifs de l'Union relatifs aux systèmes d'information à grande échelle au sein de l'espace de liberté, de sécurité et de justice")]


def plain(html: str) -> str:
    return html.replace("\u00a0", " ")


@pytest.mark.parametrize("number, english, french", ANNEXES)
def test_annex_pages_print_their_heading_and_title_in_both_languages(client, number, english, french):
    page = plain(client.get(f"/reg/2024/1689/anx_{number}").get_data(as_text=True))
    assert f"<h1>ANNEX {number}</h1>" in page and f'<p class="title">{english}</p>' in page
    page = plain(client.get(f"/reg/2024/1689/anx_{number}?lang=fr").get_data(as_text=True))
    assert f"<h1>ANNEXE {number}</h1>" in page and f'<p class="title">{french.replace(chr(39), "&#39;")}</p>' in page


def test_every_annex_has_a_heading_and_a_title_in_both_languages(store):
    rows = store.select("""PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
        PREFIX eli: <http://data.europa.eu/eli/ontology#>
        SELECT ?annex ?number (COUNT(DISTINCT ?label) AS ?labels) (COUNT(DISTINCT ?title) AS ?titles) WHERE {
          ?annex a aiact:Annex ; eli:number ?number ; aiact:printedLabel ?label ; eli:title ?title .
        } GROUP BY ?annex ?number""")
    assert sorted(roman(r["number"].value) for r in rows) == list(range(1, 14))
    assert all(int(r["labels"].value) == 2 and int(r["titles"].value) == 2 for r in rows)


def test_fines_print_their_amounts_as_the_official_journal_does(client):
    english = client.get("/reg/2024/1689/art_99").get_data(as_text=True)
    assert "EUR 35\u00a0000\u00a0000 or" in english and "35000000" not in english
    french = client.get("/reg/2024/1689/art_99?lang=fr").get_data(as_text=True)
    assert "35\u00a0000\u00a0000\u00a0EUR" in french


def test_footnote_calls_stay_in_the_text_and_link_to_their_note(client):
    for lang in ("en", "fr"):
        page = client.get(f"/reg/2024/1689/rct_9?lang={lang}").get_data(as_text=True)
        calls = re.findall(r'<a class="fn" href="#(ftn_\d+)-note"[^>]*>⁽([⁰¹²³⁴⁵⁶⁷⁸⁹]+)⁾</a>', page)
        assert calls == [("ftn_7", "⁷"), ("ftn_8", "⁸"), ("ftn_9", "⁹"), ("ftn_10", "¹⁰")], lang
        for note, _ in calls:
            assert f'<li id="{note}-note">' in page


def test_footnotes_are_numbered_as_printed_and_quoted_ones_have_an_asterisk(store):
    rows = store.select("""PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
        PREFIX eli: <http://data.europa.eu/eli/ontology#>
        SELECT ?id ?label WHERE { ?note a aiact:Footnote ; eli:id_local ?id ; aiact:printedLabel ?label .
                                  FILTER(LANG(?label) = "en") }""")
    printed = {r["id"].value: r["label"].value for r in rows}
    assert len(printed) == 66
    assert printed["ftn_57"] == "(57)" and printed["ftn_66"] == "(58)"
    assert {printed[f"ftn_{n}"] for n in range(58, 66)} == {"(*)"}


def test_the_text_keeps_every_footnote_call(store):
    """66 notes, 66 calls in the English text; the French prints the calls of all of them."""
    rows = store.select("""PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
        SELECT ?text WHERE { ?part aiact:text|aiact:closingText ?text . }""")
    calls = {"en": 0, "fr": 0}
    for row in rows:
        calls[row["text"].language] += len(re.findall("⁽(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\\*)⁾", row["text"].value))
    assert calls == {"en": 66, "fr": 66}


def test_an_act_cited_in_the_text_shows_its_official_number_title_and_oj_reference(client):
    page = plain(client.get("/reg/2024/1689/art_40").get_data(as_text=True))
    assert '<a href="http://data.europa.eu/eli/reg/2012/1025/oj" rel="external">Regulation (EU) No 1025/2012</a>' in page
    assert "on European standardisation" in page and "(OJ L 316, 14.11.2012, p. 12)" in page
    assert "Regulation 2012/1025" not in page
    french = plain(client.get("/reg/2024/1689/art_40?lang=fr").get_data(as_text=True))
    assert "Règlement (UE) no 1025/2012" in french and "(JO L 316 du 14.11.2012, p. 12)" in french


def test_a_citation_in_the_text_links_the_eli_titled_with_the_footnote(client):
    page = plain(client.get("/reg/2024/1689/art_2").get_data(as_text=True))
    link = re.search(r'<a class="ref ext" rel="external" href="http://data.europa.eu/eli/reg/2016/679/oj" title="([^"]+)">', page)
    assert link and link.group(1).startswith("Regulation (EU) 2016/679 of the European Parliament and of the Council of 27 April 2016")
    assert "(OJ L 119, 4.5.2016, p. 1)." in link.group(1)


def test_every_act_a_footnote_describes_has_that_footnote_as_its_reference(store, english):
    rows = {r["act"].value: r for r in store.run("other-acts", lang="en")}
    described = [r for r in rows.values() if "citation" in r]
    assert len(described) >= 65
    notes = {n.local_id: " ".join(n.text) for n in english.footnotes}
    index = english.index()
    for row in described:
        note = row["noteId"].value
        if note.startswith("ftn_"):
            assert row["citation"].value == notes[note]
        else:  # an act Annex I or Annex X lists with its full reference
            assert note.startswith(("anx_I.", "anx_X.")) and " ".join(index[note].text).startswith(row["citation"].value)
        assert row["citation"].value.startswith(row["label"].value)


def test_an_act_listed_in_annex_i_shows_the_reference_the_annex_gives(client):
    page = client.get("/reg/2024/1689/anx_I").get_data(as_text=True).replace("\u00a0", " ")
    link = re.search(r'href="http://data.europa.eu/eli/dir/2009/48/oj" title="([^"]+)"', page)
    assert link and link.group(1) == ("Directive 2009/48/EC of the European Parliament and of the Council of "
                                      "18 June 2009 on the safety of toys (OJ L 170, 30.6.2009, p. 1)")
