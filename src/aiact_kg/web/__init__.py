"""The researcher's front end: the Act to read, search and query, served from the graph.

``create_app(config)`` builds the Flask application, one blueprint per feature:

- ``browse``: home (structure and key dates), article, recital, annex, chapter and section
  pages, the text as printed with every reference and defined term as a link;
- ``resources``: every IRI of the graph dereferenceable on the server, by content negotiation
  (HTML, Turtle, JSON-LD, RDF/XML, N-Triples);
- ``search``: full text in English and French, and jumps to a cited provision;
- ``sparql``: the SPARQL 1.1 Protocol endpoint (read-only, with a timeout and a result cap)
  and the query editor;
- ``definitions``, ``obligations``, ``timeline``, ``ontology_docs``: the glossary of Article 3,
  the obligations by actor, the dates of Article 113, the ontology reference;
- ``coverage``: what the graph models of each article, and the gaps;
- ``validate``: checks a description of an AI system, when ``aiact_kg.validation`` is there;
- ``link``: links the citations of the Act in a pasted or uploaded commentary.

Every page is rendered from named queries (``queries/``); templates and static files are in
the ``web/`` data folder. ``aiact-kg serve`` runs the application under waitress (:mod:`.inline`).

Configuration (``create_app({...})``):

``STORE``            the store to serve (default: the embedded store over the built graph)
``BASE``             base of the graph's IRIs (default: the store's)
``SPARQL_TIMEOUT``   seconds a /sparql query may run (10)
``SPARQL_LIMIT``     most rows or triples a /sparql answer carries (10,000)
``SPARQL_WORKERS``   query processes for the embedded store (1), besides the light lane's; 0 runs queries in the server
``SPARQL_LIGHT_WORKERS`` more query processes kept for light queries (1)
``SPARQL_MEMORY``    resident memory a query process may reach, bytes (512 MiB); past it, 503
``SPARQL_QUEUE``     queries that may wait for a worker (16); beyond, 429 with Retry-After
``SPARQL_PER_CLIENT`` heavy queries one client address may have running or waiting (2)
``SPARQL_IN_PROCESS`` answer queries of a small cost estimate in the server process (True)
``SPARQL_ANSWER_CACHE`` bytes of those answers kept for identical requests (8 MiB; 0: none),
                     emptied when commentary is loaded (:mod:`.answer_cache`)
``PAGE_CACHE``       keep rendered pages (True): the graph does not change while served
``PAGE_CACHE_BYTES`` most the page cache holds, bytes (2 MiB); the least recently used page goes first
``SPARQL_DECISIONS_BYTES`` most the decisions kept on /sparql query texts take, bytes (2 MiB)
"""

from __future__ import annotations

import importlib
import os
import threading

from flask import Flask, Response, render_template, request
from flask.templating import Environment
from werkzeug.exceptions import HTTPException

from .. import paths
from .graph import PAGE_CACHE_BYTES, Site, site

DEFAULTS = {
    "SPARQL_TIMEOUT": 10.0,
    "SPARQL_LIMIT": 10_000,
    "SPARQL_WORKERS": 1,  # with the light lane's, one a core of a 2-core machine: each costs 13 MiB
    "SPARQL_LIGHT_WORKERS": 1,
    "SPARQL_MEMORY": 512 * 1024 * 1024,
    "SPARQL_QUEUE": 16,
    "SPARQL_PER_CLIENT": 2,
    "SPARQL_IN_PROCESS": True,
    "SPARQL_ANSWER_CACHE": 8 * 1024 * 1024,
    "PAGE_CACHE": True,
    "PAGE_CACHE_BYTES": PAGE_CACHE_BYTES,
    "SPARQL_DECISIONS_BYTES": 2 * 1024 ** 2,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "JSON_SORT_KEYS": False,
}

#: No script or style from anywhere but this server, and none inline.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = [("Content-Security-Policy", CONTENT_SECURITY_POLICY), ("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY")]

BLUEPRINTS = ("browse", "printview", "search", "sparql", "definitions", "obligations", "timeline",
              "ontology_docs", "validate", "link", "coverage", "download", "resources")


class _Templates(Environment):
    """Flask's template environment, reading ``row.name`` of a plain dict (a query's row, the
    entries pages build) as its item at once. Jinja tries the attribute first and takes the
    item when that raises; a page of an article reads some 1,500 such names, and the raised
    errors were a tenth of its time. The same value as Jinja gives: a name that is an
    attribute of every dict (``items``, ``get``...) is still read as the attribute."""

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


