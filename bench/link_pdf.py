"""How well the linker reads commentary as users give it: the typeset corpus
(``tests/data/commentary/typeset/``, twelve French and English documents, every citation
annotated with its targets and its classes) typeset as PDF in two columns and read back with
pypdf and with pdfminer.six, each text normalised by :mod:`aiact_kg.pdftext`; and the same
documents as plain text, HTML and .docx.

Prints, per extractor and language, recall, precision and wrong-act links (a link to the AI
Act where the gold says another act is cited), over (citation, provision) pairs; then the same
per class of citation (``plain``, ``enum``, ``range``, ``sub``, ``relative``, ``other``,
``oj``, ``note``, ``kern``, and ``artefact``: a citation whose words the PDF text layer does
not give as written — cut by a hyphen, a page break, a header, a footnote, spaced or joined by
a ligature), and every miss and false link with ``--misses``.

A gold citation is found in the extracted text by aligning the words of the clean text with
the words of the normalised text, and, for a block the extractor read out of order, by the
words around it (so a citation the normaliser did not mend counts as missed, never as found).

    python bench/link_pdf.py [--misses] [--extractor pypdf|pdfminer|text|html|docx]

Exit status 1 when, for a PDF extractor and a language, recall < 0.98 or a wrong-act link is made.
"""

from __future__ import annotations

import argparse
import bisect
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import commentary  # noqa: E402  (the corpus reader lives with the tests)
import typeset  # noqa: E402

RECALL = 0.98
EXTRACTORS = ("pypdf", "pdfminer", "text", "html", "docx")
_TOKEN = re.compile(r"\w+")


