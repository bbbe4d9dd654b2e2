"""The SPARQL page in French: the named queries' titles and descriptions on /fr/sparql, and
every error of the endpoint in French where a French page meets it: on the editor's page
(its form without JavaScript), in the text its script shows (the page's address and
language) and for a program that asks for French (``Accept-Language``). A program that
asks for no language keeps the English text, with the same status and media type."""

from __future__ import annotations

import re
from html import unescape

import pytest
from lxml import html as lxml_html

from aiact_kg import queries
from aiact_kg.web import i18n
from aiact_kg.web.sparql import pool

from test_french_interface import english_left, interface_text

HTML = {"Accept": "text/html"}
JSON = "application/sparql-results+json"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SYNTAX = "SELEC * WHERE {"
UPDATE = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
SERVICE = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"


def form(client, query: str, path: str = "/fr/sparql"):
    """The editor's form sent without JavaScript, as a browser sends it."""
    return client.post(path, data={"query": query}, headers={"Accept": "text/html,*/*;q=0.8"})


def french_page(response, status: int) -> str:
    assert response.status_code == status and response.mimetype == "text/html"
    assert english_left(interface_text(response.data)) == []
    return unescape(response.get_data(as_text=True))


# -- the named queries ----------------------------------------------------------------------------

def listed(page: bytes) -> dict[str, tuple[str, str]]:
    """The editor's examples: name to (title, description as the reader reads it)."""
    document = lxml_html.fromstring(page)
    return {a.get("data-example"): (a.text_content(), a.getparent().find_class("description")[0].text_content())
            for a in document.xpath("//aside//a[@data-example]")}


def test_french_editor_lists_every_named_query_with_its_french_title_and_description(client):
    examples = listed(client.get("/fr/sparql", headers=HTML).data)
    assert sorted(examples) == queries.names()
    for name, (title, description) in examples.items():
        query = queries.load(name)
        assert (title, description) == (query.title("fr"), re.sub("`+", "", query.describe("fr")))
    english = listed(client.get("/en/sparql", headers=HTML).data)
    cites = queries.load("cites")
    assert english["cites"] == (cites.title("en"), cites.description)
    assert examples["cites"] == ("Ce qu’une disposition cite", "Ce que cite une disposition (ou l’une de ses "
                                 "parties) : des dispositions du règlement et d’autres actes.")


def test_code_in_a_description_is_shown_as_code(client):
    page = client.get("/fr/sparql", headers=HTML).get_data(as_text=True)
    assert "sans <code>?statement</code> : une lacune" in page
    assert "<code>aiact-kg link</code>" in page


def test_french_interface_at_the_usual_path_keeps_french_in_its_links_and_form(client):
    page = client.get("/sparql?lang=fr", headers=HTML).get_data(as_text=True)
    assert 'action="/sparql?lang=fr"' in page and 'href="/sparql?example=cites&amp;lang=fr"' in page
    assert f'data-example="cites">{queries.load("cites").title("fr")}</a>' in unescape(page)
    page = client.get("/fr/sparql", headers=HTML).get_data(as_text=True)
    assert 'action="/fr/sparql"' in page and 'href="/fr/sparql?example=cites"' in page


def test_an_example_opens_in_the_french_editor(client):
    page = french_page(client.get("/fr/sparql?example=cited-by", headers=HTML), 200)
    assert "# title-fr: Ce qui cite une disposition" in page  # the query, its header with it


def test_an_unknown_example_is_a_french_not_found_page(client):
    page = french_page(client.get("/fr/sparql?example=nothing", headers=HTML), 404)
    assert "Aucune requête d’exemple ne s’appelle 'nothing'." in page


# -- errors on the editor's page -----------------------------------------------------------------

@pytest.mark.parametrize("query, status, french", [
    (SYNTAX, 400, "La requête n’est pas du SPARQL 1.1 valide ; l’analyseur indique : ligne 1, colonne 1 : Expected"),
    (UPDATE, 403, "Ce point d’accès est en lecture seule : les mises à jour SPARQL (INSERT, DELETE"),
    (SERVICE, 403, "SERVICE est refusé : les requêtes portent sur ce graphe seul"),
])
def test_errors_of_the_form_are_french_on_the_editors_page_with_the_query_kept(client, query, status, french):
    page = french_page(form(client, query), status)
    assert french in page
    assert f">{query}</textarea>" in page  # the reader's query stays in the editor
    assert f"{status} {i18n.catalogue()['fr'][{400: 'Bad Request', 403: 'Forbidden'}[status]]}" in page


