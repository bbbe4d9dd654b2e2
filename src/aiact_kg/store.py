"""The store: where the built graph is queried. This module owns pyoxigraph.

``EmbeddedStore`` is the default: pyoxigraph in memory, or on disk with a path. Every store
answers the same calls (``select``, ``ask``, ``construct``, ``run``, ``protocol``) with
pyoxigraph terms, so pages, named queries and validation do not care where the graph lives.
Values enter queries only as bindings (SPARQL substitution), never as text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping, Union

import pyoxigraph
from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, Variable

from . import build, queries

Term = Union[NamedNode, BlankNode, Literal]
Row = dict[str, Term]

#: Result formats of the SPARQL protocol, by media type.
RESULT_FORMATS = {
    "application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
    "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
    "text/csv": pyoxigraph.QueryResultsFormat.CSV,
    "text/tab-separated-values": pyoxigraph.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": pyoxigraph.RdfFormat.TURTLE,
    "application/n-triples": pyoxigraph.RdfFormat.N_TRIPLES,
    "application/ld+json": pyoxigraph.RdfFormat.JSON_LD,
    "application/rdf+xml": pyoxigraph.RdfFormat.RDF_XML,
}
_FINGERPRINT_FILE = "aiact-kg-graph"


def prefixes(base: str) -> dict[str, str]:
    """The prefixes used when the graph is written as Turtle."""
    return {
        "act": f"{base}reg/2024/1689/",
        "aiact": "https://w3id.org/aiact-kg/ontology#",
        "eli": "http://data.europa.eu/eli/ontology#",
        "dct": "http://purl.org/dc/terms/",
        "owl": "http://www.w3.org/2002/07/owl#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "sh": "http://www.w3.org/ns/shacl#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
    }


class StoreError(Exception):
    """The store cannot answer: unreachable, timed out, or the query is wrong."""


class QueryError(StoreError):
    """The query text is not valid SPARQL 1.1; the message says where."""


def iri(value: str) -> NamedNode:
    return NamedNode(value)


def _term(value) -> Term:
    if isinstance(value, (NamedNode, BlankNode, Literal)):
        return value
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    if isinstance(value, int):
        return Literal(str(value), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    return Literal(str(value))


def _substitutions(bindings: Mapping[str, object] | None) -> dict[Variable, Term] | None:
    if not bindings:
        return None
    return {Variable(name): _term(value) for name, value in bindings.items() if value is not None}


class Store:
    """What every store answers."""

    description = "store"

    def _query(self, text: str, bindings: Mapping[str, object] | None):
        raise NotImplementedError

    def select(self, text: str, bindings: Mapping[str, object] | None = None) -> list[Row]:
        result = self._query(text, bindings)
        if not isinstance(result, QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in result.variables]
        return [{name: row[name] for name in names if row[name] is not None} for row in result]

    def ask(self, text: str, bindings: Mapping[str, object] | None = None) -> bool:
        result = self._query(text, bindings)
        if not isinstance(result, QueryBoolean):
            raise QueryError("expected an ASK query")
        return bool(result)

    def construct(self, text: str, bindings: Mapping[str, object] | None = None) -> list[pyoxigraph.Triple]:
        result = self._query(text, bindings)
        if isinstance(result, (QuerySolutions, QueryBoolean)):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        return list(result)

    def run(self, name: str, **bindings) -> list[Row]:
        """Run the named SELECT query ``queries/NAME.rq`` with bindings."""
        return self.select(queries.load(name).text, bindings)

    def protocol(self, text: str, media_type: str, bindings: Mapping[str, object] | None = None):
        """Answer a query as the SPARQL protocol does: (bytes, media type)."""
        result = self._query(text, bindings)
        if isinstance(result, (QuerySolutions, QueryBoolean)):
            fmt = RESULT_FORMATS.get(media_type, pyoxigraph.QueryResultsFormat.JSON)
            chosen = media_type if media_type in RESULT_FORMATS else "application/sparql-results+json"
            return result.serialize(format=fmt), chosen
        fmt = GRAPH_FORMATS.get(media_type, pyoxigraph.RdfFormat.TURTLE)
        chosen = media_type if media_type in GRAPH_FORMATS else "text/turtle"
        return result.serialize(format=fmt), chosen

    def triples_about(self, subject: NamedNode) -> list[pyoxigraph.Triple]:
        return self.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": subject})

    def count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(rows[0]["n"].value)


class EmbeddedStore(Store):
    """pyoxigraph, in memory or on disk at ``path``, loaded from the build cache."""

    def __init__(self, path: Path | str | None = None, base: str | None = None, files: Iterable[Path] | None = None):
        self.path = Path(path) if path else None
        self.base = build.configured_base(base)
        self.files = list(files) if files is not None else build.graph_files(self.base)
        self.description = f"embedded store ({self.path or 'in memory'})"
        self._store = pyoxigraph.Store(str(self.path)) if self.path else pyoxigraph.Store()
        self._load()

    def _signature(self) -> str:
        return "\n".join(f.name for f in self.files)

    def _load(self) -> None:
        marker = self.path / _FINGERPRINT_FILE if self.path else None
        if marker is not None and marker.is_file() and marker.read_text() == self._signature():
            return
        if marker is not None:
            self._store.clear()
        for path in self.files:
            self._store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES)
        if marker is not None:
            self._store.flush()
            marker.write_text(self._signature())

    def _query(self, text: str, bindings: Mapping[str, object] | None):
        try:
            return self._store.query(text, substitutions=_substitutions(bindings))
        except SyntaxError as exc:
            raise QueryError(str(exc)) from None
        except OSError as exc:
            raise StoreError(str(exc)) from None

    def export(self, media_type: str) -> bytes:
        """The whole graph in one RDF format."""
        fmt = GRAPH_FORMATS[media_type]
        options = {"prefixes": prefixes(self.base)} if fmt == pyoxigraph.RdfFormat.TURTLE else {}
        return self._store.dump(format=fmt, from_graph=pyoxigraph.DefaultGraph(), **options)

    @property
    def raw(self) -> pyoxigraph.Store:
        return self._store


def open_store(path: Path | str | None = None, endpoint: str | None = None, **options) -> Store:
    """The store the options name: the embedded one by default, a remote endpoint if given."""
    if endpoint:
        from .remote import RemoteStore

        return RemoteStore(endpoint, **options)
    return EmbeddedStore(path, base=options.get("base"))
