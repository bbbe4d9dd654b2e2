"""Citations of the AI Act in commentary: law-review articles, law-firm notes and authority
guidance, in French and English, turned into links to the provisions of the graph.

Commentary cites the Act more loosely than the Act cites itself: "Art. 6, §3", "art. 5, §2 à 7",
"cons. 46 et 64", "Art. 51, §1, b)", "article 5, §1, sous h)", "annexe III, pt 5, b)", "Article
26(5)", "recital 97", "Annex III, point 5(b)", "Article 6(3) AI Act", "l’article 50 du RIA".
:func:`link_text` finds every citation in one document and says, for each, what it cites:

* ``linked``: provisions of the Act, each the most specific subdivision that exists in the graph
  (a list or a range gives one provision per label: "§4 et 5" gives two);
* ``other``: a provision of another act ("article 3, point 19, du règlement (UE) 2019/1020",
  "art. 2 TUE", "Art. 4, §2, RGPD", "Article 6 GDPR", "Directive (EU) 2016/680, Article 3",
  "article L. 312-16 du code de la consommation"), never linked to the Act's article of the
  same number;
* a reference that names no article ("le point h)", "points (a) and (b)", "the second
  subparagraph") is relative to the provision of the Act cited just before it, when that
  provision or one of its ancestors has such a subdivision (:func:`_relative_targets`);
* ``unresolved`` or ``ambiguous``: a citation the linker recognises but cannot tie to one
  provision, with the reason ("paragraph 2" with no article cited before, "Article 6 has no paragraph 9",
  "Article 5, point (a)" where several paragraphs of Article 5 have a point (a)).

The grammar is the one the Act's own cross-references are read with (:mod:`aiact_kg.crossrefs`):
a citation is a chain of parts joined by commas or by "of"/"de", closed by the act it belongs
to. This module only adds the words of commentary to its two lexicons (abbreviated head words,
"§", "al. 2", a bare "b)" after a comma, the names commentary gives the Act and other acts) and
checks each cited subdivision against the built graph (:class:`ActIndex`).

A citation that names no act belongs to the *default act*: the AI Act unless told otherwise
(``default_act="none"``: such citations are listed as unresolved; the name of another act:
they are that act's). The language of a document (French or English) is read from the
frequencies of its stop words (:func:`detect_language`).

Documents are read from text, Markdown, HTML (text content), Word (.docx) and PDF (its text
layer, normalised by :mod:`aiact_kg.pdftext`) by :func:`read_source`. Citations are found in
the text as read; the JSON and Turtle outputs give their character offsets into the text as
the document gave it (for a PDF, its text layer as extracted, artefacts and all).
Results are written as HTML (the text with links, each with the start of the cited provision's
text in the document's language as its tooltip), JSON, plain text or Turtle (the document
``dct:references`` each provision; each citation is a W3C Web Annotation with a
``oa:TextPositionSelector`` and an ``oa:TextQuoteSelector``).
"""

from __future__ import annotations

import base64
import bisect
import dataclasses
import hashlib
import html
import io
import json
import logging
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

from . import crossrefs
from .citations import citation_label
from .crossrefs import _APOS, _ORDINALS, _WS, ELI_BASE, THIS_ACT, _Grammar, _Memory, _Part, _words
from .vocab import DEFAULT_BASE, ELI

if TYPE_CHECKING:
    from .pdftext import Normalised

__all__ = [
    "ACT_PATH",
    "ActIndex",
    "DocumentError",
    "FORMATS",
    "Found",
    "LinkedDocument",
    "MAX_BYTES",
    "detect_language",
    "link_text",
    "parse_citation",
    "read_document",
    "read_source",
    "Source",
    "register_command",
]

#: The Act's path under the base of our IRIs: ``{base}reg/2024/1689/{local id}``.
ACT_PATH = "reg/2024/1689"
#: The largest file the linker reads (a long article as PDF is well under it).
MAX_BYTES = 10 * 1024 * 1024
#: The longest text it links, in characters (about 300 pages).
MAX_CHARS = 1_000_000
#: The longest tooltip of a linked citation (:meth:`ActIndex.tooltip`), characters.
TOOLTIP_LENGTH = 180
FORMATS = ("html", "json", "ttl", "text")
#: Values of ``default_act`` that mean the AI Act itself.
_THIS_ACT_NAMES = re.compile(
    r"(?:the\s+)?(?:eu\s+)?(?:ai[\s-]*act|aia|ria|ai|ia|le\s+règlement|règlement|regulation|"
    r"(?:regulation|règlement)\s*\((?:eu|ue)\)\s*2024/1689|2024/1689|artificial\s+intelligence\s+act)",
    re.I,
)


# -- the Act as the linker knows it ---------------------------------------------------------------

class ActIndex:
    """The subdivisions of the built graph: which local ids exist, their order in the Act and
    the start of their text in each language. Built once from the named query
    ``linker-provisions`` (:meth:`from_store`)."""

    def __init__(self, rows: list[dict], base: str = DEFAULT_BASE):
        self.base = base
        self.act = f"{base}{ACT_PATH}"
        self.parent: dict[str, str | None] = {}
        self.order: dict[str, int] = {}
        self.texts: dict[tuple[str, str], str] = {}
        self.titles: dict[tuple[str, str], str] = {}
        for row in rows:
            local = _value(row["id"])
            self.parent.setdefault(local, _value(row.get("parent")))
            if row.get("order") is not None:
                self.order[local] = int(_value(row["order"]))
            for key, store in (("text", self.texts), ("title", self.titles)):
                literal = row.get(key)
                if literal is not None and getattr(literal, "language", None):
                    value = literal.value
                    store.setdefault((local, literal.language), _beginning(value) if key == "text" else value)
        self.ids = frozenset(self.parent)
        #: The ids under each article, annex or recital ("art_5" -> "art_5.par_1.pnt_a", ...).
        self.under: dict[str, list[str]] = {}
        for local in self.ids:
            self.under.setdefault(local.partition(".")[0], []).append(local)
        self.children: dict[str, list[str]] = {}
        for local, parent in self.parent.items():
            self.children.setdefault(_structural_parent(local) or "", []).append(local)
        self._keys: dict[str, tuple] = {}

    @classmethod
    def from_store(cls, store) -> "ActIndex":
        base = getattr(store, "base", None) or DEFAULT_BASE
        return cls(store.run("linker-provisions"), base)

    def iri(self, local_id: str) -> str:
        return f"{self.act}/{local_id}"

    def sort_key(self, local_id: str) -> tuple:
        """The place of a subdivision in the Act: preamble, enacting terms, final part, annexes
        (each by ``aiact:order`` down its parents), footnotes last."""
        key = self._keys.get(local_id)
        if key is None:
            parent = self.parent.get(local_id)
            own = (self.order.get(local_id, 0), local_id)
            if parent:
                key = self.sort_key(parent) + (own,)
            else:
                key = ((1 if local_id.startswith("ftn_") else 0,) + own,)
            self._keys[local_id] = key
        return key

    def tooltip(self, local_id: str, lang: str, length: int = TOOLTIP_LENGTH) -> str:
        """The start of a provision's text in ``lang``: its title and its first words, or the
        first words of its first part ("Article 6 — Classification rules … 1. Irrespective …"),
        at most ``length`` characters (at most :data:`TOOLTIP_LENGTH`: the index keeps no more
        of each text)."""
        length = min(length, TOOLTIP_LENGTH)
        label = citation_label(local_id, lang) if "_" in local_id else local_id
        title = self.titles.get((local_id, lang))
        words = self._first_text(local_id, lang, depth=0)
        head = f"{label} — {title}" if title else label
        if words:
            head = f"{head}: {words}"
        head = re.sub(r"\s+", " ", head).strip()
        return head if len(head) <= length else head[: length - 1].rstrip() + "…"

    def _first_text(self, local_id: str, lang: str, depth: int) -> str:
        text = self.texts.get((local_id, lang))
        if text or depth > 4:
            return text or ""
        parts = sorted(self.children.get(local_id, ()), key=self.sort_key)
        for part in parts:
            found = self._first_text(part, lang, depth + 1)
            if found:
                return found
        return ""

    # -- resolution
    def resolve(self, local_id: str, listed: bool = False) -> tuple[str, str | list[str] | None]:
        """A cited local id as it exists in the graph: ``("linked", id)``, ``("ambiguous",
        [ids])`` or ``("unresolved", reason)``.

        * "Article 3(4)" is point (4) of Article 3, which has points, not paragraphs;
        * "Annex I, point 5" is the point of whichever section of Annex I has it, and "Article 5,
          point (a)" the point (a) of the one paragraph of Article 5 that has one; ambiguous when
          several do ("Annex VIII, point 1");
        * ``listed`` after another label of the same citation, "art. 96, §1 et 97" cites Article
          97 where Article 96 has no paragraph 97;
        * a level the text does not have is dropped ("Article 26(5), first subparagraph" where
          paragraph 5 is not divided is Article 26(5)); a label the text does not have is not
          ("Article 6(9)": Article 6 has no paragraph 9).
        """
        if local_id in self.ids:
            return "linked", local_id
        steps = local_id.split(".")
        if (steps[0].startswith("art_") and len(steps) >= 2 and steps[1].partition("_")[0] in ("par", "sbp")
                and f"{steps[0]}.pnt_{steps[1].partition('_')[2]}" in self.ids
                and not any(c.startswith(f"{steps[0]}.par_") for c in self.children.get(steps[0], ()))):
            # "Article 3(4)", "Article 3(49)(c)": Article 3 has points, not paragraphs
            return self.resolve(".".join([steps[0], "pnt_" + steps[1].partition("_")[2]] + steps[2:]), listed)
        if listed and len(steps) == 2 and steps[0].startswith("art_") and steps[1].startswith("par_"):
            number, article = steps[1][4:], steps[0][4:]
            if f"art_{number}" in self.ids and number.isdigit() and article.isdigit() and int(number) > int(article):
                return "linked", f"art_{number}"
        middle = {"art": r"par_\d+", "anx": r"sct_\w+"}.get(steps[0].partition("_")[0])
        if len(steps) >= 2 and middle and steps[1].startswith("pnt_"):
            pattern = re.compile(re.escape(steps[0]) + rf"\.{middle}\." + re.escape(".".join(steps[1:])) + "$")
            candidates = sorted((i for i in self.under.get(steps[0], ()) if pattern.match(i)), key=self.sort_key)
            if len(candidates) == 1:
                return "linked", candidates[0]
            if candidates:
                return "ambiguous", candidates
        if steps[0] not in self.ids:
            kind = steps[0].partition("_")[0]
            count = sum(1 for i in self.ids if "." not in i and i.startswith(kind + "_"))
            words = {"art": "articles", "rct": "recitals", "anx": "annexes", "cpt": "chapters"}.get(kind)
            extent = f" (it has {count} {words})" if words and count else ""
            return "unresolved", f"the AI Act has no {citation_label(steps[0], 'en')}{extent}"
        kept = steps[0]
        for step in steps[1:]:
            candidate = f"{kept}.{step}"
            if candidate in self.ids:
                kept = candidate
                continue
            kind = step.partition("_")[0]
            siblings = [c for c in self.children.get(kept, ()) if c.rsplit(".", 1)[-1].startswith(kind + "_")]
            if siblings:
                return "unresolved", f"{citation_label(kept, 'en')} has no {_KIND_WORDS.get(kind, kind)} {step.partition('_')[2]}"
        return "linked", kept


