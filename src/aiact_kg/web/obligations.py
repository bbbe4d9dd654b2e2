"""The normative statements the Act creates: a table with filters and CSV export, one page per
statement and one page per actor with what binds it, grouped by chapter.

Rendered from the named queries ``obligations`` (every statement: its kind, addressee,
provision, tier and date), ``statement`` (one statement with its words, measure, shapes and
fines) and ``actor-statements`` (what binds a role as such) over the ontology of obligations.
The four kinds (``aiact:Obligation``, ``aiact:Prohibition``, ``aiact:Permission``,
``aiact:Exemption``) are counted apart. Filters: ``role`` (the addressee), ``kind``, ``tier``,
``article`` ("art_16" or "16") and ``date`` (statements that apply on that date). While the
graph records no statement, the pages say so.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode
from datetime import date

from flask import Blueprint, Response, abort, current_app, render_template, request
from markupsafe import Markup
from pyoxigraph import NamedNode

from ..legal_order import sort_key
from ..vocab import ONTOLOGY_NS
from .graph import site
from .i18n import prefixed, ui_path

bp = Blueprint("obligations", __name__)

CSV_COLUMNS = ("obligation", "label", "addressee", "addressee_label", "article", "source", "tier",
               "applicable_from", "kind")
#: The kinds of normative statement, in the order the pages count them.
KINDS = ("Obligation", "Prohibition", "Permission", "Exemption")
KIND_WORDS = {
    "en": {"Obligation": ("obligation", "obligations"), "Prohibition": ("prohibition", "prohibitions"),
           "Permission": ("permission", "permissions"), "Exemption": ("exemption", "exemptions")},
    "fr": {"Obligation": ("obligation", "obligations"), "Prohibition": ("interdiction", "interdictions"),
           "Permission": ("permission", "permissions"), "Exemption": ("exemption", "exemptions")},
}


def slug(iri: str | None) -> str:
    """The last segment of an IRI ("…/ontology#Provider" -> "Provider")."""
    return (iri or "").rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _value(row: dict, name: str) -> str:
    return row[name].value if name in row else ""


def obligation_rows(lang: str) -> list[dict]:
    """The rows of ``obligations``, one dict per obligation (several addressees or tiers kept):
    worked out once per graph and language, shared by every page (read them, never change them)."""
    s = site()
    return s.fact(("obligation-rows", lang), lambda: _obligation_rows(s, lang))


def _obligation_rows(s, lang: str) -> list[dict]:
    out: dict[str, dict] = {}
    for row in s.run("obligations", lang=lang):
        iri = row["obligation"].value
        entry = out.setdefault(iri, {
            "obligation": iri, "kind": slug(_value(row, "kind")), "label": _value(row, "label") or slug(iri),
            "addressees": {}, "tiers": {},
            "source": _value(row, "sourceId"), "article": _value(row, "articleId"),
            "applicable_from": _value(row, "applicableFrom")})
        if "addressee" in row:
            entry["addressees"][row["addressee"].value] = _value(row, "addresseeLabel") or slug(row["addressee"].value)
        if "tier" in row:
            entry["tiers"][row["tier"].value] = _value(row, "tierLabel") or slug(row["tier"].value)
        if not entry["applicable_from"] and "applicableFrom" in row:
            entry["applicable_from"] = row["applicableFrom"].value
    for entry in out.values():  # several addressees or tiers: in the order of their labels
        for key in ("addressees", "tiers"):
            entry[key] = dict(sorted(entry[key].items(), key=lambda item: (item[1].lower(), item[0])))
    return sorted(out.values(), key=lambda e: (sort_key(e["source"] or e["obligation"]), sort_key(e["obligation"])))


def parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(400, description=f"Not a date: {text!r}; write it as YYYY-MM-DD (e.g. 2026-08-02).")


def _filters() -> dict:
    lang = request.args.get("lang", prefixed() or "en")
    if lang not in ("en", "fr"):
        abort(400, description=f"Unknown language {lang!r}: choose en or fr.")
    article = request.args.get("article", "").strip()
    if article and not article.startswith("art_"):
        if not article.isdigit():
            abort(400, description=f"Not an article: {article!r}; give its number, e.g. 16.")
        article = f"art_{int(article)}"
    kind = request.args.get("kind", "").strip()
    if kind and kind not in KINDS:
        abort(400, description=f"Unknown kind {kind!r}: choose one of {', '.join(KINDS)}.")
    return {"lang": lang, "role": request.args.get("role", "").strip(), "tier": request.args.get("tier", "").strip(),
            "article": article, "date": parse_date(request.args.get("date")), "kind": kind}


def role_hierarchy(lang: str) -> dict[str, dict]:
    """Every role some statement binds, directly or through a broader role: its label and the
    roles whose statements bind it (itself included), from ``role-hierarchy``; once per graph
    and language (read it, never change it)."""
    s = site()
    return s.fact(("role-hierarchy", lang), lambda: _role_hierarchy(s, lang))


def _role_hierarchy(s, lang: str) -> dict[str, dict]:
    roles: dict[str, dict] = {}
    for row in s.run("role-hierarchy", lang=lang):
        entry = roles.setdefault(slug(row["role"].value), {"label": "", "within": set()})
        entry["label"] = _value(row, "roleLabel") or entry["label"] or slug(row["role"].value)
        entry["within"].add(slug(row["broader"].value))
    return roles


def bound_statements(role: str) -> set[str]:
    """The statements that bind a role as such (``actor-statements``): its own, and those of
    broader roles that concern what the role is about. Kept per role: callers ask it only of
    the roles of :func:`role_hierarchy`, so there are as many as the graph has roles."""
    s = site()
    return s.fact(("actor-statements", role), lambda: frozenset(
        row["statement"].value for row in s.run("actor-statements", role=NamedNode(ONTOLOGY_NS + role))))


def select(rows: list[dict], role: str = "", tier: str = "", article: str = "", on: date | None = None,
           roles: dict[str, dict] | None = None, kind: str = "", bound: set[str] | None = None) -> list[dict]:
    """The statements that match every filter given. A role matches the statements that bind
    it as such when ``bound`` (``bound_statements``) is given; otherwise those addressed to it
    or, when ``roles`` (``role_hierarchy``) says so, to a broader role it falls under."""
    within = (roles or {}).get(role, {}).get("within") or {role}
    out = []
    for row in rows:
        if role and bound is not None and row["obligation"] not in bound:
            continue
        if role and bound is None and not within & {slug(a) for a in row["addressees"]}:
            continue
        if kind and row.get("kind") != kind:
            continue
        if tier and tier not in {slug(t) for t in row["tiers"]}:
            continue
        if article and row["article"] != article:
            continue
        if on and (not row["applicable_from"] or row["applicable_from"] > on.isoformat()):
            continue
        out.append(row)
    return out


def kind_counts(rows: list[dict], lang: str = "en") -> list[dict]:
    """How many statements of each kind: [{"kind", "count", "words"}], kinds in ``KINDS`` order."""
    counts = {kind: 0 for kind in KINDS}
    for row in rows:
        if row.get("kind") in counts:
            counts[row["kind"]] += 1
    words = KIND_WORDS.get(lang, KIND_WORDS["en"])
    return [{"kind": kind, "count": n, "words": words[kind][0 if n == 1 else 1]} for kind, n in counts.items()]


def choices(rows: list[dict], key: str) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for row in rows:
        for iri, label in row[key].items():
            seen[slug(iri)] = label
    return sorted(seen.items(), key=lambda pair: pair[1].lower())


@bp.get("/obligations")
def table():
    filters = _filters()
    output = request.args.get("format", "html")
    if output not in ("html", "csv"):
        abort(400, description=f"Unknown format {output!r}: choose html or csv.")
    every = obligation_rows(filters["lang"])
    roles = role_hierarchy(filters["lang"])
    bound = bound_statements(filters["role"]) if filters["role"] in roles else None
    rows = select(every, filters["role"], filters["tier"], filters["article"], filters["date"], roles,
                  kind=filters["kind"], bound=bound)
    if output == "csv":
        return _csv(rows)
    csv_args = dict(request.args.items(), format="csv")
    return render_template("obligations/table.html", rows=rows, total=len(every), filters=filters,
                           statement_row=statement_row,
                           roles=role_choices(roles), tiers=choices(every, "tiers"), site=site(),
                           kinds=kind_counts(every, filters["lang"]), shown_kinds=_with_urls(kind_counts(rows, filters["lang"])),
                           kind_words=KIND_WORDS[filters["lang"]], csv_url=ui_path("/obligations") + "?" + urlencode(csv_args))


def statement_row(o: dict, filters: dict, kind_words: dict) -> Markup:
    """The row of one statement in the table (``obligations/row.html``): it depends on the
    statement, the language of the table and the interface's prefix of its links only, so it
    is made once for each and kept (:meth:`graph.Site.fragment`), whatever the filters."""
    from .i18n import prefixed

    s = site()
    lang = filters["lang"]
    return s.fragment(("statement-row", o["obligation"], lang, prefixed()), lambda: Markup(
        current_app.jinja_env.get_template("obligations/row.html").render(o=o, filters={"lang": lang},
                                                                            kind_words=kind_words) + "\n"))


def _with_urls(counts: list[dict]) -> list[dict]:
    """Each kind's count with the link that keeps the other filters and selects that kind."""
    for entry in counts:
        entry["url"] = "?" + urlencode(dict(request.args.items(), kind=entry["kind"]))
    return counts


