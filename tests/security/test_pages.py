"""The pages as a hostile client sees them: reflected script in search, jumps, the
validator's and linker's echo, the SPARQL editor and error pages; path traversal in static
and resource routes; invalid UTF-8 and binary input; the security headers on every answer."""

from __future__ import annotations

import io
import re

import pytest

from aiact_kg import paths

PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>",
            "javascript:alert(1)", "</textarea><script>alert(1)</script>", "{{7*7}}<b>bold</b>"]
RAW = re.compile(r"<script>alert|<img src=x|<svg onload|</textarea><script>|<b>bold</b>")


def assert_inert(page: str) -> None:
    assert not RAW.search(page), RAW.search(page).group(0)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_search_echoes_the_query_escaped(client, payload):
    for query in (payload, f"Article 6 {payload}", f"Art. 999 {payload}"):
        response = client.get("/search", query_string={"q": query})
        assert response.status_code in (200, 302, 400)
        assert_inert(response.get_data(as_text=True))
        assert "<" not in response.headers.get("Location", "")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_jump_never_redirects_to_another_site(client, payload):
    for query in (f"Article 5 {payload}", f"//evil.example/{payload}", "annex III https://evil.example/"):
        response = client.get("/search", query_string={"q": query})
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/"), response.headers["Location"]
            assert not response.headers["Location"].startswith("//")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_validator_echoes_the_description_escaped(client, payload):
    text = f"@prefix ex: <http://example.org/> . ex:s ex:p \"{payload}\" . # {payload}"
    response = client.post("/validate", data={"description": text, "on": "2026-08-02"})
    assert response.status_code in (200, 400)
    assert_inert(response.get_data(as_text=True))
    broken = f"{payload} this is not Turtle"
    response = client.post("/validate", data={"description": broken, "filename": f"{payload}.ttl"})
    assert response.status_code == 400
    assert_inert(response.get_data(as_text=True))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_linker_echoes_the_text_escaped(client, payload):
    response = client.post("/link", data={"text": f"Article 6 of the AI Act {payload} Article 5(1)(a)."})
    assert response.status_code == 200
    assert_inert(response.get_data(as_text=True))
    response = client.post("/link", data={"file": (io.BytesIO(f"Art. 6 {payload}".encode()), f"{payload}.txt")},
                           content_type="multipart/form-data")
    assert_inert(response.get_data(as_text=True))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_error_pages_and_the_editor_echo_escaped(client, payload):
    for path in (f"/reg/2024/1689/{payload}", f"/actors/{payload}", f"/sparql?example={payload}",
                 f"/obligations?date={payload}", f"/reg/2024/1689/art_5?lang={payload}"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert 400 <= response.status_code < 500, path
        assert_inert(response.get_data(as_text=True))
    response = client.post("/sparql", data={"query": f"SELECT * WHERE {{ ?s ?p '{payload}' }} LIMIT 1"},
                           headers={"Accept": "text/html"})
    assert_inert(response.get_data(as_text=True))
    response = client.get("/sparql", query_string={"query": payload}, headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert_inert(response.get_data(as_text=True))


# -- path traversal ------------------------------------------------------------------------------

TRAVERSALS = ["/static/../pyproject.toml", "/static/..%2f..%2fpyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml",
              "/static/....//....//etc/passwd", "/static/%252e%252e/etc/passwd", "/static//etc/passwd",
              "/static/..\\..\\pyproject.toml", "/static/%00site.css", "/static/site.css%00.js",
              "/reg/2024/1689/../../../etc/passwd", "/reg/2024/1689/..%2f..%2f..%2fetc%2fpasswd",
              "/%2e%2e/%2e%2e/etc/passwd", "/..%5c..%5cetc%5cpasswd", "/reg/2024/1689/art_5/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
              "/templates/layout.html", "/web/templates/layout.html", "/static/../templates/layout.html"]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_reaches_a_file_outside_the_static_folder(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    body = response.get_data(as_text=True)
    assert response.status_code in (301, 302, 303, 308, 400, 404, 405), (path, response.status_code)
    assert "root:x:0:0" not in body and "[build-system]" not in body and "{% block" not in body


# -- bad bytes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/search?q=%FF%FE%FD", "/search?q=%C0%AF", "/reg/2024/1689/%FF", "/actors/%C3%28",
                                  "/sparql?query=%ED%A0%80", "/timeline?date=%FF", "/definitions?lang=%FF",
                                  "/obligations?role=%FF%00"])
def test_invalid_utf8_in_a_url_is_a_4xx_or_a_page_never_a_500(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code < 500, (path, response.status_code)


@pytest.mark.parametrize("route, field", [("/validate", "description"), ("/link", "text"), ("/sparql", "query")])
def test_binary_and_invalid_utf8_forms_are_a_4xx_never_a_500(client, route, field):
    for data in (b"\xff\xfe\xfa\x00\x01", bytes(range(256)) * 8, b"\xed\xa0\x80"):
        body = f"{field}=".encode() + b"".join(b"%%%02X" % byte for byte in data)
        response = client.post(route, data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, (route, response.status_code)
        if route != "/link":  # the linker reads undecodable bytes as replacement characters
            assert 400 <= response.status_code < 500, (route, response.status_code)


# -- headers --------------------------------------------------------------------------------------

ANSWERS = ["/", "/reg/2024/1689/art_6", "/search?q=deployer", "/sparql", "/validate", "/link", "/ontology",
           "/nothing-here", "/sparql?query=ASK%7B%7D", "/reg/2024/1689/art_6?format=ttl", "/static/site.css"]


@pytest.mark.parametrize("path", ANSWERS)
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'" and "unsafe" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_template_has_inline_script_or_event_handlers():
    for template in (paths.WEB / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert "javascript:" not in text, template
