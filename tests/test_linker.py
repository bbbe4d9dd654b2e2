"""The commentary linker: each citation style of French and English commentary, other acts'
citations, the default act, language detection, the documents it reads and refuses, its
outputs, and its precision and recall on the hand-annotated sample ``tests/data/commentary``."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import zipfile
from pathlib import Path

import pytest

from aiact_kg import linker
from aiact_kg.linker import DocumentError, link_text, read_document

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def index(store):
    return linker.ActIndex.from_store(store)


def cites(index, text: str, lang: str | None = None, **options) -> list[tuple[str, ...]]:
    """The provisions each linked citation of ``text`` cites, in order."""
    return [c.targets for c in link_text(text, index, lang, **options).linked]


def only(index, text: str, lang: str | None = None, **options) -> linker.Found:
    found = link_text(text, index, lang, **options).citations
    assert len(found) == 1, found
    return found[0]


# -- French styles ------------------------------------------------------------------------------

def test_french_abbreviated_article_and_paragraph_sign(index):
    assert cites(index, "Selon l’art. 6, §3, le fournisseur peut …") == [("art_6.par_3",)]


def test_french_paragraph_range_expands(index):
    assert cites(index, "Voir l’art. 5, §2 à 7.") == [tuple(f"art_5.par_{n}" for n in range(2, 8))]


def test_french_paragraph_enumeration_cites_each_paragraph(index):
    assert cites(index, "l’article 26, §§ 1 et 2, impose …") == [("art_26.par_1", "art_26.par_2")]


def test_french_article_after_paragraph_in_a_list_is_an_article(index):
    assert cites(index, "les lignes directrices de l’art. 96, §1 et 97") == [("art_96.par_1", "art_97")]


def test_french_bare_letter_after_a_comma_is_a_point(index):
    assert cites(index, "Art. 51, §1, b) du RIA") == [("art_51.par_1.pnt_b",)]


def test_french_sous_b_is_a_point(index):
    assert cites(index, "l’article 5, paragraphe 1, sous h)") == [("art_5.par_1.pnt_h",)]


def test_french_alinea_abbreviation_is_a_subparagraph(index):
    assert cites(index, "l’art. 6, §3, al. 2, énumère") == [("art_6.par_3.sbp_2",)]


def test_french_ordinal_alinea_before_the_article(index):
    assert cites(index, "le deuxième alinéa de l’article 50, paragraphe 4") == [("art_50.par_4.sbp_2",)]


def test_french_considerants_abbreviated_and_listed(index):
    assert cites(index, "les cons. 46 et 64") == [("rct_46", "rct_64")]


def test_french_annex_point_with_abbreviation_and_letter(index):
    assert cites(index, "l’annexe III, pt 5, b)") == [("anx_III.pnt_5.pnt_b",)]


def test_french_annex_point_in_the_official_style(index):
    assert cites(index, "l’annexe III, point 4 a)") == [("anx_III.pnt_4.pnt_a",)]


def test_french_annex_i_point_without_its_section_is_found_in_section_a(index):
    assert cites(index, "les machines (annexe I, point 1)") == [("anx_I.sct_A.pnt_1",)]


def test_french_article_range(index):
    assert cites(index, "les articles 8 à 15") == [tuple(f"art_{n}" for n in range(8, 16))]


def test_french_belgian_paragraph_premier(index):
    assert cites(index, "l’article 26, § 1er, du règlement") == [("art_26.par_1",)]


def test_french_ria_suffix_names_the_ai_act(index):
    assert cites(index, "l’art. 6(3) RIA et l’article 50 du RIA") == [("art_6.par_3",), ("art_50",)]


def test_french_article_3_point_is_a_definition(index):
    assert cites(index, "l’article 3, point 52)") == [("art_3.pnt_52",)]


def test_french_numbered_point_closed_by_a_bracket_is_a_point_of_article_3(index):
    assert cites(index, "le déployeur est défini à l’art. 3, 4) du règlement", "fr") == [("art_3.pnt_4",)]


def test_french_article_in_brackets_is_still_an_article(index):
    assert cites(index, "la base de données (art. 26, § 8 et art. 71)", "fr") == [("art_26.par_8",), ("art_71",)]


# -- English styles -----------------------------------------------------------------------------

def test_english_article_paragraph_in_brackets(index):
    assert cites(index, "Under Article 26(5), deployers monitor …") == [("art_26.par_5",)]


def test_english_article_points_range(index):
    assert cites(index, "Article 5(1)(a) to (h)") == [tuple(f"art_5.par_1.pnt_{c}" for c in "abcdefgh")]


def test_english_articles_8_to_15_expand_to_eight_articles(index):
    assert cites(index, "Articles 8 to 15 set the requirements") == [tuple(f"art_{n}" for n in range(8, 16))]


def test_english_point_right_after_an_article_without_paragraphs(index):
    assert cites(index, "under Article 113(b)") == [("art_113.pnt_b",)]


def test_english_capital_art_without_a_dot(index):
    assert cites(index, "Art 50(1) AIA requires") == [("art_50.par_1",)]


def test_english_recital(index):
    assert cites(index, "as recital 97 explains") == [("rct_97",)]


def test_english_annex_iii_point_5_b(index):
    assert cites(index, "Annex III, point 5(b)") == [("anx_III.pnt_5.pnt_b",)]


def test_english_point_of_article(index):
    assert cites(index, "point (h) of Article 5(1)") == [("art_5.par_1.pnt_h",)]


def test_english_para_abbreviation(index):
    assert cites(index, "Art. 50 para. 2 AIA") == [("art_50.par_2",)]


def test_english_numbered_subparagraph(index):
    assert cites(index, "Article 43(1), subparagraph 2") == [("art_43.par_1.sbp_2",)]


def test_english_article_3_4_is_the_definition_of_deployer(index):
    assert cites(index, "Article 3(4) of the AI Act") == [("art_3.pnt_4",)]


def test_english_dash_between_labels_is_a_range(index):
    assert cites(index, "Articles 8–15 and Annexes I-III") == [tuple(f"art_{n}" for n in range(8, 16)),
                                                               ("anx_I", "anx_II", "anx_III")]


def test_english_comma_starts_a_new_citation_at_a_new_article(index):
    assert cites(index, "Article 6, Article 9, Chapter V") == [("art_6",), ("art_9",), ("cpt_V",)]


# -- other acts -----------------------------------------------------------------------------------

def test_tue_article_is_another_act(index):
    found = only(index, "les valeurs de l’art. 2 TUE")
    assert (found.status, found.act) == ("other", "TUE")


def test_tue_article_with_paragraph_is_another_act(index):
    assert only(index, "la sécurité nationale (Art. 4, §2 TUE)").status == "other"


def test_article_of_another_regulation_is_its_eli(index):
    found = only(index, "l’article 3, point 19, du règlement (UE) 2019/1020")
    assert (found.status, found.act) == ("other", "http://data.europa.eu/eli/reg/2019/1020/oj")


def test_gdpr_article_is_another_act(index):
    assert [c.status for c in link_text("Article 6 GDPR and Article 22 of the GDPR", index).citations] == [
        "other", "other"]


def test_rgpd_article_is_another_act(index):
    assert only(index, "l’article 35 du RGPD").status == "other"


def test_act_named_once_after_two_coordinated_articles_is_both_articles_act(index):
    assert [c.status for c in link_text("Article 13 and Article 14 GDPR", index, "en").citations] == [
        "other", "other"]


def test_ai_act_named_after_one_of_two_coordinated_articles_keeps_it(index):
    doc = link_text("Article 6(3) AI Act and Article 22 GDPR", index, "en")
    assert [(c.status, c.targets) for c in doc.citations] == [("linked", ("art_6.par_3",)), ("other", ())]


def test_named_act_after_of_is_another_act(index):
    assert only(index, "Article 10 of the Data Act").status == "other"


def test_article_of_a_national_statute_is_another_act(index):
    assert only(index, "Article 3 of the German Basic Law").status == "other"


def test_french_article_of_a_code_is_another_act(index):
    assert only(index, "l’article 1240 du code civil", "fr").status == "other"


def test_ai_act_by_its_number_is_the_ai_act(index):
    assert cites(index, "Article 5 of Regulation (EU) 2024/1689") == [("art_5",)]


# -- the default act ------------------------------------------------------------------------------

def test_unnamed_citation_is_the_ai_act_by_default(index):
    assert cites(index, "Article 6(2) applies") == [("art_6.par_2",)]


def test_without_a_default_act_an_unnamed_citation_is_unresolved(index):
    found = only(index, "Article 6(2) applies", default_act="none")
    assert found.status == "unresolved" and "no act" in found.reason


def test_with_another_default_act_only_named_ai_act_citations_link(index):
    doc = link_text("Article 6(1) and Article 6(3) AI Act", index, "en", default_act="GDPR")
    assert [(c.status, c.targets) for c in doc.citations] == [("other", ()), ("linked", ("art_6.par_3",))]


# -- unresolved and ambiguous -------------------------------------------------------------------------

def test_paragraph_that_does_not_exist_is_unresolved(index):
    found = only(index, "Article 6(9)")
    assert found.status == "unresolved" and "no paragraph 9" in found.reason


def test_point_without_its_paragraph_is_ambiguous_where_several_paragraphs_have_it(index):
    found = only(index, "l’article 5, point a)")
    assert found.status == "ambiguous" and set(found.targets) == {"art_5.par_1.pnt_a", "art_5.par_2.pnt_a"}


def test_annex_point_in_several_sections_is_ambiguous(index):
    found = only(index, "Annex VIII, point 1", "en")
    assert found.status == "ambiguous" and len(found.targets) == 3


def test_relative_paragraph_is_unresolved_with_its_reason(index):
    found = only(index, "under paragraph 2, the provider")
    assert found.status == "unresolved" and "relative" in found.reason


# -- language -------------------------------------------------------------------------------------

def test_language_is_french_for_a_french_text():
    assert linker.detect_language("Le fournisseur d’un système d’IA à haut risque veille à ce que les données soient "
                                  "pertinentes et que la documentation soit tenue à jour.") == "fr"


def test_language_is_english_for_an_english_text():
    assert linker.detect_language("The provider of a high-risk AI system shall ensure that the data are relevant "
                                  "and that the documentation is kept up to date.") == "en"


def test_tooltip_is_the_start_of_the_provision_in_the_documents_language(index):
    assert "fournisseur" in index.tooltip("art_16", "fr").lower() or "fournisseurs" in index.tooltip("art_16", "fr")
    assert index.tooltip("art_6.par_2", "en").startswith("Article 6(2): In addition to")


# -- documents ----------------------------------------------------------------------------------------

def test_empty_text_is_refused():
    with pytest.raises(DocumentError, match="empty"):
        read_document(b"  \n ", "note.txt")


def test_binary_junk_is_refused():
    with pytest.raises(DocumentError, match="not text"):
        read_document(bytes(range(256)) * 40, "junk.txt")


def test_file_over_the_limit_is_refused():
    with pytest.raises(DocumentError, match="MB"):
        read_document(b"a" * (linker.MAX_BYTES + 1), "big.txt")


def test_html_is_read_as_its_text_content():
    text = read_document(b"<html><head><style>p{}</style></head><body><p>Voir l&rsquo;<b>art. 6</b>, "
                         b"&sect;3.</p></body></html>", "note.html")
    assert text.strip() == "Voir l’art. 6, §3."


def docx(*paragraphs: str) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
           f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


def test_docx_is_read_paragraph_by_paragraph():
    assert read_document(docx("Note", "See Article 26(5)."), "note.docx") == "Note\n\nSee Article 26(5)."


def test_zip_that_is_not_word_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(DocumentError, match="not a Word document"):
        read_document(out.getvalue(), "note.docx")


def pdf(text: str | None) -> bytes:
    """A one-page PDF, with ``text`` on it in Helvetica, or blank (no text layer)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    if text is not None:
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/Helvetica")})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/F1"): writer._add_object(font)})})
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_text_layer_is_read():
    assert "Article 26(5)" in read_document(pdf("Deployers under Article 26(5) monitor."), "note.pdf")


