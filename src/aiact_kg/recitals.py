"""Which recitals explain which article.

Two ways of finding a link, each recorded with the link (``aiact:linkMethod``):

- ``cited``: the recital names the article ("Article 5", "point (h) of Article 5(1)"),
  found by the cross-reference recogniser; score 1.
- ``computed``: the recital and the article share their distinctive vocabulary. Each text is
  a TF-IDF vector of its word stems (stop words removed, IDF over all recitals and articles);
  the score is the cosine of the two vectors. The article as a whole keeps its best ``TOP``
  recitals scoring at least ``THRESHOLD``; so that a long article does not drown its short
  provisions (the eight prohibitions of Article 5(1) each have their own recitals), each of
  its paragraphs and points of at least ``UNIT_WORDS`` words adds its best ``UNIT_TOP``
  recitals scoring at least ``UNIT_THRESHOLD``. A recital keeps its best score.

A hand-made sample of article-recital pairs read by a person (``tests/data/related_recitals.tsv``)
checks the method: the test prints and bounds its recall.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from . import crossrefs
from .provisions import Act

TOP = 5
THRESHOLD = 0.12
UNIT_TOP = 2
UNIT_THRESHOLD = 0.22
UNIT_WORDS = 25
MAX_LINKS = 10

_WORD = re.compile(r"[a-z][a-z\-]{2,}")
_STOP = frozenset(
    """the and for that with this which such shall are from have has been its their any other
    than into where when within under those these them they was were not may all also only
    including referred regulation article paragraph point union member states state should
    can could would order accordance particular provided relevant respect basis whether
    between more out them both each well made make being purpose purposes set laid down
    following pursuant apply applies appropriate necessary ensure taking account""".split()
)


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ings", "ing", "ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _bag(text: str) -> Counter:
    return Counter(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP)


def _vectors(bags: dict[str, Counter]) -> dict[str, dict[str, float]]:
    documents = len(bags)
    frequency: Counter = Counter()
    for bag in bags.values():
        frequency.update(bag.keys())
    vectors = {}
    for key, bag in bags.items():
        vector = {w: (1 + math.log(c)) * math.log(documents / frequency[w]) for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors[key] = {w: v / norm for w, v in vector.items()}
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def related_recitals(english: Act) -> list[tuple[str, str, float, str]]:
    """(article, recital, score, method) for every link found, articles in order."""
    index = english.index()
    articles = [p for p in index.values() if p.kind == "Article"]
    recitals = [p for p in index.values() if p.kind == "Recital"]
    units = {
        a.local_id: [u for u in a.walk() if u.kind in ("Paragraph", "Point") and len(u.full_text().split()) >= UNIT_WORDS]
        for a in articles
    }
    bags = {p.local_id: _bag(f"{p.title or ''}\n{p.full_text()}") for p in articles + recitals}
    bags.update({u.local_id: _bag(u.full_text()) for group in units.values() for u in group})
    vectors = _vectors(bags)

    cited: dict[str, set[str]] = {}
    for recital in recitals:
        for citation in crossrefs.find_citations(recital.full_text(), "en", recital.local_id):
            for target in citation.targets:
                article = target.split(".")[0]
                if article.startswith("art_") and article in index:
                    cited.setdefault(article, set()).add(recital.local_id)

    links: list[tuple[str, str, float, str]] = []
    for article in articles:
        found = cited.get(article.local_id, set())
        for recital in sorted(found, key=lambda r: int(r.split("_")[1])):
            links.append((article.local_id, recital, 1.0, "cited"))
        best: dict[str, float] = {}
        for unit_id, top, threshold in [(article.local_id, TOP, THRESHOLD)] + [
            (u.local_id, UNIT_TOP, UNIT_THRESHOLD) for u in units[article.local_id]
        ]:
            scored = sorted(((_cosine(vectors[unit_id], vectors[r.local_id]), r.local_id) for r in recitals), reverse=True)
            for score, recital in scored[:top]:
                if score >= threshold and recital not in found:
                    best[recital] = max(score, best.get(recital, 0.0))
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:MAX_LINKS]
        for recital, score in ranked:
            links.append((article.local_id, recital, round(score, 3), "computed"))
    return links