def test_the_same_errors_are_english_on_the_english_page(client):
    page = unescape(form(client, SYNTAX, "/en/sparql").get_data(as_text=True))
    assert "The query is not valid SPARQL 1.1: line 1, column 1: Expected" in page
    assert "analyseur" not in page


def test_an_update_sent_as_such_from_a_french_page_is_refused_in_french(client):
    response = client.post("/fr/sparql", data={"update": UPDATE}, headers=HTML)
    assert "Ce point d’accès est en lecture seule : les mises à jour SPARQL sont refusées." in \
        french_page(response, 403)


@pytest.mark.parametrize("data, content_type, status, french", [
    ("{}", "application/json", 415, "Envoyez la requête par POST en application/x-www-form-urlencoded ou en "
                                    "application/sparql-query."),
    ("ASK {}" + " " * 100_000, "application/sparql-query", 413, "La requête dépasse 100000 octets."),
    (b"\xff\xfe", "application/sparql-query", 400, "La requête n’est pas de l’UTF-8 valide."),
])
def test_a_request_the_endpoint_cannot_read_gets_a_french_error_page(client, data, content_type, status, french):
    response = client.post("/fr/sparql", data=data, content_type=content_type, headers=HTML)
    assert response.status_code == status and response.mimetype == "text/html"
    page = unescape(response.get_data(as_text=True))
    assert french in page and f"{status} {i18n.catalogue()['fr'][response.status.split(' ', 1)[1].title()]}" in page
    # the media types it names are code ("sparql-query"); every other word is French
    assert english_left(t for t in interface_text(response.data) if "application/" not in t) == []


def test_an_answer_cut_at_the_result_cap_says_so_in_french(client, app):
    limit = app.config["SPARQL_LIMIT"]
    page = french_page(form(client, "SELECT ?s WHERE { ?s ?p ?o }"), 200)
    assert f"{limit} lignes (coupé à la limite des résultats)" in page


def test_literals_of_a_result_are_marked_with_their_language(client):
    page = french_page(form(client, "PREFIX eli: <http://data.europa.eu/eli/ontology#> SELECT ?title WHERE { "
                                    "<https://w3id.org/aiact-kg/reg/2024/1689/art_6> eli:title ?title }"), 200)
    assert '<td lang="en">Classification rules for high-risk AI systems<span class="lang-tag">@en</span></td>' in page
    assert '<td lang="fr">' in page


def test_a_query_past_the_timeout_is_explained_in_french(client, app):
    response = form(client, SLOW)
    page = french_page(response, 503)
    seconds = f"{app.config['SPARQL_TIMEOUT']:g}"
    assert f"La requête n’a pas reçu de réponse : la requête a duré plus de {seconds} s et a été arrêtée." in page
    assert response.headers["Retry-After"]


def test_a_client_past_its_share_of_heavy_queries_is_told_in_french(client, app):
    with app.app_context():
        workers = pool()
    share, workers.per_client = workers.per_client, 0
    try:
        response = form(client, SLOW)
    finally:
        workers.per_client = share
    page = french_page(response, 429)
    assert ("La requête n’a pas été mise en attente : ce client a déjà 0 requêtes lourdes en cours ou en attente ; "
            "attendez leurs réponses. Réessayez dans quelques secondes.") in page
    assert response.headers["Retry-After"]


# -- the text of an error, for the editor's script and for programs -----------------------------

@pytest.mark.parametrize("path, language, expected", [
    ("/fr/sparql", None, "400 Requête incorrecte : La requête n’est pas du SPARQL 1.1 valide ; l’analyseur indique : "
                         "ligne 1, colonne 1 : Expected"),
    ("/sparql?lang=fr", "en", "400 Requête incorrecte : La requête n’est pas du SPARQL 1.1 valide"),
    ("/sparql", "fr-FR,fr;q=0.9,en;q=0.5", "400 Requête incorrecte : La requête n’est pas du SPARQL 1.1 valide"),
    ("/sparql", "en", "400 Bad Request: The query is not valid SPARQL 1.1: line 1, column 1: Expected"),
    ("/sparql", None, "400 Bad Request: The query is not valid SPARQL 1.1: line 1, column 1: Expected"),
    ("/en/sparql", "fr", "400 Bad Request: The query is not valid SPARQL 1.1"),
])
def test_an_error_as_text_is_in_the_language_asked_for(client, path, language, expected):
    headers = {"Accept": JSON} | ({"Accept-Language": language} if language else {})
    response = client.post(path, data=SYNTAX, content_type="application/sparql-query", headers=headers)
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith(expected)
    assert "Accept-Language" in response.headers["Vary"]


