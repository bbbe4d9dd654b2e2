"""Queries of a small cost estimate are answered in the server process (and a GET of one
before Flask builds a request): the same bytes, caps, headers and errors as from a worker;
every other query still goes to a worker, with its timeout."""

from __future__ import annotations

import json

import pyoxigraph
import pytest

from aiact_kg.web import query_policy, sparql

ACT = "https://w3id.org/aiact-kg/reg/2024/1689"
PREFIXES = ("PREFIX aiact: <https://w3id.org/aiact-kg/ontology#> PREFIX eli: <http://data.europa.eu/eli/ontology#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")
#: Queries the estimate lets the server answer itself.
SMALL = {
    "lookup": f"SELECT ?p ?o WHERE {{ <{ACT}/art_6> ?p ?o }}",
    "label search": PREFIXES + 'SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(CONTAINS(STR(?l), "provider")) } '
                    "ORDER BY ?s ?l LIMIT 50",
    "count": PREFIXES + "SELECT (COUNT(?a) AS ?n) WHERE { ?a a aiact:Article }",
    "group by": PREFIXES + ("SELECT ?parent (COUNT(?part) AS ?n) WHERE { ?part eli:is_part_of ?parent } "
                            "GROUP BY ?parent ORDER BY DESC(?n) ?parent LIMIT 12"),
    "join": PREFIXES + f"SELECT ?part ?label WHERE {{ ?part eli:is_part_of <{ACT}/art_5> ; rdfs:label ?label }}",
    "ask": f"ASK {{ <{ACT}/art_6> ?p ?o }}",
    "construct": f"CONSTRUCT {{ <{ACT}/art_6> ?p ?o }} WHERE {{ <{ACT}/art_6> ?p ?o }}",
    "whole graph, capped": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
}
#: Queries that go to a worker: not one basic graph pattern, too costly by the estimate, or
#: spelling "service" (the guard that does not rely on the parser).
WORKER = {
    "optional": PREFIXES + f"SELECT ?p ?t WHERE {{ ?p eli:is_part_of <{ACT}/art_5> OPTIONAL {{ ?p eli:title ?t }} }}",
    "path": PREFIXES + f"SELECT ?x WHERE {{ ?x eli:is_part_of+ <{ACT}/art_5> }}",
    "two classes joined": "SELECT * WHERE { ?s a ?c . ?c a ?d }",
    "service in an IRI": "SELECT ?o WHERE { <https://example.org/service> ?p ?o }",
    "cartesian product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }",
}
FORMATS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values"]


@pytest.fixture(scope="module")
def workers_only(store):
    """The same application with every query sent to a worker."""
    from aiact_kg.web import create_app

    app = create_app({"STORE": store, "TESTING": True, "SPARQL_TIMEOUT": 3.0, "SPARQL_WORKERS": 1,
                      "SPARQL_LIMIT": 1000, "SPARQL_IN_PROCESS": False})
    yield app
    found = app.extensions.get("aiact_kg.pool")
    if found is not None:
        found.close()


@pytest.fixture(scope="module")
def counted(app):
    """The application's worker pool, counting the queries it is given."""
    assert sparql.statistics(app, wait=60) is not None
    with app.app_context():
        pool = sparql.pool()
    assert pool.wait_ready(60)
    given: list[str] = []
    original = pool.query

    def query(text, *args, **kwargs):
        given.append(text)
        return original(text, *args, **kwargs)

    pool.query = query
    yield given
    del pool.query


RESULT_FORMATS = dict(zip(FORMATS, (pyoxigraph.QueryResultsFormat.JSON, pyoxigraph.QueryResultsFormat.XML,
                                     pyoxigraph.QueryResultsFormat.CSV, pyoxigraph.QueryResultsFormat.TSV)))


def get(app, text: str, accept: str = "application/sparql-results+json", **extra):
    return app.test_client().get("/sparql", query_string={"query": text, **extra}, headers={"Accept": accept})


def content(response) -> list:
    """What an answer says, in order for a query that orders, as a sorted list otherwise
    (two stores may give the solutions of an unordered query in different orders)."""
    media_type = response.mimetype
    data = response.get_data()
    if media_type == "text/csv":  # lossy: pyoxigraph does not read it back
        lines = data.decode().rstrip("\r\n").split("\r\n")
        return lines[:1] + sorted(lines[1:])
    if media_type in RESULT_FORMATS:
        parsed = pyoxigraph.parse_query_results(data, format=RESULT_FORMATS[media_type])
        if isinstance(parsed, pyoxigraph.QueryBoolean):
            return [bool(parsed)]
        names = [v.value for v in parsed.variables]
        return [names] + sorted(tuple(str(row[n]) for n in names) for row in parsed)
    return sorted(str(t) for t in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.from_media_type(media_type)))


