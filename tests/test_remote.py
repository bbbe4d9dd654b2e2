"""A SPARQL 1.1 server as the store (aiact_kg.remote): queries with bindings, loading that
replaces and is never half-visible, and faults reported as such. Real servers on loopback:
Oxigraph server and Virtuoso (tests/servers.py)."""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import rdflib
import rdflib.compare
from pyoxigraph import Literal

from aiact_kg.cli import main
from aiact_kg.remote import RemoteStore, default_graph
from aiact_kg.store import QueryError, StoreError

from iris import provision

pytest_plugins = ["servers"]


def free_port() -> int:
    from servers import free_port

    return free_port()

SHAPES_LIKE = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:ProviderShape a sh:NodeShape ;
    sh:targetClass ex:Provider ;
    sh:property [ sh:path ex:hasQualityManagementSystem ; sh:minCount 1 ;
                  sh:message "A provider puts a quality management system in place."@en ] ;
    sh:property [ sh:path ( ex:places [ sh:inversePath ex:onMarket ] ) ;
                  sh:in ( ex:a ex:b ex:c ex:d ex:e ) ] .
ex:Other ex:note "_: is not a blank node inside a literal" .
"""


def lines_of(path: Path) -> int:
    return sum(1 for line in path.open("rb") if line.strip())


def graphs_on(store: RemoteStore) -> set[str]:
    rows = store._query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", None, in_graph=False)
    return {row["g"].value for row in rows}


def as_rdflib(triples) -> rdflib.Graph:
    graph = rdflib.Graph()
    data = "".join(f"{t} .\n" for t in triples)
    return graph.parse(data=data, format="nt")


@pytest.fixture
def ntriples_of(tmp_path):
    def write(turtle: str, name: str = "data") -> Path:
        graph = rdflib.Graph().parse(data=turtle, format="turtle")
        target = tmp_path / f"{name}.nt"
        graph.serialize(target, format="nt", encoding="utf-8")
        return target

    return write


@pytest.fixture
def fresh_graph(request):
    """A named graph of its own for one test, dropped after."""
    stores = []

    def make(server, **options) -> RemoteStore:
        name = urllib.parse.quote(request.node.name, safe="")
        store = server.store(graph=f"https://example.org/test-graph/{name}/{len(stores)}", **options)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store._drop_quietly(store.graph)


# -- answers from a server ---------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_a_hostile_binding_comes_back_as_the_same_literal(request, backend):
    store = request.getfixturevalue(f"{backend}_store")
    before = store.count()
    hostile = 'x") } ; DROP ALL ; #\n"\\ é'
    rows = store.select("SELECT ?v WHERE { }", {"v": hostile})
    assert rows == [{"v": Literal(hostile)}]
    assert store.count() == before


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_an_update_sent_as_a_query_is_refused(request, backend):
    store = request.getfixturevalue(f"{backend}_store")
    before = store.count()
    with pytest.raises(QueryError, match="update"):
        store.select("DROP ALL")
    with pytest.raises(QueryError, match="update"):
        store.protocol("PREFIX ex: <http://e/> INSERT DATA { ex:a ex:b ex:c }", "application/sparql-results+json")
    assert store.count() == before


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_ask_construct_and_article_16_title_on_a_server(request, store, backend):
    remote = request.getfixturevalue(f"{backend}_store")
    query = "ASK { ?s <http://data.europa.eu/eli/ontology#title> ?t FILTER(LANG(?t) = ?lang) }"
    assert remote.ask(query, {"s": provision("art_16"), "lang": "en"}) is True
    assert remote.ask(query, {"s": provision("art_16"), "lang": "xx"}) is False
    assert set(remote.triples_about(provision("art_16"))) == set(store.triples_about(provision("art_16")))


@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "text/csv",
                                        "application/sparql-results+xml", "text/tab-separated-values"])
@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_the_sparql_protocol_answer_is_byte_for_byte_the_embedded_one(request, store, backend, media_type):
    remote = request.getfixturevalue(f"{backend}_store")
    from aiact_kg import queries

    text = queries.load("definitions").text
    assert remote.protocol(text, media_type, {"lang": "fr"}) == store.protocol(text, media_type, {"lang": "fr"})


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_export_from_a_server_is_the_whole_graph(request, graph_file, backend):
    remote = request.getfixturevalue(f"{backend}_store")
    exported = rdflib.Graph().parse(data=remote.export("application/n-triples"), format="nt")
    assert len(exported) == lines_of(graph_file)


def test_other_graphs_on_the_server_stay_out_of_the_answers(oxigraph_store):
    before = oxigraph_store.count()
    other = RemoteStore(oxigraph_store.endpoint, oxigraph_store.update_endpoint, graph="https://example.org/other-legislation")
    other.update("INSERT DATA { GRAPH <https://example.org/other-legislation> { "
                 "<https://example.org/act> a <https://w3id.org/aiact-kg/ontology#Article> } }")
    try:
        assert oxigraph_store.count() == before
        assert other.count() == 1
    finally:
        other._drop_quietly(other.graph)


def test_the_default_graph_is_named_after_the_base():
    assert default_graph() == "https://w3id.org/aiact-kg/graph"
    assert RemoteStore("http://127.0.0.1:1/q", base="https://example.org/kg").graph == "https://example.org/kg/graph"


# -- loading -----------------------------------------------------------------------------------

def test_a_second_load_replaces_the_graph_never_duplicates_it(oxigraph_server, fresh_graph, graph_file, tmp_path):
    store = fresh_graph(oxigraph_server)
    first = store.load([graph_file])
    assert first.triples == lines_of(graph_file) == store.count()
    store.load([graph_file])
    assert store.count() == first.triples
    part = tmp_path / "part.nt"
    part.write_bytes(b"".join(graph_file.read_bytes().splitlines(keepends=True)[:1000]))
    store.load([part])
    assert store.count() == 1000
    assert not {g for g in graphs_on(store) if g.startswith("urn:aiact-kg:loading:")}


@pytest.mark.parametrize("backend, protocol", [("oxigraph", "graph store"), ("oxigraph", "update"),
                                               ("virtuoso", "graph store"), ("virtuoso", "update")])
def test_blank_nodes_survive_loading_in_small_chunks(request, fresh_graph, ntriples_of, backend, protocol):
    server = request.getfixturevalue(f"{backend}_server")
    options = {} if protocol == "graph store" else {"store_endpoint": None}
    store = fresh_graph(server, **options)
    source = ntriples_of(SHAPES_LIKE)
    store.load([source, source], chunk_triples=2)
    loaded = as_rdflib(store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))
    expected = rdflib.Graph().parse(source, format="nt").parse(source, format="nt")  # two files: two sets of blank nodes
    assert len(expected) == 2 * 23 + 1
    assert rdflib.compare.isomorphic(loaded, expected)


def test_a_chunk_the_server_finds_too_big_is_sent_in_halves(virtuoso_server, fresh_graph, graph_file):
    # Virtuoso compiles an update to SQL and refuses more than 10000 lines of it, which
    # a few thousand triples of INSERT DATA exceed.
    store = fresh_graph(virtuoso_server, store_endpoint=None)
    report = store.load([graph_file], chunk_triples=8000)
    assert report.triples == store.count() == lines_of(graph_file)


class FaultyProxy:
    """An HTTP proxy in front of a server that fails Graph Store requests as told:
    ``fail(n)`` gives the status for the n-th data request (None: forward it), ``watch(n)``
    runs before the n-th is forwarded."""

    def __init__(self, target: str, fail=lambda n: None, watch=lambda n: None):
        self.target = target.rstrip("/")
        self.posts = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if self.path.startswith("/store"):
                    proxy.posts += 1
                    watch(proxy.posts)
                    status = fail(proxy.posts)
                    if status:
                        self.send_response(status)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                request = urllib.request.Request(proxy.target + self.path, data=body, method=self.command)
                for name in ("Content-Type", "Accept"):
                    if self.headers.get(name):
                        request.add_header(name, self.headers[name])
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:
                        status, data, kind = response.status, response.read(), response.headers.get("Content-Type")
                except urllib.error.HTTPError as exc:
                    status, data, kind = exc.code, exc.read(), exc.headers.get("Content-Type")
                self.send_response(status)
                if kind:
                    self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _through(proxy: FaultyProxy, store: RemoteStore, **options) -> RemoteStore:
    return RemoteStore(proxy.url + "/query", proxy.url + "/update", proxy.url + "/store", graph=store.graph, **options)


def test_a_failed_load_leaves_the_previous_graph_in_place(oxigraph_server, fresh_graph, graph_file, ntriples_of):
    store = fresh_graph(oxigraph_server)
    store.load([graph_file])
    before = store.count()
    title = store.select("SELECT ?t WHERE { ?a <http://data.europa.eu/eli/ontology#title> ?t FILTER(LANG(?t) = 'en') }",
                         {"a": provision("art_16")})
    replacement = ntriples_of(SHAPES_LIKE)
    with FaultyProxy(oxigraph_server.query_url.rsplit("/", 1)[0], fail=lambda n: 503 if n >= 3 else None) as proxy:
        failing = _through(proxy, store, retries=2, backoff=0.01)
        with pytest.raises(StoreError, match=r"HTTP 503.*after 3 attempts"):
            failing.load([graph_file, replacement], chunk_triples=5000)
    assert proxy.posts == 5  # two chunks in, then the third refused three times
    assert store.count() == before
    assert store.select("SELECT ?t WHERE { ?a <http://data.europa.eu/eli/ontology#title> ?t FILTER(LANG(?t) = 'en') }",
                        {"a": provision("art_16")}) == title
    assert not {g for g in graphs_on(store) if g.startswith("urn:aiact-kg:loading:")}


def test_a_load_retries_with_backoff_while_the_server_is_busy(oxigraph_server, fresh_graph, graph_file):
    store = fresh_graph(oxigraph_server)
    with FaultyProxy(oxigraph_server.query_url.rsplit("/", 1)[0], fail=lambda n: 503 if n in (2, 3) else None) as proxy:
        started = time.monotonic()
        report = _through(proxy, store, retries=3, backoff=0.2).load([graph_file], chunk_triples=5000)
        waited = time.monotonic() - started
    assert report.triples == store.count() == lines_of(graph_file)
    assert waited >= 0.2 + 0.4


def test_the_graph_is_never_half_visible_during_a_load(oxigraph_server, fresh_graph, graph_file, ntriples_of):
    store = fresh_graph(oxigraph_server)
    old = ntriples_of(SHAPES_LIKE)
    store.load([old])
    seen = []
    with FaultyProxy(oxigraph_server.query_url.rsplit("/", 1)[0], watch=lambda n: seen.append(store.count())) as proxy:
        _through(proxy, store).load([graph_file], chunk_triples=3000)
    assert len(seen) > 5 and set(seen) == {lines_of(old)}
    assert store.count() == lines_of(graph_file)


# -- faults ------------------------------------------------------------------------------------

def test_an_unreachable_endpoint_is_a_clear_error_naming_the_url():
    url = f"http://127.0.0.1:{free_port()}/query"
    store = RemoteStore(url, retries=2, backoff=0.01)
    with pytest.raises(StoreError, match=f"cannot reach the SPARQL server at {url}"):
        store.count()
    with pytest.raises(StoreError, match="cannot reach the SPARQL server at .*after 3 attempts"):
        store.update("CLEAR SILENT DEFAULT")


def test_a_load_that_cannot_reach_the_server_gives_up_after_bounded_retries(tmp_path):
    data = tmp_path / "one.nt"
    data.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    url = f"http://127.0.0.1:{free_port()}"
    store = RemoteStore(url + "/query", url + "/update", url + "/store", retries=3, backoff=0.05)
    started = time.monotonic()
    with pytest.raises(StoreError, match=r"cannot reach .*after 4 attempts"):
        store.load([data])
    assert 0.05 + 0.1 + 0.2 <= time.monotonic() - started < 10


def test_a_server_timeout_is_reported_as_a_timeout(graph_file):
    from servers import start_oxigraph

    server = start_oxigraph(timeout_s=1)
    try:
        store = server.store(timeout=60)
        store.load([graph_file])
        started = time.monotonic()
        with pytest.raises(StoreError, match="timed out"):
            store.select("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }")
        assert time.monotonic() - started < 30
    finally:
        server.stop()


class StubServer:
    """A one-route HTTP server answering every request the same way, after a delay."""

    def __init__(self, status=200, headers=None, body=b"", delay=0.0):
        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(delay)
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_partial_answer_after_a_virtuoso_time_limit_is_a_timeout_error():
    # Virtuoso's "anytime" answers carry the SQL state S1TAT: what came back is incomplete.
    stub = StubServer(headers={"Content-Type": "application/sparql-results+json", "X-SQL-State": "S1TAT",
                               "X-SQL-Message": "RC...: Returning incomplete results, query interrupted by result timeout."},
                      body=b'{"head":{"vars":["s"]},"results":{"bindings":[]}}')
    try:
        with pytest.raises(StoreError, match="timed out.*partial"):
            RemoteStore(stub.url).select("SELECT ?s WHERE { ?s ?p ?o }")
    finally:
        stub.close()


def test_a_server_that_does_not_answer_in_time_is_a_timeout_error():
    stub = StubServer(delay=2.0)
    try:
        with pytest.raises(StoreError, match=r"no answer from .* within 0.5 s"):
            RemoteStore(stub.url, timeout=0.5).count()
    finally:
        stub.close()


def test_a_server_error_names_the_url_and_the_status():
    stub = StubServer(status=500, headers={"Content-Type": "text/plain"}, body=b"Virtuoso 42000 Error SR186: No permission")
    try:
        with pytest.raises(StoreError, match=r"failed the query \(HTTP 500\): Virtuoso 42000 Error SR186"):
            RemoteStore(stub.url).count()
    finally:
        stub.close()


def test_a_wrong_password_is_refused_by_virtuoso(virtuoso_server, graph_file):
    store = virtuoso_server.store(password="not-the-password", retries=0)
    with pytest.raises(StoreError, match="HTTP 401"):
        store.load([graph_file])


def test_a_syntax_error_is_a_query_error_naming_the_server(oxigraph_store):
    with pytest.raises(QueryError, match="rejected the query"):
        oxigraph_store.select("SELECT ?s WHERE { ?s ?p }")


# -- the command line --------------------------------------------------------------------------

def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_load_then_query_from_the_command_line(capsys, oxigraph_server, graph_file):
    graph = "https://example.org/cli-graph"
    endpoints = ["--endpoint", oxigraph_server.query_url, "--update-endpoint", oxigraph_server.update_url,
                 "--store-endpoint", oxigraph_server.store_url, "--graph", graph]
    try:
        status, out, err = run(capsys, "load", *endpoints)
        assert status == 0, err
        assert f"loaded {lines_of(graph_file)} triples into <{graph}>" in out
        assert "loading [" in err and "100%" in err
        status, out, _ = run(capsys, "query", "--name", "definitions", "--bind", "lang=en", "--format", "json", *endpoints)
        assert status == 0
        terms = {b["term"]["value"] for b in json.loads(out)["results"]["bindings"]}
        assert "deployer" in terms and len(terms) == 68
    finally:
        RemoteStore(oxigraph_server.query_url, oxigraph_server.update_url, graph=graph)._drop_quietly(graph)


def test_load_into_virtuoso_with_a_password_from_the_environment(capsys, monkeypatch, virtuoso_server, graph_file):
    monkeypatch.setenv("AIACT_KG_TEST_PASSWORD", virtuoso_server.password)
    graph = "https://example.org/cli-graph-virtuoso"
    endpoints = ["--endpoint", virtuoso_server.query_url, "--update-endpoint", virtuoso_server.update_url,
                 "--store-endpoint", virtuoso_server.store_url, "--graph", graph,
                 "--user", "dba", "--password-env", "AIACT_KG_TEST_PASSWORD"]
    try:
        status, out, err = run(capsys, "load", "--quiet", *endpoints)
        assert status == 0, err
        assert err == ""
        status, out, _ = run(capsys, "query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv", *endpoints)
        assert out.splitlines() == ["n", str(lines_of(graph_file))]
    finally:
        virtuoso_server.store(graph=graph)._drop_quietly(graph)


def test_an_unreachable_endpoint_is_one_line_with_exit_status_2(capsys):
    url = f"http://127.0.0.1:{free_port()}/query"
    status, out, err = run(capsys, "query", "--endpoint", url, "-e", "ASK {}")
    assert status == 2
    assert err.startswith("aiact-kg: error: cannot reach the SPARQL server at " + url)
    assert len(err.strip().splitlines()) == 1


def test_load_needs_an_endpoint(capsys):
    status, _, err = run(capsys, "load")
    assert status == 2 and "--endpoint" in err


def test_a_missing_password_variable_is_named(capsys, monkeypatch):
    monkeypatch.delenv("AIACT_KG_NO_SUCH_VARIABLE", raising=False)
    status, _, err = run(capsys, "query", "-e", "ASK {}", "--endpoint", "http://127.0.0.1:1/sparql",
                         "--user", "u", "--password-env", "AIACT_KG_NO_SUCH_VARIABLE")
    assert status == 2 and "AIACT_KG_NO_SUCH_VARIABLE" in err


def test_an_endpoint_that_is_not_a_url_is_refused(capsys):
    status, _, err = run(capsys, "query", "-e", "ASK {}", "--endpoint", "localhost:7878/query")
    assert status == 2 and "expected an http:// or https:// URL" in err


# -- the product over a server: the same pages and the same validation reports ----------------

PAGES = ["/", "/reg/2024/1689/art_6", "/reg/2024/1689/art_16?lang=fr", "/reg/2024/1689/anx_III",
         "/reg/2024/1689/rct_53", "/definitions", "/obligations?role=Deployer&date=2026-08-02",
         "/obligations?format=csv", "/actors/Provider", "/timeline?date=2025-08-02",
         "/search?q=deployeur", "/ontology"]


def _site(store):
    from aiact_kg.web import create_app

    return create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 0, "PAGE_CACHE": False}).test_client()


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_the_pages_read_the_same_from_a_server(request, store, backend):
    embedded, remote = _site(store), _site(request.getfixturevalue(f"{backend}_store"))
    for path in PAGES:
        here, there = embedded.get(path), remote.get(path)
        assert (here.status_code, there.status_code) == (200, 200), path
        assert there.get_data(as_text=True) == here.get_data(as_text=True), path


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_validation_gives_the_same_reports_on_a_server(request, store, backend):
    from datetime import date

    from aiact_kg import paths
    from aiact_kg.validation import Engine

    embedded, remote = Engine(store=store), Engine(store=request.getfixturevalue(f"{backend}_store"))
    examples = sorted(paths.EXAMPLES.glob("*.ttl")) + sorted((paths.EXAMPLES / "airo").glob("*.ttl"))
    assert len(examples) >= 15
    for example in examples:
        data = example.read_bytes()
        # the AIRO use cases use terms their vocabularies do not define: allowed, as warnings
        here = embedded.validate(data, example.name, date(2026, 8, 2), allow_unknown_terms=True).as_dict()
        there = remote.validate(data, example.name, date(2026, 8, 2), allow_unknown_terms=True).as_dict()
        assert there == here, example.name
