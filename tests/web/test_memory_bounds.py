"""What the server keeps in memory is bounded in bytes, and ``serve`` applies its memory
settings at start: the page cache, the decisions of /sparql, the search index's postings."""

from __future__ import annotations

import pytest

from aiact_kg import cli, fulltext
from aiact_kg.web import create_app, graph, query_policy


def _site(store, cache_bytes: int) -> graph.Site:
    return graph.Site(store, "https://w3id.org/aiact-kg/", cache_bytes=cache_bytes)


def test_the_page_cache_holds_pages_up_to_its_bound_in_bytes_dropping_the_least_recent(store):
    site = _site(store, 100_000)
    page = "x" * 30_000  # about 30 kB each
    for number in range(1, 5):
        site.cached(("page", number), lambda: page)
        assert site.cached_bytes <= 100_000
    kept = [key[0][1] for key in site._pages]
    assert kept == [2, 3, 4], "the first page, least recently used, made room for the fourth"
    site.cached(("page", 2), lambda: pytest.fail("a kept page is not rendered again"))
    site.cached(("page", 5), lambda: page)
    assert [key[0][1] for key in site._pages] == [4, 2, 5], "page 2, read again, outlived page 3"
    assert site.cached_bytes == sum(size for _, size in site._pages.values())


def test_a_page_larger_than_the_whole_cache_is_sent_without_being_kept(store):
    site = _site(store, 10_000)
    assert site.cached(("big",), lambda: b"%PDF" + b"\0" * 20_000).startswith(b"%PDF")
    assert not site._pages and site.cached_bytes == 0


def test_a_pdf_is_counted_by_its_bytes(store):
    site = _site(store, 1 << 20)
    site.cached(("print.pdf", "art_5", "en"), lambda: b"\0" * 200_000)
    assert 200_000 < site.cached_bytes < 201_000


def test_pages_from_a_small_page_cache_are_the_pages_rendered_without_one(store):
    small = create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 0, "PAGE_CACHE_BYTES": 150_000})
    none = create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 0, "PAGE_CACHE": False})
    paths = ["/reg/2024/1689/art_4", "/reg/2024/1689/art_6", "/reg/2024/1689/rct_53", "/definitions",
             "/reg/2024/1689/art_4", "/fr/reg/2024/1689/art_6"]
    cached, rendered = small.test_client(), none.test_client()
    for path in paths:
        assert cached.get(path).data == rendered.get(path).data, path
    site = small.extensions["aiact_kg"]
    assert 0 < site.cached_bytes <= 150_000
    assert len(site._pages) < len(set(paths)), "the bound made the cache drop pages"


def test_the_decisions_of_sparql_are_kept_up_to_their_bound_in_bytes(monkeypatch):
    monkeypatch.setattr(query_policy, "_cache", type(query_policy._cache)())
    monkeypatch.setattr(query_policy, "CACHE_BYTES", 20_000)
    texts = [f"SELECT ?s WHERE {{ ?s ?p {number} }} # " + "x" * 2_000 for number in range(20)]
    for text in texts:
        query_policy.decide(text)
        assert query_policy.cached_bytes() <= 20_000
    kept = [text for text, _ in query_policy._cache]
    assert 0 < len(kept) < len(texts) and kept == texts[-len(kept):], "the oldest decisions went first"
    assert query_policy.decide(texts[-1]) is query_policy._cache[(texts[-1], False)][0], "kept, not decided again"


def test_a_query_longer_than_the_decisions_bound_is_decided_and_not_kept(monkeypatch):
    monkeypatch.setattr(query_policy, "_cache", type(query_policy._cache)())
    monkeypatch.setattr(query_policy, "CACHE_BYTES", 5_000)
    query_policy.decide("ASK { ?s ?p ?o } # " + "y" * 10_000)
    assert not query_policy._cache


def test_postings_give_each_documents_positions_in_order():
    postings = fulltext.Postings()
    postings.add(3, [0, 7])
    postings.add(10, [4])
    assert list(postings) == [3, 10] and len(postings) == 2
    assert list(postings[3]) == [0, 7] and list(postings[10]) == [4]
    assert [(n, list(p)) for n, p in postings.items()] == [(3, [0, 7]), (10, [4])]
    assert 3 in postings and 4 not in postings and "3" not in postings
    with pytest.raises(KeyError):
        postings[4]


