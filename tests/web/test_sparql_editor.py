"""The SPARQL editor's page: the vocabulary it completes (/sparql/terms), the prefixes it
inserts, the links and downloads of a result, in both interfaces, and the style nonce its
library needs under the site's content security policy (the editor in a real browser is in
test_browser.py)."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

from aiact_kg.store import prefixes as store_prefixes

ONTOLOGY = "https://w3id.org/aiact-kg/ontology#"
JSON = "application/sparql-results+json"
FIRST_ARTICLES = ("PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>\n"
                  "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
                  "SELECT ?article ?number WHERE { ?article a aiact:Article ; eli:number ?number } "
                  "ORDER BY ?article LIMIT 3")
#: One IRI of each kind a result links: an article, a paragraph, an ontology term, an
#: obligation, and another act's ELI.
KINDS_OF_IRI = ("SELECT ?x WHERE { VALUES ?x { <https://w3id.org/aiact-kg/reg/2024/1689/art_6> "
                "<https://w3id.org/aiact-kg/reg/2024/1689/art_6.par_2> <https://w3id.org/aiact-kg/ontology#Provider> "
                "<https://w3id.org/aiact-kg/reg/2024/1689/obligation/art_9.par_1> "
                "<http://data.europa.eu/eli/reg/2019/881/oj> } }")


def vocabulary(client) -> dict:
    response = client.get("/sparql/terms")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def terms_by_name(client) -> dict:
    return {t["name"]: t for t in vocabulary(client)["terms"]}


def html_page(client, query: str, path: str = "/sparql") -> str:
    """The page the editor's form gets back without JavaScript."""
    response = client.post(path, data={"query": query}, headers={"Accept": "text/html"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def download_links(page: str) -> dict[str, str]:
    return {fmt: unescape(href) for href, fmt in
            re.findall(r'<a href="([^"]+)" download="results\.\w+" data-format="(\w+)"', page)}


# -- the vocabulary --------------------------------------------------------------------------

def test_terms_route_offers_every_prefix_of_the_store_first(client, store):
    offered = [(p["name"], p["iri"]) for p in vocabulary(client)["prefixes"]]
    expected = list(store_prefixes(store.base).items())
    assert offered[:len(expected)] == expected
    assert ("obl", f"{store.base}reg/2024/1689/obligation/") in offered  # declared by ontology/*.ttl
    assert len({name for name, _ in offered}) == len(offered) and len({iri for _, iri in offered}) == len(offered)


def test_terms_route_completes_the_ontology_classes_and_properties_with_their_labels(client, store):
    terms = terms_by_name(client)
    assert terms["aiact:Provider"]["kind"] == "class"
    assert terms["aiact:Provider"]["label"] == {"en": "provider", "fr": "fournisseur"}
    assert terms["aiact:hasProvider"]["kind"] == "property"
    assert terms["eli:title"]["kind"] == "property"  # used by the graph, though declared by ELI
    declared = {row["term"].value: row["type"].value.rsplit("#", 1)[1]
                for row in store.run("ontology-terms", lang="en")}
    for iri, declared_as in declared.items():
        name = "aiact:" + iri[len(ONTOLOGY):]
        assert name in terms, name
        expected = "class" if declared_as == "Class" else "individual" if declared_as == "NamedIndividual" else "property"
        assert terms[name]["kind"] == expected, name


def test_terms_route_completes_named_individuals_such_as_risk_tiers_and_prohibited_practices(client, store):
    terms = terms_by_name(client)
    tiers = {row["tier"].value for row in store.select(
        "SELECT ?tier WHERE { ?tier a <https://w3id.org/aiact-kg/ontology#RiskTier> }")}
    assert len(tiers) == 6
    for iri in tiers:
        assert terms["aiact:" + iri[len(ONTOLOGY):]]["kind"] == "individual"
    assert terms["aiact:WorkplaceEducationEmotionInference"]["kind"] == "individual"


def test_terms_route_completes_the_pages_of_the_act_in_legal_order(client):
    terms = vocabulary(client)["terms"]
    provisions = [t["name"] for t in terms if t["kind"] == "provision"]
    assert len([p for p in provisions if p.startswith("act:art_")]) == 113
    assert provisions.index("act:art_4") < provisions.index("act:art_10") < provisions.index("act:art_100")
    article = next(t for t in terms if t["name"] == "act:rct_53")
    assert article["label"] == {"en": "Recital 53", "fr": "Considérant 53"}
    assert "act:art_5.par_1" not in provisions  # an anchor of a page, not a page


def test_every_completed_name_expands_to_its_iri(client):
    data = vocabulary(client)
    namespaces = {p["name"]: p["iri"] for p in data["prefixes"]}
    for term in data["terms"]:
        prefix, local = term["name"].split(":", 1)
        assert namespaces[prefix] + local == term["iri"]
        assert re.fullmatch(r"[A-Za-z0-9_](?:[\w.-]*[\w-])?", local), term["name"]


def test_terms_route_answers_304_when_the_reader_has_it(client):
    first = client.get("/sparql/terms")
    assert first.headers["ETag"] and "max-age" in first.headers["Cache-Control"]
    again = client.get("/sparql/terms", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data()


# -- the page ----------------------------------------------------------------------------------

def test_editor_page_loads_the_vendored_library_and_offers_the_prefixes(client, store):
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<script src="/static/vendor/codemirror/codemirror.min.js" defer></script>' in page
    for name, iri in store_prefixes(store.base).items():
        assert f'data-prefix="{name}" data-iri="{iri}"' in page
        assert f"<code>PREFIX {name}: &lt;{iri}&gt;</code>" in page  # readable without JavaScript


def test_editor_page_lets_in_only_its_own_style_element_by_a_fresh_nonce(client):
    first = client.get("/sparql", headers={"Accept": "text/html"})
    policy = first.headers["Content-Security-Policy"]
    nonce = re.search(r"style-src 'self' 'nonce-([\w-]+)';", policy).group(1)
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert f'<script src="/static/sparql.js" nonce="{nonce}" defer></script>' in first.get_data(as_text=True)
    second = client.get("/sparql", headers={"Accept": "text/html"}).headers["Content-Security-Policy"]
    assert nonce not in second
    assert "nonce" not in client.get("/definitions").headers["Content-Security-Policy"]


def test_vendored_library_says_where_it_comes_from():
    from aiact_kg import paths

    folder = paths.WEB / "static" / "vendor" / "codemirror"
    provenance = (folder / "PROVENANCE.md").read_text(encoding="utf-8")
    licences = (folder / "LICENSES.txt").read_text(encoding="utf-8")
    recipe = json.loads((paths.WEB / "editor" / "package.json").read_text(encoding="utf-8"))
    for package, version in recipe["devDependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{package}: an exact version"
        if package != "esbuild":
            assert f"| {package} | {version} | MIT |" in provenance
    bundled = re.findall(r"^\| (\S+) \| (\d+\.\d+\.\d+) \| MIT \|$", provenance, re.MULTILINE)
    assert len(bundled) >= len(recipe["devDependencies"]) - 1
    for package, version in bundled:  # the libraries the bundled ones use as well
        assert f"{package} {version} (MIT)\n" in licences
    assert licences.count("Permission is hereby granted") == len(bundled)


def test_result_links_go_to_the_sites_pages(client):
    page = html_page(client, KINDS_OF_IRI)
    links = re.findall(r'<td><a href="([^"]+)" title="([^"]+)" translate="no">([^<]+)</a></td>', page)
    assert [(href, text) for href, _, text in links] == [
        ("/reg/2024/1689/art_6", "act:art_6"), ("/reg/2024/1689/art_6#art_6.par_2", "act:art_6.par_2"),
        ("/ontology#Provider", "aiact:Provider"), ("/reg/2024/1689/obligation/art_9.par_1", "obl:art_9.par_1"),
        ("http://data.europa.eu/eli/reg/2019/881/oj", "http://data.europa.eu/eli/reg/2019/881/oj")]


def test_french_interface_runs_the_query_and_links_to_french_pages(client):
    page = html_page(client, KINDS_OF_IRI, path="/fr/sparql")
    assert '<html lang="fr">' in page and 'action="/fr/sparql"' in page
    assert "Télécharger :" in page and "Exécuter" in page and "Les préfixes du graphe" in page
    assert 'data-msg-running="Exécution…"' in page and 'data-ui="/fr"' in page
    hrefs = re.findall(r'<td><a href="([^"]+)"', page)
    assert hrefs[:4] == ["/fr/reg/2024/1689/art_6", "/fr/reg/2024/1689/art_6#art_6.par_2", "/fr/ontology#Provider",
                         "/fr/reg/2024/1689/obligation/art_9.par_1"]
    assert client.get(hrefs[1].split("#")[0]).status_code == 200


def test_download_links_give_the_same_rows_as_csv_and_json(client):
    page = html_page(client, FIRST_ARTICLES)
    links = download_links(page)
    assert set(links) == {"csv", "json", "tsv", "xml"}
    shown = re.findall(r'<td><a href="/reg/2024/1689/(art_\d+)"', page)
    assert len(shown) == 3
    as_csv = client.get(links["csv"])
    assert as_csv.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True))))
    assert rows[0] == ["article", "number"] and [r[0].rsplit("/", 1)[1] for r in rows[1:]] == shown
    as_json = client.get(links["json"])
    assert as_json.mimetype == JSON
    bindings = as_json.get_json()["results"]["bindings"]
    assert [b["article"]["value"].rsplit("/", 1)[1] for b in bindings] == shown


def test_graph_answers_download_as_turtle_json_ld_and_n_triples(client):
    query = ("PREFIX eli: <http://data.europa.eu/eli/ontology#> "
             "CONSTRUCT { ?p eli:title ?t } WHERE { ?p eli:title ?t } LIMIT 4")
    links = download_links(html_page(client, query))
    assert set(links) == {"turtle", "jsonld", "nt"}
    triples = client.get(links["nt"])
    assert triples.mimetype == "application/n-triples"
    assert len(triples.get_data(as_text=True).strip().splitlines()) == 4
    assert client.get(links["jsonld"]).mimetype == "application/ld+json"


def test_ask_answers_download_in_the_result_formats(client):
    page = html_page(client, "ASK { ?s ?p ?o }")
    assert '<p class="boolean">true</p>' in page
    assert client.get(download_links(page)["json"]).get_json()["boolean"] is True
