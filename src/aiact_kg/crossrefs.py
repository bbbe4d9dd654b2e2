"""Cross-references in the text of the Act, recognised from their wording, in English and French.

The Official Journal prints references as plain words: "Article 6(2)", "point (h) of Article
5(1)", "Section 2 of this Chapter", "l’annexe III, point 5 b)", "Regulation (EU) 2016/679".
:func:`find_citations` finds them in one text block and says what each one cites:

* a provision of this Act, as its local id (the part of its IRI after
  ``https://w3id.org/aiact-kg/reg/2024/1689/``): ``art_6.par_2``, ``art_5.par_1.pnt_h``,
  ``anx_III.pnt_5.pnt_b``, ``cpt_III.sct_2``, ``rct_53``; a list or a range gives one target per
  cited provision ("Articles 8 to 15" gives eight);
* another act, as its ELI: ``http://data.europa.eu/eli/reg/2016/679/oj``. An article of another
  act ("Article 9(1) of Regulation (EU) 2016/679") gives that act's ELI and never the article of
  this Act that has the same number.

"this Regulation" is not a citation, nor are the Treaties and the Charter ("Article 16 TFEU").
References relative to where they are printed ("paragraph 1", "this Article", "point (a)", "the
first subparagraph", "Section 2 of this Chapter") are resolved against the local id of the citing
subdivision; without it they are left out. Within one text, "that Annex", "thereof", "that
Regulation" and "ladite annexe" point back to what the text cited before. In Articles 102 to 110,
which amend other acts, a provision named without its act is a provision of the amended act
("in Article 17, the following paragraph is added"), while "Chapter III, Section 2, of that
Regulation" after "Regulation (EU) 2024/1689" is this Act's.

How the grammar is built, so that new surface forms need one more entry rather than new code:

* a reference is a *chain* of *parts* ("Article 5(1)" | "first subparagraph" | "point (h)"),
  joined either from the larger to the smaller by a comma ("Article 5(1), point (h)") or from the
  smaller to the larger by "of" / "de" ("point (h) of Article 5(1)"), and possibly closed by the
  act it belongs to ("… of Regulation (EU) 2016/679", "… du présent règlement");
* a part is a head word (:class:`_Lexicon` ``heads``, one named group per kind of subdivision)
  followed by a list of labels ("16, 17 and 18", "8 to 15", "(a) and (b)", "5 (b) and (c)");
* each language is one :class:`_Lexicon`: its head words, list and range words, joining words and
  act names. The order of kinds (chapter > section > article > paragraph > subparagraph > point;
  annex > section > point) decides how the parts of a chain combine, whatever their order in the
  sentence.

A new surface form is usually one alternative more in a lexicon: an abbreviated head word
("Art.", "§", "cons.") in ``heads``, a bare label after a comma ("Art. 51, §1, b)") in
``point_first``, a name of this Act ("AI Act", "RIA") in ``own_act``; a new language is one
more lexicon.

Local ids follow the EUR-Lex subdivision ids, see :mod:`aiact_kg.provisions`; points hang off
their paragraph even where a subparagraph introduces them, except in Article 43(1), whose two
subparagraphs both list points (a) and (b) (:data:`SUBPARAGRAPH_POINTS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product
from typing import Callable, NamedTuple

__all__ = [
    "ARTICLE_CHAPTER",
    "Citation",
    "ELI_BASE",
    "find_citations",
    "int_to_roman",
    "roman_to_int",
]

#: Base of the European Legislation Identifiers of the Publications Office.
ELI_BASE = "http://data.europa.eu/eli/"
#: The ELI path of this Act: a citation of it by number ("Regulation (EU) 2024/1689", as the
#: amending Articles 102 to 110 do) is the Act citing itself, not another act.
THIS_ACT = "reg/2024/1689"


@dataclass(frozen=True)
class Citation:
    """One reference found in a text: where it is and what it cites."""

    start: int  # character offsets into the given text
    end: int
    text: str  # exact surface text text[start:end]
    targets: tuple[str, ...]  # local ids of this Act's provisions, or ELIs of other acts


# -- the Act as published on 12 July 2024 -----------------------------------------------------

# Where each article sits: (first article, last article, chapter, section). Derived from the
# Formex file of the enacting terms (L_202401689EN.000101.fmx.xml): for every ARTICLE, the
# number of its enclosing chapter DIVISION and, where there is one, of its section DIVISION.
# It is part of the text as published, so it is data here rather than read at run time.
_CHAPTER_RANGES = (
    (1, 4, "I", None), (5, 5, "II", None),
    (6, 7, "III", "1"), (8, 15, "III", "2"), (16, 27, "III", "3"), (28, 39, "III", "4"),
    (40, 49, "III", "5"),
    (50, 50, "IV", None),
    (51, 52, "V", "1"), (53, 54, "V", "2"), (55, 55, "V", "3"), (56, 56, "V", "4"),
    (57, 63, "VI", None),
    (64, 69, "VII", "1"), (70, 70, "VII", "2"),
    (71, 71, "VIII", None),
    (72, 72, "IX", "1"), (73, 73, "IX", "2"), (74, 84, "IX", "3"), (85, 87, "IX", "4"),
    (88, 94, "IX", "5"),
    (95, 96, "X", None), (97, 98, "XI", None), (99, 101, "XII", None), (102, 113, "XIII", None),
)
#: Article number -> (chapter in Roman numerals, section number or None).
ARTICLE_CHAPTER: dict[int, tuple[str, str | None]] = {
    number: (chapter, section)
    for first, last, chapter, section in _CHAPTER_RANGES
    for number in range(first, last + 1)
}

#: The act each of Articles 102 to 110 amends. A provision named there without an act ("in
#: Article 17, the following paragraph is added", "pursuant to paragraph 1" in the quoted text)
#: is a provision of that act. From the headings of Articles 102 to 110.
AMENDED_ACTS = {
    "102": "reg/2008/300", "103": "reg/2013/167", "104": "reg/2013/168", "105": "dir/2014/90",
    "106": "dir/2016/797", "107": "reg/2018/858", "108": "reg/2018/1139", "109": "reg/2019/2144",
    "110": "dir/2020/1828",
}

#: Articles without numbered paragraphs (the corpus README counts 19). Their unnumbered
#: paragraphs are subparagraphs: "Article 113(3), point (a)" is point (a) of Article 113.
ARTICLES_WITHOUT_PARAGRAPHS = frozenset(
    str(n) for n in (3, 4, 16, 32, 39, 66, 85, 87, 94, *range(102, 111), 113)
)

#: Paragraphs whose points hang off their subparagraphs: Article 43(1) lists points (a) and (b)
#: in its first subparagraph and points (a) to (d) in its second.
SUBPARAGRAPH_POINTS = frozenset({("43", "1")})

#: Articles that have numbered points of their own: Article 3, "point (4)". Elsewhere in the
#: enacting terms a numbered point is a point of an annex ("… of Annex XI, in particular
#: point 2 …").
NUMBERED_POINT_ARTICLES = frozenset({"3"})


# -- numbers ------------------------------------------------------------------------------------

_ROMAN_VALUES = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)


def roman_to_int(numeral: str) -> int:
    """``"XIII"`` -> 13, ``"iv"`` -> 4 (either case)."""
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    previous = 0
    for char in reversed(numeral.lower()):
        value = values[char]
        total += -value if value < previous else value
        previous = max(previous, value)
    return total


def int_to_roman(number: int, upper: bool = True) -> str:
    """13 -> ``"XIII"``; ``upper=False`` gives the point labels' ``"xiii"``."""
    out = []
    for value, letters in _ROMAN_VALUES:
        while number >= value:
            out.append(letters)
            number -= value
    text = "".join(out)
    return text.upper() if upper else text


