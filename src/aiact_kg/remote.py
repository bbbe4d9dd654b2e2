"""A SPARQL 1.1 server as the store: the graph beside the other legislation an institution keeps.

``RemoteStore`` answers the calls of ``store.Store`` (``select``, ``ask``, ``construct``,
``run``, ``protocol``, ``export``) over HTTP, so the pages, the named queries and validation
give the same answers as on the embedded store. It speaks the SPARQL 1.1 Protocol through
SPARQLWrapper (queries and updates) and the SPARQL 1.1 Graph Store HTTP Protocol (loading and
reading whole graphs):

- SPARQL 1.1 Protocol, https://www.w3.org/TR/sparql11-protocol/
- SPARQL 1.1 Graph Store HTTP Protocol, https://www.w3.org/TR/sparql11-http-rdf-update/

The graph lives in one named graph on the server (``--graph``, by default ``{base}graph``);
every query names it as the default graph of the request (the protocol's
``default-graph-uri``), so named queries run unchanged beside the server's other graphs.

Bindings travel as on the embedded store: ``VALUES`` blocks of serialized RDF terms (the
N-Triples syntax pyoxigraph gives them), never raw text, at the start of the outermost
``WHERE`` group and of every group that uses the variable (``store.with_values``).

``aiact-kg load`` pushes the built graph: in chunks, into a fresh temporary named graph, then
checks the server holds exactly the triples sent, and only then replaces the graph in one
update request (``MOVE``). A second load replaces, never duplicates; a failed load drops its
temporary graph and leaves the previous graph in place. Blank nodes are scoped to one request
on the server, so every triple that shares a blank node travels in the same chunk.
"""

from __future__ import annotations

import http.client
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

import pyoxigraph
from pyoxigraph import BlankNode, NamedNode, QueryBoolean
from SPARQLWrapper import POST, SPARQLWrapper

from . import build, limits as input_limits
from . import queries
from .store import (GRAPH_FORMATS, QueryError, QueryShape, RdfData, Store, StoreError, prefixes, update_request as _update,
                    with_values)

#: The named graph that holds the product's graph when ``--graph`` is not given.
DEFAULT_GRAPH = "graph"
#: Seconds to wait for a server's answer before giving up.
DEFAULT_TIMEOUT = 120.0

_JSON_RESULTS = "application/sparql-results+json"
_XML_RESULTS = "application/sparql-results+xml"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_PARSE_FORMATS = {
    "application/n-triples": pyoxigraph.RdfFormat.N_TRIPLES,
    "text/plain": pyoxigraph.RdfFormat.N_TRIPLES,
    "text/turtle": pyoxigraph.RdfFormat.TURTLE,
    "application/x-turtle": pyoxigraph.RdfFormat.TURTLE,
    "application/rdf+xml": pyoxigraph.RdfFormat.RDF_XML,
    "application/ld+json": pyoxigraph.RdfFormat.JSON_LD,
}
#: What servers write when they stop a query at their time limit (Oxigraph: "cancelled" in
#: the body of a started answer; Virtuoso: SQL states S1T00 and S1TAT, "timeout").
_TIMEOUT_SIGNS = re.compile(r"cancell?ed|time ?out|timed out|S1T00|S1TAT|SR171", re.IGNORECASE)
#: A server's own words at the end of an answer cut short ("The SPARQL operation has been cancelled").
_SERVER_SENTENCE = re.compile(r"[A-Za-z][^{}\[\]\"<>]*(?:cancell?ed|time ?out|timed out)[^{}\[\]\"<>]*", re.IGNORECASE)
_RETRY_STATUS = {429, 502, 503, 504}
#: A server that refuses a chunk with one of these may take it in halves.
_SPLIT_STATUS = {400, 413, 414, 500}
#: A query that names graphs (GRAPH ?g { … }) is given the graphs of linked commentary too.
_GRAPH_KEYWORD = re.compile(r"\bGRAPH(?:\s*[?$<]|\s+[\w-]*:)", re.IGNORECASE)
#: Seconds the list of commentary graphs on a server is kept before it is read again.
COMMENTARY_REFRESH = 30.0


