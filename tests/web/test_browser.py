"""The front end in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``, installed by .ci/system-packages.sh) driven by Selenium against the
application under waitress. A reader opens an article, follows a cross-reference, runs a query
in the editor and validates a description; screenshots of the main pages are kept in
``test-artifacts/``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from aiact_kg import paths

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    assert Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), (
        "Chromium and chromedriver are needed: run .ci/system-packages.sh (Debian packages chromium, chromium-driver)")
    profile = tempfile.mkdtemp(prefix="aiact-kg-chromium-")
    options = Options()
    options.binary_location = CHROMIUM
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                     f"--user-data-dir={profile}", "--window-size=1280,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def wait_for(browser, condition, seconds=15):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, seconds).until(condition)


def visit(browser, url: str) -> None:
    """Open a page with the console log cleared, so errors are this page's."""
    browser.get_log("browser")
    browser.get(url)


def console_errors(browser) -> list[str]:
    """Errors the page reported: a script that failed, a resource refused by the policy."""
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_reader_opens_an_article_and_follows_a_cross_reference(browser, live_server):
    from selenium.webdriver.common.by import By

    visit(browser, f"{live_server}/reg/2024/1689/art_6")
    assert browser.find_element(By.TAG_NAME, "h1").text.replace("\xa0", " ") == "Article 6"
    browser.save_screenshot(str(ARTIFACTS / "article-6.png"))
    link = browser.find_element(By.CSS_SELECTOR, '#art_6\\.par_2 a.ref[href="/reg/2024/1689/anx_III"]')
    link.click()
    wait_for(browser, lambda b: b.current_url.endswith("/reg/2024/1689/anx_III"))
    assert "ANNEX III" in browser.find_element(By.TAG_NAME, "h1").text.replace("\xa0", " ")
    browser.save_screenshot(str(ARTIFACTS / "annex-iii.png"))
    assert console_errors(browser) == []


def test_reference_to_a_paragraph_lands_on_its_anchor(browser, live_server):
    from selenium.webdriver.common.by import By

    visit(browser, f"{live_server}/reg/2024/1689/art_27")
    browser.find_element(By.CSS_SELECTOR, 'a.ref[href="/reg/2024/1689/art_6#art_6.par_2"]').click()
    wait_for(browser, lambda b: b.current_url.endswith("/reg/2024/1689/art_6#art_6.par_2"))
    target = browser.execute_script("return document.querySelector(':target').id")
    assert target == "art_6.par_2"


def test_hovering_a_defined_term_shows_its_definition(browser, live_server):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    visit(browser, f"{live_server}/reg/2024/1689/art_26")
    term = browser.find_element(By.CSS_SELECTOR, 'a.term[href="/definitions#deployer"]')
    ActionChains(browser).move_to_element(term).perform()
    tip = wait_for(browser, lambda b: b.find_element(By.CSS_SELECTOR, ".term-tip"))
    assert "natural or legal person" in tip.text.replace("\xa0", " ")
    browser.save_screenshot(str(ARTIFACTS / "article-26-term.png"))


def query_text(browser) -> str:
    """The editor's query, as the form would post it (the text area CodeMirror keeps in step)."""
    from selenium.webdriver.common.by import By

    return browser.find_element(By.ID, "query").get_attribute("value")


