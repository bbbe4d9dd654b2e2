"""Every IRI of the graph is dereferenceable on the server, with content negotiation."""

from __future__ import annotations

import json

import pyoxigraph
import pytest
from iris import ACT

RDF = {
    "text/turtle": pyoxigraph.RdfFormat.TURTLE,
    "application/ld+json": pyoxigraph.RdfFormat.JSON_LD,
    "application/rdf+xml": pyoxigraph.RdfFormat.RDF_XML,
    "application/n-triples": pyoxigraph.RdfFormat.N_TRIPLES,
}


def parse(response, media_type):
    return list(pyoxigraph.parse(response.get_data(), format=RDF[media_type]))


@pytest.mark.parametrize("media_type", sorted(RDF))
def test_article_5_in_every_rdf_format(client, media_type):
    response = client.get("/reg/2024/1689/art_5", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    subjects = {quad.subject.value for quad in parse(response, media_type)}
    assert subjects == {f"{ACT}/art_5"}


@pytest.mark.parametrize("media_type", sorted(RDF))
def test_a_point_in_every_rdf_format(client, media_type):
    response = client.get("/reg/2024/1689/art_5.par_1.pnt_a", headers={"Accept": media_type})
    labels = [q.object.value for q in parse(response, media_type)
              if q.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label"]
    assert "Article 5(1), point (a)" in labels


def test_browsers_get_html(client):
    response = client.get("/reg/2024/1689/art_5", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert response.mimetype == "text/html"


def test_the_format_parameter_chooses_the_format(client):
    response = client.get("/reg/2024/1689/art_5?format=jsonld")
    assert response.mimetype == "application/ld+json"
    json.loads(response.get_data())


def test_unknown_format_is_a_bad_request(client):
    assert client.get("/reg/2024/1689/art_5?format=pdf").status_code == 400


def test_unacceptable_media_type_is_406(client):
    assert client.get("/reg/2024/1689/art_5", headers={"Accept": "image/png"}).status_code == 406


def test_the_act_itself(client):
    assert client.get("/reg/2024/1689", headers={"Accept": "text/html"}).status_code == 303
    response = client.get("/reg/2024/1689", headers={"Accept": "text/turtle"})
    assert "owl#sameAs" in response.get_data(as_text=True) or "owl:sameAs" in response.get_data(as_text=True)


def test_a_definition_concept_goes_to_the_glossary(client):
    response = client.get("/reg/2024/1689/def/deployer", headers={"Accept": "text/html"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/definitions#deployer")
    response = client.get("/reg/2024/1689/def/deployer", headers={"Accept": "text/turtle"})
    assert "deployer" in response.get_data(as_text=True)


def test_resources_without_a_page_of_their_own_are_described(client):
    response = client.get("/reg/2024/1689/version/2024-07-12", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "As published in the Official Journal on 12 July 2024" in response.get_data(as_text=True)


def test_the_ontology_namespace_is_served(client):
    response = client.get("/ontology", headers={"Accept": "text/turtle"})
    triples = parse(response, "text/turtle")
    assert any(q.subject.value == "https://w3id.org/aiact-kg/ontology#Article" for q in triples)


@pytest.mark.parametrize("path", ["/reg/2024/1689/art_0", "/reg/2024/1689/nothing", "/nothing/at/all",
                                  "/reg/2024/1689/art_5.par_1.pnt_z", "/reg/2024/1689/<script>"])
def test_unknown_resources_are_not_found(client, path):
    for accept in ("text/html", "text/turtle"):
        assert client.get(path, headers={"Accept": accept}).status_code == 404
