"""Reading the Act: the home page (its structure and key dates) and the page of each article,
recital, annex, chapter and section, in English, in French or side by side.

An article's page shows its text as printed with its paragraphs and points as anchors, every
reference and defined term as a link (:mod:`.printed`), what cites it, the recitals that
explain it, the obligations it creates, the date it applies and its place on EUR-Lex. The
page of a paragraph or point (``/reg/2024/1689/art_5.par_1.pnt_a``) shows that part with the
same links. Pages are served at the path of the resource's IRI (see :mod:`.resources`).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from ..legal_order import sort_key
from . import citations, printed
from .graph import EUR_LEX, Site, site
from .obligations import KIND_WORDS, kind_counts

bp = Blueprint("browse", __name__)

LANG_CHOICES = ("en", "fr", "both")
KIND_NAMES = {
    "Article": "Article", "Recital": "Recital", "Annex": "Annex", "Chapter": "Chapter",
    "Section": "Section", "Paragraph": "Paragraph", "Subparagraph": "Subparagraph",
    "Point": "Point", "AnnexSection": "Section of an annex", "Citation": "Citation",
    "Footnote": "Footnote", "Preamble": "Preamble", "EnactingTerms": "Enacting terms",
    "FinalPart": "Final part",
}


def page_lang() -> str:
    """The language asked for (``?lang=en|fr|both``; by default the interface's under ``/en``
    or ``/fr``, else English); 400 otherwise."""
    from .i18n import prefixed

    lang = request.args.get("lang", prefixed() or "en")
    if lang not in LANG_CHOICES:
        abort(400, description=f"Unknown language {lang!r}: choose en, fr or both.")
    return lang


def text_lang(lang: str) -> str:
    """The language of lists and labels on a page: English when the text is side by side."""
    return "en" if lang == "both" else lang


# -- home ---------------------------------------------------------------------------------------

@bp.get("/")
def home():
    lang = page_lang()
    return site().cached(("home", lang), lambda: _render_home(lang))


def _render_home(lang: str) -> str:
    s = site()
    shown = text_lang(lang)
    act = s.shared("act", lang=shown)
    return render_template("browse/home.html", lang=lang, shown=shown, act=act[0] if act else {},
                           dates=act_dates(s, shown), structure=structure(s, shown),
                           recitals=s.shared("recitals"), eur_lex=EUR_LEX)


def act_dates(s: Site, lang: str) -> list[dict]:
    """The application dates of the graph (:func:`application_dates`), worked out once per
    language: every page with dates reads this one list."""
    return s.fact(("application-dates", lang), lambda: application_dates(s.shared("application-dates", lang=lang)))


def application_dates(rows: list[dict]) -> list[dict]:
    """Rows of ``application-dates`` grouped by date individual: date, label, source, the
    parts it concerns and the parts its rule leaves out."""
    out: dict[str, dict] = {}
    for row in rows:
        key = row["applicationDate"].value
        entry = out.setdefault(key, {"iri": key, "date": row["date"].value, "label": None,
                                     "source": None, "concerns": [], "except": []})
        if "label" in row:
            entry["label"] = row["label"].value
        if "source" in row:
            entry["source"] = row["source"].value
        for name in ("concerns", "except"):
            if name in row and row[name].value not in entry[name]:
                entry[name].append(row[name].value)
    for entry in out.values():
        for name in ("concerns", "except"):
            entry[name].sort(key=sort_key)
    return sorted(out.values(), key=lambda e: (e["date"], e["iri"]))


def dates_applying(s: Site, dates: list[dict], local_id: str, containers: set[str]) -> list[dict]:
    """The application dates of one provision, as Article 113 sets them: a rule that concerns
    the provision or a part around it (and does not leave it out), and a rule that concerns
    one of its parts (Article 6(1) inside Article 6); the general date of application for what
    no specific rule concerns."""
    specific, within, general = [], [], []
    for d in dates:
        concerned = [s.local_id(c) for c in d["concerns"]]
        excepted = {s.local_id(e) for e in d["except"]}
        if any(not c for c in concerned):  # the act as a whole
            general.append(d)
        elif any(c in containers for c in concerned if c) and not excepted & containers:
            specific.append(d)
        elif any(c.startswith(local_id + ".") for c in concerned if c):
            within.append(d)
    if specific:
        return specific
    return sorted(general + within, key=lambda e: (e["date"], e["iri"]))


def structure(s: Site, lang: str) -> dict:
    """Chapters (with their sections and articles) and annexes, from ``structure``: worked out
    once per language, and shared by every page that lists them (read it, never change it)."""
    return s.fact(("structure", lang), lambda: _structure(s, lang))


def _structure(s: Site, lang: str) -> dict:
    items: dict[str, dict] = {}
    children: dict[str, list] = {}
    for row in s.shared("structure", lang=lang):
        iri = row["item"].value
        item = items.setdefault(iri, {
            "iri": iri, "id": iri.rsplit("/", 1)[-1], "kind": row["kind"].value.rsplit("#", 1)[-1],
            "label": row["label"].value, "title": row["title"].value if "title" in row else "",
            "order": int(row["order"].value), "children": []})
        children.setdefault(row["parent"].value, []).append(item)
    for parent, kids in children.items():
        kids.sort(key=lambda i: i["order"])
        if parent in items:
            items[parent]["children"] = kids
    chapters = [i for i in items.values() if i["kind"] == "Chapter"]
    chapters.sort(key=lambda i: i["order"])
    annexes = sorted((i for i in items.values() if i["kind"] == "Annex"), key=lambda i: i["order"])
    return {"chapters": chapters, "annexes": annexes, "items": items}


# -- subdivision pages ------------------------------------------------------------------------

def render_subdivision(local_id: str, lang: str) -> str:
    """The HTML page of one subdivision of the Act."""
    s = site()
    kind = s.subdivisions[local_id]
    if kind in ("Chapter", "Section", "EnactingTerms", "Preamble"):
        return s.cached(("contents", local_id, lang), lambda: _render_contents(s, local_id, kind, lang))
    # an article page lists the commentary that cites it: a new page once commentary is loaded
    stamp = s.store.commentary_stamp() if kind == "Article" or local_id.startswith("art_") else ()
    return s.cached(("provision", local_id, lang, stamp), lambda: _render_provision(s, local_id, kind, lang))


def _crumbs(s: Site, local_id: str, lang: str) -> list[dict]:
    """The subdivision and its containers, outermost first: the rows of ``provision`` for it,
    found in those of every subdivision (``subdivision-heads``, read once per language)."""
    if printed.text_facts_ready(s):
        by_iri = printed.heads(s, lang)
    else:
        by_iri = {row["ancestor"].value: row for row in s.run("provision", provision=s.iri(local_id), lang=lang)}
    return chain_of(by_iri, s.iri(local_id).value)


def chain_of(by_iri: dict[str, dict], iri: str) -> list[dict]:
    """The subdivision ``iri`` and its containers, outermost first, from rows of ``provision``
    (or ``subdivision-heads``) by subdivision IRI."""
    chain = []
    while iri in by_iri and len(chain) < 12:
        row = by_iri[iri]
        chain.append({"id": row["id"].value, "kind": row["kind"].value.rsplit("#", 1)[-1],
                      "label": row["label"].value if "label" in row else row["id"].value,
                      "printed": row["printed"].value if "printed" in row else None,
                      "title": row["title"].value if "title" in row else None})
        iri = row["parent"].value
    return list(reversed(chain))


def _neighbours(s: Site, local_id: str) -> tuple[str | None, str | None]:
    """The previous and next article, annex or recital."""
    prefix = local_id.split("_", 1)[0] + "_"
    if "." in local_id or prefix not in ("art_", "anx_", "rct_"):
        return None, None
    same = s.fact(("in-order", prefix), lambda: sorted(
        (i for i in s.subdivisions if i.startswith(prefix) and "." not in i), key=sort_key))
    position = same.index(local_id)
    before = same[position - 1] if position > 0 else None
    after = same[position + 1] if position + 1 < len(same) else None
    return before, after


def _render_provision(s: Site, local_id: str, kind: str, lang: str) -> str:
    shown = text_lang(lang)
    iri = s.iri(local_id)
    page = s.page_of(local_id)
    crumbs = _crumbs(s, local_id, shown)
    me = crumbs[-1] if crumbs else {"id": local_id, "kind": kind, "label": local_id, "printed": None, "title": None}
    footnotes = sorted(s.run("footnotes", provision=iri, lang=shown) if kind != "Footnote" else [],
                       key=lambda row: sort_key(row["id"].value))
    notes = printed.footnote_links(footnotes)
    texts = {}
    for language in ("en", "fr") if lang == "both" else (lang,):
        texts[language] = printed.provision_tree(s, iri.value, language)
    if texts.get(shown) is None and lang != "both":
        abort(404, description=f"{me['label']} has no text in this language.")
    if lang == "both":
        rows = printed.side_by_side(s, texts["en"], texts.get("fr"), page, footnotes=notes)
        body = None
    else:
        rows = None
        body = printed.Renderer(s, lang, page, footnotes=notes).body(texts[lang])
    article = next((c["id"] for c in crumbs if c["kind"] == "Article"), None)
    cited_by = _cited_by(s, iri, shown)
    cites = _cites(s, iri, shown, page)
    recitals = related_recitals(s, iri, shown) if kind == "Article" else {"connected": [], "guessed": []}
    explains = s.run("explained-articles", recital=iri, lang=shown) if kind == "Recital" else []
    obligations = statement_rows(s, iri, shown) if article else []
    statement_kinds = kind_counts([{"kind": row["kind"].value.rsplit("#", 1)[-1]} for row in obligations], shown)
    containers = {c["id"] for c in crumbs}
    applies = dates_applying(s, act_dates(s, shown), local_id, containers)
    commentary = s.run("cited-in-commentary", provision=iri) if article else []
    before, after = _neighbours(s, local_id)
    act = {k: v.value for k, v in (s.shared("act", lang=shown) or [{}])[0].items()}
    cite = citations.cite(local_id, me["label"], act, shown) if act.get("title") and act.get("publication") else None
    model = None
    if kind == "Article":
        from ..coverage import DRAWN_KINDS
        from .coverage import article_model, words

        model = article_model(s, local_id, shown)
        model["words"], model["kinds"] = words, DRAWN_KINDS
    notes_renderer = printed.Renderer(s, shown, page, anchors=False)
    footnote_html = {row["id"].value: notes_renderer.line(row["text"].value, row["id"].value) for row in footnotes}
    return render_template(
        "browse/provision.html", cite=cite, footnote_html=footnote_html, statement_kinds=statement_kinds, model=model,
        kind_words=KIND_WORDS[shown], lang=lang, shown=shown, me=me, kind=kind, kind_name=KIND_NAMES.get(kind, kind),
        local_id=local_id, page=page, crumbs=crumbs[:-1], body=body, rows=rows, cited_by=cited_by, cites=cites,
        recitals=recitals, explains=explains, obligations=obligations, applies=applies, footnotes=footnotes,
        article=article, before=before, after=after, iri=iri.value, site=s, commentary=commentary,
        eur_lex=f"{EUR_LEX}#{page}")


def rows_within(s: Site, name: str, column: str, iri, **bindings) -> list[dict]:
    """The rows a named query gives for a subdivision (its ``?provision`` bound to ``iri``),
    taken from the rows it gives for the whole Act (:meth:`Site.rows_by`, grouped by
    ``column``: a part's IRI or local id): those of the subdivision and of every part below
    it. The query itself answers for what is not a part of the Act, and until the facts of the
    Act's text are read (:func:`printed.text_facts_ready`)."""
    parts = printed.within(s, iri.value)
    if parts is None:
        return s.run(name, provision=iri, **bindings)
    grouped = s.rows_by(name, column, **bindings)
    if column.endswith("Id"):
        parts = [part.rsplit("/", 1)[-1] for part in parts]
    return [row for part in parts for row in grouped.get(part, ())]


def statement_rows(s: Site, iri, lang: str) -> list[dict]:
    """The rows of ``article-obligations`` for a subdivision, in the order a page lists them:
    by the provision that is their source, then by statement, and a statement's rows (one per
    addressee, kind, label or date) by every other column the page shows, so that the order is
    the same whether they come from the rows for the whole Act (read with the text's facts) or
    from the query itself."""
    rows = rows_within(s, "article-obligations", "sourceId", iri, lang=lang)
    return sorted(rows, key=_statement_order)


def _statement_order(row: dict) -> tuple:
    return (sort_key(row["sourceId"].value), sort_key(row["obligation"].value),
            *(row[name].value if name in row else "" for name in _STATEMENT_TIES))


#: The columns of ``article-obligations`` that tell apart the rows of one statement.
_STATEMENT_TIES = ("addressee", "addresseeLabel", "kind", "label", "applicableFrom")


def related_recitals(s: Site, iri, lang: str) -> dict[str, list[dict]]:
    """The recitals of an article (``related-recitals``), those the text connects to it (it
    cites them, or they share a distinctive defined term: ``connected``, in the order of the
    recitals) apart from the similarity guesses (``guessed``, best first)."""
    links: dict[str, dict] = {}
    rows = (s.rows_by("related-recitals", "article", lang=lang).get(iri.value, ()) if printed.text_facts_ready(s)
            else s.run("related-recitals", article=iri, lang=lang))
    for row in rows:
        local = row["recital"].value.rsplit("/", 1)[-1]
        link = links.setdefault(local, {
            "id": local, "number": row["number"].value, "method": row["method"].value,
            "score": float(row["score"].value), "text": row["text"].value, "terms": {},
            "provision": row["provisionId"].value if "provisionId" in row else None})
        if "term" in row:
            slug = row["term"].value.rsplit("/", 1)[-1]
            link["terms"][slug] = row["termLabel"].value if "termLabel" in row else slug
    connected = [link for link in links.values() if link["method"] != "computed"]
    guessed = [link for link in links.values() if link["method"] == "computed"]
    connected.sort(key=lambda link: (link["method"] != "cited", sort_key(link["id"])))
    guessed.sort(key=lambda link: (-link["score"], sort_key(link["id"])))
    return {"connected": connected, "guessed": guessed}


def _cited_by(s: Site, iri, lang: str) -> list[dict]:
    """Who cites this subdivision (or a part of it), one entry per citing subdivision."""
    out: dict[str, dict] = {}
    for row in cited_by_rows(s, iri, lang):
        source = s.local_id(row["source"].value)
        if source is None:
            continue
        entry = out.setdefault(source, {"id": source, "label": row["sourceLabel"].value,
                                        "href": s.href(source, lang), "targets": {}})
        entry["targets"][s.local_id(row["target"].value) or row["target"].value] = row["targetLabel"].value
    for entry in out.values():
        entry["targets"] = [entry["targets"][key] for key in sorted(entry["targets"], key=sort_key)]
    return sorted(out.values(), key=lambda e: sort_key(e["id"]))


def cited_by_rows(s: Site, iri, lang: str) -> list[dict]:
    """The rows of ``cited-by`` for a subdivision, from every citation of the graph
    (``citations``, read once per language): those whose target is the subdivision or a part
    of it and whose source is neither. The query itself answers for what is not a part of the
    Act, and until the facts of the Act's text are read."""
    parts = printed.within(s, iri.value)
    if parts is None:
        return s.run("cited-by", provision=iri, lang=lang)
    inside = set(parts)
    by_target = s.rows_by("citations", "target", lang=lang)
    return [row for part in parts for row in by_target.get(part, ()) if row["source"].value not in inside]


def _cites(s: Site, iri, lang: str, page: str) -> list[dict]:
    """What this subdivision (or a part of it) cites: provisions of the Act, then other acts."""
    out: dict[str, dict] = {}
    for row in rows_within(s, "cites", "source", iri):
        target = row["target"].value
        local = s.local_id(target)
        if local:
            out.setdefault(local, {"id": local, "label": s.label(local, lang), "href": s.href(local, lang, page),
                                   "external": False})
        elif target.startswith("http://data.europa.eu/eli/"):
            act = s.other_act(target, lang)
            out.setdefault(target, {"id": target, "label": act.label, "href": target, "external": True,
                                    "citation": act.citation,
                                    "note": act.note, "note_href": s.href(act.note, lang) if act.note else None})
    return sorted(out.values(), key=lambda e: (e["external"], sort_key(e["id"]), e["label"]))


def _render_contents(s: Site, local_id: str, kind: str, lang: str) -> str:
    """Chapter, section, enacting terms and preamble: what they contain, and what cites them."""
    shown = text_lang(lang)
    iri = s.iri(local_id)
    crumbs = _crumbs(s, local_id, shown)
    me = crumbs[-1] if crumbs else {"id": local_id, "kind": kind, "label": local_id, "printed": None, "title": None}
    tree = structure(s, shown)
    if kind == "EnactingTerms":
        contents = tree["chapters"]
    elif kind == "Preamble":
        contents = []
    else:
        contents = tree["items"].get(iri.value, {}).get("children", [])
    return render_template(
        "browse/contents.html", lang=lang, shown=shown, me=me, kind=kind, kind_name=KIND_NAMES.get(kind, kind),
        local_id=local_id, crumbs=crumbs[:-1], contents=contents, cited_by=_cited_by(s, iri, shown),
        recitals=s.shared("recitals") if kind == "Preamble" else [], iri=iri.value, site=s,
        eur_lex=f"{EUR_LEX}#{local_id}")