def clear_editor(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    content = wait_for(browser, lambda b: b.find_element(By.CSS_SELECTOR, "#editor .cm-content"))
    content.click()
    content.send_keys(Keys.CONTROL, "a")
    content.send_keys(Keys.DELETE)
    wait_for(browser, lambda b: query_text(b) == "")
    return content


def test_researcher_runs_a_query_in_the_editor(browser, live_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    visit(browser, f"{live_server}/sparql")
    keywords = wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#editor .cm-content .tok-keyword"))
    assert {k.text for k in keywords} >= {"PREFIX", "SELECT", "WHERE"}, "syntax highlighting"
    assert browser.find_elements(By.CSS_SELECTOR, "#editor .cm-content .tok-variable")
    browser.find_element(By.CSS_SELECTOR, '[data-example="definitions"]').click()
    wait_for(browser, lambda b: "skos:prefLabel" in query_text(b))
    assert "skos:prefLabel" in browser.find_element(By.CSS_SELECTOR, "#editor .cm-content").text
    content = clear_editor(browser)
    content.send_keys("SELECT ?article WHERE { ?article a aiact:Arti")
    chosen = wait_for(browser, lambda b: b.find_element(
        By.CSS_SELECTOR, ".cm-tooltip-autocomplete li[aria-selected] .cm-completionLabel"))
    assert chosen.text == "aiact:Article"
    content.send_keys(Keys.ENTER)
    content.send_keys(" } ORDER BY ?article LIMIT 7")
    assert query_text(browser) == ("PREFIX aiact: <https://w3id.org/aiact-kg/ontology#>\n"
                                   "SELECT ?article WHERE { ?article a aiact:Article } ORDER BY ?article LIMIT 7")
    content.send_keys(Keys.CONTROL, Keys.ENTER)
    rows = wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#results table tbody tr"))
    assert len(rows) == 7
    first = rows[0].find_element(By.TAG_NAME, "a")
    assert first.get_attribute("href") == f"{live_server}/reg/2024/1689/art_1" and first.text == "act:art_1"
    csv_link = browser.find_element(By.CSS_SELECTOR, '#results .downloads a[data-format="csv"]')
    assert csv_link.get_attribute("download") == "results.csv"
    downloaded = browser.execute_async_script(
        "var done = arguments[1]; fetch(arguments[0]).then(function (r) { return r.text(); }).then(done);",
        csv_link.get_attribute("href"))
    lines = downloaded.splitlines()
    assert lines[0] == "article" and len(lines) == 8 and lines[1].endswith("/reg/2024/1689/art_1")
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(ARTIFACTS / "sparql-editor.png"))
    assert console_errors(browser) == []


def test_prefix_typed_by_hand_brings_its_declaration(browser, live_server):
    from selenium.webdriver.common.by import By

    visit(browser, f"{live_server}/sparql")
    content = clear_editor(browser)
    content.send_keys("ASK { ?s skos:")
    wait_for(browser, lambda b: query_text(b).startswith("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"))
    browser.find_element(By.CSS_SELECTOR, '.prefix-bar button[data-prefix="eli"]').click()
    assert query_text(browser).splitlines()[:2] == ["PREFIX skos: <http://www.w3.org/2004/02/skos/core#>",
                                                    "PREFIX eli: <http://data.europa.eu/eli/ontology#>"]


def test_editor_shows_the_endpoints_error_and_graphs_as_turtle(browser, live_server):
    from selenium.webdriver.common.by import By

    visit(browser, f"{live_server}/sparql")
    clear_editor(browser).send_keys("SELEC ?x WHERE { ?x ?p ?o }")
    browser.find_element(By.ID, "run").click()
    error = wait_for(browser, lambda b: b.find_element(By.CSS_SELECTOR, "#results pre.error"))
    assert error.text.startswith("400 Bad Request: The query is not valid SPARQL 1.1")
    assert query_text(browser) == "SELEC ?x WHERE { ?x ?p ?o }", "the query stays as typed"
    # one local id per subject: two triples are two lines of Turtle, whichever two the store gives first
    clear_editor(browser).send_keys("CONSTRUCT { ?a eli:id_local ?t } WHERE { ?a eli:id_local ?t } LIMIT 2")
    browser.find_element(By.ID, "run").click()
    turtle = wait_for(browser, lambda b: b.find_element(By.CSS_SELECTOR, "#results pre.graph"))
    lines = turtle.text.splitlines()
    assert len(lines) == 2 and all("<http://data.europa.eu/eli/ontology#id_local>" in line for line in lines)
    formats = [a.get_attribute("data-format") for a in browser.find_elements(By.CSS_SELECTOR, "#results .downloads a")]
    assert formats == ["turtle", "jsonld", "nt"]
    console = [m for m in console_errors(browser) if "400 (BAD REQUEST)" not in m]
    assert console == []


def test_french_editor_lists_french_examples_and_shows_the_endpoints_error_in_french(browser, live_server):
    from selenium.webdriver.common.by import By

    visit(browser, f"{live_server}/fr/sparql")
    example = browser.find_element(By.CSS_SELECTOR, '[data-example="cited-by"]')
    assert example.text == "Ce qui cite une disposition"
    example.click()
    wait_for(browser, lambda b: "# title-fr: Ce qui cite une disposition" in query_text(b))
    clear_editor(browser).send_keys("SELEC ?x WHERE { ?x ?p ?o }")
    browser.find_element(By.ID, "run").click()
    error = wait_for(browser, lambda b: b.find_element(By.CSS_SELECTOR, "#results pre.error"))
    assert error.text.startswith("400 Requête incorrecte : La requête n’est pas du SPARQL 1.1 valide ; "
                                 "l’analyseur indique : ligne 1, colonne 1 :")
    clear_editor(browser).send_keys("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    browser.find_element(By.ID, "run").click()
    wait_for(browser, lambda b: "SERVICE est refusé" in b.find_element(By.CSS_SELECTOR, "#results pre.error").text)
    console = [m for m in console_errors(browser) if "(BAD REQUEST)" not in m and "(FORBIDDEN)" not in m]
    assert console == []


def test_counts_are_drawn_as_a_bar_chart(browser, live_server):
    from selenium.webdriver.common.by import By

    visit(browser, f"{live_server}/sparql")
    wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#editor .cm-content"))
    browser.find_element(By.ID, "run").click()  # the page opens with the subdivisions counted by kind
    rows = wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#results table tbody tr"))
    bars = browser.find_elements(By.CSS_SELECTOR, "#results svg.bar-chart rect.chart-bar")
    assert len(bars) == len(rows) > 5
    widths = [float(bar.get_attribute("width")) for bar in bars]
    counts = [int(row.find_elements(By.TAG_NAME, "td")[1].text) for row in rows]
    assert widths.index(max(widths)) == counts.index(max(counts))
    caption = browser.find_element(By.CSS_SELECTOR, "#results figure figcaption").text
    assert caption == "Chart of count by kind"
    browser.find_element(By.ID, "chart-h").location_once_scrolled_into_view  # noqa: B018
    browser.save_screenshot(str(ARTIFACTS / "sparql-chart.png"))
    assert console_errors(browser) == []


def test_sparql_page_fits_a_360_pixel_screen(browser, live_server):
    from selenium.webdriver.common.by import By

    browser.set_window_size(360, 800)
    try:
        visit(browser, f"{live_server}/fr/sparql")
        wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#editor .cm-content"))
        browser.find_element(By.ID, "run").click()
        wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#results svg.bar-chart"))
        width = browser.execute_script("return document.documentElement.clientWidth")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width, "no sideways scrolling"
        editor = browser.find_element(By.CSS_SELECTOR, "#editor .cm-editor").rect
        assert editor["width"] >= 300 and editor["x"] + editor["width"] <= width
        label = browser.find_element(By.CSS_SELECTOR, "#results svg.bar-chart .chart-label")
        assert label.rect["height"] >= 10, "the chart's words keep a readable size"
        browser.find_element(By.ID, "chart-h").location_once_scrolled_into_view  # noqa: B018
        browser.save_screenshot(str(ARTIFACTS / "sparql-360px-fr.png"))
        assert console_errors(browser) == []
    finally:
        browser.set_window_size(1280, 1000)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_editor_links_results_where_the_page_without_javascript_does(browser, live_server, lang):
    import re
    import urllib.parse
    import urllib.request

    from selenium.webdriver.common.by import By

    query = ("SELECT ?x WHERE { VALUES ?x { <https://w3id.org/aiact-kg/reg/2024/1689/art_6> "
             "<https://w3id.org/aiact-kg/reg/2024/1689/art_6.par_2> <https://w3id.org/aiact-kg/ontology#Provider> "
             "<https://w3id.org/aiact-kg/reg/2024/1689/obligation/art_9.par_1> "
             "<https://w3id.org/aiact-kg/reg/2024/1689/cpt_III.sct_2> <http://data.europa.eu/eli/reg/2019/881/oj> } }")
    request = urllib.request.Request(f"{live_server}/{lang}/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Accept": "text/html"})
    with urllib.request.urlopen(request) as response:
        expected = re.findall(r'<td><a href="([^"]+)"', response.read().decode("utf-8"))
    assert len(expected) == 6
    visit(browser, f"{live_server}/{lang}/sparql")
    clear_editor(browser).send_keys(query)
    assert query_text(browser) == query
    browser.find_element(By.ID, "run").click()
    wait_for(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, "#results table tbody a")) == 6)
    drawn = browser.execute_script(
        "return Array.from(document.querySelectorAll('#results table tbody a')).map(function (a) {"
        " return a.getAttribute('href'); })")
    assert drawn == expected
    if lang == "fr":
        assert browser.find_element(By.CSS_SELECTOR, "#results .downloads").text.startswith("Télécharger :")
    assert console_errors(browser) == []


