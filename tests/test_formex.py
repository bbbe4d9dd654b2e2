"""The English text as parsed from the official Formex files: counts, exact text, quirks."""

from __future__ import annotations

import collections

import pytest

from aiact_kg.provisions import Provision

SECTIONS = {"III": 5, "V": 4, "VII": 2, "IX": 5}
def plain(text: str) -> str:
    """The official text keeps its non-breaking spaces; compare with ordinary ones."""
    return text.replace("\u00a0", " ")


NO_NUMBERED_PARAGRAPH = {3, 4, 16, 32, 39, 66, 85, 87, 94, 102, 103, 104, 105, 106, 107, 108, 109, 110, 113}


def kinds(act) -> collections.Counter:
    return collections.Counter(p.kind for p in act.walk())


def test_the_act_has_180_recitals_113_articles_13_chapters_16_sections_13_annexes(english):
    counted = kinds(english)
    assert counted["Recital"] == 180
    assert counted["Article"] == 113
    assert counted["Chapter"] == 13
    assert counted["Section"] == 16
    assert counted["Annex"] == 13


def test_sections_sit_in_chapters_three_five_seven_and_nine(en_index):
    for chapter, sections in SECTIONS.items():
        found = [c.local_id for c in en_index[f"cpt_{chapter}"].children if c.kind == "Section"]
        assert found == [f"cpt_{chapter}.sct_{n}" for n in range(1, sections + 1)]


def test_the_act_has_500_numbered_paragraphs_of_its_own(english):
    assert kinds(english)["Paragraph"] == 500


def test_every_article_has_a_number_and_a_title(en_index):
    for number in range(1, 114):
        article = en_index[f"art_{number}"]
        assert article.number == str(number)
        assert plain(article.label) == f"Article {number}"
        assert article.title


def test_nineteen_articles_have_no_numbered_paragraph(english):
    without = {
        int(p.number) for p in english.walk()
        if p.kind == "Article" and not any(c.kind == "Paragraph" for c in p.children)
    }
    assert without == NO_NUMBERED_PARAGRAPH


def test_article_3_lists_68_definitions_as_points_of_the_article(en_index):
    points = [c for c in en_index["art_3"].children if c.kind == "Point"]
    assert [p.local_id for p in points] == [f"art_3.pnt_{n}" for n in range(1, 69)]


def test_article_16_points_hang_off_the_article(en_index):
    assert [c.local_id for c in en_index["art_16"].children] == [f"art_16.pnt_{x}" for x in "abcdefghijkl"]


def test_points_and_sub_points_of_article_5(en_index):
    assert en_index["art_5.par_1.pnt_h"].label == "(h)"
    assert en_index["art_5.par_1.pnt_c.pnt_ii"].full_text().startswith("detrimental or unfavourable treatment")
    assert [p.local_id for p in en_index["art_5.par_1.pnt_h"].children] == [
        "art_5.par_1.pnt_h.pnt_i", "art_5.par_1.pnt_h.pnt_ii", "art_5.par_1.pnt_h.pnt_iii"]


def test_subparagraphs_carrying_points_have_their_own_identifier(en_index):
    paragraph = en_index["art_6.par_3"]
    assert [c.local_id for c in paragraph.children] == ["art_6.par_3.sbp_1", "art_6.par_3.sbp_2", "art_6.par_3.sbp_3"]
    assert [c.local_id for c in en_index["art_6.par_3.sbp_2"].children] == [f"art_6.par_3.pnt_{x}" for x in "abcd"]


def test_article_43_1_points_hang_off_their_subparagraph_because_letters_repeat(en_index):
    assert "art_43.par_1.sbp_1.pnt_a" in en_index
    assert "art_43.par_1.sbp_2.pnt_d" in en_index
    assert plain(en_index["art_43.par_1.sbp_2.pnt_a"].full_text()).startswith("harmonised standards referred to in Article 40 do not exist")


def test_annex_structure_sections_and_points(en_index):
    assert [c.local_id for c in en_index["anx_I"].children] == ["anx_I.sct_A", "anx_I.sct_B"]
    assert en_index["anx_I.sct_A.pnt_1"].full_text().startswith("Directive 2006/42/EC")
    assert [c.local_id for c in en_index["anx_III"].children] == [f"anx_III.pnt_{n}" for n in range(1, 9)]
    assert en_index["anx_III.pnt_1.pnt_a"].full_text().startswith("remote biometric identification systems.")
    assert en_index["anx_VII.pnt_3"].title == "Quality management system"
    assert en_index["anx_VII.pnt_3.pnt_1"].label == "3.1."
    assert [c.local_id for c in en_index["anx_VIII"].children] == ["anx_VIII.sct_A", "anx_VIII.sct_B", "anx_VIII.sct_C"]
    assert [c.local_id for c in en_index["anx_XI"].children] == ["anx_XI.sct_1", "anx_XI.sct_2"]


