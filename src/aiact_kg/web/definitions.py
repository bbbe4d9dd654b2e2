"""The glossary: Article 3's sixty-eight definitions, A to Z, in English and French.

Each entry has the anchor of its concept (``/definitions#deployer``), which the text's
defined-term links point to, and links to the point of Article 3 that defines it. Rendered
from the named query ``definitions`` (through :attr:`graph.Site.terms`).

``/definitions.json`` gives the same definitions as data, by anchor: the pages' script
fetches it once to show a term's definition when the reader hovers or focuses its link.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request

from .graph import site
from .search import fold

bp = Blueprint("definitions", __name__)


def initial(label: str) -> str:
    letter = fold(label)[0][:1].upper()
    return letter if letter.isalpha() else "#"


@bp.get("/definitions")
def glossary():
    order = request.args.get("order", "en")
    if order not in ("en", "fr"):
        abort(400, description=f"Unknown order {order!r}: choose en or fr.")
    s = site()
    return s.cached(("definitions", order), lambda: _render(s, order))


@bp.get("/definitions.json")
def definitions_json():
    """Every defined term by its anchor: its number in Article 3, the defining point's page
    link, and its term and definition in each language."""
    s = site()
    body = {term.slug: {"number": term.number, "href": s.href(term.source),
                        "term": term.label, "definition": term.definition} for term in s.terms}
    response = jsonify(body)
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


def _render(s, order: str) -> str:
    terms = sorted(s.terms, key=lambda t: fold(t.label.get(order) or t.label["en"])[0])
    letters: dict[str, list] = {}
    for term in terms:
        letters.setdefault(initial(term.label.get(order) or term.label["en"]), []).append(term)
    return render_template("definitions/glossary.html", letters=letters, order=order, count=len(terms),
                           alphabet=[chr(c) for c in range(ord("A"), ord("Z") + 1)])
