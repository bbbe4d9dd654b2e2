"""Validate a description of an AI system against the Act. This module owns pyshacl, with
:mod:`aiact_kg.shacl`, which runs the shapes.

A description (Turtle, JSON-LD, RDF/XML or N-Triples) goes through four steps:

1. **Read** it: the format from the file name or, failing that, from the content; a syntax
   error names the file, line and column; nothing is ever fetched (no remote JSON-LD context,
   no external XML entity, no DTD, no ``owl:imports``); the size, triples, time and memory
   a description may take are bounded (:mod:`aiact_kg.limits`: 5 MB and 50,000 triples on the
   command line, each with its flag to raise it).
2. **Map** terms of AIRO and the W3C DPV AI Act extension to ours, after the alignments of
   ``ontology/`` (``owl:equivalentClass``, ``owl:equivalentProperty``, ``skos:exactMatch``…).
3. **Validate** it with the shapes of ``shapes/`` (SHACL, with the SHACL Advanced Features'
   rules that derive the classification: the rules add ``rdf:type`` of the artefact classes
   and ``aiact:classifiedUnder`` links), mixed with the small part of the ontology that the
   shapes need (class hierarchy and the individuals a description points at), without RDFS
   or OWL inference.
4. **Report**: each result of a shape that ``aiact:checksObligation`` an obligation takes the
   obligation's provisions (``dct:source``) and date (``aiact:applicableFrom``) from the built
   graph. A finding is a *Violation* when its obligation applies on the validation date, a
   *Warning* (saying from when) when it applies later; a prohibited practice (Article 5) is
   always a Violation.

The public entry points are :func:`validate_bytes`, :func:`validate_files` and the
``aiact-kg validate`` command. Everything that is costly (the built graph, the shapes, the
ontology extract, the obligations' facts) is loaded once per process by :class:`Engine`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import urllib.parse
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Iterable, Sequence

import pyoxigraph
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD, NamespaceManager

from . import build, limits as input_limits, paths, queries, shacl
from .explanation import Evidence, Fact, SourceText
from .legal_order import sort_key
from .mapping import Mapper, Reading
from .messages import LANGUAGES, say
from .vocab import AIACT, ONTOLOGY_NS
from .vocabularies import UnknownTerm, Vocabularies

#: Descriptions larger than this are refused before they are parsed.
MAX_BYTES = input_limits.CLI_VALIDATE.max_bytes

VIOLATION, WARNING, INFO = "Violation", "Warning", "Info"

#: RDF formats by file name ending; anything else is recognised from its content.
FORMATS = {
    ".ttl": pyoxigraph.RdfFormat.TURTLE,
    ".turtle": pyoxigraph.RdfFormat.TURTLE,
    ".n3": pyoxigraph.RdfFormat.TURTLE,
    ".nt": pyoxigraph.RdfFormat.N_TRIPLES,
    ".ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
    ".jsonld": pyoxigraph.RdfFormat.JSON_LD,
    ".json": pyoxigraph.RdfFormat.JSON_LD,
    ".rdf": pyoxigraph.RdfFormat.RDF_XML,
    ".xml": pyoxigraph.RdfFormat.RDF_XML,
    ".owl": pyoxigraph.RdfFormat.RDF_XML,
}
FORMAT_NAMES = {
    pyoxigraph.RdfFormat.TURTLE: "Turtle",
    pyoxigraph.RdfFormat.N_TRIPLES: "N-Triples",
    pyoxigraph.RdfFormat.JSON_LD: "JSON-LD",
    pyoxigraph.RdfFormat.RDF_XML: "RDF/XML",
}
#: The formats by the short name a caller may choose one by (the Validate page's choice).
FORMAT_KEYS = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
    "rdfxml": pyoxigraph.RdfFormat.RDF_XML,
    "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
}

#: The roles a description gives an organisation, by the property that names it.
ROLE_PROPERTIES = {
    AIACT.hasProvider: AIACT.Provider,
    AIACT.hasDeployer: AIACT.Deployer,
    AIACT.hasImporter: AIACT.Importer,
    AIACT.hasDistributor: AIACT.Distributor,
    AIACT.hasAuthorisedRepresentative: AIACT.AuthorisedRepresentative,
}
#: What a description can point at that the Act lists at a point (Annex III, Article 5(1),
#: Annex I): the individual's ``aiact:listedIn`` is the point the classification rests on.
LISTED_PROPERTIES = (AIACT.usedFor, AIACT.usesPractice, AIACT.productCoveredBy)
#: The roots of the artefact classes whose instances are classified.
ARTEFACT_ROOTS = (AIACT.AISystem, AIACT.GeneralPurposeAIModel)


#: What the ontology extract keeps of terms (hierarchy and alignments) and leaves out of
#: individuals (documentation and citations: the rules read neither).
_HIERARCHY = {RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty}
_TERM_TYPES = {OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
               RDF.Property, OWL.Ontology, OWL.Restriction}
_DOCUMENTATION = {RDFS.label, RDFS.comment, SKOS.definition, SKOS.prefLabel, SKOS.altLabel, SKOS.note,
                  SKOS.scopeNote, SKOS.example, DCTERMS.description, DCTERMS.source, AIACT.excerpt}


#: Individuals the engine applies itself before the shapes run (src/aiact_kg/mapping.py), which
#: the shapes never read: left out of the ontology extract.
_READ_BEFORE = {AIACT.AnnexIIIMapping, AIACT.PropertyMapping, AIACT.ContextMapping, AIACT.DeployerMapping,
                AIACT.InformationKind, AIACT.KnownNamespace}


class InputError(ValueError):
    """The description cannot be used: unreadable, too large, or a syntax error (the message
    names the file and, where the parser knows them, the line and column)."""

    def __init__(self, message: str, filename: str = "", line: int | None = None, column: int | None = None):
        self.filename, self.line, self.column, self.reason = filename, line, column, message
        where = filename or "description"
        if line is not None:
            where += f":{line}" + (f":{column}" if column is not None else "")
        super().__init__(f"{where}: {message}")


class UnknownTermsError(InputError):
    """The description uses terms of a known vocabulary that the vocabulary does not define
    (each named with its line, and the term meant where one is close); ``terms`` lists them."""

    def __init__(self, terms: list, filename: str = ""):
        self.terms = terms
        first = terms[0]
        more = f" (and {len(terms) - 1} more unknown terms)" if len(terms) > 1 else ""
        super().__init__(f"unknown term: {first.message}{more}", filename, first.line)

    def lines(self, lang: str = "en") -> list[str]:
        where = self.filename or "description"
        return [f"{where}:{t.line}: " + say(lang, "unknown term: {term}", term=t.text(lang)) if t.line
                else f"{where}: " + say(lang, "unknown term: {term}", term=t.text(lang)) for t in self.terms]


class EngineError(RuntimeError):
    """The shapes or the graph they need cannot be used (a fault of the project, not of the
    description); the message says which."""


# -- the report ------------------------------------------------------------------------------

@dataclass
class Finding:
    """One unmet obligation (or other shape result) of one node of the description."""

    message: str
    severity: str
    focus: str
    path: str | None = None
    value: str | None = None
    obligation: str | None = None
    obligation_label: str | None = None
    provisions: list[str] = field(default_factory=list)
    applicable_from: date | None = None
    shape: str | None = None
    component: str | None = None
    facts: list[Fact] = field(default_factory=list)
    #: the language ``message`` is in: the report's, or English where the shape has no message in it
    message_lang: str = "en"

    @property
    def sources(self) -> list[str]:
        return self.provisions

    def as_dict(self) -> dict:
        data = asdict(self)
        data["applicable_from"] = self.applicable_from.isoformat() if self.applicable_from else None
        return data


@dataclass
class Tier:
    """A risk tier (``aiact:HighRisk``…) or an artefact class (``aiact:AnnexIIIHighRiskAISystem``…)
    the rules gave a system or model, with the provisions the ontology cites for it."""

    iri: str
    label: str
    provisions: list[str] = field(default_factory=list)
    definition: str = ""
    #: the statements that concern this class itself (Article 6(4) and 49(2) for a derogated
    #: system...), each {"obligation", "label", "provisions"}
    duties: list[dict] = field(default_factory=list)


#: A class's own duties are printed with its classification when there are at most this many
#: (the duties of a derogated system; the high-risk regime's are in the findings and --explain).
SHORT_DUTIES = 6


@dataclass
class Role:
    """An organisation and the role it has for a system; ``provisions`` says why where the
    Act moves the role (Article 25)."""

    organisation: str
    label: str
    role: str
    role_label: str
    provisions: list[str] = field(default_factory=list)


@dataclass
class Classification:
    """What the rules derived for one AI system or model of the description."""

    node: str
    label: str
    tiers: list[Tier] = field(default_factory=list)
    classes: list[Tier] = field(default_factory=list)
    provisions: list[str] = field(default_factory=list)
    points: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    #: the kinds of information (labels) a description must give before minimal risk can be concluded
    missing: list[str] = field(default_factory=list)
    #: the same kinds of information, by IRI (``aiact:PurposeInformation``…)
    missing_kinds: list[str] = field(default_factory=list)
    #: with ``explain``: the obligations each class brings, with the date each applies from
    obligations: list[dict] = field(default_factory=list)

    @property
    def insufficient(self) -> bool:
        """Too little information to classify: no regime applies on what is said, and what is
        said lacks the intended purpose, or any context, persons affected or sector."""
        return bool(self.missing)

    @property
    def minimal(self) -> bool:
        """Minimal risk: no tier but the minimal one, no class beyond that of an AI system, and
        enough information to conclude it."""
        return (all(t.iri == str(AIACT.MinimalRisk) for t in self.tiers) and not self.classes
                and not self.missing)


@dataclass
class Report:
    source: str
    on: date
    conforms: bool
    classification: list[Classification] = field(default_factory=list)
    results: list[Finding] = field(default_factory=list)
    unknown_terms: list[UnknownTerm] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    triples: int = 0
    labels: dict[str, str] = field(default_factory=dict, repr=False)
    explained: bool = False
    #: the format the description was read as ("Turtle"), when it was read from bytes
    format: str = ""
    #: the language of the report's messages and labels ("en", "fr")
    lang: str = "en"

    @property
    def violations(self) -> list[Finding]:
        return [r for r in self.results if r.severity == VIOLATION]

    @property
    def exit_code(self) -> int:
        return 0 if self.conforms else 1

    @property
    def text(self) -> str:
        return render_text(self)

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            **({"format": self.format} if self.format else {}),
            "on": self.on.isoformat(),
            "lang": self.lang,
            "conforms": self.conforms,
            "triples": self.triples,
            "classification": [
                {"node": c.node, "label": c.label, "minimal": c.minimal,
                 "insufficient_information": c.missing,
                 "tiers": [asdict(t) for t in c.tiers], "classes": [asdict(t) for t in c.classes],
                 "provisions": c.provisions, "points": c.points,
                 "roles": [asdict(r) for r in c.roles],
                 "evidence": [e.as_dict() for e in c.evidence],
                 **({"obligations": c.obligations} if c.obligations else {})}
                for c in self.classification
            ],
            "results": [r.as_dict() for r in self.results],
            "unknown_terms": [t.as_dict() for t in self.unknown_terms],
            "warnings": self.warnings,
        }


# -- reading a description ---------------------------------------------------------------------

def detect_format(data: bytes, filename: str = "") -> pyoxigraph.RdfFormat:
    """The RDF format of a description: by the file name's ending, else by its first bytes."""
    suffix = Path(filename).suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:512]
    if head.startswith((b"{", b"[")):
        return pyoxigraph.RdfFormat.JSON_LD
    if head.startswith(b"<?xml") or head.startswith(b"<rdf:RDF") or head.startswith(b"<!DOCTYPE"):
        return pyoxigraph.RdfFormat.RDF_XML
    return pyoxigraph.RdfFormat.TURTLE


