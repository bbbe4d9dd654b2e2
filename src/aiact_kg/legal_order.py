"""The order in which the Act prints its subdivisions, as one sort key for every list.

Local ids are compared step by step (``art_26.par_10`` is ``art_26``, then ``par_10``), each
step by its number as the law counts it: Article 4 before Article 10, Article 26(2) before
26(10), Annex IX before Annex X, point (b) before (ba) before (c), and point (ix) after (v)
where the points are numbered in roman figures (the points of a lettered point:
``art_5.par_1.pnt_h.pnt_iii``). Across kinds, the printed order of the Official Journal:
citations and recitals, then the enacting terms (chapters, then articles), the final part,
the annexes and the footnotes.

:func:`sort_key` takes a local id, the IRI of a subdivision or the IRI of anything named after
a provision (``…/obligation/art_10.par_1`` sorts as Article 10(1)).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .crossrefs import roman_to_int as roman

#: Top-level kinds of subdivision in printed order.
_TOP = {"pbl": 0, "cit": 1, "rct": 2, "enc": 3, "cpt": 4, "art": 5, "fnp": 6, "anx": 7, "ftn": 8}
#: Parts of a subdivision: sections of chapters and annexes, paragraphs, subparagraphs, points.
_PART = {"sct": 0, "par": 1, "sbp": 2, "pnt": 3}
_ROMAN = re.compile(r"^(?=[ivxlcdm]+$)m*(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$", re.I)
_ID = re.compile(r"^(?:[a-z]+_[0-9A-Za-z]+)(?:\.[a-z]+_[0-9A-Za-z]+)*$")


def is_roman(value: str) -> bool:
    return bool(value) and bool(_ROMAN.match(value))


def local_part(value: str) -> str:
    """The local id in a local id or an IRI (its last path segment)."""
    return value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@lru_cache(maxsize=1 << 16)
def sort_key(value: str) -> tuple:
    """The key that puts local ids (or IRIs named after them) in the Act's printed order
    (kept for the most recent 65,536 values: pages sort the same ids again and again)."""
    local = local_part(value)
    if not _ID.match(local):
        return ((9, 0, 0, local),)
    key = []
    previous = None
    for depth, step in enumerate(local.split(".")):
        kind, _, number = step.partition("_")
        rank = _TOP.get(kind, 9) if depth == 0 else _PART.get(kind, 9)
        if number.isdigit():
            place = (0, int(number), "")
        elif (kind in ("anx", "cpt") or _roman_points(kind, previous)) and is_roman(number):
            place = (0, roman(number), "")
        else:
            place = (1, 0, number.lower())
        key.append((rank,) + place)
        previous = (kind, number)
    return tuple(key)


def _roman_points(kind: str, parent: tuple[str, str] | None) -> bool:
    """Points listed inside a lettered point are numbered (i), (ii), (iii)…"""
    return kind == "pnt" and parent is not None and parent[0] == "pnt" and parent[1].isalpha()


def in_order(values, key=None) -> list:
    """The values sorted in the Act's order (``key`` gives each value's local id or IRI)."""
    return sorted(values, key=(lambda v: sort_key(key(v))) if key else sort_key)
