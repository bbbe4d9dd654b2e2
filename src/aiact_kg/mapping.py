"""Read a description written with other vocabularies (W3C DPV and its extensions, AIRO, VAIR)
into our description vocabulary, before the classification rules run.

The mappings are data (``ontology/interop.ttl``, ``ontology/alignment.ttl``,
``vocabularies/catalogue.ttl``); this module applies them in four steps:

1. **Aliases**: a namespace spelt another way (``https://w3id.org/AIRO#``) is read as its own.
2. **Exact matches**: a term aligned with one of ours as the same (``skos:exactMatch``,
   ``owl:equivalentClass``…) is rewritten beside the original triple.
3. **Properties** of another vocabulary that state what one of ours states
   (``aiact:alsoStatedBy``: ``airo:isProvidedBy`` is ``aiact:hasProvider``), said of a system.
4. **Mappings** (``aiact:AnnexIIIMapping``, ``aiact:PropertyMapping``,
   ``aiact:ContextMapping``, ``aiact:DeployerMapping``): a mapping holds for a system when
   every slot it fills is matched by one of its terms, used of the system as the value of any
   of its properties, as the type of such a value, or as the system's own type.

Every triple added keeps the triples of the description it was read from
(:attr:`Reading.sources`), so that a verdict can cite what the user wrote.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from .vocab import AIACT

#: The slots of a mapping that must each be matched by one of their terms.
MATCHED_SLOTS = (AIACT.mapsDomain, AIACT.mapsPurpose, AIACT.mapsCapability, AIACT.mapsSystemType,
                 AIACT.mapsSubject, AIACT.mapsLocality)
#: What a mapping states, by the property of the mapping that says it.
EFFECTS = {
    AIACT.mapsToUseCase: AIACT.usedFor,
    AIACT.impliesContext: AIACT.usedIn,
    AIACT.impliesPersons: AIACT.affectedPersons,
    AIACT.impliesArea: AIACT.usedInArea,
}

Triple = tuple


@dataclass
class VocabularyMapping:
    iri: URIRef
    kind: URIRef
    label: str = ""
    slots: dict = field(default_factory=lambda: defaultdict(set))
    statements: list = field(default_factory=list)  # (our property, value)
    sources: list = field(default_factory=list)
    subject_at_risk: bool = False


@dataclass
class Reading:
    """What the mapping added to one description: for each added triple, the description's
    triples it was read from, and the mapping (or alignment) that read it."""

    sources: dict = field(default_factory=dict)
    mappings: dict = field(default_factory=dict)

    def origin(self, triple) -> list:
        """The description's own triples behind a triple (itself, when the user wrote it)."""
        return self.sources.get(triple, [triple])


