"""An article, annex or recital to print or file: its full text as printed, its footnotes, the
recitals the text connects to it, how to cite it and where the text comes from.

- ``/reg/2024/1689/art_5/print``: the page to print (HTML, the print style sheet of the site);
- ``/reg/2024/1689/art_5/print.pdf``: the same as a PDF (A4, numbered pages).

Both are in the page's language (``/fr/…``, or ``?lang=fr``). The recitals are the ones the
text itself connects to the article (a recital cites it, or they share a distinctive defined
term: :func:`.browse.related_recitals`), never the similarity guesses. The PDF prints the
official text with the Journal's typography: its no-break spaces keep "35 000 000" and
"Article 5" on one line, its quotation marks and apostrophes are the printed ones, footnote
calls are superscript numbers. Its fonts are DejaVu Serif where the system has it, else the
Bitstream Vera fonts that come with reportlab: both cover every character of the Act once
footnote calls are set as superscripts (``tests/web/test_print.py`` checks it).
"""

from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from flask import Blueprint, Response, abort, render_template
from markupsafe import Markup

from ..footnotes import FOOTNOTE_CALL, footnote_number
from . import browse, citations, printed
from .graph import ACT_PATH, EUR_LEX, Site, site
from .i18n import gettext as _

bp = Blueprint("printview", __name__)

#: The kinds of subdivision with a print view: those printed as a whole in the Journal.
PRINTABLE = ("Article", "Annex", "Recital")
#: Where the system's DejaVu Serif may be (Debian's fonts-dejavu-core, other distributions).
DEJAVU_FOLDERS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
                  "/usr/local/share/fonts", "/Library/Fonts")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUPERSCRIPT_RUN = re.compile("[⁰⁴⁵⁶⁷⁸⁹]+")


@dataclass
class Printout:
    """What a print view shows, in one language."""

    local_id: str
    lang: str
    iri: str
    label: str            # "Article 5", as the law cites it
    heading: str          # as printed: "Article 5", "ANNEX III", "(44)"
    title: str | None
    part: printed.Part
    footnotes: list[dict]  # {"id", "label", "text"}
    recitals: list[dict]   # the connected ones: {"id", "number", "label", "text", "why"}
    cite: dict[str, str] | None
    provenance: str
    act_label: str
    eur_lex: str


def printout(s: Site, local_id: str, lang: str) -> Printout:
    """The print view of ``local_id`` in ``lang``; 404 for what has none."""
    kind = s.subdivisions.get(local_id)
    if kind not in PRINTABLE:
        abort(404, description=f"No print view of {local_id!r}: articles, annexes and recitals have one.")
    iri = s.iri(local_id)
    part = printed.tree(s.run("provision-parts", provision=iri, lang=lang), iri.value)
    label = s.label(local_id, lang)
    if part is None:
        abort(404, description=f"{label} has no text in this language.")
    footnotes = [{"id": row["id"].value, "label": row["label"].value if "label" in row else f"({row['number'].value})",
                  "text": row["text"].value}
                 for row in s.run("footnotes", provision=iri, lang=lang)]
    recitals = []
    if kind == "Article":
        for link in browse.related_recitals(s, iri, lang)["connected"]:
            if link["method"] == "cited":
                why = _("cites {label}", label=s.label(link["provision"] or local_id, lang))
            else:
                why = (_("shares the defined terms") if len(link["terms"]) > 1 else _("shares the defined term")) \
                    + " " + ", ".join(link["terms"].values())
            recitals.append({"id": link["id"], "number": link["number"], "label": s.label(link["id"], lang),
                             "text": link["text"], "why": why})
    act = {k: v.value for k, v in (s.run("act", lang=lang) or [{}])[0].items()}
    cite = citations.cite(local_id, label, act, lang) if act.get("title") and act.get("publication") else None
    provenance = _provenance(act, lang)
    return Printout(local_id=local_id, lang=lang, iri=iri.value, label=label,
                    heading=(part.label or label) if kind != "Recital" else label, title=part.title,
                    part=part, footnotes=footnotes, recitals=recitals, cite=cite, provenance=provenance,
                    act_label=act.get("label", "Regulation (EU) 2024/1689"), eur_lex=f"{EUR_LEX}#{local_id}")


