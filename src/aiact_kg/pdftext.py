"""The text layer of a PDF, made readable again before citations are looked for in it.

What a PDF extractor (pypdf, pdfminer.six) gives back from a law review or a regulator's
guidance is not the text the author wrote: the running header and the page number sit in the
middle of a sentence that crosses a page, footnotes sit between the two halves of that
sentence, words are cut by end-of-line hyphens, headings set in letter-spaced capitals come
out as "I N T R O D U C T I O N", ligatures come out as one character ("ﬁ"), a footnote marker
set as a superscript is glued to the word before it ("médicaux1"), a publisher's kerning
leaves spaces inside a citation ("Cons . 46", "p t 47", "art . 6 , §2"), and a page in two
columns read in layout mode gives lines that run across both columns.

:func:`normalise_pages` undoes each of these, page by page and then over the whole text, and
keeps, for every character of the text it returns, the offset of the character of the
extracted text it comes from (:class:`Normalised`), so that a citation found in the
normalised text can be pointed at in the text as extracted. Each step is a function of its
own, tested on the artefact it handles (``tests/test_pdftext.py``).

Footnotes are moved, in their order, to the end of the text under a line "Notes", so that a
sentence cut by a page break reads as one and a citation inside a footnote stays inside that
footnote's paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

__all__ = ["Normalised", "normalise_pages", "split_columns", "PAGE_BREAK"]

#: How the pages of an extracted text are joined (pdfminer.six's own separator).
PAGE_BREAK = "\f"

_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
#: Citation head words that a publisher's kerning splits into letters ("p t 47").
_HEAD_WORDS = frozenset("art arts pt pts al cons par para paras rec recs chap sect anx".split())


@dataclass
class Normalised:
    """The normalised text and, for each of its characters, the offset in the source text (the
    text as extracted, ``original``)."""

    text: str
    source: list[int]
    original: str = ""

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Where the characters ``start:end`` of the normalised text come from in the source:
        from the character the first comes from to the end of the one the last comes from
        (with the combining marks of a letter composed from several characters)."""
        if not self.source:
            return start, end
        first = self.source[min(start, len(self.source) - 1)]
        last = self.source[min(max(end - 1, start), len(self.source) - 1)] + 1
        while last < len(self.original) and unicodedata.combining(self.original[last]):
            last += 1
        return first, max(first, last)


# -- an editable text that remembers where each character came from ------------------------------

class _Text:
    def __init__(self, text: str, source: list[int]):
        assert len(text) == len(source)
        self.text, self.source = text, source

    def sub(self, pattern: re.Pattern, repl) -> None:
        """Replace every match of ``pattern`` by ``repl(match)``; the characters kept map to their
        own source, inserted ones to the source of the character before them."""
        text, source = self.text, self.source
        out, where, pos = [], [], 0
        for m in pattern.finditer(text):
            new = repl(m)
            if new == m.group(0):
                continue
            out.append(text[pos:m.start()])
            where.extend(source[pos:m.start()])
            out.append(new)
            where.extend(_align(m.group(0), new, source[m.start():m.end()]))
            pos = m.end()
        if not out:
            return
        out.append(text[pos:])
        where.extend(source[pos:])
        self.text, self.source = "".join(out), where


def _align(old: str, new: str, old_source: list[int]) -> list[int]:
    mapping: list[int] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    last = old_source[0] if old_source else 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(j2 - j1):
            if tag == "equal" or (tag == "replace" and i1 + k < i2):
                last = old_source[i1 + k]
            mapping.append(last)
    return mapping


# -- page structure -----------------------------------------------------------------------------------

@dataclass
class _Line:
    text: str
    start: int  # offset of its first character in the source


def _lines(page: str, offset: int) -> list[_Line]:
    out, pos = [], 0
    for raw in page.split("\n"):
        out.append(_Line(raw, offset + pos))
        pos += len(raw) + 1
    return out