def default_graph(base: str | None = None) -> str:
    """The named graph ``aiact-kg load`` fills and the queries read when none is given."""
    return build.configured_base(base) + DEFAULT_GRAPH


# -- HTTP -------------------------------------------------------------------------------------

class _BasicAuthAfterSuccess(urllib.request.HTTPBasicAuthHandler):
    """Basic authentication on the server's challenge, then up front for the next requests;
    a server that asked for Digest never gets the password in Basic form."""

    def http_response(self, req, response):
        sent = req.unredirected_hdrs.get("Authorization", "")
        if sent.startswith("Basic ") and 200 <= response.code < 300:
            self.passwd.update_authenticated(req.full_url, True)
        return response

    https_response = http_response


class _Http:
    """One opener per thread: timeouts, and Basic or Digest authentication as the server asks."""

    def __init__(self, urls: Sequence[str], user: str | None, password: str | None, timeout: float):
        self.timeout = timeout
        self._urls = [u for u in urls if u]
        self._user = user
        self._password = password
        self._local = threading.local()

    def opener(self) -> urllib.request.OpenerDirector:
        opener = getattr(self._local, "opener", None)
        if opener is None:
            handlers = []
            if self._user is not None:
                manager = urllib.request.HTTPPasswordMgrWithPriorAuth()
                for url in self._urls:
                    origin = urllib.parse.urlsplit(url)
                    manager.add_password(None, f"{origin.scheme}://{origin.netloc}/", self._user, self._password or "")
                handlers += [urllib.request.HTTPDigestAuthHandler(manager), _BasicAuthAfterSuccess(manager)]
            opener = self._local.opener = urllib.request.build_opener(*handlers)
        return opener

    def open(self, request: urllib.request.Request):
        return self.opener().open(request, timeout=self.timeout)


class _Endpoint(SPARQLWrapper):
    """SPARQLWrapper whose requests go through our opener, so errors keep their status,
    headers and body, and authentication follows the server's challenge."""

    def __init__(self, url: str, http: _Http, update_url: str | None = None):
        super().__init__(url, updateEndpoint=update_url)
        self._http = http
        self.setOnlyConneg(True)
        self.setMethod(POST)

    def _query(self):
        return self._http.open(self._createRequest()), self.returnFormat


_XML_BNODE = re.compile(rb"<bnode>([^<]*)</bnode>")


def _portable_blank_nodes(body: bytes, media: str) -> bytes:
    """Results whose blank node labels are ones every reader takes: Virtuoso labels them
    "nodeID://b10006", which is not a blank node label of the RDF syntaxes. A label names a
    node within one answer only, so any one-to-one rewriting keeps the answer's meaning."""
    def portable(label: str) -> str:
        return label if label.isalnum() else "x" + label.encode("utf-8").hex()

    if media == _JSON_RESULTS and b'"bnode"' in body:
        import json

        try:
            results = json.loads(body)
        except ValueError:
            return body  # unreadable anyway: the reader says why
        for row in results.get("results", {}).get("bindings", []):
            for value in row.values():
                if isinstance(value, dict) and value.get("type") == "bnode":
                    value["value"] = portable(str(value.get("value", "")))
        return json.dumps(results).encode("utf-8")
    if media == _XML_RESULTS and b"<bnode>" in body:
        return _XML_BNODE.sub(lambda m: b"<bnode>" + portable(m.group(1).decode("utf-8")).encode() + b"</bnode>", body)
    return body


@dataclass
class _Answer:
    body: bytes
    media_type: str
    headers: Mapping[str, str]


def _media_type(headers) -> str:
    return (headers.get("Content-Type") or "").split(";")[0].strip().lower()


def _first_lines(body: bytes, limit: int = 300) -> str:
    text = body.decode("utf-8", "replace").strip()
    text = re.sub(r"<[^>]+>", " ", text) if text.lstrip().startswith("<") else text
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


