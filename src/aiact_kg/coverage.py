"""The coverage table of the normative statements: which obligations, prohibitions, permissions
and exemptions the graph draws from each article, paragraph and point of the coverage list,
so that a provision nothing is drawn from shows as a gap.

The list of provisions and the statements drawn from them come from the named query
``queries/obligation-coverage.rq``; this module groups its rows and prints them
(``aiact-kg coverage --format md|csv``).
"""

from __future__ import annotations

import csv
import io
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
