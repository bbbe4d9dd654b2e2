"""The validation engine: a description in any RDF format is classified and checked, each
finding dated by its obligation (a violation once it applies, a warning before), bad input
gets a one-line message naming where it is wrong, and nothing is ever fetched.

The engine is tested here against the stand-in model of ``tests/data/validation`` (three
obligations: Article 4 from 2 February 2025, Article 5(1)(c) from 2 February 2025, Article
9(1) from 2 August 2026), so these tests do not move when the real shapes grow.
"""

from __future__ import annotations

import http.server
import json
import threading
from datetime import date
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF, SH

from aiact_kg import cli, validation
from aiact_kg.store import EmbeddedStore

STANDIN = Path(__file__).parent / "data" / "validation"
AIACT = "https://w3id.org/aiact-kg/ontology#"
ACT = "https://w3id.org/aiact-kg/reg/2024/1689/"
OBL = ACT + "obligation/"

PREFIXES = """@prefix aiact: <https://w3id.org/aiact-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix : <http://example.org/> .
"""
#: A CV-screening system (Annex III, point 4(a)) whose provider shows AI literacy measures
#: but no risk management system.
RECRUITMENT = PREFIXES + """
:cv-screening a aiact:AISystem ; rdfs:label "CV screening" ;
    aiact:intendedPurpose "Rank job applications for recruiters" ;
    aiact:usedFor aiact:AnnexIIIUseCase4a ;
    aiact:hasProvider :acme ;
    aiact:hasMeasure [ a aiact:AILiteracyMeasure ] .
:acme a aiact:Organisation ; rdfs:label "Acme Hiring" .
"""
COMPLETE_RECRUITMENT = RECRUITMENT + """
:cv-screening aiact:hasMeasure [ a aiact:RiskManagementSystem ] .
"""
SOCIAL_SCORING = PREFIXES + """
:scoring a aiact:AISystem ; rdfs:label "Citizen score" ;
    aiact:usesPractice aiact:SocialScoring ;
    aiact:hasProvider :city ; aiact:hasMeasure [ a aiact:AILiteracyMeasure ] .
"""
BEFORE_HIGH_RISK = date(2026, 8, 1)
HIGH_RISK_DAY = date(2026, 8, 2)