def test_researcher_validates_an_example_description(browser, live_server):
    from selenium.webdriver.common.by import By

    visit(browser, f"{live_server}/validate")
    browser.find_element(By.ID, "file").send_keys(str(paths.EXAMPLES / "cv-screening-incomplete.ttl"))
    browser.find_element(By.ID, "validate-run").click()
    verdict = wait_for(browser, lambda b: b.find_element(By.CSS_SELECTOR, "#report .verdict"))
    assert verdict.text.startswith("The description does not conform")
    cited = browser.find_element(By.CSS_SELECTOR, '#report .report-classification a[href$="anx_III.pnt_4.pnt_a"]')
    assert cited.text == "Annex III, point 4(a)"
    verdict.location_once_scrolled_into_view  # noqa: B018 (scrolls the report into the screenshot)
    browser.save_screenshot(str(ARTIFACTS / "validate-report.png"))
    cited.click()
    wait_for(browser, lambda b: "/reg/2024/1689/anx_III" in b.current_url)
    assert console_errors(browser) == []


BROKEN_DESCRIPTION = ("@prefix aiact: <https://w3id.org/aiact-kg/ontology#> .\n"
                      "@prefix ex: <https://example.org/> .\n"
                      "\n"
                      "ex:system a aiact:AISystem ;\n"
                      "    aiact:usedFor aiact:AnnexIIIUseCase4a\n"
                      "ex:provider a aiact:Provider .\n")


