"""Every named query of queries/ gives the same answer on every backend: the embedded store,
Oxigraph server and Virtuoso (real servers on loopback, see tests/servers.py); and its
bindings reach it as VALUES blocks of serialized terms, with the answers pyoxigraph's own
substitution (SPARQL SEP-0007) gives.

Answers are compared as multisets of rows; where the query orders its rows, the rows must
be in the order SPARQL defines (section 15.1): where it leaves the order to the server (rows
that tie, literals in different languages), servers may differ.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode

from aiact_kg import queries
from aiact_kg.store import QueryError, _substitutions, with_values

from iris import provision

pytest_plugins = ["servers"]

BACKENDS = ["embedded", "oxigraph", "virtuoso"]

#: Values for the bindings the named queries declare: provisions that cite and are cited,
#: an article explained by recitals, both languages.
SAMPLES = {
    "provision": [provision("art_6"), provision("art_5.par_1"), provision("anx_III")],
    "article": [provision("art_50"), provision("art_9")],
    "lang": ["en", "fr"],
    "recital": [provision("rct_12"), provision("rct_47")],
    "resource": [provision("art_16"), NamedNode("https://w3id.org/aiact-kg/ontology#Article")],
    "namespace": ["https://w3id.org/aiact-kg/ontology#"],
    "role": [NamedNode("https://w3id.org/aiact-kg/ontology#GPAIModelProvider"),
             NamedNode("https://w3id.org/aiact-kg/ontology#Deployer")],
    "statement": [NamedNode("https://w3id.org/aiact-kg/reg/2024/1689/obligation/art_9.par_1"),
                  NamedNode("https://w3id.org/aiact-kg/reg/2024/1689/obligation/art_5.par_1.pnt_a")],
}


def _cases():
    for name in queries.names():
        declared = queries.load(name).bindings
        combinations = [{}]
        for variable in declared:
            combinations = [dict(c, **{variable: value}) for c in combinations for value in SAMPLES[variable]]
        for bindings in combinations:
            label = ",".join(f"{k}={getattr(v, 'value', v).rsplit('/', 1)[-1]}" for k, v in bindings.items())
            yield pytest.param(name, bindings, id=f"{name}[{label}]" if label else name)


@pytest.fixture(scope="session", params=BACKENDS)
def any_store(request, store):
    """The built graph on each backend in turn."""
    if request.param == "embedded":
        return store
    return request.getfixturevalue(f"{request.param}_store")


_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {_XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}
_CONDITION = re.compile(r"(?P<dir>ASC|DESC)?\s*\(?\s*(?:(?P<cast><[^>]*integer>|xsd:integer)\s*\()?\s*[?$](?P<var>\w+)\s*\)?\s*\)?",
                        re.IGNORECASE)


def _order_conditions(text: str) -> list[tuple[str, bool, bool]]:
    """(variable, descending, cast to integer) for each ORDER BY condition we can read."""
    clause = re.search(r"\bORDER\s+BY\b(.*?)(\bLIMIT\b|\bOFFSET\b|$)", text, re.IGNORECASE | re.DOTALL)
    if not clause:
        return []
    return [(m["var"], (m["dir"] or "").upper() == "DESC", bool(m["cast"])) for m in _CONDITION.finditer(clause.group(1))]


def _compare(a, b, as_integer: bool):
    """SPARQL's order of two values where SPARQL defines it (section 15.1); None where it
    leaves the order to the implementation (language-tagged literals, mixed types...)."""
    def rank(term):
        if term is None:
            return 0
        return {"BlankNode": 1, "NamedNode": 2}.get(type(term).__name__, 3)

    if rank(a) != rank(b):
        return -1 if rank(a) < rank(b) else 1
    if a is None or a == b:
        return 0
    if isinstance(a, NamedNode):
        return -1 if a.value < b.value else 1
    if isinstance(a, Literal):
        if as_integer or (a.datatype.value in _NUMERIC and b.datatype.value in _NUMERIC):
            try:
                x, y = float(a.value), float(b.value)
            except ValueError:
                return None
            return (x > y) - (x < y)
        if a.language is None and b.language is None and a.datatype == b.datatype == NamedNode(_XSD + "string"):
            return -1 if a.value < b.value else 1
    return None


def _out_of_order(rows: list[dict], conditions) -> int | None:
    """The index of the first row that SPARQL's order says must come before its predecessor."""
    for index in range(1, len(rows)):
        for variable, descending, as_integer in conditions:
            order = _compare(rows[index - 1].get(variable), rows[index].get(variable), as_integer)
            if order is None or order < 0 and not descending or order > 0 and descending:
                break
            if order != 0:
                return index
    return None


_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _comparable(term) -> str:
    """A term as text to compare across servers: a blank node's label names it within one
    answer only, so every blank node reads the same (the rest of its row tells which it is);
    a boolean by its value (Virtuoso writes true as "1", which is the same value)."""
    if isinstance(term, BlankNode):
        return "_:blank"
    if isinstance(term, Literal) and term.datatype == NamedNode(_BOOLEAN):
        return {"1": "true", "0": "false"}.get(term.value, term.value) + "^^xsd:boolean"
    return str(term)


def _row(row: dict) -> tuple:
    return tuple(sorted((name, _comparable(term)) for name, term in row.items()))


def test_every_named_query_has_sample_bindings():
    for name in queries.names():
        missing = [v for v in queries.load(name).bindings if v not in SAMPLES]
        assert not missing, f"{name}: add sample values for {missing} to SAMPLES"


