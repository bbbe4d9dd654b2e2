"""The ontology reference page."""

from __future__ import annotations

import pytest


def test_ontology_reference_lists_classes_and_properties_in_both_languages(client):
    page = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="Article"' in page and 'id="explainedBy"' in page
    assert "considérant" in page
    assert 'href="/reg/2024/1689/enc_1"' in page  # aiact:Article dct:source act:enc_1


def test_the_reference_documents_the_model_of_the_law_with_its_sources(client):
    page = client.get("/ontology").get_data(as_text=True)
    provider = page[page.index('id="Provider"'):]
    provider = provider[:provider.index("</div>")]
    assert '<span lang="fr">fournisseur</span>' in provider and "(Article 3(3))" in provider
    assert 'Sub-class of <a href="/ontology#Operator">' in provider
    assert 'Source: <a href="/reg/2024/1689/art_3#art_3.pnt_3">Article 3, point (3)</a>' in provider
    for term in ("AnnexIIIHighRiskAISystem", "GPAIModelWithSystemicRisk", "Obligation", "addressee",
                 "applicableFrom", "FineCeiling", "RiskManagementSystem"):
        assert f'id="{term}"' in page, term


def _definitions(page: str) -> list[tuple[str, str]]:
    """The (language, text) of each term's definition on the reference page."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(page)
    return [(p.get("lang"), p.text_content()) for p in tree.xpath('//dl[@class="terms"]//dd/p[@lang]')]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_reference_defines_each_term_in_the_page_s_language(client, lang):
    page = client.get(f"/{lang}/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    found = _definitions(page)
    assert len(found) >= 200
    assert {language for language, _ in found} == {lang}
    provider = page[page.index('id="Provider"'):]
    provider = provider[:provider.index("</div>")]
    assert ("(article 3, point 3)" if lang == "fr" else "(Article 3(3))") in provider
    assert 'lang="en">A natural or legal person' not in page if lang == "fr" else "Une personne physique" not in page
