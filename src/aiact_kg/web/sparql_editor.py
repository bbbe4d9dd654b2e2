"""The SPARQL editor's side of the server: what it knows of the graph (the prefixes it can
insert, the terms it completes as the reader types), where a result's IRI links on this site,
the downloads of a result, and the style nonce its library needs.

Worked out once per application from the graph itself (:func:`vocabulary`, at start by
:func:`aiact_kg.web.warm`) and served as one JSON document at ``/sparql/terms``:

- ``prefixes``: the prefixes the store writes Turtle with (:func:`aiact_kg.store.prefixes`,
  ``act:`` under the configured base), then the other prefixes the project's own Turtle
  declares (``ontology/``, ``shapes/``: ``obl:``, ``shp:``, ``eu-aiact:``, ``airo:``…);
- ``terms``: every class and property the graph declares or uses and the named individuals
  of the ontology (named query ``editor-terms``), then the subdivisions of the Act that have a
  page of their own (``act:art_5``, ``act:anx_III``, ``act:rct_53``), in the Act's order; each
  with its prefixed name, its kind and its labels in English and French.

:func:`page_link` is where a result table links an IRI: the page of this site that shows it,
in the interface's language (``web/static/sparql.js`` follows the same rules for the tables it
draws, from the ``data-`` attributes :func:`link_rules` gives the page).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from urllib.parse import urlencode

from flask import Response, current_app, request

from .. import paths
from ..legal_order import sort_key
from ..store import prefixes as store_prefixes
from ..vocab import DEFAULT_BASE, ONTOLOGY_NS
from .graph import ACT_PATH, LANGUAGES, site

EXTENSION = "aiact_kg.sparql_editor"
#: ``@prefix name: <iri> .`` in the project's Turtle files.
_TURTLE_PREFIX = re.compile(r"^@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.", re.MULTILINE)
#: A local name that can follow ``prefix:`` as written (SPARQL 1.1 PN_LOCAL without escapes).
_LOCAL_NAME = re.compile(r"^[A-Za-z0-9_](?:[\w.-]*[\w-])?$")
#: The endpoint's own formats a result downloads in: format parameter, name, file extension.
RESULT_DOWNLOADS = (("csv", "CSV", "csv"), ("json", "JSON", "json"), ("tsv", "TSV", "tsv"), ("xml", "XML", "xml"))
GRAPH_DOWNLOADS = (("turtle", "Turtle", "ttl"), ("jsonld", "JSON-LD", "jsonld"), ("nt", "N-Triples", "nt"))


def _prefixes() -> list[tuple[str, str]]:
    """(name, namespace IRI) of every prefix the editor offers, the store's first; each name
    and each namespace once."""
    base = site().base
    found = list(store_prefixes(base).items())
    for folder in (paths.ONTOLOGY, paths.SHAPES):
        for path in sorted(folder.glob("*.ttl")):
            for name, iri in _TURTLE_PREFIX.findall(path.read_text(encoding="utf-8")):
                if name and iri.startswith(f"{DEFAULT_BASE}reg/"):  # rebased as the build does
                    iri = f"{base}{iri[len(DEFAULT_BASE):]}"
                found.append((name, iri))
    out, names, namespaces = [], set(), set()
    for name, iri in found:
        if name and name not in names and iri not in namespaces:
            out.append((name, iri))
            names.add(name)
            namespaces.add(iri)
    return out


def compact(iri: str, known: list[tuple[str, str]]) -> str | None:
    """``iri`` as a prefixed name with the longest matching namespace, or None."""
    best = None
    for name, namespace in known:
        if iri.startswith(namespace) and _LOCAL_NAME.match(iri[len(namespace):]):
            if best is None or len(namespace) > len(best[1]):
                best = (name, namespace)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else None


def _build() -> dict:
    s = site()
    known = _prefixes()
    by_iri: dict[str, dict] = {}
    for row in s.run("editor-terms"):
        iri, kind = row["term"].value, row["kind"].value
        name = compact(iri, known)
        if name is None:
            continue
        term = by_iri.setdefault(iri, {"name": name, "iri": iri, "kind": kind, "label": {}})
        label = row.get("label")
        if label is not None:
            lang = getattr(label, "language", None) or ""
            term["label"].setdefault(lang, label.value)
    terms = sorted(by_iri.values(), key=lambda t: (t["kind"], t["name"].lower()))
    pages = [local for local in s.subdivisions if s.page_of(local) == local]
    for local in sorted(pages, key=sort_key):
        iri = f"{s.act}/{local}"
        name = compact(iri, known)
        if name:
            terms.append({"name": name, "iri": iri, "kind": "provision",
                          "label": {lang: s.label(local, lang) for lang in LANGUAGES}})
    return {"prefixes": [{"name": name, "iri": iri} for name, iri in known], "terms": terms}


def prefixes() -> list[tuple[str, str]]:
    """(name, namespace IRI) of every prefix the editor offers (kept with the vocabulary)."""
    return vocabulary()["prefixes"]


def vocabulary() -> dict:
    """The editor's prefixes and terms, worked out on first use and kept with the application
    (the graph does not change while it is served), with its JSON and that JSON's ETag."""
    app = current_app
    if EXTENSION not in app.extensions:
        data = _build()
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        app.extensions[EXTENSION] = {"data": data, "body": body, "etag": hashlib.sha256(body).hexdigest()[:32],
                                     "prefixes": [(p["name"], p["iri"]) for p in data["prefixes"]]}
    return app.extensions[EXTENSION]


