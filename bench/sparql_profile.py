"""Where the time of one /sparql request answered in the server process goes, in microseconds.

One process: the application as ``aiact-kg serve`` makes it (statistics read, queries of a
small estimate answered before Flask), asked a lookup by IRI and a count, each step timed
alone over many calls (medians of ``--rounds`` batches):

- the HTTP round trip on a loopback port, one keep-alive client (a raw socket in this
  process), for the application as ``serve`` runs it with its kept answers (given on
  waitress's main loop), without them (a request thread each), and for a bare WSGI
  application under plain waitress that returns the same bytes (a request thread each):
  the last is what waitress, the kernel and the client cost, whatever the application does;
- the WSGI call of the application (its middlewares and the fast path), with and without
  the kept answers;
- the steps of the fast path: reading the query string, negotiating the types, the decision
  of :mod:`aiact_kg.web.query_policy` (kept, and parsed anew), the cost estimate, the engine
  and pyoxigraph's serializer, the headers.

    python bench/sparql_profile.py [--calls 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

ACT = "https://w3id.org/aiact-kg/reg/2024/1689"
QUERIES = {
    "lookup by IRI": f"SELECT ?p ?o WHERE {{ <{ACT}/art_5> ?p ?o }}",
    "count": "PREFIX aiact: <https://w3id.org/aiact-kg/ontology#> SELECT (COUNT(?a) AS ?n) WHERE { ?a a aiact:Article }",
}
ACCEPT = "application/sparql-results+json"


def timed(work, calls: int, rounds: int) -> float:
    """Median microseconds of one call of ``work``."""
    work()
    batches = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            work()
        batches.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(batches)


class Client:
    """One keep-alive HTTP/1.1 connection over a raw socket: a request, its whole answer."""

    def __init__(self, port: int, path: str):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {ACCEPT}\r\n\r\n".encode()

    def ask(self) -> bytes:
        self.sock.sendall(self.request)
        data = b""
        while b"\r\n\r\n" not in data:
            data += self.sock.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
        while len(body) < length:
            body += self.sock.recv(65536)
        assert head.startswith(b"HTTP/1.1 200"), head[:80]
        return body

    def close(self) -> None:
        self.sock.close()


def served(app):
    """``app`` on a free loopback port as ``serve`` runs it (kept /sparql answers given on
    waitress's main loop, :mod:`aiact_kg.web.inline`), or a bare WSGI application under plain
    waitress: (server, port)."""
    import waitress

    from aiact_kg.web import inline

    make = inline.create_server if hasattr(app, "extensions") else waitress.create_server
    server = make(app, host="127.0.0.1", port=0, threads=8, ident="aiact-kg")
    threading.Thread(target=server.run, daemon=True).start()
    return server, server.effective_port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import pyoxigraph

    from aiact_kg.query_engine import run_query
    from aiact_kg.web import create_app, query_policy, sparql

    kept = create_app({"SPARQL_WORKERS": 0})
    fresh = create_app({"STORE": kept.extensions["aiact_kg"].store, "SPARQL_WORKERS": 0, "SPARQL_ANSWER_CACHE": 0})
    for app in (kept, fresh):
        assert sparql.statistics(app, wait=120) is not None, "no statistics of the graph"
    store = kept.extensions["aiact_kg"].store.raw

    def time_of(work, calls=args.calls):
        return timed(work, calls, args.rounds)

    rows = []
    for kind, text in QUERIES.items():
        query_string = urllib.parse.urlencode({"query": text})
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "QUERY_STRING": query_string,
                   "HTTP_ACCEPT": ACCEPT, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "wsgi.url_scheme": "http"}
        body = b"".join(fresh(dict(environ), lambda status, headers, exc=None: None))

        def bare(environ, start_response, body=body):
            start_response("200 OK", [("Content-Type", ACCEPT), ("Content-Length", str(len(body)))])
            return [body]

        figures = {}
        for name, app in (("kept answers", kept), ("no kept answers", fresh), ("bare WSGI application", bare)):
            server, port = served(app)
            client = Client(port, "/sparql?" + query_string)
            assert client.ask() == body
            figures[f"HTTP round trip, {name}"] = time_of(client.ask, args.calls // 2)
            client.close()
            time.sleep(0.1)  # the main loop sees the connection close before the server does
            server.close()
        for name, app in (("kept answers", kept), ("no kept answers", fresh)):
            figures[f"WSGI call, {name}"] = time_of(
                lambda app=app: b"".join(app.wsgi_app(dict(environ), lambda s, h, e=None: None)))
        decision = query_policy.decide(text)
        bound = sparql._estimate(kept, decision)
        results = sparql._negotiated(ACCEPT)
        answer = run_query(store, decision.text, *results, kept.config["SPARQL_LIMIT"], bound[1])
        figures["fast path: read the query string"] = time_of(lambda: urllib.parse.unquote_plus(query_string[6:]))
        figures["fast path: negotiate the types (Accept)"] = time_of(lambda: sparql._negotiated(ACCEPT))
        figures["fast path: decision, kept"] = time_of(lambda: query_policy.decide(text))
        figures["fast path: decision, parsed anew"] = time_of(lambda: query_policy._decide(text, False), 20)
        figures["fast path: cost estimate (kept)"] = time_of(lambda: sparql._estimate(kept, decision))
        figures["fast path: engine and serializer"] = time_of(
            lambda: store.query(decision.text).serialize(format=pyoxigraph.QueryResultsFormat.JSON))
        figures["fast path: headers"] = time_of(lambda: sparql._answer_headers(answer, 10_000, cors=True))
        rows.append((kind, figures))

    print("| step, µs | " + " | ".join(kind for kind, _ in rows) + " |")
    print("|---|" + "---|" * len(rows))
    for step in rows[0][1]:
        print(f"| {step} | " + " | ".join(f"{figures[step]:.1f}" for _, figures in rows) + " |")


if __name__ == "__main__":
    main()