_DICT_ATTRIBUTES = frozenset(dir(dict))


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(paths.WEB / "templates"),
                static_folder=str(paths.WEB / "static"), static_url_path="/static")
    app.jinja_environment = _Templates
    app.config.from_mapping(DEFAULTS)
    if config:
        app.config.update(config)
    store = app.config.get("STORE")
    if store is None:
        from ..store import EmbeddedStore

        store = EmbeddedStore(base=app.config.get("BASE"))
    base = app.config.get("BASE") or getattr(store, "base", None)
    if base is None:
        from ..build import configured_base

        base = configured_base()
    app.extensions["aiact_kg"] = Site(store, base, cache_bytes=app.config["PAGE_CACHE_BYTES"]
                                      if app.config["PAGE_CACHE"] else 0)

    for name in BLUEPRINTS:
        module = importlib.import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp)

    from . import i18n, query_policy, sparql

    query_policy.CACHE_BYTES = app.config["SPARQL_DECISIONS_BYTES"]  # one table for the process
    fast_path = app.extensions["aiact_kg.fast_path"] = sparql.FastPath(app, app.wsgi_app, SECURITY_HEADERS)
    app.wsgi_app = i18n.LanguagePrefix(fast_path)
    app.jinja_env.globals.update(nav_items=_nav_items, lang_url=_lang_url, href=_href, label_of=_label_of,
                                 link=_link, _=i18n.gettext, ui_lang=i18n.interface_lang, ui_path=i18n.ui_path,
                                 switch_url=i18n.switch_url, translate=i18n.translate,
                                 lang_query=i18n.lang_query, colon=i18n.colon, quoted=i18n.quoted)
    app.jinja_env.filters["long_date"] = i18n.long_date
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.bytecode_cache = _template_cache()
    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    warm(app, workers=False)
    return app


def _template_cache():
    """Compiled templates kept in the build cache (``templates/``), so that a fresh process
    does not compile them again before its first page; Jinja checks each against its
    template's source. None where the cache cannot be written: templates are compiled then."""
    from jinja2 import FileSystemBytecodeCache

    folder = paths.cache_dir() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(folder, os.W_OK):
        return None
    return FileSystemBytecodeCache(str(folder))


def _nav_items() -> list[tuple[str, str]]:
    """The main menu: each page's path in the reader's interface and its name (in English,
    translated by the template)."""
    from .i18n import ui_path

    return [(ui_path(path), name) for path, name in _NAV]


_NAV = [("/", "Home"), ("/definitions", "Definitions"), ("/obligations", "Obligations"),
            ("/timeline", "Timeline"), ("/search", "Search"), ("/sparql", "SPARQL"), ("/validate", "Validate"),
            ("/link", "Link a text"), ("/ontology", "Ontology"), ("/download", "Download")]


def _href(local_id: str, lang: str = "en", page: str | None = None) -> str:
    """Link to a subdivision of the Act by its local id, in the page's language."""
    return site().href(local_id, lang, page)


def _label_of(value: str, lang: str = "en") -> str:
    """How the law cites a subdivision given by local id or IRI ("Article 5(1), point (a)")."""
    s = site()
    local = s.local_id(value) if "/" in value else value
    return s.label(local, lang) if local else value


def _link(iri: str) -> str:
    """Where a link to an IRI goes from a page: a subdivision's page in the text of the page's
    prefix, any other page of this server under that prefix, else the IRI itself."""
    from .i18n import prefixed, ui_path
    from .resources import link_of

    s = site()
    local = s.local_id(iri)
    if local:
        return s.href(local, prefixed() or "en")
    return ui_path(link_of(iri))


def _lang_url(lang: str) -> str:
    """The current page in another language (``?lang=fr``), other parameters kept."""
    args = request.args.to_dict()
    if lang == "en":
        args.pop("lang", None)
    else:
        args["lang"] = lang
    from urllib.parse import urlencode

    query = urlencode(args)
    from .i18n import ui_path

    return ui_path(request.path) + (f"?{query}" if query else "")


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS:
        response.headers.setdefault(name, value)
    return response


def _wants_html() -> bool:
    """The client named HTML among what it accepts (a browser), not only */*."""
    return any(value == "text/html" for value, quality in request.accept_mimetypes if quality > 0)


def _http_error(error: HTTPException):
    if error.code and error.code < 400:
        return error
    message = error.description or error.name
    if request.path.startswith("/sparql") and not _wants_html():
        from . import i18n

        lang = i18n.answer_lang()
        colon = " : " if lang == "fr" else ": "  # French sets a space before a colon
        response = Response(f"{error.code} {i18n.translate(error.name, lang)}{colon}{i18n.translate(message, lang)}\n",
                            status=error.code, mimetype="text/plain")
        response.vary.add("Accept-Language")
    else:
        response = Response(render_template("error.html", error=error, message=message), status=error.code)
    if request.path.startswith("/sparql"):
        response.headers["Access-Control-Allow-Origin"] = "*"
    for name, value in (error.get_headers() or []):
        if name.lower() in ("allow", "retry-after"):
            response.headers[name] = value
    return response


