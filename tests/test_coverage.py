"""The coverage of the model of the law: every article, paragraph and point that the coverage list
names (Article 4; Article 5(1)(a)–(h); Articles 8–15; Article 16(a)–(l); Articles 17–27;
Articles 43, 47, 48, 49; Article 50(1)–(4); Articles 53, 54, 55; Articles 72, 73; Article 86)
yields at least one normative statement, and ``aiact-kg coverage`` prints the table that shows
it, gaps included.
"""

from __future__ import annotations

import csv
import io

import pytest

from aiact_kg import coverage
from aiact_kg.cli import main

from iris import provision

#: The coverage list, as the model of the law states it: whole articles, and the points or
#: paragraphs it names one by one.
ARTICLES = [4, *range(8, 16), *range(17, 28), 43, 47, 48, 49, 53, 54, 55, 72, 73, 86]
POINTS_OF_ARTICLE_5_1 = [f"art_5.par_1.pnt_{p}" for p in "abcdefgh"]
POINTS_OF_ARTICLE_16 = [f"art_16.pnt_{p}" for p in "abcdefghijkl"]
PARAGRAPHS_OF_ARTICLE_50 = [f"art_50.par_{n}" for n in range(1, 5)]
NAMED_ONE_BY_ONE = POINTS_OF_ARTICLE_5_1 + POINTS_OF_ARTICLE_16 + PARAGRAPHS_OF_ARTICLE_50

STATEMENTS_DRAWN_FROM = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT DISTINCT ?provision ?statement WHERE {
  ?statement dct:source ?source ; a ?kind .
  ?source eli:is_part_of* ?provision .
  FILTER(?kind IN (aiact:Obligation, aiact:Prohibition, aiact:Permission, aiact:Exemption))
}"""


@pytest.fixture(scope="module")
def table(store) -> list[coverage.Unit]:
    return coverage.table(store)


def test_the_coverage_list_names_every_point_and_paragraph_it_promises():
    assert len(POINTS_OF_ARTICLE_5_1) == 8 and len(POINTS_OF_ARTICLE_16) == 12 and len(PARAGRAPHS_OF_ARTICLE_50) == 4


@pytest.mark.parametrize("article", ARTICLES, ids=lambda n: f"Article {n}")
def test_every_article_of_the_coverage_list_yields_a_statement(store, article):
    rows = store.select(STATEMENTS_DRAWN_FROM, {"provision": provision(f"art_{article}")})
    assert rows, f"no statement is drawn from Article {article}"


@pytest.mark.parametrize("local_id", NAMED_ONE_BY_ONE)
def test_every_point_and_paragraph_named_one_by_one_yields_a_statement(store, local_id):
    rows = store.select(STATEMENTS_DRAWN_FROM, {"provision": provision(local_id)})
    assert rows, f"no statement is drawn from {local_id}"


def test_the_table_lists_every_article_of_the_coverage_list_with_its_statements(table):
    by_article: dict[str, int] = {}
    for unit in table:
        by_article[unit.article_id] = by_article.get(unit.article_id, 0) + len(unit.statements)
    expected = {f"art_{n}" for n in (*ARTICLES, 5, 16, 50)}
    assert set(by_article) == expected
    assert all(by_article[article] > 0 for article in expected), {a: n for a, n in by_article.items() if not n}


def test_the_table_lists_the_points_of_article_5_1_and_article_16_one_by_one(table):
    units = {unit.unit_id: unit for unit in table}
    for local_id in NAMED_ONE_BY_ONE:
        assert local_id in units and units[local_id].statements, local_id


def test_the_table_lists_each_paragraph_of_an_article_gaps_included(table):
    paragraphs = [unit.unit_id for unit in table if unit.article_id == "art_50"]
    assert paragraphs == [f"art_50.par_{n}" for n in range(1, 8)]
    # Article 50(7) tasks the AI Office and the Commission, not an operator: a visible gap
    assert "art_50.par_7" in {unit.unit_id for unit in coverage.gaps(table)}


def test_the_table_follows_the_order_of_the_act(table):
    numbers = [int(unit.article_id.split("_")[1]) for unit in table]
    assert numbers == sorted(numbers)
    article_26 = [unit.unit_id for unit in table if unit.article_id == "art_26"]
    assert article_26[:2] == ["art_26.par_1", "art_26.par_2"] and article_26[-1] == "art_26.par_12"


def test_coverage_command_prints_a_markdown_table(capsys, graph_file):
    status = main(["coverage"])
    out, _ = capsys.readouterr()
    assert status == 0
    assert out.startswith("| Article | Provision | Statements | Drawn from it |")
    assert "| Article 16 | Article 16, point (a) |" in out
    assert "`art_53.par_1.pnt_a`" in out and "**gap**" in out


def test_coverage_command_prints_csv_with_one_row_per_statement(capsys, graph_file):
    status = main(["coverage", "--format", "csv"])
    out, _ = capsys.readouterr()
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    provisions = {row["provisionId"] for row in rows if row["statement"]}
    assert set(NAMED_ONE_BY_ONE) <= provisions
    assert any(row["statement"].endswith("/obligation/art_86.par_1") for row in rows)


def test_coverage_command_gives_french_labels(capsys, graph_file):
    status = main(["coverage", "--lang", "fr"])
    out, _ = capsys.readouterr()
    assert status == 0
    assert "| Article 5 | Article 5, paragraphe 1, point a) |" in out
