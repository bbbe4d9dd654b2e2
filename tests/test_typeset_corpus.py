"""The typeset commentary corpus (tests/data/commentary/typeset/): what it holds, and the
linker's figures on it as PDF (pypdf and pdfminer.six), .docx and HTML."""

import importlib.util
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

import commentary
import typeset
from aiact_kg import linker
from aiact_kg.pdftext import PAGE_BREAK

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


def _letters(text: str) -> str:
    """What a citation is made of, whatever extraction did to it: its letters, digits and "§",
    ligatures spelt out, accents composed, case folded (a letter-spaced heading in capitals is
    read in lower case)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum() or ch == "§")


def _within(read: str, original: str) -> bool:
    """``read``'s characters, in order, from the first to the last character of ``original``."""
    rest = iter(original)
    return bool(read) and read[0] == original[:1] and read[-1] == original[-1:] and all(ch in rest for ch in read)


@pytest.mark.parametrize("extractor", typeset.EXTRACTORS)
def test_json_offsets_point_at_each_citation_in_the_text_as_extracted(index, extractor):
    checked = artefacts = 0
    for d in DOCUMENTS:
        pages = typeset.extract(typeset.pdf(d), extractor)
        original = PAGE_BREAK.join(pages)
        doc = linker.link_text(linker.pdf_source(pages), index, d.lang)
        data = linker.to_json(doc)
        assert data["length"] == len(original)
        assert len(data["citations"]) == len(doc.citations)
        for c, found in zip(data["citations"], doc.citations):
            where = original[c["start"]:c["end"]]
            assert where == c["quote"], (d.name, c)
            assert c.get("read", c["quote"]) == found.quote
            # the citation as the PDF's text layer has it: its words in order, with what
            # extraction put among them (a kerning space, a line-end hyphen, a page break)
            assert _within(_letters(found.quote), _letters(where)), (d.name, extractor, found.quote, where)
            checked += 1
            artefacts += where != found.quote
        spans = {(c["start"], c["end"]) for c in data["citations"]}
        assert all(tuple(position) in spans for p in data["provisions"] for position in p["positions"])
    assert checked >= 763 and artefacts > 100, (checked, artefacts)
