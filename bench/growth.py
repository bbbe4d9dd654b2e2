"""How each cost of the product grows with the graph: the Act alone, 10x and 100x.

The grown graphs are those of ``bench/scale.py``: the built graph with the act replicated
under other act IRIs (its text, cross-references, definitions and recital links copied), so
that every query and page has more to look through while its answer stays the same size. Each
size runs in a fresh process, which prints: the load time of the embedded store, the median
of a /sparql lookup by IRI and of a /sparql label search (through the front end, in process),
the median of the Article 3 page and of a recital page uncached, the median CPU time of
validating the largest example description, and the resident memory after start (store,
front end and validation engine loaded, one page served). The last column is the growth
exponent b of cost ~ size^b between the smallest and the largest size (0: flat, 1: linear).

    python bench/growth.py [--quick] [--repeat 15]

``--quick`` stops at 10x.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/aiact-kg/reg/2024/1689/art_5> ?p ?o }"
LABEL_SEARCH = ('PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s ?label WHERE { '
                '?s rdfs:label ?label FILTER(CONTAINS(LCASE(STR(?label)), "biometric")) } LIMIT 50')
PAGES = {"Article 3 page": "/reg/2024/1689/art_3", "recital page": "/reg/2024/1689/rct_53"}
DESCRIPTION = "realtime-identification-authorised.ttl"
COLUMNS = ["load s", "/sparql lookup ms", "/sparql label search ms", "Article 3 page ms", "recital page ms",
           "validate one description ms CPU", "memory after start MiB"]


def _rss() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


def _median(call, repeat: int, clock=time.perf_counter) -> float:
    call()  # warm
    times = []
    for _ in range(repeat):
        start = clock()
        call()
        times.append(clock() - start)
    return statistics.median(times) * 1000


def one_size(corpus: Path, repeat: int) -> dict:
    """The figures of one graph, in this process."""
    from datetime import date

    from aiact_kg import paths, validation
    from aiact_kg.store import EmbeddedStore
    from aiact_kg.web import create_app

    start = time.perf_counter()
    store = EmbeddedStore(files=[corpus])
    load = time.perf_counter() - start
    app = create_app({"STORE": store, "PAGE_CACHE": False})
    client = app.test_client()
    engine = validation.Engine(store=store)
    description = (paths.EXAMPLES / DESCRIPTION).read_bytes()

    def get(path: str, headers=None):
        response = client.get(path, headers=headers or {})
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        response.get_data()

    get(PAGES["Article 3 page"])
    memory = _rss()
    accept = {"Accept": "application/sparql-results+json"}
    figures = {"load s": load,
               "/sparql lookup ms": _median(lambda: get("/sparql?" + urlencode({"query": LOOKUP}), accept), repeat),
               "/sparql label search ms": _median(lambda: get("/sparql?" + urlencode({"query": LABEL_SEARCH}), accept),
                                                  repeat)}
    for name, path in PAGES.items():
        figures[f"{name} ms"] = _median(lambda: get(path), repeat)
    figures["validate one description ms CPU"] = _median(
        lambda: engine.validate(description, DESCRIPTION, date(2026, 8, 2)), repeat, time.process_time)
    figures["memory after start MiB"] = memory
    return figures


def _exponent(sizes: list[int], values: list[float]) -> str:
    import math

    if len(sizes) < 2 or not values[0] or not values[-1]:
        return "n/a"
    return f"{math.log(values[-1] / values[0]) / math.log(sizes[-1] / sizes[0]):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the Act alone and 10x only")
    parser.add_argument("--repeat", type=int, default=15, help="runs of each measurement (default 15)")
    parser.add_argument("--one", metavar="CORPUS", help=argparse.SUPPRESS)  # a child process: one size
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_size(Path(args.one), args.repeat)))
        return

    from aiact_kg import build
    from scale import synthetic_corpus

    sizes = [1, 10] if args.quick else [1, 10, 100]
    act = build.configured_base() + "reg/2024/1689"
    graph = build.build()
    results, triples = {}, {}
    with tempfile.TemporaryDirectory(prefix="aiact-kg-growth-") as folder:
        for size in sizes:
            corpus = Path(folder) / f"corpus-{size}x.nt"
            triples[size] = synthetic_corpus(graph, corpus, size, act)
            print(f"  {size}x: {triples[size]:,} triples", file=sys.stderr, flush=True)
            out = subprocess.run([sys.executable, __file__, "--one", str(corpus), "--repeat", str(args.repeat)],
                                 capture_output=True, text=True, check=True).stdout
            results[size] = json.loads(out.strip().splitlines()[-1])
            corpus.unlink()
    print("| measurement | " + " | ".join(f"{s}x ({triples[s]:,} triples)" for s in sizes) + " | growth b |")
    print("|---|" + "---|" * (len(sizes) + 1))
    for column in COLUMNS:
        values = [results[s][column] for s in sizes]
        print(f"| {column} | " + " | ".join(f"{v:,.2f}" for v in values) + f" | {_exponent(sizes, values)} |")


if __name__ == "__main__":
    main()
