"""The French words of every curated English excerpt are found in the French official text,
when the graph is built: the sentences of the same line of the same provision, or its whole
text where the two languages do not cut into the same sentences (src/aiact_kg/excerpts.py)."""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode

from aiact_kg.excerpts import ALIGNED, WHOLE, french_excerpt, normalise, sentences
from iris import ACT

AIACT = "https://w3id.org/aiact-kg/ontology#"

EXCERPTS = """
PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?subject ?english ?french ?part ?alignment WHERE {
  ?subject aiact:excerpt ?english . FILTER(LANG(?english) = "en")
  OPTIONAL { ?subject aiact:excerpt ?french . FILTER(LANG(?french) = "fr") }
  OPTIONAL { ?subject aiact:excerptIn ?part }
  OPTIONAL { ?subject aiact:excerptAlignment ?alignment }
} ORDER BY ?subject ?french"""

TEXT_UNDER = """
PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?text WHERE {
  ?part eli:is_part_of* ?provision .
  { ?part aiact:text ?text } UNION { ?part aiact:closingText ?text }
  FILTER(LANG(?text) = ?lang)
}"""

PART_OF_SOURCE = """
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
ASK { ?subject dct:source ?source . ?part eli:is_part_of* ?source }"""


@pytest.fixture(scope="module")
def excerpts(store) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for row in store.select(EXCERPTS):
        entry = found.setdefault(row["subject"].value, {"english": row["english"].value, "french": []})
        if "french" in row:
            entry["french"].append(row["french"].value)
        entry["part"] = row["part"] if "part" in row else None
        entry["alignment"] = row["alignment"].value.removeprefix(AIACT) if "alignment" in row else None
    return found


def texts(store, part: NamedNode, lang: str) -> list[str]:
    return [normalise(row["text"].value) for row in store.select(TEXT_UNDER, {"provision": part, "lang": _lang(lang)})]


def _lang(lang: str):
    from pyoxigraph import Literal

    return Literal(lang)


def french_of(excerpts, local_id: str) -> str:
    return normalise(excerpts[f"{ACT}/{local_id}"]["french"][0])


# --- the sentence splitter -------------------------------------------------------------------------


def test_abbreviations_and_citations_do_not_end_a_sentence():
    line = ("Providers, i.e. the Member States’ authorities, shall apply point (a). They shall "
            "apply Article 3(4), e.g. Regulation (EU) 2016/679 of the European Parliament "
            "(OJ L 119, 4.5.2016, p. 1). It applies to the legislation listed in Section A of Annex I. "
            "‘Deployer’ is defined in Article 3.")
    assert sentences(line) == [
        "Providers, i.e. the Member States’ authorities, shall apply point (a).",
        "They shall apply Article 3(4), e.g. Regulation (EU) 2016/679 of the European Parliament (OJ L 119, 4.5.2016, p. 1).",
        "It applies to the legislation listed in Section A of Annex I.",
        "‘Deployer’ is defined in Article 3.",
    ]


def test_french_abbreviations_and_citations_do_not_end_a_sentence():
    line = ("les modalités (p. ex.: texte, image) visées à l’article 5, paragraphe 1, point a). "
            "Le fournisseur, c.-à-d. le mandataire, applique le règlement (UE) 2016/679. «Il» s’applique.")
    assert sentences(line) == [
        "les modalités (p. ex.: texte, image) visées à l’article 5, paragraphe 1, point a).",
        "Le fournisseur, c.-à-d. le mandataire, applique le règlement (UE) 2016/679.",
        "«Il» s’applique.",
    ]


def test_the_two_languages_cut_into_the_same_sentences_except_where_one_has_a_sentence_more(english, fr_index):
    """Of the 1 555 lines of the Act, only five differ in their number of sentences, and in each
    one language really has a sentence the other splits or joins (recital 74 in French adds
    a sentence on the mitigation of risks; Article 36(8), point (b), adds one in French)."""
    differ = set()
    for part in english.walk():
        french = fr_index.get(part.local_id)
        if french is None:
            continue
        for field in ("text", "closing"):
            for en_line, fr_line in zip(getattr(part, field), getattr(french, field)):
                if len(sentences(normalise(en_line))) != len(sentences(fr_line)):
                    differ.add(part.local_id)
    assert differ == {"rct_27", "rct_74", "rct_133", "rct_151", "art_36.par_8.pnt_b"}


# --- the French excerpts in the graph --------------------------------------------------------------


def test_every_english_excerpt_has_its_french_words_the_part_they_are_in_and_how_they_were_found(store, excerpts):
    assert len(excerpts) == 352
    for subject, entry in excerpts.items():
        assert len(entry["french"]) == 1, f"{subject}: {len(entry['french'])} French excerpts"
        assert entry["alignment"] in (ALIGNED, WHOLE), subject
        assert entry["part"] is not None and store.ask(PART_OF_SOURCE, {"subject": NamedNode(subject), "part": entry["part"]}), subject


def test_every_french_excerpt_is_in_the_french_text_of_its_provision(store, excerpts):
    for subject, entry in excerpts.items():
        french = normalise(entry["french"][0])
        assert any(french in text for text in texts(store, entry["part"], "fr")), f"{subject}: «{french}»"
        assert any(normalise(entry["english"]) in text for text in texts(store, entry["part"], "en")), subject


