"""The linker on the typeset commentary corpus (tests/data/commentary/typeset): the texts as a
publisher's PDF gives them back through pypdf and pdfminer.six, normalised, must keep a
recall of at least 0.98 per language with no citation of another act linked to the AI Act.
bench/link_pdf.py prints the full table (per class, per extractor, with .docx and HTML)."""

from __future__ import annotations

import importlib.util
import sys
from collections import defaultdict
from pathlib import Path

import pytest

import commentary
import typeset

_BENCH = Path(__file__).resolve().parent.parent / "bench" / "link_pdf.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("link_pdf", _BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def index(bench):
    return bench.load_index()


def test_the_corpus_has_twelve_texts_and_over_four_hundred_annotated_citations():
    docs = commentary.documents()
    assert len(docs) >= 12
    assert {d.lang for d in docs} == {"fr", "en"}
    assert sum(len(commentary.clean_text(d)[1]) for d in docs) >= 400


@pytest.mark.parametrize("extractor", typeset.EXTRACTORS)
def test_pdf_text_keeps_recall_above_98_percent_and_links_no_other_act(bench, index, extractor):
    totals = defaultdict(bench.Tally)
    for document in commentary.documents():
        totals[document.lang].add(bench.score(document, extractor, index)["all"])
    for lang, tally in totals.items():
        assert tally.wrong_act == 0, f"{extractor}/{lang}: {tally.wrong_act} citations of other acts linked to the Act"
        assert tally.recall >= bench.RECALL, f"{extractor}/{lang}: recall {tally.recall:.3f}"
