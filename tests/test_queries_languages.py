"""Every named query says what it is in English and in French: a title (``# title:``,
``# title-fr:``) and a description (the header's English lines, then its ``# fr:`` lines),
which the SPARQL editor lists in the interface's language."""

from __future__ import annotations

import re

import pytest

from aiact_kg import paths, queries

WORD = re.compile(r"[^\W\d_]+")
#: English words no French sentence uses: one of them in a French line is English left there.
ENGLISH = {"the", "of", "and", "with", "which", "from", "its", "is", "are", "that", "this", "for", "each", "every"}
#: Words every French description has at least one of.
FRENCH = {"le", "la", "les", "des", "du", "de", "un", "une", "et", "chaque"}
ALL = sorted(str(p.relative_to(paths.QUERIES).with_suffix("")) for p in paths.QUERIES.rglob("*.rq"))


def header(name: str) -> dict[str, list[str]]:
    """The values of the header's ``key:`` lines, by key, as the file writes them."""
    found: dict[str, list[str]] = {}
    for line in queries.path_of(name).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("#").strip().partition(":")
        found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_queries_are_all_found():
    assert len(ALL) >= 50 and {"act", "checks/empty-text-violation", "rules/applicable-from"} <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_every_query_has_a_title_and_description_in_both_languages(name):
    lines = header(name)
    assert len(lines.get("title", [])) == 1 and len(lines.get("title-fr", [])) == 1 and lines.get("fr")
    query = queries.load(name)
    assert query.title("en") and query.title("fr") and query.title("en") != query.title("fr")
    assert query.description and query.describe("en") == query.description
    french = query.describe("fr")
    assert french != query.description and french == " ".join(lines["fr"])
    for text in (query.title("fr"), french):
        assert set(WORD.findall(text.lower())) & ENGLISH == set(), text
    assert set(WORD.findall(french.lower())) & FRENCH
    assert len(re.findall("`+", french)) % 2 == 0, "code between backticks, each span closed"


def test_the_english_description_is_the_english_lines_only():
    query = queries.load("cites")
    assert query.title("en") == "What a provision cites"
    assert query.title("fr") == "Ce qu’une disposition cite"
    assert query.description == ("What a provision (or any part of it) cites: provisions of the Act and other acts.")
    assert query.describe("fr") == ("Ce que cite une disposition (ou l’une de ses parties) : des dispositions du "
                                    "règlement et d’autres actes.")
    assert query.bindings == ["provision"]
    assert query.describe("de") == query.description and query.title("de") == query.title("en")


def test_descriptions_use_the_acts_french_words():
    described = queries.load("actor-statements").describe("fr")
    assert "fournisseur en aval" in described and "déployeur" in described
    assert "systèmes d’IA à haut risque" in described and "modèle d’IA à usage général" in described
    assert "considérants" in queries.load("recitals").describe("fr")


def test_a_header_without_french_falls_back_to_english(tmp_path, monkeypatch):
    (tmp_path / "plain.rq").write_text("# title: Plain\n# What it answers.\n# bindings: ?lang\nASK {}\n",
                                       encoding="utf-8")
    monkeypatch.setattr(paths, "QUERIES", tmp_path)
    queries.load.cache_clear()
    try:
        query = queries.load("plain")
        assert (query.title("fr"), query.describe("fr"), query.bindings) == ("Plain", "What it answers.", ["lang"])
    finally:
        queries.load.cache_clear()
