"""The answers /sparql gives in the server process are kept for identical requests: the same
bytes and headers as an application that keeps none, never another Accept's answer, within
their bound in bytes, and never past a commentary load."""

from __future__ import annotations

import pytest

from aiact_kg import linker
from aiact_kg.store import EmbeddedStore
from aiact_kg.web import create_app, sparql
from aiact_kg.web.answer_cache import ENTRY_OVERHEAD, AnswerCache

import urllib.parse

from test_sparql_in_process import ACT, FORMATS, SMALL

ACCEPTS = FORMATS + ["text/turtle"]


def get(app, text: str, accept: str = "application/sparql-results+json"):
    """A GET as clients send it (``;`` encoded: the fast path leaves a bare one to Flask)."""
    return app.test_client().get("/sparql?" + urllib.parse.urlencode({"query": text}), headers={"Accept": accept})


def kept(app) -> AnswerCache:
    return app.wsgi_app.wsgi_app.answers  # LanguagePrefix around FastPath


@pytest.fixture(scope="module")
def cached(store):
    app = create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 1, "SPARQL_LIMIT": 1000})
    assert sparql.statistics(app, wait=60) is not None
    yield app
    _close(app)


@pytest.fixture(scope="module")
def uncached(store):
    app = create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 1, "SPARQL_LIMIT": 1000,
                      "SPARQL_ANSWER_CACHE": 0})
    assert sparql.statistics(app, wait=60) is not None
    yield app
    _close(app)


def _close(app) -> None:
    found = app.extensions.get("aiact_kg.pool")
    if found is not None:
        found.close()


@pytest.fixture
def engine_runs(monkeypatch):
    """The queries the fast path gives the engine."""
    given: list[str] = []
    original = sparql.run_query

    def run_query(store, text, *args):
        given.append(text)
        return original(store, text, *args)

    monkeypatch.setattr(sparql, "run_query", run_query)
    return given


@pytest.mark.parametrize("name", [n for n in sorted(SMALL) if "capped" not in n])
def test_a_kept_answer_is_the_answer_byte_for_byte(cached, uncached, engine_runs, name):
    text = SMALL[name]
    for accept in ACCEPTS:
        first, again, fresh = get(cached, text, accept), get(cached, text, accept), get(uncached, text, accept)
        assert first.status_code == again.status_code == fresh.status_code == 200
        assert again.get_data() == first.get_data() == fresh.get_data(), accept
        assert list(again.headers) == list(first.headers) == list(fresh.headers), accept
    # each negotiated pair of types once by the cached application (a SELECT asked for Turtle
    # is answered in JSON, as when asked for JSON), each request by the other
    pairs = {sparql._negotiated(accept) for accept in ACCEPTS}
    assert len(pairs) == len(FORMATS)
    assert len(engine_runs) == len(pairs) + len(ACCEPTS)
    assert len(kept(uncached)) == 0


def test_a_capped_answer_keeps_its_truncation_header(cached, engine_runs):
    text = SMALL["whole graph, capped"]
    first, again = get(cached, text), get(cached, text)
    assert again.get_data() == first.get_data()
    assert again.headers["X-SPARQL-Truncated"] == first.headers["X-SPARQL-Truncated"] == "at most 1000 results"
    assert len(engine_runs) == 1


def test_another_accept_never_gets_the_answer_kept_for_one(cached):
    text = f"SELECT ?p ?o WHERE {{ <{ACT}/art_12> ?p ?o }}"
    answers = {}
    for accept in ACCEPTS:
        response = get(cached, text, accept)
        assert response.mimetype == (accept if accept != "text/turtle" else "application/sparql-results+json")
        answers[accept] = response.get_data()
    for accept in ACCEPTS:  # now all kept: each still gets its own
        response = get(cached, text, accept)
        assert response.get_data() == answers[accept], accept
        assert response.mimetype == (accept if accept != "text/turtle" else "application/sparql-results+json")
    assert len({answers[a] for a in FORMATS}) == len(FORMATS)


def test_two_spellings_of_one_accept_share_an_answer(cached, engine_runs):
    text = f"SELECT ?p ?o WHERE {{ <{ACT}/art_13> ?p ?o }}"
    one = get(cached, text, "application/sparql-results+json")
    other = get(cached, text, "application/sparql-results+json, text/csv;q=0.5")
    assert one.get_data() == other.get_data() and one.headers == other.headers
    assert len(engine_runs) == 1


