"""The example descriptions of ``examples/`` get the verdicts their header comments state.

Each example starts with a comment a lawyer can read, then machine-readable lines:
``# expect-tier:`` (a class or risk tier the system or model must get), ``# expect-not-tier:``,
``# expect-point:`` (a provision its classification must rest on), ``# expect-conforms:``
(true or false), ``# expect-obligation:`` (an obligation a finding must name) and
``# expect-provider:`` (an organisation that becomes a provider under Article 25(1)),
``# expect-initial-provider:`` (the provider that is no longer one, Article 25(2)),
``# expect-not-obligation:`` (an obligation no finding may name) and ``# quote:`` (a provision
and, in quotation marks, words of it that decide the verdict; checked against the text). They
are checked on a day when every obligation of the Act applies, unless ``# expect-on:`` gives
another day; ``# expect-warning:`` names an obligation that must be a warning on that day
(found unmet, but applying only later).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pyoxigraph
import pytest

from aiact_kg import paths, validation
from aiact_kg.vocab import DEFAULT_BASE, ONTOLOGY_NS

EXAMPLES = sorted(paths.EXAMPLES.glob("*.ttl"))
ON = date(2028, 1, 1)
PREFIXES = {
    "aiact": ONTOLOGY_NS,
    "act": DEFAULT_BASE + "reg/2024/1689/",
    "obl": DEFAULT_BASE + "reg/2024/1689/obligation/",
}


@pytest.fixture(scope="module")
def engine(store) -> validation.Engine:
    return validation.Engine(store=store)


def expectations(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    base = f"https://example.org/{path.stem}#"
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"#\s*expect-([a-z-]+):\s*(\S+)", line)
        if match:
            key, value = match.groups()
            if ":" in value:
                prefix, _, local = value.partition(":")
                value = base + local if prefix == "" else PREFIXES.get(prefix, prefix + ":") + local
            found.setdefault(key, []).append(value)
    return found


def test_there_are_at_least_fifteen_examples_each_introduced_by_a_comment():
    assert len(EXAMPLES) >= 15
    for path in EXAMPLES:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# "), path.name
        expected = expectations(path)
        assert "tier" in expected and "conforms" in expected, path.name


def test_there_are_complete_and_incomplete_variants():
    verdicts = {expectations(p)["conforms"][0] == "true" for p in EXAMPLES}
    assert verdicts == {True, False}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_example_gets_the_verdict_it_states(engine, path):
    expected = expectations(path)
    on = date.fromisoformat(expected["on"][0]) if "on" in expected else ON
    report = engine.validate(path.read_bytes(), path.name, on=on)
    assert report.classification, report.warnings
    classes = {t.iri for c in report.classification for t in c.tiers + c.classes}
    provisions = {p for c in report.classification for p in c.provisions + c.points}
    providers = {r.organisation for c in report.classification for r in c.roles if r.role.endswith("#Provider")}
    obligations = {f.obligation for f in report.results}
    findings = [(f.severity, f.obligation, f.message[:80]) for f in report.results]

    for tier in expected.get("tier", []):
        assert tier in classes, (tier, classes)
    for tier in expected.get("not-tier", []):
        assert tier not in classes, (tier, classes)
    for point in expected.get("point", []):
        assert point in provisions, (point, provisions)
    for organisation in expected.get("provider", []):
        assert organisation in {p.strip("<>") for p in providers}, (organisation, providers)
    initial = {r.organisation for c in report.classification for r in c.roles if r.role.endswith("#InitialProvider")}
    assert set(expected.get("initial-provider", [])) == initial, initial
    if initial:
        assert not providers & initial, (providers, initial)
    conforms = expected["conforms"][0] == "true"
    assert report.conforms is conforms, findings
    if conforms:
        assert [f for f in report.results if f.severity == validation.VIOLATION] == [], findings
        if "warning" not in expected:
            assert report.results == [], findings
    warnings = {f.obligation for f in report.results if f.severity == validation.WARNING}
    for obligation in expected.get("warning", []):
        assert obligation in warnings, (obligation, findings)
    for obligation in expected.get("obligation", []):
        assert obligation in obligations, (obligation, findings)
    for obligation in expected.get("not-obligation", []):
        assert obligation not in obligations, (obligation, findings)
    assert not [t for t in report.unknown_terms if t.refused]
    # every classification says which facts of the file it rests on, by line
    for entry in report.classification:
        for evidence in entry.evidence:
            assert evidence.facts and all(f.line for f in evidence.facts), (evidence.provision, evidence.facts)


QUOTE = re.compile(r'#\s*quote:\s*act:(\S+)\s+"(.+)"\s*$')


def quotes(path: Path) -> list[tuple[str, str]]:
    return [m.groups() for m in map(QUOTE.match, path.read_text(encoding="utf-8").splitlines()) if m]


def _words(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def test_at_least_fifteen_examples_quote_the_words_of_the_provisions_that_decide_them():
    assert len([p for p in EXAMPLES if quotes(p)]) >= 15


@pytest.mark.parametrize("path", [p for p in EXAMPLES if quotes(p)], ids=[p.stem for p in EXAMPLES if quotes(p)])
def test_the_quoted_words_are_in_the_provision(store, path):
    for local_id, words in quotes(path):
        rows = store.select(
            "PREFIX aiact: <https://w3id.org/aiact-kg/ontology#> SELECT ?t WHERE { ?p aiact:text ?t "
            "FILTER(LANG(?t) = 'en') }", {"p": pyoxigraph.NamedNode(PREFIXES["act"] + local_id)})
        text = " ".join(_words(r["t"].value) for r in rows)
        assert _words(words) in text, (local_id, words, text[:300])


VOCABULARY_PREFIXES = {"dpv": "https://w3id.org/dpv", "airo": "https://w3id.org/airo#", "vair": "https://w3id.org/vair#"}


def test_each_vocabulary_has_at_least_three_examples_written_in_it():
    counts = {name: 0 for name in ("dpv", "airo", "vair", "aiact")}
    for path in EXAMPLES:
        if path.stem.startswith(("dpv-", "airo-", "vair-")):
            counts[path.stem.split("-", 1)[0]] += 1
        elif quotes(path):
            counts["aiact"] += 1
    assert all(n >= 3 for n in counts.values()), counts


# -- Article 113, point (c): the obligations corresponding to Article 6(1) apply from 2 August 2027

MEDICAL_DEVICE = """@prefix aiact: <https://w3id.org/aiact-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix : <https://example.org/device#> .
:device a aiact:AISystem ; rdfs:label "Retinopathy grading" ;
    aiact:productCoveredBy aiact:AnnexILegislation11 ; aiact:requiresThirdPartyAssessment true ;
    aiact:hasProvider :maker .