_KIND_WORDS = {"par": "paragraph", "sbp": "subparagraph", "pnt": "point", "sct": "section", "art": "article"}


def _structural_parent(local_id: str) -> str | None:
    """The local id a subdivision's id extends (``art_6.par_3.pnt_a`` -> ``art_6.par_3``)."""
    return local_id.rpartition(".")[0] or None


def _value(term) -> str | None:
    return None if term is None else getattr(term, "value", term)


_SPACES = re.compile(r"\s+")


def _beginning(text: str) -> str:
    """As much of a provision's text as a tooltip can show: the tooltip collapses runs of
    spaces, then cuts, so a beginning that holds more than :data:`TOOLTIP_LENGTH` characters
    once collapsed gives the same tooltip as the whole text (the index of the Act keeps some
    250 kB of beginnings instead of 2 MB of text)."""
    cut = 2 * TOOLTIP_LENGTH
    while cut < len(text):
        if len(_SPACES.sub(" ", text[:cut]).strip()) > TOOLTIP_LENGTH + 1:
            return text[:cut]
        cut *= 2
    return text


# -- reading documents ----------------------------------------------------------------------------

class DocumentError(ValueError):
    """A document the linker cannot read; the message says why, for the person who gave it."""


@dataclass
class Source:
    """A document's text as the linker reads it (``text``) and as the document gave it
    (``original``: a PDF's text layer as extracted, page after page); for a PDF, ``normalised``
    says where each character of ``text`` comes from in ``original``. For other formats the two
    texts are the same."""

    text: str
    original: str
    normalised: "Normalised | None" = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Where ``text[start:end]`` is in ``original``."""
        return self.normalised.source_span(start, end) if self.normalised is not None else (start, end)


def read_document(data: bytes, name: str = "", max_bytes: int | None = MAX_BYTES) -> str:
    """The text of a document given as bytes, as the linker reads it (see :func:`read_source`)."""
    return read_source(data, name, max_bytes).text


def read_source(data: bytes, name: str = "", max_bytes: int | None = MAX_BYTES) -> Source:
    """A document given as bytes: .txt and .md as they are (UTF-8, or Windows-1252 when not
    UTF-8), .html its text content, .docx the text of its paragraphs, .pdf its text layer
    (normalised by :mod:`aiact_kg.pdftext`, the text as extracted kept). Raises
    :class:`DocumentError` for an empty, binary, oversized or unreadable document."""
    if max_bytes is not None and len(data) > max_bytes:
        raise DocumentError(f"the file is {len(data) / 1024 / 1024:.1f} MB; the linker reads files up to "
                            f"{max_bytes // (1024 * 1024)} MB")
    if not data.strip():
        raise DocumentError("the document is empty")
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf" or (suffix not in (".txt", ".md", ".html", ".htm", ".docx") and data.startswith(b"%PDF")):
        source = pdf_source(_pdf_pages(data))
    elif suffix == ".docx" or (suffix not in (".txt", ".md", ".html", ".htm") and data.startswith(b"PK\x03\x04")):
        source = Source(*[_docx_text(data)] * 2)
    elif suffix in (".html", ".htm") or (not suffix and re.match(rb"\s*<(?:!doctype\s+html|html)", data[:200], re.I)):
        source = Source(*[_html_text(data)] * 2)
    else:
        source = Source(*[_plain_text(data)] * 2)
    if not source.text.strip():
        raise DocumentError("the document has no text")
    if len(source.text) > MAX_CHARS:
        raise DocumentError(f"the text has {len(source.text):,} characters; the linker links texts of up to {MAX_CHARS:,}")
    return source


def pdf_source(pages: list[str]) -> Source:
    """The text layer of a PDF's pages (by any extractor), normalised for linking; offsets map
    back into the pages as extracted, joined by :data:`aiact_kg.pdftext.PAGE_BREAK`."""
    from .pdftext import normalise_pages

    normalised = normalise_pages(pages)
    return Source(check_text(normalised.text), normalised.original, normalised)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _plain_text(data: bytes) -> str:
    if data.startswith(b"%PDF") or data.startswith(b"PK\x03\x04"):
        raise DocumentError("this looks like a PDF or Word file: give it its .pdf or .docx name")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return check_text(text)


def check_text(text: str) -> str:
    """A pasted or decoded text, refused when it is empty or not text (binary junk)."""
    if not text.strip():
        raise DocumentError("the text is empty")
    sample = text[:20_000]
    if "\x00" in sample or len(_CONTROL.findall(sample)) > max(2, len(sample) // 200) or (
            sample.count("\ufffd") > max(8, len(sample) // 50)):
        raise DocumentError("this is not text (binary data): give a text, Markdown, HTML, .docx or .pdf file")
    return text


def _html_text(data: bytes) -> str:
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(data)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise DocumentError(f"the HTML cannot be read ({exc})") from None
    for element in root.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    for element in root.xpath("//sup[a[starts-with(@href, '#')]]"):  # a footnote marker, not text
        element.drop_tree()
    for element in root.iter("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "div", "tr", "dd", "dt"):
        element.tail = "\n\n" + (element.tail or "").lstrip("\n")  # a block of the page is a paragraph of the text
    return check_text(re.sub(r"\n{3,}", "\n\n", root.text_content()).strip() + "\n")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(data: bytes) -> str:
    """The paragraphs of a Word document, one a line: runs' text, tabs and line breaks."""
    import lxml.etree

    from . import limits

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            xml = limits.read_zip_part(archive, info)
    except KeyError:
        raise DocumentError("this zip file is not a Word document (no word/document.xml)") from None
    except limits.LimitExceeded as exc:
        raise DocumentError(f"the Word document is refused: {exc}") from None
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zlib.error, NotImplementedError) as exc:
        raise DocumentError(f"the Word document cannot be read ({exc})") from None
    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml:
        raise DocumentError("the Word document declares a DTD or entities, which Word never writes: refused")
    try:
        root = lxml.etree.fromstring(xml, parser=lxml.etree.XMLParser(resolve_entities=False, no_network=True,
                                                                      huge_tree=False))
    except lxml.etree.XMLSyntaxError as exc:
        raise DocumentError(f"the Word document cannot be read ({exc})") from None
    lines = []
    for paragraph in root.iter(f"{_W}p"):
        pieces = []
        for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
            pieces.append(node.text or "" if node.tag == f"{_W}t" else "\t" if node.tag == f"{_W}tab" else "\n")
        lines.append("".join(pieces))
    return check_text("\n\n".join(lines))  # one Word paragraph, one paragraph of the text


def _pdf_pages(data: bytes) -> list[str]:
    """The text layer of each page, as pypdf reads it."""
    try:
        import pypdf
        from pypdf.errors import PyPdfError
    except ImportError:  # pragma: no cover - pypdf is a dependency
        raise DocumentError("reading PDF needs the pypdf package") from None
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not the reader's business
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError("the PDF is encrypted: give a copy without a password")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, ZeroDivisionError) as exc:
        raise DocumentError(f"the PDF cannot be read ({type(exc).__name__}: {exc})") from None
    if not "".join(pages).strip():
        raise DocumentError("the PDF has no text layer (a scan?): run text recognition on it first, or paste its text")
    return pages


# -- language -----------------------------------------------------------------------------------------

_STOP_WORDS = {
    "en": frozenset("the of and to in is that for it as with be on by this are which or not an from "
                    "at its was has have shall may should would under where see".split()),
    "fr": frozenset("le la les de des du et est en que qui dans pour par une un sur au aux ne pas ce "
                    "cette il se son sa ses sont été être doit lorsque selon l d qu à voir".split()),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str) -> str:
    """"fr" or "en": whichever language's stop words are more frequent in the text (its first
    50,000 characters); English when there are none."""
    counts = Counter()
    for word in _WORD.findall(text[:50_000].lower()):
        for lang, words in _STOP_WORDS.items():
            if word in words:
                counts[lang] += 1
    return "fr" if counts["fr"] > counts["en"] else "en"


# -- the words of commentary ----------------------------------------------------------------------

_LETTER = r"(?:[a-z]|[ivxl]{2,6})"


