"""How cost grows: loading and the named queries as the corpus grows, on the embedded store and
on Oxigraph server, and batch validation as the number of descriptions grows.

The synthetic corpora are the built graph with its act replicated under other act IRIs
(``reg/2099/1``, ``reg/2099/2``, ...): every triple about the act or one of its subdivisions
is copied with the IRIs moved, so each copy has the AI Act's structure (text, cross-references,
definitions, recital links); the ontology, the shapes and the curated facts stay once. Sizes
are multiples of the AI Act: 1x, 10x, 100x by default.

For each size it prints the load throughput (triples/s; on the server: the chunked transfer
into a temporary graph, the count check and the switch, with the switch also shown alone)
and the median latency of every named query (the AI Act's sample bindings, so the answer is
the same size at every corpus size: what grows is what the server has to look through).
Then the growth exponent b of each figure, fitted as cost ~ size^b between the smallest and
the largest corpus (b near 0: flat; near 1: linear). Each measurement is bounded in time
(``--budget``); one that would pass it is skipped and said so.

    python bench/scale.py [--sizes 1,10,100] [--repeat 5] [--budget 900]
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))  # servers.py: the Oxigraph server the tests start

_BLANK_NODE = re.compile(rb"^(?:_:|<[^>]*>\s+<[^>]*>\s+_:)")


def synthetic_corpus(source: Path, target: Path, copies: int, act: str) -> int:
    """Write the graph with the act replicated ``copies`` times in all; the triple count.

    A triple about the act or one of its subdivisions (its subject is the act's IRI or below
    it) is copied with every IRI of the act moved to the copy's; what the ontology, the shapes
    and the curated facts say about the AI Act stays once, about the AI Act."""
    subjects = (f"<{act}>".encode(), f"<{act}/".encode())
    moved = [act.replace("reg/2024/1689", f"reg/2099/{n}").encode() for n in range(1, copies)]
    count = 0
    with open(source, "rb") as lines, open(target, "wb") as out:
        for line in lines:
            if not line.strip():
                continue
            out.write(line)
            count += 1
            if line.startswith(subjects) and not _BLANK_NODE.match(line):
                for iri in moved:
                    out.write(line.replace(act.encode(), iri))
                    count += 1
    return count


def samples(act: str) -> dict:
    """Bindings for the named queries: the AI Act's own provisions, in English."""
    from pyoxigraph import Literal, NamedNode

    return {"lang": Literal("en"), "provision": NamedNode(act + "/art_5"), "article": NamedNode(act + "/art_50"),
            "recital": NamedNode(act + "/rct_12"), "resource": NamedNode(act + "/art_16"),
            "namespace": Literal("https://w3id.org/aiact-kg/ontology#")}


def median_ms(store, name: str, bindings: dict, repeat: int, budget: float, rows: dict) -> float | None:
    """Median latency of a named query (first run discarded as warm-up); its row count in ``rows``."""
    from aiact_kg import queries

    bindings = {v: bindings[v] for v in queries.load(name).bindings}
    times = []
    deadline = time.monotonic() + budget
    for run in range(repeat + 1):
        start = time.perf_counter()
        rows[name] = len(store.run(name, **bindings))
        elapsed = time.perf_counter() - start
        if run:
            times.append(elapsed)
        if time.monotonic() > deadline:
            break
    return statistics.median(times) * 1000 if times else elapsed * 1000


def growth(sizes: list[int], values: list[float | None]) -> str:
    pairs = [(s, v) for s, v in zip(sizes, values) if v]
    if len(pairs) < 2 or pairs[0][0] == pairs[-1][0]:
        return "  n/a"
    (s0, v0), (s1, v1) = pairs[0], pairs[-1]
    return f"{math.log(v1 / v0) / math.log(s1 / s0):5.2f}"


def cell(value: float | None, width: int, digits: int = 1) -> str:
    return f"{value:>{width},.{digits}f}" if value is not None else f"{'skip':>{width}}"


