"""Pages render from facts read once for the whole Act (the text of every part, the
breadcrumbs, the rows of the per-provision queries for the Act as a whole), not from a query
per page: each fact must give a page exactly what its own query gave it, for every
subdivision of the Act and both languages. And the facts and the per-line index must not
depend on the order pages are asked in: the same page renders the same, first or last, and
the same as from its own queries (as the first pages after a start are, before the facts are
read)."""

from __future__ import annotations

import threading

import pytest
from pyoxigraph import NamedNode

from aiact_kg.legal_order import sort_key
from aiact_kg.web import browse, coverage, create_app, printed

LANGS = ("en", "fr")


@pytest.fixture(scope="module")
def fresh(store):
    """An application of its own, the page cache off: what a page reads comes from the facts."""
    app = create_app({"STORE": store, "TESTING": True, "PAGE_CACHE": False, "SPARQL_WORKERS": 0})
    assert printed.prepare_text_facts(app.extensions["aiact_kg"]).wait(120)
    return app


def _shape(part):
    if part is None:
        return None
    return (part.iri, part.id, part.kind, part.order, part.label, part.title, part.text, part.closing,
            [_shape(child) for child in part.children])


def _crumbs_by_query(s, local_id: str, lang: str) -> list[dict]:
    rows = s.run("provision", provision=s.iri(local_id), lang=lang)
    return browse.chain_of({row["ancestor"].value: row for row in rows}, s.iri(local_id).value)


def test_text_and_breadcrumbs_of_every_subdivision_as_their_queries_give_them(fresh):
    s = fresh.extensions["aiact_kg"]
    assert len(s.subdivisions) > 1600
    with fresh.test_request_context("/"):
        for local_id in s.subdivisions:
            iri = s.iri(local_id).value
            for lang in LANGS:
                by_query = printed.tree(s.run("provision-parts", provision=NamedNode(iri), lang=lang), iri)
                assert _shape(printed.provision_tree(s, iri, lang)) == _shape(by_query), (local_id, lang)
                assert browse._crumbs(s, local_id, lang) == _crumbs_by_query(s, local_id, lang), (local_id, lang)


def _sample(s) -> list[str]:
    """Every article, annex, recital, chapter, footnote and citation, and one paragraph or
    point in five."""
    tops = [i for i in s.subdivisions if "." not in i]
    parts = sorted((i for i in s.subdivisions if "." in i), key=sort_key)[::5]
    return tops + parts


def test_rows_of_a_subdivision_from_the_whole_act_as_its_own_query_gives_them(fresh):
    s = fresh.extensions["aiact_kg"]
    seen = {"provision-model": 0, "cites": 0, "cited-by": 0, "related-recitals": 0, "article-obligations": 0}
    with fresh.test_request_context("/"):
        for local_id in _sample(s):
            iri = s.iri(local_id)
            cites = browse.rows_within(s, "cites", "source", iri)
            assert sorted(map(_key, cites)) == sorted(map(_key, s.run("cites", provision=iri))), local_id
            seen["cites"] += bool(cites)
            for lang in LANGS:
                model = browse.rows_within(s, "provision-model", "sourceId", iri, lang=lang)
                assert sorted(map(_key, model)) == sorted(map(_key, s.run("provision-model", provision=iri, lang=lang)))
                seen["provision-model"] += bool(model)
                statements = browse.statement_rows(s, iri, lang)
                by_query = s.run("article-obligations", provision=iri, lang=lang)
                assert list(map(_key, statements)) == list(map(_key, sorted(by_query, key=browse._statement_order)))
                seen["article-obligations"] += bool(statements)
                cited_by = browse.cited_by_rows(s, iri, lang)
                assert sorted(map(_key, cited_by)) == sorted(map(_key, s.run("cited-by", provision=iri, lang=lang)))
                seen["cited-by"] += bool(cited_by)
                if local_id.startswith("art_") and "." not in local_id:
                    links = s.rows_by("related-recitals", "article", lang=lang).get(iri.value, [])
                    assert list(map(_key, links)) == list(map(_key, s.run("related-recitals", article=iri, lang=lang)))
                    seen["related-recitals"] += bool(links)
    assert all(seen.values()), seen  # each query has rows for some subdivision: the comparison compared something


def _key(row: dict) -> tuple:
    """A row without its ``?provision`` (the subdivision asked for, or the Act as a whole)."""
    return tuple(sorted((name, str(term)) for name, term in row.items() if name not in ("provision", "lang")))


PAGES = ["/reg/2024/1689/art_3", "/reg/2024/1689/art_3?lang=both", "/reg/2024/1689/art_5?lang=fr",
         "/reg/2024/1689/art_26", "/reg/2024/1689/art_5.par_1", "/reg/2024/1689/anx_III", "/reg/2024/1689/rct_53",
         "/reg/2024/1689/cpt_III", "/reg/2024/1689/obligation/art_26.par_1", "/obligations", "/actors/Deployer",
         "/coverage", "/", "/fr/reg/2024/1689/art_3", "/fr/reg/2024/1689/art_26?lang=both", "/fr/actors/Deployer"]


def test_a_page_is_the_same_from_its_own_queries_and_from_the_facts_whatever_was_asked_before(store):
    by_queries = create_app({"STORE": store, "TESTING": True, "PAGE_CACHE": False, "SPARQL_WORKERS": 0})
    by_queries.extensions["aiact_kg"]._prepared[printed.TEXT_FACTS] = threading.Event()  # never read: pages ask
    by_facts = create_app({"STORE": store, "TESTING": True, "PAGE_CACHE": False, "SPARQL_WORKERS": 0})
    assert printed.prepare_text_facts(by_facts.extensions["aiact_kg"]).wait(120)
    forwards = {path: by_queries.test_client().get(path).get_data(as_text=True) for path in PAGES}
    backwards = {path: by_facts.test_client().get(path).get_data(as_text=True) for path in reversed(PAGES)}
    again = {path: by_facts.test_client().get(path).get_data(as_text=True) for path in PAGES}
    assert not printed.text_facts_ready(by_queries.extensions["aiact_kg"])
    for path in PAGES:
        assert "<h1" in forwards[path], path
        assert forwards[path] == backwards[path] == again[path], path


def test_the_coverage_panel_reads_the_coverage_computed_once(fresh):
    s = fresh.extensions["aiact_kg"]
    with fresh.test_request_context("/"):
        model = coverage.article_model(s, "art_26", "en")
        assert model["coverage"] is coverage.act_coverage(s)["art_26"]
        assert model["coverage"].statements > 0
