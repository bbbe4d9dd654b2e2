"""The graph as the pages see it: the store, the base of our IRIs, and what is worked out once
per application from named queries (the subdivisions that exist, the defined terms).

The graph does not change while it is served, so everything here is computed on first use and
kept. Pages find the site with :func:`site`.

What is kept, and why none of it is a response cache (with ``PAGE_CACHE`` off, every request
still renders its whole page: it runs its own queries where a page's answer depends on the
request, and writes its HTML from what follows):

- facts about the whole graph (:meth:`Site.fact`): the subdivisions, the terms and their index,
  the answers of the named queries that take no request value (the act's title, the dates of
  Article 113, the table of contents, the statements by language: :meth:`Site.shared`), the
  coverage of every article, and the Act's text: every part with its words, the names and
  containers of every subdivision, what each part cites and is cited by, the model drawn
  from it, the recitals of each article (:func:`printed.read_text_facts`, read in the
  background after the first page, pages asking their own queries until then). Data, not
  HTML; each computed once and keyed by the graph's version (:attr:`Site.version`);
- what each line of the text says (:attr:`Site.line_index`: its references and defined terms
  with their spans, read with the text's facts), and the link each reference makes from a
  page (:attr:`Site.reference_links`, as pages are first rendered): the text's reading,
  bounded by the Act's lines;
- fragments (:meth:`Site.fragment`): the row of one statement, one article's row of the
  coverage table, one term of the ontology reference, each the same on every page that shows
  it, kept by the resource, the language and the interface's prefix of links. A page is
  made of them and of what it renders itself (its filters, counts, headings, layout);
- the page cache (:meth:`Site.cached`, ``PAGE_CACHE``): whole rendered pages (HTML, PDF) by
  path and language, which a deployment may turn off; bounded in bytes (``PAGE_CACHE_BYTES``,
  :data:`PAGE_CACHE_BYTES`), the least recently used page going first.
"""

from __future__ import annotations

import re
import sys
import threading
from dataclasses import dataclass, field
from functools import cached_property

from flask import current_app
from markupsafe import Markup
from pyoxigraph import NamedNode

from .. import queries
from ..bounded import BytesLRU
from ..citations import citation_label
from ..legal_order import sort_key
from ..textgraph import resolve_target, sectionless_annex_points

#: The act's path under the base: its IRI is ``{base}reg/2024/1689``.
ACT_PATH = "reg/2024/1689"
#: EUR-Lex page of the act as published; subdivisions are anchors (``#art_5``).
EUR_LEX = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
LANGUAGES = ("en", "fr")
#: Kinds of subdivision that have a page of their own; the others are anchors on their page.
PAGE_PREFIXES = ("art_", "anx_", "rct_", "cit_", "ftn_", "cpt_")
#: What the page cache may hold by default, bytes: the pages read most, some 75 article and
#: recital pages (every one of the English interface comes to 7.7 MiB, the Act's 308 pages
#: to 8.2 MiB). Small, so that the server's memory after 10,000 requests stays within a tenth
#: of its memory after start: a page not kept is rendered in a few milliseconds.
PAGE_CACHE_BYTES = 2 * 1024 ** 2


@dataclass(frozen=True)
class Term:
    """A term defined in Article 3, as the pages link it."""

    slug: str
    number: str
    source: str  # local id of the defining point
    label: dict
    definition: dict
    scope: dict = field(default_factory=dict)  # the context a term is defined for only (point (58))


@dataclass(frozen=True)
class OtherAct:
    """Another act the text cites: its ELI, how the text names it ("Regulation (EU) No
    1025/2012"), its full reference as the Official Journal's footnote gives it (title, number,
    OJ reference) and that footnote's local id."""

    eli: str
    name: str | None
    citation: str | None
    note: str | None

    @property
    def label(self) -> str:
        return self.name or self.eli

    @property
    def description(self) -> str:
        """The full reference where the OJ gives one, else how the text names the act."""
        return self.citation or self.label