def _base_iri(filename: str) -> str:
    return "file:///description/" + urllib.parse.quote(Path(filename or "description").name)


def parse(data: bytes, filename: str = "", limits: input_limits.Limits | None = None,
          fmt: pyoxigraph.RdfFormat | None = None) -> rdflib.Graph:
    """The description as an rdflib graph, read as ``fmt`` (by default the format
    :func:`detect_format` finds). Raises :class:`InputError` when it is larger than
    ``limits`` allow (bytes, triples) or not valid in its format. The parser never loads
    anything from the network or the disk: a JSON-LD ``@context`` given by URL, an XML
    external entity or DTD are errors, and so are nested XML entities."""
    limits = limits or input_limits.CLI_VALIDATE
    fmt = fmt or detect_format(data, filename)
    try:
        input_limits.check_size(len(data), limits)
        if fmt == pyoxigraph.RdfFormat.RDF_XML:
            input_limits.check_rdf_xml(data, limits)
        elif fmt == pyoxigraph.RdfFormat.JSON_LD:
            data = input_limits.check_json_ld(data)
    except input_limits.LimitExceeded as exc:
        raise InputError(str(exc), filename) from None
    most = limits.max_triples
    try:
        quads = pyoxigraph.parse(data, format=fmt, base_iri=_base_iri(filename))
        if most is not None:  # counted before anything is built from them
            quads = list(islice(quads, most + 1))
            if len(quads) > most:
                raise input_limits.triples_error(limits)
        graph = DescriptionGraph()
        add = graph.add
        for quad in quads:
            add((_rdflib(quad.subject), _rdflib(quad.predicate), _rdflib(quad.object)))
    except input_limits.LimitExceeded as exc:
        raise InputError(str(exc), filename) from None
    except SyntaxError as exc:
        line, column = exc.lineno, exc.offset
        if line is None and fmt == pyoxigraph.RdfFormat.RDF_XML:
            line, column = _xml_error_position(data)
        raise InputError(_syntax_message(exc, fmt), filename, line, column) from None
    except (ValueError, OSError) as exc:
        raise InputError(f"not valid {FORMAT_NAMES[fmt]}: {exc}", filename) from None
    return graph


#: The position the parser puts before its message ("Parser error at line 2 column 11: ",
#: "Parser error at line 6 between columns 1 and 12: "), which :class:`InputError` gives as
#: the line and column.
_PARSER_POSITION = re.compile(r"^Parser error (?:at|between) lines? \d+[^:]*: ")