def response() -> Response:
    """``/sparql/terms``: the vocabulary as JSON, cacheable and answered 304 when unchanged."""
    kept = vocabulary()
    answer = Response(kept["body"], mimetype="application/json")
    answer.set_etag(kept["etag"])
    answer.headers["Cache-Control"] = "public, max-age=3600"
    return answer.make_conditional(request)


def style_nonce() -> str:
    """A fresh nonce for the style sheet the editor's library writes into the page.

    CodeMirror builds its own styles at run time and, in a document, adds them as one
    ``<style>`` element (``EditorView.cspNonce``); the page's policy lets that element in by
    this nonce, given to the page's script as the ``nonce`` of its ``<script>`` element. Scripts
    stay ``'self'`` only, and no other inline style is allowed."""
    return secrets.token_urlsafe(18)


def policy_with_style_nonce(nonce: str) -> str:
    """The site's content security policy with the editor's style nonce added to style-src."""
    from . import CONTENT_SECURITY_POLICY

    return CONTENT_SECURITY_POLICY.replace("style-src 'self'", f"style-src 'self' 'nonce-{nonce}'", 1)


# -- links and downloads of a result ------------------------------------------------------------

def link_rules() -> dict[str, str]:
    """What the page's script needs to link IRIs as :func:`page_link` does (``data-`` attributes
    of the editor's form): the act's IRI, the base, the ontology's namespace, the kinds of
    subdivision (the part of a local id before ``_``), the interface's path prefix and the
    ``?lang=`` a page of the text needs to open in the interface's language."""
    from .i18n import interface_lang, prefixed

    s = site()
    prefix, lang = prefixed(), interface_lang()
    return {"act": f"{s.act}/", "base": s.base, "ontology": ONTOLOGY_NS,
            "kinds": " ".join(sorted({local.split("_", 1)[0] for local in s.subdivisions})),
            "ui": f"/{prefix}" if prefix else "", "text-lang": "" if lang == (prefix or "en") else f"?lang={lang}"}


def page_link(iri: str) -> str:
    """Where a result's IRI links: a subdivision's place on its page, a term's entry in the
    ontology reference, any other IRI of the graph's page; all in the interface's language.
    Other IRIs link to themselves."""
    from .i18n import interface_lang, ui_path
    from .resources import link_of

    s = site()
    local = s.local_id(iri)
    if local:
        return s.href(local, interface_lang())
    target = link_of(iri) or iri
    return ui_path(target) if target.startswith("/") else target


def download_formats() -> dict[str, list[list[str]]]:
    """The same downloads for the page's script: by form ("results", "graph"), [format, name,
    file extension]."""
    return {"results": [list(f) for f in RESULT_DOWNLOADS], "graph": [list(f) for f in GRAPH_DOWNLOADS]}


def download_links(text: str, form: str) -> list[dict[str, str]]:
    """The downloads of a query's answer in the endpoint's own formats (``name``, ``format``
    parameter, ``href`` with the query, ``file`` name to save as): the result formats for
    SELECT and ASK (``form`` "select", "ask"), the graph formats for CONSTRUCT and DESCRIBE."""
    offered = GRAPH_DOWNLOADS if form == "graph" else RESULT_DOWNLOADS
    return [{"name": name, "format": fmt, "file": f"results.{ext}",
             "href": "/sparql?" + urlencode({"query": text, "format": fmt})}
            for fmt, name, ext in offered]
