"""Full-text search over the Act's subdivisions, in English and French.

The query language is the one a lawyer types into EUR-Lex:

- plain words, each required (``risk management``): a subdivision matches when it has all of
  them; when none has all, those with most of them come first, and the answer says so;
- a phrase in double quotes (``"high-risk AI system"``, also “…” and « … »): those words in
  that order, nothing between them; a word written with a hyphen or an apostrophe
  (``high-risk``, ``l’IA``) is such a phrase without the quotes;
- a prefix (``deploy*``): every word that begins so, also inside a phrase.

Words are compared folded: without accents, case-folded and without a final plural *s*
("Déployeurs" is "deployeur"), so ``"high-risk AI system"`` also finds "high-risk AI systems".

Ranking: the point of Article 3 that defines the term typed comes first, then the headings
(titles of articles, chapters, sections and annexes) and definitions that contain the query,
then the others by Okapi BM25; equal scores in the Act's printed order
(:func:`aiact_kg.legal_order.sort_key`). Results can also be listed in that order alone.

Facets count the matching subdivisions by chapter, kind (article, recital, annex, definition,
paragraph, point…), language and version of the text; each count is taken with the other
facets' choices applied, so the counts of one facet add up to the results it narrows.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import math
import os
import re
import struct
import sys
import tempfile
import threading
import unicodedata
from array import array
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from .legal_order import sort_key

#: BM25 parameters (Robertson and Zaragoza, "The Probabilistic Relevance Framework", 2009).
K1, B = 1.2, 0.75
#: The shortest prefix a ``*`` may end: one letter would match a fifth of the vocabulary.
MIN_PREFIX = 2
#: The facets, in the order pages show them.
FACETS = ("chapter", "kind", "lang", "version")
#: The facet value of a subdivision outside the chapters (citations, recitals, annexes, notes).
NO_CHAPTER = "none"
#: Kinds of subdivision (the classes of our ontology) as the kind facet names them.
KINDS = {"Article": "article", "Recital": "recital", "Annex": "annex", "Chapter": "chapter",
         "Section": "section", "AnnexSection": "section", "Paragraph": "paragraph",
         "Subparagraph": "subparagraph", "Point": "point", "Citation": "citation", "Footnote": "footnote",
         "Preamble": "preamble", "FinalPart": "final"}
#: The kind facet's value for a point of Article 3 that defines a term.
DEFINITION = "definition"
#: Kinds whose title is a heading: matching it ranks the subdivision before its text's matches.
HEADINGS = {"article", "chapter", "section", "annex"}
SORTS = ("relevance", "order")

_WORD = re.compile(r"\w+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "″": '"'})
_CHUNK = re.compile(r'"([^"]*)"|([^\s"]+)')
_QUERY_WORD = re.compile(r"(\w+)(\*?)")
_BAD_STAR = re.compile(r"(?<!\w)\*|\*(?=\w)")


class QueryError(ValueError):
    """A query that cannot be read; the message says what to change."""


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


@lru_cache(maxsize=1 << 14)
def key(word: str) -> str:
    """How the index compares a word: folded, and without a final plural *s* ("Systems",
    "systèmes" -> "system", "systeme"); "access", "status", "analysis" keep theirs. Kept for
    the last 16,384 words (the Act's two languages have 8,700; the words of searches come
    on top): some 3 MiB at most."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).casefold()
    if len(folded) > 3 and folded.endswith("s") and not folded.endswith(("ss", "us", "is")):
        return folded[:-1]
    return folded


def words(text: str) -> list[str]:
    """The keys of the words of a text, in order."""
    return [key(w) for w in _WORD.findall(text)]


# -- queries ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Word:
    """One word of a query: its key, or the beginning of the keys it stands for (``deploy*``)."""

    text: str
    prefix: bool = False

    def matches(self, other: str) -> bool:
        return other.startswith(self.text) if self.prefix else other == self.text


@dataclass(frozen=True)
class Clause:
    """What one subdivision must contain: a word, a prefix, or a phrase of them in order."""

    words: tuple[Word, ...]
    typed: str

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


