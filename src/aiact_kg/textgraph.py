"""The official text as RDF: every subdivision, in English and French, with its structure,
cross-references, definitions and related recitals.

Vocabulary: the ELI ontology for what it covers (``eli:LegalResource``,
``eli:LegalResourceSubdivision``, ``eli:is_part_of``/``eli:has_part``, ``eli:number``,
``eli:title``, ``eli:cites``, the act's dates), our ontology (``ontology/text.ttl``) for the
rest: the kind of each subdivision, its printed label, its text before and after its
children (``aiact:text``, ``aiact:closingText``) and its place among its siblings
(``aiact:order``), so an article can be reassembled exactly as printed.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Iterable, Iterator

from pyoxigraph import Literal, NamedNode, Triple

from . import crossrefs
from .citations import citation_label
from .provisions import Act, Provision
from .vocab import AIACT, ELI, OJ_ELI

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
OWL_SAME_AS = NamedNode("http://www.w3.org/2002/07/owl#sameAs")
XSD_DATE = NamedNode("http://www.w3.org/2001/XMLSchema#date")
XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
XSD_DECIMAL = NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
DCT_SOURCE = NamedNode("http://purl.org/dc/terms/source")
DCT_ISSUED = NamedNode("http://purl.org/dc/terms/issued")
DCT_CITATION = NamedNode("http://purl.org/dc/terms/bibliographicCitation")
SKOS = "http://www.w3.org/2004/02/skos/core#"

#: The version of the text encoded here: as published in the Official Journal.
VERSION_DATE = "2024-07-12"


def n(term) -> NamedNode:
    return NamedNode(str(term))


def act_iri(base: str) -> str:
    return f"{base}reg/2024/1689"


class TextGraph:
    """Builds the triples of the text for one base IRI."""

    def __init__(self, base: str, english: Act, french: Act, meta: dict):
        self.base = base
        self.act = act_iri(base)
        self.english = english
        self.french = french
        self.meta = meta
        self.en_index = english.index()
        self.fr_index = french.index()
        self.version = NamedNode(f"{self.act}/version/{VERSION_DATE}")
        self.sectionless = sectionless_annex_points(self.en_index)

    def iri(self, local_id: str) -> NamedNode:
        return NamedNode(f"{self.act}/{local_id}")

    # -- the act -------------------------------------------------------------------------
    def act_triples(self) -> Iterator[Triple]:
        act = NamedNode(self.act)
        yield Triple(act, RDF_TYPE, n(ELI.LegalResource))
        yield Triple(act, OWL_SAME_AS, NamedNode(OJ_ELI))
        yield Triple(act, n(ELI.title), Literal(" ".join(self.meta["title"]), language="en"))
        if self.meta.get("title_fr"):
            yield Triple(act, n(ELI.title), Literal(" ".join(self.meta["title_fr"]), language="fr"))
        yield Triple(act, RDFS_LABEL, Literal("Regulation (EU) 2024/1689 (Artificial Intelligence Act)", language="en"))
        yield Triple(act, RDFS_LABEL, Literal("Règlement (UE) 2024/1689 (règlement sur l’intelligence artificielle)", language="fr"))
        document, published = _iso(self.meta["date_document"]), _iso(self.meta["date_publication"])
        yield Triple(act, n(ELI.date_document), Literal(document.isoformat(), datatype=XSD_DATE))
        yield Triple(act, n(ELI.date_publication), Literal(published.isoformat(), datatype=XSD_DATE))
        # Article 113, first subparagraph: "shall enter into force on the twentieth day
        # following that of its publication in the Official Journal".
        in_force = published + timedelta(days=20)
        yield Triple(act, n(ELI.first_date_entry_in_force), Literal(in_force.isoformat(), datatype=XSD_DATE))
        yield Triple(self.version, RDF_TYPE, n(AIACT.ActVersion))
        yield Triple(self.version, n(AIACT.versionOf), act)
        yield Triple(self.version, DCT_ISSUED, Literal(published.isoformat(), datatype=XSD_DATE))
        yield Triple(self.version, DCT_SOURCE, NamedNode(OJ_ELI))
        yield Triple(self.version, RDFS_LABEL, Literal("As published in the Official Journal on 12 July 2024", language="en"))
        yield Triple(self.version, RDFS_LABEL, Literal("Tel que publié au Journal officiel le 12 juillet 2024", language="fr"))

    # -- subdivisions ----------------------------------------------------------------------
    def subdivision_triples(self) -> Iterator[Triple]:
        act = NamedNode(self.act)
        for order, part in enumerate(self.english.parts, start=1):
            yield from self._provision(part, act, order)
        for order, note in enumerate(self.english.footnotes, start=1):
            yield from self._provision(note, act, order)

    def _provision(self, node: Provision, parent: NamedNode, order: int) -> Iterator[Triple]:
        me = self.iri(node.local_id)
        yield Triple(me, RDF_TYPE, n(ELI.LegalResourceSubdivision))
        yield Triple(me, RDF_TYPE, n(getattr(AIACT, node.kind)))
        yield Triple(me, n(ELI.is_part_of), parent)
        yield Triple(parent, n(ELI.has_part), me)
        yield Triple(me, n(ELI.id_local), Literal(node.local_id))
        yield Triple(me, n(AIACT.order), Literal(str(order), datatype=XSD_INTEGER))
        yield Triple(me, n(AIACT.inVersion), self.version)
        if node.number:
            yield Triple(me, n(ELI.number), Literal(node.number))
        french = self.fr_index.get(node.local_id)
        for lang, version in (("en", node), ("fr", french)):
            if version is None:
                continue
            yield Triple(me, RDFS_LABEL, Literal(citation_label(node.local_id, lang), language=lang))
            if version.label:
                yield Triple(me, n(AIACT.printedLabel), Literal(version.label, language=lang))
            if version.title:
                yield Triple(me, n(ELI.title), Literal(version.title, language=lang))
            if version.text:
                yield Triple(me, n(AIACT.text), Literal("\n".join(version.text), language=lang))
            if version.closing:
                yield Triple(me, n(AIACT.closingText), Literal("\n".join(version.closing), language=lang))
        if french is None:
            # A subdivision the French rendering does not print (see eurlex.MISSING_FOOTNOTES).
            yield Triple(me, n(AIACT.textMissingIn), Literal("fr"))
        for note in node.footnotes:
            yield Triple(me, n(AIACT.hasFootnote), self.iri(note))
        for order, child in enumerate(node.children, start=1):
            yield from self._provision(child, me, order)

    # -- cross-references --------------------------------------------------------------------
    def citations(self) -> dict[str, set[str]]:
        """For each citing subdivision, the provisions (local ids) and other acts (IRIs) it cites."""
        cited: dict[str, set[str]] = {}
        for act in (self.english, self.french):
            for node in act.walk():
                for line in node.text + node.closing:
                    for citation in crossrefs.find_citations(line, act.lang, node.local_id):
                        for target in citation.targets:
                            resolved = self.resolve(target)
                            if resolved and resolved != node.local_id:
                                cited.setdefault(node.local_id, set()).add(resolved)
        return cited

    def resolve(self, target: str) -> str | None:
        """A cited target as it exists in the graph: another act's IRI as given, a provision
        of this Act as itself or, where the wording is finer than the text's structure
        ("the first subparagraph" of a paragraph with one), its nearest existing ancestor.
        A point of an annex cited without its section ("points 2 (d) and (e)" of Annex XI)
        is the point of that number in the one section that has it."""
        return resolve_target(target, self.en_index, self.sectionless)

    def citation_triples(self) -> Iterator[Triple]:
        for source, targets in self.citations().items():
            me = self.iri(source)
            for target in targets:
                if target.startswith("http"):
                    yield Triple(me, n(ELI.cites), NamedNode(target))
                    yield Triple(me, n(AIACT.citesOtherAct), NamedNode(target))
                else:
                    yield Triple(me, n(ELI.cites), self.iri(target))

    # -- other acts ------------------------------------------------------------------------
    def other_acts(self) -> dict[str, dict]:
        """Every other act the text cites, by ELI: how the text names it in each language
        (``label_en``: "Regulation (EU) No 1025/2012") and, where the Official Journal gives
        its full reference in a footnote, that footnote (``note``) and its text
        (``citation_en``: "Regulation (EU) No 1025/2012 of the European Parliament and of the
        Council of 25 October 2012 on European standardisation … (OJ L 316, 14.11.2012, p. 12)").
        The act a footnote describes is the first one it cites. An act that Annex I or Annex X
        lists with its full reference ("Directive 2009/48/EC of the European Parliament and of
        the Council of 18 June 2009 on the safety of toys (OJ L 170, 30.6.2009, p. 1)") and
        that no footnote describes has that annex point as its ``note``."""
        acts: dict[str, dict] = {}
        for act in (self.english, self.french):
            for note in act.footnotes:
                text = " ".join(note.text)
                first = next((c for c in crossrefs.find_citations(text, act.lang, None)
                              if c.targets and c.targets[0].startswith("http") and c.start < 3), None)
                if first is None:
                    continue
                entry = acts.setdefault(first.targets[0], {})
                if entry.get("note", note.local_id) != note.local_id and f"citation_{act.lang}" in entry:
                    continue  # described again by a later note: the first description stays
                entry.setdefault("note", note.local_id)
                if entry["note"] == note.local_id:
                    entry[f"label_{act.lang}"] = first.text
                    entry[f"citation_{act.lang}"] = text
            for node in act.walk():
                if node.local_id.startswith("anx_") and node.kind == "Point" and node.text:
                    self._annex_reference(acts, node, act.lang)
                for line in node.text + node.closing:
                    for citation in crossrefs.find_citations(line, act.lang, node.local_id):
                        for target in citation.targets:
                            if target.startswith("http") and len(citation.targets) == 1:
                                acts.setdefault(target, {}).setdefault(f"label_{act.lang}", citation.text)
                            elif target.startswith("http"):
                                acts.setdefault(target, {})
        return acts

    @staticmethod
    def _annex_reference(acts: dict[str, dict], point: Provision, lang: str) -> None:
        text = " ".join(point.text)
        if not re.search(r"\((?:OJ|JO) [A-Z]", text):
            return
        found = crossrefs.find_citations(text, lang, point.local_id)
        if not found or found[0].start > 2 or len(found[0].targets) != 1 or not found[0].targets[0].startswith("http"):
            return
        entry = acts.setdefault(found[0].targets[0], {})
        if entry.setdefault("note", point.local_id) == point.local_id:
            entry[f"label_{lang}"] = found[0].text
            entry[f"citation_{lang}"] = re.sub(r"\s*[;,]\s*(?:and|or|et|ou)?$", "", text)  # the list's punctuation

    def other_act_triples(self) -> Iterator[Triple]:
        for eli, entry in self.other_acts().items():
            me = NamedNode(eli)
            if "note" in entry:
                yield Triple(me, n(AIACT.referencedIn), self.iri(entry["note"]))
            for lang in ("en", "fr"):
                if entry.get(f"label_{lang}"):
                    yield Triple(me, RDFS_LABEL, Literal(entry[f"label_{lang}"], language=lang))
                if entry.get(f"citation_{lang}"):
                    yield Triple(me, DCT_CITATION, Literal(entry[f"citation_{lang}"], language=lang))

    # -- definitions -------------------------------------------------------------------------
    def definition_triples(self) -> Iterator[Triple]:
        scheme = NamedNode(f"{self.act}/definitions")
        concept_type = NamedNode(SKOS + "Concept")
        yield Triple(scheme, RDF_TYPE, NamedNode(SKOS + "ConceptScheme"))
        yield Triple(scheme, NamedNode(SKOS + "prefLabel"), Literal("Definitions of Article 3", language="en"))
        yield Triple(scheme, NamedNode(SKOS + "prefLabel"), Literal("Définitions de l’article 3", language="fr"))
        yield Triple(scheme, DCT_SOURCE, self.iri("art_3"))
        for term in definitions(self.english, self.french):
            concept = NamedNode(f"{self.act}/def/{term['slug']}")
            yield Triple(concept, RDF_TYPE, concept_type)
            yield Triple(concept, NamedNode(SKOS + "inScheme"), scheme)
            yield Triple(scheme, NamedNode(SKOS + "hasTopConcept"), concept)
            yield Triple(concept, NamedNode(SKOS + "notation"), Literal(term["number"]))
            yield Triple(concept, DCT_SOURCE, self.iri(term["source"]))
            for lang in ("en", "fr"):
                if term.get(f"label_{lang}"):
                    yield Triple(concept, NamedNode(SKOS + "prefLabel"), Literal(term[f"label_{lang}"], language=lang))
                    yield Triple(concept, NamedNode(SKOS + "definition"), Literal(term[f"definition_{lang}"], language=lang))
                if term.get(f"scope_{lang}"):
                    yield Triple(concept, NamedNode(SKOS + "scopeNote"), Literal(term[f"scope_{lang}"], language=lang))

    # -- related recitals ------------------------------------------------------------------
    def recital_triples(self, links: Iterable) -> Iterator[Triple]:
        """The links of :func:`aiact_kg.recitals.related_recitals`: article, recital, score,
        method and, where the link has them, the part of the article it rests on and the
        defined terms the two share."""
        for entry in links:
            article, recital, score, method = entry
            link = NamedNode(f"{self.act}/recital-link/{article}/{recital}")
            if getattr(entry, "provision", None):
                yield Triple(link, n(AIACT.linkedProvision), self.iri(entry.provision))
            for slug in getattr(entry, "terms", ()):
                yield Triple(link, n(AIACT.sharedTerm), NamedNode(f"{self.act}/def/{slug}"))
            yield Triple(link, RDF_TYPE, n(AIACT.RecitalLink))
            yield Triple(link, n(AIACT.linkedArticle), self.iri(article))
            yield Triple(link, n(AIACT.linkedRecital), self.iri(recital))
            yield Triple(link, n(AIACT.linkScore), Literal(canonical_decimal(score), datatype=XSD_DECIMAL))
            yield Triple(link, n(AIACT.linkMethod), Literal(method))
            yield Triple(self.iri(article), n(AIACT.explainedBy), self.iri(recital))

    def triples(self, recital_links: Iterable = ()) -> Iterator[Triple]:
        yield from self.act_triples()
        yield from self.subdivision_triples()
        yield from self.citation_triples()
        yield from self.other_act_triples()
        yield from self.definition_triples()
        yield from self.recital_triples(recital_links)


def resolve_target(target: str, existing, sectionless: dict[str, str]) -> str | None:
    """A cited target as it exists among the local ids ``existing``: another act's IRI as
    given, a provision as itself, an annex point cited without its section through
    ``sectionless`` (``sectionless_annex_points``), else its nearest existing ancestor."""
    if target.startswith("http"):
        return target
    if target not in existing and target in sectionless:
        return sectionless[target]
    while target:
        if target in existing:
            return target
        target = target.rpartition(".")[0]
    return None


def sectionless_annex_points(index) -> dict[str, str]:
    """``anx_XI.pnt_2.pnt_d`` -> ``anx_XI.sct_1.pnt_2.pnt_d`` where exactly one section of the
    annex has that point; ambiguous ones (a point 1 in every section) are left out."""
    found: dict[str, list[str]] = {}
    for local_id in index:
        if local_id.startswith("anx_") and ".sct_" in local_id and ".pnt_" in local_id:
            steps = local_id.split(".")
            plain = ".".join(step for step in steps if not step.startswith("sct_"))
            found.setdefault(plain, []).append(local_id)
    return {plain: ids[0] for plain, ids in found.items() if len(ids) == 1 and plain not in index}


# "‘deployer’ means …", "‘subject’, for the purpose of real-world testing, means …",
# "‘law enforcement authority’ means:" followed by points.
_EN_TERM = re.compile(r"^‘(?P<term>[^’]+)’(?:,\s*(?P<scope>[^‘’]*?),)?\s+means:?\s*(?P<definition>.*)$", re.S)
# "«déployeur», une personne …", "«autorités répressives»," followed by points. French prints
# no verb between the term and its definition, so a scope ("aux fins des essais en conditions
# réelles") is only told from the definition where the English point has one.
_FR_TERM = re.compile(r"^«\s*(?P<term>[^»]+?)\s*»\s*,?\s*(?P<definition>.*)$", re.S)
_LABEL_SPACE = re.compile(r"[\s\u00a0\u202f]+")


def _body(point: Provision) -> str:
    """The printed point without its own label: "‘AI system’ means …", sub-points labelled."""
    printed = point.printed()
    return printed[len(point.label):].lstrip() if point.label and printed.startswith(point.label) else printed


def term_label(printed: str) -> str:
    """A term as printed, its no-break spaces as plain spaces ("à\u00a0distance" -> "à distance")."""
    return _LABEL_SPACE.sub(" ", printed).strip()


def definitions(english: Act, french: Act) -> list[dict]:
    """Article 3's numbered definitions, by point: the term as printed (``label_*``), the
    text of the point after the term exactly as printed (``definition_*``; in English after
    "means"), and, for a term defined for one context only (point (58)), that context
    (``scope_*``), which then stands between the term and the definition."""
    en_index, fr_index = english.index(), french.index()
    article = en_index["art_3"]
    out = []
    for point in article.children:
        if point.kind != "Point":
            continue
        match = _EN_TERM.match(_body(point))
        if not match:
            continue
        label = term_label(match["term"])
        term = {
            "number": point.number,
            "source": point.local_id,
            "label_en": label,
            "definition_en": match["definition"].strip(),
            "slug": re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-"),
        }
        if match["scope"]:
            term["scope_en"] = match["scope"].strip()
        fr_point = fr_index.get(point.local_id)
        fr_match = _FR_TERM.match(_body(fr_point)) if fr_point else None
        if fr_match:
            term["label_fr"] = term_label(fr_match["term"])
            definition = fr_match["definition"].strip()
            if match["scope"]:
                scope, _, definition = definition.partition(", ")
                term["scope_fr"] = scope.strip()
            term["definition_fr"] = definition.strip()
        out.append(term)
    return out


def canonical_decimal(value: float, places: int = 3) -> str:
    """The shortest xsd:decimal form ("0.16", "1"), the one the store writes back, so every
    serialisation of the graph agrees."""
    return f"{value:.{places}f}".rstrip("0").rstrip(".")


def _iso(compact: str) -> date:
    return date(int(compact[:4]), int(compact[4:6]), int(compact[6:8]))
