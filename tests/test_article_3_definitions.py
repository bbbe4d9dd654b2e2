"""Article 3's sixty-eight definitions in the graph, compared point by point with the official
text read straight from the Publications Office's files (the English Formex, the French EUR-Lex
HTML), not through the parsers that built the graph.

For each point: the term as printed is the concept's ``skos:prefLabel`` (no-break spaces as
plain spaces), and the point after the term is, exactly, the connecting words ("means";
in French only a comma), the context the term is defined for where there is one
(``skos:scopeNote``), then the ``skos:definition``.
"""

from __future__ import annotations

import re

import lxml.html
import pytest
from lxml import etree

from aiact_kg import paths

CORPUS = paths.CORPUS
_WHITESPACE = re.compile(r"[ \t\r\n]+")  # the no-break spaces of the text are kept


def _line(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _formex_text(el) -> str:
    """Text of a Formex element with its quotation-mark tags as the characters they stand for."""
    out = [el.text or ""]
    for child in el:
        if child.tag in ("QUOT.START", "QUOT.END"):
            out.append(chr(int(child.get("CODE"), 16)))
        elif isinstance(child.tag, str) and child.tag != "NOTE":
            out.append(_formex_text(child))
        out.append(child.tail or "")
    return "".join(out)


def _sub_points(np_) -> list[str]:
    """The lettered and numbered points inside a Formex point, in document order."""
    lines = []
    for sub in np_.iter("NP"):
        if sub is not np_:
            lines.append(f"{sub.findtext('NO.P')} {_line(_formex_text(sub.find('TXT')))}")
    return lines


def english_points() -> dict[str, str]:
    """Article 3's points in the English Formex: number -> the printed point after its label,
    one line for its text and one for each of its lettered points ("(a) …")."""
    root = etree.parse(str(CORPUS / "en/formex/L_202401689EN.000101.fmx.xml")).getroot()
    article = next(a for a in root.iter("ARTICLE") if a.get("IDENTIFIER") == "003")
    points = {}
    for np_ in article.find("ALINEA/LIST").findall("ITEM/NP"):
        number = np_.findtext("NO.P").strip("()")
        lines = [_line(_formex_text(np_.find("TXT")))]
        points[number] = "\n".join(lines + _sub_points(np_))
    return points


def _sub_rows(cell) -> list[str]:
    """The lettered and numbered points printed as tables inside a cell, in document order."""
    lines = []
    for sub in cell.findall("table"):
        sub_label, sub_text = sub.findall("tbody/tr/td")
        text = " ".join(_line(p.text_content()) for p in sub_text.findall("p"))
        lines.append(f"{_line(sub_label.text_content())} {text}")
        lines += _sub_rows(sub_text)
    return lines


def french_points() -> dict[str, str]:
    """Article 3's points in the French HTML: number -> the printed point after its label."""
    root = lxml.html.parse(str(CORPUS / "fr/html/L_202401689FR.000101.fmx.xml.html")).getroot()
    article = root.get_element_by_id("art_3")
    points = {}
    for table in article.findall("table"):
        label_cell, text_cell = table.findall("tbody/tr/td")
        number = label_cell.text_content().strip().rstrip(")")
        lines = [_line(p.text_content()) for p in text_cell.findall("p")]
        points[number] = "\n".join(lines + _sub_rows(text_cell))
    return points


def graph_definitions(store, lang: str) -> dict[str, dict]:
    return {row["number"].value: {name: row[name].value for name in ("term", "definition", "scope") if name in row}
            for row in store.run("definitions", lang=lang)}


OFFICIAL = {"en": (english_points, "‘", "’", r"(?:,\s*(?P<scope>.+?),)?\s+means:?\s*"),
            "fr": (french_points, "«", "»", r",\s*(?:(?P<scope>.+?),\s+)?")}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_definition_of_article_3_is_the_official_text_point_by_point(store, lang):
    read, opening, closing, connector = OFFICIAL[lang]
    official = read()
    ours = graph_definitions(store, lang)
    assert len(official) == 68 and sorted(ours, key=int) == sorted(official, key=int)
    wrong = []
    for number, text in official.items():
        assert text.startswith(opening), f"point ({number}) does not open with its term: {text[:40]!r}"
        term, _, after = text[1:].partition(closing)
        entry = ours[number]
        if entry["term"] != re.sub(r"[\s\u00a0]+", " ", term).strip():
            wrong.append(f"({number}) term {entry['term']!r}, printed {term!r}")
            continue
        if not after.endswith(entry["definition"]):
            wrong.append(f"({number}) definition {entry['definition'][:60]!r} is not the end of {after[:60]!r}")
            continue
        link = re.fullmatch(connector, after[: len(after) - len(entry["definition"])], re.S)
        if link is None or link["scope"] != entry.get("scope"):
            wrong.append(f"({number}) more than the term's connecting words before the definition: "
                         f"{after[: len(after) - len(entry['definition'])]!r}")
    assert not wrong, "\n".join(wrong)


def test_no_french_definition_starts_with_punctuation_or_a_bracketed_scope(store):
    for number, entry in graph_definitions(store, "fr").items():
        assert entry["definition"][:1] not in ",;:(", f"point ({number}): {entry['definition'][:40]!r}"


def test_the_french_provider_is_defined_as_the_official_text_prints_it(store):
    provider = graph_definitions(store, "fr")["3"]
    assert provider["term"] == "fournisseur"
    assert provider["definition"].startswith("une personne physique ou morale, une autorité publique, une agence")
    assert "scope" not in provider


def test_a_term_defined_for_real_world_testing_keeps_that_context_apart(store):
    subject = {lang: graph_definitions(store, lang)["58"] for lang in ("en", "fr")}
    assert subject["en"]["scope"] == "for the purpose of real-world testing"
    assert subject["fr"]["scope"] == "aux fins des essais en conditions réelles"
    assert subject["fr"]["definition"] == "une personne physique qui participe à\u00a0des essais en conditions réelles;"


def test_labels_have_plain_spaces_and_definitions_keep_the_printed_ones(store):
    remote = graph_definitions(store, "fr")["41"]
    assert remote["term"] == "système d’identification biométrique à distance"
    assert "\u00a0" in graph_definitions(store, "fr")["1"]["definition"]
