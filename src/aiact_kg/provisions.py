"""The provision tree: every subdivision of the Act as printed, independent of the file format.

A :class:`Provision` is one subdivision (recital, chapter, article, paragraph, point, annex...).
Its printed content is an ordered sequence of text lines and child provisions; lines that come
before the first child are its ``text``, lines after the last child its ``closing`` text, so
that walking text, children, closing in order gives back the subdivision exactly as printed.

Local ids follow the ELI / EUR-Lex subdivision ids: ``rct_12``, ``cpt_III.sct_2``, ``art_5``,
``art_5.par_1``, ``art_5.par_1.pnt_c.pnt_ii``, ``art_6.par_3.sbp_2``, ``anx_III.pnt_1.pnt_a``,
``anx_I.sct_A``. The IRI of a provision is the act IRI, a slash, and its local id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

#: Kinds of subdivision, in the words of the class names of the ontology.
KINDS = (
    "Title", "Citation", "Recital", "Chapter", "Section", "Article", "Paragraph",
    "Subparagraph", "Point", "Annex", "AnnexSection", "Footnote", "FinalPart", "Preamble",
    "EnactingTerms",
)
#: Kinds printed with a heading line (label, then title) rather than a run-in label.
HEADED = frozenset({"Chapter", "Section", "Article", "Annex", "AnnexSection"})


@dataclass
class Provision:
    local_id: str
    kind: str
    number: str | None = None          # bare number: "5", "1", "a", "ii", "III", "A"
    label: str | None = None           # as printed: "Article 5", "1.", "(a)", "ANNEX III"
    title: str | None = None
    text: list[str] = field(default_factory=list)
    children: list["Provision"] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)  # local ids of footnotes called here

    def walk(self) -> Iterator["Provision"]:
        yield self
        for child in self.children:
            yield from child.walk()

    def printed(self) -> str:
        """The subdivision as printed: its label, title, text, children and closing lines."""
        lines: list[str] = []
        if self.kind in HEADED:
            lines += [x for x in (self.label, self.title) if x]
            lines += self.text
        else:
            first = self.text[0] if self.text else (self.title or "")
            head = " ".join(x for x in (self.label, first) if x)
            children = [child.printed() for child in self.children]
            if not first and children and self.children[0].kind == "Subparagraph":
                head = " ".join(x for x in (self.label, children.pop(0)) if x)
            if head:
                lines.append(head)
            lines += self.text[1:] if self.text else []
            lines += children
            lines += self.closing
            return "\n".join(lines)
        lines += [child.printed() for child in self.children]
        lines += self.closing
        return "\n".join(lines)

    def full_text(self) -> str:
        """All text of the subdivision and its descendants, without labels or titles."""
        parts = list(self.text)
        for child in self.children:
            parts.append(child.full_text())
        parts.extend(self.closing)
        return "\n".join(p for p in parts if p)


@dataclass
class Act:
    """The parsed act in one language: top-level provisions in printed order."""

    lang: str
    parts: list[Provision]
    footnotes: list[Provision]

    def walk(self) -> Iterator[Provision]:
        for part in self.parts:
            yield from part.walk()
        yield from self.footnotes

    def index(self) -> dict[str, Provision]:
        return {p.local_id: p for p in self.walk()}


_ROMAN = re.compile(r"^[ivxlcdm]+$")


def point_number(label: str) -> str:
    """The bare number of a printed point label: "(a)" -> "a", "1." -> "1", "a)" -> "a",
    "(ii)" -> "ii", "3.1." -> "1" (the last component: point 1 of point 3)."""
    bare = label.strip().strip("()").rstrip(".").rstrip(")").strip()
    if "." in bare:
        bare = bare.split(".")[-1]
    return bare


class CorpusError(Exception):
    """A corpus file is missing, damaged or not what the parser expects; the message names it."""