@dataclass
class Tally:
    hits: int = 0
    misses: int = 0
    false: int = 0
    wrong_act: int = 0
    others: int = 0  # citations of other acts in the gold
    others_found: int = 0  # ... read as another act's (not linked, not unresolved)
    lines: list = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        self.hits += other.hits
        self.misses += other.misses
        self.false += other.false
        self.wrong_act += other.wrong_act
        self.others += other.others
        self.others_found += other.others_found

    @property
    def recall(self) -> float:
        return self.hits / (self.hits + self.misses) if self.hits + self.misses else 1.0

    @property
    def precision(self) -> float:
        return self.hits / (self.hits + self.false) if self.hits + self.false else 1.0


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().casefold(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def locate(clean: str, read: str, spans: list[tuple[int, int]]) -> list[tuple[int, int] | None]:
    """Each span of the clean text in the text as read: the words of the span, aligned."""
    a, b = _tokens(clean), _tokens(read)
    matcher = SequenceMatcher(None, [t[0] for t in a], [t[0] for t in b], autojunk=False)
    mapped: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            mapped[block.a + k] = block.b + k
    starts = [t[1] for t in a]
    trigrams: dict[tuple, list[int]] = defaultdict(list)
    for i in range(len(b) - 2):
        trigrams[(b[i][0], b[i + 1][0], b[i + 2][0])].append(i)
    out = []
    for start, end in spans:
        first = bisect.bisect_left(starts, start)
        last = first
        while last < len(a) and a[last][1] < end:
            last += 1
        inside = [mapped[i] for i in range(first, last) if i in mapped]
        if not inside:  # a block the extractor put elsewhere: find the words around the span
            votes: Counter = Counter()
            for i in range(max(0, first - 6), min(len(a) - 2, last + 6)):
                for j in trigrams.get((a[i][0], a[i + 1][0], a[i + 2][0]), ()):
                    votes[j - (i - first)] += 1
            if votes and votes.most_common(1)[0][1] >= 3:
                at = votes.most_common(1)[0][0]
                inside = [k for k in range(at, at + last - first) if 0 <= k < len(b)]
        if not inside:
            out.append(None)
            continue
        out.append((b[min(inside)][1], b[max(inside)][2]))
    return out


def read(document, extractor: str):
    """The text the linker is given, and where each of its characters is in the text as read
    (``None`` where they are the same)."""
    from aiact_kg import linker
    from aiact_kg.pdftext import PAGE_BREAK, normalise_pages

    if extractor == "text":
        return commentary.clean_text(document)[0], None, None
    if extractor == "html":
        return linker.read_document(typeset.html_page(document), "x.html"), None, None
    if extractor == "docx":
        return linker.read_document(typeset.docx(document), "x.docx"), None, None
    pages = typeset.extract(typeset.pdf(document), extractor)
    normalised = normalise_pages(pages)
    return normalised.text, normalised, PAGE_BREAK.join(pages)


def score(document, extractor: str, index) -> dict[str, Tally]:
    """Tallies per class (and "all") for one document read by one extractor."""
    from aiact_kg.linker import link_text

    clean, gold = commentary.clean_text(document)
    text, normalised, raw = read(document, extractor)
    doc = link_text(text, index, document.lang)
    where = locate(clean, text, [(g.start, g.end) for g in gold])
    tallies: dict[str, Tally] = defaultdict(Tally)
    found = [(c, t) for c in doc.linked for t in c.targets]
    matched: set[int] = set()
    for g, span in zip(gold, where):
        classes = set(g.classes)
        if span and raw is not None:
            s, e = normalised.source_span(*span)
            if re.sub(r"\s+", " ", raw[s:e]).strip() != g.quote:
                classes.add("artefact")
        if not g.targets:
            recognised = bool(span) and any(c.status == "other" and c.start < span[1] and span[0] < c.end
                                            for c in doc.citations)
            for cls in classes | {"all"}:
                tallies[cls].others += 1
                tallies[cls].others_found += recognised
        for target in g.targets:
            pair = None
            if span:
                pair = next((i for i, (c, t) in enumerate(found)
                             if i not in matched and t == target and c.start < span[1] and span[0] < c.end), None)
            for cls in classes | {"all"}:
                if pair is None:
                    tallies[cls].misses += 1
                else:
                    tallies[cls].hits += 1
            if pair is None:
                tallies["all"].lines.append(f"  miss  {document.name}:{g.start} {g.quote!r} -> {target}"
                                            f" (read as {text[span[0]:span[1]]!r})" if span else
                                            f"  miss  {document.name}:{g.start} {g.quote!r} -> {target} (not found in the text)")
            else:
                matched.add(pair)
    for i, (c, t) in enumerate(found):
        if i in matched:
            continue
        owners = [(g, span) for g, span in zip(gold, where) if span and c.start < span[1] and span[0] < c.end]
        wrong_act = any(not g.targets for g, _ in owners)
        classes = set().union(*(g.classes for g, _ in owners)) if owners else {"none"}
        for cls in classes | {"all"}:
            tallies[cls].false += 1
            tallies[cls].wrong_act += wrong_act
        tallies["all"].lines.append(f"  {'WRONG ACT' if wrong_act else 'false'} {document.name}:{c.start} "
                                    f"{c.quote!r} -> {t}")
    return tallies


def load_index():
    from aiact_kg import build
    from aiact_kg.linker import ActIndex
    from aiact_kg.store import EmbeddedStore

    return ActIndex.from_store(EmbeddedStore(files=[build.build()]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every miss and false link")
    parser.add_argument("--extractor", action="append", choices=EXTRACTORS, help="only these (default all)")
    args = parser.parse_args(argv)
    extractors = args.extractor or EXTRACTORS
    index = load_index()
    docs = commentary.documents()
    gold_counts = {lang: sum(len(commentary.clean_text(d)[1]) for d in docs if d.lang == lang) for lang in ("fr", "en")}
    print(f"typeset corpus: {len(docs)} documents, "
          + ", ".join(f"{n} citations in {lang}" for lang, n in gold_counts.items()))
    ok = True
    per_class: dict[str, dict[str, Tally]] = {}
    print(f"\n| extractor | language | recall | precision | wrong-act links | hits | misses | false links | seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    for extractor in extractors:
        classes: dict[str, Tally] = defaultdict(Tally)
        for lang in ("fr", "en"):
            total = Tally()
            started = time.perf_counter()
            for d in (d for d in docs if d.lang == lang):
                for cls, tally in score(d, extractor, index).items():
                    classes[cls].add(tally)
                    if cls == "all":
                        total.add(tally)
                        total.lines += tally.lines
            seconds = time.perf_counter() - started
            print(f"| {extractor} | {lang} | {total.recall:.3f} | {total.precision:.3f} | {total.wrong_act} | "
                  f"{total.hits} | {total.misses} | {total.false} | {seconds:.1f} |")
            if args.misses:
                print("\n".join(total.lines))
            if extractor in typeset.EXTRACTORS and (total.recall < RECALL or total.wrong_act):
                ok = False
        per_class[extractor] = classes
    names = [c for c in (*commentary.CLASSES, "artefact", "none") if any(c in t for t in per_class.values())]
    print("\nrecall / precision / wrong-act links (cited provisions) per class, both languages; for the classes of "
          "other acts' citations, how many were read as another act's:\n")
    print("| class | " + " | ".join(extractors) + " |")
    print("|---|" + "---|" * len(extractors))
    for cls in names:
        cells = []
        for extractor in extractors:
            t = per_class[extractor].get(cls)
            if t is None:
                cells.append("—")
            elif t.hits + t.misses:
                cells.append(f"{t.recall:.3f} / {t.precision:.3f} / {t.wrong_act} ({t.hits + t.misses})")
            else:  # a class of other acts' citations: how many were read as another act's
                cells.append(f"other act {t.others_found}/{t.others}, wrong-act links {t.wrong_act}")
        print(f"| {cls} | " + " | ".join(cells) + " |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
