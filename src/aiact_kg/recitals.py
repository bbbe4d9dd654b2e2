"""Which recitals explain which article.

Three ways of finding a link, each recorded with the link (``aiact:linkMethod``). The first
two are connections the text itself makes; the third is a guess, and the pages say so:

- ``cited``: the recital names the article ("Article 5", "point (h) of Article 5(1)"),
  found by the cross-reference recogniser; score 1; the cited part of the article is kept
  (``aiact:linkedProvision``).
- ``term``: the recital and the article use the same distinctive term defined in Article 3
  (one used by at most ``TERM_ARTICLES`` articles and ``TERM_RECITALS`` recitals: "real-time
  remote biometric identification system", not "AI system"); score 1; the shared terms are
  kept (``aiact:sharedTerm``).
- ``computed``: the recital and the article share their distinctive vocabulary. Each text is
  a TF-IDF vector of its word stems (stop words removed, IDF over all recitals and articles);
  the score is the cosine of the two vectors. The article as a whole keeps its best ``TOP``
  recitals scoring at least ``THRESHOLD`` (``MAX_LINKS`` at most); so that a long article does
  not drown its short provisions (the eight prohibitions of Article 5(1) each have their own
  recitals), each of its paragraphs and points of at least ``UNIT_WORDS`` words adds its best
  ``UNIT_TOP`` recitals scoring at least ``UNIT_THRESHOLD``, with that paragraph or point as
  the link's ``aiact:linkedProvision`` (recital 44 and Article 5(1), point (f)). A recital
  keeps its best score.

A hand-made sample of article-recital pairs read by a person (``tests/data/related_recitals.tsv``)
checks the method: the test prints and bounds its recall.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from dataclasses import dataclass, field

from . import crossrefs
from .provisions import Act, Provision

TOP = 5
THRESHOLD = 0.12
UNIT_TOP = 2
UNIT_THRESHOLD = 0.22
UNIT_WORDS = 25
MAX_LINKS = 10
TERM_ARTICLES = 4
TERM_RECITALS = 8

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


@dataclass
class RecitalLink:
    article: str
    recital: str
    score: float
    method: str  # "cited", "term" or "computed"
    provision: str | None = None  # the paragraph or point of the article the link rests on
    terms: list[str] = field(default_factory=list)  # slugs of the shared defined terms

    def __iter__(self):  # (article, recital, score, method), as links were first written
        return iter((self.article, self.recital, self.score, self.method))


def _term_pattern(label: str) -> re.Pattern:
    words = [re.escape(w) for w in label.split()]
    return re.compile(r"(?<![\w-])" + r"[\s\u00a0]+".join(words) + r"(?:s|es)?(?![\w-])", re.IGNORECASE)


def distinctive_terms(articles: list[Provision], recitals: list[Provision], terms: list[dict]) -> dict[str, dict]:
    """The defined terms used by few articles and few recitals: slug -> {"articles", "recitals"}
    (the local ids that use it). Terms defined for one context only are left out."""
    out = {}
    for term in terms:
        if term.get("scope_en"):
            continue
        pattern = _term_pattern(term["label_en"])
        using = [a.local_id for a in articles if pattern.search(a.full_text())]
        cited = [r.local_id for r in recitals if pattern.search(r.full_text())]
        if using and cited and len(using) <= TERM_ARTICLES and len(cited) <= TERM_RECITALS:
            out[term["slug"]] = {"articles": set(using), "recitals": set(cited)}
    return out


def related_recitals(english: Act, terms: list[dict] | None = None) -> list[RecitalLink]:
    """Every link found, articles in order; ``terms`` are Article 3's definitions
    (:func:`aiact_kg.textgraph.definitions`), for the ``term`` links."""
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

    cited: dict[str, dict[str, str]] = {}
    for recital in recitals:
        for citation in crossrefs.find_citations(recital.full_text(), "en", recital.local_id):
            for target in citation.targets:
                article = target.split(".")[0]
                if article.startswith("art_") and article in index:
                    cited.setdefault(article, {}).setdefault(recital.local_id, target)
    shared: dict[tuple[str, str], list[str]] = {}
    defined = [a for a in articles if a.local_id != "art_3"]
    for slug, use in distinctive_terms(defined, recitals, terms or []).items():
        for article in use["articles"]:
            for recital in use["recitals"]:
                shared.setdefault((article, recital), []).append(slug)

    links: list[RecitalLink] = []
    number = lambda r: int(r.split("_")[1])  # noqa: E731
    for article in articles:
        found = cited.get(article.local_id, {})
        for recital in sorted(found, key=number):
            target = found[recital]
            links.append(RecitalLink(article.local_id, recital, 1.0, "cited",
                                     provision=target if target != article.local_id and target in index else None))
        connected = set(found)
        for recital in sorted((r for a, r in shared if a == article.local_id and r not in connected), key=number):
            links.append(RecitalLink(article.local_id, recital, 1.0, "term", terms=sorted(shared[(article.local_id, recital)])))
            connected.add(recital)
        best: dict[str, tuple[float, str | None]] = {}
        scored = sorted(((_cosine(vectors[article.local_id], vectors[r.local_id]), r.local_id) for r in recitals), reverse=True)
        for score, recital in scored[:TOP]:
            if score >= THRESHOLD and recital not in connected:
                best[recital] = (score, None)
        ranked = dict(sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:MAX_LINKS])
        for unit in units[article.local_id]:
            scored = sorted(((_cosine(vectors[unit.local_id], vectors[r.local_id]), r.local_id) for r in recitals), reverse=True)
            for score, recital in scored[:UNIT_TOP]:
                if score >= UNIT_THRESHOLD and recital not in connected and score > ranked.get(recital, (0.0, None))[0]:
                    ranked[recital] = (score, unit.local_id)
        for recital, (score, unit) in sorted(ranked.items(), key=lambda item: (-item[1][0], item[0])):
            links.append(RecitalLink(article.local_id, recital, round(score, 3), "computed", provision=unit))
    return links
