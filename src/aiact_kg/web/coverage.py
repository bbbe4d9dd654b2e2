"""What the graph models of the Act: a page listing every article with what is drawn from it
and the gaps (``/coverage``), and the "what the graph models of it" panel of an article's page.

The coverage itself is :func:`aiact_kg.coverage.act_coverage` (named query
``provision-statements``); the panel adds the ontology terms, shapes and curated facts that
cite the article (named query ``provision-model``).
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from markupsafe import Markup

from .. import coverage
from ..legal_order import sort_key
from .browse import page_lang, text_lang
from .graph import Site, site
from .obligations import KIND_WORDS

bp = Blueprint("coverage", __name__)

_THING_WORDS = {
    "en": {"Class": ("class of the ontology", "classes of the ontology"), "Concept": ("definition", "definitions"), "FineCeiling": ("fine ceiling", "fine ceilings"),
           "ApplicationDate": ("application date", "application dates")},
    "fr": {"Class": ("classe de l’ontologie", "classes de l’ontologie"), "Concept": ("définition", "définitions"), "FineCeiling": ("plafond d’amende", "plafonds d’amende"),
           "ApplicationDate": ("date d’application", "dates d’application")},
}
#: How the panel groups what cites an article, by the class of the citing resource.
_GROUPS = (
    ("statements", {"Obligation", "Prohibition", "Permission", "Exemption"}),
    ("classes", {"Class"}),
    ("properties", {"ObjectProperty", "DatatypeProperty", "AnnotationProperty"}),
    ("shapes", {"NodeShape", "PropertyShape"}),
    ("rules", {"SPARQLRule"}),
    ("facts", {"FineCeiling", "ApplicationDate", "Concept"}),
)


def words(kind: str, count: int, lang: str) -> str:
    """"3 obligations", "1 definition": a count with its word in the language of the page."""
    table = {**{k: v for k, v in KIND_WORDS.get(lang, KIND_WORDS["en"]).items()}, **_THING_WORDS.get(lang, _THING_WORDS["en"])}
    singular, plural = table.get(kind, (kind, kind))
    return f"{count} {singular if count == 1 else plural}"


def act_coverage(s: Site) -> dict[str, coverage.ArticleCoverage]:
    """The coverage of every article, computed once per graph (a fact of the graph, kept with
    the page cache off too)."""
    return s.fact("coverage", lambda: {c.id: c for c in coverage.act_coverage(s.store)})


def article_model(s: Site, local_id: str, lang: str) -> dict:
    """What the graph models of one article: its coverage, and what cites it by group."""
    groups: dict[str, dict[str, dict]] = {name: {} for name, _ in _GROUPS}
    from .browse import rows_within

    for row in rows_within(s, "provision-model", "sourceId", s.iri(local_id), lang=lang):
        iri = row["thing"].value
        kind = row["type"].value.rsplit("#", 1)[-1] if "type" in row else ""
        for name, kinds in _GROUPS:
            if kind in kinds:
                entry = groups[name].setdefault(iri, {"iri": iri, "label": None, "label_lang": None, "sources": set(),
                                                      "kind": kind})
                if "label" in row and (entry["label"] is None or row["label"].language == lang):
                    entry["label"], entry["label_lang"] = row["label"].value, row["label"].language
                entry["sources"].add(row["sourceId"].value)
    listed = {name: sorted(entries.values(), key=lambda e: (sort_key(min(e["sources"], key=sort_key)), e["iri"]))
              for name, entries in groups.items()}
    for entries in listed.values():
        for entry in entries:
            entry["sources"] = sorted(entry["sources"], key=sort_key)
    return {"coverage": act_coverage(s).get(local_id), "groups": listed}


@bp.get("/coverage")
def page():
    lang = text_lang(page_lang())
    s = site()
    return s.cached(("coverage-page", lang), lambda: _render(s, lang))


def article_row(article: coverage.ArticleCoverage, titles: dict, lang: str) -> Markup:
    """One article's row of the coverage table (``coverage/row.html``): it depends on the
    article, the language and the interface's prefix of its links only, so it is made once
    for each and kept (:meth:`graph.Site.fragment`)."""
    from .i18n import prefixed

    return site().fragment(("coverage-row", article.id, lang, prefixed()), lambda: Markup(
        current_app.jinja_env.get_template("coverage/row.html").render(
            a=article, titles=titles, lang=lang, words=words, kinds=coverage.DRAWN_KINDS) + "\n"))


def _render(s: Site, lang: str) -> str:
    articles = list(act_coverage(s).values())
    titles = {row["item"].value.rsplit("/", 1)[-1]: row["title"].value
              for row in s.shared("structure", lang=lang) if "title" in row}
    unmodelled = [a for a in articles if a.normative and not any(a.drawn.values())]
    partial = [a for a in articles if a.gaps and any(a.drawn.values())]
    return render_template("coverage/coverage.html", articles=articles, titles=titles, lang=lang,
                           unmodelled=unmodelled, partial=partial, words=words,
                           kinds=coverage.DRAWN_KINDS, article_row=article_row,
                           gaps=sum(len(a.gaps) for a in articles), normative=sum(len(a.normative) for a in articles))