def _english_commentary() -> tuple[crossrefs._Lexicon, re.Pattern]:
    base = crossrefs._LEXICONS["en"]
    ordinal = _words(*_ORDINALS["en"])
    # A point label alone after a comma continues a citation: "(b)" not followed by a word, or,
    # in the continental style, "b)" not followed by a word other than of/and/or/to.
    bare_point = rf"(?=\([a-z]\)(?!{_WS}*\w)|{_LETTER}\)(?!{_WS}*(?!(?:of|and|or|to)\b)\w)))"
    heads = rf"""(?P<art>[Aa]rticles?|[Aa]rts?\.|Arts?(?={_WS}\d)){_WS}*(?=[A-Z]?\d)
        |(?P<par>[Pp]aragraphs?|[Pp]aras?\.|§§?){_WS}*(?=\(?\d)
        |(?P<pnt>(?:[Pp]oints?|[Pp]ts?\.|[Ss]ub-?points?){_WS}*(?=\(|\d)|[Ss]ub{_WS}+(?=\({_LETTER}\))|{bare_point}
        |(?P<cpt>Chapters?|Chap\.){_WS}+(?=[IVX]+\b)
        |(?P<sct>Sections?){_WS}+(?=(?:[A-Z]|\d+)\b)
        |(?P<anx>[Aa]nnex(?:es)?){_WS}+(?=[IVX]+\b)
        |(?P<anx0>Annex)(?={_WS}+to{_WS})
        |(?P<rct>[Rr]ecitals?|[Rr]ecs?\.){_WS}*(?=\(?\d)
        |(?P<this>[Tt]his){_WS}+(?P<thiskind>Article|paragraph|subparagraph|point|Chapter|Section|Annex)\b
        |(?P<that>[Tt]hat|(?:the{_WS}+)?same){_WS}+(?P<thatkind>Article|paragraph|subparagraph|point|Chapter|Section|Annex)\b(?!-)
        |(?P<sbp>{ordinal}(?:(?:{_WS}*,{_WS}*|{_WS}+(?:and|or){_WS}+(?:the{_WS}+)?){ordinal})*)
            {_WS}+(?:subparagraphs?|paragraphs?)\b
        |(?P<sbpn>[Ss]ub-?paragraphs?|[Ss]ub-?paras?\.){_WS}*(?=\d)
        """
    named_other = (r"TFEU|TEU|GDPR|EUDPR|DSA|DMA|ECHR|LED|NIS{_WS}?2|CRA|DGA|Charter|Treaty|Treaties|Protocol"
                   r"|Convention|Title|Part").replace("{_WS}", _WS)
    generic_other = (rf"(?:[A-Z][\w-]+{_WS}+){{1,4}}(?:Act|Directive|Regulation|Convention|Code|Statute|Law|Rules"
                     rf"|Agreement)\b|(?:Statute|Constitution|Basic{_WS}+Law)\b")
    own = (rf"(?:(?:the{_WS}+)?(?:EU{_WS}+)?(?:AI|Artificial{_WS}+Intelligence){_WS}+(?:Act|Regulation)"
           rf"|AIA|(?:this|the){_WS}+(?:Regulation|Act)(?!{_WS}*\(|{_WS}+(?:No|\d|on|of)\b))\b")
    return _commentary_lexicon(
        base, heads,
        article_label=re.compile(
            rf"(?P<n>[A-Z]?\d+[a-z]?)(?![\d/])(?!\.\d)"
            rf"(?:{_WS}?(?=\((?:\d+|[a-z]|[ivxl]{{2,6}})\))(?:\((?P<p>\d+)\))?(?P<pts>(?:\((?:[a-z]|[ivxl]{{2,6}})\))*))?"
        ),
        paragraph_label=re.compile(r"\((\d+)\)|(\d+)(?![\d/])(?!\.\d)"),
        own_act=own,
        own_suffix=rf"{_WS}*(?:,{_WS}*)?(?:(?:EU{_WS}+)?AI{_WS}+Act|AIA)\b",
        other=named_other, other_generic=generic_other,
        other_suffix=rf"(?:{_WS}*,{_WS}*|{_WS}+)(?:TFEU|TEU|GDPR|EUDPR|DSA|DMA|ECHR|LED|CRA|DGA|NIS{_WS}?2)\b",
        bare_point=bare_point,
        point_first=re.compile(rf"{base.point_first.pattern}|({_LETTER})\)(?!\w)"),
    )


def _french_commentary() -> tuple[crossrefs._Lexicon, re.Pattern]:
    base = crossrefs._LEXICONS["fr"]
    ordinal = _words(*_ORDINALS["fr"])
    that = (r"(?:[Ll]edit|[Ll]adite|[Ll]esdite?s|[Dd]udit|[Aa]udit|[Dd]esdite?s|[Aa]uxdite?s"
            rf"|(?:[Ll]e{_WS}+|[Ll]a{_WS}+)?même|[Cc]e(?:t|tte)?(?={_WS}+(?:article|paragraphe|alinéa|annexe)\b))")
    act_words = r"(?:directive|règlement|décision|recommandation)"
    bare_point = r"(?=[a-z]\)|\d+\)))"  # "§1, b)", "art. 3, 4)": a point after a comma
    heads = rf"""(?P<art>[Aa]rticles?|[Aa]rts?\.|Arts?(?={_WS}\d)){_WS}*(?=[A-Z]?\d|premier\b|1er\b)
        |(?P<par>[Pp]aragraphes?|§§?|[Pp]ar\.|[Pp]aras?\.){_WS}*(?=\d)
        |(?P<pnt>(?:[Pp]oints?|[Pp]ts?\.?){_WS}*(?=\d|{_LETTER}\))|[Ss]ous{_WS}+(?={_LETTER}\))
            |(?:(?<=\b[Ll]e{_WS})|(?<=\b[Aa]u{_WS})|(?<=\b[Dd]u{_WS})|(?<=\b[Aa]ux{_WS})|(?<=\b[Ll]es{_WS}))
                (?=(?:[a-z]|[ivx]{{1,4}})\)(?!{_WS}*\w+\)))|{bare_point}
        |(?P<cpt>[Cc]hapitres?|[Cc]hap\.){_WS}+(?=[IVX]+\b)
        |(?P<sct>[Ss]ections?){_WS}+(?=(?:[A-Z]|\d+)\b)
        |(?P<anx>[Aa]nnexes?){_WS}+(?=[IVX]+\b)
        |(?P<anx0>[Aa]nnexe)(?={_WS}*,{_WS}*points?{_WS}|{_WS}+(?:de{_WS}+la|du|de{_WS}+l{_APOS}){_WS}*{act_words})
        |(?P<rct>[Cc]onsidérants?|[Cc]ons\.){_WS}*(?=\(?\d)
        |(?P<this>[Pp]résente?){_WS}+(?P<thiskind>article|paragraphe|alinéa|point|chapitre|section|annexe)\b
        |(?P<that>{that}){_WS}+(?P<thatkind>article|paragraphe|alinéa|point|chapitre|section|annexe)s?\b
        |(?P<sbp>{ordinal}(?:(?:{_WS}*,{_WS}*|{_WS}+(?:et|ou){_WS}+){ordinal})*){_WS}+alinéas?\b
        |(?P<sbpn>[Aa]linéas?|al\.){_WS}*(?=\d|premier\b|1er\b)
        """
    named_other = (r"TFUE|TUE|RGPD|DSA|DMA|CEDH|[Cc]harte|traités?|protocole|convention|titre|partie"
                   rf"|[Cc]ode|[Ll]oi|[Dd]écret|[Oo]rdonnance|règlement{_WS}+général|directive{_WS}+NIS")
    own = (rf"(?:RIA|AI{_WS}+Act|AIA|règlement{_WS}+(?:IA|sur{_WS}+l{_APOS}{_WS}*(?:IA|intelligence{_WS}+artificielle)"
           rf"|européen{_WS}+sur{_WS}+l{_APOS}{_WS}*(?:IA|intelligence{_WS}+artificielle))"
           rf"|(?:présent{_WS}+)?règlement(?!{_WS}*(?:\(|n[o°ºᵒ]{_WS}|\d|d{_APOS}|délégué|général)))\b")
    return _commentary_lexicon(
        base, heads,
        article_label=re.compile(
            rf"(?P<n>[A-Z]?\d+|premier|1er)\b(?:{_WS}+(?P<bis>bis|ter|quater)\b)?(?![\d/])"
            rf"(?:{_WS}?(?=\((?:\d+|[a-z]|[ivxl]{{2,6}})\))(?:\((?P<p>\d+)\))?(?P<pts>(?:\((?:[a-z]|[ivxl]{{2,6}})\))*))?"
        ),
        paragraph_label=re.compile(r"(\d+)(?:er)?(?![\d/])(?!\.\d)"),
        own_act=own,
        own_suffix=rf"{_WS}+(?:RIA|AI{_WS}+Act|AIA)\b",
        other=named_other, other_generic=r"(?!)",
        other_suffix=rf"(?:{_WS}*,{_WS}*|{_WS}+)(?:TFUE|TUE|RGPD|DSA|DMA|CEDH)\b",
        bare_point=bare_point,
    )


#: Head words that start a citation of their own after a comma.
_NEW_CITATION = (r"(?:[Cc]hap(?:ters?|itres?|\.)|[Aa]nnex(?:es?)?|[Aa]rticles?|[Aa]rts?\.|[Rr]ecitals?|[Rr]ecs?\."
                 r"|[Cc]onsidérants?|[Cc]ons\.)")