def _is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code in _RETRY_STATUS
    return isinstance(exc, (urllib.error.URLError, TimeoutError, socket.timeout, ConnectionError, http.client.HTTPException))


def _store_error(exc: BaseException, url: str, timeout: float, doing: str) -> StoreError:
    """One line naming the URL and what went wrong (``status``: the HTTP status, if any)."""
    error = _describe_error(exc, url, timeout, doing)
    error.status = exc.code if isinstance(exc, urllib.error.HTTPError) else None
    return error


def _describe_error(exc: BaseException, url: str, timeout: float, doing: str) -> StoreError:
    if isinstance(exc, urllib.error.HTTPError):
        body = b""
        try:
            body = exc.read()
        except OSError:
            pass
        detail = _first_lines(body)
        if exc.code in (401, 403):
            return StoreError(f"{url} refused {doing} (HTTP {exc.code}): check --user and --password-env"
                              + (f" ({detail})" if detail else ""))
        if exc.code == 404:
            return StoreError(f"no SPARQL service at {url} (HTTP 404)")
        if exc.code in (408, 504) or (detail and _TIMEOUT_SIGNS.search(detail) and exc.code >= 500):
            return StoreError(f"the server at {url} timed out {doing} (HTTP {exc.code})" + (f": {detail}" if detail else ""))
        if exc.code == 400:
            return QueryError(f"{url} rejected {doing}: {detail or 'HTTP 400 Bad Request'}")
        return StoreError(f"{url} failed {doing} (HTTP {exc.code})" + (f": {detail}" if detail else ""))
    if isinstance(exc, (TimeoutError, socket.timeout)) or (
            isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, (TimeoutError, socket.timeout))):
        return StoreError(f"no answer from {url} within {timeout:g} s {doing}: the request timed out")
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        text = getattr(reason, "strerror", None) or str(reason)
        return StoreError(f"cannot reach the SPARQL server at {url}: {text}")
    return StoreError(f"cannot reach the SPARQL server at {url}: {exc}")


def _checked_url(url: str, option: str) -> str:
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StoreError(f"{option} {url!r}: expected an http:// or https:// URL")
    return url


def _checked_graph(graph: str) -> str:
    try:
        NamedNode(graph)
    except ValueError:
        raise StoreError(f"--graph {graph!r}: not an IRI") from None
    if not urllib.parse.urlsplit(graph).scheme:
        raise StoreError(f"--graph {graph!r}: not an absolute IRI")
    return graph


# -- the store --------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoadReport:
    graph: str
    triples: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.triples / self.seconds if self.seconds > 0 else float("inf")


