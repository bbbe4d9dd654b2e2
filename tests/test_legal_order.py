"""The Act's printed order, the one sort key of every list."""

from __future__ import annotations

import random

from aiact_kg.legal_order import in_order


def test_article_4_comes_before_article_10():
    assert in_order(["art_10", "art_4", "art_113", "art_1"]) == ["art_1", "art_4", "art_10", "art_113"]


def test_article_26_paragraph_2_comes_before_paragraph_10():
    assert in_order(["art_26.par_10", "art_26.par_2", "art_26.par_1"]) == ["art_26.par_1", "art_26.par_2", "art_26.par_10"]


def test_point_ba_comes_after_b_and_before_c():
    assert in_order(["art_3.par_1.pnt_c", "art_3.par_1.pnt_ba", "art_3.par_1.pnt_b"]) == [
        "art_3.par_1.pnt_b", "art_3.par_1.pnt_ba", "art_3.par_1.pnt_c"]


def test_roman_points_inside_a_lettered_point_count_as_numbers():
    ids = [f"art_5.par_1.pnt_h.pnt_{n}" for n in ("ix", "v", "iv", "x", "i")]
    assert [i.rsplit("_", 1)[1] for i in in_order(ids)] == ["i", "iv", "v", "ix", "x"]


def test_a_lettered_point_i_stays_between_h_and_j():
    assert in_order(["anx_III.pnt_1.pnt_j", "anx_III.pnt_1.pnt_i", "anx_III.pnt_1.pnt_h"]) == [
        "anx_III.pnt_1.pnt_h", "anx_III.pnt_1.pnt_i", "anx_III.pnt_1.pnt_j"]


def test_annex_ix_comes_before_annex_x_and_chapters_by_their_roman_number():
    assert in_order(["anx_X", "anx_IX", "anx_II"]) == ["anx_II", "anx_IX", "anx_X"]
    assert in_order(["cpt_XIII", "cpt_III.sct_2", "cpt_III", "cpt_IV"]) == ["cpt_III", "cpt_III.sct_2", "cpt_IV", "cpt_XIII"]


def test_a_provision_comes_before_its_parts_and_recitals_before_articles_before_annexes():
    assert in_order(["anx_I", "art_5.par_1", "art_5", "rct_180", "ftn_1", "rct_2"]) == [
        "rct_2", "rct_180", "art_5", "art_5.par_1", "anx_I", "ftn_1"]


def test_iris_named_after_a_provision_sort_as_that_provision():
    base = "https://w3id.org/aiact-kg/reg/2024/1689/"
    iris = [base + "obligation/art_10.par_1", base + "art_4", base + "obligation/art_9.par_2"]
    assert in_order(iris) == [base + "art_4", base + "obligation/art_9.par_2", base + "obligation/art_10.par_1"]


def test_every_subdivision_of_the_graph_sorts_in_printed_order(english):
    """Walking the parsed Act gives its printed order; the key alone gives the same within an
    article and among articles, recitals and annexes."""
    printed = [p.local_id for p in english.walk() if p.local_id.startswith(("art_", "rct_", "anx_"))]
    shuffled = printed[:]
    random.Random(13).shuffle(shuffled)
    # subparagraphs and the points of a paragraph interleave in print; compare without them
    plain = [i for i in printed if ".sbp_" not in i]
    assert [i for i in in_order(shuffled) if ".sbp_" not in i] == plain