def _provenance(act: dict, lang: str) -> str:
    """Where the text comes from, in one line: the act, its OJ reference and ELI, the version."""
    version = act.get("versionLabel", "")
    version = version[:1].lower() + version[1:]
    reference = citations.oj_reference(act["publication"], lang) if act.get("publication") else ""
    line = _("Text of Regulation (EU) 2024/1689 ({reference}, ELI: {eli}), {version}.",
             reference=reference, eli=act.get("eli", ""), version=version)
    return " ".join((line, _("© European Union, EUR-Lex."),
                     _("Only the Official Journal as published electronically is authentic.")))


def print_lang() -> str:
    lang = browse.page_lang()
    if lang == "both":
        abort(400, description="The print view shows one language: choose en or fr.")
    return lang


@bp.get(f"/{ACT_PATH}/<local_id>/print")
def html(local_id: str):
    lang = print_lang()
    s = site()
    return s.cached(("print", local_id, lang), lambda: _render_html(s, local_id, lang))


def _render_html(s: Site, local_id: str, lang: str) -> str:
    doc = printout(s, local_id, lang)
    page = s.page_of(local_id)
    notes = {note["label"].strip("() "): (note["id"], note["text"]) for note in doc.footnotes}
    renderer = printed.Renderer(s, lang, page, anchors=False, footnotes=notes)
    plain = printed.Renderer(s, lang, page, anchors=False)
    body = renderer.body(doc.part)
    footnote_html = {note["id"]: plain.line(note["text"], note["id"]) for note in doc.footnotes}
    recital_html = {r["id"]: Markup("").join(Markup("<p>") + plain.line(line, r["id"]) + Markup("</p>")
                                             for line in r["text"].split("\n"))
                    for r in doc.recitals}
    return render_template("browse/print.html", doc=doc, body=body, footnote_html=footnote_html,
                           recital_html=recital_html, shown=lang)


@bp.get(f"/{ACT_PATH}/<local_id>/print.pdf")
def pdf(local_id: str):
    lang = print_lang()
    s = site()
    data = s.cached(("print.pdf", local_id, lang), lambda: render_pdf(printout(s, local_id, lang)))
    response = Response(data, mimetype="application/pdf")
    name = f"reg-2024-1689-{local_id}-{lang}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# -- the PDF ----------------------------------------------------------------------------------

def pdf_markup(text: str) -> str:
    """One printed line as reportlab's paragraph markup: escaped, each footnote call (and any
    other superscript number) set as a superscript, the narrow no-break space (which reportlab
    would break at) as a no-break space."""
    out, position = [], 0
    for match in FOOTNOTE_CALL.finditer(text):
        out.append(_plain(text[position:match.start()]))
        out.append("\xa0<super>(" + footnote_number(match.group(0)) + ")</super>")
        position = match.end()
    out.append(_plain(text[position:]))
    return "".join(out)


def _plain(text: str) -> str:
    text = xml_escape(text.replace("\u202f", "\xa0"))
    return _SUPERSCRIPT_RUN.sub(lambda m: "<super>" + m.group(0).translate(_SUPERSCRIPTS) + "</super>", text)


def font_files() -> dict[str, Path]:
    """The four faces of the PDF's font: DejaVu Serif where installed, else reportlab's Vera."""
    faces = {"regular": "DejaVuSerif.ttf", "bold": "DejaVuSerif-Bold.ttf", "italic": "DejaVuSerif-Italic.ttf",
             "bolditalic": "DejaVuSerif-BoldItalic.ttf"}
    for folder in map(Path, DEJAVU_FOLDERS):
        found = {face: folder / name for face, name in faces.items()}
        if all(path.is_file() for path in found.values()):
            return found
    return vera_files()


def vera_files() -> dict[str, Path]:
    import reportlab

    folder = Path(reportlab.__file__).parent / "fonts"
    return {"regular": folder / "Vera.ttf", "bold": folder / "VeraBd.ttf", "italic": folder / "VeraIt.ttf",
            "bolditalic": folder / "VeraBI.ttf"}


