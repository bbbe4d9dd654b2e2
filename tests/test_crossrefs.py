"""Cross-references of Regulation (EU) 2024/1689, as the recogniser reads them.

One test per form of reference, named as the legal fact it checks; the sentences are the
Act's own where it uses the form. The last tests score the recogniser on the hand-checked
sample ``tests/data/crossref_sample.tsv``.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from aiact_kg.crossrefs import ARTICLE_CHAPTER, find_citations, int_to_roman, roman_to_int

GDPR = "http://data.europa.eu/eli/reg/2016/679/oj"
LED = "http://data.europa.eu/eli/dir/2016/680/oj"
SAMPLE = Path(__file__).parent / "data" / "crossref_sample.tsv"


def cited(text: str, context: str | None = None, lang: str = "en") -> list[str]:
    """Every target cited in ``text``, in order."""
    return [target for citation in find_citations(text, lang, context) for target in citation.targets]


# -- English: articles, paragraphs, points ------------------------------------------------------

def test_article_6_2_is_paragraph_2_of_article_6():
    assert cited("high-risk AI system referred to in Article 6(2)") == ["art_6.par_2"]


def test_article_6_2_and_3_cites_both_paragraphs():
    assert cited("Article 6(2) and (3)") == ["art_6.par_2", "art_6.par_3"]


def test_range_articles_8_to_15_expands_to_eight_articles():
    assert cited("referred to in Articles 8 to 15 and in Article 25;") == [f"art_{n}" for n in range(8, 16)] + ["art_25"]


def test_list_articles_16_17_and_18_cites_three_articles():
    assert cited("Articles 16, 17 and 18") == ["art_16", "art_17", "art_18"]


def test_point_h_of_article_5_1_is_a_point_of_the_paragraph():
    assert cited("point (h) of Article 5(1)") == ["art_5.par_1.pnt_h"]


def test_article_5_1_point_h_is_the_same_point():
    assert cited("Article 5(1), point (h)") == ["art_5.par_1.pnt_h"]


def test_points_a_and_b_of_article_5_1_cites_two_points():
    assert cited("points (a) and (b) of Article 5(1)") == ["art_5.par_1.pnt_a", "art_5.par_1.pnt_b"]


def test_point_c_ii_printed_in_article_5_1_is_a_sub_point_of_that_paragraph():
    assert cited("point (c)(ii)", "art_5.par_1.pnt_d") == ["art_5.par_1.pnt_c.pnt_ii"]


def test_first_subparagraph_point_h_iii_of_article_5_1_hangs_off_the_paragraph():
    text = "Criminal offences referred to in Article 5(1), first subparagraph, point (h)(iii):"
    assert cited(text, "anx_II") == ["art_5.par_1.pnt_h.pnt_iii"]


def test_point_h_comma_2_to_6_names_paragraphs_2_to_6_of_article_5():
    text = "Article 5(1), first subparagraph, point (h), (2) to (6) and Article 26(10) of this Regulation"
    assert cited(text, "rct_41") == ["art_5.par_1.pnt_h"] + [f"art_5.par_{n}" for n in range(2, 7)] + ["art_26.par_10"]


def test_article_3_point_49_b_is_a_point_of_a_definition():
    assert cited("a serious incident as defined in Article 3, point (49)(b)", "art_73.par_3") == ["art_3.pnt_49.pnt_b"]


def test_article_113_3_point_a_is_point_a_of_article_113_which_has_no_numbered_paragraphs():
    assert cited("Article 5 as referred to in Article 113(3), point (a)", "art_111.par_2") == ["art_5", "art_113.pnt_a"]


# -- English: annexes, chapters, sections, recitals -------------------------------------------

def test_annex_iii():
    assert cited("AI systems referred to in Annex III shall be considered to be high-risk.", "art_6.par_2") == ["anx_III"]


def test_annex_iii_point_1():
    assert cited("Annex III, point 1") == ["anx_III.pnt_1"]


def test_annex_iii_points_1_6_and_7():
    assert cited("referred to in Annex III, points 1, 6 and 7;", "anx_VIII.sct_A.pnt_12") == [
        "anx_III.pnt_1", "anx_III.pnt_6", "anx_III.pnt_7"]


def test_points_5_b_and_c_of_annex_iii_are_points_of_point_5():
    assert cited("referred to in points 5 (b) and (c) of Annex III") == ["anx_III.pnt_5.pnt_b", "anx_III.pnt_5.pnt_c"]


def test_point_1_a_of_annex_iii():
    assert cited("For high-risk AI systems referred to in point 1(a) of Annex III") == ["anx_III.pnt_1.pnt_a"]


def test_section_a_of_annex_i():
    assert cited("legislation listed in Section A of Annex I") == ["anx_I.sct_A"]


def test_section_a_points_1_to_10_of_annex_viii_with_the_exception_of_points_6_8_and_9():
    text = "Section A, points 1 to 10, of Annex VIII, with the exception of points 6, 8 and 9;"
    assert cited(text, "art_49.par_4.pnt_a") == [f"anx_VIII.sct_A.pnt_{n}" for n in range(1, 11)] + [
        "anx_VIII.sct_A.pnt_6", "anx_VIII.sct_A.pnt_8", "anx_VIII.sct_A.pnt_9"]


def test_points_4_3_to_4_5_and_the_fifth_paragraph_of_point_4_6_of_annex_vii():
    text = "Points 4.3., 4.4., 4.5. and the fifth paragraph of point 4.6 of Annex VII shall also apply."
    assert cited(text, "art_43.par_3.sbp_1") == [
        "anx_VII.pnt_4.pnt_3", "anx_VII.pnt_4.pnt_4", "anx_VII.pnt_4.pnt_5", "anx_VII.pnt_4.pnt_6"]


def test_section_2_of_this_chapter_in_article_43_is_chapter_iii_section_2():
    assert cited("the requirements set out in Section 2 of this Chapter", "art_43.par_3.sbp_1") == ["cpt_III.sct_2"]


def test_bare_section_2_is_a_section_of_the_citing_chapter():
    assert cited("the requirements set out in Section 2;", "art_16.pnt_a") == ["cpt_III.sct_2"]


def test_chapter_iii():
    assert cited("Chapter III") == ["cpt_III"]


def test_chapter_iii_section_2():
    assert cited("the requirements set out in Chapter III, Section 2 relating to a high-risk AI system") == ["cpt_III.sct_2"]


def test_chapters_i_and_ii_apply_from_2_february_2025():
    assert cited("Chapters I and II shall apply from 2 February 2025;", "art_113.pnt_a") == ["cpt_I", "cpt_II"]


def test_recital_53():
    assert cited("as explained in recital 53") == ["rct_53"]


# -- English: references relative to where they are printed ------------------------------------

def test_paragraph_1_is_a_paragraph_of_the_citing_article():
    assert cited("In addition to the high-risk AI systems referred to in paragraph 1", "art_6.par_2") == ["art_6.par_1"]


def test_paragraphs_1_and_2():
    assert cited("paragraphs 1 and 2", "art_26.par_3") == ["art_26.par_1", "art_26.par_2"]


def test_paragraphs_3_to_9_in_brackets():
    assert cited("the procedures laid down in paragraphs (3) to (9) shall apply.", "art_36.par_2.sbp_2") == [
        f"art_36.par_{n}" for n in range(3, 10)]


def test_this_article():
    assert cited("This Article shall not affect the prohibitions", "art_5.par_8") == ["art_5"]


def test_point_a_is_a_point_of_the_citing_paragraph():
    assert cited("the product whose safety component pursuant to point (a) is the AI system", "art_6.par_1.pnt_b") == [
        "art_6.par_1.pnt_a"]


def test_the_first_subparagraph_is_a_subparagraph_of_the_citing_paragraph():
    assert cited("The first subparagraph shall apply where", "art_6.par_3.sbp_2") == ["art_6.par_3.sbp_1"]


def test_paragraph_3_second_subparagraph_of_this_article():
    assert cited("amend paragraph 3, second subparagraph, of this Article", "art_6.par_6") == ["art_6.par_3.sbp_2"]


def test_point_a_printed_in_article_43_1_is_a_point_of_its_second_subparagraph():
    assert cited("the common specifications referred to in point (a) exist", "art_43.par_1.sbp_2.pnt_c") == [
        "art_43.par_1.sbp_2.pnt_a"]


def test_article_43_1_first_and_second_subparagraphs_both_have_points():
    assert cited("Article 43(1), first subparagraph, point (a)") == ["art_43.par_1.sbp_1.pnt_a"]
    assert cited("point (b) of the second subparagraph", "art_43.par_1.sbp_3") == ["art_43.par_1.sbp_2.pnt_b"]


def test_this_chapter_is_the_chapter_of_the_citing_article():
    assert cited("the obligations in this Chapter;", "art_54.par_3.pnt_c") == ["cpt_V"]


def test_this_section_is_the_section_of_the_citing_article():
    assert cited("the assessment outlined in this Section.", "art_34.par_3") == ["cpt_III.sct_4"]


def test_this_section_in_an_article_without_section_cites_nothing():
    assert cited("this Section", "art_5.par_1") == []


def test_relative_references_without_context_are_dropped():
    assert cited("paragraph 1, point (a) and the first subparagraph of this Article") == []


def test_that_annex_points_back_to_the_annex_cited_before():
    text = "in order to amend Annex V by updating the content of the EU declaration of conformity set out in that Annex"
    assert cited(text, "art_47.par_5") == ["anx_V", "anx_V"]


def test_point_h_iii_thereof_is_a_point_of_the_point_cited_before():
    text = ("the objectives listed in paragraph 1, first subparagraph, point (h), including which of the "
            "criminal offences referred to in point (h)(iii) thereof")
    assert cited(text, "art_5.par_5") == ["art_5.par_1.pnt_h", "art_5.par_1.pnt_h.pnt_iii"]


def test_annex_xi_points_2_d_and_e_thereof_are_points_of_annex_xi():
    text = "compliance with Annex XI, in particular points 2 (d) and (e) thereof"
    assert cited(text, "art_53.par_5") == ["anx_XI", "anx_XI.pnt_2.pnt_d", "anx_XI.pnt_2.pnt_e"]


def test_article_chapter_table_matches_the_divisions_of_the_formex_file():
    from aiact_kg import formex, paths

    act, _ = formex.parse(paths.CORPUS / "en" / "formex")
    found = {}

    def walk(node, chapter=None, section=None):
        if node.kind == "Chapter":
            chapter = node.number
        elif node.kind == "Section":
            section = node.number
        elif node.kind == "Article":
            found[int(node.number)] = (chapter, section)
        for child in node.children:
            walk(child, chapter, section)

    for part in act.parts:
        walk(part)
    assert found == ARTICLE_CHAPTER
    assert len(found) == 113


# -- English: other acts ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, eli", [
    ("Regulation (EU) 2016/679", GDPR),
    ("Directive (EU) 2019/790", "http://data.europa.eu/eli/dir/2019/790/oj"),
    ("Regulation (EC) No 300/2008", "http://data.europa.eu/eli/reg/2008/300/oj"),
    ("Directive 2014/90/EU", "http://data.europa.eu/eli/dir/2014/90/oj"),
    ("Decision No 768/2008/EC", "http://data.europa.eu/eli/dec/2008/768/oj"),
    ("Council Framework Decision 2002/584/JHA", "http://data.europa.eu/eli/dec_framw/2002/584/oj"),
    ("Council Directive 85/374/EEC", "http://data.europa.eu/eli/dir/1985/374/oj"),
    ("Commission Implementing Regulation (EU) 2019/947", "http://data.europa.eu/eli/reg_impl/2019/947/oj"),
    ("Commission Recommendation 2003/361/EC", "http://data.europa.eu/eli/reco/2003/361/oj"),
])
def test_other_acts_are_cited_by_their_eli(text, eli):
    assert cited(f"in accordance with {text} of the European Parliament") == [eli]


def test_a_list_of_regulations_cites_each_of_them():
    assert cited("Regulations (EU) 2016/679 and (EU) 2018/1725") == [GDPR, "http://data.europa.eu/eli/reg/2018/1725/oj"]


def test_article_9_1_of_regulation_2016_679_is_not_article_9_of_this_act():
    assert cited("Article 9(1) of Regulation (EU) 2016/679", "rct_39") == [GDPR]


def test_article_10_of_directive_2016_680_is_not_article_10_of_this_act():
    assert cited("the rules on the processing of biometric data contained in Article 10 of Directive (EU) 2016/680", "rct_38") == [LED]


def test_articles_coordinated_before_another_act_are_articles_of_that_act():
    text = "in accordance with Article 6(4) and Article 9(2), point (g), of Regulation (EU) 2016/679"
    assert cited(text, "rct_140") == [GDPR, GDPR]


def test_article_16_1_of_that_regulation_is_the_regulation_named_before():
    text = "Article 16(6) of Regulation (EU) 2022/2065 … received pursuant to Article 16(1) of that Regulation"
    assert cited(text, "rct_136") == ["http://data.europa.eu/eli/reg/2022/2065/oj"] * 2


def test_this_regulation_is_not_a_citation():
    assert cited("This Regulation shall enter into force on the twentieth day", "art_113.sbp_1") == []


def test_treaty_articles_are_not_articles_of_this_act():
    assert cited("Having regard to the Treaty on the Functioning of the European Union, and in particular "
                 "Articles 16 and 114 thereof,", "cit_1") == []
    assert cited("the power to adopt acts in accordance with Article 290 TFEU", "rct_173") == []


def test_article_r23_of_annex_i_to_decision_768_2008_is_not_annex_i_of_this_act():
    assert cited("pursuant to Article R23 of Annex I to Decision No 768/2008/EC.", "rct_126") == [
        "http://data.europa.eu/eli/dec/2008/768/oj"]


def test_an_amending_article_names_provisions_of_the_act_it_amends():
    assert cited("in Article 17, the following paragraph is added:", "art_108.pnt_1") == [
        "http://data.europa.eu/eli/reg/2018/1139/oj"]


def test_chapter_iii_section_2_of_that_regulation_in_quoted_amendments_is_this_act():
    text = ("‘When adopting delegated acts pursuant to the first subparagraph concerning artificial intelligence "
            "systems which are safety components within the meaning of Regulation (EU) 2024/1689 of the European "
            "Parliament and of the Council, the requirements set out in Chapter III, Section 2, of that Regulation "
            "shall be taken into account.")
    assert cited(text, "art_103") == ["http://data.europa.eu/eli/reg/2013/167/oj", "cpt_III.sct_2"]


def test_single_point_of_contact_is_no_point():
    assert cited("the single point of contact for this Regulation", "art_70.par_2") == []


# -- French ---------------------------------------------------------------------------------------------

def test_fr_article_6_paragraphe_2():
    assert cited("visé à l’article 6, paragraphe 2, à l’exception", "art_27.par_1", "fr") == ["art_6.par_2"]


def test_fr_article_5_paragraphe_1_point_h():
    assert cited("l’article 5, paragraphe 1, point h)", None, "fr") == ["art_5.par_1.pnt_h"]


def test_fr_point_h_de_l_article_5_paragraphe_1():
    assert cited("point h) de l’article 5, paragraphe 1", None, "fr") == ["art_5.par_1.pnt_h"]


def test_fr_points_a_et_b_are_points_of_the_citing_paragraph():
    assert cited("indépendant des produits visés aux points a) et b), est considéré", "art_6.par_1", "fr") == [
        "art_6.par_1.pnt_a", "art_6.par_1.pnt_b"]


def test_fr_les_articles_8_a_15():
    assert cited("les articles 8 à 15", None, "fr") == [f"art_{n}" for n in range(8, 16)]


def test_fr_l_annexe_iii_and_its_points():
    assert cited("l’annexe III", None, "fr") == ["anx_III"]
    assert cited("l’annexe III, point 1", None, "fr") == ["anx_III.pnt_1"]
    assert cited("visés à l’annexe III, point 5 b)", None, "fr") == ["anx_III.pnt_5.pnt_b"]
    assert cited("visés à l’annexe III, points 5), b) et c), effectuent", "art_27.par_1", "fr") == [
        "anx_III.pnt_5.pnt_b", "anx_III.pnt_5.pnt_c"]


def test_fr_la_section_2_du_present_chapitre():
    assert cited("exigences visées à la section 2 du présent chapitre", "art_40.par_1", "fr") == ["cpt_III.sct_2"]


def test_fr_le_chapitre_iii():
    assert cited("le chapitre III", None, "fr") == ["cpt_III"]


def test_fr_le_paragraphe_1():
    assert cited("visés au paragraphe 1", "art_6.par_2", "fr") == ["art_6.par_1"]


def test_fr_le_present_article():
    assert cited("Le présent article ne porte pas atteinte", "art_5.par_8", "fr") == ["art_5"]


def test_fr_le_premier_alinea():
    assert cited("Le premier alinéa s’applique lorsqu’une des conditions", "art_6.par_3.sbp_2", "fr") == ["art_6.par_3.sbp_1"]


def test_fr_point_h_iii_after_paragraphe_1_point_h_is_its_sub_point():
    text = ("énumérés au paragraphe 1, premier alinéa, point h), et notamment pour quelles infractions pénales "
            "visées au point h), iii), les autorités")
    assert cited(text, "art_5.par_5", "fr") == ["art_5.par_1.pnt_h", "art_5.par_1.pnt_h.pnt_iii"]


@pytest.mark.parametrize("text, eli", [
    ("règlement (UE) 2016/679", GDPR),
    ("directive (UE) 2019/790", "http://data.europa.eu/eli/dir/2019/790/oj"),
    ("règlement (CE) no 300/2008", "http://data.europa.eu/eli/reg/2008/300/oj"),
    ("règlement (CE) n° 300/2008", "http://data.europa.eu/eli/reg/2008/300/oj"),
    ("règlement (CE) nº 300/2008", "http://data.europa.eu/eli/reg/2008/300/oj"),
    ("décision-cadre 2002/584/JAI", "http://data.europa.eu/eli/dec_framw/2002/584/oj"),
])
def test_fr_other_acts_are_cited_by_their_eli(text, eli):
    assert cited(f"conformément au {text} du Parlement européen", None, "fr") == [eli]


def test_fr_article_of_dudit_reglement_is_the_regulation_named_before():
    text = ("l’article 14 du règlement (UE) 2019/1020, … les pouvoirs visés à l’article 14, paragraphe 4, "
            "points d) et j), dudit règlement")
    assert cited(text, "art_74.par_5", "fr") == ["http://data.europa.eu/eli/reg/2019/1020/oj"] * 2


def test_fr_ses_articles_16_et_114_are_articles_of_the_treaty():
    assert cited("vu le traité sur le fonctionnement de l’Union européenne, et notamment ses articles 16 et 114,",
                 "cit_1", "fr") == []


def test_fr_straight_apostrophe_and_no_break_spaces_are_read():
    assert cited("visés à l'annexe\u00a0III, points\u00a01, 6 et 7;", "anx_VIII.sct_A.pnt_12", "fr") == [
        "anx_III.pnt_1", "anx_III.pnt_6", "anx_III.pnt_7"]


# -- the API -------------------------------------------------------------------------------------------

def test_offsets_give_the_surface_text():
    text = "referred to in Article\u00a06(2), with the exception of point 2 of Annex III,"
    for citation in find_citations(text, "en", "art_27.par_1"):
        assert text[citation.start:citation.end] == citation.text
    assert [c.text for c in find_citations(text, "en", "art_27.par_1")] == ["Article\u00a06(2)", "point 2 of Annex III"]


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError):
        find_citations("Article 6", "de", None)


def test_roman_numerals_round_trip():
    assert [roman_to_int(int_to_roman(n)) for n in range(1, 40)] == list(range(1, 40))
    assert int_to_roman(13) == "XIII" and int_to_roman(4, upper=False) == "iv"


# -- the hand-checked sample ----------------------------------------------------------------------------

def _sample() -> dict[tuple[str, str, str], set[str]]:
    cases: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    lines = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    header = lines[0].split("\t")
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t")))
        cases[(row["lang"], row["context"], row["sentence"])].update(row["targets"].split())
    return cases


def test_sample_has_at_least_170_references_in_both_languages():
    lines = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    rows = [line.split("\t") for line in lines[1:]]
    references = [row for row in rows if row[3]]
    assert len(references) >= 170
    assert sum(1 for row in references if row[0] == "fr") >= 50
    assert sum(1 for row in rows if not row[3]) >= 10


def test_sample_precision_is_at_least_98_and_recall_at_least_95_percent():
    hits = misses = wrong = 0
    for (lang, context, sentence), expected in _sample().items():
        found = {t for c in find_citations(sentence, lang, context) for t in c.targets}
        hits += len(expected & found)
        misses += len(expected - found)
        wrong += len(found - expected)
    assert hits / (hits + wrong) >= 0.98
    assert hits / (hits + misses) >= 0.95
