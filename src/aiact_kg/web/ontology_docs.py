"""The ontology reference: every class and property of ``https://w3id.org/aiact-kg/ontology#``
with its label and definition in English and French, its super-class or super-property, domain
and range, and the provision it comes from. Served at ``/ontology`` (the namespace's path under
the default base) with content negotiation: RDF clients get the ontology's triples.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from markupsafe import Markup

from ..vocab import ONTOLOGY_NS
from ..legal_order import sort_key
from .graph import site
from .resources import HTML, html_response, namespace_triples, negotiate, rdf_response

bp = Blueprint("ontology_docs", __name__)

KINDS = {"Class": "Classes", "ObjectProperty": "Object properties", "DatatypeProperty": "Data properties",
         "AnnotationProperty": "Annotation properties", "NamedIndividual": "Individuals"}


def short(iri: str) -> str:
    if iri.startswith(ONTOLOGY_NS):
        return "aiact:" + iri[len(ONTOLOGY_NS):]
    for prefix, namespace in (("eli:", "http://data.europa.eu/eli/ontology#"), ("xsd:", "http://www.w3.org/2001/XMLSchema#"),
                              ("skos:", "http://www.w3.org/2004/02/skos/core#"), ("owl:", "http://www.w3.org/2002/07/owl#"),
                              ("rdfs:", "http://www.w3.org/2000/01/rdf-schema#")):
        if iri.startswith(namespace):
            return prefix + iri[len(namespace):]
    return iri


def terms() -> dict[str, list[dict]]:
    """The terms of the ontology by kind, worked out once per graph (read them, never change them)."""
    s = site()
    return s.fact("ontology-terms", lambda: _terms(s))


def _terms(s) -> dict[str, list[dict]]:
    found: dict[str, dict] = {}
    for lang in ("en", "fr"):
        for row in s.run("ontology-terms", lang=lang):
            iri = row["term"].value
            entry = found.setdefault(iri, {"iri": iri, "name": iri[len(ONTOLOGY_NS):], "type": row["type"].value.rsplit("#", 1)[-1],
                                           "label": {}, "definition": {}, "parents": [], "domains": [], "ranges": [],
                                           "sources": []})
            if "label" in row:
                entry["label"][lang] = row["label"].value
            if "definition" in row:
                entry["definition"][lang] = row["definition"].value
            for key, name in (("parents", "parent"), ("domains", "domain"), ("ranges", "range"), ("sources", "source")):
                if name in row and row[name].value not in entry[key]:
                    entry[key].append(row[name].value)
    for entry in found.values():
        entry["sources"].sort(key=sort_key)
        for key in ("parents", "domains", "ranges"):
            entry[key].sort()
    grouped: dict[str, list[dict]] = {name: [] for name in KINDS}
    for entry in sorted(found.values(), key=lambda e: e["name"].lower()):
        grouped.setdefault(entry["type"], []).append(entry)
    return {kind: entries for kind, entries in grouped.items() if entries}


def entry(term: dict, kind: str) -> Markup:
    """The entry of one term (``ontology_docs/entry.html``): it depends on the term, the
    interface's language and its prefix of links only, so it is made once for each and kept
    (:meth:`graph.Site.fragment`)."""
    from .i18n import interface_lang, prefixed

    return site().fragment(("ontology-entry", term["iri"], kind, interface_lang(), prefixed()), lambda: Markup(
        current_app.jinja_env.get_template("ontology_docs/entry.html").render(
            t=term, kind=kind, short=short) + "\n"))


@bp.get("/ontology")
def reference():
    media_type = negotiate()
    if media_type != HTML:
        return rdf_response(namespace_triples(ONTOLOGY_NS), media_type)
    s = site()
    html = s.cached(("ontology",), lambda: render_template("ontology_docs/reference.html", groups=terms(),
                                                           kinds=KINDS, short=short, ns=ONTOLOGY_NS,
                                                           entry=entry))
    return html_response(html)
