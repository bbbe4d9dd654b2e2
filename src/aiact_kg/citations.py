"""How a provision is cited in each language: "Article 5(1), point (a)", "Article 5,
paragraphe 1, point a)". Used for labels, search and links; derived from the local id alone."""

from __future__ import annotations

_ORDINALS = {
    "en": ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"],
    "fr": ["premier", "deuxième", "troisième", "quatrième", "cinquième", "sixième", "septième",
           "huitième", "neuvième", "dixième"],
}
_WORDS = {
    "en": {"rct": "Recital", "cpt": "Chapter", "art": "Article", "anx": "Annex", "cit": "Citation",
           "ftn": "Footnote", "pbl_1": "Preamble", "enc_1": "Enacting terms", "fnp_1": "Final part",
           "sct": "Section", "subparagraph": "subparagraph", "point": "point", "points": "point"},
    "fr": {"rct": "Considérant", "cpt": "Chapitre", "art": "Article", "anx": "Annexe", "cit": "Visa",
           "ftn": "Note", "pbl_1": "Préambule", "enc_1": "Dispositif", "fnp_1": "Partie finale",
           "sct": "section", "subparagraph": "alinéa", "point": "point", "points": "point"},
}


def _ordinal(number: str, lang: str) -> str:
    index = int(number) - 1
    words = _ORDINALS[lang]
    return words[index] if 0 <= index < len(words) else f"{number}."


def citation_label(local_id: str, lang: str = "en") -> str:
    """The way the law cites a subdivision, e.g. ``art_5.par_1.pnt_c.pnt_ii`` ->
    "Article 5(1), point (c)(ii)" (en) or "Article 5, paragraphe 1, point c) ii)" (fr)."""
    words = _WORDS[lang]
    if local_id in words:
        return words[local_id]
    steps = [step.split("_", 1) for step in local_id.split(".")]
    kind, number = steps[0]
    head = f"{words[kind]} {number}"
    if kind == "cpt" and len(steps) > 1:
        return f"{head}, {words['sct'].capitalize() if lang == 'en' else words['sct']} {steps[1][1]}"
    paragraph = subparagraph = None
    points: list[str] = []
    section = None
    for step, value in steps[1:]:
        if step == "par":
            paragraph = value
        elif step == "sbp":
            subparagraph = value
        elif step == "pnt":
            points.append(value)
        elif step == "sct":
            section = value
    out = head
    if lang == "en":
        if paragraph:
            out += f"({paragraph})"
        if section:
            out += f", Section {section}"
        if subparagraph:
            out += f", {_ordinal(subparagraph, lang)} subparagraph"
        if points:
            if kind == "anx":
                out += f", point {points[0]}" + "".join(f"({p})" for p in points[1:])
            else:
                out += f", point ({points[0]})" + "".join(f"({p})" for p in points[1:])
    else:
        if paragraph:
            out += f", paragraphe {paragraph}"
        if section:
            out += f", section {section}"
        if subparagraph:
            out += f", {_ordinal(subparagraph, lang)} alinéa"
        if points:
            if kind == "anx":
                out += f", point {points[0]}" + "".join(f" {p})" for p in points[1:])
            else:
                out += ", point " + " ".join(f"{p})" for p in points)
    return out
