"""Read the English Formex 4 XML of the Act into the provision tree.

Formex marks structure with elements: ``CONSID`` (recital), ``DIVISION`` (chapter, section),
``ARTICLE``, ``PARAG`` (numbered paragraph), ``ALINEA`` (subparagraph), ``LIST``/``ITEM``/``NP``
(points), ``GR.SEQ`` (annex sections or headed points), ``NOTE`` (footnote). Quotation marks
are tags (``QUOT.START``/``QUOT.END``, with the character's code point in ``CODE``);
superscripts are ``HT TYPE="SUP"``. ``QUOT.S`` holds text quoted by Articles 102 to 110 for
insertion into other acts: it stays text of the quoting article and never becomes a provision
of this Act, whatever its ``IDENTIFIER`` says.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from .footnotes import (  # noqa: F401 - also read from here
    FOOTNOTE_CALL, footnote_call, footnote_number, grouped_number, superscript)
from .provisions import Act, CorpusError, Provision, point_number

MANIFEST = "L_202401689EN.doc.fmx.xml"

_SPACE = re.compile(r"[ \t\r\n]+")
_SUBSCRIPT = str.maketrans("0123456789+-()", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎")
#: Elements that start a printed block (a new line) rather than flow inside one.
_BLOCKS = frozenset({
    "P", "LIST", "ITEM", "NP", "TXT", "ALINEA", "PARAG", "QUOT.S", "GR.SEQ", "TITLE", "TI",
    "STI", "NO.P", "NO.PARAG", "TBL", "CONTENTS", "SIGNATURE", "SIGNATORY", "PL.DATE",
})


_CALL_SPACE = re.compile(r"[ \t\r\n\u00a0]*\u00a0⁽")


def _clean(text: str) -> str:
    return _CALL_SPACE.sub("\u00a0⁽", _SPACE.sub(" ", text)).strip()


class _Reader:
    """Walks one Formex file; collects footnotes as it meets them."""

    def __init__(self, footnotes: list[Provision]):
        self.footnotes = footnotes
        self.numbered = 0  # footnotes numbered so far (those of quoted text have an asterisk)
        self.calls: list[str] = []  # footnotes called in the block being read

    # -- inline text ---------------------------------------------------------------------
    def inline(self, el: etree._Element) -> str:
        """The printed text of an element whose content flows on one line."""
        out: list[str] = [el.text or ""]
        for child in el:
            out.append(self._inline_child(child))
            out.append(child.tail or "")
        return "".join(out)

    def _inline_child(self, child: etree._Element) -> str:
        tag = child.tag
        if not isinstance(tag, str):  # processing instruction (page break) or comment
            return ""
        if tag in ("QUOT.START", "QUOT.END"):
            return chr(int(child.get("CODE"), 16))
        if tag == "NOTE":
            return footnote_call(self._footnote(child))
        if tag == "FT" and child.get("TYPE") == "NUMBER" and (child.text or "").isdigit() and not len(child):
            return grouped_number(child.text)
        if tag == "HT" and child.get("TYPE") == "SUP":
            return superscript(self.inline(child))
        if tag == "HT" and child.get("TYPE") == "SUB":
            return self.inline(child).translate(_SUBSCRIPT)
        if tag in _BLOCKS:  # a block inside a line: flatten it onto the line
            return " ".join(self.flat_lines(child))
        return self.inline(child)

    def _footnote(self, note: etree._Element) -> str:
        """Records a footnote (``ftn_N``, N its place among all notes, as the note ids E0001…
        count them) and returns its printed number: the OJ numbers the notes of the Act 1, 2…
        and marks those of quoted amending text with an asterisk."""
        number = len(self.footnotes) + 1
        local_id = f"ftn_{number}"
        if note.get("NUMBERING") == "STAR":
            printed = "*"
        else:
            self.numbered += 1
            printed = str(self.numbered)
        text = [_clean(self.inline(p)) for p in note.iter("P")] or [_clean(self.inline(note))]
        self.footnotes.append(Provision(local_id, "Footnote", str(number), f"({printed})", text=text))
        self.calls.append(local_id)
        return printed

    # -- blocks ----------------------------------------------------------------------------
    @staticmethod
    def _has_blocks(el: etree._Element) -> bool:
        return any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in el)

    def lines(self, el: etree._Element, point_base: str, sink: Provision) -> list:
        """The printed parts of a block element: text lines (str) and point provisions.

        ``point_base`` is the local id that points found here hang off; footnote calls are
        recorded on ``sink``.
        """
        if not self._has_blocks(el):
            return self._line(self.inline(el), sink)
        parts: list = []
        buffer: list[str] = [el.text or ""]
        for child in el:
            tag = child.tag
            if isinstance(tag, str) and tag in _BLOCKS:
                _join(parts, self._line("".join(buffer), sink))
                buffer = []
                parts += self._block(child, point_base, sink)
            else:
                buffer.append(self._inline_child(child) if isinstance(tag, str) else "")
            buffer.append(child.tail or "")
        _join(parts, self._line("".join(buffer), sink))
        return parts

    def _line(self, raw: str, sink: Provision) -> list[str]:
        sink.footnotes += self.calls
        self.calls = []
        text = _clean(raw)
        return [text] if text else []

    def _block(self, el: etree._Element, point_base: str, sink: Provision) -> list:
        tag = el.tag
        if tag == "QUOT.S":
            return self._quoted(el, sink)
        if tag == "LIST":
            parts: list = []
            for item in el:
                if isinstance(item.tag, str):
                    parts += self._block(item, point_base, sink)
            return parts
        if tag == "ITEM":
            np_ = el.find("NP")
            if np_ is not None and len([c for c in el if isinstance(c.tag, str)]) == 1:
                return [self.point(np_, point_base)]
            dash = "— " if el.getparent().get("TYPE") == "DASH" else ""
            parts = self.lines(el, point_base, sink)
            if dash and parts and isinstance(parts[0], str):
                parts[0] = dash + parts[0]
            return parts
        if tag == "NP":
            return [self.point(el, point_base)]
        if tag == "GR.SEQ":
            return [self.group(el, point_base)]
        return self.lines(el, point_base, sink)

    def _quoted(self, el: etree._Element, sink: Provision) -> list[str]:
        """Quoted amending text: printed lines of the quoting provision, never provisions."""
        out = []
        for line in self.flat_lines(el):
            out += self._line(line, sink)
        return out

    def flat_lines(self, el: etree._Element) -> list[str]:
        """Any structure as printed lines, labels included (for quoted text)."""
        tag = el.tag
        if tag in ("NO.P", "NO.PARAG"):
            return []
        if tag in ("NP", "PARAG"):
            label_el = el.find("NO.P") if tag == "NP" else el.find("NO.PARAG")
            label = _clean(self.inline(label_el)) if label_el is not None else ""
            body: list[str] = []
            for child in el:
                if isinstance(child.tag, str) and child.tag not in ("NO.P", "NO.PARAG"):
                    body += self.flat_lines(child)
            if body and label:
                body[0] = f"{label} {body[0]}"
            return body
        if not self._has_blocks(el):
            text = _clean(self.inline(el))
            return [text] if text else []
        out: list[str] = []
        buffer = [el.text or ""]
        for child in el:
            if isinstance(child.tag, str) and child.tag in _BLOCKS:
                text = _clean("".join(buffer))
                if text:
                    out.append(text)
                buffer = []
                out += self.flat_lines(child)
            elif isinstance(child.tag, str):
                buffer.append(self._inline_child(child))
            buffer.append(child.tail or "")
        text = _clean("".join(buffer))
        if text:
            out.append(text)
        return out

    def point(self, np_: etree._Element, base: str) -> Provision:
        label = _clean(self.inline(np_.find("NO.P")))
        number = point_number(label)
        node = Provision(f"{base}.pnt_{number}", "Point", number, label)
        self._fill(node, [c for c in np_ if isinstance(c.tag, str) and c.tag != "NO.P"], node.local_id)
        return node

    def _fill(self, node: Provision, blocks: list, point_base: str) -> None:
        parts: list = []
        for block in blocks:
            parts += self._block(block, point_base, node)
        _place(node, parts)

    def group(self, seq: etree._Element, base: str) -> Provision:
        """A ``GR.SEQ`` of an annex: a lettered or numbered section ("Section A", "Section 1")
        or a headed numbered point ("1. Introduction")."""
        title_el = seq.find("TITLE")
        ti = title_el.find("TI")
        heading_np = ti.find("NP")
        children = [c for c in seq if isinstance(c.tag, str) and c.tag != "TITLE"]
        if heading_np is not None:  # "3. Quality management system": a point with a title
            label = _clean(self.inline(heading_np.find("NO.P")))
            number = point_number(label)
            node = Provision(f"{base}.pnt_{number}", "Point", number, label,
                             title=_clean(self.inline(heading_np.find("TXT"))))
            self._fill(node, children, node.local_id)
            return node
        heading = _clean(" ".join(self.flat_lines(ti)))
        match = re.match(r"Section\s+([A-Z0-9]+)\W*\s*(.*)$", heading)
        if not match:
            raise CorpusError(f"annex group heading not understood: {heading!r}")
        number, title = match.group(1), match.group(2).strip(" .—")
        sti = title_el.find("STI")
        if sti is not None:
            title = _clean(" ".join(self.flat_lines(sti)))
        node = Provision(f"{base}.sct_{number}", "AnnexSection", number, f"Section {number}", title=title)
        self._fill(node, children, node.local_id)
        return node


def _container_parts(reader: _Reader, node: Provision, alineas: list, point_base: str) -> None:
    """Subparagraphs of a paragraph or of an article without numbered paragraphs.

    One subparagraph: its content is the container's own. Several: each becomes
    ``sbp_N``; points hang off the container, unless two subparagraphs use the same point
    letters (Article 43(1)), when they hang off their subparagraph.
    """
    if len(alineas) == 1:
        _place(node, reader.lines(alineas[0], point_base, node))
        return
    letters = [_point_labels(a) for a in alineas]
    seen: set[str] = set()
    clash = False
    for group in letters:
        if seen & group:
            clash = True
        seen |= group
    for index, alinea in enumerate(alineas, start=1):
        sub = Provision(f"{node.local_id}.sbp_{index}", "Subparagraph", str(index))
        base = sub.local_id if clash else point_base
        _place(sub, reader.lines(alinea, base, sub))
        node.children.append(sub)


def _join(parts: list, lines: list[str]) -> None:
    """Append lines; punctuation printed right after a block (the ";" after quoted text)
    stays on the block's last line."""
    for line in lines:
        if parts and isinstance(parts[-1], str) and line[:1] in ";,.:":
            parts[-1] += line
        else:
            parts.append(line)


