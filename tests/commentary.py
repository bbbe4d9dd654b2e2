"""The typeset commentary corpus (``tests/data/commentary/typeset/``): each document is written
once, with its citations annotated inline, and read here as its clean text with the gold
citations at their character offsets; :mod:`typeset` turns the same source into PDF, .docx
and HTML.

The markup (see the folder's README):

* a header of ``key: value`` lines (``title``, ``header`` — the running header —, ``lang``,
  ``style``), then a blank line;
* ``# heading`` and ``## subheading`` lines, paragraphs separated by blank lines, ``- item``
  lines for lists, ``**bold**`` lead-ins;
* ``[[words as printed|targets|classes]]``: a citation. ``targets`` are local ids of the Act
  (space-separated; ``art_8..15`` and ``art_5.par_1.pnt_a..h`` are ranges of the last label) or
  ``OTHER`` / ``OTHER:reg/2016/679`` (the ELI path of the other act, when it has one);
  ``classes`` (comma-separated, ``plain`` when left out) say why the citation is hard;
* ``[^ footnote text ^]``: a footnote, at the place of its marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "data" / "commentary" / "typeset"

#: The classes of citation the gold file uses, in the order the bench prints them.
CLASSES = ("plain", "enum", "range", "sub", "relative", "other", "oj", "note", "kern")
HARD = frozenset(CLASSES) - {"plain"}

_CITE = re.compile(r"\[\[([^\]|]+)\|([^\]|]+)(?:\|([^\]|]+))?\]\]")
_NOTE = re.compile(r"\[\^(.*?)\^\]", re.S)
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]


class CorpusError(ValueError):
    pass


@dataclass(frozen=True)
class Gold:
    """One annotated citation: where it is in the clean text and what it cites."""

    document: str
    start: int
    end: int
    quote: str
    targets: tuple[str, ...]  # local ids of the Act; empty for another act's citation
    other_act: str | None  # "OTHER" or the ELI path of the other act
    classes: frozenset[str]
    in_note: bool

    @property
    def hard(self) -> bool:
        return bool(self.classes & HARD)


@dataclass
class Segment:
    kind: str  # text | cite | note
    text: str = ""
    targets: str = ""
    classes: str = ""
    note: list["Segment"] = field(default_factory=list)
    number: int = 0


@dataclass
class Block:
    kind: str  # title | heading | subheading | para | item
    segments: list[Segment]


@dataclass
class Document:
    name: str
    meta: dict[str, str]
    blocks: list[Block]

    @property
    def lang(self) -> str:
        return self.meta["lang"]

    def notes(self) -> list[Segment]:
        return [s for b in self.blocks for s in b.segments if s.kind == "note"]


def expand(targets: str) -> tuple[str, ...]:
    """``art_8..15`` -> art_8 … art_15; ``art_5.par_1.pnt_a..h`` -> points a to h; ``i..iii``."""
    out: list[str] = []
    for target in targets.split():
        if ".." not in target:
            out.append(target)
            continue
        first, last = target.split("..")
        head, _, label = first.rpartition("_")
        if label.isdigit():
            out += [f"{head}_{n}" for n in range(int(label), int(last) + 1)]
        elif label in _ROMAN and last in _ROMAN:
            out += [f"{head}_{r}" for r in _ROMAN[_ROMAN.index(label):_ROMAN.index(last) + 1]]
        else:
            out += [f"{head}_{chr(c)}" for c in range(ord(label), ord(last) + 1)]
    return tuple(out)


def _segments(text: str, name: str, notes: list[int] | None) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    pattern = re.compile(rf"{_NOTE.pattern}|{_CITE.pattern}", re.S)
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append(Segment("text", text[pos:m.start()]))
        if m.group(1) is not None:
            if notes is None:
                raise CorpusError(f"{name}: a footnote inside a footnote")
            notes.append(len(notes) + 1)
            out.append(Segment("note", note=_segments(m.group(1).strip(), name, None), number=len(notes)))
        else:
            words, targets, classes = m.group(2), m.group(3), m.group(4) or "plain"
            unknown = set(classes.split(",")) - set(CLASSES)
            if unknown:
                raise CorpusError(f"{name}: unknown class {', '.join(sorted(unknown))} in {m.group(0)!r}")
            out.append(Segment("cite", words, targets.strip(), classes))
        pos = m.end()
    if pos < len(text):
        out.append(Segment("text", text[pos:]))
    for s in out:
        if s.kind == "text" and ("[[" in s.text or "]]" in s.text or "[^" in s.text):
            raise CorpusError(f"{name}: unclosed markup near {s.text[:60]!r}")
    return out


def parse(path: Path) -> Document:
    raw = path.read_text(encoding="utf-8")
    head, _, body = raw.partition("\n\n")
    meta = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    for key in ("title", "header", "lang", "style"):
        if key not in meta:
            raise CorpusError(f"{path.name}: no {key}: line in the header")
    notes: list[int] = []
    blocks = [Block("title", _segments(meta["title"], path.name, notes))]
    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = chunk.strip().splitlines()
        if all(line.startswith("- ") for line in lines):
            blocks += [Block("item", _segments(line[2:].strip(), path.name, notes)) for line in lines]
            continue
        text = " ".join(line.strip() for line in lines)
        kind = "para"
        if text.startswith("## "):
            kind, text = "subheading", text[3:]
        elif text.startswith("# "):
            kind, text = "heading", text[2:]
        blocks.append(Block(kind, _segments(text, path.name, notes)))
    return Document(path.stem, meta, blocks)


def documents(folder: Path = FOLDER) -> list[Document]:
    return [parse(p) for p in sorted(folder.glob("*.txt"))]


def plain(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments if s.kind != "note")


def clean_text(doc: Document) -> tuple[str, list[Gold]]:
    """The document as plain text — its title, headings and paragraphs one a block, blank lines
    between, list items with "- ", the footnotes at the end under "Notes" — and its gold
    citations located in that text."""
    out: list[str] = []
    gold: list[Gold] = []
    length = 0

    def emit(segments: list[Segment], in_note: bool = False):
        nonlocal length
        for s in segments:
            if s.kind == "note":
                continue
            text = s.text.replace("**", "")
            if s.kind == "cite":
                other = s.targets if s.targets.startswith("OTHER") else None
                gold.append(Gold(doc.name, length, length + len(text), text,
                                 () if other else expand(s.targets), other,
                                 frozenset(s.classes.split(",")), in_note))
            out.append(text)
            length += len(text)

    def put(text: str):
        nonlocal length
        out.append(text)
        length += len(text)

    for i, block in enumerate(doc.blocks):
        if i:
            put("\n\n")
        if block.kind == "item":
            put("- ")
        emit(block.segments)
    notes = doc.notes()
    if notes:
        put("\n\nNotes")
        for note in notes:
            put(f"\n\n{note.number}. ")
            emit(note.note, in_note=True)
    put("\n")
    return "".join(out), gold


def words(doc: Document) -> int:
    text, _ = clean_text(doc)
    return len(re.findall(r"\w+", text))
