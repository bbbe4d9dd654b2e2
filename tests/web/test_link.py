"""The "Link a text" page: paste or upload commentary, read it back with links; bad input gets
a clear message, never a stack trace; the upload limit is stated on the page."""

from __future__ import annotations

import io
import json
import re
import zipfile

FRENCH = "Selon l’art. 6, §3, al. 2, et les cons. 52 et 53, mais non l’art. 2 TUE, ni le paragraphe 9."


def post(client, **fields):
    data = {"lang": "auto", "default_act": "ai-act", "format": "page"}
    data.update(fields)
    return client.post("/link", data=data, content_type="multipart/form-data")


def test_link_page_states_the_upload_limit_and_formats(client):
    page = client.get("/link").get_data(as_text=True)
    assert "files up to 10 MB" in page
    assert ".docx" in page and "PDF" in page
    assert 'href="/link"' in page  # in the navigation


def test_link_page_has_no_act_language_switch(client):
    assert 'class="languages"' not in post(client, text=FRENCH).get_data(as_text=True)


def test_link_page_has_no_inline_script_or_style(client):
    page = client.get("/link").get_data(as_text=True)
    assert "<script>" not in page and "<style" not in page and " style=" not in page
    assert "/static/link.css" in page


def test_pasted_french_text_is_linked_with_tooltips_in_french(client):
    response = post(client, text=FRENCH)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "French" in page
    link = re.search(r'<a class="cite" id="c\d+" href="([^"]+)" title="([^"]+)" data-provision="art_6.par_3.sbp_2">', page)
    assert link and link.group(1) == "/reg/2024/1689/art_6?lang=fr#art_6.par_3.sbp_2"
    assert "alinéa" in link.group(2)


def test_each_recital_of_a_list_is_its_own_link(client):
    page = post(client, text=FRENCH).get_data(as_text=True)
    assert 'data-provision="rct_52">cons. 52</a> et <a class="cite"' in page
    assert 'data-provision="rct_53">53</a>' in page


def test_other_acts_and_unresolved_citations_are_listed_apart(client):
    page = post(client, text=FRENCH).get_data(as_text=True)
    assert 'class="cite-other"' in page and "art. 2 TUE" in page
    assert "Not linked: unresolved or ambiguous" in page and "paragraphe 9" in page


def test_cited_provisions_are_listed_in_the_acts_order(client):
    page = post(client, text="Annex III, then Article 6(2), then recital 53.").get_data(as_text=True)
    table = page[page.index('class="link-provisions"'):]
    assert table.index("Recital 53") < table.index("Article 6(2)") < table.index("Annex III")


def test_pasted_text_is_escaped(client):
    page = post(client, text="<script>alert(1)</script> Article 6(2)").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_uploaded_word_document_is_linked(client):
    xml = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
           'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Deployers under Article 26(5) of the AI Act '
           'monitor the system.</w:t></w:r></w:p></w:body></w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", xml)
    response = post(client, file=(io.BytesIO(buffer.getvalue()), "note.docx"))
    assert response.status_code == 200
    assert 'data-provision="art_26.par_5"' in response.get_data(as_text=True)


def test_json_format_returns_the_citations(client):
    response = post(client, text=FRENCH, format="json")
    assert response.mimetype == "application/json"
    data = json.loads(response.get_data(as_text=True))
    assert [p["id"] for p in data["provisions"]] == ["rct_52", "rct_53", "art_6.par_3.sbp_2"]


def test_turtle_format_returns_web_annotations(client):
    response = post(client, text=FRENCH, format="ttl")
    assert response.mimetype == "text/turtle"
    assert "oa:TextPositionSelector" in response.get_data(as_text=True)


def test_empty_text_gets_a_clear_message(client):
    response = post(client, text="   ")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This cannot be linked: the text is empty." in page and "Traceback" not in page


def test_binary_junk_gets_a_clear_message(client):
    response = post(client, file=(io.BytesIO(bytes(range(256)) * 50), "junk.bin"))
    assert response.status_code == 400
    assert "not text" in response.get_data(as_text=True)


def test_pdf_without_text_layer_gets_a_clear_message(client):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    response = post(client, file=(io.BytesIO(buffer.getvalue()), "scan.pdf"))
    assert response.status_code == 400
    assert "no text layer" in response.get_data(as_text=True)


def test_twenty_megabyte_file_is_refused_with_the_limit(client):
    response = post(client, file=(io.BytesIO(b"a" * (20 * 1024 * 1024)), "big.txt"))
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "10 MB" in page and "Traceback" not in page


def test_form_and_result_pages_are_well_formed_with_unique_ids(client):
    from test_quality import Checker

    for response in (client.get("/link"), post(client, text=FRENCH + " " + FRENCH)):
        checker = Checker()
        checker.feed(response.get_data(as_text=True))
        assert checker.problems == [] and not checker.stack
        assert len(checker.ids) == len(set(checker.ids))
