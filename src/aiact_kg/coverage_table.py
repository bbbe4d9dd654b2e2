"""The vocabulary coverage table, ``docs/vocabulary-coverage.md``, written from the data.

For each vocabulary a description may be written in (W3C DPV and its extensions, AIRO, VAIR),
the table says which of the terms the validator knows it maps to the Act's classification, what
each states and the provisions it serves (from the mappings and alignments of
``ontology/interop.ttl`` and ``ontology/alignment.ttl``), which it leaves out on purpose and why
(``ontology/interop-left-out.ttl``), and which are not mapped. ::

    python -m aiact_kg.coverage_table            # writes docs/vocabulary-coverage.md
    python -m aiact_kg.coverage_table --check    # exit 1 when the file is not what the data gives

``tests/test_vocabulary_coverage.py`` fails when the committed table and the data part.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .vocab import AIACT

DOC = paths.DATA / "docs" / "vocabulary-coverage.md"
ACT_PREFIX = "/reg/2024/1689/"

#: The prefixes the table writes terms with, longest namespace first when one is read.
PREFIXES = {
    "aiact": str(AIACT),
    "airo": "https://w3id.org/airo#",
    "vair": "https://w3id.org/vair#",
    "dpv": "https://w3id.org/dpv#",
    "dpv-ai": "https://w3id.org/dpv/ai#",
    "dpv-risk": "https://w3id.org/dpv/risk#",
    "dpv-tech": "https://w3id.org/dpv/tech#",
    "eu-aiact": "https://w3id.org/dpv/legal/eu/aiact#",
    "sector-education": "https://w3id.org/dpv/sector/education#",
    "sector-finance": "https://w3id.org/dpv/sector/finance#",
}

#: The sections of the table: a title and the prefixes of the namespaces it covers.
SECTIONS = (
    ("W3C DPV and its extensions", ("dpv", "dpv-ai", "dpv-risk", "dpv-tech", "eu-aiact", "sector-education",
                                    "sector-finance")),
    ("AIRO", ("airo",)),
    ("VAIR", ("vair",)),
)

INTRO = """\
# Vocabulary coverage: which terms of DPV, AIRO and VAIR the validator reads

Which terms of each vocabulary the validator maps to the Act's classification (with what it
states and the provision it serves), which it leaves out on purpose (and why), and which are
not mapped. This file is written from the data by `python -m aiact_kg.coverage_table`: the
mappings are `ontology/interop.ttl` (combinations, context, properties) and
`ontology/alignment.ttl` (the same or close terms), the terms left out and their reasons
`ontology/interop-left-out.ttl`, the term lists `vocabularies/`.
`tests/test_vocabulary_coverage.py` fails when this file is not what the data gives, and when
a term it calls mapped is no longer a term of its vocabulary. Provisions are local ids of the
Act (`anx_III.pnt_4.pnt_a` is Annex III, point 4(a); `art_3.pnt_12` is Article 3(12)).

Term lists: AIRO 1.0, VAIR and DPV's education and finance sector extensions are held whole
(`vocabularies/airo.ttl`, `vocabularies/vair.ttl`, `vocabularies/dpv-terms.ttl`); of W3C DPV's
core and its other extensions the validator holds the terms it looked up
(`vocabularies/dpv-terms.ttl`), so the DPV table covers those terms, not the whole of DPV.
"""

NOT_MAPPED = "Not mapped (no bearing on the classification found, or no term of ours to say it): "


@dataclass
class Entry:
    """What the data says of one term of another vocabulary."""

    states: list[str] = field(default_factory=list)
    provisions: set[str] = field(default_factory=set)
    left_out: str = ""
    left_out_provisions: set[str] = field(default_factory=set)

    @property
    def mapped(self) -> bool:
        return bool(self.states)


#: The prefixes, longest namespace first (…/dpv/ai# before …/dpv#).
_LONGEST_FIRST = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def short(iri: str) -> str:
    """``aiact:usedFor`` for an IRI of a known namespace, the IRI itself otherwise."""
    for prefix, namespace in _LONGEST_FIRST:
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def provision(iri: str) -> str | None:
    """The local id of a provision of the Act (``art_3.pnt_12``), None for anything else."""
    at = iri.find(ACT_PREFIX)
    return iri[at + len(ACT_PREFIX):] if at >= 0 else None


_MATCHES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?ours ?link ?term ?source WHERE {
  VALUES ?link { skos:exactMatch skos:closeMatch }
  ?ours ?link ?term .
  OPTIONAL { ?ours dct:source ?source }
}"""

_SOURCES = """
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?subject ?source WHERE { VALUES ?subject { %s } ?subject dct:source ?source }"""

_SYSTEM_CLASSES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
SELECT ?term WHERE { ?term rdfs:subClassOf aiact:AISystem FILTER(!STRSTARTS(STR(?term), STR(aiact:))) }"""

_INFORMATION = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
SELECT ?kind ?label ?source WHERE {
  ?kind a aiact:InformationKind ; rdfs:label ?label . FILTER(LANG(?label) = "en")
  OPTIONAL { ?kind dct:source ?source }
}"""