def _commentary_lexicon(base, heads: str, *, article_label, paragraph_label, own_act: str, own_suffix: str,
                        other: str, other_generic: str, other_suffix: str, bare_point: str,
                        point_first: re.Pattern | None = None) -> tuple[crossrefs._Lexicon, re.Pattern]:
    """A lexicon of the Act's grammar with the words of commentary, and the pattern of the
    Act's name written right after a citation without "of" ("Article 6(3) AI Act", "art. 5 RIA")."""
    heads_re = re.compile(heads, re.X)
    # Scanning starts only at a head word: a bare "b)" continues a citation, it never opens one.
    scan_heads = heads.replace("|" + bare_point, ")")
    assert scan_heads != heads, "the bare point label must not open a citation"
    act_name = base.act_name.pattern
    start = re.compile(rf"\b(?:(?P<part>{scan_heads})|(?P<act>{act_name})|(?P<other>{other})\b)|(?P<par2>§)", re.X)
    # In commentary a comma also separates citations ("Article 6, Article 9, Chapter V"): it
    # joins only a finer part ("Article 6, paragraph 3"), never a new article, chapter or annex.
    join_smaller = re.compile(rf"(?:{_WS}*,{_WS}*|{_WS}+)(?!{_NEW_CITATION}{_WS}*[\dIVX(])")
    # "Articles 8–15", "art. 8-15", "Annexes I–III": a dash between two labels is a range too.
    range_word = re.compile(rf"{base.range_word.pattern}|{_WS}?[-–—]{_WS}?(?=\(?(?:\d|[a-z]\)|[IVX]))")
    lexicon = dataclasses.replace(
        base, heads=heads_re, join_smaller=join_smaller, range_word=range_word, article_label=article_label, paragraph_label=paragraph_label,
        own_act=re.compile(own_act), other_text=re.compile(rf"(?:{other}|{other_generic})\b"),
        other_text_suffix=re.compile(other_suffix), start=start, point_first=point_first or base.point_first,
    )
    return lexicon, re.compile(own_suffix)


_POINT_CONTINUATION = re.compile(r"\(([a-z]|[ivxl]{2,6})\)")
_SUBPARAGRAPH_LABEL = re.compile(r"(\d+)(?:er|e)?(?![\d/])|(premier|1er)\b")


class _CommentaryGrammar(_Grammar):
    """The Act's grammar with the lexicon of commentary: numbered subparagraphs ("al. 2",
    "subparagraph 2") and a bare point label after a comma ("§1, b)")."""

    def __init__(self, lang: str, words: tuple[crossrefs._Lexicon, re.Pattern]):
        lexicon, self.own_suffix = words
        self.lex = lexicon
        self.ordinals = _ORDINALS[lang]
        self.items = {
            "art": self._article_item,
            "par": self._simple_item("par", lexicon.paragraph_label),
            "pnt": self._point_item,
            "cpt": self._simple_item("cpt", lexicon.roman_label),
            "anx": self._simple_item("anx", lexicon.roman_label),
            "sct": self._simple_item("sct", lexicon.section_label),
            "rct": self._simple_item("rct", lexicon.recital_label),
            "sbp": self._subparagraph_item,
        }

    @staticmethod
    def _subparagraph_item(text: str, pos: int, previous):
        m = _SUBPARAGRAPH_LABEL.match(text, pos)
        if not m:
            return None
        return (crossrefs._Step("sbp", m.group(1) or "1"),), m.end()

    def _article_item(self, text: str, pos: int, previous):
        """Also a point continuing a list or range after an article's point: the "(h)" of
        "Article 5(1)(a) to (h)" and the "(c)" of "Article 5(1)(b) and (c)"; but a number closed
        by a bracket is not a further article in a list ("art. 3, 4)" is point 4) of Article 3)."""
        found = super()._article_item(text, pos, previous)
        if found and previous is not None and found[0][-1].kind == "art" and text.startswith(")", found[1]):
            return None  # "art. 3, 4)": point 4) of Article 3, not Articles 3 and 4
        if found or previous is None or previous[-1].kind != "pnt":
            return found
        m = _POINT_CONTINUATION.match(text, pos)
        if not m:
            return None
        label = m.group(1)
        return (crossrefs._Step("pnt", label, crossrefs._point_class(label, previous[-1].cls)),), m.end()

    def part(self, text: str, pos: int):
        m = self.lex.heads.match(text, pos)
        if m and m.lastgroup == "sbpn":
            parsed = self.labels("sbp", text, m.end())
            return _Part("sbp", m.start(), parsed[1], paths=parsed[0]) if parsed else None
        return super().part(text, pos)


_GRAMMARS = {
    "en": _CommentaryGrammar("en", _english_commentary()),
    "fr": _CommentaryGrammar("fr", _french_commentary()),
}


# -- linking ----------------------------------------------------------------------------------------

@dataclass
class Found:
    """One citation in a document."""

    start: int  # character offsets into the text as read
    end: int
    quote: str
    status: str  # linked | other | unresolved | ambiguous
    targets: tuple[str, ...] = ()  # local ids of the Act's provisions (linked), candidates (ambiguous)
    act: str = ""  # other: the act cited (an ELI, or its name as written)
    reason: str = ""  # unresolved, ambiguous; linked: what was not linked in a list, or how it was read
    #: How sure the reading is: 1.0 when the citation names everything it cites; less when a
    #: part was read from the context (a reference relative to the provision cited before, "et
    #: s.", an act known from the sentence or the footnote), 0.0 when not linked.
    confidence: float = 1.0

    def as_dict(self, index: ActIndex, source: Source | None = None) -> dict:
        """The citation for JSON. With the ``source`` of a normalised text (a PDF's), ``start``,
        ``end`` and ``quote`` are into the text as the document gave it (the quote with what
        extraction left in it), and ``read`` is the citation as it was read."""
        start, end, quote = self.start, self.end, self.quote
        if source is not None and source.normalised is not None:
            start, end = source.span(self.start, self.end)
            quote = source.original[start:end]
        out = {"start": start, "end": end, "quote": quote, "status": self.status,
               "confidence": round(self.confidence if self.status in ("linked", "other") else 0.0, 2)}
        if quote != self.quote:
            out["read"] = self.quote
        if self.targets:
            out["provisions"] = [{"id": t, "iri": index.iri(t), "label": citation_label(t, "en")} for t in self.targets]
        if self.act:
            out["act"] = self.act
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass
class LinkedDocument:
    """A document with its citations, as :func:`link_text` returns it. Offsets of citations are
    into ``text``; :meth:`original_span` gives them in the text as the document gave it."""

    text: str
    lang: str
    citations: list[Found]
    index: ActIndex
    name: str = ""
    iri: str = ""
    source: Source | None = None  # the document's text as given, when ``text`` is normalised from it

    def __post_init__(self):
        if self.source is None:
            self.source = Source(self.text, self.text)
        if not self.iri:  # a named-information IRI of the text (RFC 6920)
            digest = base64.urlsafe_b64encode(hashlib.sha256(self.text.encode("utf-8")).digest()).rstrip(b"=")
            self.iri = f"ni:///sha-256;{digest.decode('ascii')}"

    @property
    def original(self) -> str:
        """The text as the document gave it (a PDF's text layer as extracted)."""
        return self.source.original

    def original_span(self, citation: Found) -> tuple[int, int]:
        """Where a citation is in :attr:`original`."""
        return self.source.span(citation.start, citation.end)

    @property
    def linked(self) -> list[Found]:
        return [c for c in self.citations if c.status == "linked"]

    @property
    def problems(self) -> list[Found]:
        return [c for c in self.citations if c.status in ("unresolved", "ambiguous")]

    @property
    def other_acts(self) -> list[Found]:
        return [c for c in self.citations if c.status == "other"]

    def provisions(self) -> list[dict]:
        """Each cited provision once, in the Act's order: how often and where it is cited."""
        where: dict[str, list[tuple[int, int]]] = {}
        for c in self.linked:
            for target in c.targets:
                where.setdefault(target, []).append((c.start, c.end))
        return [{"id": local, "iri": self.index.iri(local), "label": citation_label(local, self.lang),
                 "count": len(spans), "positions": spans,
                 "tooltip": self.index.tooltip(local, self.lang)}
                for local, spans in sorted(where.items(), key=lambda item: self.index.sort_key(item[0]))]


def link_text(text: str | Source, index: ActIndex, lang: str | None = None, default_act: str = "ai-act",
              name: str = "", iri: str = "") -> LinkedDocument:
    """Every citation in ``text`` (a whole document, or its :class:`Source` as
    :func:`read_source` reads it), in order, resolved against ``index``.

    ``lang`` is "fr" or "en" (detected from the text when None). ``default_act`` is the act a
    citation that names none belongs to: the AI Act (any of its names), "none", or another act."""
    source = text if isinstance(text, Source) else None
    text = source.text if source is not None else text
    lang = lang or detect_language(text)
    grammar = _GRAMMARS.get(lang)
    if grammar is None:
        raise ValueError(f"unsupported language {lang!r}: expected en or fr")
    default = _default_act(default_act)
    memory = _Memory()
    items = crossrefs._scan(grammar, text)
    for kind, item in items:  # "Article 6(3) AI Act": named after the citation, without "of"
        suffix = grammar.own_suffix.match(text, item.end) if kind == "chain" and item.act is None else None
        if suffix:
            item.act, item.end = "self", suffix.end()
    for (kind, item), (before, named) in zip(items[1:], items):  # "Directive (EU) 2016/680, Article 3"
        if kind == "chain" and item.act is None and before == "act" and _ACT_THEN_COMMA.fullmatch(
                text, named[1], item.start):
            others = [p for p in named[2] if p != THIS_ACT]
            if others:
                item.act = "eli:" + " ".join(others)
    crossrefs._share_acts(text, items)  # "Article 13 and Article 14 GDPR": both the GDPR's
    found: list[Found] = []
    last_end = None  # where the last citation of the Act ends
    recent: list[Found] = []  # the citations of the Act linked so far
    layout = _Layout(text, items, lang)
    for position, (kind, item) in enumerate(items):
        if kind == "other":
            memory.last_was_local = False
        elif kind == "act":
            for path in item[2]:
                memory.named(path)
            if any(p != THIS_ACT for p in item[2]):
                memory.last_was_local = False
        else:
            context = _act_in_context(text, item, layout) if item.act is None and default == "self" else None
            if context is not None:
                memory.last_was_local = False
                found.append(context)
                continue
            following = crossrefs._coordinated(text, items, position)
            next_annex = following.explicit_annex() if following else None
            citation = _resolve_chain(item, text, memory, next_annex, index, default, layout, last_end, recent)
            if citation is not None and citation.status == "linked":
                _and_following(citation, text, index)
                last_end = citation.end
                recent.append(citation)
            found.append(citation)
    found = _enumerated_articles([f for f in found if f is not None], text, index)
    codes = [Found(m.start(), m.end(), m.group(0), "other", act=m.group("code") or m.group("abbr") or "a code")
             for m in _CODE_ARTICLE.finditer(text)]
    if codes:  # "article L. 312-16 du code de la consommation": never the Act's
        found = sorted([f for f in found if not any(c.start < f.end and f.start < c.end for c in codes)] + codes,
                       key=lambda f: f.start)
    return LinkedDocument(text, lang, found, index, name, iri, source)


