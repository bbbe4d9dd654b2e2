"""The vocabularies a description may use, and the terms of theirs it must not invent.

``vocabularies/catalogue.ttl`` names the namespaces the validator knows (ours, AIRO, VAIR, W3C
DPV and its extensions, ELI) and where their terms are: a copy of the vocabulary
(``airo.ttl``, ``vair.ttl``), a list of the terms looked up (``dpv-terms.ttl``), or the built
graph (ours, ELI's). A term of a known namespace that its vocabulary does not define is an
*unknown term*: a description that relies on one would be classified on a statement that
says nothing, so validation refuses it (:class:`aiact_kg.validation.UnknownTermsError`),
unless the user allows it.

Where the validator holds only part of a vocabulary (``aiact:completeTermList false``), a term
outside the list is refused only when it is a near miss of a listed term, which is a
misspelling; any other such term is reported as not read, since the vocabulary may well
define it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import rdflib
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS

from . import paths
from .messages import say
from .vocab import AIACT, ONTOLOGY_NS

#: How close a listed term must be to an unknown one to be suggested ("did you mean"); where
#: the validator holds only part of a vocabulary, the nearer miss that makes an unlisted term a
#: misspelling (dpv:PersonalData is not a misspelling of dpv:hasPersonalData).
SUGGESTION_CUTOFF = 0.8
MISSPELLING_CUTOFF = 0.9


@dataclass(frozen=True)
class KnownNamespace:
    iri: str
    label: str
    complete: bool
    terms: frozenset
    alias_of: str | None = None

    def local(self, iri: str) -> str:
        return iri[len(self.iri):]


@dataclass
class UnknownTerm:
    """A term of a known namespace that its vocabulary does not define."""

    iri: str
    vocabulary: str
    suggestion: str | None = None
    line: int | None = None
    refused: bool = True

    @property
    def message(self) -> str:
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        """What is wrong with the term, in ``lang`` (the vocabulary's name too, where it is words)."""
        vocabulary = say(lang, self.vocabulary)
        if self.suggestion:
            return say(lang, "{term} is not a term of {vocabulary} (did you mean {suggestion}?)", term=self.iri,
                       vocabulary=vocabulary, suggestion=self.suggestion)
        if not self.refused:
            return say(lang, "{term} is not a term of {vocabulary} that the validator knows: it is not read",
                       term=self.iri, vocabulary=vocabulary)
        return say(lang, "{term} is not a term of {vocabulary}", term=self.iri, vocabulary=vocabulary)

    def as_dict(self) -> dict:
        return {"term": self.iri, "vocabulary": self.vocabulary, "suggestion": self.suggestion,
                "line": self.line, "refused": self.refused}


class Vocabularies:
    """The known namespaces and their terms. ``own_terms`` and ``graph_terms`` come from the
    built graph: the terms our ontology declares, and those of namespaces with no term list
    file (ELI) that the graph uses."""

    def __init__(self, own_terms: Iterable[str], graph_terms: dict[str, Iterable[str]] | None = None,
                 folder: Path | None = None):
        folder = Path(folder) if folder else paths.VOCABULARIES
        catalogue = rdflib.Graph()
        catalogue.parse(folder / "catalogue.ttl", format="turtle")
        files: dict[str, set[str]] = {}
        namespaces: dict[str, KnownNamespace] = {}
        aliases: dict[str, str] = {}
        for ns in catalogue.subjects(RDF.type, AIACT.KnownNamespace):
            iri = str(ns)
            alias = catalogue.value(ns, AIACT.aliasOf)
            if alias is not None:
                aliases[iri] = str(alias)
                continue
            label = str(catalogue.value(ns, RDFS.label) or iri)
            complete = bool(getattr(catalogue.value(ns, AIACT.completeTermList), "value", False))
            file = catalogue.value(ns, AIACT.termListFile)
            if iri == ONTOLOGY_NS:
                terms = set(own_terms)
            elif file is not None:
                name = str(file)
                if name not in files:
                    files[name] = _subjects(folder / name)
                terms = {t for t in files[name] if t.startswith(iri)}
            else:
                terms = set((graph_terms or {}).get(iri, ()))
            namespaces[iri] = KnownNamespace(iri, label, complete, frozenset(terms))
        for alias, target in aliases.items():
            known = namespaces[target]
            namespaces[alias] = KnownNamespace(alias, known.label, known.complete, known.terms, target)
        # longest namespace first, so that …/dpv/ai# is not read as a term of …/dpv#
        self.namespaces = sorted(namespaces.values(), key=lambda n: -len(n.iri))
        self.aliases = aliases
        #: (namespace, unknown term, cutoff) -> the term meant: the closest term is searched
        #: among hundreds by difflib (a sixth of the validation of a description that uses
        #: three unknown terms), once per term while the process lives (a bounded memo)
        self._suggested: dict = {}

    def namespace_of(self, iri: str) -> KnownNamespace | None:
        for ns in self.namespaces:
            if iri.startswith(ns.iri):
                local = ns.local(iri)
                if local and "/" not in local and "#" not in local:
                    return ns
        return None

    def canonical(self, iri: str) -> str:
        """The IRI in the namespace's own spelling (https://w3id.org/AIRO#X -> …/airo#X)."""
        for alias, target in self.aliases.items():
            if iri.startswith(alias):
                return target + iri[len(alias):]
        return iri

    def unknown_terms(self, graph: rdflib.Graph) -> list[UnknownTerm]:
        """The unknown terms a description uses, each once, in the order of their IRIs."""
        used = {term for triple in graph for term in triple if isinstance(term, URIRef)}
        found = []
        for iri in sorted(str(t) for t in used):
            ns = self.namespace_of(iri)
            if ns is None:
                continue
            canonical = self.canonical(iri)
            if canonical in ns.terms or (ns.alias_of and canonical in self._terms_of(ns.alias_of)):
                continue
            cutoff = SUGGESTION_CUTOFF if ns.complete else MISSPELLING_CUTOFF
            key = (ns.iri, canonical, cutoff)
            if key not in self._suggested:
                if len(self._suggested) >= _SUGGESTIONS_KEPT:
                    self._suggested.clear()
                self._suggested[key] = self.suggest(ns, canonical, cutoff)
            suggestion = self._suggested[key]
            found.append(UnknownTerm(iri, ns.label, suggestion, refused=ns.complete or suggestion is not None))
        return found

    def _terms_of(self, iri: str) -> frozenset:
        return next((n.terms for n in self.namespaces if n.iri == iri), frozenset())

    @staticmethod
    def suggest(ns: KnownNamespace, iri: str, cutoff: float = SUGGESTION_CUTOFF) -> str | None:
        """The listed term closest to an unknown one, when it is close enough to be a misspelling."""
        base = ns.alias_of or ns.iri
        locals_ = {t[len(base):]: t for t in ns.terms if t.startswith(base)}
        local = iri[len(base):]
        folded = {name.lower(): name for name in locals_}
        if local.lower() in folded:
            return locals_[folded[local.lower()]]
        close = difflib.get_close_matches(local, list(locals_), n=1, cutoff=cutoff)
        return locals_[close[0]] if close else None


#: How many suggestions the memo of :class:`Vocabularies` keeps before it starts again.
_SUGGESTIONS_KEPT = 4096


def _subjects(path: Path) -> set[str]:
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    return {str(s) for s in graph.subjects() if isinstance(s, URIRef)} | \
           {str(o) for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}

