"""The recitals of an article: those the text connects to it (it cites them; they share a
distinctive defined term) apart from the similarity guesses, labelled as such."""

from __future__ import annotations

import re


def _panel(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return page[page.index('id="recitals-h"'):page.index("</section>", page.index('id="recitals-h"'))]


def _ids(html: str) -> list[str]:
    return re.findall(r'<li><a href="/reg/2024/1689/(rct_\d+)', html)


def test_article_5_shows_connected_recitals_apart_from_guesses(client):
    panel = _panel(client, "/reg/2024/1689/art_5")
    connected = panel[:panel.index('id="recitals-guess-h"')]
    guessed = panel[panel.index('id="recitals-guess-h"'):]
    # recitals 40 and 41 cite Article 5(1), point (g); recital 34 speaks of real-time remote
    # biometric identification systems in publicly accessible spaces, terms Article 3 defines
    assert {"rct_40", "rct_41", "rct_34"} <= set(_ids(connected))
    assert "cites Article 5(1), point (g)" in connected
    assert 'href="/definitions#real-time-remote-biometric-identification-system"' in connected
    assert not set(_ids(connected)) & set(_ids(guessed))
    assert "a guess" in guessed and "similarity 0." in guessed


def test_recital_44_appears_for_article_5_as_a_guess_closest_to_point_f(client):
    """Recital 44 (emotion recognition at work and in education) neither cites Article 5 nor
    uses a distinctive defined term of it: the text does not connect them; its wording is
    closest to Article 5(1), point (f), and it is shown as such."""
    panel = _panel(client, "/reg/2024/1689/art_5")
    guessed = panel[panel.index('id="recitals-guess-h"'):]
    item = guessed[guessed.index('href="/reg/2024/1689/rct_44"'):]
    item = item[:item.index("</li>")]
    assert "closest to" in item and "art_5.par_1.pnt_f" in item


def test_recital_links_are_in_french_on_french_pages(client):
    panel = _panel(client, "/reg/2024/1689/art_5?lang=fr")
    assert "Considérant 40" in panel and "système d’identification biométrique à distance en temps réel" in panel


def test_a_shared_term_link_names_the_terms_and_only_distinctive_ones(store):
    rows = store.select("""PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
        SELECT ?term (COUNT(?link) AS ?n) WHERE { ?link aiact:linkMethod "term" ; aiact:sharedTerm ?term }
        GROUP BY ?term""")
    terms = {r["term"].value.rsplit("/", 1)[1] for r in rows}
    assert "real-time-remote-biometric-identification-system" in terms
    assert not terms & {"ai-system", "provider", "deployer", "risk"}


def test_a_recital_page_says_how_each_article_is_linked(client):
    page = client.get("/reg/2024/1689/rct_44").get_data(as_text=True)
    explains = page[page.index('id="explains-h"'):page.index("</section>", page.index('id="explains-h"'))]
    assert 'href="/reg/2024/1689/art_5"' in explains and "similar wording (a guess)" in explains
    page = client.get("/reg/2024/1689/rct_34").get_data(as_text=True)
    assert "shares a defined term" in page
