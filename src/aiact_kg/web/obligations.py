"""The obligations the Act creates: a table with filters and CSV export, and one page per actor
with its obligations grouped by article.

Rendered from the named query ``obligations`` over the ontology of obligations
(``aiact:Obligation`` with ``aiact:addressee``, ``dct:source``, ``aiact:applicableFrom`` and
its risk tier). Filters: ``role`` (the addressee), ``tier``, ``article`` ("art_16" or "16")
and ``date`` (obligations that apply on that date). While the graph records no obligation,
the pages say so.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode
from datetime import date

from flask import Blueprint, Response, abort, render_template, request

from ..legal_order import sort_key
from .graph import site

bp = Blueprint("obligations", __name__)

CSV_COLUMNS = ("obligation", "label", "addressee", "addressee_label", "article", "source", "tier",
               "applicable_from")


def slug(iri: str | None) -> str:
    """The last segment of an IRI ("…/ontology#Provider" -> "Provider")."""
    return (iri or "").rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _value(row: dict, name: str) -> str:
    return row[name].value if name in row else ""


def obligation_rows(lang: str) -> list[dict]:
    """The rows of ``obligations``, one dict per obligation (several addressees or tiers kept)."""
    out: dict[str, dict] = {}
    for row in site().run("obligations", lang=lang):
        iri = row["obligation"].value
        entry = out.setdefault(iri, {
            "obligation": iri, "label": _value(row, "label") or slug(iri), "addressees": {}, "tiers": {},
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
    lang = request.args.get("lang", "en")
    if lang not in ("en", "fr"):
        abort(400, description=f"Unknown language {lang!r}: choose en or fr.")
    article = request.args.get("article", "").strip()
    if article and not article.startswith("art_"):
        if not article.isdigit():
            abort(400, description=f"Not an article: {article!r}; give its number, e.g. 16.")
        article = f"art_{int(article)}"
    return {"lang": lang, "role": request.args.get("role", "").strip(), "tier": request.args.get("tier", "").strip(),
            "article": article, "date": parse_date(request.args.get("date"))}


def role_hierarchy(lang: str) -> dict[str, dict]:
    """Every role some statement binds, directly or through a broader role: its label and the
    roles whose statements bind it (itself included), from ``role-hierarchy``."""
    roles: dict[str, dict] = {}
    for row in site().run("role-hierarchy", lang=lang):
        entry = roles.setdefault(slug(row["role"].value), {"label": "", "within": set()})
        entry["label"] = _value(row, "roleLabel") or entry["label"] or slug(row["role"].value)
        entry["within"].add(slug(row["broader"].value))
    return roles


def select(rows: list[dict], role: str = "", tier: str = "", article: str = "", on: date | None = None,
           roles: dict[str, dict] | None = None) -> list[dict]:
    """The obligations that match every filter given. A role also matches the statements
    addressed to a broader role it falls under, when ``roles`` (``role_hierarchy``) says so."""
    within = (roles or {}).get(role, {}).get("within") or {role}
    out = []
    for row in rows:
        if role and not within & {slug(a) for a in row["addressees"]}:
            continue
        if tier and tier not in {slug(t) for t in row["tiers"]}:
            continue
        if article and row["article"] != article:
            continue
        if on and (not row["applicable_from"] or row["applicable_from"] > on.isoformat()):
            continue
        out.append(row)
    return out


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
    rows = select(every, filters["role"], filters["tier"], filters["article"], filters["date"], roles)
    if output == "csv":
        return _csv(rows)
    csv_args = dict(request.args.items(), format="csv")
    return render_template("obligations/table.html", rows=rows, total=len(every), filters=filters,
                           roles=role_choices(roles), tiers=choices(every, "tiers"), site=site(),
                           csv_url="/obligations?" + urlencode(csv_args))


def _csv(rows: list[dict]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([row["obligation"], row["label"], " | ".join(row["addressees"]),
                         " | ".join(row["addressees"].values()), row["article"], row["source"],
                         " | ".join(row["tiers"].values()), row["applicable_from"]])
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
    return render_template("obligations/actors.html", roles=role_choices(role_hierarchy(filters["lang"])), rows=every)


@bp.get("/actors/<name>")
def actor(name: str):
    filters = _filters()
    every = obligation_rows(filters["lang"])
    roles = role_hierarchy(filters["lang"])
    if name not in roles:
        abort(404, description=f"No obligation of the graph is addressed to {name!r}.")
    rows = select(every, name, filters["tier"], "", filters["date"], roles)
    by_article: dict[str, list] = {}
    for row in rows:
        by_article.setdefault(row["article"] or row["source"], []).append(row)
    return render_template("obligations/actor.html", name=name, label=roles[name]["label"], by_article=by_article,
                           filters=filters, tiers=choices(select(every, name, roles=roles), "tiers"), site=site(),
                           count=len(rows))