def measure(sizes, repeat, budget, folder):
    from aiact_kg import build, queries
    from aiact_kg.store import EmbeddedStore
    from servers import ServerUnavailable, start_oxigraph

    base = build.configured_base()
    act = base + "reg/2024/1689"
    graph = build.build()
    bindings = samples(act)
    names = [n for n in queries.names() if all(v in bindings for v in queries.load(n).bindings)]
    skipped_names = sorted(set(queries.names()) - set(names))
    results = {"sizes": sizes, "triples": {}, "embedded_load": {}, "server_load": {}, "switch": {},
               "embedded": {n: {} for n in names}, "server": {n: {} for n in names},
               "rows": {n: {} for n in names}, "notes": []}
    if skipped_names:
        results["notes"].append(f"not measured (no sample binding for them): {', '.join(skipped_names)}")
    last_load = {"embedded": None, "server": None}
    for size in sizes:
        corpus = folder / f"corpus-{size}x.nt"
        triples = synthetic_corpus(graph, corpus, size, act)
        results["triples"][size] = triples
        print(f"  {size}x: {triples:,} triples", file=sys.stderr, flush=True)

        projected = last_load["embedded"] and last_load["embedded"][1] * triples / last_load["embedded"][0]
        if projected and projected > budget:
            results["notes"].append(f"embedded {size}x skipped: projected load {projected:.0f} s > budget {budget:.0f} s")
        else:
            start = time.perf_counter()
            store = EmbeddedStore(files=[corpus])
            assert store.count() == triples
            seconds = time.perf_counter() - start
            last_load["embedded"] = (triples, seconds)
            results["embedded_load"][size] = triples / seconds
            for name in names:
                rows = {}
                results["embedded"][name][size] = median_ms(store, name, bindings, repeat, budget / len(names), rows)
                results["rows"][name][size] = rows[name]
            del store

        projected = last_load["server"] and last_load["server"][1] * triples / last_load["server"][0]
        if projected and projected > budget:
            results["notes"].append(f"Oxigraph server {size}x skipped: projected load {projected:.0f} s > budget {budget:.0f} s")
            continue
        try:
            server = start_oxigraph(folder=folder / f"oxigraph-{size}x")
        except ServerUnavailable as exc:
            results["notes"].append(f"Oxigraph server unavailable: {exc}")
            continue
        try:
            remote = server.store(timeout=max(600.0, budget))
            sent_at = {}

            def progress(done, total):
                if done >= total:
                    sent_at["t"] = time.perf_counter()

            start = time.perf_counter()
            report = remote.load([corpus], progress=progress)
            end = time.perf_counter()
            assert report.triples == triples == remote.count()
            last_load["server"] = (triples, end - start)
            results["server_load"][size] = triples / (end - start)
            results["switch"][size] = end - sent_at.get("t", end)
            for name in names:
                rows = {}
                results["server"][name][size] = median_ms(remote, name, bindings, repeat, budget / len(names), rows)
                results["rows"][name].setdefault(size, rows[name])
        finally:
            server.stop()
        corpus.unlink()
    return results


def validation_rows(budget: float):
    """Batch validation throughput: the example descriptions, cycled, through one engine (the
    graph and the shapes are loaded once, before the clock starts)."""
    from datetime import date

    from aiact_kg import paths, validation

    examples = sorted(paths.EXAMPLES.glob("*.ttl"))
    samples = [(p.name, p.read_bytes()) for p in examples]
    engine = validation.engine()
    engine.validate(samples[0][1], samples[0][0], date(2026, 8, 2))  # warm: shapes parsed once per process
    rows = []
    for count in (10, 100, 1000):
        start = time.perf_counter()
        for i in range(count):
            name, data = samples[i % len(samples)]
            engine.validate(data, name, date(2026, 8, 2))
        seconds = time.perf_counter() - start
        rows.append((count, seconds, count / seconds))
        if seconds * 10 > budget:
            break
    return rows, f"{len(samples)} example descriptions of {paths.EXAMPLES.name}/, cycled"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100", help="corpus sizes as multiples of the AI Act (default 1,10,100)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query (median reported)")
    parser.add_argument("--budget", type=float, default=900, help="seconds allowed per load and per size's queries")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    folder = Path(tempfile.mkdtemp(prefix="aiact-kg-scale-"))
    os.environ.setdefault("AIACT_KG_CACHE", str(folder / "cache"))

    print("measuring (corpus sizes on stderr)...", file=sys.stderr)
    try:
        r = measure(sizes, args.repeat, args.budget, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print("Load throughput (triples/s)")
    print(f"{'corpus':>7} {'triples':>11} {'embedded':>11} {'Oxigraph server':>16} {'(switch s)':>11}")
    for size in sizes:
        print(f"{str(size) + 'x':>7} {r['triples'][size]:>11,} {cell(r['embedded_load'].get(size), 11, 0)} "
              f"{cell(r['server_load'].get(size), 16, 0)} {cell(r['switch'].get(size), 11, 2)}")
    print(f"{'growth b':>19} {growth(sizes, [1 / v for v in r['embedded_load'].values()]):>11} "
          f"{growth(sizes, [1 / v for v in r['server_load'].values()]):>16}   (of seconds per triple)")

    print("\nNamed queries, median latency (ms)")
    header = " ".join(f"{'emb ' + str(s) + 'x':>10}" for s in sizes) + " " + " ".join(f"{'srv ' + str(s) + 'x':>10}" for s in sizes)
    print(f"{'query':20} {header} {'b emb':>6} {'b srv':>6}  rows")
    for name in r["embedded"]:
        emb = [r["embedded"][name].get(s) for s in sizes]
        srv = [r["server"][name].get(s) for s in sizes]
        rows = " -> ".join(f"{r['rows'][name][s]:,}" for s in sizes if s in r["rows"][name])
        print(f"{name:20} " + " ".join(cell(v, 10, 2) for v in emb) + " " + " ".join(cell(v, 10, 2) for v in srv)
              + f" {growth(sizes, emb):>6} {growth(sizes, srv):>6}  {rows}")

    print("\nBatch validation throughput")
    rows, note = validation_rows(args.budget)
    print(f"{'descriptions':>12} {'seconds':>9} {'per second':>11}   ({note})")
    for count, seconds, rate in rows:
        print(f"{count:>12} {seconds:>9.2f} {rate:>11.1f}")
    print(f"{'growth b':>12} {growth([c for c, _, _ in rows], [s for _, s, _ in rows]):>9}   (of seconds)")
    for note in r["notes"]:
        print(f"note: {note}")
    print(f"\n(machine: {os.cpu_count()} cores; b: exponent of cost ~ size^b between the smallest and largest size)")


if __name__ == "__main__":
    main()
