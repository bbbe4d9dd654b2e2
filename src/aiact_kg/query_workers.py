"""Answering the queries of /sparql: run, cap and serialize, in worker processes that can be
stopped, cannot reach the network, and share the graph.

A pyoxigraph query cannot be interrupted from its own thread, so on the embedded store every
/sparql query runs in one of a few worker processes. They share one copy of the graph: an
on-disk store written once from the built N-Triples files and opened read-only by each
worker. Each worker, before it reads a query:

- forbids itself the network (:func:`aiact_kg.sandbox.deny_network`): a ``SERVICE`` pattern,
  which the endpoint refuses anyway (:mod:`aiact_kg.web.query_policy`), could not open a connection;
- caps its address space (``RLIMIT_AS``), while the server watches its resident memory and
  stops it past ``memory`` bytes (503, "needed more than N MiB").

A query that runs past the timeout or the memory cap has its worker killed and replaced;
the request gets a 503 at once and the server keeps answering.

Queueing is fair: the pool keeps a lane of workers for *light* queries (by the cost class of
:mod:`aiact_kg.web.query_policy`), so a lookup is answered at once while heavy queries occupy the other
workers; a light query that runs long leaves the lane and a fresh light worker takes its
place. Each client (remote address) has at most ``per_client`` queries running or waiting,
and at most ``queue`` queries wait in all; beyond, the request is refused with 429 and
``Retry-After``. Stores that are not embedded (a SPARQL server, which has its own limits)
answer in the request's thread.

Answers carry at most ``limit`` rows or triples. pyoxigraph's own serializers write them
when the cost estimate of the query (:func:`aiact_kg.web.query_policy.estimate`) shows it
cannot return more rows than that, and booleans and graphs always; a result set that might
go past the cap is read row by row up to it and written here, in the four formats of the
SPARQL 1.1 Protocol, so a capped answer is well formed:

- SPARQL 1.1 Query Results JSON Format, https://www.w3.org/TR/sparql11-results-json/
- SPARQL Query Results XML Format, https://www.w3.org/TR/rdf-sparql-XMLres/
- SPARQL 1.1 Query Results CSV and TSV Formats, https://www.w3.org/TR/sparql11-results-csv-tsv/
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape, quoteattr

import pyoxigraph
from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions

from .sandbox import resident_bytes

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values")
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


# -- worker processes -----------------------------------------------------------------------------

#: A light query that runs longer than this leaves the light lane (a new light worker starts).
LIGHT_BUDGET = 0.5
#: Address space of a worker beyond its resident memory cap (libraries reserve much more than they use).
ADDRESS_SPACE_MARGIN = 3 * 1024 ** 3
_STORE_MARKER = "aiact-kg-query-store"
#: A shared store of an older graph that no worker opened for this long is removed.
STALE_STORE_SECONDS = 24 * 3600


def shared_store(files: list[str], folder: Path | None = None) -> Path:
    """The on-disk store the workers open read-only, written once per set of graph files."""
    from . import paths

    signature = "\n".join(f"{Path(f).resolve()} {Path(f).stat().st_size} {Path(f).stat().st_mtime_ns}"
                           for f in files)
    digest = hashlib.sha256(signature.encode()).hexdigest()[:16]
    root = Path(folder) if folder else paths.cache_dir()
    target = root / f"query-store-{digest}"
    if (target / _STORE_MARKER).is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".query-store-{digest}-", dir=root))
    try:
        store = pyoxigraph.Store(str(staging / "db"))
        for path in files:
            store.bulk_load(path=path, format=pyoxigraph.RdfFormat.N_TRIPLES)
        store.optimize()
        store.flush()
        del store
        (staging / "db" / _STORE_MARKER).write_text(signature)
        try:
            os.rename(staging / "db", target)
        except OSError:
            if not (target / _STORE_MARKER).is_file():  # not another process's finished copy
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for stale in root.glob("query-store-*"):  # stores of older graphs no worker has opened for a day
        if stale != target and stale.is_dir() and time.time() - stale.stat().st_mtime > STALE_STORE_SECONDS:
            shutil.rmtree(stale, ignore_errors=True)
    return target


def _serve(conn, location: str, memory: int) -> None:
    """A worker: confine itself, open the shared store, then answer
    (text, results type, graph type, limit, most rows) messages."""
    from . import sandbox

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


class _Worker:
    def __init__(self, process, conn, lane: str):
        self.process = process
        self.conn = conn
        self.lane = lane
        self._stopping = threading.Lock()
        self._stopped = False

    def stop(self) -> None:
        """Kill the process and close its pipe, once: the pool closing and a query replacing
        its worker may both stop it at the same moment, and a pipe closed twice from two
        threads could close a descriptor the process has since given to another file."""
        with self._stopping:
            if self._stopped:
                return
            self._stopped = True
            try:
                self.process.kill()
                self.process.join(2)
            finally:
                self.conn.close()


class QueryPool:
    """Worker processes over one shared read-only store: ``size`` for any query and
    ``light`` more kept for light ones; one query at a time each."""

    def __init__(self, files, size: int = 2, timeout: float = 10.0, limit: int = 10_000,
                 memory: int = 512 * 1024 ** 2, light: int = 1, queue: int = 16, per_client: int = 4,
                 store_folder: Path | None = None):
        self.files = [str(f) for f in files]
        self.location = str(shared_store(self.files, store_folder))
        self.sizes = {"any": max(1, size), "light": max(0, light)}
        self.size = self.sizes["any"] + self.sizes["light"]
        self.timeout = timeout
        self.limit = limit
        self.memory = memory
        self.queue = max(0, queue)
        self.per_client = max(1, per_client)
        #: Why a worker could not confine itself ("" when every worker did).
        self.unconfined = ""
        self._context = multiprocessing.get_context("spawn")
        self._cond = threading.Condition()
        self._idle: dict[str, list[_Worker]] = {"any": [], "light": []}
        self._members: dict[str, set[_Worker]] = {"any": set(), "light": set()}
        self._waiting = 0
        self._clients: Counter[str] = Counter()
        self._closed = False
        for lane, count in self.sizes.items():
            for _ in range(count):
                self._start(lane)

    # workers --------------------------------------------------------------------------------

    def _start(self, lane: str) -> None:
        if self._closed:
            return
        try:
            os.utime(self.location)  # in use: not a stale store
        except OSError:
            pass
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self.location, self.memory), daemon=True,
                                        name=f"aiact-kg-query-worker-{lane}")
        process.start()
        child.close()
        worker = _Worker(process, parent, lane)
        with self._cond:
            self._members[lane].add(worker)
        threading.Thread(target=self._await_ready, args=(worker,), daemon=True).start()

    def _await_ready(self, worker: _Worker) -> None:
        try:
            status, detail = worker.conn.recv() if worker.conn.poll(300) else ("failed", "no answer")
        except (EOFError, OSError):
            status, detail = "failed", "stopped"
        if status == "ready" and not self._closed:
            if detail and not self.unconfined:
                logging.getLogger(__name__).warning(
                    "the query workers cannot be kept off the network here (%s): SERVICE is still refused "
                    "on the parsed query", detail)
            if detail:
                self.unconfined = detail
            self._release(worker)
        else:
            self._discard(worker)

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            if len(self._members[worker.lane]) > self.sizes[worker.lane] or self._closed:
                self._members[worker.lane].discard(worker)
                surplus = True
            else:
                self._idle[worker.lane].append(worker)
                surplus = False
            self._cond.notify_all()
        if surplus:
            worker.stop()

    def _discard(self, worker: _Worker) -> None:
        with self._cond:
            self._members[worker.lane].discard(worker)
            self._cond.notify_all()
        worker.stop()

    def _replace(self, worker: _Worker) -> None:
        lane = worker.lane
        self._discard(worker)
        with self._cond:
            missing = len(self._members[lane]) < self.sizes[lane]
        if missing:
            self._start(lane)

    def wait_ready(self, seconds: float = 120) -> bool:
        """Block until every worker has opened the store (for start-up and tests)."""
        deadline = time.monotonic() + seconds
        with self._cond:
            while sum(len(v) for v in self._idle.values()) < self.size:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
        return True

    # queries --------------------------------------------------------------------------------

    def _take(self, light: bool) -> _Worker | None:
        for lane in (("light", "any") if light else ("any",)):
            if self._idle[lane]:
                return self._idle[lane].pop()
        return None

    def query(self, text: str, results_type: str, graph_type: str, light: bool = False,
              client: str = "", most_rows: int | None = None) -> Answer:
        client = "" if light else client  # only heavy queries count against a client's share
        with self._cond:
            if client and self._clients[client] >= self.per_client:
                raise QueryFailed("client-busy", f"this client already has {self.per_client} heavy queries "
                                                 "running or waiting; wait for their answers")
            worker = self._take(light)
            if worker is None and self._waiting >= self.queue:
                raise QueryFailed("queue-full", f"{self._waiting} queries are already waiting for a worker")
            self._clients[client] += 1
            if worker is None:
                self._waiting += 1
                deadline = time.monotonic() + self.timeout
                try:
                    while worker is None:
                        remaining = deadline - time.monotonic()
                        if remaining <= 0 or self._closed:
                            self._clients[client] -= 1
                            raise QueryFailed("busy", f"every query worker stayed busy for {self.timeout:g} s; "
                                                      "try again")
                        self._cond.wait(remaining)
                        worker = self._take(light)
                finally:
                    self._waiting -= 1
        try:
            return self._run(worker, (text, results_type, graph_type, self.limit, most_rows))
        finally:
            with self._cond:
                self._clients[client] -= 1
                if self._clients[client] <= 0:
                    del self._clients[client]

    def _run(self, worker: _Worker, message: tuple) -> Answer:
        start = time.monotonic()
        deadline = start + self.timeout
        status, payload = "timeout", None
        try:
            worker.conn.send(message)
            while True:
                now = time.monotonic()
                if now >= deadline:
                    break
                if worker.conn.poll(min(0.02, deadline - now)):
                    status, payload = worker.conn.recv()
                    break
                if self.memory:
                    resident = resident_bytes(worker.process.pid)
                    if resident is not None and resident > self.memory:
                        status = "memory"
                        break
                if worker.lane == "light" and now - start > LIGHT_BUDGET:
                    self._promote(worker)
        except (EOFError, OSError, BrokenPipeError):
            status = "crashed"
        if status == "crashed" and worker.process.exitcode in (None, -6):
            worker.process.join(0.5)
            if worker.process.exitcode == -6:  # an allocation failed under RLIMIT_AS: Rust aborts
                status = "memory"
        if status in ("timeout", "crashed", "memory"):
            self._replace(worker)
            if status == "timeout":
                raise QueryFailed("timeout", f"the query ran longer than {self.timeout:g} s and was stopped")
            if status == "memory":
                raise QueryFailed("memory", f"the query needed more than {self.memory // 1024 ** 2} MiB of memory "
                                            "and was stopped")
            raise QueryFailed("error", "the query worker stopped unexpectedly; try again")
        self._release(worker)
        if status == "ok":
            return payload
        raise QueryFailed(status, payload)

    def _promote(self, worker: _Worker) -> None:
        """A light query runs long: its worker joins the other lane, a new one takes its place."""
        with self._cond:
            self._members["light"].discard(worker)
            worker.lane = "any"
            self._members["any"].add(worker)
        self._start("light")

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers = [w for lane in self._members.values() for w in lane]
            for lane in self._members.values():
                lane.clear()
            self._cond.notify_all()
        for worker in workers:
            try:
                worker.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
            worker.stop()