_registered: dict[tuple, str] = {}
_register_lock = threading.Lock()


def register_fonts(files: dict[str, Path] | None = None) -> str:
    """Register the font family with reportlab once; its name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    files = files or font_files()
    key = tuple(sorted((face, str(path)) for face, path in files.items()))
    with _register_lock:  # pages are served by several threads
        if key not in _registered:
            family = f"ActText{len(_registered)}"
            for face, path in files.items():
                pdfmetrics.registerFont(TTFont(f"{family}-{face}", str(path)))
            for face, (bold, italic) in {"regular": (0, 0), "bold": (1, 0), "italic": (0, 1), "bolditalic": (1, 1)}.items():
                addMapping(family, bold, italic, f"{family}-{face}")
            _registered[key] = family
        return _registered[key]


def styles(family: str) -> dict:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName=f"{family}-regular", fontSize=10.5, leading=13.5, alignment=TA_JUSTIFY,
                          spaceAfter=5, allowWidows=0, allowOrphans=0)
    return {
        "body": body,
        "act": ParagraphStyle("act", parent=body, fontSize=8.5, leading=11, alignment=TA_CENTER, spaceAfter=14),
        "heading": ParagraphStyle("heading", parent=body, fontName=f"{family}-italic", fontSize=11.5,
                                  alignment=TA_CENTER, spaceBefore=6, spaceAfter=2),
        "title": ParagraphStyle("title", parent=body, fontName=f"{family}-bold", fontSize=11.5, leading=14,
                                alignment=TA_CENTER, spaceAfter=12),
        "section": ParagraphStyle("section", parent=body, fontName=f"{family}-bold", alignment=TA_CENTER,
                                  spaceBefore=8, spaceAfter=6),
        "part": ParagraphStyle("part", parent=body, fontName=f"{family}-bold", fontSize=11, spaceBefore=14,
                               spaceAfter=6, keepWithNext=1),
        "note": ParagraphStyle("note", parent=body, fontSize=8.5, leading=10.5, spaceAfter=3),
        "why": ParagraphStyle("why", parent=body, fontName=f"{family}-italic", fontSize=8.5, leading=10.5,
                              spaceAfter=2, keepWithNext=1),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=10.5, alignment=0),
    }


#: The indent of each level of points, which is also the width their numbers hang in.
INDENT = 24


def text_flowables(part: printed.Part, st: dict) -> list:
    """The flowables of a subdivision's own text as the Journal prints it: headed parts
    centred, a paragraph's number run into its text, the numbers of points and recitals
    hanging before their text, each level of points indented once more."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    out: list = []
    body = st["body"]

    def line(text: str, depth: int, number: str | None = None, hang: bool = False, bold: bool = False) -> None:
        markup = pdf_markup(text)
        if bold:
            markup = f"<b>{markup}</b>"
        if number and not hang:
            markup = xml_escape(number) + "\xa0\xa0 " + markup
        style = ParagraphStyle(f"d{depth}", parent=body, leftIndent=(depth + (1 if number and hang else 0)) * INDENT,
                               bulletIndent=depth * INDENT, bulletFontName=body.fontName)
        out.append(Paragraph(markup, style, bulletText=number) if number and hang else Paragraph(markup, style))

    def walk(p: printed.Part, depth: int, number: str | None = None, hang: bool = False, top: bool = False) -> None:
        if p.kind in printed.HEADED and not top:
            out.append(Paragraph(pdf_markup(p.label or ""), st["heading"]))
            if p.title:
                out.append(Paragraph(pdf_markup(p.title), st["section"]))
            inner = depth
        else:
            if number is None and not (top and p.kind in printed.HEADED):
                number, hang = p.label, p.kind in ("Point", "Recital")
            inner = depth + 1 if hang else depth
        children = list(p.children)
        if p.kind not in printed.HEADED or top:
            if p.text:
                line(p.text[0], depth, number, hang)
                for text in p.text[1:]:
                    line(text, inner)
            elif p.title and not top:  # a headed point of an annex: "3. Quality management system"
                line(p.title, depth, number, hang, bold=True)
            elif children and children[0].kind == "Subparagraph" and number:
                walk(children.pop(0), depth, number, hang)
            elif number:
                line("", depth, number, hang)
        else:
            for text in p.text:
                line(text, inner)
        for child in children:
            walk(child, inner)
        for text in p.closing:
            line(text, inner)

    walk(part, 0, top=True)
    return out