def _unexpected_error(error: Exception):
    from flask import current_app
    from werkzeug.exceptions import InternalServerError

    current_app.logger.exception("unexpected error on %s", request.path)
    return _http_error(InternalServerError("The server could not render this page."))


def warm(app: Flask, workers: bool = True) -> None:
    """Work out at start what every page would otherwise wait for on first use: the
    subdivisions and terms of the graph and their index; and, for ``serve`` (``workers``), the
    query processes of /sparql, started before it listens (tests start them on first use), and
    in the background while the server starts, the endpoint's statistics for its cost estimate, the search index (a search that comes first
    waits for it), the SPARQL editor's vocabulary and the facts of the Act's text (pages ask
    their own queries until they are there: :func:`printed.text_facts_ready`), then one page
    of each kind (:func:`render_each_kind`). Without
    ``workers`` the search index is built by the first search, the vocabulary by the first
    editor and the text's facts after the first page that needs them, so that the first page
    of a fresh process is not kept waiting for them."""
    from . import sparql

    with app.app_context():
        s = site()
        s.subdivisions, s.terms, s.term_matchers  # noqa: B018 (computed and kept)
        if workers:
            sparql.statistics(app)  # read in a thread of their own (else at the first query)
            threading.Thread(target=_warm_in_background, args=(app,), name="warm", daemon=True).start()
            pool = sparql.pool()
            if pool is not None:
                pool.wait_ready()


def _warm_in_background(app: Flask) -> None:
    """For ``serve`` while it starts: the search index, then the facts of the Act's text and
    the SPARQL editor's vocabulary, one after the other, then the memory start-up used and
    dropped is handed back to the system. One after the other because what is built side by
    side interleaves in memory with the rows it is read from, and the holes those leave
    cannot be given back; the index first because the facts then fill the holes its rows
    leave (4 MiB less than the other way round)."""
    from ..sandbox import release_free_memory
    from . import printed, search, sparql_editor

    with app.app_context():
        search.index(app)
        printed.prepare_text_facts(site()).wait()
        sparql_editor.vocabulary()
    render_each_kind(app)
    release_free_memory()


#: One page of each kind readers ask most, and what it is asked in, for :func:`render_each_kind`.
WARM_PAGES = (("/", "text/html"), ("/reg/2024/1689/art_3", "text/html"), ("/reg/2024/1689/rct_1", "text/html"),
              ("/reg/2024/1689/anx_III", "text/html"), ("/reg/2024/1689/cpt_III", "text/html"),
              ("/definitions", "text/html"), ("/obligations", "text/html"), ("/timeline", "text/html"),
              ("/search?q=provider", "text/html"), ("/sparql", "text/html"),
              ("/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D", "application/sparql-results+json"))


def render_each_kind(app: Flask) -> list[int]:
    """Render one page of each kind (:data:`WARM_PAGES`) as a reader would ask it, for
    ``serve`` once the facts are read: what every first page of a kind does once (its
    templates compiled, the citation parser's index of the Act built by the first search,
    rdflib's SPARQL grammar built by the first query checked) is done before the server's
    memory is read after start, and later requests only fill the bounded caches. In the
    background, after the server listens: the first page of a fresh start is not kept
    waiting. Returns the status of each page (a page that fails is left to its first
    reader, who gets the error the page gives)."""
    client = app.test_client()
    statuses = []
    for path, accept in WARM_PAGES:
        try:
            statuses.append(client.get(path, headers={"Accept": accept}).status_code)
        except Exception:  # noqa: BLE001 - a warm-up never stops the server; the page is asked again
            statuses.append(500)
    return statuses


# -- the command line -------------------------------------------------------------------------

def register_command(subparsers, store_options) -> None:
    """``aiact-kg serve``: the front end under waitress (or Flask's server with --debug)."""
    p = subparsers.add_parser("serve", help="serve the front end and the SPARQL endpoint")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    p.add_argument("--threads", type=int, default=None,
                   help="request threads of the server (default: enough for every /sparql query the workers run "
                        "or queue, and 8 more; 26 with the default workers)")
    p.add_argument("--sparql-timeout", type=float, default=DEFAULTS["SPARQL_TIMEOUT"], metavar="SECONDS",
                   help="longest a /sparql query may run (default 10)")
    p.add_argument("--sparql-limit", type=int, default=DEFAULTS["SPARQL_LIMIT"], metavar="ROWS",
                   help="most rows or triples in a /sparql answer (default 10000)")
    p.add_argument("--sparql-memory", type=int, default=DEFAULTS["SPARQL_MEMORY"] // 2 ** 20, metavar="MIB",
                   help="resident memory one /sparql query process may reach (default 512)")
    p.add_argument("--sparql-workers", type=int, default=DEFAULTS["SPARQL_WORKERS"], metavar="N",
                   help="query processes for any query, besides the one kept for light queries (default 1)")
    p.add_argument("--sparql-answer-cache", type=int, default=DEFAULTS["SPARQL_ANSWER_CACHE"] // 2 ** 20,
                   metavar="MIB", help="answers of cheap /sparql queries kept for identical requests (default 8; 0: none)")
    p.add_argument("--page-cache", type=float, default=DEFAULTS["PAGE_CACHE_BYTES"] / 2 ** 20, metavar="MIB",
                   help="most memory the rendered pages kept may take; 0 keeps none "
                        f"(default {DEFAULTS['PAGE_CACHE_BYTES'] // 2 ** 20})")
    p.add_argument("--debug", action="store_true", help="Flask's development server, with reloading")
    store_options(p)
    p.set_defaults(func=cmd_serve)


