"""How fast the front end answers under its production server.

The application runs under waitress (as ``aiact-kg serve`` runs it) in a separate process on
127.0.0.1; 8 client threads with keep-alive connections ask, each phase bounded in requests and
in seconds:

- article pages, every article in turn, as served (rendered pages are kept: the graph does not
  change while it is served), and once each with the page cache off (rendering from the store);
- a simple SPARQL query on /sparql (GET, JSON results).

Then the same, in the same run, with rdflib's in-memory graph as the store (``RdflibStore``
below: the calls of ``aiact_kg.store.Store`` over ``rdflib.Graph``), and the ratio. Targets on a
2-core machine with 8 clients: article page p50 <= 20 ms and >= 150 requests/s; the SPARQL
query >= 300 requests/s.

    python bench/web.py [--requests N] [--seconds S] [--clients C] [--no-rdflib]
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SRC))

SIMPLE_QUERY = ("PREFIX eli: <http://data.europa.eu/eli/ontology#> "
                "SELECT ?title WHERE { <https://w3id.org/aiact-kg/reg/2024/1689/art_5> eli:title ?title }")
ARTICLES = [f"/reg/2024/1689/art_{n}" for n in range(1, 114)]


# -- rdflib as the store ------------------------------------------------------------------------------

class RdflibStore:
    """The calls of ``aiact_kg.store.Store`` over rdflib's in-memory graph, for comparison:
    bindings go in as ``initBindings``; answers come back as pyoxigraph terms. rdflib's SPARQL
    parser is not safe to run in several threads at once, so each query text is parsed once,
    under a lock, and the parsed query is kept (which is also the fastest way to use rdflib)."""

    description = "rdflib in-memory graph"

    def __init__(self, files, base: str):
        import rdflib

        self.base = base
        self._parsed: dict[str, object] = {}
        self._parse_lock = threading.Lock()
        self.graph = rdflib.Graph()
        for path in files:
            self.graph.parse(str(path), format="nt")

    @staticmethod
    def _to_rdflib(term):
        import rdflib
        from pyoxigraph import BlankNode, Literal, NamedNode

        if isinstance(term, NamedNode):
            return rdflib.URIRef(term.value)
        if isinstance(term, BlankNode):
            return rdflib.BNode(term.value)
        if isinstance(term, Literal):
            if term.language:
                return rdflib.Literal(term.value, lang=term.language)
            return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
        return rdflib.Literal(str(term))

    @staticmethod
    def _to_oxigraph(term):
        import rdflib
        from pyoxigraph import BlankNode, Literal, NamedNode

        if isinstance(term, rdflib.URIRef):
            return NamedNode(str(term))
        if isinstance(term, rdflib.BNode):
            return BlankNode(str(term))
        if term.language:
            return Literal(str(term), language=term.language)
        if term.datatype:
            return Literal(str(term), datatype=NamedNode(str(term.datatype)))
        return Literal(str(term))

    def _query(self, text, bindings):
        initial = {name: self._to_rdflib(value) for name, value in (bindings or {}).items() if value is not None}
        return self.graph.query(self._prepared(text), initBindings=initial)

    def _prepared(self, text):
        from rdflib.plugins.sparql import prepareQuery

        with self._parse_lock:
            parsed = self._parsed.get(text)
            if parsed is None:
                parsed = self._parsed[text] = prepareQuery(text)
            return parsed

    def select(self, text, bindings=None):
        result = self._query(text, bindings)
        names = [str(v) for v in result.vars]
        return [{name: self._to_oxigraph(row[i]) for i, name in enumerate(names) if row[i] is not None}
                for row in result]

    def run(self, name, **bindings):
        from aiact_kg import queries

        return self.select(queries.load(name).text, bindings)

    def construct(self, text, bindings=None):
        from pyoxigraph import Triple

        return [Triple(*(self._to_oxigraph(t) for t in triple)) for triple in self._query(text, bindings)]

    def triples_about(self, subject):
        from pyoxigraph import Triple

        return [Triple(subject, self._to_oxigraph(p), self._to_oxigraph(o))
                for p, o in self.graph.predicate_objects(self._to_rdflib(subject))]

    def protocol(self, text, media_type, bindings=None):
        result = self._query(text, bindings)
        if result.type in ("SELECT", "ASK"):
            fmt = {"application/sparql-results+xml": "xml", "text/csv": "csv"}.get(media_type, "json")
            chosen = media_type if fmt != "json" else "application/sparql-results+json"
            return result.serialize(format=fmt), chosen
        return result.serialize(format="turtle"), "text/turtle"

    def count(self):
        return len(self.graph)


# -- the server process ---------------------------------------------------------------------------------

def serve(kind: str, port: int, cache: bool) -> None:
    """Run the application under waitress on 127.0.0.1:port (the child process)."""
    import logging

    import waitress

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # a full queue is the point here
    from aiact_kg import build
    from aiact_kg.store import EmbeddedStore
    from aiact_kg.web import create_app, warm

    files = build.graph_files()
    store = EmbeddedStore(files=files) if kind == "pyoxigraph" else RdflibStore(files, build.configured_base())
    app = create_app({"STORE": store, "PAGE_CACHE": cache})
    warm(app, workers=True)
    waitress.serve(app, host="127.0.0.1", port=port, threads=8, ident="aiact-kg", _quiet=True)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, kind: str, cache: bool):
        self.port = free_port()
        self.process = subprocess.Popen([sys.executable, __file__, "--serve", kind, str(self.port), "1" if cache else "0"],
                                        env=dict(os.environ, PYTHONPATH=str(SRC)))
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/timeline")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"the {kind} server did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# -- the clients -----------------------------------------------------------------------------------------

def load(port: int, paths: list[str], requests: int, seconds: float, clients: int, headers=None) -> dict:
    """``clients`` threads, each with one keep-alive connection, share ``requests`` requests
    (cycling through ``paths``) for at most ``seconds``; latencies and throughput."""
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while time.monotonic() < deadline:
            with lock:
                number = next(counter, None)
            if number is None:
                break
            path = paths[number % len(paths)]
            start = time.perf_counter()
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                errors.append((path, response.status))
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"errors: {errors[:5]}")
    latencies.sort()
    return {"n": len(latencies), "rps": len(latencies) / elapsed if elapsed else 0.0,
            "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
            "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else float("nan")}


def measure(kind: str, args) -> dict:
    sparql = "/sparql?" + urllib.parse.urlencode({"query": SIMPLE_QUERY})
    accept = {"Accept": "application/sparql-results+json"}
    figures = {}
    server = Server(kind, cache=False)
    try:
        figures["article, rendered"] = load(server.port, ARTICLES, len(ARTICLES), args.seconds, args.clients)
    finally:
        server.stop()
    server = Server(kind, cache=True)
    try:
        warmed = load(server.port, ARTICLES, len(ARTICLES), args.seconds, args.clients)  # every page once
        figures["article, as served"] = None
        figures["pages rendered first"] = warmed["n"]
        figures["article, as served"] = load(server.port, ARTICLES, args.requests, args.seconds, args.clients)
        load(server.port, [sparql], 50, args.seconds, args.clients, accept)
        figures["SPARQL, simple"] = load(server.port, [sparql], args.requests, args.seconds, args.clients, accept)
    finally:
        server.stop()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests per phase (default 3000)")
    parser.add_argument("--seconds", type=float, default=30.0, help="longest a phase may run (default 30)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--no-rdflib", action="store_true", help="skip the rdflib comparison")
    parser.add_argument("--serve", nargs=3, metavar=("STORE", "PORT", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), args.serve[2] == "1")
        return
    os.environ.setdefault("AIACT_KG_CACHE", tempfile.mkdtemp(prefix="aiact-kg-bench-"))
    from aiact_kg import build

    build.build()
    print(f"waitress on 127.0.0.1, {args.clients} clients, at most {args.requests} requests or {args.seconds:g} s a phase;"
          f" {os.cpu_count()} CPUs")
    results = {"pyoxigraph": measure("pyoxigraph", args)}
    if not args.no_rdflib:
        results["rdflib"] = measure("rdflib", args)
    print(f"{'':22}{'store':>11}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for kind, figures in results.items():
        for name, f in figures.items():
            if not isinstance(f, dict):
                continue
            print(f"{name:22}{kind:>11}{f['n']:>10}{f['rps']:>9.0f}{f['p50']:>9.1f}{f['p95']:>9.1f}")
    if "rdflib" in results:
        print("ratio rdflib / pyoxigraph (p50 latency; throughput pyoxigraph / rdflib):")
        for name in results["pyoxigraph"]:
            if not isinstance(results["pyoxigraph"][name], dict):
                continue
            ox, rd = results["pyoxigraph"][name], results["rdflib"][name]
            print(f"  {name:22} latency x{rd['p50'] / ox['p50']:.1f}   throughput x{ox['rps'] / max(rd['rps'], 1e-9):.1f}")
    for kind, figures in results.items():
        if figures["pages rendered first"] < len(ARTICLES):
            print(f"({kind}: {figures['pages rendered first']} of {len(ARTICLES)} article pages were rendered before the "
                  f"measured phase, within its time bound; the others were rendered during it)")
    served, sparql = results["pyoxigraph"]["article, as served"], results["pyoxigraph"]["SPARQL, simple"]
    print("targets: article p50 <= 20 ms: {} ({:.1f}); article >= 150 req/s: {} ({:.0f}); SPARQL >= 300 req/s: {} ({:.0f})".format(
        "met" if served["p50"] <= 20 else "MISSED", served["p50"], "met" if served["rps"] >= 150 else "MISSED",
        served["rps"], "met" if sparql["rps"] >= 300 else "MISSED", sparql["rps"]))


if __name__ == "__main__":
    main()
