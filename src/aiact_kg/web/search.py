"""Search at ``/search?q=``: the full text of the Act in English and French, and jumps to a cited
provision.

Typing a reference as the law writes it ("Article 6(2)", "Art. 6(2)", "article 6, paragraphe
2", "art. 6, §2", "cons. 53", "Annex III") goes straight to that provision: the query is read by
the same citation parser as the linker (:func:`aiact_kg.linker.parse_citation`, English then
French); a citation of what the Act does not have ("Article 114") says so instead of searching.
Anything else is searched in the words of every subdivision (:mod:`aiact_kg.fulltext`: words,
"phrases" and prefixes*, accents and case folded, definitions and headings first), indexed
once when the application starts from the named queries ``search-texts`` and
``text-versions``.

Parameters: ``q`` the query; ``lang``, ``chapter``, ``kind``, ``version`` narrow it to one
value of a facet; ``sort`` (``relevance``, or ``order``: the Act's printed order); ``page``
and ``size`` (10, 20, 50 or 100 results a page); ``text=1`` searches a reference's words
instead of jumping; ``format=json`` gives the same page of results, facets and links as data.
"""

from __future__ import annotations

import hashlib
import math
import re
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request
from markupsafe import Markup, escape

from .. import fulltext, linker, paths, queries
from ..fulltext import FACETS, NO_CHAPTER, QueryError, Results, fold  # noqa: F401 (fold: the glossary's)
from ..legal_order import sort_key
from .graph import Site, site
from .i18n import gettext as _
from .i18n import interface_lang, ui_path

bp = Blueprint("search", __name__)