@pytest.mark.parametrize("name", sorted(SMALL))
@pytest.mark.parametrize("accept", FORMATS + ["text/turtle"])
def test_the_server_gives_the_workers_answer(app, workers_only, counted, name, accept):
    text = SMALL[name]
    ours, theirs = get(app, text, accept), get(workers_only, text, accept)
    assert ours.status_code == theirs.status_code == 200
    if "ORDER BY" in text:
        assert ours.get_data() == theirs.get_data()
    elif "capped" not in name:  # (an unordered capped answer is any 1,000 of its rows)
        assert content(ours) == content(theirs)
    for header in ("Content-Type", "X-SPARQL-Truncated", "Vary", "Access-Control-Allow-Origin"):
        assert ours.headers.get(header) == theirs.headers.get(header), header
    assert query_policy.decide(text).text not in counted  # answered without a worker


def test_answers_past_the_cap_are_cut_the_same(app, workers_only, counted):
    text = SMALL["whole graph, capped"]
    ours = get(app, text)
    rows = json.loads(ours.get_data())["results"]["bindings"]
    assert len(rows) == app.config["SPARQL_LIMIT"]
    assert ours.headers["X-SPARQL-Truncated"] == f"at most {app.config['SPARQL_LIMIT']} results"
    theirs = json.loads(get(workers_only, text).get_data())["results"]["bindings"]
    assert len(theirs) == len(rows)
    assert query_policy.decide(text).text not in counted


def test_the_fast_path_gives_the_endpoints_headers(app, counted):
    text = SMALL["lookup"]
    fast = get(app, text)  # one query parameter: answered before Flask
    flask = get(app, text, format="json")  # another parameter: through the endpoint
    assert fast.get_data() == flask.get_data()
    assert dict(fast.headers) == dict(flask.headers)
    assert fast.headers["Content-Security-Policy"].startswith("default-src 'self'")


@pytest.mark.parametrize("name", sorted(WORKER))
def test_other_queries_go_to_a_worker(app, workers_only, counted, name):
    text = WORKER[name]
    decision = query_policy.decide(text)
    response = get(app, text)
    if name == "cartesian product":  # runs to the time limit in its worker
        assert response.status_code == 503 and "stopped" in response.get_data(as_text=True)
    else:
        assert response.status_code == 200
        assert content(response) == content(get(workers_only, text))
    assert decision.text in counted


def test_errors_are_the_endpoints(app, workers_only, counted):
    # rdflib reads \u escapes anywhere, pyoxigraph only in strings and IRIs: the engine refuses it
    text = r"SELECT * WHERE { \u003Fs ?p ?o }"
    ours, theirs = get(app, text), get(workers_only, text)
    assert ours.status_code == theirs.status_code == 400
    assert ours.get_data() == theirs.get_data()
    assert b"not valid SPARQL" in ours.get_data()
    for refused in ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
                    "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", "SELECT * WHERE {"):
        ours, theirs = get(app, refused), get(workers_only, refused)
        assert ours.status_code == theirs.status_code and ours.status_code in (400, 403)
        assert ours.get_data() == theirs.get_data()


def test_the_editor_is_still_served_to_a_browser(app):
    response = get(app, SMALL["count"], accept="text/html")
    assert response.status_code == 200 and '<td title="xsd:integer">113</td>' in response.get_data(as_text=True)


# -- the estimate -----------------------------------------------------------------------------------

def test_the_estimate_bounds_what_the_queries_give(app, store):
    known = sparql.statistics(app, wait=60)
    assert known.triples == store.count()
    for text in list(SMALL.values()) + list(WORKER.values())[:-1]:
        decision = query_policy.decide(text)
        if decision.shape is None:
            continue
        work, rows = query_policy.estimate(decision.shape, known)
        result = store.raw.query(decision.text)
        count = 1 if isinstance(result, pyoxigraph.QueryBoolean) else len(list(result))
        assert count <= rows <= work or (rows <= 1 and count <= 1), (text, count, rows, work)


def test_what_has_a_shape():
    assert query_policy.decide(SMALL["lookup"]).shape.patterns == ((f"{ACT}/art_6", None, None),)
    assert query_policy.decide(SMALL["count"]).shape.most_rows == 1
    assert query_policy.decide(SMALL["label search"]).shape.most_rows == 50
    assert query_policy.decide(SMALL["group by"]).shape.most_rows == 12
    for name in ("optional", "path", "service in an IRI"):
        assert query_policy.decide(WORKER[name]).shape is None, name
    assert query_policy.decide("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { ?s ?p 1 } }").shape is None
    assert query_policy.decide("SELECT * FROM <http://e/g> WHERE { ?s ?p ?o }").shape is None
    assert query_policy.decide(r"SELECT * WHERE { ?s <http://e/SERV\u0049CE> ?o }").shape is None
