"""The SPARQL 1.1 Protocol endpoint: GET and POST, results by Accept, read-only, SERVICE
refused, a timeout that frees the worker, a result cap, CORS; and real clients."""

from __future__ import annotations

import csv
import io
import json
import time
import xml.dom.minidom

import pyoxigraph
import pytest


TITLES = "PREFIX eli: <http://data.europa.eu/eli/ontology#> SELECT ?p ?t WHERE { ?p eli:title ?t } ORDER BY ?p ?t LIMIT 5"
COUNT_ARTICLES = ("PREFIX aiact: <https://w3id.org/aiact-kg/ontology#> "
                  "SELECT (COUNT(?a) AS ?n) WHERE { ?a a aiact:Article }")
CONSTRUCT = ("PREFIX eli: <http://data.europa.eu/eli/ontology#> "
             "CONSTRUCT { ?p eli:title ?t } WHERE { ?p eli:title ?t } LIMIT 4")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
JSON = "application/sparql-results+json"


def count_of(response) -> int:
    return int(json.loads(response.get_data())["results"]["bindings"][0]["n"]["value"])


def test_get_counts_113_articles(client):
    response = client.get("/sparql", query_string={"query": COUNT_ARTICLES}, headers={"Accept": JSON})
    assert response.status_code == 200 and response.mimetype == JSON
    assert count_of(response) == 113


def test_post_form_encoded(client):
    response = client.post("/sparql", data={"query": COUNT_ARTICLES}, headers={"Accept": JSON})
    assert count_of(response) == 113


def test_post_sparql_query_body(client):
    response = client.post("/sparql", data=COUNT_ARTICLES, content_type="application/sparql-query",
                           headers={"Accept": JSON})
    assert count_of(response) == 113


def test_results_as_xml(client):
    response = client.get("/sparql", query_string={"query": TITLES}, headers={"Accept": "application/sparql-results+xml"})
    document = xml.dom.minidom.parseString(response.get_data())
    assert len(document.getElementsByTagName("result")) == 5


def test_results_as_csv_and_tsv(client):
    response = client.get("/sparql", query_string={"query": TITLES}, headers={"Accept": "text/csv"})
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["p", "t"] and len(rows) == 6
    response = client.get("/sparql", query_string={"query": TITLES}, headers={"Accept": "text/tab-separated-values"})
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "?p\t?t" and lines[1].startswith("<https://w3id.org/aiact-kg/")


def test_results_agree_with_pyoxigraph(client, store):
    expected = json.loads(store.protocol(TITLES, JSON)[0])
    answer = json.loads(client.get("/sparql", query_string={"query": TITLES}, headers={"Accept": JSON}).get_data())
    assert answer["results"]["bindings"] == expected["results"]["bindings"]


def test_ask(client):
    response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": JSON})
    assert json.loads(response.get_data()) == {"head": {}, "boolean": True}


@pytest.mark.parametrize("media_type, fmt", [
    ("text/turtle", pyoxigraph.RdfFormat.TURTLE), ("application/ld+json", pyoxigraph.RdfFormat.JSON_LD),
    ("application/n-triples", pyoxigraph.RdfFormat.N_TRIPLES), ("application/rdf+xml", pyoxigraph.RdfFormat.RDF_XML)])
def test_construct_in_every_graph_format(client, media_type, fmt):
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": media_type})
    assert response.mimetype == media_type
    assert len(list(pyoxigraph.parse(response.get_data(), format=fmt))) == 4


@pytest.mark.parametrize("request_args", [
    {"query_string": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "POST", "data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "POST", "data": "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "content_type": "application/sparql-update"},
    {"method": "POST", "data": "DELETE WHERE { ?s ?p ?o }", "content_type": "application/sparql-query"},
    {"query_string": {"query": "LOAD <http://example.org/data.ttl>"}},
    {"query_string": {"query": "CLEAR DEFAULT"}},
])
def test_update_query_is_rejected(client, store, request_args):
    before = store.count()
    method = request_args.pop("method", "GET")
    response = client.open("/sparql", method=method, **request_args)
    assert response.status_code == 403
    assert "read-only" in response.get_data(as_text=True)
    assert store.count() == before


def test_service_is_refused(client):
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 403 and "SERVICE" in response.get_data(as_text=True)


def test_words_in_strings_and_iris_are_not_mistaken_for_updates(client):
    query = 'SELECT ?x WHERE { BIND("INSERT or DELETE a SERVICE" AS ?x) } # LOAD'
    assert client.get("/sparql", query_string={"query": query}, headers={"Accept": JSON}).status_code == 200


def test_syntax_error_is_a_bad_request_with_the_parser_message(client):
    response = client.get("/sparql", query_string={"query": "SELEC * WHERE {"})
    assert response.status_code == 400
    assert "not valid SPARQL" in response.get_data(as_text=True)


def test_missing_query_is_a_bad_request(client):
    assert client.get("/sparql", headers={"Accept": JSON}).status_code == 400
    assert client.post("/sparql", data={"default-graph-uri": "urn:x"}, headers={"Accept": JSON}).status_code == 400