class Site:
    """One served graph: the store, its base, and facts computed once."""

    def __init__(self, store, base: str, cache_bytes: int = PAGE_CACHE_BYTES):
        self.store = store
        self.base = base
        self.act = f"{base}{ACT_PATH}"
        self.cache_bytes = max(0, cache_bytes)
        self._pages = BytesLRU()  # key -> (page, its size in bytes)
        self._lock = threading.Lock()
        self._facts: dict = {}
        self._texts: dict[str, str] = {}
        self._fact_lock = threading.Lock()
        self._fact_locks: dict = {}
        #: One object for each of the graph's terms in the rows of facts (a term is named in many
        #: rows: 14,000 distinct terms fill 113,000 cells of the text's facts).
        self._terms: dict = {}
        self._producing = threading.local()  # how many facts this thread is computing
        self._prepared: dict[str, threading.Event] = {}

    @cached_property
    def version(self) -> str:
        """What identifies the served graph: the names of the built graph's files (each named
        after the fingerprint of its sources and code), else the store's description."""
        files = getattr(self.store, "files", None)
        return "\n".join(f.name for f in files) if files else self.store.description

    def fact(self, key, produce):
        """A fact about the whole graph, computed once by ``produce()`` and kept under the
        graph's version: it depends on the graph alone, never on a request or its language of
        interface. Unlike :meth:`cached`, it is kept with the page cache off."""
        key = (self.version, key)
        try:
            return self._facts[key]
        except KeyError:
            pass
        with self._fact_lock:  # one lock per fact: pages wait only for the fact they need
            lock = self._fact_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._facts:
                depth = getattr(self._producing, "depth", 0)
                self._producing.depth = depth + 1  # the rows it reads are kept: see run
                try:
                    self._facts[key] = produce()
                finally:
                    self._producing.depth = depth
            return self._facts[key]

    def prepared(self, name: str, work) -> threading.Event:
        """Facts computed by ``work()`` in a thread of their own, started once (the first time
        any page asks): the returned event is set when they are all there. Pages that find it
        unset answer from their own queries meanwhile, so that the first pages after a start
        do not wait for facts about the whole Act."""
        with self._fact_lock:
            event = self._prepared.get(name)
            if event is None:
                event = self._prepared[name] = threading.Event()

                def run():
                    try:
                        work()
                    finally:
                        event.set()

                threading.Thread(target=run, name=f"facts-{name}", daemon=True).start()
        return event

    def fragment(self, key, produce) -> Markup:
        """A piece of a page that is the same on every page that shows it (one row of the table
        of statements), made once by ``produce()`` and kept under the graph's version and
        ``key``, which must name everything the piece depends on (the language of its text,
        the interface's prefix of its links). Bounded by the graph: keys name its resources."""
        key = (self.version,) + tuple(key)
        found = self.fragments.get(key)
        if found is None:
            found = self.fragments[key] = produce()
        return found

    @cached_property
    def fragments(self) -> dict:
        """The pieces of pages kept by :meth:`fragment`."""
        return {}

    def shared(self, name: str, **bindings) -> tuple:
        """The rows of a named query that every page asking it with these bindings gets the
        same (no request value in them: a language, a role), run once per graph. Rows are
        shared between requests: read them, never change them."""
        return self.fact(("query", name, tuple(sorted(bindings.items()))),
                         lambda: tuple(self.run(name, **bindings)))

    def cached(self, key, produce):
        """A rendered page kept by key (path and language): the graph does not change while
        it is served. Bounded in bytes (:attr:`cache_bytes`, each page counted by
        :func:`cache_size`): the least recently used pages go first, and a page larger than
        the whole bound is sent without being kept."""
        if not self.cache_bytes:
            return produce()
        from .i18n import interface_lang, prefixed

        key = (key, interface_lang(), prefixed() is not None)  # the interface's words and links
        with self._lock:
            found = self._pages.take(key)
        if found is not None:
            return found
        value = produce()
        size = cache_size(key, value)
        with self._lock:
            self._pages.keep(key, value, size, self.cache_bytes)
        return value

    @property
    def cached_bytes(self) -> int:
        """What the page cache holds, bytes, as :func:`cache_size` counts them."""
        return self._pages.size

    # -- IRIs and paths ------------------------------------------------------------------
    def iri(self, local_id: str) -> NamedNode:
        return NamedNode(f"{self.act}/{local_id}")

    def local_id(self, iri: str) -> str | None:
        prefix = self.act + "/"
        if iri.startswith(prefix):
            local = iri[len(prefix):]
            return local if local in self.subdivisions else None
        return None

    def path_of(self, iri: str) -> str | None:
        """The server path of an IRI under the base ("/reg/2024/1689/art_5"), else None."""
        if iri.startswith(self.base):
            return "/" + iri[len(self.base):]
        return None

    # -- the subdivisions -------------------------------------------------------------------
    @cached_property
    def subdivisions(self) -> dict[str, str]:
        """Every subdivision of the Act: local id -> kind (the class's local name)."""
        return {row["id"].value: row["kind"].value.rsplit("#", 1)[-1]
                for row in self.run("subdivisions")}

    @cached_property
    def _sectionless(self) -> dict[str, str]:
        return sectionless_annex_points(self.subdivisions)

    def resolve(self, target: str) -> str | None:
        """A cited target as it exists in the graph (as ``TextGraph.resolve`` does when it
        builds ``eli:cites``): another act's ELI as given; a provision of this Act as itself,
        or its nearest existing ancestor where the wording is finer than the text's structure."""
        return resolve_target(target, self.subdivisions, self._sectionless)

    @staticmethod
    def page_of(local_id: str) -> str:
        """The subdivision whose page shows this one: its article, annex, recital, chapter or
        section (``art_5.par_1.pnt_a`` -> ``art_5``; ``cpt_III.sct_2`` -> itself)."""
        steps = local_id.split(".")
        if steps[0].startswith("cpt_") and len(steps) > 1 and steps[1].startswith("sct_"):
            return ".".join(steps[:2])
        return steps[0]

    def href(self, local_id: str, lang: str = "en", page: str | None = None) -> str:
        """Link to a subdivision: an anchor of its page (only the anchor when on that page)."""
        target_page = self.page_of(local_id)
        anchor = "" if local_id == target_page else f"#{local_id}"
        if page is not None and target_page == page and anchor:
            return anchor
        from .i18n import prefixed

        prefix = prefixed()
        query = "" if lang == (prefix or "en") else f"?lang={lang}"
        return f"/{prefix}" * bool(prefix) + f"/{ACT_PATH}/{target_page}{query}{anchor}"

    def label(self, local_id: str, lang: str = "en") -> str:
        try:
            return citation_label(local_id, lang)
        except (KeyError, ValueError, IndexError):
            return local_id

    # -- defined terms ------------------------------------------------------------------------
    @cached_property
    def terms(self) -> list[Term]:
        by_concept: dict[str, dict] = {}
        for lang in LANGUAGES:
            for row in self.run("definitions", lang=lang):
                concept = row["concept"].value
                entry = by_concept.setdefault(concept, {
                    "slug": concept.rsplit("/", 1)[-1], "number": row["number"].value,
                    "source": row["source"].value.rsplit("/", 1)[-1], "label": {}, "definition": {},
                    "scope": {}})
                entry["label"][lang] = row["term"].value
                entry["definition"][lang] = row["definition"].value
                if "scope" in row:
                    entry["scope"][lang] = row["scope"].value
        return sorted((Term(**entry) for entry in by_concept.values()), key=lambda t: int(t.number))

    @cached_property
    def term_matchers(self) -> dict[str, "TermMatcher"]:
        return {lang: TermMatcher(self.terms, lang) for lang in LANGUAGES}

    # -- other acts ---------------------------------------------------------------------------
    @cached_property
    def other_acts(self) -> dict[str, dict[str, "OtherAct"]]:
        """The other acts the text cites, by language and ELI (``other-acts``)."""
        out: dict[str, dict[str, OtherAct]] = {}
        for lang in LANGUAGES:
            acts = out[lang] = {}
            for row in self.run("other-acts", lang=lang):
                eli = row["act"].value
                acts[eli] = OtherAct(eli, row["label"].value if "label" in row else None,
                                     row["citation"].value if "citation" in row else None,
                                     row["noteId"].value if "noteId" in row else None)
        return out

    def other_act(self, eli: str, lang: str = "en") -> "OtherAct":
        return self.other_acts.get(lang, {}).get(eli) or OtherAct(eli, None, None, None)

    @cached_property
    def reference_links(self) -> dict:
        """The printed text's citation links, by (words, cited targets, language, link
        language, page): filled as pages render; bounded by the citations the Act holds."""
        return {}

    @cached_property
    def line_index(self) -> dict:
        """What each line of the Act's text says, as :class:`printed.Renderer` reads it: its
        references and defined terms with their spans, by (line, language, subdivision).
        Read for the whole text with the text's facts (:func:`printed.read_text_facts`), and
        for a line rendered before; bounded by the lines the Act holds (only the graph's text
        is rendered this way, never a reader's)."""
        return {}

    @cached_property
    def term_links(self) -> dict[tuple[str, str | None], dict[str, Markup]]:
        """The opening tag of each defined term's link, per language and language prefix of the
        page (filled by :meth:`term_links_for`): to its entry in the glossary, titled with the
        point of Article 3 that defines it (the definition itself is one click away, and shown
        on hover by the page's script from ``/definitions.json``)."""
        return {}

    def term_links_for(self, lang: str, prefix: str | None) -> dict[str, Markup]:
        """The term links of a page in ``lang`` under ``prefix`` (``/fr/definitions#…`` there)."""
        key = (lang, prefix)
        if key not in self.term_links:
            glossary = f"/{prefix}/definitions" if prefix else "/definitions"
            self.term_links[key] = {term.slug: Markup('<a class="term" href="{}#{}" title="{}">').format(
                glossary, term.slug, self.label(term.source, lang)) for term in self.terms}
        return self.term_links[key]

    def rows_by(self, name: str, column: str, **bindings) -> dict[str, list[dict]]:
        """The rows of a named query run once for the Act as a whole (its ``?provision`` bound
        to the Act, when it has one), grouped by the value of ``column``: a page takes those of
        its subdivision and of the parts below it instead of asking the query itself."""
        if "provision" in queries.load(name).bindings:
            bindings["provision"] = NamedNode(self.act)

        def produce():
            out: dict[str, list[dict]] = {}
            for row in self.run(name, **bindings):
                if column in row:
                    out.setdefault(row[column].value, []).append(row)
            return out

        return self.fact(("rows-by", name, column, tuple(sorted((k, str(v)) for k, v in bindings.items()))), produce)

    # -- queries ------------------------------------------------------------------------------
    def run(self, name: str, **bindings) -> list[dict]:
        """Rows of a named query with bindings (a str binding is a plain literal), as the
        store's ``run`` gives them; the query's text is read from its file once. Rows read
        for a fact (:meth:`fact`) are kept as long as the graph is served: in them, equal terms
        are one object (the graph's terms only, so the table of them is bounded by the graph)."""
        text = self._texts.get(name)
        if text is None:
            text = self._texts[name] = queries.load(name).text
        rows = self.store.select(text, bindings)
        if getattr(self._producing, "depth", 0):  # rows of a fact, kept: each term once in them all
            terms = self._terms
            for row in rows:
                for column, term in row.items():
                    row[column] = terms.setdefault(term, term)
        return rows


