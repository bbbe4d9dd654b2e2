"""How fast a description is validated.

Prints: the start of the engine (built graph, shapes, ontology extract, obligations); for
every description, the median (p50) time of one validation, classification and report
included, as CPU time of the process (the figure that holds on a busy machine) and wall-clock
time, in alternating rounds of the engine and of the baseline in the same run: the same
prepared shapes without the shortcuts of ``aiact_kg.shacl`` (each shape walks its property path
itself, every result is written in full with its text, as pyshacl does; the results graph and
the memo of suggested terms are the engine's in both); that the two give the same findings;
the largest description's p95; the time of 1,000 descriptions in one process for the engine
and, in the same run in alternating blocks, of 250 for the baseline and 100 for the shapes run
by one ``pyshacl.validate`` call per description (as before they were prepared once); and a
plain pyshacl call with the whole ontology (every ``ontology/*.ttl``) merged into the data
graph and RDFS inference, with the ratios.

    python bench/validate.py [--repeat N] [--count N] [--baseline-repeat N]

The descriptions are the files of ``examples/`` and ``examples/airo/`` (or, before there are
any, a built-in sample), each validated as of 2 August 2026.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

ON = date(2026, 8, 2)

SAMPLE = """@prefix aiact: <https://w3id.org/aiact-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix : <http://example.org/bench/{n}/> .
:system a aiact:AISystem ; rdfs:label "CV screening {n}" ;
    aiact:intendedPurpose "Rank job applications for recruiters" ;
    aiact:usedFor aiact:AnnexIIIUseCase4a ; aiact:interactsWithNaturalPersons true ;
    aiact:hasProvider :provider ; aiact:hasDeployer :deployer ;
    aiact:hasMeasure [ a aiact:RiskManagementSystem ] , [ a aiact:DataGovernance ] ,
        [ a aiact:TechnicalDocumentation ] , [ a aiact:AILiteracyMeasure ] .
:provider a aiact:Organisation ; rdfs:label "Provider {n}" .
:deployer a aiact:Organisation ; rdfs:label "Deployer {n}" ; aiact:isPublicBody true .
:scoring a aiact:AISystem ; aiact:usesPractice aiact:SocialScoring ; aiact:hasProvider :provider .
:model a aiact:GeneralPurposeAIModel ; aiact:trainingCompute "3.0E25"^^<http://www.w3.org/2001/XMLSchema#double> ;
    aiact:hasProvider :provider .