#: Request threads beyond those /sparql queries may hold: pages, searches, validations.
SPARE_THREADS = 8


def request_threads(workers: int, light_workers: int = DEFAULTS["SPARQL_LIGHT_WORKERS"],
                    queue: int = DEFAULTS["SPARQL_QUEUE"]) -> int:
    """The request threads ``serve`` runs by default. A query sent to a worker holds its
    request thread while it runs or waits: with fewer threads than the queries the workers
    run and queue, clients from a few addresses could hold them all with heavy queries, and
    a query of the light lane, or a page, would wait for a thread up to the time limit.
    Beyond the queue a query gets 429 at once, so this many are never all held by /sparql.
    An idle thread costs a stack and no time: with 8, 16 or 24 threads the server answers
    the queries of bench/sparql.py at the same rate, within the noise of a shared machine."""
    return workers + light_workers + queue + SPARE_THREADS


def serving_store(args):
    """``serve``'s embedded store when none is named: a copy on disk of the store the query
    workers read (:meth:`aiact_kg.store.EmbeddedStore.private_copy`), not the graph loaded in
    memory a second time."""
    from .. import build
    from ..query_workers import shared_store
    from ..store import EmbeddedStore

    base = build.configured_base(args.base)
    files = build.graph_files(base)
    return EmbeddedStore.private_copy(shared_store([str(f) for f in files]), base=args.base, files=files)


def cmd_serve(args) -> int:
    from ..cli import UsageError, open_store_from

    if not 0 < args.port < 65536:
        raise UsageError(f"--port {args.port}: expected a port number from 1 to 65535")
    if args.sparql_timeout <= 0:
        raise UsageError("--sparql-timeout: expected a positive number of seconds")
    from ..sandbox import steady_malloc

    steady_malloc()  # before the store, the request threads and the query threads allocate
    if args.sparql_memory < 64 or args.sparql_workers < 1:
        raise UsageError("--sparql-memory: at least 64 (MiB); --sparql-workers: at least 1")
    if args.sparql_answer_cache < 0:
        raise UsageError("--sparql-answer-cache: expected 0 or more (MiB)")
    if not args.page_cache >= 0:
        raise UsageError(f"--page-cache {args.page_cache:g}: expected a size in MiB, 0 or more")
    threads = args.threads if args.threads is not None else request_threads(args.sparql_workers)
    if threads < 1:
        raise UsageError("--threads: at least 1")
    store = serving_store(args) if not (args.store or args.endpoint) else open_store_from(args)
    app = create_app({"STORE": store, "SPARQL_TIMEOUT": args.sparql_timeout, "SPARQL_LIMIT": args.sparql_limit,
                      "SPARQL_MEMORY": args.sparql_memory * 2 ** 20, "SPARQL_WORKERS": args.sparql_workers,
                      "SPARQL_ANSWER_CACHE": args.sparql_answer_cache * 2 ** 20,
                      "PAGE_CACHE_BYTES": int(args.page_cache * 2 ** 20)})
    warm(app, workers=True)
    if args.debug:
        app.run(host=args.host, port=args.port, debug=True, use_reloader=False)
        return 0
    from . import inline

    print(f"aiact-kg: serving {store.description} on http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    stopping = _exit_on_terminate()
    try:
        inline.serve(app, host=args.host, port=args.port, threads=threads, ident="aiact-kg",
                     channel_timeout=max(30, int(args.sparql_timeout) + 20))
    finally:
        stopping()
    return 0


def _exit_on_terminate():
    """SIGTERM (a service manager stopping the server) ends ``serve`` as Ctrl-C does: the
    process exits through Python, so what it registered to remove at exit (its copy of the
    store) is removed. Returns what puts the former handler back."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the clean-up short
        raise SystemExit(0)

    former = signal.signal(signal.SIGTERM, stop)
    return lambda: signal.signal(signal.SIGTERM, former)
