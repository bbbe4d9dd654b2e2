"""Answering the queries of /sparql: run, cap and serialize, in worker processes that can be
stopped.

A pyoxigraph query cannot be interrupted from its own thread, so on the embedded store every
/sparql query runs in one of a few worker processes, each with its own copy of the graph
(loaded from the built N-Triples files). A query that runs past the timeout has its worker
killed and replaced; the request gets a 503 at once and the server keeps answering. Stores
that are not embedded (a SPARQL server, which has its own limits) answer in the request's
thread.

Answers carry at most ``limit`` rows or triples. Result sets are written here in the four
formats of the SPARQL 1.1 Protocol, so a capped answer is well formed:

- SPARQL 1.1 Query Results JSON Format, https://www.w3.org/TR/sparql11-results-json/
- SPARQL Query Results XML Format, https://www.w3.org/TR/rdf-sparql-XMLres/
- SPARQL 1.1 Query Results CSV and TSV Formats, https://www.w3.org/TR/sparql11-results-csv-tsv/
"""

from __future__ import annotations

import json
import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass
from itertools import islice
from xml.sax.saxutils import escape as xml_escape, quoteattr

import pyoxigraph
from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values")
GRAPH_FORMATS = {
    "text/turtle": pyoxigraph.RdfFormat.TURTLE,
    "application/n-triples": pyoxigraph.RdfFormat.N_TRIPLES,
    "application/ld+json": pyoxigraph.RdfFormat.JSON_LD,
    "application/rdf+xml": pyoxigraph.RdfFormat.RDF_XML,
}


class QueryFailed(Exception):
    """The query is wrong (``syntax``) or could not be answered (``error``, ``timeout``, ``busy``)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass
class Answer:
    data: bytes
    media_type: str
    truncated: bool = False
    form: str = "select"  # select, ask or graph


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
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False).encode("utf-8")


def serialize_boolean(value: bool, media_type: str) -> bytes:
    word = "true" if value else "false"
    if media_type == "application/sparql-results+xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{word}</boolean></sparql>\n").encode()
    if media_type in ("text/csv", "text/tab-separated-values"):
        return f"{word}\n".encode()
    return json.dumps({"head": {}, "boolean": bool(value)}).encode()


def answer(result, results_type: str, graph_type: str, limit: int) -> Answer:
    """Serialize a pyoxigraph query result, capped at ``limit`` rows or triples."""
    if isinstance(result, QueryBoolean):
        return Answer(serialize_boolean(bool(result), results_type), results_type, form="ask")
    if isinstance(result, QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [[solution[v] for v in variables] for solution in islice(result, limit + 1)]
        truncated = len(rows) > limit
        return Answer(serialize_solutions(variables, rows[:limit], results_type), results_type, truncated)
    triples = list(islice(result, limit + 1))
    truncated = len(triples) > limit
    data = pyoxigraph.serialize(triples[:limit], format=GRAPH_FORMATS[graph_type])
    return Answer(data, graph_type, truncated, form="graph")


def run_query(store: pyoxigraph.Store, text: str, results_type: str, graph_type: str, limit: int) -> Answer:
    try:
        return answer(store.query(text), results_type, graph_type, limit)
    except SyntaxError as exc:
        raise QueryFailed("syntax", str(exc)) from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryFailed("error", str(exc)) from None


# -- worker processes -----------------------------------------------------------------------------

def _serve(conn, files: list[str]) -> None:
    """A worker: load the graph, then answer (text, results type, graph type, limit) messages."""
    store = pyoxigraph.Store()
    for path in files:
        store.bulk_load(path=path, format=pyoxigraph.RdfFormat.N_TRIPLES)
    conn.send(("ready", None))
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
        except Exception as exc:  # a worker never dies of a query: the parent decides
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class _Worker:
    def __init__(self, process, conn):
        self.process = process
        self.conn = conn

    def stop(self) -> None:
        try:
            self.process.kill()
            self.process.join(2)
        finally:
            self.conn.close()


class QueryPool:
    """A few worker processes over the same graph files; one query at a time each."""

    def __init__(self, files, size: int = 2, timeout: float = 10.0, limit: int = 10_000):
        self.files = [str(f) for f in files]
        self.size = max(1, size)
        self.timeout = timeout
        self.limit = limit
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(self.size):
            self._start()

    def _start(self) -> None:
        if self._closed:
            return
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self.files), daemon=True,
                                        name="aiact-kg-query-worker")
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        threading.Thread(target=self._await_ready, args=(worker,), daemon=True).start()

    def _await_ready(self, worker: _Worker) -> None:
        try:
            ready = worker.conn.poll(300) and worker.conn.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if ready and not self._closed:
            self._idle.put(worker)
        else:
            self._discard(worker)

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()

    def wait_ready(self, seconds: float = 120) -> bool:
        """Block until every worker has loaded the graph (for start-up and tests)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self._idle.qsize() >= self.size:
                return True
            time.sleep(0.05)
        return False

    def query(self, text: str, results_type: str, graph_type: str) -> Answer:
        deadline = time.monotonic() + self.timeout
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryFailed("busy", f"every query worker stayed busy for {self.timeout:g} s; try again") from None
        try:
            worker.conn.send((text, results_type, graph_type, self.limit))
            if worker.conn.poll(max(0.01, deadline - time.monotonic())):
                status, payload = worker.conn.recv()
            else:
                status, payload = "timeout", None
        except (EOFError, OSError, BrokenPipeError):
            status, payload = "crashed", None
        if status in ("timeout", "crashed"):
            self._discard(worker)
            self._start()
            if status == "timeout":
                raise QueryFailed("timeout", f"the query ran longer than {self.timeout:g} s and was stopped")
            raise QueryFailed("error", "the query worker stopped unexpectedly; try again")
        self._idle.put(worker)
        if status == "ok":
            return payload
        raise QueryFailed(status, payload)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            try:
                worker.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
            worker.stop()