def _point_labels(alinea: etree._Element) -> set[str]:
    """The labels of the points listed directly in one subparagraph (not their sub-points)."""
    return {
        point_number(np_.findtext("NO.P"))
        for lst in alinea.findall("LIST") + alinea.findall("P/LIST")
        for np_ in lst.findall("ITEM/NP")
        if np_.findtext("NO.P")
    }


def _place(node: Provision, parts: list) -> None:
    """Text before the first child is the node's text; a line after a child closes that
    child (it is printed right after it), and lines after the last child close the node."""
    pending: list[str] = []
    for part in parts:
        if isinstance(part, Provision):
            if pending:
                if node.children:
                    node.children[-1].closing += pending
                else:
                    node.text += pending
                pending = []
            node.children.append(part)
        else:
            pending.append(part)
    if node.children:
        node.closing += pending
    else:
        node.text += pending


def _text_of(reader: _Reader, el: etree._Element | None) -> str | None:
    if el is None:
        return None
    return _clean(" ".join(reader.flat_lines(el))) or None


def parse_enacting_article(reader: _Reader, art: etree._Element) -> Provision:
    number = str(int(art.get("IDENTIFIER")))
    node = Provision(f"art_{number}", "Article", number, _clean(reader.inline(art.find("TI.ART"))),
                     title=_text_of(reader, art.find("STI.ART")))
    paragraphs = art.findall("PARAG")
    if paragraphs:
        for parag in paragraphs:
            label = _clean(reader.inline(parag.find("NO.PARAG")))
            par_no = label.rstrip(".")
            par = Provision(f"{node.local_id}.par_{par_no}", "Paragraph", par_no, label)
            _container_parts(reader, par, parag.findall("ALINEA"), par.local_id)
            node.children.append(par)
    else:
        _container_parts(reader, node, art.findall("ALINEA"), node.local_id)
    return node