class RemoteStore(Store):
    """A SPARQL 1.1 server holding the graph in a named graph.

    ``endpoint`` is the query URL; ``update_endpoint`` the SPARQL Update URL (the query URL by
    default); ``store_endpoint`` the Graph Store Protocol URL, used to load and export when
    given; ``graph`` the named graph (``{base}graph`` by default); ``user`` and ``password``
    for HTTP Basic or Digest authentication, whichever the server asks for.
    """

    def __init__(self, endpoint: str, update_endpoint: str | None = None, store_endpoint: str | None = None,
                 graph: str | None = None, user: str | None = None, password: str | None = None,
                 base: str | None = None, *, timeout: float = DEFAULT_TIMEOUT, retries: int = 4,
                 backoff: float = 0.5):
        self.endpoint = _checked_url(endpoint, "--endpoint")
        self.update_endpoint = _checked_url(update_endpoint, "--update-endpoint") if update_endpoint else endpoint
        self.store_endpoint = _checked_url(store_endpoint, "--store-endpoint") if store_endpoint else None
        self.base = build.configured_base(base)
        self.graph = _checked_graph(graph or default_graph(self.base))
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.description = f"SPARQL server {self.endpoint} (graph <{self.graph}>)"
        self._http = _Http([self.endpoint, self.update_endpoint, self.store_endpoint], user, password, timeout)
        self._commentary: tuple[float, list[dict]] | None = None  # (when read, rows)

    # queries ----------------------------------------------------------------------------------

    def _query(self, text: str, bindings: Mapping[str, object] | None, *, in_graph: bool = True):
        form, answer = self._answer(text, bindings, in_graph)
        if form in ("SELECT", "ASK"):
            return self._results(answer)
        return self._triples(answer)

    def _answer(self, text: str, bindings: Mapping[str, object] | None, in_graph: bool = True) -> tuple[str, _Answer]:
        text = with_values(text, bindings) if bindings else text
        form = QueryShape(text).form
        return form, self._ask_server(text, form, in_graph)

    def select(self, text: str, bindings: Mapping[str, object] | None = None) -> list[dict]:
        """Rows of a SELECT answer, read once (``Store.select`` would read the answer twice)."""
        form, answer = self._answer(text, bindings)
        if form != "SELECT":
            raise QueryError("expected a SELECT query")
        try:
            result = pyoxigraph.parse_query_results(answer.body, format=self._results_format(answer))
            names = [v.value for v in result.variables]
            return [{name: row[name] for name in names if row[name] is not None} for row in result]
        except SyntaxError as exc:
            raise self._bad_answer(answer, exc) from None

    def _ask_server(self, text: str, form: str, in_graph: bool) -> _Answer:
        endpoint = _Endpoint(self.endpoint, self._http)
        endpoint.setQuery(text)
        # SPARQLWrapper guesses the form with a pattern that can take a word of a comment or
        # an IRI ("creates", "aiact:addressee") for an update keyword and then sends the query
        # as an update; the form read by our tokenizer is the right one.
        endpoint.queryType = form
        if in_graph:
            endpoint.addDefaultGraph(self.graph)
            if _GRAPH_KEYWORD.search(text):  # the commentary's graphs, beside the Act's, as on the embedded store
                for row in self.commentary():
                    endpoint.addNamedGraph(row["graph"].value)
        accept = _RESULTS_ACCEPT if form in ("SELECT", "ASK") else _GRAPH_ACCEPT
        endpoint.addCustomHttpHeader("Accept", accept)
        try:
            result = endpoint.query()
            headers = result.info()
            body = result.response.read()
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise _store_error(exc, self.endpoint, self.timeout, "the query") from None
        media = (headers.get("content-type") or "").split(";")[0].strip().lower()
        state = headers.get("x-sql-state") or ""
        if state.upper() in ("S1TAT", "S1T00"):
            raise StoreError(f"the server at {self.endpoint} timed out answering the query "
                             f"({headers.get('x-sql-message') or state}); its answer would be partial")
        return _Answer(_portable_blank_nodes(body, media), media, headers)

    @staticmethod
    def _results_format(answer: _Answer) -> pyoxigraph.QueryResultsFormat:
        if answer.media_type == _XML_RESULTS:
            return pyoxigraph.QueryResultsFormat.XML
        return pyoxigraph.QueryResultsFormat.JSON

    def _results(self, answer: _Answer):
        fmt = self._results_format(answer)
        try:
            # Read it all once here, so an answer cut short (a server stopping the query at its
            # time limit) is an error now, not halfway through the caller's loop.
            result = pyoxigraph.parse_query_results(answer.body, format=fmt)
            if isinstance(result, QueryBoolean):
                return result
            for _ in result:
                pass
        except SyntaxError as exc:
            raise self._bad_answer(answer, exc) from None
        return pyoxigraph.parse_query_results(answer.body, format=fmt)

    def _triples(self, answer: _Answer) -> "_Triples":
        fmt = _PARSE_FORMATS.get(answer.media_type, pyoxigraph.RdfFormat.N_TRIPLES)
        try:
            return _Triples(q if isinstance(q, pyoxigraph.Triple) else pyoxigraph.Triple(q.subject, q.predicate, q.object)
                            for q in pyoxigraph.parse(answer.body, format=fmt))
        except SyntaxError as exc:
            raise self._bad_answer(answer, exc) from None

    def _bad_answer(self, answer: _Answer, exc: Exception) -> StoreError:
        tail = answer.body[-400:].decode("utf-8", "replace")
        if _TIMEOUT_SIGNS.search(tail):
            said = _SERVER_SENTENCE.findall(tail)
            reason = f" (it said: {said[-1].strip()})" if said else ""
            return StoreError(f"the server at {self.endpoint} timed out answering the query{reason}")
        return StoreError(f"the server at {self.endpoint} sent an answer that cannot be read "
                          f"({answer.media_type or 'no media type'}): {exc}")

    def export(self, media_type: str) -> bytes:
        """The whole graph in one RDF format; refused if the server sent fewer triples than it
        holds (a result-size limit, such as Virtuoso's ResultSetMaxRows)."""
        fmt = GRAPH_FORMATS[media_type]
        if self.store_endpoint:
            triples = self._graph_store_get()
        else:
            triples = self.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        held = self.count()
        if len(set(triples)) != held:
            raise StoreError(f"the server at {self.endpoint} sent {len(triples)} of the {held} triples of <{self.graph}>: "
                             "raise its result-size limit (Virtuoso: ResultSetMaxRows) or give --store-endpoint")
        options = {"prefixes": prefixes(self.base)} if fmt == pyoxigraph.RdfFormat.TURTLE else {}
        return pyoxigraph.serialize(triples, format=fmt, **options)

    def _graph_store_get(self) -> list[pyoxigraph.Triple]:
        request = urllib.request.Request(self._graph_url(self.graph), headers={"Accept": _GRAPH_ACCEPT})
        try:
            with self._http.open(request) as response:
                answer = _Answer(response.read(), _media_type(response.headers), response.headers)
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise _store_error(exc, self.store_endpoint, self.timeout, "reading the graph") from None
        return self._triples(answer)

    def graph_size(self, graph: str) -> int:
        """How many triples a named graph of the server holds."""
        rows = self._query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": NamedNode(graph)},
                           in_graph=False)
        return int(next(iter(rows))["n"].value)

    def commentary(self) -> list[dict]:
        """The graphs of linked commentary on the server, read again after
        :data:`COMMENTARY_REFRESH` seconds (another process may have loaded some)."""
        now = time.monotonic()
        if self._commentary is None or now - self._commentary[0] > COMMENTARY_REFRESH:
            rows = list(self._query(queries.load("commentary-graphs").text, None, in_graph=False))
            self._commentary = (now, [{name: row[name] for name in ("graph", "document", "loaded")} for row in rows])
        return self._commentary[1]

    def replace_graph(self, graph: str, data: bytes, limits: "input_limits.Limits | None" = None) -> int:
        """The named graph ``graph`` replaced by the N-Triples ``data``, the way the Act's graph is
        loaded (:meth:`load`: a temporary graph, counted, then moved in one update)."""
        import tempfile

        with tempfile.TemporaryDirectory(prefix="aiact-kg-") as folder:
            path = Path(folder) / "graph.nt"
            path.write_bytes(data)
            report = self.load([path], graph=graph, limits=limits)
        self._commentary = None
        return report.triples

    # updates ----------------------------------------------------------------------------------

    def update(self, text: str) -> None:
        """Run a SPARQL Update request, retrying with exponential backoff when the server is
        unreachable or busy (a bounded number of times)."""
        def send():
            endpoint = _Endpoint(self.endpoint, self._http, update_url=self.update_endpoint)
            endpoint.setQuery(text)
            endpoint.addCustomHttpHeader("Accept", f"{_JSON_RESULTS}, text/plain;q=0.5, */*;q=0.1")
            endpoint.query().response.read()

        self._with_retries(send, self.update_endpoint, "the update")

    def _post_graph(self, graph: str, data: bytes) -> None:
        request = urllib.request.Request(self._graph_url(graph), data=data, method="POST",
                                         headers={"Content-Type": "application/n-triples"})

        def send():
            with self._http.open(request) as response:
                response.read()

        self._with_retries(send, self.store_endpoint, "the data")

    def _with_retries(self, send: Callable[[], None], url: str, doing: str) -> None:
        for attempt in range(self.retries + 1):
            try:
                send()
                return
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                if attempt < self.retries and _is_retryable(exc):
                    time.sleep(self.backoff * 2 ** attempt)
                    continue
                error = _store_error(exc, url, self.timeout, doing)
                if attempt:
                    error.args = (f"{error} (after {attempt + 1} attempts)",)
                raise error from None

    def _graph_url(self, graph: str) -> str:
        parts = urllib.parse.urlsplit(self.store_endpoint)
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True) + [("graph", graph)]
        return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))

    def load(self, files: Iterable[Path | str] | None = None, *, chunk_triples: int = 10_000,
             chunk_bytes: int = 4_000_000, progress: Callable[[int, int], None] | None = None,
             limits: "input_limits.Limits | None" = None, graph: str | None = None) -> LoadReport:
        """Replace the named graph (``graph``, the Act's graph by default) with the triples of
        N-Triples ``files`` (the built graph by default): chunks into a fresh temporary graph,
        a count check, then one ``MOVE``."""
        start = time.perf_counter()
        target = _checked_graph(graph) if graph else self.graph
        files = [Path(f) for f in files] if files is not None else build.graph_files(self.base)
        if limits is not None:
            size = sum(f.stat().st_size for f in files if f.is_file())
            if limits.max_bytes is not None and size > limits.max_bytes:
                raise StoreError(str(input_limits.size_error(size, limits, "the graph to load")))
        batches = _Batches(files, chunk_triples, chunk_bytes)
        total = batches.total
        if limits is not None and limits.max_triples is not None and total > limits.max_triples:
            raise StoreError(f"the graph to load has {total:,} triples; loads over {limits.max_triples:,} are "
                             f"refused (raise the limit with {limits.how('max_triples')})")
        self._drop_stale_loads(target)
        temporary = f"{self._loading_prefix(target)}{uuid.uuid4()}"
        sent = 0
        try:
            if progress:
                progress(0, total)
            limit = None  # blocks per request, once the server refused a bigger chunk
            for chunk in batches:
                for piece in chunk.pieces(limit):
                    limit = self._send_chunk(temporary, piece, limit)
                    sent += piece.triples
                    if progress:
                        progress(sent, total)
            held = self.graph_size(temporary)
            if held != total:
                raise StoreError(f"the server at {self.endpoint} holds {held} of the {total} triples sent to "
                                 f"<{temporary}>; <{target}> was left as it was")
            self.update(_update("MOVE GRAPH ?source TO GRAPH ?target", source=temporary, target=target))
        except BaseException:
            self._drop_quietly(temporary)
            raise
        return LoadReport(target, total, time.perf_counter() - start)

    def _loading_prefix(self, graph: str | None = None) -> str:
        """Temporary graphs of loads into a graph (this one by default) are named with this prefix."""
        import hashlib

        return f"urn:aiact-kg:loading:{hashlib.sha256((graph or self.graph).encode()).hexdigest()[:16]}:"

    def _drop_stale_loads(self, graph: str | None = None) -> None:
        """Drop what an interrupted load (killed before it could clean up) left on the server:
        temporary graphs of loads into this graph. One load into a graph at a time."""
        try:
            rows = self._query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ?prefix)) }",
                               {"prefix": self._loading_prefix(graph)}, in_graph=False)
            stale = [row["g"].value for row in rows]
        except StoreError:
            return  # the load itself says what is wrong with the server, after its retries
        for graph in stale:
            self.update(_update("DROP SILENT GRAPH ?graph", graph=graph))

    def _send_chunk(self, graph: str, chunk: "_Chunk", limit: int | None) -> int | None:
        """Send one chunk; if the server refuses it as a whole (a size limit, such as
        Virtuoso's on the SQL an update compiles to), send it in halves, down to the blocks
        that must travel together. Gives the number of blocks the server takes at once."""
        try:
            self._send_data(graph, chunk)
            return limit
        except StoreError as exc:
            if getattr(exc, "status", None) not in _SPLIT_STATUS or len(chunk.blocks) < 2:
                raise
        first, second = chunk.halves()
        limit = self._send_chunk(graph, first, len(first.blocks))
        return self._send_chunk(graph, second, limit)

    def _send_data(self, graph: str, chunk: "_Chunk") -> None:
        if self.store_endpoint:
            self._post_graph(graph, chunk.data)
            return
        data = RdfData(chunk.data.decode("utf-8"))
        if chunk.blank_nodes:
            # Virtuoso refuses blank nodes in INSERT DATA; a template with an empty WHERE
            # clause inserts the same triples on every SPARQL 1.1 server.
            self.update(_update("INSERT { GRAPH ?graph { ?triples } } WHERE {}", graph=graph, triples=data))
        else:
            self.update(_update("INSERT DATA { GRAPH ?graph { ?triples } }", graph=graph, triples=data))

    def _drop_quietly(self, graph: str) -> None:
        retries, self.retries = self.retries, 0
        try:
            self.update(_update("DROP SILENT GRAPH ?graph", graph=graph))
        except StoreError:
            pass
        finally:
            self.retries = retries


