"""PDF text normalisation (aiact_kg.pdftext): each artefact a PDF extractor leaves in a law
review's text, undone before citations are looked for."""

from __future__ import annotations

import pytest

from aiact_kg.pdftext import PAGE_BREAK, normalise_pages, split_columns


def normalised(*pages: str, columns: bool = False) -> str:
    return normalise_pages(list(pages), columns=columns).text


def test_spaces_inside_citation_tokens_and_before_punctuation_are_removed():
    text = normalised("Voir le cons . 46 et l'art . 6 , §2 ainsi que le p t 47.\n")
    assert text == "Voir le cons. 46 et l'art. 6, §2 ainsi que le pt 47.\n"


def test_words_hyphenated_at_line_ends_are_joined():
    text = normalised("Le fournisseur doit docu-\nmenter son évaluation (article 6, paragraphe 4) et docu-\nmenter le reste.\n")
    assert "doit documenter son évaluation" in text
    assert "docu-" not in text


def test_a_hyphen_the_author_wrote_is_kept_across_a_line_end():
    text = normalised("Un système d'IA à haut-\nrisque et un modèle à haut-risque.\n")
    assert "haut-risque et" in text


def test_letter_spaced_headings_are_read_as_words():
    assert normalised("I N T R O D U C T I O N\nLe texte cite l'article 5.\n").startswith("INTRODUCTION\n")


def test_ligatures_become_letters():
    assert normalised("La classiﬁcation déﬁnie à l'article 6 est ﬁnale.\n") == \
        "La classification définie à l'article 6 est finale.\n"


def test_a_footnote_number_glued_to_the_word_before_is_not_part_of_the_word():
    text = normalised("Les dispositifs médicaux1 relèvent de l'annexe I.\nNotes\n1 Règlement (UE) 2017/745.\n")
    assert "dispositifs médicaux relèvent" in text
    assert "médicaux1" not in text


def test_running_headers_and_page_numbers_do_not_cut_a_sentence():
    text = normalised("REVUE DU NUMÉRIQUE 12\nLe déployeur d'un système à haut risque au sens de\n3\n",
                      "REVUE DU NUMÉRIQUE 13\nl'article 26 doit informer les personnes.\n4\n")
    assert text == "Le déployeur d'un système à haut risque au sens de\nl'article 26 doit informer les personnes.\n"


LEFT = ["Le fournisseur d'un système d'IA", "à haut risque respecte en tout",
        "temps l'article 16 du règlement,", "qui énumère ses obligations, et", "tient la documentation technique",
        "visée à l'article 11, paragraphe 1."]
RIGHT = ["Le déployeur applique pour sa", "part l'article 26 et, lorsqu'il est", "un organisme de droit public,",
         "l'article 27 relatif à l'analyse", "d'impact sur les droits fondamentaux", "avant la mise en service."]


def test_two_columns_read_across_are_read_column_by_column():
    page = "\n".join(f"{left:<42}{right}" for left, right in zip(LEFT, RIGHT)) + "\n"
    read = split_columns(page)
    assert read.index("visée à l'article 11, paragraphe 1.") < read.index("Le déployeur applique")
    text = normalised(page, columns=True)
    assert "temps l'article 16 du règlement,\nqui énumère" in text


def test_offsets_of_a_page_read_column_by_column_point_into_the_page_as_extracted():
    page = "\n".join(f"{left:<42}{right}" for left, right in zip(LEFT, RIGHT)) + "\n"
    result = normalise_pages([page], columns=True)
    for words in ("l'article 16 du règlement", "l'article 27 relatif", "l'article 11, paragraphe 1."):
        start = result.text.index(words)
        first, last = result.source_span(start, start + len(words))
        assert page[first:last] == words


def test_accents_given_as_combining_marks_are_composed_and_mapped_back():
    raw = "Le conside\u0301rant 12 et l'article 6.\n"
    result = normalise_pages([raw])
    assert result.text == "Le considérant 12 et l'article 6.\n"
    start = result.text.index("considérant")
    first, last = result.source_span(start, start + len("considérant"))
    assert raw[first:last] == "conside\u0301rant"
    accent = result.text.index("é")
    first, last = result.source_span(accent, accent + 1)
    assert raw[first:last] == "e\u0301"


def test_a_page_in_one_column_is_left_as_it_is():
    page = "\n".join(LEFT) + "\n"
    assert split_columns(page) == page


def test_offsets_point_into_the_text_as_extracted():
    pages = ["ENTÊTE 1\nVoir le cons . 46 ici.\n1\n", "ENTÊTE 2\nEt l'art . 6 là.\n2\n"]
    result = normalise_pages(pages)
    raw = PAGE_BREAK.join(pages)
    start = result.text.index("cons. 46")
    first, last = result.source_span(start, start + len("cons. 46"))
    assert raw[first:last] == "cons . 46"
    start = result.text.index("art. 6")
    first, last = result.source_span(start, start + len("art. 6"))
    assert raw[first:last] == "art . 6"


def text(*pages):
    return normalise_pages(list(pages)).text


def test_a_kerned_full_stop_at_the_start_of_a_line_joins_its_word():
    assert "l'art. 25 du" in text("modifier la destination au sens de l'art\n. 25 du règlement.")


def test_footnotes_move_to_the_end_and_their_glued_markers_go():
    pages = ["En-tête\nLe règlement relatif aux dispositifs médicaux1 repose sur ses\n"
             "1 Règlement (UE) 2017/745, art. 2, pt 1.\n— 1 —",
             "En-tête\npropres classes de risque.\n— 2 —"]
    out = text(*pages)
    assert "médicaux repose sur ses\npropres classes" in out
    assert out.endswith("Notes\n\n1 Règlement (UE) 2017/745, art. 2, pt 1.")


def test_a_marker_glued_to_the_number_the_note_repeats_goes():
    out = text("au sens du règlement (UE) 2017/7451, la notification\n1 Règlement (UE) 2017/745 relatif aux dispositifs.")
    assert "2017/745, la notification" in out
