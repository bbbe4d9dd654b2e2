"""The search index written to a file and searched from there gives what the index built in
memory gives; the file is written once, atomically, and reused; the pages' modules do not
import the readers of the official files (lxml); start-up renders one page of each kind."""

from __future__ import annotations

import subprocess
import sys

import pytest

from aiact_kg import fulltext, linker
from aiact_kg.web import create_app, render_each_kind, search

QUERIES = ["deployer", "déployeur", "risk management system", '"high-risk AI system"', "deploy*",
           "obligations of deployers of high-risk AI systems in the workplace", "système d’IA", "l’IA",
           "no-such-word-anywhere provider", "annex"]


@pytest.fixture(scope="module")
def app(store):
    return create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 0})


@pytest.fixture(scope="module")
def built(app):
    return search.SearchIndex(app.extensions["aiact_kg"])


def test_the_stored_index_finds_what_the_built_one_does_in_the_same_order(app, built, tmp_path):
    path = tmp_path / "index"
    fulltext.write_index(built, str(path), {"versions": built.versions})
    stored = fulltext.StoredIndex(path)
    for query in QUERIES:
        for filters in ({}, {"lang": "fr"}, {"kind": "article"}):
            for sort in fulltext.SORTS:
                want, got = built.search(query, filters, sort), stored.search(query, filters, sort)
                assert [(s, d.id, d.lang) for s, d in got.ranked] == [(s, d.id, d.lang) for s, d in want.ranked]
                assert (got.facets, got.partial, got.definitions) == (want.facets, want.partial, want.definitions)
                for (_, mine), (_, theirs) in zip(got.ranked[:10], want.ranked[:10]):
                    assert (mine.text, mine.keys, list(mine.spans)) == (theirs.text, theirs.keys, list(theirs.spans))
                    assert stored.marks(mine, got.clauses) == built.marks(theirs, want.clauses)
    assert stored.extra == {"versions": built.versions} and stored.titles == built.titles
    assert len(stored._bodies) <= stored.KEPT_BODIES, "the documents' texts are not kept in memory"


def test_the_application_searches_the_file_written_once_in_the_build_cache(app, store, monkeypatch):
    found = search.index(app)
    assert isinstance(found, fulltext.StoredIndex)
    path = search.index_file(app.extensions["aiact_kg"])
    assert path.is_file() and not list(path.parent.glob(".search-*")), "renamed into place, no temporary left"
    monkeypatch.setattr(search, "SearchIndex", lambda s: pytest.fail("an index already written is not built again"))
    again = create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 0})
    assert isinstance(search.index(again), fulltext.StoredIndex)


def test_a_file_that_is_not_an_index_is_refused_and_written_anew(app, store, tmp_path, monkeypatch):
    bad = tmp_path / "bad"
    bad.write_bytes(b"not an index")
    with pytest.raises(ValueError, match="not a search index"):
        fulltext.StoredIndex(bad)
    monkeypatch.setattr(search, "index_file", lambda s: bad)
    fresh = create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 0})
    assert isinstance(search.index(fresh), fulltext.StoredIndex)
    assert bad.read_bytes().startswith(fulltext.MAGIC)


def test_the_linkers_tooltips_are_those_of_the_whole_texts(store, monkeypatch):
    rows = store.run("linker-provisions")
    short = linker.ActIndex(rows, store.base)
    monkeypatch.setattr(linker, "_beginning", lambda text: text)
    whole = linker.ActIndex(rows, store.base)
    assert sum(map(len, short.texts.values())) < 0.7 * sum(map(len, whole.texts.values()))
    for local in sorted(whole.ids):
        for lang in ("en", "fr"):
            assert short.tooltip(local, lang) == whole.tooltip(local, lang), (local, lang)


def test_the_pages_do_not_import_lxml():
    code = ("import sys; from aiact_kg.web import create_app; create_app({'SPARQL_WORKERS': 0}); "
            "print('lxml' in sys.modules, 'aiact_kg.formex' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.split() == ["False", "False"], out.stderr[-2000:]


def test_start_up_renders_one_page_of_each_kind(store):
    app = create_app({"STORE": store, "TESTING": True, "SPARQL_WORKERS": 0})
    assert render_each_kind(app) == [200] * 11
    assert "aiact_kg.linker" in app.extensions, "the first search built the citation parser's index"
    compiled = {key[1] for key in app.jinja_env.cache.keys()}
    assert {"browse/home.html", "browse/provision.html", "search/results.html", "sparql/editor.html",
            "definitions/glossary.html", "timeline/timeline.html"} <= compiled