MAX_QUERY = 300
PAGE_SIZES = (10, 20, 50, 100)
PAGE_SIZE = 20
#: The kind facet's values in the order the page lists them, with their names (translated by
#: the interface's catalogue).
KIND_NAMES = {
    "definition": "Definitions (Article 3)", "article": "Articles", "chapter": "Chapters", "section": "Sections",
    "paragraph": "Paragraphs", "subparagraph": "Subparagraphs", "point": "Points", "recital": "Recitals",
    "citation": "Citations", "annex": "Annexes", "footnote": "Footnotes", "preamble": "Preamble",
    "final": "Final part",
}
#: A result's kind, as its tag names it.
KIND_TAGS = {
    "definition": "Definition", "article": "Article", "chapter": "Chapter", "section": "Section",
    "paragraph": "Paragraph", "subparagraph": "Subparagraph", "point": "Point", "recital": "Recital",
    "citation": "Citation", "annex": "Annex", "footnote": "Footnote", "preamble": "Preamble", "final": "Final part",
}
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def snippet(text: str, marks: list[tuple[int, int]], width: int = 240) -> Markup:
    """A passage of the text around the first match, every match in <mark>, on escaped text."""
    start = max(0, marks[0][0] - width // 3) if marks else 0
    if start:
        start = text.find(" ", start, marks[0][0]) + 1 or start
    end = min(len(text), start + width)
    if end < len(text):  # end at a word's end, not within one ("paragraph…" of "paragraphe")
        cut = text.rfind(" ", start, end)
        end = cut if cut > start + width // 2 and (not marks or cut >= marks[0][1]) else end
    out, position = [Markup("…") if start else Markup("")], start
    for s, e in marks:
        if s < start or e > end:
            continue
        out.append(escape(text[position:s]))
        out.append(Markup("<mark>{}</mark>").format(text[s:e]))
        position = e
    out.append(escape(text[position:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)


class SearchIndex(fulltext.Index):
    """The index of one served graph, with the versions of the text the graph records."""

    def __init__(self, s: Site):
        super().__init__(s.run(INDEX_QUERIES[0]), s.terms)
        self.versions: dict[str, dict] = {}
        for row in s.run(INDEX_QUERIES[1]):
            entry = self.versions.setdefault(row["version"].value, {
                "issued": row["issued"].value if "issued" in row else None, "label": {}})
            if "label" in row:
                entry["label"][row["lang"].value] = row["label"].value


_index_lock = threading.Lock()


def index(app=None) -> fulltext.Index:
    """The search index of the application, built once: searched from a file
    (:class:`aiact_kg.fulltext.StoredIndex`) wherever one can be written, else in memory."""
    app = app or current_app
    found = app.extensions.get("aiact_kg.search")
    if found is None:
        with _index_lock:
            found = app.extensions.get("aiact_kg.search")
            if found is None:
                found = open_index(app.extensions["aiact_kg"])
                app.extensions["aiact_kg.search"] = found
    return found


def index_file(s: Site) -> Path | None:
    """Where the index of the served graph is kept between runs: in the build cache, named
    after the graph's version (the built files' names, each a fingerprint of the sources and
    code), the index's code and its queries; None for a store whose graph may change
    (a SPARQL server), whose index is written anew at each start."""
    if not getattr(s.store, "files", None):
        return None
    digest = hashlib.sha256()
    for part in (s.version.encode(), fulltext.MAGIC, Path(fulltext.__file__).read_bytes(),
                 Path(__file__).read_bytes(), *(queries.load(name).text.encode() for name in INDEX_QUERIES)):
        digest.update(part + b"\0")
    return paths.cache_dir() / f"search-index-{digest.hexdigest()[:20]}"


#: The named queries the index is built from.
INDEX_QUERIES = ("search-texts", "text-versions")


def open_index(s: Site) -> fulltext.Index:
    """The index of the served graph from its file, written first if there is none yet (built
    from the graph, then written through a temporary file and renamed); for a graph that may
    change, an unnamed temporary file; in memory only where no file can be written."""
    path = index_file(s)
    if path is not None and path.is_file():
        try:
            return _stored(fulltext.StoredIndex(path))
        except (OSError, ValueError):
            pass  # cut short or of another version: written anew
    built = SearchIndex(s)
    fulltext.key.cache_clear()  # the keys of the whole text, needed no more
    try:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            fulltext.write_index(built, str(path), {"versions": built.versions})
            return _stored(fulltext.StoredIndex(path))
        handle = tempfile.TemporaryFile(prefix="aiact-kg-search-")
        fulltext.write_index(built, handle, {"versions": built.versions})
        return _stored(fulltext.StoredIndex(handle))
    except OSError:
        return built


def _stored(found: fulltext.StoredIndex) -> fulltext.StoredIndex:
    found.versions = found.extra["versions"]
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


@dataclass
class Params:
    """A search request's parameters, checked."""

    query: str | None  # None: no search asked for (the form alone)
    filters: dict[str, str] = field(default_factory=dict)  # facet -> value (the version as its date)
    sort: str = "relevance"
    page: int = 1
    size: int = PAGE_SIZE
    text: bool = False
    json: bool = False

    def url(self, **changes) -> str:
        """This search with some parameters changed (None removes one), in the reader's interface."""
        args = {"q": self.query, **self.filters, "sort": None if self.sort == "relevance" else self.sort,
                "size": None if self.size == PAGE_SIZE else self.size, "text": "1" if self.text else None,
                "format": "json" if self.json else None}
        args.update(changes)
        return ui_path("/search") + "?" + urlencode({k: v for k, v in args.items() if v not in (None, "")})


def _fail(params: Params | None, code: int, message: str):
    """Stop with a 4xx and a message: as data for a JSON request, else on the error page."""
    if params is not None and params.json:
        response = jsonify({"error": message})
        response.status_code = code
        abort(response)
    abort(code, description=message)


def _version_param(iri: str) -> str:
    """How a version of the text is named in a URL: its IRI's last step, the date of the text."""
    return iri.rsplit("/", 1)[-1]


def read_params(ix: SearchIndex) -> Params:
    args = request.args
    params = Params(None, json=args.get("format") == "json")
    if args.get("format") not in (None, "", "json", "html"):
        _fail(None, 400, f"Unknown format {args.get('format')!r}: choose html or json.")
    query = args.get("q")
    if query is not None:
        query = query.strip()
        if len(query) > MAX_QUERY:
            _fail(params, 400, f"The search is longer than {MAX_QUERY} characters.")
    params.query = query
    lang = args.get("lang", "")
    if lang not in ("", "en", "fr"):
        _fail(params, 400, f"Unknown language {lang!r}: choose en, fr, or nothing for both.")
    if lang:
        params.filters["lang"] = lang
    for name in ("chapter", "kind", "version"):
        value = args.get(name, "")
        if not value:
            continue
        allowed = _facet_values(ix, name)
        if value not in allowed:
            _fail(params, 400, f"Unknown {name} {value!r}: choose {', '.join(allowed)}.")
        params.filters[name] = value
    params.sort = args.get("sort") or "relevance"
    if params.sort not in fulltext.SORTS:
        _fail(params, 400, f"Unknown order {params.sort!r}: choose relevance, or order for the Act's order.")
    page, size = args.get("page") or "1", args.get("size") or str(PAGE_SIZE)
    if not page.isdigit() or int(page) < 1:
        _fail(params, 400, f"The page is {page!r}: expected a whole number from 1.")
    if not size.isdigit() or int(size) not in PAGE_SIZES:
        _fail(params, 400, f"Results a page: choose {', '.join(map(str, PAGE_SIZES))} (not {size!r}).")
    params.page, params.size = int(page), int(size)
    params.text = bool(args.get("text"))
    return params


def _facet_values(ix: SearchIndex, name: str) -> list[str]:
    """A facet's values over the whole Act, in the order the page lists them."""
    values = ix.values(name)
    if name == "chapter":
        return sorted(values, key=lambda v: (v == NO_CHAPTER, sort_key(v)))
    if name == "kind":
        return [k for k in KIND_NAMES if k in values] + sorted(set(values) - KIND_NAMES.keys())
    if name == "version":
        by_date = sorted(values, key=lambda v: (ix.versions.get(v, {}).get("issued") or "", v))
        return [_version_param(v) for v in by_date]
    return sorted(values)


def _facet_label(ix: SearchIndex, s: Site, name: str, value: str, lang: str) -> tuple[str, str | None]:
    """A facet value as the page names it, and a longer description (a chapter's title, a
    version's label)."""
    if name == "chapter":
        if value == NO_CHAPTER:
            return _("Outside the chapters"), _("Citations, recitals, annexes and notes")
        return s.label(value, lang), ix.title(value, lang)
    if name == "kind":
        return _(KIND_NAMES.get(value, value)), None
    if name == "lang":
        return LANGUAGE_NAMES.get(value, value), None
    iri = _version_iri(ix, value)
    version = ix.versions.get(iri, {})
    return version.get("issued") or value, version.get("label", {}).get(lang)


def _version_iri(ix: SearchIndex, value: str) -> str:
    return next((v for v in ix.values("version") if _version_param(v) == value), value)


FACET_TITLES = {"chapter": "Chapter", "kind": "Kind", "lang": "Language", "version": "Version of the text"}


def facets(ix: SearchIndex, s: Site, results: Results, params: Params) -> list[dict]:
    """Each facet with its values' counts and the link that narrows the search to each (or,
    for the value chosen, widens it again)."""
    lang = interface_lang()
    out = []
    for name in FACETS:
        counts = results.facets[name]
        if name == "version":
            counts = {_version_param(v): c for v, c in counts.items()}
        chosen = params.filters.get(name)
        values = []
        for value in _facet_values(ix, name):
            if not counts.get(value) and value != chosen:
                continue
            label, description = _facet_label(ix, s, name, value, lang)
            values.append({"value": value, "label": label, "description": description, "count": counts.get(value, 0),
                           "selected": value == chosen,
                           "href": params.url(**{name: None if value == chosen else value}, page=None)})
        out.append({"name": name, "title": _(FACET_TITLES[name]), "values": values,
                    "clear": params.url(**{name: None}, page=None) if chosen else None})
    return out


@bp.get("/search")
def search():
    ix, s = index(), site()
    params = read_params(ix)
    query, lang = params.query, params.filters.get("lang", "")
    if query is None:
        return _answer(params, {"query": None})
    notice = None
    if query and not params.text:
        target, notice = reference_target(s, query)
        if target:
            href = s.href(target, lang or "en")
            if params.json:
                return jsonify({"query": query, "reference": {"id": target, "iri": s.iri(target).value,
                                                             "label": s.label(target, lang or "en"), "href": href}})
            return redirect(href, code=302)
    try:
        clauses = fulltext.parse(query)
    except QueryError as error:
        return _answer(params, {"query": query, "error": str(error)}, status=400)
    results = ix.search(clauses, {k: (_version_iri(ix, v) if k == "version" else v)
                                  for k, v in params.filters.items()}, params.sort, fallback=not notice)
    pages = max(1, math.ceil(results.total / params.size))
    if params.page > pages:
        _fail(params, 404, f"Page {params.page} is past the last: the search has {results.total} results, "
                           f"{pages} pages of {params.size}.")
    first = (params.page - 1) * params.size
    shown = []
    for score, d in results.ranked[first:first + params.size]:
        page = s.page_of(d.id)
        shown.append({"id": d.id, "lang": d.lang, "label": d.label, "kind": d.kind,
                      "kind_name": _(KIND_TAGS.get(d.kind, d.kind)), "chapter": d.chapter, "score": round(score, 4),
                      "definition": d.number in results.definitions,
                      "context": ix.title(page, d.lang) if page != d.id else None,
                      "snippet": snippet(d.text, ix.marks(d, clauses)), "href": s.href(d.id, d.lang),
                      "iri": s.iri(d.id).value})
    return _answer(params, {
        "query": query, "notice": notice, "results": shown, "total": results.total, "partial": results.partial,
        "page": params.page, "pages": pages, "size": params.size, "sort": params.sort, "first": first + 1,
        "last": first + len(shown), "facets": facets(ix, s, results, params),
        "previous": params.url(page=params.page - 1) if params.page > 1 else None,
        "next": params.url(page=params.page + 1) if params.page < pages else None,
        "numbers": [(n, params.url(page=n)) for n in _page_numbers(params.page, pages)]})


def _page_numbers(page: int, pages: int) -> list[int | None]:
    """The pages the pager names: the first, the last and two each side of this one (None for a gap)."""
    wanted = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out: list[int | None] = []
    for n in wanted:
        if out and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


def _answer(params: Params, data: dict, status: int = 200):
    if params.json:
        body = {k: v for k, v in data.items() if k not in ("numbers",)}
        for item in body.get("results", ()):
            item["snippet"] = str(item["snippet"])
        response = jsonify(body)
        response.status_code = status
        return response
    return render_template("search/results.html", params=params, lang_filter=params.filters.get("lang", ""),
                           page_sizes=PAGE_SIZES, **data), status