def test_json_of_a_pdf_gives_offsets_into_its_text_as_extracted(index):
    source = linker.read_source(pdf("Voir l'art . 26 , §5 du texte."), "note.pdf")
    assert "art. 26, §5" in source.text and "art . 26 , §5" in source.original
    data = linker.to_json(link_text(source, index, "fr"))
    [citation] = data["citations"]
    assert source.original[citation["start"]:citation["end"]] == citation["quote"] == "art . 26 , §5"
    assert citation["read"] == "art. 26, §5" and citation["provisions"][0]["id"] == "art_26.par_5"
    assert data["length"] == len(source.original)


def test_json_of_a_text_gives_offsets_into_the_text_itself(index):
    text = "See Article 26(5) and recital 53."
    data = linker.to_json(link_text(text, index, "en"))
    assert [text[c["start"]:c["end"]] for c in data["citations"]] == ["Article 26(5)", "recital 53"]
    assert all("read" not in c for c in data["citations"])


def test_pdf_without_text_layer_is_refused_with_a_reason():
    with pytest.raises(DocumentError, match="no text layer"):
        read_document(pdf(None), "scan.pdf")


def test_broken_pdf_is_refused():
    with pytest.raises(DocumentError, match="PDF"):
        read_document(b"%PDF-1.7\n garbage", "broken.pdf")