class _Triples(list):
    """The triples of a CONSTRUCT or DESCRIBE answer, serializable like pyoxigraph's."""

    def serialize(self, format) -> bytes:
        return pyoxigraph.serialize(self, format=format)


# -- chunks -----------------------------------------------------------------------------------

@dataclass
class _Chunk:
    """Blocks of N-Triples lines; a block (one line, or the lines sharing blank nodes) is
    never split."""

    blocks: list[bytes]
    triples: int
    blank_nodes: bool

    @property
    def data(self) -> bytes:
        return b"".join(self.blocks)

    def halves(self) -> tuple["_Chunk", "_Chunk"]:
        middle = len(self.blocks) // 2
        return self._part(self.blocks[:middle]), self._part(self.blocks[middle:])

    def pieces(self, limit: int | None) -> list["_Chunk"]:
        """The chunk in pieces of at most ``limit`` blocks (itself if no limit)."""
        if not limit or len(self.blocks) <= limit:
            return [self]
        return [self._part(self.blocks[i:i + limit]) for i in range(0, len(self.blocks), limit)]

    def _part(self, blocks: list[bytes]) -> "_Chunk":
        return _Chunk(blocks, sum(block.count(b"\n") for block in blocks), self.blank_nodes)


class _Batches:
    """The triples of N-Triples files in chunks, each line once; the triples sharing a blank
    node travel together, with labels made unique per file (blank node labels are local to a
    file, and to a request on the server)."""

    def __init__(self, files: Sequence[Path], chunk_triples: int, chunk_bytes: int):
        self.files = files
        self.chunk_triples = max(1, chunk_triples)
        self.chunk_bytes = max(1, chunk_bytes)
        self.total = sum(1 for _ in self._unique())

    def _unique(self) -> Iterator[tuple[int, bytes, bool]]:
        """(file index, line, whether it holds a blank node), each triple once."""
        seen: set[int] = set()
        for index, path in enumerate(self.files):
            for line in _lines(path):
                blank = b"_:" in line and _BLANK_NODE.match(line) is not None
                key = hash((index, line)) if blank else hash(line)
                if key not in seen:
                    seen.add(key)
                    yield index, line, blank

    def __iter__(self) -> Iterator[_Chunk]:
        lines: list[bytes] = []
        size = 0
        with_blank: list[tuple[int, bytes]] = []
        for index, line, blank in self._unique():
            if blank:
                with_blank.append((index, line))
                continue
            lines.append(line)
            size += len(line)
            if len(lines) >= self.chunk_triples or size >= self.chunk_bytes:
                yield _Chunk(lines, len(lines), False)
                lines, size = [], 0
        if lines:
            yield _Chunk(lines, len(lines), False)
        yield from self._blank_node_chunks(with_blank)

    def _blank_node_chunks(self, entries: list[tuple[int, bytes]]) -> Iterator[_Chunk]:
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        triples = []
        for index, line in entries:
            try:
                (triple,) = list(pyoxigraph.parse(line, format=pyoxigraph.RdfFormat.N_TRIPLES))
            except (SyntaxError, ValueError) as exc:
                raise StoreError(f"{self.files[index]}: not N-Triples: {exc}") from None
            relabel = {}
            for term in (triple.subject, triple.object):
                if isinstance(term, BlankNode):
                    relabel[term] = BlankNode(f"f{index}x{term.value}")
            triple = pyoxigraph.Triple(relabel.get(triple.subject, triple.subject), triple.predicate,
                                       relabel.get(triple.object, triple.object))
            labels = [t.value for t in relabel.values()]
            for other in labels[1:]:
                parent[find(other)] = find(labels[0])
            triples.append((labels[0] if labels else None, triple))
        groups: dict[str, list[pyoxigraph.Triple]] = {}
        for label, triple in triples:
            groups.setdefault(find(label) if label else "", []).append(triple)
        blocks: list[bytes] = []
        count = 0
        for group in groups.values():
            if blocks and count + len(group) > self.chunk_triples:
                yield _Chunk(blocks, count, True)
                blocks, count = [], 0
            blocks.append(pyoxigraph.serialize(group, format=pyoxigraph.RdfFormat.N_TRIPLES))
            count += len(group)
        if blocks:
            yield _Chunk(blocks, count, True)