def _xml_error_position(data: bytes) -> tuple[int | None, int | None]:
    """Where an RDF/XML document stops being well-formed XML, as lxml finds it (the RDF/XML
    parser does not say): (line, column), or (None, None) when the XML itself is well formed.
    The DOCTYPE has been checked by :func:`aiact_kg.limits.check_rdf_xml`; nothing is loaded."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        return (line or None), (column if line and column else None)
    return None, None


def _syntax_message(exc: SyntaxError, fmt) -> str:
    text = _PARSER_POSITION.sub("", str(exc.msg if exc.msg else exc))
    if "LoadDocumentCallback" in text or "remote context" in text.lower():
        return ("the JSON-LD @context refers to a remote document, which is never fetched: "
                "put the context in the file itself")
    if "ENTITY" in text or "DOCTYPE" in text:
        return f"not valid {FORMAT_NAMES[fmt]}: {text} (external entities are never resolved)"
    return f"not valid {FORMAT_NAMES[fmt]}: {text}"


class DescriptionGraph(rdflib.Graph):
    """An rdflib graph whose SPARQL queries are parsed once per process: pyshacl asks the same
    few dozen queries (SPARQL rules, sh:class checks…) of every description, and parsing
    them, not answering them, is most of the time a validation takes.

    The graph of a CONSTRUCT answer binds no prefixes: rdflib binds its thirty default ones in
    each new graph as soon as they are asked for, and pyshacl asks for them when it copies a
    rule's conclusions into the description (and binds them there): 2 to 3 ms of a validation
    (a tenth to a fifth of it); nothing reads the prefixes of a description (a report quotes its text)."""

    _prepared: dict = {}
    _prepared_lock = threading.Lock()

    def query(self, query_object, processor="sparql", result="sparql", initNs=None,  # noqa: N803
              initBindings=None, use_store_provided=True, **kwargs):  # noqa: N803
        if isinstance(query_object, str) and processor == "sparql" and not kwargs.get("base"):
            key = (query_object, tuple(sorted((initNs or {}).items())))
            prepared = self._prepared.get(key)
            if prepared is None:
                from rdflib.plugins.sparql import prepareQuery

                # rdflib's SPARQL parser is not safe in two threads at once (the front end
                # validates in several): parse under the lock, once per query.
                with self._prepared_lock:
                    prepared = self._prepared.get(key)
                    if prepared is None:
                        prepared = prepareQuery(query_object, initNs=dict(initNs or {}))
                        if len(self._prepared) > 4096:
                            self._prepared.clear()
                        self._prepared[key] = prepared
            query_object, initNs = prepared, None
        answer = super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)
        if answer.type == "CONSTRUCT" and answer.graph is not None:
            answer.graph.namespace_manager = NamespaceManager(answer.graph, bind_namespaces="none")
        return answer


#: rdflib logs (with a traceback) every literal it cannot read as its datatype; a report
#: lists them as a warning instead.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)


def _rdflib(term):
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise InputError(f"unsupported RDF term {term!r}")


# -- the engine --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ObligationFacts:
    """What the built graph says of one normative statement."""

    iri: str
    label: str | None
    provisions: tuple[str, ...]
    applicable_from: date | None
    prohibition: bool
    concerns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deferral:
    """Obligations of one kind of artefact that apply later for artefacts of that kind alone
    (Article 113, point (c)): the class, the broadest class whose obligations are held back
    (``scope``), the date and the provision that defers them."""

    artefact: URIRef
    scope: URIRef
    applicable_from: date
    source: str | None
    in_scope: frozenset = frozenset()  # the scope and every class below it
    route: frozenset = frozenset()  # the artefact and the classes above it, within the scope


class Engine:
    """The shapes, the ontology extract and the obligations' facts, loaded once.

    ``store``: the built graph (an :class:`aiact_kg.store.Store`; the embedded store over
    the build by default), asked for the obligations' facts, the declared terms, the
    alignments and the labels of what a report cites. ``shapes``: the folder of shapes files
    (``shapes/`` by default); ``ontology``: the folders the ontology extract is read from
    (``ontology/`` by default).
    """

    def __init__(self, store=None, shapes: Path | None = None, base: str | None = None,
                 ontology: Sequence[Path] | None = None):
        if store is None:
            from .store import EmbeddedStore

            store = EmbeddedStore(base=base)
        self.store = store
        self.base = getattr(store, "base", None) or build.configured_base(base)
        self.shapes_folder = Path(shapes) if shapes else paths.SHAPES
        self.ontology_folders = [Path(f) for f in ontology] if ontology else [paths.ONTOLOGY]
        self.shapes = self._load_shapes()
        self.prepared = self._prepare_shapes()
        self.shape_obligations = self._shape_obligations()
        self.shape_names = self._shape_names()
        self.ontology = self._load_ontology()
        self.obligations = self._load_obligations()
        self.deferrals = self._load_deferrals()
        self.known_terms = self._load_known_terms()
        self.mapping = self._load_mapping()
        self.vocabularies = self._load_vocabularies()
        self.mapper = Mapper(self.store, self.mapping, self.vocabularies.canonical)
        self.artefact_classes = self._subclasses(ARTEFACT_ROOTS)
        self._labels: dict[str, str] = {}
        self._sources: dict[str, list[str]] = {}
        self._definitions: dict[str, str] = {}
        self._labels_in: dict[tuple[str, str], str] = {}
        self._definitions_in: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    # loading

    def _load_shapes(self) -> rdflib.Graph:
        graph = rdflib.Graph()
        try:
            lines = build.curated_triples(self.shapes_folder, self.base)
        except build.BuildError as exc:
            raise EngineError(f"the shapes cannot be read: {exc}") from None
        if lines:
            graph.parse(data="\n".join(lines), format="nt")
        return graph

    def _prepare_shapes(self) -> shacl.PreparedShapes:
        try:
            return shacl.PreparedShapes(self.shapes)
        except Exception as exc:  # a fault of the shapes, reported in one line
            raise EngineError(f"the shapes cannot be prepared: {exc}") from None

    def _shape_obligations(self) -> dict:
        """Shape -> the obligation it checks; a property shape inherits its node shape's."""
        found = {}
        for shape, obligation in self.shapes.subject_objects(AIACT.checksObligation):
            found[shape] = obligation
        for parent, child in self.shapes.subject_objects(SH.property):
            if child not in found and parent in found:
                found[child] = found[parent]
        return found

    def _shape_names(self) -> dict:
        """Shape -> the IRI that names it: its own, or that of the node shape it belongs to."""
        names = {}
        for parent, child in self.shapes.subject_objects(SH.property):
            if isinstance(parent, URIRef):
                names[child] = parent
        return names

    def _load_ontology(self) -> rdflib.Graph:
        """The part of the ontology the shapes need, read from ``ontology/``: the class and
        property hierarchy, the alignments of other vocabularies, and the individuals a
        description points at (Annex III use cases, Article 5(1) practices, Annex I
        legislation, derogation conditions…) with what they state, except labels and
        documentation; no normative statement, no provision of the text."""
        try:
            lines = [line for folder in self.ontology_folders for line in build.curated_triples(folder, self.base)]
        except build.BuildError as exc:
            raise EngineError(f"the ontology cannot be read: {exc}") from None
        whole = rdflib.Graph()
        whole.parse(data="\n".join(lines), format="nt")
        extract = rdflib.Graph()
        for s, p, o in whole:
            if p in _HIERARCHY and isinstance(s, URIRef) and isinstance(o, URIRef):
                extract.add((s, p, o))
        for s in set(whole.subjects(RDF.type)):
            if not (isinstance(s, URIRef) and str(s).startswith(ONTOLOGY_NS)):
                continue
            if any(t in _TERM_TYPES or t in _READ_BEFORE for t in whole.objects(s, RDF.type)):
                continue
            for p, o in whole.predicate_objects(s):
                if p not in _DOCUMENTATION:
                    extract.add((s, p, o))
        return extract

    def _load_obligations(self) -> dict[str, ObligationFacts]:
        rows = self.store.run("validation-obligations")
        collected: dict[str, dict] = {}
        for row in rows:
            iri = row["obligation"].value
            entry = collected.setdefault(iri, {"label": None, "sources": [], "from": None, "prohibition": False,
                                               "concerns": set()})
            if "label" in row:
                entry["label"] = row["label"].value
            if "source" in row and row["source"].value not in entry["sources"]:
                entry["sources"].append(row["source"].value)
            if "concerns" in row:
                entry["concerns"].add(row["concerns"].value)
            if "applicableFrom" in row:
                try:
                    entry["from"] = date.fromisoformat(row["applicableFrom"].value[:10])
                except ValueError:
                    pass
            if "prohibition" in row:
                entry["prohibition"] = True
        return {iri: ObligationFacts(iri, e["label"], tuple(sorted(e["sources"])), e["from"], e["prohibition"],
                                     tuple(sorted(e["concerns"])))
                for iri, e in collected.items()}

    def _load_deferrals(self) -> list[Deferral]:
        deferrals = []
        for row in self.store.run("validation-deferrals"):
            artefact, scope = URIRef(row["artefact"].value), URIRef(row["scope"].value)
            in_scope = frozenset(self._subclasses([scope]))
            route = frozenset((self._superclasses({artefact}) | {artefact}) & in_scope)
            deferrals.append(Deferral(artefact, scope, date.fromisoformat(row["date"].value[:10]),
                                      row["source"].value if "source" in row else None, in_scope, route))
        return deferrals

    def _deferral(self, facts: ObligationFacts, types: set) -> Deferral | None:
        """The deferral that holds the statement back for this artefact: the artefact is of the
        deferred kind; the statement concerns that kind or a class above it within the scope
        (an obligation of high-risk systems, not of every AI system); and no other kind of the
        artefact within the scope brings it in earlier (a system high-risk under Article 6(1)
        alone, not one that Article 6(2) makes high-risk too)."""
        concerned = {URIRef(c) for c in facts.concerns}
        for deferral in self.deferrals:
            if deferral.artefact in types and concerned & deferral.route \
                    and not any(t in deferral.in_scope and t not in deferral.route for t in types):
                return deferral
        return None

    def _load_known_terms(self) -> set[str]:
        rows = self.store.run("validation-terms", namespace=ONTOLOGY_NS)
        return {row["term"].value for row in rows}

    def _load_vocabularies(self) -> Vocabularies:
        """The namespaces the validator knows and their terms (``vocabularies/``); ours and
        ELI's from the built graph."""
        eli = "http://data.europa.eu/eli/ontology#"
        used = {eli: {row["term"].value for row in self.store.run("validation-namespace-terms", namespace=eli)}}
        try:
            return Vocabularies(self.known_terms, used)
        except (OSError, ValueError) as exc:
            raise EngineError(f"the vocabularies cannot be read: {exc}") from None

    def _load_mapping(self) -> dict:
        """External term -> our term, from the alignments of the ontology (AIRO, DPV…)."""
        mapping = {}
        for row in self.store.run("validation-alignments", namespace=ONTOLOGY_NS):
            mapping[URIRef(row["external"].value)] = URIRef(row["ours"].value)
        return mapping

    def _subclasses(self, roots: Iterable[URIRef]) -> set[URIRef]:
        found = set(roots)
        frontier = list(found)
        while frontier:
            current = frontier.pop()
            for sub in self.ontology.subjects(RDFS.subClassOf, current):
                if isinstance(sub, URIRef) and sub not in found:
                    found.add(sub)
                    frontier.append(sub)
        return found

    # labels and sources of terms, asked of the built graph once each

    def label(self, iri: str) -> str:
        if iri not in self._labels:
            self._describe(iri)
        return self._labels[iri]

    def sources(self, iri: str) -> list[str]:
        if iri not in self._sources:
            self._describe(iri)
        return self._sources[iri]

    def _describe(self, iri: str) -> None:
        rows = self.store.run("validation-term", resource=pyoxigraph.NamedNode(iri))
        label = next((r["label"].value for r in rows if "label" in r), None)
        self._labels[iri] = label or _local_name(iri)
        self._sources[iri] = sorted({r["source"].value for r in rows if "source" in r})
        self._definitions[iri] = next((r["definition"].value for r in rows if "definition" in r), "")

    def definition(self, iri: str) -> str:
        if iri not in self._definitions:
            self._describe(iri)
        return self._definitions[iri]

    def label_in(self, iri: str, lang: str) -> str:
        """The label of a term, statement or provision in ``lang`` ("article 9, paragraphe 1"),
        else its English label."""
        return self._in_language(iri, lang, "validation-labels", "label", self._labels_in, self.label)

    def definition_in(self, iri: str, lang: str) -> str:
        """The definition of a term in ``lang``, else its English definition."""
        return self._in_language(iri, lang, "validation-definition", "definition", self._definitions_in,
                                 self.definition)

    def _in_language(self, iri: str, lang: str, query: str, column: str, cache: dict, english) -> str:
        """``column`` of the named ``query`` for ``iri`` in ``lang``, asked once and kept in
        ``cache``; in English, or where the graph has none in ``lang``, ``english(iri)``."""
        if lang == "en":
            return english(iri)
        key = (iri, lang)
        if key not in cache:
            rows = self.store.run(query, resource=pyoxigraph.NamedNode(iri), lang=lang)
            cache[key] = rows[0][column].value if rows else english(iri)
        return cache[key]

    def _localise(self, report: Report) -> None:
        """Give the labels of a report (made in English) in the report's language: the risk
        tiers, classes, roles and statements it names and the provisions it cites."""
        lang = report.lang
        report.labels = {iri: self.label_in(iri, lang) for iri in report.labels}
        for finding in report.results:
            if finding.obligation and finding.obligation_label is not None:
                finding.obligation_label = self.label_in(finding.obligation, lang)
        for entry in report.classification:
            for tier in entry.tiers + entry.classes:
                tier.label = self.label_in(tier.iri, lang)
                tier.definition = self.definition_in(tier.iri, lang)
                for duty in tier.duties:
                    duty["label"] = self.label_in(duty["obligation"], lang)
            for role in entry.roles:
                role.role_label = self.label_in(role.role, lang)
            for item in entry.obligations:
                item["label"] = self.label_in(item["obligation"], lang)
            entry.missing = [self.label_in(kind, lang) for kind in entry.missing_kinds]

    # validating

    def validate(self, data: bytes, filename: str = "description.ttl", on: date | None = None,
                 limits: input_limits.Limits | None = None, allow_unknown_terms: bool = False,
                 explain: bool = False, fmt: pyoxigraph.RdfFormat | None = None, lang: str = "en") -> Report:
        """Validate one description. Unknown terms of a known vocabulary raise
        :class:`UnknownTermsError` unless ``allow_unknown_terms``; ``explain`` adds to each
        classification the obligations it brings; ``limits`` bounds its size and triples;
        ``fmt`` is its format (by default the one :func:`detect_format` finds); ``lang`` the
        language of the report (its messages, warnings and labels)."""
        on = on or date.today()
        fmt = fmt or detect_format(data, filename)
        graph = parse(data, filename, limits, fmt)
        report = self.validate_graph(graph, filename, on, SourceText(data), allow_unknown_terms, explain, lang)
        report.format = FORMAT_NAMES[fmt]
        return report

    def validate_graph(self, graph: rdflib.Graph, source: str, on: date, text: SourceText | None = None,
                       allow_unknown_terms: bool = True, explain: bool = False, lang: str = "en") -> Report:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}: choose " + " or ".join(LANGUAGES))
        text = text or SourceText(graph.serialize(format="nt").encode("utf-8"))
        triples = len(graph)
        unknown = self.vocabularies.unknown_terms(graph)
        for term in unknown:
            term.line = min(text.lines_of(URIRef(term.iri)), default=None)
        refused = [t for t in unknown if t.refused]
        if refused and not allow_unknown_terms:
            raise UnknownTermsError(refused, source)
        reading = self.map_terms(graph)
        described = set(graph)
        report = Report(source=source, on=on, conforms=True, unknown_terms=unknown, triples=triples, lang=lang)
        ill_typed = self.ill_typed(graph)
        if ill_typed:
            report.warnings.append(say(lang, "Values that are not valid for their datatype (read as text): {values}",
                                       values=", ".join(ill_typed)))
        for term in unknown:
            report.warnings.append(say(lang, "line {line}: unknown term: {term}", line=term.line, term=term.text(lang))
                                   if term.line else say(lang, "unknown term: {term}", term=term.text(lang)))
        if triples == 0:
            report.conforms = False
            report.results.append(Finding(
                message=say(lang, "The description is empty: it states nothing about an AI system or model, so "
                                  "nothing can be classified or checked."),
                severity=VIOLATION, focus=source, message_lang=lang))
            return report
        results_graph = self._run_shapes(graph)
        report.results = self._findings(results_graph, on, graph, lang)
        report.classification = self._classification(graph)
        self._explain(report, graph, described, reading, text, explain)
        if not report.classification:
            report.warnings.append(say(lang, "No AI system or general-purpose AI model found: type the system "
                                             "aiact:AISystem (or the model aiact:GeneralPurposeAIModel)."))
        report.conforms = not any(r.severity == VIOLATION for r in report.results)
        report.labels = self._report_labels(report)
        if lang != "en":
            self._localise(report)
        return report

    @staticmethod
    def ill_typed(graph: rdflib.Graph) -> list[str]:
        """Literals whose text is not a value of their datatype ("2026-13-45"^^xsd:date)."""
        found = set()
        for _, p, o in graph:
            if isinstance(o, Literal) and getattr(o, "ill_typed", False):
                found.add(f"{o.n3()} (on {p.n3()})")
        return sorted(found)

    def map_terms(self, graph: rdflib.Graph) -> Reading:
        """Read the terms of other vocabularies into ours (see :mod:`aiact_kg.mapping`)."""
        return self.mapper.apply(graph, self.artefact_classes)

    def _run_shapes(self, graph: rdflib.Graph) -> rdflib.Graph:
        with self._lock:  # pyshacl's shape objects are not meant to be shared by threads
            try:
                # The ontology extract goes into the data graph itself: pyshacl's ont_graph is
                # mixed in as another graph of a dataset, which SPARQL rules do not see.
                graph.addN((s, p, o, graph) for s, p, o in self.ontology)
                return self.prepared.validate(graph)
            except Exception as exc:  # a fault of the shapes, reported in one line
                raise EngineError(f"the shapes could not be applied: {exc}") from None

    def _findings(self, results: rdflib.Graph, on: date, data: rdflib.Graph, lang: str = "en") -> list[Finding]:
        findings = []
        for result in results.subjects(RDF.type, SH.ValidationResult):
            shape = results.value(result, SH.sourceShape)
            focus = results.value(result, SH.focusNode)
            path = results.value(result, SH.resultPath)
            value = results.value(result, SH.value)
            message, message_lang = _in_language(shacl.result_messages(results, result, self.shapes), lang)
            severity = _local_name(str(results.value(result, SH.resultSeverity) or SH.Violation))
            obligation = self.shape_obligations.get(shape)
            finding = Finding(
                message=message, message_lang=message_lang,
                severity=severity, focus=_show(focus), path=_show(path) if isinstance(path, URIRef) else None,
                value=_show(value) if value is not None else None,
                obligation=str(obligation) if obligation is not None else None,
                shape=str(shape) if isinstance(shape, URIRef) else _optional(self.shape_names.get(shape)),
                component=_optional(results.value(result, SH.sourceConstraintComponent)))
            facts = self.obligations.get(str(obligation)) if obligation is not None else None
            if facts is not None:
                finding.obligation_label = facts.label
                finding.provisions = list(facts.provisions)
                finding.applicable_from = facts.applicable_from
                deferral = self._deferral(facts, set(data.objects(focus, RDF.type))) if focus is not None else None
                if deferral is not None and (facts.applicable_from is None
                                             or deferral.applicable_from > facts.applicable_from):
                    finding.applicable_from = deferral.applicable_from
                    if deferral.source:
                        finding.provisions.append(deferral.source)
                if facts.prohibition or finding.applicable_from is None or finding.applicable_from <= on:
                    finding.severity = VIOLATION
                else:
                    finding.severity = WARNING
                    later = say(finding.message_lang, "This obligation applies from {date}.",
                                date=finding.applicable_from.isoformat())
                    finding.message += f" ({later})"
            elif obligation is None:
                finding.provisions = sorted(str(s) for s in self.shapes.objects(shape, DCTERMS.source))
            findings.append(finding)
        order = {VIOLATION: 0, WARNING: 1, INFO: 2}
        findings.sort(key=lambda f: (order.get(f.severity, 3), f.focus, sort_key(f.obligation or ""), f.message))
        return findings

    def _classification(self, graph: rdflib.Graph) -> list[Classification]:
        """What the rules derived, node by node: risk tiers (``aiact:riskTier``), artefact
        classes, the provisions the rules cite (``aiact:classifiedUnder``,
        ``aiact:prohibitedUnder``), the points of the Act the description points at
        (``aiact:listedIn`` of its use case, practice or product legislation) and the roles."""
        nodes = sorted({s for s, o in graph.subject_objects(RDF.type) if o in self.artefact_classes
                        and (s, RDF.type, OWL.Class) not in self.ontology}, key=str)
        found = []
        for node in nodes:
            entry = Classification(node=_show(node), label=_label(graph, node))
            for tier in sorted(set(graph.objects(node, AIACT.riskTier)), key=str):
                entry.tiers.append(Tier(str(tier), self.label(str(tier)), self.sources(str(tier))))
            classes = set(graph.objects(node, RDF.type)) & self.artefact_classes
            for cls in sorted(classes - set(ARTEFACT_ROOTS) - self._superclasses(classes), key=str):
                entry.classes.append(Tier(str(cls), self.label(str(cls)), self.sources(str(cls))))
            if AIACT.GeneralPurposeAIModel in classes and not entry.classes:
                cls = str(AIACT.GeneralPurposeAIModel)
                entry.classes.append(Tier(cls, self.label(cls), self.sources(cls)))
            entry.provisions = sorted({str(p) for prop in (AIACT.classifiedUnder, AIACT.prohibitedUnder)
                                       for p in graph.objects(node, prop)})
            entry.points = sorted({str(p) for prop in LISTED_PROPERTIES for item in graph.objects(node, prop)
                                   for p in graph.objects(item, AIACT.listedIn)})
            entry.roles = self._roles(graph, node)
            found.append(entry)
        return found

    def _superclasses(self, classes: set) -> set:
        """The strict superclasses of some classes (to show only the most specific)."""
        found: set = set()
        frontier = list(classes)
        while frontier:
            for parent in self.ontology.objects(frontier.pop(), RDFS.subClassOf):
                if parent not in found:
                    found.add(parent)
                    frontier.append(parent)
        return found

    def _roles(self, graph: rdflib.Graph, node) -> list[Role]:
        """Each organisation the node names, in its most specific role (a public-service
        deployer, the provider of a general-purpose model…), with the provisions the rules
        cite for it (Article 25(1) where a deployer, importer or distributor became provider)."""
        roles = []
        # Article 25(1): whoever rebranded, substantially modified or repurposed a high-risk
        # system is its provider (the rules added it with aiact:hasProvider); for that system
        # it is no longer a distributor or importer making the checks of Articles 23 and 24,
        # and the provider that initially placed it on the market is no longer its provider
        # (Article 25(2)).
        providers = set(graph.objects(node, AIACT.hasProvider))
        new_providers = {org for prop in PROVIDER_CHANGES for org in graph.objects(node, prop)} & providers
        initial = providers - new_providers if new_providers else set()
        for prop, role in ROLE_PROPERTIES.items():
            allowed = self._subclasses((role,))
            for org in sorted(set(graph.objects(node, prop)), key=str):
                if org in new_providers and role in (AIACT.Distributor, AIACT.Importer):
                    continue
                if org in initial and role == AIACT.Provider:
                    cls = str(AIACT.InitialProvider)
                    roles.append(Role(_show(org), _label(graph, org), cls, self.label(cls), self.sources(cls)))
                    continue
                typed = set(graph.objects(org, RDF.type)) & allowed
                specific = sorted(typed - self._superclasses(typed), key=str) or [role]
                provisions = sorted(str(p) for p in graph.objects(org, AIACT.classifiedUnder))
                for cls in specific:
                    roles.append(Role(_show(org), _label(graph, org), str(cls), self.label(str(cls)),
                                      provisions if role == AIACT.Provider else []))
        return roles

    # explaining the verdict

    #: Properties of ours that are not facts a classification rests on.
    _NOT_FACTS = frozenset({AIACT.hasMeasure, AIACT.riskTier, AIACT.classifiedUnder, AIACT.prohibitedUnder})

    def _explain(self, report: Report, graph, described: set, reading: Reading, text: SourceText,
                 explain: bool) -> None:
        """Give each classification the facts it rests on (by line) and, where the description
        says too little for the conclusion of minimal risk, what it does not say; give each
        finding the facts of its node's classification."""
        entries = {}
        for entry in report.classification:
            node = BNode(entry.node[2:]) if entry.node.startswith("_:") else URIRef(entry.node)
            facts = sorted((t for t in described if t[0] == node and self._is_fact(t)), key=lambda t: (str(t[1]), str(t[2])))
            entry.evidence = self._evidence(entry, facts, reading, text)
            if all(t.iri == str(AIACT.MinimalRisk) for t in entry.tiers) and not entry.classes:
                entry.missing_kinds = self._missing(graph, node)
                entry.missing = [self.label(k) for k in entry.missing_kinds]
                if entry.missing:
                    tier = str(AIACT.InsufficientInformation)
                    entry.tiers = [Tier(tier, self.label(tier), self.sources(tier), self.definition(tier))]
            if explain:
                entry.obligations = self._obligations_of(entry, graph, node)
            for tier in entry.tiers + entry.classes:
                tier.definition = self.definition(tier.iri)
            for cls in entry.classes:
                cls.duties = [{"obligation": f.iri, "label": f.label, "provisions": list(f.provisions)}
                              for f in sorted(self.obligations.values(), key=lambda f: f.iri) if cls.iri in f.concerns]
            entries[entry.node] = entry
        for finding in report.results:
            entry = entries.get(finding.focus)
            if entry is not None:
                seen = []
                for evidence in entry.evidence:
                    seen.extend(f for f in evidence.facts if f not in seen)
                finding.facts = seen
        report.explained = explain

    def _is_fact(self, triple) -> bool:
        _, p, o = triple
        if p == RDF.type:
            return o in self.artefact_classes and o not in ARTEFACT_ROOTS
        return str(p).startswith(ONTOLOGY_NS) and p not in self._NOT_FACTS

    def _bears_on(self, triple, provision: str) -> bool:
        _, p, o = triple
        cited = list(self.sources(str(p))) if p != RDF.type else []
        if isinstance(o, URIRef) and str(o).startswith(ONTOLOGY_NS):
            cited += [str(x) for x in self.ontology.objects(o, AIACT.listedIn)] + self.sources(str(o))
        return any(_related(c, provision) for c in cited)

    def _evidence(self, entry: Classification, facts: list, reading: Reading, text: SourceText) -> list[Evidence]:
        found = []
        for provision in dict.fromkeys(entry.provisions + entry.points):
            bearing = [t for t in facts if self._bears_on(t, provision)] or facts
            located: list[Fact] = []
            for triple in bearing:
                for origin in reading.origin(triple):
                    fact = text.fact(origin, text.compact)
                    if fact not in located:
                        located.append(fact)
            located.sort(key=lambda f: (f.line or 0, f.subject, f.predicate, f.object))
            found.append(Evidence(provision, located))
        return found

    def _missing(self, graph, node) -> list[str]:
        """The kinds of information the description leaves out, when it says too little to
        conclude minimal risk: no intended purpose, or none of context, persons and sector."""
        kinds = (AIACT.PurposeInformation, AIACT.ContextInformation, AIACT.PersonsInformation, AIACT.SectorInformation)
        stated = self.mapper.stated(graph, node, kinds)
        absent = [k for k in kinds if not stated[k]]
        if AIACT.PurposeInformation in absent or len(absent) == len(kinds) - 1:
            return [str(k) for k in absent]
        return []

    def _obligations_of(self, entry: Classification, graph, node) -> list[dict]:
        """The statements a classification brings: those that concern the node's classes (or
        a class above them, short of every AI system or model), the prohibitions of the points
        it is prohibited under, and the duties that bind every AI system (the provisions the
        ontology cites for a system no regime applies to: Article 4)."""
        classes = set(graph.objects(node, RDF.type)) & self.artefact_classes
        classes = (classes | self._superclasses(classes)) - set(ARTEFACT_ROOTS)
        every_system = set(self.sources(str(AIACT.InsufficientInformation)))
        found = []
        for facts in sorted(self.obligations.values(), key=lambda f: f.iri):
            concerned = {URIRef(c) for c in facts.concerns}
            if facts.prohibition:
                brought = any(p in entry.provisions for p in facts.provisions)
            else:
                brought = bool(concerned & classes) and not (concerned & {AIACT.ProhibitedAISystem}) or \
                    bool(concerned & set(ARTEFACT_ROOTS)) and bool(set(facts.provisions) & every_system)
            if brought:
                found.append({"obligation": facts.iri, "label": facts.label, "provisions": list(facts.provisions),
                              "applicable_from": facts.applicable_from.isoformat() if facts.applicable_from else None})
        return found


    def _report_labels(self, report: Report) -> dict[str, str]:
        iris = set()
        for finding in report.results:
            iris.update(finding.provisions)
        for entry in report.classification:
            iris.update(entry.provisions)
            iris.update(entry.points)
            for item in entry.obligations:
                iris.update(item["provisions"])
            for tier in entry.tiers + entry.classes:
                iris.update(tier.provisions)
                for duty in tier.duties:
                    iris.update(duty["provisions"])
            for role in entry.roles:
                iris.update(role.provisions)
        return {iri: self.label(iri) for iri in sorted(iris)}


