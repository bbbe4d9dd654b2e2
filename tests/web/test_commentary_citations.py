"""Commentary linked and loaded into the store (as Turtle beside the graph, or with
``aiact-kg link --load`` into a named graph per document, embedded or on a SPARQL server):
article pages say where they are cited."""

import gc

import pytest
from pyoxigraph import NamedNode
from rdflib import Graph, URIRef

import commentary  # the typeset corpus (tests/commentary.py, tests/typeset.py)
import typeset
from aiact_kg import build, linker, store as store_module
from aiact_kg.cli import main
from aiact_kg.store import COMMENTARY_GRAPHS, EmbeddedStore
from aiact_kg.web import create_app

pytest_plugins = ["servers"]

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



# -- aiact-kg link --load -------------------------------------------------------------------------------

#: A law firm's note of the typeset corpus, as its publisher's PDF.
FIRM_NOTE = "note-cabinet-deployeurs-fr"


@pytest.fixture(scope="module")
def note_pdf(tmp_path_factory):
    document = next(d for d in commentary.documents() if d.name.startswith(FIRM_NOTE))
    path = tmp_path_factory.mktemp("commentary") / "note-deployeurs.pdf"
    path.write_bytes(typeset.pdf(document))
    return path


def link(capsys, *argv):
    status = main(["link", *map(str, argv)])
    out, err = capsys.readouterr()
    return status, out, err


def article(local: str) -> NamedNode:
    return NamedNode(f"https://w3id.org/aiact-kg/reg/2024/1689/{local}")


def page_of(store, local: str) -> str:
    """The page as a fresh application renders it; what the application reads of the store in
    the background (the endpoint's statistics, the text's facts) is waited for, so that the
    store on disk is free again once the caller drops it."""
    from aiact_kg.web import printed, sparql

    app = create_app({"STORE": store, "TESTING": True})
    page = app.test_client().get(f"/reg/2024/1689/{local}").get_data(as_text=True)
    sparql.statistics(app, wait=60)
    with app.app_context():
        printed.prepare_text_facts(app.extensions["aiact_kg"]).wait(60)
    return page


def commentary_quads(store) -> list:
    return [q for q in store.raw if isinstance(q.graph_name, NamedNode) and q.graph_name.value.startswith(COMMENTARY_GRAPHS)]


def test_link_load_puts_a_pdf_into_the_store_on_disk_and_its_articles_list_it_once(capsys, tmp_path, note_pdf,
                                                                                   graph_file):
    folder = tmp_path / "store"
    status, out, err = link(capsys, note_pdf, "--load", "--store", folder)
    assert status == 0, err
    assert out.startswith(f"loaded {note_pdf}: ") and COMMENTARY_GRAPHS in out
    gc.collect()  # the command's store is closed; the site opens the same folder

    store = EmbeddedStore(folder)
    [row] = store.run("cited-in-commentary", provision=article("art_26"))
    assert row["title"].value == str(note_pdf) and row["document"].value == note_pdf.resolve().as_uri()
    page = page_of(store, "art_26")
    assert "Cited in commentary" in page and page.count(f">{note_pdf}<") == 1
    assert f">{note_pdf}<" not in page_of(store, "art_1")  # the note does not cite Article 1
    first = commentary_quads(store)
    assert len({q.graph_name for q in first}) == 1
    del store, page
    gc.collect()

    status, out, err = link(capsys, note_pdf, "--load", "--store", folder)  # again: replaced, not added to
    assert status == 0, err
    gc.collect()
    store = EmbeddedStore(folder)
    again = commentary_quads(store)
    assert len(again) == len(first) and {q.graph_name for q in again} == {q.graph_name for q in first}
    assert len(store.run("cited-in-commentary", provision=article("art_26"))) == 1
    assert page_of(store, "art_26").count(f">{note_pdf}<") == 1


def test_link_load_needs_a_store_that_outlives_the_command(capsys, note_pdf):
    status, _, err = link(capsys, note_pdf, "--load")
    assert status == 2 and "--store PATH" in err and "Traceback" not in err


