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

A browser that opens /sparql gets the editor: CodeMirror 6 with its SPARQL mode
(:file:`web/static/sparql.js` over the bundle in :file:`web/static/vendor/codemirror/`), the
graph's prefixes and terms to complete from ``/sparql/terms`` (:mod:`.sparql_editor`),
results as a table linked to the site's pages, a chart and downloads. Without JavaScript the
form still runs the query and the results come back as an HTML table with the same links and
downloads. The named queries of ``queries/`` are its examples.
"""

from __future__ import annotations

import threading

from flask import Blueprint, Response, abort, current_app, render_template, request
from werkzeug.exceptions import ServiceUnavailable, TooManyRequests

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
                 "xml": "application/rdf+xml", "rdf+xml": "application/rdf+xml", "turtle": "text/turtle",
                 "ttl": "text/turtle", "n3": "text/turtle", "nt": "application/n-triples"}
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


def _choose(aliases: dict, offered: tuple, default: str) -> str:
    for name in ("format", "output", "results"):
        for value in request.values.getlist(name):
            value = value.strip().lower()
            if value in offered:
                return value
            if value in aliases:
                return aliases[value]
    accept = request.accept_mimetypes
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


def _browser() -> bool:
    """A browser asked (the editor's form without JavaScript): answer with an HTML page."""
    if any(request.values.get(k) for k in ("format", "output")):
        return False
    accept = request.accept_mimetypes
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
    if text is None:
        if request.method == "GET" and _browser():
            return editor()
        abort(400, description="Give a SPARQL query: the 'query' parameter, or a POST with "
                               "Content-Type application/sparql-query.")
    decision = _decide(text)
    if _browser():
        return editor(text, _run(decision, "application/sparql-results+json", "text/turtle"))
    results_type = _choose(RESULT_ALIASES, RESULT_TYPES, "application/sparql-results+json")
    graph_type = _choose(GRAPH_ALIASES, GRAPH_TYPES, "text/turtle")
    result = _run(decision, results_type, graph_type)
    response = Response(result.data, mimetype=result.media_type)
    if result.media_type.startswith("text/") or result.media_type.endswith("json"):
        response.headers["Content-Type"] = f"{result.media_type}; charset=utf-8"
    if result.truncated:
        response.headers["X-SPARQL-Truncated"] = f"at most {current_app.config['SPARQL_LIMIT']} results"
    response.headers["Vary"] = "Accept"
    return _cors(response) if request.method == "GET" else response


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
    workers = pool()
    text = decision.text
    try:
        if workers is not None:
            return workers.query(text, results_type, graph_type, light=decision.light,
                                 client=request.remote_addr or "")
        store = site().store
        if hasattr(store, "raw"):
            return run_query(store.raw, text, results_type, graph_type, current_app.config["SPARQL_LIMIT"])
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


# -- the editor -----------------------------------------------------------------------------------

def examples() -> list[dict]:
    return [{"name": q.name, "description": q.description, "bindings": q.bindings, "text": q.text}
            for q in queries.all_queries()]


def editor(text: str | None = None, result: Answer | None = None):
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
        download_formats=sparql_editor.download_formats(), link_rules=sparql_editor.link_rules(), style_nonce=nonce),
        mimetype=HTML)
    page.headers["Content-Security-Policy"] = sparql_editor.policy_with_style_nonce(nonce)
    return page


@bp.get("/sparql/terms")
def terms():
    """The editor's prefixes and terms, as JSON (:mod:`.sparql_editor`)."""
    from . import sparql_editor

    return sparql_editor.response()