#: The properties by which Article 25(1) makes an organisation the provider of a system.
PROVIDER_CHANGES = (AIACT.rebrandedBy, AIACT.substantiallyModifiedBy, AIACT.repurposedBy)


def _related(a: str, b: str) -> bool:
    """Whether two provisions are the same or one is part of the other (art_5.par_1 and
    art_5.par_1.pnt_f)."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _in_language(messages: dict[str, str], lang: str) -> tuple[str, str]:
    """A result's message in ``lang``, else in English (a message of no language is taken as
    English, the language every shape is written in), with the language it is in."""
    for code in dict.fromkeys((lang, "en", "")):
        if code in messages:
            return messages[code], code or "en"
    if messages:
        code = min(messages)
        return messages[code], code
    return say(lang, "A constraint of the Act is not met."), lang


def _optional(term) -> str | None:
    return str(term) if term is not None else None


def _local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _show(term) -> str:
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _label(graph: rdflib.Graph, node) -> str:
    for prop in (RDFS.label, SKOS.prefLabel, DCTERMS.title):
        value = graph.value(node, prop)
        if value is not None:
            return str(value)
    return _local_name(str(node)) if isinstance(node, URIRef) else str(node)


# -- the engine of the process ------------------------------------------------------------------

_ENGINE: Engine | None = None
_ENGINE_LOCK = threading.Lock()


def engine(store=None) -> Engine:
    """The engine of this process, made on first use (loads the built graph once); over
    ``store`` when given (the front end's), else over the embedded store of the build."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None or (store is not None and _ENGINE.store is not store):
            _ENGINE = Engine(store=store)
        return _ENGINE


def use_engine(new: Engine | None) -> None:
    """Make ``new`` the engine of this process (``None``: make a fresh one on next use)."""
    global _ENGINE
    with _ENGINE_LOCK:
        _ENGINE = new


def validate_bytes(data: bytes, filename: str = "description.ttl", on: date | None = None, store=None,
                   limits: input_limits.Limits | None = None, allow_unknown_terms: bool = False,
                   explain: bool = False, fmt: pyoxigraph.RdfFormat | None = None, lang: str = "en") -> Report:
    """Validate one description given as bytes; ``filename`` tells its format (and names it in
    messages), ``store`` the graph to take the obligations from (see :func:`engine`),
    ``limits`` what it may cost (the command line's by default: size and triples here; time
    and memory where the caller wraps it in :func:`aiact_kg.limits.watch`). Raises
    :class:`InputError` (a ``ValueError``) when it cannot be read or is over a limit,
    :class:`UnknownTermsError` (an ``InputError``) when it uses unknown terms and
    ``allow_unknown_terms`` is not set. ``fmt`` forces the format (see :func:`parse`); ``lang``
    is the report's language ("en", "fr")."""
    return engine(store).validate(data, filename, on or date.today(), limits, allow_unknown_terms, explain, fmt, lang)


def read_file(path: Path | str, limits: input_limits.Limits | None = None) -> bytes:
    path = Path(path)
    limits = limits or input_limits.CLI_VALIDATE
    try:
        size = path.stat().st_size
        if limits.max_bytes is not None and size > limits.max_bytes:
            raise InputError(str(input_limits.size_error(size, limits)), str(path))
        if not path.is_file():
            raise InputError("not a file", str(path))
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", str(path)) from None


def validate_files(paths_: Sequence[Path | str], on: date | None = None, allow_unknown_terms: bool = False,
                   lang: str = "en") -> list[Report]:
    """Validate each file; raises :class:`InputError` at the first that cannot be read."""
    return [validate_bytes(read_file(p), str(p), on, allow_unknown_terms=allow_unknown_terms, lang=lang)
            for p in paths_]


# -- renderers ---------------------------------------------------------------------------------

def render_text(report: Report) -> str:
    lang = report.lang

    def cite(iris: Iterable[str]) -> str:
        return "; ".join(report.labels.get(i) or _local_name(i) for i in iris)

    colon = " : " if lang == "fr" else ": "  # French sets a space before a colon
    verdict = say(lang, "conforms") if report.conforms else say(lang, "does not conform")
    lines = [f"{report.source}: {verdict} ("
             + say(lang, "the Act as it applies on {date}; {count} triples", date=report.on.isoformat(),
                   count=report.triples) + ")"]
    for warning in report.warnings:
        lines.append("  " + say(lang, "warning: {warning}", warning=warning))
    for entry in report.classification:
        lines.append(f"  {entry.label} <{entry.node}>")
        if entry.minimal:
            lines.append("    " + say(lang, "no specific regime of the Act: minimal risk (AI literacy, Article 4, still "
                                          "applies)"))
        if entry.missing:
            lines.append("    " + say(lang, "insufficient information to classify: the description does not state "
                                          "{missing}; only the duties that bind every AI system are checked (AI "
                                          "literacy, Article 4)", missing=", ".join(entry.missing)))
        for tier in entry.tiers:
            lines.append("    " + say(lang, "tier: {label}", label=tier.label)
                         + (f" — {cite(tier.provisions)}" if tier.provisions else ""))
        for cls in entry.classes:
            lines.append("    " + say(lang, "class: {label}", label=cls.label)
                         + (f" — {cite(cls.provisions)}" if cls.provisions else ""))
            if 0 < len(cls.duties) <= SHORT_DUTIES:
                lines.extend("      " + say(lang, "duty: {label}", label=d["label"]) + f" — {cite(d['provisions'])}"
                             for d in cls.duties)
        if entry.provisions:
            lines.append("    " + say(lang, "classified under: {provisions}", provisions=cite(entry.provisions)))
        if entry.points:
            lines.append("    " + say(lang, "listed at: {provisions}", provisions=cite(entry.points)))
        for role in entry.roles:
            lines.append(f"    {role.role_label}{colon}{role.label}" + (f" — {cite(role.provisions)}" if role.provisions else ""))
        if report.explained:
            lines.extend(_chain(entry, cite, lang))
    if report.results:
        lines.append("  " + say(lang, "findings ({violations} violations, {warnings} warnings):",
                                violations=len(report.violations), warnings=len(report.results) - len(report.violations)))
    for finding in report.results:
        lines.append(f"  - {say(lang, finding.severity)}{colon}{finding.message}")
        details = [say(lang, "focus {node}", node=finding.focus)]
        if finding.obligation:
            details.append(say(lang, "obligation {iri}", iri=finding.obligation))
        if finding.provisions:
            details.append(cite(finding.provisions))
        if finding.applicable_from:
            details.append(say(lang, "applies from {date}", date=finding.applicable_from.isoformat()))
        lines.append("      " + "; ".join(details))
        if report.explained and finding.facts:
            lines.append("      " + say(lang, "facts: {facts}", facts="; ".join(f.text() for f in finding.facts)))
    return "\n".join(lines)


def _chain(entry: Classification, cite, lang: str = "en") -> list[str]:
    """The reasoning of one classification: facts -> definition -> classification ->
    obligation -> applicable from."""
    lines = ["    " + say(lang, "explanation:")]
    for evidence in entry.evidence:
        lines.append("      " + say(lang, "{provision}, because the description says:",
                                    provision=cite([evidence.provision])))
        lines.extend(f"        {fact.text()}" for fact in evidence.facts)
    for tier in entry.classes + entry.tiers:
        if tier.definition:
            lines.append("      " + say(lang, "definition of {label}", label=tier.label)
                         + (f" ({cite(tier.provisions)})" if tier.provisions else "") + f": {tier.definition}")
    classes = ", ".join(t.label for t in entry.classes + entry.tiers) or say(lang, "an AI system")
    lines.append("      " + say(lang, "classification: {classes}", classes=classes))
    if entry.obligations:
        lines.append("      " + say(lang, "obligations:"))
    for item in entry.obligations:
        when = (say(lang, "applicable from {date}", date=item["applicable_from"]) if item["applicable_from"]
                else say(lang, "no date of application"))
        lines.append(f"        {item['obligation'].rsplit('/', 1)[-1]} — {item['label'] or ''} — "
                     f"{cite(item['provisions'])} — {when}")
    return lines


def render_json(reports: Sequence[Report]) -> str:
    data = [r.as_dict() for r in reports]
    return json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False)


