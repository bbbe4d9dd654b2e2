"""The coverage of the model of the law: what the graph draws from each provision, and the gaps.

Two views:

- the coverage table of the normative statements (:func:`table`): which obligations,
  prohibitions, permissions and exemptions the graph draws from each article, paragraph and
  point of the coverage list, so that a provision nothing is drawn from shows as a gap
  (named query ``queries/obligation-coverage.rq``; ``aiact-kg coverage --format md|csv``);
- the coverage of the whole Act (:func:`act_coverage`), for the coverage page and each
  article's page: for every article, what is drawn from it (statements by kind,
  definitions, fine ceilings, application dates) and its parts whose words impose or allow
  something ("shall", "may", "prohibited") from which nothing is drawn (named query
  ``queries/provision-statements.rq``). Wording is a sign, not a reading of the law: a
  "may" can describe rather than permit, so a gap is a provision to read, not a proof of
  an omission.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from .citations import citation_label

QUERY = "obligation-coverage"

_KIND_WORDS = {
    "en": {"Obligation": "obligation", "Prohibition": "prohibition", "Permission": "permission", "Exemption": "exemption"},
    "fr": {"Obligation": "obligation", "Prohibition": "interdiction", "Permission": "permission", "Exemption": "exemption"},
}
_HEADERS = {
    "en": ("Article", "Provision", "Statements", "Drawn from it"),
    "fr": ("Article", "Disposition", "Énoncés", "Énoncés tirés de la disposition"),
}
_GAP = {"en": "**gap**", "fr": "**lacune**"}
_FOOTER = {
    "en": "{covered} of {units} provisions with at least one statement; {total} statements.",
    "fr": "{covered} dispositions sur {units} avec au moins un énoncé ; {total} énoncés.",
}


@dataclass
class Statement:
    iri: str
    kind: str
    label: str

    @property
    def local_id(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


@dataclass
class Unit:
    """An article, paragraph or point of the coverage list, with the statements drawn from it."""

    article_id: str
    unit_id: str
    statements: list[Statement] = field(default_factory=list)


def table(store, lang: str = "en") -> list[Unit]:
    """The coverage table, in the order of the Act."""
    from . import queries

    units: dict[str, Unit] = {}
    seen: set[tuple[str, str]] = set()
    for row in store.select(queries.load(QUERY).text, {"lang": lang}):
        unit_id = row["unitId"].value
        unit = units.setdefault(unit_id, Unit(row["articleId"].value, unit_id))
        if "statement" not in row or (unit_id, row["statement"].value) in seen:
            continue
        seen.add((unit_id, row["statement"].value))
        kind = row["kind"].value.rsplit("#", 1)[-1]
        unit.statements.append(Statement(row["statement"].value, kind, row["label"].value if "label" in row else ""))
    return list(units.values())


def gaps(units: list[Unit]) -> list[Unit]:
    """The units of the table no statement is drawn from."""
    return [unit for unit in units if not unit.statements]


def _summary(unit: Unit, lang: str) -> str:
    words = _KIND_WORDS[lang]
    counts: dict[str, int] = {}
    for statement in unit.statements:
        counts[statement.kind] = counts.get(statement.kind, 0) + 1
    return ", ".join(f"{n} {words.get(kind, kind)}{'s' if n > 1 else ''}" for kind, n in counts.items()) or "—"


def render_markdown(units: list[Unit], lang: str = "en") -> str:
    headers = _HEADERS[lang]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for unit in units:
        drawn = "<br>".join(f"`{s.local_id}` {_escape(s.label)}" for s in unit.statements) or _GAP[lang]
        lines.append(f"| {citation_label(unit.article_id, lang)} | {citation_label(unit.unit_id, lang)} "
                     f"| {_summary(unit, lang)} | {drawn} |")
    covered = len(units) - len(gaps(units))
    total = sum(len(unit.statements) for unit in units)
    lines.append("")
    lines.append(_FOOTER[lang].format(covered=covered, units=len(units), total=total))
    return "\n".join(lines) + "\n"


def render_csv(units: list[Unit], lang: str = "en") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["article", "provision", "provisionId", "statement", "kind", "label"])
    for unit in units:
        cited = (citation_label(unit.article_id, lang), citation_label(unit.unit_id, lang), unit.unit_id)
        if not unit.statements:
            writer.writerow([*cited, "", "", ""])
        for statement in unit.statements:
            writer.writerow([*cited, statement.iri, statement.kind, statement.label])
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


RENDERERS = {"md": render_markdown, "csv": render_csv}

#: Words by which a provision imposes, allows or forbids something.
NORMATIVE_WORDING = re.compile(r"\b(?:shall|may|must|(?:is|are) prohibited)\b")
#: What the model draws from a provision, by the class's local name, in the order shown.
DRAWN_KINDS = ("Obligation", "Prohibition", "Permission", "Exemption", "Class", "Concept", "FineCeiling",
               "ApplicationDate")


@dataclass
class Part:
    """A part of an article (paragraph, subparagraph, point) or the article itself."""

    id: str
    parent: str
    text: str = ""
    drawn: dict[str, set] = field(default_factory=dict)  # kind -> IRIs drawn from it


@dataclass
class ArticleCoverage:
    """What the graph draws from one article and the parts of it nothing is drawn from."""

    id: str
    drawn: dict[str, int]  # kind -> how many, the article and its parts together
    normative: list[str]  # its parts with normative wording, in the Act's order
    gaps: list[str]  # those of them nothing is drawn from (nor from their parts)

    @property
    def modelled(self) -> int:
        return len(self.normative) - len(self.gaps)

    @property
    def statements(self) -> int:
        return sum(self.drawn.get(kind, 0) for kind in DRAWN_KINDS[:4])


def act_coverage(store) -> list[ArticleCoverage]:
    """Every article of the Act, in order, with what is drawn from it and its gaps. The units
    are an article's paragraphs (its points where it has no paragraphs; the article itself
    where it has neither)."""
    from . import queries
    from .legal_order import sort_key

    parts: dict[str, Part] = {}
    articles: dict[str, set[str]] = {}
    for row in store.select(queries.load("provision-statements").text, {}):
        unit = row["unitId"].value
        part = parts.setdefault(unit, Part(unit, row["parentId"].value))
        text = "\n".join(row[name].value for name in ("text", "closing") if name in row)
        if text and text not in part.text:
            part.text = f"{part.text}\n{text}" if part.text else text
        articles.setdefault(row["articleId"].value, set()).add(unit)
        if "statement" in row:
            kind = row["kind"].value.rsplit("#", 1)[-1]
            part.drawn.setdefault(kind, set()).add(row["statement"].value)
    children: dict[str, list[str]] = {}
    for part in parts.values():
        children.setdefault(part.parent, []).append(part.id)

    def descendants(unit: str) -> list[str]:
        out = [unit]
        for child in children.get(unit, []):
            out += descendants(child)
        return out

    out = []
    for article in sorted(articles, key=sort_key):
        direct = children.get(article, [])
        paragraphs = [c for c in direct if c.rsplit(".", 1)[-1].startswith("par_")]
        units = paragraphs or direct or [article]
        drawn: dict[str, set] = {}
        for unit in descendants(article):
            for kind, iris in parts[unit].drawn.items():
                drawn.setdefault(kind, set()).update(iris)
        normative, gaps = [], []
        own = parts[article]
        for unit in sorted(units, key=sort_key):
            within = descendants(unit) if unit != article else [article]
            # the words printed before the points of an article without paragraphs ("Providers
            # of high-risk AI systems shall:") govern each point
            text = "\n".join([own.text] + [parts[u].text for u in within] if unit != article else [own.text])
            if not NORMATIVE_WORDING.search(text):
                continue
            normative.append(unit)
            if not any(parts[u].drawn for u in within):
                gaps.append(unit)
        out.append(ArticleCoverage(article, {k: len(v) for k, v in drawn.items()}, normative, gaps))
    return out


def cmd_coverage(args) -> int:
    from .cli import open_store_from

    store = open_store_from(args)
    units = table(store, args.lang)
    print(RENDERERS[args.format](units, args.lang), end="")
    return 0


def register_command(subparsers, store_options) -> None:
    p = subparsers.add_parser(
        "coverage", help="the coverage table: the statements drawn from each article, paragraph and point")
    p.add_argument("--format", choices=sorted(RENDERERS), default="md", help="Markdown table (default) or CSV")
    p.add_argument("--lang", choices=sorted(_HEADERS), default="en", help="language of the labels (default en)")
    store_options(p)
    p.set_defaults(func=cmd_coverage)