def test_annex_ii_lists_its_sixteen_offences_as_dashed_lines(en_index):
    annex = en_index["anx_II"]
    assert plain(annex.text[0]) == "Criminal offences referred to in Article 5(1), first subparagraph, point (h)(iii):"
    dashed = [plain(line) for line in annex.text if plain(line).startswith("— ")]
    assert len(dashed) == 16 and dashed[-1].startswith("— participation in a criminal organisation")


def test_quotation_tags_become_the_official_quotation_marks(en_index):
    assert plain(en_index["art_3.pnt_1"].full_text()).startswith("‘AI system’ means a machine-based system")
    assert plain(en_index["art_3.pnt_4"].full_text()).startswith("‘deployer’ means a natural or legal person")


def test_superscripts_survive_so_ten_to_the_25_is_not_1025(en_index):
    text = plain(en_index["art_51.par_2"].full_text())
    assert "greater than 10²⁵." in text
    assert "1025" not in text


def test_no_markup_or_tag_residue_in_any_text(english):
    for p in english.walk():
        for line in p.text + p.closing + [p.title or "", p.label or ""]:
            assert "<" not in line and ">" not in line, p.local_id
            assert "  " not in line, p.local_id


def test_quoted_amending_text_stays_text_of_the_quoting_article(en_index):
    article = en_index["art_108"]
    text = plain(article.full_text())
    assert "‘3. Without prejudice to paragraph 2, when adopting implementing acts pursuant to paragraph 1" in text
    assert all(p.local_id.startswith("art_108") for p in article.walk())


@pytest.mark.parametrize("local_id, start", [
    ("art_17.par_3", "Providers of high-risk AI systems that are subject to obligations regarding quality management systems"),
    ("art_43.par_4", "High-risk AI systems that have already been subject to a conformity assessment procedure"),
    ("art_47.par_3", "Where high-risk AI systems are subject to other Union harmonisation legislation"),
    ("art_11.par_3", "The Commission is empowered to adopt delegated acts in accordance with Article 97 in order to amend Annex IV"),
])
def test_quoted_paragraph_identifiers_never_overwrite_the_acts_own_paragraphs(en_index, local_id, start):
    assert plain(en_index[local_id].full_text()).startswith(start)


@pytest.mark.parametrize("invented", ["art_5.par_12", "art_8.par_5", "art_19.par_4"])
def test_quoted_paragraphs_never_invent_provisions(en_index, invented):
    assert invented not in en_index


def test_official_quirks_are_kept(en_index):
    assert en_index["art_1"].title == "Subject matter`"
    assert en_index["art_111"].title.endswith("already placed on the marked")


def test_footnotes_are_numbered_in_document_order(english):
    assert len(english.footnotes) == 66
    assert [plain(t) for t in english.footnotes[0].text] == ["OJ C 517, 22.12.2021, p. 56."]


def test_final_part_carries_the_date_and_the_signatures(en_index):
    final = [plain(line) for line in en_index["fnp_1"].text]
    assert "Done at Brussels, 13 June 2024." in final
    assert "R. Metsola" in final and "M. Michel" in final


def test_article_5_reassembles_as_printed(en_index):
    printed = plain(en_index["art_5"].printed())
    assert printed.startswith("Article 5\nProhibited AI practices\n1. The following AI practices shall be prohibited:\n(a) the placing on the market")
    assert "\n2. The use of ‘real-time’ remote biometric identification systems" in printed


def test_every_local_id_is_unique(english):
    ids = [p.local_id for p in english.walk()]
    assert len(ids) == len(set(ids))


def test_provision_printed_joins_label_and_first_line():
    point = Provision("art_9.par_1.pnt_a", "Point", "a", "(a)", text=["first line", "second"])
    assert point.printed() == "(a) first line\nsecond"


def test_annexes_are_numbered_one_to_thirteen_each_with_its_title(english):
    annexes = [p for p in english.parts if p.kind == "Annex"]
    assert [a.local_id for a in annexes] == [f"anx_{n}" for n in
                                             "I II III IV V VI VII VIII IX X XI XII XIII".split()]
    assert all(a.title for a in annexes)
    assert annexes[9].title == "Union legislative acts on large-scale IT systems in the area of Freedom, Security and Justice"
