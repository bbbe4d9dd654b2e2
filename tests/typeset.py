"""The corpus of :mod:`commentary` as a publisher prints it: a PDF set in two justified columns
with hyphenation, a letter-spaced running header, page numbers, footnotes at the foot of the
page (markers set as superscripts), ligatures (fi, fl) and, where a citation is annotated
``kern``, the loose spacing of a publisher's kerning ("Cons . 46", "p t 47"); and the same
document as .docx and HTML. The files are made from the sources each time (nothing derived is
committed); :func:`extract` reads a PDF back with pypdf or pdfminer.six."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

from commentary import Document, Segment

EXTRACTORS = ("pypdf", "pdfminer")


# -- PDF ------------------------------------------------------------------------------------------

def _fonts():
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.lib.fonts import addMapping

    folder = Path(reportlab.__file__).parent / "fonts"
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        for name, file in (("Vera", "Vera.ttf"), ("Vera-Bold", "VeraBd.ttf"), ("Vera-Italic", "VeraIt.ttf"),
                           ("Vera-BoldItalic", "VeraBI.ttf")):
            pdfmetrics.registerFont(TTFont(name, str(folder / file)))
        addMapping("Vera", 0, 0, "Vera")
        addMapping("Vera", 1, 0, "Vera-Bold")
        addMapping("Vera", 0, 1, "Vera-Italic")
        addMapping("Vera", 1, 1, "Vera-BoldItalic")


def kerned(words: str) -> str:
    """A citation as a publisher's loose kerning leaves it in the text layer: a space before a
    full stop or comma ("Cons . 46", "art . 6 , §3") and inside "pt"/"pts" ("p t 47")."""
    words = re.sub(r"(\w)([.,])", r"\1 \2", words)
    return re.sub(r"\b(p)(ts?)\b", r"\1 \2", words)


def _ligatures(text: str) -> str:
    return text.replace("fi", "ﬁ").replace("fl", "ﬂ")


def _markup(segments: list[Segment], notes: list[tuple[int, list[Segment]]]) -> str:
    out = []
    for s in segments:
        if s.kind == "note":
            notes.append((s.number, s.note))
            out.append(f"<super>{s.number}</super>")
            continue
        text = kerned(s.text) if "kern" in s.classes.split(",") else s.text
        text = html.escape(_ligatures(text), quote=False)
        out.append(re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text))
    return "".join(out)


def pdf(doc: Document) -> bytes:
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer

    _fonts()
    lang = {"fr": "fr_FR", "en": "en_GB"}[doc.lang]
    body = ParagraphStyle("body", fontName="Vera", fontSize=8.6, leading=10.6, alignment=TA_JUSTIFY,
                          hyphenationLang=lang, embeddedHyphenation=1, spaceAfter=3, firstLineIndent=8)
    item = ParagraphStyle("item", parent=body, leftIndent=9, firstLineIndent=-7)
    sub = ParagraphStyle("sub", parent=body, fontName="Vera-Bold", alignment=0, firstLineIndent=0,
                         spaceBefore=4, hyphenationLang="")
    title = ParagraphStyle("title", parent=body, fontName="Vera-Bold", fontSize=13, leading=16, alignment=0,
                           firstLineIndent=0, spaceAfter=10, hyphenationLang="")
    note_style = ParagraphStyle("note", fontName="Vera", fontSize=6.8, leading=8.2, alignment=TA_JUSTIFY,
                                hyphenationLang=lang)
    width, height = A4
    margin, gutter, foot = 1.8 * cm, 1.0 * cm, 4.2 * cm
    column = (width - 2 * margin - gutter) / 2
    pending: list[tuple[int, list[Segment]]] = []

    class NotedParagraph(Paragraph):
        """A paragraph whose footnotes go to the foot of the page it is drawn on."""

        def __init__(self, text, style, notes=(), **kwargs):
            super().__init__(text, style, **kwargs)
            self.notes = list(notes)

        def split(self, availWidth, availHeight):
            parts = super().split(availWidth, availHeight)
            placed: set[int] = set()
            for part in parts:  # each note goes with the part that prints its marker
                markers = {int(item[1]) for line in part.frags if isinstance(line, list) for item in line[1:]
                           if isinstance(item, tuple) and getattr(item[0], "rise", 0) and str(item[1]).isdigit()}
                part.notes = [n for n in self.notes if n[0] in markers]
                placed.update(n[0] for n in part.notes)
            if parts:
                parts[0].notes = [n for n in self.notes if n[0] not in placed] + parts[0].notes
            return parts

        def drawOn(self, canvas, x, y, _sW=0):
            pending.extend(getattr(self, "notes", ()))
            self.notes = []
            super().drawOn(canvas, x, y, _sW)

    class SpacedHeading(Flowable):
        """A heading set in capitals with letter spacing (the text layer has a gap between
        letters, which some extractors read as spaces)."""

        def __init__(self, text):
            super().__init__()
            self.text = text.upper()
            self.lines: list[str] = []

        def wrap(self, availWidth, availHeight):
            from reportlab.pdfbase.pdfmetrics import stringWidth
            self.lines, line = [], ""
            for word in self.text.split():
                trial = f"{line} {word}".strip()
                if stringWidth(trial, "Vera-Bold", 8.6) + 2.2 * len(trial) > availWidth and line:
                    self.lines.append(line)
                    line = word
                else:
                    line = trial
            self.lines.append(line)
            self.height = 11 * len(self.lines) + 8
            return availWidth, self.height

        def draw(self):
            text = self.canv.beginText(0, self.height - 14)
            text.setFont("Vera-Bold", 8.6)
            text.setCharSpace(2.2)
            for line in self.lines:
                text.textLine(line)
            self.canv.drawText(text)

    def page(canvas, template):
        canvas.saveState()
        canvas.setFont("Vera-Italic", 7)
        canvas.drawString(margin, height - 1.2 * cm, _ligatures(doc.meta["header"]))
        canvas.drawRightString(width - margin, height - 1.2 * cm, str(template.page))
        canvas.restoreState()

    def page_end(canvas, template):
        canvas.saveState()
        y = foot - 0.2 * cm
        if pending:
            canvas.line(margin, y, margin + 4 * cm, y)
            for number, segments in pending:
                para = Paragraph(f"{number} " + _markup(segments, []), note_style)
                _, h = para.wrap(width - 2 * margin, foot)
                y -= h + 1.5
                para.drawOn(canvas, margin, y)
        pending.clear()
        canvas.setFont("Vera", 7)
        canvas.drawCentredString(width / 2, 0.9 * cm, f"— {template.page} —")
        canvas.restoreState()

    out = io.BytesIO()
    frames = [Frame(margin, foot, column, height - 2 * margin - foot + margin * 0.4, id="left"),
              Frame(margin + column + gutter, foot, column, height - 2 * margin - foot + margin * 0.4, id="right")]
    template = BaseDocTemplate(out, pagesize=A4, title=doc.meta["title"], author="aiact-kg test corpus",
                               pageTemplates=[PageTemplate("two", frames, onPage=page, onPageEnd=page_end)])
    story = []
    for block in doc.blocks:
        notes: list = []
        text = _markup(block.segments, notes)
        if block.kind == "title":
            story.append(NotedParagraph(text, title, notes))
        elif block.kind == "heading":
            story.append(SpacedHeading(re.sub(r"<[^>]+>", "", html.unescape(text))))
        elif block.kind == "subheading":
            story.append(NotedParagraph(text, sub, notes))
        elif block.kind == "item":
            story.append(NotedParagraph("– " + text, item, notes))
        else:
            story.append(NotedParagraph(text, body, notes))
    story.append(Spacer(1, 4))
    template.build(story)
    return out.getvalue()


def extract(data: bytes, extractor: str) -> list[str]:
    """The text of each page of a PDF, as the extractor reads it."""
    if extractor == "pypdf":
        import pypdf
        return [p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(data)).pages]
    if extractor == "pdfminer":
        from pdfminer.high_level import extract_text
        from pdfminer.layout import LAParams

        # A justified line set word by word has gaps wider than pdfminer's default character
        # margin (2), which then cuts the line into boxes and reorders its words; 6 keeps
        # each line one box and still stays under the 1 cm gutter between the columns.
        return extract_text(io.BytesIO(data), laparams=LAParams(char_margin=6.0, boxes_flow=0.0)).split("\f")
    raise ValueError(extractor)


# -- Word and HTML ------------------------------------------------------------------------------------

def docx(doc: Document) -> bytes:
    import docx as python_docx

    word = python_docx.Document()
    for block in doc.blocks:
        text = "".join(s.text.replace("**", "") for s in block.segments if s.kind != "note")
        if block.kind == "title":
            word.add_heading(text, 0)
        elif block.kind in ("heading", "subheading"):
            word.add_heading(text, 1 if block.kind == "heading" else 2)
        else:
            word.add_paragraph(("- " if block.kind == "item" else "") + text)
    notes = doc.notes()
    if notes:
        word.add_paragraph("Notes")
        for note in notes:
            word.add_paragraph(f"{note.number}. " + "".join(s.text for s in note.note))
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def html_page(doc: Document) -> bytes:
    parts = [f'<!doctype html><html lang="{doc.lang}"><head><meta charset="utf-8"><title>'
             f'{html.escape(doc.meta["title"])}</title></head><body><article>']
    tags = {"title": "h1", "heading": "h2", "subheading": "h3", "para": "p", "item": "li"}
    for block in doc.blocks:
        text = "".join(html.escape(s.text).replace("**", "") if s.kind != "note"
                       else f'<sup><a href="#fn{s.number}">{s.number}</a></sup>' for s in block.segments)
        text = text if block.kind != "item" else "- " + text
        parts.append(f"<{tags[block.kind]}>{text}</{tags[block.kind]}>\n")
    notes = doc.notes()
    if notes:
        parts.append("<h2>Notes</h2>\n<ol>")
        parts += [f'<li id="fn{n.number}">{n.number}. {html.escape("".join(s.text for s in n.note))}</li>\n'
                  for n in notes]
        parts.append("</ol>")
    parts.append("</article></body></html>\n")
    return "".join(parts).encode("utf-8")
