"""The command line: build, export, query; bad input gets one line and exit status 2."""

from __future__ import annotations

import json

import rdflib

from aiact_kg.cli import main


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_build_reports_the_graph_file(capsys, graph_file):
    status, out, _ = run(capsys, "build")
    assert status == 0
    assert str(graph_file) in out and "triples" in out


def test_query_named_returns_sparql_results_json(capsys, graph_file):
    status, out, _ = run(capsys, "query", "--name", "definitions", "--bind", "lang=fr", "--format", "json")
    assert status == 0
    results = json.loads(out)
    terms = {b["term"]["value"] for b in results["results"]["bindings"]}
    assert "déployeur" in terms and len(terms) == 68


def test_query_expression_as_csv(capsys, graph_file):
    status, out, _ = run(capsys, "query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?r a <https://w3id.org/aiact-kg/ontology#Recital> }", "--format", "csv")
    assert status == 0
    assert out.splitlines() == ["n", "180"]


def test_query_file_as_table(capsys, tmp_path, graph_file):
    query = tmp_path / "titles.rq"
    query.write_text('SELECT ?t WHERE { <https://w3id.org/aiact-kg/reg/2024/1689/art_4> <http://data.europa.eu/eli/ontology#title> ?t FILTER(LANG(?t) = "en") }')
    status, out, _ = run(capsys, "query", str(query))
    assert status == 0
    assert "AI literacy" in out and "(1 rows)" in out


def test_export_writes_the_whole_graph_to_a_file(capsys, tmp_path, graph_file):
    target = tmp_path / "graph.ttl"
    status, _, _ = run(capsys, "export", "--format", "ttl", "-o", str(target))
    assert status == 0
    graph = rdflib.Graph().parse(target, format="turtle")
    assert len(graph) == sum(1 for _ in graph_file.open("rb"))


def test_a_syntax_error_in_a_query_is_one_line_with_exit_status_2(capsys, graph_file):
    status, out, err = run(capsys, "query", "-e", "SELECT WHERE {")
    assert status == 2
    assert err.startswith("aiact-kg: error:") and "Traceback" not in err


def test_an_unknown_named_query_is_reported(capsys):
    status, _, err = run(capsys, "query", "--name", "no-such-query")
    assert status == 2 and "no named query 'no-such-query'" in err


def test_a_missing_query_file_is_reported(capsys, tmp_path):
    status, _, err = run(capsys, "query", str(tmp_path / "absent.rq"))
    assert status == 2 and "absent.rq: cannot be read" in err


def test_a_malformed_binding_is_reported(capsys):
    status, _, err = run(capsys, "query", "--name", "definitions", "--bind", "lang")
    assert status == 2 and "expected NAME=VALUE" in err


def test_store_on_disk_is_reused(capsys, tmp_path, graph_file):
    store = tmp_path / "store"
    for _ in range(2):
        status, out, _ = run(capsys, "query", "--store", str(store), "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv")
        assert status == 0
    assert int(out.splitlines()[1]) == sum(1 for _ in graph_file.open("rb"))