_SPACE = r"[\s\u00a0\u202f]+"
_APOSTROPHE = "[’']"


def _pattern(label: str) -> str:
    parts = []
    for chunk in re.split(r"([\s\u00a0\u202f]+|[’'])", label):
        if not chunk:
            continue
        if chunk in ("’", "'"):
            parts.append(_APOSTROPHE)
        elif chunk.isspace():
            parts.append(_SPACE)
        else:
            parts.append(re.escape(chunk))
    return "".join(parts)


def _plural(word: str) -> str:
    return word if word.endswith(("s", "x")) else word + "s"


def _variants(label: str, lang: str) -> list[str]:
    """The term and its plural as the text prints it: "AI systems", "systèmes d’IA"."""
    words = label.split(" ")
    out = [label]
    if lang == "en":
        out.append(" ".join(words[:-1] + [_plural(words[-1])]))
        if len(words) > 2 and words[1] in ("of", "for"):  # "instructions for use"
            out.append(" ".join([_plural(words[0])] + words[1:]))
    else:
        out.append(" ".join([_plural(words[0])] + words[1:]))
        if len(words) == 1 or words[1] not in ("de", "d’", "à", "du", "des") and not words[1].startswith(("d’", "d'")):
            out.append(" ".join(_plural(w) if i < 2 else w for i, w in enumerate(words)))
    return list(dict.fromkeys(out))


