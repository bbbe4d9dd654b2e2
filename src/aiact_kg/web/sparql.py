"""The SPARQL 1.1 Protocol endpoint at /sparql, and the query editor.

SPARQL 1.1 Protocol, https://www.w3.org/TR/sparql11-protocol/ §2.1 (query operation):

- GET with ``query=``; POST form-encoded with ``query=``; POST ``application/sparql-query``;
- results by ``Accept``: application/sparql-results+json and +xml, text/csv,
  text/tab-separated-values; graphs (CONSTRUCT, DESCRIBE) as Turtle, JSON-LD, N-Triples or
  RDF/XML. The ``format``/``output`` parameters some clients send (SPARQLWrapper) are honoured;
- read-only: an update (``update=``, application/sparql-update, or INSERT, DELETE, LOAD…) is
  refused with 403, and so is SERVICE (no query reaches out to the network), both decided on
  the parsed query (:mod:`.query_policy`); the worker processes cannot open a network
  connection at all, and on a SPARQL server the query goes to that server only;
- a timeout (``SPARQL_TIMEOUT``, 10 s) and a memory cap per worker (``SPARQL_MEMORY``,
  512 MiB) past which the query's worker is stopped and replaced (503), and a cap on the rows
  or triples of an answer (``SPARQL_LIMIT``; header ``X-SPARQL-Truncated``);
- fair queueing: a lane of workers for light queries, at most ``SPARQL_PER_CLIENT`` heavy
  queries per client and ``SPARQL_QUEUE`` waiting in all (429 with ``Retry-After`` beyond);
- error messages name the problem in our words: a body another server sent is never echoed;
- CORS: any origin may query with GET.

A query whose cost estimate is small (:func:`.query_policy.estimate`: one basic graph
pattern whose joins the statistics of the graph bound to :data:`.query_policy.IN_PROCESS_WORK`
bindings, and no ``service`` in its text) is answered in the server process on the embedded
store, which ``Store.query`` only reads, without the round trip to a worker (its answer
cannot take long enough for a timeout to matter); every other query goes to a worker. A GET
of such a query is answered before Flask builds its request (:class:`FastPath`), with the
same headers; anything else, and any query that fails there, is handed to Flask, so every
error comes from one place. ``SPARQL_IN_PROCESS`` False sends every query to the workers.
The fast path keeps its answers for the next identical request (:mod:`.answer_cache`:
``SPARQL_ANSWER_CACHE`` bytes, by query string and negotiated types, emptied when
commentary is loaded); a kept answer skips the engine and the serializer, not the checks.

A browser that opens /sparql gets the editor: CodeMirror 6 with its SPARQL mode
(:file:`web/static/sparql.js` over the bundle in :file:`web/static/vendor/codemirror/`), the
graph's prefixes and terms to complete from ``/sparql/terms`` (:mod:`.sparql_editor`),
results as a table linked to the site's pages, a chart and downloads. Without JavaScript the
form still runs the query and the results come back as an HTML table with the same links and
downloads. The named queries of ``queries/`` are its examples.
"""

from __future__ import annotations

import re
import threading
import urllib.parse
from functools import lru_cache

from flask import Blueprint, Response, abort, current_app, render_template, request
from werkzeug.datastructures import MIMEAccept, MultiDict
from werkzeug.exceptions import HTTPException, ServiceUnavailable, TooManyRequests
from werkzeug.http import parse_accept_header

from .. import queries
from ..store import QueryError, StoreError
from . import query_policy
from .graph import site
from ..query_workers import RESULT_TYPES, Answer, QueryFailed, QueryPool, run_query

bp = Blueprint("sparql", __name__)

HTML = "text/html"
GRAPH_TYPES = ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml")
#: Other names clients use for the formats: media types and the ``format`` parameter's words.
RESULT_ALIASES = {"application/json": "application/sparql-results+json", "application/xml": "application/sparql-results+xml",
                  "text/xml": "application/sparql-results+xml", "json": "application/sparql-results+json",
                  "xml": "application/sparql-results+xml", "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_ALIASES = {"application/json": "application/ld+json", "application/xml": "application/rdf+xml",
                 "text/xml": "application/rdf+xml", "text/plain": "application/n-triples",
                 "json": "application/ld+json", "json-ld": "application/ld+json", "jsonld": "application/ld+json",
                 "xml": "application/rdf+xml", "rdf+xml": "application/rdf+xml", "rdf": "application/rdf+xml",
                 "turtle": "text/turtle",
                 "ttl": "text/turtle", "n3": "text/turtle", "nt": "application/n-triples",
                 "n-triples": "application/n-triples", "ntriples": "application/n-triples"}
