"""/sparql beside a bare ``oxigraph serve`` on the same data and queries.

Both servers run as separate processes on 127.0.0.1 over the built graph: ``aiact-kg serve``
(its query workers, the checks of the parsed query, the time limit, the result cap and the
memory cap all on) and ``oxigraph serve`` (the Oxigraph server of the test extras, no limit).
Each query kind is asked by 1 and by 8 client threads with keep-alive connections for
``--seconds`` per phase, in ``--rounds`` alternating rounds; the table gives the median
requests per second and p50 latency of each, and the ratio project / comparator (issue goal:
≥ 0.8). The client threads run in this process, on the same cores as both servers: the
figures are those of the whole loop, and the ratios are what to compare. Also the memory of
each server after start (``aiact-kg serve`` with its query workers; ``bench/memory.py``
measures it after start and after 10,000 requests).

The queries repeat (113 lookups, 4 counts…), as a client's do, so ``aiact-kg serve`` answers
most of them from the answers it keeps (``--sparql-answer-cache``); ``--no-answer-cache``
starts it without them, to measure the engine's and the serializer's share.
``--serve-option`` passes an option to ``aiact-kg serve`` (``--serve-option=--threads=4``).

    python bench/sparql.py [--seconds 3] [--rounds 3] [--no-answer-cache] [--serve-option ...]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from loadgen import Process, aiact_server, free_port, ms, run_clients  # noqa: E402

ACT = "https://w3id.org/aiact-kg/reg/2024/1689"
QUERIES = {
    "lookup by IRI": lambda n: f"SELECT ?p ?o WHERE {{ <{ACT}/art_{1 + n % 113}> ?p ?o }}",
    "label search": lambda n: ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s ?l WHERE { ?s rdfs:label ?l "
                               f"FILTER(CONTAINS(STR(?l), \"{['risk', 'provider', 'Annex', 'deployer'][n % 4]}\")) }} LIMIT 50"),
    "count": lambda n: ("PREFIX aiact: <https://w3id.org/aiact-kg/ontology#> SELECT (COUNT(?a) AS ?n) WHERE "
                        f"{{ ?a a aiact:{['Article', 'Recital', 'Paragraph', 'Point'][n % 4]} }}"),
    "group by": lambda n: ("PREFIX eli: <http://data.europa.eu/eli/ontology#> SELECT ?parent (COUNT(?part) AS ?n) WHERE "
                           f"{{ ?part eli:is_part_of ?parent }} GROUP BY ?parent ORDER BY DESC(?n) LIMIT {10 + n % 4}"),
}
ACCEPT = {"Accept": "application/sparql-results+json"}


def oxigraph_server(files: list[Path], folder: Path) -> Process:
    from servers import oxigraph_executable

    executable = oxigraph_executable()
    for path in files:
        subprocess.run([executable, "load", "--location", str(folder), "--file", str(path)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    return Process([executable, "serve-read-only", "--location", str(folder), "--bind", f"127.0.0.1:{port}"], port,
                   "/query?query=ASK%7B%7D")


def phase(port: int, path: str, kind: str, clients: int, seconds: float) -> tuple[float, float | None, int]:
    query = QUERIES[kind]
    tallies, wall = run_clients(port, clients, seconds,
                                lambda c, n: (kind, "GET", path + "?" + urllib.parse.urlencode({"query": query(c * 31 + n)}),
                                              ACCEPT))
    tally = tallies[kind]
    return len(tally.latencies) / wall, tally.median, tally.errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-answer-cache", action="store_true", help="serve without the kept answers")
    parser.add_argument("--serve-option", action="append", default=[], help="an option of aiact-kg serve")
    args = parser.parse_args()

    from aiact_kg import build

    files = build.graph_files()
    with tempfile.TemporaryDirectory(prefix="aiact-kg-bench-") as folder:
        port = free_port()
        ours = aiact_server(port, *(["--sparql-answer-cache", "0"] if args.no_answer_cache else []),
                            *args.serve_option)
        theirs = oxigraph_server(files, Path(folder) / "oxigraph")
        try:
            print(f"memory after start: aiact-kg serve (server and query workers) RSS {ours.resident_mib():.0f} MiB, "
                  f"PSS {ours.proportional_mib():.0f} MiB; oxigraph serve RSS {theirs.resident_mib():.0f} MiB "
                  "(bench/memory.py for more)\n")
            for server, path in ((ours, "/sparql"), (theirs, "/query")):  # warm both
                for kind in QUERIES:
                    phase(server.port, path, kind, 2, 0.5)
            print("| query | clients | /sparql req/s | p50 ms | oxigraph serve req/s | p50 ms | ratio |")
            print("|---|---|---|---|---|---|---|")
            for kind in QUERIES:
                for clients in (1, 8):
                    rows = {"ours": [], "theirs": []}
                    for _ in range(args.rounds):
                        rows["ours"].append(phase(ours.port, "/sparql", kind, clients, args.seconds))
                        rows["theirs"].append(phase(theirs.port, "/query", kind, clients, args.seconds))
                    rate = {k: statistics.median(r[0] for r in v) for k, v in rows.items()}
                    p50 = {k: statistics.median(r[1] for r in v if r[1] is not None) for k, v in rows.items()}
                    errors = sum(r[2] for r in rows["ours"])
                    print(f"| {kind} | {clients} | {rate['ours']:.0f} | {ms(p50['ours'])} | {rate['theirs']:.0f} | "
                          f"{ms(p50['theirs'])} | {rate['ours'] / rate['theirs']:.2f}× |"
                          + (f" ({errors} errors)" if errors else ""))
            print(f"\nmemory at the end: aiact-kg serve RSS {ours.resident_mib():.0f} MiB, PSS "
                  f"{ours.proportional_mib():.0f} MiB; oxigraph serve RSS {theirs.resident_mib():.0f} MiB")
        finally:
            ours.stop()
            theirs.stop()


if __name__ == "__main__":
    main()