#: Where a defined term may begin: a run of word characters not inside a hyphenated word.
_WORD_START = re.compile(r"(?<![\w-])\w+")
_FIRST_WORD = re.compile(r"\w+")


class TermMatcher:
    """Finds the defined terms of Article 3 in a line of text: longest first, whole words,
    case-insensitive, singular or plural. Terms the law defines only for one context ("‘subject’,
    for the purpose of real-world testing") are not linked elsewhere.

    Built once per graph and language, it is an index from the first word of each way of
    writing a term (lower-cased) to those spellings, longest first, each a small anchored
    pattern. A line is read once, word by word: only where a word starts a term are its
    spellings tried, so the cost of a line grows with its words, not with the number of terms.
    """

    def __init__(self, terms: list[Term], lang: str):
        self.lang = lang
        spellings: list[tuple[str, Term]] = []
        for term in terms:
            label = term.label.get(lang)
            if not label or term.scope:
                continue
            for variant in _variants(label, lang):
                spellings.append((variant, term))
        spellings.sort(key=lambda pair: -len(pair[0]))  # stable: as long, in the terms' order
        self.by_word: dict[str, list[tuple[re.Pattern, Term]]] = {}
        for variant, term in spellings:
            first = _FIRST_WORD.match(variant)
            if first is None:
                continue
            pattern = re.compile(rf"{_pattern(variant)}(?![\w-])", re.IGNORECASE)
            self.by_word.setdefault(first.group().lower(), []).append((pattern, term))

    def find(self, text: str):
        """(start, end, term) for every defined term in the text, left to right, not overlapping."""
        by_word = self.by_word
        position = 0
        for word in _WORD_START.finditer(text):
            start = word.start()
            if start < position:
                continue
            candidates = by_word.get(word.group().lower())
            if not candidates:
                continue
            for pattern, term in candidates:
                match = pattern.match(text, start)
                if match:
                    position = match.end()
                    yield start, position, term
                    break


def cache_size(key, value) -> int:
    """What a page kept in the page cache costs, bytes: its value (a page's text or a PDF's
    bytes as Python holds them, ``sys.getsizeof``; the items of a tuple or list too) and its
    key, with the cache's own entry."""
    size = sys.getsizeof(value)
    if isinstance(value, (tuple, list)):
        size += sum(sys.getsizeof(item) for item in value)
    return size + sum(sys.getsizeof(part) for part in _flat(key)) + _ENTRY


def _flat(key):
    yield key
    if isinstance(key, tuple):
        for part in key:
            yield from _flat(part)


#: The page cache's own cost per entry: its slot in the ordered dict and the (value, size) pair.
_ENTRY = 200


#: The Act's printed order of local ids (see :mod:`aiact_kg.legal_order`), under its older name.
act_order = sort_key


def site() -> Site:
    return current_app.extensions["aiact_kg"]
