"""How fast the graph is built and queried.

Prints: the full build (both languages, cross-references, definitions, recital links) from
the official files, a start from the cache (load the cached graph into a fresh embedded
store), and the median time of every named query on pyoxigraph against the same query on
rdflib's in-memory graph, in this one run, with the ratio.

    python bench/build.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per measurement (median reported)")
    args = parser.parse_args()
    os.environ["AIACT_KG_CACHE"] = tempfile.mkdtemp(prefix="aiact-kg-bench-")

    import rdflib
    from pyoxigraph import Literal, NamedNode

    from aiact_kg import build, corpus, queries
    from aiact_kg.store import EmbeddedStore

    builds = []
    for _ in range(max(1, args.repeat // 2)):
        corpus.load.cache_clear()
        start = time.perf_counter()
        path = build.build(force=True)
        builds.append(time.perf_counter() - start)
    triples = sum(1 for _ in path.open("rb"))
    print(f"full build: median {statistics.median(builds):.2f} s over {len(builds)} runs ({triples} triples)  target <= 10 s")

    starts = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        store = EmbeddedStore(files=build.graph_files())
        store.count()
        starts.append(time.perf_counter() - start)
    print(f"start from cache: median {statistics.median(starts) * 1000:.0f} ms  target <= 1 s")

    start = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(path, format="nt")
    print(f"(rdflib parse of the same graph: {time.perf_counter() - start:.2f} s)")

    act = "https://w3id.org/aiact-kg/reg/2024/1689/"
    samples = {"lang": Literal("en"), "provision": NamedNode(act + "art_5"), "article": NamedNode(act + "art_50")}
    print(f"\n{'named query':38} {'pyoxigraph ms':>14} {'rdflib ms':>10} {'ratio':>7}")
    for query in queries.all_queries():
        bindings = {name: samples.get(name, NamedNode(act + "art_5")) for name in query.bindings}
        ox = _median(lambda: store.select(query.text, bindings), args.repeat)
        rdf_bindings = {name: _to_rdflib(term) for name, term in bindings.items()}
        rl = _median(lambda: list(graph.query(query.text, initBindings=rdf_bindings)), max(3, args.repeat // 2))
        print(f"{query.name:38} {ox * 1000:14.2f} {rl * 1000:10.1f} {rl / ox:7.0f}x")


def _median(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _to_rdflib(term):
    import rdflib
    from pyoxigraph import NamedNode

    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    return rdflib.Literal(term.value, lang=term.language) if term.language else rdflib.Literal(term.value)


if __name__ == "__main__":
    main()