#: The parameters in which a client names the format it wants.
FORMAT_PARAMETERS = ("format", "output", "results")
MAX_QUERY_LENGTH = 100_000
#: The query the editor opens with: one that needs no binding.
DEFAULT_EXAMPLE = "subdivision-counts"

_pool_lock = threading.Lock()


def pool() -> QueryPool | None:
    """The worker processes of the embedded store, started on first use; None for other stores
    or when ``SPARQL_WORKERS`` is 0."""
    app = current_app
    if "aiact_kg.pool" in app.extensions:
        return app.extensions["aiact_kg.pool"]
    store = site().store
    files = getattr(store, "files", None)
    if not files or not app.config["SPARQL_WORKERS"] or not hasattr(store, "raw"):
        app.extensions["aiact_kg.pool"] = None
        return None
    with _pool_lock:
        if "aiact_kg.pool" not in app.extensions:
            app.extensions["aiact_kg.pool"] = QueryPool(
                files, size=app.config["SPARQL_WORKERS"], timeout=app.config["SPARQL_TIMEOUT"],
                limit=app.config["SPARQL_LIMIT"], memory=app.config["SPARQL_MEMORY"],
                light=app.config["SPARQL_LIGHT_WORKERS"], queue=app.config["SPARQL_QUEUE"],
                per_client=app.config["SPARQL_PER_CLIENT"])
    return app.extensions["aiact_kg.pool"]


def _check_formats(values) -> None:
    """Refuse a format parameter that names no format the endpoint writes: a client that asks
    for one by a name it does not know gets told, not another format."""
    known = set(RESULT_TYPES) | set(GRAPH_TYPES) | set(RESULT_ALIASES) | set(GRAPH_ALIASES)
    for name in FORMAT_PARAMETERS:
        for value in values.getlist(name):
            if value.strip() and value.strip().lower() not in known:
                abort(400, description=f"Unknown format '{value.strip()[:100]}' in the '{name}' parameter: expected json, "
                                       "xml, csv, tsv, turtle, json-ld, n-triples, rdf+xml or one of their media types.")


def _choose(aliases: dict, offered: tuple, default: str, values, accept: MIMEAccept) -> str:
    for name in FORMAT_PARAMETERS:
        for value in values.getlist(name):
            value = value.strip().lower()
            if value in offered:
                return value
            if value in aliases:
                return aliases[value]
    if not accept or accept.best == "*/*":
        return default
    best = accept.best_match(list(offered) + list(k for k in aliases if "/" in k))
    if best is None:
        return default
    return aliases.get(best, best)


def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "X-SPARQL-Truncated"
    return response


def _browser(values, accept: MIMEAccept) -> bool:
    """A browser asked (the editor's form without JavaScript): answer with an HTML page."""
    if any(values.get(k) for k in ("format", "output")):
        return False
    best = accept.best_match([HTML] + list(RESULT_TYPES) + list(GRAPH_TYPES))
    return best == HTML and any(value == HTML for value, quality in accept if quality > 0)


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    if request.method == "OPTIONS":
        response = Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        response.headers["Allow"] = "GET, POST, OPTIONS"
        return _cors(response)
    text = _query_text()
    _check_formats(request.values)
    browser = _browser(request.values, request.accept_mimetypes)
    if text is None:
        if request.method == "GET" and browser:
            return editor()
        abort(400, description="Give a SPARQL query: the 'query' parameter, or a POST with "
                               "Content-Type application/sparql-query.")
    if browser:  # the editor's form: its answer, or why there is none, on the editor's page
        try:
            return editor(text, _run(_decide(text), "application/sparql-results+json", "text/turtle"))
        except HTTPException as exc:
            return editor(text, error=exc)
    decision = _decide(text)
    results_type = _choose(RESULT_ALIASES, RESULT_TYPES, "application/sparql-results+json", request.values,
                           request.accept_mimetypes)
    graph_type = _choose(GRAPH_ALIASES, GRAPH_TYPES, "text/turtle", request.values, request.accept_mimetypes)
    result = _run(decision, results_type, graph_type)
    response = Response(result.data)
    for name, value in _answer_headers(result, current_app.config["SPARQL_LIMIT"], cors=request.method == "GET"):
        response.headers[name] = value
    return response


