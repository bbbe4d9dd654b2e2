"""The normalisation of PDF text (aiact_kg.pdftext), one artefact at a time."""

from aiact_kg.pdftext import PAGE_BREAK, normalise_pages, split_columns


def text(*pages):
    return normalise_pages(list(pages)).text


def test_spaces_inside_citations_and_before_punctuation_are_removed():
    assert "Cons. 46 et l'art. 8, §2 et le pt 47" in text("Voir Cons . 46 et l'art . 8 , §2 et le p t 47 du texte.")


def test_a_kerned_full_stop_at_the_start_of_a_line_joins_its_word():
    assert "l'art. 25 du" in text("modifier la destination au sens de l'art\n. 25 du règlement.")


def test_end_of_line_hyphens_are_removed_but_real_hyphens_kept():
    out = text("la déroga-\ntion vise un système à haut risque ; les high-\nrisk systems and high-risk uses")
    assert "dérogation" in out and "high-risk systems" in out


def test_letter_spaced_headings_are_joined_word_by_word():
    out = text("I I .   L A   D É R O G A T I O N   D E\nL ' A R T I C L E   6   ,   P A R A G R A P H E   3\nSuite.")
    assert "II. LA DÉROGATION DE" in out and "L'article 6, paragraphe 3" in out


def test_ligatures_are_spelled_out():
    assert text("la qualiﬁcation et l'inﬂuence") == "la qualification et l'influence"


def test_running_headers_footers_and_page_numbers_do_not_cut_a_sentence():
    bodies = ["Le fournisseur documente\nson évaluation avant la mise\nsur le marché et la",
              "communique aux autorités\nqui en font la demande ; il\nenregistre aussi le",
              "système dans la base de\ndonnées de l'Union, selon\nl'art. 49, §2."]
    pages = [f"Revue de droit — n° 4, 2026\n{n}\n{body}\n— {n} —" for n, body in enumerate(bodies, 1)]
    out = text(*pages)
    assert "Revue" not in out and "— 2 —" not in out and "\n2\n" not in out
    assert "mise\nsur le marché et la\ncommunique aux autorités" in out


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


def test_two_columns_read_across_are_read_one_after_the_other():
    left = ["The left column starts", "and goes on here with", "its own sentence that", "ends on this line.",
            "Another left line here", "and the last left one."]
    right = ["The right column is", "read only after the", "left one, as a reader", "would read it too.",
             "More of the right one", "and its final words."]
    page = "\n".join(f"{a:<30}     {b}" for a, b in zip(left, right))
    out = split_columns(page)
    assert out.index("and the last left one.") < out.index("The right column is")


def test_offsets_point_into_the_text_as_extracted():
    pages = ["En-tête\nVoir l'art . 26 , §8 ici\n— 1 —", "En-tête\nsuite.\n— 2 —"]
    result = normalise_pages(pages)
    raw = PAGE_BREAK.join(pages)
    start = result.text.index("art. 26, §8")
    s, e = result.source_span(start, start + len("art. 26, §8"))
    assert raw[s:e] == "art . 26 , §8"