def test_unsupported_content_type_is_415(client):
    assert client.post("/sparql", data="{}", content_type="application/json").status_code == 415


def test_two_query_parameters_are_a_bad_request(client):
    assert client.get("/sparql?query=ASK{}&query=ASK{}").status_code == 400


def test_slow_query_times_out_and_the_server_keeps_answering(app, client):
    start = time.monotonic()
    response = client.get("/sparql", query_string={"query": SLOW}, headers={"Accept": JSON})
    elapsed = time.monotonic() - start
    assert response.status_code == 503
    assert "stopped" in response.get_data(as_text=True)
    assert elapsed < app.config["SPARQL_TIMEOUT"] + 2
    # the worker was replaced: the next query is answered
    response = client.get("/sparql", query_string={"query": COUNT_ARTICLES}, headers={"Accept": JSON})
    assert response.status_code == 200 and count_of(response) == 113


def test_answers_are_capped(client, app):
    limit = app.config["SPARQL_LIMIT"]
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": JSON})
    assert len(json.loads(response.get_data())["results"]["bindings"]) == limit
    assert "X-SPARQL-Truncated" in response.headers


def test_cors_on_get(client):
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/sparql")
    assert preflight.status_code == 204 and "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_browser_gets_the_editor_with_the_named_queries(client):
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="query"' in page and 'src="/static/sparql.js"' in page
    assert 'data-example="related-recitals"' in page and 'data-example="cited-by"' in page


def test_editor_runs_the_query_without_javascript(client):
    response = client.post("/sparql", data={"query": COUNT_ARTICLES, "format": ""},
                           headers={"Accept": "text/html,*/*;q=0.8"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '<td title="xsd:integer">113</td>' in page


# -- real clients over HTTP ---------------------------------------------------------------------------

def test_sparqlwrapper_with_get_and_post(live_server):
    from SPARQLWrapper import JSON as SW_JSON, POST, POSTDIRECTLY, SPARQLWrapper, URLENCODED

    for method, encoding in (("GET", None), (POST, URLENCODED), (POST, POSTDIRECTLY)):
        wrapper = SPARQLWrapper(f"{live_server}/sparql")
        wrapper.setQuery(COUNT_ARTICLES)
        wrapper.setReturnFormat(SW_JSON)
        wrapper.setMethod(method)
        if encoding:
            wrapper.setRequestMethod(encoding)
        result = wrapper.query().convert()
        assert result["results"]["bindings"][0]["n"]["value"] == "113"


def test_sparqlwrapper_construct_gives_a_graph(live_server):
    from SPARQLWrapper import SPARQLWrapper

    wrapper = SPARQLWrapper(f"{live_server}/sparql")
    wrapper.setQuery(CONSTRUCT)
    assert len(wrapper.queryAndConvert()) == 4


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(live_server, method):
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(f"{live_server}/sparql", method=method))
    rows = list(graph.query(COUNT_ARTICLES))
    assert int(rows[0][0]) == 113
    assert len(graph.query(CONSTRUCT)) == 4
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True


def test_curl_style_request_gets_json(live_server):
    import urllib.parse
    import urllib.request

    url = f"{live_server}/sparql?" + urllib.parse.urlencode({"query": COUNT_ARTICLES})
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "*/*"})) as response:
        assert response.headers["Content-Type"].startswith(JSON)
        assert json.loads(response.read())["results"]["bindings"][0]["n"]["value"] == "113"


# -- the format parameters ------------------------------------------------------------------------------

@pytest.mark.parametrize("parameter, value", [("format", "yaml"), ("output", "html5"), ("results", "sparql-json")])
def test_a_format_the_endpoint_does_not_write_is_refused_by_name(client, parameter, value):
    response = client.get("/sparql", query_string={"query": COUNT_ARTICLES, parameter: value},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == (
        f"400 Bad Request: Unknown format '{value}' in the '{parameter}' parameter: expected json, xml, csv, tsv, "
        "turtle, json-ld, n-triples, rdf+xml or one of their media types.\n")


def test_a_format_refused_is_explained_in_french(client):
    response = client.get("/fr/sparql", query_string={"query": COUNT_ARTICLES, "format": "yaml"})
    assert response.status_code == 400
    assert "Format inconnu « yaml » dans le paramètre « format » : json, xml" in response.get_data(as_text=True)


@pytest.mark.parametrize("value, media_type", [("n-triples", "application/n-triples"), ("ntriples", "application/n-triples"),
                                               ("rdf", "application/rdf+xml"), ("TTL", "text/turtle"),
                                               ("application/ld+json", "application/ld+json")])
def test_every_format_word_and_media_type_named_is_written(client, value, media_type):
    article = "https://w3id.org/aiact-kg/reg/2024/1689/art_6"
    query = f"CONSTRUCT {{ <{article}> ?p ?o }} WHERE {{ <{article}> ?p ?o }}"
    response = client.get("/sparql", query_string={"query": query, "format": value})
    assert response.status_code == 200 and response.mimetype == media_type
    assert len(list(pyoxigraph.parse(response.get_data(), format=pyoxigraph.RdfFormat.from_media_type(media_type)))) > 3