def parse(query: str) -> tuple[Clause, ...]:
    """The clauses of a query; :class:`QueryError` when it cannot be read (a quotation mark not
    closed, a misplaced ``*``, a prefix too short, no word at all)."""
    text = query.translate(_QUOTES)
    if text.count('"') % 2:
        opened = text.rindex('"')
        after = text[opened + 1:].strip()[:40]
        raise QueryError(f"The quotation mark before “{after}” is not closed: put one at the end of the phrase, "
                         "or take it out to search for the words anywhere.")
    clauses: list[Clause] = []
    for quoted, plain in _CHUNK.findall(text):
        chunk = quoted if quoted else plain
        bad = _BAD_STAR.search(chunk)
        if bad:
            raise QueryError(f"“{chunk.strip()}”: * goes at the end of a word, to find every word that begins "
                             "so (deploy* finds deployer and deployment).")
        found = []
        for word, star in _QUERY_WORD.findall(chunk):
            folded = key(word)
            if star and len(folded) < MIN_PREFIX:
                raise QueryError(f"“{word}*”: a prefix needs at least {MIN_PREFIX} letters before the *.")
            found.append(Word(folded, bool(star)))
        if found:
            clause = Clause(tuple(found), chunk.strip())
            if clause.words not in [c.words for c in clauses]:
                clauses.append(clause)
    if not clauses:
        raise QueryError("There is no word to search for: type words, a phrase in double quotes such as "
                         "\"high-risk AI system\", a prefix such as deploy*, or a reference such as Article 6(2).")
    return tuple(clauses)


# -- the index --------------------------------------------------------------------------------

@dataclass
class Document:
    """One subdivision in one language: its words as keys, with where each is in the text."""

    number: int  # its place in the Act's printed order: the tie-break of every ranking
    id: str
    lang: str
    label: str
    kind: str  # the kind facet's value
    chapter: str
    version: str
    text: str  # title, text and closing text, one per line
    keys: list[str]  # the words' keys; "" between fields, so that no phrase spans two
    spans: array  # start and end of each key's word in ``text``
    title_end: int  # keys[:title_end] are the title's
    length: int = 0  # how many words

    def __post_init__(self):
        self.length = len(self.keys) - self.keys.count("")

    def facet(self, name: str) -> str:
        return getattr(self, name)

    def occurrences(self, clause: Clause, start: int = 0, end: int | None = None) -> list[int]:
        """Where the clause's words follow one another in this document (index of the first)."""
        return occurrences(clause.words, self.keys, start, len(self.keys) if end is None else end)


def occurrences(sequence: tuple[Word, ...], keys: list[str], start: int, end: int) -> list[int]:
    """Where the words of ``sequence`` follow one another in ``keys[start:end]``."""
    first, rest = sequence[0], sequence[1:]
    out = []
    for i in range(start, end - len(rest)):
        if first.matches(keys[i]) and all(w.matches(keys[i + 1 + j]) for j, w in enumerate(rest)):
            out.append(i)
    return out


@dataclass
class Results:
    """The subdivisions a query finds, ranked and narrowed, and the facets' counts."""

    clauses: tuple[Clause, ...]
    ranked: list[tuple[float, Document]]  # every result after the filters, best first
    facets: dict[str, Counter]  # facet -> value -> count, the other facets' filters applied
    partial: bool = False  # no subdivision has every clause: those with most come first
    definitions: set[int] = field(default_factory=set)  # numbers of the definitions of the term typed

    @property
    def total(self) -> int:
        return len(self.ranked)


class Postings(Mapping):
    """Where one key is, by document number (ascending): the documents, and the key's positions
    in each, held in three arrays of integers rather than a dict of tuples (a tuple and an int
    object per position): the index of the Act's two languages takes a quarter of the memory."""

    __slots__ = ("documents", "ends", "positions")

    def __init__(self):
        self.documents = array("I")
        self.ends = array("I")  # where each document's positions end in ``positions``
        self.positions = array("I")

    def add(self, number: int, positions: list[int]) -> None:
        """The key's positions in document ``number``, which comes after every one added before."""
        self.documents.append(number)
        self.positions.extend(positions)
        self.ends.append(len(self.positions))

    def __len__(self) -> int:
        return len(self.documents)

    def __iter__(self):
        return iter(self.documents)

    def _at(self, number: int) -> int:
        i = bisect.bisect_left(self.documents, number)
        return i if i < len(self.documents) and self.documents[i] == number else -1

    def __contains__(self, number) -> bool:
        return isinstance(number, int) and self._at(number) >= 0

    def __getitem__(self, number: int) -> array:
        i = self._at(number) if isinstance(number, int) else -1
        if i < 0:
            raise KeyError(number)
        return self.positions[self.ends[i - 1] if i else 0:self.ends[i]]

    def items(self):
        start, positions = 0, self.positions
        for number, end in zip(self.documents, self.ends):
            yield number, positions[start:end]
            start = end