# -- steps and paths -------------------------------------------------------------------------------

class _Step(NamedTuple):
    """One level of a provision's address: ("art", "5"), ("pnt", "h", "let")."""

    kind: str  # cpt sct art par sbp pnt anx rct
    label: str
    cls: str = ""  # points only: "num" 1, "let" a, "rom" ii


_Path = tuple  # tuple[_Step, ...]

_ACT_RANK = {"cpt": 0, "sct": 1, "art": 2, "par": 3, "sbp": 4, "pnt": 5}
_ANNEX_RANK = {"anx": 0, "sct": 1, "pnt": 2, "sbp": 3}
_POINT_DEPTH = {"num": 0, "let": 1, "rom": 2}
_ROMAN_POINT = re.compile(r"[ivxl]{2,6}")
_AMBIGUOUS = frozenset("ivx")  # a letter or a Roman numeral: decided by its neighbours


def _point_class(label: str, before: str | None = None) -> str:
    """Class of a point label. ``before`` is the class of the label printed before it in the
    same address ("(h)(i)": Roman) or in the same list ("(h) and (i)": a letter)."""
    if label.isdigit():
        return "num"
    if label in _AMBIGUOUS:
        return "rom" if before == "rom" else "let"
    if _ROMAN_POINT.fullmatch(label):
        return "rom"
    return "let"


def _family(kinds: set[str]) -> str | None:
    if "anx" in kinds:
        return "anx"
    if "rct" in kinds:
        return "rct"
    if kinds & {"cpt", "art", "par"}:
        return "act"
    return None


def _rank(kind: str, family: str | None) -> int:
    if family == "anx":
        return _ANNEX_RANK.get(kind, 9)
    return _ACT_RANK.get(kind, 0)


# -- the vocabulary of each language ------------------------------------------------------------

_WS = r"[\s\u00a0\u202f]"  # \s already covers no-break spaces; spelled out for the reader
_APOS = r"[’']"

