"""What validation costs per triple, and how fast the limits refuse what is past them.

Validates, in one process, descriptions made of 1 to ``--max-copies`` copies of a high-risk
system (about 11 triples each, every kind of statement the shapes read), and prints for each
size the time, the time per triple and the growth of resident memory; then the time it takes
to refuse a billion-laughs RDF/XML file, a 120,000-triple Turtle file and an oversize file
(each must be under 2 s). The per-triple figures are what the limits of SECURITY.md rest on.

    python bench/limits.py [--max-copies 400]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from validate import SAMPLE  # noqa: E402 - the description bench/validate.py times

ON = date(2026, 8, 2)


def description(copies: int) -> bytes:
    parts = []
    for n in range(copies):
        text = SAMPLE.format(n=n)
        if n:
            text = "\n".join(line for line in text.splitlines() if not line.startswith("@prefix"))
        parts.append(text)
    return "\n".join(parts).encode()


def resident_mib() -> float:
    with open(f"/proc/{os.getpid()}/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 ** 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-copies", type=int, default=400)
    args = parser.parse_args()

    from aiact_kg import limits, validation

    engine = validation.engine()
    engine.validate(description(1), "warm.ttl", ON)
    print("| systems | triples | seconds | ms per triple | memory growth MiB | KiB per triple |")
    print("|---|---|---|---|---|---|")
    copies = 1
    every = limits.CLI_VALIDATE.but(max_triples=10 ** 7, max_bytes=10 ** 9)
    while copies <= args.max_copies:
        data = description(copies)
        gc.collect()
        before = resident_mib()
        start = time.perf_counter()
        report = engine.validate(data, "bench.ttl", ON, every)
        seconds = time.perf_counter() - start
        grown = max(0.0, resident_mib() - before)
        print(f"| {copies} | {report.triples:,} | {seconds:.2f} | {seconds / report.triples * 1000:.2f} | "
              f"{grown:.0f} | {grown * 1024 / report.triples:.1f} |")
        copies *= 4 if copies < 16 else 2

    print("\n| refused input | seconds | message |")
    print("|---|---|---|")
    laughs = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
              + ']><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>').encode()
    many = b"@prefix ex: <http://example.org/> .\n" + b"".join(b"ex:s%d ex:p %d .\n" % (i, i) for i in range(120_000))
    for name, data, filename in (("billion laughs (RDF/XML)", laughs, "billion.rdf"),
                                 (f"{len(many) / 1024 ** 2:.1f} MB Turtle, 120,000 triples", many, "big.ttl"),
                                 ("6 MB file", b"#" * (6 * 1024 * 1024), "huge.ttl")):
        start = time.perf_counter()
        try:
            engine.validate(data, filename, ON)
            message = "ACCEPTED"
        except validation.InputError as exc:
            message = str(exc)
        print(f"| {name} | {time.perf_counter() - start:.3f} | {message[:110]} |")


if __name__ == "__main__":
    main()