#: An N-Triples line whose subject or object is a blank node (not "_:" inside a literal).
_BLANK_NODE = re.compile(rb"^(?:_:|<[^>]*>\s+<[^>]*>\s+_:)")


def _lines(path: Path) -> Iterator[bytes]:
    try:
        with open(path, "rb") as handle:
            for line in handle:
                stripped = line.strip()
                if stripped and not stripped.startswith(b"#"):
                    yield stripped + b"\n"
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from None


# -- the command ------------------------------------------------------------------------------

def _progress_bar(stream=None) -> Callable[[int, int], None]:
    stream = stream or sys.stderr
    interactive = stream.isatty()
    shown = {"step": -1}

    def show(done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        if not interactive:
            step = int(fraction * 10)
            if step == shown["step"]:
                return
            shown["step"] = step
        filled = int(fraction * 30)
        line = f"loading [{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%} {done}/{total} triples"
        stream.write(("\r" + line) if interactive else (line + "\n"))
        if interactive and done >= total:
            stream.write("\n")
        stream.flush()

    return show


def cmd_load(args) -> int:
    from .cli import UsageError, open_store_from

    if not args.endpoint:
        raise UsageError("load pushes the graph to a SPARQL server: give --endpoint QUERY_URL")
    limits = input_limits.from_options(args, input_limits.CLI_LOAD)
    store = open_store_from(args)
    try:
        with input_limits.watch(limits, "the load"):
            report = store.load(chunk_triples=args.chunk, progress=None if args.quiet else _progress_bar(),
                                limits=limits)
    except input_limits.LimitExceeded as exc:
        raise StoreError(f"{exc}; the previous graph was left in place") from None
    print(f"loaded {report.triples} triples into <{report.graph}> at {store.endpoint} "
          f"in {report.seconds:.1f} s ({report.rate:,.0f} triples/s)")
    return 0


def register_command(subparsers, store_options) -> None:
    parser = subparsers.add_parser(
        "load", help="push the built graph into a named graph of a SPARQL 1.1 server (replaces it)",
        description="Push the built graph (text, ontology, obligations, shapes) into a named graph of a "
                    "SPARQL 1.1 server: in chunks into a temporary graph, then switched in one update, "
                    "so the previous graph stays until the new one is complete.")
    parser.add_argument("--chunk", type=int, default=10_000, metavar="N", help="triples per request (default 10000)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    input_limits.add_options(parser, input_limits.CLI_LOAD)
    store_options(parser)
    parser.set_defaults(func=cmd_load)