def test_every_excerpt_of_the_act_is_aligned_by_sentence(excerpts):
    """The statements quote lines whose two languages cut into the same sentences: none has to
    fall back on the whole provision (test_a_line_the_languages_cut_differently_… covers it)."""
    counts = {ALIGNED: 0, WHOLE: 0}
    for entry in excerpts.values():
        counts[entry["alignment"]] += 1
    assert counts == {ALIGNED: 352, WHOLE: 0}


def test_an_aligned_french_excerpt_is_a_run_of_whole_sentences_of_one_french_line(store, excerpts):
    for subject, entry in excerpts.items():
        if entry["alignment"] != ALIGNED:
            continue
        french = normalise(entry["french"][0])
        runs = set()
        for row in store.select(TEXT_UNDER, {"provision": entry["part"], "lang": _lang("fr")}):
            for line in row["text"].value.split("\n"):
                cut = [normalise(sentence) for sentence in sentences(line)]
                runs.update(" ".join(cut[i:j]) for i in range(len(cut)) for j in range(i + 1, len(cut) + 1))
        assert french in runs, f"{subject}: «{french}» is not a run of whole French sentences"


def test_the_french_excerpt_is_the_official_text_as_printed_no_break_spaces_kept(store, excerpts):
    for subject, entry in excerpts.items():
        raw = [row["text"].value for row in store.select(TEXT_UNDER, {"provision": entry["part"], "lang": _lang("fr")})]
        assert any(entry["french"][0] in text for text in raw), subject


# --- statements read and checked by hand ------------------------------------------------------------


def test_article_9_1_in_french_is_its_one_sentence(excerpts):
    assert french_of(excerpts, "obligation/art_9.par_1") == (
        "Un système de gestion des risques est établi, mis en œuvre, documenté et tenu à jour en ce qui "
        "concerne les systèmes d’IA à haut risque.")


def test_article_26_1_in_french_names_the_deployers_measures(excerpts):
    assert french_of(excerpts, "obligation/art_26.par_1") == (
        "Les déployeurs de systèmes d’IA à haut risque prennent des mesures techniques et organisationnelles "
        "appropriées afin de garantir qu’ils utilisent ces systèmes conformément aux notices d’utilisation "
        "accompagnant les systèmes, conformément aux paragraphes 3 et 6.")


def test_article_5_1_a_in_french_is_the_prohibition_of_subliminal_techniques(excerpts):
    french = french_of(excerpts, "obligation/art_5.par_1.pnt_a")
    assert french.startswith("la mise sur le marché, la mise en service ou l’utilisation d’un système d’IA qui a "
                             "recours à des techniques subliminales, au-dessous du seuil de conscience d’une personne")
    assert french.endswith("à une autre personne ou à un groupe de personnes;")


def test_each_statement_of_article_50_2_gets_its_own_french_sentence(excerpts):
    assert french_of(excerpts, "obligation/art_50.par_2").startswith(
        "Les fournisseurs de systèmes d’IA, y compris de systèmes d’IA à usage général, qui génèrent des contenus "
        "de synthèse de type audio, image, vidéo ou texte, veillent à ce que les sorties des systèmes d’IA soient "
        "marquées dans un format lisible par machine")
    assert french_of(excerpts, "obligation/art_50.par_2-technical-solutions").startswith(
        "Les fournisseurs veillent à ce que leurs solutions techniques soient aussi efficaces, interopérables, "
        "solides et fiables que la technologie le permet")
    assert french_of(excerpts, "obligation/art_50.par_2-exemption").startswith(
        "Cette obligation ne s’applique pas dans la mesure où les systèmes d’IA remplissent une fonction "
        "d’assistance pour la mise en forme standard")


def test_article_53_1_a_in_french_is_the_technical_documentation_of_the_model(excerpts):
    assert french_of(excerpts, "obligation/art_53.par_1.pnt_a") == (
        "élaborent et tiennent à jour la documentation technique du modèle, y compris son processus "
        "d’entraînement et d’essai et les résultats de son évaluation, qui contient, au minimum, les "
        "informations énoncées à l’annexe XI aux fins de la fournir, sur demande, au Bureau de l’IA et aux "
        "autorités nationales compétentes;")


# --- where the sentences cannot be aligned ------------------------------------------------------------


def test_a_line_the_languages_cut_differently_gives_the_whole_french_line(en_index, fr_index):
    """Recital 74: the French has a sentence more, so the English second sentence has no French
    counterpart by position; the whole French line is given, and said to be."""
    found = french_excerpt("The expected level of performance metrics should be declared", ["rct_74"], en_index, fr_index)
    assert found.method == WHOLE and found.part == "rct_74"
    assert found.text == fr_index["rct_74"].text[0]


def test_an_excerpt_the_text_does_not_hold_gives_the_whole_french_provision(en_index, fr_index):
    found = french_excerpt("words the Act never uses", ["art_9.par_1"], en_index, fr_index)
    assert found.method == WHOLE and found.part == "art_9.par_1"
    assert found.text == fr_index["art_9.par_1"].full_text()


def test_an_excerpt_over_two_sentences_gives_both_french_sentences(en_index, fr_index):
    english = en_index["art_50.par_2"].text[0]
    first, second = sentences(normalise(english))[:2]
    found = french_excerpt(f"{first.split()[-2]} {first.split()[-1]} {second.split()[0]}", ["art_50.par_2"], en_index, fr_index)
    french_first, french_second = sentences(fr_index["art_50.par_2"].text[0])[:2]
    assert found.method == ALIGNED
    assert normalise(found.text) == normalise(f"{french_first} {french_second}")