def report_graph(reports: Sequence[Report]) -> rdflib.Graph:
    """A standard ``sh:ValidationReport`` per description, each result with our links to the
    obligation (``aiact:obligation``), its provisions (``dct:source``) and date
    (``aiact:applicableFrom``); the classification as ``rdf:type`` and ``aiact:classifiedUnder``
    of the described nodes."""
    graph = rdflib.Graph()
    graph.bind("sh", SH)
    graph.bind("aiact", ONTOLOGY_NS)
    graph.bind("dct", DCTERMS)
    graph.bind("act", "https://w3id.org/aiact-kg/reg/2024/1689/")
    graph.bind("obl", "https://w3id.org/aiact-kg/reg/2024/1689/obligation/")

    def node(text: str):
        return BNode(text[2:]) if text.startswith("_:") else URIRef(text)

    for report in reports:
        root = BNode()
        graph.add((root, RDF.type, SH.ValidationReport))
        graph.add((root, SH.conforms, Literal(report.conforms)))
        graph.add((root, DCTERMS.date, Literal(report.on)))
        graph.add((root, RDFS.comment, Literal(say(report.lang, "Validation of {source}", source=report.source),
                                               lang=report.lang)))
        for finding in report.results:
            result = BNode()
            graph.add((root, SH.result, result))
            graph.add((result, RDF.type, SH.ValidationResult))
            graph.add((result, SH.focusNode, node(finding.focus)))
            graph.add((result, SH.resultSeverity, SH[finding.severity]))
            graph.add((result, SH.resultMessage, Literal(finding.message, lang=finding.message_lang)))
            graph.add((result, SH.sourceShape, URIRef(finding.shape) if finding.shape else BNode()))
            if finding.component:
                graph.add((result, SH.sourceConstraintComponent, URIRef(finding.component)))
            if finding.path:
                graph.add((result, SH.resultPath, URIRef(finding.path)))
            if finding.obligation:
                graph.add((result, AIACT.obligation, URIRef(finding.obligation)))
            for provision in finding.provisions:
                graph.add((result, DCTERMS.source, URIRef(provision)))
            if finding.applicable_from:
                graph.add((result, AIACT.applicableFrom, Literal(finding.applicable_from)))
        for entry in report.classification:
            subject = node(entry.node)
            if entry.missing:
                graph.add((subject, RDFS.comment, Literal(
                    say(report.lang, "Insufficient information to classify: the description does not state {missing}",
                        missing=", ".join(entry.missing)), lang=report.lang)))
            for tier in entry.tiers:
                if tier.iri != str(AIACT.InsufficientInformation):
                    graph.add((subject, AIACT.riskTier, URIRef(tier.iri)))
            for cls in entry.classes:
                graph.add((subject, RDF.type, URIRef(cls.iri)))
            for provision in entry.provisions:
                graph.add((subject, AIACT.classifiedUnder, URIRef(provision)))
    return graph