def _division(reader: _Reader, div: etree._Element, parent_id: str | None) -> Provision:
    heading = _clean(" ".join(reader.flat_lines(div.find("TITLE/TI"))))
    title = _text_of(reader, div.find("TITLE/STI"))
    word, number = heading.split()[0], heading.split()[-1]
    if word.upper() == "CHAPTER":
        node = Provision(f"cpt_{number}", "Chapter", number, heading, title=title)
    else:
        node = Provision(f"{parent_id}.sct_{number}", "Section", number, heading, title=title)
    for child in div:
        if child.tag == "DIVISION":
            node.children.append(_division(reader, child, node.local_id))
        elif child.tag == "ARTICLE":
            node.children.append(parse_enacting_article(reader, child))
    return node


def _annex(reader: _Reader, root: etree._Element) -> Provision:
    heading = _clean(reader.inline(root.find("TITLE/TI/P")))
    match = re.fullmatch(r"ANNEX ([IVXLC]+)", heading.replace("\u00a0", " "))
    if not match:
        raise CorpusError(f"annex heading not understood: {heading!r} (expected 'ANNEX' and a roman number)")
    number = match.group(1)
    # The title is the subtitle (STI), or, in Annex X, a second line of the heading.
    title = _text_of(reader, root.find("TITLE/STI"))
    if title is None:
        title = _clean(" ".join(_clean(reader.inline(p)) for p in root.findall("TITLE/TI/P")[1:])) or None
    node = Provision(f"anx_{number}", "Annex", number, heading, title=title)
    _place(node, reader.lines(root.find("CONTENTS"), node.local_id, node))
    return node