def _shape(line: str) -> str:
    """A line as it repeats from page to page: digits as #, without spaces or case."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line)).casefold()


_PAGE_NUMBER = re.compile(r"\s*(?:[-–—]\s*)?(?:page\s+|p\.\s*)?\d{1,4}(?:\s*(?:/|sur|of)\s*\d{1,4})?(?:\s*[-–—])?\s*",
                          re.I)


def _strip_furniture(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Without the running headers and footers (a line among the first or last three of a page
    that recurs, digits aside, on at least half the pages, two at least) and page numbers."""
    edge = 3

    def edges(lines):
        filled = [i for i, line in enumerate(lines) if line.text.strip()]
        return set(filled[:edge] + filled[-edge:])

    counts = Counter()
    for lines in pages:
        counts.update({_shape(lines[i].text) for i in edges(lines)})
    recurring = {shape for shape, n in counts.items() if shape and n >= max(2, (len(pages) + 1) // 2)}
    out = []
    for lines in pages:
        at_edge = edges(lines)
        out.append([line for i, line in enumerate(lines)
                    if not (i in at_edge and (_shape(line.text) in recurring or _PAGE_NUMBER.fullmatch(line.text)))])
    return out


_NOTE_START = re.compile(r"\s*(\d{1,3})\s+(?=\S)")
#: A footnote marker glued to what it follows: a letter, a closing quote or bracket, a full stop.
_GLUED = r"(?:(?<=[^\W\d_])|(?<=[^\W\d_][.,;:)»”’']))"


def _split_notes(lines: list[_Line], expected: int, before: str = "") -> tuple[list[_Line], list[list[_Line]]]:
    """The body of a page and its footnotes: the notes are the last lines of the page, from a
    line that starts with the number of the next expected note, each note running until the
    line that starts with the number after it; a note is only a note when its number is
    glued, as a marker, to a word of the page's body (or of the pages before it, ``before``:
    a paragraph may print its marker on the next page)."""
    for i, line in enumerate(lines):
        m = _NOTE_START.match(line.text)
        if not m or int(m.group(1)) != expected:
            continue
        body = before + "\n" + "\n".join(l.text for l in lines[:i])
        if not re.search(_GLUED + str(expected) + r"(?!\d)", body) and not _glued_to_number(body, expected, line.text):
            continue
        notes: list[list[_Line]] = []
        number = expected
        for later in lines[i:]:
            m = _NOTE_START.match(later.text)
            if m and int(m.group(1)) == number and (number == expected or later is not lines[i]):
                notes.append([later])
                number += 1
            elif notes:
                notes[-1].append(later)
        return lines[:i], notes
    return lines, []


def _glued_to_number(body: str, number: int, note: str) -> list[re.Match]:
    """A marker glued to a number ("règlement (UE) 2017/7451" for the note 1 that begins
    "Règlement (UE) 2017/745"): the number without the marker's digits is in the note."""
    found = []
    for m in re.finditer(rf"(\d[\d/.-]*?){number}(?=[\s,.;:)»”]|$)", body):
        if len(m.group(1)) >= 3 and m.group(1) in note:
            found.append(m)
    return found


def split_columns(page: str) -> str:
    """A page in two columns, read line by line across both (pypdf's layout mode): the gutter is
    the run of at least two blank character positions found at the same place on most long
    lines; the left column is read first, then the right one. A page with no gutter is
    returned as it is."""
    lines = _column_lines(page)
    return page if lines is None else "\n".join(text for text, _ in lines)


def _column_lines(page: str) -> list[tuple[str, int]] | None:
    """The lines of a page in two columns, left column first, each with the offset in ``page``
    of its first character; None for a page with no gutter (see :func:`split_columns`)."""
    lines = page.split("\n")
    long_lines = [l for l in lines if len(l.strip()) > 20]
    if len(long_lines) < 6:
        return None
    width = max(len(l) for l in long_lines)
    best, best_score = None, 0.0
    for c in range(width // 4, 3 * width // 4):
        score = sum(1 for l in long_lines if len(l) > c + 2 and l[c - 1:c + 2] == "   "
                    and l[:c].strip() and l[c + 2:].strip()) / len(long_lines)
        if score > best_score:
            best, best_score = c, score
    if best is None or best_score < 0.5:
        return None
    starts, pos = [], 0
    for l in lines:
        starts.append(pos)
        pos += len(l) + 1
    left = [(l[:best].rstrip(), start) for l, start in zip(lines, starts)]
    right = []
    for l, start in zip(lines, starts):
        rest = l[best:]
        right.append((rest.strip(), start + best + len(rest) - len(rest.lstrip())) if len(l) > best else ("", start + len(l)))
    return left + right


# -- text-level repairs ---------------------------------------------------------------------------------

_LETTER_SPACED = re.compile(r"^(?:[ \t]*\S(?: {1,3}|$)){4,}[ \t]*$", re.M)


def _letter_spacing(t: _Text) -> None:
    """"I N T R O D U C T I O N", "L ' A R T I C L E   6   ,   P A R A G R A P H E   3": a line
    of single characters is joined; a wider gap (two spaces or more) between two letters is the
    space between two words. Words set in capitals by the heading style are given back in lower
    case when they are citation words ("ARTICLE", "ANNEXE", "CONSIDÉRANT"), so that the line
    reads as a citation."""
    def join(m: re.Match) -> str:
        line = m.group(0)
        tokens = line.split()
        if sum(len(tok) == 1 for tok in tokens) < 0.8 * len(tokens):
            return line
        words = re.split(r"\s{2,}", line.strip()) if re.search(r"\S\s{2,}\S", line) else [line]
        joined = " ".join(w.replace(" ", "") for w in words)
        joined = re.sub(r"\s+([,.;:)])", r"\1", joined)
        return _citation_case(joined)
    t.sub(_LETTER_SPACED, join)
    # a heading set in capitals without letter spacing: "ARTICLE 6, PARAGRAPHE 3"
    t.sub(re.compile(r"^[^\S\n]*(?=[^\n]*[A-ZÀ-Ý]{3})[^a-zà-ÿ\n]+$", re.M), lambda m: _citation_case(m.group(0)))


_CAPS_HEADS = re.compile(r"\b(ARTICLES?|ANNEXES?|ANNEX|CONSIDÉRANTS?|RECITALS?|CHAPITRES?|CHAPTERS?|SECTIONS?"
                         r"|PARAGRAPHES?|PARAGRAPHS?|POINTS?|ALINÉAS?)\b")


def _citation_case(text: str) -> str:
    return _CAPS_HEADS.sub(lambda m: m.group(1).lower(), text)


def _hyphenation(t: _Text, vocabulary: Counter) -> None:
    """"re-\\npose" is "repose"; "high-\\nrisk" stays "high-risk" when the text writes it so
    elsewhere (or writes "highrisk" nowhere and both halves are words of the text)."""
    pattern = re.compile(r"([^\W\d_]+)-[ \t]*\n(?:[ \t]*\n)?[ \t]*([^\W\d_]+)")

    def repl(m: re.Match) -> str:
        a, b = m.group(1), m.group(2)
        joined, hyphened = (a + b).casefold(), f"{a}-{b}".casefold()
        if vocabulary[hyphened] and not vocabulary[joined]:
            return f"{a}-{b}"
        return a + b
    t.sub(pattern, repl)
    # a paragraph's last line read as a box of its own: the sentence goes on in lower case
    t.sub(re.compile(r"(?<=[^\W\d_,;])[ \t]*\n[ \t]*\n[ \t]*(?=[a-zà-ÿ])"), lambda m: "\n")
    # "2024/\n1689", "Article 5(1)(a)\n(b)": a line broken inside a number keeps no space
    t.sub(re.compile(r"(?<=\d/)[ \t]*\n[ \t]*(?=\d)"), lambda m: "")


def _glued_markers(t: _Text, numbers: set[int], notes: dict[int, str] | None = None) -> None:
    """"médicaux1 repose", "texte2," : a footnote number glued to the word before it is removed
    (the note itself is at the end of the text); so is one glued to a number that the note
    itself repeats ("2017/7451" for a note on Regulation (EU) 2017/745)."""
    if not numbers:
        return
    body_end = t.text.find("\n\nNotes\n")
    for number, note in (notes or {}).items():
        for m in reversed(_glued_to_number(t.text[:body_end if body_end >= 0 else None], number, note)):
            cut = re.compile(re.escape(m.group(0)) + r"(?=[\s,.;:)»”]|$)")
            t.sub(cut, lambda x, keep=m.group(1): keep)
    labels = "|".join(str(n) for n in sorted(numbers, reverse=True))
    t.sub(re.compile(_GLUED + rf"(?:{labels})(?=[\s,.;:)»”]|$)"), lambda m: "")


def _kerning(t: _Text) -> None:
    """Spaces a publisher's kerning leaves in a citation: before a full stop or comma that ends
    a word ("art . 26" -> "art. 26", "6 , §2" -> "6, §2") and inside an abbreviated head word
    set letter by letter ("p t 47" -> "pt 47")."""
    t.sub(re.compile(r"(?<=[\w)])[ \t]*\n?[ \t]*(?<![\w)])(?=[.,](?:[\s\d§]|$))"), lambda m: "")

    def heads(m: re.Match) -> str:
        joined = m.group(0).replace(" ", "")
        return joined if joined.casefold() in _HEAD_WORDS else m.group(0)
    t.sub(re.compile(r"\b[^\W\d_](?: [^\W\d_]){1,3}\b(?=\.?\s*\d)"), heads)


#: A letter and the combining marks after it ("e" + U+0301), as some extractors give accents.
_DECOMPOSED = re.compile("[^\u0300-\u036f][\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def _composed(t: _Text) -> None:
    """Accents as one character (Unicode NFC: "e" + U+0301 is "é"), each composed character
    mapped to the letter it comes from."""
    if unicodedata.is_normalized("NFC", t.text):
        return
    t.sub(_DECOMPOSED, lambda m: unicodedata.normalize("NFC", m.group(0)))
    if not unicodedata.is_normalized("NFC", t.text):  # what is left (rare): character by character
        t.sub(re.compile(r"[^\x00-\x7f]"), lambda m: unicodedata.normalize("NFC", m.group(0)))


def _ligatures(t: _Text) -> None:
    t.sub(re.compile("[" + "".join(_LIGATURES) + "]"), lambda m: _LIGATURES[m.group(0)])


def _spaces(t: _Text) -> None:
    """Runs of spaces (justified lines read word by word) as one space; no space at line ends."""
    t.sub(re.compile(r"[ \t\u00a0]{2,}"), lambda m: " ")
    t.sub(re.compile(r"[ \t]+\n"), lambda m: "\n")


# -- the whole ------------------------------------------------------------------------------------------

def normalise_pages(pages: list[str], columns: bool = False) -> Normalised:
    """The text of a PDF's pages, normalised (see the module's description); offsets in
    :attr:`Normalised.source` are into ``PAGE_BREAK.join(pages)``, the text as extracted. With
    ``columns`` each page is first read column by column (:func:`split_columns`); offsets are
    still into the pages as extracted."""
    offsets, pos = [], 0
    for page in pages:
        offsets.append(pos)
        pos += len(page) + len(PAGE_BREAK)
    paged = []
    for page, offset in zip(pages, offsets):
        lines = _column_lines(page) if columns else None
        paged.append(_lines(page, offset) if lines is None else [_Line(text, offset + at) for text, at in lines])
    structured = _strip_furniture(paged)
    bodies: list[list[_Line]] = []
    notes: list[list[_Line]] = []
    for lines in structured:
        before = "\n".join(line.text for line in bodies[-1]) if bodies else ""
        body, found = _split_notes(lines, len(notes) + 1, before)
        bodies.append(body)
        notes.extend(found)
    chars: list[str] = []
    source: list[int] = []

    def put(text: str, start: int | None):
        chars.append(text)
        source.extend(range(start, start + len(text)) if start is not None else [source[-1] if source else 0] * len(text))

    for body in bodies:
        for line in body:
            if chars and not "".join(chars[-1:]).endswith("\n"):
                put("\n", None)
            put(line.text, line.start)
    if notes:
        put("\n\nNotes", None)
        for number, note in enumerate(notes, 1):
            put("\n\n", None)
            for i, line in enumerate(note):
                if i:
                    put("\n", None)
                put(line.text, line.start)
    t = _Text("".join(chars), source)
    _composed(t)
    _ligatures(t)
    _letter_spacing(t)
    vocabulary = Counter(w.casefold() for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", t.text))
    vocabulary.update(w.casefold() for w in re.findall(r"[^\W\d_]+", t.text))
    _hyphenation(t, vocabulary)
    _glued_markers(t, set(range(1, len(notes) + 1)),
                   {n: " ".join(line.text for line in note) for n, note in enumerate(notes, 1)})
    _spaces(t)
    _kerning(t)
    return Normalised(t.text, t.source, PAGE_BREAK.join(pages))