def _answer_headers(result: Answer, limit: int, cors: bool) -> list[tuple[str, str]]:
    """The headers of an answer (the security headers are the application's)."""
    media_type = result.media_type
    if media_type.startswith("text/") or media_type.endswith("json"):
        media_type += "; charset=utf-8"
    headers = [("Content-Type", media_type), ("Vary", "Accept")]
    if result.truncated:
        headers.append(("X-SPARQL-Truncated", f"at most {limit} results"))
    if cors:
        headers += [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", "X-SPARQL-Truncated")]
    return headers


def _query_text() -> str | None:
    if request.method == "GET":
        if "update" in request.args:
            abort(403, description="This endpoint is read-only: SPARQL updates are refused.")
        values = request.args.getlist("query")
    else:
        mimetype = request.mimetype
        if mimetype == "application/sparql-update":
            abort(403, description="This endpoint is read-only: SPARQL updates are refused.")
        if mimetype == "application/sparql-query":
            data = request.get_data(cache=False)
            if len(data) > MAX_QUERY_LENGTH:
                abort(413, description=f"The query is longer than {MAX_QUERY_LENGTH} bytes.")
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                abort(400, description="The query is not valid UTF-8.")
        if mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            abort(415, description="POST a query as application/x-www-form-urlencoded or application/sparql-query.")
        if "update" in request.form:
            abort(403, description="This endpoint is read-only: SPARQL updates are refused.")
        values = request.form.getlist("query")
    if not values:
        return None
    if len(values) > 1:
        abort(400, description="Give exactly one 'query' parameter.")
    if len(values[0]) > MAX_QUERY_LENGTH:
        abort(413, description=f"The query is longer than {MAX_QUERY_LENGTH} characters.")
    return values[0] if values[0].strip() else None


def _decide(text: str) -> query_policy.Decision:
    remote = not hasattr(site().store, "raw")
    try:
        return query_policy.decide(text, remote=remote)
    except query_policy.Refused as exc:
        if exc.status == 400:
            abort(400, description=f"The query is not valid SPARQL 1.1: {exc}")
        abort(exc.status, description=str(exc))


def _run(decision: query_policy.Decision, results_type: str, graph_type: str) -> Answer:
    app = current_app._get_current_object()
    text = decision.text
    bound = _estimate(app, decision)
    try:
        if bound is not None and bound[0] <= query_policy.IN_PROCESS_WORK and app.config["SPARQL_IN_PROCESS"]:
            return run_query(site().store.raw, text, results_type, graph_type, app.config["SPARQL_LIMIT"], bound[1])
        workers = pool()
        if workers is not None:
            return workers.query(text, results_type, graph_type, light=decision.light,
                                 client=request.remote_addr or "", most_rows=bound and bound[1])
        store = site().store
        if hasattr(store, "raw"):
            return run_query(store.raw, text, results_type, graph_type, app.config["SPARQL_LIMIT"],
                             bound and bound[1])
        wanted = graph_type if decision.form in ("CONSTRUCT", "DESCRIBE") else results_type
        data, media_type = store.protocol(text, wanted)
        return Answer(data, media_type, form={"SELECT": "select", "ASK": "ask"}.get(decision.form, "graph"))
    except QueryFailed as exc:
        if exc.reason == "syntax":
            abort(400, description=f"The query is not valid SPARQL 1.1: {exc}")
        if exc.reason in ("queue-full", "client-busy"):
            raise TooManyRequests(description=f"The query was not queued: {exc}. Try again in a few seconds.",
                                  retry_after=_retry_after()) from None
        if exc.reason in ("timeout", "busy", "memory"):
            raise ServiceUnavailable(description=f"The query was not answered: {exc}.",
                                     retry_after=_retry_after()) from None
        abort(400, description=f"The query could not be answered: {exc}")
    except QueryError as exc:
        current_app.logger.info("the SPARQL server refused a query: %s", exc)
        abort(400, description="The SPARQL server behind this endpoint refused the query.")
    except StoreError as exc:
        current_app.logger.warning("the SPARQL server could not answer: %s", exc)
        status = getattr(exc, "status", None)
        abort(502, description="The SPARQL server behind this endpoint could not answer"
                               + (f" (HTTP {status})." if status else "."))


def _retry_after() -> int:
    return max(1, int(current_app.config["SPARQL_TIMEOUT"] / 2))


# -- answers in the server process --------------------------------------------------------------

class _Statistics:
    """The statistics of the embedded store for the cost estimate, read once in a thread of
    their own (the first queries go to the workers until they are there)."""

    def __init__(self, store):
        self.value: query_policy.Statistics | None = None
        self.ready = threading.Event()
        self.estimate = lru_cache(maxsize=4096)(self._estimate)  # a shape's estimate, once
        threading.Thread(target=self._read, args=(store,), daemon=True, name="aiact-kg-statistics").start()

    def _read(self, store) -> None:
        try:
            self.value = query_policy.Statistics.of(store)
        except (OSError, RuntimeError, ValueError) as exc:  # no estimate: every query goes to the workers
            import logging

            logging.getLogger(__name__).warning("no statistics of the graph for the cost estimate: %s", exc)
        finally:
            self.ready.set()

    def _estimate(self, shape: query_policy.Shape) -> tuple[int, int]:
        return query_policy.estimate(shape, self.value)


def statistics(app, wait: float = 0) -> query_policy.Statistics | None:
    """The statistics of the embedded store (None for another store, or not read yet;
    ``wait`` seconds at most for them)."""
    found = app.extensions.get("aiact_kg.statistics")
    if found is None:
        store = app.extensions["aiact_kg"].store
        if not hasattr(store, "raw"):
            return None
        with _pool_lock:
            found = app.extensions.get("aiact_kg.statistics")
            if found is None:
                found = app.extensions["aiact_kg.statistics"] = _Statistics(store.raw)
    if wait:
        found.ready.wait(wait)
    return found.value


def _estimate(app, decision: query_policy.Decision) -> tuple[int, int] | None:
    """(bindings, rows) at most for the decision's query on the embedded store, or None."""
    if decision.shape is None or not hasattr(app.extensions["aiact_kg"].store, "raw"):
        return None  # (the store can be switched to a SPARQL server after start)
    found = app.extensions.get("aiact_kg.statistics")
    if found is None:
        statistics(app)
        return None
    return found.estimate(decision.shape) if found.value is not None else None


@lru_cache(maxsize=64)
def _negotiated(accept_header: str | None) -> tuple[str, str] | None:
    """(results type, graph type) for an Accept header and no format parameter; None when
    it asks for the editor."""
    accept = parse_accept_header(accept_header, MIMEAccept)
    none = MultiDict()
    if _browser(none, accept):
        return None
    return (_choose(RESULT_ALIASES, RESULT_TYPES, "application/sparql-results+json", none, accept),
            _choose(GRAPH_ALIASES, GRAPH_TYPES, "text/turtle", none, accept))


#: The WSGI environ key under which the server's main loop hands :class:`FastPath` the kept
#: answer it took for a request (:mod:`.inline`); no header can name it.
KEPT_ANSWER = "aiact_kg.kept_answer"


class FastPath:
    """WSGI middleware: a GET of /sparql with one ``query`` parameter, whose query the server
    process may answer (:func:`_estimate`), is answered here, with the headers the endpoint
    and the application give; every other request, a query refused or failed, goes on to
    Flask, which answers or explains it as always."""

    def __init__(self, app, wsgi_app, security_headers: list[tuple[str, str]]):
        from .answer_cache import AnswerCache

        self.app = app
        self.wsgi_app = wsgi_app
        self.security_headers = security_headers
        #: the answers given, for the next identical request (``SPARQL_ANSWER_CACHE`` bytes)
        self.answers = AnswerCache(app.config["SPARQL_ANSWER_CACHE"])

    def __call__(self, environ, start_response):
        found = environ.get(KEPT_ANSWER)  # taken for this request by the server's main loop (.inline)
        if found is None and environ.get("PATH_INFO") == "/sparql" and environ.get("REQUEST_METHOD") == "GET":
            found = self._answer(environ)
        if found is not None:
            data, headers = found
            start_response("200 OK", list(headers))  # (a kept answer's list stays as it is)
            return [data]
        return self.wsgi_app(environ, start_response)

    def _lookup(self, query_string: str, accept: str | None):
        """(key, generation, the answer kept or None) for a query string and an ``Accept``
        header, or None when the fast path does not answer such a request at all."""
        app = self.app
        if not app.config["SPARQL_IN_PROCESS"]:
            return None
        if not query_string.startswith("query=") or "&" in query_string or ";" in query_string:
            return None
        types = _negotiated(accept)
        if types is None:
            return None
        store = app.extensions["aiact_kg"].store
        if not hasattr(store, "raw"):
            return None
        generation = (store, store.generation)  # read before the query runs (AnswerCache.put)
        key = (query_string, *types)
        return key, generation, self.answers.get(key, generation)  # kept only once it passed every check

    def kept(self, query_string: str, accept: str | None) -> tuple[bytes, list] | None:
        """The answer kept for a GET of /sparql with this query string and ``Accept`` header,
        exactly what :meth:`__call__` would give it now, or None (a first request, another
        kind of request, an answer dropped)."""
        found = self._lookup(query_string, accept)
        return found[2] if found is not None else None

    def _answer(self, environ) -> tuple[bytes, list] | None:
        query_string = environ.get("QUERY_STRING", "")
        found = self._lookup(query_string, environ.get("HTTP_ACCEPT"))
        if found is None:
            return None
        key, generation, kept = found
        if kept is not None:
            return kept
        app = self.app
        store, types = generation[0], key[1:]
        text = urllib.parse.unquote_plus(query_string[6:], errors="replace")
        if len(text) > MAX_QUERY_LENGTH or not text.strip():
            return None
        try:
            decision = query_policy.decide(text)
        except query_policy.Refused:
            return None
        bound = _estimate(app, decision)
        if bound is None or bound[0] > query_policy.IN_PROCESS_WORK:
            return None
        limit = app.config["SPARQL_LIMIT"]
        try:
            result = run_query(store.raw, decision.text, types[0], types[1], limit, bound[1])
        except QueryFailed:
            return None
        headers = _answer_headers(result, limit, cors=True)
        headers.append(("Content-Length", str(len(result.data))))
        headers += self.security_headers
        self.answers.put(key, generation, result.data, headers)
        return result.data, headers


# -- the editor -----------------------------------------------------------------------------------

def examples() -> list[dict]:
    """The named queries, each with its title and description in the interface's language."""
    from .i18n import interface_lang

    lang = interface_lang()
    return [{"name": q.name, "title": q.title(lang), "description": _code_spans(q.describe(lang)), "bindings": q.bindings,
             "text": q.text} for q in queries.all_queries()]


def _code_spans(text: str) -> list[tuple[bool, str]]:
    """A description as (is code, text) pieces: what it writes between backticks (a query's
    name, a variable, a value: ``?status``) is code, shown as such and never translated."""
    pieces = re.split(r"`+([^`]+)`+", text)
    return [(i % 2 == 1, piece) for i, piece in enumerate(pieces) if piece]


def editor(text: str | None = None, result: Answer | None = None, error: HTTPException | None = None):
    """The editor's page: with ``text`` in the editor, and ``result`` in its results panel or
    the ``error`` that stopped the query (the page then has the error's status)."""
    import json

    table = None
    if result is not None and result.form == "select":
        parsed = json.loads(result.data)
        table = {"vars": parsed["head"]["vars"], "rows": parsed["results"]["bindings"], "truncated": result.truncated}
    elif result is not None and result.form == "ask":
        table = {"boolean": json.loads(result.data)["boolean"]}
    elif result is not None:
        table = {"graph": result.data.decode("utf-8", "replace")}
    chosen = request.args.get("example")
    if text is None and chosen:
        try:
            text = queries.load(chosen).text
        except queries.QueryNotFound:
            abort(404, description=f"No example query named {chosen!r}.")
    if text is None:
        text = queries.load(DEFAULT_EXAMPLE).text
    from . import sparql_editor

    known = sparql_editor.prefixes()
    downloads = sparql_editor.download_links(text, result.form) if result is not None else []
    nonce = sparql_editor.style_nonce()
    page = Response(render_template(
        "sparql/editor.html", query_text=text, table=table, examples=examples(), link=sparql_editor.page_link,
        short=lambda iri: sparql_editor.compact(iri, known) or iri, prefixes=known, downloads=downloads,
        download_formats=sparql_editor.download_formats(), link_rules=sparql_editor.link_rules(), style_nonce=nonce,
        error=error), status=error.code if error is not None else 200, mimetype=HTML)
    page.headers["Content-Security-Policy"] = sparql_editor.policy_with_style_nonce(nonce)
    for name, value in (error.get_headers() if error is not None else []):
        if name.lower() == "retry-after":
            page.headers[name] = value
    return page


@bp.get("/sparql/terms")
def terms():
    """The editor's prefixes and terms, as JSON (:mod:`.sparql_editor`)."""
    from . import sparql_editor

    return sparql_editor.response()
