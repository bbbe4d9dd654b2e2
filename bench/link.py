"""How well and how fast the commentary linker links citations of the AI Act.

Prints precision and recall of :func:`aiact_kg.linker.link_text` on the hand-annotated sample
``tests/data/commentary/`` (commentary written for the tests in French and English; every
citation annotated with the provisions it cites, or OTHER for another act's), counted over
(citation, provision) pairs, in total and per document, with the misses and false links; how
many other acts' citations were recognised as such; the same, separately, for the blind sample
(``blind-*`` documents annotated in ``blind-annotations.tsv`` by someone who had not read the
linker, so a less optimistic figure than the author's own sample); then the time to link a text of about
100,000 characters (the sample documents repeated), median of several runs. The graph is
loaded once before timing, as the server and the command line keep it.

    python bench/link.py [--repeat N]

Exit status 1 when precision < 0.97, recall < 0.95 on the author's sample or the long text takes more than 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SAMPLE = ROOT / "tests" / "data" / "commentary"
PRECISION, RECALL, SECONDS = 0.97, 0.95, 1.0
LONG_TEXT = 100_000
BLIND = "blind-annotations.tsv"  # annotated by someone who had not read the linker


@dataclass(frozen=True)
class Expected:
    """One annotated citation: where it is (the n-th occurrence of its words) and what it cites."""

    document: str
    quote: str
    occurrence: int
    start: int
    end: int
    targets: tuple[str, ...]  # local ids; empty for another act's citation (OTHER)


def read_sample(folder: Path = SAMPLE, annotations: str = "annotations.tsv") -> tuple[dict[str, str], list[Expected]]:
    """The documents by name and their annotations, located in the text."""
    documents: dict[str, str] = {}
    expected: list[Expected] = []
    lines = (folder / annotations).read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    for line in lines[1:]:
        if not line.strip() or line.startswith("#"):
            continue
        row = dict(zip(header, line.split("\t")))
        name = row["document"]
        if name not in documents:
            documents[name] = (folder / name).read_text(encoding="utf-8")
        text, quote, occurrence = documents[name], row["quote"], int(row["occurrence"])
        start = -1
        for _ in range(occurrence):
            start = text.find(quote, start + 1)
            if start < 0:
                raise ValueError(f"{name}: occurrence {occurrence} of {quote!r} not found")
        targets = () if row["expected"] == "OTHER" else tuple(row["expected"].split())
        expected.append(Expected(name, quote, occurrence, start, start + len(quote), targets))
    return documents, expected


def score(documents: dict[str, str], expected: list[Expected], index):
    """Linked (citation, provision) pairs against the annotations: hits, misses (annotated, not
    linked), false links (linked, not annotated so, including any link on another act's
    citation), and the other acts' citations recognised as such."""
    from aiact_kg.linker import link_text

    hits, misses, wrong, others, others_found = [], [], [], [], []
    for name, text in documents.items():
        doc = link_text(text, index)
        wanted = [e for e in expected if e.document == name]
        found = [(c, t) for c in doc.linked for t in c.targets]
        matched = set()
        for e in wanted:
            if not e.targets:
                others.append(e)
                if any(c.status == "other" and c.start < e.end and e.start < c.end for c in doc.citations):
                    others_found.append(e)
            for target in e.targets:
                pair = next((i for i, (c, t) in enumerate(found)
                             if i not in matched and t == target and c.start < e.end and e.start < c.end), None)
                if pair is None:
                    misses.append((e, target))
                else:
                    matched.add(pair)
                    hits.append((e, target))
        wrong += [(name, c, t) for i, (c, t) in enumerate(found) if i not in matched]
    return hits, misses, wrong, others, others_found


def ratios(hits: list, misses: list, wrong: list) -> tuple[float, float]:
    precision = len(hits) / (len(hits) + len(wrong)) if hits or wrong else 1.0
    recall = len(hits) / (len(hits) + len(misses)) if hits or misses else 1.0
    return precision, recall


def long_text(documents: dict[str, str], lang: str, size: int = LONG_TEXT) -> str:
    """About ``size`` characters of commentary in one language: its sample documents repeated."""
    pieces = [text for name, text in sorted(documents.items()) if name.endswith((f"-{lang}.txt", f"-{lang}.md"))]
    out: list[str] = []
    while sum(map(len, out)) < size:
        out += pieces
    return "\n\n".join(out)


def load_index():
    from aiact_kg import build
    from aiact_kg.linker import ActIndex
    from aiact_kg.store import EmbeddedStore

    return ActIndex.from_store(EmbeddedStore(files=[build.build()]))


def report(title: str, documents: dict[str, str], expected: list[Expected], index) -> tuple[float, float]:
    """Print precision and recall on one annotated set, per document, with its misses and false links."""
    hits, misses, wrong, others, others_found = score(documents, expected, index)
    precision, recall = ratios(hits, misses, wrong)
    print(f"{title}: {len(documents)} documents, {len(expected)} annotated citations "
          f"({len(expected) - len(others)} of the AI Act, {len(others)} of other acts), "
          f"{len(hits) + len(misses)} cited provisions")
    for name in sorted(documents):
        p, r = ratios([h for h in hits if h[0].document == name], [m for m in misses if m[0].document == name],
                      [w for w in wrong if w[0] == name])
        print(f"  {name:<40} precision {p:.3f}  recall {r:.3f}")
    print(f"{title}: precision {precision:.3f}  recall {recall:.3f}  "
          f"(hits {len(hits)}, misses {len(misses)}, false links {len(wrong)}); "
          f"other acts recognised {len(others_found)}/{len(others)}")
    for e, target in misses:
        print(f"  miss  {e.document}:{e.start} {e.quote!r} -> {target}")
    for name, c, target in wrong:
        print(f"  false {name}:{c.start} {c.quote!r} -> {target}")
    for e in others:
        if e not in others_found:
            print(f"  other act not recognised: {e.document}:{e.start} {e.quote!r}")
    return precision, recall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timing runs (median reported)")
    args = parser.parse_args(argv)
    from aiact_kg.linker import link_text

    index = load_index()
    documents, expected = read_sample()
    precision, recall = report("sample", documents, expected, index)
    if (SAMPLE / BLIND).exists():
        print()
        report("blind sample", *read_sample(annotations=BLIND), index)
    print()
    worst = 0.0
    for lang in ("fr", "en"):
        text = long_text(documents, lang)
        runs = []
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            doc = link_text(text, index)
            runs.append(time.perf_counter() - start)
        seconds = statistics.median(runs)
        worst = max(worst, seconds)
        print(f"long text ({lang}): {len(text):,} characters, {len(doc.citations)} citations, "
              f"linked in {seconds:.3f} s (median of {len(runs)})")
    ok = precision >= PRECISION and recall >= RECALL and worst <= SECONDS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