@pytest.mark.parametrize("name, bindings", list(_cases()))
def test_named_query_gives_the_embedded_answer(any_store, store, name, bindings):
    expected = store.run(name, **bindings)
    answer = any_store.run(name, **bindings)
    assert Counter(map(_row, answer)) == Counter(map(_row, expected))
    conditions = _order_conditions(queries.load(name).text)
    if conditions:
        assert _out_of_order(answer, conditions) is None


# -- bindings as VALUES blocks -------------------------------------------------------------------

@pytest.mark.parametrize("name, bindings", list(_cases()))
def test_values_blocks_give_what_substitution_gives(store, name, bindings):
    text = queries.load(name).text
    by_substitution = store.raw.query(text, substitutions=_substitutions(bindings))
    by_values = store.raw.query(with_values(text, bindings))
    names = [v.value for v in by_substitution.variables]
    assert [v.value for v in by_values.variables] == names

    def rows(result):
        return Counter(tuple(str(row[n]) for n in names) for row in result)

    assert rows(by_values) == rows(by_substitution)


def test_a_binding_opens_the_outermost_where_group():
    text = with_values("SELECT ?p ?lang WHERE { ?p ?x ?lang }", {"p": provision("art_5"), "lang": "fr"})
    assert text == ('SELECT ?p ?lang WHERE { VALUES (?p ?lang) { (<https://w3id.org/aiact-kg/reg/2024/1689/art_5> "fr") }\n'
                    ' ?p ?x ?lang }')


def test_a_binding_reaches_a_filter_in_an_optional_inside_an_optional():
    text = with_values("SELECT ?a ?lang ?label WHERE { ?a ?p ?o OPTIONAL { ?a ?q ?v OPTIONAL { ?v ?r ?label "
                       "FILTER(LANG(?label) = ?lang) } } }", {"lang": "en"})
    # the outermost group, and the value written into the filter, which no pattern binds
    assert text.count('VALUES (?lang) { ("en") }') == 1 and 'FILTER(LANG(?label) = "en")' in text
    bound = with_values("SELECT ?a ?v WHERE { ?a ?p ?o OPTIONAL { ?a ?q ?o OPTIONAL { ?o ?r ?l "
                        "FILTER(?l = ?v) } ?a ?s ?v } }", {"v": "x"})
    assert bound.count('VALUES (?v) { ("x") }') == 2 and "FILTER(?l = ?v)" in bound, "a pattern binds it: a block"
    assert "BOUND(?lang)" in with_values("SELECT * WHERE { ?a ?p ?o OPTIONAL { ?a ?q ?v OPTIONAL { ?v ?r ?l "
                                         "FILTER(BOUND(?lang)) } } }", {"lang": "en"})


def test_a_binding_reaches_a_filter_in_a_union_branch_but_not_plain_triple_patterns():
    text = with_values("SELECT ?x WHERE { { ?x ?p ?v FILTER(?v = ?wanted) } UNION { ?x ?q ?wanted } }",
                       {"wanted": "a"})
    assert text.count('VALUES (?wanted) { ("a") }') == 2
    assert '{ VALUES (?wanted) { ("a") }\n ?x ?p ?v FILTER' in text


def test_braces_in_strings_iris_comments_templates_and_data_are_not_groups():
    text = ('# a { comment\nPREFIX ex: <http://e/{x}>\nCONSTRUCT { ?s ex:p "}{" } WHERE { ?s ?p ?o '
            'VALUES ?o { "{" } { SELECT ?s WHERE { ?s ?q ?r } } }')
    bound = with_values(text, {"s": NamedNode("http://e/s")})
    assert bound.index("VALUES (?s)") == bound.index("WHERE {") + len("WHERE {") + 1
    assert bound.count("VALUES (?s)") == 1
    assert 'ex:p "}{" }' in bound and 'VALUES ?o { "{" }' in bound
    assert with_values("ASK { ?s ?p ?o }", {"s": NamedNode("http://e/s")}).startswith("ASK { VALUES (?s)")
    assert with_values("SELECT (1 AS ?one) { ?s ?p ?o }", {"s": NamedNode("http://e/s")}).startswith(
        "SELECT (1 AS ?one) { VALUES (?s)")


def test_a_binding_value_is_a_literal_however_it_is_written(store):
    hostile = 'en") } ; DROP ALL ; INSERT DATA { <a:b> <a:c> <a:d> } #'
    text = with_values("SELECT ?lang WHERE { }", {"lang": hostile})
    assert str(Literal(hostile)) in text
    assert store.select("SELECT ?lang WHERE { }", {"lang": hostile}) == [{"lang": Literal(hostile)}]


@pytest.mark.parametrize("bindings, query, complaint", [
    ({"s": BlankNode("b0")}, "SELECT ?s WHERE { ?s ?p ?o }", "blank node"),
    ({"s p": "x"}, "SELECT ?s WHERE { ?s ?p ?o }", "not a variable name"),
    ({"s": "x"}, "CONSTRUCT WHERE { ?s ?p ?o }", "template"),
    ({"s": "x"}, "DELETE WHERE { ?s ?p ?o }", "update"),
])
def test_bindings_that_cannot_be_written_into_a_query_are_refused(bindings, query, complaint):
    with pytest.raises(QueryError, match=complaint):
        with_values(query, bindings)


def test_the_embedded_store_substitutes_where_no_group_can_hold_a_binding(store):
    triples = store.construct("CONSTRUCT WHERE { ?s <http://data.europa.eu/eli/ontology#id_local> ?id }",
                              {"s": provision("art_16")})
    assert [t.object.value for t in triples] == ["art_16"]


def test_the_order_check_sees_rows_out_of_order(store):
    rows = store.run("definitions", lang="en")
    conditions = _order_conditions(queries.load("definitions").text)
    assert _out_of_order(rows, conditions) is None
    assert _out_of_order(rows[::-1], conditions) == 1