# -- outputs ----------------------------------------------------------------------------------------

def test_html_escapes_the_text_and_links_each_provision_of_a_list(index):
    doc = link_text("<b> cons. 46 et 64 & art. 2 TUE", index, "fr")
    html = linker.render_html_fragment(doc)
    assert html.startswith("&lt;b&gt; ")
    assert html.count('class="cite"') == 2 and "/rct_64" in html
    assert "&amp;" in html and 'class="cite-other"' in html


def test_first_provision_of_a_range_is_linked_on_its_own_label(index):
    doc = link_text("art. 6, §§ 6 à 8", index, "fr")
    assert [(doc.text[s:e], t) for s, e, t in linker.link_spans(doc.linked[0])] == [
        ("art. 6, §§ 6", "art_6.par_6"), ("8", "art_6.par_8")]


def test_provisions_are_listed_in_the_acts_order_with_counts_and_positions(index):
    doc = link_text("Annex III, Article 26(5), recital 97, Article 6, Article 26(5)", index, "en")
    listed = doc.provisions()
    assert [p["id"] for p in listed] == ["rct_97", "art_6", "art_26.par_5", "anx_III"]
    assert listed[2]["count"] == 2 and listed[2]["positions"][0] == (11, 24)


def test_json_lists_citations_provisions_and_problems(index):
    data = json.loads(linker.render(link_text("Article 6(9); Article 6 GDPR; Article 4", index, "en"), "json"))
    assert [p["id"] for p in data["provisions"]] == ["art_4"]
    assert data["unresolved"][0]["quote"] == "Article 6(9)"
    assert data["otherActs"][0]["quote"] == "Article 6 GDPR"


