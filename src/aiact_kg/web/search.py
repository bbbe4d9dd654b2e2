"""Search at ``/search?q=``: the full text of the Act in English and French, and jumps to a cited
provision.

Typing a reference as the law writes it ("Article 6(2)", "Art. 6(2)", "article 6, paragraphe
2", "Annex III", "recital 53") goes straight to that provision: the query is read by the same
citation parser as the linker (:func:`aiact_kg.linker.parse_citation`, English then French); a
citation of what the Act does not have ("Article 114") says so instead of searching.
Anything else is searched in the words of every subdivision (named query ``search-texts``),
indexed once when the application starts: accents and case folded ("deployeur" finds
"déployeur"), ranked with Okapi BM25, each hit shown with a snippet whose matching words are
marked on the escaped text.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, redirect, render_template, request
from markupsafe import Markup, escape

from .. import linker
from ..legal_order import sort_key
from .graph import Site, site

bp = Blueprint("search", __name__)

_WORD = re.compile(r"\w+")
MAX_QUERY = 300
RESULTS = 50
#: BM25 parameters (Robertson and Zaragoza, "The Probabilistic Relevance Framework", 2009).
K1, B = 1.2, 0.75


class _Folding(dict):
    """Each character's folded form (its decomposition without combining marks, case-folded),
    by code point as ``str.translate`` asks it: worked out the first time a character is met."""

    def __init__(self):
        super().__init__()
        #: the characters whose folded form is not one character ("ß" -> "ss", a combining mark -> "")
        self.uneven: set[str] = set()

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = "".join(piece.casefold() for piece in unicodedata.normalize("NFKD", char)
                         if not unicodedata.combining(piece))
        if len(folded) != 1:
            self.uneven.add(char)
        self[code] = folded
        return folded


_FOLDING = _Folding()


def fold(text: str) -> tuple[str, list[int]]:
    """Text without accents, case-folded, with the position in ``text`` of each character."""
    folded = text.translate(_FOLDING)
    if _FOLDING.uneven.isdisjoint(text):  # one character for one: positions are the same
        return folded, list(range(len(text)))
    where: list[int] = []
    for index, char in enumerate(text):
        where.extend([index] * len(_FOLDING[ord(char)]))
    return folded, where


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text)[0])


@dataclass
class Document:
    id: str
    lang: str
    label: str
    text: str
    length: int


class Index:
    """An inverted index of the subdivisions' words, one document per subdivision and language."""

    def __init__(self, rows: list[dict]):
        texts: dict[tuple[str, str], list[str]] = defaultdict(list)
        labels: dict[tuple[str, str], str] = {}
        for row in rows:
            key = (row["id"].value, row["lang"].value)
            texts[key].append(row["words"].value)
            if "label" in row:
                labels[key] = row["label"].value
        self.documents: list[Document] = []
        self.postings: dict[str, dict[int, int]] = defaultdict(dict)
        # in the Act's order, so that equal scores rank in legal order
        for (local_id, lang), parts in sorted(texts.items(), key=lambda item: (sort_key(item[0][0]), item[0][1])):
            text = "\n".join(sorted(parts, key=len))
            counts = Counter(words(text))
            number = len(self.documents)
            self.documents.append(Document(local_id, lang, labels.get((local_id, lang), local_id), text,
                                           sum(counts.values())))
            for word, count in counts.items():
                self.postings[word][number] = count
        total = sum(d.length for d in self.documents)
        self.average = total / len(self.documents) if self.documents else 1.0

    def search(self, query: str, lang: str | None = None, limit: int = RESULTS) -> tuple[list[tuple[float, Document]], int]:
        """Documents ranked by BM25 for the query's words, those with every word first; and how many matched."""
        terms = list(dict.fromkeys(words(query)))
        if not terms:
            return [], 0
        count = len(self.documents)
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, int] = defaultdict(int)
        for term in terms:
            postings = self.postings.get(term, {})
            if not postings:
                continue
            idf = math.log(1 + (count - len(postings) + 0.5) / (len(postings) + 0.5))
            for number, frequency in postings.items():
                document = self.documents[number]
                if lang and document.lang != lang:
                    continue
                norm = frequency + K1 * (1 - B + B * document.length / self.average)
                scores[number] += idf * frequency * (K1 + 1) / norm
                matched[number] += 1
        # documents with every word first, then by score
        ranked = sorted(scores, key=lambda n: (-matched[n], -scores[n], n))
        return [(scores[n], self.documents[n]) for n in ranked[:limit]], len(ranked)