def parse_citation(query: str, index: ActIndex, lang: str | None = None) -> list[Found]:
    """The citations a short query is made of ("cons. 53", "art. 6, §2", "Article 3(4)",
    "Article 114"), read by the linker's grammar: in ``lang``, or in English and French,
    whichever reads the query as citations that cover most of it. Citations covering less than
    60 % of the query are left out (a query that mentions an article among other words is a
    search, not a citation)."""
    text = query.strip()
    best: list[Found] = []
    for language in ([lang] if lang else ["en", "fr"]):
        found = [c for c in link_text(text, index, language).citations
                 if c.end - c.start >= 0.6 * len(text) and c.status != "other"]
        if found and (not best or (found[0].status == "linked" and best[0].status != "linked")):
            best = found
    return best


def _default_act(value: str | None) -> str:
    value = (value or "ai-act").strip()
    if value.lower() == "none":
        return "none"
    if _THIS_ACT_NAMES.fullmatch(value):
        return "self"
    return value


#: An article of a French code ("article L. 312-16 du code de la consommation", "art. R. 4127-1
#: CSP", "article L1121-1 du code du travail"): the Act has no article so numbered.
_CODE_ARTICLE = re.compile(
    rf"\b(?:[Aa]rticles?|[Aa]rts?\.){_WS}*[LRDA]\.?{_WS}?(?:O\.?{_WS}?)?\d+(?:-\d+)+"
    rf"(?:{_WS}+(?:du|de{_WS}+la){_WS}+(?P<code>[Cc]ode(?:{_WS}+(?:de{_WS}+la|de{_WS}+l{_APOS}|du|des|de)"
    rf"{_WS}*[\w-]+|{_WS}+[^\W\d_]+)?)|{_WS}+(?P<abbr>C[A-Z]{{1,5}})\b)?"
)


#: An act named just before a citation, with a comma between: "Directive (EU) 2016/680, Article 3".
_ACT_THEN_COMMA = re.compile(rf"{_WS}*,{_WS}*")


def _resolve_chain(chain, text: str, memory: _Memory, next_annex, index: ActIndex, default: str,
                   layout: "_Layout", last_end: int | None = None, recent: list[Found] | None = None) -> Found | None:
    quote = text[chain.start:chain.end]
    act = chain.act
    if act and act.startswith("that:"):
        named = memory.last_acts.get(act[5:])
        act = "other" if named is None else "self" if named == THIS_ACT else "eli:" + named
    if act is None and default != "self":
        if default == "none":
            return Found(chain.start, chain.end, quote, "unresolved",
                         reason="no act is named and the text has no default act")
        memory.last_was_local = False
        return Found(chain.start, chain.end, quote, "other", act=default)
    if act == "other":
        memory.last_was_local = False
        return Found(chain.start, chain.end, quote, "other", act=_act_words(text, chain))
    if act and act.startswith("eli:"):
        for path in act[4:].split():
            memory.named(path)
        memory.last_was_local = False
        return Found(chain.start, chain.end, quote, "other",
                     act=" ".join(f"{ELI_BASE}{p}/oj" for p in act[4:].split()))
    chain.act = "self" if chain.act is None else chain.act
    cited = crossrefs._chain_targets(chain, None, memory, next_annex)
    relative_to = None
    if not cited:
        cited, relative_to = _relative_targets(chain, text, memory, index, layout, last_end, recent or [])
    if not cited:
        return Found(chain.start, chain.end, quote, "unresolved",
                     reason="it names no article, annex or recital (a reference relative to a provision the text "
                            "does not name)")
    cited = _subpoints(cited, index)
    linked: list[str] = []
    problems: list[str] = []
    candidates: list[str] = []
    for number, local in enumerate(cited):
        status, value = index.resolve(local, listed=number > 0)
        if status == "linked":
            linked.append(value)
        elif status == "ambiguous":
            candidates.extend(value)
            problems.append(f"{citation_label(local, 'en')} may be " + " or ".join(
                citation_label(v, "en") for v in value))
        else:
            problems.append(value)
    linked = list(dict.fromkeys(linked))
    if linked:
        if relative_to:
            problems.insert(0, f"read as relative to {citation_label(relative_to, 'en')}, cited before")
        return Found(chain.start, chain.end, quote, "linked", tuple(linked), reason="; ".join(problems),
                     confidence=0.8 if relative_to else 0.9 if problems else 1.0)
    if candidates:
        return Found(chain.start, chain.end, quote, "ambiguous", tuple(dict.fromkeys(candidates)),
                     reason="; ".join(problems))
    return Found(chain.start, chain.end, quote, "unresolved", reason="; ".join(problems))


#: What follows a reference to the commentary's own divisions, not the Act's ("point 3 below").
_OWN_DIVISION = re.compile(rf"{_WS}*(?:above|below|supra|infra|ci-dessus|ci-dessous)\b")
#: A complement naming what the reference belongs to, which was not recognised ("point 2 of the
#: guidelines", "paragraphe 4 du code"): the reference is not relative to the Act.
_UNRECOGNISED_COMPLEMENT = re.compile(rf"{_WS}*,?{_WS}*(?:of|in|de|du|des|d{_APOS})(?:{_WS}|\b)")
#: A blank line: a new paragraph of the commentary.
_NEW_PARAGRAPH = re.compile(r"\n[^\S\n]*\n")


def _relative_targets(chain, text: str, memory: _Memory, index: ActIndex, layout: "_Layout", last_end: int | None,
                      recent: list[Found]) -> tuple[tuple[str, ...], str | None]:
    """A reference that names no article or annex ("le point h)", "points (a) and (b)", "point
    2(d)", "le troisième alinéa") in commentary is relative to a provision of the Act cited
    before it: it is the provision of that label under the nearest of its ancestors that has
    one ("point d)" after "art. 6, §3, al. 3" is Article 6(3), point (d)), or under its one
    paragraph that has one ("le point h)" after "l'article 5" is Article 5(1), point (h)).

    The provision is the last one cited; when that one has no such subdivision (or not every
    label of a list or range, "points a) à f)"), the one cited before it in the same paragraph
    of the commentary, and so on back to the start of that paragraph. Returns the targets and
    the provision they were read under.

    Only right after a citation of the Act (not of another act), not for the commentary's own
    divisions ("point 3 below") nor with a complement that names something else ("paragraph 2
    of the guidelines"); a bare number or ordinal ("paragraph 2", "le troisième alinéa") only in
    the same paragraph of the commentary as that citation, a lettered point in any."""
    none = ((), None)
    if chain.thereof or chain.act not in (None, "self") or not memory.last_was_local or last_end is None:
        return none
    if any(part.mode != "plain" or part.foreign for part in chain.parts):
        return none
    steps_of = [step for part in chain.parts for path in part.paths for step in path]
    if not steps_of or any(step.kind not in ("par", "sbp", "pnt") for step in steps_of):
        return none
    if _OWN_DIVISION.match(text, chain.end) or _UNRECOGNISED_COMPLEMENT.match(text, chain.end):
        return none
    lettered = any(step.kind == "pnt" and step.cls in ("let", "rom") for step in steps_of)
    if not lettered and _NEW_PARAGRAPH.search(text, last_end, chain.start):
        return none
    if _CODE_ARTICLE.search(text, last_end, chain.start):  # a code's article was cited in between
        return none
    base = next((p for p in reversed(memory.local) if p and p[0].kind in ("art", "anx")), None)
    if base is None:
        return none
    bases = [crossrefs._render(base)]
    paragraph_start = layout.paragraph_start(chain.start)
    for earlier in reversed(recent):
        if earlier.start < paragraph_start:
            break
        bases += [target for target in reversed(earlier.targets) if target not in bases]
    relatives = []
    for combination in product(*(part.paths for part in chain.parts)):
        steps = crossrefs._order(tuple(s for piece in combination for s in piece), "act")
        relatives.append(".".join(f"{s.kind}_{s.label}" for i, s in enumerate(steps)
                                  if not (s.kind == "sbp" and any(t.kind == "pnt" for t in steps[i + 1:]))))
    partial = none
    for base_id in bases:
        targets: list[str] = []
        for relative in relatives:
            last = "." + relative.rsplit(".", 1)[-1]
            ancestor = base_id
            while ancestor:  # "l'article 5 … le point h)": the one point (h) of Article 5, in its paragraph 1
                status, value = index.resolve(f"{ancestor}.{relative}")
                if status == "linked" and value.endswith(last):
                    targets.append(value)
                    break
                ancestor = _structural_parent(ancestor)
        if targets and len(targets) == len(relatives):
            return tuple(dict.fromkeys(targets)), base_id
        if base_id == bases[0]:
            partial = (tuple(dict.fromkeys(targets)), base_id) if targets else none
    return partial


def _subpoints(cited, index: ActIndex) -> list[str]:
    """"art. 5, §1, h), i)": a label that is a letter or a Roman numeral (i, v, x) read as the
    point after its sibling where the paragraph has no such point but the sibling has that
    subpoint (Article 5(1) has no point (i); its point (h) has a point (i))."""
    out: list[str] = []
    for local in cited:
        parent, _, last = local.rpartition(".")
        if (out and last in ("pnt_i", "pnt_v", "pnt_x") and local not in index.ids
                and out[-1].rpartition(".")[0] == parent and f"{out[-1]}.{last}" in index.ids):
            out[-1] = f"{out[-1]}.{last}"
            continue
        out.append(local)
    return out


def _act_words(text: str, chain) -> str:
    """How the other act is named at the end of a citation ("TUE", "GDPR", "du RGPD")."""
    tail = text[chain.parts[-1].end:chain.end]
    return re.sub(r"^[\s,]*(?:of\s+the\s+|of\s+|du\s+|de\s+la\s+|de\s+l['’]\s*|des\s+|de\s+)?", "", tail).strip() or "another act"



