"""The French words of every English excerpt: a curated statement quotes a few words of the
English text of its provision (``aiact:excerpt "…"@en``); the same words in French are found
in the French official text of that provision, never typed by hand.

How: the excerpt lies in one line (a subparagraph, the opening words of a list, a point) of
the provision or of one of its parts, and the French text of that part has the same lines.
The line is cut into sentences in both languages; where both have the same number of
sentences, the French sentences in the places of the English sentences the excerpt touches
are its French words (``aiact:AlignedSentences``). Where the sentence counts differ, the
French excerpt is the whole French line; where the excerpt cannot be placed in a line, the
whole French text of the provision; the graph says so (``aiact:WholeProvisionText``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from pyoxigraph import Literal, NamedNode, Triple

from .provisions import Act, Provision
from .vocab import AIACT

#: How a French excerpt was found (the local names of the ontology's individuals).
ALIGNED = "AlignedSentences"
WHOLE = "WholeProvisionText"

_EXCERPT = NamedNode(str(AIACT.excerpt))
_SOURCE = NamedNode("http://purl.org/dc/terms/source")

# Abbreviations whose full stop does not end a sentence, in either language: "i.e.", "e.g.",
# "p. 12" (a page of the Official Journal), "pp.", "cf.", "Art.", "No.", "para.", "vol.", and
# the French "p. ex.", "c.-à-d.", "chap.", "al." (alinéa).
_ABBREVIATIONS = frozenset({
    "i.e", "e.g", "p", "pp", "cf", "art", "arts", "no", "nos", "para", "paras", "ibid", "vol", "viz",
    "ex", "c.-à-d", "chap", "al", "op", "cit",
})
# A full stop, question or exclamation mark, then any closing quotes or brackets, then space.
_END = re.compile(r"(?<=[.!?])[’”»)\]]*[ \t\u00a0\u202f]+")
_LAST_WORD = re.compile(r"([\w.\-]+)\.$")
_OPENING = "‘“«(\"'"
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def normalise(text: str) -> str:
    """Every run of spaces (no-break ones too) as one plain space."""
    return _SPACES.sub(" ", text).strip()


def _ends_sentence(before: str, after: str) -> bool:
    """Whether the stop that ends ``before`` ends a sentence, ``after`` being the text after
    the spaces that follow it. A new sentence starts with a capital letter (after any opening
    quote or bracket): "… in point (a). The", "… Regulation (EU) 2016/679. It"; a stop
    followed by a small letter or a number ("p. 12", "14.11.2012, p. 1") or that closes an
    abbreviation ("i.e. Member States") does not end one."""
    head = after.lstrip(_OPENING)
    if not head[:1].isupper():
        return False
    word = _LAST_WORD.search(before)
    return not (word and word.group(1).lower() in _ABBREVIATIONS)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of one line of the Act starts and ends (its closing stop and
    quotes included, the spaces after it not)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        if _ends_sentence(text[:match.start()].rstrip("’”»)]"), text[match.end():]):
            end = len(text[:match.end()].rstrip(" \t\u00a0\u202f"))
            spans.append((start, end))
            start = match.end()
    end = len(text.rstrip())
    if text[start:end].strip():
        spans.append((start, end))
    return spans


def sentences(text: str) -> list[str]:
    """The sentences of one line of the Act (see :func:`sentence_spans`)."""
    return [text[a:b] for a, b in sentence_spans(text)]


@dataclass(frozen=True)
class FrenchExcerpt:
    """The French words of one English excerpt, the part of the Act they come from and how
    they were found (``ALIGNED`` or ``WHOLE``)."""

    text: str
    part: str
    method: str


def _place(excerpt: str, lines: list[str]) -> tuple[int, int, int] | None:
    """(line, first character, end) of the excerpt in the lines, spaces normalised."""
    wanted = normalise(excerpt)
    for number, line in enumerate(lines):
        flat = normalise(line)
        at = flat.find(wanted)
        if at >= 0:
            return number, at, at + len(wanted)
    return None


def _parts(sources: Iterable[Provision]) -> Iterable[Provision]:
    for source in sources:
        yield from source.walk()


def french_excerpt(excerpt: str, sources: list[str], en_index: dict[str, Provision],
                   fr_index: dict[str, Provision]) -> FrenchExcerpt | None:
    """The French words of ``excerpt``, a piece of the English text of the provisions
    ``sources`` (local ids) or of their parts. Where the excerpt is in none of their lines,
    or the French part has not the same lines, the whole French text of the provision (the
    part, else the first source) stands for it. None only where the French text has none of
    them."""
    known = [en_index[s] for s in sources if s in en_index]
    for part in _parts(known):
        for field in ("text", "closing"):
            english = getattr(part, field)
            placed = _place(excerpt, english)
            if placed is None:
                continue
            french_part = fr_index.get(part.local_id)
            if french_part is None:
                return None
            french = getattr(french_part, field)
            if len(french) != len(english):
                return FrenchExcerpt(french_part.full_text(), part.local_id, WHOLE)
            number, first, end = placed
            return _aligned(normalise(english[number]), first, end, french[number], part.local_id)
    for source in known:
        if source.local_id in fr_index:
            return FrenchExcerpt(fr_index[source.local_id].full_text(), source.local_id, WHOLE)
    return None


def _aligned(english: str, first: int, end: int, french: str, part: str) -> FrenchExcerpt:
    """The French sentences that stand where the English sentences holding characters
    ``first`` to ``end`` of the English line stand, or the whole French line when the two
    lines do not cut into the same number of sentences."""
    english_spans, french_spans = sentence_spans(english), sentence_spans(french)
    touched = [i for i, (a, b) in enumerate(english_spans) if a < end and first < b]
    if len(english_spans) == len(french_spans) and touched:
        start, stop = french_spans[touched[0]][0], french_spans[touched[-1]][1]
        return FrenchExcerpt(french[start:stop], part, ALIGNED)
    return FrenchExcerpt(french.strip(), part, WHOLE)


def french_excerpts(statements: dict[str, tuple[str, list[str]]], english: Act, french: Act) -> dict[str, FrenchExcerpt]:
    """For each statement given as (English excerpt, source local ids), its French excerpt."""
    en_index, fr_index = english.index(), french.index()
    out = {}
    for key, (excerpt, sources) in statements.items():
        found = french_excerpt(excerpt, sources, en_index, fr_index)
        if found is not None:
            out[key] = found
    return out


def curated_excerpts(triples: Iterable[Triple], act: str) -> dict:
    """The English excerpts of the curated triples and the provisions (local ids under the act
    IRI ``act``) their statements cite: {statement: (excerpt, [local ids])}."""
    excerpts: dict = {}
    sources: dict = {}
    for triple in triples:
        if triple.predicate == _EXCERPT and isinstance(triple.object, Literal) and triple.object.language == "en":
            excerpts[triple.subject] = triple.object.value
        elif triple.predicate == _SOURCE and isinstance(triple.object, NamedNode) and triple.object.value.startswith(act + "/"):
            sources.setdefault(triple.subject, []).append(triple.object.value[len(act) + 1:])
    return {subject: (text, sorted(sources.get(subject, []))) for subject, text in excerpts.items()}


def excerpt_triples(triples: Iterable[Triple], english: Act, french: Act, act: str) -> list[Triple]:
    """For every curated English excerpt: ``aiact:excerpt "…"@fr``, the part of the provision
    it lies in (``aiact:excerptIn``) and how the French words were found
    (``aiact:excerptAlignment``)."""
    found = french_excerpts(curated_excerpts(triples, act), english, french)
    out = []
    for subject, excerpt in found.items():
        out.append(Triple(subject, _EXCERPT, Literal(excerpt.text, language="fr")))
        out.append(Triple(subject, NamedNode(str(AIACT.excerptIn)), NamedNode(f"{act}/{excerpt.part}")))
        out.append(Triple(subject, NamedNode(str(AIACT.excerptAlignment)), NamedNode(str(getattr(AIACT, excerpt.method)))))
    return out