_LEFT_OUT = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
SELECT ?term ?why ?source WHERE {
  ?note a aiact:TermLeftOut ; aiact:leftOutTerm ?term ; rdfs:comment ?why ; dct:source ?source .
  FILTER(LANG(?why) = "en")
}"""


def entries(store, engine=None) -> dict[str, Entry]:
    """Every term of another vocabulary the data maps or leaves out, with what it states."""
    from .validation import Engine

    engine = engine or Engine(store=store)
    found: dict[str, Entry] = defaultdict(Entry)

    def add(term: str, text: str, sources) -> None:
        entry = found[term]
        if text not in entry.states:
            entry.states.append(text)
        entry.provisions.update(p for p in (provision(s) for s in sources) if p)

    for mapping in engine.mapper.mappings:
        effect = "; ".join(f"{short(str(p))} {'true' if str(v) == 'true' else short(str(v))}"
                           for p, v in mapping.statements)
        for slot, terms in mapping.slots.items():
            ruled_out = slot == AIACT.mapsExcludedDomain
            text = f"{'rules out ' if ruled_out else ''}{effect} ({short(str(mapping.iri))})"
            for term in terms:
                add(str(term), text, mapping.sources)
    for row in store.select(_MATCHES):
        ours, term = row["ours"].value, row["term"].value
        if ours.startswith(str(AIACT)) and not term.startswith(str(AIACT)):
            same = row["link"].value.endswith("exactMatch")
            text = f"the same as {short(ours)}" if same else f"close to {short(ours)} (documentation only)"
            add(term, text, [row["source"].value] if "source" in row else [])
    readings = engine.mapper.readings
    if readings:
        ours = sorted({str(o) for o in readings.values()})
        sources = defaultdict(list)
        for row in store.select(_SOURCES % " ".join(f"<{o}>" for o in ours)):
            sources[row["subject"].value].append(row["source"].value)
        for term, our in sorted(readings.items()):
            add(str(term), f"read as {short(str(our))}", sources[str(our)])
    kinds = {}
    for row in store.select(_INFORMATION):
        label, sources = kinds.setdefault(row["kind"].value, (row["label"].value, []))
        if "source" in row:
            sources.append(row["source"].value)
    for kind, props in engine.mapper.information.items():
        label, sources = kinds.get(str(kind), (short(str(kind)), []))
        for prop in props:
            if not str(prop).startswith(str(AIACT)):
                add(str(prop), f"states the {label}", sources)
    for row in store.select(_SYSTEM_CLASSES):
        add(row["term"].value, "an aiact:AISystem", [])
    for row in store.select(_LEFT_OUT):
        entry = found[row["term"].value]
        entry.left_out = row["why"].value
        entry.left_out_provisions.update(p for p in [provision(row["source"].value)] if p)
    return dict(found)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(store, engine=None) -> str:
    """The whole table as Markdown."""
    from .validation import Engine

    engine = engine or Engine(store=store)
    data = entries(store, engine)
    vocabularies = engine.vocabularies
    parts = [INTRO]
    for title, prefixes in SECTIONS:
        namespaces = [PREFIXES[p] for p in prefixes]
        known = set()
        for namespace in namespaces:
            ns = vocabularies.namespace_of(namespace + "x")
            if ns is not None and ns.iri == namespace:
                known.update(t for t in ns.terms if t.startswith(namespace))
        in_section = {t for t in data if any(t.startswith(n) and "/" not in t[len(n):] for n in namespaces)}
        terms = known | in_section
        mapped = sorted((t for t in terms if t in data and data[t].mapped), key=short)
        left_out = sorted((t for t in terms if t in data and not data[t].mapped and data[t].left_out), key=short)
        rest = sorted((t for t in terms if t not in mapped and t not in left_out), key=short)
        present = [p for p in prefixes if any(short(t).startswith(p + ":") for t in terms)]
        parts.append(f"## {title} ({', '.join(present)})\n" if len(prefixes) > 1 else f"## {title}\n")
        parts.append(f"{len(mapped)} mapped, {len(left_out)} left out on purpose, {len(rest)} not mapped, "
                     f"of {len(terms)} terms.\n")
        lines = ["| term | status | what it states | provisions |", "|---|---|---|---|"]
        for term in mapped:
            entry = data[term]
            states = sorted(entry.states, key=_order)
            provisions = set(entry.provisions)
            if entry.left_out:
                states.append(f"not mapped further: {entry.left_out}")
                provisions |= entry.left_out_provisions
            lines.append(f"| `{short(term)}` | mapped | {_cell('; '.join(states))} | {'; '.join(sorted(provisions))} |")
        for term in left_out:
            entry = data[term]
            lines.append(f"| `{short(term)}` | left out | {_cell(entry.left_out)} | "
                         f"{'; '.join(sorted(entry.left_out_provisions))} |")
        parts.append("\n".join(lines) + "\n")
        if rest:
            parts.append(NOT_MAPPED + ", ".join(f"`{short(t)}`" for t in rest) + ".\n")
    return "\n".join(parts)


def _order(text: str) -> tuple[int, str]:
    """Mapping facts first, then alignments, readings, information and class facts."""
    for rank, start in enumerate(("the same as", "close to", "read as", "states the", "an aiact:")):
        if text.startswith(start):
            return rank + 1, text
    return 0, text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aiact_kg.coverage_table", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing it")
    parser.add_argument("--output", type=Path, default=DOC, help=f"where to write (default: {DOC})")
    args = parser.parse_args(argv)
    from .build import graph_files
    from .store import EmbeddedStore

    text = render(EmbeddedStore(files=graph_files()))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is not what the data gives: run python -m aiact_kg.coverage_table", file=sys.stderr)
            return 1
        return 0
    temporary = args.output.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(args.output)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
