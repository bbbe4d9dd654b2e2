"""The typeset commentary corpus (tests/data/commentary/typeset/): what it holds, and the
linker's figures on it as PDF (pypdf and pdfminer.six), .docx and HTML."""

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

import commentary
import typeset
from aiact_kg import linker

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def index(store):
    return linker.ActIndex.from_store(store)


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_link_pdf", ROOT / "bench" / "link_pdf.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


DOCUMENTS = commentary.documents()


def test_the_corpus_has_twelve_documents_of_1500_words_in_both_languages_and_styles():
    assert len(DOCUMENTS) >= 12
    assert Counter(d.lang for d in DOCUMENTS) == {"fr": 6, "en": 6}
    assert {d.meta["style"] for d in DOCUMENTS} == {"law-review", "practitioner", "regulator", "blog"}
    assert all(commentary.words(d) >= 1500 for d in DOCUMENTS), [(d.name, commentary.words(d)) for d in DOCUMENTS]


def test_at_least_400_citations_are_annotated_half_of_them_hard():
    gold = [g for d in DOCUMENTS for g in commentary.clean_text(d)[1]]
    assert len(gold) >= 400
    assert sum(g.hard for g in gold) >= len(gold) / 2


def test_every_annotated_target_is_a_provision_of_the_act(index):
    for d in DOCUMENTS:
        text, gold = commentary.clean_text(d)
        for g in gold:
            assert text[g.start:g.end] == g.quote
            assert g.targets or g.other_act, (d.name, g.quote)
            for target in g.targets:
                assert target in index.ids, (d.name, g.quote, target)


def test_the_range_notation_of_the_gold_file_expands_label_by_label():
    assert commentary.expand("art_8..11") == ("art_8", "art_9", "art_10", "art_11")
    assert commentary.expand("art_5.par_1.pnt_a..c") == ("art_5.par_1.pnt_a", "art_5.par_1.pnt_b", "art_5.par_1.pnt_c")
    assert commentary.expand("art_5.par_1.pnt_h.pnt_i..iii")[-1] == "art_5.par_1.pnt_h.pnt_iii"


@pytest.mark.parametrize("extractor", ["pypdf", "pdfminer", "docx", "html"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_linker_finds_98_percent_of_citations_and_no_wrong_act_link(bench, index, extractor, lang):
    total = bench.Tally()
    for d in DOCUMENTS:
        if d.lang == lang:
            tallies = bench.score(d, extractor, index)
            total.add(tallies["all"])
            total.lines += tallies["all"].lines
    assert total.recall >= 0.98, "\n".join(total.lines)
    assert total.wrong_act == 0, "\n".join(total.lines)


def test_the_pdf_is_typeset_in_two_columns_with_headers_and_footnotes():
    d = next(d for d in DOCUMENTS if d.notes())
    pages = typeset.extract(typeset.pdf(d), "pypdf")
    assert len(pages) >= 2
    header = d.meta["header"][:12]
    assert all(header in p.replace("ﬁ", "fi").replace("ﬂ", "fl") for p in pages)  # running header
    assert all(f"— {n} —" in p for n, p in enumerate(pages, 1))  # page numbers
    assert "Notes" in linker.read_document(typeset.pdf(d), "x.pdf")  # footnotes found and moved
    assert any("ﬁ" in p for p in pages)  # ligatures in the text layer