@pytest.fixture(scope="module")
def engine(graph_file, tmp_path_factory) -> validation.Engine:
    folder = tmp_path_factory.mktemp("standin")
    ontology = folder / "standin-ontology.nt"
    quads = pyoxigraph.parse(path=str(STANDIN / "ontology.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    ontology.write_bytes(pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_TRIPLES))
    return validation.Engine(store=EmbeddedStore(files=[graph_file, ontology]), shapes=STANDIN / "shapes",
                             ontology=[STANDIN])


@pytest.fixture
def process_engine(engine):
    """The stand-in engine as the engine of the process (for validate_bytes and the command)."""
    validation.use_engine(engine)
    yield engine
    validation.use_engine(None)


def check(engine, text: str, on: date, filename: str = "description.ttl") -> validation.Report:
    return engine.validate(text.encode("utf-8"), filename, on)


def obligations(report) -> dict[str, str]:
    return {f.obligation.removeprefix(OBL): f.severity for f in report.results if f.obligation}


# -- classification ------------------------------------------------------------------------------

def test_cv_screening_is_high_risk_under_annex_iii_point_4a(engine):
    report = check(engine, COMPLETE_RECRUITMENT, HIGH_RISK_DAY)
    (system,) = report.classification
    assert system.label == "CV screening"
    assert [t.iri for t in system.tiers] == [AIACT + "HighRisk"]
    assert [c.iri for c in system.classes] == [AIACT + "AnnexIIIHighRiskAISystem"]
    assert ACT + "art_6.par_2" in system.classes[0].provisions
    assert system.points == [ACT + "anx_III.pnt_4.pnt_a"]
    assert set(system.provisions) == {ACT + "art_6.par_2", ACT + "anx_III.pnt_4.pnt_a"}
    assert [(r.label, r.role) for r in system.roles] == [("Acme Hiring", AIACT + "Provider")]


def test_social_scoring_is_classified_under_article_5_1_c(engine):
    (system,) = check(engine, SOCIAL_SCORING, date(2025, 3, 1)).classification
    assert [t.iri for t in system.tiers] == [AIACT + "ProhibitedRisk"]
    assert [c.iri for c in system.classes] == [AIACT + "ProhibitedAISystem"]
    assert system.points == system.provisions == [ACT + "art_5.par_1.pnt_c"]


SPAM_FILTER = PREFIXES + """:filter a aiact:AISystem ; rdfs:label "Spam filter" ;
    aiact:intendedPurpose "Move unsolicited bulk e-mail to the spam folder" ; aiact:affectedPersons :mailbox-holders .
"""


def test_a_system_with_no_regime_is_minimal_risk(engine):
    report = check(engine, SPAM_FILTER, HIGH_RISK_DAY)
    assert report.conforms and report.classification[0].minimal
    assert "minimal risk" in report.text


def test_a_system_named_with_its_version_and_provider_only_is_not_minimal_risk(engine):
    text = PREFIXES + """:tool a aiact:AISystem ; rdfs:label "Assistant 2.1" ; aiact:hasProvider :acme .
:acme a aiact:Organisation ; rdfs:label "Acme" ."""
    report = check(engine, text, HIGH_RISK_DAY)
    entry = report.classification[0]
    assert not entry.minimal and entry.insufficient
    assert [t.iri for t in entry.tiers] == [AIACT + "InsufficientInformation"]
    assert entry.missing == ["intended purpose (Article 3(12))", "context of use", "persons affected", "sector"]
    assert "insufficient information to classify" in report.text and "minimal risk" not in report.text
    # only the duties of every AI system are checked: AI literacy (Article 4)
    assert set(obligations(report)) == {"art_4"}


def test_a_purpose_without_any_context_persons_or_sector_is_insufficient(engine):
    text = PREFIXES + ':tool a aiact:AISystem ; aiact:intendedPurpose "Summarise documents" .'
    entry = check(engine, text, HIGH_RISK_DAY).classification[0]
    assert entry.missing == ["context of use", "persons affected", "sector"]


def test_a_deployer_who_substantially_modifies_a_system_becomes_its_provider(engine):
    text = COMPLETE_RECRUITMENT + """
:cv-screening aiact:hasDeployer :bank ; aiact:substantiallyModifiedBy :bank .
:bank a aiact:Organisation ; rdfs:label "Bank" .
"""
    (system,) = check(engine, text, HIGH_RISK_DAY).classification
    roles = {(r.label, r.role_label): r.provisions for r in system.roles}
    assert roles[("Bank", "provider")] == [ACT + "art_25.par_1.pnt_b"]
    assert roles[("Bank", "deployer")] == []


# -- severity by date ----------------------------------------------------------------------------

def test_a_missing_risk_management_system_is_a_warning_before_2_august_2026(engine):
    report = check(engine, RECRUITMENT, BEFORE_HIGH_RISK)
    assert obligations(report) == {"art_9.par_1": "Warning"}
    assert report.conforms
    (finding,) = report.results
    assert finding.applicable_from == HIGH_RISK_DAY
    assert "applies from 2026-08-02" in finding.message
    assert finding.provisions == [ACT + "art_9.par_1"]
    assert finding.focus == "http://example.org/cv-screening"


def test_a_missing_risk_management_system_is_a_violation_from_2_august_2026(engine):
    report = check(engine, RECRUITMENT, HIGH_RISK_DAY)
    assert obligations(report) == {"art_9.par_1": "Violation"}
    assert not report.conforms and report.exit_code == 1


def test_the_complete_cv_screening_description_conforms(engine):
    report = check(engine, COMPLETE_RECRUITMENT, HIGH_RISK_DAY)
    assert report.conforms and report.results == [] and report.exit_code == 0


def test_social_scoring_is_a_violation_even_before_article_5_applies(engine):
    report = check(engine, SOCIAL_SCORING, date(2024, 9, 1))
    assert obligations(report) == {"art_5.par_1.pnt_c": "Violation"}
    assert not report.conforms


def test_a_finding_without_an_obligation_keeps_the_shapes_severity_and_sources(engine):
    text = PREFIXES + ":x a aiact:AISystem ; aiact:hasProvider :p ."
    report = check(engine, text, date(2025, 1, 1))
    # Article 4 applies from 2 February 2025: before that day it is only announced
    assert obligations(report) == {"art_4": "Warning"}


# -- formats and mapping -------------------------------------------------------------------------

def _serialized(text: str, fmt: str) -> bytes:
    graph = rdflib.Graph().parse(data=text, format="turtle")
    return graph.serialize(format=fmt, encoding="utf-8")


@pytest.mark.parametrize("filename, fmt", [("cv.ttl", "turtle"), ("cv.jsonld", "json-ld"), ("cv.rdf", "xml"),
                                           ("cv.nt", "nt"), ("cv-without-extension", "json-ld"),
                                           ("cv-xml-without-extension", "xml")])
def test_every_rdf_format_gives_the_same_report(engine, filename, fmt):
    report = engine.validate(_serialized(RECRUITMENT, fmt), filename, HIGH_RISK_DAY)
    assert obligations(report) == {"art_9.par_1": "Violation"}
    assert report.classification[0].points == [ACT + "anx_III.pnt_4.pnt_a"]


def test_an_airo_description_is_mapped_to_our_terms(engine):
    text = """@prefix airo: <https://w3id.org/airo#> .
@prefix aiact: <https://w3id.org/aiact-kg/ontology#> .
@prefix : <http://example.org/> .
:cv a airo:AISystem ; airo:hasPurpose aiact:AnnexIIIUseCase4a ; airo:isProvidedBy :acme .
"""
    report = check(engine, text, HIGH_RISK_DAY)
    (system,) = report.classification
    assert [c.iri for c in system.classes] == [AIACT + "AnnexIIIHighRiskAISystem"]
    assert obligations(report) == {"art_9.par_1": "Violation", "art_4": "Violation"}


# -- renderers -----------------------------------------------------------------------------------

def test_the_turtle_report_is_a_shacl_validation_report_with_our_links(engine):
    report = check(engine, RECRUITMENT, BEFORE_HIGH_RISK)
    graph = rdflib.Graph().parse(data=validation.render_turtle([report]), format="turtle")
    (root,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(root, SH.conforms).toPython() is True
    (result,) = graph.objects(root, SH.result)
    assert graph.value(result, SH.resultSeverity) == SH.Warning
    assert graph.value(result, rdflib.URIRef(AIACT + "obligation")) == rdflib.URIRef(OBL + "art_9.par_1")
    assert graph.value(result, DCTERMS.source) == rdflib.URIRef(ACT + "art_9.par_1")
    assert graph.value(result, rdflib.URIRef(AIACT + "applicableFrom")).toPython() == HIGH_RISK_DAY
    assert graph.value(result, SH.sourceShape) == rdflib.URIRef(AIACT + "RiskManagementShape")
    assert (rdflib.URIRef("http://example.org/cv-screening"), RDF.type,
            rdflib.URIRef(AIACT + "AnnexIIIHighRiskAISystem")) in graph


def test_the_json_report_names_tiers_findings_and_dates(engine):
    data = json.loads(validation.render_json([check(engine, RECRUITMENT, HIGH_RISK_DAY)]))
    assert data["conforms"] is False and data["on"] == "2026-08-02"
    assert data["classification"][0]["tiers"][0]["iri"] == AIACT + "HighRisk"
    assert data["classification"][0]["classes"][0]["iri"] == AIACT + "AnnexIIIHighRiskAISystem"
    assert data["results"][0]["obligation"] == OBL + "art_9.par_1"
    assert data["results"][0]["applicable_from"] == "2026-08-02"


def test_the_text_report_cites_provisions_by_their_labels(engine):
    text = check(engine, RECRUITMENT, HIGH_RISK_DAY).text
    assert "Annex III, point 4(a)" in text and "Article 9(1)" in text and "Violation" in text


# -- bad input -----------------------------------------------------------------------------------

def test_a_syntax_error_names_the_file_line_and_column(engine):
    with pytest.raises(validation.InputError) as caught:
        engine.validate(PREFIXES.encode() + b':x a aiact:AISystem ;\n  aiact:intendedPurpose "open\n', "bad.ttl", HIGH_RISK_DAY)
    assert caught.value.filename == "bad.ttl" and caught.value.line == 5 and caught.value.column is not None
    assert str(caught.value).startswith("bad.ttl:5:")


MISSPELT = RECRUITMENT + ":cv-screening aiact:usedFr aiact:AnnexIIIUseCase9z ; aiact:hasMeasure [ a aiact:RiskManagmentSystem ] ."


def test_unknown_terms_of_a_known_vocabulary_are_refused_with_their_line_and_the_term_meant(engine):
    with pytest.raises(validation.UnknownTermsError) as caught:
        check(engine, MISSPELT, HIGH_RISK_DAY)
    terms = {t.iri.removeprefix(AIACT): t for t in caught.value.terms}
    assert set(terms) == {"AnnexIIIUseCase9z", "usedFr", "RiskManagmentSystem"}
    assert terms["usedFr"].suggestion == AIACT + "usedFor" and terms["usedFr"].line == 11
    assert terms["RiskManagmentSystem"].suggestion == AIACT + "RiskManagementSystem"
    assert all(line.startswith("description.ttl:11: unknown term: ") for line in caught.value.lines())


def test_a_misspelt_vair_purpose_is_refused(engine):
    text = """@prefix airo: <https://w3id.org/airo#> .
@prefix vair: <https://w3id.org/vair#> .
<http://example.org/s> a airo:AISystem ;
    airo:hasPurpose vair:Recruitng ."""
    with pytest.raises(validation.UnknownTermsError) as caught:
        check(engine, text, HIGH_RISK_DAY)
    (term,) = caught.value.terms
    assert term.iri == "https://w3id.org/vair#Recruitng" and term.line == 4
    assert term.suggestion == "https://w3id.org/vair#Recruiting"


def test_unknown_terms_can_be_allowed_as_warnings(engine):
    report = engine.validate(MISSPELT.encode(), "description.ttl", HIGH_RISK_DAY, allow_unknown_terms=True)
    assert [t.iri.removeprefix(AIACT) for t in report.unknown_terms] == ["AnnexIIIUseCase9z", "RiskManagmentSystem", "usedFr"]
    assert any("line 11: unknown term" in w and "did you mean" in w and "usedFor" in w for w in report.warnings)


def test_a_value_that_is_not_of_its_datatype_is_named_in_a_warning(engine, capsys):
    text = RECRUITMENT + ':cv-screening aiact:trainingCompute "many"^^<http://www.w3.org/2001/XMLSchema#double> .'
    report = check(engine, text, HIGH_RISK_DAY)
    assert any('"many"' in w for w in report.warnings)
    assert "Traceback" not in capsys.readouterr().err


def test_an_empty_description_is_a_clear_finding(engine):
    report = check(engine, PREFIXES, HIGH_RISK_DAY)
    assert not report.conforms
    assert "empty" in report.results[0].message


def test_a_description_over_5_mb_is_refused_unread(engine, tmp_path):
    big = tmp_path / "big.ttl"
    big.write_bytes(b"#" * (validation.MAX_BYTES + 1))
    with pytest.raises(validation.InputError, match="refused"):
        validation.read_file(big)
    with pytest.raises(validation.InputError, match="refused"):
        engine.validate(big.read_bytes(), "big.ttl", HIGH_RISK_DAY)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(b'{"@context": {"@vocab": "https://w3id.org/aiact-kg/ontology#"}}')

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """A web server on 127.0.0.1 that records every request it gets."""
    _Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.requests
    server.shutdown()
    server.server_close()


def test_remote_contexts_external_entities_and_imports_are_never_fetched(engine, listener):
    url, requests = listener
    hostile = {
        "remote.jsonld": json.dumps({"@context": f"{url}/context.jsonld", "@id": "http://example.org/s",
                                     "@type": "AISystem"}),
        "imported.jsonld": json.dumps({"@context": [{"@import": f"{url}/import.jsonld"}], "@id": "http://example.org/s"}),
        "entity.rdf": f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY ext SYSTEM "{url}/entity.xml"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:aiact="{AIACT}">
  <aiact:AISystem rdf:about="http://example.org/s"><aiact:intendedPurpose>&ext;</aiact:intendedPurpose></aiact:AISystem>
</rdf:RDF>""",
        "parameter.rdf": f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY % ext SYSTEM "{url}/parameter.dtd"> %ext; ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>""",
        "imports.ttl": f"""{PREFIXES}@prefix owl: <http://www.w3.org/2002/07/owl#> .
<> owl:imports <{url}/ontology.ttl> . :s a aiact:AISystem .""",
    }
    for name, text in hostile.items():
        try:
            engine.validate(text.encode(), name, HIGH_RISK_DAY)
        except validation.InputError as exc:
            assert name in str(exc)
    assert requests == []


def test_a_remote_json_ld_context_is_explained(engine):
    with pytest.raises(validation.InputError, match="remote document, which is never fetched"):
        engine.validate(b'{"@context": "http://127.0.0.1:9/c.jsonld", "@id": "http://example.org/s"}', "r.jsonld",
                        HIGH_RISK_DAY)


# -- the command ---------------------------------------------------------------------------------

@pytest.fixture
def files(tmp_path):
    written = {}
    for name, text in {"complete.ttl": COMPLETE_RECRUITMENT, "incomplete.ttl": RECRUITMENT,
                       "broken.ttl": PREFIXES + ":x a aiact:AISystem ;\n"}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        written[name] = str(tmp_path / name)
    return written


def test_the_command_exits_0_when_the_description_conforms(process_engine, files, capsys):
    assert cli.main(["validate", files["complete.ttl"], "--on", "2026-08-02"]) == 0
    assert "conforms" in capsys.readouterr().out


def test_the_command_exits_1_on_a_violation_and_0_on_a_warning(process_engine, files, capsys):
    assert cli.main(["validate", files["incomplete.ttl"], "--on", "2026-08-02"]) == 1
    assert cli.main(["validate", files["incomplete.ttl"], "--on", "2026-08-01"]) == 0
    assert "applies from 2026-08-02" in capsys.readouterr().out


def test_the_command_checks_many_files_in_one_call(process_engine, files, capsys):
    assert cli.main(["validate", files["complete.ttl"], files["incomplete.ttl"], "--on", "2026-09-01",
                     "--format", "json"]) == 1
    reports = json.loads(capsys.readouterr().out)
    assert [r["conforms"] for r in reports] == [True, False]


def test_the_command_exits_2_with_one_line_on_a_syntax_error(process_engine, files, capsys):
    assert cli.main(["validate", files["broken.ttl"], files["complete.ttl"]]) == 2
    captured = capsys.readouterr()
    assert "broken.ttl:5:" in captured.err and "Traceback" not in captured.err
    assert captured.err.count("\n") == 1
    assert "complete.ttl: conforms" in captured.out


def test_the_command_exits_2_on_a_missing_file_or_a_bad_date(process_engine, files, capsys):
    assert cli.main(["validate", files["complete.ttl"] + ".missing"]) == 2
    assert cli.main(["validate", files["complete.ttl"], "--on", "2 August 2026"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_the_command_reports_an_unexpected_failure_in_one_line(process_engine, files, capsys, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(process_engine, "validate", fail)
    assert cli.main(["validate", files["complete.ttl"]]) == 2
    err = capsys.readouterr().err
    assert "complete.ttl: could not be validated (RuntimeError: disk on fire)" in err and "Traceback" not in err


def test_the_command_exits_2_on_unknown_terms_naming_each_with_its_line(process_engine, tmp_path, capsys):
    path = tmp_path / "misspelt.ttl"
    path.write_text(MISSPELT, encoding="utf-8")
    assert cli.main(["validate", str(path), "--on", "2026-08-02"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:11: unknown term: {AIACT}usedFr is not a term of" in err and f"did you mean {AIACT}usedFor?" in err
    assert "Traceback" not in err
    assert cli.main(["validate", str(path), "--on", "2026-08-02", "--allow-unknown-terms"]) == 1
    assert "unknown term" in capsys.readouterr().out


def test_the_command_explains_the_chain_from_facts_to_dates(process_engine, files, capsys):
    assert cli.main(["validate", files["incomplete.ttl"], "--on", "2026-09-01", "--explain"]) == 1
    out = capsys.readouterr().out
    assert "explanation:" in out and "because the description says:" in out
    assert "line 7: :cv-screening aiact:usedFor aiact:AnnexIIIUseCase4a" in out
    assert "classification:" in out and "obligations:" in out and "applicable from 2026-08-02" in out


def test_the_command_writes_a_turtle_report(process_engine, files, capsys):
    assert cli.main(["validate", files["incomplete.ttl"], "--on", "2026-09-01", "--format", "ttl"]) == 1
    graph = rdflib.Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert len(list(graph.subjects(RDF.type, SH.ValidationReport))) == 1


# -- the web page --------------------------------------------------------------------------------

def test_the_validate_page_shows_the_classification_and_dated_findings(process_engine):
    from aiact_kg.web import create_app

    app = create_app({"STORE": process_engine.store, "TESTING": True, "SPARQL_WORKERS": 1})
    page = app.test_client().post("/validate", data={"description": RECRUITMENT, "on": "2026-08-01"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    # only warnings the day before 2 August 2026
    assert 'The description conforms to the Act as it applies on <time datetime="2026-08-01">' in html
    assert "high risk" in html and "Annex III, point 4(a)" in html
    assert 'applies from <time datetime="2026-08-02">2 August 2026</time>' in html
    assert "because the description says:" in html and "(line 7)" in html


def test_the_validate_page_reports_a_syntax_error_as_a_bad_request(process_engine):
    from aiact_kg.web import create_app

    app = create_app({"STORE": process_engine.store, "TESTING": True, "SPARQL_WORKERS": 1})
    page = app.test_client().post("/validate", data={"description": PREFIXES + ":x a ;", "on": "2026-08-01"})
    line = PREFIXES.count("\n") + 1
    assert page.status_code == 400 and f"cannot be read at line {line}, column" in page.get_data(as_text=True)


def test_the_validate_page_refuses_unknown_terms_with_a_bad_request(process_engine):
    from aiact_kg.web import create_app

    app = create_app({"STORE": process_engine.store, "TESTING": True, "SPARQL_WORKERS": 1})
    page = app.test_client().post("/validate", data={"description": MISSPELT, "on": "2026-08-01"})
    assert page.status_code == 400 and "usedFr" in page.get_data(as_text=True)
    allowed = app.test_client().post("/validate", data={"description": MISSPELT, "on": "2026-08-01",
                                                         "allow_unknown_terms": "on"})
    assert allowed.status_code == 200


def test_queries_parsed_in_many_threads_at_once_all_answer():
    """The front end validates in several threads; rdflib's SPARQL parser is not safe in two
    threads at once, so the description graph parses each query under a lock."""
    import concurrent.futures

    graph = validation.DescriptionGraph()
    graph.add((rdflib.URIRef("http://example.org/s"), rdflib.RDFS.label, rdflib.Literal("s")))
    texts = [f"SELECT ?s ?v{n} WHERE {{ ?s ?p ?o . OPTIONAL {{ ?s <http://example.org/p{n}> ?v{n} }} "
             f"FILTER(!BOUND(?v{n}) || STRLEN(STR(?o)) > {n}) }}" for n in range(400)]
    validation.DescriptionGraph._prepared.clear()

    def answer(text: str) -> int:
        return len(list(graph.query(text)))

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(answer, texts)) == [1] * len(texts)