def test_turtle_has_one_web_annotation_per_citation_with_offsets_and_quote(index):
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCTERMS, RDF

    from aiact_kg.vocab import ELI

    text = "See Article 26(5) and recital 97."
    doc = link_text(text, index, "en", iri="https://example.org/note")
    graph = Graph().parse(data=linker.render(doc, "ttl"), format="turtle")
    OA = linker.OA
    cited = {URIRef(index.iri("art_26.par_5")), URIRef(index.iri("rct_97"))}
    assert set(graph.objects(URIRef("https://example.org/note"), DCTERMS.references)) == cited
    assert set(graph.objects(URIRef("https://example.org/note"), linker.CITO.cites)) == cited
    assert set(graph.objects(URIRef("https://example.org/note"), ELI.cites)) == cited
    annotations = list(graph.subjects(RDF.type, OA.Annotation))
    assert len(annotations) == 2
    for annotation in annotations:
        target = graph.value(annotation, OA.hasTarget)
        selectors = list(graph.objects(target, OA.hasSelector))
        position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in graph)
        quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph)
        start, end = int(graph.value(position, OA.start)), int(graph.value(position, OA.end))
        assert text[start:end] == str(graph.value(quote, OA.exact))


# -- the command line ----------------------------------------------------------------------------

def test_link_command_prints_the_provisions_of_a_file(tmp_path, graph_file, capsys):
    from aiact_kg.cli import main

    note = tmp_path / "note.txt"
    note.write_text("Selon l’art. 6, §3, le fournisseur doit… Voir aussi l’art. 2 TUE.", encoding="utf-8")
    assert main(["link", str(note), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["language"] == "fr" and [p["id"] for p in data["provisions"]] == ["art_6.par_3"]


def test_link_command_refuses_an_empty_file_in_one_line(tmp_path, capsys):
    from aiact_kg.cli import main

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["link", str(empty)]) == 2
    err = capsys.readouterr().err
    assert "empty" in err and "Traceback" not in err


# -- quality on the hand-annotated sample --------------------------------------------------------------

def bench():
    spec = importlib.util.spec_from_file_location("bench_link", ROOT / "bench" / "link.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_annotated_provision_exists_in_the_graph(index):
    _, expected = bench().read_sample()
    missing = {t for e in expected for t in e.targets if t not in index.ids}
    assert not missing


def test_sample_has_at_least_150_annotated_citations_in_both_languages():
    documents, expected = bench().read_sample()
    assert len(expected) >= 150
    assert {name.rsplit(".", 1)[0][-2:] for name in documents} == {"fr", "en"}


def test_precision_and_recall_on_the_annotated_commentary(index):
    b = bench()
    documents, expected = b.read_sample()
    hits, misses, wrong, others, others_found = b.score(documents, expected, index)
    precision, recall = b.ratios(hits, misses, wrong)
    assert precision >= 0.97, wrong
    assert recall >= 0.95, misses
    assert others_found == others


@pytest.mark.parametrize("name", ["GDPR", "RGPD", "règlement général sur la protection des données", "DSA",
                                  "Market Surveillance Regulation", "market surveillance regulation",
                                  "règlement relatif aux dispositifs médicaux", "directive NIS 2", "Data Act", "UCPD",
                                  "Charte", "charte des droits fondamentaux", "loi Informatique et libertés",
                                  "code de la consommation", "Code du travail", "TFEU", "In Vitro Diagnostic Medical "
                                  "Devices Regulation", "Law Enforcement Directive"])
def test_every_nickname_of_another_act_is_found_wherever_it_stands(name):
    text = f"Voir {name}, puis ({name}) et, à nouveau : {name};"
    found = [m.words for m in linker._act_mentions(text, [], "fr") if m.act != "self"]
    assert found == [name] * 3