_ORDINALS = {
    "en": {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
           "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10},
    "fr": {"premier": 1, "première": 1, "deuxième": 2, "second": 2, "seconde": 2,
           "troisième": 3, "quatrième": 4, "cinquième": 5, "sixième": 6, "septième": 7,
           "huitième": 8, "neuvième": 9, "dixième": 10},
}

# Kinds of subdivision named by "this X" / "présent X" and "that X" / "ledit X".
_DEICTIC_KINDS = {
    "article": "art", "paragraph": "par", "subparagraph": "sbp", "point": "pnt",
    "chapter": "cpt", "section": "sct", "annex": "anx",
    "paragraphe": "par", "alinéa": "sbp", "chapitre": "cpt", "annexe": "anx",
}
#: What "this paragraph" etc. stands for: the kinds of the context it borrows.
_DEICTIC_SPAN = {
    "art": ("art",), "par": ("art", "par"), "sbp": ("art", "par", "sbp"), "pnt": ("pnt",),
    "cpt": ("cpt",), "sct": ("cpt", "sct"), "anx": ("anx",),
}

# Acts: the ELI type of each kind of act, by the words that name it (singular or plural).
_ACT_TYPES = {
    "regulation": "reg", "directive": "dir", "decision": "dec", "framework decision": "dec_framw",
    "recommendation": "reco",
    "règlement": "reg", "décision": "dec", "décision-cadre": "dec_framw", "recommandation": "reco",
}
_ACT_SUBTYPES = {"implementing": "_impl", "delegated": "_del", "d'exécution": "_impl", "délégué": "_del"}


def _act_type(words: str, sub: str | None) -> str | None:
    """ELI type of "Regulations", "Framework Decision", "Implementing Regulation",
    "règlement d’exécution", "décisions-cadres": reg, dec_framw, reg_impl, …"""
    words = re.sub(r"s\b", "", re.sub(r"\s+", " ", words.lower()))
    eli_type = _ACT_TYPES.get(words)
    if eli_type and sub:
        sub = sub.lower().replace("’", "'")
        eli_type += _ACT_SUBTYPES.get(sub if "exécution" in sub else re.sub(r"e?s?$", "", sub), "")
    return eli_type


@dataclass(frozen=True)
class _Lexicon:
    """The words of one language. Every pattern is matched at a given position (``match``)."""

    #: One named group per kind of part: art par pnt cpt sct anx anx0 rct sbp this that.
    heads: re.Pattern
    #: Labels of each kind of part (the first group that matched, or the named groups of an
    #: article label: "6(2)" is article 6, paragraph 2; "5(1)(h)" adds point (h)).
    article_label: re.Pattern
    paragraph_only: re.Pattern  # "(3)" continuing "Article 6(2) and (3)"
    paragraph_label: re.Pattern
    roman_label: re.Pattern
    section_label: re.Pattern
    recital_label: re.Pattern
    point_first: re.Pattern
    point_next: re.Pattern
    point_next_comma: re.Pattern  # FR "point 2), f)": only an unambiguous finer label
    #: Lists and ranges of labels, and what may not follow a label in a list (units, months).
    separator: re.Pattern
    range_word: re.Pattern
    not_a_label: re.Pattern
    #: Joining parts: towards the smaller ("Article 5(1), point (h)") or the larger ("of").
    join_smaller: re.Pattern
    join_larger: re.Pattern
    join_annex_to_act: re.Pattern  # "Annex I to Decision …"
    thereof: re.Pattern
    possessive: re.Pattern  # French "ses articles": of the text named before, like "thereof"
    paragraph_ellipsis: re.Pattern  # "point (h), (2) to (6)": paragraphs of the same article
    #: Acts.
    act_name: re.Pattern  # groups: sub ("Implementing"), type ("Regulation"); then numbers
    act_number: re.Pattern
    act_number_separator: re.Pattern
    own_act: re.Pattern  # "this Regulation"
    act_anaphora: re.Pattern  # "that Regulation", "ladite directive": group type
    other_text: re.Pattern  # the Treaties, the Charter: cited, but not acts we link
    other_text_suffix: re.Pattern  # "Article 16 TFEU"
    #: Everything a reference can start with, for scanning.
    start: re.Pattern


def _words(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


def _scanner(heads: re.Pattern, act_name: str, other: str) -> re.Pattern:
    """Where a reference may start: a head word, an act's name, or a text we do not link."""
    return re.compile(rf"\b(?:(?P<part>{heads.pattern})|(?P<act>{act_name})|(?P<other>{other})\b)", re.X)


def _english() -> _Lexicon:
    ordinal = _words(*_ORDINALS["en"])
    heads = re.compile(
        rf"""(?P<art>Articles?){_WS}+(?=[A-Z]?\d)
        |(?P<par>[Pp]aragraphs?){_WS}+(?=\(?\d)
        |(?P<pnt>[Pp]oints?){_WS}+(?=\(|\d)
        |(?P<cpt>Chapters?){_WS}+(?=[IVX]+\b)
        |(?P<sct>Sections?){_WS}+(?=(?:[A-Z]|\d+)\b)
        |(?P<anx>Annex(?:es)?){_WS}+(?=[IVX]+\b)
        |(?P<anx0>Annex)(?={_WS}+to{_WS})
        |(?P<rct>[Rr]ecitals?){_WS}+(?=\(?\d)
        |(?P<this>[Tt]his){_WS}+(?P<thiskind>Article|paragraph|subparagraph|point|Chapter|Section|Annex)\b
        |(?P<that>[Tt]hat){_WS}+(?P<thatkind>Article|paragraph|subparagraph|point|Chapter|Section|Annex)\b
        |(?P<sbp>{ordinal}(?:(?:{_WS}*,{_WS}*|{_WS}+(?:and|or){_WS}+(?:the{_WS}+)?){ordinal})*)
            {_WS}+(?:subparagraphs?|paragraphs?)\b
        """,
        re.X,
    )
    act_head = (
        rf"(?:(?:Commission|Council){_WS}+)?(?:(?P<sub>Implementing|Delegated){_WS}+)?"
        rf"(?P<type>Regulations?|Directives?|Framework{_WS}+Decisions?|Decisions?|Recommendations?)"
    )
    act_name = act_head + rf"{_WS}+(?=\(E|No{_WS}|\d)"
    months = "January|February|March|April|May|June|July|August|September|October|November|December"
    other = r"Treaty|Treaties|Charter|Protocol|Title|Part|Convention|TFEU|TEU"
    return _Lexicon(
        heads=heads,
        article_label=re.compile(
            rf"(?P<n>[A-Z]?\d+[a-z]?)(?![\d/])(?!\.\d)"
            rf"(?:{_WS}?\((?P<p>\d+)\)(?P<pts>(?:\((?:[a-z]|[ivxl]{{2,6}})\))*))?"
        ),
        paragraph_only=re.compile(r"\((?P<p>\d+)\)"),
        paragraph_label=re.compile(r"\((\d+)\)|(\d+)(?![\d/])(?!\.\d)"),
        roman_label=re.compile(r"([IVX]+)\b"),
        section_label=re.compile(r"([A-Z]|\d+)\b"),
        recital_label=re.compile(r"\((\d+)\)|(\d+)(?![\d/])(?!\.\d)"),
        point_first=re.compile(
            rf"(\d+(?:\.\d+)*)(?:\.(?=,|{_WS}+(?:and|or|to|of)\b))?(?![\d/])|\(([a-z]|[ivxl]{{2,6}}|\d+)\)"
        ),
        point_next=re.compile(rf"{_WS}?\(([a-z]|[ivxl]{{2,6}})\)"),
        point_next_comma=re.compile(r"(?!)"),
        separator=re.compile(rf"{_WS}*,{_WS}*(?:and{_WS}+|or{_WS}+)?|{_WS}+(?:and/or|and|or){_WS}+"),
        range_word=re.compile(rf"{_WS}+to{_WS}+"),
        not_a_label=re.compile(
            rf"{_WS}*(?:%|per{_WS}cent|days?\b|weeks?\b|months?\b|years?\b|hours?\b|EUR\b|{months})"
        ),
        join_smaller=re.compile(rf"{_WS}*,{_WS}*|{_WS}+"),
        join_larger=re.compile(rf"{_WS}*,?{_WS}+of{_WS}+(?:the{_WS}+)?"),
        join_annex_to_act=re.compile(rf"{_WS}+to{_WS}+(?:the{_WS}+)?"),
        thereof=re.compile(rf"{_WS}+thereof\b"),
        possessive=re.compile(r"(?!)"),
        paragraph_ellipsis=re.compile(rf"{_WS}*,{_WS}*(?=\(\d+\))"),
        act_name=re.compile(act_name),
        act_number=re.compile(
            rf"(?:\((?:EU|EC|EEC|EU,{_WS}*Euratom|Euratom|ECSC)\){_WS}*)?(?P<no>No{_WS}*)?"
            r"(?P<a>\d{1,4})/(?P<b>\d{1,4})(?:/(?:EU|EC|EEC|JHA|CFSP|Euratom))?\b"
        ),
        act_number_separator=re.compile(rf"{_WS}*,{_WS}*(?:and{_WS}+)?|{_WS}+(?:and|or){_WS}+"),
        own_act=re.compile(rf"this{_WS}+Regulation\b"),
        act_anaphora=re.compile(
            rf"(?:that|the{_WS}+said|the{_WS}+same){_WS}+"
            rf"(?P<type>Regulation|Directive|Framework{_WS}+Decision|Decision|Recommendation)\b"
        ),
        other_text=re.compile(rf"(?:{other})\b"),
        other_text_suffix=re.compile(rf"{_WS}+(?:TFEU|TEU)\b"),
        start=_scanner(heads, act_name, other),
    )


def _french() -> _Lexicon:
    ordinal = _words(*_ORDINALS["fr"])
    that = r"(?:[Ll]edit|[Ll]adite|[Ll]esdite?s|[Dd]udit|[Aa]udit|[Dd]esdite?s|[Aa]uxdite?s)"
    act_words = r"(?:directive|règlement|décision|recommandation)"
    heads = re.compile(
        rf"""(?P<art>[Aa]rticles?){_WS}+(?=[A-Z]?\d|premier\b|1er\b)
        |(?P<par>[Pp]aragraphes?){_WS}+(?=\d)
        |(?P<pnt>[Pp]oints?){_WS}+(?=\d|(?:[a-z]|[ivxl]{{2,6}})\))
        |(?P<cpt>[Cc]hapitres?){_WS}+(?=[IVX]+\b)
        |(?P<sct>[Ss]ections?){_WS}+(?=(?:[A-Z]|\d+)\b)
        |(?P<anx>[Aa]nnexes?){_WS}+(?=[IVX]+\b)
        |(?P<anx0>[Aa]nnexe)(?={_WS}*,{_WS}*points?{_WS}|{_WS}+(?:de{_WS}+la|du|de{_WS}+l{_APOS}){_WS}*{act_words})
        |(?P<rct>[Cc]onsidérants?){_WS}+(?=\(?\d)
        |(?P<this>[Pp]résente?){_WS}+(?P<thiskind>article|paragraphe|alinéa|point|chapitre|section|annexe)\b
        |(?P<that>{that}){_WS}+(?P<thatkind>article|paragraphe|alinéa|point|chapitre|section|annexe)s?\b
        |(?P<sbp>{ordinal}(?:(?:{_WS}*,{_WS}*|{_WS}+(?:et|ou){_WS}+){ordinal})*){_WS}+alinéas?\b
        """,
        re.X,
    )
    act_head = (
        r"(?P<type>[Rr]èglements?|[Dd]irectives?|[Dd]écisions?-cadres?|[Dd]écisions?|[Rr]ecommandations?)"
        rf"(?:{_WS}+(?P<sub>d{_APOS}exécution|délégués?|déléguées?))?"
    )
    act_name = act_head + rf"{_WS}+(?=\((?:UE|CE)|n[o°ºᵒ]{_WS}|\d)"
    months = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
    other = r"traité|traités|[Cc]harte|protocole|titre|partie|convention|TFUE|TUE"
    return _Lexicon(
        heads=heads,
        article_label=re.compile(rf"(?P<n>[A-Z]?\d+|premier|1er)\b(?:{_WS}+(?P<bis>bis|ter|quater)\b)?(?![\d/])"),
        paragraph_only=re.compile(r"(?!)"),
        paragraph_label=re.compile(r"(\d+)(?![\d/])(?!\.\d)"),
        roman_label=re.compile(r"([IVX]+)\b"),
        section_label=re.compile(r"([A-Z]|\d+)\b"),
        recital_label=re.compile(r"\((\d+)\)|(\d+)(?![\d/])(?!\.\d)"),
        point_first=re.compile(r"(\d+(?:\.\d+)*)\)?(?![\d/])|([a-z]|[ivxl]{2,6})\)"),
        point_next=re.compile(rf"{_WS}+(\d+\)|[a-z]\)|[ivxl]{{2,6}}\))"),
        point_next_comma=re.compile(rf",{_WS}*([a-z]\)|[ivxl]{{2,6}}\))"),
        separator=re.compile(rf"{_WS}*,{_WS}*(?:et{_WS}+|ou{_WS}+)?|{_WS}+(?:et/ou|et|ou){_WS}+"),
        range_word=re.compile(rf"{_WS}+à{_WS}+"),
        not_a_label=re.compile(
            rf"{_WS}*(?:%|pour{_WS}cent|jours?\b|semaines?\b|mois\b|ans?\b|années?\b|heures?\b"
            rf"|EUR\b|euros?\b|{months})"
        ),
        join_smaller=re.compile(rf"{_WS}*,{_WS}*|{_WS}+"),
        join_larger=re.compile(
            rf"{_WS}*,?{_WS}+(?:de{_WS}+l{_APOS}{_WS}*|de{_WS}+la{_WS}+|du{_WS}+|des{_WS}+|de{_WS}+"
            rf"|(?=d(?:udit|esdits|esdites){_WS}))"
        ),
        join_annex_to_act=re.compile(rf"{_WS}+(?:de{_WS}+la|du|de{_WS}+l{_APOS}){_WS}*"),
        thereof=re.compile(rf",?{_WS}+de{_WS}+(?:celle|celui|ceux|celles)-ci\b"),
        possessive=re.compile(rf"\b(?:[Ss]es|[Ss]on|[Ss]a|[Ll]eurs?){_WS}+$"),
        paragraph_ellipsis=re.compile(r"(?!)"),
        act_name=re.compile(act_name),
        act_number=re.compile(
            rf"(?:\((?:UE|CE|CEE|UE,{_WS}*Euratom|Euratom|CECA)\){_WS}*)?(?P<no>n[o°ºᵒ]{_WS}*)?"
            r"(?P<a>\d{1,4})/(?P<b>\d{1,4})(?:/(?:UE|CE|CEE|JAI|PESC|Euratom))?\b"
        ),
        act_number_separator=re.compile(rf"{_WS}*,{_WS}*(?:et{_WS}+)?|{_WS}+(?:et|ou){_WS}+"),
        own_act=re.compile(rf"présent{_WS}+règlement\b"),
        act_anaphora=re.compile(
            rf"(?:dudit|ledit|audit|ladite|cette|ce|même){_WS}+"
            r"(?P<type>règlement|directive|décision-cadre|décision|recommandation)\b"
        ),
        other_text=re.compile(rf"(?:{other})\b"),
        other_text_suffix=re.compile(rf"{_WS}+(?:TFUE|TUE)\b"),
        start=_scanner(heads, act_name, other),
    )


_LEXICONS: dict[str, _Lexicon] = {"en": _english(), "fr": _french()}


# -- parts: a head word and its labels ------------------------------------------------------------

@dataclass
class _Part:
    """A head word and its labels ("Articles 8 to 15", "point (h)") or a deictic phrase ("this
    paragraph", "ladite annexe")."""

    kind: str  # the coarsest kind it names
    start: int
    end: int
    paths: list = field(default_factory=list)  # alternatives, each a tuple of _Step
    mode: str = "plain"  # plain | this | that | unlabelled ("the Annex to Directive …")

    @property
    def kinds(self) -> set[str]:
        if self.mode in ("this", "that"):
            return set(_DEICTIC_SPAN[self.kind])
        return {step.kind for path in self.paths for step in path} or {self.kind}

    @property
    def foreign(self) -> bool:
        """Numbered in a way this Act never is: "Article R23" (of Annex I to Decision No
        768/2008/EC). Such a part only ever belongs to another act."""
        return any(s.kind == "art" and not s.label[0].isdigit() for path in self.paths for s in path)


def _inherit(previous: _Path, item: _Path) -> _Path:
    """A list item completed by the item before it: "(3)" after "6(2)" is "6(3)", "(c)" after
    "5 (b)" is "5 (c)", "(iii)" after "(a)(ii)" is "(a)(iii)"."""
    head = item[0]
    for i, step in enumerate(previous):
        if step.kind == head.kind and step.cls == head.cls:
            return previous[:i] + item
    return item


def _expand(first: _Path, last: _Path) -> list[_Path]:
    """A range over the last level of its two ends: "8 to 15", "(a) to (d)", "II to IV"."""
    a, b = first[-1], last[-1]
    if first[:-1] != last[:-1] or a.kind != b.kind:
        return [first, last]
    if a.label.isdigit() and b.label.isdigit():
        labels = [str(n) for n in range(int(a.label), int(b.label) + 1)]
    elif a.kind in ("cpt", "anx") or (a.kind == "pnt" and b.cls == "rom"):
        upper = a.kind != "pnt"
        labels = [int_to_roman(n, upper) for n in range(roman_to_int(a.label), roman_to_int(b.label) + 1)]
    elif len(a.label) == 1 and len(b.label) == 1:
        labels = [chr(c) for c in range(ord(a.label), ord(b.label) + 1)]
    else:
        return [first, last]
    if not 0 < len(labels) <= 200:
        return [first, last]
    return [first[:-1] + (_Step(a.kind, label, b.cls),) for label in labels]


def _same_level(previous: _Path, item: _Path) -> bool:
    """May ``item`` continue a list after ``previous``? Only at a level ``previous`` has: in
    "points 5 (b) and (c)" "(c)" replaces "(b)"; in "point (h), (2) to (6)" the numbers are
    paragraphs, and in "point 2, points d) et e)" the letters are points of point 2."""
    head = item[0]
    return any(step.kind == head.kind and step.cls == head.cls for step in previous)


def _first_group(m: re.Match) -> str:
    return next(g for g in m.groups() if g is not None)


class _Grammar:
    """Reads parts, chains and act names at a position of a text, in one language."""

    def __init__(self, lang: str):
        self.lex = _LEXICONS[lang]
        self.ordinals = _ORDINALS[lang]
        self.items: dict[str, Callable[[str, int, _Path | None], tuple[_Path, int] | None]] = {
            "art": self._article_item,
            "par": self._simple_item("par", self.lex.paragraph_label),
            "pnt": self._point_item,
            "cpt": self._simple_item("cpt", self.lex.roman_label),
            "anx": self._simple_item("anx", self.lex.roman_label),
            "sct": self._simple_item("sct", self.lex.section_label),
            "rct": self._simple_item("rct", self.lex.recital_label),
        }

    # -- labels
    def _article_item(self, text: str, pos: int, previous: _Path | None):
        """ "6", "6(2)", "5(1)(h)"; after "Article 6(2) and", "(3)"; in French "premier"."""
        m = self.lex.article_label.match(text, pos)
        if m:
            number = m.group("n")
            number = "1" if number in ("premier", "1er") else number
            extra = m.groupdict()
            if extra.get("bis"):
                number += {"bis": "a", "ter": "b", "quater": "c"}[extra["bis"]]
            path = (_Step("art", number),)
            if extra.get("p"):
                path += (_Step("par", extra["p"]),)
            before = None
            for label in re.findall(r"\w+", extra.get("pts") or ""):  # "Article 5(1)(h)"
                path += (_Step("pnt", label, _point_class(label, before)),)
                before = "rom" if path[-1].cls == "let" else None
            return path, m.end()
        if previous is not None:
            m = self.lex.paragraph_only.match(text, pos)
            if m:
                return (_Step("par", m.group("p")),), m.end()
        return None

    @staticmethod
    def _simple_item(kind: str, pattern: re.Pattern):
        def item(text: str, pos: int, previous: _Path | None):
            m = pattern.match(text, pos)
            return ((_Step(kind, _first_group(m)),), m.end()) if m else None
        return item

    def _point_item(self, text: str, pos: int, previous: _Path | None):
        """A point's address: "(a)", "(a)(ii)", "1(a)", "5 (b)", "4.3", "(12)"; in French "a)",
        "h) iii)", "1 a)", "5), b)", "4)"."""
        lex = self.lex
        m = lex.point_first.match(text, pos)
        if not m:
            return None
        before = previous[-1].cls if previous and previous[-1].kind == "pnt" else None
        path: tuple = tuple(
            _Step("pnt", label, _point_class(label, before)) for label in _first_group(m).split(".")
        )
        end = m.end()
        while True:
            nxt = lex.point_next.match(text, end)
            if not nxt:
                nxt = lex.point_next_comma.match(text, end)
                if not nxt or nxt.group(1).rstrip(")") in _AMBIGUOUS:  # "h), i) et j)" is a list
                    break
            label = nxt.group(1).rstrip(")")
            cls = _point_class(label, "rom" if path[-1].cls == "let" else None)
            if _POINT_DEPTH[cls] <= _POINT_DEPTH[path[-1].cls]:
                break
            path += (_Step("pnt", label, cls),)
            end = nxt.end()
        return path, end

    def labels(self, kind: str, text: str, pos: int) -> tuple[list, int] | None:
        """A list of labels: "16, 17 and 18", "8 to 15", "(a) and (b)", "5 (b) and (c)"; the
        head word of points may be repeated: "points 1 to 5, and points 8 and 9"."""
        item = self.items[kind]
        lex = self.lex
        first = item(text, pos, None)
        if not first:
            return None
        previous, end = first
        paths = [previous]
        while True:
            m = lex.range_word.match(text, end)
            if m:
                nxt = item(text, m.end(), previous)
                if nxt and not lex.not_a_label.match(text, nxt[1]):
                    last = _inherit(previous, nxt[0])
                    if previous[-1].label in _AMBIGUOUS and last[-1].cls == "rom":  # "(i) to (iii)"
                        paths[-1] = previous = previous[:-1] + (previous[-1]._replace(cls="rom"),)
                    paths[-1:] = _expand(previous, last)
                    previous, end = last, nxt[1]
                    continue
            m = lex.separator.match(text, end)
            if m:
                at = m.end()
                if kind == "pnt":  # "points 1 to 5, and points 8 and 9"
                    again = lex.heads.match(text, at)
                    if again and again.lastgroup == "pnt":
                        at = again.end()
                nxt = item(text, at, previous)
                if nxt and not lex.not_a_label.match(text, nxt[1]) and _same_level(previous, nxt[0]):
                    previous, end = _inherit(previous, nxt[0]), nxt[1]
                    paths.append(previous)
                    continue
            return paths, end

    # -- a part
    def part(self, text: str, pos: int) -> _Part | None:
        m = self.lex.heads.match(text, pos)
        if not m:
            return None
        if m.group("this") or m.group("that"):
            mode = "this" if m.group("this") else "that"
            word = m.group(mode + "kind").lower()
            return _Part(_DEICTIC_KINDS[word], m.start(), m.end(), mode=mode)
        kind = m.lastgroup
        if kind == "anx0":
            return _Part("anx", m.start(), m.end(), mode="unlabelled")
        if kind == "sbp":
            numbers = [self.ordinals[w] for w in re.findall(r"\w+", m.group("sbp").lower()) if w in self.ordinals]
            return _Part("sbp", m.start(), m.end(), paths=[(_Step("sbp", str(n)),) for n in numbers])
        parsed = self.labels(kind, text, m.end())
        if not parsed or (kind == "art" and any(p[0].kind != "art" for p in parsed[0])):
            return None
        return _Part(kind, m.start(), parsed[1], paths=parsed[0])

    # -- acts
    def act(self, text: str, pos: int) -> tuple[int, list[str]] | None:
        """A named act and its numbers: "Regulation (EU) 2016/679", "Regulations (EU) 2016/679
        and (EU) 2018/1725", "Council Framework Decision 2002/584/JHA", "Decision No
        768/2008/EC", "règlement (CE) no 300/2008". Returns the end and the ELI paths
        ("reg/2016/679"): with "No" the number comes first, otherwise the year."""
        lex = self.lex
        m = lex.act_name.match(text, pos)
        if not m:
            return None
        eli_type = _act_type(m.group("type"), m.group("sub"))
        if eli_type is None:
            return None
        paths: list[str] = []
        end = at = m.end()
        while True:
            n = lex.act_number.match(text, at)
            if not n:
                break
            a, b = int(n.group("a")), int(n.group("b"))
            number, year = (a, b) if n.group("no") else (b, a)
            paths.append(f"{eli_type}/{year + 1900 if year < 100 else year}/{number}")
            end = n.end()
            s = lex.act_number_separator.match(text, end)
            if not s:
                break
            at = s.end()
        return (end, paths) if paths else None


# -- where a text is printed, and what it cited before ------------------------------------------

@dataclass
class _Context:
    """The citing subdivision as steps: "art_6.par_3.sbp_2" is article 6, paragraph 3,
    subparagraph 2, in Chapter III, Section 1."""

    steps: tuple
    article: str | None = None
    chapter: str | None = None
    section: str | None = None
    annex: str | None = None

    @classmethod
    def parse(cls, local_id: str | None) -> "_Context | None":
        if not local_id:
            return None
        steps: list[_Step] = []
        before = None
        for piece in local_id.split("."):
            kind, _, label = piece.partition("_")
            if kind == "pnt":
                steps.append(_Step("pnt", label, _point_class(label, "rom" if before == "let" else None)))
                before = steps[-1].cls
            else:
                steps.append(_Step(kind, label))
        context = cls(tuple(steps))
        head = steps[0]
        if head.kind == "art":
            context.article = head.label
            if head.label.isdigit():
                context.chapter, context.section = ARTICLE_CHAPTER.get(int(head.label), (None, None))
        elif head.kind == "cpt":
            context.chapter = head.label
            context.section = steps[1].label if len(steps) > 1 and steps[1].kind == "sct" else None
        elif head.kind == "anx":
            context.annex = head.label
        return context

    @property
    def amended_act(self) -> str | None:
        """The act an amending article amends (Articles 102 to 110), whose provisions its
        relative references and its quoted text name."""
        return AMENDED_ACTS.get(self.article) if self.article else None

    def prefix(self, kinds: tuple[str, ...]) -> _Path | None:
        """The context's own steps of the given kinds: "this paragraph" is its article and
        paragraph, "this Section" its chapter and section, "this point" its point."""
        if kinds[0] == "cpt":
            if not self.chapter or ("sct" in kinds and not self.section):
                return None
            path = (_Step("cpt", self.chapter),)
            return path + ((_Step("sct", self.section),) if "sct" in kinds else ())
        if kinds == ("pnt",):
            last = max((i for i, s in enumerate(self.steps) if s.kind == "pnt"), default=None)
            return None if last is None else self.steps[: last + 1]
        path = tuple(s for s in self.steps if s.kind in kinds)
        if not path or path[0].kind != kinds[0]:
            return None
        if kinds[-1] == "sbp" and path[-1].kind != "sbp":  # "this subparagraph" printed in a point
            return path if len(path) == len(kinds) - 1 else None
        return path if len(path) == len(kinds) else None


@dataclass
class _Memory:
    """What a text has cited so far: for "that Annex", "thereof", "that Regulation"."""

    local: list = field(default_factory=list)  # paths of this Act's provisions, in order
    last_was_local: bool = False
    #: The last act named, by kind ("reg", "dir", …): ELI paths, THIS_ACT for this Act.
    last_acts: dict = field(default_factory=dict)

    def named(self, eli_path: str) -> None:
        self.last_acts[_act_kind(eli_path.partition("/")[0])] = eli_path

    def last_with(self, kind: str) -> _Path | None:
        for path in reversed(self.local):
            for i in range(len(path) - 1, -1, -1):
                if path[i].kind == kind:
                    return path[: i + 1]
        return None


def _act_kind(eli_type: str) -> str:
    """What "that Regulation" may stand for: any regulation, implementing or not."""
    return eli_type if eli_type == "dec_framw" else eli_type.partition("_")[0]


def _annex_of(path: _Path) -> _Path | None:
    if path and path[0].kind == "anx":
        return tuple(s for s in path if s.kind in ("anx", "sct"))
    return None


# -- chains: parts joined into one reference --------------------------------------------------------

@dataclass
class _Chain:
    parts: list
    start: int
    end: int
    #: None or "self": this Act; "eli:<paths>" (space-separated); "that:<kind>" ("of that
    #: Regulation"); "other" (the Treaties, the Charter)
    act: str | None = None
    thereof: bool = False
    extra_paragraphs: list = field(default_factory=list)  # "point (h), (2) to (6)"

    def explicit_annex(self) -> _Path | None:
        for part in self.parts:
            if part.kind == "anx" and part.mode == "plain":
                return part.paths[0][:1]
        return None


def _joinable(parts: list[_Part], new: _Part, larger: bool) -> bool:
    """May ``new`` join the chain? Each kind once; this Act's articles and annexes never
    together; after "of" / "de" only a larger subdivision ("point (h) of Article 5(1)")."""
    present: set[str] = set()
    for part in parts:
        present |= part.kinds
    new_kinds = new.kinds
    if "rct" in present or "rct" in new_kinds or present & new_kinds:
        return False
    if new.mode == "unlabelled" and not larger:
        return False
    if len({_family(present), _family(new_kinds)} - {None}) > 1:
        if not (new.foreign or any(p.foreign for p in parts)):  # "annexe I, article R23, de …"
            return False
    if not larger:
        return True
    return any(
        all(_rank(new.kind, family) < _rank(p.kind, family) for p in parts) for family in ("act", "anx")
    )


def _extends_point(last: _Part, new: _Part) -> bool:
    """French "point 2, points d) et e)": a finer point part continues the point before it."""
    if last.kind != "pnt" or new.kind != "pnt" or last.mode != "plain" or new.mode != "plain":
        return False
    if _POINT_DEPTH[new.paths[0][0].cls] <= _POINT_DEPTH[last.paths[-1][-1].cls]:
        return False
    last.paths = [p + q for p in last.paths for q in new.paths]
    last.end = new.end
    return True


def _parse_chain(grammar: _Grammar, text: str, first: _Part) -> _Chain:
    """The parts that follow ``first`` and belong to the same reference, and its act."""
    lex = grammar.lex
    chain = _Chain([first], first.start, first.end)
    while True:
        end = chain.end
        m = lex.join_smaller.match(text, end)
        new = grammar.part(text, m.end()) if m else None
        if new and new.mode != "that":
            if _extends_point(chain.parts[-1], new):
                chain.end = new.end
                continue
            if _joinable(chain.parts, new, larger=False):
                chain.parts.append(new)
                chain.end = new.end
                continue
        m = lex.join_larger.match(text, end)
        if m:
            new = grammar.part(text, m.end())
            if new and _joinable(chain.parts, new, larger=True):
                chain.parts.append(new)
                chain.end = new.end
                continue
            act_end = _act_of_chain(grammar, text, m.end(), chain)
            if act_end:
                chain.end = act_end
                return chain
        if any(p.kind == "anx" for p in chain.parts):
            m = lex.join_annex_to_act.match(text, end)
            act_end = _act_of_chain(grammar, text, m.end(), chain) if m else None
            if act_end:
                chain.end = act_end
                return chain
        m = lex.other_text_suffix.match(text, end)
        if m:
            chain.act, chain.end = "other", m.end()
            return chain
        m = lex.thereof.match(text, end)
        if m:
            chain.thereof, chain.end = True, m.end()
            return chain
        m = lex.paragraph_ellipsis.match(text, end)
        if m and not chain.extra_paragraphs and any(
            s.kind == "par" for p in chain.parts for path in p.paths for s in path
        ):
            parsed = grammar.labels("par", text, m.end())
            if parsed:
                chain.extra_paragraphs, chain.end = parsed
                continue
        return chain


def _act_of_chain(grammar: _Grammar, text: str, pos: int, chain: _Chain) -> int | None:
    """The act named after "of" / "de": sets ``chain.act``, returns where it ends."""
    lex = grammar.lex
    m = lex.own_act.match(text, pos)
    if m:
        chain.act = "self"
        return m.end()
    m = lex.act_anaphora.match(text, pos)
    if m:
        chain.act = "that:" + _act_kind(_act_type(m.group("type"), None) or "reg")
        return m.end()
    named = grammar.act(text, pos)
    if named:
        end, paths = named
        others = [p for p in paths if p != THIS_ACT]
        chain.act = "eli:" + " ".join(others) if others else "self"
        return end
    m = lex.other_text.match(text, pos)
    if m:
        chain.act = "other"
        return m.end()
    return None


# -- from a chain to its targets ---------------------------------------------------------------------

def _order(path: _Path, family: str) -> _Path:
    ranks = _ANNEX_RANK if family == "anx" else _ACT_RANK
    return tuple(sorted(path, key=lambda s: ranks.get(s.kind, 0)))


def _complete(path: _Path, context: _Context | None, memory: _Memory, family: str,
              next_annex: _Path | None) -> _Path | None:
    """A reference relative to where it is printed, completed from the context: "paragraph 1"
    printed in Article 6 is Article 6(1); "Section 2" printed in Chapter III is its Section 2."""
    head = path[0].kind
    if head in ("cpt", "anx", "rct", "art"):
        return path
    if context is None or context.amended_act:
        return None
    if head == "sct":
        if context.annex:
            return (_Step("anx", context.annex),) + path
        if context.chapter and family != "anx":
            return (_Step("cpt", context.chapter),) + path
        return None
    if head in ("par", "sbp"):
        if context.article is None:
            return None
        kinds = ("art",) if head == "par" else ("art", "par")
        return tuple(s for s in context.steps if s.kind in kinds) + path
    return _complete_point(path, context, memory, next_annex)


def _complete_point(path: _Path, context: _Context, memory: _Memory, next_annex: _Path | None) -> _Path | None:
    """"point (a)": a point of the paragraph, article or annex point where it is printed.

    * A point of the same class as a point of the context is its sibling ("point (a)" printed in
      point (c)); otherwise it is a child of the context, cut below its coarser points.
    * A numbered point printed in an article other than Article 3 is a point of an annex: the
      one named next in the same coordination ("Points 4.3., 4.4., 4.5. and the fifth paragraph
      of point 4.6 of Annex VII") or else the one cited last ("Annex XI, in particular point 2").
    * A point whose label repeats a point of the same article cited before in the same text is
      that point ("au paragraphe 1, premier alinéa, point h), … au point h), iii)").
    """
    first = path[0]
    steps = context.steps
    if first.label in _AMBIGUOUS and first.cls == "let":
        points = [s for s in steps if s.kind == "pnt"]
        if points and points[-1].cls == "rom":
            first = first._replace(cls="rom")
            path = (first,) + path[1:]
    if context.article is not None:
        if first.cls == "num" and context.article not in NUMBERED_POINT_ARTICLES:
            base = next_annex or next(filter(None, map(_annex_of, reversed(memory.local))), None)
            return base + path if base else None
    elif context.annex is None:
        return None
    for previous in reversed(memory.local):
        if previous[0] != steps[0]:
            continue
        for i, step in enumerate(previous):
            if step.kind == "pnt" and step.label == first.label and step.cls == first.cls:
                return previous[:i] + path
    for i, step in enumerate(steps):
        if step.kind == "pnt" and step.cls == first.cls:
            return steps[:i] + path
    kept: list[_Step] = []
    for step in steps:
        if step.kind == "pnt" and _POINT_DEPTH[step.cls] >= _POINT_DEPTH[first.cls]:
            break
        kept.append(step)
    return tuple(kept) + path


def _chain_paths(chain: _Chain, context: _Context | None, memory: _Memory,
                 next_annex: _Path | None) -> list[_Path]:
    """Every provision of this Act a chain cites, as paths (empty when it cannot be resolved)."""
    choices: list[list[_Path]] = []
    kinds: set[str] = set()
    if any(part.foreign for part in chain.parts):
        return []
    for part in chain.parts:
        if part.mode == "this":
            prefix = None if context is None or context.amended_act else context.prefix(_DEICTIC_SPAN[part.kind])
        elif part.mode == "that":
            prefix = memory.last_with(part.kind) if memory.last_was_local else None
        elif part.mode == "unlabelled":
            prefix = None  # "the Annex to Directive …" whose act was not recognised
        else:
            choices.append(part.paths)
            kinds |= part.kinds
            continue
        if prefix is None:
            return []
        choices.append([prefix])
        kinds |= {s.kind for s in prefix}
    family = _family(kinds) or ("anx" if context is not None and context.annex else "act")
    if chain.thereof:
        if not memory.last_was_local:
            return []
        last = memory.local[-1]
        family = _family({s.kind for s in last}) or family
        coarsest = min(_rank(p.kind, family) for p in chain.parts)
        base = tuple(s for s in last if _rank(s.kind, family) < coarsest)
        if not base:
            return []
        choices.insert(0, [base])
    paths: list[_Path] = []
    for combination in product(*choices):
        steps = _order(tuple(s for piece in combination for s in piece), family)
        completed = _complete(steps, context, memory, family, next_annex)
        if completed is not None:
            paths.append(completed)
    if chain.extra_paragraphs and paths:
        article = tuple(s for s in paths[0] if s.kind == "art")
        if article:
            paths += [article + p for p in chain.extra_paragraphs]
    return paths


def _render(path: _Path) -> str:
    """Steps to a local id. Points hang off their paragraph, not off the subparagraph that
    introduces them, except in :data:`SUBPARAGRAPH_POINTS`; the paragraphs of an annex point
    have no id of their own; "Article 113(3)" is the third (unnumbered) subparagraph of an
    article without numbered paragraphs."""
    annex = path[0].kind == "anx"
    article = paragraph = None
    out = []
    for i, step in enumerate(path):
        if step.kind == "art":
            article = step.label
        elif step.kind == "par" and article in ARTICLES_WITHOUT_PARAGRAPHS:
            step = step._replace(kind="sbp")
        elif step.kind == "par":
            paragraph = step.label
        if step.kind == "sbp":
            if annex:
                continue
            if any(s.kind == "pnt" for s in path[i + 1:]) and (article, paragraph) not in SUBPARAGRAPH_POINTS:
                continue
        out.append(f"{step.kind}_{step.label}")
    return ".".join(out)


# -- the entry point ------------------------------------------------------------------------------------

_GRAMMARS = {lang: _Grammar(lang) for lang in _LEXICONS}
#: Two references coordinated: "… and the …", "…, et à l’…", "… ainsi que le …".
_COORDINATION = re.compile(
    r"[\s,]*(?:and|or|et|ou|ainsi\s+que)\s+(?:(?:à|de|du|des|au|aux)\s+)?(?:the\s+|le\s+|la\s+|les\s+|l[’']\s*)?$"
)


def _scan(grammar: _Grammar, text: str) -> list[tuple[str, object]]:
    """Everything that may cite, in order: ("chain", _Chain), ("act", (start, end, paths)),
    ("other", position) for the Treaties and the Charter, which end a run of this Act's
    references ("Articles 16 and 114 thereof" after "the Treaty")."""
    lex = grammar.lex
    items: list[tuple[str, object]] = []
    pos = 0
    while True:
        m = lex.start.search(text, pos)
        if not m:
            return items
        pos = m.end()
        if m.group("other"):
            items.append(("other", m.start()))
        elif m.group("act"):
            named = grammar.act(text, m.start())
            if named:
                items.append(("act", (m.start(), named[0], named[1])))
                pos = named[0]
        else:
            first = grammar.part(text, m.start())
            if first is not None:
                chain = _parse_chain(grammar, text, first)
                if lex.possessive.search(text, max(0, m.start() - 8), m.start()):
                    chain.thereof = True  # "le traité …, et notamment ses articles 16 et 114"
                items.append(("chain", chain))
                pos = max(pos, chain.end)


def find_citations(text: str, lang: str, context: str | None) -> list[Citation]:
    """The references in ``text``, a text block of the Act in ``lang`` ("en" or "fr"), in order.

    ``context`` is the local id of the subdivision the text belongs to ("art_6.par_3.sbp_2",
    "anx_III.pnt_1", "rct_53"); references relative to it are dropped when it is None.

    English: "Article 6(2)", "Article 6(2) and (3)", "Articles 8 to 15", "Articles 16, 17 and
    18", "point (h) of Article 5(1)", "Article 5(1), point (h)", "points (a) and (b) of Article
    5(1)", "point (a)(ii)", "Article 5(1), first subparagraph, point (h)(iii)", "Annex III",
    "Annex III, point 1", "points 5 (b) and (c) of Annex III", "point 1(a) of Annex III",
    "Section A of Annex I", "Section 2 of this Chapter", "Chapter III, Section 2", "paragraph 1",
    "paragraphs 1 and 2", "this Article", "point (a)", "the first subparagraph", "this Chapter",
    "recital 53", "Regulation (EU) 2016/679", "Directive 2014/90/EU", "Decision No 768/2008/EC",
    "Council Framework Decision 2002/584/JHA", "Article 9(1) of Regulation (EU) 2016/679".

    French: "l’article 6, paragraphe 2", "l’article 5, paragraphe 1, point h)", "point h) de
    l’article 5, paragraphe 1", "points a) et b)", "les articles 8 à 15", "l’annexe III, point 1",
    "annexe III, point 5 b)", "la section 2 du présent chapitre", "le chapitre III", "le
    paragraphe 1", "le présent article", "le premier alinéa", "règlement (UE) 2016/679",
    "directive (UE) 2019/790", "règlement (CE) no 300/2008".
    """
    grammar = _GRAMMARS.get(lang)
    if grammar is None:
        raise ValueError(f"unsupported language {lang!r}: expected one of {sorted(_GRAMMARS)}")
    where = _Context.parse(context)
    memory = _Memory()
    items = _scan(grammar, text)
    _share_acts(text, items)
    found: list[Citation] = []
    for index, (kind, item) in enumerate(items):
        if kind == "other":
            memory.last_was_local = False
        elif kind == "act":
            start, end, paths = item
            for path in paths:
                memory.named(path)
            targets = tuple(dict.fromkeys(f"{ELI_BASE}{p}/oj" for p in paths if p != THIS_ACT))
            if targets:
                memory.last_was_local = False
                found.append(Citation(start, end, text[start:end], targets))
        else:
            following = _coordinated(text, items, index)
            next_annex = following.explicit_annex() if following else None
            targets = _chain_targets(item, where, memory, next_annex)
            if targets:
                found.append(Citation(item.start, item.end, text[item.start:item.end], targets))
    return found


def _coordinated(text: str, items: list, index: int) -> _Chain | None:
    """The next reference when it is coordinated with this one ("… and Article 9(2), point (g),
    of Regulation (EU) 2016/679", "… and the fifth paragraph of point 4.6 of Annex VII")."""
    if index + 1 < len(items) and items[index + 1][0] == "chain":
        chain, following = items[index][1], items[index + 1][1]
        if _COORDINATION.match(text, chain.end, following.start):
            return following
    return None


def _share_acts(text: str, items: list) -> None:
    """An act named once for coordinated articles belongs to each of them: in "Article 6(4)
    and Article 9(2), point (g), of Regulation (EU) 2016/679" both are articles of that
    Regulation, not of this Act."""
    for index in range(len(items) - 2, -1, -1):
        kind, chain = items[index]
        if kind != "chain" or chain.act or chain.thereof or chain.parts[0].kind != "art":
            continue
        following = _coordinated(text, items, index)
        if following and following.parts[0].kind == "art" and following.act not in (None, "self"):
            chain.act = following.act


def _chain_targets(chain: _Chain, context: _Context | None, memory: _Memory,
                   next_annex: _Path | None) -> tuple[str, ...]:
    act = chain.act
    if act and act.startswith("that:"):  # "of that Regulation": the regulation named last
        named = memory.last_acts.get(act[5:])
        act = "other" if named is None else "self" if named == THIS_ACT else "eli:" + named
    if act == "other":
        memory.last_was_local = False
        return ()
    if act and act.startswith("eli:"):
        for path in act[4:].split():
            memory.named(path)
    elif act is None and context is not None and context.amended_act:
        act = "eli:" + context.amended_act  # a provision of the act being amended
    if act and act.startswith("eli:"):
        memory.last_was_local = False
        return tuple(f"{ELI_BASE}{path}/oj" for path in act[4:].split())
    paths = _chain_paths(chain, context, memory, next_annex)
    if not paths:
        return ()
    memory.local.extend(paths)
    memory.last_was_local = True
    return tuple(dict.fromkeys(_render(p) for p in paths))
