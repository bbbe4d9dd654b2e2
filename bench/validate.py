"""How fast a description is validated.

Prints: the start of the engine (built graph, shapes, ontology extract, obligations), the
median (p50) and 95th percentile (p95) time of one description, classification included,
and the time for 1,000 descriptions in one process, each as wall-clock and as CPU time of the
process (the CPU figure holds on a busy machine); beside them, in the same run: the same
engine with its shapes run by one ``pyshacl.validate`` call per description (the shapes read
afresh, as the engine did before they were prepared once, ``aiact_kg.shacl``), and a plain
pyshacl call with the whole ontology (every ``ontology/*.ttl``) merged into the data graph
and RDFS inference, with the ratios.

    python bench/validate.py [--repeat N] [--count N] [--baseline-repeat N]

The descriptions are the files of ``examples/`` (or, before there are any, a built-in
sample), each validated as of 2 August 2026.
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

    found = [(p.name, p.read_bytes()) for p in sorted(paths.EXAMPLES.glob("*.ttl"))]
    return found or [(f"sample-{n}.ttl", SAMPLE.format(n=n).encode()) for n in range(5)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100, help="runs of one description for p50/p95")
    parser.add_argument("--count", type=int, default=1000, help="descriptions validated in one batch")
    parser.add_argument("--baseline-repeat", type=int, default=10, help="runs of the plain pyshacl call")
    args = parser.parse_args()
    os.environ.setdefault("AIACT_KG_CACHE", tempfile.mkdtemp(prefix="aiact-kg-bench-"))

    import pyshacl
    import rdflib

    from aiact_kg import build, paths, validation

    build.build()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    start = time.perf_counter()
    engine = validation.engine()
    print(f"engine start (built graph, shapes, ontology extract, obligations): {time.perf_counter() - start:.2f} s "
          f"({len(engine.shapes)} shape triples, {len(engine.ontology)} ontology triples, "
          f"{len(engine.obligations)} obligations)")

    samples = descriptions()
    name, data = max(samples, key=lambda s: len(s[1]))
    engine.validate(data, name, ON)  # warm: the first call parses the shapes' queries
    prepared = engine.prepared
    figures = {}
    for label, runner in (("prepared shapes", prepared), ("one pyshacl call", _Plain(engine.shapes))):
        engine.prepared = runner
        wall, cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            engine.validate(data, name, ON)
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        count = args.count if runner is prepared else max(1, args.count // 10)
        start, start_cpu = time.perf_counter(), time.process_time()
        findings = 0
        for n in range(count):
            sample_name, sample = samples[n % len(samples)]
            findings += len(engine.validate(sample, sample_name, ON).results)
        batch, batch_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        figures[label] = (_percentile(wall, 50), _percentile(cpu, 50), count / batch, count / batch_cpu)
        p50, p50_cpu, rate, rate_cpu = figures[label]
        print(f"{label}: one description ({name}, {len(data)} bytes), classification included: "
              f"p50 {p50 * 1000:.1f} ms wall, {p50_cpu * 1000:.1f} ms CPU (p95 {_percentile(wall, 95) * 1000:.1f} ms "
              f"wall) over {args.repeat} runs; {count} descriptions ({len(samples)} distinct, {findings} findings): "
              f"{batch:.1f} s wall, {batch_cpu:.1f} s CPU = {rate:.1f}/s wall, {rate_cpu:.1f}/s CPU")
    engine.prepared = prepared
    now, before = figures["prepared shapes"], figures["one pyshacl call"]
    print(f"prepared / one call: p50 {before[1] / now[1]:.1f}x faster (CPU), throughput {now[3] / before[3]:.1f}x (CPU)")
    p50 = now[0]
    print(f"targets: >= 30 descriptions/s ({now[2]:.1f}/s wall, {now[3]:.1f}/s CPU); 1,000 in <= 33 s "
          f"({1000 / now[2]:.1f} s wall, {1000 / now[3]:.1f} s CPU); p50 <= 30 ms ({now[0] * 1000:.1f} ms wall, "
          f"{now[1] * 1000:.1f} ms CPU)")

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
    print(f"ratio (plain p50 / engine p50): {base50 / p50:.0f}x   (load average {os.getloadavg()[0]:.1f} at the end)")


class _Plain:
    """The shapes run by one ``pyshacl.validate`` call per description (the baseline)."""

    def __init__(self, shapes):
        self.shapes = shapes

    def validate(self, graph):
        from aiact_kg import shacl

        return shacl.validate_plainly(graph, self.shapes)


def _percentile(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[pct - 1]


if __name__ == "__main__":
    main()