# -- other acts known from the context -------------------------------------------------------------

#: Other acts commentary names by a short name or nickname, with their ELI path where they have
#: one. A citation followed by one of these ("Article 34 DSA", "l'article 2 du MDR", "Annex VIII
#: to the MDR") is that act's; so is one after "its", "whose", "ses", "spéc." when the act named
#: last before it in the paragraph is another act, and one in a footnote that is about another act.
OTHER_ACT_NAMES: tuple[tuple[str, str | None], ...] = (
    (r"GDPR|RGPD|General\s+Data\s+Protection\s+Regulation|règlement\s+général\s+sur\s+la\s+protection\s+des\s+données",
     "reg/2016/679"),
    (r"EUDPR", "reg/2018/1725"),
    (r"LED|directive\s+[«\"]?\s*police[-\s]justice\s*[»\"]?|Law\s+Enforcement\s+Directive", "dir/2016/680"),
    (r"DSA|Digital\s+Services\s+Act|règlement\s+sur\s+les\s+services\s+numériques", "reg/2022/2065"),
    (r"DMA|Digital\s+Markets\s+Act|règlement\s+sur\s+les\s+marchés\s+numériques", "reg/2022/1925"),
    (r"MDR|Medical\s+Devices\s+Regulation|règlement\s+(?:relatif\s+aux|sur\s+les)\s+dispositifs\s+médicaux", "reg/2017/745"),
    (r"IVDR|In\s+Vitro\s+Diagnostic\s+Medical\s+Devices\s+Regulation", "reg/2017/746"),
    (r"MSR|[Mm]arket\s+[Ss]urveillance\s+[Rr]egulation|règlement\s+(?:sur|relatif\s+à)\s+la\s+surveillance\s+du\s+marché",
     "reg/2019/1020"),
    (r"DSM\s+Directive|directive\s+DAMUN", "dir/2019/790"),
    (r"Unfair\s+Commercial\s+Practices\s+Directive|UCPD|directive\s+sur\s+les\s+pratiques\s+commerciales\s+déloyales",
     "dir/2005/29"),
    (r"NIS\s?2(?:\s+Directive)?|directive\s+NIS\s?2", "dir/2022/2555"),
    (r"CRA|Cyber\s+Resilience\s+Act", "reg/2024/2847"),
    (r"Data\s+Act", "reg/2023/2854"),
    (r"DGA|Data\s+Governance\s+Act", "reg/2022/868"),
    (r"TFEU|TFUE|TEU|TUE|ECHR|CEDH|[Cc]harte(?:\s+des\s+droits\s+fondamentaux)?|Charter(?:\s+of\s+Fundamental\s+Rights)?"
     r"|loi\s+(?:«\s*)?Informatique\s+et\s+libertés(?:\s*»)?|[Cc]ode\s+(?:du|de\s+la|des|de\s+l['’])\s*[\w-]+", None),
)
_NICKNAMES = re.compile("|".join(f"(?P<n{i}>{pattern})" for i, (pattern, _) in enumerate(OTHER_ACT_NAMES)))


def _first_letters(patterns) -> str:
    """The letters the alternatives of ``patterns`` start with ("GDPR|[Mm]arket" -> "GMm")."""
    letters = set()
    for pattern in patterns:
        depth, start = 0, 0
        for i, char in enumerate(pattern + "|"):
            if char in "([":
                depth += char == "("
            if char == ")":
                depth -= 1
            if char == "|" and depth == 0:
                alternative = pattern[start:i]
                letters |= set(re.match(r"\[([^\]]+)\]", alternative).group(1)) if alternative.startswith("[") \
                    else {alternative[0]}
                start = i + 1
    return "".join(sorted(letters))


#: Where a nickname may start: a word beginning with the first letter of one.
_NICKNAME_STARTS = re.compile(rf"\b[{_first_letters(p for p, _ in OTHER_ACT_NAMES)}]")
#: How commentary names the AI Act itself.
_OWN_NAMES = re.compile(rf"\b(?:RIA|AI{_WS}+Act|AIA|(?:Regulation|[Rr]èglement){_WS}*\((?:EU|UE)\){_WS}*2024/1689"
                        rf"|règlement{_WS}+(?:IA|sur{_WS}+l{_APOS}{_WS}*(?:IA|intelligence{_WS}+artificielle))"
                        rf"|Artificial{_WS}+Intelligence{_WS}+Act|this{_WS}+Regulation|présent{_WS}+règlement)\b")
#: An act named by its kind and number: "règlement (UE) 2019/1020", "Directive 2005/29/EC".
_NUMBERED_ACT = re.compile(
    rf"\b(?P<kind>[Rr]èglement|[Rr]egulation|[Dd]irective|[Dd]écision(?:-cadre)?|[Dd]ecision|[Ff]ramework{_WS}+[Dd]ecision)"
    rf"s?{_WS}*(?:\((?:UE|EU|CE|EC|CEE|EEC)\){_WS}*)?(?:n[o°º]{_WS}*|No{_WS}*)?(?P<a>\d{{2,4}})/(?P<b>\d{{1,4}})")
#: What, just before a citation, says it belongs to the act named before it.
_POINTER = re.compile(
    rf"(?:(?:\b(?:whose|its|their|ses|son|sa|leurs?|dont)|\bspéc\.|\bspécialement)"
    rf"{_WS}+(?:(?:à|a|in|of|under|at|par){_WS}+)?"
    rf"(?:l{_APOS}{_WS}*|les{_WS}+|le{_WS}+|la{_WS}+|the{_WS}+)?)$")
#: After a citation: "de ce même texte", "of the same Directive": the act named before.
_SAME_ACT = re.compile(rf"{_WS}+(?:de{_WS}+ce{_WS}+(?:même{_WS}+)?texte|du{_WS}+même{_WS}+texte"
                       rf"|of{_WS}+(?:the{_WS}+same|that){_WS}+(?:instrument|text|Directive|Regulation))\b")
#: After a citation, a nickname: "Article 34 DSA", "l'article 2 du MDR", "Annex VIII to the MDR".
_NICKNAME_AFTER = re.compile(rf"(?:{_WS}*,)?{_WS}+(?:(?:of|to|in|under){_WS}+the{_WS}+|du{_WS}+|de{_WS}+la{_WS}+"
                             rf"|de{_WS}+l{_APOS}{_WS}*|des{_WS}+|de{_WS}+)?(?=[\w«])")
_NOTE_START = re.compile(r"\s*\d{1,3}\.?\s")
_NOTES_HEADING = re.compile(r"(?m)^[ \t]*(?:Notes|Footnotes|Endnotes|Notes de bas de page)[ \t]*$")
_WINDOW = 500  # how far back an act named before a pointer is looked for


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    act: str  # "self", an ELI path, or "" (another act with no ELI known)
    words: str


def _nickname_act(m: re.Match) -> str:
    for name, value in m.groupdict().items():
        if value is not None:
            return OTHER_ACT_NAMES[int(name[1:])][1] or ""
    return ""


def _act_mentions(text: str, items, lang: str) -> list[_Mention]:
    """Every place the text names an act, in order: the AI Act, another act by its number or by
    a nickname."""
    out: list[_Mention] = []
    for kind, item in items:
        if kind == "act":
            paths = [p for p in item[2] if p != THIS_ACT]
            out.append(_Mention(item[0], item[1], paths[0] if paths else "self", text[item[0]:item[1]]))
    for m in _NUMBERED_ACT.finditer(text):
        if "2024/1689" in m.group(0):
            continue
        kind = m.group("kind").lower()
        eli = ("reg" if kind.startswith(("règ", "reg")) else "dir" if kind.startswith("dir") else
               "dec_framw" if ("cadre" in kind or "framework" in kind) else "dec")
        year, number = (m.group("a"), m.group("b"))
        if len(year) != 4:  # "Directive 95/46", "Decision No 768/2008": number first
            year, number = number, year
        if len(year) == 2:
            year = ("19" if int(year) > 50 else "20") + year
        out.append(_Mention(m.start(), m.end(), f"{eli}/{year}/{int(number)}", m.group(0)))
    end = 0
    for word in _NICKNAME_STARTS.finditer(text):  # a nickname only where a word starts with its first letter
        m = _NICKNAMES.match(text, word.start()) if word.start() >= end else None
        if m is None or re.match(r"\w", text[m.end():m.end() + 1] or " "):
            continue
        end = m.end()
        out.append(_Mention(m.start(), m.end(), _nickname_act(m), m.group(0)))
    for m in _OWN_NAMES.finditer(text):
        out.append(_Mention(m.start(), m.end(), "self", m.group(0)))
    out.sort(key=lambda x: x.start)
    return out


def _other(chain, text: str, end: int, act: str, words: str, reason: str) -> Found:
    label = f"{ELI_BASE}{act}/oj" if act else words
    return Found(chain.start, end, text[chain.start:end], "other", act=label, reason=reason, confidence=0.9)


class _Layout:
    """Where the paragraphs of a text start, where its notes begin and where it names acts
    (found on first need), found once per text so that each citation looks its context up by
    bisection."""

    def __init__(self, text: str, items, lang: str):
        self.text, self.items, self.lang = text, items, lang
        self.breaks = [m.end() for m in _NEW_PARAGRAPH.finditer(text)]
        heading = _NOTES_HEADING.search(text)
        self.notes = heading.end() if heading else None  # where the heading "Notes" ends
        self._mentions: list[_Mention] | None = None
        self._starts: list[int] = []

    def paragraph_start(self, pos: int) -> int:
        """The start of the paragraph ``pos`` is in (after the last blank line before it)."""
        i = bisect.bisect_right(self.breaks, pos) - 1
        return self.breaks[i] if i >= 0 else 0

    def in_a_note(self, paragraph: int) -> bool:
        """Whether the paragraph starting at ``paragraph`` is a footnote: a numbered paragraph
        after the heading "Notes"."""
        return self.notes is not None and self.notes <= paragraph and _NOTE_START.match(self.text, paragraph) is not None

    def mentions_between(self, start: int, end: int) -> list[_Mention]:
        """The acts named from ``start`` to ``end``, in order."""
        if self._mentions is None:
            self._mentions = _act_mentions(self.text, self.items, self.lang)
            self._starts = [x.start for x in self._mentions]
        first = bisect.bisect_left(self._starts, start)
        last = bisect.bisect_left(self._starts, end, lo=first)
        return [x for x in self._mentions[first:last] if x.end <= end]