class Index:
    """An inverted index of the subdivisions' words, one document per subdivision and language.

    ``rows`` are the named query ``search-texts``'s; ``terms`` the defined terms of Article 3
    (:class:`aiact_kg.web.graph.Term`: their labels and defining points).
    """

    def __init__(self, rows: list[dict], terms=()):
        fields: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        meta: dict[tuple[str, str], dict] = {}
        for row in rows:
            local, lang = row["id"].value, row["lang"].value
            fields[(local, lang)][row["field"].value].append(row["words"].value)
            meta.setdefault((local, lang), {
                "label": row["label"].value if "label" in row else local,
                "kind": KINDS.get(row["kind"].value.rsplit("#", 1)[-1], row["kind"].value.rsplit("#", 1)[-1].lower()),
                "chapter": row["chapter"].value if "chapter" in row else NO_CHAPTER,
                "version": row["version"].value if "version" in row else ""})
        defining = {(term.source, lang): label for term in terms for lang, label in term.label.items()}
        self.documents: list[Document] = []
        #: key -> document number -> where the key is among the document's keys
        self.postings: dict[str, Postings] = defaultdict(Postings)
        self.term_keys: dict[int, tuple[str, ...]] = {}  # definition's number -> its term's keys
        self.titles: dict[tuple[str, str], str] = {}
        for (local, lang) in sorted(fields, key=lambda pair: (sort_key(pair[0]), pair[1])):
            parts = fields[(local, lang)]
            number = len(self.documents)
            info = meta[(local, lang)]
            if (local, lang) in defining:
                info["kind"] = DEFINITION
                self.term_keys[number] = tuple(words(defining[(local, lang)]))
            document = self._document(number, local, lang, info, parts)
            self.documents.append(document)
            if parts.get("title"):
                self.titles[(local, lang)] = parts["title"][0]
            where: dict[str, list[int]] = defaultdict(list)
            for position, word in enumerate(document.keys):
                if word:
                    where[word].append(position)
            for word, positions in where.items():
                self.postings[word].add(number, positions)
        self.postings = dict(self.postings)
        self.vocabulary = sorted(self.postings)
        self.match = lru_cache(maxsize=256)(self.match)  # a query paged or narrowed is matched once
        total = sum(d.length for d in self.documents)
        self.average = total / len(self.documents) if self.documents else 1.0
        self.facet_values = {name: frozenset(d.facet(name) for d in self.documents) for name in FACETS}
        #: BM25's length normalisation of each document
        self.norms = [K1 * (1 - B + B * d.length / self.average) for d in self.documents]

    @staticmethod
    def _document(number: int, local: str, lang: str, info: dict, parts: dict[str, list[str]]) -> Document:
        text, keys, spans, title_end = "", [], array("I"), 0
        for name in ("title", "text", "closing"):
            for part in parts.get(name, ()):
                if text:
                    text += "\n"
                    keys.append("")
                    spans.extend((len(text), len(text)))
                offset = len(text)
                text += part
                for m in _WORD.finditer(part):
                    keys.append(key(m.group()))
                    spans.extend((offset + m.start(), offset + m.end()))
            if name == "title":
                title_end = len(keys)
        return Document(number, local, lang, info["label"], info["kind"], info["chapter"], info["version"], text,
                        keys, spans, title_end)

    def values(self, facet: str) -> set[str]:
        """Every value a facet takes over the whole Act."""
        return self.facet_values[facet]

    def title(self, local: str, lang: str) -> str | None:
        return self.titles.get((local, lang))

    # -- matching ---------------------------------------------------------------------------
    def _expand(self, word: Word) -> list[str]:
        if not word.prefix:
            return [word.text] if word.text in self.postings else []
        start = bisect.bisect_left(self.vocabulary, word.text)
        end = bisect.bisect_left(self.vocabulary, word.text + "\U0010ffff")
        return self.vocabulary[start:end]

    def _positions(self, word: Word) -> Mapping[int, array | list[int]]:
        """Where the word (every word a prefix stands for) is, by document."""
        keys = self._expand(word)
        if len(keys) == 1:
            return self.postings[keys[0]]
        merged: dict[int, list[int]] = defaultdict(list)
        for k in keys:
            for number, positions in self.postings[k].items():
                merged[number].extend(positions)
        return merged

    def _frequencies(self, clause: Clause) -> dict[int, int]:
        """How often the clause occurs in each document that has it: for a phrase, the places
        where its first word is followed by the others, one position after another."""
        lists = [self._positions(w) for w in clause.words]
        if not all(lists):
            return {}
        if not clause.is_phrase:
            return {number: len(positions) for number, positions in lists[0].items()}
        candidates = set(lists[0]).intersection(*lists[1:])
        found = {}
        for number in candidates:
            starts = set(lists[0][number])
            for offset, positions in enumerate(lists[1:], start=1):
                starts &= {p - offset for p in positions[number]}
                if not starts:
                    break
            if starts:
                found[number] = len(starts)
        return found

    def match(self, clauses: tuple[Clause, ...]) -> tuple[dict[int, float], dict[int, int], bool]:
        """BM25 score and number of clauses matched of every document with any clause; and
        whether none has them all (then every document with one is kept)."""
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, int] = defaultdict(int)
        count = len(self.documents)
        for clause in clauses:
            frequencies = self._frequencies(clause)
            if not frequencies:
                continue
            idf = math.log(1 + (count - len(frequencies) + 0.5) / (len(frequencies) + 0.5))
            norms = self.norms
            for number, frequency in frequencies.items():
                scores[number] += idf * frequency * (K1 + 1) / (frequency + norms[number])
                matched[number] += 1
        every = {n for n, m in matched.items() if m == len(clauses)}
        if every:
            return {n: scores[n] for n in every}, {n: matched[n] for n in every}, False
        return dict(scores), dict(matched), bool(matched)

    def tier(self, number: int, clauses: tuple[Clause, ...], typed: tuple[Word, ...] | None = None) -> int:
        """0 for the definition of the term typed; 1 for a definition whose term contains it or
        a heading that has every clause; 2 for the others. ``typed``: the clauses' words in a row."""
        document = self.documents[number]
        term = self.term_keys.get(number)
        if term is None and (document.kind not in HEADINGS or not document.title_end):
            return 2
        typed = typed if typed is not None else tuple(w for c in clauses for w in c.words)
        if term is not None:
            if len(term) == len(typed) and all(w.matches(k) for w, k in zip(typed, term)):
                return 0
            if occurrences(typed, list(term), 0, len(term)):
                return 1
        if document.kind in HEADINGS and document.title_end and all(
                document.occurrences(c, 0, document.title_end) for c in clauses):
            return 1
        return 2

    def search(self, query: str | tuple[Clause, ...], filters: dict[str, str] | None = None,
               sort: str = "relevance", fallback: bool = True) -> Results:
        """The documents that match a query (text or parsed clauses), narrowed by facet values
        (``{"lang": "fr", "chapter": "cpt_III"}``), ranked (``sort``: relevance or the Act's order);
        without ``fallback``, none when none has every clause."""
        clauses = parse(query) if isinstance(query, str) else query
        filters = {name: value for name, value in (filters or {}).items() if value}
        scores, matched, partial = self.match(clauses)
        if partial and not fallback:
            scores, partial = {}, False
        documents = self.documents
        facets: dict[str, Counter] = {name: Counter() for name in FACETS}
        kept = []
        for number in scores:
            document = documents[number]
            misses = [name for name, value in filters.items() if document.facet(name) != value]
            if not misses:
                kept.append(number)
                for name in FACETS:
                    facets[name][document.facet(name)] += 1
            elif len(misses) == 1:
                facets[misses[0]][document.facet(misses[0])] += 1
        typed = tuple(w for c in clauses for w in c.words)
        tiers = {n: self.tier(n, clauses, typed) for n in kept}
        if sort == "order":
            kept.sort()
        else:
            kept.sort(key=lambda n: (-matched[n], tiers[n], -scores[n], n))
        return Results(clauses, [(scores[n], documents[n]) for n in kept], facets, partial,
                       {n for n, t in tiers.items() if t == 0 and n in self.term_keys})

    # -- snippets -----------------------------------------------------------------------------
    def marks(self, document: Document, clauses: tuple[Clause, ...]) -> list[tuple[int, int]]:
        """The spans of the text where the clauses occur, in order, not overlapping."""
        spans = document.spans
        found = []
        for clause in clauses:
            for i in document.occurrences(clause):
                found.append((spans[2 * i], spans[2 * (i + len(clause.words)) - 1]))
        found.sort()
        merged: list[tuple[int, int]] = []
        for start, end in found:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged


