"""No request to /sparql makes the server, or the server behind it, connect anywhere.

Every probe names the listener of this suite (a socket on 127.0.0.1); after each, the
listener has received no connection. The probes are the ones that passed a check made on the
query's text: a keyword hidden behind an escaped ``\\#`` local name, a comment ended by a bare
CR, an escaped quote, and the other places SERVICE can stand in the grammar."""

from __future__ import annotations

import json

import pytest

from aiact_kg.web import query_policy

JSON = "application/sparql-results+json"


def probes(url: str) -> dict[str, str]:
    service = f"SERVICE <{url}/sparql> {{ ?s ?p ?o }}"
    return {
        "plain": f"SELECT * WHERE {{ {service} }}",
        "lower case": f"select * where {{ service <{url}/sparql> {{ ?s ?p ?o }} }}",
        "silent": f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
        "service IRI from a variable": f"SELECT * WHERE {{ BIND(<{url}/sparql> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        "escaped # in a local name": f"PREFIX ex: <http://example.org/> SELECT * WHERE {{ ex:a\\#b ?p ?o . {service} }}",
        "comment ended by a bare CR": f"SELECT * WHERE {{ ?s ?p ?o # hidden\r {service} \n}}",
        "comment ended by CR LF": f"SELECT * WHERE {{ ?s ?p ?o # hidden\r\n {service} }}",
        "escaped quote in a local name": f"PREFIX ex: <http://example.org/> SELECT * WHERE {{ ex:it\\'s ?p ?o . {service} }}",
        "escaped quote then a string": f"PREFIX ex: <http://example.org/> SELECT * WHERE {{ ex:a\\' ?p \"x\" . {service} }}",
        "unicode escape of a keyword": f"SELECT * WHERE {{ \\u0053ERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "in OPTIONAL": f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ {service} }} }} LIMIT 1",
        "in UNION": f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ {service} }} }} LIMIT 1",
        "in MINUS": f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ {service} }} }} LIMIT 1",
        "in FILTER EXISTS": f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ {service} }} }} LIMIT 1",
        "in a subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ {service} }} }} }}",
        "in ASK": f"ASK {{ {service} }}",
        "in CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {service} }}",
        "in DESCRIBE": f"DESCRIBE ?s WHERE {{ {service} }}",
        "after a long string": f"SELECT * WHERE {{ BIND('''a ' # '' ''' AS ?x) {service} }}",
        "FROM a URL": f"SELECT * FROM <{url}/graph.ttl> WHERE {{ ?s ?p ?o }} LIMIT 1",
        "FROM NAMED a URL": f"SELECT * FROM NAMED <{url}/graph.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 1",
        "LOAD": f"LOAD <{url}/data.ttl>",
        "LOAD after a comment": f"# x\rLOAD <{url}/data.ttl>",
        "update after a query": f"SELECT * WHERE {{ ?s ?p ?o }} ; LOAD <{url}/data.ttl>",
        "IRI function": f"SELECT * WHERE {{ BIND(IRI('{url}/x') AS ?x) }}",
    }


PROBE_NAMES = list(probes("http://127.0.0.1:1"))


@pytest.mark.parametrize("name", PROBE_NAMES)
@pytest.mark.parametrize("method", ["GET", "POST form", "POST body"])
def test_no_probe_connects_to_the_listener(client, workers, quiet_listener, name, method):
    query = probes(quiet_listener.url)[name]
    if method == "GET":
        response = client.get("/sparql", query_string={"query": query}, headers={"Accept": JSON})
    elif method == "POST form":
        response = client.post("/sparql", data={"query": query}, headers={"Accept": JSON})
    else:
        response = client.post("/sparql", data=query.encode(), content_type="application/sparql-query",
                               headers={"Accept": JSON})
    assert response.status_code in (200, 400, 403), response.get_data(as_text=True)
    if "SERVICE" in query.upper() or "ERVICE" in query:
        assert response.status_code in (400, 403)
    assert quiet_listener.SECRET not in response.get_data(as_text=True)