def test_the_cache_keeps_to_its_bound(store, engine_runs):
    bound = 256 * 1024  # an answer up to 32 KiB is kept; the 113 take some 800 KiB
    app = create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 0, "SPARQL_ANSWER_CACHE": bound})
    assert sparql.statistics(app, wait=60) is not None
    sizes = []
    for n in range(1, 114):
        response = get(app, f"SELECT ?p ?o WHERE {{ <{ACT}/art_{n}> ?p ?o }}")
        assert response.status_code == 200
        sizes.append(len(response.get_data()))
        assert kept(app).size <= bound
    assert len(engine_runs) == 113
    assert 0 < len(kept(app)) < 113  # the latest ones only
    assert kept(app).size > bound - max(sizes) - 2 * ENTRY_OVERHEAD - 200
    # the last query asked is kept, the first was dropped
    get(app, f"SELECT ?p ?o WHERE {{ <{ACT}/art_113> ?p ?o }}")
    assert len(engine_runs) == 113
    get(app, f"SELECT ?p ?o WHERE {{ <{ACT}/art_1> ?p ?o }}")
    assert len(engine_runs) == 114


def test_least_recently_used_answers_go_first():
    cache = AnswerCache(3 * (ENTRY_OVERHEAD + 110), largest=ENTRY_OVERHEAD + 200)
    assert cache.get(("a", "t", "g"), 0) is None  # (a request asks before it puts)
    for name in "abc":
        cache.put((name, "t", "g"), 0, b"x" * 100, [])
    assert cache.get(("a", "t", "g"), 0) is not None  # a used again: b is now the oldest
    cache.put(("d", "t", "g"), 0, b"x" * 100, [])
    assert cache.get(("b", "t", "g"), 0) is None
    assert all(cache.get((name, "t", "g"), 0) is not None for name in "acd")
    cache.put(("e", "t", "g"), 0, b"x" * 300, [])  # larger than ``largest``: not kept
    assert cache.get(("e", "t", "g"), 0) is None and len(cache) == 3


def test_an_answer_of_a_store_that_changed_meanwhile_is_not_kept():
    cache = AnswerCache(1 << 20)
    assert cache.get(("q", "t", "g"), 1) is None  # a request starts on generation 1
    assert cache.get(("r", "t", "g"), 2) is None  # the store changed; another request sees it
    cache.put(("q", "t", "g"), 1, b"old", [])  # the first one's answer, of generation 1
    assert cache.get(("q", "t", "g"), 2) is None
    cache.put(("r", "t", "g"), 2, b"new", [])
    assert cache.get(("r", "t", "g"), 2) == (b"new", [])
    assert cache.get(("r", "t", "g"), 3) is None and len(cache) == 0  # a newer generation empties it


NOTE = "Les déployeurs de systèmes à haut risque (article 26, paragraphe 1) prennent des mesures."


def test_a_commentary_load_empties_the_cache(graph_file, index, engine_runs):
    store = EmbeddedStore(files=[graph_file])
    app = create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 0})
    assert sparql.statistics(app, wait=60) is not None
    text = SMALL["count"]
    before = get(app, text)
    assert get(app, text).get_data() == before.get_data() and len(engine_runs) == 1
    # what the next answer must show: one more article in the default graph (written below
    # the store, as no route can), then a commentary load, which moves the generation on
    store.raw.add(_quad(f"{ACT}/art_999", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                        "https://w3id.org/aiact-kg/ontology#Article"))
    doc = linker.link_text(NOTE, index, "fr", name="Note", iri="https://example.org/notes/deployeurs")
    linker.load_commentary(store, doc)
    assert len(kept(app)) == 1  # emptied by the next request, not by the load
    after = get(app, text)
    assert len(engine_runs) == 2
    assert b'"114"' in after.get_data() and b'"113"' in before.get_data()
    assert get(app, text).get_data() == after.get_data() and len(engine_runs) == 2


def test_a_store_switched_for_another_is_not_answered_from_the_cache(graph_file, engine_runs):
    store = EmbeddedStore(files=[graph_file])
    app = create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 0})
    assert sparql.statistics(app, wait=60) is not None
    text = SMALL["lookup"]
    get(app, text)
    other = EmbeddedStore(files=[graph_file])
    app.extensions["aiact_kg"].store = other
    get(app, text)
    assert len(engine_runs) == 2


def _quad(s: str, p: str, o: str):
    import pyoxigraph

    return pyoxigraph.Quad(pyoxigraph.NamedNode(s), pyoxigraph.NamedNode(p), pyoxigraph.NamedNode(o))
