"""The ontology reference page."""

from __future__ import annotations


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
