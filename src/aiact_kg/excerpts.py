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

# Words the Act abbreviates with a full stop that does not end a sentence: "i.e.", "e.g.",
# "No 2016/679" has none, but "p. 12", "pp. 1-10", "cf.", "Art.", "n°" sometimes "n.", "etc."
# inside a list ("… etc.), and"), French "c.-à-d.", "M.", "Mme" (no stop), "p. ex.".
_ABBREVIATIONS = {
    "i.e", "e.g", "p", "pp", "cf", "art", "arts", "no", "nos", "para", "paras", "ibid", "vol",
    "c.-à-d", "ex", "p. ex", "m", "mm", "dir", "chap", "al", "n", "op", "cit", "fig", "viz",
}
# A full stop, question or exclamation mark, then any closing quotes or brackets, then space.
_END = re.compile(r"(?<=[.!?])[’”»)\]]*[ \t\u00a0\u202f]+")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def normalise(text: str) -> str:
    """Every run of spaces (no-break ones too) as one plain space."""
    return _SPACES.sub(" ", text).strip()


def _ends_sentence(before: str, after: str) -> bool:
    """Whether the stop at the end of ``before`` ends a sentence, given the text ``after`` the
    space that follows it."""
    if not after:
        return True
    head = after.lstrip("‘“«(\"' \u00a0")
    if not head or not (head[0].isupper() or head[0].isdigit() and before.rstrip()[-1:] in "!?"):
        # "… in point (a). and" or "p. 12": a stop followed by a small letter or a number is not
        # the end of a sentence ("OJ L 316, 14.11.2012, p. 12").
        return False
    word = re.search(r"([\w.\-]+)\.\W*$", before)
    if word:
        token = word.group(1).lower()
        if token in _ABBREVIATIONS or token.rstrip(".") in _ABBREVIATIONS:
            return False
        if re.fullmatch(r"[a-z]", token) and before.rstrip().endswith(f"{word.group(1)}."):
            # an initial ("J. Smith") or a letter of a list cited "point a." never ends one
            return False
        if re.fullmatch(r"(?:[ivxlcdm]+|\d+)(?:\.\d+)*", token) and re.search(r"(?:^|\n)\W*\S+\.$", before.strip()):
            return False  # a printed label "1." or "(ii)." at the start of the line
    return True


def sentences(text: str) -> list[str]:
    """The sentences of one line of the Act, each with its closing stop, without the spaces
    between them. Knows the abbreviations the Act uses ("i.e.", "e.g.", "p. 12", "p. ex."),
    citations ("Article 3(4)", "point (a)", "Regulation (EU) 2016/679", "14.11.2012"), which
    never end a sentence unless a new one starts after them with a capital letter."""
    out: list[str] = []
    start = 0
    for match in _END.finditer(text):
        if _ends_sentence(text[:match.start()], text[match.end():]):
            out.append(text[start:match.end()].rstrip(" \t\u00a0\u202f"))
            start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


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
    """The French sentences that stand where the English sentences the excerpt spans stand,
    or the whole French line when the two do not cut into the same number of sentences."""
    english_sentences = sentences(english)
    french_sentences = sentences(french)
    if len(english_sentences) == len(french_sentences):
        spans, at = [], 0
        for sentence in english_sentences:
            at = english.index(sentence, at)
            spans.append((at, at + len(sentence)))
            at += len(sentence)
        touched = [i for i, (a, b) in enumerate(spans) if a < end and first < b]
        if touched:
            words = french_sentences[touched[0]:touched[-1] + 1]
            start = french.index(words[0])
            stop = french.index(words[-1], start) + len(words[-1])
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
