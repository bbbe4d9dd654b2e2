"""What every page owes its reader: semantic HTML that works without JavaScript, a content
security policy with no inline script, nothing loaded from another server, escaped text, and a
4xx page with a message for any bad request, never a 500."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from aiact_kg import paths

PAGES = ["/", "/reg/2024/1689/art_5", "/reg/2024/1689/art_6?lang=fr", "/reg/2024/1689/art_6?lang=both",
         "/reg/2024/1689/anx_III", "/reg/2024/1689/rct_53", "/reg/2024/1689/cpt_III", "/reg/2024/1689/cpt_III.sct_2",
         "/reg/2024/1689/art_5.par_1.pnt_a", "/definitions", "/obligations", "/actors", "/timeline",
         "/timeline?date=2026-08-02", "/search?q=deployer", "/sparql", "/ontology",
         "/reg/2024/1689/version/2024-07-12"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Checker(HTMLParser):
    """Tags balance; no inline script or style; every script and style sheet from this server."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.ids = [], [], []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.problems.append(f"style attribute on <{tag}>")
        if any(name.startswith("on") for name in attrs):
            self.problems.append(f"event handler attribute on <{tag}>")
        if tag == "script" and not attrs.get("src"):
            self.problems.append("inline script")
        if tag == "style":
            self.problems.append("inline style element")
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            if tag in ("script", "link", "img") and re.match(r"(https?:)?//", value):
                self.problems.append(f"<{tag}> loads {value}")
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


@pytest.mark.parametrize("path", PAGES)
def test_page_is_well_formed_with_no_inline_script_and_nothing_from_elsewhere(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    checker = Checker()
    checker.feed(response.get_data(as_text=True))
    assert checker.problems == [], checker.problems[:5]
    assert not checker.stack, checker.stack
    assert len(checker.ids) == len(set(checker.ids)), "duplicate ids"


@pytest.mark.parametrize("path", PAGES)
def test_page_has_a_content_security_policy_without_inline_script(client, path):
    policy = client.get(path, headers={"Accept": "text/html"}).headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_pages_have_one_main_and_one_h1(client):
    for path in PAGES:
        page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert page.count("<main") == 1 and page.count("<h1") == 1, path


def test_static_files_load_nothing_from_other_servers():
    for path in sorted((paths.WEB / "static").rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", text), path.name
        assert "cdn" not in text.lower(), path.name


def test_static_files_are_served(client):
    for name in ("site.css", "site.js", "sparql.js", "favicon.svg", "vendor/codemirror/codemirror.min.js"):
        assert client.get(f"/static/{name}").status_code == 200


@pytest.mark.parametrize("path", [
    "/reg/2024/1689/art_5?lang=xx", "/search?q=" + "a" * 400, "/search?lang=de&q=x", "/definitions?order=1",
    "/obligations?date=x", "/obligations?article=-1", "/actors/%00", "/timeline?date=2024-02-30",
    "/reg/2024/1689/art_5?format=zzz", "/sparql?query=%FF%FE", "/reg/2024/1689/%E2%80%AE", "/reg/2024/1689/art_5/../../x",
    "/sparql?query=SELECT", "/static/nothing.css", "/reg/2024/1689/" + "x" * 3000, "/reg/2024/1689/%00",
    "/reg/2024/1689/art_5%0A", "/reg/2024/1689/art_5?lang=%00", "/actors/x?date=2026-01-01",
])
def test_bad_requests_get_a_4xx_page_with_a_message(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert 400 <= response.status_code < 500, (path, response.status_code)
    assert '<p class="error-message">' in response.get_data(as_text=True)


def test_bad_posts_never_give_a_500(client):
    for data, content_type in ((b"\xff\xfe", "application/sparql-query"), (b"query=%ZZ", "application/x-www-form-urlencoded"),
                               (b"x" * 200_000, "application/sparql-query")):
        response = client.post("/sparql", data=data, content_type=content_type)
        assert 400 <= response.status_code < 500, response.status_code
