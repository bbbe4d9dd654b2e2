"""The front end under load, as ``aiact-kg serve`` runs it.

Two measurements, each bounded in time:

1. **Mixed load**: ``--clients`` (50) client threads for ``--seconds`` (60) with keep-alive
   connections, each asking in turn for article pages, the definitions and obligations pages,
   searches (words and jumps) and SPARQL queries (a lookup by IRI, a label search, a count),
   with the page cache on as served. Prints, per kind: requests, p50, p99, errors (4xx, 5xx,
   no answer); and the server's resident memory (with its query workers) before and after.
2. **Light queries beside heavy ones**: two clients send cartesian-product queries without
   pause (each runs to the time limit and gets its 503), while one client asks a trivial ASK
   by IRI; prints the ASK's p50, p99 and worst latency, beside the same ASK with no heavy
   query running.

    python bench/load.py [--clients 50] [--seconds 60] [--heavy-seconds 20]
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from loadgen import Tally, aiact_server, free_port, ms, run_clients  # noqa: E402

ACT = "https://w3id.org/aiact-kg/reg/2024/1689"
JSON = {"Accept": "application/sparql-results+json"}
SPARQL = {
    "sparql lookup": f"SELECT ?p ?o WHERE {{ <{ACT}/art_%d> ?p ?o }}",
    "sparql label search": "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s ?l WHERE { ?s rdfs:label ?l "
                           "FILTER(CONTAINS(LCASE(STR(?l)), \"%s\")) } LIMIT 20",
    "sparql count": "PREFIX aiact: <https://w3id.org/aiact-kg/ontology#> SELECT (COUNT(?a) AS ?n) WHERE { ?a a aiact:%s }",
}
WORDS = ["risk", "provider", "deployer", "annex", "biometric", "article 5", "transparency", "notified body"]
CLASSES = ["Article", "Recital", "Paragraph", "Point", "Obligation"]
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = f"ASK {{ <{ACT}/art_6> ?p ?o }}"


def sparql_path(text: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": text})


def mixed(client: int, n: int):
    step = (client * 7 + n) % 10
    k = client + n
    if step in (0, 1, 2):
        return "article page", "GET", f"/reg/2024/1689/art_{1 + k % 113}"
    if step == 3:
        return "other pages", "GET", ["/definitions", "/obligations", "/", "/timeline"][k % 4]
    if step == 4:
        return "search", "GET", "/search?" + urllib.parse.urlencode({"q": WORDS[k % len(WORDS)]})
    if step == 5:
        return "search jump", "GET", "/search?" + urllib.parse.urlencode({"q": f"Art. {1 + k % 113}"})
    if step in (6, 7):
        return "sparql lookup", "GET", sparql_path(SPARQL["sparql lookup"] % (1 + k % 113)), JSON
    if step == 8:
        return "sparql label search", "GET", sparql_path(SPARQL["sparql label search"] % WORDS[k % len(WORDS)]), JSON
    return "sparql count", "GET", sparql_path(SPARQL["sparql count"] % CLASSES[k % len(CLASSES)]), JSON


def table(tallies: dict[str, Tally], wall: float) -> str:
    lines = ["| requests | count | req/s | p50 ms | p99 ms | errors |", "|---|---|---|---|---|---|"]
    total = Tally()
    for kind in sorted(tallies):
        t = tallies[kind]
        total.latencies += t.latencies
        total.failures += t.failures
        for status, count in t.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + count
        lines.append(f"| {kind} | {t.count} | {t.count / wall:.0f} | {ms(t.median)} | {ms(t.percentile(99))} | "
                     f"{_errors(t)} |")
    lines.append(f"| **all** | {total.count} | {total.count / wall:.0f} | {ms(total.median)} | "
                 f"{ms(total.percentile(99))} | {_errors(total)} |")
    return "\n".join(lines)


def _errors(t: Tally) -> str:
    if not t.errors:
        return "0"
    parts = [f"{n}×{status}" for status, n in sorted(t.statuses.items()) if status >= 400]
    if t.failures:
        parts.append(f"{t.failures}× no answer")
    return f"{t.errors} ({', '.join(parts)})"


def light_latency(port: int, seconds: float, heavy: bool) -> tuple[Tally, Tally]:
    """The ASK's latencies, with two heavy clients running (``heavy``) or none."""
    stop = threading.Event()
    heavy_tally = Tally()

    def heavy_client():
        tallies, _ = run_clients(port, 2, seconds + 1, lambda c, n: ("heavy", "GET", sparql_path(HEAVY), JSON),
                                 max_requests=100)
        heavy_tally.latencies += tallies.get("heavy", Tally()).latencies
        heavy_tally.statuses.update(tallies.get("heavy", Tally()).statuses)

    threads = []
    if heavy:
        threads.append(threading.Thread(target=heavy_client, daemon=True))
        threads[0].start()
        time.sleep(1.0)  # both heavy queries running
    tallies, _ = run_clients(port, 1, seconds, lambda c, n: ("light", "GET", sparql_path(LIGHT), JSON),
                             max_requests=200_000)
    stop.set()
    for thread in threads:
        thread.join(seconds + 30)
    return tallies.get("light", Tally()), heavy_tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--heavy-seconds", type=float, default=20)
    args = parser.parse_args()

    port = free_port()
    started = time.perf_counter()
    server = aiact_server(port, "--threads", "16")
    try:
        print(f"server answering after {time.perf_counter() - started:.1f} s; resident memory with its query "
              f"workers: {server.resident_mib():.0f} MiB")
        run_clients(port, 4, 5, mixed, max_requests=2000)  # warm: first renders, first decisions
        before = server.resident_mib()
        tallies, wall = run_clients(port, args.clients, args.seconds, mixed)
        after = server.resident_mib()
        print(f"\n## {args.clients} clients for {args.seconds:g} s, mixed pages, search and SPARQL\n")
        print(table(tallies, wall))
        print(f"\nresident memory (server and query workers): {before:.0f} MiB before, {after:.0f} MiB after")

        quiet, _ = light_latency(port, min(5, args.heavy_seconds), heavy=False)
        loaded, heavy = light_latency(port, args.heavy_seconds, heavy=True)
        print(f"\n## a light query (ASK by IRI) beside two heavy ones (cartesian products), {args.heavy_seconds:g} s\n")
        print("| ASK by IRI | count | p50 ms | p99 ms | worst ms |")
        print("|---|---|---|---|---|")
        for name, t in (("alone", quiet), ("two heavy queries running", loaded)):
            worst = max(t.latencies) if t.latencies else None
            print(f"| {name} | {t.count} | {ms(t.median)} | {ms(t.percentile(99))} | {ms(worst)} | ")
        statuses = ", ".join(f"{n}×{s}" for s, n in sorted(heavy.statuses.items()))
        print(f"\nheavy queries: {len(heavy.latencies)} answered ({statuses}: stopped at the time limit)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