def render_turtle(reports: Sequence[Report]) -> str:
    return report_graph(reports).serialize(format="turtle")


RENDERERS = {
    "text": lambda reports: "\n\n".join(render_text(r) for r in reports),
    "json": render_json,
    "ttl": render_turtle,
}


# -- the command -------------------------------------------------------------------------------

def register_command(subparsers, store_options) -> None:
    p = subparsers.add_parser(
        "validate", help="validate descriptions of AI systems against the Act (SHACL): classification and findings",
        description="Classify each described AI system and list the obligations its description does not show as "
                    "met, each with its provisions and the date it applies from. Exit status: 0 conforms, "
                    "1 a violation was found, 2 a description cannot be used.")
    p.add_argument("files", nargs="+", metavar="FILE", help="a description in Turtle, JSON-LD, RDF/XML or N-Triples")
    p.add_argument("--on", metavar="DATE", help="the date the Act is applied as of (YYYY-MM-DD; default today)")
    p.add_argument("--format", choices=sorted(RENDERERS), default="text")
    p.add_argument("--lang", choices=LANGUAGES, default="en",
                   help="the language of the report: the findings' messages, the warnings and the labels (default en)")
    input_limits.add_options(p, input_limits.CLI_VALIDATE)
    p.add_argument("--allow-unknown-terms", action="store_true",
                   help="report terms of a known vocabulary (aiact, AIRO, VAIR, DPV, ELI) that it does not define "
                        "as a warning instead of refusing the description")
    p.add_argument("--explain", action="store_true",
                   help="print, for each classification, the chain facts (by line) -> definition -> "
                        "classification -> obligation -> applicable from")
    store_options(p)
    p.set_defaults(func=cmd_validate)