def _act_in_context(text: str, chain, layout: _Layout) -> Found | None:
    """A citation that names no act, when its context says it is another act's (see
    :data:`OTHER_ACT_NAMES`); None when nothing says so."""
    after = _NICKNAME_AFTER.match(text, chain.end)
    if after:
        m = _NICKNAMES.match(text, after.end())
        if m and not re.match(r"\w", text[m.end():m.end() + 1] or " "):
            return _other(chain, text, m.end(), _nickname_act(m), m.group(0), f"named after it: {m.group(0)}")
    same = _SAME_ACT.match(text, chain.end)
    pointer = _POINTER.search(text, max(0, chain.start - 60), chain.start)
    paragraph = layout.paragraph_start(chain.start)
    if same or pointer:
        near = layout.mentions_between(max(paragraph, chain.start - _WINDOW), chain.start)
        if near and near[-1].act != "self":
            end = same.end() if same else chain.end
            return _other(chain, text, end, near[-1].act, near[-1].words,
                          f"the act named before it: {near[-1].words}")
    if layout.in_a_note(paragraph):
        # a footnote about another act
        before = layout.mentions_between(paragraph, chain.start)
        if before and before[0].act != "self" and all(x.act != "self" for x in before):
            return _other(chain, text, chain.end, before[0].act, before[0].words,
                          f"in a footnote about {before[0].words}")
    return None


# -- lists and "et s." ------------------------------------------------------------------------------

_AND_FOLLOWING = re.compile(rf"{_WS}+(?:et{_WS}+s(?:uiv)?\.|et{_WS}+suivants\b|ff\.|et{_WS}+seq\.|and{_WS}+following\b)")


def _and_following(citation: Found, text: str, index: ActIndex) -> None:
    """"art. 9 et s.", "Articles 57 ff.": the article and those after it, to the end of the
    section (or chapter) it belongs to; "§2 et s.": the paragraphs after it in its article."""
    m = _AND_FOLLOWING.match(text, citation.end)
    if not m or len(citation.targets) != 1:
        return
    first = citation.targets[0]
    if first.startswith(("rct_", "cpt_", "anx_")) and "." not in first:  # no division to end in: say so
        citation.confidence = min(citation.confidence, 0.6)
        citation.reason = "; ".join(filter(None, [citation.reason, "“and following”: where the run ends is not said; "
                                                  "only the first is linked"]))
        return
    if first.startswith("art_") and "." not in first:
        unit = index.parent.get(first)
        siblings = sorted((i for i, p in index.parent.items() if p == unit and i.startswith("art_") and "." not in i),
                          key=index.sort_key)
        where = "its section or chapter"
    else:
        parent = _structural_parent(first)
        kind = first.rsplit(".", 1)[-1].partition("_")[0]
        siblings = sorted((c for c in index.children.get(parent or "", ()) if c.rsplit(".", 1)[-1].startswith(kind + "_")),
                          key=index.sort_key)
        where = citation_label(parent, "en") if parent else "the Act"
    if first not in siblings:
        return
    following = siblings[siblings.index(first):]
    citation.targets = tuple(following)
    citation.end = m.end()
    citation.quote = text[citation.start:citation.end]
    citation.confidence = min(citation.confidence, 0.8)
    citation.reason = "; ".join(filter(None, [citation.reason, f"“and following”: read to the end of {where} "
                                              f"({citation_label(following[-1], 'en')})"]))


_COMMA = re.compile(rf"{_WS}*,{_WS}*$")
_PARAGRAPH_ONLY = re.compile(rf"(?:§{_WS}*|paragraphe{_WS}+|paragraph{_WS}+|\()(\d+)\)?$")


def _enumerated_articles(found: list[Found], text: str, index: ActIndex) -> list[Found]:
    """"art. 26, §8 et 49, §3": read as Article 26(8) and Article 49 then a "§3" on its own; the
    paragraph belongs to the article listed just before it (Article 49(3))."""
    out: list[Found] = []
    for c in found:
        previous = out[-1] if out else None
        if (previous is not None and previous.status == "linked" and c.status == "linked" and len(previous.targets) > 1
                and _COMMA.fullmatch(text, previous.end, c.start) is not None):
            m = _PARAGRAPH_ONLY.fullmatch(c.quote.strip())
            last = previous.targets[-1]
            if m and last.startswith("art_") and "." not in last and f"{last}.par_{m.group(1)}" in index.ids:
                previous.targets = previous.targets[:-1] + (f"{last}.par_{m.group(1)}",)
                previous.end = c.end
                previous.quote = text[previous.start:previous.end]
                continue
        out.append(c)
    return out


class CITO(DefinedNamespace):
    """The Citation Typing Ontology (http://purl.org/spar/cito/): a commentary ``cito:cites``
    each provision it cites, as a document citing another."""

    _fail = True
    _NS = Namespace("http://purl.org/spar/cito/")

    cites: URIRef