def _parse_file(path: Path) -> etree._Element:
    try:
        return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot be read ({exc})") from None
    except etree.XMLSyntaxError as exc:
        raise CorpusError(f"{path}: line {exc.lineno}, column {exc.offset}: not well-formed Formex XML: {exc.msg}") from None


def parse(folder: Path) -> tuple[Act, dict]:
    """Parse the English Formex package in ``folder`` into the provision tree.

    Returns the act and its metadata (title, dates) read from the files.
    """
    manifest = _parse_file(folder / MANIFEST)
    files = [ref.get("FILE") for ref in manifest.iter("REF.PHYS")]
    if not files:
        raise CorpusError(f"{folder / MANIFEST}: lists no document files")
    footnotes: list[Provision] = []
    reader = _Reader(footnotes)
    main = _parse_file(folder / files[0])
    if main.tag != "ACT":
        raise CorpusError(f"{folder / files[0]}: expected an ACT element, found {main.tag}")
    meta = {
        "title": [_clean(reader.inline(p)) for p in main.find("TITLE/TI").findall("P")],
        "date_document": main.find("BIB.INSTANCE/DATE").get("ISO"),
        "date_publication": manifest.find("PUBLICATION.REF/DATE").get("ISO"),
        "eli": manifest.find("BIB.DOC/NO.ELI").get("ID"),
    }
    reader.calls = []
    parts: list[Provision] = []

    preamble = main.find("PREAMBLE")
    pbl = Provision("pbl_1", "Preamble")
    pbl.text = reader.lines(preamble.find("PREAMBLE.INIT"), pbl.local_id, pbl)
    for index, visa in enumerate(preamble.iter("VISA"), start=1):
        cit = Provision(f"cit_{index}", "Citation", str(index))
        cit.text = reader.lines(visa, cit.local_id, cit)
        pbl.children.append(cit)
    intro = _clean(reader.inline(preamble.find("GR.CONSID/GR.CONSID.INIT")))
    for consid in preamble.iter("CONSID"):
        label = _clean(reader.inline(consid.find("NP/NO.P")))
        number = label.strip("()")
        rct = Provision(f"rct_{number}", "Recital", number, label)
        _place(rct, reader.lines(consid.find("NP/TXT"), rct.local_id, rct))
        pbl.children.append(rct)
    # "Whereas:" is printed between the last citation and the first recital: it closes the
    # last citation, which is where a reader meets it.
    pbl.children[len(list(preamble.iter("VISA"))) - 1].closing.append(intro)
    pbl.closing = reader.lines(preamble.find("PREAMBLE.FINAL"), "pbl_1", pbl)
    parts.append(pbl)

    enc = Provision("enc_1", "EnactingTerms")
    for child in main.find("ENACTING.TERMS"):
        if child.tag == "DIVISION":
            enc.children.append(_division(reader, child, None))
        elif child.tag == "ARTICLE":
            enc.children.append(parse_enacting_article(reader, child))
    parts.append(enc)

    final = main.find("FINAL")
    fin = Provision("fnp_1", "FinalPart")
    fin.text = reader.flat_lines(final)
    parts.append(fin)

    for name in files[1:]:
        root = _parse_file(folder / name)
        if root.tag != "ANNEX":
            raise CorpusError(f"{folder / name}: expected an ANNEX element, found {root.tag}")
        parts.append(_annex(reader, root))
    return Act("en", parts, footnotes), meta