def test_the_validator_keeps_the_input_on_an_error_and_names_the_line(browser, live_server):
    from selenium.webdriver.common.by import By

    visit(browser, f"{live_server}/validate")
    area = browser.find_element(By.ID, "description")
    area.send_keys(BROKEN_DESCRIPTION)
    browser.find_element(By.ID, "validate-run").click()
    problem = wait_for(browser, lambda b: b.find_element(By.ID, "problem"))
    assert "The description cannot be read at line 6, column" in problem.find_element(By.CLASS_NAME, "error-message").text
    marked = problem.find_element(By.CSS_SELECTOR, ".error-excerpt li.error-line")
    assert marked.get_attribute("value") == "6" and marked.text.startswith("ex:provider a aiact:Provider .")
    area = browser.find_element(By.ID, "description")
    assert area.get_attribute("value") == BROKEN_DESCRIPTION, "the pasted text is still there, as pasted"
    selected = browser.execute_script(
        "var a = document.getElementById('description'); return [document.activeElement === a,"
        " a.value.substring(a.selectionStart, a.selectionEnd)];")
    assert selected == [True, "ex:provider a aiact:Provider ."], "the line is selected in the text area"
    browser.save_screenshot(str(ARTIFACTS / "validate-syntax-error.png"))
    # the page itself comes with its status, 400: nothing else may fail
    assert [e for e in console_errors(browser) if not e.endswith("status of 400 (BAD REQUEST)")] == []


@pytest.mark.parametrize("description", ["error", "report"])
def test_the_validator_error_and_report_fit_a_360_pixel_screen(browser, live_server, description):
    from selenium.webdriver.common.by import By

    browser.set_window_size(360, 800)
    try:
        visit(browser, f"{live_server}/fr/validate")
        if description == "error":
            browser.find_element(By.ID, "description").send_keys(BROKEN_DESCRIPTION)
        else:
            browser.find_element(By.ID, "file").send_keys(str(paths.EXAMPLES / "repurposed-general-purpose-system.ttl"))
        browser.find_element(By.ID, "validate-run").click()
        wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#problem, #report"))
        width = browser.execute_script("return document.documentElement.clientWidth")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width, "no sideways scrolling"
        outside = browser.execute_script(
            "var w = document.documentElement.clientWidth; return Array.from(document.querySelectorAll('main *'))"
            ".filter(function (e) { var r = e.getBoundingClientRect(); return r.width && r.right > w + 1"
            " && !e.closest('.error-excerpt'); })"
            ".map(function (e) { return e.tagName + '.' + e.className; })")
        assert outside == []
        browser.save_screenshot(str(ARTIFACTS / f"validate-{description}-360px.png"))
    finally:
        browser.set_window_size(1280, 1000)


