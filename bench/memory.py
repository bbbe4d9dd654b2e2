"""Memory of the server as ``aiact-kg serve`` runs it, with its query workers: after start
and after 10,000 requests.

The server starts as a separate process on 127.0.0.1 (waitress, one query worker and one
for light queries, as ``serve`` runs by default). Its memory and its workers' is read from
/proc after start (once the memory stops moving: ``serve`` reads the search index and the
facts of the text in the background), after a warm-up of 200 requests (first renders, the
workers' first reads of the store), then after
``--requests`` (10,000) more requests by 8 keep-alive clients: article, recital and other pages,
searches, and /sparql queries of the four kinds of ``bench/sparql.py`` (answered in the
server) and of kinds that go to a worker (OPTIONAL, a path, a join the estimate finds
costly). Prints each process's resident size (RSS) and proportional size (PSS: a page shared
by several processes counted once in all), the totals and the growth (issue goal: under
120 MiB after start, within ±10 % after the requests). ``oxigraph serve`` on the same data
is measured beside it after the same /sparql requests, for scale.

    python bench/memory.py [--requests 10000] [--no-oxigraph] [-- SERVE OPTIONS]
    python bench/memory.py --trace [--requests 3000]

``--trace`` runs the application in this process instead, under waitress with its workers
and tracemalloc on, and prints where the Python objects that remain after the requests were
allocated (a tracemalloc snapshot after the warm-up diffed with one after the requests):
what grows. tracemalloc's own bookkeeping doubles the memory; read the lines, not the total.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from loadgen import aiact_server, free_port, resident, run_clients  # noqa: E402
from sparql import ACCEPT, ACT, QUERIES, oxigraph_server  # noqa: E402

WORKER_QUERIES = [
    "PREFIX eli: <http://data.europa.eu/eli/ontology#> SELECT ?p ?t WHERE { ?p eli:is_part_of <%s/art_%d> "
    "OPTIONAL { ?p eli:title ?t } }",
    "PREFIX eli: <http://data.europa.eu/eli/ontology#> SELECT ?x WHERE { ?x eli:is_part_of+ <%s/art_%d> }",
]
KINDS = list(QUERIES)


def mixed(client: int, n: int):
    k = client * 7919 + n
    step = k % 10
    if step == 0:
        return "article page", "GET", f"/reg/2024/1689/art_{1 + k % 113}"
    if step == 1:
        return "recital page", "GET", f"/reg/2024/1689/rct_{1 + k % 180}"
    if step == 2:
        return "other page", "GET", ["/", "/definitions", "/obligations", "/timeline", "/search?q=deployer"][k % 5]
    if step == 3:
        text = WORKER_QUERIES[k % 2] % (ACT, 1 + k % 113)
        return "sparql (worker)", "GET", "/sparql?" + urllib.parse.urlencode({"query": text}), ACCEPT
    kind = KINDS[k % len(KINDS)]
    return f"sparql {kind}", "GET", "/sparql?" + urllib.parse.urlencode({"query": QUERIES[kind](k)}), ACCEPT


def snapshot(server) -> list[tuple[str, float, float]]:
    rows = []
    for index, pid in enumerate(server.pids()):
        found = resident(pid)
        if found is not None:
            rows.append(("server" if index == 0 else f"query worker {index}", *found))
    return rows


def settled(server, seconds: float = 90) -> list[tuple[str, float, float]]:
    """The snapshot once the server's memory stops moving: ``serve`` opens the search index,
    reads the editor's vocabulary and the facts of the Act's text and renders one page of each
    kind in the background after it starts listening; after start is once that is done (at
    most ``seconds``)."""
    deadline = time.monotonic() + seconds
    last, steady = None, 0
    while time.monotonic() < deadline:
        rows = snapshot(server)
        total = sum(r[2] for r in rows)
        steady = steady + 1 if last is not None and abs(total - last) < 0.3 else 0
        if steady >= 3:
            return rows
        last = total
        time.sleep(1)
    return snapshot(server)


def trace(requests: int, clients: int, top: int = 12) -> None:
    """What the Python objects kept over ``requests`` requests were allocated by."""
    import gc
    import threading
    import tracemalloc

    tracemalloc.start(25)  # deep enough to reach our code from inside Jinja and Flask
    import logging

    import waitress

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)

    from aiact_kg.sandbox import steady_malloc
    from aiact_kg.web import create_app, warm

    steady_malloc()
    app = create_app()
    warm(app, workers=True)
    port = free_port()
    server = waitress.create_server(app, host="127.0.0.1", port=port, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    try:
        run_clients(port, 2, 60, mixed, max_requests=200)
        time.sleep(5)  # the background reading of start-up is over
        gc.collect()
        before = tracemalloc.take_snapshot()
        tallies, _ = run_clients(port, clients, 3600, mixed, max_requests=requests)
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        server.close()
        pool = app.extensions.get("aiact_kg.pool")
        if pool is not None:
            pool.close()
    print(f"{sum(t.count for t in tallies.values()):,} requests; Python objects kept, by the line of our "
          "code that allocated them (directly or through a library):\n")
    by_line: dict[str, list[int]] = {}
    ours = str(Path(__file__).resolve().parent.parent / "src")
    for stat in after.compare_to(before, "traceback"):
        frame = next((f for f in reversed(stat.traceback) if f.filename.startswith(ours)), None)
        if frame is None:
            continue
        where = by_line.setdefault(f"{Path(frame.filename).name}:{frame.lineno}", [0, 0])
        where[0] += stat.size_diff
        where[1] += stat.count_diff
    for where, (size, count) in sorted(by_line.items(), key=lambda item: -abs(item[1][0]))[:top]:
        print(f"{size / 1024:+9.1f} KiB {count:+7d} objects  {where}")
    total = sum(s.size_diff for s in after.compare_to(before, "filename"))
    print(f"\nall Python objects: {total / 2 ** 20:+.2f} MiB over the requests")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--no-oxigraph", action="store_true", help="leave out oxigraph serve (quicker)")
    parser.add_argument("--trace", action="store_true", help="where the objects kept over the requests come from")
    parser.add_argument("serve_options", nargs="*", metavar="OPTION",
                        help="options for aiact-kg serve after --, e.g. -- --sparql-workers 1")
    args = parser.parse_args()
    if args.trace:
        trace(args.requests, args.clients)
        return

    from aiact_kg import build

    server = aiact_server(free_port(), *args.serve_options)
    try:
        started = settled(server)
        run_clients(server.port, 2, 30, mixed, max_requests=200)  # first renders, first decisions
        before = snapshot(server)
        tallies, wall = run_clients(server.port, args.clients, 3600, mixed, max_requests=args.requests)
        after = snapshot(server)
    finally:
        server.stop()
    theirs_start = theirs_end = None
    if not args.no_oxigraph:
        with tempfile.TemporaryDirectory(prefix="aiact-kg-bench-") as folder:
            theirs = oxigraph_server(build.graph_files(), Path(folder) / "oxigraph")
            try:
                theirs_start = resident(theirs.process.pid)
                sparql_only = lambda c, n: ("q", "GET", "/query?" + urllib.parse.urlencode(  # noqa: E731
                    {"query": QUERIES[KINDS[(c + n) % len(KINDS)]](c * 31 + n)}), ACCEPT)
                run_clients(theirs.port, args.clients, 3600, sparql_only, max_requests=args.requests)
                theirs_end = resident(theirs.process.pid)
            finally:
                theirs.stop()

    count = sum(t.count for t in tallies.values())
    errors = sum(t.errors for t in tallies.values())
    print(f"{count:,} requests in {wall:.0f} s ({errors} errors): "
          + ", ".join(f"{kind} {t.count:,}" for kind, t in sorted(tallies.items())) + "\n")
    print("| MiB, RSS / PSS | after start | after the first 200 requests | after the next "
          f"{count:,} |")
    print("|---|---|---|---|")
    for (name, *first), (_, *warm), (_, *last) in zip(started, before, after):
        print(f"| {name} | {first[0]:.1f} / {first[1]:.1f} | {warm[0]:.1f} / {warm[1]:.1f} | "
              f"{last[0]:.1f} / {last[1]:.1f} |")
    totals = [(sum(r[1] for r in rows), sum(r[2] for r in rows)) for rows in (started, before, after)]
    print("| **all** | " + " | ".join(f"**{r:.1f} / {p:.1f}**" for r, p in totals) + " |")
    if theirs_start and theirs_end:
        print(f"| oxigraph serve (the /sparql requests only) | {theirs_start[0]:.1f} / {theirs_start[1]:.1f} | — | "
              f"{theirs_end[0]:.1f} / {theirs_end[1]:.1f} |")
    growth = {name: (100 * (totals[2][0] / totals[k][0] - 1), 100 * (totals[2][1] / totals[k][1] - 1))
              for name, k in (("after start", 0), ("after the first 200", 1))}
    print(f"\nafter start: PSS {totals[0][1]:.1f} MiB, RSS {totals[0][0]:.1f} MiB (goal: under 120 MiB); "
          f"after {count:,} more requests: " + "; ".join(
              f"RSS {r:+.1f} %, PSS {p:+.1f} % against {name}" for name, (r, p) in growth.items())
          + " (goal: within ±10 %)")

if __name__ == "__main__":
    main()
