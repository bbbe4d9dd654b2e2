"""The text as printed, as HTML: a subdivision and its parts, in the order of the Official
Journal, every cross-reference a link to the exact paragraph or point, every defined term a
link to its definition.

The parts come from the named query ``provision-parts`` (text, parts by ``aiact:order``,
closing text), run once per language for the whole Act (:func:`provision_tree`).
Cross-references are found in each printed line by :func:`aiact_kg.crossrefs.find_citations`,
which gives their exact character spans (read once per line: :func:`read_line`); the
targets are resolved to subdivisions that exist as the graph's ``eli:cites`` are. Defined
terms are Article 3's ``skos:prefLabel`` (see :class:`graph.TermMatcher`). Every piece of text
is HTML-escaped; only the markup written here is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape
from pyoxigraph import NamedNode

from .. import crossrefs
from ..footnotes import FOOTNOTE_CALL, footnote_number
from .graph import Site
from .i18n import prefixed

#: The end of a defined term's link (its opening tag is kept per term in ``Site.term_links_for``).
_CLOSE = Markup("</a>")

#: Kinds printed with a heading (label, then title) rather than a label run into the text.
HEADED = frozenset({"Chapter", "Section", "Article", "Annex", "AnnexSection"})


@dataclass
class Part:
    iri: str
    id: str
    kind: str
    order: int = 0
    label: str | None = None
    title: str | None = None
    text: list[str] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    children: list["Part"] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def footnote_links(rows: list[dict]) -> dict[str, tuple[str, str]]:
    """The footnotes of a page (rows of ``footnotes``) by printed number ("(7)" -> "7"):
    their local id and text, for :class:`Renderer` to link their calls."""
    out = {}
    for row in rows:
        if "label" in row:
            out.setdefault(row["label"].value.strip("() "), (row["id"].value, row["text"].value))
    return out


def tree(rows: list[dict], root_iri: str) -> Part | None:
    """The subdivision ``root_iri`` with its parts, from the rows of ``provision-parts``."""
    parts: dict[str, Part] = {}
    parents: dict[str, str] = {}
    for row in rows:
        iri = row["part"].value
        kind = row["kind"].value.rsplit("#", 1)[-1]
        part = parts.get(iri)
        if part is None:
            part = parts[iri] = Part(iri, row["id"].value, kind)
        if "order" in row:
            part.order = int(row["order"].value)
        if "label" in row:
            part.label = row["label"].value
        if "title" in row:
            part.title = row["title"].value
        if "text" in row:
            part.text = row["text"].value.split("\n")
        if "closing" in row:
            part.closing = row["closing"].value.split("\n")
        if "parent" in row:
            parents[iri] = row["parent"].value
    for iri, parent in parents.items():
        if parent in parts and iri != root_iri:
            parts[parent].children.append(parts[iri])
    for part in parts.values():
        part.children.sort(key=lambda p: p.order)
    return parts.get(root_iri)


def act_parts(site: Site, lang: str) -> tuple[dict[str, list[dict]], dict[str, list[str]]]:
    """Every part of the Act with its words in one language (the rows of ``provision-parts``
    for the Act as a whole) by IRI, and the IRIs of each part's parts: read once per graph and
    language, shared by every page (read them, never change them)."""
    def produce():
        rows: dict[str, list[dict]] = {}
        children: dict[str, list[str]] = {}
        for row in site.run("provision-parts", provision=NamedNode(site.act), lang=lang):
            iri = row["part"].value
            rows.setdefault(iri, []).append(row)
            if "parent" in row:
                children.setdefault(row["parent"].value, []).append(iri)
        return rows, children

    return site.fact(("act-parts", lang), produce)


def heads(site: Site, lang: str) -> dict[str, dict]:
    """The rows of ``subdivision-heads`` by subdivision IRI: how each subdivision is named in
    one language, and its container (read once per graph and language)."""
    return site.fact(("subdivision-heads", lang),
                     lambda: {row["ancestor"].value: row for row in site.run("subdivision-heads", lang=lang)})


#: The facts about the Act's text that pages read instead of asking their own queries.
TEXT_FACTS = "text"


def read_text_facts(site: Site) -> None:
    """Read every fact of :data:`TEXT_FACTS`: the parts and the names of every subdivision by
    language, what each line of the text says (:func:`read_line`), and the rows of ``cites``,
    ``citations``, ``provision-model``, ``related-recitals`` and ``article-obligations`` for
    the whole Act."""
    for lang in ("en", "fr"):
        for rows in act_parts(site, lang)[0].values():
            for row in rows:  # every line as a page prints it: text and closing text, line by line
                for column in ("text", "closing"):
                    if column in row:
                        for line in row[column].value.split("\n"):
                            read_line(site, line, lang, row["id"].value)
        heads(site, lang)
        site.rows_by("citations", "target", lang=lang)
        site.rows_by("provision-model", "sourceId", lang=lang)
        site.rows_by("related-recitals", "article", lang=lang)
        site.rows_by("article-obligations", "sourceId", lang=lang)
    site.rows_by("cites", "source")


def text_facts_ready(site: Site) -> bool:
    """Whether the facts of the Act's text are there. Until they are, pages ask their own
    queries (which give the same rows), and the first page that asks has them read in the
    background once it is sent, so that the first page after a start is not kept waiting
    (``serve`` starts reading them at start)."""
    event = site._prepared.get(TEXT_FACTS)
    if event is not None:
        return event.is_set()
    from flask import after_this_request, has_request_context

    if has_request_context():
        def start_when_sent(response):
            response.call_on_close(lambda: prepare_text_facts(site))
            return response

        after_this_request(start_when_sent)
    return False


def prepare_text_facts(site: Site):
    """Start reading the facts of the Act's text in the background (once): the event returned
    is set when they are there."""
    return site.prepared(TEXT_FACTS, lambda: read_text_facts(site))


def read_line(site: Site, text: str, lang: str, context: str) -> tuple[tuple, tuple]:
    """What one line of the Act's text in ``lang`` says, read once and kept in
    ``Site.line_index``: its references (:func:`crossrefs.find_citations`, relative to the
    subdivision ``context``) and its defined terms (the terms' index), each with its span."""
    key = (text, lang, context)
    index = site.line_index
    found = index.get(key)
    if found is None:
        found = index[key] = (tuple(crossrefs.find_citations(text, lang, context)),
                              tuple(site.term_matchers[lang].find(text)))
    return found


def within(site: Site, root_iri: str) -> list[str] | None:
    """The IRIs of a subdivision of the Act and of every part below it (what
    ``?part eli:is_part_of* ?provision`` reaches), from :func:`act_parts`; None for what is not
    a part of the Act, and while the facts of the Act's text are not there yet."""
    if not text_facts_ready(site):
        return None
    by_iri, children = act_parts(site, "en")
    if root_iri not in by_iri:
        return None
    out, seen = [root_iri], {root_iri}
    for iri in out:  # grows as it is read: breadth first
        for child in children.get(iri, ()):
            if child not in seen:
                seen.add(child)
                out.append(child)
    return out


def provision_tree(site: Site, root_iri: str, lang: str) -> Part | None:
    """The subdivision ``root_iri`` with its parts, as :func:`tree` makes it from the rows of
    ``provision-parts`` for that subdivision: here from the rows of the whole Act
    (:func:`act_parts`), those of the subdivision and of every part below it."""
    parts = within(site, root_iri)
    if parts is None:
        return tree(site.run("provision-parts", provision=NamedNode(root_iri), lang=lang), root_iri)
    by_iri = act_parts(site, lang)[0]
    return tree([row for iri in parts for row in by_iri.get(iri, ())], root_iri)


class Renderer:
    """Writes one language's HTML for the parts of one page."""

    def __init__(self, site: Site, lang: str, page: str, anchors: bool = True, link_lang: str | None = None,
                 footnotes: dict[str, tuple[str, str]] | None = None):
        self.site = site
        #: the footnotes printed with the page: printed number -> (local id, text)
        self.footnotes = footnotes or {}
        self.lang = lang
        self.page = page
        self.anchors = anchors
        self.link_lang = link_lang or lang
        self.term_links = site.term_links_for(lang, prefixed())

    # -- lines ---------------------------------------------------------------------------------
    def line(self, text: str, context: str) -> Markup:
        """One printed line with its references and defined terms as links."""
        spans: list[tuple[int, int, str]] = []
        citations, terms = self._found(text, context)
        for citation in citations:
            link = self._reference(citation)
            if link is not None:
                spans.append((citation.start, citation.end, link))
        spans += self._footnote_calls(text)
        taken = [(s, e) for s, e, _ in spans]
        linked = set()
        for start, end, term in terms:
            if term.source == context or term.slug in linked or any(s < end and start < e for s, e in taken):
                continue
            linked.add(term.slug)  # the first mention in a line is linked, not every one
            taken.append((start, end))
            spans.append((start, end, self.term_links[term.slug] + escape(text[start:end]) + _CLOSE))
        if not spans:
            return escape(text)
        spans.sort(key=lambda s: s[0])
        out, position = [], 0
        for start, end, markup in spans:
            out.append(escape(text[position:start]))
            out.append(markup)
            position = end
        out.append(escape(text[position:]))
        return Markup("".join(out))

    def _found(self, text: str, context: str) -> tuple[tuple, tuple]:
        """The references (:func:`crossrefs.find_citations`) and the defined terms (the terms'
        index) in one line of the Act's text, each with its span: what the line says, whatever
        the page, the interface or the links. Kept per line, language and subdivision in
        ``Site.line_index``, so a line is read once while the graph is served."""
        return read_line(self.site, text, self.lang, context)

    def _footnote_calls(self, text: str) -> list[tuple[int, int, Markup]]:
        """Footnote calls ("⁽⁷⁾") as links to the note, printed below the text of the page."""
        out = []
        for match in FOOTNOTE_CALL.finditer(text):
            start = match.start(1) - 1
            note = self.footnotes.get(footnote_number(match.group(0)))
            if note is None:
                continue
            out.append((start, match.end(), Markup('<a class="fn" href="#{}-note" title="{}">{}</a>').format(
                note[0], note[1], text[start:match.end()])))
        return out

    def _reference(self, citation) -> Markup | None:
        """The link of a citation, kept per site: the same words citing the same provisions
        from the same page (under the same language prefix) always give the same link."""
        # the links of a page under /en or /fr keep its prefix: that is part of the key too
        key = (citation.text, tuple(citation.targets), self.lang, self.link_lang, self.page, prefixed())
        links = self.site.reference_links
        if key not in links:
            links[key] = self._reference_link(citation)
        return links[key]

    def _reference_link(self, citation) -> Markup | None:
        targets = [t for t in (self.site.resolve(t) for t in citation.targets) if t]
        targets = list(dict.fromkeys(targets))
        if not targets:
            return None
        first = targets[0]
        if first.startswith("http"):  # another act: its ELI, titled with its full reference
            titles = " ; ".join(self.site.other_act(t, self.lang).description for t in targets)
            return Markup('<a class="ref ext" rel="external" href="{}" title="{}">{}</a>').format(
                first, titles, citation.text)
        titles = "; ".join(self.site.label(t, self.lang) for t in targets)
        return Markup('<a class="ref" href="{}" title="{}">{}</a>').format(
            self.site.href(first, self.link_lang, self.page), titles, citation.text)

    # -- parts ---------------------------------------------------------------------------------
    def _id(self, part: Part) -> str:
        return "".join((' id="', escape(part.id), '"')) if self.anchors else ""

    def _number(self, part: Part, label: str | None = None) -> Markup:
        label = label if label is not None else part.label
        if not label:
            return Markup("")
        if self.anchors:
            return Markup("".join(('<a class="num" href="#', escape(part.id), '">', escape(label), "</a> ")))
        return Markup("".join(('<span class="num">', escape(label), "</span> ")))

    def _lines(self, lines: list[str], context: str, first_prefix: Markup | None = None) -> Markup:
        out = []
        for index, text in enumerate(lines):
            out.append("<p>")
            if index == 0 and first_prefix:
                out.append(first_prefix)
            out.append(self.line(text, context))
            out.append("</p>")
        return Markup("".join(out))

    def _children(self, part: Part, skip_first: bool = False) -> Markup:
        out: list[str] = []
        in_points = False
        children = part.children[1:] if skip_first else part.children
        for child in children:
            is_point = child.kind == "Point"
            if is_point != in_points:
                out.append('<ol class="points">' if is_point else "</ol>")
                in_points = is_point
            out.append(self.part(child))
        if in_points:
            out.append("</ol>")
        return Markup("".join(out))

    def body(self, part: Part) -> Markup:
        """A page's subdivision without its own heading: its text, parts and closing text."""
        if part.kind in HEADED:
            return self._lines(part.text, part.id) + self._children(part) + self._lines(part.closing, part.id)
        return self._runin(part, heading=False, label_prefix=self._number(part))

    def part(self, part: Part, label_prefix: Markup | None = None) -> Markup:
        if part.kind in HEADED:
            title = "".join(('<span class="title">', escape(part.title), "</span>")) if part.title else ""
            return Markup("".join((
                '<section class="', escape(part.kind.lower()), '"', self._id(part), ">",
                '<h2 class="heading">', self._number(part), title, "</h2>",
                self._lines(part.text, part.id), self._children(part), self._lines(part.closing, part.id),
                "</section>")))
        return self._runin(part, heading=True, label_prefix=label_prefix)

    def _runin(self, part: Part, heading: bool, label_prefix: Markup | None = None) -> Markup:
        number = (label_prefix or Markup("")) + (self._number(part) if heading else Markup(""))
        skip_first = False
        if part.text:
            lines = self._lines(part.text, part.id, number if number else None)
        elif part.title:  # a headed point of an annex: "3. Quality management system"
            lines = Markup("".join(('<p class="point-title">', number, "<strong>", escape(part.title), "</strong></p>")))
        elif part.children and part.children[0].kind == "Subparagraph" and number:
            lines = self.part(part.children[0], label_prefix=number)
            skip_first = True
        elif number:
            lines = Markup("".join(("<p>", number, "</p>")))
        else:
            lines = Markup("")
        body = "".join((lines, self._children(part, skip_first), self._lines(part.closing, part.id)))
        if not heading:
            return Markup(body)
        element = "li" if part.kind == "Point" else "div"
        return Markup("".join(("<", element, ' class="', escape(part.kind.lower()), '"', self._id(part), ">",
                               body, "</", element, ">")))


def side_by_side(site: Site, english: Part, french: Part | None, page: str, link_lang: str = "both",
                 footnotes: dict[str, tuple[str, str]] | None = None) -> list[tuple[Markup, Markup]]:
    """Rows of (English, French) HTML, one per part of the page's subdivision, so the two
    languages stay aligned paragraph by paragraph. Anchors are on the English side."""
    en = Renderer(site, "en", page, anchors=True, link_lang=link_lang, footnotes=footnotes)
    fr = Renderer(site, "fr", page, anchors=False, link_lang=link_lang, footnotes=footnotes)
    if french is None:
        return [(en.body(english), Markup(""))]
    rows: list[tuple[Markup, Markup]] = []
    if english.text or french.text:
        rows.append((en._lines(english.text, english.id), fr._lines(french.text, french.id)))
    french_children = {c.id: c for c in french.children}
    for child in english.children:
        other = french_children.get(child.id)
        rows.append((en._children(_only(english, child)), fr._children(_only(french, other)) if other else Markup("")))
    if english.closing or french.closing:
        rows.append((en._lines(english.closing, english.id), fr._lines(french.closing, french.id)))
    return rows


def _only(parent: Part, child: Part) -> Part:
    return Part(parent.iri, parent.id, parent.kind, children=[child])