def cmd_validate(args) -> int:
    from .cli import UsageError

    on = date.today()
    if args.on:
        try:
            on = date.fromisoformat(args.on)
        except ValueError:
            raise UsageError(f"--on {args.on!r}: expected a date YYYY-MM-DD") from None
    if getattr(args, "store", None) or getattr(args, "endpoint", None):
        from .cli import open_store_from

        use_engine(Engine(store=open_store_from(args), base=args.base))
    limits = input_limits.from_options(args, input_limits.CLI_VALIDATE)
    reports, status = [], 0
    for name in args.files:
        try:
            with input_limits.watch(limits, f"validating {name}"):
                reports.append(validate_bytes(read_file(name, limits), name, on, limits=limits,
                                              allow_unknown_terms=args.allow_unknown_terms, explain=args.explain,
                                              lang=args.lang))
        except input_limits.LimitExceeded as exc:
            print(f"aiact-kg: error: {name}: {exc}", file=sys.stderr)
            status = 2
        except UnknownTermsError as exc:
            for line in exc.lines(args.lang):
                print(f"aiact-kg: error: {line}", file=sys.stderr)
            print("aiact-kg: " + say(args.lang, "a description that relies on unknown terms is not validated "
                                                "(--allow-unknown-terms reports them as warnings)"), file=sys.stderr)
            status = 2
        except InputError as exc:
            print(f"aiact-kg: error: {exc}", file=sys.stderr)
            status = 2
        except EngineError as exc:
            print(f"aiact-kg: error: {exc}", file=sys.stderr)
            return 2
        except Exception as exc:  # never a traceback: one line naming the file and the failure
            print(f"aiact-kg: error: {name}: could not be validated ({type(exc).__name__}: {exc})", file=sys.stderr)
            status = 2
    if reports:
        out = RENDERERS[args.format](reports)
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
        sys.stdout.flush()
    if status:
        return status
    return max(r.exit_code for r in reports) if reports else 2
