"""A validation report as a short PDF a compliance officer can file: the system described, the
date and the text version it was checked against, the tier and the rule applied, and each
finding with the article it cites; in the interface's language, one or two pages for a
description of one system. Made with reportlab, in the Bitstream Vera fonts reportlab
carries (embedded, so the text can be searched and copied).
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from .. import validation
from .i18n import gettext as _, long_date

_FONTS: tuple[str, str] | None = None


def _fonts() -> tuple[str, str]:
    """The regular and bold fonts: Vera, embedded, where reportlab has it; else Helvetica."""
    global _FONTS
    if _FONTS is None:
        import reportlab
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        folder = Path(reportlab.__file__).parent / "fonts"
        try:
            pdfmetrics.registerFont(TTFont("Vera", str(folder / "Vera.ttf")))
            pdfmetrics.registerFont(TTFont("Vera-Bold", str(folder / "VeraBd.ttf")))
            _FONTS = ("Vera", "Vera-Bold")
        except Exception:  # a reportlab without its fonts: the standard ones (Latin-1)
            _FONTS = ("Helvetica", "Helvetica-Bold")
    return _FONTS


def _text(value) -> str:
    return escape(str(value if value is not None else ""))


def _link(labels, iri: str | None) -> str:
    label = _text(labels.label(iri))
    href = labels.href(iri)
    return f'<a href="{_text(href)}" color="#0b4f8a">{label}</a>' if href else label


def _links(labels, iris) -> str:
    return ", ".join(_link(labels, i) for i in iris)


def render_pdf(report: validation.Report, labels, meta: dict, names: dict[str, str]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=11.5)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#333333"))
    strong = ParagraphStyle("strong", parent=body, fontName=bold)
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=15, leading=19, spaceAfter=2)
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=11, leading=14, spaceBefore=8,
                             spaceAfter=3)
    checked = meta["checked_against"]
    description = meta["description"]
    story = [
        Paragraph(_text(_("Validation report")), title),
        Paragraph(_text(checked["act"] or "Regulation (EU) 2024/1689"), body),
        Spacer(1, 3 * mm),
    ]
    systems = "<br/>".join(f"{_text(c.label)} <font size='7'>({_text(c.node)})</font>"
                           for c in report.classification) or _text(_("none found"))
    rows = [
        (_("System described"), systems),
        (_("Description"), _text(f"{description['name']} — " + _("read as {format}", format=description["format"])
                                 + ", " + _("{count} triples", count=description["triples"]))),
        (_("SHA-256 of the description"), f"<font size='7.5'>{_text(description['sha256'])}</font>"),
        (_("The Act as it applies on"), _text(meta["applied_on"])),
        (_("Checked against"), _text(", ".join(v for v in (checked["act"], checked["version_label"]) if v))
         + "<br/>" + _text(_("knowledge graph version {version}", version=checked["product_version"]))),
        (_("Generated"), _text(meta["generated"])),
    ]
    table = Table([[Paragraph(_text(k), strong), Paragraph(v, body)] for k, v in rows],
                  colWidths=[45 * mm, 125 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [table, Spacer(1, 3 * mm)]
    verdict = (_("The description conforms to the Act as it applies on") if report.conforms
               else _("The description does not conform to the Act as it applies on")) + f" {long_date(report.on)}."
    story.append(Paragraph(_text(verdict), ParagraphStyle(
        "verdict", parent=strong, fontSize=10.5, leading=13,
        textColor=colors.HexColor("#1d5e20" if report.conforms else "#8a1c1c"))))
    for warning in report.warnings:
        story.append(Paragraph(_text(warning), small))

    for entry in report.classification:
        story.append(Paragraph(_text(_("Classification")) + " — " + _text(entry.label), heading))
        parts = []
        tiers = (_text(_("minimal risk (no specific regime; AI literacy, Article 4, applies)")) if entry.minimal
                 else _links(labels, [t.iri for t in entry.tiers]))
        parts.append((_("Risk tier"), tiers))
        rule = []
        for cls in entry.classes:
            rule.append(_link(labels, cls.iri) + (" — " + _links(labels, cls.provisions) if cls.provisions else ""))
        if entry.provisions:
            rule.append(_text(_("classified under")) + " " + _links(labels, entry.provisions))
        if entry.missing_kinds:
            said = _("the description does not state: {missing}; only the duties that bind every AI system are "
                     "checked (Article 4)").split("{missing}")
            rule.append(_text(said[0]) + _links(labels, entry.missing_kinds) + _text(said[1]))
        if rule:
            parts.append((_("Rule applied"), "<br/>".join(rule)))
        if entry.roles:
            parts.append((_("Roles"), "<br/>".join(
                _link(labels, r.role) + ": " + _text(r.label)
                + (" — " + _links(labels, r.provisions) if r.provisions else "") for r in entry.roles)))
        grid = Table([[Paragraph(_text(k), strong), Paragraph(v, body)] for k, v in parts],
                     colWidths=[45 * mm, 125 * mm])
        grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 2), ("TOPPADDING", (0, 0), (-1, -1), 1)]))
        story.append(grid)

    story.append(Paragraph(_text(_("Findings")) + f" ({len(report.results)})", heading))
    if not report.results:
        story.append(Paragraph(_text(_("No finding: the description shows every obligation checked as met.")), body))
    else:
        story.append(Paragraph(_text(_("Each finding's full message, with how to state what is missing, is in the "
                                       "HTML and JSON reports.")), small))
    # one table per system or model described (the findings in the report's order within each)
    groups: dict[str, list] = {}
    for finding in report.results:
        groups.setdefault(finding.focus, []).append(finding)
    number = 0
    for focus, items in groups.items():
        if len(report.classification) != 1 or focus not in names:
            story.append(Paragraph(_text(names.get(focus) or focus), ParagraphStyle(
                "system", parent=strong, spaceBefore=4, spaceAfter=1)))
        rows = [[Paragraph(_text(h), strong) for h in ("#", _("Severity"), _("Obligation and provisions"),
                                                       _("applies from"))]]
        for finding in items:
            number += 1
            if finding.obligation:  # the obligation's label says what is missing; else the message
                what = _link(labels, finding.obligation)
            else:
                what = f"<font size='7.5'>{_text(finding.message)}</font>"
            if finding.provisions:
                what += " — " + _links(labels, finding.provisions)
            rows.append([Paragraph(str(number), body), Paragraph(_text(_(finding.severity)), strong),
                         Paragraph(what, body),
                         Paragraph(_text(finding.applicable_from.isoformat() if finding.applicable_from else "—"),
                                   body)])
        grid = Table(rows, colWidths=[7 * mm, 22 * mm, 116 * mm, 25 * mm], repeatRows=1)
        grid.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
            ("LEFTPADDING", (0, 0), (-1, -1), 2), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]))
        story.append(grid)
    story.append(Spacer(1, 4 * mm))
    story.append(KeepTogether([Paragraph(_text(_(
        "Validate the same description (SHA-256 above) with the date {date} and the format {format} to obtain "
        "this report again: the classification and the findings are the same for the same version of the "
        "knowledge graph.", date=meta["applied_on"], format=description["format"])), small),
        Paragraph(_text(_("This report says what the description shows; it is not legal advice. Only the Official "
                          "Journal as published electronically is authentic.")), small)]))

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.drawString(20 * mm, 10 * mm, _("Validation report") + f" · {description['sha256'][:12]} · "
                          + meta["applied_on"])
        canvas.drawRightString(190 * mm, 10 * mm, _("page {number}", number=doc.page))
        canvas.restoreState()

    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=16 * mm,
                                 bottomMargin=16 * mm, title=_("Validation report"),
                                 author="AI Act knowledge graph", subject=checked["act"] or "")
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