@pytest.mark.parametrize("name, path", [
    ("home", "/"), ("article-5", "/reg/2024/1689/art_5"), ("article-6-side-by-side", "/reg/2024/1689/art_6?lang=both"),
    ("recital-53", "/reg/2024/1689/rct_53"), ("definitions", "/definitions"), ("obligations", "/obligations"),
    ("timeline", "/timeline?date=2026-08-02"), ("search-deployeur", "/search?q=deployeur"), ("ontology", "/ontology"),
])
def test_screenshots_of_the_main_pages(browser, live_server, name, path):
    from selenium.webdriver.common.by import By

    visit(browser, f"{live_server}{path}")
    assert browser.find_element(By.TAG_NAME, "h1").text
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    assert console_errors(browser) == []


def test_pages_work_without_javascript(live_server):
    """Browsing needs no script: links, search and the editor's form are plain HTML."""
    import urllib.parse
    import urllib.request

    with urllib.request.urlopen(f"{live_server}/search?" + urllib.parse.urlencode({"q": "Article 6(2)"})) as response:
        assert response.url.endswith("/reg/2024/1689/art_6#art_6.par_2") or "/reg/2024/1689/art_6" in response.url
    request = urllib.request.Request(f"{live_server}/sparql", data=urllib.parse.urlencode(
        {"query": "ASK { ?s ?p ?o }", "format": ""}).encode(), headers={"Accept": "text/html"})
    with urllib.request.urlopen(request) as response:
        assert b'<p class="boolean">true</p>' in response.read()


def test_french_reader_gets_a_french_interface_and_switches_on_the_same_provision(browser, live_server):
    from selenium.webdriver.common.by import By

    visit(browser, f"{live_server}/fr/reg/2024/1689/art_6#art_6.par_2")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    menu = [a.text for a in browser.find_elements(By.CSS_SELECTOR, 'header.site nav[aria-label="Menu principal"] a')]
    assert menu[:3] == ["Accueil", "Définitions", "Obligations"]
    assert browser.find_element(By.ID, "recitals-h").text == "Considérants qui l’éclairent"
    assert browser.find_element(By.CSS_SELECTOR, ".quick-search button").text == "Rechercher"
    browser.save_screenshot(str(ARTIFACTS / "article-6-fr.png"))
    browser.find_element(By.CSS_SELECTOR, 'a.lang-switch[hreflang="en"]').click()
    wait_for(browser, lambda b: "/en/reg/2024/1689/art_6" in b.current_url)
    assert browser.current_url.endswith("/en/reg/2024/1689/art_6#art_6.par_2")
    assert browser.find_element(By.ID, "recitals-h").text == "Recitals that explain it"
    assert console_errors(browser) == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_article_page_fits_a_360_pixel_screen(browser, live_server, lang):
    from selenium.webdriver.common.by import By

    browser.set_window_size(360, 800)
    try:
        visit(browser, f"{live_server}/{lang}/reg/2024/1689/art_5")
        width = browser.execute_script("return document.documentElement.clientWidth")
        assert width <= 360
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width, "no sideways scrolling"
        outside = browser.execute_script(
            "var w = document.documentElement.clientWidth; return Array.from(document.querySelectorAll('body *'))"
            ".filter(function (e) { var r = e.getBoundingClientRect(); return r.width && r.right > w + 1; })"
            ".map(function (e) { return e.tagName + '.' + e.className; })")
        assert outside == []
        search = browser.find_element(By.ID, "quick-q").rect
        assert search["width"] >= 120, "the search box stays usable"
        text = browser.find_element(By.CSS_SELECTOR, ".text").rect
        assert text["width"] >= 300, "the text takes the screen's width"
        browser.save_screenshot(str(ARTIFACTS / f"article-5-360px-{lang}.png"))
    finally:
        browser.set_window_size(1280, 1000)


