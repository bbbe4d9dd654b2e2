"""The Validate page: paste or upload a description, read the report with its citations."""

from __future__ import annotations

from aiact_kg import paths

INCOMPLETE_CV_SCREENING = paths.EXAMPLES / "cv-screening-incomplete.ttl"


def test_the_page_offers_paste_and_upload_and_is_in_the_menu(client):
    page = client.get("/validate").get_data(as_text=True)
    assert 'name="description"' in page and 'type="file"' in page
    assert 'href="/validate"' in client.get("/").get_data(as_text=True)


def test_a_pasted_cv_screening_system_is_high_risk_under_annex_iii_point_4_a(client):
    response = client.post("/validate", data={"description": INCOMPLETE_CV_SCREENING.read_text(encoding="utf-8"),
                                              "on": "2026-09-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'classified under <a href="/reg/2024/1689/anx_III#anx_III.pnt_4.pnt_a">Annex III, point 4(a)</a>' in page
    finding = page[page.index("Article 9(1) requires"):]
    finding = finding[:finding.index("</li>")]
    assert 'href="/reg/2024/1689/obligation/art_9.par_1"' in finding
    assert '<a href="/reg/2024/1689/art_9#art_9.par_1">Article 9(1)</a>' in finding
    assert '<time datetime="2026-08-02">' in finding


def test_an_uploaded_file_is_validated(client):
    with INCOMPLETE_CV_SCREENING.open("rb") as handle:
        response = client.post("/validate", data={"file": (handle, "cv.ttl"), "on": "2026-09-01"},
                               content_type="multipart/form-data")
    assert response.status_code == 200 and "does not conform" in response.get_data(as_text=True).lower()


def test_an_empty_description_is_a_bad_request(client):
    assert client.post("/validate", data={"description": ""}).status_code == 400


def test_a_syntax_error_is_a_bad_request_naming_the_line(client):
    response = client.post("/validate", data={"description": "@prefix ex: <http://example.org/> .\nex:a ex:b ."})
    assert response.status_code == 400 and "line 2" in response.get_data(as_text=True)
