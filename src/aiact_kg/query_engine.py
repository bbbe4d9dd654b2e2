"""What a query worker runs: a query on a pyoxigraph store, its answer capped and serialized,
and the loop that answers the server's messages. Kept apart from :mod:`aiact_kg.query_workers`
(the pool, in the server) so that a worker's fresh interpreter imports this module, the
sandbox and pyoxigraph and nothing else: each worker costs its interpreter, pyoxigraph and its
read-only handle on the shared store, about 29 MiB resident.

Result sets are written by pyoxigraph when the query cannot return more rows than the cap,
and here otherwise, in the four formats of the SPARQL 1.1 Protocol, so a capped answer is
well formed:

- SPARQL 1.1 Query Results JSON Format, https://www.w3.org/TR/sparql11-results-json/
- SPARQL Query Results XML Format, https://www.w3.org/TR/rdf-sparql-XMLres/
- SPARQL 1.1 Query Results CSV and TSV Formats, https://www.w3.org/TR/sparql11-results-csv-tsv/
"""

from __future__ import annotations

import json
import pickle
import select
import socket
import struct
import sys
from itertools import islice

import pyoxigraph
from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions

#: Address space of a worker beyond its resident memory cap (libraries reserve much more than they use).
ADDRESS_SPACE_MARGIN = 3 * 1024 ** 3


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    return '"' + xml_escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;") \
        .replace("\t", "&#9;") + '"'


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values")
#: The formats of the SPARQL protocol, by media type (the store answers in them too).
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


