"""Commentary linked as Turtle and loaded into the store: article pages say where they are cited."""

from rdflib import Graph, URIRef

from aiact_kg import build, linker
from aiact_kg.store import EmbeddedStore
from aiact_kg.web import create_app

NOTE = "Le déployeur informe les travailleurs (art. 26, §7) et procède à l'analyse de l'art. 27 ; voir l'art. 35 RGPD."


def test_linked_commentary_loaded_into_the_store_shows_on_the_article_page(tmp_path, index):
    doc = linker.link_text(NOTE, index, "fr", name="Note sur les déployeurs", iri="https://example.org/notes/deployeurs")
    turtle = linker.render(doc, "ttl")
    graph = Graph().parse(data=turtle, format="turtle")
    cito = URIRef("http://purl.org/spar/cito/cites")
    eli = URIRef("http://data.europa.eu/eli/ontology#cites")
    cited = {str(o).rsplit("/", 1)[-1] for o in graph.objects(URIRef(doc.iri), cito)}
    assert cited == {"art_26.par_7", "art_27"}  # the GDPR's Article 35 is not the Act's
    assert set(graph.objects(URIRef(doc.iri), eli)) == set(graph.objects(URIRef(doc.iri), cito))
    path = tmp_path / "commentary.nt"  # the embedded store loads its files as N-Triples
    path.write_text(graph.serialize(format="nt"), encoding="utf-8")
    app = create_app({"STORE": EmbeddedStore(files=[build.build(), path]), "TESTING": True})
    page = app.test_client().get("/reg/2024/1689/art_26").get_data(as_text=True)
    assert "Cited in commentary" in page and "Note sur les déployeurs" in page
    other = app.test_client().get("/reg/2024/1689/art_35").get_data(as_text=True)
    assert "Note sur les déployeurs" not in other