# -- serve's start-up ----------------------------------------------------------------------------

@pytest.fixture
def served(monkeypatch):
    """What ``aiact-kg serve`` hands to waitress (nothing listens; nothing is warmed)."""
    from aiact_kg import sandbox, web
    from aiact_kg.web import inline

    found = {"arenas": []}
    monkeypatch.setattr(inline, "serve", lambda app, **options: found.update(app=app, options=options))
    monkeypatch.setattr(web, "warm", lambda app, workers=True: None)
    monkeypatch.setattr(sandbox, "steady_malloc", lambda arenas=2, **_: found["arenas"].append(arenas) or True)
    return found


def test_serve_bounds_the_page_cache_as_told(served):
    assert cli.main(["serve", "--port", "8099", "--page-cache", "3"]) == 0
    app = served["app"]
    assert app.config["PAGE_CACHE_BYTES"] == 3 * 2 ** 20
    assert app.extensions["aiact_kg"].cache_bytes == 3 * 2 ** 20
    assert served["arenas"] == [2], "malloc keeps to two arenas before the store and the threads allocate"


def test_serve_bounds_the_page_cache_at_2_mib_by_default(served):
    assert cli.main(["serve", "--port", "8099"]) == 0
    assert served["app"].extensions["aiact_kg"].cache_bytes == graph.PAGE_CACHE_BYTES == 2 * 2 ** 20
    assert served["app"].config["SPARQL_WORKERS"] == 1


def test_serve_refuses_a_negative_page_cache(served, capsys):
    assert cli.main(["serve", "--page-cache", "-1"]) == 2
    assert "--page-cache -1" in capsys.readouterr().err
    assert "app" not in served


def test_serve_hands_back_the_memory_of_start_up_once_warm(store, monkeypatch):
    from aiact_kg import sandbox
    from aiact_kg.web import _warm_in_background, printed

    app = create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 0})
    released = []
    monkeypatch.setattr(sandbox, "release_free_memory", lambda: released.append(True))
    _warm_in_background(app)
    assert "aiact_kg.search" in app.extensions
    assert printed.text_facts_ready(app.extensions["aiact_kg"])
    assert released == [True]



def test_the_decisions_bound_is_a_setting_of_the_application(store, monkeypatch):
    monkeypatch.setattr(query_policy, "CACHE_BYTES", query_policy.CACHE_BYTES)  # put back afterwards
    create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 0, "SPARQL_DECISIONS_BYTES": 12_345})
    assert query_policy.CACHE_BYTES == 12_345
    create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 0})
    assert query_policy.CACHE_BYTES == 2 * 2 ** 20


def test_serve_reads_its_own_copy_on_disk_of_the_query_store(served, store):
    """Not the graph loaded in memory a second time: a checkpoint of the workers' store whose
    table files are links to theirs, which takes commentary without touching theirs."""
    import os
    import subprocess
    import sys

    import pyoxigraph

    from aiact_kg.query_workers import shared_store

    shared = shared_store([str(f) for f in store.files])
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    stale = shared.parent / f"server-store-{ended.pid}-left"  # a server that did not end cleanly
    (stale / "db").mkdir(parents=True)
    assert cli.main(["serve", "--port", "8099"]) == 0
    copy = served["app"].config["STORE"]
    assert not stale.exists()
    assert copy.path.parent.parent == shared.parent and copy.path.parent.name.startswith(f"server-store-{os.getpid()}-")
    assert "on disk" in copy.description
    assert copy.count() == store.count()
    tables = sorted(copy.path.glob("*.sst"))
    assert tables and all(t.stat().st_nlink >= 2 for t in tables), "linked to the shared store's tables"
    commentary = "https://example.org/commentary/1"
    assert copy.replace_graph(commentary, b"<https://example.org/a> <https://example.org/b> \"c\" .\n") == 1
    ask = f"ASK {{ GRAPH <{commentary}> {{ ?s ?p ?o }} }}"
    assert copy.raw.query(ask)
    assert not pyoxigraph.Store.read_only(str(shared)).query(ask), "the workers' store is untouched"
