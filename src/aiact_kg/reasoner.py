"""The OWL reasoner: HermiT, through owlready2, over the ontology part of the graph.

The ontology (``ontology/*.ttl``: the classes, properties and individuals of the model of the
law, the normative statements and the fine ceilings, as the build reads them) is converted
with rdflib to N-Triples, without its language-tagged text (labels, definitions, excerpts:
the reasoner has no use for them), and handed to HermiT. The reasoner answers:

- whether the ontology is consistent and which classes are unsatisfiable (both an error);
- the class memberships and the subclass axioms it entails that are not already stated,
  as N-Triples lines (:class:`Inferences`).

``aiact-kg reason`` runs it at build time and keeps the inferences beside the built graph
(``build.write_inferred``), so every store loads them; the reasoner never runs on a web
request. ``aiact-kg reason --data FILE.ttl`` classifies the AI systems and models that a
description file describes, and prints their classes.

Descriptions of systems are read under a closed-world convention, because OWL reasons under
the open-world assumption and the law's exceptions turn on facts being absent: for each
described AI system and general-purpose AI model, a boolean of the description vocabulary
that the description does not state is taken as false, and an AI system that claims no
condition of Article 6(3) is taken to claim none (``aiact:claimsDerogation`` max 0). Without
this, "an Annex III system with no derogation" could never be shown high-risk.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from . import build, paths
from .vocab import AIACT, ONTOLOGY_NS

#: Memory for the Java virtual machine that runs HermiT (megabytes); the ontology is small.
JAVA_MEMORY = 1000


class ReasonerError(Exception):
    """The ontology is inconsistent or has unsatisfiable classes, or HermiT failed; the
    message says which."""


@dataclass
class Inferences:
    """What the reasoner entails beyond what the graph states: (individual, class) and
    (subclass, superclass) pairs of IRIs, between named classes only."""

    types: set[tuple[str, str]] = field(default_factory=set)
    subclasses: set[tuple[str, str]] = field(default_factory=set)

    def classes_of(self, individual: str) -> set[str]:
        return {cls for ind, cls in self.types if ind == individual}

    def ntriples(self) -> list[str]:
        rdf_type, sub_class = f"<{RDF.type}>", f"<{RDFS.subClassOf}>"
        lines = [f"<{s}> {rdf_type} <{o}> ." for s, o in self.types]
        lines += [f"<{s}> {sub_class} <{o}> ." for s, o in self.subclasses]
        return sorted(lines)


# -- the input ---------------------------------------------------------------------------------

def ontology_graph(base: str | None = None) -> rdflib.Graph:
    """The ontology part of the built graph: every triple of ``ontology/*.ttl``, as built."""
    lines = build.curated_triples(paths.ONTOLOGY, build.configured_base(base))
    graph = rdflib.Graph()
    graph.parse(data="\n".join(lines), format="nt")
    return graph


def _reasoner_input(graph: rdflib.Graph) -> rdflib.Graph:
    """The triples HermiT needs: no text in a language, no dates (xsd:date is outside the
    OWL 2 datatype map)."""
    kept = rdflib.Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and (o.language or o.datatype == XSD.date):
            continue
        kept.add((s, p, o))
    return kept


def _instances_of(graph: rdflib.Graph, cls: URIRef, domain_of: Iterable[URIRef] = ()) -> set:
    """Individuals typed with ``cls`` or one of its stated subclasses, or that are the subject
    (or, for ``domain_of`` given as (property, "object"), the object) of a property."""
    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    found = {s for c in classes for s in graph.subjects(RDF.type, c)}
    for prop in domain_of:
        if isinstance(prop, tuple):
            found.update(graph.objects(None, prop[0]))
        else:
            found.update(graph.subjects(prop, None))
    return {i for i in found if not (i, RDF.type, OWL.Class) in graph}


def _booleans_of(graph: rdflib.Graph, domain: URIRef) -> list[URIRef]:
    return sorted(p for p in graph.subjects(RDFS.domain, domain)
                  if (p, RDFS.range, XSD.boolean) in graph and (p, RDF.type, OWL.FunctionalProperty) in graph)


def close_descriptions(graph: rdflib.Graph) -> rdflib.Graph:
    """The closed-world reading of the described systems and models (see the module text),
    as extra triples added to ``graph``; returns the graph."""
    system_props = [p for p in graph.subjects(RDFS.domain, AIACT.AISystem)]
    systems = _instances_of(graph, AIACT.AISystem, system_props)
    models = _instances_of(graph, AIACT.GeneralPurposeAIModel, [(AIACT.basedOnModel, "object")])
    for individuals, domain in ((systems, AIACT.AISystem), (models, AIACT.GeneralPurposeAIModel)):
        booleans = _booleans_of(graph, domain)
        for individual in individuals:
            for prop in booleans:
                if graph.value(individual, prop) is None:
                    graph.add((individual, prop, Literal(False)))
    for system in systems:
        if graph.value(system, AIACT.claimsDerogation) is None:
            none_claimed = BNode()
            graph.add((none_claimed, RDF.type, OWL.Restriction))
            graph.add((none_claimed, OWL.onProperty, AIACT.claimsDerogation))
            graph.add((none_claimed, OWL.maxCardinality, Literal(0, datatype=XSD.nonNegativeInteger)))
            graph.add((system, RDF.type, none_claimed))
    return graph


# -- reasoning ---------------------------------------------------------------------------------

def reason(graph: rdflib.Graph) -> Inferences:
    """Run HermiT over ``graph``; the entailed memberships and subclass axioms not stated in it.

    Raises :class:`ReasonerError` when the graph is inconsistent or a class is unsatisfiable.
    """
    import owlready2
    from owlready2.base import OwlReadyInconsistentOntologyError, OwlReadyJavaError

    owlready2.reasoning.JAVA_MEMORY = JAVA_MEMORY
    data = _reasoner_input(graph).serialize(format="nt", encoding="utf-8")
    world = owlready2.World()
    ontology = world.get_ontology(ONTOLOGY_NS.rstrip("#"))
    try:
        ontology.load(fileobj=io.BytesIO(data), format="ntriples")
    except Exception as exc:  # owlready2 reports unreadable OWL with assorted exceptions
        raise ReasonerError(f"owlready2 cannot read the ontology as OWL: {type(exc).__name__}: {exc}") from None
    try:
        with ontology:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                           ignore_unsupported_datatypes=True)
    except OwlReadyInconsistentOntologyError:
        raise ReasonerError("the ontology is inconsistent: HermiT finds no model of it") from None
    except OwlReadyJavaError as exc:
        raise ReasonerError(f"HermiT failed: {str(exc).strip().splitlines()[-1]}") from None
    except FileNotFoundError:
        raise ReasonerError("HermiT needs a Java runtime: no 'java' command found") from None
    unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
    if unsatisfiable:
        raise ReasonerError("unsatisfiable classes: " + ", ".join(unsatisfiable))
    return _entailed(world, graph)


def _named(entity) -> bool:
    iri = getattr(entity, "iri", "")
    return iri.startswith(("http://", "https://")) and iri != str(OWL.Thing)


def _individuals(world, graph: rdflib.Graph) -> list:
    """The named individuals of the graph (owlready2 lists only those declared
    owl:NamedIndividual, so look up every IRI the graph names)."""
    import owlready2

    iris = {t for triple in graph for t in triple if isinstance(t, URIRef)}
    found = []
    for iri in sorted(iris):
        entity = world[str(iri)]
        if isinstance(entity, owlready2.Thing) and _named(entity):
            found.append(entity)
    return found


def _entailed(world, graph: rdflib.Graph) -> Inferences:
    import owlready2

    def ancestors(cls) -> set:
        return {a for a in cls.ancestors() if isinstance(a, owlready2.ThingClass) and _named(a)}

    inferences = Inferences()
    for cls in world.classes():
        if not _named(cls):
            continue
        for ancestor in ancestors(cls) - {cls}:
            if (URIRef(cls.iri), RDFS.subClassOf, URIRef(ancestor.iri)) not in graph:
                inferences.subclasses.add((cls.iri, ancestor.iri))
    for individual in _individuals(world, graph):
        classes = set()
        for cls in individual.is_a:
            if isinstance(cls, owlready2.ThingClass) and _named(cls):
                classes |= ancestors(cls)
        for cls in classes:
            if (URIRef(individual.iri), RDF.type, URIRef(cls.iri)) not in graph:
                inferences.types.add((individual.iri, cls.iri))
    return inferences


def reason_over_ontology(base: str | None = None) -> Inferences:
    """The inferences of the ontology part of the built graph."""
    return reason(ontology_graph(base))


def classify(descriptions: Iterable[Path | str], base: str | None = None) -> Inferences:
    """Reason over the ontology and description files (Turtle) read under the closed-world
    convention; the inferences include the classes of the described systems and models."""
    graph = ontology_graph(base)
    for description in descriptions:
        try:
            graph.parse(str(description), format="turtle")
        except (OSError, SyntaxError, ValueError) as exc:
            raise ReasonerError(f"{description}: {exc}") from None
    return reason(close_descriptions(graph))


# -- the command -------------------------------------------------------------------------------

def _described(files: Iterable[str]) -> list[str]:
    """The IRIs that description files describe (the subjects of their triples)."""
    graph = rdflib.Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return sorted({str(s) for s in graph.subjects() if isinstance(s, URIRef)})


def cmd_reason(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    try:
        if args.data:
            inferences = classify(args.data, args.base)
        else:
            inferences = reason_over_ontology(args.base)
    except (ReasonerError, build.BuildError) as exc:
        print(f"aiact-kg: error: {exc}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - start
    if args.data:
        for individual in _described(args.data):
            classes = sorted(c.removeprefix(ONTOLOGY_NS) for c in inferences.classes_of(individual)
                             if c.startswith(ONTOLOGY_NS))
            print(f"{individual}\t{' '.join(classes)}")
        return 0
    target = build.write_inferred(inferences.ntriples(), args.base)
    print(f"inferred: {target} ({len(inferences.types)} class memberships, "
          f"{len(inferences.subclasses)} subclass axioms, {seconds:.1f} s); the ontology is consistent")
    return 0


def register_command(subparsers, store_options) -> None:
    parser = subparsers.add_parser(
        "reason", help="run the OWL reasoner (HermiT) over the ontology and keep its inferences with the graph",
        description="Check with HermiT that the ontology is consistent and has no unsatisfiable class, and "
                    "write the class memberships and subclass axioms it entails beside the built graph, "
                    "where every store loads them. With --data, classify the AI systems and models that "
                    "description files describe and print their classes instead. Exit status 2 when the "
                    "ontology is inconsistent.")
    parser.add_argument("--data", action="append", default=[], metavar="FILE.ttl",
                        help="a description of AI systems to classify (repeatable); nothing is written")
    parser.add_argument("--base", metavar="IRI", help="base of the IRIs we mint")
    parser.set_defaults(func=cmd_reason)
