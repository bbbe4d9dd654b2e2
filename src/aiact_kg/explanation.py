"""Where a statement of a description is written, so that a verdict can cite it by line.

An RDF parser gives triples, not the lines they were read from. :class:`SourceText` finds the
line of a triple in the text the user submitted, by the ways its terms can be written there:
the full IRI (``<…>`` or quoted), a prefixed name with a prefix the file declares (Turtle
``@prefix``/``PREFIX``, RDF/XML ``xmlns:``, a JSON-LD context entry), and for literals their
text. The line given is the first that holds the triple's object (with its predicate when the
same line has it), at or after the line that first names its subject: in Turtle the line of
the statement, in N-Triples the triple's own line, in JSON-LD and RDF/XML the line of the
value. When no spelling is found the line is unknown (``None``), never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

#: Datatypes whose literals Turtle writes bare (true, 42, 1.0E25).
_PLAIN = (XSD.boolean, XSD.integer, XSD.decimal, XSD.double)

_PREFIX_PATTERNS = (
    re.compile(r"@prefix\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE),
    re.compile(r"^\s*PREFIX\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE),
    re.compile(r"xmlns:([\w.-]+)\s*=\s*[\"']([^\"']*)[\"']"),
    re.compile(r"\"([\w.-]+)\"\s*:\s*\"(https?://[^\"]*[#/])\""),
)


@dataclass(frozen=True)
class Fact:
    """A triple of the description and the line it is written on."""

    subject: str
    predicate: str
    object: str
    line: int | None = None

    def as_dict(self) -> dict:
        return {"subject": self.subject, "predicate": self.predicate, "object": self.object, "line": self.line}

    def text(self) -> str:
        where = f"line {self.line}" if self.line else "line unknown"
        return f"{where}: {self.subject} {self.predicate} {self.object}"


@dataclass
class Evidence:
    """What one classification rests on: the provision and the facts that triggered it."""

    provision: str
    facts: list[Fact] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"provision": self.provision, "facts": [f.as_dict() for f in self.facts]}


class SourceText:
    """The submitted text, searchable for the lines of its triples."""

    def __init__(self, data: bytes):
        text = data.decode("utf-8", "replace")
        self.lines = text.splitlines()
        self.prefixes: list[tuple[str, str]] = []
        for pattern in _PREFIX_PATTERNS:
            for name, iri in pattern.findall(text):
                if (name, iri) not in self.prefixes:
                    self.prefixes.append((name, iri))
        self._cache: dict = {}

    def spellings(self, term) -> list[str]:
        if isinstance(term, Literal):
            return [str(term)] if str(term) else []
        if isinstance(term, BNode):
            return []
        iri = str(term)
        found = [f"<{iri}>", f'"{iri}"', f"'{iri}'"]
        for name, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                found.append(f"{name}:{iri[len(namespace):]}")
        if term == RDF.type:
            found.append(" a ")
        return found

    def lines_of(self, term) -> list[int]:
        key = ("lines", term)
        if key not in self._cache:
            hits = []
            spellings = self.spellings(term)
            for number, line in enumerate(self.lines, start=1):
                if any(_occurs(line, s) for s in spellings):
                    hits.append(number)
            self._cache[key] = hits
        return self._cache[key]

    def line_of(self, triple) -> int | None:
        s, p, o = triple
        start = min(self.lines_of(s), default=1)
        objects = [n for n in self.lines_of(o) if n >= start] or self.lines_of(o)
        predicates = set(self.lines_of(p))
        for number in objects:
            if number in predicates:
                return number
        if objects:
            return objects[0]
        after = [n for n in sorted(predicates) if n >= start]
        return after[0] if after else (start if self.lines_of(s) else None)

    def compact(self, term) -> str:
        """The term as the file writes it: a prefixed name where the file declares the prefix."""
        if isinstance(term, Literal):
            if term.datatype in _PLAIN:
                return str(term)
            return term.n3()
        if isinstance(term, BNode):
            return "[]"  # a blank node's label is the parser's, not the file's
        if term == RDF.type:
            return "a"
        iri = str(term)
        best = None
        for name, namespace in self.prefixes:
            local = iri[len(namespace):]
            if iri.startswith(namespace) and local and re.fullmatch(r"[\w.-]+", local):
                if best is None or len(namespace) > len(best[1]):
                    best = (name, namespace)
        return f"{best[0]}:{iri[len(best[1]):]}" if best else f"<{iri}>"

    def fact(self, triple, show) -> Fact:
        s, p, o = triple
        return Fact(show(s), show(p), show(o), self.line_of(triple))


def _occurs(line: str, spelling: str) -> bool:
    start = line.find(spelling)
    while start >= 0:
        end = start + len(spelling)
        if end >= len(line) or not (line[end].isalnum() or line[end] in "_-") or spelling.endswith((">", '"', "'", " ")):
            return True
        start = line.find(spelling, start + 1)
    return False