"""


def descriptions() -> list[tuple[str, bytes]]:
    from aiact_kg import paths

    found = [(str(p.relative_to(paths.EXAMPLES)), p.read_bytes())
             for p in sorted(paths.EXAMPLES.glob("*.ttl")) + sorted(paths.EXAMPLES.glob("airo/*.ttl"))]
    return found or [(f"sample-{n}.ttl", SAMPLE.format(n=n).encode()) for n in range(5)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="rounds of each description for its p50 (default 15)")
    parser.add_argument("--count", type=int, default=1000, help="descriptions validated in one batch (default 1000)")
    parser.add_argument("--baseline-repeat", type=int, default=3, help="runs of the plain pyshacl call (default 3)")
    args = parser.parse_args()
    os.environ.setdefault("AIACT_KG_CACHE", tempfile.mkdtemp(prefix="aiact-kg-bench-"))

    import pyshacl
    import rdflib

    from aiact_kg import build, paths, shacl, validation

    build.build()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    start = time.perf_counter()
    engine = validation.engine()
    print(f"engine start (built graph, shapes, ontology extract, obligations): {time.perf_counter() - start:.2f} s "
          f"({len(engine.shapes)} shape triples, {len(engine.ontology)} ontology triples, "
          f"{len(engine.obligations)} obligations)")

    samples = descriptions()
    runners = {"engine": engine.prepared, "baseline": shacl.PreparedShapes(engine.shapes, shortcuts=False)}

    def validate(runner, sample_name, sample):
        engine.prepared = runner
        try:
            return engine.validate(sample, sample_name, ON, allow_unknown_terms=True)
        finally:
            engine.prepared = runners["engine"]

    # p50 of every description, the engine and the baseline in alternating rounds
    print(f"\none description, p50 of {args.repeat} alternating rounds "
          "(baseline: no shortcuts, each shape walks its path and writes its results in full)")
    print(f"{'description':48} {'triples':>7} {'engine CPU':>10} {'wall':>7} {'baseline CPU':>12} {'wall':>7} "
          f"{'ratio':>6}  findings")
    times: dict = {}
    differ = []
    for sample_name, sample in samples:
        reports = {label: validate(runner, sample_name, sample) for label, runner in runners.items()}  # warm
        if _findings(reports["engine"]) != _findings(reports["baseline"]):
            differ.append(sample_name)
        for _ in range(args.repeat):
            for label, runner in runners.items():
                start, start_cpu = time.perf_counter(), time.process_time()
                validate(runner, sample_name, sample)
                times.setdefault((sample_name, label), []).append(
                    (time.process_time() - start_cpu, time.perf_counter() - start))
        now = [_percentile([t[i] for t in times[(sample_name, "engine")]], 50) for i in (0, 1)]
        before = [_percentile([t[i] for t in times[(sample_name, "baseline")]], 50) for i in (0, 1)]
        print(f"{sample_name:48} {reports['engine'].triples:7} {now[0] * 1000:8.1f}ms {now[1] * 1000:5.1f}ms "
              f"{before[0] * 1000:10.1f}ms {before[1] * 1000:5.1f}ms {before[0] / now[0]:5.1f}x  "
              f"{len(reports['engine'].results)}" + (" DIFFER" if sample_name in differ else ""))
    print("the same findings in every description" if not differ else f"FINDINGS DIFFER: {', '.join(differ)}")
    name, data = max(samples, key=lambda s: len(s[1]))
    largest = {label: times[(name, label)] for label in runners}
    for label, values in largest.items():
        cpu, wall = [v[0] for v in values], [v[1] for v in values]
        print(f"largest ({name}, {len(data)} bytes), {label}: p50 {_percentile(cpu, 50) * 1000:.1f} ms CPU "
              f"({_percentile(wall, 50) * 1000:.1f} ms wall), p95 {_percentile(cpu, 95) * 1000:.1f} ms CPU "
              f"({_percentile(wall, 95) * 1000:.1f} ms wall)")
    medians = {label: _percentile([_percentile([t[0] for t in times[(n, label)]], 50) for n, _ in samples], 50)
               for label in runners}
    print(f"median of the descriptions' p50: engine {medians['engine'] * 1000:.1f} ms CPU, "
          f"baseline {medians['baseline'] * 1000:.1f} ms CPU")

    # throughput: many descriptions in one process, in blocks of 50 (the engine's, and one of the
    # baseline after every fourth, one of one pyshacl call after every tenth, so that a change of
    # load on the machine falls on all three alike)
    print()
    runners["one pyshacl call"] = shacl.OneCall(engine.shapes)
    every = {"engine": 1, "baseline": 4, "one pyshacl call": 10}
    spent = {label: [0, 0.0, 0.0, 0] for label in runners}  # descriptions, wall, CPU, findings
    block = 50
    for b in range(max(1, args.count // block)):
        for label, runner in runners.items():
            if b % every[label]:
                continue
            start, start_cpu = time.perf_counter(), time.process_time()
            for n in range(b * block, (b + 1) * block):
                sample_name, sample = samples[n % len(samples)]
                spent[label][3] += len(validate(runner, sample_name, sample).results)
            spent[label][0] += block
            spent[label][1] += time.perf_counter() - start
            spent[label][2] += time.process_time() - start_cpu
    figures = {}
    for label, (count, batch, batch_cpu, findings) in spent.items():
        figures[label] = (count / batch, count / batch_cpu)
        print(f"{label}: {count} descriptions ({len(samples)} distinct in turn, {findings} findings): "
              f"{batch:.1f} s wall, {batch_cpu:.1f} s CPU = {count / batch:.1f}/s wall, {count / batch_cpu:.1f}/s CPU "
              f"(1,000 in {1000 / figures[label][0]:.1f} s wall, {1000 / figures[label][1]:.1f} s CPU)")
    now = figures["engine"]
    for label in ("baseline", "one pyshacl call"):
        print(f"engine / {label}: throughput {now[1] / figures[label][1]:.1f}x (CPU), "
              f"{now[0] / figures[label][0]:.1f}x (wall)")
    p50_cpu = _percentile([v[0] for v in largest["engine"]], 50)
    p50 = _percentile([v[1] for v in largest["engine"]], 50)
    print(f"targets: >= 30 descriptions/s ({now[0]:.1f}/s wall, {now[1]:.1f}/s CPU); 1,000 in <= 33 s "
          f"({1000 / now[0]:.1f} s wall, {1000 / now[1]:.1f} s CPU); p50 <= 30 ms for the largest "
          f"({p50 * 1000:.1f} ms wall, {p50_cpu * 1000:.1f} ms CPU)")

    # the plain call: whole ontology merged into each data graph, RDFS inference
    ontology = rdflib.Graph()
    for path in sorted(paths.ONTOLOGY.glob("*.ttl")):
        ontology.parse(path, format="turtle")
    shapes = rdflib.Graph()
    for path in sorted(paths.SHAPES.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    plain = []
    for _ in range(args.baseline_repeat):
        start = time.perf_counter()
        graph = rdflib.Graph()
        graph.parse(data=data, format="turtle")
        graph += ontology
        pyshacl.validate(graph, shacl_graph=shapes, inference="rdfs", advanced=True)
        plain.append(time.perf_counter() - start)
    base50, base95 = _percentile(plain, 50), _percentile(plain, 95)
    print(f"plain pyshacl (whole ontology merged, {len(ontology)} triples; inference='rdfs'): "
          f"p50 {base50 * 1000:.0f} ms, p95 {base95 * 1000:.0f} ms over {args.baseline_repeat} runs; "
          f"{args.count} descriptions would take {base50 * args.count:.0f} s")
    print(f"ratio (plain p50 / engine p50, wall): {base50 / p50:.0f}x   "
          f"(load average {os.getloadavg()[0]:.1f} at the end)")


def _findings(report) -> list[tuple]:
    """What a report finds, without the blank nodes' names (each reading names them anew)."""
    return sorted((f.severity, f.message, f.obligation or "", f.shape or "", f.path or "",
                   f.focus if not f.focus.startswith("_:") else "_:", tuple(f.provisions)) for f in report.results)


def _percentile(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[pct - 1]


if __name__ == "__main__":
    main()