def snippet(text: str, query: str, width: int = 240) -> Markup:
    """A passage of the text around the first match, every matching word in <mark>."""
    terms = sorted(set(words(query)), key=len, reverse=True)
    folded, where = fold(text)
    if not terms or not where:
        return escape(text[:width])
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")\w*")
    spans = [(where[m.start()], where[m.end() - 1] + 1) for m in pattern.finditer(folded)]
    start = max(0, spans[0][0] - width // 3) if spans else 0
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + width)
    out, position = [Markup("…") if start else Markup("")], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[position:s]))
        out.append(Markup("<mark>{}</mark>").format(text[s:e]))
        position = e
    out.append(escape(text[position:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)


_index_lock = threading.Lock()


def index(app=None) -> Index:
    """The search index of the application, built once."""
    app = app or current_app
    found = app.extensions.get("aiact_kg.search")
    if found is None:
        with _index_lock:
            found = app.extensions.get("aiact_kg.search")
            if found is None:
                found = Index(app.extensions["aiact_kg"].run("search-texts"))
                app.extensions["aiact_kg.search"] = found
    return found


# -- references -----------------------------------------------------------------------------------

_HEADS = [
    (re.compile(r"\b(?:art|arts)\.?\s*(?=\d)", re.IGNORECASE), "Article "),
    (re.compile(r"\barticles\b", re.IGNORECASE), "Articles"),
    (re.compile(r"\barticle\b(?=\s*\d)", re.IGNORECASE), "Article"),
    (re.compile(r"\b(?:annex|anx\.?)\s*(?=[ivxlc]+\b)", re.IGNORECASE), "Annex "),
    (re.compile(r"\b(?:recital|rec\.|rct\.?)\s*(?=\d)", re.IGNORECASE), "recital "),
    (re.compile(r"\bchapter\s*(?=[ivxlc]+\b)", re.IGNORECASE), "Chapter "),
    (re.compile(r"\bsection\b", re.IGNORECASE), "Section"),
]
_ROMAN_AFTER = re.compile(r"\b(Annex|Chapter)\s+([ivxlc]+)\b", re.IGNORECASE)


def as_reference(query: str) -> str:
    """The query with the head words written as the Official Journal prints them: "art. 6(2)"
    -> "Article 6(2)", "annex iii" -> "Annex III"."""
    text = query.strip()
    for pattern, replacement in _HEADS:
        text = pattern.sub(replacement, text)
    return _ROMAN_AFTER.sub(lambda m: f"{m.group(1).capitalize()} {m.group(2).upper()}", text)


def reference_target(s: Site, query: str) -> tuple[str | None, str | None]:
    """The provision a query names, when the query is essentially a citation ("cons. 53",
    "art. 6, §2", "Article 3(4)", "annexe III, pt 4, a)"), read by the linker's citation parser
    (:func:`aiact_kg.linker.parse_citation`, the one the linker and search share); or, when it
    cites what the Act does not have ("Article 114"), why, to say so instead of searching."""
    stripped = query.strip().rstrip(".;,")
    if not stripped:
        return None, None
    from .link import act_index

    notice = None
    for text in dict.fromkeys((stripped, as_reference(stripped))):
        for citation in linker.parse_citation(text, act_index()):
            if citation.status == "linked":
                resolved = s.resolve(citation.targets[0])
                if resolved and not resolved.startswith("http"):
                    return resolved, None
            elif citation.status in ("unresolved", "ambiguous") and notice is None:
                notice = citation.reason
    return None, notice


@bp.get("/search")
def search():
    query = request.args.get("q", "").strip()
    lang = request.args.get("lang", "")
    if lang not in ("", "en", "fr"):
        abort(400, description=f"Unknown language {lang!r}: choose en, fr, or nothing for both.")
    if len(query) > MAX_QUERY:
        abort(400, description=f"The search is longer than {MAX_QUERY} characters.")
    s = site()
    notice = None
    if query and not request.args.get("text"):
        target, notice = reference_target(s, query)
        if target:
            return redirect(s.href(target, lang or "en"), code=302)
    hits, total = index().search(query, lang or None) if query else ([], 0)
    results = [{"id": d.id, "lang": d.lang, "label": d.label, "score": score, "snippet": snippet(d.text, query),
                "href": s.href(d.id, d.lang)} for score, d in hits]
    return render_template("search/results.html", query=query, results=results, total=total, lang_filter=lang,
                           notice=notice)
