"""Every resource IRI of the graph, dereferenceable on this server with content negotiation.

The path under the configured base is the path on the server: ``{base}reg/2024/1689/art_5``
is served at ``/reg/2024/1689/art_5``, a point at ``/reg/2024/1689/art_5.par_1.pnt_a``.
Browsers get the HTML page; RDF clients get what the graph says about the resource in the
format they accept (``Accept``, or ``?format=ttl|jsonld|xml|nt``):

- text/turtle, application/ld+json, application/rdf+xml, application/n-triples.

A hash namespace (``…/ontology#Article``) is served as one document at its path with every
term of the namespace. An IRI the graph knows nothing about is a 404.
"""

from __future__ import annotations

import pyoxigraph
from flask import Blueprint, Response, abort, redirect, render_template, request
from pyoxigraph import Literal, NamedNode, Triple

from ..store import GRAPH_FORMATS, prefixes
from . import browse, obligations
from .graph import ACT_PATH, site

bp = Blueprint("resources", __name__)

HTML = "text/html"
OFFERED = [HTML, "text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"]
FORMAT_NAMES = {"html": HTML, "ttl": "text/turtle", "turtle": "text/turtle", "jsonld": "application/ld+json",
                "json": "application/ld+json", "xml": "application/rdf+xml", "rdf": "application/rdf+xml",
                "nt": "application/n-triples"}


def negotiate() -> str:
    """The media type to answer with; 406 when the client accepts none we offer."""
    name = request.args.get("format")
    if name is not None:
        if name not in FORMAT_NAMES:
            abort(400, description=f"Unknown format {name!r}: choose one of {', '.join(sorted(FORMAT_NAMES))}.")
        return FORMAT_NAMES[name]
    if not request.accept_mimetypes:
        return HTML
    best = request.accept_mimetypes.best_match(OFFERED)
    if best is None:
        abort(406, description="This resource is available as " + ", ".join(OFFERED) + ".")
    return best


def rdf_response(triples: list[Triple], media_type: str) -> Response:
    s = site()
    options = {"prefixes": prefixes(s.base)} if media_type == "text/turtle" else {}
    data = pyoxigraph.serialize(triples, format=GRAPH_FORMATS[media_type], **options)
    response = Response(data, mimetype=media_type)
    if media_type == "text/turtle":
        response.headers["Content-Type"] = "text/turtle; charset=utf-8"
    response.headers["Vary"] = "Accept"
    return response


def html_response(html: str) -> Response:
    response = Response(html, mimetype=HTML)
    response.headers["Vary"] = "Accept"
    return response


def namespace_triples(namespace: str) -> list[Triple]:
    """Every triple about the terms of a hash namespace (``namespace-terms``)."""
    rows = site().run("namespace-terms", namespace=namespace)
    return [Triple(row["term"], row["property"], row["value"]) for row in rows]


@bp.get(f"/{ACT_PATH}")
def act():
    media_type = negotiate()
    s = site()
    if media_type == HTML:
        return redirect("/", code=303)
    return rdf_response(s.store.triples_about(NamedNode(s.act)), media_type)


@bp.get("/<path:path>")
def resource(path: str):
    s = site()
    iri = s.base + path
    try:
        node = NamedNode(iri) if len(iri) <= 2000 else None
    except ValueError:
        node = None
    if node is None:
        abort(404, description="No resource of the graph has this path.")
    media_type = negotiate()
    local = path.removeprefix(f"{ACT_PATH}/") if path.startswith(f"{ACT_PATH}/") else None
    if local is not None and local in s.subdivisions:
        if media_type == HTML:
            return html_response(browse.render_subdivision(local, browse.page_lang()))
        return rdf_response(s.store.triples_about(node), media_type)
    triples = s.store.triples_about(node)
    if triples:
        if media_type != HTML:
            return rdf_response(triples, media_type)
        if local == "definitions":
            return redirect("/definitions", code=303)
        if local is not None and local.startswith("def/"):
            return redirect(f"/definitions#{local[4:]}", code=303)
        if local is not None and local.startswith("obligation/"):
            return html_response(obligations.render_statement(local, browse.text_lang(browse.page_lang())))
        return html_response(describe(iri, triples))
    namespace = namespace_triples(iri + "#")
    if namespace:
        if media_type == HTML:
            return html_response(describe(iri, namespace, namespace=True))
        return rdf_response(namespace, media_type)
    abort(404, description=f"The graph has nothing about <{iri}>.")


def describe(iri: str, triples: list[Triple], namespace: bool = False) -> str:
    """A generic page for a resource without a page of its own: what the graph says about it."""
    s = site()
    lang = browse.text_lang(browse.page_lang())
    if namespace:
        rows = [{"term": t.subject.value, "property": t.predicate.value, "value": t.object} for t in triples]
        return render_template("resources/namespace.html", iri=iri, rows=rows, lang=lang)
    rows = s.run("resource-description", resource=NamedNode(iri), lang=lang)
    return render_template("resources/describe.html", iri=iri, rows=rows, lang=lang,
                           is_literal=lambda t: isinstance(t, Literal))


def link_of(value: str) -> str | None:
    """Where a link to an IRI goes: its page on this server, or the IRI itself."""
    s = site()
    local = s.local_id(value)
    if local:
        return s.href(local)
    if value.startswith("https://w3id.org/aiact-kg/ontology#"):
        return "/ontology#" + value.split("#", 1)[1]
    path = s.path_of(value)
    return path if path else value