@pytest.mark.parametrize("lang, oscola, oj", [
    ("en", "(Artificial Intelligence Act) [2024] OJ L2024/1689, art 6",
     "Article 6 of Regulation (EU) 2024/1689 of the European Parliament and of the Council of 13 June 2024"),
    ("fr", "(règlement sur l’intelligence artificielle) [2024] JO L2024/1689, art 6",
     "article 6 du règlement (UE) 2024/1689 du Parlement européen et du Conseil du 13 juin 2024"),
])
def test_reader_copies_a_citation_in_one_click(browser, live_server, lang, oscola, oj):
    from selenium.webdriver.common.by import By

    browser.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": live_server, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    visit(browser, f"{live_server}/{lang}/reg/2024/1689/art_6")
    browser.find_element(By.CSS_SELECTOR, "details.cite summary").click()
    buttons = browser.find_elements(By.CSS_SELECTOR, "button.copy-citation")
    copied = []
    for button in buttons:
        button.click()
        wait_for(browser, lambda b: "done" in button.get_attribute("class"))
        copied.append(browser.execute_async_script(
            "var done = arguments[0]; navigator.clipboard.readText().then(done, function (e) { done('! ' + e); });"))
    assert copied[0].endswith(oscola)
    assert copied[1].startswith(oj) and copied[1].endswith("ELI: http://data.europa.eu/eli/reg/2024/1689/oj)")
    status = browser.find_element(By.CSS_SELECTOR, ".copy-status").text
    assert status == ("Copied" if lang == "en" else "Copié")
    browser.save_screenshot(str(ARTIFACTS / f"article-6-cite-{lang}.png"))
    assert console_errors(browser) == []


def test_researcher_searches_a_quoted_phrase_and_goes_to_page_2(browser, live_server):
    import re

    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    visit(browser, f"{live_server}/search")
    box = browser.find_element(By.ID, "q")
    box.send_keys('"high-risk AI system" deployer')
    box.send_keys(Keys.ENTER)
    wait_for(browser, lambda b: "/search?q=" in b.current_url and b.find_elements(By.CSS_SELECTOR, "ol.results li"))
    assert browser.find_element(By.ID, "q").get_attribute("value") == '"high-risk AI system" deployer'
    count = browser.find_element(By.CSS_SELECTOR, ".search-results p.count").text
    total = int(re.match(r"(\d+) subdivisions match; results 1 to 20\.", count).group(1))
    assert total > 20
    first_page = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "ol.results li > a")]
    assert len(first_page) == 20
    marked = {m.text.lower().replace("\xa0", " ") for m in browser.find_elements(By.CSS_SELECTOR, "ol.results mark")}
    assert marked <= {"high-risk ai system", "high-risk ai systems", "deployer", "deployers"}
    assert {"high-risk ai system", "high-risk ai systems"} & marked, "the phrase is marked whole"
    browser.save_screenshot(str(ARTIFACTS / "search-phrase.png"))
    browser.find_element(By.CSS_SELECTOR, '.search-pager a[rel="next"]').click()
    wait_for(browser, lambda b: "page=2" in b.current_url)
    assert browser.find_element(By.CSS_SELECTOR, 'ol.results').get_attribute("start") == "21"
    assert browser.find_element(By.CSS_SELECTOR, '.search-pager [aria-current="page"]').text == "2"
    second_page = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "ol.results li > a")]
    assert second_page and not set(second_page) & set(first_page)
    browser.find_element(By.CSS_SELECTOR, '.facet[data-facet="lang"] a[data-value="en"]').click()
    wait_for(browser, lambda b: "lang=en" in b.current_url)
    assert "page=" not in browser.current_url, "narrowing starts again at the first page"
    assert {li.get_attribute("lang") for li in browser.find_elements(By.CSS_SELECTOR, "ol.results > li")} == {"en"}
    assert console_errors(browser) == []


def test_search_page_fits_a_360_pixel_screen(browser, live_server):
    browser.set_window_size(360, 800)
    try:
        visit(browser, f"{live_server}/fr/search?q=%22syst%C3%A8me+d%E2%80%99IA%22")
        width = browser.execute_script("return document.documentElement.clientWidth")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width, "no sideways scrolling"
        browser.save_screenshot(str(ARTIFACTS / "search-360px-fr.png"))
    finally:
        browser.set_window_size(1280, 1000)