def test_a_refused_service_as_text_keeps_its_status_in_french(client):
    response = client.get("/fr/sparql", query_string={"query": SERVICE}, headers={"Accept": JSON})
    assert response.status_code == 403 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == ("403 Accès interdit : SERVICE est refusé : les requêtes portent sur "
                                               "ce graphe seul et n’atteignent jamais d’autres serveurs.\n")


@pytest.mark.parametrize("english, french", [
    ("The query was not answered: the query needed more than 512 MiB of memory and was stopped.",
     "La requête n’a pas reçu de réponse : la requête demandait plus de 512 Mio de mémoire et a été arrêtée."),
    ("The query was not answered: every query worker stayed busy for 10 s; try again.",
     "La requête n’a pas reçu de réponse : chaque processus de requête est resté occupé pendant 10 s ; réessayez."),
    ("The query was not queued: 16 queries are already waiting for a worker. Try again in a few seconds.",
     "La requête n’a pas été mise en attente : 16 requêtes attendent déjà un processus de requête. Réessayez dans "
     "quelques secondes."),
    ("The query could not be answered: the query worker stopped unexpectedly; try again",
     "La requête n’a pas pu recevoir de réponse ; le moteur indique : le processus de requête s’est arrêté de façon "
     "inattendue ; réessayez"),
    ("The SPARQL server behind this endpoint could not answer (HTTP 502).",
     "Le serveur SPARQL derrière ce point d’accès n’a pas pu répondre (HTTP 502)."),
    ("The query is longer than 100000 characters.", "La requête dépasse 100000 caractères."),
])
def test_the_errors_not_reached_cheaply_have_their_french(app, english, french):
    """The memory cap, a busy pool, a full queue, a crashed worker and a SPARQL server behind
    the endpoint, as the endpoint words them."""
    with app.test_request_context("/sparql?lang=fr"):
        assert i18n.translate(english) == french
    with app.test_request_context("/sparql"):
        assert i18n.translate(english) == english


# -- every message the endpoint writes -----------------------------------------------------------

#: What raises the endpoint's errors, and which argument is the message.
RAISERS = {"abort": "description", "TooManyRequests": "description", "ServiceUnavailable": "description",
           "Refused": 1, "QueryFailed": 1}


def _samples(node, module) -> list[str]:
    """The texts an expression of the source can make, each value it formats given as "7"; []
    for one that is only a value (an engine's own message, passed on as it wrote it)."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        text = "".join(part.value if isinstance(part, ast.Constant) else "7" for part in node.values)
        return [text] if text.strip("7 ") else []
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [a + b for a in _samples(node.left, module) for b in _samples(node.right, module)]
    if isinstance(node, ast.IfExp):
        return _samples(node.body, module) + _samples(node.orelse, module)
    if isinstance(node, ast.Name) and isinstance(getattr(module, node.id, None), str):
        return [getattr(module, node.id)]
    return []


def endpoint_messages() -> list[str]:
    import ast
    import importlib
    import inspect

    found = []
    for name in ("aiact_kg.web.sparql", "aiact_kg.web.query_policy", "aiact_kg.query_workers", "aiact_kg.query_engine"):
        module = importlib.import_module(name)
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in RAISERS):
                continue
            where = RAISERS[node.func.id]
            if isinstance(where, int):
                argument = node.args[where] if len(node.args) > where else None
            else:
                argument = next((k.value for k in node.keywords if k.arg == where), None)
            found += _samples(argument, module) if argument is not None else []
    return found


def test_every_message_of_the_endpoint_has_its_french(app):
    messages = endpoint_messages()
    assert {"The query is not valid SPARQL 1.1: 7", "the query ran longer than 7 s and was stopped",
            "SERVICE is refused: queries run on this graph only and never reach other servers."} <= set(messages)
    assert len(messages) >= 20
    with app.test_request_context("/sparql?lang=fr"):
        untranslated = [m for m in messages if i18n.translate(m) == m]
    assert untranslated == []
