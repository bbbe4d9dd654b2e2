"""The interface in the reader's language: French under /fr/, English under /en/, the
usual paths kept; one message catalogue (web/messages.json) for every template."""

from __future__ import annotations

import json
import re

from aiact_kg import paths

MESSAGE = re.compile(r"""_\(\s*(['"])(.+?)\1""")


def template_messages() -> set[str]:
    found = set()
    for template in (paths.WEB / "templates").rglob("*.html"):
        found |= {m.group(2) for m in MESSAGE.finditer(template.read_text(encoding="utf-8"))}
    return found


def test_every_message_of_the_templates_has_its_french():
    french = json.loads((paths.WEB / "messages.json").read_text(encoding="utf-8"))["fr"]
    missing = sorted(template_messages() - set(french))
    assert template_messages(), "the templates write their words through _()"
    assert missing == []


def test_french_article_page_speaks_french(client):
    page = client.get("/fr/reg/2024/1689/art_6").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert ">Définitions</a>" in page and ">Calendrier</a>" in page
    assert "Considérants qui l’éclairent" in page and "Cité par" in page
    assert "Recitals that explain it" not in page and ">Definitions</a>" not in page
    assert "Règles relatives à\xa0la classification" in page  # the Act's French text by default


def test_english_prefix_gives_the_english_interface_and_text(client):
    page = client.get("/en/reg/2024/1689/art_6").get_data(as_text=True)
    assert '<html lang="en">' in page and "Recitals that explain it" in page
    assert "Classification rules for high-risk AI systems" in page


def test_usual_paths_keep_working(client):
    english = client.get("/reg/2024/1689/art_6")
    assert english.status_code == 200 and "Recitals that explain it" in english.get_data(as_text=True)
    french = client.get("/reg/2024/1689/art_6?lang=fr").get_data(as_text=True)
    assert '<html lang="fr">' in french and "Considérants qui l’éclairent" in french


def test_language_switch_keeps_the_reader_on_the_same_provision(client):
    page = client.get("/en/reg/2024/1689/art_6").get_data(as_text=True)
    assert 'href="/fr/reg/2024/1689/art_6"' in page
    page = client.get("/fr/reg/2024/1689/art_6?lang=both").get_data(as_text=True)
    assert 'href="/en/reg/2024/1689/art_6?lang=both"' in page


def test_links_under_french_prefix_stay_french(client):
    page = client.get("/fr/reg/2024/1689/art_6").get_data(as_text=True)
    assert 'href="/fr/reg/2024/1689/anx_III"' in page
    assert 'href="/fr/definitions"' in page


def test_french_error_page(client):
    response = client.get("/fr/reg/2024/1689/art_999")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page introuvable" in page and "Retour au règlement" in page


def test_french_home_page(client):
    page = client.get("/fr/").get_data(as_text=True)
    assert "Dates clés" in page and "Entrée en vigueur" in page and "Considérants" in page


def test_citations_of_a_point_and_a_recital():
    from aiact_kg.web.citations import cite, pinpoint

    act = {"title": "Regulation (EU) 2024/1689 of the European Parliament and of the Council of 13\xa0June 2024 laying"
                    " down harmonised rules on artificial intelligence (Artificial Intelligence Act) (Text with EEA"
                    " relevance)", "publication": "2024-07-12", "eli": "http://data.europa.eu/eli/reg/2024/1689/oj"}
    assert pinpoint("art_5.par_1.pnt_c.pnt_ii", "en") == "art 5(1)(c)(ii)"
    assert pinpoint("anx_III.pnt_1.pnt_a", "fr") == "annexe III, point 1(a)"
    assert pinpoint("rct_53", "fr") == "considérant 53"
    point = cite("art_5.par_1.pnt_a", "Article 5(1), point (a)", act, "en")
    assert point["oscola"].endswith("(Artificial Intelligence Act) [2024] OJ L2024/1689, art 5(1)(a)")
    assert point["oj"].startswith("Article 5(1), point (a), of Regulation (EU) 2024/1689 of the European")
    assert point["oj"].endswith("(OJ L, 2024/1689, 12.7.2024, ELI: http://data.europa.eu/eli/reg/2024/1689/oj)")
    assert "EEA" not in point["oj"]
    annex = cite("anx_III", "Annex III", act, "en")
    assert annex["oj"].startswith("Annex III to Regulation (EU) 2024/1689")


def test_french_error_page_explains_the_error_in_french(client):
    import html

    page = html.unescape(client.get("/fr/reg/2024/1689/art_5?lang=de").get_data(as_text=True))
    assert "Langue inconnue 'de' : choisissez en, fr ou both." in page
    english = html.unescape(client.get("/reg/2024/1689/art_5?lang=de").get_data(as_text=True))
    assert "Unknown language 'de': choose en, fr or both." in english


def test_dates_read_as_the_official_journal_writes_them_in_each_language(client):
    # Article 113: the Act applies from 2 August 2026; Chapters I and II from 2 February 2025;
    # it entered into force on 1 August 2024, which French writes "1er août 2024".
    english = client.get("/en/").get_data(as_text=True)
    french = client.get("/fr/").get_data(as_text=True)
    assert '<time datetime="2026-08-02">2 August 2026</time>' in english
    assert '<time datetime="2024-08-01">1 August 2024</time>' in english
    assert '<time datetime="2026-08-02">2 août 2026</time>' in french
    assert '<time datetime="2024-08-01">1er août 2024</time>' in french
    timeline = client.get("/fr/timeline?date=2025-02-02").get_data(as_text=True)
    assert '<time datetime="2025-02-02">2 février 2025</time>' in timeline
    statement = client.get("/fr/reg/2024/1689/obligation/art_9.par_1").get_data(as_text=True)
    assert '<time datetime="2026-08-02">2 août 2026</time>' in statement