def _csv(rows: list[dict]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([row["obligation"], row["label"], " | ".join(row["addressees"]),
                         " | ".join(row["addressees"].values()), row["article"], row["source"],
                         " | ".join(row["tiers"].values()), row["applicable_from"], row["kind"]])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="obligations.csv"'
    return response


def role_choices(roles: dict[str, dict]) -> list[tuple[str, str]]:
    return sorted(((name, entry["label"]) for name, entry in roles.items()), key=lambda pair: pair[1].lower())


@bp.get("/actors")
def actors():
    filters = _filters()
    every = obligation_rows(filters["lang"])
    return render_template("obligations/actors.html", roles=role_choices(role_hierarchy(filters["lang"])), rows=every,
                           filters=filters)


@bp.get("/actors/<name>")
def actor(name: str):
    filters = _filters()
    every = obligation_rows(filters["lang"])
    roles = role_hierarchy(filters["lang"])
    if name not in roles:
        abort(404, description=f"No obligation of the graph is addressed to {name!r}.")
    bound = bound_statements(name)
    rows = select(every, name, filters["tier"], "", filters["date"], roles, kind=filters["kind"], bound=bound)
    chapters = by_chapter(rows, filters["lang"])
    return render_template("obligations/actor.html", name=name, label=roles[name]["label"], chapters=chapters,
                           filters=filters, tiers=choices(select(every, name, bound=bound), "tiers"), site=site(),
                           count=len(rows), kinds=kind_counts(rows, filters["lang"]), kind_words=KIND_WORDS[filters["lang"]],
                           broader=[(b, roles[b]["label"] if b in roles else b) for b in sorted(roles[name]["within"] - {name})])


def by_chapter(rows: list[dict], lang: str) -> list[dict]:
    """Statements grouped by the chapter of their article, then by article, in the Act's order:
    [{"chapter": {id, label, title}, "articles": [(article id, [rows])]}]."""
    from .browse import structure

    chapter_of: dict[str, dict] = {}
    for chapter in structure(site(), lang)["chapters"]:
        for item in chapter["children"]:
            for article in [item] + item["children"]:
                if article["kind"] == "Article":
                    chapter_of[article["id"]] = chapter
    groups: dict[str, dict] = {}
    for row in rows:
        article = row["article"] or row["source"]
        chapter = chapter_of.get(article, {"id": "", "label": "", "title": ""})
        group = groups.setdefault(chapter["id"], {"chapter": chapter, "articles": {}})
        group["articles"].setdefault(article, []).append(row)
    ordered = sorted(groups.values(), key=lambda g: sort_key(g["chapter"]["id"] or "zzz"))
    for group in ordered:
        group["articles"] = sorted(group["articles"].items(), key=lambda item: sort_key(item[0]))
    return ordered


# -- one statement ------------------------------------------------------------------------------

def render_statement(local: str, lang: str) -> str:
    """The page of one normative statement (``obligation/art_9.par_1``)."""
    s = site()
    return s.cached(("statement", local, lang), lambda: _render_statement(s, local, lang))


def statement_facts(rows: list[dict]) -> dict:
    """The rows of ``statement`` as one record: each property with its distinct values, in order."""
    facts: dict = {"kind": "", "label": "", "source": "", "excerpt": "", "applicable_from": ""}
    lists = {"addressees": ("addressee", "addresseeLabel"), "concerns": ("concerns", "concernsLabel"),
             "tiers": ("tier", "tierLabel"), "dates": ("appliesUnder", "appliesUnderLabel", "appliesUnderSource"),
             "measures": ("measure", "measureLabel", "measureDefinition", "measureDefinitionEn"),
             "shapes": ("shape", "shapeLabel", "shapeMessage", "shapeMessageLang"), "shared_shapes": ("sharedShape", "sharedShapeLabel"),
             "penalties": ("penalty", "penaltyLabel", "penaltySource")}
    found: dict[str, dict] = {name: {} for name in lists}
    for row in rows:
        facts["kind"] = slug(_value(row, "kind")) or facts["kind"]
        facts["label"] = _value(row, "label") or facts["label"]
        facts["source"] = _value(row, "sourceId") or facts["source"]
        facts["excerpt"] = _value(row, "excerpt") or facts["excerpt"]
        facts["applicable_from"] = _value(row, "applicableFrom") or facts["applicable_from"]
        for name, (key, *details) in lists.items():
            if key not in row:
                continue
            entry = found[name].setdefault(row[key].value, {"iri": row[key].value, "name": slug(row[key].value)})
            for detail in details:
                value = _value(row, detail)
                if not value:
                    continue
                if detail.endswith("Source"):
                    entry.setdefault("sources", [])
                    if value not in entry["sources"]:
                        entry["sources"].append(value)
                else:
                    entry[detail.removeprefix(key)[:1].lower() + detail.removeprefix(key)[1:]] = value
    for name in lists:
        facts[name] = sorted(found[name].values(), key=lambda e: (sort_key(e["iri"]), e.get("label", ""), e["iri"]))
        for entry in facts[name]:
            entry["sources"] = sorted(entry.get("sources", []), key=sort_key)
    return facts


def _render_statement(s, local: str, lang: str) -> str:
    from . import printed

    iri = f"{s.act}/{local}"
    facts = statement_facts(s.run("statement", statement=NamedNode(iri), lang=lang))
    if not facts["kind"]:
        abort(404, description=f"<{iri}> is not a normative statement of the graph.")
    words = None
    if facts["source"]:
        source = s.iri(facts["source"])
        part = printed.provision_tree(s, source.value, lang)
        if part is not None:
            words = printed.Renderer(s, lang, s.page_of(facts["source"]), anchors=False).body(part)
    kind_word = KIND_WORDS[lang][facts["kind"]][0]
    return render_template("obligations/statement.html", iri=iri, facts=facts, lang=lang, words=words,
                           kind_word=kind_word, site=s)