def test_link_load_of_bad_input_loads_nothing_and_says_why(capsys, tmp_path, note_pdf, graph_file):
    folder = tmp_path / "store"
    junk = tmp_path / "notes.txt"
    junk.write_bytes(bytes(range(256)) * 40)
    status, _, err = link(capsys, note_pdf, junk, "--load", "--store", folder)
    assert status == 2 and f"{junk}: this is not text" in err
    status, _, err = link(capsys, note_pdf, "--load", "--store", folder, "--max-bytes", "1KB")
    assert status == 2 and "--max-bytes" in err and str(note_pdf) in err
    gc.collect()
    assert commentary_quads(EmbeddedStore(folder)) == []  # neither the good file nor the bad one


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"])
def test_link_load_into_a_sparql_server_shows_on_its_article_pages_and_replaces(capsys, request, monkeypatch, backend,
                                                                               note_pdf):
    server_ = request.getfixturevalue(f"{backend}_server")
    store_ = request.getfixturevalue(f"{backend}_store")  # the Act's graph loaded on the server
    server = ["--endpoint", server_.query_url, "--update-endpoint", server_.update_url,
              "--store-endpoint", server_.store_url]
    if server_.user:
        monkeypatch.setenv("AIACT_KG_TEST_PASSWORD", server_.password)
        server += ["--user", server_.user, "--password-env", "AIACT_KG_TEST_PASSWORD"]
    status, out, err = link(capsys, note_pdf, "--load", *server)
    assert status == 0, err
    graph = next(word.strip("<>") for word in out.split() if word.startswith(f"<{COMMENTARY_GRAPHS}"))
    try:
        size = store_.graph_size(graph)
        site = server_.store()  # as `aiact-kg serve --endpoint` opens it
        [row] = site.run("cited-in-commentary", provision=article("art_26"))
        assert row["title"].value == str(note_pdf)
        assert page_of(site, "art_26").count(f">{note_pdf}<") == 1
        status, _, err = link(capsys, note_pdf, "--load", *server)
        assert status == 0, err
        assert store_.graph_size(graph) == size
        assert len(server_.store().run("cited-in-commentary", provision=article("art_26"))) == 1
    finally:
        store_._drop_quietly(graph)  # the other tests compare the server with the embedded store


def test_commentary_graphs_are_found_by_the_prefix_they_are_named_with():
    from aiact_kg import queries

    assert f'"{COMMENTARY_GRAPHS}"' in queries.load("commentary-graphs").text


def test_a_page_already_served_lists_commentary_loaded_after_it(index, graph_file):
    store = EmbeddedStore(files=[graph_file])
    client = create_app({"STORE": store, "TESTING": True}).test_client()
    assert "Cited in commentary" not in client.get("/reg/2024/1689/art_27").get_data(as_text=True)
    doc = linker.link_text(NOTE, index, "fr", name="Note sur les déployeurs", iri="https://example.org/notes/deployeurs")
    linker.load_commentary(store, doc)
    page = client.get("/reg/2024/1689/art_27").get_data(as_text=True)
    assert "Cited in commentary" in page
    assert '<a href="https://example.org/notes/deployeurs" rel="external">Note sur les déployeurs</a>' in page
    assert "Cité par la doctrine" in client.get("/fr/reg/2024/1689/art_27").get_data(as_text=True)


def test_loaded_commentary_stays_when_the_acts_graph_is_loaded_again(tmp_path, index, graph_file):
    folder = tmp_path / "store"
    store = EmbeddedStore(folder)
    size = store.count()  # the Act's graph (the default graph)
    doc = linker.link_text(NOTE, index, "fr", name="Note", iri="https://example.org/notes/deployeurs")
    graph, triples = linker.load_commentary(store, doc)
    del store
    gc.collect()
    (folder / store_module._FINGERPRINT_FILE).write_text("an earlier build")  # the graph was rebuilt since
    store = EmbeddedStore(folder)
    assert store.count() == size
    assert [row["graph"].value for row in store.commentary()] == [graph]
    assert len(store.run("cited-in-commentary", provision=article("art_27"))) == 1
