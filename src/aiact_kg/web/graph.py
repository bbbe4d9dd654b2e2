"""The graph as the pages see it: the store, the base of our IRIs, and what is worked out once
per application from named queries (the subdivisions that exist, the defined terms).

The graph does not change while it is served, so everything here is computed on first use and
kept. Pages find the site with :func:`site`.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property

from flask import current_app
from markupsafe import Markup
from pyoxigraph import NamedNode

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

    def __init__(self, store, base: str, cache_size: int = 4096):
        self.store = store
        self.base = base
        self.act = f"{base}{ACT_PATH}"
        self.cache_size = cache_size
        self._pages: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def cached(self, key, produce):
        """A rendered page kept by key (path and language): the graph does not change while
        it is served. Bounded: the least recently used page goes first."""
        if not self.cache_size:
            return produce()
        from .i18n import interface_lang, prefixed

        key = (key, interface_lang(), prefixed() is not None)  # the interface's words and links
        with self._lock:
            if key in self._pages:
                self._pages.move_to_end(key)
                return self._pages[key]
        value = produce()
        with self._lock:
            self._pages[key] = value
            while len(self._pages) > self.cache_size:
                self._pages.popitem(last=False)
        return value

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

    # -- queries ------------------------------------------------------------------------------
    def run(self, name: str, **bindings) -> list[dict]:
        """Rows of a named query with bindings (a str binding is a plain literal)."""
        return self.store.run(name, **bindings)


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


#: The Act's printed order of local ids (see :mod:`aiact_kg.legal_order`), under its older name.
act_order = sort_key


def site() -> Site:
    return current_app.extensions["aiact_kg"]
