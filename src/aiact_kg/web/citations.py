"""How to cite a provision of the Act: OSCOLA and the Official Journal's own style, in
English or French, from the act's title, publication date and ELI as the graph holds them.

- OSCOLA (4th ed., EU legislation): title, ``[year] OJ L<number>``, pinpoint
  (``art 6(2)(a)``, ``recital 53``, ``annex III``).
- The OJ's style (Interinstitutional Style Guide, citing an act in an act): the provision, then
  the act's full title with its OJ reference and ELI in brackets
  (``Article 6(2) of Regulation (EU) 2024/1689 … (OJ L, 2024/1689, 12.7.2024, ELI: …)``).
"""

from __future__ import annotations

import re
from datetime import date

#: The notice the title carries in the Journal, not part of a citation.
EEA_NOTICE = re.compile(r"\s*\((Text with EEA relevance|Texte présentant de l’intérêt pour l’EEE)\)\s*$")
NUMBER = "2024/1689"

WORDS = {
    "en": {"art": "art", "rct": "recital", "anx": "annex", "cpt": "ch", "sct": "s", "sbp": "subpara",
           "oj": "OJ", "point": "point", "section": "section"},
    "fr": {"art": "art", "rct": "considérant", "anx": "annexe", "cpt": "chap", "sct": "sect", "sbp": "al",
           "oj": "JO", "point": "point", "section": "section"},
}


def act_title(title: str, lang: str) -> str:
    """The act's title as cited: without the EEA notice, and in French in the case a sentence
    uses ("règlement (UE) 2024/1689 du Parlement européen et du Conseil du 13 juin 2024 …")."""
    title = EEA_NOTICE.sub("", title.replace("\xa0", " ")).strip()
    if lang == "fr" and title.startswith("RÈGLEMENT"):
        rest = title.split(" DU CONSEIL ", 1)[-1]
        title = f"règlement (UE) {NUMBER} du Parlement européen et du Conseil {rest}"
    return title


def pinpoint(local_id: str, lang: str) -> str:
    """OSCOLA's pinpoint of a subdivision: ``art 6(2)(a)``, ``recital 53``, ``annex III, point 1(a)``."""
    words = WORDS[lang]
    out = ""
    for part in local_id.split("."):
        kind, _, number = part.partition("_")
        if kind == "art":
            out = f"{words['art']} {number}"
        elif kind == "rct":
            out = f"{words['rct']} {number}"
        elif kind == "anx":
            out = f"{words['anx']} {number}"
        elif kind == "cpt":
            out = f"{words['cpt']} {number}"
        elif kind == "sct":
            out += f", {words['sct'] if out.startswith(words['cpt']) else words['section']} {number}"
        elif kind == "par":
            out += f"({number})"
        elif kind == "sbp":
            out += f", {words['sbp']} {number}"
        elif kind == "pnt":
            annex_point = out.startswith(words["anx"]) and f", {words['point']} " not in out
            out += f", {words['point']} {number}" if annex_point else f"({number})"
        else:
            return ""
    return out


def oj_reference(published: str, lang: str) -> str:
    """``OJ L, 2024/1689, 12.7.2024`` (French: ``JO L, 2024/1689 du 12.7.2024``)."""
    day = date.fromisoformat(published)
    when = f"{day.day}.{day.month}.{day.year}"
    return f"OJ L, {NUMBER}, {when}" if lang == "en" else f"JO L, {NUMBER} du {when}"


def cite(local_id: str, label: str, act: dict, lang: str) -> dict[str, str]:
    """The two citations of one subdivision (``label`` as the law cites it, e.g. "Article 6(2)")
    from the act's row of the ``act`` query (``title``, ``publication``, ``eli``)."""
    title = act_title(act["title"], lang)
    published = act["publication"]
    year = published[:4]
    pin = pinpoint(local_id, lang)
    oscola_title = title[0].upper() + title[1:]
    oscola = f"{oscola_title} [{year}] {WORDS[lang]['oj']} L{NUMBER}" + (f", {pin}" if pin else "")
    reference = f"({oj_reference(published, lang)}, ELI: {act['eli']})"
    label = label.replace("\xa0", " ")
    if lang == "fr":
        label = label[0].lower() + label[1:]
        joiner = "du"
    else:
        joiner = "to" if local_id.startswith("anx_") and "." not in local_id else "of"
    oj = f"{label}{',' if ',' in label else ''} {joiner} {title} {reference}"
    return {"oscola": oscola, "oj": oj}