# -- the index kept in a file ---------------------------------------------------------------------
#
# An index built once is written to a file and searched from there: its postings and the
# documents' texts are read with ``os.pread`` when a query needs them, so that they live in
# the kernel's page cache (shared, dropped under pressure) and not in the process. What a
# search reads for every candidate stays in memory: the vocabulary, where each key's postings
# are, each document's facets, length and heading words, the definitions' terms.
#
# Layout: MAGIC, the length of the header (8 bytes), the header (JSON), then the documents'
# bodies (the text in UTF-8, the spans of its words, its words as numbers in the vocabulary,
# 0 for a field's end) and the postings of each key (its documents, their ends, the positions),
# arrays of 32-bit integers in the machine's byte order (the file is a cache of this machine).

MAGIC = b"aiact-kg search index 1 " + sys.byteorder.encode() + b"\n"
_LENGTH = struct.Struct("<Q")


def write_index(index: Index, path, extra: dict | None = None) -> None:
    """Write ``index`` to ``path`` (an open binary file, or a path written through a temporary
    file of the same folder and renamed: a reader never sees half a file). ``extra``: data
    of the caller's kept with it (JSON)."""
    if not hasattr(path, "write"):
        folder = os.path.dirname(os.path.abspath(path))
        handle, temporary = tempfile.mkstemp(prefix=".search-", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                write_index(index, out, extra)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        return
    numbers = {word: i + 1 for i, word in enumerate(index.vocabulary)}  # 0: a field's end
    body = bytearray()
    documents = []
    for d in index.documents:
        text = d.text.encode()
        start = len(body)
        body += text
        body += d.spans.tobytes()
        body += array("I", (numbers[k] if k else 0 for k in d.keys)).tobytes()
        documents.append([d.id, d.lang, d.label, d.kind, d.chapter, d.version, d.title_end, d.length,
                          start, len(text), len(d.keys), d.keys[:d.title_end] if d.kind in HEADINGS else None])
    postings = []
    for word in index.vocabulary:
        found = index.postings[word]
        start = len(body)
        body += found.documents.tobytes() + found.ends.tobytes() + found.positions.tobytes()
        postings.append((start, len(found.documents), len(found.positions)))
    header = json.dumps({
        "documents": documents, "vocabulary": index.vocabulary, "postings": postings,
        "term_keys": [[n, list(keys)] for n, keys in index.term_keys.items()],
        "titles": [[local, lang, title] for (local, lang), title in index.titles.items()],
        "extra": extra or {}}, ensure_ascii=False, separators=(",", ":")).encode()
    path.write(MAGIC + _LENGTH.pack(len(header)) + header)
    path.write(body)
    path.flush()


class StoredDocument:
    """A document of a :class:`StoredIndex`: its facets in memory, its text and words read
    from the file when asked (:attr:`text`, :attr:`keys`, :attr:`spans`), not kept."""

    __slots__ = ("number", "id", "lang", "label", "kind", "chapter", "version", "title_end", "length",
                 "_index", "_where", "_heading")

    def __init__(self, index: "StoredIndex", number: int, entry: list):
        self._index, self.number = index, number
        (self.id, self.lang, self.label, self.kind, self.chapter, self.version, self.title_end, self.length,
         start, text_bytes, count, heading) = entry
        self._where = (start, text_bytes, count)
        self._heading = tuple(heading) if heading is not None else None

    def facet(self, name: str) -> str:
        return getattr(self, name)

    def _body(self) -> tuple[str, list[str], array]:
        return self._index.body(self.number, self._where)

    @property
    def text(self) -> str:
        return self._body()[0]

    @property
    def keys(self) -> list[str]:
        return self._body()[1]

    @property
    def spans(self) -> array:
        return self._body()[2]

    def occurrences(self, clause: Clause, start: int = 0, end: int | None = None) -> list[int]:
        if self._heading is not None and end is not None and end <= self.title_end:
            return occurrences(clause.words, self._heading, start, end)  # a heading's words: in memory
        keys = self.keys
        return occurrences(clause.words, keys, start, len(keys) if end is None else end)


class _StoredPostings(Mapping):
    """Each key's postings, read from the file when asked (:class:`Postings`)."""

    def __init__(self, index: "StoredIndex", where: list):
        self._index = index
        self._start = array("Q", (w[0] for w in where))
        self._documents = array("I", (w[1] for w in where))
        self._positions = array("I", (w[2] for w in where))

    def _at(self, word) -> int:
        vocabulary = self._index.vocabulary
        i = bisect.bisect_left(vocabulary, word) if isinstance(word, str) else len(vocabulary)
        return i if i < len(vocabulary) and vocabulary[i] == word else -1

    def __contains__(self, word) -> bool:
        return self._at(word) >= 0

    def __getitem__(self, word) -> Postings:
        i = self._at(word)
        if i < 0:
            raise KeyError(word)
        count, positions = self._documents[i], self._positions[i]
        data = self._index.read(self._start[i], 8 * count + 4 * positions)
        found = Postings()
        found.documents.frombytes(data[:4 * count])
        found.ends.frombytes(data[4 * count:8 * count])
        found.positions.frombytes(data[8 * count:])
        return found

    def __len__(self) -> int:
        return len(self._index.vocabulary)

    def __iter__(self):
        return iter(self._index.vocabulary)


class StoredIndex(Index):
    """An :class:`Index` written by :func:`write_index`, searched from its file: the same
    results in the same order as the index it was written from. ``extra``: what the writer
    kept with it. Raises ``ValueError`` for a file that is not such an index."""

    #: Documents' bodies kept after they are read: those of the last results' snippets.
    KEPT_BODIES = 8

    def __init__(self, path):
        self._file = path if hasattr(path, "fileno") else open(path, "rb")  # noqa: SIM115 (kept open)
        self._fd = self._file.fileno()
        head = os.pread(self._fd, len(MAGIC) + _LENGTH.size, 0)
        if len(head) != len(MAGIC) + _LENGTH.size or not head.startswith(MAGIC):
            self._file.close()
            raise ValueError(f"{getattr(self._file, 'name', path)}: not a search index of this version")
        (length,) = _LENGTH.unpack(head[len(MAGIC):])
        raw = os.pread(self._fd, length, len(head))
        if len(raw) != length:
            self._file.close()
            raise ValueError(f"{getattr(self._file, 'name', path)}: the search index is cut short")
        header = json.loads(raw)
        self._offset = len(head) + length
        self.vocabulary = header["vocabulary"]
        self.words = [""] + self.vocabulary  # a document's word numbers: 0 is a field's end
        self.postings = _StoredPostings(self, header["postings"])
        self.documents = [StoredDocument(self, n, entry) for n, entry in enumerate(header["documents"])]
        self.term_keys = {n: tuple(keys) for n, keys in header["term_keys"]}
        self.titles = {(local, lang): title for local, lang, title in header["titles"]}
        self.extra = header["extra"]
        self._bodies: OrderedDict[int, tuple] = OrderedDict()
        self._lock = threading.Lock()
        self.match = lru_cache(maxsize=256)(self.match)
        total = sum(d.length for d in self.documents)
        self.average = total / len(self.documents) if self.documents else 1.0
        self.facet_values = {name: frozenset(d.facet(name) for d in self.documents) for name in FACETS}
        self.norms = array("d", (K1 * (1 - B + B * d.length / self.average) for d in self.documents))

    def body(self, number: int, where: tuple[int, int, int]) -> tuple[str, list[str], array]:
        """A document's text, words and their spans, read from the file; the last few read are
        kept (a result's snippet reads its text, its words and their spans one after the other)."""
        with self._lock:
            found = self._bodies.get(number)
            if found is not None:
                self._bodies.move_to_end(number)
                return found
        start, text_bytes, count = where
        data = self.read(start, text_bytes + 12 * count)
        spans, numbers = array("I"), array("I")
        spans.frombytes(data[text_bytes:text_bytes + 8 * count])
        numbers.frombytes(data[text_bytes + 8 * count:])
        words = self.words
        found = (data[:text_bytes].decode(), [words[n] for n in numbers], spans)
        with self._lock:
            self._bodies[number] = found
            while len(self._bodies) > self.KEPT_BODIES:
                self._bodies.popitem(last=False)
        return found

    def read(self, start: int, size: int) -> bytes:
        """``size`` bytes of the index's data from ``start`` (a document's body, a key's postings)."""
        data = os.pread(self._fd, size, self._offset + start)
        if len(data) != size:
            raise OSError(f"the search index's file is cut short at {self._offset + start + len(data)}")
        return data

    def close(self) -> None:
        self._file.close()