class QueryFailed(Exception):
    """The query is wrong (``syntax``) or could not be answered: ``error``, ``timeout``,
    ``memory``, ``busy`` (no worker in time), ``queue-full`` or ``client-busy`` (refused at once)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class Answer:
    """An answer to send: its bytes, media type, whether the cap cut it, and its form
    (``select``, ``ask`` or ``graph``)."""

    __slots__ = ("data", "media_type", "truncated", "form")

    def __init__(self, data: bytes, media_type: str, truncated: bool = False, form: str = "select"):
        self.data, self.media_type, self.truncated, self.form = data, media_type, truncated, form

    def __eq__(self, other) -> bool:
        return isinstance(other, Answer) and all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    def __repr__(self) -> str:
        return f"Answer({self.media_type}, {len(self.data)} bytes, truncated={self.truncated}, form={self.form})"


# -- serializing ----------------------------------------------------------------------------------

def _json_term(term) -> dict:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "literal", "value": str(term)}


def _xml_term(term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{xml_escape(term.value)}</literal>"
        return f"<literal>{xml_escape(term.value)}</literal>"
    return f"<literal>{xml_escape(str(term))}</literal>"


def _csv_field(term) -> str:
    if term is None:
        return ""
    value = f"_:{term.value}" if isinstance(term, BlankNode) else term.value
    if any(c in value for c in ',"\r\n'):
        value = '"' + value.replace('"', '""') + '"'
    return value


def _tsv_field(term) -> str:
    if term is None:
        return ""
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def serialize_solutions(variables: list[str], rows: list[list], media_type: str) -> bytes:
    """Rows (lists of terms or None, in the order of ``variables``) in one results format."""
    if media_type == "application/sparql-results+xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head>\n<results>")
        for row in rows:
            out.append("<result>")
            out += [f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                    for v, t in zip(variables, row) if t is not None]
            out.append("</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if media_type == "text/csv":
        lines = [",".join(variables)] + [",".join(_csv_field(t) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")
    if media_type == "text/tab-separated-values":
        lines = ["\t".join(f"?{v}" for v in variables)] + ["\t".join(_tsv_field(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    # compact, as pyoxigraph writes it: the same answer gives the same bytes from either writer
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def answer(result, results_type: str, graph_type: str, limit: int, most_rows: int | None = None) -> Answer:
    """Serialize a pyoxigraph query result, capped at ``limit`` rows or triples; ``most_rows``
    is what the cost estimate says the query can return at most (None: not known)."""
    if isinstance(result, QueryBoolean):
        return Answer(result.serialize(format=RESULT_FORMATS[results_type]), results_type, form="ask")
    if isinstance(result, QuerySolutions) and most_rows is not None and most_rows <= limit:
        return Answer(result.serialize(format=RESULT_FORMATS[results_type]), results_type)
    if isinstance(result, QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [[solution[v] for v in variables] for solution in islice(result, limit + 1)]
        truncated = len(rows) > limit
        return Answer(serialize_solutions(variables, rows[:limit], results_type), results_type, truncated)
    triples = list(islice(result, limit + 1))
    truncated = len(triples) > limit
    data = pyoxigraph.serialize(triples[:limit], format=GRAPH_FORMATS[graph_type])
    return Answer(data, graph_type, truncated, form="graph")


def run_query(store: pyoxigraph.Store, text: str, results_type: str, graph_type: str, limit: int,
              most_rows: int | None = None) -> Answer:
    try:
        return answer(store.query(text), results_type, graph_type, limit, most_rows)
    except SyntaxError as exc:
        raise QueryFailed("syntax", str(exc)) from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryFailed("error", str(exc)) from None


# -- the worker's side of the socket ---------------------------------------------------------------

class Channel:
    """Messages over a connected Unix socket: each a pickle after its length (8 bytes). The
    pool and its workers are one program: each trusts what the other sends, as over a
    multiprocessing pipe."""

    _LENGTH = struct.Struct("!Q")

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self._poll = select.poll()
        self._poll.register(sock.fileno(), select.POLLIN)

    def send(self, message) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        self.sock.sendall(self._LENGTH.pack(len(data)) + data)

    def recv(self):
        (length,) = self._LENGTH.unpack(self._exactly(self._LENGTH.size))
        return pickle.loads(self._exactly(length))

    def _exactly(self, size: int) -> bytes:
        chunks, missing = [], size
        while missing:
            chunk = self.sock.recv(min(missing, 1 << 20))
            if not chunk:
                raise EOFError("the other end closed the socket")
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def poll(self, seconds: float) -> bool:
        """Whether a message (or the end) is there to read within ``seconds``."""
        return bool(self._poll.poll(max(0, int(seconds * 1000))))

    def close(self) -> None:
        self.sock.close()


def serve(conn, location: str, memory: int) -> None:
    """A worker: keep malloc steady, confine itself, open the shared store, then answer
    (text, results type, graph type, limit, most rows) messages."""
    from . import sandbox  # imported here: the server needs none of it

    sandbox.steady_malloc(arenas=1)  # one thread runs the queries; RocksDB's own threads allocate little
    try:
        sandbox.deny_network()
        confined = ""
    except sandbox.SandboxUnavailable as exc:
        confined = str(exc)
    if memory:
        sandbox.cap_memory(memory + ADDRESS_SPACE_MARGIN)
    try:
        store = pyoxigraph.Store.read_only(location)
    except OSError as exc:
        conn.send(("failed", str(exc)))
        return
    conn.send(("ready", confined))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        try:
            conn.send(("ok", run_query(store, *message)))
        except QueryFailed as exc:
            conn.send((exc.reason, str(exc)))
        except MemoryError:
            conn.send(("memory", None))
            return
        except Exception as exc:  # a worker never dies of a query: the parent decides
            conn.send(("error", f"{type(exc).__name__}: {exc}"[:300]))


def main() -> None:
    """A worker's process: ``python -c`` with the socket's descriptor, the store's location
    and the memory cap as arguments (see :class:`aiact_kg.query_workers.QueryPool`)."""
    descriptor, location, memory = sys.argv[1:4]
    serve(Channel(socket.socket(fileno=int(descriptor))), location, int(memory))


if __name__ == "__main__":  # pragma: no cover - a worker is started with -c
    main()