class Mapper:
    """The mappings of the built graph, loaded once. ``exact`` is the engine's table of
    exact matches (external term -> ours); ``canonical`` turns an aliased IRI into its
    namespace's own spelling."""

    def __init__(self, store, exact: dict, canonical=lambda iri: iri):
        self.exact = exact
        self.canonical = canonical
        found: dict[URIRef, VocabularyMapping] = {}
        for row in store.run("validation-mappings"):
            iri = URIRef(row["mapping"].value)
            mapping = found.setdefault(iri, VocabularyMapping(iri, URIRef(row["kind"].value)))
            prop, value = URIRef(row["property"].value), row["value"].value
            if prop == RDFS.label:
                mapping.label = value
            elif prop == DCTERMS.source:
                mapping.sources.append(value)
            elif prop == AIACT.requiresSubjectAtRisk:
                mapping.subject_at_risk = value in ("true", "1")  # servers write xsd:boolean either way
            elif prop == AIACT.impliesTrue:
                mapping.statements.append((URIRef(value), Literal(True)))
            elif prop in EFFECTS:
                mapping.statements.append((EFFECTS[prop], URIRef(value)))
            else:
                mapping.slots[prop].add(URIRef(value))
        self.mappings = sorted(found.values(), key=lambda m: str(m.iri))
        self.readings: dict[URIRef, URIRef] = {}
        self.information: dict[URIRef, set] = defaultdict(set)
        for row in store.run("validation-readings"):
            subject, prop = URIRef(row["subject"].value), URIRef(row["property"].value)
            if row["link"].value == str(AIACT.alsoStatedBy):
                self.readings[prop] = subject
            else:
                self.information[subject].add(prop)

    # -- the steps ------------------------------------------------------------------------------

    def apply(self, graph: rdflib.Graph, artefact_classes: set) -> Reading:
        reading = Reading()
        self._rewrite(graph, reading, self._alias_and_exact)
        systems = sorted({s for s, o in graph.subject_objects(RDF.type) if o in artefact_classes}, key=str)
        for system in systems:
            for prop, ours in self.readings.items():
                for value in list(graph.objects(system, prop)):
                    self._add(graph, reading, (system, ours, value), [(system, prop, value)], None)
        for system in systems:
            self._apply_mappings(graph, reading, system)
        return reading

    def _alias_and_exact(self, term):
        if isinstance(term, URIRef):
            canonical = URIRef(self.canonical(str(term)))
            return self.exact.get(canonical, canonical)
        return term

    def _rewrite(self, graph, reading, rewrite) -> None:
        added = []
        for triple in graph:
            new = tuple(rewrite(t) for t in triple)
            if new != triple:
                added.append((new, triple))
        for new, old in added:
            self._add(graph, reading, new, [old], None)
            # a rewritten term is also read through the alias alone (airo:AISystem kept for AIRO's own terms)
            aliased = tuple(URIRef(self.canonical(str(t))) if isinstance(t, URIRef) else t for t in old)
            if aliased != old and aliased != new:
                self._add(graph, reading, aliased, [old], None)

    def _add(self, graph, reading: Reading, triple, sources, mapping) -> None:
        if triple in graph and triple not in reading.sources:
            return
        origin = [o for source in sources for o in reading.origin(source)]
        known = reading.sources.setdefault(triple, [])
        for o in origin:
            if o not in known:
                known.append(o)
        if mapping is not None:
            reading.mappings.setdefault(triple, mapping)
        graph.add(triple)

    def linked_terms(self, graph, node) -> dict:
        """The terms a node uses, each with the triples that use it: its types, the values of
        its properties, and the types of those values."""
        linked: dict = defaultdict(list)
        for term in graph.objects(node, RDF.type):
            linked[term].append((node, RDF.type, term))
        for prop, value in graph.predicate_objects(node):
            if prop == RDF.type:
                continue
            if isinstance(value, URIRef):
                linked[value].append((node, prop, value))
            for kind in graph.objects(value, RDF.type):
                linked[kind].extend([(node, prop, value), (value, RDF.type, kind)])
        return linked

    def _apply_mappings(self, graph, reading: Reading, system) -> None:
        linked = self.linked_terms(graph, system)
        for mapping in self.mappings:
            if mapping.kind == AIACT.DeployerMapping:
                self._apply_deployer_mapping(graph, reading, system, mapping)
                continue
            used = self._match(mapping, linked, graph, system)
            if used is None:
                continue
            for prop, value in mapping.statements:
                self._add(graph, reading, (system, prop, value), used, mapping)

    def _match(self, mapping, linked, graph, system) -> list | None:
        used: list = []
        filled = [slot for slot in MATCHED_SLOTS if mapping.slots.get(slot)]
        if not filled:
            return None
        for slot in filled:
            hits = [t for t in mapping.slots[slot] if t in linked]
            if not hits:
                return None
            used.extend(triple for t in sorted(hits, key=str) for triple in linked[t])
        for term in mapping.slots.get(AIACT.mapsAlsoCapability, ()):
            if term not in linked:
                return None
            used.extend(linked[term])
        if any(t in linked for t in mapping.slots.get(AIACT.mapsExcludedDomain, ())):
            return None
        if mapping.subject_at_risk:
            at_risk = self._subject_at_risk(graph, system)
            if not at_risk:
                return None
            used.extend(at_risk)
        return used

    def _subject_at_risk(self, graph, system) -> list:
        """Triples saying that a described impact falls on a person the system is applied to."""
        for prop in self.information.get(AIACT.PersonsInformation, ()):
            for person in graph.objects(system, prop):
                for impact_prop in self.information.get(AIACT.ImpactInformation, ()):
                    for impact in graph.subjects(impact_prop, person):
                        return [(system, prop, person), (impact, impact_prop, person)]
        return []

    def _apply_deployer_mapping(self, graph, reading, system, mapping) -> None:
        kinds = mapping.slots.get(AIACT.mapsDeployer, set())
        for deployer in list(graph.objects(system, AIACT.hasDeployer)):
            for kind in set(graph.objects(deployer, RDF.type)) & kinds:
                for prop, value in mapping.statements:
                    sources = [(system, AIACT.hasDeployer, deployer), (deployer, RDF.type, kind)]
                    self._add(graph, reading, (deployer, prop, value), sources, mapping)

    # -- what the description says --------------------------------------------------------------

    def stated(self, graph, system, kinds: Iterable[URIRef]) -> dict:
        """For each kind of classifying information (``aiact:PurposeInformation``…), the
        triples of the graph that state it of the system."""
        return {kind: [(system, prop, value) for prop in sorted(self.information.get(kind, ()), key=str)
                       for value in graph.objects(system, prop)]
                for kind in kinds}