def test_service_is_refused_with_a_clear_message(client, quiet_listener):
    response = client.get("/sparql", query_string={"query": probes(quiet_listener.url)["comment ended by a bare CR"]})
    assert response.status_code == 403
    assert "SERVICE is refused" in response.get_data(as_text=True)


def test_the_check_reads_the_same_characters_as_the_engine():
    hidden = "SELECT * WHERE { ?s ?p ?o # x\r SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } \n}"
    assert "SERVICE" in query_policy.canonical(hidden)
    assert "#" not in query_policy.canonical(hidden)
    kept = "PREFIX ex: <http://ex/#> SELECT * WHERE { ex:a\\#b ?p '#not a comment' }"
    assert query_policy.canonical(kept) == kept


def test_a_query_is_run_as_the_check_read_it(client, workers):
    # a comment that hides nothing: the answer is the same as without it
    response = client.get("/sparql", query_string={"query": "ASK { # comment\r ?s ?p ?o }"}, headers={"Accept": JSON})
    assert response.status_code == 200 and json.loads(response.get_data())["boolean"] is True


def test_the_query_workers_cannot_open_a_network_connection(workers, quiet_listener):
    """Even a SERVICE query that reached a worker (bypassing the check) could not connect."""
    from aiact_kg.query_workers import QueryFailed

    assert workers.unconfined == ""
    with pytest.raises(QueryFailed) as failure:
        workers.query(f"SELECT * WHERE {{ SERVICE <{quiet_listener.url}/sparql> {{ ?s ?p ?o }} }}", JSON, "text/turtle")
    assert quiet_listener.SECRET not in str(failure.value)


def test_a_sandboxed_process_cannot_create_a_network_socket():
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        assert pool.apply(_confined_socket_attempt) == "refused"


def _confined_socket_attempt() -> str:
    import socket

    from aiact_kg import sandbox

    sandbox.deny_network()
    a, b = socket.socketpair()  # AF_UNIX: still allowed (the pipe to the parent)
    a.close(), b.close()
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.socket(family, socket.SOCK_STREAM)
            return "created"
        except PermissionError:
            pass
    return "refused"


# -- on a SPARQL server ---------------------------------------------------------------------------

def test_remote_mode_refuses_service_and_from_before_sending_anything(listener):
    from aiact_kg.web import query_policy as policy

    for name in ("plain", "comment ended by a bare CR", "escaped quote in a local name"):
        with pytest.raises(policy.Refused) as refused:
            policy.decide(probes(listener.url)[name], remote=True)
        assert refused.value.status in (400, 403)
    with pytest.raises(policy.Refused) as refused:
        policy.decide(probes(listener.url)["FROM a URL"], remote=True)
    assert refused.value.status == 403 and "FROM" in str(refused.value)


def test_an_error_page_of_the_server_behind_is_never_echoed(listener, store):
    """In remote mode the query goes to the configured server only; what that server answers
    on error is logged, not shown."""
    from aiact_kg.remote import RemoteStore

    remote = RemoteStore(f"{listener.url}/sparql", timeout=3, retries=0)
    app = _remote_app(store, remote)
    before = len(listener.connections)
    response = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": JSON})
    assert response.status_code == 502, response.get_data(as_text=True)
    body = response.get_data(as_text=True)
    assert listener.SECRET not in body and "admin page" not in body
    assert len(listener.connections) == before + 1  # the configured server, and only it


def _remote_app(store, remote):
    """The front end (built over the embedded store) switched to the SPARQL server ``remote``."""
    from aiact_kg.web import create_app

    app = create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 0, "PAGE_CACHE": False})
    app.extensions["aiact_kg"].store = remote
    return app


def test_a_query_nested_too_deeply_is_a_bad_request(client):
    query = "SELECT * WHERE { " + "{ " * 400 + "?s ?p ?o" + " }" * 400 + " }"
    response = client.post("/sparql", data={"query": query}, headers={"Accept": JSON})
    assert response.status_code == 400 and "nested too deeply" in response.get_data(as_text=True)