class OA(DefinedNamespace):
    """The W3C Web Annotation vocabulary (https://www.w3.org/TR/annotation-vocab/): the terms
    the linker writes."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/oa#")

    Annotation: URIRef
    SpecificResource: URIRef
    TextPositionSelector: URIRef
    TextQuoteSelector: URIRef
    hasBody: URIRef
    hasTarget: URIRef
    hasSource: URIRef
    hasSelector: URIRef
    motivatedBy: URIRef
    linking: URIRef
    start: URIRef
    end: URIRef
    exact: URIRef


# -- output -------------------------------------------------------------------------------------------

#: Label tokens of a citation, to place each cited provision of a list on its own label.
_LABEL_TOKEN = re.compile(r"\d+|\b[IVX]+\b|\(?\b[a-z]{1,5}\)")


def link_spans(citation: Found) -> list[tuple[int, int, str]]:
    """Where each provision of a linked citation is linked in the text: the whole citation up to
    its first label for the first provision ("cons. 46" of "cons. 46 et 64"), then each further
    provision on its own label ("64"). Provisions inside a range ("Articles 8 to 15") are linked
    from the list only. A single provision is linked on the whole citation."""
    if len(citation.targets) == 1:
        return [(citation.start, citation.end, citation.targets[0])]
    tokens = [(m.start(), m.end(), m.group().strip("()")) for m in _LABEL_TOKEN.finditer(citation.quote)]
    spans: list[tuple[int, int, str]] = []
    before = len(tokens)  # from the last label back: in "art. 6, §§ 6 à 8" paragraph 6 is the second "6"
    for target in reversed(citation.targets):
        label = target.rsplit(".", 1)[-1].partition("_")[2]
        for i in range(before - 1, -1, -1):
            if tokens[i][2] == label:
                spans.insert(0, (tokens[i][0], tokens[i][1], target))
                before = i
                break
    if not spans:
        return [(citation.start, citation.end, citation.targets[0])]
    first = spans[0]
    spans[0] = (0, first[1], first[2])
    if len(spans) == 1:
        spans[0] = (0, len(citation.quote), first[2])
    return [(citation.start + s, citation.start + e, t) for s, e, t in spans]


def render_html_fragment(doc: LinkedDocument, href=None, anchors: bool = False) -> str:
    """The text, HTML-escaped, with every linked citation as links (``a.cite``, tooltip in
    ``title``), other acts' citations marked (``span.cite-other``) and unresolved ones
    (``span.cite-unresolved``, the reason in ``title``). ``href(local_id)`` makes each link
    (the provision's IRI by default); with ``anchors`` each citation has the id ``c<start>``."""
    href = href or doc.index.iri
    out: list[str] = []
    pos = 0
    esc = html.escape
    for c in doc.citations:
        if c.start < pos:
            continue
        out.append(esc(doc.text[pos:c.start]))
        anchor = f' id="c{c.start}"' if anchors else ""
        if c.status == "linked":
            at = c.start
            for s, e, target in link_spans(c):
                out.append(esc(doc.text[at:s]))
                out.append(f'<a class="cite"{anchor} href="{esc(href(target))}" '
                           f'title="{esc(doc.index.tooltip(target, doc.lang))}" data-provision="{esc(target)}">'
                           f'{esc(doc.text[s:e])}</a>')
                at, anchor = e, ""
            out.append(esc(doc.text[at:c.end]))
        elif c.status == "other":
            out.append(f'<span class="cite-other"{anchor} title="{esc("Another act: " + c.act)}">{esc(c.quote)}</span>')
        else:
            out.append(f'<span class="cite-unresolved"{anchor} title="{esc(c.reason)}">{esc(c.quote)}</span>')
        pos = c.end
    out.append(esc(doc.text[pos:]))
    return "".join(out)


def to_json(doc: LinkedDocument) -> dict:
    """The linked document as JSON; every offset is into the text as the document gave it
    (:attr:`LinkedDocument.original`)."""
    def citation(c: Found) -> dict:
        return c.as_dict(doc.index, doc.source)

    provisions = []
    for p in doc.provisions():
        p = dict(p)
        p["positions"] = [doc.source.span(s, e) for s, e in p["positions"]]
        provisions.append(p)
    return {
        "document": doc.iri, "name": doc.name, "language": doc.lang, "length": len(doc.original),
        "citations": [citation(c) for c in doc.citations],
        "provisions": provisions,
        "unresolved": [citation(c) for c in doc.problems],
        "otherActs": [citation(c) for c in doc.other_acts],
    }


def to_text(doc: LinkedDocument) -> str:
    provisions = doc.provisions()
    lines = [f"{doc.name or doc.iri}: {'French' if doc.lang == 'fr' else 'English'}, "
             f"{len(doc.citations)} citations: {len(doc.linked)} of the AI Act ({len(provisions)} provisions), "
             f"{len(doc.other_acts)} of other acts, {len(doc.problems)} unresolved"]
    for p in provisions:
        where = ", ".join(str(doc.source.span(s, e)[0]) for s, e in p["positions"])
        lines.append(f"  {p['label']:<40} ×{p['count']:<3} at {where}")
    if doc.problems:
        lines.append("Unresolved or ambiguous:")
        lines += [f"  {doc.original_span(c)[0]:>6} {c.quote!r}: {c.reason}" for c in doc.problems]
    if doc.other_acts:
        lines.append("Other acts (not linked):")
        lines += [f"  {doc.original_span(c)[0]:>6} {c.quote!r}: {c.act}" for c in doc.other_acts]
    return "\n".join(lines) + "\n"


def to_graph(doc: LinkedDocument):
    """The document as RDF: it ``dct:references``, ``cito:cites`` and ``eli:cites`` each cited
    provision (so that it can be loaded beside the Act and queried like a citing act); each citation is an
    ``oa:Annotation`` whose body is each provision it cites and whose target selects the citation
    in the document by character offsets and by its exact words."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, RDF, XSD

    g = Graph()
    g.bind("oa", str(OA))
    g.bind("dct", str(DCTERMS))
    g.bind("cito", str(CITO))
    g.bind("eli", str(ELI))
    g.bind("act", f"{doc.index.act}/")
    document = URIRef(doc.iri)
    g.add((document, DCTERMS.language, Literal(doc.lang, datatype=XSD.language)))
    if doc.name:
        g.add((document, DCTERMS.title, Literal(doc.name)))
    for p in doc.provisions():
        for predicate in (DCTERMS.references, CITO.cites, ELI.cites):
            g.add((document, predicate, URIRef(p["iri"])))
    for number, c in enumerate(doc.linked, 1):
        annotation = URIRef(f"{doc.iri}#citation-{number}")
        target, position, quote = BNode(), BNode(), BNode()
        g.add((annotation, RDF.type, OA.Annotation))
        g.add((annotation, OA.motivatedBy, OA.linking))
        for local in c.targets:
            g.add((annotation, OA.hasBody, URIRef(doc.index.iri(local))))
        g.add((annotation, OA.hasTarget, target))
        g.add((target, RDF.type, OA.SpecificResource))
        g.add((target, OA.hasSource, document))
        g.add((target, OA.hasSelector, position))
        g.add((target, OA.hasSelector, quote))
        g.add((position, RDF.type, OA.TextPositionSelector))
        start, end = doc.original_span(c)  # selectors select in the document as it was given
        g.add((position, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
        g.add((position, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(doc.original[start:end])))
    return g


# -- into the store ---------------------------------------------------------------------------------

def commentary_graph(doc: LinkedDocument) -> str:
    """The named graph a linked document is loaded into: one a document, named from its IRI."""
    from .store import COMMENTARY_GRAPHS

    return COMMENTARY_GRAPHS + hashlib.sha256(doc.iri.encode("utf-8")).hexdigest()[:32]


def commentary_triples(doc: LinkedDocument, loaded=None) -> bytes:
    """The document's graph (:func:`to_graph`) as N-Triples, with the graph's own record: the
    document it holds (``dct:source``) and when it was loaded (``dct:modified``)."""
    import datetime

    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS, XSD

    graph = to_graph(doc)
    name = URIRef(commentary_graph(doc))
    graph.add((name, DCTERMS.source, URIRef(doc.iri)))
    loaded = loaded or datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    graph.add((name, DCTERMS.modified, Literal(loaded.isoformat(), datatype=XSD.dateTime)))
    return graph.serialize(format="nt", encoding="utf-8")


def load_commentary(store, doc: LinkedDocument, limits=None) -> tuple[str, int]:
    """Load a linked document into ``store`` (embedded or a SPARQL server), in its own named
    graph, in place of what an earlier load of the same document put there: then the pages
    of the articles it cites list it ("Cited in commentary"). Gives the graph and its number
    of triples."""
    graph = commentary_graph(doc)
    return graph, store.replace_graph(graph, commentary_triples(doc), limits)


def render(doc: LinkedDocument, fmt: str) -> str:
    """A linked document in one of :data:`FORMATS`; ``html`` is a standalone page."""
    if fmt == "json":
        return json.dumps(to_json(doc), ensure_ascii=False, indent=1) + "\n"
    if fmt == "text":
        return to_text(doc)
    if fmt == "ttl":
        return to_graph(doc).serialize(format="turtle")
    if fmt == "html":
        return _standalone_html(doc)
    raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")


def _standalone_html(doc: LinkedDocument) -> str:
    esc = html.escape
    items = "\n".join(
        f'<li><a href="{esc(p["iri"])}" title="{esc(p["tooltip"])}">{esc(p["label"])}</a> ×{p["count"]}</li>'
        for p in doc.provisions())
    problems = "\n".join(f"<li>{esc(c.quote)} ({c.start}): {esc(c.reason)}</li>" for c in doc.problems)
    others = "\n".join(f"<li>{esc(c.quote)} ({c.start}): {esc(c.act)}</li>" for c in doc.other_acts)
    return (f'<!doctype html>\n<html lang="{doc.lang}">\n<head><meta charset="utf-8">'
            f"<title>{esc(doc.name or 'Linked text')}</title></head>\n<body>\n"
            f'<pre class="linked-text">{render_html_fragment(doc)}</pre>\n'
            f"<h2>Cited provisions</h2>\n<ol>\n{items}\n</ol>\n"
            + (f"<h2>Unresolved or ambiguous</h2>\n<ul>\n{problems}\n</ul>\n" if problems else "")
            + (f"<h2>Other acts</h2>\n<ul>\n{others}\n</ul>\n" if others else "")
            + "</body>\n</html>\n")


# -- the command line ---------------------------------------------------------------------------------

def register_command(subparsers, store_options) -> None:
    """``aiact-kg link FILE... [--format html|json|ttl|text] [--lang fr|en] [--default-act ACT] [--load]``."""
    p = subparsers.add_parser("link", help="link the citations of the AI Act in commentary (txt, md, html, docx, pdf)")
    p.add_argument("files", nargs="+", metavar="FILE", help="documents to link ('-' reads standard input)")
    p.add_argument("--load", action="store_true",
                   help="load each linked document into the store (--store PATH or --endpoint URL), in a named graph "
                        "of its own that a new load of the same file replaces; article pages list it as "
                        "commentary citing them. The output is then written only with -o")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    p.add_argument("--lang", choices=("fr", "en"), help="language of the documents (default: detected in each)")
    p.add_argument("--default-act", default="ai-act", metavar="ACT",
                   help="act of citations that name none: ai-act (default), none, or another act's name")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default standard output)")
    from . import limits

    limits.add_options(p, limits.CLI_LINK)
    store_options(p)
    p.set_defaults(func=cmd_link)


def cmd_link(args) -> int:
    import sys

    from . import limits as input_limits
    from .cli import UsageError, _write_output, open_store_from

    limits = input_limits.from_options(args, input_limits.CLI_LINK)
    if args.load and not (args.store or args.endpoint):
        raise UsageError("--load needs a store that outlives the command: give --store PATH (the embedded store "
                         "on disk, as `aiact-kg serve --store PATH` serves it) or --endpoint URL")
    most = limits.max_bytes
    documents = []
    for name in args.files:
        if name == "-":
            data = sys.stdin.buffer.read(most + 1) if most is not None else sys.stdin.buffer.read()
            if most is not None and len(data) > most:
                raise UsageError(f"standard input: {input_limits.size_error(len(data), limits, 'the text')}")
            documents.append(("standard input", data, ""))  # named by the hash of its text
            continue
        path = Path(name)
        try:
            size = path.stat().st_size
            if most is not None and size > most:
                raise UsageError(f"{name}: {input_limits.size_error(size, limits)}")
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"{name}: cannot be read ({exc.strerror})") from None
        documents.append((name, data, path.resolve().as_uri()))
    texts = []
    for name, data, iri in documents:
        try:
            with input_limits.watch(limits, f"reading {name}"):
                texts.append((name, read_source(data, name, limits.max_bytes), iri))
        except (DocumentError, input_limits.LimitExceeded) as exc:
            raise UsageError(f"{name}: {exc}") from None
    store = open_store_from(args)
    index = ActIndex.from_store(store)
    outputs, linked = [], []
    for name, text, iri in texts:
        try:
            with input_limits.watch(limits, f"linking {name}"):
                doc = link_text(text, index, args.lang, args.default_act, name=name, iri=iri)
                linked.append(doc)
                outputs.append(render(doc, args.format))
        except input_limits.LimitExceeded as exc:
            raise UsageError(f"{name}: {exc}") from None
    if args.load:
        for doc in linked:  # every document read and linked before the first is loaded
            try:
                with input_limits.watch(limits, f"loading {doc.name}"):
                    graph, triples = load_commentary(store, doc, dataclasses.replace(limits, max_bytes=None))
            except input_limits.LimitExceeded as exc:
                raise UsageError(f"{doc.name}: {exc}; what an earlier load of it put in the store is left as "
                                 "it was") from None
            print(f"loaded {doc.name}: {len(doc.linked)} citations of the Act ({len(doc.provisions())} provisions), "
                  f"{len(doc.other_acts)} of other acts, {len(doc.problems)} unresolved; {triples} triples into "
                  f"<{graph}> of the {store.description}")
        if not args.output:
            return 0
    if args.format == "json" and len(outputs) > 1:
        joined = "[\n" + ",\n".join(o.rstrip() for o in outputs) + "\n]\n"
    elif args.format == "ttl" and len(outputs) > 1:
        from rdflib import Graph

        graph = Graph()
        for output in outputs:
            graph.parse(data=output, format="turtle")
        joined = graph.serialize(format="turtle")
    else:
        joined = "".join(outputs)
    _write_output(joined.encode("utf-8"), args.output)
    return 0
