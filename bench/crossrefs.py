"""How well and how fast the cross-reference recogniser reads the Act.

Prints precision and recall of :func:`aiact_kg.crossrefs.find_citations` on the hand-checked
sample ``tests/data/crossref_sample.tsv``, counted over (sentence, cited provision) pairs, in
total and per language, with a table of the misses and false positives; then the time to
recognise every text block of the Act in English and French, median of several runs.

    python bench/crossrefs.py [--repeat N]

Exit status 1 when precision < 0.98 or recall < 0.95.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SAMPLE = ROOT / "tests" / "data" / "crossref_sample.tsv"
PRECISION, RECALL = 0.98, 0.95


def read_sample(path: Path = SAMPLE) -> dict[tuple[str, str, str], set[str]]:
    """(lang, context, sentence) -> the targets read by hand (empty for a sentence citing nothing)."""
    cases: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    header = lines[0].split("\t")
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t")))
        cases[(row["lang"], row["context"], row["sentence"])].update(row["targets"].split())
    return cases


def score(cases: dict[tuple[str, str, str], set[str]]):
    """Found and expected (case, target) pairs: true positives, misses, false positives."""
    from aiact_kg.crossrefs import find_citations

    hits, misses, wrong = [], [], []
    for case, expected in cases.items():
        lang, context, sentence = case
        found = {t for c in find_citations(sentence, lang, context) for t in c.targets}
        hits += [(case, t) for t in expected & found]
        misses += [(case, t) for t in sorted(expected - found)]
        wrong += [(case, t) for t in sorted(found - expected)]
    return hits, misses, wrong


def ratios(hits: list, misses: list, wrong: list) -> tuple[float, float]:
    precision = len(hits) / (len(hits) + len(wrong)) if hits or wrong else 1.0
    recall = len(hits) / (len(hits) + len(misses)) if hits or misses else 1.0
    return precision, recall


def act_blocks() -> list[tuple[str, str, str | None]]:
    """Every text line of the Act with the local id it belongs to, in English and French."""
    from aiact_kg import corpus

    english, french, _ = corpus.load()
    return [(lang, line, node.local_id) for lang, act in (("en", english), ("fr", french))
            for node in act.walk() for line in node.text + node.closing]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs over the whole Act (median reported)")
    args = parser.parse_args()
    from aiact_kg.crossrefs import find_citations

    cases = read_sample()
    hits, misses, wrong = score(cases)
    precision, recall = ratios(hits, misses, wrong)
    print(f"sample: {len(cases)} sentences, {len(hits) + len(misses)} cited provisions, {sum(1 for e in cases.values() if not e)} citing nothing")
    print(f"{'':6} {'precision':>9} {'recall':>7} {'found':>6} {'missed':>6} {'wrong':>6}")
    for lang in ("en", "fr", None):
        keep = (lambda pair: pair[0][0] == lang) if lang else (lambda pair: True)
        h, m, w = ([p for p in group if keep(p)] for group in (hits, misses, wrong))
        p, r = ratios(h, m, w)
        print(f"{lang or 'all':6} {p:9.3f} {r:7.3f} {len(h):6} {len(m):6} {len(w):6}")
    print(f"targets: precision >= {PRECISION}, recall >= {RECALL}")
    for title, pairs in (("missed", misses), ("false positives", wrong)):
        if pairs:
            print(f"\n{title}:")
            for (lang, context, sentence), target in pairs:
                print(f"  {lang} {context:24} {target:44} {sentence[:70]}…")

    blocks = act_blocks()
    runs = []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        found = sum(len(find_citations(text, lang, context)) for lang, text, context in blocks)
        runs.append(time.perf_counter() - start)
    langs = {lang: sum(1 for b in blocks if b[0] == lang) for lang in ("en", "fr")}
    print(f"\nwhole act: {len(blocks)} text blocks ({langs['en']} en, {langs['fr']} fr), {found} citations, "
          f"median {statistics.median(runs) * 1000:.0f} ms over {len(runs)} runs  target < 1000 ms")
    return 0 if precision >= PRECISION and recall >= RECALL else 1


if __name__ == "__main__":
    sys.exit(main())
