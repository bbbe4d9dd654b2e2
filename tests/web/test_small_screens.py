"""Every page on a phone: the browser of test_browser.py with the viewport of a 360 px wide
screen (Chromium's device emulation, as a phone reports it). Nothing may be wider than the
screen (the page never scrolls sideways) and the menu, search and text stay reachable.
Screenshots at that width are kept in ``test-artifacts/``."""

from __future__ import annotations

import pytest
from test_browser import ARTIFACTS, browser, console_errors, visit  # noqa: F401 (the browser fixture)

WIDTH = 360


@pytest.fixture
def phone(browser):  # noqa: F811 (the fixture imported above)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": WIDTH, "height": 780, "deviceScaleFactor": 1, "mobile": True})
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def overflow(browser) -> dict:
    """The page's width against the screen's, and the elements that stick out on the right."""
    return browser.execute_script("""
        const width = arguments[0];
        const wide = [];
        for (const el of document.body.querySelectorAll('*')) {
          const box = el.getBoundingClientRect();
          if (box.width && box.right > width + 1 && !el.closest('.table-wrap, pre, .visually-hidden')) {
            wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                      (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
                      ' ' + Math.round(box.right));
          }
        }
        return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide: wide.slice(0, 10)};
    """, WIDTH)


def test_article_page_fits_a_360_px_screen(phone, live_server):
    from selenium.webdriver.common.by import By

    visit(phone, f"{live_server}/reg/2024/1689/art_5")
    sizes = overflow(phone)
    assert sizes["inner"] == WIDTH, f"the phone zooms out to fit the page: {sizes}"
    assert sizes["scroll"] <= sizes["inner"], f"the page scrolls sideways: {sizes}"
    assert sizes["wide"] == [], f"wider than the screen: {sizes}"
    text = phone.find_element(By.CSS_SELECTOR, ".text")
    assert 0 <= text.rect["x"] and text.rect["x"] + text.rect["width"] <= WIDTH
    search = phone.find_element(By.ID, "quick-q")
    assert search.is_displayed() and search.rect["x"] + search.rect["width"] <= WIDTH
    phone.save_screenshot(str(ARTIFACTS / "article-5-360px.png"))
    assert console_errors(phone) == []


@pytest.mark.parametrize("name, path", [
    ("home", "/"), ("article-6-side-by-side", "/reg/2024/1689/art_6?lang=both"), ("annex-iii", "/reg/2024/1689/anx_III"),
    ("recital-53", "/reg/2024/1689/rct_53"), ("definitions", "/definitions"), ("obligations", "/obligations"),
    ("timeline", "/timeline"), ("search", "/search?q=deployer"), ("sparql", "/sparql"), ("validate", "/validate"),
    ("link", "/link"), ("ontology", "/ontology"), ("not-found", "/reg/2024/1689/art_999"),
    ("print-article-5-fr", "/fr/reg/2024/1689/art_5/print"), ("coverage-fr", "/fr/coverage"),
    ("actor-provider-fr", "/fr/actors/Provider"), ("statement-fr", "/fr/reg/2024/1689/obligation/art_9.par_1"),
])
def test_every_page_fits_a_360_px_screen(phone, live_server, name, path):
    visit(phone, f"{live_server}{path}")
    sizes = overflow(phone)
    phone.save_screenshot(str(ARTIFACTS / f"{name}-360px.png"))
    assert sizes["inner"] == WIDTH and sizes["scroll"] <= WIDTH, f"{path} is wider than the screen: {sizes}"