:maker a aiact:Organisation ; rdfs:label "Maker" .
"""
ALSO_ANNEX_III = MEDICAL_DEVICE.replace(
    "aiact:requiresThirdPartyAssessment true ;",
    "aiact:requiresThirdPartyAssessment true ; aiact:usedFor aiact:AnnexIIIUseCase5a ;")


def _finding(report, local_id: str):
    matches = [f for f in report.results if f.obligation == PREFIXES["obl"] + local_id]
    assert len(matches) == 1, [f.obligation for f in report.results]
    return matches[0]


def test_an_annex_i_route_system_is_bound_by_the_high_risk_obligations_from_2_august_2027(engine):
    report = engine.validate(MEDICAL_DEVICE.encode(), "device.ttl", on=date(2026, 9, 1))
    risk_management = _finding(report, "art_9.par_1")
    assert risk_management.severity == validation.WARNING
    assert risk_management.applicable_from == date(2027, 8, 2)
    assert PREFIXES["act"] + "art_113.pnt_c" in risk_management.provisions
    later = engine.validate(MEDICAL_DEVICE.encode(), "device.ttl", on=date(2027, 8, 2))
    assert _finding(later, "art_9.par_1").severity == validation.VIOLATION


def test_ai_literacy_binds_the_provider_of_an_annex_i_route_system_from_2_february_2025(engine):
    report = engine.validate(MEDICAL_DEVICE.encode(), "device.ttl", on=date(2026, 9, 1))
    literacy = _finding(report, "art_4")
    assert literacy.severity == validation.VIOLATION and literacy.applicable_from == date(2025, 2, 2)


def test_a_system_also_high_risk_under_annex_iii_is_bound_from_the_general_date(engine):
    report = engine.validate(ALSO_ANNEX_III.encode(), "device.ttl", on=date(2026, 9, 1))
    risk_management = _finding(report, "art_9.par_1")
    assert risk_management.severity == validation.VIOLATION
    assert risk_management.applicable_from == date(2026, 8, 2)


# -- every format gives the same verdict ---------------------------------------------------------

FORMATS = {"jsonld": "json-ld", "rdf": "xml", "nt": "nt"}


def verdict(report) -> tuple:
    return (report.conforms,
            sorted((c.node, tuple(sorted(t.iri for t in c.tiers + c.classes)), tuple(c.provisions), tuple(c.points),
                    tuple(sorted((r.organisation, r.role) for r in c.roles)), tuple(c.missing))
                   for c in report.classification if not c.node.startswith("_:")),
            sorted((f.severity, f.obligation, f.message) for f in report.results if not f.focus.startswith("_:")))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_example_gets_the_same_verdict_in_json_ld_rdf_xml_and_n_triples(engine, path):
    import rdflib

    expected = expectations(path)
    on = date.fromisoformat(expected["on"][0]) if "on" in expected else ON
    turtle = engine.validate(path.read_bytes(), path.name, on=on)
    graph = rdflib.Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
    for suffix, fmt in FORMATS.items():
        data = graph.serialize(format=fmt, encoding="utf-8")
        other = engine.validate(data, f"{path.stem}.{suffix}", on=on)
        assert verdict(other) == verdict(turtle), suffix
        for entry in other.classification:
            for evidence in entry.evidence:
                assert all(f.line for f in evidence.facts), (suffix, evidence)


def test_a_derogated_system_s_report_names_the_documentation_of_article_6_4_and_the_registration_of_article_49_2(engine):
    path = paths.EXAMPLES / "derogation-holds.ttl"
    report = engine.validate(path.read_bytes(), path.name, on=ON)
    (entry,) = report.classification
    duties = {d["obligation"].removeprefix(PREFIXES["obl"]) for c in entry.classes for d in c.duties}
    assert {"art_6.par_4", "art_49.par_2"} <= duties
    text = report.text
    assert "Article 6(4)" in text and "Article 49(2)" in text
