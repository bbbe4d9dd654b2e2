"""The French text, read from the EUR-Lex HTML along the English tree: the two languages
share every subdivision, and the French text is the official one as printed."""

from __future__ import annotations

import pytest

from aiact_kg import eurlex, paths
from aiact_kg.corpus import FRENCH_HTML
from aiact_kg.provisions import CorpusError


def plain(text: str) -> str:
    return text.replace("\u00a0", " ")


def test_the_french_html_aligns_with_the_english_tree_without_a_single_misfit(english):
    _, problems, _ = eurlex.parse(paths.CORPUS / FRENCH_HTML, english)
    assert problems == []


def test_every_english_subdivision_has_a_french_one_and_vice_versa(en_index, fr_index):
    missing_notes = {f"ftn_{n}" for n in eurlex.MISSING_FOOTNOTES}
    assert set(fr_index) == set(en_index) - missing_notes
    for local_id, french in fr_index.items():
        assert french.kind == en_index[local_id].kind
        assert [c.local_id for c in french.children] == [c.local_id for c in en_index[local_id].children]


def test_every_subdivision_with_english_words_has_french_words_in_the_same_places(en_index, fr_index):
    for local_id, french in fr_index.items():
        english = en_index[local_id]
        assert len(french.text) == len(english.text), local_id
        assert len(french.closing) == len(english.closing), local_id
        assert all(french.text) and all(french.closing), local_id
        assert bool(french.title) == bool(english.title), local_id


def test_seven_quotation_footnotes_are_absent_from_the_french_rendering_only(en_index, fr_index):
    # Notes E0058 to E0063 and E0065 ("Regulation (EU) 2024/1689 …", called in the quoted
    # amending text of Articles 102 to 109) are not printed in the French HTML.
    for number in eurlex.MISSING_FOOTNOTES:
        assert f"ftn_{number}" in en_index and f"ftn_{number}" not in fr_index
    assert plain(fr_index["ftn_64"].text[0]).startswith("Règlement (UE) 2024/1689 du Parlement européen et du Conseil du 13 juin 2024")


@pytest.mark.parametrize("local_id, start", [
    ("art_5.par_1.pnt_a", "la mise sur le marché, la mise en service ou l’utilisation d’un système d’IA qui a recours à des techniques subliminales"),
    ("art_3.pnt_4", "«déployeur», une personne physique ou morale"),
    ("anx_III.pnt_1.pnt_a", "systèmes d'identification biométrique à distance."),
    ("rct_1", "L’objectif du présent règlement est d’améliorer le fonctionnement du marché intérieur"),
    ("art_17.par_3", "Les fournisseurs de systèmes d’IA à haut risque qui sont soumis à des obligations"),
])
def test_spot_texts_in_french(fr_index, local_id, start):
    assert plain(fr_index[local_id].full_text()).startswith(start)


def test_french_labels_and_titles(fr_index):
    assert plain(fr_index["art_1"].label) == "Article premier"
    assert plain(fr_index["art_6"].title) == "Règles relatives à la classification de systèmes d’IA comme systèmes à haut risque"
    assert fr_index["art_5.par_1.pnt_a"].label == "a)"
    assert plain(fr_index["cpt_III"].label) == "CHAPITRE III"
    assert fr_index["rct_180"].label == "(180)"


def test_french_superscripts_survive(fr_index):
    assert "10²⁵" in fr_index["art_51.par_2"].full_text()


def test_quoted_amending_text_stays_in_the_quoting_french_article(fr_index):
    assert "«3.   Sans préjudice du paragraphe 2" in plain(fr_index["art_108.pnt_1"].full_text())


def test_the_french_recitals_and_citations_are_all_there(french):
    kinds = [p.kind for p in french.walk()]
    assert kinds.count("Recital") == 180 and kinds.count("Citation") == 7 and kinds.count("Article") == 113


def test_a_file_that_is_not_the_eurlex_rendering_is_refused_by_name(english, tmp_path):
    other = tmp_path / "other.html"
    other.write_text("<html><body><p>Nothing here</p></body></html>")
    with pytest.raises(CorpusError, match=r"other\.html: not the EUR-Lex rendering of the Act"):
        eurlex.parse(other, english)