def render_pdf(doc: Printout, files: dict[str, Path] | None = None) -> bytes:
    """The print view as a PDF: A4, the act's name above, the text, its footnotes, the recitals
    the text connects to it, how to cite it and the text's provenance; numbered pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate

    family = register_fonts(files)
    st = styles(family)
    story: list = [Paragraph(pdf_markup(doc.act_label), st["act"]),
                   Paragraph(pdf_markup(doc.heading), st["heading"])]
    if doc.title:
        story.append(Paragraph(pdf_markup(doc.title), st["title"]))
    story += text_flowables(doc.part, st)
    if doc.footnotes:
        story.append(HRFlowable(width="30%", thickness=0.5, hAlign="LEFT", spaceBefore=8, spaceAfter=4))
        for note in doc.footnotes:
            story.append(Paragraph(pdf_markup(note["text"]), _hanging(st["note"], INDENT), bulletText=note["label"]))
    if doc.recitals:
        story.append(Paragraph(xml_escape(_("Recitals the text connects to it")), st["part"]))
        note = _("Recitals that cite the article or share a distinctive defined term with it; recitals found only by similar wording are not printed.")  # noqa: E501
        story.append(Paragraph(xml_escape(note), st["small"]))
        for recital in doc.recitals:
            texts = recital["text"].split("\n")
            first = Paragraph(pdf_markup(texts[0]), _hanging(st["body"], INDENT + 6), bulletText=f"({recital['number']})")
            story.append(KeepTogether([Paragraph(xml_escape(recital["label"] + " — " + recital["why"]), st["why"]), first]))
            story += [Paragraph(pdf_markup(t), _hanging(st["body"], INDENT + 6)) for t in texts[1:]]
    if doc.cite:
        story.append(Paragraph(xml_escape(_("Cite this provision")), st["part"]))
        colon = "\xa0: " if doc.lang == "fr" else ": "  # French sets a no-break space before a colon
        for name, text in (("OSCOLA", doc.cite["oscola"]), (_("Official Journal style"), doc.cite["oj"])):
            story.append(Paragraph(f"<b>{xml_escape(name)}</b>{colon}{pdf_markup(text)}", st["small"]))
    story.append(HRFlowable(width="100%", thickness=0.5, spaceBefore=12, spaceAfter=4))
    story.append(Paragraph(pdf_markup(doc.provenance), st["small"]))
    story.append(Paragraph(f'<link href="{xml_escape(doc.iri)}">{xml_escape(doc.iri)}</link> · '
                           f'<link href="{xml_escape(doc.eur_lex)}">{xml_escape(doc.eur_lex)}</link>', st["small"]))

    buffer = io.BytesIO()
    footer = f"{doc.act_label} — {doc.label}"
    page_word = _("page {number} of {total}", number="{number}", total="{total}")
    template = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
                                 bottomMargin=20 * mm, title=f"{doc.label} — {doc.act_label}",
                                 author=_("European Union"), subject=doc.cite["oj"] if doc.cite else doc.label,
                                 lang=doc.lang)
    template.build(story, canvasmaker=_numbered_canvas(family, footer, page_word))
    return buffer.getvalue()


def _hanging(style, width: int):
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(f"{style.name}-hang", parent=style, leftIndent=width, bulletIndent=0,
                          bulletFontName=style.fontName)


def _numbered_canvas(family: str, footer: str, page_word: str):
    """A canvas that writes "page N of M" and the act's name at the foot of every page: pages
    are kept until the last is known, then written."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                width = self._pagesize[0]
                self.setFont(f"{family}-regular", 8)
                self.drawString(22 * mm, 12 * mm, footer)
                self.drawRightString(width - 22 * mm, 12 * mm,
                                     page_word.format(number=self._pageNumber, total=total))
                super().showPage()
            super().save()

    return NumberedCanvas
